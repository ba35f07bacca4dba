// SPDX-License-Identifier: MIT
/* vcamctl: ask a running vcamd for its status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "opts.h"

static int usage(FILE *f, int ret)
{
	fprintf(f,
"Usage: vcamctl [-S SOCKET] status [--json]\n"
"       vcamctl [-S SOCKET] watch MS\n"
"       vcamctl [-S SOCKET] trace DEVICE\n"
"Print vcamd's cameras and devices: mode, fps, frames, drops, copies,\n"
"notifications, wake-ups, spins (one line each, key=value).\n"
"status --json: the same as one JSON document (the same keys; numbers as\n"
"numbers, none as null, device lists as arrays).\n"
"watch: a snapshot every MS milliseconds until vcamd goes away, each after\n"
"a line 'T SECONDS' of CLOCK_MONOTONIC (the clock of vcamd's log), so that\n"
"counters can be turned into rates without a process per sample.\n"
"trace: every request (with its answer and the time it took) and every\n"
"event of one device (e.g. dom3/vcam0), decoded, as they happen, until\n"
"interrupted; a device that is not there yet is traced once it connects.\n"
"\n"
"  -S SOCKET   vcamd's status socket (%s)\n"
"  --json      status: JSON instead of key=value lines\n"
"  -h, --help  this help\n"
"\n"
"Exit status: 0 done (watch and trace end with 0 when vcamd goes away),\n"
"1 status or trace could not reach vcamd, 2 bad usage.\n",
		VCAMD_STATUS_SOCK_DEFAULT);
	return ret;
}

static int snapshot(const char *path, int quiet)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int fd;

	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (!quiet)
			fprintf(stderr, "vcamctl: %s: %s (is vcamd running?)\n",
				path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0 ? 1 : 0;
}

static int trace(const char *path, const char *dev)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int fd;

	if (strlen(dev) >= 48 || strchr(dev, '\n')) {
		fprintf(stderr, "vcamctl: bad device name '%s'\n", dev);
		return 2;
	}
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.trace", path) >=
	    (int)sizeof(sa.sun_path)) {
		fprintf(stderr, "vcamctl: socket path too long\n");
		return 2;
	}
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    dprintf(fd, "%s\n", dev) < 0) {
		fprintf(stderr, "vcamctl: %s: %s (is vcamd running?)\n",
			sa.sun_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0 ? 1 : 0;
}

static int watch(const char *path, const char *ms_s)
{
	struct timespec ts, nap;
	char *end;
	long ms;

	errno = 0;
	ms = strtol(ms_s, &end, 10);
	if (errno || *end || ms < 10 || ms > 3600000)
		return usage(stderr, 2);
	nap.tv_sec = ms / 1000;
	nap.tv_nsec = (ms % 1000) * 1000000;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		printf("T %ld.%03ld\n", (long)ts.tv_sec, ts.tv_nsec / 1000000);
		if (snapshot(path, 1))
			return 0;	/* vcamd is gone: the watch is over */
		fflush(stdout);
		nanosleep(&nap, NULL);
	}
}

int main(int argc, char **argv)
{
	const char *path = VCAMD_STATUS_SOCK_DEFAULT;
	int i = 1;

	if (i < argc && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")))
		return usage(stdout, 0);
	if (i + 1 < argc && !strcmp(argv[i], "-S")) {
		path = argv[i + 1];
		i += 2;
	}
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fprintf(stderr, "vcamctl: socket path too long\n");
		return 2;
	}
	if (i + 1 == argc && !strcmp(argv[i], "status"))
		return snapshot(path, 0);
	if (i + 2 == argc && !strcmp(argv[i], "status") &&
	    !strcmp(argv[i + 1], "--json")) {
		char json[sizeof(((struct sockaddr_un *)0)->sun_path)];

		/* vcamd's JSON twin of its status socket */
		if (snprintf(json, sizeof(json), "%s.json", path) >=
		    (int)sizeof(json)) {
			fprintf(stderr, "vcamctl: socket path too long\n");
			return 2;
		}
		return snapshot(json, 0);
	}
	if (i + 2 == argc && !strcmp(argv[i], "watch"))
		return watch(path, argv[i + 1]);
	if (i + 2 == argc && !strcmp(argv[i], "trace"))
		return trace(path, argv[i + 1]);
	return usage(stderr, 2);
}
