// SPDX-License-Identifier: MIT
/*
 * What one device may make vcamd spend, whatever its guest does: buffer
 * pages (mapped guest grants or our own granted pages: dom0 memory and
 * grant-table slots), requests per second and the CPU time its requests
 * take (vcamd's one thread, which every other guest's frames need too).
 * The caps are vcamd's options, never the guest's; a device without them
 * (tests, fuzzer) is unlimited.
 */
#include "core_priv.h"

#include <errno.h>

#define NS_PER_S	1000000000ULL

/* ---- buffer pages ----------------------------------------------------- */

int vcamd_pages_charge(struct vcamd_dev *dev, unsigned int npages)
{
	const struct vcamd_dev_limits *l = &dev->cfg.lim;
	struct vcamd_page_pool *pool = l->pool;
	const char *which = NULL;
	uint64_t cap = 0, held = 0;

	if (l->max_pages && (uint64_t)dev->pages + npages > l->max_pages) {
		which = "this device's";
		cap = l->max_pages;
		held = dev->pages;
	} else if (pool && pool->max && pool->used + npages > pool->max) {
		which = "vcamd's total";
		cap = pool->max;
		held = pool->used;
	}
	if (which) {
		dev->st.pages_refused++;
		if (!(dev->logged & VCAMD_LOGGED_PAGES))
			log_warn("%s: buffer of %u pages refused: %s cap of %llu pages reached (%llu held); further refusals only counted",
				 dev->name, npages, which,
				 (unsigned long long)cap,
				 (unsigned long long)held);
		dev->logged |= VCAMD_LOGGED_PAGES;
		return -ENOBUFS;
	}
	dev->pages += npages;
	if (pool)
		pool->used += npages;
	return 0;
}

void vcamd_pages_uncharge(struct vcamd_dev *dev, unsigned int npages)
{
	struct vcamd_page_pool *pool = dev->cfg.lim.pool;

	dev->pages -= npages < dev->pages ? npages : dev->pages;
	if (pool)
		pool->used -= npages < pool->used ? npages : pool->used;
}

/* ---- requests per second: a token bucket ------------------------------- */
/*
 * Tokens are kept in units of 1e-9 request, so that refilling at `rate`
 * per second is exact integer arithmetic: every elapsed nanosecond adds
 * `rate` units.  A full bucket holds req_burst requests.
 */

static uint64_t bucket_cap(const struct vcamd_dev_limits *l)
{
	return (uint64_t)(l->req_burst ? l->req_burst : 1) * NS_PER_S;
}

static int64_t cpu_cap(const struct vcamd_dev_limits *l)
{
	return (int64_t)l->req_cpu_burst_ms * 1000000;
}

void vcamd_bucket_init(struct vcamd_dev *dev, uint64_t now)
{
	dev->tokens = bucket_cap(&dev->cfg.lim);
	dev->tokens_ns = now;
	dev->cpu_credit = cpu_cap(&dev->cfg.lim);
	dev->cpu_credit_ns = now;
	dev->throttle_until_ns = 0;
}

unsigned int vcamd_bucket_avail(struct vcamd_dev *dev, uint64_t now)
{
	const struct vcamd_dev_limits *l = &dev->cfg.lim;
	uint64_t cap = bucket_cap(l), dt;

	if (!l->req_rate)
		return UINT32_MAX;
	if (now > dev->tokens_ns) {
		dt = now - dev->tokens_ns;
		/* past a full refill: no need to multiply (nor overflow) */
		if (dt >= cap / l->req_rate + 1)
			dev->tokens = cap;
		else if (cap - dev->tokens <= dt * l->req_rate)
			dev->tokens = cap;
		else
			dev->tokens += dt * l->req_rate;
		dev->tokens_ns = now;
	}
	return (unsigned int)(dev->tokens / NS_PER_S);
}

void vcamd_bucket_spend(struct vcamd_dev *dev, unsigned int n)
{
	uint64_t units = (uint64_t)n * NS_PER_S;

	if (!dev->cfg.lim.req_rate)
		return;
	dev->tokens = units < dev->tokens ? dev->tokens - units : 0;
}

/* When the next batch of tokens will be there (the device is empty). */
static uint64_t tokens_back_at(const struct vcamd_dev *dev)
{
	const struct vcamd_dev_limits *l = &dev->cfg.lim;
	uint64_t want = VCAMD_RATE_BATCH, missing;

	if (!l->req_rate)
		return 0;
	if (l->req_burst && l->req_burst < want)
		want = l->req_burst;
	want *= NS_PER_S;
	if (dev->tokens >= want)
		return 0;
	missing = want - dev->tokens;
	/* rounded up: waking before the tokens are there would be a spin */
	return dev->tokens_ns + (missing + l->req_rate - 1) / l->req_rate;
}

/* ---- CPU time of its requests: a credit that may go into debt ----------- */
/*
 * What a request costs is known only once it has run, so the device pays
 * afterwards: a request may overdraw the credit (by one call's worth, at
 * most a budget of requests or one BUF_CREATE), and then the device waits
 * until the debt is paid back at req_cpu_pct of real time.
 */

bool vcamd_cpu_credit_ok(struct vcamd_dev *dev, uint64_t now)
{
	const struct vcamd_dev_limits *l = &dev->cfg.lim;
	uint64_t dt;

	if (!l->req_cpu_pct)
		return true;
	if (!dev->cpu_credit_ns) {
		dev->cpu_credit = cpu_cap(l);
		dev->cpu_credit_ns = now;
	}
	if (now > dev->cpu_credit_ns) {
		dt = now - dev->cpu_credit_ns;
		/* a full refill at 1 %: never overflows */
		if (dt > 100ULL * 1000 * NS_PER_S)
			dt = 100ULL * 1000 * NS_PER_S;
		dev->cpu_credit += (int64_t)(dt * l->req_cpu_pct / 100);
		if (dev->cpu_credit > cpu_cap(l))
			dev->cpu_credit = cpu_cap(l);
		dev->cpu_credit_ns = now;
	}
	return dev->cpu_credit >= 0;
}

void vcamd_cpu_charge(struct vcamd_dev *dev, uint64_t cpu_ns)
{
	if (dev->cfg.lim.req_cpu_pct)
		dev->cpu_credit -= (int64_t)cpu_ns;
}

/* When the debt will be paid back (0: not in debt). */
static uint64_t credit_back_at(const struct vcamd_dev *dev)
{
	uint64_t pct = dev->cfg.lim.req_cpu_pct;

	if (!pct || dev->cpu_credit >= 0)
		return 0;
	return dev->cpu_credit_ns +
	       ((uint64_t)-dev->cpu_credit * 100 + pct - 1) / pct;
}

void vcamd_bucket_throttle(struct vcamd_dev *dev)
{
	uint64_t t = tokens_back_at(dev), c = credit_back_at(dev);

	if (!dev->throttle_until_ns)
		dev->st.throttled++;
	if (c && !(dev->logged & VCAMD_LOGGED_CPU)) {
		log_notice("%s: its requests take more than %u%% of a CPU: served at that pace from now on; further throttling only counted",
			   dev->name, dev->cfg.lim.req_cpu_pct);
		dev->logged |= VCAMD_LOGGED_CPU;
	} else if (!c && !(dev->logged & VCAMD_LOGGED_RATE)) {
		log_notice("%s: more than %u requests/s (burst %u): served at that rate from now on; further throttling only counted",
			   dev->name, dev->cfg.lim.req_rate,
			   dev->cfg.lim.req_burst);
		dev->logged |= VCAMD_LOGGED_RATE;
	}
	/* both must be back; never 0, which would mean not throttled */
	dev->throttle_until_ns = t > c ? t : c;
	if (!dev->throttle_until_ns)
		dev->throttle_until_ns = vcamd_now_ns();
}
