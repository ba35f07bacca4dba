/* SPDX-License-Identifier: MIT */
/*
 * A bounded output buffer and the one JSON piece that needs care: string
 * literals (vcamctl status --json).  Numbers and keys are printed with
 * vcamd_out_printf(); keys are the code's own literals.
 */
#ifndef VCAMD_JSON_H
#define VCAMD_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct vcamd_out {
	char *buf;
	size_t len;		/* room in buf, the terminating NUL included */
	size_t pos;		/* octets written, always < len when len > 0 */
	bool full;		/* something did not fit and was cut */
};

/* printf into the buffer; what does not fit is cut and sets ->full. */
void vcamd_out_printf(struct vcamd_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The @n octets at @s as a JSON string literal, quotes included.  `"`,
 * `\` and control characters (and DEL) are escaped; valid UTF-8 passes
 * through; every octet of an invalid UTF-8 sequence becomes U+FFFD, so the
 * document stays valid JSON (RFC 8259) whatever the octets are.  Written
 * whole or not at all (->full set).
 */
void vcamd_out_json_str(struct vcamd_out *o, const char *s, size_t n);

#endif /* VCAMD_JSON_H */
