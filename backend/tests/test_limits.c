// SPDX-License-Identifier: MIT
/*
 * The core's per-device caps (core_limit.c) over the loopback transport:
 * buffer pages per device and for all devices together, and the request
 * token bucket, on a fake clock.  Each cap: reached, freed or refilled,
 * and another device unaffected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <linux/videodev2.h>

#include "core.h"
#include "tfe.h"

/* 64x48 YUYV: 6144 octets, two pages per buffer. */
#define W		64
#define H		48
#define BUF_PAGES	2U

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

struct fixture {
	struct fake_cam fc;
	struct vcamd_cam cam;
	struct vcamd_page_pool pool;
	struct tfe a, b;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	fake_now = 5000000000ULL;
	vcamd_now_hook = fake_clock;
	fake_cam_init(&f->fc);
	vcamd_cam_init(&f->cam, "fake", &fake_cam_ops, &f->fc);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tfe_teardown(&f->a);
	tfe_teardown(&f->b);
	/* every page charged was given back */
	assert_int_equal(f->pool.used, 0);
	vcamd_cam_fini(&f->cam);
	fake_cam_fini(&f->fc);
	free(f);
	vcamd_now_hook = NULL;
	vcamd_cpu_hook = NULL;
	return 0;
}

static void both(struct fixture *f, const struct vcamd_dev_limits *lim)
{
	struct vcamd_dev_cfg cfg;

	tfe_default_cfg(&cfg);
	cfg.lim = *lim;
	tfe_setup(&f->a, &cfg, &f->cam, 1024);
	tfe_setup(&f->b, &cfg, &f->cam, 1024);
}

static void config_request(struct tfe *t, uint8_t n)
{
	uint8_t got = 0;

	assert_int_equal(tfe_config(t, XENCAMERA_OP_CONFIG_SET,
				    V4L2_PIX_FMT_YUYV, W, H, NULL), 0);
	assert_int_equal(tfe_buf_request(t, n, &got), 0);
	assert_int_equal(got, n);
}

/* ---- buffer pages ------------------------------------------------------ */

static void test_pages_per_device(void **state)
{
	struct fixture *f = *state;
	struct vcamd_dev_limits lim = { .max_pages = 3 * BUF_PAGES };

	both(f, &lim);
	config_request(&f->a, 5);
	assert_int_equal(tfe_buf_create(&f->a, 0), 0);
	assert_int_equal(tfe_buf_create(&f->a, 1), 0);
	assert_int_equal(tfe_buf_create(&f->a, 2), 0);
	assert_int_equal(f->a.dev.pages, 3 * BUF_PAGES);
	/* over the cap: refused before anything is mapped, and counted */
	assert_int_equal(tfe_buf_create(&f->a, 3), -XEN_ENOBUFS);
	assert_int_equal(tfe_buf_create(&f->a, 4), -XEN_ENOBUFS);
	assert_int_equal(f->a.dev.st.pages_refused, 2);
	assert_int_equal(f->a.dev.pages, 3 * BUF_PAGES);
	assert_false(f->a.dev.bufs[3].created);
	/* the other device has its own allowance */
	config_request(&f->b, 3);
	assert_int_equal(tfe_buf_create(&f->b, 0), 0);
	assert_int_equal(tfe_buf_create(&f->b, 1), 0);
	assert_int_equal(tfe_buf_create(&f->b, 2), 0);
	assert_int_equal(f->b.dev.st.pages_refused, 0);
	/* a destroyed buffer gives its pages back */
	assert_int_equal(tfe_op_index(&f->a, XENCAMERA_OP_BUF_DESTROY, 1), 0);
	assert_int_equal(f->a.dev.pages, 2 * BUF_PAGES);
	assert_int_equal(tfe_buf_create(&f->a, 3), 0);
	/* and so does BUF_REQUEST(0) */
	assert_int_equal(tfe_buf_request(&f->a, 0, NULL), 0);
	assert_int_equal(f->a.dev.pages, 0);
}

static void test_pages_total(void **state)
{
	struct fixture *f = *state;
	struct vcamd_dev_limits lim = { .pool = &f->pool };

	f->pool.max = 3 * BUF_PAGES;
	both(f, &lim);
	config_request(&f->a, 2);
	config_request(&f->b, 2);
	assert_int_equal(tfe_buf_create(&f->a, 0), 0);
	assert_int_equal(tfe_buf_create(&f->a, 1), 0);
	assert_int_equal(tfe_buf_create(&f->b, 0), 0);
	assert_int_equal(f->pool.used, 3 * BUF_PAGES);
	assert_int_equal(tfe_buf_create(&f->b, 1), -XEN_ENOBUFS);
	assert_int_equal(f->b.dev.st.pages_refused, 1);
	/* a device leaving frees its share for the others */
	vcamd_dev_fini(&f->a.dev);
	assert_int_equal(f->pool.used, BUF_PAGES);
	assert_int_equal(tfe_buf_create(&f->b, 1), 0);
	assert_int_equal(f->pool.used, 2 * BUF_PAGES);
}

static void test_be_alloc_pages(void **state)
{
	struct fixture *f = *state;
	struct vcamd_dev_limits lim = { .max_pages = BUF_PAGES };
	struct vcamd_dev_cfg cfg;

	tfe_default_cfg(&cfg);
	cfg.be_alloc = true;
	cfg.lim = lim;
	tfe_setup(&f->a, &cfg, &f->cam, 1024);
	tfe_setup(&f->b, &cfg, &f->cam, 1024);
	config_request(&f->a, 2);
	assert_int_equal(tfe_buf_create(&f->a, 0), 0);
	/* granted pages count alike, and a refusal grants nothing */
	assert_int_equal(vcam_lb_granted(f->a.lb, VCAM_LB_BE), BUF_PAGES);
	assert_int_equal(tfe_buf_create(&f->a, 1), -XEN_ENOBUFS);
	assert_int_equal(vcam_lb_granted(f->a.lb, VCAM_LB_BE), BUF_PAGES);
}

/* ---- requests per second ------------------------------------------------ */

/* Queue n requests op (CTRL_GET: of brightness), the backend not running. */
static void push_op(struct tfe *t, unsigned int n, uint8_t op)
{
	struct xencamera_req req;
	int notify;

	if (op == XENCAMERA_OP_CTRL_GET)
		vcam_req_ctrl_get(&req, 0, XENCAMERA_CTRL_BRIGHTNESS);
	else
		vcam_req_hdr(&req, 0, op);
	while (n--)
		tfe_push(t, &req);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&t->ring, notify);
	(void)notify;
}

static void push(struct tfe *t, unsigned int n)
{
	push_op(t, n, XENCAMERA_OP_CONFIG_GET);
}

/* Responses waiting for us, consumed. */
static unsigned int answered(struct tfe *t)
{
	struct xen_cameraif_front_ring *r = &t->ring;
	unsigned int n = 0;

	while (RING_HAS_UNCONSUMED_RESPONSES(r)) {
		assert_int_equal(RING_GET_RESPONSE(r, r->rsp_cons)->status, 0);
		r->rsp_cons++;
		n++;
	}
	return n;
}

#define MS	1000000ULL

static void test_req_rate(void **state)
{
	struct fixture *f = *state;
	/* 100/s: a token every 10 ms; the bucket holds 4 */
	struct vcamd_dev_limits lim = { .req_rate = 100, .req_burst = 4 };
	struct vcamd_dev *a = &f->a.dev;

	both(f, &lim);
	push(&f->a, 10);
	/* the burst goes at once, the rest waits in the ring */
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET),
			 VCAMD_DEV_THROTTLED);
	assert_int_equal(answered(&f->a), 4);
	assert_int_equal(a->st.throttled, 1);
	/* served again once a batch (here the whole burst) is back */
	assert_int_equal(a->throttle_until_ns, fake_now + 40 * MS);
	/* no tokens, no service, and still the same episode */
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET),
			 VCAMD_DEV_THROTTLED);
	assert_int_equal(answered(&f->a), 0);
	assert_int_equal(a->st.throttled, 1);
	assert_int_equal(a->st.requests, 4);

	/* the other device, same caps, is served meanwhile */
	push(&f->b, 3);
	assert_int_equal(vcamd_dev_process(&f->b.dev, VCAMD_REQ_BUDGET), 0);
	assert_int_equal(answered(&f->b), 3);
	assert_int_equal(f->b.dev.st.throttled, 0);

	/* tokens come back at the rate: 25 ms is two of them */
	fake_now += 25 * MS;
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET),
			 VCAMD_DEV_THROTTLED);
	assert_int_equal(answered(&f->a), 2);
	fake_now = a->throttle_until_ns;
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET), 0);
	assert_int_equal(answered(&f->a), 4);
	/* drained: no longer throttled, re-armed for the next kick */
	assert_int_equal(a->throttle_until_ns, 0);
	assert_true(a->armed);
	assert_int_equal(a->st.requests, 10);
	/* one episode: it never caught up in between */
	assert_int_equal(a->st.throttled, 1);
}

static void test_req_rate_refill_capped(void **state)
{
	struct fixture *f = *state;
	struct vcamd_dev_limits lim = { .req_rate = 100, .req_burst = 4 };
	struct vcamd_dev *a = &f->a.dev;

	both(f, &lim);
	/* an hour of silence earns no more than one burst */
	fake_now += 3600ULL * 1000 * MS;
	push(&f->a, 6);
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET),
			 VCAMD_DEV_THROTTLED);
	assert_int_equal(answered(&f->a), 4);
	/* the rest a second later */
	fake_now += 1000 * MS;
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET), 0);
	assert_int_equal(answered(&f->a), 2);
}

static void test_req_budget_vs_tokens(void **state)
{
	struct fixture *f = *state;
	struct vcamd_dev_limits lim = { .req_rate = 1000, .req_burst = 64 };
	struct vcamd_dev *a = &f->a.dev;

	both(f, &lim);
	/* a full ring within the burst: budget yields (1), not throttling */
	push(&f->a, RING_SIZE(&f->a.ring));
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET), 1);
	assert_int_equal(a->throttle_until_ns, 0);
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET), 0);
	assert_int_equal(answered(&f->a), RING_SIZE(&f->a.ring));
	assert_int_equal(a->st.throttled, 0);
}

/* ---- CPU time of requests ---------------------------------------------- */

/* A camera whose ctrl_get (CTRL_GET) costs 10 ms of vcamd's CPU. */
static uint64_t fake_cpu;

static uint64_t fake_cpu_clock(void)
{
	return fake_cpu;
}

static struct vcamd_camera_ops costly_ops;

static int costly_ctrl_get(void *priv, unsigned int type, int64_t *val)
{
	fake_cpu += 10 * MS;
	return fake_cam_ops.ctrl_get(priv, type, val);
}

static void test_req_cpu(void **state)
{
	struct fixture *f = *state;
	/* 10 % of a CPU, 50 ms at once: five 10 ms requests */
	struct vcamd_dev_limits lim = { .req_cpu_pct = 10,
				       .req_cpu_burst_ms = 50 };
	struct vcamd_dev *a = &f->a.dev;

	costly_ops = fake_cam_ops;
	costly_ops.ctrl_get = costly_ctrl_get;
	f->cam.ops = &costly_ops;
	fake_cpu = 1000 * MS;
	vcamd_cpu_hook = fake_cpu_clock;
	both(f, &lim);
	push_op(&f->a, 12, XENCAMERA_OP_CTRL_GET);
	/* the credit stops it, one request past it at most */
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET),
			 VCAMD_DEV_THROTTLED);
	assert_int_equal(answered(&f->a), 6);
	assert_int_equal(a->st.cpu_ns, 60 * MS);
	assert_int_equal(a->cpu_credit, -10 * (int64_t)MS);
	assert_int_equal(a->st.throttled, 1);
	/* the debt is paid back at 10 % of real time */
	assert_int_equal(a->throttle_until_ns, fake_now + 100 * MS);
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET),
			 VCAMD_DEV_THROTTLED);
	assert_int_equal(answered(&f->a), 0);

	/* the other device, same limits, pays only for itself */
	push_op(&f->b, 2, XENCAMERA_OP_CTRL_GET);
	assert_int_equal(vcamd_dev_process(&f->b.dev, VCAMD_REQ_BUDGET), 0);
	assert_int_equal(answered(&f->b), 2);

	fake_now += 90 * MS;
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET),
			 VCAMD_DEV_THROTTLED);
	assert_int_equal(answered(&f->a), 0);
	/* paid back: one request, and in debt again */
	fake_now += 10 * MS;
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET),
			 VCAMD_DEV_THROTTLED);
	assert_int_equal(answered(&f->a), 1);
	assert_int_equal(a->st.throttled, 1);
	/* a second of quiet earns the burst (50 ms), not 100 ms */
	fake_now += 1000 * MS;
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET), 0);
	assert_int_equal(answered(&f->a), 5);
	assert_int_equal(a->throttle_until_ns, 0);
	assert_int_equal(a->cpu_credit, 0);
	assert_int_equal(a->st.requests, 12);
	vcamd_cpu_hook = NULL;
}

/* Every look at the CPU clock costs 1 ms: an empty poll is not free. */
static uint64_t ticking_cpu_clock(void)
{
	fake_cpu += MS;
	return fake_cpu;
}

static void test_req_cpu_polls_free(void **state)
{
	struct fixture *f = *state;
	struct vcamd_dev_limits lim = { .req_cpu_pct = 10,
				       .req_cpu_burst_ms = 50 };
	struct vcamd_dev *a = &f->a.dev;
	unsigned int i;

	vcamd_cpu_hook = ticking_cpu_clock;
	both(f, &lim);
	/* polling an empty ring (spin, hybrid) is the host's cost */
	for (i = 0; i < 100; i++)
		assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET), 0);
	assert_true(a->st.cpu_ns >= 100 * MS);
	assert_int_equal(a->cpu_credit, 50 * (int64_t)MS);
	push(&f->a, 1);
	assert_int_equal(vcamd_dev_process(a, VCAMD_REQ_BUDGET), 0);
	assert_int_equal(answered(&f->a), 1);
	assert_true(a->cpu_credit < 50 * (int64_t)MS);
	vcamd_cpu_hook = NULL;
}

static void test_no_limits(void **state)
{
	struct fixture *f = *state;
	struct vcamd_dev_limits lim = { 0 };

	both(f, &lim);
	config_request(&f->a, 8);
	for (uint8_t i = 0; i < 8; i++)
		assert_int_equal(tfe_buf_create(&f->a, i), 0);
	push(&f->b, RING_SIZE(&f->b.ring));
	assert_int_equal(vcamd_dev_process(&f->b.dev, RING_SIZE(&f->b.ring)),
			 0);
	assert_int_equal(answered(&f->b), RING_SIZE(&f->b.ring));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pages_per_device, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pages_total, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_be_alloc_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_req_rate, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_req_rate_refill_capped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_req_budget_vs_tokens,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_req_cpu, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_req_cpu_polls_free, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_limits, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
