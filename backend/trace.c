// SPDX-License-Identifier: MIT
/*
 * vcamctl trace DEVICE: every request, response and event of one device,
 * decoded, one line each, as they happen (usbmon for cameraif).  A second
 * unix socket next to the status socket (<status>.trace); a client sends
 * the device name ("dom3/vcam0") and a newline, then reads lines until it
 * hangs up.  Lines are dropped, never waited for, when the client reads
 * too slowly: tracing must not slow the device down.
 */
#include "daemon.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "vcam/opnames.h"

struct line {
	char buf[320];
	size_t pos;
};

static void add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->pos >= sizeof(l->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->pos, sizeof(l->buf) - l->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->pos += (size_t)n;
}

static void fourcc(struct line *l, uint32_t f)
{
	char s[5];
	int i;

	for (i = 0; i < 4; i++) {
		s[i] = (char)((f >> (8 * i)) & 0xff);
		if (s[i] < 0x20 || s[i] > 0x7e)
			s[i] = '?';
	}
	s[4] = '\0';
	add(l, "%s", s);
}

static void req_args(struct line *l, const struct xencamera_req *r)
{
	unsigned int i;

	switch (r->operation) {
	case XENCAMERA_OP_CONFIG_SET:
	case XENCAMERA_OP_CONFIG_VALIDATE:
		add(l, " ");
		fourcc(l, r->req.config.pixel_format);
		add(l, " %ux%u", r->req.config.width, r->req.config.height);
		break;
	case XENCAMERA_OP_FRAME_RATE_SET:
		add(l, " %u/%u", r->req.frame_rate.frame_rate_numer,
		    r->req.frame_rate.frame_rate_denom);
		break;
	case XENCAMERA_OP_BUF_REQUEST:
		add(l, " num_bufs=%u", r->req.buf_request.num_bufs);
		break;
	case XENCAMERA_OP_BUF_CREATE:
		add(l, " index=%u dir=%u offsets=", r->req.buf_create.index,
		    r->req.buf_create.gref_directory);
		for (i = 0; i < XENCAMERA_MAX_PLANE; i++)
			add(l, "%s%u", i ? "," : "",
			    r->req.buf_create.plane_offset[i]);
		break;
	case XENCAMERA_OP_BUF_DESTROY:
	case XENCAMERA_OP_BUF_QUEUE:
	case XENCAMERA_OP_BUF_DEQUEUE:
	case XENCAMERA_OP_CTRL_ENUM:
		add(l, " index=%u", r->req.index.index);
		break;
	case XENCAMERA_OP_CTRL_SET:
		add(l, " type=%u value=%lld", r->req.ctrl_value.type,
		    (long long)r->req.ctrl_value.value);
		break;
	case XENCAMERA_OP_CTRL_GET:
		add(l, " type=%u", r->req.get_ctrl.type);
		break;
	default:
		break;
	}
}

static void rsp_args(struct line *l, const struct xencamera_resp *r)
{
	if (r->status)
		return;
	switch (r->operation) {
	case XENCAMERA_OP_CONFIG_SET:
	case XENCAMERA_OP_CONFIG_GET:
	case XENCAMERA_OP_CONFIG_VALIDATE:
		add(l, " ");
		fourcc(l, r->resp.config.pixel_format);
		add(l, " %ux%u %u/%u", r->resp.config.width,
		    r->resp.config.height, r->resp.config.frame_rate_numer,
		    r->resp.config.frame_rate_denom);
		break;
	case XENCAMERA_OP_BUF_GET_LAYOUT:
		add(l, " planes=%u size=%u", r->resp.buf_layout.num_planes,
		    r->resp.buf_layout.size);
		break;
	case XENCAMERA_OP_BUF_REQUEST:
		add(l, " num_bufs=%u", r->resp.buf_request.num_bufs);
		break;
	case XENCAMERA_OP_CTRL_ENUM:
		add(l, " type=%u min=%lld max=%lld", r->resp.ctrl_enum.type,
		    (long long)r->resp.ctrl_enum.min,
		    (long long)r->resp.ctrl_enum.max);
		break;
	case XENCAMERA_OP_CTRL_GET:
		add(l, " value=%lld", (long long)r->resp.ctrl_value.value);
		break;
	default:
		break;
	}
}

/* "EBUSY" for -XEN_EBUSY, as Xen's list names it. */
static const char *status_name(int32_t st)
{
	const char *name = vcam_xen_status_name(st);

	if (!st)
		return "ok";
	return name ? name + 1 : "?";
}

static const char *op_name(unsigned int op)
{
	const char *name = vcam_op_name(op);

	return name ? name : "?";
}

static void stamp(struct vcamd_conn *c, struct line *l)
{
	uint64_t t = vcamd_now_ns() - c->d->start_ns;

	add(l, "%llu.%06llu %s ", (unsigned long long)(t / 1000000000ull),
	    (unsigned long long)(t % 1000000000ull / 1000), c->name);
}

static void emit(struct vcamd_conn *c, struct line *l)
{
	struct vcamd_tracer *t = c->tracer;

	add(l, "\n");
	if (l->pos > sizeof(l->buf))
		l->pos = sizeof(l->buf);
	if (send(t->fd, l->buf, l->pos, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			t->dropped++;
			return;
		}
		vcamd_trace_detach(c);
	}
}

static void trace_req(void *arg, const struct xencamera_req *req,
		      const struct xencamera_resp *rsp, uint64_t ns)
{
	struct vcamd_conn *c = arg;
	struct line l = { .pos = 0 };

	stamp(c, &l);
	add(&l, "req id=%u %s(%u)", req->id, op_name(req->operation),
	    req->operation);
	req_args(&l, req);
	add(&l, " -> %d %s", rsp->status, status_name(rsp->status));
	rsp_args(&l, rsp);
	add(&l, " (%llu us)", (unsigned long long)(ns / 1000));
	emit(c, &l);
}

static void trace_evt(void *arg, const struct xencamera_evt *evt)
{
	struct vcamd_conn *c = arg;
	struct line l = { .pos = 0 };

	stamp(c, &l);
	switch (evt->type) {
	case XENCAMERA_EVT_FRAME_AVAIL:
		add(&l, "evt id=%u FRAME_AVAIL index=%u used_sz=%u seq=%u",
		    evt->id, evt->evt.frame_avail.index,
		    evt->evt.frame_avail.used_sz, evt->evt.frame_avail.seq_num);
		break;
	case XENCAMERA_EVT_CTRL_CHANGE:
		add(&l, "evt id=%u CTRL_CHANGE type=%u value=%lld", evt->id,
		    evt->evt.ctrl_value.type,
		    (long long)evt->evt.ctrl_value.value);
		break;
	default:
		add(&l, "evt id=%u type=%u", evt->id, evt->type);
	}
	emit(c, &l);
}

static const struct vcamd_trace_ops trace_ops = {
	.req = trace_req,
	.evt = trace_evt,
};

/* ---- the socket ---------------------------------------------------------- */

static void trace_path(const struct vcamd *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s.trace", d->opts.status_path);
}

int vcamd_trace_open(struct vcamd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned int i;
	int ret;

	d->trace_fd = -1;
	for (i = 0; i < VCAMD_MAX_TRACERS; i++)
		d->tracers[i].fd = -1;
	if (!d->opts.status_path[0] ||
	    strlen(d->opts.status_path) + 7 > sizeof(sa.sun_path))
		return 0;
	trace_path(d, sa.sun_path, sizeof(sa.sun_path));
	ret = vcamd_listen_unix(&sa);
	if (ret < 0) {
		log_warn("trace socket %s: %s (vcamctl trace will not work)",
			 sa.sun_path, strerror(-ret));
		return ret;
	}
	d->trace_fd = ret;
	return 0;
}

static void tracer_close(struct vcamd *d, struct vcamd_tracer *t)
{
	struct vcamd_conn *c;

	for (c = d->conns; c; c = c->next)
		if (c->tracer == t)
			vcamd_trace_detach(c);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->name[0] = '\0';
	t->len = 0;
}

void vcamd_trace_close(struct vcamd *d)
{
	char path[VCAMD_PATH_MAX + 8];
	unsigned int i;

	for (i = 0; i < VCAMD_MAX_TRACERS; i++)
		if (d->tracers[i].fd >= 0)
			tracer_close(d, &d->tracers[i]);
	if (d->trace_fd < 0)
		return;
	close(d->trace_fd);
	trace_path(d, path, sizeof(path));
	unlink(path);
	d->trace_fd = -1;
}

void vcamd_trace_attach(struct vcamd_conn *c)
{
	struct vcamd *d = c->d;
	unsigned int i;

	for (i = 0; i < VCAMD_MAX_TRACERS; i++) {
		struct vcamd_tracer *t = &d->tracers[i];

		if (t->fd < 0 || !t->name[0] || strcmp(t->name, c->name))
			continue;
		c->tracer = t;
		c->dev.trace = &trace_ops;
		c->dev.trace_arg = c;
		return;
	}
}

void vcamd_trace_detach(struct vcamd_conn *c)
{
	c->tracer = NULL;
	c->dev.trace = NULL;
	c->dev.trace_arg = NULL;
}

/* The client's device name, a line of at most sizeof(name) - 1 octets. */
static void tracer_ready(struct vcamd *d, void *arg, short revents)
{
	struct vcamd_tracer *t = arg;
	struct vcamd_conn *c;
	char *nl;
	ssize_t n;

	if (t->name[0]) {	/* tracing: only a hang-up comes here */
		char junk[64];

		if ((revents & (POLLHUP | POLLERR)) ||
		    read(t->fd, junk, sizeof(junk)) <= 0)
			tracer_close(d, t);
		return;
	}
	n = read(t->fd, t->buf + t->len, sizeof(t->buf) - 1 - t->len);
	if (n <= 0) {
		tracer_close(d, t);
		return;
	}
	t->len += (size_t)n;
	t->buf[t->len] = '\0';
	nl = strchr(t->buf, '\n');
	if (!nl) {
		if (t->len == sizeof(t->buf) - 1)
			tracer_close(d, t);	/* no name is that long */
		return;
	}
	*nl = '\0';
	snprintf(t->name, sizeof(t->name), "%s", t->buf);
	for (c = d->conns; c; c = c->next)
		if (!strcmp(c->name, t->name))
			break;
	dprintf(t->fd, "# tracing %s (%s)\n", t->name,
		c ? (c->connected ? "connected" : "not connected") :
		    "no such device yet");
	for (c = d->conns; c; c = c->next)
		if (!strcmp(c->name, t->name) && c->connected)
			vcamd_trace_attach(c);
}

static void accept_ready(struct vcamd *d, void *arg, short revents)
{
	unsigned int i;
	int fd;

	(void)arg;
	(void)revents;
	fd = accept4(d->trace_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (i = 0; i < VCAMD_MAX_TRACERS; i++) {
		if (d->tracers[i].fd < 0) {
			d->tracers[i].fd = fd;
			d->tracers[i].len = 0;
			d->tracers[i].name[0] = '\0';
			d->tracers[i].dropped = 0;
			return;
		}
	}
	dprintf(fd, "# vcamd: %d tracers already\n", VCAMD_MAX_TRACERS);
	close(fd);
}

void vcamd_trace_collect(struct vcamd *d)
{
	unsigned int i;

	if (d->trace_fd < 0)
		return;
	vcamd_add_src(d, d->trace_fd, POLLIN, accept_ready, NULL);
	for (i = 0; i < VCAMD_MAX_TRACERS; i++)
		if (d->tracers[i].fd >= 0)
			vcamd_add_src(d, d->tracers[i].fd, POLLIN,
				      tracer_ready, &d->tracers[i]);
}
