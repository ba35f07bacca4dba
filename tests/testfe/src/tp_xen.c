// SPDX-License-Identifier: MIT
/*
 * Xen transport from inside a PV domU: libxenstore over /dev/xen/xenbus,
 * xengntshr (gntalloc) for our pages, xengnttab (gntdev) for the
 * backend's pages in be-alloc mode, xenevtchn for the two channels.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#include "transport.h"

struct tp_xen {
	struct tfe_tp tp;
	struct xs_handle *xs;
	xengntshr_handle *gs;
	xengnttab_handle *gt;
	xenevtchn_handle *ce;
	unsigned int self_domid;
	unsigned int be_domid;
	unsigned int foreign_domid;
	char fe_dir[128];
	char be_dir[256];
	char be_state[300];
};

static struct tp_xen *to_xen(struct tfe_tp *tp)
{
	return (struct tp_xen *)tp->priv;
}

static void *xen_share(struct tfe_tp *tp, unsigned int n, uint32_t *refs)
{
	struct tp_xen *x = to_xen(tp);
	void *p;

	p = xengntshr_share_pages(x->gs, x->be_domid, (int)n, refs, 1);
	if (p)
		memset(p, 0, (size_t)n * 4096);
	return p;
}

static int xen_unshare(struct tfe_tp *tp, void *addr, unsigned int n,
		       const uint32_t *refs)
{
	(void)refs;
	return xengntshr_unshare(to_xen(tp)->gs, addr, n) ? -errno : 0;
}

static void *xen_share_foreign(struct tfe_tp *tp, unsigned int n,
			       uint32_t *refs)
{
	struct tp_xen *x = to_xen(tp);

	if (x->foreign_domid == x->be_domid) {
		errno = ENOTSUP;
		return NULL;
	}
	return xengntshr_share_pages(x->gs, x->foreign_domid, (int)n, refs, 1);
}

static void *xen_map(struct tfe_tp *tp, unsigned int n, const uint32_t *refs)
{
	struct tp_xen *x = to_xen(tp);

	/* We only read frames: a read-only mapping is all we ask for. */
	return xengnttab_map_domain_grant_refs(x->gt, n, x->be_domid,
					       (uint32_t *)refs, PROT_READ);
}

static int xen_unmap(struct tfe_tp *tp, void *addr, unsigned int n)
{
	return xengnttab_unmap(to_xen(tp)->gt, addr, n) ? -errno : 0;
}

static int xen_chan_alloc(struct tfe_tp *tp, uint32_t *port)
{
	struct tp_xen *x = to_xen(tp);
	xenevtchn_port_or_error_t p;

	p = xenevtchn_bind_unbound_port(x->ce, x->be_domid);
	if (p < 0)
		return -errno;
	*port = (uint32_t)p;
	return 0;
}

static void xen_chan_free(struct tfe_tp *tp, uint32_t port)
{
	xenevtchn_unbind(to_xen(tp)->ce, port);
}

static int xen_notify(struct tfe_tp *tp, uint32_t port)
{
	return xenevtchn_notify(to_xen(tp)->ce, port) ? -errno : 0;
}

static int xen_drain_watch(struct tp_xen *x)
{
	char **w;
	int n = 0;

	while ((w = xs_check_watch(x->xs)) != NULL) {
		free(w);
		n++;
	}
	return n;
}

static int xen_wait(struct tfe_tp *tp, int timeout_ms, uint32_t *port)
{
	struct tp_xen *x = to_xen(tp);
	struct pollfd pfd[2];
	xenevtchn_port_or_error_t p;
	int ret;

	pfd[0].fd = xenevtchn_fd(x->ce);
	pfd[0].events = POLLIN;
	pfd[1].fd = xs_fileno(x->xs);
	pfd[1].events = POLLIN;
	do {
		ret = poll(pfd, 2, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return TFE_WAKE_TIMEOUT;
	if (pfd[0].revents & POLLIN) {
		p = xenevtchn_pending(x->ce);
		if (p < 0)
			return -errno;
		if (xenevtchn_unmask(x->ce, p))
			return -errno;
		*port = (uint32_t)p;
		return TFE_WAKE_CHAN;
	}
	xen_drain_watch(x);
	return TFE_WAKE_CFG;
}

static const char *xen_dir(struct tp_xen *x, enum tfe_dir dir)
{
	return dir == TFE_DIR_FE ? x->fe_dir : x->be_dir;
}

static int xen_cfg_read(struct tfe_tp *tp, enum tfe_dir dir, const char *key,
			char *buf, size_t len)
{
	struct tp_xen *x = to_xen(tp);
	char path[512];
	unsigned int n;
	char *v;

	snprintf(path, sizeof(path), "%s/%s", xen_dir(x, dir), key);
	v = xs_read(x->xs, XBT_NULL, path, &n);
	if (!v)
		return errno == ENOENT ? -ENOENT : -(errno ? errno : EIO);
	if (n >= len) {
		free(v);
		return -ERANGE;
	}
	memcpy(buf, v, n);
	buf[n] = '\0';
	free(v);
	return 0;
}

static int xen_cfg_write(struct tfe_tp *tp, enum tfe_dir dir, const char *key,
			 const char *val)
{
	struct tp_xen *x = to_xen(tp);
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", xen_dir(x, dir), key);
	return xs_write(x->xs, XBT_NULL, path, val, strlen(val)) ? 0 : -errno;
}

static int xen_cfg_rm(struct tfe_tp *tp, enum tfe_dir dir, const char *key)
{
	struct tp_xen *x = to_xen(tp);
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", xen_dir(x, dir), key);
	if (xs_rm(x->xs, XBT_NULL, path) || errno == ENOENT)
		return 0;
	return -errno;
}

static void xen_close(struct tfe_tp *tp)
{
	struct tp_xen *x = to_xen(tp);

	if (x->xs && x->be_state[0])
		xs_unwatch(x->xs, x->be_state, "be");
	if (x->ce)
		xenevtchn_close(x->ce);
	if (x->gt)
		xengnttab_close(x->gt);
	if (x->gs)
		xengntshr_close(x->gs);
	if (x->xs)
		xs_close(x->xs);
	free(x);
}

static const struct tfe_tp_ops xen_ops = {
	.share = xen_share,
	.unshare = xen_unshare,
	.share_foreign = xen_share_foreign,
	.map = xen_map,
	.unmap = xen_unmap,
	.chan_alloc = xen_chan_alloc,
	.chan_free = xen_chan_free,
	.notify = xen_notify,
	.wait = xen_wait,
	.cfg_read = xen_cfg_read,
	.cfg_write = xen_cfg_write,
	.cfg_rm = xen_cfg_rm,
	.close = xen_close,
};

static int xs_read_uint(struct xs_handle *xs, const char *path,
			unsigned int *val)
{
	unsigned int len;
	char *v, *end;
	unsigned long n;

	v = xs_read(xs, XBT_NULL, path, &len);
	if (!v)
		return -1;
	n = strtoul(v, &end, 10);
	if (end == v || *end || n > 0x7fff) {
		free(v);
		return -1;
	}
	free(v);
	*val = (unsigned int)n;
	return 0;
}

struct tfe_tp *tfe_tp_xen_open(unsigned int devid, unsigned int foreign_domid)
{
	struct tp_xen *x;
	unsigned int len;
	char path[160];
	char *be;

	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->tp.ops = &xen_ops;
	x->tp.name = "xen";
	x->tp.priv = x;
	x->xs = xs_open(0);
	if (!x->xs) {
		fprintf(stderr, "xen: cannot open xenstore (/dev/xen/xenbus): %s\n",
			strerror(errno));
		goto fail;
	}
	/* Relative xenstore paths resolve under /local/domain/<self>. */
	if (xs_read_uint(x->xs, "domid", &x->self_domid)) {
		fprintf(stderr, "xen: cannot read own domid from xenstore\n");
		goto fail;
	}
	snprintf(x->fe_dir, sizeof(x->fe_dir),
		 "/local/domain/%u/device/vcamera/%u", x->self_domid, devid);
	snprintf(path, sizeof(path), "%s/backend", x->fe_dir);
	be = xs_read(x->xs, XBT_NULL, path, &len);
	if (!be || len == 0 || len >= sizeof(x->be_dir)) {
		fprintf(stderr, "xen: %s missing: no vcamera device %u attached\n",
			path, devid);
		free(be);
		goto fail;
	}
	memcpy(x->be_dir, be, len);
	x->be_dir[len] = '\0';
	free(be);
	snprintf(path, sizeof(path), "%s/backend-id", x->fe_dir);
	if (xs_read_uint(x->xs, path, &x->be_domid)) {
		fprintf(stderr, "xen: %s missing or not a domid\n", path);
		goto fail;
	}
	x->foreign_domid = foreign_domid;
	if (foreign_domid == ~0u)
		x->foreign_domid = x->be_domid ? 0 : x->self_domid;

	snprintf(x->be_state, sizeof(x->be_state), "%s/state", x->be_dir);
	if (!xs_watch(x->xs, x->be_state, "be")) {
		fprintf(stderr, "xen: cannot watch %s: %s\n", x->be_state,
			strerror(errno));
		x->be_state[0] = '\0';
		goto fail;
	}
	x->gs = xengntshr_open(NULL, 0);
	if (!x->gs) {
		fprintf(stderr, "xen: xengntshr_open (xen-gntalloc loaded?): %s\n",
			strerror(errno));
		goto fail;
	}
	x->gt = xengnttab_open(NULL, 0);
	if (!x->gt) {
		fprintf(stderr, "xen: xengnttab_open (xen-gntdev loaded?): %s\n",
			strerror(errno));
		goto fail;
	}
	x->ce = xenevtchn_open(NULL, 0);
	if (!x->ce) {
		fprintf(stderr, "xen: xenevtchn_open (xen-evtchn loaded?): %s\n",
			strerror(errno));
		goto fail;
	}
	return &x->tp;
fail:
	xen_close(&x->tp);
	return NULL;
}
