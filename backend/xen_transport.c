// SPDX-License-Identifier: MIT
/*
 * The Xen transport: libxenstore (watch our own backend/vcamera tree, the
 * frontends' dirs and @releaseDomain), libxengnttab (map the guests'
 * grants), libxengntshr (grant our pages for be-alloc), libxenevtchn
 * (interdomain event channels).  Paths are built from our own domid, so
 * the same binary serves from dom0 or from a driver domain.
 */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "log.h"
#include "parse.h"

struct xen_tp {
	/*
	 * The Xen libraries print their own error for every failed map; a
	 * guest handing us bad refs would flood the log that way.  vcamd
	 * logs what matters itself, so theirs only get through if critical.
	 */
	xentoollog_logger_stdiostream *quiet;
	struct xs_handle *xs;
	xengnttab_handle *xgt;
	xengntshr_handle *xgs;
	bool xgs_tried;
	xenevtchn_handle *xce;
	uint32_t self;
	char root[96];			/* .../backend/vcamera */
};

struct xen_conn {
	struct xen_tp *tp;
	uint32_t domid;
	char be_path[160];
	char fe_path[160];
	char token[48];
};

static struct xen_tp *tp_of(struct vcamd *d)
{
	return d->tp_priv;
}

/* ---- grants and event channels ---------------------------------------- */

static void *xx_map(void *ctx, unsigned int n, const uint32_t *refs)
{
	struct xen_conn *xc = ctx;

	return xengnttab_map_domain_grant_refs(xc->tp->xgt, n, xc->domid,
					       (uint32_t *)refs,
					       PROT_READ | PROT_WRITE);
}

static void xx_unmap(void *ctx, void *addr, unsigned int n)
{
	struct xen_conn *xc = ctx;

	if (addr)
		xengnttab_unmap(xc->tp->xgt, addr, n);
}

static void *xx_share(void *ctx, unsigned int n, uint32_t *refs)
{
	struct xen_conn *xc = ctx;
	struct xen_tp *tp = xc->tp;
	void *p;

	if (!tp->xgs && !tp->xgs_tried) {
		tp->xgs_tried = true;
		tp->xgs = xengntshr_open((xentoollog_logger *)tp->quiet, 0);
		if (!tp->xgs)
			log_err("be-alloc: cannot open gntalloc (modprobe xen-gntalloc limit=65536): %s",
				strerror(errno));
	}
	if (!tp->xgs)
		return NULL;
	p = xengntshr_share_pages(tp->xgs, xc->domid, (int)n, refs, 1);
	if (!p)
		log_warn("be-alloc: granting %u pages failed: %s (gntalloc limit?)",
			 n, strerror(errno));
	return p;
}

static void xx_unshare(void *ctx, void *addr, unsigned int n,
		       const uint32_t *refs)
{
	struct xen_conn *xc = ctx;

	(void)refs;
	if (addr && xc->tp->xgs)
		xengntshr_unshare(xc->tp->xgs, addr, n);
}

static int xx_copy(void *ctx, uint32_t ref, unsigned int offset, void *buf,
		   unsigned int len, bool to_peer)
{
	struct xen_conn *xc = ctx;
	xengnttab_grant_copy_segment_t seg;

	if (offset > VCAMD_PAGE_SIZE || len > VCAMD_PAGE_SIZE - offset)
		return -EINVAL;
	memset(&seg, 0, sizeof(seg));
	if (to_peer) {
		seg.source.virt = buf;
		seg.dest.foreign.ref = ref;
		seg.dest.foreign.offset = (uint16_t)offset;
		seg.dest.foreign.domid = (uint16_t)xc->domid;
		seg.flags = GNTCOPY_dest_gref;
	} else {
		seg.source.foreign.ref = ref;
		seg.source.foreign.offset = (uint16_t)offset;
		seg.source.foreign.domid = (uint16_t)xc->domid;
		seg.dest.virt = buf;
		seg.flags = GNTCOPY_source_gref;
	}
	seg.len = (uint16_t)len;
	if (xengnttab_grant_copy(xc->tp->xgt, 1, &seg))
		return -errno;
	return seg.status == GNTST_okay ? 0 : -EINVAL;
}

static int xx_notify(void *ctx, unsigned int port)
{
	struct xen_conn *xc = ctx;

	return xenevtchn_notify(xc->tp->xce, port) < 0 ? -errno : 0;
}

static const struct vcamd_xen_ops xen_ops = {
	.map = xx_map,
	.unmap = xx_unmap,
	.share = xx_share,
	.unshare = xx_unshare,
	.copy = xx_copy,
	.notify = xx_notify,
};

/* ---- xenstore ---------------------------------------------------------- */

static char *xt_read(struct vcamd_conn *c, bool fe, const char *key)
{
	struct xen_conn *xc = c->tpctx;
	char path[256];
	unsigned int len;

	snprintf(path, sizeof(path), "%s/%s", fe ? xc->fe_path : xc->be_path,
		 key);
	return xs_read(xc->tp->xs, XBT_NULL, path, &len);
}

static char *xt_list(struct vcamd_conn *c, bool fe, const char *key,
		     unsigned int *n)
{
	struct xen_conn *xc = c->tpctx;
	char path[256], **ents, *buf, *p;
	unsigned int i, cnt;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", fe ? xc->fe_path : xc->be_path,
		 key);
	ents = xs_directory(xc->tp->xs, XBT_NULL, path, &cnt);
	if (!ents || !cnt) {
		free(ents);
		return NULL;
	}
	for (i = 0; i < cnt; i++)
		len += strlen(ents[i]) + 1;
	buf = malloc(len);
	for (i = 0, p = buf; buf && i < cnt; i++) {
		strcpy(p, ents[i]);
		p += strlen(p) + 1;
	}
	free(ents);
	*n = buf ? cnt : 0;
	return buf;
}

/*
 * Our nodes follow the libxl convention for backend dirs: owned by us,
 * readable by the frontend's domain, nothing for anyone else; explicit,
 * so it holds whatever the parent's permissions were.
 */
static int xt_write(struct vcamd_conn *c, const char *key, const char *val)
{
	struct xen_conn *xc = c->tpctx;
	struct xs_permissions perms[2] = {
		{ .id = xc->tp->self, .perms = XS_PERM_NONE },
		{ .id = xc->domid, .perms = XS_PERM_READ },
	};
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", xc->be_path, key);
	if (!xs_write(xc->tp->xs, XBT_NULL, path, val, strlen(val)))
		return -EIO;
	if (!xs_set_permissions(xc->tp->xs, XBT_NULL, path, perms, 2))
		log_warn("%s: cannot set permissions of %s", c->name, path);
	return 0;
}

static int xt_bind(struct vcamd_conn *c, unsigned int remote,
		   unsigned int *local)
{
	struct xen_conn *xc = c->tpctx;
	xenevtchn_port_or_error_t p;

	p = xenevtchn_bind_interdomain(xc->tp->xce, xc->domid, remote);
	if (p < 0)
		return -errno;
	*local = (unsigned int)p;
	return 0;
}

static void xt_unbind(struct vcamd_conn *c, unsigned int local)
{
	struct xen_conn *xc = c->tpctx;

	xenevtchn_unbind(xc->tp->xce, local);
}

static void xt_conn_free(struct vcamd_conn *c)
{
	struct xen_conn *xc = c->tpctx;

	xs_unwatch(xc->tp->xs, xc->fe_path, xc->token);
	free(xc);
	c->tpctx = NULL;
}

static const struct vcamd_transport xen_transport;

/* A backend dir appeared or changed: create, or destroy if it is gone. */
static void be_changed(struct vcamd *d, uint32_t fe, uint32_t devid)
{
	struct xen_tp *tp = tp_of(d);
	struct vcamd_conn *c = vcamd_conn_find(d, fe, devid);
	char path[256], *fe_path;
	struct xen_conn *xc;
	unsigned int len;

	snprintf(path, sizeof(path), "%s/%u/%u/frontend", tp->root, fe, devid);
	fe_path = xs_read(tp->xs, XBT_NULL, path, &len);
	if (!fe_path) {
		if (c) {
			log_info("%s: backend dir removed", c->name);
			vcamd_conn_destroy(d, c);
		}
		return;
	}
	if (c) {
		free(fe_path);
		vcamd_xb_update(c);	/* e.g. online = 0: detach */
		return;
	}
	if (strlen(fe_path) >= sizeof(xc->fe_path)) {
		free(fe_path);
		return;
	}
	xc = calloc(1, sizeof(*xc));
	if (!xc) {
		free(fe_path);
		return;
	}
	xc->tp = tp;
	xc->domid = fe;
	strcpy(xc->fe_path, fe_path);
	free(fe_path);
	snprintf(xc->be_path, sizeof(xc->be_path), "%s/%u/%u", tp->root, fe,
		 devid);
	snprintf(xc->token, sizeof(xc->token), "fe:%u:%u", fe, devid);
	c = vcamd_conn_new(d, &xen_transport, xc, fe, devid);
	if (!c) {
		free(xc);
		return;
	}
	vcamd_xb_init(c);
	/* Fires once right away, which runs the first update. */
	if (!xs_watch(tp->xs, xc->fe_path, xc->token))
		log_err("%s: cannot watch %s", c->name, xc->fe_path);
}

static void scan_backends(struct vcamd *d)
{
	struct xen_tp *tp = tp_of(d);
	unsigned int nfe, ndev, i, j;
	char **fes, **devs, path[160];

	fes = xs_directory(tp->xs, XBT_NULL, tp->root, &nfe);
	for (i = 0; fes && i < nfe; i++) {
		uint32_t fe, dev;

		if (vcam_parse_u32(fes[i], 0, 0x7fef, &fe, NULL))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tp->root, fes[i]);
		devs = xs_directory(tp->xs, XBT_NULL, path, &ndev);
		for (j = 0; devs && j < ndev; j++)
			if (!vcam_parse_u32(devs[j], 0, 0xffff, &dev, NULL))
				be_changed(d, fe, dev);
		free(devs);
	}
	free(fes);
	/* Backend dirs that vanished without a watch we noticed. */
	for (struct vcamd_conn *c = d->conns, *n; c; c = n) {
		n = c->next;
		be_changed(d, c->fe_domid, c->devid);
	}
}

static void on_watch(struct vcamd *d, const char *path, const char *token)
{
	struct xen_tp *tp = tp_of(d);
	struct vcamd_conn *c;
	uint32_t fe, dev;
	size_t rl = strlen(tp->root);

	if (!strcmp(token, "be")) {
		char fe_s[16], dev_s[16];

		if (strncmp(path, tp->root, rl) || path[rl] != '/') {
			scan_backends(d);	/* the root itself */
			return;
		}
		if (sscanf(path + rl + 1, "%15[0-9]/%15[0-9]", fe_s,
			   dev_s) != 2) {
			scan_backends(d);	/* a whole frontend domain */
			return;
		}
		if (vcam_parse_u32(fe_s, 0, 0x7fef, &fe, NULL) ||
		    vcam_parse_u32(dev_s, 0, 0xffff, &dev, NULL))
			return;
		be_changed(d, fe, dev);
		return;
	}
	if (!strcmp(token, "rel")) {
		/* Some domain died: frontends that vanished close now. */
		for (c = d->conns; c; c = c->next)
			vcamd_xb_update(c);
		return;
	}
	if (sscanf(token, "fe:%u:%u", &fe, &dev) == 2) {
		c = vcamd_conn_find(d, fe, dev);
		if (c)
			vcamd_xb_update(c);
	}
}

static void xs_ready(struct vcamd *d, void *arg, short revents)
{
	struct xen_tp *tp = tp_of(d);
	unsigned int n;
	char **w;

	(void)arg;
	if (revents & (POLLERR | POLLHUP)) {
		log_err("xenstore connection lost");
		d->stop = 1;
		return;
	}
	while ((w = xs_check_watch(tp->xs)) != NULL) {
		on_watch(d, w[XS_WATCH_PATH], w[XS_WATCH_TOKEN]);
		free(w);
	}
	(void)n;
}

static void xt_unmask(struct vcamd_conn *c, unsigned int local)
{
	struct xen_conn *xc = c->tpctx;

	xenevtchn_unmask(xc->tp->xce, local);
}

/*
 * Each read returns one pending port, masked by the evtchn driver until
 * we unmask it: policy.c decides when (at once, unless the port's kicks
 * keep bringing no work).  Kicks meanwhile stay pending in Xen and cost
 * us nothing; unmasking a pending port delivers it again.
 */
static void evtchn_ready(struct vcamd *d, void *arg, short revents)
{
	struct xen_tp *tp = tp_of(d);
	struct vcamd_conn *c;
	xenevtchn_port_or_error_t port;
	struct pollfd p = { .fd = xenevtchn_fd(tp->xce), .events = POLLIN };
	uint64_t cpu0;

	(void)arg;
	(void)revents;
	do {
		cpu0 = vcamd_cpu_ns();
		port = xenevtchn_pending(tp->xce);
		if (port < 0)
			break;
		for (c = d->conns; c; c = c->next)
			if (c->connected &&
			    ((unsigned int)port == c->req_port ||
			     (unsigned int)port == c->evt_port))
				break;
		if (c)
			vcamd_port_kicked(c, (unsigned int)port, cpu0);
		else
			xenevtchn_unmask(tp->xce, port);
	} while (poll(&p, 1, 0) == 1);
}

static void xt_collect(struct vcamd *d)
{
	struct xen_tp *tp = tp_of(d);

	vcamd_add_src(d, xs_fileno(tp->xs), POLLIN, xs_ready, NULL);
	vcamd_add_src(d, xenevtchn_fd(tp->xce), POLLIN, evtchn_ready, NULL);
}

static void xt_shutdown(struct vcamd *d)
{
	struct xen_tp *tp = tp_of(d);

	xs_unwatch(tp->xs, tp->root, "be");
	xs_unwatch(tp->xs, "@releaseDomain", "rel");
	if (tp->xgs)
		xengntshr_close(tp->xgs);
	xengnttab_close(tp->xgt);
	xenevtchn_close(tp->xce);
	xs_close(tp->xs);
	if (tp->quiet)
		xtl_logger_destroy((xentoollog_logger *)tp->quiet);
	free(tp);
	d->tp_priv = NULL;
}

static const struct vcamd_transport xen_transport = {
	.name = "xen",
	.xops = &xen_ops,
	.read = xt_read,
	.list = xt_list,
	.write = xt_write,
	.bind = xt_bind,
	.unbind = xt_unbind,
	.unmask = xt_unmask,
	.collect = xt_collect,
	.conn_free = xt_conn_free,
	.shutdown = xt_shutdown,
};

int vcamd_xen_transport_init(struct vcamd *d)
{
	struct xen_tp *tp = calloc(1, sizeof(*tp));
	const char *why = NULL;
	unsigned int len;
	char *s;

	if (!tp)
		return -ENOMEM;
	tp->xs = xs_open(0);
	if (!tp->xs) {
		log_err("cannot connect to xenstore: %s", strerror(errno));
		goto fail;
	}
	s = xs_read(tp->xs, XBT_NULL, "domid", &len);
	if (!s || vcam_parse_u32(s, 0, 0x7fef, &tp->self, &why)) {
		log_warn("cannot read own domid (%s); assuming dom0",
			 s ? why : "no 'domid' key");
		tp->self = 0;
	}
	free(s);
	snprintf(tp->root, sizeof(tp->root),
		 "/local/domain/%u/backend/vcamera", tp->self);
	tp->quiet = xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
	tp->xgt = xengnttab_open((xentoollog_logger *)tp->quiet, 0);
	if (!tp->xgt) {
		log_err("cannot open gntdev (modprobe xen-gntdev): %s",
			strerror(errno));
		goto fail;
	}
	tp->xce = xenevtchn_open(NULL, 0);
	if (!tp->xce) {
		log_err("cannot open evtchn (modprobe xen-evtchn): %s",
			strerror(errno));
		goto fail;
	}
	if (!xs_watch(tp->xs, tp->root, "be") ||
	    !xs_watch(tp->xs, "@releaseDomain", "rel")) {
		log_err("cannot watch %s", tp->root);
		goto fail;
	}
	d->tp = &xen_transport;
	d->tp_priv = tp;
	log_notice("serving %s (domain %u)", tp->root, tp->self);
	return 0;
fail:
	if (tp->xce)
		xenevtchn_close(tp->xce);
	if (tp->xgt)
		xengnttab_close(tp->xgt);
	if (tp->xs)
		xs_close(tp->xs);
	if (tp->quiet)
		xtl_logger_destroy((xentoollog_logger *)tp->quiet);
	free(tp);
	return -ENODEV;
}
