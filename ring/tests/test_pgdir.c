// SPDX-License-Identifier: MIT
/* vcam/pgdir.h: the page directory the userspace peers write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/io/cameraif.h>
#include "vcam/pgdir.h"

static uint32_t word(const void *dir, unsigned int page, unsigned int i)
{
	uint32_t v;

	memcpy(&v, (const char *)dir + (size_t)page * 4096 + 4 * i, 4);
	return v;
}

static void test_counts(void **state)
{
	(void)state;
	assert_int_equal(VCAM_PGDIR_REFS_PER_PAGE, 1023);
	assert_int_equal(vcam_pages_for(0), 0);
	assert_int_equal(vcam_pages_for(1), 1);
	assert_int_equal(vcam_pages_for(4096), 1);
	assert_int_equal(vcam_pages_for(4097), 2);
	assert_int_equal(vcam_pages_for(640 * 360 * 2), 113);
	assert_int_equal(vcam_pages_for(0xffffffffu), 1048576);
	assert_int_equal(vcam_pgdir_pages(0), 1);
	assert_int_equal(vcam_pgdir_pages(1023), 1);
	assert_int_equal(vcam_pgdir_pages(1024), 2);
	assert_int_equal(vcam_pgdir_pages(3 * 1023), 3);
	assert_int_equal(vcam_pgdir_pages(3 * 1023 + 1), 4);
}

/* 2500 refs: 1023 + 1023 + 454 over three chained pages. */
static void test_fill_chains_across_pages(void **state)
{
	unsigned int n = 2500, ndir = vcam_pgdir_pages(n), i;
	grant_ref_t dref[3] = { 900, 901, 777 };
	grant_ref_t *refs = malloc(n * sizeof(*refs));
	void *dir = malloc(ndir * 4096);

	(void)state;
	assert_int_equal(ndir, 3);
	for (i = 0; i < n; i++)
		refs[i] = 10000 + i;
	memset(dir, 0xee, ndir * 4096);
	vcam_pgdir_fill(dir, ndir, dref, refs, n);
	assert_int_equal(word(dir, 0, 0), 901);
	assert_int_equal(word(dir, 1, 0), 777);
	assert_int_equal(word(dir, 2, 0), 0);
	assert_int_equal(word(dir, 0, 1), 10000);
	assert_int_equal(word(dir, 0, 1023), 10000 + 1022);
	assert_int_equal(word(dir, 1, 1), 10000 + 1023);
	assert_int_equal(word(dir, 2, 1), 10000 + 2046);
	assert_int_equal(word(dir, 2, 454), 10000 + 2499);
	free(refs);
	free(dir);
}

/* be-alloc: the backend fills refs, we read them back, chain checked. */
static void test_read_back(void **state)
{
	unsigned int n = 1500, i;
	grant_ref_t dref[2] = { 50, 51 };
	grant_ref_t *in = malloc(n * sizeof(*in));
	grant_ref_t *out = calloc(n, sizeof(*out));
	void *dir = calloc(2, 4096);

	(void)state;
	vcam_pgdir_chain(dir, 2, dref);
	assert_int_equal(word(dir, 0, 0), 51);
	assert_int_equal(word(dir, 1, 0), 0);
	for (i = 0; i < n; i++)
		in[i] = 3 * i + 1;
	/* What a backend does: fill refs, keep next pointers. */
	memcpy((char *)dir + 4, in, 1023 * 4);
	memcpy((char *)dir + 4096 + 4, in + 1023, (n - 1023) * 4);
	assert_int_equal(vcam_pgdir_read(dir, 2, dref, out, n), 0);
	assert_memory_equal(in, out, n * sizeof(*in));
	/* A backend that rewrote our chain is caught. */
	memcpy(dir, &(grant_ref_t){ 52 }, 4);
	assert_int_equal(vcam_pgdir_read(dir, 2, dref, out, n), -1);
	memcpy(dir, &(grant_ref_t){ 51 }, 4);
	memcpy((char *)dir + 4096, &(grant_ref_t){ 50 }, 4);
	assert_int_equal(vcam_pgdir_read(dir, 2, dref, out, n), -1);
	/* Too few directory pages for the refs wanted. */
	memcpy((char *)dir + 4096, &(grant_ref_t){ 0 }, 4);
	assert_int_equal(vcam_pgdir_read(dir, 1, dref, out, n), -1);
	free(in);
	free(out);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_fill_chains_across_pages),
		cmocka_unit_test(test_read_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
