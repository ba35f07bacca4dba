/* SPDX-License-Identifier: MIT */
/*
 * vcamd's own parsers.  The configuration's values are read with
 * vcam/cfgparse.h (through wire.h), the rules every vcam half shares;
 * these are what only a backend needs on top.  Each returns 0 or a
 * negative errno and, on error, a human-readable reason in *why.
 */
#ifndef VCAMD_PARSE_H
#define VCAMD_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* unique-id (vcam_parse_unique_id()) as the camera's device path. */
int vcamd_unique_id_path(const char *s, char *path, size_t len,
			 const char **why);
/* xenbus state number 0..7. */
int vcamd_parse_xb_state(const char *s, int *state, const char **why);

#endif /* VCAMD_PARSE_H */
