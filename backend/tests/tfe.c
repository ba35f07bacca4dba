// SPDX-License-Identifier: MIT
#include "tfe.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <linux/videodev2.h>

#include "lb_xenops.h"

void tfe_default_cfg(struct vcamd_dev_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->notify_mode = VCAM_NOTIFY_EVENT;
	cfg->spin_us = VCAM_SPIN_US_DEFAULT;
	cfg->max_buffers = 8;
	cfg->nctrls = 4;
	cfg->ctrls[0] = XENCAMERA_CTRL_BRIGHTNESS;
	cfg->ctrls[1] = XENCAMERA_CTRL_CONTRAST;
	cfg->ctrls[2] = XENCAMERA_CTRL_SATURATION;
	cfg->ctrls[3] = XENCAMERA_CTRL_HUE;
}

void tfe_setup(struct tfe *t, const struct vcamd_dev_cfg *cfg,
	       struct vcamd_cam *cam, unsigned int pool_pages)
{
	struct xen_cameraif_sring *sring;
	void *be_ring, *be_evt;

	memset(t, 0, sizeof(*t));
	t->lb = vcam_lb_create(pool_pages ? pool_pages : 1024);
	assert_non_null(t->lb);
	t->ring_page = vcam_lb_share(t->lb, VCAM_LB_FE, 1, &t->ring_ref);
	t->evt_page = vcam_lb_share(t->lb, VCAM_LB_FE, 1, &t->evt_ref);
	assert_non_null(t->ring_page);
	assert_non_null(t->evt_page);
	sring = t->ring_page;
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&t->ring, sring, VCAMD_PAGE_SIZE);
	t->req_port = vcam_lb_port_alloc(t->lb);
	t->evt_port = vcam_lb_port_alloc(t->lb);
	assert_true(t->req_port > 0 && t->evt_port > 0);

	/* What the transport does at connect time. */
	be_ring = vcam_lb_map(t->lb, VCAM_LB_BE, 1, &t->ring_ref);
	be_evt = vcam_lb_map(t->lb, VCAM_LB_BE, 1, &t->evt_ref);
	assert_non_null(be_ring);
	assert_non_null(be_evt);
	vcamd_dev_init(&t->dev, "test", &vcamd_lb_xen_ops, t->lb, be_ring,
		       be_evt, t->req_port, t->evt_port, cfg, cam);
}

void tfe_teardown(struct tfe *t)
{
	unsigned int i;

	vcamd_dev_fini(&t->dev);
	/* The backend must have returned every grant it made. */
	assert_int_equal(vcam_lb_granted(t->lb, VCAM_LB_BE), 0);
	vcam_lb_unmap(t->dev.ring.sring, 1);
	vcam_lb_unmap(t->dev.evt_page, 1);
	for (i = 0; i < VCAMD_MAX_BUFS; i++) {
		free(t->bufs[i].refs);
		t->bufs[i].refs = NULL;
	}
	vcam_lb_destroy(t->lb);
}

void tfe_push(struct tfe *t, struct xencamera_req *req)
{
	req->id = t->next_id++;
	*RING_GET_REQUEST(&t->ring, t->ring.req_prod_pvt) = *req;
	t->ring.req_prod_pvt++;
}

int32_t tfe_call(struct tfe *t, struct xencamera_req *req,
		 struct xencamera_resp *rsp)
{
	struct xencamera_resp r;
	int notify, ret;

	tfe_push(t, req);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&t->ring, notify);
	if (notify)
		vcam_lb_notify(t->lb, VCAM_LB_FE, t->req_port);
	ret = vcamd_dev_process(&t->dev, VCAMD_REQ_BUDGET);
	assert_true(ret >= 0);
	assert_true(RING_HAS_UNCONSUMED_RESPONSES(&t->ring));
	r = *RING_GET_RESPONSE(&t->ring, t->ring.rsp_cons);
	t->ring.rsp_cons++;
	assert_true(vcam_rsp_answers(&r, req->id, req->operation));
	if (rsp)
		*rsp = r;
	return r.status;
}

int32_t tfe_op(struct tfe *t, uint8_t op)
{
	struct xencamera_req req;

	return tfe_call(t, vcam_req_hdr(&req, 0, op), NULL);
}

int32_t tfe_op_index(struct tfe *t, uint8_t op, uint8_t index)
{
	struct xencamera_req req;

	return tfe_call(t, vcam_req_index(&req, 0, op, index), NULL);
}

int32_t tfe_config(struct tfe *t, uint8_t op, uint32_t fourcc, uint32_t w,
		   uint32_t h, struct xencamera_resp *rsp)
{
	struct xencamera_req req;

	return tfe_call(t, vcam_req_config(&req, 0, op, fourcc, w, h), rsp);
}

int32_t tfe_buf_request(struct tfe *t, uint8_t n, uint8_t *got)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;
	int32_t st;

	st = tfe_call(t, vcam_req_buf_request(&req, 0, n), &rsp);
	if (got)
		*got = rsp.resp.buf_request.num_bufs;
	return st;
}

static uint32_t tfe_layout_size(struct tfe *t)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;

	vcam_req_hdr(&req, 0, XENCAMERA_OP_BUF_GET_LAYOUT);
	assert_int_equal(tfe_call(t, &req, &rsp), 0);
	return rsp.resp.buf_layout.size;
}

int32_t tfe_buf_create_raw(struct tfe *t, uint8_t index, uint32_t dir_ref)
{
	struct xencamera_req req;

	return tfe_call(t, vcam_req_buf_create(&req, 0, index, NULL, 0,
					       dir_ref), NULL);
}

int32_t tfe_buf_create(struct tfe *t, uint8_t index)
{
	struct tfe_buf *b = &t->bufs[index % VCAMD_MAX_BUFS];
	bool be_alloc = t->dev.cfg.be_alloc;
	int32_t st;

	t->layout_size = tfe_layout_size(t);
	b->npages = vcam_pages_for(t->layout_size);
	b->ndir = vcam_pgdir_pages(b->npages);
	assert_true(b->ndir <= 8);
	free(b->refs);
	b->refs = calloc(b->npages, sizeof(uint32_t));
	assert_non_null(b->refs);
	if (!be_alloc) {
		b->addr = vcam_lb_share(t->lb, VCAM_LB_FE, b->npages, b->refs);
		assert_non_null(b->addr);
	}
	b->dir = vcam_lb_share(t->lb, VCAM_LB_FE, b->ndir, b->dir_refs);
	assert_non_null(b->dir);
	if (be_alloc)
		vcam_pgdir_chain(b->dir, b->ndir, b->dir_refs);
	else
		vcam_pgdir_fill(b->dir, b->ndir, b->dir_refs, b->refs,
				b->npages);
	st = tfe_buf_create_raw(t, index, b->dir_refs[0]);
	if (st == 0 && be_alloc) {
		assert_int_equal(vcam_pgdir_read(b->dir, b->ndir, b->dir_refs,
						 b->refs, b->npages), 0);
		b->addr = vcam_lb_map(t->lb, VCAM_LB_FE, b->npages, b->refs);
		assert_non_null(b->addr);
	}
	return st;
}

void tfe_prepare(struct tfe *t, uint32_t w, uint32_t h, uint8_t n)
{
	uint8_t got = 0, i;

	assert_int_equal(tfe_config(t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, w, h, NULL), 0);
	assert_int_equal(tfe_buf_request(t, n, &got), 0);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(tfe_buf_create(t, i), 0);
		assert_int_equal(tfe_op_index(t, XENCAMERA_OP_BUF_QUEUE, i),
				 0);
	}
}

int tfe_event(struct tfe *t, struct xencamera_evt *ev)
{
	struct xencamera_event_page *pg = t->evt_page;

	if (t->evt_cons == pg->in_prod)
		return 0;
	*ev = XENCAMERA_IN_RING_REF(pg, t->evt_cons);
	t->evt_cons++;
	pg->in_cons = t->evt_cons;
	return 1;
}

int tfe_kicks(struct tfe *t, int port)
{
	return vcam_lb_port_ack(t->lb, VCAM_LB_FE, (unsigned int)port);
}
