/* SPDX-License-Identifier: MIT */
/*
 * A xenstore stand-in for the fuzzer: two directories (a frontend's and
 * its backend's), each a flat list of path -> value nodes that the fuzz
 * input writes at will.  Parents exist implicitly with an empty value, as
 * xenstore creates them.  Paths and values are whatever the input says:
 * a superset of what xenstore lets a guest write.
 */
#ifndef VCAM_FZ_STORE_H
#define VCAM_FZ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FZ_STORE_MAX_NODES	256
#define FZ_STORE_HEAP		(64 * 1024)

struct fz_node {
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
struct fz_dir {
	unsigned int n;
	struct fz_node node[FZ_STORE_MAX_NODES];
	size_t used;
	char heap[FZ_STORE_HEAP];
};

/*
 * Create or replace a node (path: plen octets, cut at a NUL); a full
 * directory drops the write, like a xenstore quota.
 */
void fz_dir_set(struct fz_dir *d, const char *path, size_t plen,
		const char *val, size_t len);
/* Remove a node and everything below it; "" empties the directory. */
void fz_dir_rm(struct fz_dir *d, const char *path);
void fz_dir_clear(struct fz_dir *d);
/* As xs_read: a malloc'd, NUL-terminated copy, or NULL if absent. */
char *fz_dir_read(const struct fz_dir *d, const char *path);
/*
 * As xs_directory, packed like struct vcam_transport's list: the distinct
 * children of path, NUL-separated in one malloc'd buffer, *n of them; NULL
 * (and *n untouched) if there are none.
 */
char *fz_dir_list(const struct fz_dir *d, const char *path, unsigned int *n);

#endif /* VCAM_FZ_STORE_H */
