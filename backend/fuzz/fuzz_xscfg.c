// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for vcamd's xenstore side: how a device's configuration
 * and the frontend's transport nodes are read, checked and acted upon
 * (xb.c, the camera registry of daemon.c), and parse.c's parsers.
 *
 * Only public entry points are used (vcamd_conn_new, vcamd_xb_init,
 * vcamd_xb_update, vcamd_conn_kick, vcamd_conn_destroy), with a fake
 * transport whose store -- frontend dir and backend dir alike -- is what
 * the input writes.  Right after each connect, the configuration in force
 * must be the backend dir's, whatever the guest wrote into its own copy.
 * The input is a script, one command per line:
 *
 *   f<path>=<value>   write a frontend node   (no '=': empty value)
 *   b<path>=<value>   write a backend node
 *   w<path>=<value>   write both (the toolstack's copy of the configuration)
 *   F<path> B<path>   remove a node and its subtree ("F": the whole dir)
 *   u                 a watch fired: vcamd_xb_update
 *   t                 vcamd's once-a-second tick: the guest's copy of the
 *                     configuration is compared if that is due
 *   n  d              new connection (backend dir appeared) / destroy it
 *   @<0|1>            which of two devices the next commands address
 *   m<N>              faults: 1 map, 2 bind, 4 camera open, 8 store write
 *   M<N>              the Nth fallible call from now (map, share, bind,
 *                     camera open, store write) fails
 *   G<FOURCC>/<N>     N modes of that FOURCC in both dirs (menu limits)
 *   q<bytes>          the guest queues this request slot; vcamd is kicked
 *   R<N>              the guest sets req_prod to N; vcamd is kicked
 *   k  c              kick vcamd / the cameras deliver a frame each
 *   oa<path> om<N> os<N>   vcamd options: allow-list, default mode, spin
 *                     (until the first "n": vcamd's options are fixed)
 *   p<sel><string>    parse.c's parsers on string (fz_parse.c)
 *   s<N>              the status text and JSON into an N-octet buffer
 *
 * "\xHH" in a line is the octet HH (so values can hold newlines and NULs).
 * Any crash, sanitizer report, leak or broken invariant is a bug.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "fake_camera.h"
#include "fz_parse.h"
#include "fake_store.h"
#include "log.h"
#include "parse.h"

#define FZ_DEVS		2
#define FZ_MAX_STEPS	256
#define FZ_MAX_MAPS	256
#define FZ_MAX_PORTS	8

enum { FAULT_MAP = 1, FAULT_BIND = 2, FAULT_CAM = 4, FAULT_WRITE = 8 };

struct fz_dev {
	struct vcamd_conn *c;		/* NULL: no backend dir */
	struct fake_dir fe, be;
	/* guest_copy_differs() of these generations of fe and be */
	unsigned int diff_gen_fe, diff_gen_be;
	bool diff_known, diff;
};

static struct vcamd g_d;
static struct fz_dev g_dev[FZ_DEVS];
static bool g_started;		/* a device was created */
static unsigned int g_faults;
static unsigned int g_fail_in;		/* M: calls until one fails, 0: off */
static unsigned int g_cams_open;
static struct {
	void *addr;
	unsigned int n;
} g_maps[FZ_MAX_MAPS];
static unsigned int g_nmaps;
static unsigned int g_ports[FZ_MAX_PORTS], g_nports, g_next_port;
static uint32_t g_next_ref;

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_xscfg: %s\n", what);
	abort();
}

/* ---- grants, event channels --------------------------------------------- */

/* Does this fallible call fail (fault mask, or the M countdown)? */
static bool fault(unsigned int kind)
{
	if (g_fail_in && !--g_fail_in)
		return true;
	return g_faults & kind;
}

static void *track_map(void *p, unsigned int n)
{
	if (!p)
		return NULL;
	if (g_nmaps == FZ_MAX_MAPS) {
		free(p);
		return NULL;
	}
	g_maps[g_nmaps].addr = p;
	g_maps[g_nmaps].n = n;
	g_nmaps++;
	return p;
}

static void untrack_map(void *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < g_nmaps; i++) {
		if (g_maps[i].addr != p)
			continue;
		if (g_maps[i].n != n)
			fail("unmap with another page count than the map");
		g_maps[i] = g_maps[--g_nmaps];
		free(p);
		return;
	}
	fail("unmap of an address that is not mapped");
}

/*
 * The guest's pages as a frontend leaves them: word i holds i, so a page
 * directory lists grant refs 1, 2, ... and ends the chain (word 0 is 0);
 * a ring page starts with req_prod 0.  The input writes requests on top.
 */
static void *guest_pages(unsigned int n)
{
	uint32_t *w = malloc((size_t)n * VCAMD_PAGE_SIZE), i;

	if (!w)
		return NULL;
	for (i = 0; i < n * VCAMD_PAGE_SIZE / 4; i++)
		w[i] = i % (VCAMD_PAGE_SIZE / 4);
	return w;
}

static void *fz_map(void *ctx, unsigned int n, const uint32_t *refs)
{
	unsigned int i;

	(void)ctx;
	if (!n || n > 4096 || fault(FAULT_MAP))
		return NULL;
	for (i = 0; i < n; i++)
		if (!refs[i])
			return NULL;
	return track_map(guest_pages(n), n);
}

static void fz_unmap(void *ctx, void *addr, unsigned int n)
{
	(void)ctx;
	untrack_map(addr, n);
}

static void *fz_share(void *ctx, unsigned int n, uint32_t *refs)
{
	unsigned int i;

	(void)ctx;
	if (!n || n > 4096 || fault(FAULT_MAP))
		return NULL;
	for (i = 0; i < n; i++)
		refs[i] = 0x10000 + g_next_ref++;
	return track_map(calloc(n, VCAMD_PAGE_SIZE), n);
}

static void fz_unshare(void *ctx, void *addr, unsigned int n,
		       const uint32_t *refs)
{
	(void)ctx;
	(void)refs;
	untrack_map(addr, n);
}

static int fz_notify(void *ctx, unsigned int port)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < g_nports; i++)
		if (g_ports[i] == port)
			return 0;
	fail("notify on a port that is not bound");
	return -1;
}

static const struct vcamd_xen_ops fz_xops = {
	.map = fz_map, .unmap = fz_unmap, .share = fz_share,
	.unshare = fz_unshare, .notify = fz_notify,
};

/* ---- the transport ------------------------------------------------------- */

static struct fake_dir *dir_of(struct vcamd_conn *c, bool fe)
{
	struct fz_dev *fd = c->tpctx;

	return fe ? &fd->fe : &fd->be;
}

static char *fz_read(struct vcamd_conn *c, bool fe, const char *key)
{
	return fake_dir_read(dir_of(c, fe), key);
}

static char *fz_list(struct vcamd_conn *c, bool fe, const char *key,
		     unsigned int *n)
{
	return fake_dir_list(dir_of(c, fe), key, n);
}

static int fz_write(struct vcamd_conn *c, const char *key, const char *val)
{
	if (fault(FAULT_WRITE))
		return -EIO;
	fake_dir_set(dir_of(c, false), key, strlen(key), val, strlen(val));
	return 0;
}

static int fz_bind(struct vcamd_conn *c, unsigned int remote,
		   unsigned int *local)
{
	(void)c;
	(void)remote;
	if (g_nports == FZ_MAX_PORTS || fault(FAULT_BIND))
		return -EINVAL;
	*local = g_ports[g_nports++] = g_next_port++;
	return 0;
}

static void fz_unbind(struct vcamd_conn *c, unsigned int local)
{
	unsigned int i;

	(void)c;
	for (i = 0; i < g_nports; i++) {
		if (g_ports[i] == local) {
			g_ports[i] = g_ports[--g_nports];
			return;
		}
	}
	fail("unbind of a port that is not bound");
}

/* policy.c unmasks only ports it holds bound */
static void fz_unmask(struct vcamd_conn *c, unsigned int local)
{
	unsigned int i;

	(void)c;
	for (i = 0; i < g_nports; i++)
		if (g_ports[i] == local)
			return;
	fail("unmask of a port that is not bound");
}

static void fz_conn_free(struct vcamd_conn *c)
{
	struct fz_dev *fd = c->tpctx;

	fd->c = NULL;
}

static const struct vcamd_transport fz_tp = {
	.name = "fuzz",
	.xops = &fz_xops,
	.read = fz_read, .list = fz_list, .write = fz_write,
	.bind = fz_bind, .unbind = fz_unbind, .unmask = fz_unmask,
	.conn_free = fz_conn_free,
};

/* ---- cameras: the fake camera, frames capped small so runs stay fast --- */

static void cap(struct vcamd_format *f)
{
	if (f->width > 64)
		f->width = 64;
	if (f->height > 64)
		f->height = 64;
}

static int cam_try(void *p, struct vcamd_format *f)
{
	cap(f);
	return fake_cam_ops.try_fmt(p, f);
}

static int cam_set(void *p, struct vcamd_format *f)
{
	cap(f);
	return fake_cam_ops.set_fmt(p, f);
}

static void cam_destroy(void *p)
{
	fake_cam_fini(p);
	free(p);
	g_cams_open--;
}

static struct vcamd_camera_ops g_cam_ops;

/* /dev/video0 and video1 are cameras, video2 fails to open. */
static int cam_open(const char *path, const struct vcamd_camera_ops **ops,
		    void **priv, int *pollfd)
{
	struct fake_cam *fc;

	if (strcmp(path, "/dev/video0") && strcmp(path, "/dev/video1"))
		return -ENOENT;
	if (fault(FAULT_CAM))
		return -EIO;
	fc = malloc(sizeof(*fc));
	if (!fc)
		return -ENOMEM;
	fake_cam_init(fc);
	fc->fill_cheap = true;
	cap(&fc->fmt);
	fake_cam_ops.try_fmt(fc, &fc->fmt);
	g_cams_open++;
	*ops = &g_cam_ops;
	*priv = fc;
	*pollfd = -1;
	return 0;
}

/*
 * Clocks: every line is 100 us later (real time would make one input run
 * differently each time), and no system call for the thread CPU time.
 */
static uint64_t g_now, g_cpu;

static uint64_t fz_now(void)
{
	return g_now;
}

static uint64_t fz_cpu(void)
{
	return g_cpu += 1000;
}

/* ---- invariants ---------------------------------------------------------- */

static void check_cfg(const struct vcamd_dev_cfg *cfg)
{
	unsigned int i, j;

	if (cfg->max_buffers < 1 || cfg->max_buffers > VCAMD_MAX_BUFS)
		fail("max_buffers out of range");
	if (cfg->notify_mode < 0 || cfg->notify_mode >= VCAM_NOTIFY_NR)
		fail("notify_mode out of range");
	if (cfg->spin_us > VCAM_SPIN_US_MAX)
		fail("spin_us out of range");
	if (cfg->nctrls > XENCAMERA_MAX_CTRL)
		fail("too many controls");
	for (i = 0; i < cfg->nctrls; i++)
		for (j = 0; j < i; j++)
			if (cfg->ctrls[i] == cfg->ctrls[j] ||
			    cfg->ctrls[i] >= XENCAMERA_MAX_CTRL)
				fail("controls repeated or unknown");
	if (cfg->nfmts > VCAMD_MAX_ALLOWED_FMTS)
		fail("too many formats");
	for (i = 0; i < cfg->nfmts; i++) {
		const struct vcamd_allowed_fmt *a = &cfg->fmts[i];

		if (!a->width || a->width > 65535 || !a->height ||
		    a->height > 65535 || a->nrates > VCAMD_MAX_RATES)
			fail("allowed format out of range");
		for (j = 0; j < a->nrates; j++)
			if (!a->rates[j].numer || !a->rates[j].denom)
				fail("zero frame rate allowed");
	}
}

/*
 * After every command: a device is connected exactly when we told the
 * store Connected, holds a camera, two pages and two ports exactly then,
 * and camera reference counts match their users.
 */
static void check_all(void)
{
	unsigned int i, users, ports = 0, ncams = 0;
	struct vcamd_camdev *cd;

	for (i = 0; i < FZ_DEVS; i++) {
		struct vcamd_conn *c = g_dev[i].c;

		if (!c)
			continue;
		if (c->connected != (c->be_state == XenbusStateConnected))
			fail("connected does not match the backend state");
		if (!c->connected) {
			if (c->camdev || c->ring_page || c->evt_page)
				fail("a disconnected device holds resources");
			continue;
		}
		if (!c->camdev || !c->ring_page || !c->evt_page)
			fail("a connected device lacks a camera or a page");
		if (!vcamd_opts_allowed(&g_d.opts, c->camdev->path))
			fail("connected to a camera off the allow-list");
		check_cfg(&c->dev.cfg);
		ports += 2;
	}
	if (ports != g_nports)
		fail("event channel ports leaked or lost");
	for (cd = g_d.cams; cd; cd = cd->next) {
		for (i = 0, users = 0; i < FZ_DEVS; i++)
			if (g_dev[i].c && g_dev[i].c->camdev == cd)
				users++;
		if (!users || users != cd->refs)
			fail("camera reference count is off");
		ncams++;
	}
	if (ncams != g_cams_open)
		fail("a camera was opened and not registered, or leaked");
}

/*
 * Right after a connect: what vcamd decided comes from the backend dir
 * (the host's copy) only, never from the guest's copy of the same nodes,
 * except evt-hold-off, the one choice that is the frontend's.
 */
static void check_host_cfg(struct vcamd_conn *c, const struct fake_dir *be)
{
	const struct vcamd_dev_cfg *cfg = &c->dev.cfg;
	struct vcamd_dev_cfg want;
	char path[VCAMD_PATH_MAX], *s;
	uint32_t v;
	int b;

	memset(&want, 0, sizeof(want));
	s = fake_dir_read(be, XENCAMERA_FIELD_UNIQUE_ID);
	if (!s || vcamd_unique_id_path(s, path, sizeof(path), NULL) ||
	    strcmp(path, c->camdev->path))
		fail("connected to a camera the backend dir does not name");
	free(s);
	/* cameraif.h: anything but "1" (or nothing) is fe-alloc */
	s = fake_dir_read(be, XENCAMERA_FIELD_BE_ALLOC);
	if (cfg->be_alloc != (s && !strcmp(s, "1")))
		fail("be-alloc is not the backend dir's");
	free(s);
	s = fake_dir_read(be, XENCAMERA_FIELD_MAX_BUFFERS);
	v = VCAMD_MAX_BUFS;
	if (s && !vcam_parse_u32(s, 1, 255, &v, NULL) && v > VCAMD_MAX_BUFS)
		v = VCAMD_MAX_BUFS;
	if (cfg->max_buffers != v)
		fail("max-buffers is not the backend dir's");
	free(s);
	s = fake_dir_read(be, VCAM_FIELD_NOTIFY_MODE);
	b = g_d.opts.default_mode;
	if (s)
		vcam_parse_notify_mode(s, &b, NULL);
	if (cfg->notify_mode != b)
		fail("notify-mode is not the backend dir's");
	free(s);
	s = fake_dir_read(be, VCAM_FIELD_SPIN_US);
	v = g_d.opts.default_spin_us;
	if (s)
		vcam_parse_u32(s, 0, VCAM_SPIN_US_MAX, &v, NULL);
	if (cfg->spin_us != v)
		fail("spin-us is not the backend dir's");
	free(s);
	s = fake_dir_read(be, XENCAMERA_FIELD_CONTROLS);
	if (s)
		vcam_parse_controls(s, want.ctrls, &want.nctrls, NULL);
	if (cfg->nctrls != want.nctrls ||
	    memcmp(cfg->ctrls, want.ctrls, want.nctrls))
		fail("controls are not the backend dir's");
	free(s);
}

/*
 * Does the guest's copy of the configuration differ from the host's?  The
 * six values as strings (absent is not ""), the formats tree as a set of
 * (FOURCC, resolution, frame-rates) entries, absent rates read as "".
 * Written from the nodes themselves, not from how xb_cfg.c compares them.
 */
static bool rates_differ(const struct fake_dir *a, const struct fake_dir *b,
			 const char *f, const char *r)
{
	char *key, *ra, *rb;
	bool diff;

	if (asprintf(&key, "%s/%s/%s/%s", XENCAMERA_FIELD_FORMATS, f, r,
		     XENCAMERA_FIELD_FRAME_RATES) < 0)
		fail("out of memory");
	ra = fake_dir_read(a, key);
	rb = fake_dir_read(b, key);
	diff = strcmp(ra ? ra : "", rb ? rb : "") != 0;
	free(ra);
	free(rb);
	free(key);
	return diff;
}

/*
 * Set when an entry's node path is too long for xb_cfg.c's key buffer: it
 * then reads another node, so there is no telling what it should see.
 */
static bool g_uncomparable;

/* Is every entry of a's formats tree in b's, with the same rates? */
static bool formats_within(const struct fake_dir *a, const struct fake_dir *b)
{
	unsigned int nf = 0, nr, i, j;
	char *fs, *f, *rs, *r, *key;
	bool ok = true;

	fs = fake_dir_list(a, XENCAMERA_FIELD_FORMATS, &nf);
	for (i = 0, f = fs; ok && i < nf; i++, f += strlen(f) + 1) {
		if (asprintf(&key, "%s/%s", XENCAMERA_FIELD_FORMATS, f) < 0)
			fail("out of memory");
		nr = 0;
		rs = fake_dir_list(a, key, &nr);
		for (j = 0, r = rs; ok && j < nr; j++, r += strlen(r) + 1) {
			char *node, *v;

			if (asprintf(&node, "%s/%s", key, r) < 0)
				fail("out of memory");
			if (strlen(node) > 400)
				g_uncomparable = true;
			/* b has the entry: a node (maybe a parent) there */
			v = fake_dir_read(b, node);
			ok = v && !rates_differ(a, b, f, r);
			free(v);
			free(node);
		}
		free(rs);
		free(key);
	}
	free(fs);
	return ok;
}

/* Entries of a formats tree (FOURCC/resolution pairs). */
static unsigned int formats_entries(const struct fake_dir *d)
{
	unsigned int nf = 0, nr, i, n = 0;
	char *fs, *f, *rs, *key;

	fs = fake_dir_list(d, XENCAMERA_FIELD_FORMATS, &nf);
	for (i = 0, f = fs; i < nf; i++, f += strlen(f) + 1) {
		if (asprintf(&key, "%s/%s", XENCAMERA_FIELD_FORMATS, f) < 0)
			fail("out of memory");
		nr = 0;
		rs = fake_dir_list(d, key, &nr);
		n += rs ? nr : 0;
		free(rs);
		free(key);
	}
	free(fs);
	return n;
}

static bool guest_copy_differs(const struct fz_dev *fd)
{
	static const char *const keys[] = {
		XENCAMERA_FIELD_UNIQUE_ID, XENCAMERA_FIELD_MAX_BUFFERS,
		XENCAMERA_FIELD_CONTROLS, XENCAMERA_FIELD_BE_ALLOC,
		VCAM_FIELD_NOTIFY_MODE, VCAM_FIELD_SPIN_US,
	};
	bool diff = false;
	unsigned int i;

	for (i = 0; !diff && i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *h = fake_dir_read(&fd->be, keys[i]);
		char *g = fake_dir_read(&fd->fe, keys[i]);

		diff = h && g ? strcmp(h, g) != 0 : h != g;
		free(h);
		free(g);
	}
	return diff || !formats_within(&fd->be, &fd->fe) ||
	       !formats_within(&fd->fe, &fd->be);
}

/* Right after vcamd compared the copies: it noticed exactly a difference. */
static void check_copy_compared(const struct vcamd_conn *c,
				struct fz_dev *fd, bool was_logged)
{
	/* logged once per connection: nothing more to tell */
	if (was_logged)
		return;
	/* the same two trees as last time: the same answer (runs faster) */
	if (!fd->diff_known || fd->diff_gen_fe != fd->fe.gen ||
	    fd->diff_gen_be != fd->be.gen) {
		g_uncomparable = false;
		fd->diff = guest_copy_differs(fd);
		fd->diff_known = !g_uncomparable;
		fd->diff_gen_fe = fd->fe.gen;
		fd->diff_gen_be = fd->be.gen;
		if (g_uncomparable)
			return;
	}
	if (fd->diff && !c->cfg_diff_logged) {
		/* both trees larger than any toolstack writes: not compared */
		if (formats_entries(&fd->be) > 2 * VCAM_CFG_MAX_MODES &&
		    formats_entries(&fd->fe) > 2 * VCAM_CFG_MAX_MODES)
			return;
		fail("the guest's copy differs and vcamd did not notice");
	}
	if (!fd->diff && c->cfg_diff_logged)
		fail("vcamd saw a difference in identical copies");
}

/* ---- the script ---------------------------------------------------------- */

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* One line, "\xHH" decoded, into buf (NUL-terminated); returns its length. */
static size_t take_line(const uint8_t **p, const uint8_t *end, char *buf)
{
	size_t n = 0;

	while (*p < end && **p != '\n') {
		int hi, lo;

		if (**p == '\\' && end - *p >= 4 && (*p)[1] == 'x' &&
		    (hi = hexval((*p)[2])) >= 0 && (lo = hexval((*p)[3])) >= 0) {
			buf[n++] = (char)(hi << 4 | lo);
			*p += 4;
		} else {
			buf[n++] = (char)*(*p)++;
		}
	}
	if (*p < end)
		(*p)++;
	buf[n] = '\0';
	return n;
}

static uint32_t num(const char *s)
{
	uint64_t v = 0;

	while (*s >= '0' && *s <= '9' && v <= UINT32_MAX)
		v = v * 10 + (uint64_t)(*s++ - '0');
	return (uint32_t)v;
}

static void set_node(struct fake_dir *d, const char *arg, size_t len)
{
	const char *eq = memchr(arg, '=', len);

	if (!eq)
		fake_dir_set(d, arg, len, "", 0);
	else
		fake_dir_set(d, arg, (size_t)(eq - arg), eq + 1,
			   len - (size_t)(eq + 1 - arg));
}

/* The toolstack's menu with n modes of one FOURCC, in both dirs. */
static void modes(struct fz_dev *fd, const char *arg)
{
	const char *slash = strchr(arg, '/');
	unsigned int i, n;
	char key[96];

	if (!slash || slash - arg > 16)
		return;
	n = num(slash + 1) % (FAKE_DIR_MAX_NODES / 2);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "formats/%.*s/%ux16/frame-rates",
			 (int)(slash - arg), arg, 16 + i);
		fake_dir_set(&fd->fe, key, strlen(key), "30/1", 4);
		fake_dir_set(&fd->be, key, strlen(key), "30/1", 4);
	}
}

/* The guest puts one request on its ring (a short slot is zero-padded). */
static void push_req(struct vcamd_conn *c, const char *b, size_t len)
{
	struct xen_cameraif_sring *s;
	struct xencamera_req *req;

	if (!c || !c->connected)
		return;
	s = c->ring_page;
	req = RING_GET_REQUEST(&c->dev.ring, s->req_prod);
	memset(req, 0, sizeof(*req));
	memcpy(req, b, len < sizeof(*req) ? len : sizeof(*req));
	s->req_prod++;
	vcamd_port_kicked(c, c->req_port, vcamd_cpu_ns());
}

static void frames(void)
{
	struct vcamd_camdev *cd;

	for (cd = g_d.cams; cd; cd = cd->next) {
		fake_cam_produce(cd->cam.priv, 1, 0);
		vcamd_cam_pump(&cd->cam);
	}
}

static void status(uint32_t len)
{
	char *buf;
	size_t n;

	len %= 4096;
	buf = malloc(len + 1);
	if (!buf)
		return;
	n = vcamd_status_text(&g_d, buf, len);
	if (n > len)
		fail("status text longer than its buffer");
	/* the JSON twin: empty, or a whole document within the buffer */
	n = vcamd_status_json(&g_d, buf, len);
	if (n && (n >= len || strlen(buf) != n ||
		  strncmp(buf, "{\"vcamd\":{", 10) ||
		  strcmp(buf + n - 2, "}\n") ||
		  !strstr(buf, "\n\"truncated\":")))
		fail("status JSON cut or longer than its buffer");
	free(buf);
}

/* vcamd's options are fixed once it serves devices. */
static void option(const char *a)
{
	struct vcamd_opts *o = &g_d.opts;

	if (g_started)
		return;
	switch (a[0]) {
	case 'a':
		if (o->nallow < VCAMD_MAX_ALLOW &&
		    strlen(a + 1) < VCAMD_PATH_MAX)
			strcpy(o->allow[o->nallow++], a + 1);
		break;
	case 'm':
		o->default_mode = (int)(num(a + 1) % VCAM_NOTIFY_NR);
		break;
	case 's':
		o->default_spin_us = num(a + 1) % (VCAM_SPIN_US_MAX + 1);
		break;
	}
}

static void run_line(char *l, size_t len, unsigned int *cur)
{
	struct fz_dev *fd = &g_dev[*cur];
	struct vcamd_conn *c = fd->c;

	switch (l[0]) {
	case 'f':
		set_node(&fd->fe, l + 1, len - 1);
		break;
	case 'b':
		set_node(&fd->be, l + 1, len - 1);
		break;
	case 'w':
		set_node(&fd->fe, l + 1, len - 1);
		set_node(&fd->be, l + 1, len - 1);
		break;
	case 'F':
		fake_dir_rm(&fd->fe, l + 1);
		break;
	case 'B':
		fake_dir_rm(&fd->be, l + 1);
		break;
	case 'u':
		if (c) {
			bool was = c->connected;

			vcamd_xb_update(c);
			if (!was && c->connected) {
				check_host_cfg(c, &fd->be);
				check_copy_compared(c, fd, false);
			}
		}
		break;
	case 't':	/* as daemon.c's tick() does it */
		if (c && c->cfg_check_due && c->connected) {
			bool was_logged = c->cfg_diff_logged;

			vcamd_xb_check_guest_copy(c);
			check_copy_compared(c, fd, was_logged);
		}
		break;
	case 'n':
		if (!c) {
			g_started = true;
			fd->c = vcamd_conn_new(&g_d, &fz_tp, fd, 1 + *cur, 0);
			if (fd->c)
				vcamd_xb_init(fd->c);
		}
		break;
	case 'd':
		if (c)
			vcamd_conn_destroy(&g_d, c);
		break;
	case '@':
		*cur = l[1] & 1;
		break;
	case 'm':
		g_faults = num(l + 1);
		break;
	case 'M':
		g_fail_in = num(l + 1);
		break;
	case 'G':
		modes(fd, l + 1);
		break;
	case 'q':
		push_req(c, l + 1, len - 1);
		break;
	case 'R':
		if (c && c->connected) {
			((struct xen_cameraif_sring *)c->ring_page)->req_prod =
				num(l + 1);
			vcamd_port_kicked(c, c->req_port, vcamd_cpu_ns());
		}
		break;
	case 'k':
		if (c && c->connected)
			vcamd_port_kicked(c, c->evt_port, vcamd_cpu_ns());
		break;
	case 'c':
		frames();
		break;
	case 'o':
		option(l + 1);
		break;
	case 'p':
		if (len > 1)
			fz_check_parsers(l + 2, (unsigned char)l[1]);
		break;
	case 's':
		status(num(l + 1));
		break;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	vcamd_log_setup(false, getenv("VCAM_FUZZ_VERBOSE") ? LOG_DEBUG
							    : LOG_CRIT);
	g_cam_ops = fake_cam_ops;
	g_cam_ops.try_fmt = cam_try;
	g_cam_ops.set_fmt = cam_set;
	g_cam_ops.destroy = cam_destroy;
	vcamd_cam_open_hook = cam_open;
	vcamd_now_hook = fz_now;
	vcamd_cpu_hook = fz_cpu;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	unsigned int cur = 0, steps = 0, i;
	char *line = malloc(size + 1);

	if (!line)
		return 0;
	memset(&g_d, 0, sizeof(g_d));
	vcamd_opts_default(&g_d.opts);
	g_d.tp = &fz_tp;
	g_now = 1000000000ull;
	g_cpu = 0;
	g_started = false;
	g_faults = 0;
	g_fail_in = 0;
	g_next_port = 1;
	g_next_ref = 0;

	while (p < end && steps++ < FZ_MAX_STEPS) {
		size_t len = take_line(&p, end, line);

		g_now += 100000;
		if (len)
			run_line(line, len, &cur);
		check_all();
	}

	/* The backend dirs go away: everything must be given back. */
	for (i = 0; i < FZ_DEVS; i++) {
		if (g_dev[i].c)
			vcamd_conn_destroy(&g_d, g_dev[i].c);
		fake_dir_clear(&g_dev[i].fe);
		fake_dir_clear(&g_dev[i].be);
		g_dev[i].diff_known = false;
	}
	if (g_d.conns || g_d.cams || g_cams_open)
		fail("a connection or camera outlived its backend dir");
	if (g_nmaps || g_nports)
		fail("a mapping or an event channel leaked");
	free(line);
	return 0;
}
