// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sharing frame buffers with the backend through the kernel's
 * xen-front-pgdir-shbuf helper (the grant-reference page directory of
 * BUF_CREATE), for both allocation sides:
 *
 *  fe-alloc: the vb2 buffer's own pages are granted; the backend writes
 *            frames straight into them (zero copies).
 *  be-alloc: the backend grants its pages; we map them into unpopulated
 *            pages and copy each frame into the vb2 buffer, so MMAP, USERPTR,
 *            DMABUF and read() all work the same (one copy, counted).
 *  bounce:   fe-alloc, but the vb2 memory cannot be granted page by page
 *            (a USERPTR that does not start on a page boundary, as malloc()
 *            hands out): we grant a buffer of our own and copy from it.
 */

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <xen/xen.h>

#include <media/videobuf2-vmalloc.h>

#include "vcamfront.h"

static struct page *addr_to_page(void *addr)
{
	if (is_vmalloc_addr(addr))
		return vmalloc_to_page(addr);
	if (virt_addr_valid(addr))
		return virt_to_page(addr);
	return NULL;
}

static int collect_pages(struct page **pages, u8 *vaddr, int num_pages)
{
	int i;

	if (!vaddr || offset_in_page(vaddr))
		return -EINVAL;	/* grants cover whole pages only */
	for (i = 0; i < num_pages; i++) {
		pages[i] = addr_to_page(vaddr + (size_t)i * PAGE_SIZE);
		if (!pages[i])
			return -EINVAL;
	}
	return 0;
}

/* The pages behind the vb2 plane, or of a bounce buffer if need be. */
static int collect_fe_pages(struct vcam_buf *buf, int num_pages)
{
	if (!collect_pages(buf->pages, vb2_plane_vaddr(&buf->vb.vb2_buf, 0),
			   num_pages))
		return 0;
	buf->bounce = vmalloc((size_t)num_pages * PAGE_SIZE);
	if (!buf->bounce)
		return -ENOMEM;
	buf->shadow = buf->bounce;
	return collect_pages(buf->pages, buf->bounce, num_pages);
}

static void fill_create_req(struct vcam_dev *cam, struct vcam_buf *buf,
			    struct xencamera_buf_create_req *req)
{
	u32 off = 0;
	int p;

	memset(req, 0, sizeof(*req));
	req->index = buf->vb.vb2_buf.index;
	for (p = 0; p < cam->layout.num_planes; p++) {
		req->plane_offset[p] = off;
		off += cam->layout.plane_size[p];
	}
	req->gref_directory = xen_front_pgdir_shbuf_get_dir_start(&buf->shbuf);
}

void vcam_buf_unshare(struct vcam_dev *cam, struct vcam_buf *buf)
{
	if (buf->be_vaddr) {
		vunmap(buf->be_vaddr);
		buf->be_vaddr = NULL;
	}
	buf->shadow = NULL;
	if (buf->shbuf_valid) {
		if (cam->cfg.be_alloc)
			xen_front_pgdir_shbuf_unmap(&buf->shbuf);
		xen_front_pgdir_shbuf_free(&buf->shbuf);
		buf->shbuf_valid = false;
	}
	if (buf->pages && cam->cfg.be_alloc)
		xen_free_unpopulated_pages(buf->num_pages, buf->pages);
	kfree(buf->pages);
	buf->pages = NULL;
	buf->num_pages = 0;
	vfree(buf->bounce);
	buf->bounce = NULL;
}

/*
 * Grant (fe-alloc) or prepare to receive (be-alloc) the buffer's pages and
 * announce it with BUF_CREATE.  Runs in process context from buf_init.
 */
int vcam_buf_share(struct vcam_dev *cam, struct vcam_buf *buf)
{
	struct xen_front_pgdir_shbuf_cfg cfg = {};
	struct xencamera_buf_create_req req;
	int num_pages, ret;

	if (!cam->layout.size)
		return -EINVAL;
	num_pages = DIV_ROUND_UP(cam->layout.size, PAGE_SIZE);
	buf->pages = kcalloc(num_pages, sizeof(*buf->pages), GFP_KERNEL);
	if (!buf->pages)
		return -ENOMEM;
	buf->num_pages = num_pages;

	if (cam->cfg.be_alloc) {
		ret = xen_alloc_unpopulated_pages(num_pages, buf->pages);
		if (ret) {
			kfree(buf->pages);
			buf->pages = NULL;
			return ret;
		}
	} else {
		ret = collect_fe_pages(buf, num_pages);
		if (ret)
			goto fail;
	}

	cfg.xb_dev = cam->xb_dev;
	cfg.num_pages = num_pages;
	cfg.pages = buf->pages;
	cfg.pgdir = &buf->shbuf;
	cfg.be_alloc = cam->cfg.be_alloc;
	ret = xen_front_pgdir_shbuf_alloc(&cfg);
	if (ret)
		goto fail;
	buf->shbuf_valid = true;

	fill_create_req(cam, buf, &req);
	ret = vcam_req_sync(cam, XENCAMERA_OP_BUF_CREATE, &req, sizeof(req),
			    NULL);
	if (ret)
		goto fail;
	buf->created = true;

	if (cam->cfg.be_alloc) {
		/* The backend filled the directory with its grant refs. */
		ret = xen_front_pgdir_shbuf_map(&buf->shbuf);
		if (ret)
			goto fail;
		buf->be_vaddr = vmap(buf->pages, num_pages, VM_MAP, PAGE_KERNEL);
		if (!buf->be_vaddr) {
			ret = -ENOMEM;
			goto fail;
		}
		buf->shadow = buf->be_vaddr;
	}
	return 0;

fail:
	if (buf->created) {
		struct xencamera_index idx = { .index = buf->vb.vb2_buf.index };

		vcam_req_sync(cam, XENCAMERA_OP_BUF_DESTROY, &idx, sizeof(idx),
			      NULL);
		buf->created = false;
	}
	vcam_buf_unshare(cam, buf);
	return ret;
}

/* Called with req_lock held, possibly in interrupt context. */
void vcam_buf_frame_done(struct vcam_dev *cam, struct vcam_buf *buf,
			 u32 used_sz, u32 seq)
{
	struct vb2_buffer *vb = &buf->vb.vb2_buf;

	if (buf->shadow) {
		void *dst = vb2_plane_vaddr(vb, 0);

		if (!dst) {
			atomic64_inc(&cam->stats.errors);
			vb2_buffer_done(vb, VB2_BUF_STATE_ERROR);
			return;
		}
		memcpy(dst, buf->shadow, used_sz);
		atomic64_inc(&cam->stats.copies);
	}
	if (cam->seq_valid && seq - cam->last_seq > 1)
		atomic64_add(seq - cam->last_seq - 1, &cam->stats.drops);
	cam->last_seq = seq;
	cam->seq_valid = true;

	vb2_set_plane_payload(vb, 0, used_sz);
	buf->vb.sequence = seq;
	buf->vb.field = V4L2_FIELD_NONE;
	vb->timestamp = ktime_get_ns();
	atomic64_inc(&cam->stats.frames);
	vb2_buffer_done(vb, VB2_BUF_STATE_DONE);
}
