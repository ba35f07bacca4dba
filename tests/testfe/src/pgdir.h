/* SPDX-License-Identifier: MIT */
/*
 * cameraif page directory: a chain of pages, each holding
 * gref_dir_next_page and 1023 grant refs; next = 0 ends the chain.
 * The directory pages of one buffer are shared in one call, so they are
 * contiguous in our mapping: page k is at dir + k * 4096.
 */
#ifndef TFE_PGDIR_H
#define TFE_PGDIR_H

#include "wire.h"

#define TFE_PGDIR_REFS_PER_PAGE \
	((TFE_PAGE_SIZE - sizeof(grant_ref_t)) / sizeof(grant_ref_t))

/* Pages needed to hold size octets of buffer. */
unsigned int tfe_pages_for(uint32_t size);
/* Directory pages needed for nrefs refs (at least one). */
unsigned int tfe_pgdir_pages(unsigned int nrefs);

/* Link dir pages 0..ndir-1 in order, the last one ends the chain. */
void tfe_pgdir_chain(void *dir, unsigned int ndir, const grant_ref_t *dir_refs);
/* fe-alloc: chain and fill in the buffer's refs. */
void tfe_pgdir_fill(void *dir, unsigned int ndir, const grant_ref_t *dir_refs,
		    const grant_ref_t *refs, unsigned int nrefs);
/*
 * be-alloc: copy the nrefs refs the backend wrote into refs.  The next
 * pointers are ours, but the backend could have written over them: each
 * one is re-read and must still be what we chained.  Returns 0 or -1.
 */
int tfe_pgdir_read(const void *dir, unsigned int ndir,
		   const grant_ref_t *dir_refs, grant_ref_t *refs,
		   unsigned int nrefs);

#endif /* TFE_PGDIR_H */
