// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <string.h>

#include "strutil.h"

int vcamts_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

char *vcamts_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int vcamts_split_kv(char *item, char **key, char **val)
{
	char *eq = strchr(item, '=');

	if (!eq)
		return -1;
	*eq = '\0';
	*key = vcamts_trim(item);
	if (!**key) {
		*eq = '=';	/* leave @item whole for the error message */
		return -1;
	}
	*val = vcamts_trim(eq + 1);
	return 0;
}
