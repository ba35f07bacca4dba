// SPDX-License-Identifier: MIT
#include <stdlib.h>

#include "lat.h"

void tfe_lat_add(struct tfe_lat *l, int64_t ns)
{
	if (!l->n && !l->n_over)
		l->max = ns;
	else if (ns > l->max)
		l->max = ns;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		int64_t *p;

		if (cap > TFE_LAT_MAX)
			cap = TFE_LAT_MAX;
		p = cap > l->cap ? realloc(l->ns, cap * sizeof(*p)) : NULL;
		if (!p) {
			l->n_over++;
			return;
		}
		l->ns = p;
		l->cap = cap;
	}
	l->ns[l->n++] = ns;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t tfe_lat_pct(struct tfe_lat *l, double p)
{
	double x = p * (double)l->n;
	size_t k = (size_t)x;

	if (!l->n)
		return 0;
	qsort(l->ns, l->n, sizeof(*l->ns), cmp_i64);
	if ((double)k < x)
		k++;	/* rank ceil(p n) */
	if (k < 1)
		k = 1;
	if (k > l->n)
		k = l->n;
	return l->ns[k - 1];
}

void tfe_lat_free(struct tfe_lat *l)
{
	free(l->ns);
	l->ns = NULL;
	l->n = l->cap = 0;
}
