// SPDX-License-Identifier: MIT
/*
 * The request core over the loopback transport: every op, every state
 * rule and every validation path, plus frame delivery, notification modes
 * and camera sharing.  The camera is tests/fake_camera.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/videodev2.h>

#include "core.h"
#include "tfe.h"

struct fixture {
	struct fake_cam fc;
	struct vcamd_cam cam;
	struct tfe t;
};

static int setup_cfg(void **state, void (*tweak)(struct vcamd_dev_cfg *))
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vcamd_dev_cfg cfg;

	if (!f)
		return -1;
	fake_cam_init(&f->fc);
	vcamd_cam_init(&f->cam, "fake", &fake_cam_ops, &f->fc);
	tfe_default_cfg(&cfg);
	if (tweak)
		tweak(&cfg);
	tfe_setup(&f->t, &cfg, &f->cam, 8192);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_cfg(state, NULL);
}

static void be_alloc_cfg(struct vcamd_dev_cfg *cfg)
{
	cfg->be_alloc = true;
}

static int setup_be(void **state)
{
	return setup_cfg(state, be_alloc_cfg);
}

static void spin_cfg(struct vcamd_dev_cfg *cfg)
{
	cfg->notify_mode = VCAM_NOTIFY_SPIN;
}

static int setup_spin(void **state)
{
	return setup_cfg(state, spin_cfg);
}

static void holdoff_cfg(struct vcamd_dev_cfg *cfg)
{
	cfg->evt_hold_off = true;
}

static int setup_holdoff(void **state)
{
	return setup_cfg(state, holdoff_cfg);
}

static void captime_cfg(struct vcamd_dev_cfg *cfg)
{
	cfg->capture_time = true;
}

static int setup_captime(void **state)
{
	return setup_cfg(state, captime_cfg);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tfe_teardown(&f->t);
	vcamd_cam_fini(&f->cam);
	assert_false(f->fc.streaming);
	assert_int_equal(f->fc.held, 0);
	fake_cam_fini(&f->fc);
	free(f);
	return 0;
}

/* ---- configuration ------------------------------------------------------ */

static void test_config_set_get_validate(void **state)
{
	struct fixture *f = *state;
	struct xencamera_resp rsp;

	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_NV12, 640, 480, &rsp), 0);
	assert_int_equal(rsp.resp.config.pixel_format, V4L2_PIX_FMT_NV12);
	assert_int_equal(rsp.resp.config.width, 640);
	assert_int_equal(rsp.resp.config.height, 480);
	assert_int_equal(rsp.resp.config.colorspace,
			 XENCAMERA_COLORSPACE_SRGB);
	assert_int_equal(rsp.resp.config.displ_asp_ratio_numer, 4);
	assert_int_equal(rsp.resp.config.displ_asp_ratio_denom, 3);
	assert_int_equal(rsp.resp.config.frame_rate_numer, 30);
	/* VALIDATE adjusts but does not apply. */
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_VALIDATE,
				    V4L2_PIX_FMT_RGB24, 9999, 3, &rsp), 0);
	assert_int_equal(rsp.resp.config.pixel_format, V4L2_PIX_FMT_YUYV);
	assert_int_equal(rsp.resp.config.width, 4096);
	assert_int_equal(rsp.resp.config.height, 16);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_GET, 0, 0, 0,
				    &rsp), 0);
	assert_int_equal(rsp.resp.config.pixel_format, V4L2_PIX_FMT_NV12);
	assert_int_equal(rsp.resp.config.width, 640);
	/* Degenerate requests. */
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_NV12, 0, 480, &rsp),
			 -XEN_EINVAL);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_VALIDATE, 0,
				    640, 480, &rsp), -XEN_EINVAL);
	/* Error responses carry no payload. */
	assert_int_equal(rsp.resp.config.width, 0);
}

static void test_frame_rate(void **state)
{
	struct fixture *f = *state;
	struct xencamera_req req;
	struct xencamera_resp rsp;

	vcam_req_frame_rate(&req, 0, 15, 1);
	assert_int_equal(tfe_call(&f->t, &req, NULL), 0);
	assert_int_equal(f->fc.rate_numer, 15);
	vcam_req_frame_rate(&req, 0, 15, 0);
	assert_int_equal(tfe_call(&f->t, &req, NULL), -XEN_EINVAL);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 64, 48, &rsp), 0);
	assert_int_equal(rsp.resp.config.frame_rate_numer, 15);
	assert_int_equal(tfe_buf_request(&f->t, 2, NULL), 0);
	assert_int_equal(tfe_buf_create(&f->t, 0), 0);
	vcam_req_frame_rate(&req, 0, 15, 1);
	assert_int_equal(tfe_call(&f->t, &req, NULL), -XEN_EBUSY);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 64, 48, &rsp),
			 -XEN_EBUSY);
}

/* ---- buffers -------------------------------------------------------------- */

static void test_layout_and_buf_request(void **state)
{
	struct fixture *f = *state;
	struct xencamera_req req;
	struct xencamera_resp rsp;
	uint8_t got;

	vcam_req_hdr(&req, 0, XENCAMERA_OP_BUF_GET_LAYOUT);
	assert_int_equal(tfe_call(&f->t, &req, NULL), -XEN_EINVAL);
	assert_int_equal(tfe_buf_request(&f->t, 2, NULL), -XEN_EINVAL);
	/* CONFIG_GET adopts the camera's current format. */
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_GET, 0, 0, 0,
				    NULL), 0);
	assert_int_equal(tfe_call(&f->t, &req, &rsp), 0);
	assert_int_equal(rsp.resp.buf_layout.size, 64 * 48 * 2);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_NV12, 64, 48, NULL), 0);
	assert_int_equal(tfe_call(&f->t, &req, &rsp), 0);
	assert_int_equal(rsp.resp.buf_layout.num_planes, 2);
	assert_int_equal(rsp.resp.buf_layout.size, 64 * 48 * 3 / 2);
	assert_int_equal(rsp.resp.buf_layout.plane_size[1], 64 * 24);
	assert_int_equal(rsp.resp.buf_layout.plane_stride[0], 64);
	/* Clamped to max-buffers. */
	assert_int_equal(tfe_buf_request(&f->t, 200, &got), 0);
	assert_int_equal(got, 8);
	assert_int_equal(tfe_buf_request(&f->t, 3, &got), 0);
	assert_int_equal(got, 3);
	assert_int_equal(tfe_buf_create(&f->t, 0), 0);
	assert_int_equal(tfe_buf_request(&f->t, 3, &got), -XEN_EBUSY);
	/* BUF_REQUEST(0) frees, then a new request is fine. */
	assert_int_equal(tfe_buf_request(&f->t, 0, &got), 0);
	assert_int_equal(got, 0);
	assert_int_equal(vcam_lb_granted(f->t.lb, VCAM_LB_BE), 0);
	assert_int_equal(tfe_buf_create(&f->t, 0), -XEN_EINVAL);
	assert_int_equal(tfe_buf_request(&f->t, 2, &got), 0);
	assert_int_equal(tfe_buf_create(&f->t, 1), 0);
}

static void test_buf_create_rules(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 64, 48, NULL), 0);
	assert_int_equal(tfe_buf_request(&f->t, 2, NULL), 0);
	assert_int_equal(tfe_buf_create(&f->t, 2), -XEN_EINVAL);
	assert_int_equal(tfe_buf_create(&f->t, 255), -XEN_EINVAL);
	assert_int_equal(tfe_buf_create(&f->t, 1), 0);
	assert_int_equal(tfe_buf_create(&f->t, 1), -XEN_EEXIST);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DESTROY, 0),
			 -XEN_EINVAL);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DESTROY, 1), 0);
	assert_int_equal(tfe_buf_create(&f->t, 1), 0);
}

static void test_bad_directories(void **state)
{
	struct fixture *f = *state;
	struct xencamera_page_directory *pd;
	uint32_t dref[2], bref[2], own;
	void *dir, *buf, *mine;

	/* 64x48 YUYV = 6144 octets = 2 pages, one directory page. */
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 64, 48, NULL), 0);
	assert_int_equal(tfe_buf_request(&f->t, 1, NULL), 0);
	/* Invalid and unallocated directory refs. */
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, 0), -XEN_EINVAL);
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, 3), -XEN_EINVAL);
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, 0xffffffff),
			 -XEN_EINVAL);
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, 7000), -XEN_EINVAL);
	/* A page the backend granted itself is foreign to it as a dir. */
	mine = vcam_lb_share(f->t.lb, VCAM_LB_BE, 1, &own);
	assert_non_null(mine);
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, own), -XEN_EINVAL);
	vcam_lb_unshare(f->t.lb, VCAM_LB_BE, mine, 1, &own);

	dir = vcam_lb_share(f->t.lb, VCAM_LB_FE, 2, dref);
	buf = vcam_lb_share(f->t.lb, VCAM_LB_FE, 2, bref);
	assert_non_null(dir);
	assert_non_null(buf);
	pd = dir;
	/* Bad buffer ref inside an otherwise fine directory. */
	pd->gref[0] = bref[0];
	pd->gref[1] = 1;
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, dref[0]), -XEN_EINVAL);
	/* Directory that claims to go on past what the size needs. */
	pd->gref[1] = bref[1];
	pd->gref_dir_next_page = dref[1];
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, dref[0]), -XEN_EINVAL);
	/* Looping onto itself is the same thing here. */
	pd->gref_dir_next_page = dref[0];
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, dref[0]), -XEN_EINVAL);
	/* Fixed: now it works, and the backend sees our bytes. */
	pd->gref_dir_next_page = 0;
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, dref[0]), 0);
	assert_int_equal(f->t.dev.bufs[0].npages, 2);
	((char *)buf)[5000] = 42;
	assert_int_equal(((char *)f->t.dev.bufs[0].addr)[5000], 42);
}

static void test_multi_page_directory(void **state)
{
	struct fixture *f = *state;
	struct xencamera_page_directory *pd;
	struct tfe_buf *b = &f->t.bufs[0];
	uint32_t keep;

	/* 4096x1080 YUYV = 8847360 octets = 2160 pages: 3 dir pages. */
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 4096, 1080, NULL), 0);
	assert_int_equal(tfe_buf_request(&f->t, 1, NULL), 0);
	assert_int_equal(tfe_buf_create(&f->t, 0), 0);
	assert_int_equal(b->ndir, 3);
	assert_int_equal(f->t.dev.bufs[0].npages, 2160);
	((char *)b->addr)[2159 * 4096 + 17] = 99;
	assert_int_equal(((char *)f->t.dev.bufs[0].addr)[2159 * 4096 + 17],
			 99);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DESTROY, 0), 0);
	/* A chain that ends early. */
	pd = vcam_pgdir_page(b->dir, 1);
	keep = pd->gref_dir_next_page;
	pd->gref_dir_next_page = 0;
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, b->dir_refs[0]),
			 -XEN_EINVAL);
	/* The last page pointing back at the first: a loop. */
	pd->gref_dir_next_page = keep;
	pd = vcam_pgdir_page(b->dir, 2);
	pd->gref_dir_next_page = b->dir_refs[0];
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, b->dir_refs[0]),
			 -XEN_EINVAL);
	/* The second page pointing at itself: a loop inside the count. */
	pd->gref_dir_next_page = 0;
	pd = vcam_pgdir_page(b->dir, 1);
	pd->gref_dir_next_page = b->dir_refs[1];
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, b->dir_refs[0]),
			 -XEN_EINVAL);
	pd->gref_dir_next_page = keep;
	assert_int_equal(tfe_buf_create_raw(&f->t, 0, b->dir_refs[0]), 0);
}

static void test_plane_offsets(void **state)
{
	struct fixture *f = *state;
	static const uint32_t offs[] = { 0, 0xfffffff0 };
	struct tfe_buf *b = &f->t.bufs[0];
	struct xencamera_req req;

	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_NV12, 64, 48, NULL), 0);
	assert_int_equal(tfe_buf_request(&f->t, 2, NULL), 0);
	assert_int_equal(tfe_buf_create(&f->t, 0), 0);
	vcam_req_buf_create(&req, 0, 1, offs, 2, b->dir_refs[0]);
	assert_int_equal(tfe_call(&f->t, &req, NULL), -XEN_EINVAL);
}

static void test_queue_dequeue(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 64, 48, NULL), 0);
	assert_int_equal(tfe_buf_request(&f->t, 2, NULL), 0);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0),
			 -XEN_EINVAL);
	assert_int_equal(tfe_buf_create(&f->t, 0), 0);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 9),
			 -XEN_EINVAL);
	/* not created */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DEQUEUE, 1),
			 -XEN_EINVAL);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DEQUEUE, 9),
			 -XEN_EINVAL);
	/* created, not queued: the frontend's already */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DEQUEUE, 0), 0);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0),
			 -XEN_EBUSY);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DEQUEUE, 0), 0);
	assert_int_equal(f->t.dev.q_len, 0);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DEQUEUE, 0), 0);
	assert_int_equal(f->t.dev.st.dequeue_held, 2);
	/* Destroying a queued buffer while not streaming is fine. */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DESTROY, 0), 0);
	assert_int_equal(f->t.dev.q_len, 0);
}

/* ---- controls ----------------------------------------------------------- */

static void test_controls(void **state)
{
	struct fixture *f = *state;
	struct xencamera_req req;
	struct xencamera_resp rsp;

	vcam_req_index(&req, 0, XENCAMERA_OP_CTRL_ENUM, 2);
	assert_int_equal(tfe_call(&f->t, &req, &rsp), 0);
	assert_int_equal(rsp.resp.ctrl_enum.index, 2);
	assert_int_equal(rsp.resp.ctrl_enum.type, XENCAMERA_CTRL_SATURATION);
	assert_int_equal(rsp.resp.ctrl_enum.max, 100);
	assert_int_equal(rsp.resp.ctrl_enum.def_val, 50);
	assert_int_equal(rsp.resp.ctrl_enum.flags,
			 XENCAMERA_CTRL_FLG_VOLATILE);
	/* Listed but the camera lacks it; past the end. */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_CTRL_ENUM, 3),
			 -XEN_EINVAL);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_CTRL_ENUM, 4),
			 -XEN_EINVAL);

	vcam_req_ctrl_set(&req, 0, XENCAMERA_CTRL_CONTRAST, 200);
	assert_int_equal(tfe_call(&f->t, &req, NULL), 0);
	assert_int_equal(f->fc.ctrl[XENCAMERA_CTRL_CONTRAST], 200);
	vcam_req_ctrl_set(&req, 0, XENCAMERA_CTRL_CONTRAST, 256);
	assert_int_equal(tfe_call(&f->t, &req, NULL), -XEN_ERANGE);
	vcam_req_ctrl_set(&req, 0, 77, 256);
	assert_int_equal(tfe_call(&f->t, &req, NULL), -XEN_EINVAL);

	vcam_req_ctrl_get(&req, 0, XENCAMERA_CTRL_CONTRAST);
	assert_int_equal(tfe_call(&f->t, &req, &rsp), 0);
	assert_int_equal(rsp.resp.ctrl_value.type, XENCAMERA_CTRL_CONTRAST);
	assert_int_equal(rsp.resp.ctrl_value.value, 200);
	vcam_req_ctrl_get(&req, 0, XENCAMERA_CTRL_HUE);
	assert_int_equal(tfe_call(&f->t, &req, &rsp), -XEN_EINVAL);
}

static void menu_cfg(struct vcamd_dev_cfg *cfg)
{
	cfg->nfmts = 1;
	cfg->fmts[0] = (struct vcamd_allowed_fmt){
		.fourcc = V4L2_PIX_FMT_YUYV, .width = 64, .height = 48,
		.nrates = 2, .rates = { { 30, 1 }, { 15, 1 } },
	};
}

static int setup_menu(void **state)
{
	return setup_cfg(state, menu_cfg);
}

static void test_formats_menu(void **state)
{
	struct fixture *f = *state;
	struct xencamera_req req;
	struct xencamera_resp rsp;

	/* The camera is at 32x48, off the menu: CONFIG_GET does not adopt it. */
	f->fc.fmt.width = 32;
	fake_cam_ops.try_fmt(&f->fc, &f->fc.fmt);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_GET, 0, 0, 0,
				    &rsp), 0);
	assert_int_equal(tfe_buf_request(&f->t, 1, NULL), -XEN_EINVAL);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_NV12, 64, 48, NULL),
			 -XEN_EINVAL);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_VALIDATE,
				    V4L2_PIX_FMT_YUYV, 640, 480, NULL),
			 -XEN_EINVAL);
	/* 65x48 is adjusted by the camera to 64x48, which is allowed. */
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 65, 48, &rsp), 0);
	assert_int_equal(rsp.resp.config.width, 64);
	vcam_req_frame_rate(&req, 0, 25, 1);
	assert_int_equal(tfe_call(&f->t, &req, NULL), -XEN_EINVAL);
	vcam_req_frame_rate(&req, 0, 30, 2);	/* = 15/1 */
	assert_int_equal(tfe_call(&f->t, &req, NULL), 0);
	assert_int_equal(f->fc.rate_numer, 15);
	assert_int_equal(tfe_buf_request(&f->t, 1, NULL), 0);
}

static void only_brightness_cfg(struct vcamd_dev_cfg *cfg)
{
	cfg->nctrls = 1;
	cfg->ctrls[0] = XENCAMERA_CTRL_BRIGHTNESS;
}

static int setup_one_ctrl(void **state)
{
	return setup_cfg(state, only_brightness_cfg);
}

static void test_controls_unlisted(void **state)
{
	struct fixture *f = *state;
	struct xencamera_req req;

	vcam_req_ctrl_set(&req, 0, XENCAMERA_CTRL_CONTRAST, 1);
	assert_int_equal(tfe_call(&f->t, &req, NULL), -XEN_EINVAL);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_CTRL_ENUM, 1),
			 -XEN_EINVAL);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_CTRL_ENUM, 0), 0);
}

/* ---- streaming ------------------------------------------------------------ */

static void test_stream_rules(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START),
			 -XEN_EINVAL);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 64, 48, NULL), 0);
	assert_int_equal(tfe_buf_request(&f->t, 2, NULL), 0);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START),
			 -XEN_EINVAL);
	assert_int_equal(tfe_buf_create(&f->t, 0), 0);
	f->fc.fail_stream_on = EIO;
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), -XEN_EIO);
	assert_false(f->t.dev.streaming);
	f->fc.fail_stream_on = 0;
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_true(f->fc.streaming);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START),
			 -XEN_EBUSY);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 64, 48, NULL),
			 -XEN_EBUSY);
	/* VALIDATE is allowed while streaming. */
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_VALIDATE,
				    V4L2_PIX_FMT_YUYV, 32, 32, NULL), 0);
	assert_int_equal(tfe_buf_request(&f->t, 0, NULL), -XEN_EBUSY);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DESTROY, 0),
			 -XEN_EBUSY);
	/* A created but unqueued buffer may go while streaming. */
	assert_int_equal(tfe_buf_create(&f->t, 1), 0);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DESTROY, 1), 0);
	/* STOP returns queued buffers without FRAME_AVAIL. */
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	assert_false(f->fc.streaming);
	assert_int_equal(f->t.dev.q_len, 0);
	assert_false(f->t.dev.bufs[0].queued);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DESTROY, 0), 0);
}

/*
 * The daemon's cameras (defer_stop): STREAM_STOP is answered before the
 * camera stops; a STREAM_START in between keeps it running; anything that
 * needs it stopped (a new format) stops it first; it delivers nothing
 * meanwhile.
 */
static void test_deferred_stop(void **state)
{
	struct fixture *f = *state;
	struct xencamera_evt ev;

	f->cam.defer_stop = true;
	tfe_prepare(&f->t, 64, 48, 2);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_int_equal(f->fc.stream_ons, 1);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	assert_true(f->fc.streaming);
	assert_true(f->cam.stop_due);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 0);
	/* started again before it settled: the camera never stopped */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_false(f->cam.stop_due);
	assert_int_equal(f->fc.stream_ons, 1);
	assert_int_equal(f->fc.stream_offs, 0);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.seq_num, 0);
	/* settled: stopped once */
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	vcamd_cam_settle(&f->cam);
	assert_false(f->fc.streaming);
	assert_int_equal(f->fc.stream_offs, 1);
	vcamd_cam_settle(&f->cam);
	assert_int_equal(f->fc.stream_offs, 1);
	/* not settled yet: a new format stops it first, and is not refused */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_int_equal(f->fc.stream_ons, 2);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	assert_int_equal(tfe_buf_request(&f->t, 0, NULL), 0);
	assert_true(f->fc.streaming);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 32, 32, NULL), 0);
	assert_false(f->fc.streaming);
	assert_int_equal(f->fc.stream_offs, 2);
}

/* A stopped camera keeps its buffers for a quick restart, then lets go. */
static void test_kept_buffers(void **state)
{
	struct fixture *f = *state;
	const uint64_t keep_ns = (uint64_t)VCAMD_CAM_KEEP_MS * 1000000;

	f->cam.defer_stop = true;
	tfe_prepare(&f->t, 64, 48, 2);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	vcamd_cam_settle(&f->cam);
	assert_true(f->fc.kept);
	assert_true(f->cam.bufs_kept);
	/* the next start takes them as they are */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_int_equal(f->fc.kept_starts, 1);
	assert_false(f->cam.bufs_kept);
	vcamd_cam_idle(&f->cam, 1000);
	assert_int_equal(f->fc.releases, 0);
	/* idle: given back VCAMD_CAM_KEEP_MS after the main loop saw it */
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	vcamd_cam_settle(&f->cam);
	vcamd_cam_idle(&f->cam, 1000);
	vcamd_cam_idle(&f->cam, 1000 + keep_ns - 1);
	assert_int_equal(f->fc.releases, 0);
	vcamd_cam_idle(&f->cam, 1000 + keep_ns);
	assert_int_equal(f->fc.releases, 1);
	assert_false(f->fc.kept);
	/* the same format again keeps them: an application sets it first */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	vcamd_cam_settle(&f->cam);
	assert_int_equal(tfe_buf_request(&f->t, 0, NULL), 0);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 64, 48, NULL), 0);
	assert_int_equal(f->fc.releases, 1);
	assert_true(f->fc.kept);
	tfe_prepare(&f->t, 64, 48, 2);
	assert_int_equal(f->fc.releases, 1);
	/* a new format lets go of them first (the camera would refuse) */
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	assert_int_equal(tfe_buf_request(&f->t, 0, NULL), 0);
	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 32, 32, NULL), 0);
	assert_int_equal(f->fc.releases, 2);
	assert_int_equal(f->fc.fmt.width, 32);
}

static void check_frame(struct tfe *t, const struct xencamera_evt *ev,
			uint32_t cam_seq, uint32_t size)
{
	const uint8_t *p = t->bufs[ev->evt.frame_avail.index].addr;
	size_t i;

	assert_int_equal(ev->type, XENCAMERA_EVT_FRAME_AVAIL);
	assert_int_equal(ev->evt.frame_avail.used_sz, size);
	for (i = 0; i < size; i += 97)
		assert_int_equal(p[i], fake_cam_byte(cam_seq, i));
	assert_int_equal(p[size - 1], fake_cam_byte(cam_seq, size - 1));
}

static void stream_frames(struct fixture *f)
{
	struct xencamera_evt ev;
	uint32_t size = 64 * 48 * 2;

	tfe_prepare(&f->t, 64, 48, 3);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	f->fc.next_seq = 1000;	/* camera seq is not the guest's */
	fake_cam_produce(&f->fc, 2, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 2);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.index, 0);
	assert_int_equal(ev.evt.frame_avail.seq_num, 0);
	check_frame(&f->t, &ev, 1000, size);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.index, 1);
	assert_int_equal(ev.evt.frame_avail.seq_num, 1);
	check_frame(&f->t, &ev, 1001, size);
	assert_int_equal(tfe_event(&f->t, &ev), 0);
	/* Two more frames with one buffer left: one drop, a gap in seq. */
	fake_cam_produce(&f->fc, 2, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 2);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.index, 2);
	assert_int_equal(ev.evt.frame_avail.seq_num, 2);
	assert_int_equal(tfe_event(&f->t, &ev), 0);
	assert_int_equal(f->t.dev.st.drops, 1);
	/* Give buffer 0 back; the camera itself lost 2 frames. */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	fake_cam_produce(&f->fc, 1, 2);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.seq_num, 6);
	check_frame(&f->t, &ev, 1006, size);
	assert_int_equal(f->t.dev.st.frames, 4);
	assert_int_equal(f->t.dev.st.copies, 4);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	/* After STOP no frame is delivered. */
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 0);
	assert_int_equal(tfe_event(&f->t, &ev), 0);
}

static void test_stream_frames(void **state)
{
	struct fixture *f = *state;
	uint64_t req_cpu;

	/* its requests' CPU time is the device's */
	tfe_prepare(&f->t, 64, 48, 1);
	assert_true(f->t.dev.st.cpu_ns > 0);
	assert_int_equal(tfe_buf_request(&f->t, 0, NULL), 0);
	req_cpu = f->t.dev.st.cpu_ns;
	stream_frames(f);
	/* its share of delivering frames is within the camera's */
	assert_true(f->t.dev.st.cpu_ns > req_cpu);
	assert_true(f->cam.cpu_ns > 0);
	/* One kick per batch without the hold-off extension. */
	assert_true(f->t.dev.st.notify_evt >= 3);
	assert_true(tfe_kicks(&f->t, f->t.evt_port) >= 1);
}

static void test_stream_frames_be_alloc(void **state)
{
	struct fixture *f = *state;

	stream_frames(f);
	assert_int_equal(vcam_lb_granted(f->t.lb, VCAM_LB_BE), 3 * 2);
	assert_int_equal(tfe_buf_request(&f->t, 0, NULL), 0);
	assert_int_equal(vcam_lb_granted(f->t.lb, VCAM_LB_BE), 0);
}

/* The camera's device goes away mid-stream and comes back. */
static void test_camera_lost_and_back(void **state)
{
	struct fixture *f = *state;
	struct xencamera_evt ev;
	struct fake_cam back, broken;
	uint32_t size = 64 * 48 * 2;

	tfe_prepare(&f->t, 64, 48, 3);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.seq_num, 0);

	vcamd_cam_lose(&f->cam);
	assert_true(vcamd_cam_lost(&f->cam));
	assert_false(f->fc.streaming);
	/* no frames, and camera requests fail cleanly meanwhile */
	assert_int_equal(vcamd_cam_pump(&f->cam), 0);
	assert_int_not_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
					V4L2_PIX_FMT_YUYV, 32, 24, NULL), 0);

	/* back with another mode set: ours is set again, stream resumes */
	fake_cam_init(&back);
	back.fmt.width = 32;
	back.fmt.height = 24;
	assert_int_equal(vcamd_cam_restore(&f->cam, &fake_cam_ops, &back), 0);
	assert_false(vcamd_cam_lost(&f->cam));
	assert_int_equal(back.fmt.width, 64);
	assert_int_equal(back.fmt.height, 48);
	assert_true(back.streaming);
	back.next_seq = 0;	/* the camera's numbering starts again */
	fake_cam_produce(&back, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	/* still strictly increasing for the guest */
	assert_int_equal(ev.evt.frame_avail.seq_num, 1);
	check_frame(&f->t, &ev, 0, size);

	/* a device that cannot stream again leaves the camera lost */
	vcamd_cam_lose(&f->cam);
	fake_cam_init(&broken);
	broken.fail_stream_on = EIO;
	assert_int_not_equal(vcamd_cam_restore(&f->cam, &fake_cam_ops,
					       &broken), 0);
	assert_true(vcamd_cam_lost(&f->cam));
	fake_cam_fini(&back);
	fake_cam_fini(&broken);
}

static void test_nv12_planes(void **state)
{
	struct fixture *f = *state;
	struct xencamera_evt ev;
	uint32_t y = 64 * 48;
	const uint8_t *p;
	uint8_t got;

	assert_int_equal(tfe_config(&f->t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_NV12, 64, 48, NULL), 0);
	assert_int_equal(tfe_buf_request(&f->t, 1, &got), 0);
	assert_int_equal(tfe_buf_create(&f->t, 0), 0);
	/* Pretend the frontend asked for the chroma plane at its offset. */
	f->t.dev.bufs[0].plane_offset[1] = y;
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.used_sz, y * 3 / 2);
	p = f->t.bufs[0].addr;
	assert_int_equal(p[y + 5], fake_cam_byte(0, y + 5));
	/* both planes copied: still one copy of the frame */
	assert_int_equal(f->t.dev.st.copies, 1);
}

static void test_evt_ring_garbage_cons(void **state)
{
	struct fixture *f = *state;
	struct xencamera_event_page *pg = f->t.evt_page;
	struct xencamera_evt ev;

	tfe_prepare(&f->t, 64, 48, 2);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	pg->in_cons = pg->in_prod + 5;	/* nonsense from the guest */
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(f->t.dev.st.drops, 1);
	assert_int_equal(f->t.dev.q_len, 2);	/* buffers stay queued */
	pg->in_cons = pg->in_prod;
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	f->t.evt_cons = pg->in_cons;
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.seq_num, 1);
}

static void test_evt_hold_off(void **state)
{
	struct fixture *f = *state;
	struct xencamera_event_page *pg = f->t.evt_page;
	uint32_t *in_event = vcam_evt_page_in_event(pg);
	struct xencamera_evt ev;

	tfe_prepare(&f->t, 64, 48, 4);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	tfe_kicks(&f->t, f->t.evt_port);
	/* Frontend wants a kick only at the 3rd event. */
	*in_event = pg->in_prod + 3;
	fake_cam_produce(&f->fc, 1, 0);
	vcamd_cam_pump(&f->cam);
	fake_cam_produce(&f->fc, 1, 0);
	vcamd_cam_pump(&f->cam);
	assert_int_equal(tfe_kicks(&f->t, f->t.evt_port), 0);
	fake_cam_produce(&f->fc, 1, 0);
	vcamd_cam_pump(&f->cam);
	assert_int_equal(tfe_kicks(&f->t, f->t.evt_port), 1);
	assert_int_equal(f->t.dev.st.notify_evt, 1);
	while (tfe_event(&f->t, &ev))
		;
}

static uint64_t real_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Negotiated: every FRAME_AVAIL carries the capture time in CLOCK_REALTIME. */
static void test_capture_time(void **state)
{
	struct fixture *f = *state;
	struct xencamera_evt ev;
	uint64_t before, after, t;
	int i;

	tfe_prepare(&f->t, 64, 48, 4);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	for (i = 0; i < 3; i++) {
		before = real_now_ns();
		fake_cam_produce(&f->fc, 1, 0);
		assert_int_equal(vcamd_cam_pump(&f->cam), 1);
		after = real_now_ns();
		assert_int_equal(tfe_event(&f->t, &ev), 1);
		assert_int_equal(ev.type, XENCAMERA_EVT_FRAME_AVAIL);
		t = vcam_evt_capture_time(&ev);
		/* the fake camera stamps at next_frame; clocks read apart */
		assert_true(t + 1000000ULL >= before);
		assert_true(t <= after + 1000000ULL);
		assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE,
					    ev.evt.frame_avail.index), 0);
	}
}

/* Not negotiated: the octets after seq_num are v1's zeros. */
static void test_capture_time_off(void **state)
{
	struct fixture *f = *state;
	struct xencamera_evt ev;
	static const char zero[44];

	tfe_prepare(&f->t, 64, 48, 4);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.type, XENCAMERA_EVT_FRAME_AVAIL);
	assert_memory_equal((char *)&ev + 20, zero, sizeof(zero));
}

/* ---- zero copy --------------------------------------------------------------- */

static void test_zero_copy(void **state)
{
	struct fixture *f = *state;
	struct xencamera_evt ev;
	uint32_t size = 64 * 48 * 2;
	uint16_t id;

	f->fc.allow_user = true;
	tfe_prepare(&f->t, 64, 48, 2);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_true(f->cam.user_mode);
	assert_int_equal(f->fc.uq_len, 2);
	fake_cam_produce(&f->fc, 3, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 2);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	check_frame(&f->t, &ev, 0, size);
	assert_int_equal(ev.evt.frame_avail.index, 0);
	id = ev.id;
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	check_frame(&f->t, &ev, 1, size);
	assert_int_equal(ev.id, (uint16_t)(id + 1));	/* ids count up */
	assert_int_equal(f->t.dev.st.copies, 0);
	assert_int_equal(f->t.dev.st.zero_copy, 2);
	/* The 3rd frame found no buffer at the camera: a gap of one. */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	assert_int_equal(f->fc.uq_len, 1);
	/* A camera-held buffer cannot be taken back while streaming. */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_DEQUEUE, 0),
			 -XEN_EBUSY);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.seq_num, 3);
	check_frame(&f->t, &ev, 3, size);
	/* A camera that refuses a buffer: BUF_QUEUE fails, nothing queued. */
	f->fc.fail_queue_user = EFAULT;
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 1),
			 -XEN_EFAULT);
	assert_false(f->t.dev.bufs[1].queued);
	f->fc.fail_queue_user = 0;
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	assert_false(f->cam.user_mode);
	assert_false(f->fc.streaming);
}

/* A camera that repeats a sequence number: the guest still sees 0, 1, 2. */
static void test_repeated_camera_seq(void **state)
{
	struct fixture *f = *state;
	struct xencamera_evt ev;
	uint32_t want;

	tfe_prepare(&f->t, 64, 48, 3);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	f->fc.next_seq--;	/* the camera says the same number again */
	fake_cam_produce(&f->fc, 2, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 2);
	for (want = 0; want < 3; want++) {
		assert_int_equal(tfe_event(&f->t, &ev), 1);
		assert_int_equal(ev.evt.frame_avail.seq_num, want);
	}
	assert_int_equal(f->t.dev.st.seq_fixups, 1);
	/* a real gap later is still a gap */
	assert_int_equal(tfe_op_index(&f->t, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	fake_cam_produce(&f->fc, 1, 4);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.seq_num, 7);
	assert_int_equal(f->t.dev.st.seq_fixups, 1);
}

/* Mapped guest grants never go to the camera as USERPTR (see core_cam.c). */
static void test_fe_alloc_never_zero_copy(void **state)
{
	struct fixture *f = *state;
	struct xencamera_evt ev;

	f->fc.allow_user = true;
	tfe_prepare(&f->t, 64, 48, 2);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_false(f->cam.user_mode);
	assert_int_equal(f->fc.uq_len, 0);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	check_frame(&f->t, &ev, 0, 64 * 48 * 2);
	assert_int_equal(f->t.dev.st.copies, 1);
	assert_int_equal(f->t.dev.st.zero_copy, 0);
}

static void test_zero_copy_refused_falls_back(void **state)
{
	struct fixture *f = *state;
	struct xencamera_evt ev;

	f->fc.allow_user = true;
	f->fc.fail_queue_user = EFAULT;
	tfe_prepare(&f->t, 64, 48, 2);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_false(f->cam.user_mode);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	check_frame(&f->t, &ev, 0, 64 * 48 * 2);
	assert_int_equal(f->t.dev.st.copies, 1);
}

static void test_zero_copy_second_viewer(void **state)
{
	struct fixture *f = *state;
	struct vcamd_dev_cfg cfg;
	struct xencamera_evt ev;
	struct tfe *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	f->fc.allow_user = true;
	tfe_default_cfg(&cfg);
	tfe_setup(b, &cfg, &f->cam, 512);
	tfe_prepare(&f->t, 64, 48, 2);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_true(f->cam.user_mode);
	tfe_prepare(b, 64, 48, 2);
	assert_int_equal(tfe_op(b, XENCAMERA_OP_STREAM_START), 0);
	assert_false(f->cam.user_mode);
	/* Both get the frame now, by copy; A's buffers are still queued. */
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	check_frame(&f->t, &ev, f->fc.next_seq - 1, 64 * 48 * 2);
	assert_int_equal(tfe_event(b, &ev), 1);
	check_frame(b, &ev, f->fc.next_seq - 1, 64 * 48 * 2);
	tfe_teardown(b);
	free(b);
}

/* ---- the ring itself ------------------------------------------------------ */

static void test_unknown_op(void **state)
{
	struct fixture *f = *state;
	struct xencamera_req req;
	struct xencamera_resp rsp;

	assert_int_equal(tfe_op(&f->t, 0x0f), -XEN_EINVAL);
	vcam_req_hdr(&req, 0, 0xff);
	assert_int_equal(tfe_call(&f->t, &req, &rsp), -XEN_EINVAL);
	assert_int_equal(rsp.operation, 0xff);
	assert_int_equal(f->t.dev.st.errors, 2);
}

static void test_ring_overrun(void **state)
{
	struct fixture *f = *state;
	struct xen_cameraif_sring *s = f->t.ring_page;

	s->req_prod = f->t.dev.ring.req_cons + RING_SIZE(&f->t.ring) + 1;
	assert_int_equal(vcamd_dev_process(&f->t.dev, 16), -EPROTO);
	assert_true(f->t.dev.broken);
	s->req_prod = f->t.dev.ring.req_cons;
	assert_int_equal(vcamd_dev_process(&f->t.dev, 16), -EPROTO);
	assert_false(vcamd_dev_wants_spin(&f->t.dev, 0));
	/* Backwards indices are as impossible. */
}

static void test_ring_backwards(void **state)
{
	struct fixture *f = *state;
	struct xen_cameraif_sring *s = f->t.ring_page;

	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_CONFIG_GET), 0);
	s->req_prod = f->t.dev.ring.req_cons - 1;
	assert_int_equal(vcamd_dev_process(&f->t.dev, 16), -EPROTO);
}

static void test_request_budget(void **state)
{
	struct fixture *f = *state;
	struct xen_cameraif_front_ring *r = &f->t.ring;
	struct xencamera_req req;
	unsigned int i;
	int notify;

	for (i = 0; i < RING_SIZE(r); i++)
		tfe_push(&f->t, vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET));
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify);
	assert_true(notify);
	assert_int_equal(vcamd_dev_process(&f->t.dev, 16), 1);
	assert_int_equal(f->t.dev.st.requests, 16);
	assert_int_equal(vcamd_dev_process(&f->t.dev, 16), 0);
	assert_int_equal(f->t.dev.st.requests, RING_SIZE(r));
	for (i = 0; i < RING_SIZE(r); i++) {
		struct xencamera_resp *p = RING_GET_RESPONSE(r, r->rsp_cons);

		assert_int_equal(p->id, i);
		assert_int_equal(p->status, 0);
		r->rsp_cons++;
	}
	/* Re-armed: the next request asks for a kick. */
	tfe_push(&f->t, &req);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify);
	assert_true(notify);
}

static void test_spin_mode_no_kicks(void **state)
{
	struct fixture *f = *state;
	struct xen_cameraif_front_ring *r = &f->t.ring;
	struct xencamera_req req;
	int notify;

	tfe_prepare(&f->t, 64, 48, 2);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_true(vcamd_dev_wants_spin(&f->t.dev, vcamd_now_ns()));
	assert_false(f->t.dev.armed);
	/* A request while spinning: the producer is told not to kick. */
	tfe_push(&f->t, vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET));
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify);
	assert_false(notify);
	assert_int_equal(vcamd_dev_process(&f->t.dev, 16), 0);
	r->rsp_cons++;
	assert_int_equal(vcamd_dev_process(&f->t.dev, 16), 0);
	assert_int_equal(f->t.dev.st.spins, 1);
	/* Idle for longer than the spin window: stops spinning. */
	assert_false(vcamd_dev_wants_spin(&f->t.dev, vcamd_now_ns() +
					  VCAM_SPIN_IDLE_MS_DEFAULT * 2000000ULL));
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	assert_false(vcamd_dev_wants_spin(&f->t.dev, vcamd_now_ns()));
	assert_true(f->t.dev.armed);
}

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static void hybrid_cfg(struct vcamd_dev_cfg *cfg)
{
	cfg->notify_mode = VCAM_NOTIFY_HYBRID;
	cfg->spin_us = 100;
}

static int setup_hybrid(void **state)
{
	return setup_cfg(state, hybrid_cfg);
}

static void test_hybrid_mode(void **state)
{
	struct fixture *f = *state;
	struct xen_cameraif_front_ring *r = &f->t.ring;
	struct xencamera_req req;
	int notify;

	fake_now = 1000000000ULL;
	vcamd_now_hook = fake_clock;
	/* A request opens a 100 us polling window, unarmed. */
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_CONFIG_GET), 0);
	assert_false(f->t.dev.armed);
	assert_true(vcamd_dev_wants_spin(&f->t.dev, fake_now + 99000));
	/* Inside the window a request needs no kick ... */
	tfe_push(&f->t, vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET));
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify);
	assert_false(notify);
	fake_now += 50000;
	assert_int_equal(vcamd_dev_process(&f->t.dev, 16), 0);
	r->rsp_cons++;
	/* ... an empty poll counts as a spin ... */
	fake_now += 10000;
	assert_int_equal(vcamd_dev_process(&f->t.dev, 16), 0);
	assert_int_equal(f->t.dev.st.spins, 1);
	/* ... and once it closes the backend re-arms and blocks. */
	fake_now += 200000;
	assert_false(vcamd_dev_wants_spin(&f->t.dev, fake_now));
	assert_int_equal(vcamd_dev_rearm(&f->t.dev), 0);
	assert_true(f->t.dev.armed);
	tfe_push(&f->t, vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET));
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify);
	assert_true(notify);
	vcamd_now_hook = NULL;
}

/* ---- one camera, two guests ---------------------------------------------- */

static void test_shared_camera(void **state)
{
	struct fixture *f = *state;
	struct vcamd_dev_cfg cfg;
	struct xencamera_evt ev;
	struct xencamera_req req;
	struct tfe *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	tfe_default_cfg(&cfg);
	tfe_setup(b, &cfg, &f->cam, 512);
	tfe_prepare(&f->t, 64, 48, 2);
	/* Incompatible config from the second guest; then compatible. */
	assert_int_equal(tfe_config(b, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_NV12, 64, 48, NULL),
			 -XEN_EBUSY);
	assert_int_equal(tfe_config(b, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, 32, 32, NULL),
			 -XEN_EBUSY);
	tfe_prepare(b, 64, 48, 2);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_START), 0);
	assert_int_equal(tfe_op(b, XENCAMERA_OP_STREAM_START), 0);
	assert_int_equal(f->fc.stream_ons, 1);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(&f->t, &ev), 1);
	check_frame(&f->t, &ev, 0, 64 * 48 * 2);
	assert_int_equal(tfe_event(b, &ev), 1);
	check_frame(b, &ev, 0, 64 * 48 * 2);
	/* A control set by one guest is announced to the other. */
	vcam_req_ctrl_set(&req, 0, XENCAMERA_CTRL_BRIGHTNESS, 7);
	assert_int_equal(tfe_call(&f->t, &req, NULL), 0);
	assert_int_equal(tfe_event(b, &ev), 1);
	assert_int_equal(ev.type, XENCAMERA_EVT_CTRL_CHANGE);
	assert_int_equal(ev.evt.ctrl_value.type, XENCAMERA_CTRL_BRIGHTNESS);
	assert_int_equal(ev.evt.ctrl_value.value, 7);
	assert_int_equal(tfe_event(&f->t, &ev), 0);
	/* First guest stops; the camera keeps running for the second. */
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_STREAM_STOP), 0);
	assert_true(f->fc.streaming);
	fake_cam_produce(&f->fc, 1, 0);
	assert_int_equal(vcamd_cam_pump(&f->cam), 1);
	assert_int_equal(tfe_event(b, &ev), 1);
	assert_int_equal(ev.evt.frame_avail.seq_num, 1);
	assert_int_equal(tfe_event(&f->t, &ev), 0);
	/* A corrupt ring on one guest does not stop the other. */
	((struct xen_cameraif_sring *)b->ring_page)->req_prod += 1000;
	assert_int_equal(vcamd_dev_process(&b->dev, 16), -EPROTO);
	assert_int_equal(tfe_op(&f->t, XENCAMERA_OP_CONFIG_GET), 0);
	tfe_teardown(b);
	assert_false(f->fc.streaming);
	free(b);
}

/* Each test on a fresh fixture, setup_X's configuration. */
#define TEST(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_config_set_get_validate, setup),
		TEST(test_frame_rate, setup),
		TEST(test_layout_and_buf_request, setup),
		TEST(test_layout_and_buf_request, setup_be),
		TEST(test_buf_create_rules, setup),
		TEST(test_bad_directories, setup),
		TEST(test_multi_page_directory, setup),
		TEST(test_multi_page_directory, setup_be),
		TEST(test_plane_offsets, setup),
		TEST(test_queue_dequeue, setup),
		TEST(test_controls, setup),
		TEST(test_formats_menu, setup_menu),
		TEST(test_controls_unlisted, setup_one_ctrl),
		TEST(test_stream_rules, setup),
		TEST(test_deferred_stop, setup),
		TEST(test_kept_buffers, setup),
		TEST(test_stream_frames, setup),
		TEST(test_stream_frames_be_alloc, setup_be),
		TEST(test_camera_lost_and_back, setup),
		TEST(test_nv12_planes, setup),
		TEST(test_evt_ring_garbage_cons, setup),
		TEST(test_evt_hold_off, setup_holdoff),
		TEST(test_capture_time, setup_captime),
		TEST(test_capture_time_off, setup),
		TEST(test_fe_alloc_never_zero_copy, setup),
		TEST(test_repeated_camera_seq, setup),
		TEST(test_zero_copy, setup_be),
		TEST(test_zero_copy_refused_falls_back, setup_be),
		TEST(test_zero_copy_second_viewer, setup_be),
		TEST(test_unknown_op, setup),
		TEST(test_ring_overrun, setup),
		TEST(test_ring_backwards, setup),
		TEST(test_request_budget, setup),
		TEST(test_spin_mode_no_kicks, setup_spin),
		TEST(test_hybrid_mode, setup_hybrid),
		TEST(test_shared_camera, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
