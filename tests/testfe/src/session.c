// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto.h"
#include "session.h"

/*
 * vcamd opens the camera only when we are Initialised, and libv4l2's
 * open probes every format: in the rig (TCG, on a loaded 2-core host)
 * that was seen taking longer than 10 s, after which we gave up and
 * revoked the ring vcamd was about to map.
 */
#define HANDSHAKE_MS	60000
#define CLOSE_MS	3000

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

void tfe_sess_init(struct tfe_sess *s, struct tfe_tp *tp,
		   const struct tfe_sess_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->tp = tp;
	s->o = *o;
	if (s->o.timeout_ms <= 0)
		s->o.timeout_ms = 5000;
	s->next_id = 1;
}

int tfe_be_state(struct tfe_sess *s)
{
	unsigned long st;
	int ret;

	ret = tfe_cfg_read_uint(s->tp, TFE_DIR_BE, "state", &st);
	if (ret)
		return ret;
	return st > XenbusStateReconfigured ? -EINVAL : (int)st;
}

int tfe_wait_be_state(struct tfe_sess *s, unsigned int mask, int timeout_ms)
{
	uint64_t deadline = now_us() + (uint64_t)timeout_ms * 1000u;
	uint32_t port;
	int st, ret;

	for (;;) {
		st = tfe_be_state(s);
		if (st >= 0 && (mask & (1u << st)))
			return st;
		if (now_us() >= deadline)
			return -ETIMEDOUT;
		ret = s->tp->ops->wait(s->tp,
				       (int)((deadline - now_us()) / 1000) + 1,
				       &port);
		if (ret < 0)
			return ret;
	}
}

static int fe_state(struct tfe_sess *s, enum xenbus_state st)
{
	return tfe_cfg_write_uint(s->tp, TFE_DIR_FE, "state", st);
}

/*
 * Overrides go into the frontend dir too, before Initialised: the backend
 * reads be-alloc and notify-mode there, and both halves must agree.
 */
static int write_overrides(struct tfe_sess *s)
{
	struct tfe_tp *tp = s->tp;
	int ret = 0;

	if (s->o.be_alloc >= 0)
		ret = tfe_cfg_write_uint(tp, TFE_DIR_FE,
					 XENCAMERA_FIELD_BE_ALLOC,
					 (unsigned long)s->o.be_alloc);
	if (!ret && s->o.mode >= 0)
		ret = tp->ops->cfg_write(tp, TFE_DIR_FE, VCAM_FIELD_NOTIFY_MODE,
					 vcam_notify_mode_name(s->o.mode));
	if (!ret && s->o.spin_us)
		ret = tfe_cfg_write_uint(tp, TFE_DIR_FE, VCAM_FIELD_SPIN_US,
					 s->o.spin_us);
	if (ret)
		fprintf(stderr, "testfe: cannot write overrides: %s\n",
			strerror(-ret));
	return ret;
}

/* A node as vcam/cfgparse.h reads it; absent or malformed: -1. */
static int read_bool(struct tfe_sess *s, enum tfe_dir dir, const char *key)
{
	char buf[8];
	int b;

	if (s->tp->ops->cfg_read(s->tp, dir, key, buf, sizeof(buf)) ||
	    vcam_parse_bool(buf, &b, NULL))
		return -1;
	return b;
}

static int read_u32(struct tfe_sess *s, const char *key, uint32_t min,
		    uint32_t max, uint32_t *v)
{
	char buf[16];

	if (s->tp->ops->cfg_read(s->tp, TFE_DIR_FE, key, buf, sizeof(buf)))
		return -1;
	return vcam_parse_u32(buf, min, max, v, NULL);
}

static void read_fe_config(struct tfe_sess *s)
{
	char buf[64];
	uint32_t v;
	int m;

	s->be_alloc = read_bool(s, TFE_DIR_FE, XENCAMERA_FIELD_BE_ALLOC) == 1;
	if (s->o.be_alloc >= 0)
		s->be_alloc = s->o.be_alloc;
	s->max_buffers = 0;
	if (!read_u32(s, XENCAMERA_FIELD_MAX_BUFFERS, 1, VCAM_CFG_MAX_BUFFERS,
		      &v))
		s->max_buffers = v;
	s->mode = VCAM_NOTIFY_EVENT;
	if (!s->tp->ops->cfg_read(s->tp, TFE_DIR_FE, VCAM_FIELD_NOTIFY_MODE,
				  buf, sizeof(buf))) {
		m = vcam_notify_mode_parse(buf);
		if (m < 0)
			fprintf(stderr, "testfe: ignoring bad %s '%s'\n",
				VCAM_FIELD_NOTIFY_MODE, buf);
		else
			s->mode = m;
	}
	if (s->o.mode >= 0)
		s->mode = s->o.mode;
	s->spin_us = VCAM_SPIN_US_DEFAULT;
	if (!read_u32(s, VCAM_FIELD_SPIN_US, 0, VCAM_SPIN_US_MAX, &v))
		s->spin_us = v;
	if (s->o.spin_us)
		s->spin_us = s->o.spin_us;
}

/*
 * vcamd follows the host's copy of the configuration in the backend dir,
 * not what we write into ours: say so when an override cannot take effect,
 * or the failure it causes later (a refused BUF_CREATE) explains nothing.
 */
static void warn_host_differs(struct tfe_sess *s)
{
	char buf[64];
	int b = read_bool(s, TFE_DIR_BE, XENCAMERA_FIELD_BE_ALLOC);

	if (s->o.be_alloc >= 0 && b >= 0 && b != (s->o.be_alloc != 0))
		fprintf(stderr,
			"testfe: warning: -b %d, but the host configured be-alloc %d for this device (backend dir)\n",
			s->o.be_alloc, b);
	if (s->o.mode >= 0 &&
	    !s->tp->ops->cfg_read(s->tp, TFE_DIR_BE, VCAM_FIELD_NOTIFY_MODE,
				  buf, sizeof(buf)) &&
	    vcam_notify_mode_parse(buf) != s->o.mode)
		fprintf(stderr,
			"testfe: warning: -m %s, but the host configured %s for this device (backend dir)\n",
			vcam_notify_mode_name(s->o.mode), buf);
}

/* "1" must be one of the backend's versions. */
static int be_speaks_v1(struct tfe_sess *s)
{
	char buf[64];

	if (s->tp->ops->cfg_read(s->tp, TFE_DIR_BE, XENCAMERA_FIELD_BE_VERSIONS,
				 buf, sizeof(buf)))
		return 0;
	return vcam_list_has(buf, XENCAMERA_PROTOCOL_VERSION);
}

static int publish(struct tfe_sess *s)
{
	struct tfe_tp *tp = s->tp;
	int ret;

	/* cameraif.h's frontends (EPAM's) write no version: v1 it is */
	if (s->o.literal)
		ret = tp->ops->cfg_rm(tp, TFE_DIR_FE,
				      XENCAMERA_FIELD_FE_VERSION);
	else
		ret = tp->ops->cfg_write(tp, TFE_DIR_FE,
					 XENCAMERA_FIELD_FE_VERSION,
					 XENCAMERA_PROTOCOL_VERSION);
	if (!ret)
		ret = tfe_cfg_write_uint(tp, TFE_DIR_FE,
					 XENCAMERA_FIELD_REQ_RING_REF,
					 s->ring_ref);
	if (!ret)
		ret = tfe_cfg_write_uint(tp, TFE_DIR_FE,
					 XENCAMERA_FIELD_REQ_CHANNEL,
					 s->req_port);
	if (!ret)
		ret = tfe_cfg_write_uint(tp, TFE_DIR_FE,
					 XENCAMERA_FIELD_EVT_RING_REF,
					 s->evt_ref);
	if (!ret)
		ret = tfe_cfg_write_uint(tp, TFE_DIR_FE,
					 XENCAMERA_FIELD_EVT_CHANNEL,
					 s->evt_port);
	if (!ret && s->evt_hold_off)
		ret = tp->ops->cfg_write(tp, TFE_DIR_FE,
					 VCAM_FIELD_EVT_HOLD_OFF, "1");
	else if (!ret)
		ret = tp->ops->cfg_rm(tp, TFE_DIR_FE, VCAM_FIELD_EVT_HOLD_OFF);
	if (!ret && s->capture_time)
		ret = tp->ops->cfg_write(tp, TFE_DIR_FE,
					 VCAM_FIELD_CAPTURE_TIME, "1");
	else if (!ret)
		ret = tp->ops->cfg_rm(tp, TFE_DIR_FE, VCAM_FIELD_CAPTURE_TIME);
	return ret;
}

int tfe_connect(struct tfe_sess *s)
{
	struct tfe_tp *tp = s->tp;
	struct xen_cameraif_sring *sring;
	unsigned long fst;
	char buf[8];
	int ret, st;

	ret = write_overrides(s);
	if (ret)
		return ret;
	read_fe_config(s);
	warn_host_differs(s);

	/* A previous run that died leaves a stale state: close it first. */
	if (!tfe_cfg_read_uint(tp, TFE_DIR_FE, "state", &fst) &&
	    fst >= XenbusStateInitWait && fst <= XenbusStateClosing) {
		fe_state(s, XenbusStateClosed);
		tfe_wait_be_state(s, (1u << XenbusStateInitWait) |
				  (1u << XenbusStateClosed) |
				  (1u << XenbusStateInitialising), CLOSE_MS);
	}
	ret = fe_state(s, XenbusStateInitialising);
	if (ret) {
		fprintf(stderr, "testfe: cannot write frontend state: %s\n",
			strerror(-ret));
		return ret;
	}
	st = tfe_wait_be_state(s, 1u << XenbusStateInitWait, HANDSHAKE_MS);
	if (st < 0) {
		fprintf(stderr,
			"testfe: backend not in InitWait (state %d): %s\n",
			tfe_be_state(s), strerror(-st));
		return st;
	}
	if (!be_speaks_v1(s)) {
		fprintf(stderr, "testfe: backend does not offer version 1\n");
		return -EPROTONOSUPPORT;
	}
	s->evt_hold_off = !s->o.literal &&
			  !tp->ops->cfg_read(tp, TFE_DIR_BE,
					     VCAM_FIELD_FEATURE_EVT_HOLD_OFF,
					     buf, sizeof(buf)) &&
			  strcmp(buf, "1") == 0;
	s->capture_time = !s->o.literal && !s->o.no_capture_time &&
			  !tp->ops->cfg_read(tp, TFE_DIR_BE,
					     VCAM_FIELD_FEATURE_CAPTURE_TIME,
					     buf, sizeof(buf)) &&
			  strcmp(buf, "1") == 0;

	s->ring_page = tp->ops->share(tp, 1, &s->ring_ref);
	if (!s->ring_page)
		goto fail_errno;
	sring = s->ring_page;
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&s->ring, sring, TFE_PAGE_SIZE);
	s->evt_page = tp->ops->share(tp, 1, &s->evt_ref);
	if (!s->evt_page)
		goto fail_errno;
	ret = tp->ops->chan_alloc(tp, &s->req_port);
	if (ret)
		goto fail;
	s->have_req_port = 1;
	ret = tp->ops->chan_alloc(tp, &s->evt_port);
	if (ret)
		goto fail;
	s->have_evt_port = 1;
	ret = publish(s);
	if (!ret)
		ret = fe_state(s, XenbusStateInitialised);
	if (ret)
		goto fail;
	st = tfe_wait_be_state(s, (1u << XenbusStateConnected) |
			       (1u << XenbusStateClosing) |
			       (1u << XenbusStateClosed), HANDSHAKE_MS);
	if (st != XenbusStateConnected) {
		fprintf(stderr, "testfe: backend did not connect (state %d)\n",
			tfe_be_state(s));
		tfe_disconnect(s);
		return st < 0 ? st : -ECONNREFUSED;
	}
	ret = fe_state(s, XenbusStateConnected);
	if (ret)
		goto fail;
	s->connected = 1;
	if (s->o.verbose)
		fprintf(stderr,
			"testfe: connected via %s: ring-ref %u evt-ref %u ports %u/%u be-alloc %d mode %s evt-hold-off %d\n",
			tp->name, s->ring_ref, s->evt_ref, s->req_port,
			s->evt_port, s->be_alloc, vcam_notify_mode_name(s->mode),
			s->evt_hold_off);
	return 0;

fail_errno:
	ret = -errno;
fail:
	fprintf(stderr, "testfe: connect failed: %s\n", strerror(-ret));
	tfe_disconnect(s);
	return ret;
}

void tfe_disconnect(struct tfe_sess *s)
{
	struct tfe_tp *tp = s->tp;

	if (s->connected || s->ring_page) {
		fe_state(s, XenbusStateClosing);
		tfe_wait_be_state(s, (1u << XenbusStateClosing) |
				  (1u << XenbusStateClosed) |
				  (1u << XenbusStateInitWait) |
				  (1u << XenbusStateInitialising), CLOSE_MS);
		fe_state(s, XenbusStateClosed);
		/* Our pages must outlive the backend's mappings of them. */
		tfe_wait_be_state(s, (1u << XenbusStateClosed) |
				  (1u << XenbusStateInitWait) |
				  (1u << XenbusStateInitialising), CLOSE_MS);
	}
	s->connected = 0;
	if (s->have_req_port)
		tp->ops->chan_free(tp, s->req_port);
	if (s->have_evt_port)
		tp->ops->chan_free(tp, s->evt_port);
	s->have_req_port = s->have_evt_port = 0;
	if (s->ring_page)
		tp->ops->unshare(tp, s->ring_page, 1, &s->ring_ref);
	if (s->evt_page)
		tp->ops->unshare(tp, s->evt_page, 1, &s->evt_ref);
	s->ring_page = s->evt_page = NULL;
	tfe_lat_free(&s->lat);
}

int tfe_kick(struct tfe_sess *s)
{
	int ret = s->tp->ops->notify(s->tp, s->req_port);

	if (!ret)
		s->cnt.notify_sent++;
	return ret;
}

int tfe_send(struct tfe_sess *s, struct xencamera_req *req)
{
	int notify;

	if (!s->connected)
		return -ENOTCONN;
	if (s->ring_broken)
		return -EPIPE;
	if (RING_FULL(&s->ring))
		return -EAGAIN;
	req->id = s->next_id++;
	memcpy(RING_GET_REQUEST(&s->ring, s->ring.req_prod_pvt), req,
	       sizeof(*req));
	s->ring.req_prod_pvt++;
	s->outstanding++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&s->ring, notify);
	return notify ? tfe_kick(s) : 0;
}

static int violation(struct tfe_sess *s, const char *what, unsigned int a,
		     unsigned int b)
{
	s->cnt.violations++;
	fprintf(stderr, "testfe: backend violation: %s (%u, %u)\n", what, a, b);
	return -EPROTO;
}

static int pump_rsp(struct tfe_sess *s)
{
	RING_IDX prod, cons = s->ring.rsp_cons;
	unsigned int n = 0;

	prod = TFE_READ_ONCE(s->ring.sring->rsp_prod);
	xen_rmb();
	/* Never more responses than requests we pushed. */
	if (prod - cons > s->ring.req_prod_pvt - cons)
		return violation(s, "rsp_prod beyond our requests", prod, cons);
	while (cons != prod && s->rspq_n < TFE_RSPQ_LEN) {
		memcpy(&s->rspq[(s->rspq_head + s->rspq_n) % TFE_RSPQ_LEN],
		       RING_GET_RESPONSE(&s->ring, cons), sizeof(s->rspq[0]));
		s->rspq_n++;
		cons++;
		n++;
		if (s->outstanding)
			s->outstanding--;
	}
	s->ring.rsp_cons = cons;
	s->cnt.responses += n;
	return (int)n;
}

static int64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The moment we see a frame is when we copy its event off the page: read
 * the clock once per batch (*now 0: not yet read).
 */
static int64_t note_latency(struct tfe_sess *s, const struct xencamera_evt *e,
			    int64_t *now)
{
	uint64_t t;

	if (!s->capture_time)
		return TFE_LAT_NONE;
	t = vcam_evt_capture_time(e);
	if (!t) {
		s->lat.no_time++;
		return TFE_LAT_NONE;
	}
	if (!*now)
		*now = real_ns();
	tfe_lat_add(&s->lat, *now - (int64_t)t);
	return *now - (int64_t)t;
}

static int pump_evt(struct tfe_sess *s)
{
	struct xencamera_event_page *pg = s->evt_page;
	uint32_t prod, cons;
	unsigned int n = 0;
	int64_t now = 0;

	/* in_cons is ours; trust our own copy, not the shared one. */
	cons = s->evt_cons;
	prod = TFE_READ_ONCE(pg->in_prod);
	xen_rmb();
	if (prod - cons > XENCAMERA_IN_RING_LEN)
		return violation(s, "event in_prod out of range", prod, cons);
	while (cons != prod && s->evq_n < TFE_EVQ_LEN) {
		struct xencamera_evt *e =
			&s->evq[(s->evq_head + s->evq_n) % TFE_EVQ_LEN];

		memcpy(e, &XENCAMERA_IN_RING_REF(pg, cons), sizeof(*e));
		if (e->type == XENCAMERA_EVT_FRAME_AVAIL)
			tfe_evt_set_lat(e, note_latency(s, e, &now));
		s->evq_n++;
		cons++;
		n++;
	}
	xen_mb();
	TFE_WRITE_ONCE(pg->in_cons, cons);
	s->evt_cons = cons;
	s->cnt.events += n;
	return (int)n;
}

int tfe_pump(struct tfe_sess *s)
{
	int a, b;

	if (!s->ring_page)
		return -ENOTCONN;
	a = pump_rsp(s);
	if (a < 0)
		return a;
	b = pump_evt(s);
	if (b < 0)
		return b;
	return a + b;
}

static int queued(const struct tfe_sess *s)
{
	return (int)(s->rspq_n + s->evq_n);
}

/* Ask both producers to notify us for their next packet. */
static int rearm(struct tfe_sess *s)
{
	int more;

	RING_FINAL_CHECK_FOR_RESPONSES(&s->ring, more);
	if (s->evt_hold_off) {
		struct xencamera_event_page *pg = s->evt_page;
		uint32_t cons = s->evt_cons;

		TFE_WRITE_ONCE(*vcam_evt_page_in_event(pg), cons + 1);
		xen_mb();
		if (TFE_READ_ONCE(pg->in_prod) != cons)
			more = 1;
	}
	return more;
}

static int check_be(struct tfe_sess *s)
{
	int st = tfe_be_state(s);

	if (s->connected && st != XenbusStateConnected) {
		s->be_gone = 1;
		return -ECONNRESET;
	}
	return 0;
}

int tfe_wait(struct tfe_sess *s, int timeout_ms)
{
	uint64_t start = now_us(), deadline, spin_end, t;
	uint32_t port;
	int ret;

	deadline = start + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000u;
	for (;;) {
		ret = tfe_pump(s);
		if (ret < 0)
			return ret;
		if (queued(s))
			return queued(s);
		if (s->be_gone)
			return -ECONNRESET;

		t = now_us();
		if (s->mode == VCAM_NOTIFY_SPIN)
			spin_end = t + VCAM_SPIN_IDLE_MS_DEFAULT * 1000u;
		else if (s->mode == VCAM_NOTIFY_HYBRID)
			spin_end = t + s->spin_us;
		else
			spin_end = t;
		if (spin_end > deadline)
			spin_end = deadline;
		while (now_us() < spin_end) {
			ret = tfe_pump(s);
			if (ret < 0)
				return ret;
			if (ret > 0)
				return queued(s);
			s->cnt.spins++;
			cpu_relax();
		}

		if (rearm(s))
			continue;
		t = now_us();
		if (t >= deadline)
			return 0;
		s->cnt.blocks++;
		ret = s->tp->ops->wait(s->tp, (int)((deadline - t) / 1000) + 1,
				       &port);
		if (ret < 0)
			return ret;
		if (ret == TFE_WAKE_CHAN) {
			s->cnt.wakeups++;
		} else if (ret == TFE_WAKE_CFG) {
			s->cnt.cfg_wakeups++;
			ret = check_be(s);
			if (ret)
				return ret;
		}
	}
}

int tfe_pop_rsp(struct tfe_sess *s, struct xencamera_resp *rsp)
{
	if (!s->rspq_n)
		return 0;
	*rsp = s->rspq[s->rspq_head];
	s->rspq_head = (s->rspq_head + 1) % TFE_RSPQ_LEN;
	s->rspq_n--;
	return 1;
}

int tfe_pop_evt(struct tfe_sess *s, struct xencamera_evt *evt)
{
	if (!s->evq_n)
		return 0;
	*evt = s->evq[s->evq_head];
	s->evq_head = (s->evq_head + 1) % TFE_EVQ_LEN;
	s->evq_n--;
	return 1;
}

int tfe_call(struct tfe_sess *s, struct xencamera_req *req,
	     struct xencamera_resp *rsp)
{
	uint64_t deadline;
	uint64_t t;
	uint16_t id;
	uint8_t op = req->operation;
	int ret;

	ret = tfe_send(s, req);
	if (ret)
		return ret;
	id = req->id;
	deadline = now_us() + (uint64_t)s->o.timeout_ms * 1000u;
	for (;;) {
		while (tfe_pop_rsp(s, rsp)) {
			if (vcam_rsp_answers(rsp, id, op))
				return 0;
			violation(s, "response to nothing we asked", rsp->id,
				  rsp->operation);
		}
		t = now_us();
		if (t >= deadline)
			return -ETIMEDOUT;
		ret = tfe_wait(s, (int)((deadline - t) / 1000) + 1);
		if (ret < 0)
			return ret;
	}
}

/*
 * Appended to the stats line: " capture-time=0|1 lat-n=N" and, with
 * samples, p50/p99/max in µs (rounded toward zero; may be negative when the
 * two domains' clocks disagree by more than the latency).
 */
static void lat_print(struct tfe_sess *s, FILE *out)
{
	struct tfe_lat *l = &s->lat;

	fprintf(out, " capture-time=%d lat-n=%llu", s->capture_time,
		(unsigned long long)(l->n + l->n_over));
	if (l->n)
		fprintf(out, " lat-p50-us=%lld lat-p99-us=%lld lat-max-us=%lld",
			(long long)(tfe_lat_pct(l, 0.50) / 1000),
			(long long)(tfe_lat_pct(l, 0.99) / 1000),
			(long long)(l->max / 1000));
	if (l->no_time)
		fprintf(out, " lat-no-time=%llu",
			(unsigned long long)l->no_time);
	fputc('\n', out);
}

void tfe_counters_print(struct tfe_sess *s, FILE *out,
			double elapsed_s, double cpu_s)
{
	const struct tfe_counters *c = &s->cnt;

	fprintf(out,
		"stats mode=%s be-alloc=%d frames=%llu drops=%llu responses=%llu events=%llu ctrl-changes=%llu notify-sent=%llu wakeups=%llu cfg-wakeups=%llu spins=%llu blocks=%llu violations=%llu elapsed-s=%.3f cpu-s=%.3f reannounced=%llu",
		vcam_notify_mode_name(s->mode), s->be_alloc,
		(unsigned long long)c->frames, (unsigned long long)c->drops,
		(unsigned long long)c->responses,
		(unsigned long long)c->events,
		(unsigned long long)c->ctrl_changes,
		(unsigned long long)c->notify_sent,
		(unsigned long long)c->wakeups,
		(unsigned long long)c->cfg_wakeups,
		(unsigned long long)c->spins, (unsigned long long)c->blocks,
		(unsigned long long)c->violations, elapsed_s, cpu_s,
		(unsigned long long)c->reannounced);
	lat_print(s, out);
}
