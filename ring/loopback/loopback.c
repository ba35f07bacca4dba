// SPDX-License-Identifier: MIT
/*
 * vcam loopback transport: see loopback.h for the model.
 *
 * Layout of the memfd: page 0 holds the header (a process-shared mutex,
 * port allocation), pages 1-2 the store, pages 3-4 the grant table (one
 * byte per page: who granted it).  Pages from VCAM_LB_FIRST_REF on are the
 * grantable pool.
 */
#include "loopback.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define LB_MAGIC	0x76636c62U	/* "vclb" */
#define LB_STORE_PAGE	1U
#define LB_GTAB_PAGE	3U
#define LB_NFDS		(1 + 2 * VCAM_LB_MAX_PORTS)

enum lb_grant {
	LB_FREE = 0,
	LB_BY_FE = 1,
	LB_BY_BE = 2,
};

struct lb_hdr {
	uint32_t magic;
	uint32_t npages;
	pthread_mutex_t lock;
	uint8_t port_used[VCAM_LB_MAX_PORTS];
};

struct lb_entry {
	char key[VCAM_LB_KEY_MAX];
	char val[VCAM_LB_VAL_MAX];
};

_Static_assert(sizeof(struct lb_hdr) <= VCAM_LB_PAGE_SIZE, "lb header");
_Static_assert(VCAM_LB_STORE_ENTRIES * sizeof(struct lb_entry) <=
	       2 * VCAM_LB_PAGE_SIZE, "lb store");
_Static_assert(VCAM_LB_MAX_PAGES <= 2 * VCAM_LB_PAGE_SIZE, "lb gtab");

struct vcam_lb_link {
	int memfd;
	int efd[VCAM_LB_MAX_PORTS][2];	/* [port][side that waits on it] */
	unsigned int npages;
	void *base;			/* header pages only */
	struct lb_hdr *hdr;
	struct lb_entry *store;
	uint8_t *gtab;
};

static void lb_close_fds(struct vcam_lb_link *lb)
{
	unsigned int p;

	for (p = 0; p < VCAM_LB_MAX_PORTS; p++) {
		if (lb->efd[p][0] >= 0)
			close(lb->efd[p][0]);
		if (lb->efd[p][1] >= 0)
			close(lb->efd[p][1]);
	}
	if (lb->memfd >= 0)
		close(lb->memfd);
}

static struct vcam_lb_link *lb_alloc(void)
{
	struct vcam_lb_link *lb = calloc(1, sizeof(*lb));
	unsigned int p;

	if (!lb)
		return NULL;
	lb->memfd = -1;
	for (p = 0; p < VCAM_LB_MAX_PORTS; p++)
		lb->efd[p][0] = lb->efd[p][1] = -1;
	return lb;
}

static int lb_map_header(struct vcam_lb_link *lb)
{
	lb->base = mmap(NULL, VCAM_LB_FIRST_REF * VCAM_LB_PAGE_SIZE,
			PROT_READ | PROT_WRITE, MAP_SHARED, lb->memfd, 0);
	if (lb->base == MAP_FAILED) {
		lb->base = NULL;
		return -errno;
	}
	lb->hdr = lb->base;
	lb->store = (void *)((char *)lb->base +
			     LB_STORE_PAGE * VCAM_LB_PAGE_SIZE);
	lb->gtab = (uint8_t *)lb->base + LB_GTAB_PAGE * VCAM_LB_PAGE_SIZE;
	return 0;
}

struct vcam_lb_link *vcam_lb_create(unsigned int npages)
{
	struct vcam_lb_link *lb;
	pthread_mutexattr_t attr;
	unsigned int p;
	int err;

	if (npages <= VCAM_LB_FIRST_REF || npages > VCAM_LB_MAX_PAGES) {
		errno = EINVAL;
		return NULL;
	}
	lb = lb_alloc();
	if (!lb)
		return NULL;
	lb->npages = npages;
	lb->memfd = memfd_create("vcam-loopback", MFD_CLOEXEC);
	if (lb->memfd < 0)
		goto fail;
	if (ftruncate(lb->memfd, (off_t)npages * VCAM_LB_PAGE_SIZE) < 0)
		goto fail;
	for (p = 0; p < VCAM_LB_MAX_PORTS; p++) {
		lb->efd[p][0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		lb->efd[p][1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (lb->efd[p][0] < 0 || lb->efd[p][1] < 0)
			goto fail;
	}
	err = lb_map_header(lb);
	if (err) {
		errno = -err;
		goto fail;
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&lb->hdr->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	lb->hdr->npages = npages;
	lb->hdr->port_used[VCAM_LB_STORE_PORT] = 1;
	lb->hdr->magic = LB_MAGIC;
	return lb;
fail:
	err = errno;
	vcam_lb_destroy(lb);
	errno = err;
	return NULL;
}

void vcam_lb_destroy(struct vcam_lb_link *lb)
{
	if (!lb)
		return;
	if (lb->base)
		munmap(lb->base, VCAM_LB_FIRST_REF * VCAM_LB_PAGE_SIZE);
	lb_close_fds(lb);
	free(lb);
}

unsigned int vcam_lb_npages(const struct vcam_lb_link *lb)
{
	return lb->npages;
}

/* ---- fd passing ---------------------------------------------------------- */

int vcam_lb_send(int sock, const struct vcam_lb_link *lb)
{
	int fds[LB_NFDS];
	char cbuf[CMSG_SPACE(sizeof(fds))];
	uint32_t npages = lb->npages;
	struct iovec iov = { .iov_base = &npages, .iov_len = sizeof(npages) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	unsigned int p;

	memset(cbuf, 0, sizeof(cbuf));
	fds[0] = lb->memfd;
	for (p = 0; p < VCAM_LB_MAX_PORTS; p++) {
		fds[1 + 2 * p] = lb->efd[p][0];
		fds[2 + 2 * p] = lb->efd[p][1];
	}
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != (ssize_t)sizeof(npages))
		return -errno ? -errno : -EIO;
	return 0;
}

struct vcam_lb_link *vcam_lb_recv(int sock)
{
	int fds[LB_NFDS];
	char cbuf[CMSG_SPACE(sizeof(fds))];
	uint32_t npages = 0;
	struct iovec iov = { .iov_base = &npages, .iov_len = sizeof(npages) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct vcam_lb_link *lb;
	struct cmsghdr *cm;
	unsigned int p, i;
	ssize_t n;
	int err;

	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return NULL;
	cm = CMSG_FIRSTHDR(&msg);
	if (n != (ssize_t)sizeof(npages) || !cm ||
	    cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(fds))) {
		if (cm && cm->cmsg_type == SCM_RIGHTS) {
			size_t cnt = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			memcpy(fds, CMSG_DATA(cm),
			       cnt < LB_NFDS ? cnt * sizeof(int) : sizeof(fds));
			for (i = 0; i < cnt && i < LB_NFDS; i++)
				close(fds[i]);
		}
		errno = EPROTO;
		return NULL;
	}
	memcpy(fds, CMSG_DATA(cm), sizeof(fds));
	lb = lb_alloc();
	if (!lb) {
		for (i = 0; i < LB_NFDS; i++)
			close(fds[i]);
		return NULL;
	}
	lb->memfd = fds[0];
	for (p = 0; p < VCAM_LB_MAX_PORTS; p++) {
		lb->efd[p][0] = fds[1 + 2 * p];
		lb->efd[p][1] = fds[2 + 2 * p];
	}
	lb->npages = npages;
	err = lb_map_header(lb);
	if (!err && (lb->hdr->magic != LB_MAGIC ||
		     lb->hdr->npages != npages ||
		     npages > VCAM_LB_MAX_PAGES))
		err = -EPROTO;
	if (err) {
		vcam_lb_destroy(lb);
		errno = -err;
		return NULL;
	}
	return lb;
}

/* ---- grants -------------------------------------------------------------- */

static void lb_lock(struct vcam_lb_link *lb)
{
	pthread_mutex_lock(&lb->hdr->lock);
}

static void lb_unlock(struct vcam_lb_link *lb)
{
	pthread_mutex_unlock(&lb->hdr->lock);
}

/*
 * Map refs[0..n-1] (already validated) contiguously: reserve the range,
 * then map runs of consecutive pages with one mmap each.
 */
static void *lb_map_refs(struct vcam_lb_link *lb, unsigned int n,
			 const uint32_t *refs)
{
	size_t len = (size_t)n * VCAM_LB_PAGE_SIZE;
	char *addr;
	unsigned int i, run;
	int err;

	addr = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED)
		return NULL;
	for (i = 0; i < n; i += run) {
		void *p;

		for (run = 1; i + run < n && refs[i + run] ==
		     refs[i + run - 1] + 1; run++)
			;
		p = mmap(addr + (size_t)i * VCAM_LB_PAGE_SIZE,
			 (size_t)run * VCAM_LB_PAGE_SIZE,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 lb->memfd, (off_t)refs[i] * VCAM_LB_PAGE_SIZE);
		if (p == MAP_FAILED) {
			err = errno;
			munmap(addr, len);
			errno = err;
			return NULL;
		}
	}
	return addr;
}

void *vcam_lb_share(struct vcam_lb_link *lb, enum vcam_lb_side side,
		    unsigned int n, uint32_t *refs)
{
	uint8_t owner = side == VCAM_LB_FE ? LB_BY_FE : LB_BY_BE;
	unsigned int g, got = 0;
	void *addr;

	if (n == 0 || n > lb->npages) {
		errno = EINVAL;
		return NULL;
	}
	lb_lock(lb);
	for (g = VCAM_LB_FIRST_REF; g < lb->npages && got < n; g++)
		if (lb->gtab[g] == LB_FREE)
			refs[got++] = g;
	if (got < n) {
		lb_unlock(lb);
		errno = ENOSPC;
		return NULL;
	}
	for (g = 0; g < n; g++)
		lb->gtab[refs[g]] = owner;
	lb_unlock(lb);

	addr = lb_map_refs(lb, n, refs);
	if (!addr) {
		int err = errno;

		lb_lock(lb);
		for (g = 0; g < n; g++)
			lb->gtab[refs[g]] = LB_FREE;
		lb_unlock(lb);
		errno = err;
		return NULL;
	}
	memset(addr, 0, (size_t)n * VCAM_LB_PAGE_SIZE);
	return addr;
}

int vcam_lb_unshare(struct vcam_lb_link *lb, enum vcam_lb_side side,
		    void *addr, unsigned int n, const uint32_t *refs)
{
	uint8_t owner = side == VCAM_LB_FE ? LB_BY_FE : LB_BY_BE;
	unsigned int i;
	int ret = 0;

	lb_lock(lb);
	for (i = 0; i < n; i++) {
		if (refs[i] < VCAM_LB_FIRST_REF || refs[i] >= lb->npages ||
		    lb->gtab[refs[i]] != owner) {
			ret = -EINVAL;
			continue;
		}
		lb->gtab[refs[i]] = LB_FREE;
	}
	lb_unlock(lb);
	if (addr && munmap(addr, (size_t)n * VCAM_LB_PAGE_SIZE) < 0)
		ret = -errno;
	return ret;
}

void *vcam_lb_map(struct vcam_lb_link *lb, enum vcam_lb_side side,
		  unsigned int n, const uint32_t *refs)
{
	uint8_t peer = side == VCAM_LB_FE ? LB_BY_BE : LB_BY_FE;
	unsigned int i;

	if (n == 0 || n > lb->npages) {
		errno = EINVAL;
		return NULL;
	}
	lb_lock(lb);
	for (i = 0; i < n; i++) {
		uint32_t g = refs[i];

		if (g < VCAM_LB_FIRST_REF || g >= lb->npages) {
			lb_unlock(lb);
			errno = EINVAL;
			return NULL;
		}
		if (lb->gtab[g] != peer) {
			lb_unlock(lb);
			errno = EPERM;
			return NULL;
		}
	}
	lb_unlock(lb);
	return lb_map_refs(lb, n, refs);
}

int vcam_lb_unmap(void *addr, unsigned int n)
{
	if (!addr || !n)
		return -EINVAL;
	return munmap(addr, (size_t)n * VCAM_LB_PAGE_SIZE) < 0 ? -errno : 0;
}

unsigned int vcam_lb_granted(const struct vcam_lb_link *lb,
			     enum vcam_lb_side side)
{
	uint8_t owner = side == VCAM_LB_FE ? LB_BY_FE : LB_BY_BE;
	unsigned int g, cnt = 0;

	for (g = VCAM_LB_FIRST_REF; g < lb->npages; g++)
		cnt += lb->gtab[g] == owner;
	return cnt;
}

/* ---- event channels ------------------------------------------------------ */

int vcam_lb_port_alloc(struct vcam_lb_link *lb)
{
	unsigned int p;

	lb_lock(lb);
	for (p = 1; p < VCAM_LB_MAX_PORTS; p++) {
		if (!lb->hdr->port_used[p]) {
			lb->hdr->port_used[p] = 1;
			lb_unlock(lb);
			/* Drop stale kicks from a previous user of the port. */
			vcam_lb_port_ack(lb, VCAM_LB_FE, p);
			vcam_lb_port_ack(lb, VCAM_LB_BE, p);
			return (int)p;
		}
	}
	lb_unlock(lb);
	return -ENOSPC;
}

static int lb_port_valid(const struct vcam_lb_link *lb, unsigned int port)
{
	return port < VCAM_LB_MAX_PORTS && lb->hdr->port_used[port];
}

int vcam_lb_port_bind(struct vcam_lb_link *lb, unsigned int port)
{
	return port != VCAM_LB_STORE_PORT && lb_port_valid(lb, port) ?
	       0 : -EINVAL;
}

void vcam_lb_port_free(struct vcam_lb_link *lb, unsigned int port)
{
	if (port == VCAM_LB_STORE_PORT || port >= VCAM_LB_MAX_PORTS)
		return;
	lb_lock(lb);
	lb->hdr->port_used[port] = 0;
	lb_unlock(lb);
}

int vcam_lb_notify(struct vcam_lb_link *lb, enum vcam_lb_side side,
		   unsigned int port)
{
	uint64_t one = 1;

	if (!lb_port_valid(lb, port))
		return -EINVAL;
	/* The other side's fd: a full counter (EAGAIN) is still a kick. */
	if (write(lb->efd[port][!side], &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		return -errno;
	return 0;
}

int vcam_lb_port_fd(const struct vcam_lb_link *lb, enum vcam_lb_side side,
		    unsigned int port)
{
	if (port >= VCAM_LB_MAX_PORTS)
		return -EINVAL;
	return lb->efd[port][side];
}

int vcam_lb_port_ack(struct vcam_lb_link *lb, enum vcam_lb_side side,
		     unsigned int port)
{
	uint64_t cnt;

	if (port >= VCAM_LB_MAX_PORTS)
		return -EINVAL;
	if (read(lb->efd[port][side], &cnt, sizeof(cnt)) != sizeof(cnt))
		return errno == EAGAIN ? 0 : -errno;
	return cnt > 0x7fffffff ? 0x7fffffff : (int)cnt;
}

int vcam_lb_wait(struct vcam_lb_link *lb, enum vcam_lb_side side,
		 unsigned int port, int timeout_ms)
{
	struct pollfd pfd;
	int ret;

	if (port >= VCAM_LB_MAX_PORTS)
		return -EINVAL;
	pfd.fd = lb->efd[port][side];
	pfd.events = POLLIN;
	for (;;) {
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return 0;
		ret = vcam_lb_port_ack(lb, side, port);
		if (ret != 0)
			return ret < 0 ? ret : 1;
		/* Someone else consumed it: keep waiting. */
	}
}

/* ---- store ---------------------------------------------------------------- */

static struct lb_entry *lb_find(struct vcam_lb_link *lb, const char *key)
{
	unsigned int i;

	for (i = 0; i < VCAM_LB_STORE_ENTRIES; i++)
		if (lb->store[i].key[0] &&
		    strncmp(lb->store[i].key, key, VCAM_LB_KEY_MAX) == 0)
			return &lb->store[i];
	return NULL;
}

int vcam_lb_store_write(struct vcam_lb_link *lb, enum vcam_lb_side side,
			const char *key, const char *value)
{
	struct lb_entry *e;
	unsigned int i;

	if (!key[0] || strlen(key) >= VCAM_LB_KEY_MAX)
		return -ENAMETOOLONG;
	if (strlen(value) >= VCAM_LB_VAL_MAX)
		return -E2BIG;
	lb_lock(lb);
	e = lb_find(lb, key);
	for (i = 0; !e && i < VCAM_LB_STORE_ENTRIES; i++)
		if (!lb->store[i].key[0])
			e = &lb->store[i];
	if (!e) {
		lb_unlock(lb);
		return -ENOSPC;
	}
	strcpy(e->val, value);
	strcpy(e->key, key);
	lb_unlock(lb);
	return vcam_lb_notify(lb, side, VCAM_LB_STORE_PORT);
}

int vcam_lb_store_read(struct vcam_lb_link *lb, const char *key,
		       char *buf, size_t len)
{
	struct lb_entry *e;
	size_t n;

	lb_lock(lb);
	e = lb_find(lb, key);
	if (!e) {
		lb_unlock(lb);
		return -ENOENT;
	}
	n = strnlen(e->val, VCAM_LB_VAL_MAX - 1);
	if (n + 1 > len) {
		lb_unlock(lb);
		return -ERANGE;
	}
	memcpy(buf, e->val, n);
	buf[n] = '\0';
	lb_unlock(lb);
	return 0;
}

int vcam_lb_store_list(struct vcam_lb_link *lb, const char *dir,
		       char *buf, size_t len)
{
	size_t dl = strlen(dir), used = 0;
	unsigned int i;
	int n = 0;

	lb_lock(lb);
	for (i = 0; i < VCAM_LB_STORE_ENTRIES; i++) {
		const char *k = lb->store[i].key, *name, *p;
		size_t nl;

		if (!k[0] || strncmp(k, dir, dl) || k[dl] != '/')
			continue;
		name = k + dl + 1;
		nl = strcspn(name, "/");
		if (!nl)
			continue;
		/* Already listed? */
		for (p = buf; p < buf + used; p += strlen(p) + 1)
			if (strlen(p) == nl && !strncmp(p, name, nl))
				break;
		if (p < buf + used)
			continue;
		if (used + nl + 1 > len) {
			lb_unlock(lb);
			return -ERANGE;
		}
		memcpy(buf + used, name, nl);
		buf[used + nl] = '\0';
		used += nl + 1;
		n++;
	}
	lb_unlock(lb);
	return n;
}

int vcam_lb_store_rm(struct vcam_lb_link *lb, enum vcam_lb_side side,
		     const char *key)
{
	struct lb_entry *e;

	lb_lock(lb);
	e = lb_find(lb, key);
	if (e)
		memset(e, 0, sizeof(*e));
	lb_unlock(lb);
	return vcam_lb_notify(lb, side, VCAM_LB_STORE_PORT);
}
