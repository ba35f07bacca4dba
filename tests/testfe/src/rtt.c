// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lat.h"
#include "proto.h"
#include "vcam/req_encode.h"
#include "rtt.h"

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Take every queued event: FRAME_AVAILs of the buffers queued at start
 * are counted (their buffers stay with us), anything else is ignored.
 */
static unsigned int drain_events(struct tfe_sess *s)
{
	struct xencamera_evt evt;
	unsigned int frames = 0;

	while (tfe_pop_evt(s, &evt))
		if (evt.type == XENCAMERA_EVT_FRAME_AVAIL)
			frames++;
	return frames;
}

/* Wait until the buffers queued at STREAM_START have all come back. */
static int wait_buffers(struct tfe_stream *st)
{
	struct tfe_sess *s = st->s;
	unsigned int got = 0;
	int ret;

	while (got < st->nbufs) {
		got += drain_events(s);
		if (got >= st->nbufs)
			break;
		ret = tfe_wait(s, s->o.timeout_ms);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			fprintf(stderr, "testfe: rtt: %u of %u frames came\n",
				got, st->nbufs);
			return -ETIMEDOUT;
		}
	}
	return 0;
}

/*
 * One CONFIG_GET, send to its response.  As tfe_call, but events that
 * arrive meanwhile are taken off the queue: a queue left full would make
 * every wait return at once and turn event mode into polling.
 */
static int round_trip(struct tfe_sess *s, int64_t *ns)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;
	int64_t t0, deadline;
	int ret;

	vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET);
	t0 = mono_ns();
	deadline = t0 + (int64_t)s->o.timeout_ms * 1000000;
	ret = tfe_send(s, &req);
	if (ret)
		return ret;
	for (;;) {
		drain_events(s);
		if (tfe_pop_rsp(s, &rsp)) {
			if (!vcam_rsp_answers(&rsp, req.id,
					      XENCAMERA_OP_CONFIG_GET)) {
				fprintf(stderr,
					"testfe: rtt: response id %u op %u to nothing we asked\n",
					rsp.id, rsp.operation);
				return -EPROTO;
			}
			*ns = mono_ns() - t0;
			return rsp.status ? -EIO : 0;
		}
		if (mono_ns() >= deadline)
			return -ETIMEDOUT;
		ret = tfe_wait(s, (int)((deadline - mono_ns()) / 1000000) + 1);
		if (ret < 0)
			return ret;
	}
}

static int measure(struct tfe_sess *s, unsigned int count, struct tfe_lat *l)
{
	unsigned int i;
	int64_t ns;
	int ret;

	for (i = 0; i < TFE_RTT_WARMUP + count; i++) {
		ret = round_trip(s, &ns);
		if (ret) {
			fprintf(stderr, "testfe: rtt: round trip %u: %s\n", i,
				strerror(-ret));
			return ret;
		}
		if (i >= TFE_RTT_WARMUP)
			tfe_lat_add(l, ns);
	}
	return 0;
}

int tfe_rtt_run(struct tfe_sess *s, const struct tfe_stream_cfg *cfg,
		unsigned int count, FILE *out)
{
	struct tfe_lat l = { 0 };
	struct tfe_counters c0;
	struct tfe_stream *st;
	int64_t mn;
	int ret;

	st = tfe_stream_begin(s, cfg, &ret);
	if (!st)
		return 1;
	if (!ret)
		ret = wait_buffers(st);
	c0 = s->cnt;
	if (!ret)
		ret = measure(s, count, &l);
	if (!ret && l.n == count) {
		/* percentiles sort the samples: the minimum is then first */
		fprintf(out,
			"rtt op=CONFIG_GET mode=%s spin-us=%u be-alloc=%d n=%zu warmup=%u p50-us=%.1f p99-us=%.1f max-us=%.1f",
			vcam_notify_mode_name(s->mode), s->spin_us, s->be_alloc,
			l.n, TFE_RTT_WARMUP, tfe_lat_pct(&l, 0.50) / 1e3,
			tfe_lat_pct(&l, 0.99) / 1e3, l.max / 1e3);
		mn = l.ns[0];
		fprintf(out,
			" min-us=%.1f notify-sent=%llu wakeups=%llu spins=%llu blocks=%llu\n",
			mn / 1e3,
			(unsigned long long)(s->cnt.notify_sent - c0.notify_sent),
			(unsigned long long)(s->cnt.wakeups - c0.wakeups),
			(unsigned long long)(s->cnt.spins - c0.spins),
			(unsigned long long)(s->cnt.blocks - c0.blocks));
	} else if (!ret) {
		fprintf(stderr, "testfe: rtt: kept %zu samples of %u\n", l.n,
			count);
		ret = -ENOMEM;
	}
	tfe_stream_end(st);
	tfe_lat_free(&l);
	if (!ret && s->cnt.violations)
		ret = -EPROTO;
	fprintf(stderr, "testfe: rtt %s\n", ret ? "FAILED" : "ok");
	return ret ? 1 : 0;
}
