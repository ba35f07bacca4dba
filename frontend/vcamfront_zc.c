// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Zero copy for be-alloc: the application maps the backend's pages.
 *
 * Otherwise each frame is copied once, from the backend's pages (mapped in
 * our kernel) into the vb2 buffer.  Here the vb2 buffer is those pages: a
 * vb2 allocator of our own (MMAP only) whose memory is unpopulated pages
 * the backend's grants get mapped into, as xen_drm_front_gem does for the
 * display's be-alloc buffers.
 *
 * A PV guest cannot put a foreign frame into a page table itself: Xen
 * checks who owns it.  So each mmap asks Xen to write the grant into the
 * application's PTEs (GNTMAP_contains_pte), as gntdev does, and takes it
 * out again from an mmu notifier, before the kernel tears those page
 * tables down.  The PTEs carry the special bit (guest_avail0): page-table
 * walkers would misread their foreign frame number, so get_user_pages
 * finds our struct page through find_special_page instead.
 *
 * PV guests only, for now: an auto-translated guest (PVH, HVM) would map
 * the pages the ordinary way, which the rig cannot run, so it keeps the
 * copy.  So do USERPTR, DMABUF and read(), whose memory is not the
 * backend's, and formats with several memory planes.
 */

#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/slab.h>

#include <xen/grant_table.h>
#include <xen/xen.h>

#ifdef CONFIG_XEN_PV
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#endif

#include "vcamfront.h"

/* One mmap of a zero-copy buffer (several vmas after a split). */
struct vcamfe_umap {
	struct list_head node;
	struct vcamfe_zbuf *zb;
	refcount_t users;
	struct mmu_interval_notifier notifier;
	unsigned long start;
	unsigned int count;
	u32 flags;
	u64 *pte_maddr;
	/* Under zb->lock; INVALID_GRANT_HANDLE: nothing of ours there. */
	grant_handle_t *handles;
};

/* Unmap ops go to Xen in batches this size, from the stack. */
#define VCAMFE_UNMAP_BATCH	16

bool vcamfe_zc_possible(struct vcamfe_dev *cam)
{
	return IS_ENABLED(CONFIG_XEN_PV) && xen_pv_domain() &&
	       vcamfe_param_zero_copy && cam->cfg.be_alloc &&
	       cam->mem_planes == 1 && !READ_ONCE(cam->dead);
}

struct vcamfe_zbuf *vcamfe_zbuf_of(struct vb2_buffer *vb)
{
	if (vb->memory != VB2_MEMORY_MMAP ||
	    vb->vb2_queue->mem_ops != &vcamfe_zc_memops)
		return NULL;
	return vb->planes[0].mem_priv;
}

void vcamfe_zbuf_get(struct vcamfe_zbuf *zb)
{
	refcount_inc(&zb->refs);
}

/* Zero-copy buffers whose pages someone still holds: module exit waits. */
static atomic_t vcamfe_zc_deferred = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(vcamfe_zc_released);

/*
 * get_user_pages hands our pages out (find_special_page) to whoever reads
 * the application's buffer: process_vm_readv, O_DIRECT, vmsplice.  Such a
 * holder may still read a page through its kernel address after the last
 * munmap, so the kernel mapping goes, and the page with it, only once no
 * such reference is left (as gntdev's unmap does).
 */
static bool zbuf_pages_held(const struct vcamfe_zbuf *zb)
{
	unsigned int i;

	for (i = 0; i < zb->npages; i++)
		if (page_count(zb->pages[i]) > 1)
			return true;
	return false;
}

static void zbuf_free(struct vcamfe_zbuf *zb)
{
	if (zb->sh.shbuf_valid) {
		/* Also what a failed map left: unmapping twice does nothing. */
		xen_front_pgdir_shbuf_unmap(&zb->sh.shbuf);
		xen_front_pgdir_shbuf_free(&zb->sh.shbuf);
	}
	xen_free_unpopulated_pages(zb->npages, zb->pages);
	put_device(zb->dev);
	kfree(zb->pages);
	kfree(zb->grefs);
	kfree(zb);
}

static void zbuf_release_work(struct work_struct *work)
{
	struct vcamfe_zbuf *zb = container_of(to_delayed_work(work),
					      struct vcamfe_zbuf, release);

	if (zbuf_pages_held(zb)) {
		queue_delayed_work(vcamfe_wq, &zb->release,
				   msecs_to_jiffies(10));
		return;
	}
	zbuf_free(zb);
	if (atomic_dec_and_test(&vcamfe_zc_deferred))
		wake_up_all(&vcamfe_zc_released);
}

/* Module exit: after the connections' teardowns, before the workqueue goes. */
void vcamfe_zc_wait_released(void)
{
	if (atomic_read(&vcamfe_zc_deferred))
		pr_info(VCAMFE_DRV_NAME ": waiting for the kernel to let go of zero-copy pages\n");
	wait_event(vcamfe_zc_released, !atomic_read(&vcamfe_zc_deferred));
}

void vcamfe_zbuf_put(struct vcamfe_zbuf *zb)
{
	struct vcamfe_dev *cam = zb->cam;

	if (!refcount_dec_and_test(&zb->refs))
		return;
	mutex_lock(&cam->zc.lock);
	list_del(&zb->node);
	mutex_unlock(&cam->zc.lock);
	if (!zbuf_pages_held(zb)) {
		zbuf_free(zb);
		return;
	}
	/* Not the connection's any more: cam may be gone when this runs. */
	atomic_inc(&vcamfe_zc_deferred);
	INIT_DELAYED_WORK(&zb->release, zbuf_release_work);
	queue_delayed_work(vcamfe_wq, &zb->release, msecs_to_jiffies(10));
}

/*
 * The backend's pages are mapped in our kernel (xen-front-pgdir-shbuf read
 * the directory for that): keep their grant refs for the mmaps to come.
 * The directory is shared memory, so they are copied out once, here.
 */
int vcamfe_zbuf_mapped(struct vcamfe_zbuf *zb)
{
	const unsigned int per = (PAGE_SIZE -
		offsetof(struct xencamera_page_directory, gref)) /
		sizeof(grant_ref_t);
	unsigned int i, n = zb->sh.num_pages;
	const grant_ref_t *dir;
	grant_ref_t *grefs;

	grefs = kcalloc(n, sizeof(*grefs), GFP_KERNEL);
	if (!grefs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		dir = (const grant_ref_t *)(zb->sh.shbuf.directory +
			(size_t)(i / per) * PAGE_SIZE +
			offsetof(struct xencamera_page_directory, gref));
		grefs[i] = READ_ONCE(dir[i % per]);
	}
	mutex_lock(&zb->lock);
	kfree(zb->grefs);
	zb->grefs = grefs;
	zb->num_grefs = n;
	zb->sh.be_mapped = true;
	mutex_unlock(&zb->lock);
	return 0;
}

#ifdef CONFIG_XEN_PV
/* Takes the backend's pages out of the application's PTEs [first, end). */
static void unmap_user(struct vcamfe_umap *um, unsigned int first,
		       unsigned int end)
{
	struct gnttab_unmap_grant_ref ops[VCAMFE_UNMAP_BATCH];
	unsigned int idx[VCAMFE_UNMAP_BATCH];
	unsigned int i = first, n, k;

	lockdep_assert_held(&um->zb->lock);
	while (i < end) {
		for (n = 0; i < end && n < VCAMFE_UNMAP_BATCH; i++) {
			if (um->handles[i] == INVALID_GRANT_HANDLE)
				continue;
			gnttab_set_unmap_op(&ops[n], um->pte_maddr[i],
					    um->flags, um->handles[i]);
			idx[n++] = i;
		}
		if (!n)
			continue;
		if (HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, ops, n))
			BUG();
		for (k = 0; k < n; k++) {
			if (ops[k].status != GNTST_okay)
				dev_err_ratelimited(&um->zb->cam->xb_dev->dev,
						    "unmapping page %u of a mapping failed: %d\n",
						    idx[k], ops[k].status);
			um->handles[idx[k]] = INVALID_GRANT_HANDLE;
		}
	}
}

/* Asks Xen to write the backend's first n pages into the application's PTEs. */
static int map_user(struct vcamfe_umap *um, struct gnttab_map_grant_ref *ops,
		    unsigned int n)
{
	struct vcamfe_zbuf *zb = um->zb;
	domid_t domid = zb->cam->xb_dev->otherend_id;
	unsigned int i;
	int ret = 0;

	lockdep_assert_held(&zb->lock);
	for (i = 0; i < n; i++)
		gnttab_set_map_op(&ops[i], um->pte_maddr[i], um->flags,
				  zb->grefs[i], domid);
	gnttab_batch_map(ops, n);
	for (i = 0; i < n; i++) {
		if (ops[i].status == GNTST_okay)
			um->handles[i] = ops[i].handle;
		else if (!ret)
			ret = -EFAULT;
	}
	if (ret) {
		dev_err(&zb->cam->xb_dev->dev,
			"mapping the backend's pages for an application failed\n");
		unmap_user(um, 0, n);
	}
	return ret;
}

static int find_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct vcamfe_umap *um = data;

	um->pte_maddr[(addr - um->start) >> PAGE_SHIFT] =
		arbitrary_virt_to_machine(pte).maddr;
	return 0;
}
#else
static void unmap_user(struct vcamfe_umap *um, unsigned int first,
		       unsigned int end)
{
}

static int map_user(struct vcamfe_umap *um, struct gnttab_map_grant_ref *ops,
		    unsigned int n)
{
	return -EOPNOTSUPP;
}

static int find_pte(pte_t *pte, unsigned long addr, void *data)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * Before the kernel changes or frees these page tables (munmap, exit,
 * mprotect): the grants leave first, else their PTEs would be dropped
 * under Xen's feet, and the page tables freed with foreign frames in them.
 */
static bool zc_invalidate(struct mmu_interval_notifier *mn,
			  const struct mmu_notifier_range *range,
			  unsigned long cur_seq)
{
	struct vcamfe_umap *um = container_of(mn, struct vcamfe_umap, notifier);
	unsigned long end = um->start + ((unsigned long)um->count << PAGE_SHIFT);
	unsigned long s = max(range->start, um->start);
	unsigned long e = min(range->end, end);

	if (!mmu_notifier_range_blockable(range))
		return false;
	if (s >= e)
		return true;
	mutex_lock(&um->zb->lock);
	unmap_user(um, (s - um->start) >> PAGE_SHIFT,
		   (e - um->start + PAGE_SIZE - 1) >> PAGE_SHIFT);
	mutex_unlock(&um->zb->lock);
	return true;
}

static const struct mmu_interval_notifier_ops zc_mn_ops = {
	.invalidate = zc_invalidate,
};

static void umap_free(struct vcamfe_umap *um)
{
	kvfree(um->pte_maddr);
	kvfree(um->handles);
	kfree(um);
}

static void zc_vm_open(struct vm_area_struct *vma)
{
	struct vcamfe_umap *um = vma->vm_private_data;

	refcount_inc(&um->users);
}

static void zc_vm_close(struct vm_area_struct *vma)
{
	struct vcamfe_umap *um = vma->vm_private_data;
	struct vcamfe_zbuf *zb = um->zb;
	unsigned int i, left = 0;

	if (!refcount_dec_and_test(&um->users))
		return;
	mmu_interval_notifier_remove(&um->notifier);
	mutex_lock(&zb->lock);
	/* The page tables are gone: the notifier must have emptied them. */
	for (i = 0; i < um->count; i++)
		left += um->handles[i] != INVALID_GRANT_HANDLE;
	list_del(&um->node);
	atomic_dec(&zb->mappings);
	mutex_unlock(&zb->lock);
	if (left)
		dev_err(&zb->cam->xb_dev->dev,
			"%u pages of the backend's still mapped at munmap\n",
			left);
	umap_free(um);
	vcamfe_zbuf_put(zb);
}

/* A moved mapping would keep the old address in um->start. */
static int zc_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static struct page *zc_find_special_page(struct vm_area_struct *vma,
					 unsigned long addr)
{
	struct vcamfe_umap *um = vma->vm_private_data;
	unsigned long i = (addr - um->start) >> PAGE_SHIFT;

	return i < um->zb->sh.num_pages ? um->zb->pages[i] : NULL;
}

/*
 * A page that is not the backend's, or no longer (past the frame's pages,
 * or after a suspend took them out): zeroes, not a signal.
 */
static vm_fault_t zc_fault(struct vm_fault *vmf)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	int err;

	if (!page)
		return VM_FAULT_OOM;
	err = vm_insert_page(vmf->vma, vmf->address, page);
	put_page(page);
	if (err == -ENOMEM)
		return VM_FAULT_OOM;
	if (err && err != -EBUSY)
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

static const struct vm_operations_struct zc_vm_ops = {
	.open = zc_vm_open,
	.close = zc_vm_close,
	.mremap = zc_vm_mremap,
	.fault = zc_fault,
	.find_special_page = zc_find_special_page,
};

static struct vcamfe_umap *umap_alloc(struct vcamfe_zbuf *zb,
				      struct vm_area_struct *vma)
{
	unsigned int i, count = vma_pages(vma);
	struct vcamfe_umap *um;

	um = kzalloc(sizeof(*um), GFP_KERNEL);
	if (!um)
		return NULL;
	um->pte_maddr = kvcalloc(count, sizeof(*um->pte_maddr), GFP_KERNEL);
	um->handles = kvcalloc(count, sizeof(*um->handles), GFP_KERNEL);
	if (!um->pte_maddr || !um->handles) {
		umap_free(um);
		return NULL;
	}
	for (i = 0; i < count; i++)
		um->handles[i] = INVALID_GRANT_HANDLE;
	um->zb = zb;
	um->start = vma->vm_start;
	um->count = count;
	refcount_set(&um->users, 1);
	um->flags = GNTMAP_host_map | GNTMAP_application_map |
		    GNTMAP_contains_pte | (1 << _GNTMAP_guest_avail0);
	return um;
}

/* Called by vb2_mmap, mmap_lock held for writing. */
static int zc_mmap(void *buf_priv, struct vm_area_struct *vma)
{
	struct vcamfe_zbuf *zb = buf_priv;
	unsigned long size = vma->vm_end - vma->vm_start;
	struct gnttab_map_grant_ref *ops;
	struct vcamfe_umap *um;
	unsigned int n;
	int ret;

	if (vma_pages(vma) > zb->npages)
		return -EINVAL;
	um = umap_alloc(zb, vma);
	if (!um)
		return -ENOMEM;
	if (!(vma->vm_flags & VM_WRITE)) {
		um->flags |= GNTMAP_readonly;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	/* Allocated here: the notifier takes zb->lock, never allocate under it. */
	ops = kvcalloc(um->count, sizeof(*ops), GFP_KERNEL);
	if (!ops) {
		umap_free(um);
		return -ENOMEM;
	}
	ret = mmu_interval_notifier_insert_locked(&um->notifier, vma->vm_mm,
						  vma->vm_start, size,
						  &zc_mn_ops);
	if (ret)
		goto free;
	ret = apply_to_page_range(vma->vm_mm, vma->vm_start, size, find_pte,
				  um);
	if (ret)
		goto remove;

	mutex_lock(&zb->lock);
	if (!zb->sh.be_mapped) {
		ret = -ENODEV;	/* the connection went, or is suspending */
	} else {
		n = min(um->count, zb->num_grefs);
		ret = map_user(um, ops, n);
	}
	if (!ret) {
		list_add_tail(&um->node, &zb->umaps);
		atomic_inc(&zb->mappings);
		vcamfe_zbuf_get(zb);
	}
	mutex_unlock(&zb->lock);
	if (ret)
		goto remove;
	kvfree(ops);

	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY |
			 VM_MIXEDMAP;
	vma->vm_private_data = um;
	vma->vm_ops = &zc_vm_ops;
	return 0;

remove:
	mmu_interval_notifier_remove(&um->notifier);
free:
	kvfree(ops);
	umap_free(um);
	return ret;
}

/*
 * Before the domain suspends: no page table of ours may hold a foreign
 * frame (vcamfe_buf_unmap_backend says why).  Applications that still map
 * a buffer see zeroes from here on.  Returns whether anything was mapped.
 */
bool vcamfe_zc_unmap_all(struct vcamfe_dev *cam)
{
	struct vcamfe_umap *um;
	struct vcamfe_zbuf *zb;
	bool any = false, kmapped;

	mutex_lock(&cam->zc.lock);
	list_for_each_entry(zb, &cam->zc.bufs, node) {
		mutex_lock(&zb->lock);
		list_for_each_entry(um, &zb->umaps, node)
			unmap_user(um, 0, um->count);
		kmapped = zb->sh.be_mapped;
		zb->sh.be_mapped = false;
		mutex_unlock(&zb->lock);
		if (kmapped)
			xen_front_pgdir_shbuf_unmap(&zb->sh.shbuf);
		any |= kmapped;
	}
	mutex_unlock(&cam->zc.lock);
	return any;
}

static void *zc_alloc(struct vb2_buffer *vb, struct device *dev,
		      unsigned long size)
{
	struct vcamfe_dev *cam = vb2_get_drv_priv(vb->vb2_queue);
	struct vcamfe_zbuf *zb;
	int ret = -ENOMEM;

	zb = kzalloc(sizeof(*zb), GFP_KERNEL);
	if (!zb)
		return ERR_PTR(-ENOMEM);
	zb->npages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	zb->pages = kcalloc(zb->npages, sizeof(*zb->pages), GFP_KERNEL);
	if (!zb->pages)
		goto fail;
	ret = xen_alloc_unpopulated_pages(zb->npages, zb->pages);
	if (ret)
		goto fail;
	zb->cam = cam;
	/* xen-front-pgdir-shbuf logs through it, maybe after the connection. */
	zb->dev = get_device(&cam->xb_dev->dev);
	refcount_set(&zb->refs, 1);
	mutex_init(&zb->lock);
	INIT_LIST_HEAD(&zb->umaps);
	mutex_lock(&cam->zc.lock);
	list_add_tail(&zb->node, &cam->zc.bufs);
	mutex_unlock(&cam->zc.lock);
	return zb;

fail:
	kfree(zb->pages);
	kfree(zb);
	return ERR_PTR(ret);
}

static void zc_put(void *buf_priv)
{
	vcamfe_zbuf_put(buf_priv);
}

/* vb2 counts its own reference as one user, as vb2-vmalloc does. */
static unsigned int zc_num_users(void *buf_priv)
{
	struct vcamfe_zbuf *zb = buf_priv;

	return 1 + atomic_read(&zb->mappings);
}

/*
 * No vaddr: the kernel never reads these frames, and under PV a second
 * kernel mapping of foreign frames cannot be made like any other.  No
 * DMABUF export either: EXPBUF says so.
 */
const struct vb2_mem_ops vcamfe_zc_memops = {
	.alloc = zc_alloc,
	.put = zc_put,
	.mmap = zc_mmap,
	.num_users = zc_num_users,
};
