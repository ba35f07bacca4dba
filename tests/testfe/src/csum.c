// SPDX-License-Identifier: MIT
#include "csum.h"

/* Byte-at-a-time table; frames are a few hundred KiB, fast enough. */
static uint32_t crc_table[256];
static int crc_table_ready;

static void crc_table_init(void)
{
	uint32_t c;
	unsigned int i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	crc_table_ready = 1;
}

uint32_t tfe_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc_table_ready)
		crc_table_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
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
