/* SPDX-License-Identifier: MIT */
/* Small string helpers shared by the parsers. */
#ifndef VCAM_STRUTIL_H
#define VCAM_STRUTIL_H

#include <stddef.h>

/* Copies @src into @dst; -1 (and nothing copied) if it does not fit. */
int vcam_copy(char *dst, size_t len, const char *src);
/* Strips leading and trailing white space in place. */
char *vcam_trim(char *s);
/* "key = value" -> trimmed key and value; -1 without '=' or with no key. */
int vcam_split_kv(char *item, char **key, char **val);

#endif /* VCAM_STRUTIL_H */
