// SPDX-License-Identifier: MIT
#include "csum.h"

#include <zlib.h>

/*
 * zlib's CRC-32 (the same function): the rig's guests checksum every frame
 * under emulation, where a byte-at-a-time table took most of a stream's CPU.
 */
uint32_t tfe_crc32(uint32_t crc, const void *buf, size_t len)
{
	return (uint32_t)crc32_z(crc, buf, len);
}

int tfe_csum_print(FILE *out, uint32_t seq, unsigned int idx, uint32_t size,
		   uint32_t crc)
{
	return fprintf(out, "frame seq=%u idx=%u size=%u crc32=%08x\n",
		       seq, idx, size, crc);
}

int tfe_csum_print_lat(FILE *out, uint32_t seq, unsigned int idx,
		       uint32_t size, uint32_t crc, int64_t lat_ns)
{
	return fprintf(out, "frame seq=%u idx=%u size=%u crc32=%08x lat-us=%lld\n",
		       seq, idx, size, crc, (long long)(lat_ns / 1000));
}
