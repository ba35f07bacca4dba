// SPDX-License-Identifier: MIT
/*
 * The main loop: one poll() over the transport's fds, the cameras, the
 * status socket and a signalfd.  Devices in spin (or within a hybrid
 * window) make the poll non-blocking so their rings are polled; a device
 * whose request budget ran out is served again after everyone else.
 */
#include "daemon.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "log.h"
#include "v4l2_camera.h"

void vcamd_add_src(struct vcamd *d, int fd, short events, vcamd_src_cb cb,
		   void *arg)
{
	if (fd < 0 || d->nsrc >= VCAMD_MAX_SRCS)
		return;
	d->pfd[d->nsrc].fd = fd;
	d->pfd[d->nsrc].events = events;
	d->pfd[d->nsrc].revents = 0;
	d->src[d->nsrc].cb = cb;
	d->src[d->nsrc].arg = arg;
	d->nsrc++;
}

/* ---- connections ------------------------------------------------------------- */

struct vcamd_conn *vcamd_conn_new(struct vcamd *d,
				  const struct vcamd_transport *tp,
				  void *tpctx, uint32_t fe_domid,
				  uint32_t devid)
{
	struct vcamd_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->d = d;
	c->tp = tp;
	c->tpctx = tpctx;
	c->tp_fd = -1;
	c->fe_domid = fe_domid;
	c->devid = devid;
	snprintf(c->name, sizeof(c->name), "dom%u/vcam%u", fe_domid, devid);
	c->next = d->conns;
	d->conns = c;
	log_info("%s: new device", c->name);
	return c;
}

struct vcamd_conn *vcamd_conn_find(struct vcamd *d, uint32_t fe_domid,
				   uint32_t devid)
{
	struct vcamd_conn *c;

	for (c = d->conns; c; c = c->next)
		if (c->fe_domid == fe_domid && c->devid == devid)
			return c;
	return NULL;
}

void vcamd_conn_destroy(struct vcamd *d, struct vcamd_conn *c)
{
	struct vcamd_conn **pp;

	vcamd_xb_disconnect(c);
	for (pp = &d->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (c->tp->conn_free)
		c->tp->conn_free(c);
	log_info("%s: removed", c->name);
	free(c);
}

/* A broken ring closes the device; the state machine does the rest. */
void vcamd_conn_process(struct vcamd_conn *c)
{
	/* its CPU time is counted by the core */
	int ret = vcamd_dev_process(&c->dev, VCAMD_REQ_BUDGET);

	/* throttled: vcamd_timers() serves it when its tokens are back */
	c->pending = ret == 1;
	if (ret == -EPROTO)
		vcamd_xb_update(c);
}

/* ---- cameras -------------------------------------------------------------- */

int (*vcamd_cam_open_hook)(const char *path,
			   const struct vcamd_camera_ops **ops,
			   void **priv, int *pollfd);

static int cam_open(struct vcamd *d, const char *path,
		    const struct vcamd_camera_ops **ops, void **priv, int *fd)
{
	if (vcamd_cam_open_hook)
		return vcamd_cam_open_hook(path, ops, priv, fd);
	*ops = &v4l2cam_ops;
	if (v4l2cam_open(path, d->opts.cam_buffers, priv))
		return -1;
	*fd = v4l2cam_fd(*priv);
	return 0;
}

struct vcamd_camdev *vcamd_cam_get(struct vcamd *d, const char *path)
{
	const struct vcamd_camera_ops *ops;
	struct vcamd_camdev *cd;
	void *priv;
	int fd;

	/* a failed camera too: it comes back when its device does */
	for (cd = d->cams; cd; cd = cd->next) {
		if (!strcmp(cd->path, path)) {
			cd->refs++;
			return cd;
		}
	}
	if (cam_open(d, path, &ops, &priv, &fd))
		return NULL;
	cd = calloc(1, sizeof(*cd));
	if (!cd) {
		if (ops->destroy)
			ops->destroy(priv);
		return NULL;
	}
	snprintf(cd->path, sizeof(cd->path), "%s", path);
	cd->fd = fd;
	vcamd_cam_init(&cd->cam, cd->path, ops, priv);
	/* the main loop settles it (below): a guest's STREAM_STOP is answered first */
	cd->cam.defer_stop = true;
	cd->refs = 1;
	cd->next = d->cams;
	d->cams = cd;
	return cd;
}

void vcamd_cam_put(struct vcamd *d, struct vcamd_camdev *cd)
{
	struct vcamd_camdev **pp;

	if (!cd || --cd->refs)
		return;
	for (pp = &d->cams; *pp; pp = &(*pp)->next) {
		if (*pp == cd) {
			*pp = cd->next;
			break;
		}
	}
	vcamd_cam_fini(&cd->cam);
	log_info("%s: closed", cd->path);
	free(cd);
}

static void cam_ready(struct vcamd *d, void *arg, short revents)
{
	struct vcamd_camdev *cd = arg;
	int ret;

	(void)d;
	if (revents & POLLIN) {
		ret = vcamd_cam_pump(&cd->cam);
		if (ret >= 0 || ret == -EAGAIN)
			return;
		log_err("%s: capture failed: %s; no more frames from it",
			cd->path, strerror(-ret));
	} else if (!(revents & (POLLERR | POLLHUP))) {
		return;
	} else {
		log_err("%s: device error; no more frames from it", cd->path);
	}
	/*
	 * Guests keep their devices and get no frames meanwhile.  The
	 * device is closed now: a replugged camera (or vivid after a
	 * simulated disconnect) comes back on its node only once its
	 * last user has let go.
	 */
	vcamd_cam_lose(&cd->cam);
	cd->fd = -1;
	cd->failed = true;
	cd->retries = 0;
	cd->retry_ns = 0;
}

/*
 * Is a failed camera's device back?  Tried about every second at first,
 * backing off to every 32 s while it keeps failing (each try is logged).
 */
static void cam_retry(struct vcamd *d, uint64_t now)
{
	const struct vcamd_camera_ops *ops;
	struct vcamd_camdev *cd;
	void *priv;
	int fd;

	for (cd = d->cams; cd; cd = cd->next) {
		if (!cd->failed || now < cd->retry_ns ||
		    access(cd->path, F_OK))
			continue;
		if (cam_open(d, cd->path, &ops, &priv, &fd) ||
		    vcamd_cam_restore(&cd->cam, ops, priv)) {
			cd->retries++;
			cd->retry_ns = now + (1000000000ull <<
					      (cd->retries < 5 ? cd->retries : 5));
			log_warn("%s: is back but cannot be used yet; "
				 "retrying", cd->path);
			continue;
		}
		cd->fd = fd;
		cd->failed = false;
		cd->reopened++;
		log_notice("%s: reopened; %s", cd->path, cd->cam.streaming ?
			   "streaming again" : "ready");
	}
}

/* ---- signals -------------------------------------------------------------- */

static void sig_ready(struct vcamd *d, void *arg, short revents)
{
	struct signalfd_siginfo si;

	(void)arg;
	(void)revents;
	if (read(d->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP) {
		log_notice("SIGHUP: reloading the configuration");
		vcamd_reload(d);
		return;
	}
	log_notice("signal %u: shutting down", si.ssi_signo);
	d->stop = 1;
}

static int setup_signals(struct vcamd *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return d->sigfd < 0 ? -errno : 0;
}

/* ---- loop ----------------------------------------------------------------- */

static void tick(struct vcamd *d, uint64_t now)
{
	double dt = (double)(now - d->last_tick_ns) / 1e9;
	struct vcamd_conn *c;

	if (dt < 1.0)
		return;
	for (c = d->conns; c; c = c->next) {
		c->fps = (double)(c->dev.st.frames - c->tick_frames) / dt;
		c->tick_frames = c->dev.st.frames;
		/* at most once a second, however often the guest writes */
		if (c->cfg_check_due && c->connected)
			vcamd_xb_check_guest_copy(c);
	}
	cam_retry(d, now);
	d->last_tick_ns = now;
}

/*
 * A device left unarmed (in its spin window, or served again by a re-arm
 * that found requests) gets no kick from its frontend: the loop must look
 * at it again before it sleeps.  Missing that stalled hybrid round trips
 * by the whole poll timeout (1 s) in the bench.
 */
static bool any_unarmed(const struct vcamd *d)
{
	const struct vcamd_conn *c;

	for (c = d->conns; c; c = c->next)
		if (c->connected && !c->dev.broken && !c->dev.armed)
			return true;
	return false;
}

/* Serve spinning devices and re-arm those whose spin window closed. */
static bool spin_round(struct vcamd *d, uint64_t now)
{
	struct vcamd_conn *c;
	bool busy = false;

	for (c = d->conns; c; c = c->next) {
		if (!c->connected || c->dev.broken)
			continue;
		if (c->pending) {
			vcamd_conn_process(c);
			busy |= c->pending;
		}
		if (vcamd_dev_wants_spin(&c->dev, now)) {
			vcamd_conn_process(c);
			busy = true;
		} else if (!c->dev.armed) {
			/* Leaving spin: re-arm, then catch what raced it. */
			if (vcamd_dev_rearm(&c->dev) > 0)
				vcamd_conn_process(c);
			busy |= c->pending;
		}
	}
	return busy;
}

int vcamd_run(struct vcamd *d)
{
	struct vcamd_conn *c;
	struct vcamd_camdev *cd;
	int ret, failed = 0;

	ret = setup_signals(d);
	if (ret)
		return ret;
	ret = d->opts.loopback_path[0] ? vcamd_lb_transport_init(d)
				       : vcamd_xen_transport_init(d);
	if (ret)
		return ret;
	vcamd_status_open(d);
	vcamd_trace_open(d);
	d->pages.max = d->opts.max_pages_total;
	d->last_tick_ns = vcamd_now_ns();

	while (!d->stop) {
		uint64_t now = vcamd_now_ns();
		bool busy = spin_round(d, now);
		unsigned int i, n;

		/*
		 * A spinning consumer still lets the producers run: with a
		 * camera driver thread on the same CPUs (vivid in the rig),
		 * not yielding made it miss its frame deadlines.
		 */
		if (busy)
			sched_yield();

		busy |= vcamd_timers(d, now);
		tick(d, now);
		/* every answer of the last round is out: stop what nobody watches */
		for (cd = d->cams; cd; cd = cd->next) {
			vcamd_cam_settle(&cd->cam);
			vcamd_cam_idle(&cd->cam, now);
		}
		d->nsrc = 0;
		vcamd_add_src(d, d->sigfd, POLLIN, sig_ready, NULL);
		d->tp->collect(d);
		for (cd = d->cams; cd; cd = cd->next)
			if (cd->cam.streaming && !cd->failed &&
			    (!cd->cam.ops->pollable ||
			     cd->cam.ops->pollable(cd->cam.priv)))
				vcamd_add_src(d, cd->fd, POLLIN, cam_ready,
					      cd);
		if (d->status_fd >= 0)
			vcamd_add_src(d, d->status_fd, POLLIN,
				      (vcamd_src_cb)NULL, NULL);
		if (d->status_json_fd >= 0)
			vcamd_add_src(d, d->status_json_fd, POLLIN,
				      (vcamd_src_cb)NULL, NULL);
		vcamd_trace_collect(d);
		n = d->nsrc;
		busy |= any_unarmed(d);
		ret = poll(d->pfd, n, busy ? 0 :
			   vcamd_poll_timeout_ms(d, vcamd_now_ns()));
		if (ret < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			failed = 1;
			break;
		}
		for (i = 0; ret > 0 && i < n && !d->stop; i++) {
			if (!d->pfd[i].revents)
				continue;
			if (d->src[i].cb)
				d->src[i].cb(d, d->src[i].arg,
					     d->pfd[i].revents);
			else
				vcamd_status_serve(d, d->pfd[i].fd);
			/*
			 * A callback may destroy connections (a reload may
			 * close cameras): re-collect.
			 */
			if (d->src[i].cb && d->src[i].cb != cam_ready)
				break;
		}
	}

	/* SIGTERM: every device closed, xenstore left saying so. */
	while ((c = d->conns) != NULL) {
		vcamd_xb_disconnect(c);
		vcamd_xb_set_state(c, XenbusStateClosed);
		vcamd_conn_destroy(d, c);
	}
	vcamd_trace_close(d);
	vcamd_status_close(d);
	d->tp->shutdown(d);
	close(d->sigfd);
	log_notice(failed ? "stopped on an error" : "stopped");
	return failed;
}
