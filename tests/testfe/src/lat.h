/* SPDX-License-Identifier: MIT */
/*
 * Per-frame latency samples (ns, signed: a clock skew can make one
 * negative) and their nearest-rank percentiles.
 */
#ifndef TFE_LAT_H
#define TFE_LAT_H

#include <stddef.h>
#include <stdint.h>

/* Beyond this many samples only n_over and max still count. */
#define TFE_LAT_MAX	(1u << 20)

struct tfe_lat {
	int64_t *ns;
	size_t n, cap;
	uint64_t n_over;	/* samples past TFE_LAT_MAX */
	int64_t max;		/* over all samples, kept or not */
	uint64_t no_time;	/* frames that came with time 0 */
};

void tfe_lat_add(struct tfe_lat *l, int64_t ns);
/* p in (0, 1]: the nearest-rank percentile; sorts the samples.  n > 0. */
int64_t tfe_lat_pct(struct tfe_lat *l, double p);
void tfe_lat_free(struct tfe_lat *l);

#endif /* TFE_LAT_H */
