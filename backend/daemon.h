/* SPDX-License-Identifier: MIT */
/*
 * vcamd's daemon layer: connections (one per frontend device), the
 * transports that carry them (Xen, or loopback for tests), the camera
 * registry and the poll()-driven main loop.
 */
#ifndef VCAMD_DAEMON_H
#define VCAMD_DAEMON_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "core.h"
#include "opts.h"

struct vcamd;
struct vcam_conn;

/* What a transport provides to a connection (Xen or loopback). */
struct vcam_transport {
	const char *name;
	const struct vcam_xen_ops *xops;	/* ctx: conn->tpctx */
	/* Read key of the frontend (fe) or backend dir; malloc'd or NULL. */
	char *(*read)(struct vcam_conn *c, bool fe, const char *key);
	/*
	 * Children of a frontend/backend dir node, NUL-separated in one
	 * malloc'd buffer, *n of them; NULL if none or absent.
	 */
	char *(*list)(struct vcam_conn *c, bool fe, const char *key,
		      unsigned int *n);
	/* Write key in the backend dir. */
	int (*write)(struct vcam_conn *c, const char *key, const char *val);
	int (*bind)(struct vcam_conn *c, unsigned int remote_port,
		    unsigned int *local_port);
	void (*unbind)(struct vcam_conn *c, unsigned int local_port);
	/* Register this transport's fds for the next poll(). */
	void (*collect)(struct vcamd *d);
	/* Free transport-private parts of a connection being destroyed. */
	void (*conn_free)(struct vcam_conn *c);
	void (*shutdown)(struct vcamd *d);
};

struct vcam_camdev {
	struct vcam_camdev *next;
	char path[VCAM_PATH_MAX];
	struct vcam_cam cam;
	int fd;				/* poll for frames */
	unsigned int refs;
	bool failed;			/* device lost: closed, retried */
	unsigned int retries;		/* reopen attempts since it failed */
	uint64_t retry_ns;		/* not before (vcam_now_ns) */
	unsigned int reopened;		/* times it came back */
};

struct vcam_conn {
	struct vcam_conn *next;
	struct vcamd *d;
	const struct vcam_transport *tp;
	void *tpctx;
	int tp_fd;			/* transport's per-connection fd or -1 */
	uint32_t fe_domid, devid;
	char name[48];
	int be_state;
	bool connected;
	bool pending;			/* budget ran out: process again */
	bool detached;			/* toolstack asked us to close */
	void *ring_page, *evt_page;
	unsigned int req_port, evt_port;
	struct vcam_camdev *camdev;
	struct vcam_dev dev;
	/* the guest's copy of the configuration: compare it, log once */
	bool cfg_check_due;
	bool cfg_diff_logged;
	/* fps over the last status tick */
	uint64_t tick_frames;
	double fps;
};

typedef void (*vcam_src_cb)(struct vcamd *d, void *arg, short revents);

#define VCAM_MAX_SRCS	256

struct vcamd {
	struct vcam_opts opts;
	const struct vcam_transport *tp;
	void *tp_priv;
	struct vcam_conn *conns;
	struct vcam_camdev *cams;
	volatile int stop;
	int sigfd;
	int status_fd;
	uint64_t start_ns;
	uint64_t last_tick_ns;
	/* sources for the current poll() round */
	unsigned int nsrc;
	struct pollfd pfd[VCAM_MAX_SRCS];
	struct {
		vcam_src_cb cb;
		void *arg;
	} src[VCAM_MAX_SRCS];
};

void vcamd_add_src(struct vcamd *d, int fd, short events, vcam_src_cb cb,
		   void *arg);

/* Connections. */
struct vcam_conn *vcamd_conn_new(struct vcamd *d,
				 const struct vcam_transport *tp,
				 void *tpctx, uint32_t fe_domid,
				 uint32_t devid);
struct vcam_conn *vcamd_conn_find(struct vcamd *d, uint32_t fe_domid,
				  uint32_t devid);
void vcamd_conn_destroy(struct vcamd *d, struct vcam_conn *c);
/* Run the request ring after a kick (wakeup) or a spin poll. */
void vcamd_conn_kick(struct vcam_conn *c, bool wakeup);

/* xb.c: the xenbus state machine, driven by store changes. */
void vcam_xb_init(struct vcam_conn *c);
void vcam_xb_update(struct vcam_conn *c);
void vcam_xb_disconnect(struct vcam_conn *c);
void vcam_xb_set_state(struct vcam_conn *c, int state);
/* xb_cfg.c: the configuration, from the backend dir only. */
int vcam_xb_read_cfg(struct vcam_conn *c, struct vcam_dev_cfg *cfg,
		     char *path, size_t plen);
/* Log once per connection if the guest's copy differs from the host's. */
void vcam_xb_check_guest_copy(struct vcam_conn *c);

/* Cameras, opened on first use, closed when the last user leaves. */
struct vcam_camdev *vcamd_cam_get(struct vcamd *d, const char *path);
void vcamd_cam_put(struct vcamd *d, struct vcam_camdev *cd);

/*
 * Unit tests only: open cameras some other way than V4L2 (the daemon
 * proper never sets this).  0 or negative errno.
 */
extern int (*vcamd_cam_open_hook)(const char *path,
				  const struct vcam_camera_ops **ops,
				  void **priv, int *pollfd);

/* Status socket. */
int vcamd_status_open(struct vcamd *d);
void vcamd_status_close(struct vcamd *d);
/* A client connected: write the status text and hang up. */
void vcamd_status_serve(struct vcamd *d);
size_t vcamd_status_text(struct vcamd *d, char *buf, size_t len);
/* One device's counters as key=value pairs (no newline). */
size_t vcamd_conn_stats_text(struct vcam_conn *c, char *buf, size_t len);

/* Transports. */
int vcam_xen_transport_init(struct vcamd *d);
int vcam_lb_transport_init(struct vcamd *d);

int vcamd_run(struct vcamd *d);

#endif /* VCAMD_DAEMON_H */
