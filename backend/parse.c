// SPDX-License-Identifier: MIT
#include "parse.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -EINVAL;
}

int vcam_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out,
		   const char **why)
{
	uint64_t v = 0;
	const char *p;

	if (!s || !*s)
		return fail(why, "empty number");
	if (s[0] == '0' && s[1])
		return fail(why, "leading zero");
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return fail(why, "not a decimal number");
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return fail(why, "number too large");
	}
	if (v < min || v > max)
		return fail(why, "number out of range");
	*out = (uint32_t)v;
	return 0;
}

int vcam_parse_bool(const char *s, int *out, const char **why)
{
	if (s && strcmp(s, "0") == 0)
		*out = 0;
	else if (s && strcmp(s, "1") == 0)
		*out = 1;
	else
		return fail(why, "expected 0 or 1");
	return 0;
}

int vcam_parse_unique_id(const char *s, char *path, size_t len,
			 const char **why)
{
	uint32_t n;
	const char *p;

	if (!s || !*s)
		return fail(why, "empty unique-id");
	if (strncmp(s, "video", 5) == 0) {
		if (vcam_parse_u32(s + 5, 0, 255, &n, NULL))
			return fail(why, "videoN needs N in 0..255");
		if ((size_t)snprintf(path, len, "/dev/video%u", n) >= len)
			return fail(why, "path too long");
		return 0;
	}
	if (strncmp(s, "/dev/", 5) != 0)
		return fail(why, "unique-id must be videoN or /dev/...");
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_./-", *p)))
			return fail(why, "unique-id has a forbidden character");
	if (strstr(s, "..") || strstr(s, "//") || s[strlen(s) - 1] == '/')
		return fail(why, "unique-id path is not canonical");
	if (strlen(s) >= len)
		return fail(why, "path too long");
	strcpy(path, s);
	return 0;
}

int vcam_parse_controls(const char *s, struct vcam_dev_cfg *cfg,
			const char **why)
{
	static const char *const names[XENCAMERA_MAX_CTRL] = {
		[XENCAMERA_CTRL_BRIGHTNESS] = XENCAMERA_CTRL_BRIGHTNESS_STR,
		[XENCAMERA_CTRL_CONTRAST] = XENCAMERA_CTRL_CONTRAST_STR,
		[XENCAMERA_CTRL_SATURATION] = XENCAMERA_CTRL_SATURATION_STR,
		[XENCAMERA_CTRL_HUE] = XENCAMERA_CTRL_HUE_STR,
	};
	unsigned int n = 0, t, i;
	const char *p = s;

	if (!s)
		return fail(why, "missing controls");
	while (*p) {
		size_t l = strcspn(p, XENCAMERA_LIST_SEPARATOR);

		for (t = 0; t < XENCAMERA_MAX_CTRL; t++)
			if (strlen(names[t]) == l && !strncmp(p, names[t], l))
				break;
		if (t == XENCAMERA_MAX_CTRL)
			return fail(why, "unknown control name");
		for (i = 0; i < n; i++)
			if (cfg->ctrls[i] == t)
				return fail(why, "control listed twice");
		cfg->ctrls[n++] = (uint8_t)t;
		p += l;
		if (*p) {
			p++;
			if (!*p)
				return fail(why, "trailing separator");
		}
	}
	cfg->nctrls = n;
	return 0;
}

int vcam_parse_notify_mode(const char *s, int *mode, const char **why)
{
	int m = vcam_notify_mode_parse(s);

	if (m < 0)
		return fail(why, "notify-mode must be event, spin or hybrid");
	*mode = m;
	return 0;
}

int vcam_parse_fourcc(const char *s, uint32_t *fourcc, const char **why)
{
	size_t n = s ? strlen(s) : 0;
	uint32_t v = 0;
	bool be = false;
	size_t i;

	if (n > 3 && !strcmp(s + n - 3, XENCAMERA_FOURCC_BIGENDIAN_STR)) {
		be = true;
		n -= 3;
	}
	if (n < 1 || n > 4)
		return fail(why, "FOURCC must be 1 to 4 characters");
	for (i = 0; i < 4; i++) {
		unsigned char ch = i < n ? (unsigned char)s[i] : ' ';

		/* cameraif: 0x20..0x7f, and none of the xenstore-unsafe ones */
		if (i < n && (ch <= 0x20 || ch >= 0x7f || strchr("/\\<>:\"|?*", ch)))
			return fail(why, "FOURCC has a forbidden character");
		v |= (uint32_t)ch << (8 * i);
	}
	*fourcc = v | (be ? 1U << 31 : 0);
	return 0;
}

int vcam_parse_resolution(const char *s, uint32_t *w, uint32_t *h,
			  const char **why)
{
	char a[12], b[12];
	const char *x = s ? strchr(s, 'x') : NULL;

	if (!x || (size_t)(x - s) >= sizeof(a) || strlen(x + 1) >= sizeof(b))
		return fail(why, "resolution must be WxH");
	memcpy(a, s, (size_t)(x - s));
	a[x - s] = '\0';
	strcpy(b, x + 1);
	if (vcam_parse_u32(a, 1, 65535, w, NULL) ||
	    vcam_parse_u32(b, 1, 65535, h, NULL))
		return fail(why, "resolution must be WxH, 1..65535 each");
	return 0;
}

int vcam_parse_rates(const char *s, struct vcam_rate *r, unsigned int max,
		     unsigned int *n, const char **why)
{
	const char *p = s;
	unsigned int cnt = 0;

	if (!s || !*s)
		return fail(why, "empty frame-rates");
	while (*p) {
		size_t l = strcspn(p, XENCAMERA_LIST_SEPARATOR);
		char item[24], *slash;

		if (!l || l >= sizeof(item))
			return fail(why, "bad frame-rates entry");
		if (cnt == max)
			return fail(why, "too many frame-rates");
		memcpy(item, p, l);
		item[l] = '\0';
		slash = strchr(item, '/');
		if (!slash)
			return fail(why, "frame rate must be N/D");
		*slash = '\0';
		if (vcam_parse_u32(item, 1, UINT32_MAX, &r[cnt].numer, NULL) ||
		    vcam_parse_u32(slash + 1, 1, UINT32_MAX, &r[cnt].denom,
				   NULL))
			return fail(why, "frame rate must be N/D, both > 0");
		cnt++;
		p += l;
		if (*p && !*++p)
			return fail(why, "trailing separator");
	}
	*n = cnt;
	return 0;
}

int vcam_parse_xb_state(const char *s, int *state, const char **why)
{
	uint32_t v;

	if (vcam_parse_u32(s, 0, XenbusStateReconfigured, &v, why))
		return -EINVAL;
	*state = (int)v;
	return 0;
}
