/* SPDX-License-Identifier: MIT */
/* The fuzzer's checks of parse.c's parsers (see fz_parse.c). */
#ifndef VCAMD_FZ_PARSE_H
#define VCAMD_FZ_PARSE_H

#include <stdbool.h>

/* Abort if a parser misbehaves on s; sel varies buffer sizes and bounds. */
void fz_check_parsers(const char *s, unsigned int sel);

#endif /* VCAMD_FZ_PARSE_H */
