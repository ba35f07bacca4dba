// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Sharing frame buffers with the backend through the kernel's
 * xen-front-pgdir-shbuf helper (the grant-reference page directory of
 * BUF_CREATE), for both allocation sides:
 *
 *  fe-alloc: the vb2 buffer's own pages are granted; the backend writes
 *            frames straight into them (zero copies).
 *  be-alloc: the backend grants its pages; we map them into unpopulated
 *            pages.  With MMAP those pages are the vb2 buffer and the
 *            application maps them too (vcamfront_zc.c, zero copies); for
 *            USERPTR, DMABUF and read() each frame is copied into the vb2
 *            buffer (one copy, counted).
 *  bounce:   fe-alloc, but the vb2 memory cannot be granted page by page
 *            (a USERPTR that does not start on a page boundary, as malloc()
 *            hands out), or the format has several memory planes (each a
 *            vb2 plane of its own, while cameraif shares one buffer holding
 *            them all, the next plane not page aligned): we grant a buffer
 *            of our own and copy from it.
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

/*
 * The pages behind the vb2 plane, or of a bounce buffer if need be.  They
 * get a reference of ours: vb2 may free its memory while the backend still
 * maps it, and the pages must not be reused before the backend lets go.
 */
static int collect_fe_pages(struct vcamfe_buf *buf, int num_pages)
{
	struct vcamfe_share *sh = &buf->sh;
	struct vb2_buffer *vb = &buf->vb.vb2_buf;
	struct page **bare;
	unsigned int nbare;
	int i, ret = -EINVAL;

	bare = vcamfe_pages_of(vb, &nbare);
	if (bare && nbare >= num_pages) {
		memcpy(sh->pages, bare, num_pages * sizeof(*bare));
		ret = 0;
	} else if (vb->num_planes == 1) {
		ret = collect_pages(sh->pages, vb2_plane_vaddr(vb, 0),
				    num_pages);
	}
	if (ret) {
		sh->bounce = vmalloc((size_t)num_pages * PAGE_SIZE);
		if (!sh->bounce)
			return -ENOMEM;
		buf->shadow = sh->bounce;
		ret = collect_pages(sh->pages, sh->bounce, num_pages);
		if (ret)
			return ret;
	}
	for (i = 0; i < num_pages; i++)
		get_page(sh->pages[i]);
	sh->page_refs = true;
	return 0;
}

/* Where the buffer's share really is: its zbuf's, with zero copy. */
static struct vcamfe_share *buf_sh(struct vcamfe_buf *buf)
{
	return buf->sh.zb ? &buf->sh.zb->sh : &buf->sh;
}

static void fill_create_req(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			    struct xencamera_buf_create_req *req)
{
	int p;

	memset(req, 0, sizeof(*req));
	req->index = buf->vb.vb2_buf.index;
	for (p = 0; p < cam->layout.num_planes; p++)
		req->plane_offset[p] = cam->plane_offset[p];
	req->gref_directory =
		xen_front_pgdir_shbuf_get_dir_start(&buf_sh(buf)->shbuf);
}

void vcamfe_share_free(struct vcamfe_share *sh)
{
	int i;

	if (sh->zb) {
		/* The zbuf frees the real share when its last user is gone. */
		vcamfe_zbuf_put(sh->zb);
		sh->zb = NULL;
		return;
	}
	if (sh->shbuf_valid) {
		if (sh->be_alloc)
			xen_front_pgdir_shbuf_unmap(&sh->shbuf);
		xen_front_pgdir_shbuf_free(&sh->shbuf);
		sh->shbuf_valid = false;
	}
	if (sh->pages && sh->be_alloc)
		xen_free_unpopulated_pages(sh->num_pages, sh->pages);
	if (sh->pages && sh->page_refs)
		for (i = 0; i < sh->num_pages; i++)
			put_page(sh->pages[i]);
	sh->page_refs = false;
	kfree(sh->pages);
	sh->pages = NULL;
	sh->num_pages = 0;
	vfree(sh->bounce);
	sh->bounce = NULL;
}

/*
 * be_done: the backend confirmed (BUF_DESTROY) that it no longer maps the
 * buffer, so it can be freed now.  Otherwise it waits on the zombie list.
 */
void vcamfe_buf_unshare(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			bool be_done)
{
	struct vcamfe_share *z;

	buf->shadow = NULL;
	if (!be_done && buf_sh(buf)->shbuf_valid) {
		z = kmemdup(&buf->sh, sizeof(*z), GFP_KERNEL);
		if (z) {
			mutex_lock(&cam->teardown.zombie_lock);
			list_add_tail(&z->list, &cam->teardown.zombies);
			mutex_unlock(&cam->teardown.zombie_lock);
			memset(&buf->sh, 0, sizeof(buf->sh));
			return;
		}
	}
	vcamfe_share_free(&buf->sh);
}

static bool unmap_backend_pages(struct vcamfe_share *sh)
{
	if (!sh->be_mapped)
		return false;
	/* Takes the handles with it: vcamfe_share_free() will not try again. */
	xen_front_pgdir_shbuf_unmap(&sh->shbuf);
	sh->be_mapped = false;
	return true;
}

/*
 * Before the domain suspends (xl save, xl migrate): undo every mapping of
 * the backend's pages (be-alloc).  They sit in our kernel page tables, and
 * libxc does not save page-table pages that map frames the domain does not
 * own (it defers them, and a save of a suspended domain never sends them):
 * seen in the rig, a restored guest then failed every unmap of them
 * (GNTST_bad_handle), its kernel mappings of those pages undefined.  The
 * connection dies first, so no frame copy reads them any more.  Returns
 * whether anything was mapped.
 */
bool vcamfe_buf_unmap_backend(struct vcamfe_dev *cam)
{
	struct vcamfe_share *z;
	bool any = false;
	int i;

	mutex_lock(&cam->req_lock);
	for (i = 0; i < VB2_MAX_FRAME && !any; i++)
		any = cam->stream.bufs[i] && buf_sh(cam->stream.bufs[i])->be_mapped;
	if (any)
		vcamfe_mark_dead(cam, "suspending with the backend's pages mapped: connection dropped");
	for (i = 0; i < VB2_MAX_FRAME; i++)
		if (cam->stream.bufs[i])
			unmap_backend_pages(&cam->stream.bufs[i]->sh);
	mutex_unlock(&cam->req_lock);

	mutex_lock(&cam->teardown.zombie_lock);
	list_for_each_entry(z, &cam->teardown.zombies, list)
		any |= unmap_backend_pages(z);
	mutex_unlock(&cam->teardown.zombie_lock);
	/* Zero-copy buffers, the ones applications still map included. */
	any |= vcamfe_zc_unmap_all(cam);
	return any;
}

/*
 * BUF_CREATE was answered (ret: its status, -ENODEV if no answer came):
 * map the backend's pages (be-alloc), or undo the share.
 */
static int create_done(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
		       int ret)
{
	struct vcamfe_share *sh = buf_sh(buf);
	bool be_done = true;

	if (ret) {
		/* No answer: the backend may have mapped it all the same. */
		be_done = ret != -ENODEV;
		goto fail;
	}
	buf->created = true;

	if (sh->be_alloc) {
		/* The backend filled the directory with its grant refs. */
		ret = xen_front_pgdir_shbuf_map(&sh->shbuf);
		if (ret)
			goto fail;
		if (buf->sh.zb)
			ret = vcamfe_zbuf_mapped(buf->sh.zb);
		else
			sh->be_mapped = true;
		if (ret)
			goto fail;
	}
	return 0;

fail:
	if (buf->created) {
		struct xencamera_index idx = { .index = buf->vb.vb2_buf.index };

		be_done = !vcamfe_req_sync(cam, XENCAMERA_OP_BUF_DESTROY, &idx,
					 sizeof(idx), NULL);
		buf->created = false;
	}
	vcamfe_buf_unshare(cam, buf, be_done);
	return ret;
}

/*
 * Take the answer of a BUF_CREATE sent without waiting, waiting for it if
 * need be; 0 for a buffer created the ordinary way.  A buffer that could
 * not be created is no longer one of the stream's.
 */
int vcamfe_buf_wait_created(struct vcamfe_dev *cam, struct vcamfe_buf *buf)
{
	unsigned int index = buf->vb.vb2_buf.index;
	bool inflight;
	s32 status;
	int ret;

	if (!buf->create_unfinished)
		return 0;
	buf->create_unfinished = false;
	wait_event_timeout(cam->req.ring_wq, READ_ONCE(cam->dead) ||
			   !READ_ONCE(buf->create_inflight),
			   msecs_to_jiffies(cam->req.timeout_ms));
	mutex_lock(&cam->req_lock);
	inflight = buf->create_inflight;
	if (inflight) {
		if (!cam->dead)
			vcamfe_broken(cam, "no response to operation %u in %u ms",
				      XENCAMERA_OP_BUF_CREATE,
				      cam->req.timeout_ms);
		buf->create_inflight = false;
		cam->req.creates_inflight--;
	}
	status = buf->create_status;
	mutex_unlock(&cam->req_lock);

	ret = inflight ? -ENODEV : status ? vcam_errno_of_status(status) : 0;
	ret = create_done(cam, buf, ret);
	if (ret) {
		mutex_lock(&cam->req_lock);
		if (cam->stream.bufs[index] == buf) {
			cam->stream.bufs[index] = NULL;
			cam->stream.num_created--;
		}
		mutex_unlock(&cam->req_lock);
	}
	return ret;
}

/*
 * Grant (fe-alloc) or prepare to receive (be-alloc) the buffer's pages and
 * announce it with BUF_CREATE.  Runs in process context from buf_init.
 * Inside REQBUFS the answer is taken later (vcamfe_buf_wait_created).
 */
int vcamfe_buf_share(struct vcamfe_dev *cam, struct vcamfe_buf *buf)
{
	struct xen_front_pgdir_shbuf_cfg cfg = {};
	struct xencamera_buf_create_req req;
	int num_pages, ret;

	struct vcamfe_zbuf *zb = vcamfe_zbuf_of(&buf->vb.vb2_buf);
	struct vcamfe_share *sh = &buf->sh;
	bool sent;

	if (!cam->layout.size)
		return -EINVAL;
	memset(sh, 0, sizeof(*sh));
	num_pages = DIV_ROUND_UP(cam->layout.size, PAGE_SIZE);
	if (zb) {
		/* The vb2 memory is the zbuf's pages: share those. */
		if (num_pages > zb->npages || zb->sh.shbuf_valid)
			return -EINVAL;
		vcamfe_zbuf_get(zb);
		sh->zb = zb;
		sh->be_alloc = true;
		sh = &zb->sh;
		sh->pages = zb->pages;
		sh->num_pages = num_pages;
		sh->be_alloc = true;
		goto share;
	}
	sh->pages = kcalloc(num_pages, sizeof(*sh->pages), GFP_KERNEL);
	if (!sh->pages)
		return -ENOMEM;
	sh->num_pages = num_pages;

	if (cam->cfg.be_alloc) {
		ret = xen_alloc_unpopulated_pages(num_pages, sh->pages);
		if (ret) {
			kfree(sh->pages);
			sh->pages = NULL;
			return ret;
		}
		sh->be_alloc = true;
	} else {
		ret = collect_fe_pages(buf, num_pages);
		if (ret)
			goto fail;
	}

share:
	cfg.xb_dev = cam->xb_dev;
	cfg.num_pages = num_pages;
	cfg.pages = sh->pages;
	cfg.pgdir = &sh->shbuf;
	cfg.be_alloc = sh->be_alloc;
	ret = xen_front_pgdir_shbuf_alloc(&cfg);
	if (ret)
		goto fail;
	sh->shbuf_valid = true;

	fill_create_req(cam, buf, &req);
	if (cam->create_async) {
		mutex_lock(&cam->req_lock);
		sent = vcamfe_req_create_locked(cam, buf, &req);
		mutex_unlock(&cam->req_lock);
		if (sent)
			return 0;
	}
	ret = vcamfe_req_sync(cam, XENCAMERA_OP_BUF_CREATE, &req, sizeof(req),
			      NULL);
	return create_done(cam, buf, ret);

fail:
	vcamfe_buf_unshare(cam, buf, true);
	return ret;
}

/*
 * The backend's pages are read through the kernel addresses the grant
 * mapping itself was made at (xen-front-pgdir-shbuf maps each page at its
 * linear address), not through a vmap: under PV a second mapping of a
 * foreign frame is not guaranteed to be present.
 */
static void copy_from_be_pages(u8 *dst, const struct vcamfe_share *sh,
			       u32 off, u32 len)
{
	size_t i = off / PAGE_SIZE;
	u32 in_page = offset_in_page(off);

	for (; len && i < sh->num_pages; i++) {
		u32 n = min_t(u32, len, PAGE_SIZE - in_page);

		memcpy(dst, (u8 *)page_address(sh->pages[i]) + in_page, n);
		dst += n;
		len -= n;
		in_page = 0;
	}
}

/*
 * How much of each vb2 plane a frame of used_sz octets fills.  A single
 * vb2 plane takes the whole frame.  With several (memory planes), plane p
 * lies at plane_offset[p] in the shared buffer: all but the last are full
 * (plane_size of the layout), the last gets the rest of used_sz.  used_sz
 * comes from the backend: anything that does not fit is an error.
 */
int vcamfe_buf_plane_lens(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			  u32 used_sz, u32 *lens)
{
	struct vb2_buffer *vb = &buf->vb.vb2_buf;
	unsigned int np = vb->num_planes, last = np - 1, p;
	u32 len[VIDEO_MAX_PLANES];

	if (np < 1 || np != cam->mem_planes || np > XENCAMERA_MAX_PLANE ||
	    used_sz > cam->layout.size)
		return -EIO;
	if (np == 1) {
		len[0] = used_sz;
	} else {
		for (p = 0; p < last; p++)
			len[p] = cam->layout.plane_size[p];
		if (used_sz <= cam->plane_offset[last])
			return -EIO;
		len[last] = used_sz - cam->plane_offset[last];
	}
	for (p = 0; p < np; p++) {
		u32 off = np == 1 ? 0 : cam->plane_offset[p];

		if (len[p] > vb2_plane_size(vb, p) ||
		    (u64)off + len[p] > cam->layout.size)
			return -EIO;
		if (lens)
			lens[p] = len[p];
	}
	return 0;
}

/*
 * A frame's vb2 timestamp (CLOCK_MONOTONIC, as the queue says).  With the
 * capture-time extension the backend sent its CLOCK_REALTIME at capture;
 * both domains' realtime clocks follow Xen's wall clock, so subtracting our
 * own realtime-monotonic offset gives the capture time on our monotonic
 * clock (off by the two domains' skew, which the bench measures).  Without
 * a time, or with one from before our boot, the arrival time as before.
 */
static u64 frame_timestamp(struct vcamfe_dev *cam, u64 capture_ns)
{
	s64 mono;

	if (!capture_ns)
		return ktime_get_ns();
	mono = (s64)capture_ns - ktime_to_ns(ktime_mono_to_real(0));
	if (mono <= 0) {
		atomic64_inc(&cam->stats.bad_times);
		return ktime_get_ns();
	}
	atomic64_inc(&cam->stats.capture_times);
	return (u64)mono;
}

/*
 * Called with req_lock held, in process context (the interrupt work or the
 * poller, vcamfront_irq.c), after vcamfe_buf_plane_lens accepted used_sz:
 * a frame copy of several megabytes here runs preemptible, and the clock
 * conversion reads the timekeeper outside hard IRQ.
 */
void vcamfe_buf_frame_done(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			   u32 used_sz, u32 seq, u64 capture_ns)
{
	struct vb2_buffer *vb = &buf->vb.vb2_buf;
	u32 len[VIDEO_MAX_PLANES];
	unsigned int p;

	if (vcamfe_buf_plane_lens(cam, buf, used_sz, len)) {
		atomic64_inc(&cam->stats.errors);
		vcamfe_buf_done_locked(cam, buf, VB2_BUF_STATE_ERROR);
		return;
	}
	if (buf->shadow || buf->sh.be_mapped) {
		for (p = 0; p < vb->num_planes; p++) {
			u32 off = vb->num_planes == 1 ? 0 :
				  cam->plane_offset[p];
			u8 *dst = vb2_plane_vaddr(vb, p);

			if (!dst) {
				atomic64_inc(&cam->stats.errors);
				vcamfe_buf_done_locked(cam, buf, VB2_BUF_STATE_ERROR);
				return;
			}
			if (buf->shadow)
				memcpy(dst, (u8 *)buf->shadow + off, len[p]);
			else
				copy_from_be_pages(dst, &buf->sh, off, len[p]);
		}
		/* One copy of the frame, whatever the number of planes. */
		atomic64_inc(&cam->stats.copies);
	} else if (buf->sh.zb) {
		atomic64_inc(&cam->stats.zero_copy);
	}
	if (cam->stream.seq_valid && seq - cam->stream.last_seq > 1)
		atomic64_add(seq - cam->stream.last_seq - 1, &cam->stats.drops);
	cam->stream.last_seq = seq;
	cam->stream.seq_valid = true;
	cam->stream.last_frame = jiffies;

	for (p = 0; p < vb->num_planes; p++)
		vb2_set_plane_payload(vb, p, len[p]);
	buf->vb.sequence = seq;
	buf->vb.field = V4L2_FIELD_NONE;
	vb->timestamp = frame_timestamp(cam, capture_ns);
	atomic64_inc(&cam->stats.frames);
	vcamfe_buf_done_locked(cam, buf, VB2_BUF_STATE_DONE);
}
