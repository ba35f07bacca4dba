// SPDX-License-Identifier: MIT
/*
 * vcamd's policy (policy.c) on hand-made connections: spin admission
 * within --max-spinning, the kick back-off, and the main loop's timers
 * (unmasking, throttled devices) with the poll timeout they imply.  The
 * whole daemon under kick storms and floods is in test_daemon.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"

#define MS	1000000ULL

static struct vcamd g_d;
static unsigned int g_unmasked[8], g_nunmasked;

static void fake_unmask(struct vcamd_conn *c, unsigned int port)
{
	(void)c;
	if (g_nunmasked < 8)
		g_unmasked[g_nunmasked++] = port;
}

static const struct vcamd_transport fake_tp = {
	.name = "fake",
	.unmask = fake_unmask,
};

static struct vcamd_conn *conn(unsigned int id, bool connected, int mode)
{
	struct vcamd_conn *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->d = &g_d;
	c->tp = &fake_tp;
	snprintf(c->name, sizeof(c->name), "dom%u/vcam0", id);
	c->connected = connected;
	c->dev.cfg.notify_mode = mode;
	c->req_port = 2 * id;
	c->evt_port = 2 * id + 1;
	c->next = g_d.conns;
	g_d.conns = c;
	return c;
}

static int setup(void **state)
{
	(void)state;
	memset(&g_d, 0, sizeof(g_d));
	vcamd_opts_default(&g_d.opts);
	g_d.tp = &fake_tp;
	g_nunmasked = 0;
	return 0;
}

static int teardown(void **state)
{
	struct vcamd_conn *c;

	(void)state;
	while ((c = g_d.conns) != NULL) {
		g_d.conns = c->next;
		free(c);
	}
	return 0;
}

/* What a device asking for `mode` is granted. */
static int admit(struct vcamd_conn *c, int mode)
{
	struct vcamd_dev_cfg cfg = { .notify_mode = mode };

	vcamd_policy_connect(c, &cfg);
	c->dev.cfg = cfg;
	c->connected = true;
	return cfg.notify_mode;
}

/* ---- spin admission -------------------------------------------------- */

static void test_spin_admission(void **state)
{
	struct vcamd_conn *a, *b, *c, *e;

	(void)state;
	assert_int_equal(g_d.opts.max_spinning, 2);
	a = conn(1, false, 0);
	b = conn(2, false, 0);
	c = conn(3, false, 0);
	e = conn(4, false, 0);
	assert_int_equal(admit(a, VCAM_NOTIFY_SPIN), VCAM_NOTIFY_SPIN);
	assert_int_equal(admit(e, VCAM_NOTIFY_EVENT), VCAM_NOTIFY_EVENT);
	assert_int_equal(admit(b, VCAM_NOTIFY_HYBRID), VCAM_NOTIFY_HYBRID);
	assert_int_equal(vcamd_spinning(&g_d), 2);
	/* the third is served in event mode, and says why */
	assert_int_equal(admit(c, VCAM_NOTIFY_SPIN), VCAM_NOTIFY_EVENT);
	assert_true(c->spin_capped);
	assert_int_equal(c->mode_asked, VCAM_NOTIFY_SPIN);
	assert_false(a->spin_capped);
	assert_false(e->spin_capped);
	assert_int_equal(vcamd_spinning(&g_d), 2);
	/* a spinner leaving frees its slot for the next connection */
	a->connected = false;
	c->connected = false;
	assert_int_equal(admit(c, VCAM_NOTIFY_SPIN), VCAM_NOTIFY_SPIN);
	assert_false(c->spin_capped);
	assert_int_equal(vcamd_spinning(&g_d), 2);
}

static void test_spin_never(void **state)
{
	struct vcamd_conn *a;

	(void)state;
	g_d.opts.max_spinning = 0;
	a = conn(1, false, 0);
	assert_int_equal(admit(a, VCAM_NOTIFY_HYBRID), VCAM_NOTIFY_EVENT);
	assert_true(a->spin_capped);
	assert_int_equal(vcamd_spinning(&g_d), 0);
}

static void test_limits_applied(void **state)
{
	struct vcamd_conn *a;
	struct vcamd_dev_cfg cfg = { 0 };

	(void)state;
	g_d.opts.max_pages_dev = 123;
	g_d.opts.max_req_rate = 45;
	g_d.opts.max_req_burst = 6;
	g_d.opts.max_req_cpu = 7;
	a = conn(1, false, 0);
	a->req_gate.idle = 9;
	a->req_gate.masked = true;
	vcamd_policy_connect(a, &cfg);
	assert_int_equal(cfg.lim.max_pages, 123);
	assert_ptr_equal(cfg.lim.pool, &g_d.pages);
	assert_int_equal(cfg.lim.req_rate, 45);
	assert_int_equal(cfg.lim.req_burst, 6);
	assert_int_equal(cfg.lim.req_cpu_pct, 7);
	assert_int_equal(cfg.lim.req_cpu_burst_ms, VCAMD_REQ_CPU_BURST_MS);
	/* a new connection starts with fresh kick gates */
	assert_int_equal(a->req_gate.idle, 0);
	assert_false(a->req_gate.masked);
}

/* ---- kick back-off ----------------------------------------------------- */

static void test_kick_delays(void **state)
{
	(void)state;
	assert_int_equal(vcamd_kick_delay_ns(0), 0);
	assert_int_equal(vcamd_kick_delay_ns(1), 0);
	assert_int_equal(vcamd_kick_delay_ns(2), 0);
	assert_int_equal(vcamd_kick_delay_ns(3), 1 * MS);
	assert_int_equal(vcamd_kick_delay_ns(4), 2 * MS);
	assert_int_equal(vcamd_kick_delay_ns(12), 512 * MS);
	assert_int_equal(vcamd_kick_delay_ns(13), 1000 * MS);
	assert_int_equal(vcamd_kick_delay_ns(64), 1000 * MS);
	assert_int_equal(vcamd_kick_delay_ns(UINT_MAX), 1000 * MS);
}

static void test_kick_gate(void **state)
{
	struct vcamd_kick_gate g = { 0 };
	uint64_t now = 7 * MS;
	unsigned int i;

	(void)state;
	assert_true(vcamd_kick_gate_done(&g, false, now));
	assert_true(vcamd_kick_gate_done(&g, false, now));
	assert_false(g.masked);
	assert_false(vcamd_kick_gate_done(&g, false, now));
	assert_true(g.masked);
	assert_int_equal(g.unmask_ns, now + 1 * MS);
	assert_false(vcamd_kick_gate_done(&g, false, now));
	assert_int_equal(g.unmask_ns, now + 2 * MS);
	for (i = 0; i < 40; i++)
		vcamd_kick_gate_done(&g, false, now);
	assert_int_equal(g.unmask_ns, now + 1000 * MS);
	/* real work: unmasked at once, back-off forgotten */
	assert_true(vcamd_kick_gate_done(&g, true, now));
	assert_false(g.masked);
	assert_int_equal(g.idle, 0);
	assert_true(vcamd_kick_gate_done(&g, false, now));
}

/* ---- timers ------------------------------------------------------------- */

static void test_timers_and_timeout(void **state)
{
	struct vcamd_conn *a, *b, *gone;
	uint64_t now = 1000 * MS;

	(void)state;
	a = conn(1, true, 0);
	b = conn(2, true, 0);
	gone = conn(3, false, 0);
	/* nothing due: the loop sleeps its usual second */
	assert_int_equal(vcamd_poll_timeout_ms(&g_d, now), 1000);
	/* a masked port: woken when it is due, rounded up, never early */
	a->req_gate.masked = true;
	a->req_gate.unmask_ns = now + 2 * MS + 1;
	b->evt_gate.masked = true;
	b->evt_gate.unmask_ns = now + 500 * MS;
	gone->req_gate.masked = true;
	gone->req_gate.unmask_ns = now + 1;
	assert_int_equal(vcamd_poll_timeout_ms(&g_d, now), 3);
	assert_false(vcamd_timers(&g_d, now + 2 * MS));
	assert_int_equal(g_nunmasked, 0);
	assert_false(vcamd_timers(&g_d, now + 3 * MS));
	assert_int_equal(g_nunmasked, 1);
	assert_int_equal(g_unmasked[0], a->req_port);
	assert_false(a->req_gate.masked);
	assert_int_equal(vcamd_poll_timeout_ms(&g_d, now + 3 * MS), 497);
	/* a throttled device is a deadline too */
	b->dev.throttle_until_ns = now + 40 * MS;
	assert_int_equal(vcamd_poll_timeout_ms(&g_d, now + 3 * MS), 37);
	/* overdue: poll without sleeping */
	assert_int_equal(vcamd_poll_timeout_ms(&g_d, now + 41 * MS), 0);
	/* the evt gate comes due on its own */
	b->dev.throttle_until_ns = 0;
	assert_false(vcamd_timers(&g_d, now + 500 * MS));
	assert_int_equal(g_nunmasked, 2);
	assert_int_equal(g_unmasked[1], b->evt_port);
	/* a disconnected device's gates are nobody's business */
	assert_true(gone->req_gate.masked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spin_admission, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spin_never, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_limits_applied, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kick_delays, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kick_gate, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timers_and_timeout, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
