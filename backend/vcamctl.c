// SPDX-License-Identifier: MIT
/* vcamctl: ask a running vcamd for its status. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "opts.h"

static int usage(FILE *f, int ret)
{
	fprintf(f,
"Usage: vcamctl [-S SOCKET] status\n"
"Print vcamd's cameras and devices: mode, fps, frames, drops, copies,\n"
"notifications, wake-ups, spins (one line each, key=value).\n"
"  -S SOCKET  vcamd's status socket (%s)\n", VCAM_STATUS_SOCK_DEFAULT);
	return ret;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = VCAM_STATUS_SOCK_DEFAULT;
	char buf[4096];
	ssize_t n;
	int i = 1, fd;

	if (i < argc && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")))
		return usage(stdout, 0);
	if (i + 1 < argc && !strcmp(argv[i], "-S")) {
		path = argv[i + 1];
		i += 2;
	}
	if (i + 1 != argc || strcmp(argv[i], "status"))
		return usage(stderr, 2);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vcamctl: socket path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "vcamctl: %s: %s (is vcamd running?)\n", path,
			strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0 ? 1 : 0;
}
