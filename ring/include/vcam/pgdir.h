/* SPDX-License-Identifier: MIT */
/*
 * BUF_CREATE's page directory as a userspace frontend writes it: a chain
 * of pages, each holding gref_dir_next_page and 1023 grant refs, next 0
 * ending the chain.  The directory pages of one buffer are shared in one
 * call, so they are contiguous in the frontend's mapping: page k is at
 * dir + k * VCAM_PGDIR_PAGE_SIZE.  Shared by the userspace peers (testfe,
 * vcamd's unit tests); vcamd's reader of directories is its own.
 * Include cameraif.h first.
 */
#ifndef VCAM_PGDIR_H
#define VCAM_PGDIR_H

#ifdef __KERNEL__
#error "userspace peers only: the guest module has its own directory code"
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define VCAM_PGDIR_PAGE_SIZE	4096u
#define VCAM_PGDIR_REFS_PER_PAGE \
	((VCAM_PGDIR_PAGE_SIZE - sizeof(grant_ref_t)) / sizeof(grant_ref_t))

/* Pages needed to hold size octets of buffer. */
static inline unsigned int vcam_pages_for(uint32_t size)
{
	return (unsigned int)(((uint64_t)size + VCAM_PGDIR_PAGE_SIZE - 1) /
			      VCAM_PGDIR_PAGE_SIZE);
}

/* Directory pages needed for nrefs refs (at least one). */
static inline unsigned int vcam_pgdir_pages(unsigned int nrefs)
{
	if (nrefs == 0)
		return 1;
	return (unsigned int)((nrefs + VCAM_PGDIR_REFS_PER_PAGE - 1) /
			      VCAM_PGDIR_REFS_PER_PAGE);
}

static inline struct xencamera_page_directory *
vcam_pgdir_page(const void *dir, unsigned int k)
{
	return (struct xencamera_page_directory *)
		((char *)dir + (size_t)k * VCAM_PGDIR_PAGE_SIZE);
}

/* gref[] is declared with one entry; address the real 1023 by hand. */
static inline grant_ref_t *
vcam_pgdir_grefs(struct xencamera_page_directory *p)
{
	return (grant_ref_t *)((char *)p +
			       offsetof(struct xencamera_page_directory, gref));
}

/* Link dir pages 0..ndir-1 in order, the last one ends the chain. */
static inline void vcam_pgdir_chain(void *dir, unsigned int ndir,
				    const grant_ref_t *dir_refs)
{
	unsigned int k;

	for (k = 0; k < ndir; k++)
		vcam_pgdir_page(dir, k)->gref_dir_next_page =
			(k + 1 < ndir) ? dir_refs[k + 1] : 0;
}

/* fe-alloc: chain and fill in the buffer's refs. */
static inline void vcam_pgdir_fill(void *dir, unsigned int ndir,
				   const grant_ref_t *dir_refs,
				   const grant_ref_t *refs, unsigned int nrefs)
{
	unsigned int k, n;

	vcam_pgdir_chain(dir, ndir, dir_refs);
	for (k = 0; k < ndir && nrefs; k++) {
		n = nrefs < VCAM_PGDIR_REFS_PER_PAGE ?
			nrefs : (unsigned int)VCAM_PGDIR_REFS_PER_PAGE;
		memcpy(vcam_pgdir_grefs(vcam_pgdir_page(dir, k)), refs,
		       n * sizeof(*refs));
		refs += n;
		nrefs -= n;
	}
}

/*
 * be-alloc: copy the nrefs refs the backend wrote into refs.  The next
 * pointers are ours, but the backend could have written over them: each
 * one is re-read (once: the page is shared) and must still be what we
 * chained.  Returns 0 or -1.
 */
static inline int vcam_pgdir_read(const void *dir, unsigned int ndir,
				  const grant_ref_t *dir_refs,
				  grant_ref_t *refs, unsigned int nrefs)
{
	struct xencamera_page_directory *p;
	const grant_ref_t *g;
	unsigned int k, i, n;
	grant_ref_t next;

	if (vcam_pgdir_pages(nrefs) > ndir)
		return -1;
	for (k = 0; k < ndir; k++) {
		p = vcam_pgdir_page(dir, k);
		next = __atomic_load_n(&p->gref_dir_next_page,
				       __ATOMIC_RELAXED);
		if (next != ((k + 1 < ndir) ? dir_refs[k + 1] : 0))
			return -1;
		n = nrefs < VCAM_PGDIR_REFS_PER_PAGE ?
			nrefs : (unsigned int)VCAM_PGDIR_REFS_PER_PAGE;
		g = vcam_pgdir_grefs(p);
		for (i = 0; i < n; i++)
			refs[i] = __atomic_load_n(&g[i], __ATOMIC_RELAXED);
		refs += n;
		nrefs -= n;
	}
	return 0;
}

#endif /* VCAM_PGDIR_H */
