// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csum.h"
#include "proto.h"
#include "stream.h"

static double secs(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tfe_stream_init(struct tfe_stream *st, struct tfe_sess *s,
		     const struct tfe_stream_cfg *cfg)
{
	memset(st, 0, sizeof(*st));
	st->s = s;
	st->cfg = *cfg;
}

/* Report a failed call: transport error or backend status. */
static int call_failed(const char *what, int err, int32_t status)
{
	if (err)
		fprintf(stderr, "testfe: %s: %s\n", what, strerror(-err));
	else
		fprintf(stderr, "testfe: %s refused: %s (%d)\n", what,
			tfe_status_name(status), status);
	return err ? err : -EIO;
}

/* Send req, wait for its answer: 0 if it was OK, else the failure told. */
static int call_ok(struct tfe_sess *s, struct xencamera_req *req,
		   struct xencamera_resp *rsp)
{
	int ret = tfe_call(s, req, rsp);

	if (ret || rsp->status)
		return call_failed(tfe_op_name(req->operation), ret,
				   ret ? 0 : rsp->status);
	return 0;
}

int tfe_stream_configure(struct tfe_stream *st)
{
	struct tfe_sess *s = st->s;
	struct xencamera_req req;
	struct xencamera_resp rsp;
	char a[5], b[5];
	int ret, n;

	ret = call_ok(s, vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET), &rsp);
	if (ret)
		return ret;
	st->config = rsp.resp.config;
	/*
	 * No format asked for: set the camera's current one.  A backend may
	 * insist on a CONFIG_SET before buffers, as every frontend does one.
	 */
	if (!st->cfg.fourcc) {
		st->cfg.fourcc = st->config.pixel_format;
		st->cfg.width = st->config.width;
		st->cfg.height = st->config.height;
	}
	vcam_req_config(&req, 0, XENCAMERA_OP_CONFIG_SET, st->cfg.fourcc,
			st->cfg.width, st->cfg.height);
	ret = call_ok(s, &req, &rsp);
	if (ret)
		return ret;
	st->config = rsp.resp.config;
	if (st->config.pixel_format != st->cfg.fourcc ||
	    st->config.width != st->cfg.width ||
	    st->config.height != st->cfg.height)
		fprintf(stderr,
			"testfe: asked %ux%u %s, backend chose %ux%u %s\n",
			st->cfg.width, st->cfg.height,
			tfe_fourcc_str(st->cfg.fourcc, a),
			st->config.width, st->config.height,
			tfe_fourcc_str(st->config.pixel_format, b));
	if (st->cfg.rate_numer) {
		vcam_req_frame_rate(&req, 0, st->cfg.rate_numer,
				    st->cfg.rate_denom);
		ret = call_ok(s, &req, &rsp);
		if (ret)
			return ret;
	}
	vcam_req_hdr(&req, 0, XENCAMERA_OP_BUF_GET_LAYOUT);
	ret = call_ok(s, &req, &rsp);
	if (ret)
		return ret;
	st->layout = rsp.resp.buf_layout;
	n = tfe_layout_offsets(&st->layout, st->offsets);
	if (n < 0) {
		fprintf(stderr, "testfe: backend layout is inconsistent\n");
		s->cnt.violations++;
		return -EPROTO;
	}
	st->nplanes = (unsigned int)n;

	vcam_req_buf_request(&req, 0, (uint8_t)st->cfg.nbufs);
	ret = call_ok(s, &req, &rsp);
	if (ret)
		return ret;
	st->nbufs = rsp.resp.buf_request.num_bufs;
	if (st->nbufs == 0 || st->nbufs > TFE_MAX_BUFS ||
	    st->nbufs > st->cfg.nbufs) {
		fprintf(stderr, "testfe: backend granted %u buffers of %u\n",
			st->nbufs, st->cfg.nbufs);
		return -EPROTO;
	}
	fprintf(stderr,
		"testfe: %ux%u %s, %u plane(s), %u octets/buffer, %u buffers (%s)\n",
		st->config.width, st->config.height,
		tfe_fourcc_str(st->config.pixel_format, a), st->nplanes,
		st->layout.size, st->nbufs,
		s->be_alloc ? "be-alloc" : "fe-alloc");
	return 0;
}

int tfe_stream_buffers(struct tfe_stream *st)
{
	struct tfe_sess *s = st->s;
	int32_t status;
	unsigned int i;
	int ret, err;

	for (i = 0; i < st->nbufs; i++) {
		ret = tfe_buf_alloc(s, &st->bufs[i], st->layout.size);
		if (ret)
			return ret;
		status = tfe_buf_create(s, &st->bufs[i], (uint8_t)i,
					st->offsets, st->nplanes, &err);
		if (err || status)
			return call_failed("BUF_CREATE", err, status);
	}
	return 0;
}

static int queue_buf(struct tfe_stream *st, unsigned int i)
{
	int32_t status;
	int err;

	status = tfe_index_call(st->s, XENCAMERA_OP_BUF_QUEUE, (uint8_t)i,
				&err);
	if (err || status)
		return call_failed("BUF_QUEUE", err, status);
	st->bufs[i].queued = 1;
	return 0;
}

int tfe_stream_start(struct tfe_stream *st)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;
	unsigned int i;
	int ret;

	for (i = 0; i < st->nbufs; i++) {
		ret = queue_buf(st, i);
		if (ret)
			return ret;
	}
	vcam_req_hdr(&req, 0, XENCAMERA_OP_STREAM_START);
	ret = call_ok(st->s, &req, &rsp);
	if (ret)
		return ret;
	st->streaming = 1;
	st->have_seq = 0;
	return 0;
}

/*
 * A backend that keeps a filled buffer until our BUF_DEQUEUE may have
 * announced it again meanwhile, with newer data in it: take the newest of
 * those announcements off the queue.  0, or -EPROTO if one is impossible.
 */
static int take_reannounced(struct tfe_stream *st, unsigned int idx,
			    uint32_t *used, uint32_t *seq)
{
	struct tfe_sess *s = st->s;
	struct xencamera_evt keep[TFE_EVQ_LEN];
	unsigned int i, n = 0;

	if (tfe_pump(s) < 0)
		return -EPROTO;
	for (i = 0; i < s->evq_n; i++) {
		const struct xencamera_evt *e =
			&s->evq[(s->evq_head + i) % TFE_EVQ_LEN];

		if (e->type != XENCAMERA_EVT_FRAME_AVAIL ||
		    e->evt.frame_avail.index != idx) {
			keep[n++] = *e;
			continue;
		}
		if ((int32_t)(e->evt.frame_avail.seq_num - *seq) <= 0) {
			fprintf(stderr,
				"testfe: buffer %u announced again with seq_num %u after %u\n",
				idx, e->evt.frame_avail.seq_num, *seq);
			s->cnt.violations++;
			return -EPROTO;
		}
		*used = e->evt.frame_avail.used_sz;
		*seq = e->evt.frame_avail.seq_num;
		s->cnt.reannounced++;
	}
	for (i = 0; i < n; i++)
		s->evq[i] = keep[i];
	s->evq_head = 0;
	s->evq_n = n;
	return 0;
}

/*
 * cameraif.h: the frontend "must not access the buffer content ... until
 * response to XENCAMERA_OP_BUF_DEQUEUE has been received".
 */
static int dequeue_literally(struct tfe_stream *st, unsigned int idx,
			     uint32_t *used, uint32_t *seq)
{
	int32_t status;
	int err;

	status = tfe_index_call(st->s, XENCAMERA_OP_BUF_DEQUEUE, (uint8_t)idx,
				&err);
	if (err || status)
		return call_failed("BUF_DEQUEUE", err, status);
	return take_reannounced(st, idx, used, seq);
}

static int frame(struct tfe_stream *st, const struct xencamera_evt *e)
{
	const struct xencamera_frame_avail_evt *f = &e->evt.frame_avail;
	int64_t lat = tfe_evt_lat(e);
	struct tfe_sess *s = st->s;
	struct tfe_buf *b;
	unsigned int idx = f->index;
	uint32_t used = f->used_sz, seq = f->seq_num;
	int ret;

	if (idx >= st->nbufs || !st->bufs[idx].queued) {
		fprintf(stderr,
			"testfe: FRAME_AVAIL for buffer %u we did not queue\n",
			idx);
		s->cnt.violations++;
		return -EPROTO;
	}
	b = &st->bufs[idx];
	if (s->o.literal) {
		ret = dequeue_literally(st, idx, &used, &seq);
		if (ret)
			return ret;
	}
	if (used > b->size || !b->data) {
		fprintf(stderr, "testfe: FRAME_AVAIL used_sz %u > %u\n", used,
			b->size);
		s->cnt.violations++;
		return -EPROTO;
	}
	if (st->have_seq && seq <= st->last_seq) {
		fprintf(stderr,
			"testfe: FRAME_AVAIL seq_num %u (buffer %u, %u octets) after seq_num %u\n",
			seq, idx, used, st->last_seq);
		s->cnt.violations++;
		return -EPROTO;
	}
	s->cnt.drops += st->have_seq ? seq - st->last_seq - 1 : seq;
	st->have_seq = 1;
	st->last_seq = seq;
	b->queued = 0;
	s->cnt.frames++;
	if (st->cfg.out && lat != TFE_LAT_NONE)
		tfe_csum_print_lat(st->cfg.out, seq, idx, used,
				   tfe_crc32(0, b->data, used), lat);
	else if (st->cfg.out)
		tfe_csum_print(st->cfg.out, seq, idx, used,
			       tfe_crc32(0, b->data, used));
	return queue_buf(st, idx);
}

volatile sig_atomic_t tfe_stop;

/* Stop streaming at the next frame; waits resume after the signal. */
static void on_stop(int sig)
{
	(void)sig;
	tfe_stop = 1;
}

void tfe_stop_on_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int tfe_stream_frames(struct tfe_stream *st, unsigned int frames)
{
	struct tfe_sess *s = st->s;
	struct xencamera_evt evt;
	unsigned int got = 0;
	double end = 0;
	int ret;

	if (st->cfg.seconds)
		end = secs(CLOCK_MONOTONIC) + st->cfg.seconds;
	while (got < frames) {
		if (tfe_stop || (end && secs(CLOCK_MONOTONIC) >= end))
			break;
		while (got < frames && tfe_pop_evt(s, &evt)) {
			switch (evt.type) {
			case XENCAMERA_EVT_FRAME_AVAIL:
				ret = frame(st, &evt);
				if (ret)
					return ret;
				got++;
				break;
			case XENCAMERA_EVT_CTRL_CHANGE:
				s->cnt.ctrl_changes++;
				break;
			default:
				fprintf(stderr, "testfe: unknown event %u\n",
					evt.type);
				s->cnt.violations++;
				return -EPROTO;
			}
		}
		if (got >= frames)
			break;
		ret = tfe_wait(s, s->o.timeout_ms);
		if (ret < 0)
			return call_failed("waiting for frames", ret, 0);
		if (ret == 0) {
			fprintf(stderr,
				"testfe: no frame for %d ms after %u frames\n",
				s->o.timeout_ms, got);
			return -ETIMEDOUT;
		}
	}
	return 0;
}

int tfe_stream_stop(struct tfe_stream *st)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;
	unsigned int i;
	int ret;

	vcam_req_hdr(&req, 0, XENCAMERA_OP_STREAM_STOP);
	ret = call_ok(st->s, &req, &rsp);
	if (ret)
		return ret;
	st->streaming = 0;
	/* STREAM_STOP hands every queued buffer back without FRAME_AVAIL. */
	for (i = 0; i < st->nbufs; i++)
		st->bufs[i].queued = 0;
	return 0;
}

void tfe_stream_teardown(struct tfe_stream *st)
{
	struct tfe_sess *s = st->s;
	struct xencamera_req req;
	struct xencamera_resp rsp;
	unsigned int i;
	int32_t status;
	int err;

	if (s->connected && !s->be_gone) {
		if (st->streaming)
			tfe_stream_stop(st);
		for (i = 0; i < st->nbufs; i++) {
			if (!st->bufs[i].created)
				continue;
			status = tfe_index_call(s, XENCAMERA_OP_BUF_DESTROY,
						(uint8_t)i, &err);
			if (err || status)
				call_failed("BUF_DESTROY", err, status);
		}
		vcam_req_buf_request(&req, 0, 0);
		if (!tfe_call(s, &req, &rsp) && rsp.status)
			call_failed("BUF_REQUEST(0)", 0, rsp.status);
	}
	for (i = 0; i < TFE_MAX_BUFS; i++)
		if (st->bufs[i].dir)
			tfe_buf_free(s, &st->bufs[i]);
}


struct tfe_stream *tfe_stream_begin(struct tfe_sess *s,
				    const struct tfe_stream_cfg *cfg, int *ret)
{
	struct tfe_stream *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	tfe_stream_init(st, s, cfg);
	*ret = tfe_stream_configure(st);
	if (!*ret)
		*ret = tfe_stream_buffers(st);
	if (!*ret)
		*ret = tfe_stream_start(st);
	return st;
}

void tfe_stream_end(struct tfe_stream *st)
{
	tfe_stream_teardown(st);
	free(st);
}

int tfe_stream_run(struct tfe_sess *s, const struct tfe_stream_cfg *cfg)
{
	struct tfe_stream *st;
	double t0, c0;
	int ret;

	st = tfe_stream_begin(s, cfg, &ret);
	if (!st)
		return 1;
	t0 = secs(CLOCK_MONOTONIC);
	c0 = secs(CLOCK_THREAD_CPUTIME_ID);
	if (!ret)
		ret = tfe_stream_frames(st, cfg->frames);
	tfe_counters_print(s, stdout, secs(CLOCK_MONOTONIC) - t0,
			   secs(CLOCK_THREAD_CPUTIME_ID) - c0);
	if (!ret)
		ret = tfe_stream_stop(st);
	tfe_stream_end(st);
	if (!ret && s->cnt.violations)
		ret = -EPROTO;
	fprintf(stderr, "testfe: stream %s\n", ret ? "FAILED" : "ok");
	return ret ? 1 : 0;
}
