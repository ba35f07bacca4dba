// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "strutil.h"

/* snprintf into buf + *used; -1 when it does not fit */
static int __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *used)
		return -1;
	*used += (size_t)n;
	return 0;
}

int vcamts_record_spec_text(const struct vcamts_spec *spec,
			    const char *backend_name, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	if (spec->devid < 0)
		return -1;
	if (append(buf, len, &used,
		   "unique-id=%s, backend=%s, devid=%d, be-alloc=%d, max-buffers=%u, notify-mode=%s, spin-us=%u",
		   spec->unique_id, backend_name, spec->devid, spec->be_alloc,
		   spec->max_buffers,
		   vcam_notify_mode_name(spec->notify_mode), spec->spin_us))
		return -1;
	/* the parser's own list syntax, in the guest's enumeration order */
	for (i = 0; i < spec->nr_controls; i++)
		if (append(buf, len, &used, "%s%s", i ? ";" : ", controls=",
			   vcam_ctrl_name(spec->controls[i])))
			return -1;
	return 0;
}

int vcamts_record_format_text(const struct vcamts_format *fmt, char *buf,
			      size_t len)
{
	size_t used = 0;
	unsigned int i;

	if (append(buf, len, &used, "%s:%ux%u@", fmt->fourcc, fmt->width,
		   fmt->height))
		return -1;
	for (i = 0; i < fmt->nr_rates; i++)
		if (append(buf, len, &used, "%s%u/%u", i ? ";" : "",
			   fmt->rates[i].numer, fmt->rates[i].denom))
			return -1;
	return 0;
}

/* Whether the device string gives @key, split as the spec parser does. */
static bool has_key(const char *text, const char *key)
{
	char buf[VCAMTS_RECORD_SPEC_MAX];
	char *save = NULL;
	char *item, *k, *v;

	if (vcamts_copy(buf, sizeof(buf), text))
		return false;
	for (item = strtok_r(buf, ",", &save); item;
	     item = strtok_r(NULL, ",", &save))
		if (vcamts_split_kv(item, &k, &v) == 0 && strcmp(k, key) == 0)
			return true;
	return false;
}

int vcamts_record_parse(struct vcamts_spec *spec, const char *spec_text,
			const char *const *formats, unsigned int nr,
			struct vcamts_err *err)
{
	unsigned int i;

	if (strlen(spec_text) >= VCAMTS_RECORD_SPEC_MAX)
		return vcamts_errf(err, "record longer than %d characters",
				   VCAMTS_RECORD_SPEC_MAX - 1);
	if (vcamts_spec_parse_partial(spec, spec_text, err))
		return -1;
	/*
	 * Without them the defaults would silently mean "dom0" and "any
	 * free devid": a re-attach must go back to the same place.
	 */
	if (!has_key(spec_text, "backend"))
		return vcamts_errf(err, "record names no backend");
	if (!has_key(spec_text, "devid"))
		return vcamts_errf(err, "record has no devid");
	if (!nr)
		return vcamts_errf(err, "record has no formats");
	for (i = 0; i < nr; i++) {
		if (vcamts_formats_parse(spec, formats[i], err)) {
			vcamts_err_prefix(err, "format %u: ", i);
			return -1;
		}
	}
	return vcamts_spec_check(spec, err);
}

int vcamts_uuid_from_vm_path(const char *vm, char *buf, size_t len)
{
	static const char prefix[] = "/vm/";
	const char *u;
	size_t i;

	if (!vm || strncmp(vm, prefix, sizeof(prefix) - 1) != 0 ||
	    len < VCAMTS_UUID_LEN + 1)
		return -1;
	u = vm + sizeof(prefix) - 1;
	if (strlen(u) != VCAMTS_UUID_LEN)
		return -1;
	for (i = 0; i < VCAMTS_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? u[i] != '-' :
			   !isxdigit((unsigned char)u[i]) ||
			   isupper((unsigned char)u[i]))
			return -1;
	}
	memcpy(buf, u, VCAMTS_UUID_LEN + 1);
	return 0;
}

void vcamts_record_uuid_dir(char *buf, size_t len, const char *uuid)
{
	snprintf(buf, len, "%s/%s", VCAMTS_RECORD_ROOT, uuid);
}

void vcamts_record_dir(char *buf, size_t len, const char *uuid,
		       unsigned int devid)
{
	snprintf(buf, len, "%s/%s/%u", VCAMTS_RECORD_ROOT, uuid, devid);
}
