// SPDX-License-Identifier: MIT
/*
 * vcam-gntcopy: what delivering one frame into a frontend's granted pages
 * costs, the two ways a backend can do it (issue 12, fe-alloc):
 *
 *   map:  map the grants once per buffer (gntdev, as vcamd does at
 *         BUF_CREATE), then memcpy each frame into the mapping;
 *   copy: no mapping; each frame is one GNTTABOP_copy batch, a segment per
 *         page, Xen copying from our memory into the granted pages.
 *
 * The granting side is this domain itself (gntalloc shares pages with our
 * own domid, as a frontend in this domain would), so it runs in dom0 or a
 * driver domain without a guest.  Every frame is checked in the granted
 * pages, seen through the granter's own mapping.
 *
 * usage: vcam-gntcopy [--frames N] [--size OCTETS]...
 * Prints one line per size and method:
 *   gntcopy method=map size=460800 frames=50 p50_us=.. p99_us=.. mb_s=.. setup_us=..
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <xengnttab.h>	/* and xengntshr */
#include <xenstore.h>

#define PAGE		4096u
#define MAX_SIZES	8

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Our own domid, from xenstore's "domid" (relative to our domain). */
static int own_domid(uint16_t *domid)
{
	struct xs_handle *xs = xs_open(0);
	unsigned int len;
	char *s;

	if (!xs)
		return -1;
	s = xs_read(xs, XBT_NULL, "domid", &len);
	xs_close(xs);
	if (!s)
		return -1;
	*domid = (uint16_t)strtoul(s, NULL, 10);
	free(s);
	return 0;
}

struct run {
	xengnttab_handle *xgt;
	xengntshr_handle *xgs;
	uint16_t domid;
	uint32_t size, npages;
	uint32_t *refs;
	uint8_t *granted;	/* the granter's view of its pages */
	uint8_t *src;		/* the frame as the camera left it */
	uint64_t *t;
	unsigned int frames;
};

static void new_frame(struct run *r, unsigned int f)
{
	uint32_t i;

	for (i = 0; i < r->size; i += 64)
		r->src[i] = (uint8_t)(i / 64 + f * 7);
	r->src[r->size - 1] = (uint8_t)f;
}

static int check(const struct run *r, unsigned int f, const char *method)
{
	if (memcmp(r->granted, r->src, r->size)) {
		fprintf(stderr, "vcam-gntcopy: %s: frame %u differs in the granted pages\n",
			method, f);
		return -1;
	}
	return 0;
}

static void report(struct run *r, const char *method, uint64_t setup_ns)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < r->frames; i++)
		sum += r->t[i];
	qsort(r->t, r->frames, sizeof(r->t[0]), cmp_u64);
	printf("gntcopy method=%s size=%u frames=%u p50_us=%.1f p99_us=%.1f mean_us=%.1f mb_s=%.1f setup_us=%.1f\n",
	       method, r->size, r->frames, r->t[r->frames / 2] / 1e3,
	       r->t[(r->frames * 99) / 100] / 1e3,
	       (double)sum / r->frames / 1e3,
	       (double)r->size * r->frames / ((double)sum / 1e9) / 1e6,
	       setup_ns / 1e3);
}

static int run_map(struct run *r)
{
	uint64_t t0 = now_ns(), setup;
	unsigned int f;
	void *m;

	m = xengnttab_map_domain_grant_refs(r->xgt, r->npages, r->domid,
					    r->refs, PROT_READ | PROT_WRITE);
	if (!m) {
		fprintf(stderr, "vcam-gntcopy: map: %s\n", strerror(errno));
		return -1;
	}
	setup = now_ns() - t0;
	for (f = 0; f < r->frames; f++) {
		new_frame(r, f);
		t0 = now_ns();
		memcpy(m, r->src, r->size);
		r->t[f] = now_ns() - t0;
		if (check(r, f, "map"))
			break;
	}
	t0 = now_ns();
	xengnttab_unmap(r->xgt, m, r->npages);
	setup += now_ns() - t0;
	if (f < r->frames)
		return -1;
	report(r, "map", setup);
	return 0;
}

static int run_copy(struct run *r)
{
	xengnttab_grant_copy_segment_t *seg;
	unsigned int f;
	uint32_t i;
	int ret = 0;

	seg = calloc(r->npages, sizeof(*seg));
	if (!seg)
		return -1;
	for (f = 0; f < r->frames && !ret; f++) {
		uint64_t t0;

		new_frame(r, f);
		t0 = now_ns();
		for (i = 0; i < r->npages; i++) {
			uint32_t off = i * PAGE;

			seg[i].source.virt = r->src + off;
			seg[i].dest.foreign.ref = r->refs[i];
			seg[i].dest.foreign.offset = 0;
			seg[i].dest.foreign.domid = r->domid;
			seg[i].len = (uint16_t)(r->size - off < PAGE ?
						r->size - off : PAGE);
			seg[i].flags = GNTCOPY_dest_gref;
			seg[i].status = 0;
		}
		if (xengnttab_grant_copy(r->xgt, r->npages, seg)) {
			fprintf(stderr, "vcam-gntcopy: grant copy: %s\n",
				strerror(errno));
			ret = -1;
			break;
		}
		r->t[f] = now_ns() - t0;
		for (i = 0; i < r->npages; i++)
			if (seg[i].status != GNTST_okay) {
				fprintf(stderr, "vcam-gntcopy: segment %u: status %d\n",
					i, seg[i].status);
				ret = -1;
			}
		if (!ret)
			ret = check(r, f, "copy");
	}
	free(seg);
	if (!ret)
		report(r, "copy", 0);
	return ret;
}

static int run_size(struct run *r, uint32_t size)
{
	int ret = -1;

	r->size = size;
	r->npages = (size + PAGE - 1) / PAGE;
	r->refs = calloc(r->npages, sizeof(*r->refs));
	r->src = aligned_alloc(PAGE, (size_t)r->npages * PAGE);
	if (!r->refs || !r->src)
		goto out;
	r->granted = xengntshr_share_pages(r->xgs, r->domid, (int)r->npages,
					   r->refs, 1);
	if (!r->granted) {
		fprintf(stderr, "vcam-gntcopy: sharing %u pages: %s\n",
			r->npages, strerror(errno));
		goto out;
	}
	ret = run_map(r);
	if (!ret)
		ret = run_copy(r);
	xengntshr_unshare(r->xgs, r->granted, r->npages);
out:
	free(r->refs);
	free(r->src);
	return ret;
}

int main(int argc, char **argv)
{
	uint32_t sizes[MAX_SIZES];
	unsigned int nsizes = 0, i;
	struct run r = { .frames = 50 };
	int ret = 0;

	for (i = 1; i < (unsigned int)argc; i++) {
		char *end;
		unsigned long v;

		if (i + 1 >= (unsigned int)argc)
			goto usage;
		v = strtoul(argv[i + 1], &end, 10);
		if (*end || !v)
			goto usage;
		if (!strcmp(argv[i], "--frames") && v <= 100000)
			r.frames = (unsigned int)v;
		else if (!strcmp(argv[i], "--size") && nsizes < MAX_SIZES &&
			 v <= 64u << 20)
			sizes[nsizes++] = (uint32_t)v;
		else
			goto usage;
		i++;
	}
	if (!nsizes) {
		sizes[nsizes++] = 640 * 360 * 2;	/* the bench's mode */
		sizes[nsizes++] = 1280 * 720 * 2;
	}
	r.t = calloc(r.frames, sizeof(*r.t));
	r.xgt = xengnttab_open(NULL, 0);
	r.xgs = xengntshr_open(NULL, 0);
	if (!r.t || !r.xgt || !r.xgs || own_domid(&r.domid)) {
		fprintf(stderr, "vcam-gntcopy: needs /dev/xen/gntdev, gntalloc and xenstore: %s\n",
			strerror(errno));
		return 1;
	}
	/* gntalloc's default limit is 1024 pages in all */
	if (xengnttab_set_max_grants(r.xgt, 65536))
		fprintf(stderr, "vcam-gntcopy: set_max_grants: %s\n",
			strerror(errno));
	for (i = 0; i < nsizes && !ret; i++)
		ret = run_size(&r, sizes[i]);
	xengntshr_close(r.xgs);
	xengnttab_close(r.xgt);
	free(r.t);
	return ret ? 1 : 0;
usage:
	fprintf(stderr, "usage: %s [--frames N] [--size OCTETS]...\n", argv[0]);
	return 2;
}
