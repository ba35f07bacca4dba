/* SPDX-License-Identifier: MIT */
/*
 * One cameraif connection: the xenbus handshake, the request ring, the
 * event page, and the consumer side of the notification modes.  All
 * packets are copied out of the shared pages before anyone looks at them.
 */
#ifndef TFE_SESSION_H
#define TFE_SESSION_H

#include <stdio.h>
#include <string.h>

#include "lat.h"
#include "transport.h"
#include "wire.h"

struct tfe_counters {
	uint64_t notify_sent;	/* event channel kicks we sent */
	uint64_t wakeups;	/* woken by an event channel */
	uint64_t cfg_wakeups;	/* woken by a backend dir change */
	uint64_t spins;		/* polls that found nothing */
	uint64_t blocks;	/* times we re-armed and blocked */
	uint64_t responses;
	uint64_t events;
	uint64_t frames;
	uint64_t drops;		/* gaps in seq_num */
	uint64_t ctrl_changes;
	uint64_t reannounced;	/* FRAME_AVAIL again before our DEQUEUE */
	uint64_t violations;	/* backend broke the protocol */
};

#define TFE_RSPQ_LEN	64
#define TFE_EVQ_LEN	128

struct tfe_sess_opts {
	int mode;		/* enum vcam_notify_mode, -1: from config */
	int be_alloc;		/* -1: from config */
	unsigned int spin_us;	/* 0: from config / default */
	int timeout_ms;		/* per response / per frame */
	int literal;		/* no version node, no extensions */
	int no_capture_time;	/* do not ask for capture times */
	int verbose;
};

struct tfe_sess {
	struct tfe_tp *tp;
	struct tfe_sess_opts o;
	int mode;
	unsigned int spin_us;
	int be_alloc;
	unsigned int max_buffers;
	int evt_hold_off;
	int capture_time;		/* negotiated: FRAME_AVAIL has times */

	void *ring_page;
	uint32_t ring_ref;
	void *evt_page;
	uint32_t evt_ref;
	uint32_t evt_cons;		/* our copy of in_cons */
	uint32_t req_port;
	uint32_t evt_port;
	int have_req_port, have_evt_port;
	struct xen_cameraif_front_ring ring;
	uint16_t next_id;
	unsigned int outstanding;	/* requests without a response */
	int connected;
	int be_gone;			/* backend left Connected */
	int ring_broken;		/* we corrupted it on purpose */

	struct xencamera_resp rspq[TFE_RSPQ_LEN];
	unsigned int rspq_head, rspq_n;
	struct xencamera_evt evq[TFE_EVQ_LEN];
	unsigned int evq_head, evq_n;

	struct tfe_counters cnt;
	/* our CLOCK_REALTIME on seeing a frame minus its capture time */
	struct tfe_lat lat;
};

/*
 * Our latency of a FRAME_AVAIL (ns, TFE_LAT_NONE: no capture time), kept
 * in our *local* copy of the event, in octets the wire leaves reserved
 * (after the capture time), so that it travels with the event through our
 * queue; tfe_pump sets it on every FRAME_AVAIL it copies.
 */
#define TFE_LAT_NONE		INT64_MIN
#define TFE_EVT_LAT_OFFSET	(VCAM_EVT_CAPTURE_TIME_OFFSET + 8)

static inline void tfe_evt_set_lat(struct xencamera_evt *e, int64_t ns)
{
	memcpy((char *)e + TFE_EVT_LAT_OFFSET, &ns, sizeof(ns));
}

static inline int64_t tfe_evt_lat(const struct xencamera_evt *e)
{
	int64_t ns;

	memcpy(&ns, (const char *)e + TFE_EVT_LAT_OFFSET, sizeof(ns));
	return ns;
}

void tfe_sess_init(struct tfe_sess *s, struct tfe_tp *tp,
		   const struct tfe_sess_opts *o);
/* Full xenbus handshake up to Connected.  0 or -errno (message printed). */
int tfe_connect(struct tfe_sess *s);
/* Closing -> Closed, release channels and pages.  Safe to call twice. */
void tfe_disconnect(struct tfe_sess *s);

/* Backend's xenbus state, or -errno. */
int tfe_be_state(struct tfe_sess *s);
/* Wait until the backend dir's state satisfies mask (1 << state). */
int tfe_wait_be_state(struct tfe_sess *s, unsigned int mask, int timeout_ms);

/*
 * Put req on the ring (its id is set from next_id) and kick the backend
 * if its hold-off asks for it.  -EAGAIN if the ring is full.
 */
int tfe_send(struct tfe_sess *s, struct xencamera_req *req);
/* Kick the request channel unconditionally (hostile tests). */
int tfe_kick(struct tfe_sess *s);
/*
 * Copy whatever the backend produced (responses, events) into the local
 * queues.  Returns how many packets were taken, or -EPROTO if the shared
 * indices are impossible (counted as a violation).
 */
int tfe_pump(struct tfe_sess *s);
/*
 * Wait, the way the session's notification mode says, until something
 * is in a local queue.  Returns >0, 0 on timeout, -ECONNRESET if the
 * backend left Connected, -EPROTO, other -errno.
 */
int tfe_wait(struct tfe_sess *s, int timeout_ms);
/* Pop one queued response/event: 1 if one was copied, 0 if empty. */
int tfe_pop_rsp(struct tfe_sess *s, struct xencamera_resp *rsp);
int tfe_pop_evt(struct tfe_sess *s, struct xencamera_evt *evt);
/*
 * Send req and wait for its response (matched by id and operation).
 * Returns 0 with *rsp filled (rsp->status may be an error), -ETIMEDOUT,
 * -ECONNRESET, -EPROTO.  Events arriving meanwhile stay queued.
 */
int tfe_call(struct tfe_sess *s, struct xencamera_req *req,
	     struct xencamera_resp *rsp);

void tfe_counters_print(struct tfe_sess *s, FILE *out,
			double elapsed_s, double cpu_s);

#endif /* TFE_SESSION_H */
