/* SPDX-License-Identifier: MIT */
/*
 * A xenstore directory for the fuzzer and unit tests (a frontend's or a
 * backend's dir): a flat list of path -> value nodes written at will.
 * Parents exist implicitly with an empty value, as xenstore creates them.
 * Paths and values may be anything (the fuzzer's input): a superset of
 * what xenstore lets a guest write, and values as long as a test likes.
 */
#ifndef VCAMD_FAKE_STORE_H
#define VCAMD_FAKE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAKE_DIR_MAX_NODES	256
#define FAKE_DIR_HEAP		(64 * 1024)

struct fake_node {
	const char *path;
	size_t plen;
	uint32_t hash;		/* of path: lookups scan every node */
	const char *val;	/* may hold NULs: readers see up to the first */
	size_t len;
};

/*
 * Paths and values live in a per-directory arena, emptied with the
 * directory: malloc/free under ASan were a third of a run.
 */
struct fake_dir {
	unsigned int gen;	/* changes with every write or removal */
	unsigned int n;
	struct fake_node node[FAKE_DIR_MAX_NODES];
	size_t used;
	char heap[FAKE_DIR_HEAP];
};

/*
 * Create or replace a node (path: plen octets, cut at a NUL); a full
 * directory drops the write, like a xenstore quota.
 */
void fake_dir_set(struct fake_dir *d, const char *path, size_t plen,
		const char *val, size_t len);
/* Remove a node and everything below it; "" empties the directory. */
void fake_dir_rm(struct fake_dir *d, const char *path);
void fake_dir_clear(struct fake_dir *d);
/* As xs_read: a malloc'd, NUL-terminated copy, or NULL if absent. */
char *fake_dir_read(const struct fake_dir *d, const char *path);
/*
 * As xs_directory, packed like struct vcamd_transport's list: the distinct
 * children of path, NUL-separated in one malloc'd buffer, *n of them; NULL
 * (and *n untouched) if there are none.
 */
char *fake_dir_list(const struct fake_dir *d, const char *path,
		    unsigned int *n);

#endif /* VCAMD_FAKE_STORE_H */
