// SPDX-License-Identifier: MIT
/*
 * What one guest may make vcamd spend, decided by the host (vcamd's
 * options), never by the guest:
 *  - spin and hybrid keep vcamd's single loop polling instead of sleeping:
 *    only --max-spinning devices get them, the rest are served in event
 *    mode (logged, and shown in the status);
 *  - buffer pages, requests per second and the CPU time of requests have
 *    per-device caps (enforced by the core, core_limit.c); a throttled
 *    device is served again when its tokens and credit are back, by a
 *    timer, not by polling;
 *  - a port whose kicks bring no work is unmasked later and later (1 ms,
 *    doubling, up to 1 s; real work resets it), so a kick storm costs
 *    vcamd a wake-up per back-off period instead of one per kick.
 */
#include "daemon.h"

#include <limits.h>

#include "log.h"

#define NS_PER_MS		1000000ULL
/*
 * Empty kicks in a row that are still unmasked at once: a frontend that
 * pushes a request just as we re-arm kicks for a request we already
 * took, which is legitimate now and then, never a run of them.
 */
#define VCAMD_KICK_FREE		2U
#define VCAMD_KICK_DELAY_MIN_NS	(1 * NS_PER_MS)
#define VCAMD_KICK_DELAY_MAX_NS	(1000 * NS_PER_MS)
/* Longest sleep of the main loop (tick() needs a round per second). */
#define VCAMD_POLL_MAX_NS	(1000 * NS_PER_MS)

/* ---- spinning ----------------------------------------------------------- */

unsigned int vcamd_spinning(const struct vcamd *d)
{
	const struct vcamd_conn *c;
	unsigned int n = 0;

	for (c = d->conns; c; c = c->next)
		n += c->connected &&
		     c->dev.cfg.notify_mode != VCAM_NOTIFY_EVENT;
	return n;
}

void vcamd_policy_connect(struct vcamd_conn *c, struct vcamd_dev_cfg *cfg)
{
	const struct vcamd_opts *o = &c->d->opts;
	unsigned int spinning;

	c->mode_asked = cfg->notify_mode;
	c->spin_capped = false;
	if (cfg->notify_mode != VCAM_NOTIFY_EVENT) {
		const char *asked = vcam_notify_mode_name(cfg->notify_mode);

		/* c itself is not connected yet: these are the others */
		spinning = vcamd_spinning(c->d);
		if (spinning >= o->max_spinning) {
			if (o->max_spinning)
				log_notice("%s: notify-mode %s not granted: %u devices already spin or hybrid (--max-spinning %u); served in event mode",
					   c->name, asked, spinning,
					   o->max_spinning);
			else
				log_notice("%s: notify-mode %s not granted: --max-spinning is 0; served in event mode",
					   c->name, asked);
			cfg->notify_mode = VCAM_NOTIFY_EVENT;
			c->spin_capped = true;
		}
	}
	cfg->lim.max_pages = o->max_pages_dev;
	cfg->lim.pool = &c->d->pages;
	cfg->lim.req_rate = o->max_req_rate;
	cfg->lim.req_burst = o->max_req_burst;
	cfg->lim.req_cpu_pct = o->max_req_cpu;
	cfg->lim.req_cpu_burst_ms = VCAMD_REQ_CPU_BURST_MS;
	memset(&c->req_gate, 0, sizeof(c->req_gate));
	memset(&c->evt_gate, 0, sizeof(c->evt_gate));
}

/* ---- kick storms -------------------------------------------------------- */

uint64_t vcamd_kick_delay_ns(unsigned int idle)
{
	unsigned int shift;

	if (idle <= VCAMD_KICK_FREE)
		return 0;
	shift = idle - VCAMD_KICK_FREE - 1;
	if (shift >= 20)
		return VCAMD_KICK_DELAY_MAX_NS;
	if ((VCAMD_KICK_DELAY_MIN_NS << shift) > VCAMD_KICK_DELAY_MAX_NS)
		return VCAMD_KICK_DELAY_MAX_NS;
	return VCAMD_KICK_DELAY_MIN_NS << shift;
}

bool vcamd_kick_gate_done(struct vcamd_kick_gate *g, bool work, uint64_t now)
{
	uint64_t delay;

	if (work)
		g->idle = 0;
	else if (g->idle < UINT_MAX)
		g->idle++;
	delay = vcamd_kick_delay_ns(g->idle);
	g->masked = delay != 0;
	g->unmask_ns = delay ? now + delay : 0;
	return !delay;
}

static struct vcamd_kick_gate *gate_of(struct vcamd_conn *c, unsigned int port)
{
	if (port == c->req_port)
		return &c->req_gate;
	if (port == c->evt_port)
		return &c->evt_gate;
	return NULL;
}

uint64_t vcamd_kick_backoff_ns(const struct vcamd_conn *c)
{
	uint64_t r = c->req_gate.masked ? vcamd_kick_delay_ns(c->req_gate.idle)
					: 0;
	uint64_t e = c->evt_gate.masked ? vcamd_kick_delay_ns(c->evt_gate.idle)
					: 0;

	return r > e ? r : e;
}

bool vcamd_port_masked(const struct vcamd_conn *c, unsigned int port)
{
	return port == c->req_port ? c->req_gate.masked :
	       port == c->evt_port ? c->evt_gate.masked : false;
}

void vcamd_port_kicked(struct vcamd_conn *c, unsigned int port, uint64_t cpu0)
{
	struct vcamd_kick_gate *g = gate_of(c, port);
	uint64_t cpu_before = c->dev.st.cpu_ns, req0 = c->dev.st.requests;
	bool work = false;

	if (!c->connected || !g) {
		c->tp->unmask(c, port);
		return;
	}
	if (g == &c->req_gate) {
		c->dev.st.wakeups++;
		vcamd_conn_process(c);
		/* a broken ring was disconnected: its ports are gone */
		if (!c->connected)
			return;
		work = c->dev.st.requests != req0;
	}
	/* event-port kicks never bring work: we only produce events */
	if (!work)
		c->dev.st.spurious_kicks++;
	if (vcamd_kick_gate_done(g, work, vcamd_now_ns()))
		c->tp->unmask(c, port);
	else if (g->idle == VCAMD_KICK_FREE + 1)
		log_info("%s: kicks on port %u bring no work; backing off",
			 c->name, port);
	/* the whole kick, reading and unmasking too, is this device's */
	c->dev.st.cpu_ns = cpu_before + (vcamd_cpu_ns() - cpu0);
}

/* ---- timers ------------------------------------------------------------- */

static void gate_due(struct vcamd_conn *c, struct vcamd_kick_gate *g,
		     unsigned int port, uint64_t now)
{
	if (!g->masked || now < g->unmask_ns)
		return;
	g->masked = false;
	g->unmask_ns = 0;
	c->tp->unmask(c, port);
}

bool vcamd_timers(struct vcamd *d, uint64_t now)
{
	struct vcamd_conn *c;
	bool busy = false;

	for (c = d->conns; c; c = c->next) {
		if (!c->connected)
			continue;
		gate_due(c, &c->req_gate, c->req_port, now);
		gate_due(c, &c->evt_gate, c->evt_port, now);
		if (c->dev.throttle_until_ns &&
		    now >= c->dev.throttle_until_ns) {
			vcamd_conn_process(c);
			busy |= c->pending;
		}
	}
	return busy;
}

static void earliest(uint64_t *next, uint64_t t)
{
	if (t && t < *next)
		*next = t;
}

int vcamd_poll_timeout_ms(const struct vcamd *d, uint64_t now)
{
	const struct vcamd_conn *c;
	uint64_t next = now + VCAMD_POLL_MAX_NS;

	for (c = d->conns; c; c = c->next) {
		if (!c->connected)
			continue;
		if (c->req_gate.masked)
			earliest(&next, c->req_gate.unmask_ns);
		if (c->evt_gate.masked)
			earliest(&next, c->evt_gate.unmask_ns);
		earliest(&next, c->dev.throttle_until_ns);
	}
	if (next <= now)
		return 0;
	/* rounded up: waking before it is due would be a busy round */
	return (int)((next - now + NS_PER_MS - 1) / NS_PER_MS);
}
