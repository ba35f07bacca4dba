/* SPDX-License-Identifier: MIT */
/*
 * Error text for the user.  Parsers and xenstore helpers fill one of these
 * instead of printing, so the unit tests can check the message and the
 * watcher daemon can prefix it with the domain it was working on.
 */
#ifndef VCAMTS_ERRBUF_H
#define VCAMTS_ERRBUF_H

#include <stdarg.h>
#include <stdio.h>

struct vcamts_err {
	char msg[512];
};

/* Always returns -1 so callers can write `return vcamts_errf(...)`. */
static inline int __attribute__((format(printf, 2, 3)))
vcamts_errf(struct vcamts_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Puts context in front of an existing message: "vcam[1]: " + msg. */
static inline void __attribute__((format(printf, 2, 3)))
vcamts_err_prefix(struct vcamts_err *err, const char *fmt, ...)
{
	char prefix[128];
	char old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	snprintf(old, sizeof(old), "%s", err->msg);
	/* a long message loses its tail, never its context */
	if (snprintf(err->msg, sizeof(err->msg), "%s%s", prefix, old) < 0)
		err->msg[0] = '\0';
}

#endif /* VCAMTS_ERRBUF_H */
