// SPDX-License-Identifier: MIT
/*
 * Buffers: BUF_CREATE's page directory (fe-alloc: read the guest's refs
 * and map them; be-alloc: grant our own pages and write their refs into
 * the guest's directory), destruction, and the per-device FIFO of queued
 * buffers.
 *
 * The directory is guest memory.  We walk exactly as many directory pages
 * as the buffer size needs (so a loop or an endless chain cannot make us
 * walk forever), reject a directory page that appears twice, a chain that
 * ends early, and one that claims to continue past the last page needed.
 */
#include "core_priv.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * One directory page: its next-page ref, and its cnt refs read into (or,
 * be-alloc, written from) refs.  A grant copy where the transport has one:
 * BUF_CREATE used to spend a map and an unmap on every directory page.
 */
static int dir_page(struct vcamd_dev *dev, uint32_t gref, uint32_t *next,
		    uint32_t *refs, unsigned int cnt, bool fill)
{
	const size_t at = offsetof(struct xencamera_page_directory, gref);
	struct xencamera_page_directory *pg;
	uint32_t head[VCAMD_PAGE_SIZE / sizeof(uint32_t)];

	if (dev->xops->copy) {
		if (fill) {
			if (dev->xops->copy(dev->xctx, gref, 0, next,
					    sizeof(*next), false) ||
			    dev->xops->copy(dev->xctx, gref, at, refs,
					    cnt * sizeof(*refs), true))
				return -EINVAL;
			return 0;
		}
		if (dev->xops->copy(dev->xctx, gref, 0, head,
				    at + cnt * sizeof(*refs), false))
			return -EINVAL;
		*next = head[0];
		memcpy(refs, (uint8_t *)head + at, cnt * sizeof(*refs));
		return 0;
	}
	pg = dev->xops->map(dev->xctx, 1, &gref);
	if (!pg)
		return -EINVAL;
	*next = __atomic_load_n(&pg->gref_dir_next_page, __ATOMIC_RELAXED);
	if (fill)
		memcpy(pg->gref, refs, cnt * sizeof(*refs));
	else
		memcpy(refs, pg->gref, cnt * sizeof(*refs));
	dev->xops->unmap(dev->xctx, pg, 1);
	return 0;
}

static int dir_walk(struct vcamd_dev *dev, uint32_t first, unsigned int npages,
		    uint32_t *refs, bool fill)
{
	unsigned int ndir = (npages + VCAMD_DIR_REFS_PER_PAGE - 1) /
			    VCAMD_DIR_REFS_PER_PAGE;
	uint32_t *seen, cur = first;
	unsigned int d, k;
	int ret = 0;

	seen = calloc(ndir, sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	for (d = 0; d < ndir; d++) {
		unsigned int base = d * VCAMD_DIR_REFS_PER_PAGE;
		unsigned int cnt = npages - base;
		uint32_t next;

		if (cnt > VCAMD_DIR_REFS_PER_PAGE)
			cnt = VCAMD_DIR_REFS_PER_PAGE;
		if (cur == 0) {
			log_warn("%s: page directory ends after %u of %u pages",
				 dev->name, d, ndir);
			ret = -EINVAL;
			break;
		}
		for (k = 0; k < d; k++)
			if (seen[k] == cur)
				break;
		if (k < d) {
			log_warn("%s: page directory loops (gref %u)",
				 dev->name, cur);
			ret = -EINVAL;
			break;
		}
		seen[d] = cur;
		ret = dir_page(dev, cur, &next, &refs[base], cnt, fill);
		if (ret) {
			log_warn("%s: cannot reach directory gref %u",
				 dev->name, cur);
			break;
		}
		if (d == ndir - 1 && next != 0) {
			log_warn("%s: page directory longer than the buffer",
				 dev->name);
			ret = -EINVAL;
			break;
		}
		cur = next;
	}
	free(seen);
	return ret;
}

static int plane_offsets_ok(const struct vcamd_format *f, const uint32_t *off,
			    unsigned int npages)
{
	uint64_t limit = (uint64_t)npages * VCAMD_PAGE_SIZE;
	unsigned int p;

	for (p = 0; p < f->num_planes && p < XENCAMERA_MAX_PLANE; p++)
		if ((uint64_t)off[p] + f->plane_size[p] > limit)
			return 0;
	return 1;
}

int vcamd_buf_create(struct vcamd_dev *dev,
		     const struct xencamera_buf_create_req *bc)
{
	unsigned int idx = bc->index, npages;
	uint32_t dir = bc->gref_directory;
	uint32_t off[XENCAMERA_MAX_PLANE];
	struct vcamd_buf *b;
	struct vcamd_format f;
	uint32_t *refs;
	void *addr;
	int ret;

	memcpy(off, bc->plane_offset, sizeof(off));
	if (!dev->configured || idx >= dev->num_bufs)
		return -EINVAL;
	b = &dev->bufs[idx];
	if (b->created)
		return -EEXIST;
	ret = vcamd_cam_get_fmt(dev->cam, &f);
	if (ret)
		return ret;
	if (f.size == 0 || f.size > VCAM_MAX_FRAME_OCTETS)
		return -EINVAL;
	npages = (f.size + VCAMD_PAGE_SIZE - 1) / VCAMD_PAGE_SIZE;
	if (!plane_offsets_ok(&f, off, npages))
		return -EINVAL;
	/* Before any mapping or granting: over a cap costs us nothing. */
	ret = vcamd_pages_charge(dev, npages);
	if (ret)
		return ret;
	refs = calloc(npages, sizeof(*refs));
	if (!refs) {
		ret = -ENOMEM;
		goto uncharge;
	}

	if (dev->cfg.be_alloc) {
		addr = dev->xops->share(dev->xctx, npages, refs);
		if (!addr) {
			log_warn("%s: cannot grant %u pages for buffer %u",
				 dev->name, npages, idx);
			free(refs);
			ret = -ENOMEM;
			goto uncharge;
		}
		ret = dir_walk(dev, dir, npages, refs, true);
		if (ret) {
			dev->xops->unshare(dev->xctx, addr, npages, refs);
			free(refs);
			goto uncharge;
		}
		b->own_refs = refs;
	} else {
		ret = dir_walk(dev, dir, npages, refs, false);
		if (ret) {
			free(refs);
			goto uncharge;
		}
		addr = dev->xops->map(dev->xctx, npages, refs);
		free(refs);
		if (!addr) {
			log_warn("%s: cannot map the %u grants of buffer %u",
				 dev->name, npages, idx);
			ret = -EINVAL;
			goto uncharge;
		}
	}
	b->addr = addr;
	b->npages = npages;
	memcpy(b->plane_offset, off, sizeof(off));
	b->created = true;
	b->queued = false;
	return 0;
uncharge:
	vcamd_pages_uncharge(dev, npages);
	return ret;
}

static void buf_release(struct vcamd_dev *dev, struct vcamd_buf *b)
{
	if (!b->created)
		return;
	if (b->own_refs)
		dev->xops->unshare(dev->xctx, b->addr, b->npages, b->own_refs);
	else
		dev->xops->unmap(dev->xctx, b->addr, b->npages);
	vcamd_pages_uncharge(dev, b->npages);
	free(b->own_refs);
	memset(b, 0, sizeof(*b));
}

static void queue_remove(struct vcamd_dev *dev, unsigned int idx)
{
	uint8_t keep[VCAMD_MAX_BUFS];
	unsigned int i, n = 0;

	for (i = 0; i < dev->q_len; i++) {
		uint8_t q = dev->queue[(dev->q_head + i) % VCAMD_MAX_BUFS];

		if (q != idx)
			keep[n++] = q;
	}
	memcpy(dev->queue, keep, n);
	dev->q_head = 0;
	dev->q_len = n;
	dev->bufs[idx].queued = false;
}

int vcamd_buf_destroy(struct vcamd_dev *dev, unsigned int index)
{
	struct vcamd_buf *b;

	if (index >= dev->num_bufs || !dev->bufs[index].created)
		return -EINVAL;
	b = &dev->bufs[index];
	if (b->queued && dev->streaming)
		return -EBUSY;
	if (b->queued)
		queue_remove(dev, index);
	buf_release(dev, b);
	return 0;
}

void vcamd_buf_free_all(struct vcamd_dev *dev)
{
	unsigned int i;

	dev->q_head = 0;
	dev->q_len = 0;
	for (i = 0; i < VCAMD_MAX_BUFS; i++)
		buf_release(dev, &dev->bufs[i]);
}

unsigned int vcamd_buf_count(const struct vcamd_dev *dev)
{
	unsigned int i, n = 0;

	for (i = 0; i < VCAMD_MAX_BUFS; i++)
		n += dev->bufs[i].created;
	return n;
}

int vcamd_buf_queue(struct vcamd_dev *dev, unsigned int index)
{
	struct vcamd_buf *b;
	int ret;

	if (index >= dev->num_bufs || !dev->bufs[index].created)
		return -EINVAL;
	b = &dev->bufs[index];
	if (b->queued)
		return -EBUSY;
	if (dev->streaming) {
		ret = vcamd_cam_buf_queued(dev->cam, dev, index);
		if (ret)
			return ret;
	}
	dev->queue[(dev->q_head + dev->q_len) % VCAMD_MAX_BUFS] =
		(uint8_t)index;
	dev->q_len++;
	b->queued = true;
	return 0;
}

/*
 * cameraif.h: after BUF_QUEUE the frontend must not touch the buffer until
 * the response to its BUF_DEQUEUE, so a frontend that reads the header
 * literally sends BUF_DEQUEUE(i) after every FRAME_AVAIL(i).  A buffer that
 * is not queued (handed back by FRAME_AVAIL or STREAM_STOP, or never
 * queued) is the frontend's already: that BUF_DEQUEUE succeeds, changing
 * nothing.
 */
int vcamd_buf_dequeue(struct vcamd_dev *dev, unsigned int index)
{
	if (index >= dev->num_bufs || !dev->bufs[index].created)
		return -EINVAL;
	if (!dev->bufs[index].queued) {
		dev->st.dequeue_held++;
		return 0;
	}
	/* A zero-copy camera holds it: V4L2 cannot give one back early. */
	if (dev->streaming && vcamd_cam_owns_bufs(dev->cam, dev))
		return -EBUSY;
	queue_remove(dev, index);
	return 0;
}

/* The camera filled this queued buffer (zero copy): take it off the FIFO. */
int vcamd_buf_take(struct vcamd_dev *dev, unsigned int index)
{
	if (index >= dev->num_bufs || !dev->bufs[index].queued)
		return -EINVAL;
	queue_remove(dev, index);
	return 0;
}

void vcamd_buf_unqueue_all(struct vcamd_dev *dev)
{
	unsigned int i;

	for (i = 0; i < VCAMD_MAX_BUFS; i++)
		dev->bufs[i].queued = false;
	dev->q_head = 0;
	dev->q_len = 0;
}

int vcamd_buf_pop(struct vcamd_dev *dev)
{
	unsigned int idx;

	if (!dev->q_len)
		return -1;
	idx = dev->queue[dev->q_head];
	dev->q_head = (dev->q_head + 1) % VCAMD_MAX_BUFS;
	dev->q_len--;
	dev->bufs[idx].queued = false;
	return (int)idx;
}
