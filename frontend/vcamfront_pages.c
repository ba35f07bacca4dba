// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * MMAP buffers of an fe-alloc device as bare pages, with no kernel mapping.
 *
 * vb2-vmalloc maps every page of a buffer into vmalloc space when it
 * allocates it and unmaps it when it frees it.  In a PV guest each of those
 * PTE writes is a hypercall, and for the first frame of a capture that made
 * REQBUFS cost the guest twice what it costs dom0 (issue 12, ffprof in
 * bench/README.md).  Here no one needs that mapping: the backend writes the
 * frames through grants of these very pages and the application maps them
 * itself.  A kernel mapping is made only when someone asks for one (vaddr,
 * a DMABUF importer's vmap), and then kept until the buffer is freed.
 *
 * vb2-dma-sg has the same shape (pages, vm_map_pages, vm_map_ram on demand,
 * DMABUF export) but DMA-maps every buffer for the queue's device when it
 * allocates it; a xenbus device has no DMA mask, and nothing here does DMA.
 *
 * Only single-plane MMAP buffers come from here (vcamfe_pages_possible):
 * the bounce of a multi-plane format needs kernel addresses for every
 * frame, and read() starts vb2's emulation on the ops of a queue at rest,
 * which stay vb2-vmalloc.
 */

#include <linux/dma-buf.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <media/videobuf2-memops.h>

#include "vcamfront.h"

struct vcamfe_pgbuf {
	struct page **pages;
	unsigned int npages;
	/* vb2's reference, each mapping's, each exported DMABUF's */
	refcount_t refs;
	struct vb2_vmarea_handler handler;
	struct mutex lock;		/* vaddr */
	void *vaddr;
};

static size_t pgbuf_bytes(const struct vcamfe_pgbuf *pb)
{
	return (size_t)pb->npages << PAGE_SHIFT;
}

bool vcamfe_pages_possible(struct vcamfe_dev *cam)
{
	return vcamfe_param_bare_pages && !cam->cfg.be_alloc &&
	       cam->mem_planes == 1;
}

struct page **vcamfe_pages_of(struct vb2_buffer *vb, unsigned int *npages)
{
	struct vcamfe_pgbuf *pb;

	if (vb->memory != VB2_MEMORY_MMAP || vb->num_planes != 1 ||
	    vb->vb2_queue->mem_ops != &vcamfe_pages_memops)
		return NULL;
	pb = vb->planes[0].mem_priv;
	*npages = pb->npages;
	return pb->pages;
}

static void pgbuf_put(void *arg)
{
	struct vcamfe_pgbuf *pb = arg;
	unsigned int i;

	if (!refcount_dec_and_test(&pb->refs))
		return;
	if (pb->vaddr)
		vm_unmap_ram(pb->vaddr, pb->npages);
	for (i = 0; pb->pages && i < pb->npages; i++)
		if (pb->pages[i])
			__free_page(pb->pages[i]);
	kvfree(pb->pages);
	kfree(pb);
}

static void *pages_alloc(struct vb2_buffer *vb, struct device *dev,
			 unsigned long size)
{
	struct vcamfe_pgbuf *pb;
	unsigned int i;

	pb = kzalloc(sizeof(*pb), GFP_KERNEL);
	if (!pb)
		return ERR_PTR(-ENOMEM);
	pb->npages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	mutex_init(&pb->lock);
	refcount_set(&pb->refs, 1);
	pb->handler.refcount = &pb->refs;
	pb->handler.put = pgbuf_put;
	pb->handler.arg = pb;
	pb->pages = kvcalloc(pb->npages, sizeof(*pb->pages), GFP_KERNEL);
	if (!pb->pages)
		goto fail;
	/* Zeroed: a buffer must not show what its pages held before. */
	for (i = 0; i < pb->npages; i++) {
		pb->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO |
					  __GFP_NOWARN);
		if (!pb->pages[i])
			goto fail;
	}
	return pb;

fail:
	pgbuf_put(pb);
	return ERR_PTR(-ENOMEM);
}

static void pages_put(void *buf_priv)
{
	pgbuf_put(buf_priv);
}

/* vb2 counts its own reference as a user, as vb2-vmalloc does. */
static unsigned int pages_num_users(void *buf_priv)
{
	struct vcamfe_pgbuf *pb = buf_priv;

	return refcount_read(&pb->refs);
}

static void *pgbuf_vaddr(struct vcamfe_pgbuf *pb)
{
	mutex_lock(&pb->lock);
	if (!pb->vaddr)
		pb->vaddr = vm_map_ram(pb->pages, pb->npages, NUMA_NO_NODE);
	mutex_unlock(&pb->lock);
	return pb->vaddr;
}

/* Process context only (vm_map_ram may sleep): nothing here calls it else. */
static void *pages_vaddr(struct vb2_buffer *vb, void *buf_priv)
{
	return pgbuf_vaddr(buf_priv);
}

static int pages_mmap(void *buf_priv, struct vm_area_struct *vma)
{
	struct vcamfe_pgbuf *pb = buf_priv;
	int ret;

	ret = vm_map_pages(vma, pb->pages, pb->npages);
	if (ret)
		return ret;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_private_data = &pb->handler;
	vma->vm_ops = &vb2_common_vm_ops;
	vma->vm_ops->open(vma);
	return 0;
}

/* DMABUF export (EXPBUF), as vb2-vmalloc offers it, from the pages. */
struct vcamfe_pgbuf_attach {
	struct sg_table sgt;
	enum dma_data_direction dir;
};

static int pages_dmabuf_attach(struct dma_buf *dbuf,
			       struct dma_buf_attachment *att)
{
	struct vcamfe_pgbuf *pb = dbuf->priv;
	struct vcamfe_pgbuf_attach *a;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	ret = sg_alloc_table_from_pages(&a->sgt, pb->pages, pb->npages, 0,
					pgbuf_bytes(pb), GFP_KERNEL);
	if (ret) {
		kfree(a);
		return ret;
	}
	a->dir = DMA_NONE;
	att->priv = a;
	return 0;
}

static void pages_dmabuf_detach(struct dma_buf *dbuf,
				struct dma_buf_attachment *att)
{
	struct vcamfe_pgbuf_attach *a = att->priv;

	if (!a)
		return;
	if (a->dir != DMA_NONE)
		dma_unmap_sgtable(att->dev, &a->sgt, a->dir, 0);
	sg_free_table(&a->sgt);
	kfree(a);
	att->priv = NULL;
}

/* Serialised on the dma-buf's own mutex, as vb2-vmalloc does. */
static struct sg_table *pages_dmabuf_map(struct dma_buf_attachment *att,
					 enum dma_data_direction dir)
{
	struct vcamfe_pgbuf_attach *a = att->priv;
	struct sg_table *sgt = &a->sgt;

	mutex_lock(&att->dmabuf->lock);
	if (a->dir != dir) {
		if (a->dir != DMA_NONE)
			dma_unmap_sgtable(att->dev, &a->sgt, a->dir, 0);
		a->dir = DMA_NONE;
		if (dma_map_sgtable(att->dev, &a->sgt, dir, 0))
			sgt = ERR_PTR(-EIO);
		else
			a->dir = dir;
	}
	mutex_unlock(&att->dmabuf->lock);
	return sgt;
}

/* The mapping stays cached in the attachment until detach. */
static void pages_dmabuf_unmap(struct dma_buf_attachment *att,
			       struct sg_table *sgt,
			       enum dma_data_direction dir)
{
}

static int pages_dmabuf_vmap(struct dma_buf *dbuf, struct iosys_map *map)
{
	void *vaddr = pgbuf_vaddr(dbuf->priv);

	if (!vaddr)
		return -ENOMEM;
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static int pages_dmabuf_mmap(struct dma_buf *dbuf, struct vm_area_struct *vma)
{
	return pages_mmap(dbuf->priv, vma);
}

static void pages_dmabuf_release(struct dma_buf *dbuf)
{
	pgbuf_put(dbuf->priv);
}

static const struct dma_buf_ops vcamfe_pages_dmabuf_ops = {
	.attach = pages_dmabuf_attach,
	.detach = pages_dmabuf_detach,
	.map_dma_buf = pages_dmabuf_map,
	.unmap_dma_buf = pages_dmabuf_unmap,
	.vmap = pages_dmabuf_vmap,
	.mmap = pages_dmabuf_mmap,
	.release = pages_dmabuf_release,
};

static struct dma_buf *pages_get_dmabuf(struct vb2_buffer *vb, void *buf_priv,
					unsigned long flags)
{
	struct vcamfe_pgbuf *pb = buf_priv;
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *dbuf;

	exp_info.ops = &vcamfe_pages_dmabuf_ops;
	exp_info.size = pgbuf_bytes(pb);
	exp_info.flags = flags;
	exp_info.priv = pb;
	dbuf = dma_buf_export(&exp_info);
	if (IS_ERR(dbuf))
		return NULL;
	refcount_inc(&pb->refs);
	return dbuf;
}

const struct vb2_mem_ops vcamfe_pages_memops = {
	.alloc = pages_alloc,
	.put = pages_put,
	.get_dmabuf = pages_get_dmabuf,
	.vaddr = pages_vaddr,
	.mmap = pages_mmap,
	.num_users = pages_num_users,
};

MODULE_IMPORT_NS(DMA_BUF);
