// SPDX-License-Identifier: MIT
/*
 * A device's camera configuration: which camera, which modes, controls,
 * buffers, allocation side and notification mode.
 *
 * cameraif.h puts the configuration in the frontend dir, but the guest
 * owns that dir and can rewrite any node in it at any time (before it
 * connects or while it streams).  So the toolstack writes the same nodes
 * into the backend dir as well, which the guest can read but not write,
 * and everything vcamd decides is read from there only.  The guest's copy
 * is only compared, to tell the host when a guest tampered with it.
 */
#include "daemon.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parse.h"

#define HOST_DIR	false	/* c->tp->read(): the backend dir */
#define GUEST_DIR	true	/* ... the frontend dir */

/* Read and parse a number from the host's copy; absent is -ENOENT. */
static int host_u32(struct vcamd_conn *c, const char *key, uint32_t min,
		    uint32_t max, uint32_t *out)
{
	const char *why = NULL;
	char *s = c->tp->read(c, HOST_DIR, key);
	int ret;

	if (!s)
		return -ENOENT;
	ret = vcam_parse_u32(s, min, max, out, &why);
	if (ret)
		log_err("%s: %s='%s': %s", c->name, key, s, why);
	free(s);
	return ret;
}

/* formats/<FOURCC>/<W>x<H>/frame-rates: the guest's menu. */
static int read_formats(struct vcamd_conn *c, struct vcamd_dev_cfg *cfg)
{
	unsigned int nf = 0, nr, i, j;
	const char *why = NULL;
	char *fourccs, *f, *res, *r, key[160];
	int ret = 0;

	cfg->nfmts = 0;
	fourccs = c->tp->list(c, HOST_DIR, XENCAMERA_FIELD_FORMATS, &nf);
	for (i = 0, f = fourccs; !ret && i < nf; i++, f += strlen(f) + 1) {
		uint32_t fourcc;

		if (vcam_parse_fourcc(f, &fourcc, &why)) {
			log_err("%s: formats/%s: %s", c->name, f, why);
			ret = -EINVAL;
			break;
		}
		snprintf(key, sizeof(key), "%s/%s", XENCAMERA_FIELD_FORMATS, f);
		nr = 0;
		res = c->tp->list(c, HOST_DIR, key, &nr);
		for (j = 0, r = res; !ret && j < nr; j++, r += strlen(r) + 1) {
			struct vcamd_allowed_fmt *a = &cfg->fmts[cfg->nfmts];
			char *rates;

			if (cfg->nfmts == VCAMD_MAX_ALLOWED_FMTS) {
				log_err("%s: more than %u formats", c->name,
					VCAMD_MAX_ALLOWED_FMTS);
				ret = -EINVAL;
				break;
			}
			a->fourcc = fourcc;
			if (vcam_parse_resolution(r, &a->width, &a->height,
						  &why)) {
				log_err("%s: formats/%s/%s: %s", c->name, f, r,
					why);
				ret = -EINVAL;
				break;
			}
			snprintf(key, sizeof(key), "%s/%s/%s/%s",
				 XENCAMERA_FIELD_FORMATS, f, r,
				 XENCAMERA_FIELD_FRAME_RATES);
			rates = c->tp->read(c, HOST_DIR, key);
			if (vcam_parse_rates(rates, a->rates, VCAMD_MAX_RATES,
					     &a->nrates, &why)) {
				log_err("%s: %s='%s': %s", c->name, key,
					rates ? rates : "(none)", why);
				ret = -EINVAL;
			}
			free(rates);
			cfg->nfmts++;
		}
		free(res);
	}
	free(fourccs);
	return ret;
}

/* An optional "0"/"1" node; absent leaves *out alone. */
static int read_bool(struct vcamd_conn *c, bool dir, const char *key,
		     bool *out)
{
	const char *why = NULL;
	char *s = c->tp->read(c, dir, key);
	int b, ret = 0;

	if (!s)
		return 0;
	ret = vcam_parse_bool(s, &b, &why);
	if (ret)
		log_err("%s: %s%s='%s': %s", c->name,
			dir == GUEST_DIR ? "frontend " : "", key, s, why);
	else
		*out = b;
	free(s);
	return ret;
}

int vcamd_xb_read_cfg(struct vcamd_conn *c, struct vcamd_dev_cfg *cfg,
		      char *path, size_t plen)
{
	const struct vcamd_opts *o = &c->d->opts;
	const char *why = NULL;
	uint32_t v;
	char *s;
	int ret = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->notify_mode = o->default_mode;
	cfg->spin_us = o->default_spin_us;
	cfg->max_buffers = VCAMD_MAX_BUFS;

	s = c->tp->read(c, HOST_DIR, XENCAMERA_FIELD_UNIQUE_ID);
	if (!s) {
		log_err("%s: no camera configuration in the backend dir "
			"(attached by an older toolstack?): detach it and "
			"attach it again with vcam-attach", c->name);
		return -EINVAL;
	}
	if (vcamd_unique_id_path(s, path, plen, &why)) {
		log_err("%s: unique-id '%s': %s", c->name, s, why);
		free(s);
		return -EINVAL;
	}
	free(s);
	if (!vcamd_opts_allowed(o, path)) {
		log_err("%s: camera %s is not in the allow-list", c->name,
			path);
		return -EPERM;
	}
	s = c->tp->read(c, HOST_DIR, XENCAMERA_FIELD_BE_ALLOC);
	cfg->be_alloc = vcam_be_alloc_of(s);
	free(s);
	/* The one choice that is the frontend's: which protocol it speaks. */
	if (read_bool(c, GUEST_DIR, VCAM_FIELD_EVT_HOLD_OFF,
		      &cfg->evt_hold_off))
		ret = -EINVAL;
	if (read_bool(c, GUEST_DIR, VCAM_FIELD_CAPTURE_TIME,
		      &cfg->capture_time))
		ret = -EINVAL;
	switch (host_u32(c, XENCAMERA_FIELD_MAX_BUFFERS, 1, 255, &v)) {
	case 0:
		cfg->max_buffers = v < VCAMD_MAX_BUFS ? v : VCAMD_MAX_BUFS;
		break;
	case -ENOENT:
		break;
	default:
		ret = -EINVAL;
	}
	s = c->tp->read(c, HOST_DIR, XENCAMERA_FIELD_CONTROLS);
	if (s) {
		if (vcam_parse_controls(s, cfg->ctrls, &cfg->nctrls, &why)) {
			log_err("%s: controls='%s': %s", c->name, s, why);
			ret = -EINVAL;
		}
		free(s);
	}
	s = c->tp->read(c, HOST_DIR, VCAM_FIELD_NOTIFY_MODE);
	if (s) {
		if (vcam_parse_notify_mode(s, &cfg->notify_mode, &why)) {
			log_err("%s: notify-mode='%s': %s", c->name, s, why);
			ret = -EINVAL;
		}
		free(s);
	}
	switch (host_u32(c, VCAM_FIELD_SPIN_US, 0, VCAM_SPIN_US_MAX, &v)) {
	case 0:
		cfg->spin_us = v;
		break;
	case -ENOENT:
		break;
	default:
		ret = -EINVAL;
	}
	if (read_formats(c, cfg))
		ret = -EINVAL;
	return ret;
}

/* ---- the guest's copy ----------------------------------------------------- */

static const char *const cfg_values[] = {
	XENCAMERA_FIELD_UNIQUE_ID, XENCAMERA_FIELD_MAX_BUFFERS,
	XENCAMERA_FIELD_CONTROLS, XENCAMERA_FIELD_BE_ALLOC,
	VCAM_FIELD_NOTIFY_MODE, VCAM_FIELD_SPIN_US,
};

/* More format entries than any toolstack writes: a guest's doing. */
#define FMT_ENTRIES_MAX	(2 * VCAM_CFG_MAX_MODES)
/*
 * Room for the largest menu a toolstack writes, so that it is always
 * compared: VCAM_CFG_MAX_MODES entries "FOUR-BE/65535x65535=" with
 * VCAM_CFG_MAX_RATES rates "4294967295/4294967295," each, every entry
 * behind its length ("371:").
 */
#define FMT_ENTRY_MAX	(4 + 7 + 1 + 11 + 1 + VCAM_CFG_MAX_RATES * 22)
#define FMT_TEXT_MAX	(VCAM_CFG_MAX_MODES * FMT_ENTRY_MAX + 1)

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * One dir's formats tree as sorted "FOURCC/WxH=rates" entries, so two
 * copies compare equal whatever order the store lists children in.  Each
 * entry goes behind its length: the guest writes rates as it likes, and
 * with a mere separator "15/1 YUYV/64x48=30/1" read like two entries.
 * NULL if the tree is larger than any toolstack writes.
 */
static char *formats_text(struct vcamd_conn *c, bool dir)
{
	char *ents[FMT_ENTRIES_MAX], key[512], *fourccs, *f, *res, *r, *txt;
	unsigned int nf = 0, nr, i, j, n = 0;
	size_t used = 0;
	bool big = false;

	fourccs = c->tp->list(c, dir, XENCAMERA_FIELD_FORMATS, &nf);
	for (i = 0, f = fourccs; !big && i < nf; i++, f += strlen(f) + 1) {
		snprintf(key, sizeof(key), "%s/%s", XENCAMERA_FIELD_FORMATS, f);
		nr = 0;
		res = c->tp->list(c, dir, key, &nr);
		for (j = 0, r = res; !big && j < nr; j++, r += strlen(r) + 1) {
			char *rates;

			if (n == FMT_ENTRIES_MAX) {
				big = true;
				break;
			}
			snprintf(key, sizeof(key), "%s/%s/%s/%s",
				 XENCAMERA_FIELD_FORMATS, f, r,
				 XENCAMERA_FIELD_FRAME_RATES);
			rates = c->tp->read(c, dir, key);
			if (asprintf(&ents[n], "%s/%s=%s", f, r,
				     rates ? rates : "") < 0)
				big = true;
			else
				n++;
			free(rates);
		}
		free(res);
	}
	free(fourccs);
	txt = big ? NULL : malloc(FMT_TEXT_MAX);
	if (txt) {
		txt[0] = '\0';
		qsort(ents, n, sizeof(ents[0]), cmp_str);
		for (i = 0; i < n && txt; i++) {
			int len = snprintf(txt + used, FMT_TEXT_MAX - used,
					   "%zu:%s", strlen(ents[i]), ents[i]);

			if (len < 0 || (size_t)len >= FMT_TEXT_MAX - used) {
				free(txt);
				txt = NULL;
			} else {
				used += (size_t)len;
			}
		}
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	return txt;
}

/* Guest-written text goes into our log: printable and short only. */
static void quote(char *out, size_t len, const char *s)
{
	size_t i;

	if (!s) {
		snprintf(out, len, "(none)");
		return;
	}
	for (i = 0; s[i] && i + 4 < len && i < 40; i++)
		out[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	out[i] = '\0';
	if (s[i])
		snprintf(out + i, len - i, "...");
}

static bool same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/*
 * Compare the guest's copy of the configuration with the host's and log
 * the first difference of a connection once: nothing the guest wrote is
 * used, but the host should know that a guest tried.
 */
void vcamd_xb_check_guest_copy(struct vcamd_conn *c)
{
	char what[512] = "", g[64], h[64];
	char *hs, *gs;
	size_t used = 0, i;

	c->cfg_check_due = false;
	if (c->cfg_diff_logged)
		return;
	for (i = 0; i < sizeof(cfg_values) / sizeof(cfg_values[0]); i++) {
		hs = c->tp->read(c, HOST_DIR, cfg_values[i]);
		gs = c->tp->read(c, GUEST_DIR, cfg_values[i]);
		if (!same(hs, gs) && used < sizeof(what)) {
			quote(g, sizeof(g), gs);
			quote(h, sizeof(h), hs);
			used += (size_t)snprintf(what + used,
						 sizeof(what) - used,
						 "%s%s '%s' (host: '%s')",
						 used ? ", " : "",
						 cfg_values[i], g, h);
		}
		free(hs);
		free(gs);
	}
	hs = formats_text(c, HOST_DIR);
	gs = formats_text(c, GUEST_DIR);
	if (!same(hs, gs) && used < sizeof(what))
		used += (size_t)snprintf(what + used, sizeof(what) - used,
					 "%sformats", used ? ", " : "");
	free(hs);
	free(gs);
	if (!used)
		return;
	c->cfg_diff_logged = true;
	log_warn("%s: the guest's copy of its camera configuration differs "
		 "from the host's: %s; serving what the host configured",
		 c->name, what);
}
