// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bufs.h"
#include "proto.h"

int tfe_buf_alloc(struct tfe_sess *s, struct tfe_buf *b, uint32_t size)
{
	struct tfe_tp *tp = s->tp;

	memset(b, 0, sizeof(*b));
	b->be_alloc = s->be_alloc;
	b->size = size;
	b->npages = vcam_pages_for(size);
	b->ndir = vcam_pgdir_pages(b->npages);
	b->refs = calloc(b->npages ? b->npages : 1, sizeof(*b->refs));
	b->dir_refs = calloc(b->ndir, sizeof(*b->dir_refs));
	if (!b->refs || !b->dir_refs)
		goto fail_errno;
	b->dir = tp->ops->share(tp, b->ndir, b->dir_refs);
	if (!b->dir)
		goto fail_errno;
	if (b->be_alloc) {
		vcam_pgdir_chain(b->dir, b->ndir, b->dir_refs);
		return 0;
	}
	b->data = tp->ops->share(tp, b->npages, b->refs);
	if (!b->data)
		goto fail_errno;
	vcam_pgdir_fill(b->dir, b->ndir, b->dir_refs, b->refs, b->npages);
	return 0;

fail_errno:
	{
		int err = -errno;

		fprintf(stderr,
			"testfe: cannot share %u+%u pages: %s%s\n", b->ndir,
			b->be_alloc ? 0 : b->npages, strerror(errno),
			b->be_alloc ? "" :
			" (gntalloc limit? modprobe xen-gntalloc limit=N)");
		tfe_buf_free(s, b);
		return err ? err : -ENOMEM;
	}
}

int tfe_buf_create(struct tfe_sess *s, struct tfe_buf *b, uint8_t idx,
		   const uint32_t *offsets, unsigned int nplanes, int *err)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;
	int ret;

	*err = 0;
	vcam_req_buf_create(&req, 0, idx, offsets, nplanes, b->dir_refs[0]);
	ret = tfe_call(s, &req, &rsp);
	if (ret) {
		*err = ret;
		return 0;
	}
	if (rsp.status)
		return rsp.status;
	b->created = 1;
	if (!b->be_alloc)
		return 0;
	if (vcam_pgdir_read(b->dir, b->ndir, b->dir_refs, b->refs,
			    b->npages)) {
		fprintf(stderr,
			"testfe: backend overwrote our directory chain of buffer %u\n",
			idx);
		s->cnt.violations++;
		*err = -EPROTO;
		return 0;
	}
	b->data = s->tp->ops->map(s->tp, b->npages, b->refs);
	if (!b->data) {
		*err = -errno;
		fprintf(stderr,
			"testfe: cannot map backend's %u pages of buffer %u: %s\n",
			b->npages, idx, strerror(errno));
	}
	return 0;
}

void tfe_buf_free(struct tfe_sess *s, struct tfe_buf *b)
{
	struct tfe_tp *tp = s->tp;

	if (b->data) {
		if (b->be_alloc)
			tp->ops->unmap(tp, b->data, b->npages);
		else
			tp->ops->unshare(tp, b->data, b->npages, b->refs);
	}
	if (b->dir)
		tp->ops->unshare(tp, b->dir, b->ndir, b->dir_refs);
	free(b->refs);
	free(b->dir_refs);
	memset(b, 0, sizeof(*b));
}

int tfe_index_call(struct tfe_sess *s, uint8_t op, uint8_t idx, int *err)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;
	int ret;

	vcam_req_index(&req, 0, op, idx);
	ret = tfe_call(s, &req, &rsp);
	*err = ret;
	return ret ? 0 : rsp.status;
}
