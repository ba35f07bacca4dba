// SPDX-License-Identifier: MIT
#include "json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void vcamd_out_printf(struct vcamd_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full || o->pos + 1 >= o->len) {
		o->full = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= o->len - o->pos) {
		o->pos = o->len - 1;	/* cut: what fitted stays */
		o->full = true;
		return;
	}
	o->pos += (size_t)n;
}

/*
 * Length of the valid UTF-8 sequence at @s (at most @n octets), 0 if it
 * is not one: no overlong forms, no surrogates, nothing past U+10FFFF.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp, min;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void vcamd_out_json_str(struct vcamd_out *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = o->pos, i = 0;

	vcamd_out_printf(o, "\"");
	while (i < n && !o->full) {
		size_t l = utf8_len(u + i, n - i);

		if (!l) {
			vcamd_out_printf(o, "\\ufffd");
			i++;
		} else if (l > 1) {
			vcamd_out_printf(o, "%.*s", (int)l, s + i);
			i += l;
		} else {
			switch (u[i]) {
			case '"':
				vcamd_out_printf(o, "\\\"");
				break;
			case '\\':
				vcamd_out_printf(o, "\\\\");
				break;
			case '\n':
				vcamd_out_printf(o, "\\n");
				break;
			case '\t':
				vcamd_out_printf(o, "\\t");
				break;
			case '\r':
				vcamd_out_printf(o, "\\r");
				break;
			default:
				if (u[i] < 0x20 || u[i] == 0x7f)
					vcamd_out_printf(o, "\\u%04x", u[i]);
				else
					vcamd_out_printf(o, "%c", u[i]);
			}
			i++;
		}
	}
	vcamd_out_printf(o, "\"");
	if (o->full && start < o->len) {	/* never half a string */
		o->pos = start;
		o->buf[start] = '\0';
	}
}
