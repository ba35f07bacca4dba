// SPDX-License-Identifier: MIT
#include "lb_xenops.h"

static void *lbx_map(void *ctx, unsigned int n, const uint32_t *refs)
{
	return vcam_lb_map(ctx, VCAM_LB_BE, n, refs);
}

static void lbx_unmap(void *ctx, void *addr, unsigned int n)
{
	(void)ctx;
	vcam_lb_unmap(addr, n);
}

static void *lbx_share(void *ctx, unsigned int n, uint32_t *refs)
{
	return vcam_lb_share(ctx, VCAM_LB_BE, n, refs);
}

static void lbx_unshare(void *ctx, void *addr, unsigned int n,
			const uint32_t *refs)
{
	vcam_lb_unshare(ctx, VCAM_LB_BE, addr, n, refs);
}

static int lbx_notify(void *ctx, unsigned int port)
{
	return vcam_lb_notify(ctx, VCAM_LB_BE, port);
}

const struct vcamd_xen_ops vcamd_lb_xen_ops = {
	.map = lbx_map,
	.unmap = lbx_unmap,
	.share = lbx_share,
	.unshare = lbx_unshare,
	.notify = lbx_notify,
};
