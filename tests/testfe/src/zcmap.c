// SPDX-License-Identifier: MIT
/*
 * vcam-zcmap: what an application may do to MMAP buffers, done to them.
 *
 * With be-alloc the guest module maps the backend's own pages into the
 * application (frontend/vcamfront_zc.c), so the kernel's usual handling of
 * a mapping must not reach those foreign frames the usual way.  This
 * streams a few frames and, on the live buffers, reads them back through
 * get_user_pages (process_vm_readv on ourselves), forks, frees them with
 * REQBUFS(0) while still mapped (vb2 orphans them), unmaps them in two
 * parts while a thread reads them through get_user_pages, mprotects and
 * tries to move a mapping.  Every read must match what the
 * frame held; the kernel must stay quiet (the rig checks dmesg).
 *
 *   vcam-zcmap -d /dev/videoN [-n frames]
 * prints "zcmap ok frames=N ..." and exits 0, or says what failed;
 *   vcam-zcmap -d /dev/videoN -r
 * prints what two non-blocking one-octet read()s, each on a fresh open, got.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <linux/videodev2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csum.h"
#include "xioctl.h"

#define ZC_BUFS 3

struct zc_buf {
	uint8_t *addr;
	size_t len;
	uint32_t used;
	uint32_t crc;
};

static int fail(const char *what)
{
	fprintf(stderr, "zcmap: %s: %s\n", what, strerror(errno));
	return 1;
}

/* The frame as the kernel reads it for someone else: get_user_pages. */
static int crc_via_gup(const struct zc_buf *b, uint32_t *crc)
{
	struct iovec local, remote;
	uint8_t *copy = malloc(b->used ? b->used : 1);
	ssize_t n;

	if (!copy)
		return -1;
	local.iov_base = copy;
	local.iov_len = b->used;
	remote.iov_base = b->addr;
	remote.iov_len = b->used;
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n != (ssize_t)b->used) {
		free(copy);
		return -1;
	}
	*crc = tfe_crc32(0, copy, b->used);
	free(copy);
	return 0;
}

static int stream(int fd, struct zc_buf *bufs, unsigned int nframes)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_buffer vb;
	unsigned int i;
	uint32_t gup;

	for (i = 0; i < ZC_BUFS; i++) {
		memset(&vb, 0, sizeof(vb));
		vb.type = type;
		vb.memory = V4L2_MEMORY_MMAP;
		vb.index = i;
		if (xioctl(fd, VIDIOC_QBUF, &vb))
			return fail("QBUF");
	}
	if (xioctl(fd, VIDIOC_STREAMON, &type))
		return fail("STREAMON");
	for (i = 0; i < nframes; i++) {
		struct zc_buf *b;

		memset(&vb, 0, sizeof(vb));
		vb.type = type;
		vb.memory = V4L2_MEMORY_MMAP;
		if (xioctl(fd, VIDIOC_DQBUF, &vb))
			return fail("DQBUF");
		if (vb.index >= ZC_BUFS || vb.bytesused > bufs[vb.index].len) {
			fprintf(stderr, "zcmap: DQBUF gave index %u, %u octets\n",
				vb.index, vb.bytesused);
			return 1;
		}
		b = &bufs[vb.index];
		b->used = vb.bytesused;
		b->crc = tfe_crc32(0, b->addr, b->used);
		if (crc_via_gup(b, &gup) || gup != b->crc) {
			fprintf(stderr, "zcmap: frame %u read through get_user_pages differs\n", i);
			return 1;
		}
		if (i == 0) {
			pid_t pid = fork();
			int st;

			if (pid < 0)
				return fail("fork");
			if (pid == 0)
				_exit(0);	/* the child never had the buffers */
			if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
				return fail("child");
			if (tfe_crc32(0, b->addr, b->used) != b->crc) {
				fprintf(stderr, "zcmap: frame changed across a fork\n");
				return 1;
			}
		}
		/* The last frame of each buffer stays in it: do not queue it again. */
		if (i + ZC_BUFS < nframes && xioctl(fd, VIDIOC_QBUF, &vb))
			return fail("QBUF again");
	}
	if (xioctl(fd, VIDIOC_STREAMOFF, &type))
		return fail("STREAMOFF");
	return 0;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * What reading a frame costs where it lies (with be-alloc: the backend's
 * pages) against a private copy of it: a mapping that is slower to read
 * would eat what zero copy saves.  Best of ZC_READS passes each.
 */
#define ZC_READS 20
static int time_reads(const struct zc_buf *b)
{
	double best_map = 1e18, best_priv = 1e18, t;
	uint8_t *priv = malloc(b->used ? b->used : 1);
	volatile uint32_t sink = 0;
	unsigned int i;

	if (!priv)
		return fail("malloc");
	memcpy(priv, b->addr, b->used);
	for (i = 0; i < ZC_READS; i++) {
		t = now_us();
		sink ^= tfe_crc32(0, b->addr, b->used);
		t = now_us() - t;
		best_map = t < best_map ? t : best_map;
		t = now_us();
		sink ^= tfe_crc32(0, priv, b->used);
		t = now_us() - t;
		best_priv = t < best_priv ? t : best_priv;
	}
	free(priv);
	printf("zcmap read octets=%u mapped-us=%.0f private-us=%.0f\n", b->used,
	       best_map, best_priv);
	(void)sink;
	return 0;
}

/*
 * -r: open, read one octet without blocking, close; twice, as
 * v4l2-compliance's read/write test does.  Either answer is allowed for a
 * stream that has just started (EAGAIN, or a frame that came first): this
 * prints which one each round got.
 */
static int read_probe(const char *dev)
{
	unsigned int round;
	char c;

	for (round = 1; round <= 2; round++) {
		int fd = open(dev, O_RDWR | O_NONBLOCK);
		ssize_t n;

		if (fd < 0)
			return fail(dev);
		errno = 0;
		n = read(fd, &c, 1);
		printf("readprobe round=%u ret=%zd errno=%s\n", round, n,
		       n < 0 ? strerror(errno) : "0");
		close(fd);
	}
	return 0;
}

static atomic_int reader_stop;

/*
 * Reads the buffer, but its first page, through get_user_pages until told
 * to stop: the part the last munmap takes away.
 */
static void *gup_reader(void *arg)
{
	const struct zc_buf *b = arg;
	struct zc_buf rest = { .addr = b->addr + 4096, .len = b->len - 4096 };
	uint32_t crc;
	unsigned int n = 0;

	rest.used = b->used > 4096 ? b->used - 4096 : 0;
	while (!atomic_load(&reader_stop) || n < 4) {
		(void)crc_via_gup(&rest, &crc);	/* EFAULT once unmapped */
		n++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t reader;
	struct v4l2_requestbuffers rb = { 0 };
	struct zc_buf bufs[ZC_BUFS] = { 0 };
	const char *dev = "/dev/video0";
	unsigned int nframes = 8, i;
	void *moved;
	int fd, opt;

	while ((opt = getopt(argc, argv, "d:n:r")) != -1) {
		if (opt == 'd')
			dev = optarg;
		else if (opt == 'n')
			nframes = (unsigned int)strtoul(optarg, NULL, 0);
		else if (opt == 'r')
			return read_probe(dev);
		else
			return 2;
	}
	if (nframes < ZC_BUFS)
		nframes = ZC_BUFS;
	fd = open(dev, O_RDWR);
	if (fd < 0)
		return fail(dev);
	rb.count = ZC_BUFS;
	rb.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	rb.memory = V4L2_MEMORY_MMAP;
	if (xioctl(fd, VIDIOC_REQBUFS, &rb) || rb.count != ZC_BUFS)
		return fail("REQBUFS");
	for (i = 0; i < ZC_BUFS; i++) {
		struct v4l2_buffer vb = { 0 };

		vb.type = rb.type;
		vb.memory = V4L2_MEMORY_MMAP;
		vb.index = i;
		if (xioctl(fd, VIDIOC_QUERYBUF, &vb))
			return fail("QUERYBUF");
		bufs[i].len = vb.length;
		bufs[i].addr = mmap(NULL, vb.length, PROT_READ | PROT_WRITE,
				    MAP_SHARED, fd, vb.m.offset);
		if (bufs[i].addr == MAP_FAILED)
			return fail("mmap");
	}
	if (stream(fd, bufs, nframes))
		return 1;
	if (time_reads(&bufs[0]))
		return 1;

	/* vb2 lets go of mapped buffers (orphans them): the frames must stay. */
	rb.count = 0;
	if (xioctl(fd, VIDIOC_REQBUFS, &rb))
		return fail("REQBUFS(0) with the buffers mapped");
	for (i = 0; i < ZC_BUFS; i++)
		if (bufs[i].used &&
		    tfe_crc32(0, bufs[i].addr, bufs[i].used) != bufs[i].crc) {
			fprintf(stderr, "zcmap: orphaned buffer %u changed\n", i);
			return 1;
		}
	close(fd);

	/*
	 * A hole in one mapping, then the rest of it, while another thread
	 * reads the buffer through get_user_pages: a page it holds must stay
	 * readable after the last munmap.
	 */
	if (pthread_create(&reader, NULL, gup_reader, &bufs[0]))
		return fail("pthread_create");
	if (munmap(bufs[0].addr, 4096) ||
	    munmap(bufs[0].addr + 4096, bufs[0].len - 4096))
		return fail("munmap in two parts");
	atomic_store(&reader_stop, 1);
	pthread_join(reader, NULL);
	/* Read-only now: the frame may be gone, the process must not be. */
	if (mprotect(bufs[1].addr, bufs[1].len, PROT_READ))
		return fail("mprotect");
	(void)*(volatile uint8_t *)bufs[1].addr;
	/* Moving is refused; nothing may break either way.  The target is
	 * reserved first: MREMAP_FIXED replaces whatever lies there. */
	moved = mmap(NULL, bufs[2].len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	if (moved == MAP_FAILED)
		return fail("mmap a target for mremap");
	moved = mremap(bufs[2].addr, bufs[2].len, bufs[2].len,
		       MREMAP_MAYMOVE | MREMAP_FIXED, moved);
	if (moved != MAP_FAILED)
		bufs[2].addr = moved;
	(void)*(volatile uint8_t *)bufs[2].addr;
	for (i = 1; i < ZC_BUFS; i++)
		if (munmap(bufs[i].addr, bufs[i].len))
			return fail("munmap");
	printf("zcmap ok frames=%u gup=ok fork=ok orphaned=ok mremap=%s\n",
	       nframes, moved == MAP_FAILED ? "refused" : "moved");
	return 0;
}
