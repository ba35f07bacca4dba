/* SPDX-License-Identifier: MIT */
/* ioctl() again after a signal, as every V4L2 application must. */
#ifndef TFE_XIOCTL_H
#define TFE_XIOCTL_H

#include <errno.h>
#include <sys/ioctl.h>

static inline int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r;
}

#endif /* TFE_XIOCTL_H */
