/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Xen para-virtual camera frontend: shared definitions.
 *
 * Two lifetimes matter here.  struct vcamfront_info lives from xenbus probe
 * to remove.  struct vcam_dev is one connection to the backend: created when
 * the backend reaches InitWait, freed by the V4L2 core when the last user of
 * its /dev/videoN is gone, which may be long after the backend vanished.
 */
#ifndef VCAMFRONT_H
#define VCAMFRONT_H

#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mutex.h>
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

#define VCAM_DRV_NAME		"xen-vcamfront"

/* Limits on what the toolstack may configure (ring/include/vcam/ext.h). */
#define VCAM_MAX_FORMATS	VCAM_CFG_MAX_FOURCCS
#define VCAM_MAX_RESOLUTIONS	VCAM_CFG_MAX_MODES
#define VCAM_MAX_RATES		VCAM_CFG_MAX_RATES
#define VCAM_MAX_BUFS		min_t(int, VB2_MAX_FRAME, 255)

struct vcam_res {
	u32 width;
	u32 height;
	int num_rates;
	/* Frame rates as the protocol has them: frames per second. */
	struct v4l2_fract rates[VCAM_MAX_RATES];
};

struct vcam_format {
	u32 fourcc;
	int num_res;
	struct vcam_res *res;
};

/* Configuration the toolstack wrote into the frontend's xenstore dir. */
struct vcam_cfg {
	char *unique_id;
	int max_buffers;
	bool be_alloc;
	int notify_mode;
	u32 spin_us;
	int num_ctrls;
	u8 ctrl_types[XENCAMERA_MAX_CTRL];
	int num_formats;
	struct vcam_format formats[VCAM_MAX_FORMATS];
};

/* Per-device counters, exported through sysfs (vcamfront_stats.c). */
struct vcam_stats {
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
};

/*
 * Everything one buffer shares with the backend.  If the backend may still
 * map it when the buffer goes away (it died, or misbehaved), the share is
 * parked on the connection's zombie list and freed only once the backend
 * has let go; granted pages hold a reference of ours until then.
 */
struct vcam_share {
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
};

struct vcam_buf {
	/* Must be first: vb2 allocates this struct for us. */
	struct vb2_v4l2_buffer vb;
	struct list_head list;
	struct vcam_share sh;
	bool created;
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
	u16 deq_id;
	bool deq_inflight;
	bool deq_done;
	/* Where the backend writes when that is not the vb2 plane: copy out. */
	void *shadow;
};

struct vcam_dev;

/*
 * One event channel from the backend (vcamfront_irq.c).  Both are bound
 * with the late-EOI API: after an interrupt Xen delivers nothing more on
 * the channel until we call xen_irq_lateeoi(), so a backend can make us
 * run at most once per EOI, and an EOI flagged spurious slows it down.
 */
struct vcam_chan {
	struct vcam_dev *cam;
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

struct vcamfront_info;

struct vcam_dev {
	struct v4l2_device v4l2_dev;
	struct video_device vdev;
	struct vb2_queue queue;
	struct v4l2_ctrl_handler ctrl_handler;
	struct v4l2_ctrl *ctrls[XENCAMERA_MAX_CTRL];
	/* Serialises V4L2 file operations and vb2 (vdev.lock, queue.lock). */
	struct mutex lock;

	struct xenbus_device *xb_dev;
	/* Back link to the xenbus side; cleared on remove (vcam_global_lock). */
	struct vcamfront_info *info;
	struct vcam_cfg cfg;
	int notify_mode;
	bool evt_hold_off;
	/* Negotiated: FRAME_AVAIL hands the buffer back by itself. */
	bool avail_dequeues;
	/* BUF_DEQUEUEs sent and not answered: their answers are awaited. */
	unsigned int deqs_inflight;
	bool registered;

	/*
	 * Request ring: req_lock protects ring, event page consumption, ids,
	 * buffer states and the EOI bookkeeping of both channels.  A mutex:
	 * nothing takes it in atomic context (vcamfront_irq.c), so frames are
	 * copied and vb2 buffers completed preemptible, interrupts on.
	 */
	struct mutex req_lock;
	struct xen_cameraif_front_ring ring;
	void *ring_page;
	grant_ref_t ring_gref;
	struct vcam_chan req_ch;
	wait_queue_head_t ring_wq;
	u16 next_id;
	u16 next_async;

	/* One synchronous request at a time; its reply lands in sync_resp. */
	struct mutex sync_mutex;
	struct completion sync_done;
	bool sync_active;
	u16 sync_id;
	u8 sync_op;
	struct xencamera_resp sync_resp;
	unsigned int timeout_ms;

	/* Event page: a private copy of in_cons, never read back from it. */
	struct xencamera_event_page *evt_page;
	grant_ref_t evt_gref;
	struct vcam_chan evt_ch;
	u32 evt_cons;

	/* Consumes on behalf of the interrupt handlers (vcamfront_irq.c). */
	struct work_struct notify_work;
	/* Channels being unbound: no EOI any more (req_lock). */
	bool irqs_gone;

	/* Something in the shared pages made no sense, or the backend left. */
	bool dead;
	bool broken_logged;

	/*
	 * Spin/hybrid consumer thread; only exists while streaming.  Set and
	 * cleared under req_lock: the interrupt work decides by it who
	 * consumes and gives the EOIs.
	 */
	struct task_struct *poller;
	wait_queue_head_t poller_wq;
	bool poller_kick;
	bool poller_armed;
	/* Open file handles: decides Reconfiguring vs Initialising. */
	atomic_t users;

	/* Buffers: indices below num_bufs granted by BUF_REQUEST. */
	int num_bufs;
	int num_created;
	struct vcam_buf *bufs[VB2_MAX_FRAME];
	struct list_head pending;
	bool streaming;
	/* Last FRAME_AVAIL seq_num of this stream; gaps are drops. */
	u32 last_seq;
	bool seq_valid;
	/* Liveness of a silent stream (vcamfront_vb2.c). */
	struct delayed_work watchdog;
	unsigned long last_frame;

	/* Current format as the backend reported it. */
	struct xencamera_config_resp config;
	struct xencamera_buf_get_layout_resp layout;
	/*
	 * V4L2 API of this device: the multi-planar one, or the single-planar
	 * one (decided at connect, see vcam_v4l2_connect).
	 */
	bool mplane;
	/* vb2 planes of the current format: its V4L2 memory planes. */
	unsigned int mem_planes;
	/* Where each plane starts in the one shared buffer (BUF_CREATE). */
	u32 plane_offset[XENCAMERA_MAX_PLANE];

	/* CTRL_CHANGE events, applied from process context. */
	struct work_struct ctrl_work;
	spinlock_t ctrl_lock;
	u32 ctrl_changed;
	s64 ctrl_values[XENCAMERA_MAX_CTRL];
	bool ctrl_from_backend;

	struct vcam_stats stats;

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
	struct work_struct teardown_work;
	struct work_struct broken_work;
};

struct vcamfront_info {
	struct xenbus_device *xb_dev;
	struct mutex lock;
	struct vcam_dev *cam;
	/* A dead connection still held open (Reconfiguring). */
	struct vcam_dev *lingering;
	/* The old connection was released: go back to Initialising. */
	struct work_struct reinit_work;
	bool removing;
	/* Initialisation failed for good; stay Closed. */
	bool failed;
	int connect_failures;
};

extern struct mutex vcam_global_lock;
extern struct workqueue_struct *vcam_wq;
extern unsigned int vcam_param_timeout_ms;
extern char *vcam_param_notify_mode;
extern unsigned int vcam_param_spin_us;
extern int vcam_param_mplane;
extern bool vcam_param_avail_dequeues;

/* vcamfront_cfg.c */
int vcam_cfg_read(struct xenbus_device *xb_dev, struct vcam_cfg *cfg);
void vcam_cfg_free(struct vcam_cfg *cfg);
const struct vcam_format *vcam_cfg_find_format(const struct vcam_cfg *cfg,
					       u32 fourcc);
const struct vcam_res *vcam_cfg_find_res(const struct vcam_format *fmt,
					 u32 width, u32 height);

/* vcamfront_evtchnl.c */
int vcam_evtchnl_create(struct vcam_dev *cam);
int vcam_evtchnl_publish(struct vcam_dev *cam);
void vcam_evtchnl_free(struct vcam_dev *cam);
int vcam_req_sync(struct vcam_dev *cam, u8 op, const void *payload,
		  size_t len, struct xencamera_resp *resp);
void vcam_flush_pending_locked(struct vcam_dev *cam);
int vcam_drain_locked(struct vcam_dev *cam);
bool vcam_rearm_locked(struct vcam_dev *cam);
bool vcam_drain_rearm_locked(struct vcam_dev *cam);
void vcam_mark_dead(struct vcam_dev *cam, const char *why);
void vcam_broken(struct vcam_dev *cam, const char *fmt, ...);

/* vcamfront_irq.c */
void vcam_irq_init(struct vcam_dev *cam);
int vcam_irq_bind(struct vcam_dev *cam);
void vcam_irq_unbind(struct vcam_dev *cam);
void vcam_irq_eoi_locked(struct vcam_dev *cam);

/* vcamfront_notify.c */
int vcam_poller_start(struct vcam_dev *cam);
void vcam_poller_stop(struct vcam_dev *cam);

/* vcamfront_buf.c */
int vcam_buf_share(struct vcam_dev *cam, struct vcam_buf *buf);
void vcam_buf_unshare(struct vcam_dev *cam, struct vcam_buf *buf,
		      bool be_done);
void vcam_share_free(struct vcam_share *sh);
bool vcam_buf_unmap_backend(struct vcam_dev *cam);
int vcam_buf_plane_lens(struct vcam_dev *cam, struct vcam_buf *buf,
			u32 used_sz, u32 *lens);
void vcam_buf_frame_done(struct vcam_dev *cam, struct vcam_buf *buf,
			 u32 used_sz, u32 seq);

/* vcamfront_handback.c */
void vcam_frame_avail_locked(struct vcam_dev *cam, struct vcam_buf *buf,
			     u32 used_sz, u32 seq);
void vcam_dequeue_resp_locked(struct vcam_dev *cam, struct vcam_buf *buf,
			      const struct xencamera_resp *resp);
void vcam_dequeued_complete_locked(struct vcam_dev *cam);
void vcam_handback_reset(struct vcam_buf *buf);

/* vcamfront_vb2.c */
int vcam_vb2_init(struct vcam_dev *cam);
void vcam_return_all_locked(struct vcam_dev *cam,
			    enum vb2_buffer_state state);
int vcam_bufs_release(struct vcam_dev *cam);

/* vcamfront_v4l2.c */
int vcam_v4l2_connect(struct vcam_dev *cam);
int vcam_config_get(struct vcam_dev *cam);
int vcam_layout_get(struct vcam_dev *cam);
unsigned int vcam_fourcc_mem_planes(u32 fourcc);

/* vcamfront_node.c */
int vcam_node_wanted(struct xenbus_device *xb_dev);
void vcam_node_remember(struct xenbus_device *xb_dev, int nr);

/* vcamfront_ctrls.c */
int vcam_ctrls_init(struct vcam_dev *cam);
/* CTRL_CHANGE events of one drain, coalesced: the latest value wins. */
struct vcam_ctrl_batch {
	u32 changed;
	s64 values[XENCAMERA_MAX_CTRL];
};

void vcam_ctrls_note(struct vcam_dev *cam, struct vcam_ctrl_batch *batch,
		     u8 type, s64 value);
void vcam_ctrls_apply(struct vcam_dev *cam,
		      const struct vcam_ctrl_batch *batch);
void vcam_ctrls_work(struct work_struct *work);

/* vcamfront_stats.c */
extern const struct attribute_group *vcam_stats_groups[];

#endif /* VCAMFRONT_H */
