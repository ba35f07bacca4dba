// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the request core: the input is a script of what a
 * hostile frontend can do to shared memory (write request slots, move
 * req_prod anywhere, scribble on granted pages such as page directories,
 * move the event page's in_cons) interleaved with backend work (process
 * the ring, pump camera frames).  Grants are a small in-process table, the
 * camera is the test fake camera capped at small frames.  The first octets
 * choose the device's configuration (make_cfg): allocation side, modes,
 * menu, controls, a camera that can do zero copy or fails to stream, and
 * whether a second device shares the camera.  Any crash, sanitizer report
 * or leak is a bug.
 */
#include <errno.h>
#include <linux/videodev2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "fake_camera.h"
#include "log.h"

#define NREFS	96U	/* grant refs 1..NREFS-1 exist */

static uint8_t grant_pages[NREFS][VCAMD_PAGE_SIZE];
static bool grant_dirty[NREFS];	/* scribbled on: clear before the next run */
static uint32_t next_own_ref;
static int live_maps;

/* Mapping copies pages in and out: enough to fuzz the core's parsing. */
struct map_hdr {
	unsigned int n;
	uint32_t refs[];
};

static void *fz_map(void *ctx, unsigned int n, const uint32_t *refs)
{
	unsigned int i;
	char *p;

	(void)ctx;
	if (!n || n > 4096)
		return NULL;
	for (i = 0; i < n; i++)
		if (refs[i] == 0 || refs[i] >= NREFS)
			return NULL;
	p = malloc((size_t)n * VCAMD_PAGE_SIZE);
	if (!p)
		return NULL;
	for (i = 0; i < n; i++)
		memcpy(p + (size_t)i * VCAMD_PAGE_SIZE, grant_pages[refs[i]],
		       VCAMD_PAGE_SIZE);
	live_maps++;
	return p;
}

static void fz_unmap(void *ctx, void *addr, unsigned int n)
{
	(void)ctx;
	(void)n;
	free(addr);
	live_maps--;
}

static void *fz_share(void *ctx, unsigned int n, uint32_t *refs)
{
	unsigned int i;
	void *p;

	(void)ctx;
	if (!n || n > 4096)
		return NULL;
	p = calloc(n, VCAMD_PAGE_SIZE);
	if (!p)
		return NULL;
	for (i = 0; i < n; i++)
		refs[i] = 0x10000 + next_own_ref++;
	live_maps++;
	return p;
}

static void fz_unshare(void *ctx, void *addr, unsigned int n,
		       const uint32_t *refs)
{
	(void)ctx;
	(void)n;
	(void)refs;
	free(addr);
	live_maps--;
}

/* The directory pages go through here (vcamd's grant copy), the rest is mapped. */
static int fz_copy(void *ctx, uint32_t ref, unsigned int offset, void *buf,
		   unsigned int len, bool to_peer)
{
	(void)ctx;
	if (ref == 0 || ref >= NREFS || offset > VCAMD_PAGE_SIZE ||
	    len > VCAMD_PAGE_SIZE - offset)
		return -EINVAL;
	if (to_peer) {
		memcpy(grant_pages[ref] + offset, buf, len);
		grant_dirty[ref] = true;
	} else {
		memcpy(buf, grant_pages[ref] + offset, len);
	}
	return 0;
}

static int fz_notify(void *ctx, unsigned int port)
{
	(void)ctx;
	(void)port;
	return 0;
}

static const struct vcamd_xen_ops fz_ops = {
	.map = fz_map, .unmap = fz_unmap, .share = fz_share,
	.unshare = fz_unshare, .copy = fz_copy, .notify = fz_notify,
};

/*
 * The fake camera, but never bigger than 64x64 so runs stay fast (filling
 * frames took most of the time at 256x256): a frame still spans pages.
 */
static int fz_try(void *p, struct vcamd_format *f)
{
	if (f->width > 64)
		f->width = 64;
	if (f->height > 64)
		f->height = 64;
	return fake_cam_ops.try_fmt(p, f);
}

static int fz_set(void *p, struct vcamd_format *f)
{
	if (f->width > 64)
		f->width = 64;
	if (f->height > 64)
		f->height = 64;
	return fake_cam_ops.set_fmt(p, f);
}

static struct vcamd_camera_ops cam_ops;

/*
 * Clocks the input drives: real time made runs of one input differ (spin
 * windows, idle timeouts), which misleads the fuzzer, and reading the
 * thread CPU clock was a system call per frame.
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

struct input {
	const uint8_t *p;
	size_t left;
};

static int take(struct input *in, void *dst, size_t n)
{
	if (in->left < n) {
		memset(dst, 0, n);
		in->left = 0;
		return 0;
	}
	memcpy(dst, in->p, n);
	in->p += n;
	in->left -= n;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The configuration xb.c would hand over.  Extension bits (ext, only when
 * the first octet's top bit says one follows, so older inputs keep their
 * meaning): 0 a menu of allowed modes, 1-2 how many controls are listed,
 * 3-4 which ones first, 5 the camera can do zero copy, 6 its STREAMON
 * fails, 7 a second device shares the camera.
 */
static void make_cfg(struct vcamd_dev_cfg *cfg, uint8_t flags, uint8_t ext)
{
	static const uint8_t ctrls[4] = {
		XENCAMERA_CTRL_HUE, XENCAMERA_CTRL_CONTRAST,
		XENCAMERA_CTRL_SATURATION, XENCAMERA_CTRL_BRIGHTNESS,
	};
	unsigned int i, rot = (ext >> 3) & 3;

	memset(cfg, 0, sizeof(*cfg));
	cfg->be_alloc = flags & 1;
	cfg->evt_hold_off = (flags >> 1) & 1;
	/* no bit left: vcam frontends negotiate both or (literal) neither */
	cfg->capture_time = cfg->evt_hold_off;
	cfg->notify_mode = ((flags >> 2) & 3) % VCAM_NOTIFY_NR;
	cfg->spin_us = 10;
	cfg->max_buffers = 1 + ((flags >> 4) & 7);
	cfg->nctrls = flags & 0x80 ? 1 + ((ext >> 1) & 3) : 3;
	for (i = 0; i < cfg->nctrls; i++)
		cfg->ctrls[i] = ctrls[(i + rot) % 4];
	if (ext & 1) {
		/* modes as the fake camera adjusts them (64x64 at most) */
		cfg->nfmts = 2;
		cfg->fmts[0] = (struct vcamd_allowed_fmt){
			V4L2_PIX_FMT_YUYV, 64, 48, 2, { { 30, 1 }, { 15, 1 } } };
		cfg->fmts[1] = (struct vcamd_allowed_fmt){
			V4L2_PIX_FMT_NV12, 32, 32, 1, { { 15, 1 } } };
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ring_page[2][VCAMD_PAGE_SIZE]
		__attribute__((aligned(VCAMD_PAGE_SIZE)));
	static uint8_t evt_page[2][VCAMD_PAGE_SIZE]
		__attribute__((aligned(VCAMD_PAGE_SIZE)));
	struct input in = { data, size };
	struct vcamd_dev_cfg cfg;
	struct fake_cam fc;
	struct vcamd_cam cam;
	struct vcamd_dev dev[2];
	uint8_t flags = 0, ext = 0;
	unsigned int steps = 0, ndev, i;

	vcamd_log_setup(false, getenv("VCAM_FUZZ_VERBOSE") ? LOG_DEBUG : LOG_CRIT);
	cam_ops = fake_cam_ops;
	cam_ops.try_fmt = fz_try;
	cam_ops.set_fmt = fz_set;
	memset(ring_page, 0, sizeof(ring_page));
	memset(evt_page, 0, sizeof(evt_page));
	for (i = 0; i < NREFS; i++) {
		if (grant_dirty[i])
			memset(grant_pages[i], 0, VCAMD_PAGE_SIZE);
		grant_dirty[i] = false;
	}
	next_own_ref = 0;
	live_maps = 0;
	vcamd_now_hook = fz_now;
	vcamd_cpu_hook = fz_cpu;
	g_now = 1000000000ull;
	g_cpu = 0;

	take(&in, &flags, 1);
	if (flags & 0x80)
		take(&in, &ext, 1);
	ndev = ext & 0x80 ? 2 : 1;

	fake_cam_init(&fc);
	fc.fmt.width = 32;
	fc.fmt.height = 16;
	fake_cam_ops.try_fmt(&fc, &fc.fmt);
	fc.fill_cheap = true;
	fc.allow_user = ext & 0x20;
	fc.fail_stream_on = ext & 0x40 ? EIO : 0;
	vcamd_cam_init(&cam, "fuzz", &cam_ops, &fc);
	for (i = 0; i < ndev; i++) {
		/* the second device allocates the other way round */
		make_cfg(&cfg, flags ^ i, ext);
		SHARED_RING_INIT((struct xen_cameraif_sring *)ring_page[i]);
		vcamd_dev_init(&dev[i], i ? "fuzz1" : "fuzz0", &fz_ops, NULL,
			       ring_page[i], evt_page[i], 1 + 2 * i, 2 + 2 * i,
			       &cfg, &cam);
	}

	while (in.left && steps++ < 256) {
		uint8_t op = 0;
		uint32_t v = 0;
		uint8_t slot[sizeof(struct xencamera_req)];
		struct xen_cameraif_sring *sring;
		unsigned int d;

		take(&in, &op, 1);
		g_now += 50000;
		/* with two devices, the op's top bit says which */
		d = ndev > 1 && (op & 0x80);
		sring = (void *)ring_page[d];
		switch (op % 8) {
		case 0:	/* a well-placed request */
		case 1:
			take(&in, slot, sizeof(slot));
			memcpy(RING_GET_REQUEST(&dev[d].ring, sring->req_prod),
			       slot, sizeof(slot));
			sring->req_prod++;
			break;
		case 2:	/* any producer index at all */
			take(&in, &v, sizeof(v));
			sring->req_prod = v;
			break;
		case 3: {	/* scribble on a granted page (directories) */
			uint8_t ref = 0;
			uint16_t off = 0;

			take(&in, &ref, 1);
			take(&in, &off, sizeof(off));
			take(&in, &v, sizeof(v));
			off %= VCAMD_PAGE_SIZE - 3;
			memcpy(&grant_pages[ref % NREFS][off], &v, sizeof(v));
			grant_dirty[ref % NREFS] = true;
			break;
		}
		case 4:	/* event page indices */
			take(&in, &v, sizeof(v));
			((struct xencamera_event_page *)evt_page[d])->in_cons = v;
			take(&in, &v, sizeof(v));
			*vcam_evt_page_in_event(evt_page[d]) = v;
			break;
		case 5:	/* camera frames, maybe with a gap, after a while */
			take(&in, &v, sizeof(v));
			g_now += (uint64_t)(v >> 5) * 1000;
			fake_cam_produce(&fc, v & 7, (v >> 3) & 3);
			vcamd_cam_pump(&cam);
			break;
		default:
			vcamd_dev_process(&dev[d], VCAMD_REQ_BUDGET);
			break;
		}
	}
	for (i = 0; i < ndev; i++) {
		vcamd_dev_process(&dev[i], VCAMD_REQ_BUDGET);
		if (getenv("VCAM_FUZZ_VERBOSE"))
			fprintf(stderr, "dev %u: requests %llu errors %llu frames %llu drops %llu broken %d\n",
				i, (unsigned long long)dev[i].st.requests,
				(unsigned long long)dev[i].st.errors,
				(unsigned long long)dev[i].st.frames,
				(unsigned long long)dev[i].st.drops,
				dev[i].broken);
	}
	for (i = 0; i < ndev; i++)
		vcamd_dev_fini(&dev[i]);
	vcamd_cam_fini(&cam);
	fake_cam_fini(&fc);
	if (live_maps != 0)
		abort();	/* a mapping or grant leaked */
	return 0;
}
