/* SPDX-License-Identifier: MIT */
/*
 * Strict parsers for values that come from xenstore (guest- or
 * toolstack-written) and from the command line.  Each returns 0 or a
 * negative errno and, on error, a human-readable reason in *why.
 */
#ifndef VCAMD_PARSE_H
#define VCAMD_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* Decimal, no sign, no spaces, no leading zeros except "0", in [min,max]. */
int vcam_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out,
		   const char **why);
/* "0" or "1". */
int vcam_parse_bool(const char *s, int *out, const char **why);
/*
 * unique-id: "videoN" means /dev/videoN; an absolute "/dev/..." path is
 * taken as is if it has no "..", no "//" and only [A-Za-z0-9_./-].
 */
int vcam_parse_unique_id(const char *s, char *path, size_t len,
			 const char **why);
/* controls: comma-separated brightness|contrast|saturation|hue, no repeats. */
int vcam_parse_controls(const char *s, struct vcam_dev_cfg *cfg,
			const char **why);
/* notify-mode: event|spin|hybrid. */
int vcam_parse_notify_mode(const char *s, int *mode, const char **why);
/* FOURCC as xenstore spells it: 1-4 printable chars, optional "-BE". */
int vcam_parse_fourcc(const char *s, uint32_t *fourcc, const char **why);
/* "WxH", each 1..65535. */
int vcam_parse_resolution(const char *s, uint32_t *w, uint32_t *h,
			  const char **why);
/* frame-rates: "N/D[,N/D...]", N and D non-zero, at most max entries. */
int vcam_parse_rates(const char *s, struct vcam_rate *r, unsigned int max,
		     unsigned int *n, const char **why);
/* xenbus state number 0..7. */
int vcam_parse_xb_state(const char *s, int *state, const char **why);

#endif /* VCAMD_PARSE_H */
