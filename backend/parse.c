// SPDX-License-Identifier: MIT
#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int vcamd_unique_id_path(const char *s, char *path, size_t len,
			 const char **why)
{
	int video, n;

	if (vcam_parse_unique_id(s, &video, why))
		return -EINVAL;
	if (video == VCAM_UNIQUE_ID_PATH)
		n = snprintf(path, len, "%s", s);
	else
		n = snprintf(path, len, "/dev/video%d", video);
	if (n < 0 || (size_t)n >= len)
		return vcam_cfg_fail(why, "path too long");
	return 0;
}

int vcamd_parse_xb_state(const char *s, int *state, const char **why)
{
	uint32_t v;

	if (vcam_parse_u32(s, 0, XenbusStateReconfigured, &v, why))
		return -EINVAL;
	*state = (int)v;
	return 0;
}
