// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csum.h"

/* Known answers: zlib.crc32 of the same inputs. */
static void test_known_vectors(void **state)
{
	(void)state;
	assert_int_equal(tfe_crc32(0, "", 0), 0);
	assert_int_equal(tfe_crc32(0, "123456789", 9), 0xcbf43926u);
	assert_int_equal(tfe_crc32(0, "The quick brown fox jumps over the lazy dog",
				   43), 0x414fa339u);
}

static void test_incremental_equals_whole(void **state)
{
	uint8_t buf[5000];
	uint32_t a, b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	a = tfe_crc32(0, buf, sizeof(buf));
	b = tfe_crc32(tfe_crc32(0, buf, 1234), buf + 1234, sizeof(buf) - 1234);
	assert_int_equal(a, b);
	buf[4999] ^= 1;
	assert_int_not_equal(a, tfe_crc32(0, buf, sizeof(buf)));
}

static void test_line_format(void **state)
{
	char line[128];
	FILE *f = fmemopen(line, sizeof(line), "w");

	(void)state;
	assert_non_null(f);
	tfe_csum_print(f, 7, 2, 460800, 0x0badf00d);
	fclose(f);
	assert_string_equal(line,
			    "frame seq=7 idx=2 size=460800 crc32=0badf00d\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_incremental_equals_whole),
		cmocka_unit_test(test_line_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
