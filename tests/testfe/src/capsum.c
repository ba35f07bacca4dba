// SPDX-License-Identifier: MIT
/*
 * vcam-capsum: capture N frames natively from /dev/videoN with plain
 * V4L2 mmap streaming and print the same per-frame checksum lines as
 * vcam-testfe, so a guest capture can be compared with a native one.
 * Then one 'latency' line: CLOCK_MONOTONIC at each DQBUF minus the
 * buffer's timestamp (the driver's capture time, or under vcam with the
 * capture-time extension the camera's, carried across from dom0).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "csum.h"
#include "xioctl.h"
#include "lat.h"
#include "parse.h"
#include "proto.h"

#define MAX_BUFS 32

struct mbuf {
	void *p;
	size_t len;
};

/*
 * -T: where the time from open to close goes, one phase at a time (the
 * guest/native first-frame comparison of bench/), in microseconds.
 */
enum phase { PH_OPEN, PH_GFMT, PH_SFMT, PH_REQBUFS, PH_BUFS, PH_STREAMON,
	     PH_FIRST, PH_REST, PH_STREAMOFF, PH_CLOSE, PH_N };
static const char *const phase_name[PH_N] = {
	"open", "g_fmt", "s_fmt", "reqbufs", "mmap_qbuf", "streamon",
	"first_frame", "more_frames", "streamoff", "munmap_close",
};
static uint64_t phase_us[PH_N];
static uint64_t phase_t0;

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The time since the last mark goes to phase p. */
static void mark(enum phase p)
{
	uint64_t t = now_us();

	phase_us[p] += t - phase_t0;
	phase_t0 = t;
}

static void print_phases(FILE *f, uint64_t start)
{
	unsigned int i;

	fprintf(f, "capsum-phases");
	for (i = 0; i < PH_N; i++)
		fprintf(f, " %s=%llu", phase_name[i],
			(unsigned long long)phase_us[i]);
	fprintf(f, " total=%llu\n", (unsigned long long)(now_us() - start));
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: vcam-capsum [-d /dev/videoN] [-F WxH[:FOURCC]] [-f FRAMES]\n"
"                   [-n BUFFERS] [-s SKIP] [-t TIMEOUT_MS] [-T]\n"
"Capture FRAMES frames with V4L2 mmap streaming and print one line per\n"
"frame: 'frame seq=S idx=I size=N crc32=XXXXXXXX [lat-us=L]' (CRC-32 of\n"
"bytesused; L: DQBUF time minus the buffer's monotonic timestamp),\n"
"the same format as vcam-testfe.  -s drops the first SKIP frames (a\n"
"camera's first frames often differ).  Default: /dev/video0, the device's\n"
"current format, 10 frames, 4 buffers.  -T prints on stderr how many\n"
"microseconds each step took, open to close ('capsum-phases ...').\n"
"Last line: 'latency clock=C\n"
"lat-n=N lat-p50-us=.. lat-p99-us=.. lat-max-us=..', DQBUF time minus\n"
"buffer timestamp over the frames printed (clock=other, lat-n=0: the\n"
"driver's timestamps are not CLOCK_MONOTONIC).\n");
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Returns the latency, or 0 with *ok = 0 when the clock is not ours. */
static int64_t note_latency(struct tfe_lat *l, const struct v4l2_buffer *b,
			    int64_t now, int *ok)
{
	int64_t lat;

	*ok = (b->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) ==
	      V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
	if (!*ok)
		return 0;
	lat = now - ((int64_t)b->timestamp.tv_sec * 1000000000LL +
		     (int64_t)b->timestamp.tv_usec * 1000LL);
	tfe_lat_add(l, lat);
	return lat;
}

static void print_latency(struct tfe_lat *l)
{
	printf("latency clock=%s lat-n=%llu", l->n ? "monotonic" : "other",
	       (unsigned long long)(l->n + l->n_over));
	if (l->n)
		printf(" lat-p50-us=%lld lat-p99-us=%lld lat-max-us=%lld",
		       (long long)(tfe_lat_pct(l, 0.50) / 1000),
		       (long long)(tfe_lat_pct(l, 0.99) / 1000),
		       (long long)(l->max / 1000));
	putchar('\n');
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/video0";
	uint32_t w = 0, h = 0, fourcc = 0;
	unsigned long frames = 10, nbufs = 4, skip = 0, tmo = 5000, v;
	struct v4l2_requestbuffers rb;
	struct mbuf bufs[MAX_BUFS];
	struct v4l2_buffer b;
	struct v4l2_format fmt;
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int i, got = 0, seen = 0;
	struct pollfd pfd;
	struct tfe_lat lat = { 0 };
	int64_t now;
	int have_lat;
	char fcc[5];
	int fd, c, ret = 1;
	bool timed = false;
	uint64_t start;

	while ((c = getopt(argc, argv, "d:F:f:n:s:t:Th")) != -1) {
		switch (c) {
		case 'd':
			dev = optarg;
			break;
		case 'F':
			if (tfe_parse_format(optarg, &w, &h, &fourcc)) {
				fprintf(stderr, "capsum: bad format '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'f':
		case 'n':
		case 's':
		case 't':
			if (tfe_parse_uint(optarg, c == 's' ? 0 : 1,
					   c == 'n' ? MAX_BUFS : 100000000,
					   &v)) {
				fprintf(stderr, "capsum: bad -%c '%s'\n", c,
					optarg);
				return 2;
			}
			if (c == 'f')
				frames = v;
			else if (c == 'n')
				nbufs = v;
			else if (c == 's')
				skip = v;
			else
				tmo = v;
			break;
		case 'T':
			timed = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}

	start = phase_t0 = now_us();
	fd = open(dev, O_RDWR | O_NONBLOCK);
	mark(PH_OPEN);
	if (fd < 0) {
		fprintf(stderr, "capsum: %s: %s\n", dev, strerror(errno));
		return 2;
	}
	memset(&fmt, 0, sizeof(fmt));
	fmt.type = type;
	if (xioctl(fd, VIDIOC_G_FMT, &fmt)) {
		fprintf(stderr, "capsum: G_FMT: %s\n", strerror(errno));
		goto out_close;
	}
	mark(PH_GFMT);
	if (w) {
		fmt.fmt.pix.width = w;
		fmt.fmt.pix.height = h;
		if (fourcc)
			fmt.fmt.pix.pixelformat = fourcc;
		fmt.fmt.pix.field = V4L2_FIELD_NONE;
		if (xioctl(fd, VIDIOC_S_FMT, &fmt)) {
			fprintf(stderr, "capsum: S_FMT: %s\n", strerror(errno));
			goto out_close;
		}
		mark(PH_SFMT);
	}
	fprintf(stderr, "capsum: %s %ux%u %s, %u octets/frame\n", dev,
		fmt.fmt.pix.width, fmt.fmt.pix.height,
		tfe_fourcc_str(fmt.fmt.pix.pixelformat, fcc),
		fmt.fmt.pix.sizeimage);

	memset(&rb, 0, sizeof(rb));
	rb.count = (uint32_t)nbufs;
	rb.type = type;
	rb.memory = V4L2_MEMORY_MMAP;
	if (xioctl(fd, VIDIOC_REQBUFS, &rb) || rb.count == 0 ||
	    rb.count > MAX_BUFS) {
		fprintf(stderr, "capsum: REQBUFS: %s\n", strerror(errno));
		goto out_close;
	}
	mark(PH_REQBUFS);
	memset(bufs, 0, sizeof(bufs));
	for (i = 0; i < rb.count; i++) {
		memset(&b, 0, sizeof(b));
		b.type = type;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (xioctl(fd, VIDIOC_QUERYBUF, &b))
			goto out_unmap;
		bufs[i].len = b.length;
		bufs[i].p = mmap(NULL, b.length, PROT_READ | PROT_WRITE,
				 MAP_SHARED, fd, b.m.offset);
		if (bufs[i].p == MAP_FAILED) {
			bufs[i].p = NULL;
			goto out_unmap;
		}
		if (xioctl(fd, VIDIOC_QBUF, &b))
			goto out_unmap;
	}
	mark(PH_BUFS);
	if (xioctl(fd, VIDIOC_STREAMON, &type)) {
		fprintf(stderr, "capsum: STREAMON: %s\n", strerror(errno));
		goto out_unmap;
	}
	mark(PH_STREAMON);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < frames) {
		c = poll(&pfd, 1, (int)tmo);
		if (c < 0 && errno == EINTR)
			continue;
		if (c <= 0) {
			fprintf(stderr, "capsum: no frame for %lu ms\n", tmo);
			goto out_stop;
		}
		memset(&b, 0, sizeof(b));
		b.type = type;
		b.memory = V4L2_MEMORY_MMAP;
		if (xioctl(fd, VIDIOC_DQBUF, &b)) {
			if (errno == EAGAIN)
				continue;
			fprintf(stderr, "capsum: DQBUF: %s\n", strerror(errno));
			goto out_stop;
		}
		now = mono_ns();
		if (b.index >= rb.count || b.bytesused > bufs[b.index].len) {
			fprintf(stderr, "capsum: driver returned bad buffer\n");
			goto out_stop;
		}
		if (seen++ >= skip && !(b.flags & V4L2_BUF_FLAG_ERROR)) {
			int64_t l = note_latency(&lat, &b, now, &have_lat);
			uint32_t crc = tfe_crc32(0, bufs[b.index].p,
						 b.bytesused);

			if (have_lat)
				tfe_csum_print_lat(stdout, b.sequence, b.index,
						   b.bytesused, crc, l);
			else
				tfe_csum_print(stdout, b.sequence, b.index,
					       b.bytesused, crc);
			got++;
			mark(got == 1 ? PH_FIRST : PH_REST);
		}
		if (xioctl(fd, VIDIOC_QBUF, &b)) {
			fprintf(stderr, "capsum: QBUF: %s\n", strerror(errno));
			goto out_stop;
		}
	}
	print_latency(&lat);
	ret = 0;
out_stop:
	mark(got <= 1 ? PH_FIRST : PH_REST);
	xioctl(fd, VIDIOC_STREAMOFF, &type);
	mark(PH_STREAMOFF);
out_unmap:
	for (i = 0; i < MAX_BUFS; i++)
		if (bufs[i].p)
			munmap(bufs[i].p, bufs[i].len);
	if (ret && got == 0 && errno)
		fprintf(stderr, "capsum: %s\n", strerror(errno));
out_close:
	close(fd);
	mark(PH_CLOSE);
	if (timed)
		print_phases(stderr, start);
	tfe_lat_free(&lat);
	return ret;
}
