// SPDX-License-Identifier: MIT
/*
 * The loopback transport for the daemon (vcamd --loopback PATH): a test
 * frontend connects to the unix socket and hands over a loopback link
 * (ring/loopback); its store stands in for xenstore ("fe/..." is the
 * frontend dir, "be/..." ours), its ports for event channels.  The same
 * state machine, request core and real V4L2 camera then serve it, which
 * lets tests drive the whole daemon without a hypervisor.
 */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lb_xenops.h"
#include "log.h"

struct lb_tp {
	int listen_fd;
	uint32_t next_id;
};

static char *lt_read(struct vcamd_conn *c, bool fe, const char *key)
{
	char k[VCAM_LB_KEY_MAX], v[VCAM_LB_VAL_MAX];

	if ((size_t)snprintf(k, sizeof(k), "%s/%s", fe ? "fe" : "be", key) >=
	    sizeof(k))
		return NULL;
	if (vcam_lb_store_read(c->tpctx, k, v, sizeof(v)))
		return NULL;
	return strdup(v);
}

static char *lt_list(struct vcamd_conn *c, bool fe, const char *key,
		     unsigned int *n)
{
	char dir[VCAM_LB_KEY_MAX], *buf;
	int ret;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", fe ? "fe" : "be",
			     key) >= sizeof(dir))
		return NULL;
	buf = malloc(VCAM_LB_STORE_ENTRIES * VCAM_LB_KEY_MAX);
	if (!buf)
		return NULL;
	ret = vcam_lb_store_list(c->tpctx, dir, buf,
				 VCAM_LB_STORE_ENTRIES * VCAM_LB_KEY_MAX);
	if (ret <= 0) {
		free(buf);
		return NULL;
	}
	*n = (unsigned int)ret;
	return buf;
}

static int lt_write(struct vcamd_conn *c, const char *key, const char *val)
{
	char k[VCAM_LB_KEY_MAX];

	if ((size_t)snprintf(k, sizeof(k), "be/%s", key) >= sizeof(k))
		return -ENAMETOOLONG;
	return vcam_lb_store_write(c->tpctx, VCAM_LB_BE, k, val);
}

static int lt_bind(struct vcamd_conn *c, unsigned int remote,
		   unsigned int *local)
{
	int ret = vcam_lb_port_bind(c->tpctx, remote);

	if (!ret)
		*local = remote;
	return ret;
}

static void lt_unbind(struct vcamd_conn *c, unsigned int local)
{
	(void)c;
	(void)local;
}

static void lt_conn_free(struct vcamd_conn *c)
{
	vcam_lb_destroy(c->tpctx);
	c->tpctx = NULL;
	if (c->tp_fd >= 0)
		close(c->tp_fd);
	c->tp_fd = -1;
}

static const struct vcamd_transport lb_transport;

static void store_ready(struct vcamd *d, void *arg, short revents)
{
	struct vcamd_conn *c = arg;

	(void)d;
	(void)revents;
	vcam_lb_port_ack(c->tpctx, VCAM_LB_BE, VCAM_LB_STORE_PORT);
	vcamd_xb_update(c);
}

/*
 * A kick, like Xen's pending bit: however many came meanwhile, one wake-up.
 * While policy.c holds the port masked, its fd is not polled (below), so
 * kicks pile up in the eventfd as they would stay pending in Xen.
 */
static void port_ready(struct vcamd_conn *c, unsigned int port)
{
	uint64_t cpu0 = vcamd_cpu_ns();

	if (vcam_lb_port_ack(c->tpctx, VCAM_LB_BE, port) > 0)
		vcamd_port_kicked(c, port, cpu0);
}

static void req_ready(struct vcamd *d, void *arg, short revents)
{
	struct vcamd_conn *c = arg;

	(void)d;
	(void)revents;
	port_ready(c, c->req_port);
}

static void evt_ready(struct vcamd *d, void *arg, short revents)
{
	struct vcamd_conn *c = arg;

	(void)d;
	(void)revents;
	port_ready(c, c->evt_port);
}

/* Masking is not polling the port's fd (lt_collect). */
static void lt_unmask(struct vcamd_conn *c, unsigned int local)
{
	(void)c;
	(void)local;
}

static void sock_ready(struct vcamd *d, void *arg, short revents)
{
	struct vcamd_conn *c = arg;
	char b;

	/* The test frontend closing its socket is its domain dying. */
	if ((revents & (POLLHUP | POLLERR)) ||
	    recv(c->tp_fd, &b, 1, MSG_DONTWAIT) == 0) {
		log_info("%s: loopback peer went away", c->name);
		vcamd_conn_destroy(d, c);
	}
}

static void accept_ready(struct vcamd *d, void *arg, short revents)
{
	struct lb_tp *lt = arg;
	struct vcam_lb_link *lb;
	struct vcamd_conn *c;
	int fd;

	(void)revents;
	fd = accept4(lt->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	lb = vcam_lb_recv(fd);
	if (!lb) {
		log_warn("loopback: bad hand-over: %s", strerror(errno));
		close(fd);
		return;
	}
	c = vcamd_conn_new(d, &lb_transport, lb, ++lt->next_id, 0);
	if (!c) {
		vcam_lb_destroy(lb);
		close(fd);
		return;
	}
	c->tp_fd = fd;
	vcamd_xb_init(c);
	vcamd_xb_update(c);
}

static void lt_collect(struct vcamd *d)
{
	struct lb_tp *lt = d->tp_priv;
	struct vcamd_conn *c;

	vcamd_add_src(d, lt->listen_fd, POLLIN, accept_ready, lt);
	for (c = d->conns; c; c = c->next) {
		vcamd_add_src(d, c->tp_fd, POLLIN, sock_ready, c);
		vcamd_add_src(d, vcam_lb_port_fd(c->tpctx, VCAM_LB_BE,
						 VCAM_LB_STORE_PORT),
			      POLLIN, store_ready, c);
		if (!c->connected)
			continue;
		if (!vcamd_port_masked(c, c->req_port))
			vcamd_add_src(d, vcam_lb_port_fd(c->tpctx, VCAM_LB_BE,
							 c->req_port),
				      POLLIN, req_ready, c);
		if (!vcamd_port_masked(c, c->evt_port))
			vcamd_add_src(d, vcam_lb_port_fd(c->tpctx, VCAM_LB_BE,
							 c->evt_port),
				      POLLIN, evt_ready, c);
	}
}

static void lt_shutdown(struct vcamd *d)
{
	struct lb_tp *lt = d->tp_priv;

	close(lt->listen_fd);
	unlink(d->opts.loopback_path);
	free(lt);
	d->tp_priv = NULL;
}

static const struct vcamd_transport lb_transport = {
	.name = "loopback",
	.xops = &vcamd_lb_xen_ops,
	.read = lt_read,
	.list = lt_list,
	.write = lt_write,
	.bind = lt_bind,
	.unbind = lt_unbind,
	.unmask = lt_unmask,
	.collect = lt_collect,
	.conn_free = lt_conn_free,
	.shutdown = lt_shutdown,
};

int vcamd_lb_transport_init(struct vcamd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct lb_tp *lt = calloc(1, sizeof(*lt));

	if (!lt)
		return -ENOMEM;
	strcpy(sa.sun_path, d->opts.loopback_path);
	lt->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(sa.sun_path);
	if (lt->listen_fd < 0 ||
	    bind(lt->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lt->listen_fd, 8) < 0) {
		log_err("loopback: cannot listen on %s: %s", sa.sun_path,
			strerror(errno));
		if (lt->listen_fd >= 0)
			close(lt->listen_fd);
		free(lt);
		return -errno;
	}
	d->tp = &lb_transport;
	d->tp_priv = lt;
	log_notice("serving the loopback transport on %s", sa.sun_path);
	return 0;
}
