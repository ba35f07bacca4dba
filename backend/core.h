/* SPDX-License-Identifier: MIT */
/*
 * vcamd's request core: transport-agnostic handling of one cameraif
 * device (a frontend's request ring + event page) and of the cameras that
 * devices share.  It touches shared memory only through the mapped pages
 * it is given and reaches the hypervisor (or the loopback stand-in) only
 * through struct vcamd_xen_ops; it reaches the camera only through struct
 * vcamd_camera_ops.  Single-threaded: the daemon's main loop calls in.
 */
#ifndef VCAMD_CORE_H
#define VCAMD_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

#define VCAMD_MAX_BUFS		32U	/* cap on any guest's num_bufs */
/* Requests handled per wake-up before yielding to other devices. */
#define VCAMD_REQ_BUDGET		16U

/* ---- grant/event-channel operations (Xen or loopback) ------------------ */
struct vcamd_xen_ops {
	/* Map the peer's grants contiguously, read-write.  NULL on error. */
	void *(*map)(void *ctx, unsigned int n, const uint32_t *refs);
	void (*unmap)(void *ctx, void *addr, unsigned int n);
	/* Grant n of our own pages to the peer (be-alloc). NULL on error. */
	void *(*share)(void *ctx, unsigned int n, uint32_t *refs);
	void (*unshare)(void *ctx, void *addr, unsigned int n,
			const uint32_t *refs);
	/*
	 * Optional: copy len octets between buf and the peer's grant ref at
	 * offset, without mapping it (one hypercall where map and unmap take
	 * four system calls).  0, or -errno; without it pages are mapped.
	 */
	int (*copy)(void *ctx, uint32_t ref, unsigned int offset, void *buf,
		    unsigned int len, bool to_peer);
	/* Kick the peer on a bound local port. */
	int (*notify)(void *ctx, unsigned int port);
};

/* ---- camera ------------------------------------------------------------- */
struct vcamd_format {
	uint32_t fourcc, width, height;
	/* XENCAMERA_COLORSPACE_* etc. (already translated from V4L2) */
	uint32_t colorspace, xfer_func, ycbcr_enc, quantization;
	uint32_t num_planes;
	uint32_t size;			/* octets of one whole frame */
	uint32_t plane_size[XENCAMERA_MAX_PLANE];
	uint32_t plane_stride[XENCAMERA_MAX_PLANE];
};

struct vcamd_ctrl_info {
	int64_t min, max, step, def;
	uint32_t flags;			/* XENCAMERA_CTRL_FLG_* */
};

struct vcamd_frame {
	unsigned int nplanes;
	struct {
		const void *data;
		uint32_t used;
	} plane[XENCAMERA_MAX_PLANE];
	uint32_t seq;			/* camera's own sequence number */
	uint64_t mono_ns;		/* capture time, CLOCK_MONOTONIC; 0: none */
	uint64_t real_ns;		/* the same in CLOCK_REALTIME (core) */
	int cookie;			/* camera's buffer index, for release */
};

/* All return 0 or a negative errno. */
struct vcamd_camera_ops {
	int (*try_fmt)(void *priv, struct vcamd_format *f);
	int (*set_fmt)(void *priv, struct vcamd_format *f);
	int (*get_fmt)(void *priv, struct vcamd_format *f);
	/* Adjusts numer/denom (frame rate, frames per second) in place. */
	int (*set_rate)(void *priv, uint32_t *numer, uint32_t *denom);
	int (*get_rate)(void *priv, uint32_t *numer, uint32_t *denom);
	/* type is XENCAMERA_CTRL_*; -ENOTSUP if the camera lacks it. */
	int (*ctrl_info)(void *priv, unsigned int type,
			 struct vcamd_ctrl_info *ci);
	int (*ctrl_get)(void *priv, unsigned int type, int64_t *val);
	int (*ctrl_set)(void *priv, unsigned int type, int64_t val);
	int (*stream_on)(void *priv);
	/*
	 * May keep the camera's own buffers allocated and mapped, so that
	 * the next stream_on only queues them again (on vivid, allocating
	 * and mapping them is most of a start).  Optional release_bufs gives
	 * them back: the core calls it before a format or rate change, before
	 * zero copy, and once the camera has been idle VCAMD_CAM_KEEP_MS, so
	 * that other programs can use an idle camera again.
	 */
	int (*stream_off)(void *priv);
	void (*release_bufs)(void *priv);
	/*
	 * Optional zero-copy streaming (V4L2 USERPTR): the camera fills the
	 * caller's memory; next_frame then reports the filled buffer by
	 * cookie = index with plane data NULL.  -ENOTSUP if not possible.
	 */
	int (*stream_on_user)(void *priv, unsigned int nbufs);
	int (*queue_user)(void *priv, unsigned int index, void *addr,
			  uint32_t len);
	/*
	 * Optional: false while waiting on the camera's fd is pointless
	 * (zero copy with no guest buffer at the camera: V4L2 then reports
	 * POLLERR, which must not be taken for a device fault).
	 */
	bool (*pollable)(void *priv);
	/* Next filled frame; -EAGAIN when none is ready. */
	int (*next_frame)(void *priv, struct vcamd_frame *fr);
	void (*release_frame)(void *priv, struct vcamd_frame *fr);
	void (*destroy)(void *priv);
};

struct vcamd_dev;

/*
 * A camera, possibly shared by several devices.  Arbitration: the format
 * and frame rate belong to whoever set them while any *other* user holds
 * buffers or streams; meanwhile an identical request succeeds and a
 * different one gets -XEN_EBUSY.  Frames are fanned out to every
 * streaming user.
 */
struct vcamd_cam {
	char name[64];
	const struct vcamd_camera_ops *ops;
	void *priv;
	struct vcamd_dev *users;		/* list through dev->cam_next */
	unsigned int nstreaming;
	bool streaming;
	/* Zero copy: the one streaming device's buffers are the camera's. */
	bool user_mode;
	struct vcamd_dev *user_owner;
	/*
	 * Set by the daemon: the last streamer's STREAM_STOP only marks the
	 * camera stop_due, and vcamd_cam_settle() stops it once the answers
	 * are out, so the guest does not wait for the camera's own teardown
	 * (STREAMOFF, munmap, REQBUFS(0): tens of ms on vivid); a
	 * STREAM_START in between keeps it running instead.
	 */
	bool defer_stop;
	bool stop_due;
	/* Stopped with its buffers kept (ops->release_bufs), since when. */
	bool bufs_kept;
	uint64_t kept_since_ns;
	bool have_fmt;
	struct vcamd_format fmt;
	uint32_t rate_numer, rate_denom;
	uint64_t frames_in;		/* frames taken from the camera */
	uint64_t cam_errors;
	uint64_t cpu_ns;		/* taking frames, delivering them all */
};

/* ---- what a device may make vcamd spend (vcamd's options) -------------- */
/*
 * Buffer pages held by all devices together (mapped guest grants and our
 * own granted pages alike); vcamd has one, every device points to it.
 */
struct vcamd_page_pool {
	uint64_t used;
	uint64_t max;			/* 0: no limit */
};

struct vcamd_dev_limits {
	uint32_t max_pages;		/* this device's buffers; 0: no limit */
	struct vcamd_page_pool *pool;	/* NULL: none */
	uint32_t req_rate;		/* requests per second; 0: no limit */
	uint32_t req_burst;		/* bucket size, in requests */
	/*
	 * vcamd's CPU time its requests may take, in % of one CPU (0: no
	 * limit), and how much of it may be spent at once.  Requests cost
	 * very different amounts (BUF_CREATE maps hundreds of pages, a
	 * camera ioctl may sleep): counting them alone bounds nothing.
	 */
	uint32_t req_cpu_pct;
	uint32_t req_cpu_burst_ms;
};

/*
 * A throttled device is served again once this many tokens are back (or
 * its whole burst, if smaller): serving it one request per refill would
 * cost a main-loop round per request.
 */
#define VCAMD_RATE_BATCH		8U

/* vcamd_dev_process(): out of request tokens; see throttle_until_ns. */
#define VCAMD_DEV_THROTTLED	2

/* ---- per-device configuration (from the frontend's xenstore dir) ------- */
#define VCAMD_MAX_ALLOWED_FMTS	((unsigned int)VCAM_CFG_MAX_MODES)
#define VCAMD_MAX_RATES		((unsigned int)VCAM_CFG_MAX_RATES)

/* One `formats/<FOURCC>/<W>x<H>/frame-rates` entry the toolstack allows. */
struct vcamd_allowed_fmt {
	uint32_t fourcc, width, height;
	unsigned int nrates;
	struct vcam_rate rates[VCAMD_MAX_RATES];
};

struct vcamd_dev_cfg {
	bool be_alloc;
	bool evt_hold_off;		/* negotiated extension */
	bool capture_time;		/* negotiated: times in FRAME_AVAIL */
	int notify_mode;		/* enum vcam_notify_mode */
	uint32_t spin_us;
	uint32_t max_buffers;
	unsigned int nctrls;		/* `controls` list, in order */
	uint8_t ctrls[XENCAMERA_MAX_CTRL];
	/* What the guest may ask for; none listed: whatever the camera does */
	unsigned int nfmts;
	struct vcamd_allowed_fmt fmts[VCAMD_MAX_ALLOWED_FMTS];
	/* vcamd's caps (not xenstore): all zero means none */
	struct vcamd_dev_limits lim;
};

struct vcamd_stats {
	uint64_t requests, errors;	/* errors: non-zero statuses */
	uint64_t frames;		/* FRAME_AVAIL delivered */
	uint64_t drops;			/* no queued buffer / event ring full */
	uint64_t copies;		/* memcpy's of frame data */
	uint64_t zero_copy;		/* frames that needed no copy */
	uint64_t notify_req;		/* notifications sent on req ring */
	uint64_t notify_evt;		/* ... and on the event page */
	uint64_t wakeups;		/* event-channel kicks received */
	uint64_t spins;			/* polls of the ring that found nothing */
	uint64_t evt_full;		/* events we had no room for */
	uint64_t seq_fixups;		/* camera seq that did not advance */
	uint64_t dequeue_held;		/* BUF_DEQUEUE of a buffer it had */
	uint64_t cpu_ns;		/* vcamd's CPU for its requests+frames */
	uint64_t pages_refused;		/* BUF_CREATEs over a page cap */
	uint64_t throttled;		/* times it ran out of request tokens */
	uint64_t spurious_kicks;	/* kicks (either port) with no work */
};

struct vcamd_buf {
	bool created, queued;
	void *addr;			/* whole buffer, mapped or own */
	unsigned int npages;
	uint32_t *own_refs;		/* be-alloc: our grants */
	uint32_t plane_offset[XENCAMERA_MAX_PLANE];
};

/*
 * An observer of one device's traffic (vcamctl trace).  Called after each
 * request was answered (ns: time the answer took) and for each event put
 * on the page; NULL when nobody watches, which costs one test.
 */
struct vcamd_trace_ops {
	void (*req)(void *arg, const struct xencamera_req *req,
		    const struct xencamera_resp *rsp, uint64_t ns);
	void (*evt)(void *arg, const struct xencamera_evt *evt);
};

struct vcamd_dev {
	char name[48];			/* for logs: "dom<fe>/<devid>" */
	const struct vcamd_xen_ops *xops;
	void *xctx;
	struct xen_cameraif_back_ring ring;
	void *evt_page;
	unsigned int req_port, evt_port;	/* bound local ports */
	uint32_t evt_prod;		/* private copy; the page's is advisory */
	uint32_t evt_notified;		/* evt_prod at the last flush */
	uint16_t evt_id;		/* next event's id: counts up */
	bool armed;			/* req_event set: we expect kicks */
	uint64_t hybrid_until_ns;	/* hybrid: poll until then */

	struct vcamd_dev_cfg cfg;
	struct vcamd_cam *cam;
	struct vcamd_dev *cam_next;

	bool configured;
	uint32_t num_bufs;
	struct vcamd_buf bufs[VCAMD_MAX_BUFS];
	uint8_t queue[VCAMD_MAX_BUFS];	/* FIFO of queued indices */
	unsigned int q_head, q_len;

	bool streaming;
	uint32_t seq_base;		/* camera seq at STREAM_START */
	bool seq_base_set;
	uint32_t seq_last;		/* last seq_num sent this stream */
	bool seq_sent;
	uint64_t last_activity_ns;	/* for the spin idle timeout */

	bool broken;			/* ring corrupt: disconnect requested */
	const struct vcamd_trace_ops *trace;	/* set after vcamd_dev_init */
	void *trace_arg;
	struct vcamd_stats st;

	/* limits (core_limit.c) */
	uint32_t pages;			/* held by its created buffers */
	uint64_t tokens;		/* request tokens, in 1e-9 units */
	uint64_t tokens_ns;		/* when they were last topped up */
	int64_t cpu_credit;		/* CPU its requests may still take, ns */
	uint64_t cpu_credit_ns;		/* when it was last topped up */
	uint64_t throttle_until_ns;	/* non-zero: throttled until then */
	unsigned int logged;		/* VCAMD_LOGGED_*: said once already */
};

#define VCAMD_LOGGED_PAGES	1U
#define VCAMD_LOGGED_RATE	2U
#define VCAMD_LOGGED_CPU		4U

/* ---- API ----------------------------------------------------------------- */

/*
 * Attach a device to already mapped ring and event pages (BACK_RING_INIT
 * is done here; the frontend initialised the shared ring).
 */
void vcamd_dev_init(struct vcamd_dev *dev, const char *name,
		    const struct vcamd_xen_ops *xops, void *xctx,
		    void *ring_page, void *evt_page,
		    unsigned int req_port, unsigned int evt_port,
		    const struct vcamd_dev_cfg *cfg, struct vcamd_cam *cam);
/* Stop streaming, free every buffer, leave the camera.  Pages stay mapped. */
void vcamd_dev_fini(struct vcamd_dev *dev);

/*
 * Handle up to `budget` requests.  Returns 1 if requests remain (call
 * again after serving others), 0 if the ring is drained and re-armed
 * (or left unarmed in spin mode), VCAMD_DEV_THROTTLED if requests remain
 * but the device is out of request tokens or CPU credit (call again at
 * dev->throttle_until_ns, not before: its requests just wait in its
 * ring), -EPROTO if the ring is corrupt (dev->broken set: the caller
 * disconnects the frontend).  The CPU time it takes counts in
 * dev->st.cpu_ns.
 */
int vcamd_dev_process(struct vcamd_dev *dev, unsigned int budget);
/* Re-arm the request ring's hold-off (leaving spin), without consuming. */
int vcamd_dev_rearm(struct vcamd_dev *dev);
/* Does the device want the main loop to poll it without an event? */
bool vcamd_dev_wants_spin(const struct vcamd_dev *dev, uint64_t now_ns);

void vcamd_cam_init(struct vcamd_cam *cam, const char *name,
		    const struct vcamd_camera_ops *ops, void *priv);
void vcamd_cam_fini(struct vcamd_cam *cam);
/*
 * The device behind a camera failed (unplugged, driver error): let go of
 * it at once (a replugged camera can only take its old node back once it
 * is closed).  Its users keep their devices; every camera op then fails
 * with -ENODEV and no frames come, until vcamd_cam_restore().
 */
void vcamd_cam_lose(struct vcamd_cam *cam);
bool vcamd_cam_lost(const struct vcamd_cam *cam);
/*
 * A reopened device takes over: the format and frame rate the users had
 * are set again and, if anyone was streaming, streaming resumes (one copy
 * per frame).  On failure priv is destroyed and the camera stays lost.
 */
int vcamd_cam_restore(struct vcamd_cam *cam, const struct vcamd_camera_ops *ops,
		      void *priv);
/*
 * Stop a camera whose last streamer left (defer_stop); a no-op otherwise.
 * Every operation that needs it stopped settles it first.
 */
void vcamd_cam_settle(struct vcamd_cam *cam);
/* How long a stopped camera keeps its buffers for a quick restart. */
#define VCAMD_CAM_KEEP_MS	3000
/*
 * The main loop's look at an idle camera: its kept buffers go back
 * VCAMD_CAM_KEEP_MS after the stop (now_ns: CLOCK_MONOTONIC).
 */
void vcamd_cam_idle(struct vcamd_cam *cam, uint64_t now_ns);
/*
 * Take every ready frame from the camera and hand it to every streaming
 * user.  Returns the number of camera frames consumed, or negative errno.
 */
int vcamd_cam_pump(struct vcamd_cam *cam);

/*
 * A CLOCK_MONOTONIC time (a camera's timestamp) in CLOCK_REALTIME ns, the
 * clock the guests can read too; 0 stays 0 (no time).
 */
uint64_t vcamd_mono_to_real_ns(uint64_t mono_ns);

/* Monotonic clock in ns; overridable by tests through vcamd_now_hook. */
uint64_t vcamd_now_ns(void);
extern uint64_t (*vcamd_now_hook)(void);
/*
 * CPU time of the calling thread in ns (vcamd's work per device);
 * overridable through vcamd_cpu_hook (the fuzzers: a system call per frame
 * and per request batch was a tenth of their run time).
 */
uint64_t vcamd_cpu_ns(void);
extern uint64_t (*vcamd_cpu_hook)(void);

#endif /* VCAMD_CORE_H */
