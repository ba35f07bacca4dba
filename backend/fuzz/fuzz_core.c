// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the request core: the input is a script of what a
 * hostile frontend can do to shared memory (write request slots, move
 * req_prod anywhere, scribble on granted pages such as page directories,
 * move the event page's in_cons) interleaved with backend work (process
 * the ring, pump camera frames).  Grants are a small in-process table, the
 * camera is the test fake camera capped at small frames.  Any crash,
 * sanitizer report or leak is a bug.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "fake_camera.h"
#include "log.h"

#define NREFS	96U	/* grant refs 1..NREFS-1 exist */

static uint8_t grant_pages[NREFS][VCAM_PAGE_SIZE];
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
	p = malloc((size_t)n * VCAM_PAGE_SIZE);
	if (!p)
		return NULL;
	for (i = 0; i < n; i++)
		memcpy(p + (size_t)i * VCAM_PAGE_SIZE, grant_pages[refs[i]],
		       VCAM_PAGE_SIZE);
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
	p = calloc(n, VCAM_PAGE_SIZE);
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

static int fz_notify(void *ctx, unsigned int port)
{
	(void)ctx;
	(void)port;
	return 0;
}

static const struct vcam_xen_ops fz_ops = {
	.map = fz_map, .unmap = fz_unmap, .share = fz_share,
	.unshare = fz_unshare, .notify = fz_notify,
};

/*
 * The fake camera, but never bigger than 64x64 so runs stay fast (filling
 * frames took most of the time at 256x256): a frame still spans pages.
 */
static int fz_try(void *p, struct vcam_format *f)
{
	if (f->width > 64)
		f->width = 64;
	if (f->height > 64)
		f->height = 64;
	return fake_cam_ops.try_fmt(p, f);
}

static int fz_set(void *p, struct vcam_format *f)
{
	if (f->width > 64)
		f->width = 64;
	if (f->height > 64)
		f->height = 64;
	return fake_cam_ops.set_fmt(p, f);
}

static struct vcam_camera_ops cam_ops;

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ring_page[VCAM_PAGE_SIZE]
		__attribute__((aligned(VCAM_PAGE_SIZE)));
	static uint8_t evt_page[VCAM_PAGE_SIZE]
		__attribute__((aligned(VCAM_PAGE_SIZE)));
	struct xen_cameraif_sring *sring = (void *)ring_page;
	struct input in = { data, size };
	struct vcam_dev_cfg cfg;
	struct fake_cam fc;
	struct vcam_cam cam;
	struct vcam_dev dev;
	uint8_t flags = 0;
	unsigned int steps = 0, i;

	vcam_log_setup(false, LOG_CRIT);
	cam_ops = fake_cam_ops;
	cam_ops.try_fmt = fz_try;
	cam_ops.set_fmt = fz_set;
	memset(ring_page, 0, sizeof(ring_page));
	memset(evt_page, 0, sizeof(evt_page));
	for (i = 0; i < NREFS; i++) {
		if (grant_dirty[i])
			memset(grant_pages[i], 0, VCAM_PAGE_SIZE);
		grant_dirty[i] = false;
	}
	next_own_ref = 0;
	live_maps = 0;
	SHARED_RING_INIT(sring);

	take(&in, &flags, 1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.be_alloc = flags & 1;
	cfg.evt_hold_off = (flags >> 1) & 1;
	cfg.notify_mode = ((flags >> 2) & 3) % VCAM_NOTIFY_NR;
	cfg.spin_us = 10;
	cfg.max_buffers = 1 + ((flags >> 4) & 7);
	cfg.nctrls = 3;
	cfg.ctrls[0] = XENCAMERA_CTRL_HUE;
	cfg.ctrls[1] = XENCAMERA_CTRL_CONTRAST;
	cfg.ctrls[2] = XENCAMERA_CTRL_SATURATION;

	fake_cam_init(&fc);
	fc.fmt.width = 32;
	fc.fmt.height = 16;
	fake_cam_ops.try_fmt(&fc, &fc.fmt);
	vcam_cam_init(&cam, "fuzz", &cam_ops, &fc);
	vcam_dev_init(&dev, "fuzz", &fz_ops, NULL, ring_page, evt_page, 1, 2,
		      &cfg, &cam);

	while (in.left && steps++ < 256) {
		uint8_t op = 0;
		uint32_t v = 0;
		uint8_t slot[sizeof(struct xencamera_req)];

		take(&in, &op, 1);
		switch (op % 8) {
		case 0:	/* a well-placed request */
		case 1:
			take(&in, slot, sizeof(slot));
			memcpy(RING_GET_REQUEST(&dev.ring, sring->req_prod),
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
			off %= VCAM_PAGE_SIZE - 3;
			memcpy(&grant_pages[ref % NREFS][off], &v, sizeof(v));
			grant_dirty[ref % NREFS] = true;
			break;
		}
		case 4:	/* event page indices */
			take(&in, &v, sizeof(v));
			((struct xencamera_event_page *)evt_page)->in_cons = v;
			take(&in, &v, sizeof(v));
			*vcam_evt_page_in_event(evt_page) = v;
			break;
		case 5:	/* camera frames, maybe with a gap */
			take(&in, &v, sizeof(v));
			fake_cam_produce(&fc, v & 7, (v >> 3) & 3);
			vcam_cam_pump(&cam);
			break;
		default:
			vcam_dev_process(&dev, VCAM_REQ_BUDGET);
			break;
		}
	}
	vcam_dev_process(&dev, VCAM_REQ_BUDGET);
	if (getenv("VCAM_FUZZ_VERBOSE"))
		fprintf(stderr, "requests %llu errors %llu frames %llu drops %llu broken %d\n",
			(unsigned long long)dev.st.requests,
			(unsigned long long)dev.st.errors,
			(unsigned long long)dev.st.frames,
			(unsigned long long)dev.st.drops, dev.broken);
	vcam_dev_fini(&dev);
	vcam_cam_fini(&cam);
	fake_cam_fini(&fc);
	if (live_maps != 0)
		abort();	/* a mapping or grant leaked */
	return 0;
}
