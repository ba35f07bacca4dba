/* SPDX-License-Identifier: MIT */
/* Strict parsers for command-line values, shared by both tools. */
#ifndef TFE_PARSE_H
#define TFE_PARSE_H

#include <stdint.h>

/* "640x360", "640x360:YUYV", "640x360 YUYV", "640x360,YUYV". */
int tfe_parse_format(const char *s, uint32_t *w, uint32_t *h,
		     uint32_t *fourcc);
/* "30" or "30000/1001". */
int tfe_parse_rate(const char *s, uint32_t *numer, uint32_t *denom);
/* Decimal unsigned within [min, max]. */
int tfe_parse_uint(const char *s, unsigned long min, unsigned long max,
		   unsigned long *v);

#endif /* TFE_PARSE_H */
