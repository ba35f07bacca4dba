/* SPDX-License-Identifier: MIT */
/*
 * Runs one vector of cfgparse_vectors.h through vcam/cfgparse.h and
 * renders the answer as text, so one comparison covers every kind of
 * value.  Test code: it may use snprintf, the header under test may not.
 */
#ifndef VCAM_CFGPARSE_RUN_H
#define VCAM_CFGPARSE_RUN_H

#include <stdio.h>

#include "cfgparse_vectors.h"

static void vec_render_rates(char *out, size_t len, const struct vcam_rate *r,
			     unsigned int n)
{
	size_t used = 0;
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%u/%u",
					 i ? "," : "", r[i].numer, r[i].denom);
}

static void vec_render_ctrls(char *out, size_t len, const uint8_t *t,
			     unsigned int n)
{
	size_t used = 0;
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%u",
					 i ? "," : "", t[i]);
}

/* Renders v's answer into out: the result, or "!" and the reason. */
static void vec_run(const struct vcam_vec *v, char *out, size_t len)
{
	struct vcam_rate rates[VCAM_CFG_MAX_RATES];
	uint8_t ctrls[XENCAMERA_MAX_CTRL];
	const char *why = "(no reason)";
	unsigned int n = 0;
	uint32_t a = 0, b = 0;
	int i = 0, ret = 0;

	switch (v->kind) {
	case VEC_U32:
		ret = vcam_parse_u32(v->in, v->a, v->b, &a, &why);
		snprintf(out, len, "%u", a);
		break;
	case VEC_BOOL:
		ret = vcam_parse_bool(v->in, &i, &why);
		snprintf(out, len, "%d", i);
		break;
	case VEC_BE_ALLOC:
		snprintf(out, len, "%d", vcam_be_alloc_of(v->in));
		break;
	case VEC_MODE:
		ret = vcam_parse_notify_mode(v->in, &i, &why);
		snprintf(out, len, "%d", i);
		break;
	case VEC_FOURCC:
		ret = vcam_parse_fourcc(v->in, &a, &why);
		snprintf(out, len, "%08x", a);
		break;
	case VEC_RES:
		ret = vcam_parse_resolution(v->in, &a, &b, &why);
		snprintf(out, len, "%ux%u", a, b);
		break;
	case VEC_RATES:
		ret = vcam_parse_rates(v->in, rates, v->a, &n, &why);
		vec_render_rates(out, len, rates, n);
		break;
	case VEC_CTRLS:
		ret = vcam_parse_controls(v->in, ctrls, &n, &why);
		vec_render_ctrls(out, len, ctrls, n);
		break;
	case VEC_UID:
		ret = vcam_parse_unique_id(v->in, &i, &why);
		if (i == VCAM_UNIQUE_ID_PATH)
			snprintf(out, len, "path");
		else
			snprintf(out, len, "video%d", i);
		break;
	case VEC_LIST_HAS:
		snprintf(out, len, "%d", vcam_list_has(v->in, "1"));
		break;
	}
	if (ret)
		snprintf(out, len, "%s%s", ret == -EINVAL ? "!" : "!errno? ",
			 why);
}

#endif /* VCAM_CFGPARSE_RUN_H */
