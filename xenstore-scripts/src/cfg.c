// SPDX-License-Identifier: MIT
/*
 * vcam = [ 'spec', ... ] and the fork's vcamera = [[ 'device', 'format',
 * ... ], ...] read through libxlutil.  Either key may hold plain strings
 * (vcam syntax) or lists of strings (fork syntax); both keys may be used
 * in one config, vcam's entries first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "cfg.h"
#include "strutil.h"

#define VCAMTS_CFG_MAX_BYTES	(1024 * 1024)

/* The fork's form: first string device options, then one format each. */
static int parse_sublist(XLU_Config *cfg, XLU_ConfigValue *v,
			 struct vcamts_spec *spec, struct vcamts_err *err)
{
	XLU_ConfigList *sub;
	const char *s;
	int i;

	if (xlu_cfg_value_get_list(cfg, v, &sub, 1))
		return vcamts_errf(err, "not a list");
	s = xlu_cfg_get_listitem(sub, 0);
	if (!s)
		return vcamts_errf(err,
			"first element must be the device string");
	if (vcamts_spec_parse_partial(spec, s, err))
		return -1;
	for (i = 1; xlu_cfg_get_listitem2(sub, i); i++) {
		s = xlu_cfg_get_listitem(sub, i);
		if (!s)
			return vcamts_errf(err,
				"element %d is not a format string", i);
		if (vcamts_spec_add_fork_format(spec, s, err)) {
			vcamts_err_prefix(err, "format string %d: ", i);
			return -1;
		}
	}
	return vcamts_spec_check(spec, err);
}

static int parse_key(XLU_Config *cfg, const char *key, struct vcamts_cfg *out,
		     struct vcamts_err *err)
{
	XLU_ConfigList *list;
	int nr, i, rc;

	rc = xlu_cfg_get_list(cfg, key, &list, &nr, 1);
	if (rc == ESRCH)
		return 0;
	if (rc)
		return vcamts_errf(err,
				   "%s must be a list: %s = [ '...', ... ]",
				   key, key);
	for (i = 0; i < nr; i++) {
		XLU_ConfigValue *v = xlu_cfg_get_listitem2(list, i);
		struct vcamts_spec *spec;

		if (out->nr_specs == VCAMTS_CFG_MAX_DEVICES)
			return vcamts_errf(err, "more than %d cameras",
					   VCAMTS_CFG_MAX_DEVICES);
		spec = &out->specs[out->nr_specs];
		if (xlu_cfg_value_type(v) == XLU_STRING)
			rc = vcamts_spec_parse(spec,
					       xlu_cfg_get_listitem(list, i), err);
		else
			rc = parse_sublist(cfg, v, spec, err);
		if (rc) {
			vcamts_err_prefix(err, "%s[%d]: ", key, i);
			return -1;
		}
		out->nr_specs++;
	}
	return 0;
}

static int devid_taken(const struct vcamts_cfg *out, int devid)
{
	unsigned int i;

	for (i = 0; i < out->nr_specs; i++)
		if (out->specs[i].devid == devid)
			return 1;
	return 0;
}

/*
 * Deterministic, so the watcher and vcam-xl attaching the same config
 * agree on devids and the second attach is a no-op.
 */
static int assign_devids(struct vcamts_cfg *out, struct vcamts_err *err)
{
	unsigned int i, j;
	int next = 0;

	for (i = 0; i < out->nr_specs; i++)
		for (j = 0; j < i; j++)
			if (out->specs[i].devid >= 0 &&
			    out->specs[i].devid == out->specs[j].devid)
				return vcamts_errf(err,
					"devid %d used by two cameras",
					out->specs[i].devid);
	for (i = 0; i < out->nr_specs; i++) {
		if (out->specs[i].devid >= 0)
			continue;
		while (devid_taken(out, next))
			next++;
		out->specs[i].devid = next++;
	}
	return 0;
}

/*
 * libxlutil reports one line per syntax error, and a config can have many:
 * keep whole lines and say how many did not fit, rather than cut the
 * message mid-line.  The room left is for the prefixes callers add.
 */
#define VCAMTS_CFG_REPORT_ROOM	(sizeof(((struct vcamts_err *)0)->msg) - 160)

static void report_syntax(struct vcamts_err *err, char *report)
{
	char text[VCAMTS_CFG_REPORT_ROOM];
	char *line, *save = NULL;
	size_t used = 0, n;
	int more = 0;

	text[0] = '\0';
	for (line = report ? strtok_r(report, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		line = vcamts_trim(line);
		n = strlen(line);
		if (!n)
			continue;
		if (used && (more || used + 1 + n >= sizeof(text))) {
			more++;
			continue;
		}
		/* the first line is kept even if it alone is too long */
		used += snprintf(text + used, sizeof(text) - used, "%s%s",
				 used ? "\n" : "", line);
		if (used >= sizeof(text))
			used = sizeof(text) - 1;
	}
	if (!used)
		vcamts_errf(err, "config syntax error");
	else if (more)
		vcamts_errf(err, "%s\n(and %d more syntax error%s)", text, more,
			    more == 1 ? "" : "s");
	else
		vcamts_errf(err, "%s", text);
}

int vcamts_cfg_parse(const char *data, size_t len, const char *source,
		     struct vcamts_cfg *out, struct vcamts_err *err)
{
	char *report_text = NULL;
	size_t report_len = 0;
	FILE *report;
	XLU_Config *cfg;
	const char *name;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (len > VCAMTS_CFG_MAX_BYTES)
		return vcamts_errf(err, "%s: config larger than %d bytes",
				   source, VCAMTS_CFG_MAX_BYTES);
	/* libxlutil reports syntax errors to a FILE: keep them for @err */
	report = open_memstream(&report_text, &report_len);
	if (!report)
		return vcamts_errf(err, "out of memory");
	cfg = xlu_cfg_init(report, source);
	if (!cfg) {
		fclose(report);
		free(report_text);
		return vcamts_errf(err, "out of memory");
	}
	if (xlu_cfg_readdata(cfg, data, (int)len)) {
		fflush(report);
		report_syntax(err, report_len ? report_text : NULL);
		goto out;
	}
	if (!xlu_cfg_get_string(cfg, "name", &name, 1))
		snprintf(out->name, sizeof(out->name), "%s", name);
	if (parse_key(cfg, "vcam", out, err) ||
	    parse_key(cfg, XENCAMERA_DRIVER_NAME, out, err) ||
	    assign_devids(out, err)) {
		vcamts_err_prefix(err, "%s: ", source);
		out->nr_specs = 0;
		goto out;
	}
	rc = 0;
out:
	xlu_cfg_destroy(cfg);
	fclose(report);
	free(report_text);
	return rc;
}

static int append(char **buf, size_t *len, const char *s, size_t n)
{
	char *nb;

	if (*len + n + 1 > VCAMTS_CFG_MAX_BYTES + 1)
		return -1;
	nb = realloc(*buf, *len + n + 1);
	if (!nb)
		return -1;
	memcpy(nb + *len, s, n);
	*len += n;
	nb[*len] = '\0';
	*buf = nb;
	return 0;
}

int vcamts_cfg_load(const char *path, char *const *overrides,
		    unsigned int nr_overrides, const char *source,
		    struct vcamts_cfg *out, struct vcamts_err *err)
{
	char chunk[4096];
	char *data = NULL;
	size_t len = 0, n;
	unsigned int i;
	FILE *f;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	f = fopen(path, "r");
	if (!f)
		return vcamts_errf(err, "%s: %s", source, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (append(&data, &len, chunk, n)) {
			vcamts_errf(err, "%s: too large or out of memory",
				    source);
			goto out;
		}
	if (ferror(f)) {
		vcamts_errf(err, "%s: read error", source);
		goto out;
	}
	/* exactly what xl create does with trailing key=value arguments */
	if (append(&data, &len, "\n", 1))
		goto nomem;
	for (i = 0; i < nr_overrides; i++)
		if (append(&data, &len, overrides[i], strlen(overrides[i])) ||
		    append(&data, &len, "\n", 1))
			goto nomem;
	rc = vcamts_cfg_parse(data, len, source, out, err);
	goto out;
nomem:
	vcamts_errf(err, "%s: too large or out of memory", source);
out:
	fclose(f);
	free(data);
	return rc;
}
