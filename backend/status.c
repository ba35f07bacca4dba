// SPDX-License-Identifier: MIT
/*
 * The status socket: every client gets one text snapshot, one line per
 * camera and per device, space-separated key=value pairs (stable keys, so
 * scripts and the rig can grep them), then the connection closes.  Its
 * twin <status>.json does the same with one JSON document (vcamctl status
 * --json): a socket of its own, so that neither kind of client has to
 * say what it wants before vcamd answers.
 */
#include "daemon.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "json.h"
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

/* The JSON twin of the status socket: <status>.json. */
static bool json_path(const struct vcamd *d, char *buf, size_t len)
{
	return (size_t)snprintf(buf, len, "%s.json", d->opts.status_path) < len;
}

int vcamd_status_open(struct vcamd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[VCAMD_PATH_MAX], *slash;
	int ret;

	d->status_fd = -1;
	d->status_json_fd = -1;
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
	if (!json_path(d, sa.sun_path, sizeof(sa.sun_path))) {
		log_warn("status socket path %s too long for its .json twin (vcamctl status --json will not work)",
			 d->opts.status_path);
		return 0;
	}
	ret = vcamd_listen_unix(&sa);
	if (ret < 0)
		log_warn("status socket %s: %s (vcamctl status --json will not work)",
			 sa.sun_path, strerror(-ret));
	else
		d->status_json_fd = ret;
	return 0;
}

void vcamd_status_close(struct vcamd *d)
{
	char path[VCAMD_PATH_MAX + 8];

	if (d->status_json_fd >= 0) {
		close(d->status_json_fd);
		if (json_path(d, path, sizeof(path)))
			unlink(path);
		d->status_json_fd = -1;
	}
	if (d->status_fd < 0)
		return;
	close(d->status_fd);
	unlink(d->opts.status_path);
	d->status_fd = -1;
}

/*
 * One record (the vcamd line, a camera, a device) as text (`key=value`
 * separated by spaces, the lines scripts grep) or as a JSON object with
 * the same keys in the same order: both come from the same calls below,
 * so they cannot drift apart.  What the text spells "none" is JSON null;
 * a list of devices ("a,b" or "-") is a JSON array.
 */
struct rec {
	struct vcamd_out *o;
	bool json;
	unsigned int n;		/* fields so far */
};

static void key(struct rec *r, const char *k)
{
	if (r->json)
		vcamd_out_printf(r->o, "%s\"%s\":", r->n ? "," : "", k);
	else
		vcamd_out_printf(r->o, "%s%s=", r->n ? " " : "", k);
	r->n++;
}

/* A string; NULL is "none" in the text, null in JSON. */
static void f_str(struct rec *r, const char *k, const char *s)
{
	key(r, k);
	if (!r->json)
		vcamd_out_printf(r->o, "%s", s ? s : "none");
	else if (s)
		vcamd_out_json_str(r->o, s, strlen(s));
	else
		vcamd_out_printf(r->o, "null");
}

static void f_u64(struct rec *r, const char *k, uint64_t v)
{
	key(r, k);
	vcamd_out_printf(r->o, "%llu", (unsigned long long)v);
}

static void f_int(struct rec *r, const char *k, long long v)
{
	key(r, k);
	vcamd_out_printf(r->o, "%lld", v);
}

/* JSON has no NaN or infinity: null there (the text keeps printf's). */
static void f_dbl(struct rec *r, const char *k, double v, int prec)
{
	key(r, k);
	if (r->json && !isfinite(v))
		vcamd_out_printf(r->o, "null");
	else
		vcamd_out_printf(r->o, "%.*f", prec, v);
}

static double per_frame(uint64_t n, uint64_t frames)
{
	return frames ? (double)n / (double)frames : 0.0;
}

static void conn_fields(struct rec *r, struct vcamd_conn *c)
{
	static const char *const st[] = {
		"Unknown", "Initialising", "InitWait", "Initialised",
		"Connected", "Closing", "Closed", "Reconfiguring",
		"Reconfigured",
	};
	const struct vcamd_stats *s = &c->dev.st;
	uint64_t notes = s->notify_req + s->notify_evt;

	f_str(r, "name", c->name);
	f_str(r, "state", c->be_state >= 0 && c->be_state <= 8 ?
	      st[c->be_state] : "?");
	f_str(r, "camera", c->camdev ? c->camdev->path : NULL);
	f_str(r, "mode", vcam_notify_mode_name(c->dev.cfg.notify_mode));
	f_str(r, "alloc", c->dev.cfg.be_alloc ? "be" : "fe");
	f_int(r, "streaming", c->dev.streaming);
	f_dbl(r, "fps", c->fps, 2);
	f_u64(r, "frames", s->frames);
	f_u64(r, "drops", s->drops);
	f_u64(r, "copies", s->copies);
	f_dbl(r, "copies_per_frame", per_frame(s->copies, s->frames), 2);
	f_u64(r, "zero_copy", s->zero_copy);
	f_u64(r, "notifications", notes);
	f_u64(r, "notify_req", s->notify_req);
	f_u64(r, "notify_evt", s->notify_evt);
	f_dbl(r, "notifications_per_frame", per_frame(notes, s->frames), 2);
	f_u64(r, "wakeups", s->wakeups);
	f_u64(r, "spins", s->spins);
	f_u64(r, "requests", s->requests);
	f_u64(r, "errors", s->errors);
	f_u64(r, "evt_full", s->evt_full);
	f_u64(r, "seq_fixups", s->seq_fixups);
	f_dbl(r, "cpu_ms", (double)s->cpu_ns / 1e6, 1);
	f_dbl(r, "cpu_us_per_frame", per_frame(s->cpu_ns, s->frames) / 1e3,
	      0);
	f_int(r, "broken", c->dev.broken);
	/* what the host allows, and whether the guest tried to change it */
	f_u64(r, "max_buffers", c->dev.cfg.max_buffers);
	f_int(r, "guest_cfg_differs", c->cfg_diff_logged);
	f_u64(r, "dequeue_held", s->dequeue_held);
	/* limits (policy.c, core_limit.c): what the host allows it */
	f_str(r, "mode_asked", vcam_notify_mode_name(c->mode_asked));
	f_int(r, "spin_capped", c->spin_capped);
	f_u64(r, "pages", c->dev.pages);
	f_u64(r, "max_pages", c->dev.cfg.lim.max_pages);
	f_u64(r, "pages_refused", s->pages_refused);
	f_u64(r, "req_rate", c->dev.cfg.lim.req_rate);
	f_u64(r, "req_cpu_pct", c->dev.cfg.lim.req_cpu_pct);
	f_u64(r, "throttled", s->throttled);
	f_u64(r, "spurious_kicks", s->spurious_kicks);
	f_dbl(r, "kick_backoff_ms", (double)vcamd_kick_backoff_ns(c) / 1e6, 0);
}

size_t vcamd_conn_stats_text(struct vcamd_conn *c, char *buf, size_t len)
{
	struct vcamd_out o = { buf, len, 0, false };
	struct rec r = { &o, false, 0 };

	conn_fields(&r, c);
	return o.pos;
}

/* Who uses a camera now, by device name: "a,b" or "-"; a JSON array. */
static void f_users(struct rec *r, struct vcamd *d,
		    const struct vcamd_camdev *cd, const char *k,
		    bool streaming_only)
{
	const struct vcamd_conn *c;
	unsigned int n = 0;

	key(r, k);
	if (r->json)
		vcamd_out_printf(r->o, "[");
	for (c = d->conns; c; c = c->next) {
		if (c->camdev != cd || (streaming_only && !c->dev.streaming))
			continue;
		if (n++)
			vcamd_out_printf(r->o, ",");
		if (r->json)
			vcamd_out_json_str(r->o, c->name, strlen(c->name));
		else
			vcamd_out_printf(r->o, "%s", c->name);
	}
	if (r->json)
		vcamd_out_printf(r->o, "]");
	else if (!n)
		vcamd_out_printf(r->o, "-");
}

static void vcamd_fields(struct rec *r, struct vcamd *d)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	f_int(r, "pid", (int)getpid());
	f_str(r, "transport", d->tp->name);
	f_dbl(r, "uptime_s", (double)(vcamd_now_ns() - d->start_ns) / 1e9, 1);
	f_int(r, "cpu_user_ms",
	      ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000);
	f_int(r, "cpu_sys_ms",
	      ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000);
	f_u64(r, "spinning", vcamd_spinning(d));
	f_u64(r, "max_spinning", d->opts.max_spinning);
	f_u64(r, "pages", d->pages.used);
	f_u64(r, "max_pages_total", d->pages.max);
	f_u64(r, "reloads", d->reloads);
	f_u64(r, "reload_errors", d->reload_errors);
}

static void camera_fields(struct rec *r, struct vcamd *d,
			  struct vcamd_camdev *cd)
{
	const struct vcamd_format *f = &cd->cam.fmt;
	char fourcc[5], v[32];

	memcpy(fourcc, &f->fourcc, 4);
	fourcc[4] = '\0';		/* what "%.4s" printed */
	f_str(r, "path", cd->path);
	f_u64(r, "users", cd->refs);
	f_int(r, "streaming", cd->cam.streaming);
	/* stopped, its buffers kept for a quick restart (VCAMD_CAM_KEEP_MS) */
	f_int(r, "bufs_kept", cd->cam.bufs_kept);
	f_int(r, "failed", cd->failed);
	f_u64(r, "reopened", cd->reopened);
	f_u64(r, "frames_in", cd->cam.frames_in);
	f_dbl(r, "cpu_ms", (double)cd->cam.cpu_ns / 1e6, 1);
	f_str(r, "format", cd->cam.have_fmt ? fourcc : NULL);
	snprintf(v, sizeof(v), "%ux%u", f->width, f->height);
	f_str(r, "size", v);
	snprintf(v, sizeof(v), "%u/%u", cd->cam.rate_numer,
		 cd->cam.rate_denom);
	f_str(r, "rate", v);
	f_users(r, d, cd, "devices", false);
	f_users(r, d, cd, "streaming_devices", true);
}

size_t vcamd_status_text(struct vcamd *d, char *buf, size_t len)
{
	struct vcamd_out o = { buf, len, 0, false };
	struct rec r = { &o, false, 0 };
	struct vcamd_camdev *cd;
	struct vcamd_conn *c;

	vcamd_out_printf(&o, "vcamd ");
	vcamd_fields(&r, d);
	vcamd_out_printf(&o, "\n");
	for (cd = d->cams; cd; cd = cd->next) {
		r.n = 0;
		vcamd_out_printf(&o, "camera ");
		camera_fields(&r, d, cd);
		vcamd_out_printf(&o, "\n");
	}
	for (c = d->conns; c; c = c->next) {
		r.n = 0;
		vcamd_out_printf(&o, "device ");
		conn_fields(&r, c);
		vcamd_out_printf(&o, "\n");
	}
	return o.pos;
}

#define JSON_MID	"],\n\"devices\":["
#define JSON_END	"],\n\"truncated\":%s}\n"
/* what closing the document takes, "false" being longer than "true" */
#define JSON_END_LEN	(sizeof(JSON_END) - 3 + 5)

/* Either the record fits with @tail octets to spare or it is taken back. */
static bool json_record(struct rec *r, size_t len, size_t tail, bool first,
			void (*fields)(struct rec *r, void *a, void *b),
			void *a, void *b)
{
	size_t mark = r->o->pos;

	r->o->len = len - tail;
	r->n = 0;
	vcamd_out_printf(r->o, "%s\n{", first ? "" : ",");
	fields(r, a, b);
	vcamd_out_printf(r->o, "}");
	r->o->len = len;
	if (!r->o->full)
		return true;
	r->o->full = false;
	r->o->pos = mark;
	r->o->buf[mark] = '\0';
	return false;
}

static void camera_rec(struct rec *r, void *d, void *cd)
{
	camera_fields(r, d, cd);
}

static void conn_rec(struct rec *r, void *c, void *unused)
{
	(void)unused;
	conn_fields(r, c);
}

/*
 * One JSON object {"vcamd":{...},"cameras":[...],"devices":[...],
 * "truncated":false}, a line per record.  Records that do not fit are
 * left out whole and "truncated" says so: the document is always valid,
 * or empty (0) when not even its frame fits.
 */
size_t vcamd_status_json(struct vcamd *d, char *buf, size_t len)
{
	const size_t tail = sizeof(JSON_MID) - 1 + JSON_END_LEN;
	struct vcamd_out o = { buf, len, 0, false };
	struct rec r = { &o, true, 0 };
	struct vcamd_camdev *cd;
	struct vcamd_conn *c;
	bool cut = false;

	if (len <= tail)
		o.len = 0;
	else
		o.len = len - tail;
	vcamd_out_printf(&o, "{\"vcamd\":{");
	vcamd_fields(&r, d);
	vcamd_out_printf(&o, "},\n\"cameras\":[");
	if (o.full) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	o.len = len;
	for (cd = d->cams; cd && !cut; cd = cd->next)
		cut = !json_record(&r, len, tail, cd == d->cams, camera_rec,
				   d, cd);
	vcamd_out_printf(&o, JSON_MID);
	for (c = d->conns; c && !cut; c = c->next)
		cut = !json_record(&r, len, JSON_END_LEN, c == d->conns,
				   conn_rec, c, NULL);
	vcamd_out_printf(&o, JSON_END, cut ? "true" : "false");
	return o.pos;
}

void vcamd_status_serve(struct vcamd *d, int listen_fd)
{
	/* a line is ~800 octets per device: room for some 80 of them */
	static char buf[65536];
	size_t n, off = 0;
	int fd;

	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	n = listen_fd == d->status_json_fd ?
	    vcamd_status_json(d, buf, sizeof(buf)) :
	    vcamd_status_text(d, buf, sizeof(buf));
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
