/* SPDX-License-Identifier: MIT */
/*
 * Camera buffers in both allocation modes.  fe-alloc: we grant the data
 * pages and write their refs into the directory.  be-alloc: we grant only
 * the directory pages; after BUF_CREATE the backend has written its refs
 * there, which we copy out, check and map.
 */
#ifndef TFE_BUFS_H
#define TFE_BUFS_H

#include "session.h"

struct tfe_buf {
	uint32_t size;
	unsigned int npages;
	void *data;		/* fe-alloc: ours; be-alloc: mapped */
	uint32_t *refs;		/* npages refs of the data pages */
	void *dir;
	uint32_t *dir_refs;
	unsigned int ndir;
	int be_alloc;
	int created;
	int queued;
};

/* Share the directory (and the data pages for fe-alloc).  0 or -errno. */
int tfe_buf_alloc(struct tfe_sess *s, struct tfe_buf *b, uint32_t size);
/*
 * BUF_CREATE index idx.  Returns the backend's status (0 or -XEN_E*);
 * a transport failure (timeout, disconnect) is -errno in *err instead.
 * be-alloc: on success the backend's refs are copied out and mapped.
 */
int tfe_buf_create(struct tfe_sess *s, struct tfe_buf *b, uint8_t idx,
		   const uint32_t *offsets, unsigned int nplanes, int *err);
/* Release our grants and mappings (after BUF_DESTROY or disconnect). */
void tfe_buf_free(struct tfe_sess *s, struct tfe_buf *b);

/* One request with an index operand; status back, transport error in *err. */
int tfe_index_call(struct tfe_sess *s, uint8_t op, uint8_t idx, int *err);

#endif /* TFE_BUFS_H */
