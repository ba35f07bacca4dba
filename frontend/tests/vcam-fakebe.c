// SPDX-License-Identifier: MIT
/*
 * vcam-fakebe: a small, deliberately simple cameraif v1 backend for testing
 * xen-vcamfront.ko in the rig without vcamd or a camera.  Frames are a
 * known pattern, so the guest can check what it received: byte k of plane 0
 * of frame s is (k * 13 + s) & 0xff, byte k of plane p > 0 is
 * (k * 13 + (k >> 8) + s + 77 * p) & 0xff (fakebe-pattern.py computes the
 * frames).  Formats: YUYV (one plane) and NM12 (NV12M: Y, then CbCr, each
 * where BUF_CREATE's plane_offset says; at 640x360 the CbCr plane starts
 * in the middle of a page).  --hostile MODE makes it misbehave on purpose
 * once streaming: the frontend must survive every mode without an oops.
 *
 * usage: vcam-fakebe DOMID [DEVID] [--be-alloc] [--fps N] [--hostile MODE]
 *                    [--seconds N] [--nm12] [--frame-ms N] [--storm]
 *                    [--literal]
 * --nm12: the camera starts in NM12 (another user left it so).
 * --literal: cameraif.h to the letter, as EPAM's backend reads it: no
 *   extension offered, and a frame goes into the first queued buffer,
 *   which stays the backend's (and is written and announced again with
 *   every frame) until the frontend's BUF_DEQUEUE.
 *   Without it, vcam's reading, as vcamd serves it: evt-hold-off and
 *   avail-dequeues offered (FRAME_AVAIL hands the buffer back; a
 *   BUF_DEQUEUE of it anyway is answered 0).
 * --frame-ms: one frame every N ms (a slow camera; overrides --fps).
 * MODE: rsp-prod | rsp-id | evt-prod | evt-index | evt-size | evt-type |
 *       no-reply | vanish (Closing, exit) | crash (exit, xenstore untouched)
 *       and, at the start of a stream rather than in it: refuse-start
 *       (BUF_QUEUE of buffer 0 and STREAM_START refused) | vanish-at-start
 *       (STREAM_START unanswered, Closing, exit)
 * --storm: event storms on the guest's request, for as long as its frontend
 *       node vcam-fakebe-storm says: "empty" notifies both event channels
 *       as fast as we can with nothing behind the notifications, "valid"
 *       also keeps the event page full of CTRL_CHANGE events, "busy" is the
 *       control: as many notifications, to a loopback channel of our own,
 *       so dom0 and the emulator are as loaded as in a storm but the guest
 *       gets nothing; anything else is off.  Requests and frames are served
 *       all along.  The kind in force is acknowledged in our node
 *       fakebe-storm; each phase's figures go to stdout.  A phase ends by
 *       itself after STORM_MAX_MS, in case the guest can no longer ask.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <vcam/xen_barrier.h>
#include <xencall.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/io/cameraif.h>
#include <xen/io/xenbus.h>
#include <vcam/abi_check.h>
#include <vcam/cfgparse.h>
#include <vcam/ext.h>

#define PG 4096u
#define MAX_BUFS 16
#define REFS_PER_DIR ((PG - 4) / 4)
#define FOURCC_YUYV 0x56595559u
#define FOURCC_NM12 0x32314d4eu

struct fbuf {
	bool created, queued;
	bool filled;		/* --literal: announced, not yet dequeued */
	void *data;		/* mapped frontend pages or our own */
	uint32_t npages;
	uint32_t *be_refs;	/* be-alloc: our grants */
	uint32_t plane_offset[XENCAMERA_MAX_PLANE];
};

static struct {
	struct xs_handle *xs;
	xengnttab_handle *gt;
	xengntshr_handle *gs;
	xenevtchn_handle *ce;
	unsigned int domid, devid;
	char be[256], fe[256];
	bool be_alloc;
	bool literal;
	const char *hostile;
	unsigned int fps, seconds, frame_ms;
	/* CONFIG_GETs while streaming: the frontend's watchdog asking. */
	unsigned long stream_config_gets;
	struct xen_cameraif_back_ring ring;
	void *ring_page;
	struct xencamera_event_page *evt;
	evtchn_port_t req_port, evt_port;
	bool hold_off;
	uint32_t fourcc, width, height, rate_n, rate_d;
	int num_bufs;
	struct fbuf bufs[MAX_BUFS];
	/* Queued buffers in queue order: a camera fills them first in, first out. */
	uint8_t fifo[MAX_BUFS];
	int fifo_len;
	bool streaming;
	bool vanish_now;	/* --hostile vanish-at-start: it came */
	uint32_t seq;
	int ctrl_vals[XENCAMERA_MAX_CTRL];
	unsigned long frames;
	unsigned long reannounced;	/* --literal: same buffer, next frame */
	/* --storm: the kind in force, since when, what it sent. */
	bool storm_enabled;
	int storm, storm_capped;
	uint64_t storm_start_ms, next_check_ms;
	unsigned long storm_sent, storm_ctrl;
	/* "busy": a loopback channel, we notify loop_tx and never unmask loop_rx */
	evtchn_port_t loop_rx, loop_tx;
	/* Storm sends go out in multicalls: a hypercall each would be too slow. */
	xencall_handle *xcall;
	multicall_entry_t *mc;
	evtchn_send_t *mc_send;
} g = { .fourcc = FOURCC_YUYV, .width = 640, .height = 360, .rate_n = 30, .rate_d = 1,
	.fps = 30, .seconds = 120 };

static void die(const char *what)
{
	fprintf(stderr, "vcam-fakebe: %s: %s\n", what, strerror(errno));
	exit(1);
}

static char *rd(const char *dir, const char *key)
{
	char path[512];
	unsigned int len;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xs_read(g.xs, XBT_NULL, path, &len);
}

static void wr(const char *dir, const char *key, const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (!xs_write(g.xs, XBT_NULL, path, val, strlen(val)))
		die(path);
}

static int state_of(const char *dir)
{
	char *s = rd(dir, "state");
	int v = s ? atoi(s) : XenbusStateUnknown;

	free(s);
	return v;
}

static void set_state(int st)
{
	char v[8];

	snprintf(v, sizeof(v), "%d", st);
	wr(g.be, "state", v);
	printf("vcam-fakebe: backend state %d\n", st);
	fflush(stdout);
}

static unsigned long rd_ul(const char *key)
{
	char *s = rd(g.fe, key);
	const char *why = "";
	uint32_t v;

	if (!s || vcam_parse_u32(s, 0, UINT32_MAX, &v, &why)) {
		fprintf(stderr, "vcam-fakebe: frontend %s: %s\n", key,
			s ? why : "absent");
		exit(1);
	}
	free(s);
	return v;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t now_ms(void)
{
	return now_us() / 1000;
}

static unsigned int num_planes(void)
{
	return g.fourcc == FOURCC_NM12 ? 2 : 1;
}

static uint32_t plane_size(unsigned int p)
{
	if (g.fourcc == FOURCC_NM12)
		return p == 0 ? g.width * g.height : g.width * g.height / 2;
	return g.width * g.height * 2;
}

static uint32_t frame_size(void)
{
	uint32_t sz = 0;
	unsigned int p;

	for (p = 0; p < num_planes(); p++)
		sz += plane_size(p);
	return sz;
}

static bool hostile(const char *mode)
{
	return g.hostile && strcmp(g.hostile, mode) == 0 && g.streaming &&
	       g.frames >= 5;
}

static bool hostile_at_start(const char *mode)
{
	return g.hostile && strcmp(g.hostile, mode) == 0;
}

static void kick(evtchn_port_t port)
{
	xenevtchn_notify(g.ce, port);
}

static void fill_config(struct xencamera_config_resp *c)
{
	c->pixel_format = g.fourcc;
	c->width = g.width;
	c->height = g.height;
	c->colorspace = XENCAMERA_COLORSPACE_SRGB;
	c->xfer_func = XENCAMERA_XFER_FUNC_SRGB;
	c->ycbcr_enc = XENCAMERA_YCBCR_ENC_601;
	c->quantization = XENCAMERA_QUANTIZATION_LIM_RANGE;
	c->displ_asp_ratio_numer = 16;
	c->displ_asp_ratio_denom = 9;
	c->frame_rate_numer = g.rate_n;
	c->frame_rate_denom = g.rate_d;
}

/* Map (fe-alloc) or grant and publish (be-alloc) the buffer's pages. */
static int buf_create(const struct xencamera_buf_create_req *r)
{
	struct fbuf *b;
	uint32_t n = (frame_size() + PG - 1) / PG, done = 0;
	uint32_t dref = r->gref_directory;
	uint32_t *refs;
	unsigned int p;

	if (r->index >= g.num_bufs)
		return -XEN_EINVAL;
	b = &g.bufs[r->index];
	if (b->created)
		return -XEN_EEXIST;
	for (p = 0; p < num_planes(); p++)
		if ((uint64_t)r->plane_offset[p] + plane_size(p) >
		    (uint64_t)n * PG)
			return -XEN_EINVAL;
	refs = calloc(n, sizeof(*refs));
	if (!refs)
		return -XEN_ENOMEM;
	if (g.be_alloc) {
		b->data = xengntshr_share_pages(g.gs, g.domid, (int)n, refs, 1);
		if (!b->data) {
			free(refs);
			return -XEN_ENOMEM;
		}
	}
	while (done < n) {
		struct xencamera_page_directory *d;
		uint32_t k, chunk = n - done;

		if (chunk > REFS_PER_DIR)
			chunk = REFS_PER_DIR;
		d = xengnttab_map_grant_ref(g.gt, g.domid, dref,
					    PROT_READ | PROT_WRITE);
		if (!d) {
			free(refs);
			return -XEN_EINVAL;
		}
		for (k = 0; k < chunk; k++) {
			if (g.be_alloc)
				d->gref[k] = refs[done + k];
			else
				refs[done + k] = d->gref[k];
		}
		done += chunk;
		dref = d->gref_dir_next_page;
		xengnttab_unmap(g.gt, d, 1);
		if (done < n && !dref) {
			free(refs);
			return -XEN_EINVAL;
		}
	}
	if (!g.be_alloc) {
		b->data = xengnttab_map_domain_grant_refs(g.gt, n, g.domid,
							  refs, PROT_READ |
							  PROT_WRITE);
		free(refs);
		if (!b->data)
			return -XEN_EINVAL;
	} else {
		b->be_refs = refs;
	}
	b->npages = n;
	memcpy(b->plane_offset, r->plane_offset, sizeof(b->plane_offset));
	b->created = true;
	b->queued = false;
	return 0;
}

static int buf_destroy(unsigned int i)
{
	struct fbuf *b;

	if (i >= MAX_BUFS || !g.bufs[i].created)
		return -XEN_EINVAL;
	b = &g.bufs[i];
	if (g.be_alloc) {
		xengntshr_unshare(g.gs, b->data, b->npages);
		free(b->be_refs);
		b->be_refs = NULL;
	} else {
		xengnttab_unmap(g.gt, b->data, b->npages);
	}
	memset(b, 0, sizeof(*b));
	return 0;
}

static int handle(const struct xencamera_req *req,
		  struct xencamera_resp *rsp)
{
	const uint8_t idx = req->req.index.index;
	int i;

	switch (req->operation) {
	case XENCAMERA_OP_CONFIG_SET:
	case XENCAMERA_OP_CONFIG_VALIDATE:
		if (req->req.config.pixel_format != FOURCC_YUYV &&
		    req->req.config.pixel_format != FOURCC_NM12)
			return -XEN_EINVAL;
		if (req->operation == XENCAMERA_OP_CONFIG_SET) {
			if (g.streaming || g.num_bufs)
				return -XEN_EBUSY;
			g.fourcc = req->req.config.pixel_format;
			g.width = req->req.config.width;
			g.height = req->req.config.height;
		}
		fill_config(&rsp->resp.config);
		rsp->resp.config.pixel_format = req->req.config.pixel_format;
		rsp->resp.config.width = req->req.config.width;
		rsp->resp.config.height = req->req.config.height;
		return 0;
	case XENCAMERA_OP_CONFIG_GET:
		if (g.streaming)
			g.stream_config_gets++;
		fill_config(&rsp->resp.config);
		return 0;
	case XENCAMERA_OP_FRAME_RATE_SET:
		if (g.streaming || g.num_bufs)
			return -XEN_EBUSY;
		g.rate_n = req->req.frame_rate.frame_rate_numer;
		g.rate_d = req->req.frame_rate.frame_rate_denom;
		return 0;
	case XENCAMERA_OP_BUF_GET_LAYOUT:
		rsp->resp.buf_layout.num_planes = (uint8_t)num_planes();
		rsp->resp.buf_layout.size = frame_size();
		for (i = 0; i < (int)num_planes(); i++) {
			rsp->resp.buf_layout.plane_size[i] = plane_size(i);
			rsp->resp.buf_layout.plane_stride[i] =
				g.fourcc == FOURCC_NM12 ? g.width : g.width * 2;
		}
		return 0;
	case XENCAMERA_OP_BUF_REQUEST:
		if (g.streaming)
			return -XEN_EBUSY;
		if (req->req.buf_request.num_bufs == 0) {
			for (i = 0; i < MAX_BUFS; i++)
				if (g.bufs[i].created)
					buf_destroy(i);
			g.num_bufs = 0;
		} else {
			for (i = 0; i < MAX_BUFS; i++)
				if (g.bufs[i].created)
					return -XEN_EBUSY;
			g.num_bufs = req->req.buf_request.num_bufs;
			if (g.num_bufs > 8)
				g.num_bufs = 8;
		}
		rsp->resp.buf_request.num_bufs = g.num_bufs;
		return 0;
	case XENCAMERA_OP_BUF_CREATE:
		return buf_create(&req->req.buf_create);
	case XENCAMERA_OP_BUF_DESTROY:
		if (idx < MAX_BUFS && g.bufs[idx].queued && g.streaming)
			return -XEN_EBUSY;
		return buf_destroy(idx);
	case XENCAMERA_OP_BUF_QUEUE:
		if (idx >= g.num_bufs || !g.bufs[idx].created ||
		    g.bufs[idx].queued)
			return -XEN_EINVAL;
		if (idx == 0 && !g.streaming && hostile_at_start("refuse-start"))
			return -XEN_EIO;
		g.bufs[idx].queued = true;
		g.bufs[idx].filled = false;
		if (g.fifo_len < MAX_BUFS)
			g.fifo[g.fifo_len++] = idx;
		return 0;
	case XENCAMERA_OP_BUF_DEQUEUE:
		if (idx >= g.num_bufs || !g.bufs[idx].created)
			return -XEN_EINVAL;
		/*
		 * Not --literal: FRAME_AVAIL handed it back already, as vcamd
		 * does (avail-dequeues); a frontend that asks anyway is right.
		 */
		if (!g.literal && !g.bufs[idx].queued)
			return 0;
		if (!g.bufs[idx].queued)
			return -XEN_EINVAL;
		g.bufs[idx].queued = false;
		return 0;
	case XENCAMERA_OP_CTRL_ENUM:
		if (idx >= 2)
			return -XEN_EINVAL;
		rsp->resp.ctrl_enum.index = idx;
		rsp->resp.ctrl_enum.type = idx == 0 ? XENCAMERA_CTRL_BRIGHTNESS :
						      XENCAMERA_CTRL_CONTRAST;
		rsp->resp.ctrl_enum.min = 0;
		rsp->resp.ctrl_enum.max = 255;
		rsp->resp.ctrl_enum.step = 1;
		rsp->resp.ctrl_enum.def_val = 128;
		return 0;
	case XENCAMERA_OP_CTRL_SET:
		if (req->req.ctrl_value.type >= XENCAMERA_MAX_CTRL)
			return -XEN_EINVAL;
		g.ctrl_vals[req->req.ctrl_value.type] =
			(int)req->req.ctrl_value.value;
		return 0;
	case XENCAMERA_OP_CTRL_GET:
		if (req->req.get_ctrl.type >= XENCAMERA_MAX_CTRL)
			return -XEN_EINVAL;
		rsp->resp.ctrl_value.type = req->req.get_ctrl.type;
		rsp->resp.ctrl_value.value =
			g.ctrl_vals[req->req.get_ctrl.type];
		return 0;
	case XENCAMERA_OP_STREAM_START:
		if (g.streaming || !g.num_bufs)
			return -XEN_EINVAL;
		if (hostile_at_start("refuse-start"))
			return -XEN_EIO;
		g.streaming = true;
		g.seq = 0;
		return 0;
	case XENCAMERA_OP_STREAM_STOP:
		g.streaming = false;
		for (i = 0; i < MAX_BUFS; i++)
			g.bufs[i].queued = false;
		g.fifo_len = 0;
		return 0;
	default:
		break;
	}
	return -XEN_EINVAL;
}

static void serve_requests(void)
{
	RING_IDX rc, rp;
	int more, notify;

	do {
		rp = g.ring.sring->req_prod;
		xen_rmb();
		for (rc = g.ring.req_cons; rc != rp; rc++) {
			struct xencamera_req req;
			struct xencamera_resp *rsp;

			RING_COPY_REQUEST(&g.ring, rc, &req);
			g.ring.req_cons = rc + 1;
			if (g.hostile && !strcmp(g.hostile, "no-reply") &&
			    req.operation == XENCAMERA_OP_STREAM_STOP)
				continue;
			if (req.operation == XENCAMERA_OP_STREAM_START &&
			    hostile_at_start("vanish-at-start")) {
				g.vanish_now = true;
				return;
			}
			rsp = RING_GET_RESPONSE(&g.ring, g.ring.rsp_prod_pvt);
			memset(rsp, 0, sizeof(*rsp));
			rsp->id = req.id;
			rsp->operation = req.operation;
			rsp->status = handle(&req, rsp);
			if (hostile("rsp-id"))
				rsp->id ^= 0x1234;
			g.ring.rsp_prod_pvt++;
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&g.ring, notify);
		if (notify)
			kick(g.req_port);
		if (hostile("rsp-prod")) {
			g.ring.sring->rsp_prod += 1000;
			kick(g.req_port);
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&g.ring, more);
	} while (more);
}

static uint32_t evt_free_slots(void)
{
	uint32_t used = g.evt->in_prod - g.evt->in_cons;

	return used >= XENCAMERA_IN_RING_LEN ? 0 : XENCAMERA_IN_RING_LEN - used;
}

static void put_event(const struct xencamera_evt *e)
{
	uint32_t prod = g.evt->in_prod, cons = g.evt->in_cons;
	uint32_t in_event;

	xen_rmb();
	if (prod - cons >= XENCAMERA_IN_RING_LEN)
		return;	/* guest not consuming: drop */
	XENCAMERA_IN_RING_REF(g.evt, prod) = *e;
	xen_wmb();
	g.evt->in_prod = prod + 1;
	if (hostile("evt-prod"))
		g.evt->in_prod = prod + 500;
	xen_mb();
	in_event = *vcam_evt_page_in_event(g.evt);
	if (!g.hold_off || vcam_evt_need_notify(prod, prod + 1, in_event))
		kick(g.evt_port);
}

static int fifo_pop(void)
{
	while (g.fifo_len > 0) {
		int i = g.fifo[0];

		g.fifo_len--;
		memmove(g.fifo, g.fifo + 1, (size_t)g.fifo_len);
		if (g.bufs[i].queued)
			return i;	/* else dequeued meanwhile */
	}
	return -1;
}

/* --literal: the head of the queue, which stays queued. */
static int fifo_head(void)
{
	while (g.fifo_len > 0) {
		int i = g.fifo[0];

		if (g.bufs[i].queued)
			return i;
		g.fifo_len--;	/* dequeued meanwhile */
		memmove(g.fifo, g.fifo + 1, (size_t)g.fifo_len);
	}
	return -1;
}

static void produce_frame(void)
{
	struct xencamera_evt e;
	int i = g.literal ? fifo_head() : fifo_pop();

	if (i >= 0) {
		struct fbuf *b = &g.bufs[i];
		uint32_t k, sz = frame_size();
		unsigned int pl;

		/* BUF_CREATE checked that every plane fits the buffer. */
		for (pl = 0; pl < num_planes(); pl++) {
			uint8_t *p = (uint8_t *)b->data + b->plane_offset[pl];
			uint32_t n = plane_size(pl);

			if (pl == 0)
				for (k = 0; k < n; k++)
					p[k] = (uint8_t)(k * 13 + g.seq);
			else
				for (k = 0; k < n; k++)
					p[k] = (uint8_t)(k * 13 + (k >> 8) +
							 g.seq + 77 * pl);
		}
		if (g.literal) {
			if (b->filled)
				g.reannounced++;
			b->filled = true;
		} else {
			b->queued = false;
		}
		memset(&e, 0, sizeof(e));
		e.type = XENCAMERA_EVT_FRAME_AVAIL;
		e.evt.frame_avail.index = (uint8_t)i;
		e.evt.frame_avail.used_sz = sz;
		e.evt.frame_avail.seq_num = g.seq;
		if (hostile("evt-index"))
			e.evt.frame_avail.index = 200;
		if (hostile("evt-size"))
			e.evt.frame_avail.used_sz = 0x7fffffff;
		if (hostile("evt-type"))
			e.type = 0x77;
		put_event(&e);
		g.frames++;
	}
	g.seq++;	/* a frame without a queued buffer is a drop */
}

enum { STORM_OFF, STORM_BUSY, STORM_EMPTY, STORM_VALID };
static const char *const storm_names[] = { "off", "busy", "empty", "valid" };
#define STORM_MAX_MS	30000
/* Sends per multicall; one syscall costs about a millisecond in the rig. */
#define STORM_BATCH	128
/*
 * event_channel_op as Xen numbers it since 3.2: xen/xen.h gives userspace
 * that sets no interface version the old number.
 */
#define HYPERCALL_EVTCHN_OP	32

static void storm_setup(void)
{
	xenevtchn_port_or_error_t rx, tx;

	rx = xenevtchn_bind_unbound_port(g.ce, 0);
	tx = rx < 0 ? -1 : xenevtchn_bind_interdomain(g.ce, 0, (evtchn_port_t)rx);
	if (rx < 0 || tx < 0)
		die("binding the loopback channel");
	g.loop_rx = (evtchn_port_t)rx;
	g.loop_tx = (evtchn_port_t)tx;
	g.xcall = xencall_open(NULL, 0);
	if (!g.xcall)
		die("xencall_open");
	g.mc = xencall_alloc_buffer(g.xcall, STORM_BATCH * sizeof(*g.mc));
	g.mc_send = xencall_alloc_buffer(g.xcall, 3 * sizeof(*g.mc_send));
	if (!g.mc || !g.mc_send)
		die("hypercall buffers");
	g.mc_send[0].port = g.req_port;
	g.mc_send[1].port = g.evt_port;
	g.mc_send[2].port = g.loop_tx;
	wr(g.be, "fakebe-storm", "off");
}

/* STORM_BATCH notifications in one hypercall: both guest channels, or the loopback. */
static void storm_multicall(bool to_guest)
{
	unsigned int i;

	for (i = 0; i < STORM_BATCH; i++) {
		memset(&g.mc[i], 0, sizeof(g.mc[i]));
		g.mc[i].op = HYPERCALL_EVTCHN_OP;
		g.mc[i].args[0] = EVTCHNOP_send;
		g.mc[i].args[1] = (xen_ulong_t)(uintptr_t)
				  &g.mc_send[to_guest ? i & 1 : 2];
	}
	if (xencall2(g.xcall, __HYPERVISOR_multicall,
		     (uint64_t)(uintptr_t)g.mc, STORM_BATCH))
		die("multicall");
	g.storm_sent += STORM_BATCH;
}

/* Switch to the kind the guest asks for; the phase that ends is reported. */
static void storm_check_request(void)
{
	char *s = rd(g.fe, "vcam-fakebe-storm");
	uint64_t ms = now_ms() - g.storm_start_ms;
	int k, want = STORM_OFF;

	for (k = STORM_BUSY; s && k <= STORM_VALID; k++)
		if (!strcmp(s, storm_names[k]))
			want = k;
	free(s);
	/* A phase cut short stays off until the guest asks for another. */
	if (want != g.storm_capped)
		g.storm_capped = STORM_OFF;
	if (g.storm != STORM_OFF && ms >= STORM_MAX_MS) {
		printf("vcam-fakebe: storm phase %s reached %u ms, stopped\n",
		       storm_names[g.storm], STORM_MAX_MS);
		g.storm_capped = g.storm;
	}
	if (want == g.storm_capped)
		want = STORM_OFF;
	if (want == g.storm)
		return;
	if (g.storm != STORM_OFF)
		printf("vcam-fakebe: storm phase %s: %lu notifications in %llu ms (%llu/s), %lu CTRL_CHANGE events\n",
		       storm_names[g.storm], g.storm_sent,
		       (unsigned long long)ms,
		       (unsigned long long)(ms ? g.storm_sent * 1000 / ms : 0),
		       g.storm_ctrl);
	g.storm = want;
	g.storm_sent = 0;
	g.storm_ctrl = 0;
	g.storm_start_ms = now_ms();
	wr(g.be, "fakebe-storm", storm_names[want]);
	fflush(stdout);
}

/*
 * One burst of the storm: a few milliseconds of notifications on both
 * channels (with CTRL_CHANGE events that leave room for frames, or to the
 * loopback channel), then the caller serves requests and frames.
 */
static void storm_burst(void)
{
	uint64_t until = now_us() + 5000;

	do {
		if (g.storm == STORM_VALID && evt_free_slots() > 8) {
			struct xencamera_evt e;
			int val = (int)(g.storm_ctrl & 0xff);

			memset(&e, 0, sizeof(e));
			e.type = XENCAMERA_EVT_CTRL_CHANGE;
			e.evt.ctrl_value.type = XENCAMERA_CTRL_BRIGHTNESS;
			e.evt.ctrl_value.value = val;
			g.ctrl_vals[XENCAMERA_CTRL_BRIGHTNESS] = val;
			put_event(&e);
			g.storm_ctrl++;
		}
		storm_multicall(g.storm != STORM_BUSY);
	} while (now_us() < until);
}

static bool frontend_left(void)
{
	int fest = state_of(g.fe);

	if (fest == XenbusStateClosing || fest == XenbusStateClosed ||
	    fest == XenbusStateUnknown || fest == XenbusStateInitialising) {
		printf("vcam-fakebe: frontend state %d, leaving\n", fest);
		return true;
	}
	return false;
}

/* A backend lets go of the guest's pages before it says Closed. */
static void release_all(void)
{
	int i;

	for (i = 0; i < MAX_BUFS; i++)
		if (g.bufs[i].created)
			buf_destroy((unsigned int)i);
	if (g.ring_page)
		xengnttab_unmap(g.gt, g.ring_page, 1);
	if (g.evt)
		xengnttab_unmap(g.gt, g.evt, 1);
	g.ring_page = NULL;
	g.evt = NULL;
}

static void connect_frontend(void)
{
	char *s;
	uint64_t end = now_ms() + 300000;

	while (state_of(g.fe) != XenbusStateInitialised) {
		if (now_ms() > end) {
			fprintf(stderr, "vcam-fakebe: frontend never Initialised\n");
			exit(1);
		}
		usleep(50000);
	}
	g.ring_page = xengnttab_map_grant_ref(g.gt, g.domid,
					      rd_ul(XENCAMERA_FIELD_REQ_RING_REF),
					      PROT_READ | PROT_WRITE);
	g.evt = xengnttab_map_grant_ref(g.gt, g.domid,
					rd_ul(XENCAMERA_FIELD_EVT_RING_REF),
					PROT_READ | PROT_WRITE);
	if (!g.ring_page || !g.evt)
		die("mapping rings");
	BACK_RING_INIT(&g.ring, (struct xen_cameraif_sring *)g.ring_page, PG);
	g.req_port = xenevtchn_bind_interdomain(g.ce, g.domid,
						rd_ul(XENCAMERA_FIELD_REQ_CHANNEL));
	g.evt_port = xenevtchn_bind_interdomain(g.ce, g.domid,
						rd_ul(XENCAMERA_FIELD_EVT_CHANNEL));
	if ((int)g.req_port < 0 || (int)g.evt_port < 0)
		die("binding event channels");
	s = rd(g.fe, VCAM_FIELD_EVT_HOLD_OFF);
	g.hold_off = !g.literal && s && strcmp(s, "1") == 0;
	free(s);
	set_state(XenbusStateConnected);
}

int main(int argc, char **argv)
{
	int be_alloc = 0;
	uint64_t next_frame, end;
	bool was_streaming = false;
	char *s;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DOMID [DEVID] [--be-alloc] [--fps N] [--hostile MODE] [--seconds N] [--nm12] [--frame-ms N] [--storm] [--literal]\n",
			argv[0]);
		return 2;
	}
	g.domid = (unsigned int)atoi(argv[1]);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--be-alloc"))
			g.be_alloc = true;
		else if (!strcmp(argv[i], "--fps") && i + 1 < argc)
			g.fps = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			g.seconds = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--hostile") && i + 1 < argc)
			g.hostile = argv[++i];
		else if (!strcmp(argv[i], "--literal"))
			g.literal = true;
		else if (!strcmp(argv[i], "--nm12"))
			g.fourcc = FOURCC_NM12;
		else if (!strcmp(argv[i], "--frame-ms") && i + 1 < argc)
			g.frame_ms = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--storm"))
			g.storm_enabled = true;
		else
			g.devid = (unsigned int)atoi(argv[i]);
	}
	if (!g.fps)
		g.fps = 30;
	if (!g.frame_ms)
		g.frame_ms = 1000 / g.fps;
	g.xs = xs_open(0);
	g.gt = xengnttab_open(NULL, 0);
	g.gs = xengntshr_open(NULL, 0);
	g.ce = xenevtchn_open(NULL, 0);
	if (!g.xs || !g.gt || !g.gs || !g.ce)
		die("opening xen interfaces");
	xengnttab_set_max_grants(g.gt, 65536);
	snprintf(g.be, sizeof(g.be), "/local/domain/0/backend/vcamera/%u/%u",
		 g.domid, g.devid);
	s = rd(g.be, "frontend");
	if (!s) {
		fprintf(stderr, "vcam-fakebe: no %s/frontend\n", g.be);
		return 1;
	}
	snprintf(g.fe, sizeof(g.fe), "%s", s);
	free(s);
	s = rd(g.fe, XENCAMERA_FIELD_BE_ALLOC);
	if (s && !vcam_parse_bool(s, &be_alloc, NULL) && be_alloc)
		g.be_alloc = true;
	free(s);

	wr(g.be, XENCAMERA_FIELD_BE_VERSIONS, XENCAMERA_PROTOCOL_VERSION);
	if (!g.literal) {
		wr(g.be, VCAM_FIELD_FEATURE_EVT_HOLD_OFF, "1");
		wr(g.be, VCAM_FIELD_FEATURE_AVAIL_DEQUEUES, "1");
	}
	set_state(XenbusStateInitWait);
	connect_frontend();
	if (g.storm_enabled)
		storm_setup();

	next_frame = now_ms();
	end = now_ms() + (uint64_t)g.seconds * 1000;
	while (now_ms() < end) {
		struct pollfd pfd = { .fd = xenevtchn_fd(g.ce), .events = POLLIN };
		/*
		 * Requests wake us (RING_FINAL_CHECK_FOR_REQUESTS asks for
		 * a notification); the timeout only paces frames.
		 */
		int timeout = g.storm ? 0 : g.streaming ? 5 : 50;

		if (poll(&pfd, 1, timeout) > 0) {
			xenevtchn_port_or_error_t p = xenevtchn_pending(g.ce);

			/* the loopback stays masked: notifying it stays cheap */
			if (p >= 0 && (!g.storm_enabled ||
				       (evtchn_port_t)p != g.loop_rx))
				xenevtchn_unmask(g.ce, (evtchn_port_t)p);
		}
		/*
		 * xenstore is slow: look only now and then.  A read every
		 * pass (200 a second) cost each idle fakebe ~13% of a dom0
		 * CPU in the rig, which the guests under test then lacked.
		 */
		if (now_ms() >= g.next_check_ms) {
			if (frontend_left())
				break;
			if (g.storm_enabled)
				storm_check_request();
			g.next_check_ms = now_ms() + 50;
		}
		if (g.storm)
			storm_burst();
		serve_requests();
		if (g.vanish_now) {
			printf("vcam-fakebe: vanishing at STREAM_START\n");
			fflush(stdout);
			release_all();
			set_state(XenbusStateClosing);
			return 0;
		}
		/*
		 * Like a camera, the first frame comes one frame interval
		 * after the start, never with STREAM_START's answer: a frame
		 * racing the app's first non-blocking DQBUF made
		 * v4l2-compliance's read() test flaky.  (Counted from the
		 * pass that served STREAM_START: the one before may be up to
		 * a poll timeout older.)
		 */
		if (!g.streaming || !was_streaming)
			next_frame = now_ms() + g.frame_ms;
		was_streaming = g.streaming;
		if (g.streaming && now_ms() >= next_frame) {
			next_frame += g.frame_ms;
			produce_frame();
			if (hostile("crash")) {
				printf("vcam-fakebe: crashing mid-stream\n");
				return 0;
			}
			if (hostile("vanish")) {
				printf("vcam-fakebe: vanishing mid-stream\n");
				fflush(stdout);
				release_all();
				set_state(XenbusStateClosing);
				return 0;
			}
		}
	}
	printf("vcam-fakebe: %lu frames delivered, %lu CONFIG_GET while streaming, %lu announced again\n",
	       g.frames, g.stream_config_gets, g.reannounced);
	release_all();
	set_state(XenbusStateClosing);
	usleep(200000);
	set_state(XenbusStateClosed);
	return 0;
}
