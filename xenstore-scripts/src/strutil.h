/* SPDX-License-Identifier: MIT */
/* Small string helpers shared by the parsers. */
#ifndef VCAMTS_STRUTIL_H
#define VCAMTS_STRUTIL_H

#include <stddef.h>

/* Copies @src into @dst; -1 (and nothing copied) if it does not fit. */
int vcamts_copy(char *dst, size_t len, const char *src);
/* Strips leading and trailing white space in place. */
char *vcamts_trim(char *s);
/* "key = value" -> trimmed key and value; -1 without '=' or with no key. */
int vcamts_split_kv(char *item, char **key, char **val);

#endif /* VCAMTS_STRUTIL_H */
