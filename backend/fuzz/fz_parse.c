// SPDX-License-Identifier: MIT
/*
 * The parsers of parse.c on one guest-written string, each held to what it
 * promises: output buffers sized exactly as the caller says (so ASan sees
 * any overrun), and whatever a parser accepts must be the canonical
 * spelling of what it returned (the strictness vcamd relies on: a value
 * is either exactly right or refused).
 */
#include "fz_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "parse.h"

static void must(bool ok, const char *what, const char *s)
{
	if (ok)
		return;
	fprintf(stderr, "parser property broken: %s on '%s'\n", what, s);
	abort();
}

static void check_u32(const char *s, unsigned int sel)
{
	/* some bounds of the ones vcamd uses, chosen by the input */
	static const uint32_t lim[][2] = {
		{ 0, UINT32_MAX }, { 1, UINT32_MAX }, { 1, 255 },
		{ 0, VCAM_SPIN_US_MAX }, { 1, 65535 }, { 0, 0x7fef },
	};
	const uint32_t *b = lim[sel % (sizeof(lim) / sizeof(lim[0]))];
	uint32_t v = 0xdeadbeef;
	char back[16];

	if (vcam_parse_u32(s, b[0], b[1], &v, NULL))
		return;
	must(v >= b[0] && v <= b[1], "u32 in range", s);
	snprintf(back, sizeof(back), "%u", v);
	must(!strcmp(back, s), "u32 canonical", s);
}

static void check_unique_id(const char *s, unsigned int sel)
{
	size_t len = 1 + sel % 40;	/* short buffers: truncation paths */
	char *path;

	for (int round = 0; round < 2; round++, len = VCAMD_PATH_MAX) {
		path = malloc(len);
		if (!path)
			return;
		if (!vcamd_unique_id_path(s, path, len, NULL)) {
			must(strnlen(path, len) < len, "unique-id terminated", s);
			must(!strncmp(path, "/dev/", 5), "unique-id in /dev", s);
			must(!strstr(path, "..") && !strstr(path, "//") &&
			     path[strlen(path) - 1] != '/',
			     "unique-id canonical", s);
		}
		free(path);
	}
}

static void check_controls(const char *s)
{
	/* static: a cleared 9 KiB struct per call cost more than the parse */
	static struct vcamd_dev_cfg cfg_store;
	struct vcamd_dev_cfg *cfg = &cfg_store;
	unsigned int i, j;

	if (!vcam_parse_controls(s, cfg->ctrls, &cfg->nctrls, NULL)) {
		must(cfg->nctrls <= XENCAMERA_MAX_CTRL, "controls count", s);
		for (i = 0; i < cfg->nctrls; i++) {
			must(cfg->ctrls[i] < XENCAMERA_MAX_CTRL,
			     "control type", s);
			for (j = 0; j < i; j++)
				must(cfg->ctrls[i] != cfg->ctrls[j],
				     "controls distinct", s);
		}
	}
}

static void check_fourcc(const char *s)
{
	uint32_t f, chars;
	char back[8];
	int i, n = 0;

	if (vcam_parse_fourcc(s, &f, NULL))
		return;
	/* spaces pad a short FOURCC; the top bit says "-BE" */
	chars = f & ~(1U << 31);
	for (i = 0; i < 4; i++)
		if ((chars >> (8 * i) & 0xff) != ' ')
			n = i + 1;
	memcpy(back, &chars, 4);
	back[n] = '\0';
	if (f & (1U << 31))
		strcat(back, XENCAMERA_FOURCC_BIGENDIAN_STR);
	must(!strcmp(back, s), "FOURCC canonical", s);
}

static void check_resolution(const char *s)
{
	uint32_t w, h;
	char back[32];

	if (vcam_parse_resolution(s, &w, &h, NULL))
		return;
	must(w >= 1 && w <= 65535 && h >= 1 && h <= 65535,
	     "resolution range", s);
	snprintf(back, sizeof(back), "%ux%u", w, h);
	must(!strcmp(back, s), "resolution canonical", s);
}

static void check_rates(const char *s, unsigned int sel)
{
	unsigned int max = 1 + sel % VCAMD_MAX_RATES, n = 0, i;
	struct vcam_rate *r = malloc(max * sizeof(*r));
	char back[VCAMD_MAX_RATES * 24];
	size_t off = 0;

	if (!r)
		return;
	if (!vcam_parse_rates(s, r, max, &n, NULL)) {
		must(n >= 1 && n <= max, "rates count", s);
		for (i = 0; i < n; i++) {
			must(r[i].numer && r[i].denom, "rates non-zero", s);
			off += (size_t)snprintf(back + off, sizeof(back) - off,
						"%s%u/%u", i ? "," : "",
						r[i].numer, r[i].denom);
		}
		must(!strcmp(back, s), "rates canonical", s);
	}
	free(r);
}

void fz_check_parsers(const char *s, unsigned int sel)
{
	static struct vcamd_dev_cfg cfg;
	char path[VCAMD_PATH_MAX];
	struct vcam_rate rate;
	unsigned int n;
	uint32_t f;
	int st, b, m;

	check_u32(s, sel);
	if (!vcam_parse_bool(s, &b, NULL))
		must((b == 0 && !strcmp(s, "0")) || (b == 1 && !strcmp(s, "1")),
		     "bool", s);
	check_unique_id(s, sel);
	check_controls(s);
	if (!vcam_parse_notify_mode(s, &m, NULL))
		must(!strcmp(vcam_notify_mode_name(m), s), "notify-mode", s);
	check_fourcc(s);
	check_resolution(s);
	check_rates(s, sel);
	if (!vcamd_parse_xb_state(s, &st, NULL))
		must(st >= 0 && st <= XenbusStateReconfigured, "xb state", s);
	/* NULL is what a transport returns for an absent node */
	must(vcam_parse_rates(NULL, &rate, 1, &n, NULL) &&
	     vcam_parse_fourcc(NULL, &f, NULL) &&
	     vcam_parse_u32(NULL, 0, 1, &f, NULL) &&
	     vcam_parse_bool(NULL, &b, NULL) &&
	     vcam_parse_notify_mode(NULL, &m, NULL) &&
	     vcamd_unique_id_path(NULL, path, sizeof(path), NULL) &&
	     vcam_parse_controls(NULL, cfg.ctrls, &cfg.nctrls, NULL) &&
	     vcam_parse_resolution(NULL, &f, &f, NULL) &&
	     vcamd_parse_xb_state(NULL, &st, NULL),
	     "NULL refused", "(null)");
}
