// SPDX-License-Identifier: MIT
/*
 * Formats: which (FOURCC, resolution, frame rates) the guest may use.
 * vcam syntax, one value of formats=:
 *	FOURCC:WxH@N/D[;N/D...][|FOURCC:WxH@N/D...]
 * The fork's syntax, one string per entry:
 *	format=FOURCC, resolution=WxH, frame-rates=N/D[;N/D...]
 * Both end up as the same vcamts_format entries, and from there as
 * formats/<FOURCC>/<W>x<H>/frame-rates = "N/D,N/D" in xenstore.
 */
#include <stdio.h>
#include <string.h>

#include "spec.h"
#include "strutil.h"

/* Names and values as vcam/cfgparse.h (and so the backend) reads them. */
int vcamts_fourcc_valid(const char *s)
{
	uint32_t f;

	return !vcam_parse_fourcc(s, &f, NULL);
}

static int parse_rates(struct vcamts_format *fmt, const char *s,
		       struct vcamts_err *err)
{
	char buf[512];
	char *save = NULL;
	char *tok;

	if (vcamts_copy(buf, sizeof(buf), s))
		return vcamts_errf(err, "frame-rate list too long");
	fmt->nr_rates = 0;
	for (tok = strtok_r(buf, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		struct vcam_rate r;
		unsigned int i;

		tok = vcamts_trim(tok);
		if (!*tok)
			continue;
		if (vcam_parse_rate(tok, strlen(tok), &r, NULL))
			return vcamts_errf(err,
				"frame rate '%s' is not N/D with N, D > 0", tok);
		for (i = 0; i < fmt->nr_rates; i++)
			if (fmt->rates[i].numer == r.numer &&
			    fmt->rates[i].denom == r.denom)
				return vcamts_errf(err,
					"frame rate '%s' listed twice", tok);
		if (fmt->nr_rates == VCAMTS_MAX_RATES)
			return vcamts_errf(err, "more than %d frame rates",
					   VCAMTS_MAX_RATES);
		fmt->rates[fmt->nr_rates++] = r;
	}
	if (!fmt->nr_rates)
		return vcamts_errf(err, "no frame rate given");
	return 0;
}

static int parse_resolution(struct vcamts_format *fmt, const char *s,
			    struct vcamts_err *err)
{
	if (vcam_parse_resolution(s, &fmt->width, &fmt->height, NULL))
		return vcamts_errf(err,
			"resolution '%s' is not WxH with 1..%u each", s,
			VCAMTS_DIM_MAX);
	return 0;
}

static int set_fourcc(struct vcamts_format *fmt, const char *s,
		      struct vcamts_err *err)
{
	if (!vcamts_fourcc_valid(s) ||
	    vcamts_copy(fmt->fourcc, sizeof(fmt->fourcc), s))
		return vcamts_errf(err,
			"'%s' is not a FOURCC (1-4 printable characters, optional -BE)",
			s);
	return 0;
}

static int add_format(struct vcamts_spec *spec, const struct vcamts_format *fmt,
		      struct vcamts_err *err)
{
	unsigned int i;

	for (i = 0; i < spec->nr_formats; i++) {
		const struct vcamts_format *o = &spec->formats[i];

		if (strcmp(o->fourcc, fmt->fourcc) == 0 &&
		    o->width == fmt->width && o->height == fmt->height)
			return vcamts_errf(err, "format %s:%ux%u given twice",
					   fmt->fourcc, fmt->width,
					   fmt->height);
	}
	if (spec->nr_formats == VCAMTS_MAX_FORMATS)
		return vcamts_errf(err, "more than %d formats",
				   VCAMTS_MAX_FORMATS);
	if (!vcamts_spec_has_fourcc(spec, fmt->fourcc) &&
	    vcamts_spec_nr_fourccs(spec) == VCAM_CFG_MAX_FOURCCS)
		return vcamts_errf(err, "more than %d FOURCCs",
				   VCAM_CFG_MAX_FOURCCS);
	spec->formats[spec->nr_formats++] = *fmt;
	return 0;
}

/* "FOURCC:WxH@rates" */
static int parse_entry(struct vcamts_spec *spec, char *s,
		       struct vcamts_err *err)
{
	struct vcamts_format fmt;
	char *colon, *at;

	memset(&fmt, 0, sizeof(fmt));
	colon = strchr(s, ':');
	at = colon ? strchr(colon, '@') : NULL;
	if (!colon || !at)
		return vcamts_errf(err, "'%s' is not FOURCC:WxH@N/D[;N/D...]",
				   s);
	*colon = '\0';
	*at = '\0';
	if (set_fourcc(&fmt, vcamts_trim(s), err) ||
	    parse_resolution(&fmt, vcamts_trim(colon + 1), err) ||
	    parse_rates(&fmt, at + 1, err))
		return -1;
	return add_format(spec, &fmt, err);
}

int vcamts_spec_has_fourcc(const struct vcamts_spec *spec, const char *fourcc)
{
	unsigned int i;

	for (i = 0; i < spec->nr_formats; i++)
		if (strcmp(spec->formats[i].fourcc, fourcc) == 0)
			return 1;
	return 0;
}

unsigned int vcamts_spec_nr_fourccs(const struct vcamts_spec *spec)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < spec->nr_formats; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(spec->formats[i].fourcc,
				   spec->formats[j].fourcc) == 0)
				break;
		n += j == i;
	}
	return n;
}

int vcamts_formats_parse(struct vcamts_spec *spec, const char *str,
			 struct vcamts_err *err)
{
	char buf[VCAMTS_FORMATS_TEXT_MAX];
	char *save = NULL;
	char *tok;
	unsigned int before = spec->nr_formats;

	if (vcamts_copy(buf, sizeof(buf), str))
		return vcamts_errf(err, "key 'formats': value too long");
	for (tok = strtok_r(buf, "|", &save); tok;
	     tok = strtok_r(NULL, "|", &save)) {
		tok = vcamts_trim(tok);
		if (!*tok)
			continue;
		if (parse_entry(spec, tok, err)) {
			vcamts_err_prefix(err, "key 'formats': ");
			return -1;
		}
	}
	if (spec->nr_formats == before)
		return vcamts_errf(err, "key 'formats': empty");
	return 0;
}

int vcamts_spec_add_fork_format(struct vcamts_spec *spec, const char *str,
				struct vcamts_err *err)
{
	char buf[1024];
	char fourcc[32] = "", res[32] = "", rates[512] = "";
	char *save = NULL;
	char *item;
	struct vcamts_format fmt;

	if (vcamts_copy(buf, sizeof(buf), str))
		return vcamts_errf(err, "format string too long");
	for (item = strtok_r(buf, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		char *key, *val, *dst;
		size_t dlen;

		item = vcamts_trim(item);
		if (!*item)
			continue;
		if (vcamts_split_kv(item, &key, &val))
			return vcamts_errf(err, "'%s' is not key=value", item);
		if (strcmp(key, "format") == 0) {
			dst = fourcc;
			dlen = sizeof(fourcc);
		} else if (strcmp(key, "resolution") == 0) {
			dst = res;
			dlen = sizeof(res);
		} else if (strcmp(key, XENCAMERA_FIELD_FRAME_RATES) == 0) {
			dst = rates;
			dlen = sizeof(rates);
		} else {
			return vcamts_errf(err,
				"unknown key '%s' in a format string (format, resolution, frame-rates)",
				key);
		}
		if (*dst)
			return vcamts_errf(err, "key '%s' given twice", key);
		if (!*val)
			return vcamts_errf(err, "key '%s': empty value", key);
		if (vcamts_copy(dst, dlen, val))
			return vcamts_errf(err, "key '%s': value too long",
					   key);
	}
	if (!*fourcc || !*res || !*rates)
		return vcamts_errf(err,
			"format string '%s' needs format=, resolution= and frame-rates=",
			str);
	memset(&fmt, 0, sizeof(fmt));
	if (set_fourcc(&fmt, fourcc, err) ||
	    parse_resolution(&fmt, res, err) ||
	    parse_rates(&fmt, rates, err) ||
	    add_format(spec, &fmt, err))
		return -1;
	return 0;
}

int vcamts_format_rates_str(const struct vcamts_format *fmt, char *buf,
			    size_t len)
{
	size_t used = 0;
	unsigned int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < fmt->nr_rates; i++) {
		int n = snprintf(buf + used, len - used, "%s%u%s%u",
				 i ? XENCAMERA_LIST_SEPARATOR : "",
				 fmt->rates[i].numer,
				 XENCAMERA_FRACTION_SEPARATOR,
				 fmt->rates[i].denom);

		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}
