// SPDX-License-Identifier: MIT
/*
 * The two shared pages of a device: consuming the request ring (with the
 * notification mode deciding when to re-arm) and producing the event page.
 * The frontend can write anything to either page at any time, so every
 * index is loaded exactly once into a local, validated, and only the
 * backend's private copies are trusted.
 */
#include "core_priv.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

uint64_t (*vcamd_now_hook)(void);
uint64_t (*vcamd_cpu_hook)(void);

uint64_t vcamd_now_ns(void)
{
	struct timespec ts;

	if (vcamd_now_hook)
		return vcamd_now_hook();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * The offset between the clocks, read now: both are read through the vDSO
 * within a few hundred ns, and a camera's timestamp is at most a few frames
 * old, so a wall-clock step in between is the only error (NTP slews).
 */
uint64_t vcamd_mono_to_real_ns(uint64_t mono_ns)
{
	struct timespec r, m;
	int64_t off;

	if (!mono_ns)
		return 0;
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	off = ((int64_t)r.tv_sec - (int64_t)m.tv_sec) * 1000000000LL +
	      ((int64_t)r.tv_nsec - (int64_t)m.tv_nsec);
	return mono_ns + (uint64_t)off;
}

uint64_t (*vcamd_cpu_hook)(void);

uint64_t vcamd_cpu_ns(void)
{
	struct timespec ts;

	if (vcamd_cpu_hook)
		return vcamd_cpu_hook();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint32_t load_shared(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void vcamd_dev_init(struct vcamd_dev *dev, const char *name,
		    const struct vcamd_xen_ops *xops, void *xctx,
		    void *ring_page, void *evt_page,
		    unsigned int req_port, unsigned int evt_port,
		    const struct vcamd_dev_cfg *cfg, struct vcamd_cam *cam)
{
	struct xen_cameraif_sring *sring = ring_page;

	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->xops = xops;
	dev->xctx = xctx;
	/*
	 * The frontend initialised the shared ring (SHARED_RING_INIT); we
	 * only attach our private indices, starting where the frontend's
	 * producer index says the ring starts, which for a fresh ring is 0.
	 */
	BACK_RING_INIT(&dev->ring, sring, VCAMD_PAGE_SIZE);
	dev->evt_page = evt_page;
	dev->evt_prod = load_shared(&((struct xencamera_event_page *)
				      evt_page)->in_prod);
	dev->evt_notified = dev->evt_prod;
	dev->req_port = req_port;
	dev->evt_port = evt_port;
	dev->cfg = *cfg;
	if (dev->cfg.max_buffers == 0 || dev->cfg.max_buffers > VCAMD_MAX_BUFS)
		dev->cfg.max_buffers = VCAMD_MAX_BUFS;
	dev->last_activity_ns = vcamd_now_ns();
	vcamd_bucket_init(dev, dev->last_activity_ns);
	dev->cam = cam;
	if (cam)
		vcamd_cam_attach(cam, dev);
	/* Ask for a kick on the first request. */
	vcamd_dev_rearm(dev);
}

void vcamd_dev_fini(struct vcamd_dev *dev)
{
	if (dev->cam) {
		if (dev->streaming)
			vcamd_cam_stop(dev->cam, dev);
		dev->streaming = false;
	}
	vcamd_buf_free_all(dev);
	if (dev->cam)
		vcamd_cam_detach(dev->cam, dev);
	dev->cam = NULL;
}

static void dev_push_responses(struct vcamd_dev *dev)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&dev->ring, notify);
	if (notify && dev->xops->notify(dev->xctx, dev->req_port) == 0)
		dev->st.notify_req++;
}

static void dev_corrupt(struct vcamd_dev *dev, const char *why,
			uint32_t prod, uint32_t cons)
{
	if (!dev->broken)
		log_err("%s: request ring corrupt (%s: req_prod %u req_cons %u); disconnecting",
			dev->name, why, prod, cons);
	dev->broken = true;
}

/*
 * May the device have another request now?  Not past `budget` (others'
 * turn: 1), nor past its tokens or its CPU credit (VCAMD_DEV_THROTTLED).
 * The CPU credit is checked before each request, so a call overdraws it
 * by one request at most.
 */
static int dev_may(struct vcamd_dev *dev, unsigned int done,
		   unsigned int budget, unsigned int tokens, uint64_t cpu0)
{
	if (done >= budget)
		return 1;
	if (done >= tokens ||
	    (dev->cfg.lim.req_cpu_pct &&
	     dev->cpu_credit < (int64_t)(vcamd_cpu_ns() - cpu0)))
		return VCAMD_DEV_THROTTLED;
	return 0;
}

static void dev_handle_one(struct vcamd_dev *dev, RING_IDX rc)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;

	RING_COPY_REQUEST(&dev->ring, rc, &req);
	dev->ring.req_cons = rc + 1;
	vcamd_dev_handle(dev, &req, &rsp);
	memcpy(RING_GET_RESPONSE(&dev->ring, dev->ring.rsp_prod_pvt), &rsp,
	       sizeof(rsp));
	dev->ring.rsp_prod_pvt++;
}

/*
 * Serve requests while dev_may(); cpu0: our CPU clock at the start.
 * *served: how many.
 */
static int dev_serve(struct vcamd_dev *dev, unsigned int budget,
		     unsigned int tokens, uint64_t cpu0, unsigned int *served)
{
	unsigned int done = 0;
	int more, stop = 0;

	*served = 0;
	for (;;) {
		RING_IDX rc = dev->ring.req_cons;
		RING_IDX rp = load_shared(&dev->ring.sring->req_prod);

		xen_rmb();	/* read requests only after req_prod */
		if (RING_REQUEST_PROD_OVERFLOW(&dev->ring, rp)) {
			vcamd_bucket_spend(dev, done);
			*served = done;
			dev_corrupt(dev, "producer beyond ring size", rp, rc);
			return -EPROTO;
		}
		while (rc != rp &&
		       !(stop = dev_may(dev, done, budget, tokens, cpu0))) {
			dev_handle_one(dev, rc++);
			done++;
		}
		if (done)
			dev_push_responses(dev);
		vcamd_dev_flush_events(dev);
		if (rc != rp)
			break;		/* others' turn (1), or throttled */
		stop = 0;
		dev->throttle_until_ns = 0;
		if (done)
			dev->last_activity_ns = vcamd_now_ns();
		else
			dev->st.spins += !dev->armed;
		if (dev->cfg.notify_mode == VCAM_NOTIFY_HYBRID && done)
			dev->hybrid_until_ns = vcamd_now_ns() +
					       dev->cfg.spin_us * 1000ULL;
		if (vcamd_dev_wants_spin(dev, vcamd_now_ns())) {
			dev->armed = false;
			break;
		}
		dev->armed = true;
		RING_FINAL_CHECK_FOR_REQUESTS(&dev->ring, more);
		if (!more)
			break;
		/* more came as we re-armed: go on, if we may */
		stop = dev_may(dev, done, budget, tokens, cpu0);
		if (stop)
			break;
	}
	vcamd_bucket_spend(dev, done);
	*served = done;
	return stop;
}

int vcamd_dev_process(struct vcamd_dev *dev, unsigned int budget)
{
	uint64_t cpu0 = vcamd_cpu_ns(), now = vcamd_now_ns(), cpu;
	unsigned int tokens, served;
	int ret;

	if (dev->broken)
		return -EPROTO;
	tokens = vcamd_bucket_avail(dev, now);
	/* in CPU debt: nothing until it is paid back */
	if (!vcamd_cpu_credit_ok(dev, now))
		tokens = 0;
	ret = dev_serve(dev, budget, tokens, cpu0, &served);
	cpu = vcamd_cpu_ns() - cpu0;
	dev->st.cpu_ns += cpu;
	/*
	 * Requests are the guest's doing; polling an empty ring (spin or
	 * hybrid, which the host granted) is not.
	 */
	if (served)
		vcamd_cpu_charge(dev, cpu);
	if (ret == VCAMD_DEV_THROTTLED)
		vcamd_bucket_throttle(dev);
	return ret;
}

int vcamd_dev_rearm(struct vcamd_dev *dev)
{
	int more;

	if (dev->broken)
		return -EPROTO;
	dev->armed = true;
	RING_FINAL_CHECK_FOR_REQUESTS(&dev->ring, more);
	return more;
}

bool vcamd_dev_wants_spin(const struct vcamd_dev *dev, uint64_t now_ns)
{
	if (dev->broken)
		return false;
	switch (dev->cfg.notify_mode) {
	case VCAM_NOTIFY_SPIN:
		return dev->streaming &&
		       now_ns - dev->last_activity_ns <
		       VCAM_SPIN_IDLE_MS_DEFAULT * 1000000ULL;
	case VCAM_NOTIFY_HYBRID:
		return now_ns < dev->hybrid_until_ns;
	default:
		return false;
	}
}

/* ---- event page ----------------------------------------------------------- */

bool vcamd_dev_evt_room(struct vcamd_dev *dev)
{
	struct xencamera_event_page *pg = dev->evt_page;
	uint32_t cons = load_shared(&pg->in_cons);

	/* A cons ahead of prod is garbage: treat as full, hurting only it. */
	return dev->evt_prod - cons < XENCAMERA_IN_RING_LEN;
}

int vcamd_dev_post_event(struct vcamd_dev *dev, const struct xencamera_evt *ev)
{
	struct xencamera_event_page *pg = dev->evt_page;

	if (!vcamd_dev_evt_room(dev)) {
		dev->st.evt_full++;
		return -ENOSPC;
	}
	memcpy(&XENCAMERA_IN_RING_REF(pg, dev->evt_prod), ev, sizeof(*ev));
	/* "event id, may be used by front": one counter per connection */
	XENCAMERA_IN_RING_REF(pg, dev->evt_prod).id = dev->evt_id++;
	if (dev->trace)
		dev->trace->evt(dev->trace_arg, ev);
	xen_wmb();	/* event visible before the index that publishes it */
	dev->evt_prod++;
	__atomic_store_n(&pg->in_prod, dev->evt_prod, __ATOMIC_RELAXED);
	return 0;
}

void vcamd_dev_flush_events(struct vcamd_dev *dev)
{
	uint32_t old = dev->evt_notified, cur = dev->evt_prod;
	bool notify = true;

	if (old == cur)
		return;
	dev->evt_notified = cur;
	if (dev->cfg.evt_hold_off) {
		xen_mb();	/* in_prod visible before reading in_event */
		notify = vcam_evt_need_notify(old, cur,
			load_shared(vcam_evt_page_in_event(dev->evt_page)));
	}
	if (notify && dev->xops->notify(dev->xctx, dev->evt_port) == 0)
		dev->st.notify_evt++;
}
