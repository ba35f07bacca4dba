// SPDX-License-Identifier: MIT
/*
 * vcam-memcpy: the ceiling of moving a frame inside one domain, a plain
 * memcpy of one camera frame into the next of a few buffers, as a camera
 * driver or vcamd's fe-alloc copy would, with nothing else in the way.
 *
 *   vcam-memcpy [-s OCTETS] [-b BUFFERS] [-n FRAMES]
 *
 * Each copy is timed (CLOCK_MONOTONIC); the line also gives the frames per
 * second and MB/s of the whole timed run by wall and by CPU time, so the
 * bench can hold a guest's or native capture's frame rate against what a
 * copy of the same frames costs in the same domain of the same boot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "parse.h"
#include "rttstat.h"

#define MAX_BUFS	32

static double cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -1.0;
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int usage(FILE *f, int ret)
{
	fprintf(f,
"usage: vcam-memcpy [-s OCTETS] [-b BUFFERS] [-n FRAMES]\n"
"Copies a frame of OCTETS (default 115200: 320x180 YUYV) into BUFFERS\n"
"(default 4) in turn, FRAMES times (default 1000, after %d not counted),\n"
"and prints 'memcpy size=S bufs=B cpus=C wall-s cpu-s fps mb-s\n"
"cpu-ms-per-frame n warmup p50-us p99-us max-us min-us' (per copy).\n",
		RTT_WARMUP);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned long size = 115200, bufs = 4, n = 1000, i;
	struct tfe_lat l = { 0 };
	unsigned char *src, *dst[MAX_BUFS];
	double c0, c1, wall;
	int64_t t0, t1, start = 0;
	char prefix[256];
	int c, ret;

	while ((c = getopt(argc, argv, "s:b:n:h")) != -1) {
		switch (c) {
		case 's':
			if (tfe_parse_uint(optarg, 1, 64ul << 20, &size))
				return usage(stderr, 2);
			break;
		case 'b':
			if (tfe_parse_uint(optarg, 1, MAX_BUFS, &bufs))
				return usage(stderr, 2);
			break;
		case 'n':
			if (tfe_parse_uint(optarg, 1, 1000000, &n))
				return usage(stderr, 2);
			break;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 2);
		}
	}
	if (optind != argc)
		return usage(stderr, 2);
	src = malloc(size);
	if (!src) {
		perror("vcam-memcpy");
		return 2;
	}
	/* every page present before timing: the copies, not page faults */
	for (i = 0; i < size; i++)
		src[i] = (unsigned char)(i * 31u);
	for (i = 0; i < bufs; i++) {
		dst[i] = malloc(size);
		if (!dst[i]) {
			perror("vcam-memcpy");
			return 2;
		}
		memset(dst[i], 0, size);
	}
	c0 = 0;
	for (i = 0; i < RTT_WARMUP + n; i++) {
		if (i == RTT_WARMUP) {
			c0 = cpu_s();
			start = rtt_now_ns();
		}
		/* a different frame each time, as a camera's would be */
		memcpy(src, &i, sizeof(i) < size ? sizeof(i) : size);
		t0 = rtt_now_ns();
		memcpy(dst[i % bufs], src, size);
		t1 = rtt_now_ns();
		if (i >= RTT_WARMUP)
			tfe_lat_add(&l, t1 - t0);
	}
	wall = (rtt_now_ns() - start) / 1e9;
	c1 = cpu_s();
	/* the last frame must have arrived whole (and the copies be real) */
	if (memcmp(dst[(i - 1) % bufs], src, size)) {
		fprintf(stderr, "vcam-memcpy: the last copy differs\n");
		return 1;
	}
	if (wall <= 0 || c0 < 0 || c1 < 0) {
		fprintf(stderr, "vcam-memcpy: no clock\n");
		return 1;
	}
	snprintf(prefix, sizeof(prefix),
		 "memcpy size=%lu bufs=%lu cpus=%ld wall-s=%.4f cpu-s=%.4f fps=%.1f mb-s=%.2f cpu-ms-per-frame=%.4f",
		 size, bufs, sysconf(_SC_NPROCESSORS_ONLN), wall, c1 - c0,
		 n / wall, n * (double)size / wall / 1e6,
		 (c1 - c0) * 1e3 / n);
	ret = rtt_print(stdout, prefix, &l, n);
	tfe_lat_free(&l);
	for (i = 0; i < bufs; i++)
		free(dst[i]);
	free(src);
	return ret ? 1 : 0;
}
