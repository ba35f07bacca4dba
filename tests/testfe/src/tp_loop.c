// SPDX-License-Identifier: MIT
/*
 * Loopback transport: the frontend side of a ring/loopback link.  Store
 * keys "fe/<key>" and "be/<key>" stand for the two xenstore dirs.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "loopback.h"
#include "transport.h"

struct tp_loop {
	struct tfe_tp tp;
	struct vcam_lb_link *lb;
	int own_link;
	int sock;		/* vcamd's socket: closing it ends us */
	unsigned int ports;	/* bitmask of ports we allocated */
};

static struct tp_loop *to_loop(struct tfe_tp *tp)
{
	return (struct tp_loop *)tp->priv;
}

static void *loop_share(struct tfe_tp *tp, unsigned int n, uint32_t *refs)
{
	return vcam_lb_share(to_loop(tp)->lb, VCAM_LB_FE, n, refs);
}

static int loop_unshare(struct tfe_tp *tp, void *addr, unsigned int n,
			const uint32_t *refs)
{
	return vcam_lb_unshare(to_loop(tp)->lb, VCAM_LB_FE, addr, n, refs);
}

static void *loop_share_foreign(struct tfe_tp *tp, unsigned int n,
				uint32_t *refs)
{
	/* A link has two sides only: there is no third domain to grant to. */
	(void)tp;
	(void)n;
	(void)refs;
	errno = ENOTSUP;
	return NULL;
}

static void *loop_map(struct tfe_tp *tp, unsigned int n, const uint32_t *refs)
{
	return vcam_lb_map(to_loop(tp)->lb, VCAM_LB_FE, n, refs);
}

static int loop_unmap(struct tfe_tp *tp, void *addr, unsigned int n)
{
	(void)tp;
	return vcam_lb_unmap(addr, n);
}

static int loop_chan_alloc(struct tfe_tp *tp, uint32_t *port)
{
	struct tp_loop *l = to_loop(tp);
	int p = vcam_lb_port_alloc(l->lb);

	if (p < 0)
		return p;
	l->ports |= 1u << p;
	*port = (uint32_t)p;
	return 0;
}

static void loop_chan_free(struct tfe_tp *tp, uint32_t port)
{
	struct tp_loop *l = to_loop(tp);

	if (port < VCAM_LB_MAX_PORTS && (l->ports & (1u << port))) {
		vcam_lb_port_free(l->lb, port);
		l->ports &= ~(1u << port);
	}
}

static int loop_notify(struct tfe_tp *tp, uint32_t port)
{
	return vcam_lb_notify(to_loop(tp)->lb, VCAM_LB_FE, port);
}

static int loop_wait(struct tfe_tp *tp, int timeout_ms, uint32_t *port)
{
	struct tp_loop *l = to_loop(tp);
	struct pollfd pfd[VCAM_LB_MAX_PORTS];
	unsigned int map[VCAM_LB_MAX_PORTS];
	unsigned int p, n = 0, i;
	int ret;

	for (p = 0; p < VCAM_LB_MAX_PORTS; p++) {
		if (p != VCAM_LB_STORE_PORT && !(l->ports & (1u << p)))
			continue;
		pfd[n].fd = vcam_lb_port_fd(l->lb, VCAM_LB_FE, p);
		pfd[n].events = POLLIN;
		map[n++] = p;
	}
	do {
		ret = poll(pfd, n, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return TFE_WAKE_TIMEOUT;
	/* Channels first: a store change is never urgent. */
	for (i = n; i-- > 0;) {
		if (!(pfd[i].revents & POLLIN))
			continue;
		vcam_lb_port_ack(l->lb, VCAM_LB_FE, map[i]);
		if (map[i] == VCAM_LB_STORE_PORT)
			return TFE_WAKE_CFG;
		*port = map[i];
		return TFE_WAKE_CHAN;
	}
	return TFE_WAKE_TIMEOUT;
}

static void loop_key(char *out, size_t len, enum tfe_dir dir, const char *key)
{
	snprintf(out, len, "%s/%s", dir == TFE_DIR_FE ? "fe" : "be", key);
}

static int loop_cfg_read(struct tfe_tp *tp, enum tfe_dir dir, const char *key,
			 char *buf, size_t len)
{
	char k[VCAM_LB_KEY_MAX + 16];

	loop_key(k, sizeof(k), dir, key);
	return vcam_lb_store_read(to_loop(tp)->lb, k, buf, len);
}

static int loop_cfg_write(struct tfe_tp *tp, enum tfe_dir dir, const char *key,
			  const char *val)
{
	char k[VCAM_LB_KEY_MAX + 16];

	loop_key(k, sizeof(k), dir, key);
	return vcam_lb_store_write(to_loop(tp)->lb, VCAM_LB_FE, k, val);
}

static int loop_cfg_rm(struct tfe_tp *tp, enum tfe_dir dir, const char *key)
{
	char k[VCAM_LB_KEY_MAX + 16];

	loop_key(k, sizeof(k), dir, key);
	return vcam_lb_store_rm(to_loop(tp)->lb, VCAM_LB_FE, k);
}

static void loop_close(struct tfe_tp *tp)
{
	struct tp_loop *l = to_loop(tp);
	unsigned int p;

	for (p = 0; p < VCAM_LB_MAX_PORTS; p++)
		if (l->ports & (1u << p))
			vcam_lb_port_free(l->lb, p);
	if (l->sock >= 0)
		close(l->sock);
	if (l->own_link)
		vcam_lb_destroy(l->lb);
	free(l);
}

static const struct tfe_tp_ops loop_ops = {
	.share = loop_share,
	.unshare = loop_unshare,
	.share_foreign = loop_share_foreign,
	.map = loop_map,
	.unmap = loop_unmap,
	.chan_alloc = loop_chan_alloc,
	.chan_free = loop_chan_free,
	.notify = loop_notify,
	.wait = loop_wait,
	.cfg_read = loop_cfg_read,
	.cfg_write = loop_cfg_write,
	.cfg_rm = loop_cfg_rm,
	.close = loop_close,
};

struct tfe_tp *tfe_tp_loop_open(struct vcam_lb_link *lb, int own_link)
{
	struct tp_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->tp.ops = &loop_ops;
	l->tp.name = "loop";
	l->tp.priv = l;
	l->lb = lb;
	l->own_link = own_link;
	l->sock = -1;
	return &l->tp;
}

/*
 * vcamd --loopback: we are the guest *and* its toolstack.  We create the
 * link, write the configuration into both dirs as the toolstack does
 * (ring/PROTOCOL.md), hand the link over, and
 * keep the socket open for as long as the "domain" lives.
 */
struct tfe_tp *tfe_tp_loop_connect(const char *sock_path,
				   const char *const *fe_cfg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vcam_lb_link *lb;
	struct tp_loop *l;
	struct tfe_tp *tp;
	char key[VCAM_LB_KEY_MAX], *eq;
	int fd, ret;

	if (strlen(sock_path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "loop: socket path too long\n");
		return NULL;
	}
	strcpy(sa.sun_path, sock_path);
	lb = vcam_lb_create(VCAM_LB_MAX_PAGES);
	if (!lb) {
		fprintf(stderr, "loop: cannot create a link: %s\n",
			strerror(errno));
		return NULL;
	}
	for (; fe_cfg && *fe_cfg; fe_cfg++) {
		eq = strchr(*fe_cfg, '=');
		if (!eq || (size_t)(eq - *fe_cfg) + 4 > sizeof(key)) {
			fprintf(stderr, "loop: bad config '%s'\n", *fe_cfg);
			goto fail_lb;
		}
		snprintf(key, sizeof(key), "fe/%.*s", (int)(eq - *fe_cfg),
			 *fe_cfg);
		ret = vcam_lb_store_write(lb, VCAM_LB_FE, key, eq + 1);
		/* the backend reads the configuration from its own dir */
		if (!ret && strcmp(key, "fe/state")) {
			key[0] = 'b';
			ret = vcam_lb_store_write(lb, VCAM_LB_FE, key, eq + 1);
		}
		if (ret) {
			fprintf(stderr, "loop: cannot store %s: %s\n", key,
				strerror(-ret));
			goto fail_lb;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail_lb;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    vcam_lb_send(fd, lb)) {
		fprintf(stderr, "loop: hand-over to %s: %s\n", sock_path,
			strerror(errno));
		close(fd);
		goto fail_lb;
	}
	tp = tfe_tp_loop_open(lb, 1);
	if (!tp) {
		close(fd);
		goto fail_lb;
	}
	l = to_loop(tp);
	l->sock = fd;
	return tp;
fail_lb:
	vcam_lb_destroy(lb);
	return NULL;
}
