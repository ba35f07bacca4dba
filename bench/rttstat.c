// SPDX-License-Identifier: MIT
#include <time.h>

#include "parse.h"
#include "rttstat.h"

int64_t rtt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int rtt_print(FILE *out, const char *prefix, struct tfe_lat *l,
	      unsigned int want)
{
	double p50, p99;

	if (l->n != want || l->n_over) {
		fprintf(stderr, "%s: kept %zu samples of %u\n", prefix, l->n,
			want);
		return -1;
	}
	p50 = tfe_lat_pct(l, 0.50) / 1e3;
	p99 = tfe_lat_pct(l, 0.99) / 1e3;
	/* sorted by the percentiles: the minimum is first */
	fprintf(out, "%s n=%zu warmup=%u p50-us=%.2f p99-us=%.2f max-us=%.2f min-us=%.2f\n",
		prefix, l->n, RTT_WARMUP, p50, p99, l->max / 1e3,
		l->ns[0] / 1e3);
	return 0;
}

int rtt_parse_n(const char *s, unsigned int *n)
{
	unsigned long v;

	if (tfe_parse_uint(s, 1, 1000000, &v))
		return -1;
	*n = (unsigned int)v;
	return 0;
}
