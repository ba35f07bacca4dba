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
struct vcamd_conn;

/* What a transport provides to a connection (Xen or loopback). */
struct vcamd_transport {
	const char *name;
	const struct vcamd_xen_ops *xops;	/* ctx: conn->tpctx */
	/* Read key of the frontend (fe) or backend dir; malloc'd or NULL. */
	char *(*read)(struct vcamd_conn *c, bool fe, const char *key);
	/*
	 * Children of a frontend/backend dir node, NUL-separated in one
	 * malloc'd buffer, *n of them; NULL if none or absent.
	 */
	char *(*list)(struct vcamd_conn *c, bool fe, const char *key,
		      unsigned int *n);
	/* Write key in the backend dir. */
	int (*write)(struct vcamd_conn *c, const char *key, const char *val);
	int (*bind)(struct vcamd_conn *c, unsigned int remote_port,
		    unsigned int *local_port);
	void (*unbind)(struct vcamd_conn *c, unsigned int local_port);
	/*
	 * A port whose kick was handled is masked until this is called
	 * (policy.c decides when: at once, or later for a kick storm).
	 */
	void (*unmask)(struct vcamd_conn *c, unsigned int local_port);
	/* Register this transport's fds for the next poll(). */
	void (*collect)(struct vcamd *d);
	/* Free transport-private parts of a connection being destroyed. */
	void (*conn_free)(struct vcamd_conn *c);
	void (*shutdown)(struct vcamd *d);
};

struct vcamd_camdev {
	struct vcamd_camdev *next;
	char path[VCAMD_PATH_MAX];
	struct vcamd_cam cam;
	int fd;				/* poll for frames */
	unsigned int refs;
	bool failed;			/* device lost: closed, retried */
	unsigned int retries;		/* reopen attempts since it failed */
	uint64_t retry_ns;		/* not before (vcamd_now_ns) */
	unsigned int reopened;		/* times it came back */
};

/*
 * One event-channel port of a device, against kick storms: a kick that
 * brings no work leaves the port masked for longer and longer (policy.c).
 */
struct vcamd_kick_gate {
	unsigned int idle;		/* kicks in a row that found no work */
	bool masked;
	uint64_t unmask_ns;		/* when masked: unmask then */
};

/* A vcamctl trace client (trace.c). */
struct vcamd_tracer {
	int fd;				/* -1: slot free */
	char name[48];			/* device traced; "" until sent */
	char buf[48];			/* the name, as it arrives */
	size_t len;
	uint64_t dropped;		/* lines the client was too slow for */
};

#define VCAMD_MAX_TRACERS	4

struct vcamd_conn {
	struct vcamd_conn *next;
	struct vcamd *d;
	const struct vcamd_transport *tp;
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
	struct vcamd_camdev *camdev;
	struct vcamd_dev dev;
	/* the guest's copy of the configuration: compare it, log once */
	bool cfg_check_due;
	bool cfg_diff_logged;
	struct vcamd_tracer *tracer;	/* vcamctl trace of this device */
	/* policy.c: what the host asked for, what we granted */
	int mode_asked;			/* notify-mode of its configuration */
	bool spin_capped;		/* ... served in event mode instead */
	struct vcamd_kick_gate req_gate, evt_gate;
	/* fps over the last status tick */
	uint64_t tick_frames;
	double fps;
};

typedef void (*vcamd_src_cb)(struct vcamd *d, void *arg, short revents);

#define VCAMD_MAX_SRCS	256

struct vcamd {
	struct vcamd_opts opts;
	const struct vcamd_transport *tp;
	void *tp_priv;
	struct vcamd_conn *conns;
	struct vcamd_camdev *cams;
	volatile int stop;
	int sigfd;
	/* the command line, read again on SIGHUP (NULL: never reloads) */
	int argc;
	char **argv;
	unsigned int reloads, reload_errors;	/* SIGHUPs applied, refused */
	int status_fd;
	int status_json_fd;		/* <status>.json */
	int trace_fd;
	struct vcamd_tracer tracers[VCAMD_MAX_TRACERS];
	uint64_t start_ns;
	uint64_t last_tick_ns;
	struct vcamd_page_pool pages;	/* buffer pages of all devices */
	/* sources for the current poll() round */
	unsigned int nsrc;
	struct pollfd pfd[VCAMD_MAX_SRCS];
	struct {
		vcamd_src_cb cb;
		void *arg;
	} src[VCAMD_MAX_SRCS];
};

void vcamd_add_src(struct vcamd *d, int fd, short events, vcamd_src_cb cb,
		   void *arg);

/* Connections. */
struct vcamd_conn *vcamd_conn_new(struct vcamd *d,
				  const struct vcamd_transport *tp,
				  void *tpctx, uint32_t fe_domid,
				  uint32_t devid);
struct vcamd_conn *vcamd_conn_find(struct vcamd *d, uint32_t fe_domid,
				   uint32_t devid);
void vcamd_conn_destroy(struct vcamd *d, struct vcamd_conn *c);
/* Serve a device's request ring (its CPU time counted). */
void vcamd_conn_process(struct vcamd_conn *c);

/*
 * policy.c: what one guest may make vcamd spend.
 * vcamd_policy_connect() applies vcamd's caps to a device about to
 * connect: spin/hybrid only within --max-spinning (else event mode,
 * logged), page and request-rate limits; it starts with fresh kick gates.
 */
void vcamd_policy_connect(struct vcamd_conn *c, struct vcamd_dev_cfg *cfg);
/* Connected devices served in spin or hybrid mode. */
unsigned int vcamd_spinning(const struct vcamd *d);
/*
 * A transport consumed a kick on one of c's local ports (the port is
 * masked until the transport's unmask is called): serve the ring, count
 * the kick, unmask now or later.  cpu0: vcamd_cpu_ns() before the
 * transport read the kick, so its cost counts as the device's.
 */
void vcamd_port_kicked(struct vcamd_conn *c, unsigned int port, uint64_t cpu0);
bool vcamd_port_masked(const struct vcamd_conn *c, unsigned int port);
/* The longer current back-off of c's two ports (0: neither masked). */
uint64_t vcamd_kick_backoff_ns(const struct vcamd_conn *c);
/*
 * Unmask ports whose back-off is over, serve throttled devices whose
 * tokens are back.  Returns true if one of them has more to do at once.
 */
bool vcamd_timers(struct vcamd *d, uint64_t now);
/* poll() timeout until the next of those, at most 1000 ms; never early. */
int vcamd_poll_timeout_ms(const struct vcamd *d, uint64_t now);
/* Back-off of a port after `idle` kicks in a row that found no work. */
uint64_t vcamd_kick_delay_ns(unsigned int idle);
/* A kick was handled: true to unmask now, else g->unmask_ns says when. */
bool vcamd_kick_gate_done(struct vcamd_kick_gate *g, bool work, uint64_t now);

/* xb.c: the xenbus state machine, driven by store changes. */
void vcamd_xb_init(struct vcamd_conn *c);
void vcamd_xb_update(struct vcamd_conn *c);
void vcamd_xb_disconnect(struct vcamd_conn *c);
void vcamd_xb_set_state(struct vcamd_conn *c, int state);
/* xb_cfg.c: the configuration, from the backend dir only. */
int vcamd_xb_read_cfg(struct vcamd_conn *c, struct vcamd_dev_cfg *cfg,
		      char *path, size_t plen);
/* Log once per connection if the guest's copy differs from the host's. */
void vcamd_xb_check_guest_copy(struct vcamd_conn *c);

/* Cameras, opened on first use, closed when the last user leaves. */
struct vcamd_camdev *vcamd_cam_get(struct vcamd *d, const char *path);
void vcamd_cam_put(struct vcamd *d, struct vcamd_camdev *cd);

/*
 * Unit tests only: open cameras some other way than V4L2 (the daemon
 * proper never sets this).  0 or negative errno.
 */
extern int (*vcamd_cam_open_hook)(const char *path,
				  const struct vcamd_camera_ops **ops,
				  void **priv, int *pollfd);

/* trace.c: vcamctl trace, the status socket's neighbour. */
int vcamd_trace_open(struct vcamd *d);
void vcamd_trace_close(struct vcamd *d);
void vcamd_trace_collect(struct vcamd *d);
/* A device (re)connected: a tracer waiting for its name starts now. */
void vcamd_trace_attach(struct vcamd_conn *c);
void vcamd_trace_detach(struct vcamd_conn *c);

/* Status socket. */
struct sockaddr_un;
/* A non-blocking listening unix socket at sa, replacing a stale one: its fd, or -errno. */
int vcamd_listen_unix(const struct sockaddr_un *sa);
int vcamd_status_open(struct vcamd *d);
void vcamd_status_close(struct vcamd *d);
/*
 * A client connected to listen_fd (the status socket or its .json twin):
 * write the status as text or JSON and hang up.
 */
void vcamd_status_serve(struct vcamd *d, int listen_fd);
/* The snapshot as text lines; cut when it does not fit. */
size_t vcamd_status_text(struct vcamd *d, char *buf, size_t len);
/*
 * The same as one JSON document: always complete and valid, records that
 * do not fit left out ("truncated": true); 0 when len is too small for it.
 */
size_t vcamd_status_json(struct vcamd *d, char *buf, size_t len);
/* One device's counters as key=value pairs (no newline). */
size_t vcamd_conn_stats_text(struct vcamd_conn *c, char *buf, size_t len);

/* Transports. */
int vcamd_xen_transport_init(struct vcamd *d);
int vcamd_lb_transport_init(struct vcamd *d);

/*
 * 0: stopped by SIGTERM/SIGINT; < 0 (-errno): could not start; > 0: the
 * main loop failed (logged), guests closed as on SIGTERM.  A service
 * manager must see the last as a failure, to restart it.
 */
int vcamd_run(struct vcamd *d);
/*
 * reload.c, on SIGHUP: the options of d->argv (and its --config file)
 * again.  0, or -EINVAL with nothing changed (logged).
 */
int vcamd_reload(struct vcamd *d);

#endif /* VCAMD_DAEMON_H */
