// SPDX-License-Identifier: MIT
/*
 * The whole test frontend against vcamd's real request core over the
 * loopback transport: handshake, configure, buffers in both allocation
 * modes, streaming in every notification mode with every checksum checked
 * against the fake camera's known pattern, and every hostile case followed
 * by a fresh session that must stream again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "be_harness.h"
#include "csum.h"
#include "hostile.h"
#include "opts.h"
#include "rtt.h"
#include "session.h"
#include "stream.h"

static uint32_t pattern_crc(uint32_t cam_seq, uint32_t len)
{
	uint8_t chunk[4096];
	uint32_t crc = 0, off = 0, n, i;

	while (off < len) {
		n = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
		for (i = 0; i < n; i++)
			chunk[i] = fake_cam_byte(cam_seq, off + i);
		crc = tfe_crc32(crc, chunk, n);
		off += n;
	}
	return crc;
}

/*
 * Every line must carry the fake camera's frame (guest seq + base): the
 * last line's frame is one of the camera's latest, which fixes base; then
 * every other line is held to it, so a wrong or torn frame fails.
 */
/* Returns how many frame lines carry a latency (lat-us=). */
static unsigned int check_lines(FILE *f, unsigned int frames, uint32_t cam_next)
{
	unsigned int seq[256], size[256], crc[256], idx, n = 0, i, nlat = 0;
	uint32_t base = 0, k;
	char line[128];

	assert_true(frames <= 256);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		assert_true(n < frames);
		assert_int_equal(sscanf(line,
					"frame seq=%u idx=%u size=%u crc32=%x",
					&seq[n], &idx, &size[n], &crc[n]), 4);
		assert_true(size[n] > 0);
		nlat += strstr(line, " lat-us=") != NULL;
		n++;
	}
	assert_int_equal(n, frames);
	/* Frames keep coming until STREAM_STOP lands: search them all. */
	for (k = 1; k <= cam_next; k++) {
		if (pattern_crc(cam_next - k, size[n - 1]) == crc[n - 1])
			break;
	}
	assert_true(k <= cam_next);
	base = cam_next - k - seq[n - 1];
	for (i = 0; i < n; i++)
		assert_int_equal(crc[i], pattern_crc(seq[i] + base, size[i]));
	return nlat;
}

/*
 * Negotiated: every frame came with its capture time, the latencies are
 * real (the fake camera stamps a frame when vcamd takes it; loopback runs
 * in one process, one clock) and they reach the stats line.
 */
static void check_latency(struct tfe_sess *s, unsigned int frames)
{
	char line[1024];
	FILE *f = tmpfile();

	assert_true(s->lat.n >= frames);
	assert_int_equal(s->lat.no_time, 0);
	assert_true(tfe_lat_pct(&s->lat, 0.01) >= 0);
	assert_true(s->lat.max < 5000000000LL);
	assert_true(tfe_lat_pct(&s->lat, 0.5) <= tfe_lat_pct(&s->lat, 0.99));
	assert_true(tfe_lat_pct(&s->lat, 0.99) <= s->lat.max);
	assert_non_null(f);
	tfe_counters_print(s, f, 1.0, 0.1);
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, " capture-time=1 lat-n="));
	assert_non_null(strstr(line, " lat-p50-us="));
	assert_non_null(strstr(line, " lat-p99-us="));
	assert_non_null(strstr(line, " lat-max-us="));
	fclose(f);
}

/* Not negotiated: no times, no latency figures, the stream unchanged. */
static void check_no_latency(struct tfe_sess *s)
{
	char line[1024];
	FILE *f = tmpfile();

	assert_int_equal(s->capture_time, 0);
	assert_int_equal(s->lat.n, 0);
	assert_non_null(f);
	tfe_counters_print(s, f, 1.0, 0.1);
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, " capture-time=0 lat-n=0"));
	assert_null(strstr(line, "lat-p50-us="));
	fclose(f);
}

static void sess_open(struct tfe_sess *s, struct be_harness *h,
		      struct tfe_tp **tp)
{
	struct tfe_sess_opts so = {
		.mode = -1, .be_alloc = -1, .timeout_ms = 3000,
	};

	*tp = tfe_tp_loop_open(h->lb, 0);
	assert_non_null(*tp);
	tfe_sess_init(s, *tp, &so);
	assert_int_equal(tfe_connect(s), 0);
}

static void stream_once(struct be_harness *h, unsigned int frames,
			int be_alloc, int mode)
{
	struct tfe_stream_cfg cfg = { .nbufs = 4, .frames = frames };
	struct tfe_sess s;
	struct tfe_tp *tp;
	FILE *f = tmpfile();

	assert_non_null(f);
	cfg.out = f;
	sess_open(&s, h, &tp);
	assert_int_equal(s.be_alloc, be_alloc);
	assert_int_equal(s.mode, mode);
	assert_int_equal(s.evt_hold_off, 1);
	assert_int_equal(s.capture_time, 1);
	assert_int_equal(tfe_stream_run(&s, &cfg), 0);
	assert_int_equal(s.cnt.frames, frames);
	assert_int_equal(s.cnt.violations, 0);
	check_latency(&s, frames);
	/* The modes differ in how we waited: never blocked vs never spun. */
	if (mode == VCAM_NOTIFY_SPIN)
		assert_int_equal(s.cnt.blocks, 0);
	if (mode == VCAM_NOTIFY_EVENT)
		assert_int_equal(s.cnt.spins, 0);
	tfe_disconnect(&s);
	tfe_tp_close(tp);
	/* Stream stopped: the camera's counter holds still now. */
	assert_int_equal(check_lines(f, frames, h->fc.next_seq), frames);
	fclose(f);
}

/*
 * Harnesses live on the heap and are freed only on success: a failed
 * assertion jumps out while the backend thread still runs, and it must
 * not be left running on a dead stack frame.
 */
static struct be_harness *harness(int be_alloc, const char *mode)
{
	struct be_harness *h = malloc(sizeof(*h));

	assert_non_null(h);
	assert_int_equal(be_harness_start(h, be_alloc, mode), 0);
	return h;
}

static void harness_done(struct be_harness *h)
{
	be_harness_stop(h);
	free(h);
}

static void run_stream(int be_alloc, const char *mode, int mode_id)
{
	struct be_harness *h = harness(be_alloc, mode);

	stream_once(h, 40, be_alloc, mode_id);
	/* Reconnect: the backend must serve a second session the same. */
	stream_once(h, 10, be_alloc, mode_id);
	assert_int_equal(h->sessions, 2);
	assert_int_equal(h->broken, 0);
	harness_done(h);
}

static void test_event_fe(void **st) { (void)st; run_stream(0, "event", 0); }
static void test_event_be(void **st) { (void)st; run_stream(1, "event", 0); }
static void test_spin_fe(void **st) { (void)st; run_stream(0, "spin", 1); }
static void test_spin_be(void **st) { (void)st; run_stream(1, "spin", 1); }
static void test_hybrid_fe(void **st) { (void)st; run_stream(0, "hybrid", 2); }
static void test_hybrid_be(void **st) { (void)st; run_stream(1, "hybrid", 2); }

/*
 * rtt: count CONFIG_GET round trips after the stream's buffers came back,
 * percentiles in order, and the mode shows in how the client waited (the
 * counters are those of the timed round trips only).
 */
static void run_rtt(const char *mode, int mode_id)
{
	struct be_harness *h = harness(0, mode);
	struct tfe_stream_cfg cfg = { .nbufs = 2, .frames = 1 };
	double p50, p99, max, min;
	unsigned long long sent, wakeups, spins, blocks;
	char line[512], m[16];
	unsigned int n, warm, spin_us;
	struct tfe_sess s;
	struct tfe_tp *tp;
	int be;
	FILE *f = tmpfile();

	assert_non_null(f);
	sess_open(&s, h, &tp);
	assert_int_equal(tfe_rtt_run(&s, &cfg, 300, f), 0);
	tfe_disconnect(&s);
	tfe_tp_close(tp);
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(sscanf(line,
				"rtt op=CONFIG_GET mode=%15s spin-us=%u be-alloc=%d n=%u warmup=%u p50-us=%lf p99-us=%lf max-us=%lf min-us=%lf notify-sent=%llu wakeups=%llu spins=%llu blocks=%llu",
				m, &spin_us, &be, &n, &warm, &p50, &p99, &max,
				&min, &sent, &wakeups, &spins, &blocks), 13);
	assert_null(fgets(line, sizeof(line), f));
	assert_string_equal(m, mode);
	assert_int_equal(n, 300);
	assert_int_equal(warm, TFE_RTT_WARMUP);
	assert_true(min > 0 && min <= p50 && p50 <= p99 && p99 <= max);
	assert_true(max < 3e6);
	assert_int_equal(s.cnt.violations, 0);
	/* event: we slept on the channel, never polled */
	if (mode_id == VCAM_NOTIFY_EVENT) {
		assert_int_equal(spins, 0);
		assert_true(sent > 0 && wakeups > 0 && blocks > 0);
	}
	/*
	 * spin: the backend polls a streaming device's ring, so no request
	 * was kicked, and every answer came within our own 1 s of polling
	 */
	if (mode_id == VCAM_NOTIFY_SPIN) {
		assert_int_equal(sent, 0);
		assert_int_equal(blocks, 0);
	}
	fclose(f);
	harness_done(h);
}

static void test_rtt_event(void **st) { (void)st; run_rtt("event", 0); }
static void test_rtt_spin(void **st) { (void)st; run_rtt("spin", 1); }
static void test_rtt_hybrid(void **st) { (void)st; run_rtt("hybrid", 2); }

/*
 * cameraif.h to the letter: no version node, no extension taken up,
 * BUF_DEQUEUE after each FRAME_AVAIL; vcamd's core answers those for
 * buffers it already handed back, and every frame is still intact.
 */
static void test_literal(void **st)
{
	struct be_harness *h = harness(0, "event");
	struct tfe_sess_opts so = {
		.mode = -1, .be_alloc = -1, .timeout_ms = 3000, .literal = 1,
	};
	struct tfe_stream_cfg cfg = { .nbufs = 4, .frames = 30 };
	struct tfe_sess s;
	struct tfe_tp *tp;
	char v[VCAM_LB_VAL_MAX];
	FILE *f = tmpfile();

	(void)st;
	assert_non_null(f);
	cfg.out = f;
	tp = tfe_tp_loop_open(h->lb, 0);
	assert_non_null(tp);
	tfe_sess_init(&s, tp, &so);
	assert_int_equal(tfe_connect(&s), 0);
	assert_int_not_equal(vcam_lb_store_read(h->lb, "fe/version", v,
						sizeof(v)), 0);
	assert_int_equal(s.evt_hold_off, 0);
	assert_int_equal(tfe_stream_run(&s, &cfg), 0);
	assert_int_equal(s.cnt.frames, 30);
	assert_int_equal(s.cnt.violations, 0);
	check_no_latency(&s);
	assert_true(h->dev.st.dequeue_held >= 30);
	tfe_disconnect(&s);
	tfe_tp_close(tp);
	assert_int_equal(check_lines(f, 30, h->fc.next_seq), 0);
	fclose(f);
	harness_done(h);
}

/*
 * One side without capture times: the frontend does not ask, or the
 * backend does not offer.  Either way vcamd's core writes no time (the
 * octets after seq_num stay zero, which a v1 frontend never reads) and the
 * stream is the same as before the extension.
 */
static void captime_fallback(int fe_asks, int be_offers)
{
	struct be_harness *h = harness(1, "event");
	struct tfe_sess_opts so = {
		.mode = -1, .be_alloc = -1, .timeout_ms = 3000,
		.no_capture_time = !fe_asks,
	};
	struct tfe_stream_cfg cfg = { .nbufs = 4, .frames = 20 };
	struct tfe_sess s;
	struct tfe_tp *tp;
	char v[VCAM_LB_VAL_MAX];
	FILE *f = tmpfile();

	assert_non_null(f);
	cfg.out = f;
	if (!be_offers)
		assert_int_equal(vcam_lb_store_rm(h->lb, VCAM_LB_BE,
						  "be/feature-capture-time"),
				 0);
	tp = tfe_tp_loop_open(h->lb, 0);
	assert_non_null(tp);
	tfe_sess_init(&s, tp, &so);
	assert_int_equal(tfe_connect(&s), 0);
	/* not asked for: no node at all, as before the extension */
	assert_int_not_equal(vcam_lb_store_read(h->lb, "fe/capture-time", v,
						sizeof(v)), 0);
	assert_int_equal(tfe_stream_run(&s, &cfg), 0);
	assert_int_equal(s.cnt.frames, 20);
	assert_int_equal(s.cnt.violations, 0);
	assert_false(h->dev.cfg.capture_time);
	check_no_latency(&s);
	tfe_disconnect(&s);
	tfe_tp_close(tp);
	assert_int_equal(check_lines(f, 20, h->fc.next_seq), 0);
	fclose(f);
	harness_done(h);
}

static void test_captime_fe_without(void **st)
{
	(void)st;
	captime_fallback(0, 1);
}

static void test_captime_be_without(void **st)
{
	(void)st;
	captime_fallback(1, 0);
}

/* SIGTERM mid-stream: the stream ends at its next frame, and passes. */
static void test_stream_stop_signal(void **st)
{
	struct tfe_stream_cfg cfg = { .nbufs = 4, .frames = 1000000 };
	struct be_harness *h = harness(0, "event");
	struct tfe_sess s;
	struct tfe_tp *tp;

	(void)st;
	sess_open(&s, h, &tp);
	/* a frame every ms: this would run for a quarter of an hour */
	tfe_stop = 0;
	tfe_stop_on_signals();
	assert_int_equal(raise(SIGTERM), 0);
	assert_int_equal(tfe_stream_run(&s, &cfg), 0);
	tfe_stop = 0;
	assert_true(s.cnt.frames < 1000);
	assert_int_equal(s.cnt.violations, 0);
	tfe_disconnect(&s);
	tfe_tp_close(tp);
	harness_done(h);
}

static void test_no_mode_key_means_event(void **st)
{
	(void)st;
	run_stream(0, NULL, VCAM_NOTIFY_EVENT);
}

struct hcase {
	const char *name;
	int be_alloc;
	const char *format;
	int want;
	int broken;	/* the core must have found the ring corrupt */
};

static void run_hostile(const struct hcase *c)
{
	const struct tfe_hostile_case *hc = tfe_hostile_find(c->name);
	char *argv[8] = { "vcam-testfe", "-c", "2000", NULL };
	struct tfe_stream_cfg cfg = { .nbufs = 4, .frames = 5 };
	struct be_harness *h;
	struct tfe_opts o;
	struct tfe_sess s;
	struct tfe_tp *tp;
	char err[160];
	int argc = 3;

	assert_non_null(hc);
	if (c->format) {
		argv[argc++] = "-F";
		argv[argc++] = (char *)c->format;
	}
	argv[argc++] = (char *)c->name;
	argv[argc] = NULL;
	assert_int_equal(tfe_opts_parse(&o, argc, argv, err, sizeof(err)), 0);
	cfg.fourcc = o.fourcc;
	cfg.width = o.width;
	cfg.height = o.height;

	h = harness(c->be_alloc, "event");
	sess_open(&s, h, &tp);
	assert_int_equal(tfe_hostile_run(hc, &s, &cfg, &o), c->want);
	tfe_disconnect(&s);
	tfe_tp_close(tp);
	/* The backend survived and serves a fresh session properly. */
	stream_once(h, 10, c->be_alloc, VCAM_NOTIFY_EVENT);
	if (c->broken)
		assert_true(h->broken > 0);
	harness_done(h);
}

#define HOSTILE(fn, name, be, fmt, want) HOSTILE_B(fn, name, be, fmt, want, 0)
#define HOSTILE_B(fn, name, be, fmt, want, broken) \
	static void fn(void **st) \
	{ \
		static const struct hcase c = { name, be, fmt, want, broken }; \
		(void)st; \
		run_hostile(&c); \
	}

HOSTILE(test_h_garbage, "garbage", 0, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_bad_index, "bad-index", 0, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_bad_index_be, "bad-index", 1, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_wrong_state, "wrong-state", 0, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_bad_gref, "bad-gref", 0, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_bad_gref_be, "bad-gref", 1, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_foreign, "foreign-gref", 0, NULL, TFE_EXIT_SKIP)
HOSTILE(test_h_loop_small, "loop-dir", 0, NULL, TFE_EXIT_SKIP)
HOSTILE(test_h_loop_dir, "loop-dir", 0, "2048x1536:YUYV", TFE_EXIT_PASS)
HOSTILE(test_h_loop_dir_be, "loop-dir", 1, "2048x1536:YUYV", TFE_EXIT_PASS)
HOSTILE(test_h_big_dir, "big-dir", 0, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_big_dir_be, "big-dir", 1, NULL, TFE_EXIT_PASS)
HOSTILE_B(test_h_ring_overrun, "ring-overrun", 0, NULL, TFE_EXIT_PASS, 1)
HOSTILE_B(test_h_ring_indices, "ring-indices", 0, NULL, TFE_EXIT_PASS, 1)
HOSTILE(test_h_evt_indices, "evt-indices", 0, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_flood, "flood", 0, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_kick_flood, "kick-flood", 0, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_exhaust, "exhaust", 0, NULL, TFE_EXIT_PASS)
HOSTILE(test_h_exhaust_be, "exhaust", 1, NULL, TFE_EXIT_PASS)

/* exhaust against a backend with a page cap: refused with -ENOBUFS. */
static void run_exhaust_capped(int be_alloc)
{
	const struct tfe_hostile_case *hc = tfe_hostile_find("exhaust");
	char *argv[] = { "vcam-testfe", "-c", "200", "exhaust", NULL };
	/*
	 * The fake camera's 64x48 YUYV: 2 pages a buffer; 4 fit, what
	 * stream_once() needs afterwards, max-buffers (8) would not.
	 */
	struct vcamd_dev_limits lim = { .max_pages = 9 };
	struct tfe_stream_cfg cfg = { .nbufs = 4, .frames = 5 };
	struct be_harness *h = malloc(sizeof(*h));
	struct tfe_opts o;
	struct tfe_sess s;
	struct tfe_tp *tp;
	char err[160];

	assert_non_null(h);
	assert_int_equal(tfe_opts_parse(&o, 4, argv, err, sizeof(err)), 0);
	assert_int_equal(be_harness_start_lim(h, be_alloc, "event", &lim), 0);
	sess_open(&s, h, &tp);
	assert_int_equal(tfe_hostile_run(hc, &s, &cfg, &o), TFE_EXIT_PASS);
	/* 20 rounds, each re-asking for the refused buffer */
	assert_true(h->dev.st.pages_refused >= 21);
	tfe_disconnect(&s);
	tfe_tp_close(tp);
	stream_once(h, 10, be_alloc, VCAM_NOTIFY_EVENT);
	harness_done(h);
}

static void test_h_exhaust_capped(void **st)
{
	(void)st;
	run_exhaust_capped(0);
}

static void test_h_exhaust_capped_be(void **st)
{
	(void)st;
	run_exhaust_capped(1);
}

/*
 * --loop against vcamd's side of the hand-over: the link arrives over the
 * socket with the toolstack's config in its store, and closing our
 * transport closes the socket (vcamd's "domain died").
 */
static void test_loop_connect_handover(void **st)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *cfg[] = { "unique-id=video3", "be-alloc=1", "state=1",
			      NULL };
	struct vcam_lb_link *lb;
	struct tfe_tp *tp;
	char v[VCAM_LB_VAL_MAX], b;
	int lfd, fd;

	(void)st;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/tfe-unit-%d.sock",
		 (int)getpid());
	unlink(sa.sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	/* The hand-over is one sendmsg: it fits the socket buffer. */
	tp = tfe_tp_loop_connect(sa.sun_path, cfg);
	assert_non_null(tp);
	fd = accept(lfd, NULL, NULL);
	assert_true(fd >= 0);
	lb = vcam_lb_recv(fd);
	assert_non_null(lb);
	assert_int_equal(vcam_lb_store_read(lb, "fe/unique-id", v, sizeof(v)),
			 0);
	assert_string_equal(v, "video3");
	assert_int_equal(vcam_lb_store_read(lb, "fe/be-alloc", v, sizeof(v)), 0);
	assert_string_equal(v, "1");
	/* Both handles see one store: what we write, the other side reads. */
	assert_int_equal(tp->ops->cfg_write(tp, TFE_DIR_FE, "version", "1"), 0);
	assert_int_equal(vcam_lb_store_read(lb, "fe/version", v, sizeof(v)), 0);
	tfe_tp_close(tp);
	assert_int_equal(recv(fd, &b, 1, 0), 0);
	vcam_lb_destroy(lb);
	close(fd);
	close(lfd);
	unlink(sa.sun_path);
	/* Nobody listening: a clear failure, no crash. */
	assert_null(tfe_tp_loop_connect(sa.sun_path, cfg));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_connect_handover),
		cmocka_unit_test(test_event_fe),
		cmocka_unit_test(test_event_be),
		cmocka_unit_test(test_spin_fe),
		cmocka_unit_test(test_spin_be),
		cmocka_unit_test(test_hybrid_fe),
		cmocka_unit_test(test_hybrid_be),
		cmocka_unit_test(test_rtt_event),
		cmocka_unit_test(test_rtt_spin),
		cmocka_unit_test(test_rtt_hybrid),
		cmocka_unit_test(test_no_mode_key_means_event),
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_captime_fe_without),
		cmocka_unit_test(test_captime_be_without),
		cmocka_unit_test(test_stream_stop_signal),
		cmocka_unit_test(test_h_garbage),
		cmocka_unit_test(test_h_bad_index),
		cmocka_unit_test(test_h_bad_index_be),
		cmocka_unit_test(test_h_wrong_state),
		cmocka_unit_test(test_h_bad_gref),
		cmocka_unit_test(test_h_bad_gref_be),
		cmocka_unit_test(test_h_foreign),
		cmocka_unit_test(test_h_loop_small),
		cmocka_unit_test(test_h_loop_dir),
		cmocka_unit_test(test_h_loop_dir_be),
		cmocka_unit_test(test_h_big_dir),
		cmocka_unit_test(test_h_big_dir_be),
		cmocka_unit_test(test_h_ring_overrun),
		cmocka_unit_test(test_h_ring_indices),
		cmocka_unit_test(test_h_evt_indices),
		cmocka_unit_test(test_h_flood),
		cmocka_unit_test(test_h_kick_flood),
		cmocka_unit_test(test_h_exhaust),
		cmocka_unit_test(test_h_exhaust_be),
		cmocka_unit_test(test_h_exhaust_capped),
		cmocka_unit_test(test_h_exhaust_capped_be),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
