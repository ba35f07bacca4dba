// SPDX-License-Identifier: MIT
/*
 * The device string of one camera: "key=value, key=value, ...".
 * Every value is checked here, before anything touches xenstore, so a bad
 * line attaches nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "strutil.h"
#include "vcam/ext.h"

void vcamts_spec_init(struct vcamts_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->devid = -1;
	strcpy(spec->backend, "0");
	spec->max_buffers = VCAMTS_MAX_BUFFERS_DEFAULT;
	spec->notify_mode = VCAM_NOTIFY_EVENT;
	spec->spin_us = VCAM_SPIN_US_DEFAULT;
}

int vcamts_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	uint32_t v;

	if (vcam_parse_u32(s, 0, max < UINT32_MAX ? (uint32_t)max : UINT32_MAX,
			   &v, NULL))
		return -1;
	*out = v;
	return 0;
}

/* A domid, or a name as xl accepts it for a domain. */
static int backend_valid(const char *s)
{
	unsigned long id;

	if (!*s)
		return 0;
	if (isdigit((unsigned char)*s))
		return vcamts_parse_uint(s, 0x7fef, &id) == 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return 0;
	return 1;
}

/*
 * PROTOCOL.md: the backend understands "videoN" and absolute /dev paths
 * only; refusing what it would refuse saves a silent InitWait later.
 */
static int unique_id_valid(const char *s)
{
	int video;

	return !vcam_parse_unique_id(s, &video, NULL);
}

static int parse_controls(struct vcamts_spec *spec, const char *val,
			  struct vcamts_err *err)
{
	char buf[256];
	char *save = NULL;
	char *tok;

	if (vcamts_copy(buf, sizeof(buf), val))
		return vcamts_errf(err, "key 'controls': value too long");
	spec->nr_controls = 0;
	for (tok = strtok_r(buf, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		int type;
		unsigned int i;

		tok = vcamts_trim(tok);
		if (!*tok)
			continue;
		type = vcam_ctrl_type_n(tok, strlen(tok));
		if (type < 0)
			return vcamts_errf(err,
				"key 'controls': unknown control '%s' (known: brightness, contrast, saturation, hue)",
				tok);
		for (i = 0; i < spec->nr_controls; i++)
			if (spec->controls[i] == type)
				return vcamts_errf(err,
					"key 'controls': control '%s' listed twice",
					tok);
		spec->controls[spec->nr_controls++] = type;
	}
	return 0;
}

enum spec_key {
	K_BACKEND, K_UNIQUE_ID, K_BE_ALLOC, K_MAX_BUFFERS, K_CONTROLS,
	K_NOTIFY_MODE, K_SPIN_US, K_FORMATS, K_DEVID, K_NR
};

static const char *const key_names[K_NR] = {
	[K_BACKEND] = "backend",
	[K_UNIQUE_ID] = XENCAMERA_FIELD_UNIQUE_ID,
	[K_BE_ALLOC] = XENCAMERA_FIELD_BE_ALLOC,
	[K_MAX_BUFFERS] = XENCAMERA_FIELD_MAX_BUFFERS,
	[K_CONTROLS] = XENCAMERA_FIELD_CONTROLS,
	[K_NOTIFY_MODE] = VCAM_FIELD_NOTIFY_MODE,
	[K_SPIN_US] = VCAM_FIELD_SPIN_US,
	[K_FORMATS] = XENCAMERA_FIELD_FORMATS,
	[K_DEVID] = "devid",
};

/*
 * One line per key for the commands' --help, from the key table and the
 * limits the parser applies (a key added without its line is a -Wswitch
 * error).  The man page xl-vcam-configuration(5) says more; man/check.py
 * fails when its keys or defaults differ from these lines.
 */
void vcamts_spec_print_keys(FILE *f)
{
	int k;

	for (k = 0; k < K_NR; k++) {
		char kv[64];

		snprintf(kv, sizeof(kv), "%s=", key_names[k]);
		switch ((enum spec_key)k) {
		case K_BACKEND:
			fprintf(f, "  %-13sDOMAIN  backend domain, domid or name (0)\n",
				kv);
			break;
		case K_UNIQUE_ID:
			fprintf(f, "  %-13svideoN|/dev/PATH  the camera there, N 0..%u (required)\n",
				kv, VCAM_CFG_MAX_VIDEO_N);
			break;
		case K_BE_ALLOC:
			fprintf(f, "  %-13s0|1  1: the backend allocates the buffers (0)\n",
				kv);
			break;
		case K_MAX_BUFFERS:
			fprintf(f, "  %-13s1..%u  buffers the guest may use (%d)\n",
				kv, VCAM_CFG_MAX_BUFFERS,
				VCAMTS_MAX_BUFFERS_DEFAULT);
			break;
		case K_CONTROLS:
			fprintf(f, "  %-13sNAME;...  of brightness, contrast, saturation, hue (none)\n",
				kv);
			break;
		case K_NOTIFY_MODE:
			fprintf(f, "  %-13sevent|spin|hybrid  (%s)\n", kv,
				vcam_notify_mode_name(VCAM_NOTIFY_EVENT));
			break;
		case K_SPIN_US:
			fprintf(f, "  %-13s0..%u  hybrid spin window, us (%u)\n",
				kv, VCAM_SPIN_US_MAX, VCAM_SPIN_US_DEFAULT);
			break;
		case K_FORMATS:
			fprintf(f, "  %-13sFOURCC:WxH@N/D;N/D|...  modes the guest may use\n"
				"               (the camera's own, read when the backend is this domain)\n",
				kv);
			break;
		case K_DEVID:
			fprintf(f, "  %-13s0..%d  (the lowest free)\n", kv,
				VCAMTS_DEVID_MAX);
			break;
		case K_NR:
			break;
		}
	}
}

static int apply_key(struct vcamts_spec *spec, enum spec_key k,
		     const char *val, struct vcamts_err *err)
{
	unsigned long n;
	uint32_t v;
	int b;

	switch (k) {
	case K_BACKEND:
		if (!backend_valid(val) ||
		    vcamts_copy(spec->backend, sizeof(spec->backend), val))
			return vcamts_errf(err,
				"key 'backend': '%s' is neither a domid nor a domain name",
				val);
		return 0;
	case K_UNIQUE_ID:
		if (!unique_id_valid(val) ||
		    vcamts_copy(spec->unique_id, sizeof(spec->unique_id), val))
			return vcamts_errf(err,
				"key 'unique-id': '%s' is not videoN or an absolute /dev path",
				val);
		return 0;
	case K_BE_ALLOC:
		if (vcam_parse_bool(val, &b, NULL))
			return vcamts_errf(err,
				"key 'be-alloc': '%s' is not 0 or 1", val);
		spec->be_alloc = b;
		return 0;
	case K_MAX_BUFFERS:
		if (vcam_parse_u32(val, 1, VCAM_CFG_MAX_BUFFERS, &v, NULL))
			return vcamts_errf(err,
				"key 'max-buffers': '%s' is not a number in 1..255",
				val);
		spec->max_buffers = v;
		return 0;
	case K_CONTROLS:
		return parse_controls(spec, val, err);
	case K_NOTIFY_MODE:
		spec->notify_mode = vcam_notify_mode_parse(val);
		if (spec->notify_mode < 0)
			return vcamts_errf(err,
				"key 'notify-mode': '%s' is not event, spin or hybrid",
				val);
		return 0;
	case K_SPIN_US:
		if (vcam_parse_u32(val, 0, VCAM_SPIN_US_MAX, &v, NULL))
			return vcamts_errf(err,
				"key 'spin-us': '%s' is not a number in 0..%u",
				val, VCAM_SPIN_US_MAX);
		spec->spin_us = v;
		return 0;
	case K_FORMATS:
		return vcamts_formats_parse(spec, val, err);
	case K_DEVID:
		if (vcamts_parse_uint(val, VCAMTS_DEVID_MAX, &n))
			return vcamts_errf(err,
				"key 'devid': '%s' is not a number in 0..%d",
				val, VCAMTS_DEVID_MAX);
		spec->devid = (int)n;
		return 0;
	case K_NR:
		break;
	}
	return vcamts_errf(err, "internal: bad key");
}

static int parse_items(struct vcamts_spec *spec, const char *str,
		       struct vcamts_err *err)
{
	char buf[4096];
	unsigned int seen = 0;
	char *save = NULL;
	char *item;

	if (vcamts_copy(buf, sizeof(buf), str))
		return vcamts_errf(err, "device string longer than %zu characters",
				   sizeof(buf) - 1);
	for (item = strtok_r(buf, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		char *key, *val;
		int k;

		item = vcamts_trim(item);
		if (!*item)
			continue;
		if (vcamts_split_kv(item, &key, &val))
			return vcamts_errf(err, "'%s' is not key=value", item);
		for (k = 0; k < K_NR; k++)
			if (strcmp(key, key_names[k]) == 0)
				break;
		if (k == K_NR)
			return vcamts_errf(err, "unknown key '%s'", key);
		if (seen & (1u << k))
			return vcamts_errf(err, "key '%s' given twice", key);
		seen |= 1u << k;
		if (apply_key(spec, (enum spec_key)k, val, err))
			return -1;
	}
	return 0;
}

int vcamts_spec_check(const struct vcamts_spec *spec, struct vcamts_err *err)
{
	if (!spec->unique_id[0])
		return vcamts_errf(err,
			"key 'unique-id' missing (which camera: videoN or /dev/...)");
	/* no formats: the camera's own modes, read at attach (probe.h) */
	return 0;
}

int vcamts_spec_parse_partial(struct vcamts_spec *spec, const char *str,
			      struct vcamts_err *err)
{
	vcamts_spec_init(spec);
	return parse_items(spec, str, err);
}

int vcamts_spec_parse(struct vcamts_spec *spec, const char *str,
		      struct vcamts_err *err)
{
	if (vcamts_spec_parse_partial(spec, str, err))
		return -1;
	return vcamts_spec_check(spec, err);
}

int vcamts_spec_controls_str(const struct vcamts_spec *spec, char *buf,
			     size_t len)
{
	size_t used = 0;
	unsigned int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < spec->nr_controls; i++) {
		int n = snprintf(buf + used, len - used, "%s%s",
				 i ? XENCAMERA_LIST_SEPARATOR : "",
				 vcam_ctrl_name(spec->controls[i]));

		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}
