// SPDX-License-Identifier: MIT
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xen/errno.h>

#include "hostile.h"
#include "opts.h"
#include "proto.h"
#include "stream.h"

/* Any non-zero status is what we want, the exact code is not specified. */
#define WANT_ERROR	1
/* Any status will do: the point is that an answer comes back. */
#define WANT_ANSWER	2
/*
 * CONFIG_SET/VALIDATE: an error, or OK with a configuration other than
 * the impossible one asked for (the backend may adjust, never accept).
 */
#define WANT_ADJUSTED	3

static unsigned int checks, fails;

static void verdict(const char *what, int ok, const char *detail)
{
	checks++;
	if (!ok)
		fails++;
	printf("  %-48s %s%s%s\n", what, ok ? "ok" : "FAIL",
	       detail[0] ? ": " : "", detail);
}

/*
 * Send req, check the answer against want (a status, WANT_ERROR or
 * WANT_ANSWER).  Returns the status, or a transport -errno below -1000 so
 * callers can tell "backend said -EINVAL" from "no answer".
 */
#define NO_ANSWER	(-100000)
/* The status of req's answer, or NO_ANSWER; no verdict printed. */
static int ask(struct tfe_sess *s, struct xencamera_req *req)
{
	struct xencamera_resp rsp;

	return tfe_call(s, req, &rsp) ? NO_ANSWER : rsp.status;
}

static int expect(struct tfe_sess *s, const char *what,
		  struct xencamera_req *req, int want)
{
	struct xencamera_resp rsp;
	char detail[96];
	int ret, ok;

	ret = tfe_call(s, req, &rsp);
	if (ret) {
		snprintf(detail, sizeof(detail), "no answer: %s",
			 strerror(-ret));
		verdict(what, 0, detail);
		return NO_ANSWER;
	}
	if (want == WANT_ANSWER)
		ok = 1;
	else if (want == WANT_ADJUSTED)
		ok = rsp.status != 0 ||
		     rsp.resp.config.pixel_format !=
			req->req.config.pixel_format ||
		     rsp.resp.config.width != req->req.config.width ||
		     rsp.resp.config.height != req->req.config.height;
	else if (want == WANT_ERROR)
		ok = rsp.status != 0;
	else
		ok = rsp.status == want;
	snprintf(detail, sizeof(detail), "%s%s%s", tfe_status_name(rsp.status),
		 ok ? "" : ", wanted ",
		 ok ? "" : (want == WANT_ERROR ? "an error" :
			    want == WANT_ADJUSTED ? "an error or another format" :
			    tfe_status_name(want)));
	verdict(what, ok, detail);
	return rsp.status;
}

static int expect_index(struct tfe_sess *s, const char *what, uint8_t op,
			uint8_t idx, int want)
{
	struct xencamera_req req;

	return expect(s, what, vcam_req_index(&req, 0, op, idx), want);
}

/* After the abuse, the backend must still answer us properly. */
static void probe_alive(struct tfe_sess *s)
{
	struct xencamera_req req;

	expect(s, "backend still answers CONFIG_GET",
	       vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET), 0);
}

static int finish(const char *name)
{
	int ret = fails ? TFE_EXIT_FAIL : TFE_EXIT_PASS;

	printf("hostile %s: %s (%u checks, %u failed)\n", name,
	       fails ? "FAIL" : "PASS", checks, fails);
	checks = fails = 0;
	return ret;
}

/* What a case has set up for it before its checks run. */
enum need {
	NEED_SESSION,		/* the connection only */
	NEED_STREAM,		/* a stream, nothing sent for it yet */
	NEED_CONFIGURED,	/* CONFIG_SET .. BUF_REQUEST done */
	NEED_BUFFERS,		/* and every buffer created */
	NEED_STREAMING,		/* and streaming, 3 frames seen */
};

struct tfe_hostile {
	struct tfe_sess *s;
	struct tfe_stream *st;	/* freed by the runner */
	const struct tfe_stream_cfg *cfg;
	const struct tfe_opts *o;
};

/*
 * A check returns TFE_EXIT_ERROR (its setup failed), TFE_EXIT_SKIP, or
 * one of these: the verdicts are in, sum them up, after probing that the
 * backend still answers unless there is no way left to ask it.
 */
#define H_PROBE		(-1)
#define H_NO_PROBE	(-2)

static struct tfe_stream *stream_new(struct tfe_sess *s,
				     const struct tfe_stream_cfg *cfg)
{
	struct tfe_stream *st = calloc(1, sizeof(*st));

	if (st)
		tfe_stream_init(st, s, cfg);
	return st;
}

static void stream_free(struct tfe_stream *st)
{
	if (st) {
		tfe_stream_teardown(st);
		free(st);
	}
}

/* Bring st up to need; a failure here is a setup error. */
static int setup(struct tfe_stream *st, enum need need)
{
	if (need >= NEED_CONFIGURED && tfe_stream_configure(st))
		return -1;
	if (need >= NEED_BUFFERS && tfe_stream_buffers(st))
		return -1;
	if (need >= NEED_STREAMING &&
	    (tfe_stream_start(st) || tfe_stream_frames(st, 3)))
		return -1;
	return 0;
}

int tfe_hostile_run(const struct tfe_hostile_case *c, struct tfe_sess *s,
		    const struct tfe_stream_cfg *cfg, const struct tfe_opts *o)
{
	struct tfe_hostile h = { .s = s, .cfg = cfg, .o = o };
	int ret = TFE_EXIT_ERROR;

	if (c->need >= NEED_STREAM) {
		h.st = stream_new(s, cfg);
		if (!h.st || setup(h.st, c->need))
			goto out;
	}
	ret = c->check(&h);
	if (ret == H_NO_PROBE)
		ret = finish(c->name);
out:
	stream_free(h.st);
	if (ret == H_PROBE) {
		probe_alive(s);
		ret = finish(c->name);
	}
	return ret;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- garbage ----------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int h_garbage(struct tfe_hostile *h)
{
	struct tfe_sess *s = h->s;
	struct xencamera_config_resp orig;
	struct xencamera_resp rsp;
	struct xencamera_req req;
	unsigned int op, i, bad = 0;
	char what[64];
	int st;

	/* Put the camera back as we found it: it is shared with others. */
	vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET);
	if (tfe_call(s, &req, &rsp) || rsp.status)
		return TFE_EXIT_ERROR;
	orig = rsp.resp.config;
	/* Every undefined operation code must be refused, id echoed. */
	for (op = XENCAMERA_OP_STREAM_STOP + 1; op <= 0xff; op++) {
		vcam_req_hdr(&req, 0, (uint8_t)op);
		memset(&req.req, 0xa5, sizeof(req.req));
		st = ask(s, &req);
		if (st == NO_ANSWER) {
			verdict("undefined op answered", 0, tfe_op_name(op));
			return H_NO_PROBE;
		}
		if (st != -XEN_EINVAL) {
			printf("  op 0x%02x answered %s\n", op,
			       tfe_status_name(st));
			bad++;
		}
	}
	snprintf(what, sizeof(what), "ops 0x%02x..0xff refused with -EINVAL",
		 XENCAMERA_OP_STREAM_STOP + 1);
	verdict(what, bad == 0, bad ? "some were not" : "");

	vcam_req_config(&req, 0, XENCAMERA_OP_CONFIG_SET, 0, 0, 0);
	expect(s, "CONFIG_SET 0x0 fourcc 0", &req, WANT_ADJUSTED);
	vcam_req_config(&req, 0, XENCAMERA_OP_CONFIG_VALIDATE, 0xffffffff,
			0xffffffff, 0xffffffff);
	expect(s, "CONFIG_VALIDATE 4294967295^2 bogus fourcc", &req,
	       WANT_ADJUSTED);
	vcam_req_config(&req, 0, XENCAMERA_OP_CONFIG_SET, 0x56595559,
			0x10000, 0x10000);
	expect(s, "CONFIG_SET 65536x65536 YUYV (16 GiB frames)", &req,
	       WANT_ADJUSTED);
	vcam_req_frame_rate(&req, 0, 0, 0);
	expect(s, "FRAME_RATE_SET 0/0", &req, WANT_ERROR);
	vcam_req_frame_rate(&req, 0, 1, 0);
	expect(s, "FRAME_RATE_SET 1/0", &req, WANT_ERROR);
	vcam_req_ctrl_get(&req, 0, 0xff);
	expect(s, "CTRL_GET type 255", &req, -XEN_EINVAL);
	vcam_req_ctrl_set(&req, 0, 0xee, INT64_MIN);
	expect(s, "CTRL_SET type 238", &req, -XEN_EINVAL);
	vcam_req_index(&req, 0, XENCAMERA_OP_CTRL_ENUM, 0xff);
	expect(s, "CTRL_ENUM index 255", &req, -XEN_EINVAL);

	/* Random payloads under every defined op: an answer, id echoed. */
	for (i = 0; i < 200; i++) {
		uint8_t *p = (uint8_t *)&req;
		unsigned int k;

		for (k = 0; k < sizeof(req); k++)
			p[k] = (uint8_t)rng();
		/*
		 * Not STREAM_START (we have no buffers to lose) and not
		 * CTRL_SET: a random brightness would change the picture of
		 * every other guest on this camera.
		 */
		req.operation = (uint8_t)(rng() % (XENCAMERA_OP_STREAM_STOP + 1));
		if (req.operation == XENCAMERA_OP_STREAM_START ||
		    req.operation == XENCAMERA_OP_CTRL_SET)
			req.operation = XENCAMERA_OP_CONFIG_GET;
		if (ask(s, &req) == NO_ANSWER) {
			verdict("random packet answered", 0,
				tfe_op_name(req.operation));
			return H_NO_PROBE;
		}
	}
	verdict("200 random packets under defined ops answered", 1, "");
	/* Undo whatever the random packets managed to configure. */
	expect_index(s, "STREAM_STOP after random packets",
		     XENCAMERA_OP_STREAM_STOP, 0, WANT_ANSWER);
	vcam_req_buf_request(&req, 0, 0);
	expect(s, "BUF_REQUEST(0) after random packets", &req, WANT_ANSWER);
	vcam_req_config(&req, 0, XENCAMERA_OP_CONFIG_SET, orig.pixel_format,
			orig.width, orig.height);
	expect(s, "CONFIG_SET back to the original format", &req, 0);
	return H_PROBE;
}

/* ---- indices and state ----------------------------------------------- */

static int h_bad_index(struct tfe_hostile *h)
{
	struct tfe_sess *s = h->s;
	struct tfe_stream *st = h->st;
	uint8_t n = (uint8_t)st->nbufs;
	struct xencamera_req req;
	struct tfe_buf extra;

	if (tfe_buf_alloc(s, &extra, st->layout.size))
		return TFE_EXIT_ERROR;
	/* A good directory, only the index is wrong. */
	vcam_req_buf_create(&req, 0, n, st->offsets, st->nplanes,
			    extra.dir_refs[0]);
	expect(s, "BUF_CREATE index == num_bufs", &req, -XEN_EINVAL);
	vcam_req_buf_create(&req, 0, 255, st->offsets, st->nplanes,
			    extra.dir_refs[0]);
	expect(s, "BUF_CREATE index 255", &req, -XEN_EINVAL);
	tfe_buf_free(s, &extra);
	expect_index(s, "BUF_QUEUE index == num_bufs", XENCAMERA_OP_BUF_QUEUE,
		     n, -XEN_EINVAL);
	expect_index(s, "BUF_QUEUE index 255", XENCAMERA_OP_BUF_QUEUE, 255,
		     -XEN_EINVAL);
	expect_index(s, "BUF_DEQUEUE index 255", XENCAMERA_OP_BUF_DEQUEUE, 255,
		     -XEN_EINVAL);
	expect_index(s, "BUF_DESTROY index 255", XENCAMERA_OP_BUF_DESTROY, 255,
		     -XEN_EINVAL);
	/* While streaming, too: frames must keep coming. */
	if (tfe_stream_start(st) || tfe_stream_frames(st, 2))
		return TFE_EXIT_ERROR;
	expect_index(s, "streaming: BUF_QUEUE index 200",
		     XENCAMERA_OP_BUF_QUEUE, 200, -XEN_EINVAL);
	expect_index(s, "streaming: BUF_DEQUEUE index == num_bufs",
		     XENCAMERA_OP_BUF_DEQUEUE, n, -XEN_EINVAL);
	verdict("frames still flow after bad indices",
		tfe_stream_frames(st, 3) == 0, "");
	return H_PROBE;
}

/* Take a FRAME_AVAIL for buffer idx out of our event queue: 1 if there was. */
static int take_frame_avail(struct tfe_sess *s, unsigned int idx)
{
	unsigned int k, n = s->evq_n, found = 0;

	tfe_pump(s);
	for (k = 0; k < n; k++) {
		struct xencamera_evt ev;

		tfe_pop_evt(s, &ev);
		if (!found && ev.type == XENCAMERA_EVT_FRAME_AVAIL &&
		    ev.evt.frame_avail.index == idx) {
			found = 1;
			continue;
		}
		/* back in at the tail: the order of the others is kept */
		s->evq[(s->evq_head + s->evq_n) % TFE_EVQ_LEN] = ev;
		s->evq_n++;
	}
	return found;
}

/*
 * BUF_DESTROY of a buffer we queued, while streaming: -EBUSY, unless the
 * backend filled it and handed it back before our request got its turn
 * (a backend may pace requests): then OK is right, and we make it again.
 */
static int destroy_queued(struct tfe_sess *s, struct tfe_stream *st,
			  unsigned int i)
{
	const char *what = "streaming: BUF_DESTROY of a queued buffer";
	struct xencamera_req req;
	int32_t status;
	int err;

	vcam_req_index(&req, 0, XENCAMERA_OP_BUF_DESTROY, (uint8_t)i);
	status = ask(s, &req);
	if (status == NO_ANSWER)
		return -1;
	if (status || !take_frame_avail(s, i)) {
		verdict(what, status == -XEN_EBUSY, tfe_status_name(status));
		return 0;
	}
	verdict(what, 1, "OK: it had come back filled first");
	st->bufs[i].created = 0;
	st->bufs[i].queued = 0;
	status = tfe_buf_create(s, &st->bufs[i], (uint8_t)i, st->offsets,
				st->nplanes, &err);
	if (err || status)
		return -1;
	status = tfe_index_call(s, XENCAMERA_OP_BUF_QUEUE, (uint8_t)i, &err);
	if (err || status)
		return -1;
	st->bufs[i].queued = 1;
	return 0;
}

static int h_wrong_state(struct tfe_hostile *h)
{
	struct tfe_sess *s = h->s;
	struct tfe_stream *st = h->st;
	struct xencamera_req req;
	struct tfe_buf dup;
	unsigned int i;

	vcam_req_buf_request(&req, 0, 0);
	expect(s, "BUF_REQUEST(0) to start clean", &req, 0);
	vcam_req_hdr(&req, 0, XENCAMERA_OP_STREAM_START);
	expect(s, "STREAM_START without buffers", &req, -XEN_EINVAL);
	expect_index(s, "BUF_QUEUE before BUF_REQUEST", XENCAMERA_OP_BUF_QUEUE,
		     0, -XEN_EINVAL);
	if (setup(st, NEED_BUFFERS) ||
	    tfe_buf_alloc(s, &dup, st->layout.size))
		return TFE_EXIT_ERROR;
	vcam_req_buf_create(&req, 0, 0, st->offsets, st->nplanes,
			    dup.dir_refs[0]);
	expect(s, "BUF_CREATE of an existing index", &req, -XEN_EEXIST);
	tfe_buf_free(s, &dup);
	vcam_req_config(&req, 0, XENCAMERA_OP_CONFIG_SET,
			st->config.pixel_format, st->config.width,
			st->config.height);
	expect(s, "CONFIG_SET while buffers exist", &req, -XEN_EBUSY);
	vcam_req_frame_rate(&req, 0, 30, 1);
	expect(s, "FRAME_RATE_SET while buffers exist", &req, -XEN_EBUSY);
	vcam_req_buf_request(&req, 0, (uint8_t)st->nbufs);
	expect(s, "BUF_REQUEST(n) while buffers exist", &req, -XEN_EBUSY);
	/* cameraif.h's reading: the frontend's already, nothing to do */
	expect_index(s, "BUF_DEQUEUE of a buffer not queued",
		     XENCAMERA_OP_BUF_DEQUEUE, 0, 0);
	if (tfe_stream_start(st) || tfe_stream_frames(st, 2))
		return TFE_EXIT_ERROR;
	vcam_req_buf_request(&req, 0, 0);
	expect(s, "streaming: BUF_REQUEST(0)", &req, -XEN_EBUSY);
	vcam_req_config(&req, 0, XENCAMERA_OP_CONFIG_SET,
			st->config.pixel_format, st->config.width,
			st->config.height);
	expect(s, "streaming: CONFIG_SET", &req, -XEN_EBUSY);
	vcam_req_buf_request(&req, 0, (uint8_t)st->nbufs);
	expect(s, "streaming: BUF_REQUEST(n)", &req, -XEN_EBUSY);
	for (i = 0; i < st->nbufs && !st->bufs[i].queued; i++)
		;
	if (i < st->nbufs && destroy_queued(s, st, i))
		return TFE_EXIT_ERROR;
	verdict("frames still flow after refused ops",
		tfe_stream_frames(st, 3) == 0, "");
	if (tfe_stream_stop(st))
		return TFE_EXIT_ERROR;
	vcam_req_hdr(&req, 0, XENCAMERA_OP_STREAM_STOP);
	expect(s, "STREAM_STOP when stopped", &req, WANT_ANSWER);
	return H_PROBE;
}

/* ---- grant refs and directories ----------------------------------------- */

static int create_with_dir(struct tfe_sess *s, struct tfe_stream *st,
			   const char *what, grant_ref_t dir_ref, int want)
{
	struct xencamera_req req;
	int ret;

	vcam_req_buf_create(&req, 0, 0, st->offsets, st->nplanes, dir_ref);
	ret = expect(s, what, &req, want);
	if (ret == 0) {
		/* Accepted: give it back so the next case starts clean. */
		expect_index(s, "  (destroy the accepted buffer)",
			     XENCAMERA_OP_BUF_DESTROY, 0, 0);
	}
	return ret;
}

/* A directory that holds `refs` (fe-alloc) or is empty (be-alloc). */
static void *dir_with(struct tfe_sess *s, unsigned int ndir, grant_ref_t *drefs,
		      const grant_ref_t *refs, unsigned int nrefs)
{
	void *d = s->tp->ops->share(s->tp, ndir, drefs);

	if (!d)
		return NULL;
	if (s->be_alloc)
		vcam_pgdir_chain(d, ndir, drefs);
	else
		vcam_pgdir_fill(d, ndir, drefs, refs, nrefs);
	return d;
}

/* Directory pages a bad-ref case makes at most: 256 MiB of buffer. */
#define MAX_DIR_PAGES	64

static int h_bad_gref(struct tfe_hostile *h)
{
	struct tfe_sess *s = h->s;
	struct tfe_stream *st = h->st;
	unsigned int np = vcam_pages_for(st->layout.size), i;
	unsigned int ndir = vcam_pgdir_pages(np);
	grant_ref_t *refs, dref[MAX_DIR_PAGES], stale;
	int ret = TFE_EXIT_ERROR;
	void *d, *p, *q;

	refs = calloc(np, sizeof(*refs));
	if (!refs || ndir > MAX_DIR_PAGES)
		goto out;
	create_with_dir(s, st, "directory ref 0", 0, WANT_ERROR);
	create_with_dir(s, st, "directory ref 0xffffffff", 0xffffffffu,
			WANT_ERROR);
	create_with_dir(s, st, "directory ref 0x7ffffff0", 0x7ffffff0u,
			WANT_ERROR);
	/* A ref we granted and revoked again. */
	p = s->tp->ops->share(s->tp, 1, &stale);
	if (!p)
		goto out;
	s->tp->ops->unshare(s->tp, p, 1, &stale);
	create_with_dir(s, st, "directory ref revoked", stale, WANT_ERROR);

	if (!s->be_alloc) {
		static const grant_ref_t junk[] = { 0, 0xffffffffu, 0x12345678u };
		char what[64];

		for (i = 0; i < TFE_ARRAY_SIZE(junk); i++) {
			unsigned int k;

			for (k = 0; k < np; k++)
				refs[k] = junk[i];
			d = dir_with(s, ndir, dref, refs, np);
			if (!d)
				goto out;
			snprintf(what, sizeof(what), "all data refs 0x%x",
				 junk[i]);
			create_with_dir(s, st, what, dref[0], WANT_ERROR);
			s->tp->ops->unshare(s->tp, d, ndir, dref);
		}
		/*
		 * One good page, the rest revoked: all-or-nothing mapping.
		 * The revoked ref is made last, so that no later grant of
		 * ours can reuse it before the backend looks.
		 */
		if (np >= 2) {
			p = s->tp->ops->share(s->tp, 1, &refs[0]);
			if (!p)
				goto out;
			d = dir_with(s, ndir, dref, refs, 1);
			if (!d)
				goto out;
			q = s->tp->ops->share(s->tp, 1, &stale);
			if (!q)
				goto out;
			s->tp->ops->unshare(s->tp, q, 1, &stale);
			for (i = 1; i < np; i++)
				refs[i] = stale;
			vcam_pgdir_fill(d, ndir, dref, refs, np);
			create_with_dir(s, st,
					"first data ref good, rest revoked",
					dref[0], WANT_ERROR);
			s->tp->ops->unshare(s->tp, d, ndir, dref);
			s->tp->ops->unshare(s->tp, p, 1, &refs[0]);
		}
	}
	/* A proper buffer at index 0 must still work afterwards. */
	ret = tfe_stream_buffers(st);
	verdict("good BUF_CREATE after the bad ones", !ret, ret ? "refused" : "");
	ret = H_PROBE;
out:
	free(refs);
	return ret;
}

static int h_foreign_gref(struct tfe_hostile *h)
{
	struct tfe_sess *s = h->s;
	struct tfe_stream *st = h->st;
	unsigned int np = vcam_pages_for(st->layout.size);
	unsigned int ndir = vcam_pgdir_pages(np);
	grant_ref_t *refs, fdir[MAX_DIR_PAGES], dref[MAX_DIR_PAGES];
	void *data = NULL, *dir = NULL, *d;
	int ret = TFE_EXIT_ERROR;

	refs = calloc(np, sizeof(*refs));
	if (!refs || ndir > MAX_DIR_PAGES)
		goto out;
	/* Directory granted to another domain. */
	dir = s->tp->ops->share_foreign(s->tp, ndir, fdir);
	if (!dir && errno == ENOTSUP) {
		printf("hostile foreign-gref: SKIP (%s transport has no third domain)\n",
		       s->tp->name);
		ret = TFE_EXIT_SKIP;
		goto out;
	}
	if (!dir)
		goto out;
	vcam_pgdir_chain(dir, ndir, fdir);
	create_with_dir(s, st, "directory granted to another domain", fdir[0],
			WANT_ERROR);
	if (!s->be_alloc) {
		/* Our directory, data pages granted to another domain. */
		data = s->tp->ops->share_foreign(s->tp, np, refs);
		if (!data)
			goto out;
		d = dir_with(s, ndir, dref, refs, np);
		if (!d)
			goto out;
		create_with_dir(s, st, "data pages granted to another domain",
				dref[0], WANT_ERROR);
		s->tp->ops->unshare(s->tp, d, ndir, dref);
	}
	ret = H_PROBE;
out:
	if (data)
		s->tp->ops->unshare(s->tp, data, np, refs);
	if (dir)
		s->tp->ops->unshare(s->tp, dir, ndir, fdir);
	free(refs);
	return ret;
}

/*
 * Directories that lie about their chain.  The data refs point at a small
 * pool of real pages used over and over, so the only fault is the chain
 * and a multi-page directory costs us a few pages, not thousands.
 */
#define POOL_PAGES	8
#define NO_LIE		UINT_MAX	/* no page's next pointer lies */
#define PAGE0		0xffffffffu	/* the lie names page 0 */

/*
 * BUF_CREATE with a directory of ndir chained pages, in which page k
 * says its next page is next.  0, or -1 if we could not share the pages.
 */
static int lie(struct tfe_hostile *h, const char *what, unsigned int ndir,
	       unsigned int k, grant_ref_t next, int want)
{
	unsigned int nrefs = vcam_pages_for(h->st->layout.size), i;
	grant_ref_t pool_refs[POOL_PAGES], *drefs, *refs;
	struct tfe_tp *tp = h->s->tp;
	void *pool = NULL, *dir = NULL;
	int ret = -1;

	drefs = calloc(ndir, sizeof(*drefs));
	refs = calloc(nrefs ? nrefs : 1, sizeof(*refs));
	if (!drefs || !refs)
		goto out;
	dir = tp->ops->share(tp, ndir, drefs);
	if (!dir)
		goto out;
	if (!h->s->be_alloc) {
		pool = tp->ops->share(tp, POOL_PAGES, pool_refs);
		if (!pool)
			goto out;
		for (i = 0; i < nrefs; i++)
			refs[i] = pool_refs[i % POOL_PAGES];
		vcam_pgdir_fill(dir, ndir, drefs, refs, nrefs);
	} else {
		vcam_pgdir_chain(dir, ndir, drefs);
	}
	if (k != NO_LIE)
		vcam_pgdir_page(dir, k)->gref_dir_next_page =
			next == PAGE0 ? drefs[0] : next;
	create_with_dir(h->s, h->st, what, drefs[0], want);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "testfe: cannot share %u directory pages: %s\n",
			ndir, strerror(errno));
	if (pool)
		tp->ops->unshare(tp, pool, POOL_PAGES, pool_refs);
	if (dir)
		tp->ops->unshare(tp, dir, ndir, drefs);
	free(drefs);
	free(refs);
	return ret;
}

static int h_loop_dir(struct tfe_hostile *h)
{
	unsigned int np = vcam_pages_for(h->st->layout.size);
	unsigned int need = vcam_pgdir_pages(np);

	if (need < 2) {
		printf("hostile loop-dir: SKIP (a %u-page buffer fits one directory page, the chain is never followed; use a format over %u octets, e.g. --format 3840x2160:YUYV)\n",
		       np, (unsigned int)(VCAM_PGDIR_REFS_PER_PAGE *
					  VCAM_PGDIR_PAGE_SIZE));
		return TFE_EXIT_SKIP;
	}
	/* Page 0 names itself; the last page names page 0; refs missing. */
	if (lie(h, "directory page 0 -> page 0", need, 0, PAGE0, WANT_ERROR) ||
	    lie(h, "directory last page -> page 0", need, need - 1, PAGE0,
		WANT_ANSWER) ||
	    lie(h, "directory ends after page 0", need, 0, 0, WANT_ERROR))
		return TFE_EXIT_ERROR;
	return H_PROBE;
}

static int h_big_dir(struct tfe_hostile *h)
{
	unsigned int need = vcam_pgdir_pages(vcam_pages_for(h->st->layout.size));

	/* 256 pages more than needed, all chained; then a bogus ref after. */
	if (lie(h, "directory 256 pages too long", need + 256, NO_LIE, 0,
		WANT_ANSWER) ||
	    lie(h, "last needed page -> bogus ref", need, need - 1,
		0xfffffff0u, WANT_ANSWER))
		return TFE_EXIT_ERROR;
	/* And the buffer must still be creatable properly. */
	verdict("good BUF_CREATE after oversized directories",
		tfe_stream_buffers(h->st) == 0, "");
	return H_PROBE;
}

/* ---- the rings themselves ------------------------------------------------ */

/*
 * After we broke our own ring: the backend must either drop us (leave
 * Connected) or stay put without acting on phantom requests.
 */
static int judge_broken_ring(struct tfe_sess *s, RING_IDX rsp_before)
{
	uint64_t end = mono_ms() + 3000;
	char detail[96];
	uint32_t port;
	RING_IDX rsp;
	int st;

	while (mono_ms() < end) {
		st = tfe_be_state(s);
		if (st != XenbusStateConnected)
			break;
		s->tp->ops->wait(s->tp, 200, &port);
	}
	st = tfe_be_state(s);
	rsp = TFE_READ_ONCE(s->ring.sring->rsp_prod);
	snprintf(detail, sizeof(detail), "backend state %d, %u responses",
		 st, rsp - rsp_before);
	verdict("backend ignored or dropped the broken ring",
		rsp - rsp_before <= RING_SIZE(&s->ring), detail);
	if (st == XenbusStateConnected)
		s->ring_broken = 1;
	else
		s->be_gone = 1;
	return H_NO_PROBE;
}

/* These run streaming, so that the backend has buffers to clean up. */
static int h_ring_overrun(struct tfe_hostile *h)
{
	struct tfe_sess *s = h->s;
	RING_IDX rsp_before;
	unsigned int i;

	/* Garbage in every slot, then claim 1000 more requests than exist. */
	for (i = 0; i < RING_SIZE(&s->ring); i++)
		memset(RING_GET_REQUEST(&s->ring, s->ring.req_prod_pvt + i),
		       (int)(0x11 * (i + 1)), sizeof(struct xencamera_req));
	rsp_before = s->ring.sring->rsp_prod;
	xen_wmb();
	s->ring.sring->req_prod = s->ring.req_prod_pvt + 1000;
	s->ring_broken = 1;
	tfe_kick(s);
	return judge_broken_ring(s, rsp_before);
}

static int h_ring_indices(struct tfe_hostile *h)
{
	struct tfe_sess *s = h->s;
	RING_IDX rsp_before;

	/* req_prod moves backwards past what the backend consumed. */
	rsp_before = s->ring.sring->rsp_prod;
	s->ring.sring->rsp_event = 0xffffffffu;
	xen_wmb();
	s->ring.sring->req_prod = s->ring.req_prod_pvt - 7;
	s->ring_broken = 1;
	tfe_kick(s);
	return judge_broken_ring(s, rsp_before);
}

static int h_evt_indices(struct tfe_hostile *h)
{
	struct tfe_sess *s = h->s;
	struct tfe_stream *st = h->st;
	struct xencamera_event_page *pg = s->evt_page;
	uint32_t port;
	uint64_t end;
	int ret;

	/* Consumer "ahead" of the producer: free space underflows. */
	TFE_WRITE_ONCE(pg->in_cons, s->evt_cons + 1000);
	end = mono_ms() + 2000;
	while (mono_ms() < end)
		s->tp->ops->wait(s->tp, 200, &port);
	/* Whatever the backend put there meanwhile is not trustworthy. */
	s->evt_cons = TFE_READ_ONCE(pg->in_prod);
	TFE_WRITE_ONCE(pg->in_cons, s->evt_cons);
	if (tfe_be_state(s) != XenbusStateConnected) {
		verdict("backend dropped us after impossible in_cons", 1, "");
		s->be_gone = 1;
		return H_NO_PROBE;
	}
	/* Buffers it filled meanwhile are lost to us: start over. */
	s->evq_n = 0;
	ret = tfe_stream_stop(st);
	if (!ret) {
		/*
		 * With room again the backend may have delivered frames
		 * before it saw STREAM_STOP; those buffers came back with
		 * the stop, so their FRAME_AVAILs are stale: re-queuing one
		 * after the restart would be a (rightly refused) double
		 * BUF_QUEUE.
		 */
		s->evq_n = 0;
		st->streaming = 0;
		ret = tfe_stream_start(st);
	}
	if (!ret)
		ret = tfe_stream_frames(st, 3);
	verdict("stream recovers after in_cons is sane again", ret == 0, "");
	return H_PROBE;
}

/* ---- floods ------------------------------------------------------------- */

/*
 * With --seconds a flood lasts that long (the rig measures other guests
 * meanwhile); else it is --count requests (kick-flood: 10 x --count).
 */
static int flood_going(const struct tfe_opts *o, uint64_t t0, unsigned int i,
		       unsigned int count)
{
	if (o->seconds)
		return mono_ms() - t0 < o->seconds * 1000ull;
	return i < count;
}

static int h_flood(struct tfe_hostile *h)
{
	struct tfe_sess *s = h->s;
	const struct tfe_opts *o = h->o;
	static uint8_t want_op[65536];
	static uint8_t pending[65536];
	struct xencamera_req req;
	struct xencamera_resp rsp;
	unsigned int sent = 0, got = 0, bad = 0;
	uint64_t t0 = mono_ms();
	char detail[96];
	int ret, sending = 1;

	for (;;) {
		while (sending) {
			static const uint8_t ops[] = {
				XENCAMERA_OP_CONFIG_GET,
				XENCAMERA_OP_BUF_GET_LAYOUT, 0x42,
				XENCAMERA_OP_BUF_DEQUEUE,
			};
			uint8_t op = ops[sent % sizeof(ops)];

			if (!flood_going(o, t0, sent, o->count)) {
				sending = 0;
				break;
			}
			vcam_req_index(&req, 0, op, 250);
			ret = tfe_send(s, &req);
			if (ret == -EAGAIN)
				break;
			if (ret)
				goto lost;
			if (pending[req.id])
				bad++;	/* id wrapped over an unanswered one */
			pending[req.id] = 1;
			want_op[req.id] = op;
			sent++;
		}
		while (tfe_pop_rsp(s, &rsp)) {
			if (!pending[rsp.id] || want_op[rsp.id] != rsp.operation)
				bad++;
			pending[rsp.id] = 0;
			got++;
		}
		if (!sending && got >= sent)
			break;
		ret = tfe_wait(s, s->o.timeout_ms);
		if (ret <= 0)
			goto lost;
	}
	snprintf(detail, sizeof(detail), "%u in %llu ms, %u mismatched", sent,
		 (unsigned long long)(mono_ms() - t0), bad);
	verdict("every flooded request answered once, id/op echoed", bad == 0,
		detail);
	return H_PROBE;
lost:
	snprintf(detail, sizeof(detail), "sent %u, answered %u: %s", sent,
		 got, ret ? strerror(-ret) : "timeout");
	verdict("every flooded request answered once, id/op echoed", 0,
		detail);
	return H_NO_PROBE;
}

static int h_kick_flood(struct tfe_hostile *h)
{
	struct tfe_sess *s = h->s;
	unsigned int i, failed = 0;
	uint64_t t0 = mono_ms();
	char detail[96];

	/* Kicks with nothing behind them, on both channels, while streaming. */
	for (i = 0; flood_going(h->o, t0, i, h->o->count * 10); i++) {
		if (s->tp->ops->notify(s->tp, (i & 1) ? s->evt_port :
						       s->req_port))
			failed++;
		s->cnt.notify_sent++;
	}
	snprintf(detail, sizeof(detail), "%u kicks in %llu ms, %u failed",
		 i, (unsigned long long)(mono_ms() - t0), failed);
	verdict("empty notifications sent", failed == 0, detail);
	verdict("frames still flow after the kick flood",
		tfe_stream_frames(h->st, 3) == 0, "");
	return H_PROBE;
}

/* ---- buffers and pages ------------------------------------------------- */

/* BUF_DESTROY then BUF_CREATE of a created buffer: 0 if both succeed. */
static int churn(struct tfe_sess *s, struct tfe_stream *st, unsigned int i)
{
	struct tfe_buf *b = &st->bufs[i];
	int32_t status;
	int err;

	status = tfe_index_call(s, XENCAMERA_OP_BUF_DESTROY, (uint8_t)i, &err);
	if (err || status)
		return -1;
	b->created = 0;
	if (b->be_alloc && b->data) {
		/* the backend's pages of the old buffer */
		s->tp->ops->unmap(s->tp, b->data, b->npages);
		b->data = NULL;
	}
	status = tfe_buf_create(s, b, (uint8_t)i, st->offsets, st->nplanes,
				&err);
	return err || status ? -1 : 0;
}

/*
 * As many buffers as the backend grants (it may refuse past its page cap,
 * then with -XEN_ENOBUFS), then, for --seconds (else --count / 10
 * rounds), ask again for the refused one and churn an accepted one: the
 * backend maps (or grants) and unmaps its pages every round.
 */
static int h_exhaust(struct tfe_hostile *h)
{
	struct tfe_stream_cfg c = *h->cfg;
	struct tfe_sess *s = h->s;
	struct tfe_stream *st;
	unsigned int i, created = 0, rounds = 0, bad = 0;
	int refused = -1, status = 0, err;
	uint64_t t0;
	char detail[128];

	c.nbufs = TFE_MAX_BUFS;		/* the backend trims to max-buffers */
	st = h->st = stream_new(s, &c);
	if (!st || setup(st, NEED_CONFIGURED))
		return TFE_EXIT_ERROR;
	for (i = 0; i < st->nbufs; i++) {
		if (tfe_buf_alloc(s, &st->bufs[i], st->layout.size))
			break;		/* our own grant limit, not the backend */
		status = tfe_buf_create(s, &st->bufs[i], (uint8_t)i,
					st->offsets, st->nplanes, &err);
		if (err)
			return TFE_EXIT_ERROR;
		if (status) {
			refused = (int)i;
			break;
		}
		created++;
	}
	snprintf(detail, sizeof(detail),
		 "%u of %u buffers of %u pages created%s%s", created,
		 st->nbufs, vcam_pages_for(st->layout.size),
		 refused >= 0 ? ", then " : "",
		 refused >= 0 ? tfe_status_name(status) : "");
	verdict("buffers up to the backend's cap; a refusal is -ENOBUFS",
		created > 0 && (refused < 0 || status == -XEN_ENOBUFS),
		detail);
	if (!created)
		return H_PROBE;
	t0 = mono_ms();
	for (rounds = 0; flood_going(h->o, t0, rounds, h->o->count / 10);
	     rounds++) {
		if (refused >= 0) {
			status = tfe_buf_create(s, &st->bufs[refused],
						(uint8_t)refused, st->offsets,
						st->nplanes, &err);
			if (err)
				return TFE_EXIT_ERROR;
			if (status != -XEN_ENOBUFS)
				bad++;
			if (!status)
				break;	/* accepted: the cap moved */
		}
		if (churn(s, st, rounds % created))
			bad++;
	}
	snprintf(detail, sizeof(detail), "%u rounds in %llu ms, %u unexpected",
		 rounds, (unsigned long long)(mono_ms() - t0), bad);
	verdict("refused again each time, churned buffers accepted", bad == 0,
		detail);
	st->nbufs = created;	/* stream with what we got */
	verdict("frames flow with the buffers we got",
		tfe_stream_start(st) == 0 && tfe_stream_frames(st, 3) == 0, "");
	return H_PROBE;
}

static const struct tfe_hostile_case cases[] = {
	{ "garbage", "undefined ops, junk payloads, random packets",
	  NEED_SESSION, h_garbage },
	{ "bad-index", "buffer indices >= num_bufs and 255, idle and streaming",
	  NEED_BUFFERS, h_bad_index },
	{ "wrong-state", "ops the state rules forbid (EBUSY/EEXIST/EINVAL)",
	  NEED_STREAM, h_wrong_state },
	{ "bad-gref", "directory/data refs 0, ~0, unknown, revoked",
	  NEED_CONFIGURED, h_bad_gref },
	{ "foreign-gref", "refs granted to another domain (--foreign-domid)",
	  NEED_CONFIGURED, h_foreign_gref },
	{ "loop-dir", "directory chains looping or ending early (>4 MiB fmt)",
	  NEED_CONFIGURED, h_loop_dir },
	{ "big-dir", "directory chains longer than the buffer needs",
	  NEED_CONFIGURED, h_big_dir },
	{ "ring-overrun", "req_prod 1000 ahead of the ring, while streaming",
	  NEED_STREAMING, h_ring_overrun },
	{ "ring-indices", "req_prod moved backwards, rsp_event ~0",
	  NEED_STREAMING, h_ring_indices },
	{ "evt-indices", "event page in_cons ahead of in_prod",
	  NEED_STREAMING, h_evt_indices },
	{ "flood", "--count requests (or --seconds) kept queued back to back",
	  NEED_SESSION, h_flood },
	{ "kick-flood",
	  "10 x --count (or --seconds of) empty notifications while streaming",
	  NEED_STREAMING, h_kick_flood },
	/* its own stream: it asks for every buffer there is */
	{ "exhaust", "buffers until refused, then re-ask and churn (--seconds)",
	  NEED_SESSION, h_exhaust },
};

const struct tfe_hostile_case *tfe_hostile_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < TFE_ARRAY_SIZE(cases); i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	return NULL;
}

void tfe_hostile_list(FILE *out)
{
	unsigned int i;

	fprintf(out, "  %-14s %s\n", "stream",
		"configure, buffers, stream --frames, checksums, stats");
	for (i = 0; i < TFE_ARRAY_SIZE(cases); i++)
		fprintf(out, "  %-14s %s\n", cases[i].name, cases[i].help);
}
