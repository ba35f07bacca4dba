/* SPDX-License-Identifier: MIT */
/* Functions shared between the core's files; not for transports. */
#ifndef VCAMD_CORE_PRIV_H
#define VCAMD_CORE_PRIV_H

#include "core.h"
#include "log.h"

/* core_ring.c */
int vcam_dev_post_event(struct vcam_dev *dev, const struct xencamera_evt *ev);
bool vcam_dev_evt_room(struct vcam_dev *dev);
void vcam_dev_flush_events(struct vcam_dev *dev);

/* core_req.c */
void vcam_dev_handle(struct vcam_dev *dev, const struct xencamera_req *req,
		     struct xencamera_resp *rsp);

/* core_buf.c */
int vcam_buf_create(struct vcam_dev *dev,
		    const struct xencamera_buf_create_req *bc);
int vcam_buf_destroy(struct vcam_dev *dev, unsigned int index);
void vcam_buf_free_all(struct vcam_dev *dev);
unsigned int vcam_buf_count(const struct vcam_dev *dev);
int vcam_buf_queue(struct vcam_dev *dev, unsigned int index);
int vcam_buf_dequeue(struct vcam_dev *dev, unsigned int index);
void vcam_buf_unqueue_all(struct vcam_dev *dev);
int vcam_buf_pop(struct vcam_dev *dev);
int vcam_buf_take(struct vcam_dev *dev, unsigned int index);

/* core_limit.c */
/* Count npages against the device's and vcamd's caps; -ENOBUFS if over. */
int vcam_pages_charge(struct vcam_dev *dev, unsigned int npages);
void vcam_pages_uncharge(struct vcam_dev *dev, unsigned int npages);
void vcam_bucket_init(struct vcam_dev *dev, uint64_t now);
/* Whole request tokens available now (UINT32_MAX: no rate limit). */
unsigned int vcam_bucket_avail(struct vcam_dev *dev, uint64_t now);
void vcam_bucket_spend(struct vcam_dev *dev, unsigned int n);
/* Top the CPU credit up; false while the device is in debt. */
bool vcam_cpu_credit_ok(struct vcam_dev *dev, uint64_t now);
void vcam_cpu_charge(struct vcam_dev *dev, uint64_t cpu_ns);
/*
 * Requests wait for tokens or CPU credit: count, log once, set the time
 * both are back (throttle_until_ns).
 */
void vcam_bucket_throttle(struct vcam_dev *dev);

/* core_cam.c */
void vcam_cam_attach(struct vcam_cam *cam, struct vcam_dev *dev);
void vcam_cam_detach(struct vcam_cam *cam, struct vcam_dev *dev);
int vcam_cam_try_fmt(struct vcam_cam *cam, struct vcam_format *f);
int vcam_cam_set_fmt(struct vcam_cam *cam, struct vcam_dev *dev,
		     struct vcam_format *f);
int vcam_cam_get_fmt(struct vcam_cam *cam, struct vcam_format *f);
int vcam_cam_set_rate(struct vcam_cam *cam, struct vcam_dev *dev,
		      uint32_t *numer, uint32_t *denom);
void vcam_cam_get_rate(struct vcam_cam *cam, uint32_t *numer,
		       uint32_t *denom);
int vcam_cam_start(struct vcam_cam *cam, struct vcam_dev *dev);
void vcam_cam_stop(struct vcam_cam *cam, struct vcam_dev *dev);
/* BUF_QUEUE while streaming: hand the buffer to a zero-copy camera. */
int vcam_cam_buf_queued(struct vcam_cam *cam, struct vcam_dev *dev,
			unsigned int index);
bool vcam_cam_owns_bufs(const struct vcam_cam *cam,
			const struct vcam_dev *dev);
void vcam_cam_ctrl_changed(struct vcam_cam *cam, struct vcam_dev *from,
			   unsigned int type, int64_t val);


#endif /* VCAMD_CORE_PRIV_H */
