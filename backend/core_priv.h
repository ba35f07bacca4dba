/* SPDX-License-Identifier: MIT */
/* Functions shared between the core's files; not for transports. */
#ifndef VCAMD_CORE_PRIV_H
#define VCAMD_CORE_PRIV_H

#include "core.h"
#include "log.h"

/* core_ring.c */
int vcamd_dev_post_event(struct vcamd_dev *dev, const struct xencamera_evt *ev);
bool vcamd_dev_evt_room(struct vcamd_dev *dev);
void vcamd_dev_flush_events(struct vcamd_dev *dev);

/* core_req.c */
void vcamd_dev_handle(struct vcamd_dev *dev, const struct xencamera_req *req,
		      struct xencamera_resp *rsp);

/* core_buf.c */
int vcamd_buf_create(struct vcamd_dev *dev,
		     const struct xencamera_buf_create_req *bc);
int vcamd_buf_destroy(struct vcamd_dev *dev, unsigned int index);
void vcamd_buf_free_all(struct vcamd_dev *dev);
unsigned int vcamd_buf_count(const struct vcamd_dev *dev);
int vcamd_buf_queue(struct vcamd_dev *dev, unsigned int index);
int vcamd_buf_dequeue(struct vcamd_dev *dev, unsigned int index);
void vcamd_buf_unqueue_all(struct vcamd_dev *dev);
int vcamd_buf_pop(struct vcamd_dev *dev);
int vcamd_buf_take(struct vcamd_dev *dev, unsigned int index);

/* core_limit.c */
/* Count npages against the device's and vcamd's caps; -ENOBUFS if over. */
int vcamd_pages_charge(struct vcamd_dev *dev, unsigned int npages);
void vcamd_pages_uncharge(struct vcamd_dev *dev, unsigned int npages);
void vcamd_bucket_init(struct vcamd_dev *dev, uint64_t now);
/* Whole request tokens available now (UINT32_MAX: no rate limit). */
unsigned int vcamd_bucket_avail(struct vcamd_dev *dev, uint64_t now);
void vcamd_bucket_spend(struct vcamd_dev *dev, unsigned int n);
/* Top the CPU credit up; false while the device is in debt. */
bool vcamd_cpu_credit_ok(struct vcamd_dev *dev, uint64_t now);
void vcamd_cpu_charge(struct vcamd_dev *dev, uint64_t cpu_ns);
/*
 * Requests wait for tokens or CPU credit: count, log once, set the time
 * both are back (throttle_until_ns).
 */
void vcamd_bucket_throttle(struct vcamd_dev *dev);

/* core_cam.c */
void vcamd_cam_attach(struct vcamd_cam *cam, struct vcamd_dev *dev);
void vcamd_cam_detach(struct vcamd_cam *cam, struct vcamd_dev *dev);
int vcamd_cam_try_fmt(struct vcamd_cam *cam, struct vcamd_format *f);
int vcamd_cam_set_fmt(struct vcamd_cam *cam, struct vcamd_dev *dev,
		      struct vcamd_format *f);
int vcamd_cam_get_fmt(struct vcamd_cam *cam, struct vcamd_format *f);
int vcamd_cam_set_rate(struct vcamd_cam *cam, struct vcamd_dev *dev,
		       uint32_t *numer, uint32_t *denom);
void vcamd_cam_get_rate(struct vcamd_cam *cam, uint32_t *numer,
			uint32_t *denom);
int vcamd_cam_start(struct vcamd_cam *cam, struct vcamd_dev *dev);
void vcamd_cam_stop(struct vcamd_cam *cam, struct vcamd_dev *dev);
/* BUF_QUEUE while streaming: hand the buffer to a zero-copy camera. */
int vcamd_cam_buf_queued(struct vcamd_cam *cam, struct vcamd_dev *dev,
			 unsigned int index);
bool vcamd_cam_owns_bufs(const struct vcamd_cam *cam,
			 const struct vcamd_dev *dev);
void vcamd_cam_ctrl_changed(struct vcamd_cam *cam, struct vcamd_dev *from,
			    unsigned int type, int64_t val);


#endif /* VCAMD_CORE_PRIV_H */
