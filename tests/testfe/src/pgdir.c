// SPDX-License-Identifier: MIT
#include <stddef.h>
#include <string.h>

#include "pgdir.h"

unsigned int tfe_pages_for(uint32_t size)
{
	return (unsigned int)(((uint64_t)size + TFE_PAGE_SIZE - 1) /
			      TFE_PAGE_SIZE);
}

unsigned int tfe_pgdir_pages(unsigned int nrefs)
{
	if (nrefs == 0)
		return 1;
	return (nrefs + TFE_PGDIR_REFS_PER_PAGE - 1) / TFE_PGDIR_REFS_PER_PAGE;
}

static struct xencamera_page_directory *dir_page(const void *dir,
						 unsigned int k)
{
	return (struct xencamera_page_directory *)((char *)dir +
						   (size_t)k * TFE_PAGE_SIZE);
}

/* gref[] is declared with one entry; address the real 1023 by hand. */
static grant_ref_t *dir_grefs(struct xencamera_page_directory *p)
{
	return (grant_ref_t *)((char *)p +
			       offsetof(struct xencamera_page_directory, gref));
}

void tfe_pgdir_chain(void *dir, unsigned int ndir, const grant_ref_t *dir_refs)
{
	unsigned int k;

	for (k = 0; k < ndir; k++)
		dir_page(dir, k)->gref_dir_next_page =
			(k + 1 < ndir) ? dir_refs[k + 1] : 0;
}

void tfe_pgdir_fill(void *dir, unsigned int ndir, const grant_ref_t *dir_refs,
		    const grant_ref_t *refs, unsigned int nrefs)
{
	unsigned int k, n;

	tfe_pgdir_chain(dir, ndir, dir_refs);
	for (k = 0; k < ndir && nrefs; k++) {
		n = nrefs < TFE_PGDIR_REFS_PER_PAGE ?
			nrefs : TFE_PGDIR_REFS_PER_PAGE;
		memcpy(dir_grefs(dir_page(dir, k)), refs, n * sizeof(*refs));
		refs += n;
		nrefs -= n;
	}
}

int tfe_pgdir_read(const void *dir, unsigned int ndir,
		   const grant_ref_t *dir_refs, grant_ref_t *refs,
		   unsigned int nrefs)
{
	struct xencamera_page_directory *p;
	const grant_ref_t *g;
	unsigned int k, i, n;
	grant_ref_t next;

	if (tfe_pgdir_pages(nrefs) > ndir)
		return -1;
	for (k = 0; k < ndir; k++) {
		p = dir_page(dir, k);
		next = TFE_READ_ONCE(p->gref_dir_next_page);
		if (next != ((k + 1 < ndir) ? dir_refs[k + 1] : 0))
			return -1;
		n = nrefs < TFE_PGDIR_REFS_PER_PAGE ?
			nrefs : TFE_PGDIR_REFS_PER_PAGE;
		g = dir_grefs(p);
		for (i = 0; i < n; i++)
			refs[i] = TFE_READ_ONCE(g[i]);
		refs += n;
		nrefs -= n;
	}
	return 0;
}
