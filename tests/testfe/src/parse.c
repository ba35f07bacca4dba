// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>

#include "parse.h"
#include "proto.h"

int tfe_parse_uint(const char *s, unsigned long min, unsigned long max,
		   unsigned long *v)
{
	unsigned long n;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

int tfe_parse_format(const char *s, uint32_t *w, uint32_t *h,
		     uint32_t *fourcc)
{
	unsigned long a, b;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno || *end != 'x' || a == 0 || a > 65535)
		return -1;
	s = end + 1;
	if (*s < '0' || *s > '9')
		return -1;
	b = strtoul(s, &end, 10);
	if (errno || b == 0 || b > 65535)
		return -1;
	if (*end == '\0') {
		*fourcc = 0;
	} else if (*end == ':' || *end == ',' || *end == ' ') {
		if (tfe_fourcc_parse(end + 1, fourcc))
			return -1;
	} else {
		return -1;
	}
	*w = (uint32_t)a;
	*h = (uint32_t)b;
	return 0;
}

int tfe_parse_rate(const char *s, uint32_t *numer, uint32_t *denom)
{
	unsigned long n, d = 1;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || n == 0 || n > 0xffffffffUL)
		return -1;
	if (*end == '/') {
		s = end + 1;
		if (*s < '0' || *s > '9')
			return -1;
		d = strtoul(s, &end, 10);
		if (errno || d == 0 || d > 0xffffffffUL)
			return -1;
	}
	if (*end)
		return -1;
	*numer = (uint32_t)n;
	*denom = (uint32_t)d;
	return 0;
}
