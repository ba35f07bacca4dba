/* SPDX-License-Identifier: MIT */
/*
 * A minimal in-process frontend for the core's unit tests: it owns the
 * frontend half of a loopback link (ring page, event page, ports, buffer
 * grants and page directories) and runs the backend core synchronously
 * after each request, so a test reads like a cameraif conversation.
 */
#ifndef VCAMD_TFE_H
#define VCAMD_TFE_H

#include "core.h"
#include "fake_camera.h"
#include "loopback.h"
#include "vcam/pgdir.h"
#include "vcam/req_encode.h"

struct tfe_buf {
	void *addr;			/* fe-alloc: ours; be-alloc: mapped */
	uint32_t *refs;
	unsigned int npages;
	void *dir;
	uint32_t dir_refs[8];
	unsigned int ndir;
};

struct tfe {
	struct vcam_lb_link *lb;
	struct xen_cameraif_front_ring ring;
	void *ring_page, *evt_page;
	uint32_t ring_ref, evt_ref;
	int req_port, evt_port;
	uint16_t next_id;
	uint32_t evt_cons;
	struct vcamd_dev dev;
	struct tfe_buf bufs[VCAMD_MAX_BUFS];
	uint32_t layout_size;
};

/* Default config: fe-alloc, event mode, all four controls listed. */
void tfe_default_cfg(struct vcamd_dev_cfg *cfg);
void tfe_setup(struct tfe *t, const struct vcamd_dev_cfg *cfg,
	       struct vcamd_cam *cam, unsigned int pool_pages);
void tfe_teardown(struct tfe *t);

/*
 * Put req (its id set from next_id) in the ring's next slot, unpublished:
 * the caller pushes, the backend does not run.
 */
void tfe_push(struct tfe *t, struct xencamera_req *req);
/* Send one request, run the backend, return the response's status. */
int32_t tfe_call(struct tfe *t, struct xencamera_req *req,
		 struct xencamera_resp *rsp);
int32_t tfe_op(struct tfe *t, uint8_t op);
int32_t tfe_op_index(struct tfe *t, uint8_t op, uint8_t index);
int32_t tfe_config(struct tfe *t, uint8_t op, uint32_t fourcc, uint32_t w,
		   uint32_t h, struct xencamera_resp *rsp);
int32_t tfe_buf_request(struct tfe *t, uint8_t n, uint8_t *got);
/* Build the directory (fe-alloc: grant buffer pages too) and BUF_CREATE. */
int32_t tfe_buf_create(struct tfe *t, uint8_t index);
/* BUF_CREATE with a directory the test has already written. */
int32_t tfe_buf_create_raw(struct tfe *t, uint8_t index, uint32_t dir_ref);
/* Configure YUYV w x h, request n buffers, create and queue them all. */
void tfe_prepare(struct tfe *t, uint32_t w, uint32_t h, uint8_t n);
/* Pop the next event: 1 if there was one. */
int tfe_event(struct tfe *t, struct xencamera_evt *ev);
/* Kicks received on a port since the last call. */
int tfe_kicks(struct tfe *t, int port);

#endif /* VCAMD_TFE_H */
