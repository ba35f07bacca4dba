/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Xen para-virtual camera frontend: shared definitions.
 *
 * Two lifetimes matter here.  struct vcamfe_info lives from xenbus probe
 * to remove.  struct vcamfe_dev is one connection to the backend: created when
 * the backend reaches InitWait, freed by the V4L2 core when the last user of
 * its /dev/videoN is gone, which may be long after the backend vanished.
 */
#ifndef VCAMFRONT_H
#define VCAMFRONT_H

#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <media/v4l2-ctrls.h>
#include <media/v4l2-device.h>
#include <media/v4l2-dev.h>
#include <media/videobuf2-v4l2.h>

#include <xen/xenbus.h>
#include <xen/xen-front-pgdir-shbuf.h>

#include "vcamfront_proto.h"

#define VCAMFE_DRV_NAME		"xen-vcamfront"

/* Limits on what the toolstack may configure (ring/include/vcam/ext.h). */
#define VCAMFE_MAX_FORMATS	VCAM_CFG_MAX_FOURCCS
#define VCAMFE_MAX_RESOLUTIONS	VCAM_CFG_MAX_MODES
#define VCAMFE_MAX_RATES		VCAM_CFG_MAX_RATES
#define VCAMFE_MAX_BUFS		min_t(int, VB2_MAX_FRAME, 255)

struct vcamfe_res {
	u32 width;
	u32 height;
	int num_rates;
	/* Frame rates as the protocol has them: frames per second. */
	struct v4l2_fract rates[VCAMFE_MAX_RATES];
};

struct vcamfe_format {
	u32 fourcc;
	int num_res;
	struct vcamfe_res *res;
};

/* Configuration the toolstack wrote into the frontend's xenstore dir. */
struct vcamfe_cfg {
	char *unique_id;
	int max_buffers;
	bool be_alloc;
	int notify_mode;
	u32 spin_us;
	int num_ctrls;
	u8 ctrl_types[XENCAMERA_MAX_CTRL];
	int num_formats;
	struct vcamfe_format formats[VCAMFE_MAX_FORMATS];
};

/* Per-device counters, exported through sysfs (vcamfront_stats.c). */
struct vcamfe_stats {
	atomic64_t frames;
	atomic64_t errors;
	atomic64_t drops;
	atomic64_t notify_sent;
	atomic64_t notify_recv;
	/* Late EOIs given as spurious: notifications that brought nothing. */
	atomic64_t notify_spurious;
	atomic64_t wakeups;
	atomic64_t spins;
	atomic64_t copies;
	atomic64_t requests;
	/* BUF_DEQUEUE sent after FRAME_AVAIL (no avail-dequeues). */
	atomic64_t dequeues;
	/* A buffer announced again before our BUF_DEQUEUE's answer. */
	atomic64_t reannounced;
	/* Frames timestamped with their capture time / whose time was bad. */
	atomic64_t capture_times;
	atomic64_t bad_times;
	/* Frames the application reads in the backend's own pages. */
	atomic64_t zero_copy;
};

/*
 * Everything one buffer shares with the backend.  If the backend may still
 * map it when the buffer goes away (it died, or misbehaved), the share is
 * parked on the connection's zombie list and freed only once the backend
 * has let go; granted pages hold a reference of ours until then.
 */
struct vcamfe_share {
	struct list_head list;
	struct xen_front_pgdir_shbuf shbuf;
	bool shbuf_valid;
	bool be_alloc;
	bool page_refs;
	struct page **pages;
	int num_pages;
	/* be-alloc: the backend's pages are mapped (at their linear address). */
	bool be_mapped;
	/* fe-alloc memory we could not grant directly: ours, granted instead. */
	void *bounce;
	/* On req.destroying: the id of its BUF_DESTROY, not answered yet. */
	u16 destroy_id;
	/*
	 * Zero copy (vcamfront_zc.c): the buffer's memory is a zbuf, which
	 * owns the real share; this holds one reference on it, nothing else.
	 */
	struct vcamfe_zbuf *zb;
};

/*
 * The memory of a zero-copy buffer (be-alloc, MMAP): the backend's pages,
 * mapped in our kernel (sh) and, at each mmap, straight into the
 * application.  Outlives its vb2 buffer while an application maps it, so
 * it is counted: vb2's, the share's (or a zombie's), and each mapping's.
 */
struct vcamfe_zbuf {
	refcount_t refs;
	struct vcamfe_dev *cam;
	/* On cam->zc.bufs, so a suspend finds every one. */
	struct list_head node;
	/* Guards the mappings and sh.be_mapped once the buffer is in use. */
	struct mutex lock;
	struct list_head umaps;
	atomic_t mappings;
	/* What vb2 asked for; the first sh.num_pages are shared. */
	struct page **pages;
	unsigned int npages;
	struct vcamfe_share sh;
	/* The backend's grant refs, copied out of the directory at create. */
	grant_ref_t *grefs;
	unsigned int num_grefs;
	/* Freed only once no get_user_pages reference is left on a page. */
	struct device *dev;
	struct delayed_work release;
};

struct vcamfe_buf {
	/* Must be first: vb2 allocates this struct for us. */
	struct vb2_v4l2_buffer vb;
	struct list_head list;
	struct vcamfe_share sh;
	bool created;
	/*
	 * BUF_CREATE sent without waiting (REQBUFS, vcamfe_vb2_reqbufs):
	 * create_unfinished until vcamfe_buf_wait_created has taken its
	 * answer; create_inflight (under req_lock) until the answer came.
	 */
	bool create_unfinished;
	bool create_inflight;
	u16 create_id;
	s32 create_status;
	/*
	 * vb2 gave it to us (buf_queue) and it has not gone back yet; all
	 * three under req_lock.  One finished while vb2_start_streaming runs
	 * waits, parked with its state, for the start's outcome
	 * (vcamfe_buf_done_locked).
	 */
	bool owned;
	bool parked;
	u8 parked_state;
	/* Buffer belongs to the backend (BUF_QUEUE sent, no FRAME_AVAIL yet). */
	bool with_be;
	/* On the pending list, waiting for room on the request ring. */
	bool pending;
	/* The request it waits for on the pending list. */
	u8 pending_op;
	/* In flight BUF_QUEUE request id, valid while queue_inflight. */
	u16 queue_id;
	bool queue_inflight;
	/*
	 * cameraif.h's hand-back, for a backend without avail-dequeues
	 * (vcamfront_handback.c): FRAME_AVAIL says the buffer is filled
	 * (newest size and seq_num here), our BUF_DEQUEUE's response gives
	 * it back; with_be stays set until then.
	 */
	bool filled;
	u32 filled_sz;
	u32 filled_seq;
	u64 filled_time;	/* its capture time (backend realtime), or 0 */
	u16 deq_id;
	bool deq_inflight;
	bool deq_done;
	/* Where the backend writes when that is not the vb2 plane: copy out. */
	void *shadow;
};

struct vcamfe_dev;

/*
 * One event channel from the backend.  Bound with the late-EOI API: after
 * an interrupt Xen delivers nothing more on the channel until we call
 * xen_irq_lateeoi(), so a backend can make us run at most once per EOI,
 * and an EOI flagged spurious slows it down.
 */
struct vcamfe_chan {
	struct vcamfe_dev *cam;
	evtchn_port_t port;
	int irq;
	/*
	 * Set by the interrupt handler to the irq that waits for its EOI,
	 * -1 when none is due.  The handler's own irq argument, not @irq:
	 * a backend may signal the port before bind returned.
	 */
	atomic_t eoi_irq;
	/* Packets taken from this channel's page since its last EOI. */
	unsigned int consumed;
};

/*
 * The ring/event-channel pair, owned by vcamfront_evtchnl.c: the shared
 * pages, their grants and channels.  Under req_lock.
 */
struct vcamfe_evtchnl {
	/* Requests out, responses in (vcamfront_req.c). */
	struct xen_cameraif_front_ring ring;
	grant_ref_t ring_gref;
	struct vcamfe_chan req;
	/* Events in (vcamfront_event.c); a private copy of in_cons. */
	struct xencamera_event_page *evt_page;
	grant_ref_t evt_gref;
	struct vcamfe_chan evt;
	u32 evt_cons;
	/* Negotiated: the backend honours in_event (vcam/ext.h). */
	bool evt_hold_off;
	/* Consumes on behalf of the interrupt handlers (vcamfront_notify.c). */
	struct work_struct work;
	/* Channels being unbound: no EOI any more. */
	bool irqs_gone;
};

/* Most requests vcamfe_req_batch sends at once. */
#define VCAMFE_BATCH_MAX	4

/* One request of a batch and, once vcamfe_req_batch returns, its answer. */
struct vcamfe_call {
	u8 op;
	const void *payload;
	size_t len;
	struct xencamera_resp resp;
	/* 0, the answer's status as an errno, or -ENODEV */
	int ret;
};

/* The request engine (vcamfront_req.c); under req_lock but the mutex. */
struct vcamfe_req {
	/*
	 * One synchronous batch at a time: ids sync_id .. sync_id + sync_n - 1,
	 * answers into sync_calls; sync_answered has a bit per answered call.
	 */
	struct mutex sync_mutex;
	struct completion sync_done;
	bool sync_active;
	u16 sync_id;
	unsigned int sync_n;
	unsigned int sync_answered;
	struct vcamfe_call *sync_calls;
	unsigned int timeout_ms;
	u16 next_id;
	u16 next_async;
	/* The backend takes requests in ring order (extension "in-order"). */
	bool in_order;
	/* Synchronous requests waiting for room on the ring. */
	wait_queue_head_t ring_wq;
	/* Buffers waiting for room for their BUF_QUEUE or BUF_DEQUEUE. */
	struct list_head pending;
	/* BUF_DEQUEUEs sent and not answered: their answers are awaited. */
	unsigned int deqs_inflight;
	/* So are BUF_CREATEs sent without waiting. */
	unsigned int creates_inflight;
	/*
	 * Shares of buffers vb2 let go of, whose BUF_DESTROY is on its way
	 * (vcamfe_req_destroy_locked); freed when it is answered.
	 */
	struct list_head destroying;
};

/*
 * Spin/hybrid consumer thread (vcamfront_notify.c); only exists while
 * streaming.  @task is set and cleared under req_lock: the interrupt work
 * decides by it who consumes and gives the EOIs.
 */
struct vcamfe_poller {
	struct task_struct *task;
	wait_queue_head_t wq;
	bool kick;
	bool armed;
};

/* Buffers and the stream (vcamfront_vb2.c, _buf.c, _handback.c). */
struct vcamfe_stream {
	/* Indices below num_bufs granted by BUF_REQUEST. */
	int num_bufs;
	int num_created;
	/* Set and cleared under req_lock, as is each buffer's state. */
	struct vcamfe_buf *bufs[VB2_MAX_FRAME];
	bool streaming;
	/* Last FRAME_AVAIL seq_num of this stream; gaps are drops. */
	u32 last_seq;
	bool seq_valid;
	/* Liveness of a silent stream. */
	struct delayed_work watchdog;
	unsigned long last_frame;
};

/* Controls (vcamfront_ctrls.c). */
struct vcamfe_ctrls {
	struct v4l2_ctrl_handler handler;
	struct v4l2_ctrl *ctrl[XENCAMERA_MAX_CTRL];
	/* CTRL_CHANGE events, applied from process context. */
	struct work_struct work;
	spinlock_t lock;
	u32 changed;
	s64 values[XENCAMERA_MAX_CTRL];
	bool from_backend;
};

/* The end of a connection (vcamfront_conn.c). */
struct vcamfe_teardown {
	/* Shares the backend may still map; freed by the teardown work. */
	struct mutex zombie_lock;
	struct list_head zombies;
	/* Backend's xenstore dir, to see when it has let go of our pages. */
	char *otherend;
	/*
	 * The domain was restored or migrated since this connection was made:
	 * its backend served the old domain, nothing maps our pages now.
	 */
	bool resumed;
	struct work_struct work;
	struct work_struct broken_work;
};

/*
 * One connection (vcamfront_conn.c).
 *
 * Lock order, the one place it is written down:
 *
 *   info->lock (xenbus side)
 *     cam->lock (V4L2 file operations and vb2)
 *       a control handler's lock
 *         req.sync_mutex (one synchronous request)
 *           req_lock
 *             ctrls.lock, vb2's own spinlocks (vb2_buffer_done)
 *
 * Each may be taken with any of those above it held, never the other way.
 * req_lock protects the ring/event-channel pair, the request engine's ids
 * and sync state, and every buffer's state.  It is a mutex: nothing takes
 * it in atomic context (the interrupt handler only queues evtchnl.work),
 * so frames are copied and vb2 buffers completed preemptible, interrupts
 * on.  It is not held while waiting for the backend (vcamfe_req_sync drops
 * it), and the work that consumes takes no other lock, so a request
 * waiting for its answer cannot block the work that delivers it; control
 * values are applied by ctrls.work, outside req_lock.  vcamfe_global_lock
 * (the cam <-> info links) nests inside info->lock and with nothing else;
 * teardown.zombie_lock and vcamfe_node_lock are leaves.
 */
struct vcamfe_dev {
	struct v4l2_device v4l2_dev;
	struct video_device vdev;
	struct vb2_queue queue;
	struct mutex lock;
	bool registered;
	/* Open file handles: decides Reconfiguring vs Initialising. */
	atomic_t users;

	struct xenbus_device *xb_dev;
	/* Back link to the xenbus side; cleared on remove (vcamfe_global_lock). */
	struct vcamfe_info *info;
	struct vcamfe_cfg cfg;
	int notify_mode;
	/* Negotiated: FRAME_AVAIL hands the buffer back by itself. */
	bool avail_dequeues;
	/* Inside REQBUFS (MMAP): buf_init need not wait for BUF_CREATE. */
	bool create_async;
	/* Negotiated: FRAME_AVAIL carries the capture time (ext.h). */
	bool capture_time;

	struct mutex req_lock;
	struct vcamfe_evtchnl evtchnl;
	struct vcamfe_req req;
	struct vcamfe_poller poller;
	struct vcamfe_stream stream;

	/* Something in the shared pages made no sense, or the backend left. */
	bool dead;
	bool broken_logged;

	/* Current format as the backend reported it. */
	struct xencamera_config_resp config;
	struct xencamera_buf_get_layout_resp layout;
	/*
	 * V4L2 API of this device: the multi-planar one, or the single-planar
	 * one (decided at connect, see vcamfe_v4l2_connect).
	 */
	bool mplane;
	/* vb2 planes of the current format: its V4L2 memory planes. */
	unsigned int mem_planes;
	/* Where each plane starts in the one shared buffer (BUF_CREATE). */
	u32 plane_offset[XENCAMERA_MAX_PLANE];

	struct vcamfe_ctrls ctrls;
	struct vcamfe_stats stats;
	struct vcamfe_teardown teardown;
	/* Every zero-copy buffer of this connection; zc.lock is a leaf. */
	struct {
		struct mutex lock;
		struct list_head bufs;
	} zc;
};

struct vcamfe_info {
	struct xenbus_device *xb_dev;
	struct mutex lock;
	struct vcamfe_dev *cam;
	/* A dead connection still held open (Reconfiguring). */
	struct vcamfe_dev *lingering;
	/* The old connection was released: go back to Initialising. */
	struct work_struct reinit_work;
	bool removing;
	/* Initialisation failed for good; stay Closed. */
	bool failed;
	int connect_failures;
};

extern struct mutex vcamfe_global_lock;
extern struct workqueue_struct *vcamfe_wq;
extern unsigned int vcamfe_param_timeout_ms;
extern char *vcamfe_param_notify_mode;
extern unsigned int vcamfe_param_spin_us;
extern int vcamfe_param_mplane;
extern bool vcamfe_param_avail_dequeues;
extern bool vcamfe_param_zero_copy;
extern bool vcamfe_param_bare_pages;

/* vcamfront_cfg.c */
int vcamfe_cfg_read(struct xenbus_device *xb_dev, struct vcamfe_cfg *cfg);
void vcamfe_cfg_free(struct vcamfe_cfg *cfg);
const struct vcamfe_format *vcamfe_cfg_find_format(const struct vcamfe_cfg *cfg,
						   u32 fourcc);
const struct vcamfe_res *vcamfe_cfg_find_res(const struct vcamfe_format *fmt,
					     u32 width, u32 height);

/* vcamfront_conn.c */
int vcamfe_conn_create(struct vcamfe_info *info);
bool vcamfe_conn_disconnect(struct vcamfe_info *info, const char *why);
void vcamfe_mark_dead(struct vcamfe_dev *cam, const char *why);
void vcamfe_broken(struct vcamfe_dev *cam, const char *fmt, ...);

/* vcamfront_evtchnl.c */
void vcamfe_evtchnl_init(struct vcamfe_dev *cam);
int vcamfe_evtchnl_create(struct vcamfe_dev *cam);
int vcamfe_evtchnl_publish(struct vcamfe_dev *cam);
void vcamfe_evtchnl_unbind(struct vcamfe_dev *cam);
void vcamfe_evtchnl_free(struct vcamfe_dev *cam);
void vcamfe_evtchnl_push_locked(struct vcamfe_dev *cam);
bool vcamfe_evtchnl_rearm_locked(struct vcamfe_dev *cam, bool want_rsp);
void vcamfe_evtchnl_eoi_locked(struct vcamfe_dev *cam);

/* vcamfront_req.c */
int vcamfe_req_sync(struct vcamfe_dev *cam, u8 op, const void *payload,
		    size_t len, struct xencamera_resp *resp);
int vcamfe_req_batch(struct vcamfe_dev *cam, struct vcamfe_call *calls,
		     unsigned int n);
void vcamfe_req_abort_locked(struct vcamfe_dev *cam);
void vcamfe_flush_pending_locked(struct vcamfe_dev *cam);
bool vcamfe_req_destroy_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf);
bool vcamfe_req_create_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			      const struct xencamera_buf_create_req *bc);
int vcamfe_req_drain_locked(struct vcamfe_dev *cam);
bool vcamfe_req_awaits_rsp_locked(struct vcamfe_dev *cam);

/* vcamfront_event.c */
int vcamfe_event_drain_locked(struct vcamfe_dev *cam, int *ctrls);

/* vcamfront_notify.c */
int vcamfe_drain_locked(struct vcamfe_dev *cam);
void vcamfe_notify_work(struct work_struct *work);
int vcamfe_poller_start(struct vcamfe_dev *cam);
void vcamfe_poller_stop(struct vcamfe_dev *cam);

/* vcamfront_buf.c */
int vcamfe_buf_share(struct vcamfe_dev *cam, struct vcamfe_buf *buf);
int vcamfe_buf_wait_created(struct vcamfe_dev *cam, struct vcamfe_buf *buf);
void vcamfe_buf_unshare(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			bool be_done);
void vcamfe_share_free(struct vcamfe_share *sh);
bool vcamfe_buf_unmap_backend(struct vcamfe_dev *cam);
int vcamfe_buf_plane_lens(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			  u32 used_sz, u32 *lens);
void vcamfe_buf_frame_done(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			   u32 used_sz, u32 seq, u64 capture_ns);

/* vcamfront_pages.c */
extern const struct vb2_mem_ops vcamfe_pages_memops;
bool vcamfe_pages_possible(struct vcamfe_dev *cam);
struct page **vcamfe_pages_of(struct vb2_buffer *vb, unsigned int *npages);

/* vcamfront_zc.c */
extern const struct vb2_mem_ops vcamfe_zc_memops;
bool vcamfe_zc_possible(struct vcamfe_dev *cam);
struct vcamfe_zbuf *vcamfe_zbuf_of(struct vb2_buffer *vb);
void vcamfe_zbuf_get(struct vcamfe_zbuf *zb);
void vcamfe_zbuf_put(struct vcamfe_zbuf *zb);
int vcamfe_zbuf_mapped(struct vcamfe_zbuf *zb);
bool vcamfe_zc_unmap_all(struct vcamfe_dev *cam);
void vcamfe_zc_wait_released(void);

/* vcamfront_handback.c */
void vcamfe_frame_avail_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			       u32 used_sz, u32 seq, u64 capture_ns);
void vcamfe_dequeue_resp_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
				const struct xencamera_resp *resp);
void vcamfe_dequeued_complete_locked(struct vcamfe_dev *cam);
void vcamfe_handback_reset(struct vcamfe_buf *buf);

/* vcamfront_vb2.c */
int vcamfe_vb2_init(struct vcamfe_dev *cam);
void vcamfe_buf_done_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			    enum vb2_buffer_state state);
void vcamfe_return_all_locked(struct vcamfe_dev *cam,
			      enum vb2_buffer_state state);
int vcamfe_bufs_release(struct vcamfe_dev *cam);
int vcamfe_vb2_reqbufs(struct file *file, void *priv,
		       struct v4l2_requestbuffers *p);
int vcamfe_vb2_create_bufs(struct file *file, void *priv,
			   struct v4l2_create_buffers *p);
void vcamfe_mem_ops_rest(struct vcamfe_dev *cam);

/* vcamfront_v4l2.c */
int vcamfe_v4l2_connect(struct vcamfe_dev *cam);
int vcamfe_config_get(struct vcamfe_dev *cam);
unsigned int vcamfe_fourcc_mem_planes(u32 fourcc);

/* vcamfront_node.c */
int vcamfe_node_wanted(struct xenbus_device *xb_dev);
void vcamfe_node_remember(struct xenbus_device *xb_dev, int nr);

/* vcamfront_ctrls.c */
int vcamfe_ctrls_init(struct vcamfe_dev *cam);
/* CTRL_CHANGE events of one drain, coalesced: the latest value wins. */
struct vcamfe_ctrl_batch {
	u32 changed;
	s64 values[XENCAMERA_MAX_CTRL];
};

void vcamfe_ctrls_note(struct vcamfe_dev *cam, struct vcamfe_ctrl_batch *batch,
		       u8 type, s64 value);
void vcamfe_ctrls_apply(struct vcamfe_dev *cam,
			const struct vcamfe_ctrl_batch *batch);
void vcamfe_ctrls_work(struct work_struct *work);

/* vcamfront_stats.c */
extern const struct attribute_group *vcamfe_stats_groups[];

#endif /* VCAMFRONT_H */
