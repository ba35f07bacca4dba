// SPDX-License-Identifier: MIT
/*
 * The status socket: every client gets one text snapshot, one line per
 * camera and per device, space-separated key=value pairs (stable keys, so
 * scripts and the rig can grep them), then the connection closes.
 */
#include "daemon.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

int vcamd_listen_unix(const struct sockaddr_un *sa)
{
	int fd, err;

	unlink(sa->sun_path);	/* a stale socket of an earlier vcamd */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0 && bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 &&
	    listen(fd, 4) == 0)
		return fd;
	err = errno;
	if (fd >= 0)
		close(fd);
	return -err;
}

int vcamd_status_open(struct vcamd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[VCAM_PATH_MAX], *slash;
	int ret;

	d->status_fd = -1;
	if (!d->opts.status_path[0])
		return 0;
	strcpy(sa.sun_path, d->opts.status_path);
	strcpy(dir, d->opts.status_path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	ret = vcamd_listen_unix(&sa);
	if (ret < 0) {
		log_warn("status socket %s: %s (vcamctl will not work)",
			 sa.sun_path, strerror(-ret));
		return ret;
	}
	d->status_fd = ret;
	return 0;
}

void vcamd_status_close(struct vcamd *d)
{
	if (d->status_fd < 0)
		return;
	close(d->status_fd);
	unlink(d->opts.status_path);
	d->status_fd = -1;
}

struct out {
	char *buf;
	size_t len, pos;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->pos >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
	if (o->pos > o->len)
		o->pos = o->len;
}

static double per_frame(uint64_t n, uint64_t frames)
{
	return frames ? (double)n / (double)frames : 0.0;
}

size_t vcamd_conn_stats_text(struct vcam_conn *c, char *buf, size_t len)
{
	static const char *const st[] = {
		"Unknown", "Initialising", "InitWait", "Initialised",
		"Connected", "Closing", "Closed", "Reconfiguring",
		"Reconfigured",
	};
	const struct vcam_stats *s = &c->dev.st;
	uint64_t notes = s->notify_req + s->notify_evt;
	struct out o = { buf, len, 0 };

	put(&o, "name=%s state=%s camera=%s mode=%s alloc=%s streaming=%d fps=%.2f frames=%llu drops=%llu copies=%llu copies_per_frame=%.2f zero_copy=%llu notifications=%llu notify_req=%llu notify_evt=%llu notifications_per_frame=%.2f wakeups=%llu spins=%llu requests=%llu errors=%llu evt_full=%llu seq_fixups=%llu cpu_ms=%.1f cpu_us_per_frame=%.0f broken=%d",
	    c->name,
	    c->be_state >= 0 && c->be_state <= 8 ? st[c->be_state] : "?",
	    c->camdev ? c->camdev->path : "none",
	    vcam_notify_mode_name(c->dev.cfg.notify_mode),
	    c->dev.cfg.be_alloc ? "be" : "fe", c->dev.streaming,
	    c->fps, (unsigned long long)s->frames,
	    (unsigned long long)s->drops,
	    (unsigned long long)s->copies,
	    per_frame(s->copies, s->frames),
	    (unsigned long long)s->zero_copy,
	    (unsigned long long)notes,
	    (unsigned long long)s->notify_req,
	    (unsigned long long)s->notify_evt,
	    per_frame(notes, s->frames),
	    (unsigned long long)s->wakeups,
	    (unsigned long long)s->spins,
	    (unsigned long long)s->requests,
	    (unsigned long long)s->errors,
	    (unsigned long long)s->evt_full,
	    (unsigned long long)s->seq_fixups, (double)s->cpu_ns / 1e6,
	    per_frame(s->cpu_ns, s->frames) / 1e3, c->dev.broken);
	/* what the host allows, and whether the guest tried to change it */
	put(&o, " max_buffers=%u guest_cfg_differs=%d dequeue_held=%llu",
	    c->dev.cfg.max_buffers, c->cfg_diff_logged,
	    (unsigned long long)s->dequeue_held);
	/* limits (policy.c, core_limit.c): what the host allows it */
	put(&o, " mode_asked=%s spin_capped=%d pages=%u max_pages=%u pages_refused=%llu req_rate=%u req_cpu_pct=%u throttled=%llu spurious_kicks=%llu kick_backoff_ms=%.0f",
	    vcam_notify_mode_name(c->mode_asked), c->spin_capped,
	    c->dev.pages, c->dev.cfg.lim.max_pages,
	    (unsigned long long)s->pages_refused, c->dev.cfg.lim.req_rate,
	    c->dev.cfg.lim.req_cpu_pct,
	    (unsigned long long)s->throttled,
	    (unsigned long long)s->spurious_kicks,
	    (double)vcamd_kick_backoff_ns(c) / 1e6);
	return o.pos;
}

/* Who uses a camera now, by device name, comma-separated; "-": nobody. */
static void put_users(struct out *o, struct vcamd *d,
		      const struct vcam_camdev *cd, const char *key,
		      bool streaming_only)
{
	const struct vcam_conn *c;
	const char *sep = "";

	put(o, "%s", key);
	for (c = d->conns; c; c = c->next) {
		if (c->camdev != cd || (streaming_only && !c->dev.streaming))
			continue;
		put(o, "%s%s", sep, c->name);
		sep = ",";
	}
	if (!*sep)
		put(o, "-");
}

size_t vcamd_status_text(struct vcamd *d, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	struct vcam_camdev *cd;
	struct vcam_conn *c;
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	put(&o, "vcamd pid=%d transport=%s uptime_s=%.1f cpu_user_ms=%ld cpu_sys_ms=%ld spinning=%u max_spinning=%u pages=%llu max_pages_total=%llu\n",
	    (int)getpid(), d->tp->name,
	    (double)(vcam_now_ns() - d->start_ns) / 1e9,
	    ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000,
	    ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000,
	    vcamd_spinning(d), d->opts.max_spinning,
	    (unsigned long long)d->pages.used,
	    (unsigned long long)d->pages.max);
	for (cd = d->cams; cd; cd = cd->next) {
		const struct vcam_format *f = &cd->cam.fmt;

		put(&o, "camera path=%s users=%u streaming=%d failed=%d reopened=%u frames_in=%llu cpu_ms=%.1f format=%.4s size=%ux%u rate=%u/%u",
		    cd->path, cd->refs, cd->cam.streaming, cd->failed,
		    cd->reopened,
		    (unsigned long long)cd->cam.frames_in,
		    (double)cd->cam.cpu_ns / 1e6,
		    cd->cam.have_fmt ? (const char *)&f->fourcc : "none",
		    f->width, f->height, cd->cam.rate_numer,
		    cd->cam.rate_denom);
		put_users(&o, d, cd, " devices=", false);
		put_users(&o, d, cd, " streaming_devices=", true);
		put(&o, "\n");
	}
	for (c = d->conns; c; c = c->next) {
		put(&o, "device ");
		if (o.pos < o.len)
			o.pos += vcamd_conn_stats_text(c, o.buf + o.pos,
						       o.len - o.pos);
		put(&o, "\n");
	}
	return o.pos;
}

void vcamd_status_serve(struct vcamd *d)
{
	/* a line is ~800 octets per device: room for some 80 of them */
	static char buf[65536];
	size_t n, off = 0;
	int fd;

	fd = accept4(d->status_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	n = vcamd_status_text(d, buf, sizeof(buf));
	/* Small, one-shot: a client that does not read just loses it. */
	while (off < n) {
		ssize_t w = send(fd, buf + off, n - off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
}
