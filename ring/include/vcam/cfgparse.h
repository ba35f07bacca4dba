/* SPDX-License-Identifier: MIT */
/*
 * The camera configuration's xenstore values, read one way by every vcam
 * half: the guest module, vcamd, the toolstack and the test peers.  When
 * each had its own parser they disagreed (the module took a space in a
 * FOURCC, ';' between list entries, padded control names, empty frame-rate
 * entries), so a guest could be shown a menu its backend refused.
 *
 * The rules are cameraif.h's where it has them (XENCAMERA_*_SEPARATOR, the
 * FOURCC character set, max-buffers a uint8_t) and otherwise the strictest
 * any half had: decimal numbers without sign, space or leading zero; lists
 * without empty entries or a trailing separator.  Each parser returns 0 or
 * -EINVAL with a reason in *why (may be NULL) for the caller's log; outputs
 * are only meaningful on success.
 *
 * Header-only and free of libc beyond <string.h>, so the kernel module
 * builds it with the kernel's headers (ring/tests/kshim proves that build
 * gives the same answers).  Include cameraif.h first.
 */
#ifndef VCAM_CFGPARSE_H
#define VCAM_CFGPARSE_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif

#include "ctrls.h"
#include "ext.h"

/* Limits every half applies to the values (ext.h has the menu's size). */
#define VCAM_CFG_MAX_DIM		65535U	/* width, height */
#define VCAM_CFG_MAX_BUFFERS		255U	/* cameraif: a uint8_t */
#define VCAM_CFG_MAX_VIDEO_N		255U	/* unique-id "videoN" */
#define VCAM_FOURCC_NAME_MAX		7	/* "ABCD-BE" */
#define VCAM_FOURCC_BE			(1U << 31)
#define VCAM_UNIQUE_ID_PATH		(-1)	/* unique-id is a /dev path */

struct vcam_rate {
	uint32_t numer, denom;
};

static inline int vcam_cfg_fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -EINVAL;
}

/* The @len characters at @s as a decimal number in [min, max]. */
static inline int vcam_parse_u32n(const char *s, size_t len, uint32_t min,
				  uint32_t max, uint32_t *out,
				  const char **why)
{
	uint64_t v = 0;
	size_t i;

	if (!s || !len)
		return vcam_cfg_fail(why, "empty number");
	if (s[0] == '0' && len > 1)
		return vcam_cfg_fail(why, "leading zero");
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return vcam_cfg_fail(why, "not a decimal number");
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > 0xffffffffU)
			return vcam_cfg_fail(why, "number too large");
	}
	if (v < min || v > max)
		return vcam_cfg_fail(why, "number out of range");
	*out = (uint32_t)v;
	return 0;
}

static inline int vcam_parse_u32(const char *s, uint32_t min, uint32_t max,
				 uint32_t *out, const char **why)
{
	return vcam_parse_u32n(s, s ? strlen(s) : 0, min, max, out, why);
}

/*
 * be-alloc, as cameraif.h has both halves read it: "If value is not "1" or
 * omitted frontend must allocate buffers itself."  No error: a peer's
 * toolstack may write anything else and mean fe-alloc.
 */
static inline int vcam_be_alloc_of(const char *s)
{
	return s && !strcmp(s, "1");
}

/* The extensions' flags: "0" and "1" only. */
static inline int vcam_parse_bool(const char *s, int *out, const char **why)
{
	if (s && !strcmp(s, "0"))
		*out = 0;
	else if (s && !strcmp(s, "1"))
		*out = 1;
	else
		return vcam_cfg_fail(why, "expected 0 or 1");
	return 0;
}

static inline int vcam_parse_notify_mode(const char *s, int *mode,
					 const char **why)
{
	int m = vcam_notify_mode_parse(s);

	if (m < 0)
		return vcam_cfg_fail(why,
				     "notify-mode must be event, spin or hybrid");
	*mode = m;
	return 0;
}

/*
 * A formats/ directory name: 1-4 characters of cameraif's set (0x21..0x7e
 * less the ones xenstore paths cannot carry; trailing spaces are trimmed
 * by definition, so none is left), optionally followed by "-BE".  The code
 * is V4L2's: first character in the low octet, spaces padding, bit 31 for
 * big-endian.
 */
static inline int vcam_parse_fourcc(const char *s, uint32_t *fourcc,
				    const char **why)
{
	size_t n = s ? strlen(s) : 0;
	uint32_t v = 0;
	int be = 0;
	size_t i;

	/* "-BE" alone is the suffix of nothing, not the FOURCC "-BE " */
	if (n >= 3 && !strcmp(s + n - 3, XENCAMERA_FOURCC_BIGENDIAN_STR)) {
		be = 1;
		n -= 3;
	}
	if (n < 1 || n > 4)
		return vcam_cfg_fail(why, "FOURCC must be 1 to 4 characters");
	for (i = 0; i < 4; i++) {
		unsigned char ch = i < n ? (unsigned char)s[i] : ' ';

		if (i < n && (ch <= 0x20 || ch >= 0x7f ||
			      strchr("/\\<>:\"|?*", ch)))
			return vcam_cfg_fail(why,
					     "FOURCC has a forbidden character");
		v |= (uint32_t)ch << (8 * i);
	}
	*fourcc = v | (be ? VCAM_FOURCC_BE : 0);
	return 0;
}

/*
 * The inverse, for a toolstack that names a camera's own formats: @name
 * (VCAM_FOURCC_NAME_MAX + 1 octets) gets the 7-bit characters with the
 * padding trimmed.  Whether that is a valid name is vcam_parse_fourcc()'s
 * to say.
 */
static inline char *vcam_fourcc_name(uint32_t fourcc, char *name)
{
	int i, n = 4;

	for (i = 0; i < 4; i++)
		name[i] = (char)((fourcc >> (8 * i)) & 0x7f);
	while (n > 0 && name[n - 1] == ' ')
		n--;
	name[n] = '\0';
	if (fourcc & VCAM_FOURCC_BE)
		memcpy(name + n, XENCAMERA_FOURCC_BIGENDIAN_STR,
		       sizeof(XENCAMERA_FOURCC_BIGENDIAN_STR));
	return name;
}

/* A resolution directory name "WxH", each 1..VCAM_CFG_MAX_DIM. */
static inline int vcam_parse_resolution(const char *s, uint32_t *w,
					uint32_t *h, const char **why)
{
	const char *x = s ? strchr(s, XENCAMERA_RESOLUTION_SEPARATOR[0])
			  : NULL;

	if (!x)
		return vcam_cfg_fail(why, "resolution must be WxH");
	if (vcam_parse_u32n(s, (size_t)(x - s), 1, VCAM_CFG_MAX_DIM, w,
			    NULL) ||
	    vcam_parse_u32(x + 1, 1, VCAM_CFG_MAX_DIM, h, NULL))
		return vcam_cfg_fail(why,
				     "resolution must be WxH, 1..65535 each");
	return 0;
}

/* One frame rate "N/D" in the @len characters at @s; N, D > 0. */
static inline int vcam_parse_rate(const char *s, size_t len,
				  struct vcam_rate *r, const char **why)
{
	const char *slash = s ? memchr(s, XENCAMERA_FRACTION_SEPARATOR[0], len)
			      : NULL;
	size_t nlen;

	if (!slash)
		return vcam_cfg_fail(why, "frame rate must be N/D");
	nlen = (size_t)(slash - s);
	if (vcam_parse_u32n(s, nlen, 1, 0xffffffffU, &r->numer, NULL) ||
	    vcam_parse_u32n(slash + 1, len - nlen - 1, 1, 0xffffffffU,
			    &r->denom, NULL))
		return vcam_cfg_fail(why, "frame rate must be N/D, both > 0");
	return 0;
}

/* frame-rates: "N/D[,N/D...]", 1..@max entries into @r. */
static inline int vcam_parse_rates(const char *s, struct vcam_rate *r,
				   unsigned int max, unsigned int *n,
				   const char **why)
{
	unsigned int cnt = 0;
	int ret;

	if (!s || !*s)
		return vcam_cfg_fail(why, "empty frame-rates");
	for (;;) {
		size_t l = strcspn(s, XENCAMERA_LIST_SEPARATOR);

		if (!l)
			return vcam_cfg_fail(why, "bad frame-rates entry");
		if (cnt == max)
			return vcam_cfg_fail(why, "too many frame-rates");
		ret = vcam_parse_rate(s, l, &r[cnt], why);
		if (ret)
			return ret;
		cnt++;
		s += l;
		if (!*s)
			break;
		if (!*++s)
			return vcam_cfg_fail(why, "trailing separator");
	}
	*n = cnt;
	return 0;
}

/*
 * controls: "" (none) or control names separated by XENCAMERA_LIST_SEPARATOR,
 * none twice.  Order matters (CTRL_ENUM index i is entry i), so @types
 * (XENCAMERA_MAX_CTRL entries) keeps it.
 */
static inline int vcam_parse_controls(const char *s, uint8_t *types,
				      unsigned int *n, const char **why)
{
	unsigned int cnt = 0, i;
	int t;

	if (!s)
		return vcam_cfg_fail(why, "missing controls");
	while (*s) {
		size_t l = strcspn(s, XENCAMERA_LIST_SEPARATOR);

		t = vcam_ctrl_type_n(s, l);
		if (t < 0)
			return vcam_cfg_fail(why, "unknown control name");
		for (i = 0; i < cnt; i++)
			if (types[i] == t)
				return vcam_cfg_fail(why,
						     "control listed twice");
		types[cnt++] = (uint8_t)t;
		s += l;
		if (*s && !*++s)
			return vcam_cfg_fail(why, "trailing separator");
	}
	*n = cnt;
	return 0;
}

static inline int vcam_cfg_path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '/' ||
	       c == '-';
}

/*
 * unique-id: "videoN" (N 0..VCAM_CFG_MAX_VIDEO_N), the existing backend's
 * name for /dev/videoN, sets *video = N; a canonical absolute "/dev/..."
 * path of [A-Za-z0-9_./-] sets *video = VCAM_UNIQUE_ID_PATH (the value is
 * the path).  Nothing else: the backend must never guess a camera.
 */
static inline int vcam_parse_unique_id(const char *s, int *video,
				       const char **why)
{
	uint32_t n;
	size_t len;
	const char *p;

	if (!s || !*s)
		return vcam_cfg_fail(why, "empty unique-id");
	if (!strncmp(s, "video", 5)) {
		if (vcam_parse_u32(s + 5, 0, VCAM_CFG_MAX_VIDEO_N, &n, NULL))
			return vcam_cfg_fail(why, "videoN needs N in 0..255");
		*video = (int)n;
		return 0;
	}
	if (strncmp(s, "/dev/", 5))
		return vcam_cfg_fail(why,
				     "unique-id must be videoN or /dev/...");
	for (p = s; *p; p++)
		if (!vcam_cfg_path_char(*p))
			return vcam_cfg_fail(why,
					     "unique-id has a forbidden character");
	len = (size_t)(p - s);
	if (strstr(s, "..") || strstr(s, "//") || s[len - 1] == '/')
		return vcam_cfg_fail(why, "unique-id path is not canonical");
	*video = VCAM_UNIQUE_ID_PATH;
	return 0;
}

/* Whether a XENCAMERA_LIST_SEPARATOR list (e.g. `versions`) has @item. */
static inline int vcam_list_has(const char *list, const char *item)
{
	size_t ilen = strlen(item);

	while (list && *list) {
		size_t l = strcspn(list, XENCAMERA_LIST_SEPARATOR);

		if (l == ilen && !memcmp(list, item, l))
			return 1;
		list += l;
		if (*list)
			list++;
	}
	return 0;
}

#endif /* VCAM_CFGPARSE_H */
