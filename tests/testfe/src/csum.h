/* SPDX-License-Identifier: MIT */
/*
 * Frame checksum shared by vcam-testfe and vcam-capsum.  CRC-32 (IEEE,
 * reflected, as zlib and Python's zlib.crc32 compute it) so the rig can
 * cross-check a line with any stock tool.
 */
#ifndef TFE_CSUM_H
#define TFE_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

uint32_t tfe_crc32(uint32_t crc, const void *buf, size_t len);

/*
 * One line per frame, identical in both tools so captures can be diffed:
 *   frame seq=<n> idx=<i> size=<used> crc32=<8 hex>
 */
int tfe_csum_print(FILE *out, uint32_t seq, unsigned int idx, uint32_t size,
		   uint32_t crc);
/* The same with the frame's latency appended: "... lat-us=L". */
int tfe_csum_print_lat(FILE *out, uint32_t seq, unsigned int idx,
		       uint32_t size, uint32_t crc, int64_t lat_ns);

#endif /* TFE_CSUM_H */
