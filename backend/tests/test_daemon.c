// SPDX-License-Identifier: MIT
/*
 * The whole daemon (main loop, xenbus state machine, loopback transport,
 * status socket) in a thread, driven by a frontend over a real unix
 * socket and loopback link.  Cameras come from the fake camera through
 * vcamd_cam_open_hook, wrapped with a lock and an eventfd because the
 * test thread produces frames while the daemon thread consumes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "fake_camera.h"
#include "log.h"
#include "loopback.h"
#include "vcam/pgdir.h"
#include "vcam/req_encode.h"

/* ---- a fake camera the daemon thread can poll ------------------------ */

static struct fake_cam g_fc;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_efd = -1;
static int g_opens;

#define LOCKED(call) do {				\
	pthread_mutex_lock(&g_lock);			\
	call;						\
	pthread_mutex_unlock(&g_lock);			\
} while (0)

static int w_try(void *p, struct vcamd_format *f)
{
	int r;

	LOCKED(r = fake_cam_ops.try_fmt(p, f));
	return r;
}

static int w_set(void *p, struct vcamd_format *f)
{
	int r;

	LOCKED(r = fake_cam_ops.set_fmt(p, f));
	return r;
}

static int w_get(void *p, struct vcamd_format *f)
{
	int r;

	LOCKED(r = fake_cam_ops.get_fmt(p, f));
	return r;
}

static int w_set_rate(void *p, uint32_t *n, uint32_t *dd)
{
	int r;

	LOCKED(r = fake_cam_ops.set_rate(p, n, dd));
	return r;
}

static int w_get_rate(void *p, uint32_t *n, uint32_t *dd)
{
	int r;

	LOCKED(r = fake_cam_ops.get_rate(p, n, dd));
	return r;
}

static int w_info(void *p, unsigned int t, struct vcamd_ctrl_info *ci)
{
	int r;

	LOCKED(r = fake_cam_ops.ctrl_info(p, t, ci));
	return r;
}

static int w_cget(void *p, unsigned int t, int64_t *v)
{
	int r;

	LOCKED(r = fake_cam_ops.ctrl_get(p, t, v));
	return r;
}

static int w_cset(void *p, unsigned int t, int64_t v)
{
	int r;

	LOCKED(r = fake_cam_ops.ctrl_set(p, t, v));
	return r;
}

static int w_on(void *p)
{
	int r;

	LOCKED(r = fake_cam_ops.stream_on(p));
	return r;
}

static int w_off(void *p)
{
	int r;

	LOCKED(r = fake_cam_ops.stream_off(p));
	return r;
}

static void w_release_bufs(void *p)
{
	LOCKED(fake_cam_ops.release_bufs(p));
}

static int w_next(void *p, struct vcamd_frame *fr)
{
	uint64_t v;
	int r;

	if (read(g_efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return -errno;
	LOCKED(r = fake_cam_ops.next_frame(p, fr));
	return r;
}

static void w_release(void *p, struct vcamd_frame *fr)
{
	LOCKED(fake_cam_ops.release_frame(p, fr));
}

static const struct vcamd_camera_ops wrapped_ops = {
	.try_fmt = w_try, .set_fmt = w_set, .get_fmt = w_get,
	.set_rate = w_set_rate, .get_rate = w_get_rate,
	.ctrl_info = w_info, .ctrl_get = w_cget, .ctrl_set = w_cset,
	.stream_on = w_on, .stream_off = w_off, .release_bufs = w_release_bufs,
	.next_frame = w_next, .release_frame = w_release,
};

static int open_hook(const char *path, const struct vcamd_camera_ops **ops,
		     void **priv, int *fd)
{
	if (strcmp(path, "/dev/video0"))
		return -ENOENT;
	g_opens++;
	*ops = &wrapped_ops;
	*priv = &g_fc;
	*fd = g_efd;
	return 0;
}

static void produce(unsigned int n)
{
	uint64_t one = 1;

	LOCKED(fake_cam_produce(&g_fc, n, 0));
	assert_int_equal(write(g_efd, &one, sizeof(one)), sizeof(one));
}

/* ---- daemon thread ------------------------------------------------------ */

static struct vcamd g_d;
static pthread_t g_thr;
static char g_sock[64], g_status[64];

static void *daemon_thread(void *arg)
{
	(void)arg;
	vcamd_run(&g_d);
	return NULL;
}

/* Options of the group being started (the limits group sets some). */
static void (*g_tweak_opts)(struct vcamd_opts *o);

static int start_daemon(void **state)
{
	(void)state;
	memset(&g_d, 0, sizeof(g_d));
	fake_cam_init(&g_fc);
	g_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	vcamd_cam_open_hook = open_hook;
	vcamd_opts_default(&g_d.opts);
	if (g_tweak_opts)
		g_tweak_opts(&g_d.opts);
	snprintf(g_sock, sizeof(g_sock), "/tmp/vcamd-t%d.sock", getpid());
	snprintf(g_status, sizeof(g_status), "/tmp/vcamd-t%d.status",
		 getpid());
	strcpy(g_d.opts.loopback_path, g_sock);
	strcpy(g_d.opts.status_path, g_status);
	vcamd_log_setup(false, getenv("VCAM_TEST_DEBUG") ? LOG_DEBUG
							 : LOG_WARNING);
	g_d.start_ns = vcamd_now_ns();
	if (pthread_create(&g_thr, NULL, daemon_thread, NULL))
		return -1;
	for (int i = 0; i < 200 && access(g_sock, F_OK); i++)
		usleep(10000);
	return access(g_sock, F_OK);
}

static int stop_daemon(void **state)
{
	(void)state;
	g_d.stop = 1;
	pthread_join(g_thr, NULL);
	close(g_efd);
	fake_cam_fini(&g_fc);
	return access(g_sock, F_OK) == 0;	/* socket removed on exit */
}

/* ---- a loopback frontend -------------------------------------------------- */

struct fe {
	struct vcam_lb_link *lb;
	int sock;
	struct xen_cameraif_front_ring ring;
	void *ring_page, *evt_page, *buf, *dir;
	uint32_t ring_ref, evt_ref, dir_ref, buf_refs[4];
	int req_port, evt_port;
	uint32_t evt_cons;
	uint16_t id;
	bool no_version;
};

static void fe_write(struct fe *f, const char *k, const char *v)
{
	char key[64];

	snprintf(key, sizeof(key), "fe/%s", k);
	assert_int_equal(vcam_lb_store_write(f->lb, VCAM_LB_FE, key, v), 0);
}

/* The backend dir's copy: what vcamd uses.  The guest cannot write it. */
static void host_write(struct fe *f, const char *k, const char *v)
{
	char key[64];

	snprintf(key, sizeof(key), "be/%s", k);
	assert_int_equal(vcam_lb_store_write(f->lb, VCAM_LB_FE, key, v), 0);
}

/* A configuration node as the toolstack writes it: into both dirs. */
static void cfg_write(struct fe *f, const char *k, const char *v)
{
	fe_write(f, k, v);
	host_write(f, k, v);
}

static int be_state(struct fe *f)
{
	char v[16];

	if (vcam_lb_store_read(f->lb, "be/state", v, sizeof(v)))
		return -1;
	return atoi(v);
}

static void wait_be_state(struct fe *f, int want)
{
	int i;

	for (i = 0; i < 300 && be_state(f) != want; i++)
		vcam_lb_wait(f->lb, VCAM_LB_FE, VCAM_LB_STORE_PORT, 10);
	assert_int_equal(be_state(f), want);
}

static void fe_attach(struct fe *f, const char *unique_id)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(f, 0, sizeof(*f));
	f->lb = vcam_lb_create(256);
	assert_non_null(f->lb);
	cfg_write(f, "unique-id", unique_id);
	cfg_write(f, "controls", "brightness,contrast");
	fe_write(f, "state", "1");
	f->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, g_sock);
	assert_int_equal(connect(f->sock, (struct sockaddr *)&sa, sizeof(sa)),
			 0);
	assert_int_equal(vcam_lb_send(f->sock, f->lb), 0);
	wait_be_state(f, XenbusStateInitWait);
}

static void fe_init_rings(struct fe *f)
{
	char v[16];

	f->ring_page = vcam_lb_share(f->lb, VCAM_LB_FE, 1, &f->ring_ref);
	f->evt_page = vcam_lb_share(f->lb, VCAM_LB_FE, 1, &f->evt_ref);
	assert_non_null(f->ring_page);
	assert_non_null(f->evt_page);
	SHARED_RING_INIT((struct xen_cameraif_sring *)f->ring_page);
	FRONT_RING_INIT(&f->ring, (struct xen_cameraif_sring *)f->ring_page,
			VCAMD_PAGE_SIZE);
	f->req_port = vcam_lb_port_alloc(f->lb);
	f->evt_port = vcam_lb_port_alloc(f->lb);
	if (!f->no_version)	/* cameraif v1 peers may leave it out */
		fe_write(f, "version", "1");
	snprintf(v, sizeof(v), "%u", f->ring_ref);
	fe_write(f, "req-ring-ref", v);
	snprintf(v, sizeof(v), "%u", f->evt_ref);
	fe_write(f, "evt-ring-ref", v);
	snprintf(v, sizeof(v), "%d", f->req_port);
	fe_write(f, "req-event-channel", v);
	snprintf(v, sizeof(v), "%d", f->evt_port);
	fe_write(f, "evt-event-channel", v);
}

static void fe_connect(struct fe *f)
{
	fe_init_rings(f);
	fe_write(f, "state", "3");
	wait_be_state(f, XenbusStateConnected);
	fe_write(f, "state", "4");
}

static int32_t fe_call(struct fe *f, struct xencamera_req *req,
		       struct xencamera_resp *rsp)
{
	int notify, i;

	req->id = ++f->id;
	*RING_GET_REQUEST(&f->ring, f->ring.req_prod_pvt) = *req;
	f->ring.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->ring, notify);
	if (notify)
		vcam_lb_notify(f->lb, VCAM_LB_FE, f->req_port);
	for (i = 0; i < 300 && !RING_HAS_UNCONSUMED_RESPONSES(&f->ring); i++)
		vcam_lb_wait(f->lb, VCAM_LB_FE, f->req_port, 10);
	assert_true(RING_HAS_UNCONSUMED_RESPONSES(&f->ring));
	*rsp = *RING_GET_RESPONSE(&f->ring, f->ring.rsp_cons);
	f->ring.rsp_cons++;
	assert_true(vcam_rsp_answers(rsp, req->id, req->operation));
	return rsp->status;
}

static int32_t fe_simple(struct fe *f, uint8_t op, uint8_t index)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;

	return fe_call(f, vcam_req_index(&req, 0, op, index), &rsp);
}

/* CONFIG_SET fourcc 64x48: the response's status. */
static int32_t fe_config_64x48(struct fe *f, uint32_t fourcc)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;

	vcam_req_config(&req, 0, XENCAMERA_OP_CONFIG_SET, fourcc, 64, 48);
	return fe_call(f, &req, &rsp);
}

/* 64x48 YUYV: 2 pages per buffer, one buffer. */
static void fe_stream(struct fe *f)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;

	assert_int_equal(fe_config_64x48(f, V4L2_PIX_FMT_YUYV), 0);
	vcam_req_buf_request(&req, 0, 1);
	assert_int_equal(fe_call(f, &req, &rsp), 0);
	f->buf = vcam_lb_share(f->lb, VCAM_LB_FE, 2, f->buf_refs);
	f->dir = vcam_lb_share(f->lb, VCAM_LB_FE, 1, &f->dir_ref);
	vcam_pgdir_fill(f->dir, 1, &f->dir_ref, f->buf_refs, 2);
	vcam_req_buf_create(&req, 0, 0, NULL, 0, f->dir_ref);
	assert_int_equal(fe_call(f, &req, &rsp), 0);
	assert_int_equal(fe_simple(f, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	assert_int_equal(fe_simple(f, XENCAMERA_OP_STREAM_START, 0), 0);
}

static int fe_event(struct fe *f, struct xencamera_evt *ev, int timeout_ms)
{
	struct xencamera_event_page *pg = f->evt_page;
	int i;

	for (i = 0; i < timeout_ms / 10 &&
	     __atomic_load_n(&pg->in_prod, __ATOMIC_ACQUIRE) == f->evt_cons;
	     i++)
		vcam_lb_wait(f->lb, VCAM_LB_FE, f->evt_port, 10);
	if (pg->in_prod == f->evt_cons)
		return 0;
	*ev = XENCAMERA_IN_RING_REF(pg, f->evt_cons);
	f->evt_cons++;
	pg->in_cons = f->evt_cons;
	return 1;
}

static void fe_detach(struct fe *f)
{
	close(f->sock);
	vcam_lb_destroy(f->lb);
}

static void status_text(char *buf, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	size_t off = 0;
	ssize_t n;

	strcpy(sa.sun_path, g_status);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	while ((n = read(fd, buf + off, len - 1 - off)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	close(fd);
}

/* ---- tests ------------------------------------------------------------ */

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void test_connect_stream_close_reconnect(void **state)
{
	struct xencamera_evt ev;
	struct fe f;
	char st[4096];
	const uint8_t *p;
	uint64_t t0;

	(void)state;
	fe_attach(&f, "video0");
	cfg_write(&f, "formats/YUYV/64x48/frame-rates", "30/1,15/1");
	cfg_write(&f, "formats/YUYV/32x16/frame-rates", "30/1");
	fe_connect(&f);
	/* vcamd offers capture times; this frontend did not ask. */
	assert_int_equal(vcam_lb_store_read(f.lb, "be/feature-capture-time",
					    st, sizeof(st)), 0);
	assert_string_equal(st, "1");
	/* Off the toolstack's menu. */
	assert_int_equal(fe_config_64x48(&f, V4L2_PIX_FMT_NV12), -XEN_EINVAL);
	fe_stream(&f);
	produce(1);
	assert_int_equal(fe_event(&f, &ev, 3000), 1);
	assert_int_equal(ev.type, XENCAMERA_EVT_FRAME_AVAIL);
	assert_int_equal(ev.evt.frame_avail.seq_num, 0);
	assert_int_equal(ev.evt.frame_avail.used_sz, 64 * 48 * 2);
	assert_true(vcam_evt_capture_time(&ev) == 0);
	p = f.buf;
	assert_int_equal(p[5000], fake_cam_byte(g_fc.next_seq - 1, 5000));
	/* No buffer queued: the next frame is a counted drop. */
	produce(1);
	assert_int_equal(fe_event(&f, &ev, 200), 0);
	status_text(st, sizeof(st));
	assert_non_null(strstr(st, "device name=dom1/vcam0 state=Connected"));
	assert_non_null(strstr(st, "frames=1 drops=1 copies=1"));
	assert_non_null(strstr(st, "camera path=/dev/video0 users=1"));

	/* Module unload: Closing, Closed; the backend follows and tidies. */
	fe_write(&f, "state", "5");
	wait_be_state(&f, XenbusStateClosing);
	fe_write(&f, "state", "6");
	wait_be_state(&f, XenbusStateClosed);
	assert_int_equal(vcam_lb_granted(f.lb, VCAM_LB_BE), 0);
	/* Module reload: a fresh ring, same device, no daemon restart. */
	fe_write(&f, "state", "1");
	wait_be_state(&f, XenbusStateInitWait);
	vcam_lb_unshare(f.lb, VCAM_LB_FE, f.ring_page, 1, &f.ring_ref);
	vcam_lb_unshare(f.lb, VCAM_LB_FE, f.evt_page, 1, &f.evt_ref);
	vcam_lb_unshare(f.lb, VCAM_LB_FE, f.buf, 2, f.buf_refs);
	vcam_lb_unshare(f.lb, VCAM_LB_FE, f.dir, 1, &f.dir_ref);
	vcam_lb_port_free(f.lb, (unsigned int)f.req_port);
	vcam_lb_port_free(f.lb, (unsigned int)f.evt_port);
	f.evt_cons = 0;
	/* This time the frontend reads capture times: vcamd fills them. */
	fe_write(&f, "capture-time", "1");
	fe_connect(&f);
	fe_stream(&f);
	t0 = wall_ns();
	produce(1);
	assert_int_equal(fe_event(&f, &ev, 3000), 1);
	assert_int_equal(ev.evt.frame_avail.seq_num, 0);
	/* the fake camera stamps the frame when vcamd takes it */
	assert_true(vcam_evt_capture_time(&ev) + 1000000ULL >= t0);
	assert_true(vcam_evt_capture_time(&ev) <= wall_ns() + 1000000ULL);
	fe_detach(&f);
}

/*
 * Each refused when the frontend connects: the backend goes to Closed.
 * The host's value is written before the frontend's rings, the guest's
 * after them (the rings' own keys are among them: 9999 is not granted).
 */
static void test_bad_config_refused(void **state)
{
	static const struct {
		const char *id, *cfg, *cfg_val, *fe, *fe_val;
	} bad[] = {
		{ .id = "/etc/passwd" },
		{ .id = "video0", .cfg = "notify-mode", .cfg_val = "turbo" },
		{ .id = "video0", .fe = "req-ring-ref", .fe_val = "9999" },
		{ .id = "video0", .cfg = "formats/YU:V/64x48/frame-rates",
		  .cfg_val = "30/1" },
		{ .id = "video0", .cfg = "formats/YUYV/64x48/frame-rates",
		  .cfg_val = "30/0" },
		{ .id = "video0", .fe = "capture-time", .fe_val = "maybe" },
		{ .id = "video0", .fe = "version", .fe_val = "2" },
	};
	unsigned int i;
	struct fe f;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fe_attach(&f, bad[i].id);
		if (bad[i].cfg)
			cfg_write(&f, bad[i].cfg, bad[i].cfg_val);
		fe_init_rings(&f);
		if (bad[i].fe)
			fe_write(&f, bad[i].fe, bad[i].fe_val);
		fe_write(&f, "state", "3");
		wait_be_state(&f, XenbusStateClosed);
		fe_detach(&f);
	}
}

/*
 * The camera-stealing guest: it rewrites its own frontend dir before it
 * connects.  vcamd serves exactly what the host wrote into the backend
 * dir, and says that the guest's copy differs.
 */
static void test_guest_copy_is_ignored(void **state)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;
	struct xencamera_evt ev;
	struct fe f;
	char st[4096];

	(void)state;
	fe_attach(&f, "video0");
	cfg_write(&f, "max-buffers", "2");
	cfg_write(&f, "notify-mode", "event");
	cfg_write(&f, "be-alloc", "0");
	cfg_write(&f, "formats/YUYV/64x48/frame-rates", "30/1");
	fe_write(&f, "unique-id", "video1");
	fe_write(&f, "max-buffers", "255");
	fe_write(&f, "notify-mode", "spin");
	fe_write(&f, "spin-us", "1000000");
	fe_write(&f, "controls", "hue");
	fe_write(&f, "formats/NV12/64x48/frame-rates", "30/1");
	f.no_version = true;
	fe_connect(&f);
	status_text(st, sizeof(st));
	assert_non_null(strstr(st, "state=Connected camera=/dev/video0 mode=event alloc=fe"));
	assert_non_null(strstr(st, "max_buffers=2 guest_cfg_differs=1"));
	/* the host's menu and buffer count, not the guest's */
	assert_int_equal(fe_config_64x48(&f, V4L2_PIX_FMT_NV12), -XEN_EINVAL);
	assert_int_equal(fe_config_64x48(&f, V4L2_PIX_FMT_YUYV), 0);
	vcam_req_buf_request(&req, 0, 200);
	assert_int_equal(fe_call(&f, &req, &rsp), 0);
	assert_int_equal(rsp.resp.buf_request.num_bufs, 2);
	vcam_req_buf_request(&req, 0, 0);
	assert_int_equal(fe_call(&f, &req, &rsp), 0);
	fe_stream(&f);
	produce(1);
	assert_int_equal(fe_event(&f, &ev, 3000), 1);
	assert_int_equal(ev.type, XENCAMERA_EVT_FRAME_AVAIL);
	fe_detach(&f);
}

/*
 * Hybrid: while vcamd's spin window is open the frontend sends without a
 * kick (req_event is stale then), so vcamd must never sleep with a device
 * unarmed.  It did when a request came just as the window closed: the
 * re-arm found it, served it, a new window left the device unarmed, and
 * poll slept, so the next request waited for the poll timeout (1 s; 3.5 %
 * of the rig's hybrid round trips).  Requests here land all over the end
 * of a 100 us window.
 */
static void test_hybrid_never_sleeps_unarmed(void **state)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;
	uint64_t t0, dt;
	struct fe f;
	int i;

	(void)state;
	fe_attach(&f, "video0");
	cfg_write(&f, "notify-mode", "hybrid");
	cfg_write(&f, "spin-us", "100");
	fe_connect(&f);
	for (i = 0; i < 400; i++) {
		usleep(i % 150);
		vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET);
		t0 = vcamd_now_ns();
		assert_int_equal(fe_call(&f, &req, &rsp), 0);
		dt = vcamd_now_ns() - t0;
		if (dt > 500000000ULL)
			fail_msg("round trip %d took %llu ms", i,
				 (unsigned long long)(dt / 1000000));
	}
	fe_detach(&f);
}

/* Rewriting it while connected changes nothing either, and is noticed. */
static void test_guest_rewrites_while_connected(void **state)
{
	struct xencamera_evt ev;
	struct fe f;
	char st[4096];
	int i;

	(void)state;
	fe_attach(&f, "video0");
	fe_connect(&f);
	fe_stream(&f);
	status_text(st, sizeof(st));
	assert_non_null(strstr(st, "guest_cfg_differs=0"));
	fe_write(&f, "unique-id", "video1");
	fe_write(&f, "notify-mode", "spin");
	for (i = 0; i < 40; i++) {	/* compared within about a second */
		status_text(st, sizeof(st));
		if (strstr(st, "guest_cfg_differs=1"))
			break;
		usleep(100000);
	}
	assert_non_null(strstr(st, "guest_cfg_differs=1"));
	assert_non_null(strstr(st, "camera=/dev/video0 mode=event"));
	produce(1);
	assert_int_equal(fe_event(&f, &ev, 3000), 1);
	assert_int_equal(ev.type, XENCAMERA_EVT_FRAME_AVAIL);
	fe_detach(&f);
}

/* A backend dir from a toolstack that wrote no configuration there. */
static void test_no_host_config_refused(void **state)
{
	struct fe f;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.lb = vcam_lb_create(256);
	assert_non_null(f.lb);
	fe_write(&f, "unique-id", "video0");
	fe_write(&f, "controls", "");
	fe_write(&f, "state", "1");
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		f.sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		strcpy(sa.sun_path, g_sock);
		assert_int_equal(connect(f.sock, (struct sockaddr *)&sa,
					 sizeof(sa)), 0);
		assert_int_equal(vcam_lb_send(f.sock, f.lb), 0);
	}
	wait_be_state(&f, XenbusStateInitWait);
	fe_init_rings(&f);
	fe_write(&f, "state", "3");
	wait_be_state(&f, XenbusStateClosed);
	assert_int_equal(vcam_lb_granted(f.lb, VCAM_LB_BE), 0);
	fe_detach(&f);
}

/* Read what the trace socket sent until `want` shows up, or 3 s pass. */
static bool trace_until(int fd, char *buf, size_t len, const char *want)
{
	size_t off = strlen(buf);
	int i;

	for (i = 0; i < 300 && !strstr(buf, want); i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 10) <= 0)
			continue;
		n = read(fd, buf + off, len - 1 - off);
		if (n <= 0)
			break;
		off += (size_t)n;
		buf[off] = '\0';
	}
	return strstr(buf, want) != NULL;
}

/* vcamctl trace: every request with its answer, every event, decoded. */
static void test_trace(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct xencamera_evt ev;
	static char buf[65536];
	char name[48];
	struct fe f;
	int fd;

	(void)state;
	fe_attach(&f, "video0");
	/* the newest connection's name: the device just attached */
	status_text(buf, sizeof(buf));
	assert_non_null(strstr(buf, "device name=dom"));
	snprintf(name, sizeof(name), "%.*s",
		 (int)strcspn(strstr(buf, "device name=") + 12, " "),
		 strstr(buf, "device name=") + 12);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.trace", g_status);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_true(dprintf(fd, "%s\n", name) > 0);
	buf[0] = '\0';
	assert_true(trace_until(fd, buf, sizeof(buf), "# tracing"));
	fe_connect(&f);
	fe_stream(&f);
	produce(1);
	assert_int_equal(fe_event(&f, &ev, 3000), 1);
	assert_true(trace_until(fd, buf, sizeof(buf), "FRAME_AVAIL index=0"));
	assert_non_null(strstr(buf, "CONFIG_SET(0) YUYV 64x48 -> 0 ok YUYV 64x48"));
	assert_non_null(strstr(buf, "BUF_REQUEST(5) num_bufs=1 -> 0 ok num_bufs=1"));
	assert_non_null(strstr(buf, "BUF_QUEUE(8) index=0 -> 0 ok"));
	assert_non_null(strstr(buf, "STREAM_START(13) -> 0 ok"));
	assert_non_null(strstr(buf, "used_sz=6144 seq=0"));
	close(fd);
	/* the client went away: the device streams on */
	assert_int_equal(fe_simple(&f, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	produce(1);
	assert_int_equal(fe_event(&f, &ev, 3000), 1);
	fe_detach(&f);
}

/* vcam-detach: backend online = 0, state = Closing; we answer Closed. */
static void test_toolstack_detach(void **state)
{
	struct fe f;

	(void)state;
	fe_attach(&f, "video0");
	fe_connect(&f);
	fe_stream(&f);
	assert_int_equal(vcam_lb_store_write(f.lb, VCAM_LB_FE, "be/online",
					     "0"), 0);
	assert_int_equal(vcam_lb_store_write(f.lb, VCAM_LB_FE, "be/state",
					     "5"), 0);
	wait_be_state(&f, XenbusStateClosed);
	assert_int_equal(vcam_lb_granted(f.lb, VCAM_LB_BE), 0);
	/* The frontend's own Closing afterwards does not reopen anything. */
	fe_write(&f, "state", "5");
	usleep(50000);
	assert_int_equal(be_state(&f), XenbusStateClosed);
	fe_detach(&f);
}

static void test_corrupt_ring_spares_neighbour(void **state)
{
	struct xencamera_evt ev;
	struct fe a, b;

	(void)state;
	fe_attach(&a, "video0");
	fe_connect(&a);
	fe_stream(&a);
	fe_attach(&b, "video0");
	fe_connect(&b);
	/* b overruns its ring and kicks: b is closed, a keeps streaming. */
	((struct xen_cameraif_sring *)b.ring_page)->req_prod += 500;
	vcam_lb_notify(b.lb, VCAM_LB_FE, b.req_port);
	wait_be_state(&b, XenbusStateClosing);
	produce(1);
	assert_int_equal(fe_event(&a, &ev, 3000), 1);
	assert_int_equal(ev.type, XENCAMERA_EVT_FRAME_AVAIL);
	fe_detach(&b);
	fe_detach(&a);
}

/* ---- status: who uses the camera --------------------------------------- */

/* The newest device's name: vcamd lists the newest connection first. */
static void newest_name(char *name, size_t len)
{
	char st[8192], *p;

	status_text(st, sizeof(st));
	p = strstr(st, "\ndevice name=");
	assert_non_null(p);
	p += strlen("\ndevice name=");
	snprintf(name, len, "%.*s", (int)strcspn(p, " "), p);
}

/* The value of key on the status line that starts with `line`. */
static long long stat_of(const char *line, const char *key)
{
	char st[8192], k[64], *l, *v;

	status_text(st, sizeof(st));
	l = strstr(st, line);
	assert_non_null(l);
	l[strcspn(l, "\n")] = '\0';
	snprintf(k, sizeof(k), " %s=", key);
	v = strstr(l, k);
	assert_non_null(v);
	return atoll(v + strlen(k));
}

static long long dev_stat(const char *name, const char *key)
{
	char line[96];

	snprintf(line, sizeof(line), "device name=%s ", name);
	return stat_of(line, key);
}

static void test_status_camera_users(void **state)
{
	char st[8192], want[256], a_name[48], b_name[48];
	struct fe a, b;

	(void)state;
	fe_attach(&a, "video0");
	newest_name(a_name, sizeof(a_name));
	fe_connect(&a);
	fe_stream(&a);
	fe_attach(&b, "video0");
	newest_name(b_name, sizeof(b_name));
	fe_connect(&b);
	status_text(st, sizeof(st));
	/* the old keys stay where scripts look for them */
	assert_non_null(strstr(st, "camera path=/dev/video0 users=2 "));
	snprintf(want, sizeof(want), " devices=%s,%s streaming_devices=%s\n",
		 b_name, a_name, a_name);
	assert_non_null(strstr(st, want));
	fe_detach(&a);
	for (int i = 0; i < 300; i++) {
		status_text(st, sizeof(st));
		if (strstr(st, "users=1 "))
			break;
		usleep(10000);
	}
	snprintf(want, sizeof(want), " devices=%s streaming_devices=-\n",
		 b_name);
	assert_non_null(strstr(st, want));
	fe_detach(&b);
}

/* ---- status --json: what vcamctl shows, as JSON -------------------------- */

static int run_vcamctl(const char *args, const char *out)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "./vcamctl -S %s %s >%s", g_status, args,
		 out);
	return system(cmd);
}

/*
 * `vcamctl status --json` against the running daemon: valid JSON holding
 * every record and key of `vcamctl status`, value for value (but for the
 * times and rates that move between the two snapshots).
 */
static void test_status_json(void **state)
{
	char tp[64], jp[64], cmd[384], a_name[48];
	struct xencamera_evt ev;
	struct fe a, b;

	(void)state;
	if (system("python3 -c '' 2>/dev/null") != 0 ||
	    access("./vcamctl", X_OK) != 0)
		skip();
	fe_attach(&a, "video0");
	newest_name(a_name, sizeof(a_name));
	fe_connect(&a);
	fe_stream(&a);
	produce(1);
	assert_int_equal(fe_event(&a, &ev, 3000), 1);
	fe_attach(&b, "video0");
	fe_connect(&b);
	snprintf(tp, sizeof(tp), "/tmp/vcamd-t%d.out.txt", getpid());
	snprintf(jp, sizeof(jp), "/tmp/vcamd-t%d.out.json", getpid());
	assert_int_equal(run_vcamctl("status", tp), 0);
	assert_int_equal(run_vcamctl("status --json", jp), 0);
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", jp);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "python3 tests/status_json_check.py %s %s --volatile "
		 "uptime_s,cpu_user_ms,cpu_sys_ms,cpu_ms,cpu_us_per_frame,fps,kick_backoff_ms",
		 tp, jp);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
		 "c=d[\"cameras\"][0]; assert c[\"streaming_devices\"]==[sys.argv[2]], c; "
		 "assert len(d[\"devices\"])==2 and d[\"devices\"][1][\"frames\"]==1' %s %s",
		 jp, a_name);
	assert_int_equal(system(cmd), 0);
	/* vcamctl says when vcamd is not there: exit 1 */
	snprintf(cmd, sizeof(cmd),
		 "./vcamctl -S %s.none status --json >/dev/null 2>&1", g_status);
	assert_int_equal(WEXITSTATUS(system(cmd)), 1);
	unlink(tp);
	unlink(jp);
	fe_detach(&b);
	fe_detach(&a);
}

/* ---- limits: a second daemon with tight caps and a clock we can stop ---- */

static uint64_t g_frozen;		/* non-zero: the clock stands there */

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t test_clock(void)
{
	uint64_t f = __atomic_load_n(&g_frozen, __ATOMIC_ACQUIRE);

	return f ? f : real_ns();
}

static void clock_freeze(void)
{
	__atomic_store_n(&g_frozen, real_ns(), __ATOMIC_RELEASE);
}

static void clock_advance_ms(unsigned int ms)
{
	__atomic_add_fetch(&g_frozen, ms * 1000000ULL, __ATOMIC_ACQ_REL);
}

static void clock_thaw(void)
{
	__atomic_store_n(&g_frozen, 0, __ATOMIC_RELEASE);
}

#define TEST_RATE	100U
#define TEST_BURST	8U

static void tight_opts(struct vcamd_opts *o)
{
	o->max_spinning = 1;
	o->max_req_rate = TEST_RATE;
	o->max_req_burst = TEST_BURST;
}

static int start_limited(void **state)
{
	g_tweak_opts = tight_opts;
	/* set before the daemon thread exists; frozen or not at will */
	vcamd_now_hook = test_clock;
	return start_daemon(state);
}

static int stop_limited(void **state)
{
	int ret = stop_daemon(state);

	g_tweak_opts = NULL;
	vcamd_now_hook = NULL;
	return ret;
}

/* Wait until the device's key reaches want; fails after 3 s. */
static void wait_stat(const char *name, const char *key, long long want)
{
	int i;

	for (i = 0; i < 300 && dev_stat(name, key) < want; i++)
		usleep(10000);
	assert_int_equal(dev_stat(name, key), want);
}

static void test_kick_storm_backs_off(void **state)
{
	char a_name[48];
	struct xencamera_evt ev;
	struct xencamera_req req;
	struct xencamera_resp rsp;
	struct fe a, b;
	int i;

	(void)state;
	fe_attach(&b, "video0");
	fe_connect(&b);
	fe_stream(&b);
	fe_attach(&a, "video0");
	newest_name(a_name, sizeof(a_name));
	fe_connect(&a);
	clock_freeze();
	/* the first empty kicks are unmasked at once ... */
	for (i = 1; i <= 3; i++) {
		vcam_lb_notify(a.lb, VCAM_LB_FE, a.req_port);
		wait_stat(a_name, "spurious_kicks", i);
	}
	/* ... from the third on the port stays masked (1 ms, frozen) */
	assert_int_equal(dev_stat(a_name, "kick_backoff_ms"), 1);
	for (i = 0; i < 200; i++)
		vcam_lb_notify(a.lb, VCAM_LB_FE, a.req_port);
	usleep(100000);
	assert_int_equal(dev_stat(a_name, "spurious_kicks"), 3);
	/* the neighbour streams on */
	produce(1);
	assert_int_equal(fe_event(&b, &ev, 3000), 1);
	assert_int_equal(ev.type, XENCAMERA_EVT_FRAME_AVAIL);
	/* once due, the pile of kicks is one wake-up; the delay doubles */
	clock_advance_ms(2);
	wait_stat(a_name, "spurious_kicks", 4);
	assert_int_equal(dev_stat(a_name, "kick_backoff_ms"), 2);
	/* real work resets the back-off */
	clock_advance_ms(3);
	vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET);
	assert_int_equal(fe_call(&a, &req, &rsp), 0);
	assert_int_equal(dev_stat(a_name, "spurious_kicks"), 4);
	assert_int_equal(dev_stat(a_name, "kick_backoff_ms"), 0);
	vcam_lb_notify(a.lb, VCAM_LB_FE, a.req_port);
	wait_stat(a_name, "spurious_kicks", 5);
	assert_int_equal(dev_stat(a_name, "kick_backoff_ms"), 0);
	/* the event port, which never brings work, backs off alike */
	for (i = 6; i <= 8; i++) {
		vcam_lb_notify(a.lb, VCAM_LB_FE, a.evt_port);
		wait_stat(a_name, "spurious_kicks", i);
	}
	for (i = 0; i < 50; i++)
		vcam_lb_notify(a.lb, VCAM_LB_FE, a.evt_port);
	usleep(50000);
	assert_int_equal(dev_stat(a_name, "spurious_kicks"), 8);
	clock_thaw();
	fe_detach(&a);
	fe_detach(&b);
}

/* The daemon thread's CPU time, in ms. */
static double daemon_cpu_ms(void)
{
	struct timespec ts;
	clockid_t cid;

	assert_int_equal(pthread_getcpuclockid(g_thr, &cid), 0);
	clock_gettime(cid, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static unsigned int fe_collect(struct fe *f)
{
	unsigned int n = 0;

	while (RING_HAS_UNCONSUMED_RESPONSES(&f->ring)) {
		f->ring.rsp_cons++;
		n++;
	}
	return n;
}

static void test_request_flood_throttled(void **state)
{
	struct xencamera_req req;
	struct xencamera_resp rsp;
	unsigned int i, got = 0, got_when_b, n;
	double t0, cpu0, wall, cpu;
	char a_name[48];
	struct fe a, b;
	int notify;

	(void)state;
	fe_attach(&b, "video0");
	fe_connect(&b);
	fe_attach(&a, "video0");
	newest_name(a_name, sizeof(a_name));
	fe_connect(&a);
	/* a fills its ring: 32 requests, the burst is 8, then 100/s */
	n = RING_SIZE(&a.ring);
	vcam_req_hdr(&req, 0, XENCAMERA_OP_CONFIG_GET);
	for (i = 0; i < n; i++) {
		struct xencamera_req *q = RING_GET_REQUEST(&a.ring,
							   a.ring.req_prod_pvt);

		*q = req;
		q->id = (uint16_t)i;
		a.ring.req_prod_pvt++;
	}
	t0 = mono_ms();
	cpu0 = daemon_cpu_ms();
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&a.ring, notify);
	assert_true(notify);
	vcam_lb_notify(a.lb, VCAM_LB_FE, a.req_port);
	usleep(20000);
	/* b is served while a waits for its tokens */
	assert_int_equal(fe_call(&b, &req, &rsp), 0);
	got += fe_collect(&a);
	got_when_b = got;
	assert_true(got_when_b < n);
	while (got < n && mono_ms() - t0 < 3000) {
		vcam_lb_wait(a.lb, VCAM_LB_FE, a.req_port, 10);
		got += fe_collect(&a);
	}
	wall = mono_ms() - t0;
	cpu = daemon_cpu_ms() - cpu0;
	print_message("flood of %u at %u/s: answered in %.0f ms, daemon CPU %.1f ms\n",
		      n, TEST_RATE, wall, cpu);
	/* every request answered, at the rate, and nothing refused */
	assert_int_equal(got, n);
	assert_true(wall >= (n - TEST_BURST) * 1000.0 / TEST_RATE - 20);
	assert_int_equal(dev_stat(a_name, "errors"), 0);
	assert_true(dev_stat(a_name, "throttled") >= 1);
	/* waiting for tokens is sleeping, not polling */
	assert_true(cpu < wall / 10);
	fe_detach(&a);
	fe_detach(&b);
}

static void test_spin_admission(void **state)
{
	char a_name[48], b_name[48], c_name[48];
	struct fe a, b, c;

	(void)state;
	/* what the host asks for (frontend dir now, backend dir later) */
	fe_attach(&a, "video0");
	newest_name(a_name, sizeof(a_name));
	fe_write(&a, "notify-mode", "spin");
	assert_int_equal(vcam_lb_store_write(a.lb, VCAM_LB_FE,
					     "be/notify-mode", "spin"), 0);
	fe_connect(&a);
	fe_attach(&b, "video0");
	newest_name(b_name, sizeof(b_name));
	fe_write(&b, "notify-mode", "hybrid");
	assert_int_equal(vcam_lb_store_write(b.lb, VCAM_LB_FE,
					     "be/notify-mode", "hybrid"), 0);
	fe_connect(&b);
	assert_int_equal(stat_of("vcamd ", "spinning"), 1);
	assert_int_equal(stat_of("vcamd ", "max_spinning"), 1);
	assert_int_equal(dev_stat(a_name, "spin_capped"), 0);
	assert_int_equal(dev_stat(b_name, "spin_capped"), 1);
	{
		char st[8192], want[160];

		status_text(st, sizeof(st));
		snprintf(want, sizeof(want), "device name=%s ", a_name);
		assert_non_null(strstr(strstr(st, want), " mode=spin "));
		snprintf(want, sizeof(want), "device name=%s ", b_name);
		assert_non_null(strstr(strstr(st, want), " mode=event "));
		assert_non_null(strstr(strstr(st, want), " mode_asked=hybrid "));
	}
	/* the spinner leaves: the next device to connect may spin */
	fe_detach(&a);
	for (int i = 0; i < 300 && stat_of("vcamd ", "spinning"); i++)
		usleep(10000);
	assert_int_equal(stat_of("vcamd ", "spinning"), 0);
	fe_attach(&c, "video0");
	newest_name(c_name, sizeof(c_name));
	fe_write(&c, "notify-mode", "spin");
	assert_int_equal(vcam_lb_store_write(c.lb, VCAM_LB_FE,
					     "be/notify-mode", "spin"), 0);
	fe_connect(&c);
	assert_int_equal(dev_stat(c_name, "spin_capped"), 0);
	assert_int_equal(stat_of("vcamd ", "spinning"), 1);
	fe_detach(&c);
	fe_detach(&b);
}

/* ---- SIGHUP: the command line and its config file read again ------------ */

static char g_conf[64];
static char *g_argv[8];

static void conf_write(const char *text)
{
	FILE *f = fopen(g_conf, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* vcamd's own way in: options from argv, as vcamd.c keeps it. */
static void reload_opts(struct vcamd_opts *o)
{
	char err[256];

	snprintf(g_conf, sizeof(g_conf), "/tmp/vcamd-t%d.conf", getpid());
	snprintf(g_sock, sizeof(g_sock), "/tmp/vcamd-t%d.sock", getpid());
	snprintf(g_status, sizeof(g_status), "/tmp/vcamd-t%d.status",
		 getpid());
	conf_write("# what the test starts with\nallow = /dev/video0\n"
		   "max-pages-total = 1000\nmax-req-rate = 500\n");
	g_argv[0] = "vcamd";
	g_argv[1] = "-L";
	g_argv[2] = g_sock;
	g_argv[3] = "-S";
	g_argv[4] = g_status;
	g_argv[5] = "--config";
	g_argv[6] = g_conf;
	g_argv[7] = NULL;
	assert_int_equal(vcamd_opts_parse(o, 7, g_argv, err, sizeof(err)), 0);
	g_d.argc = 7;
	g_d.argv = g_argv;
}

static int start_reload(void **state)
{
	g_tweak_opts = reload_opts;
	return start_daemon(state);
}

static int stop_reload(void **state)
{
	int ret = stop_daemon(state);

	g_tweak_opts = NULL;
	unlink(g_conf);
	return ret;
}

/* SIGHUP to the daemon thread, then wait until it has been handled. */
static void sighup(void)
{
	long long before = stat_of("vcamd ", "reloads") +
			   stat_of("vcamd ", "reload_errors");
	int i;

	assert_int_equal(pthread_kill(g_thr, SIGHUP), 0);
	for (i = 0; i < 300; i++) {
		if (stat_of("vcamd ", "reloads") +
		    stat_of("vcamd ", "reload_errors") > before)
			return;
		usleep(10000);
	}
	fail_msg("SIGHUP not handled in 3 s");
}

/* A frame into buffer 0: queued by fe_stream() the first time. */
static void stream_one(struct fe *f, bool queue)
{
	struct xencamera_evt ev;

	if (queue)
		assert_int_equal(fe_simple(f, XENCAMERA_OP_BUF_QUEUE, 0), 0);
	produce(1);
	assert_int_equal(fe_event(f, &ev, 3000), 1);
	assert_int_equal(ev.type, XENCAMERA_EVT_FRAME_AVAIL);
}

static void test_reload_keeps_conforming_guest(void **state)
{
	char name[48], st[8192], want[96];
	struct fe f;

	(void)state;
	fe_attach(&f, "video0");
	newest_name(name, sizeof(name));
	fe_connect(&f);
	fe_stream(&f);
	stream_one(&f, false);
	assert_int_equal(stat_of("vcamd ", "max_pages_total"), 1000);
	assert_int_equal(dev_stat(name, "req_rate"), 500);

	/* New caps, same camera: the guest streams on under them. */
	conf_write("allow = /dev/video0\nmax-pages-total = 2000\n"
		   "max-req-rate = 700\n");
	sighup();
	assert_int_equal(stat_of("vcamd ", "reloads"), 1);
	assert_int_equal(stat_of("vcamd ", "max_pages_total"), 2000);
	assert_int_equal(dev_stat(name, "req_rate"), 700);
	status_text(st, sizeof(st));
	snprintf(want, sizeof(want), "device name=%s state=Connected ", name);
	assert_non_null(strstr(st, want));
	stream_one(&f, true);

	/* A file that does not parse changes nothing. */
	conf_write("allow = /dev/video0\nmax-pages-total = lots\n");
	sighup();
	assert_int_equal(stat_of("vcamd ", "reload_errors"), 1);
	assert_int_equal(stat_of("vcamd ", "max_pages_total"), 2000);
	stream_one(&f, true);

	/* The status socket stays where it is until a restart. */
	conf_write("allow = /dev/video0\nstatus-socket = /tmp/elsewhere\n");
	sighup();
	assert_int_equal(stat_of("vcamd ", "reloads"), 2);
	assert_int_equal(access("/tmp/elsewhere", F_OK), -1);
	stream_one(&f, true);
	fe_detach(&f);
}

static void test_reload_closes_disallowed_camera(void **state)
{
	char st[8192];
	struct fe f, g;

	(void)state;
	conf_write("allow = /dev/video0\n");
	sighup();
	fe_attach(&f, "video0");
	fe_connect(&f);
	fe_stream(&f);
	stream_one(&f, false);

	conf_write("allow = /dev/video7\n");
	sighup();
	/* closed as a broken device is: Closing, nothing mapped, camera shut */
	wait_be_state(&f, XenbusStateClosing);
	status_text(st, sizeof(st));
	assert_null(strstr(st, "camera path=/dev/video0"));
	assert_false(g_fc.streaming);
	fe_write(&f, "state", "6");
	wait_be_state(&f, XenbusStateClosed);
	/* and a new guest on that camera is refused */
	fe_attach(&g, "video0");
	fe_init_rings(&g);
	fe_write(&g, "state", "3");
	wait_be_state(&g, XenbusStateClosed);
	fe_detach(&g);
	fe_detach(&f);

	/* allowed again: a guest that connects now gets it */
	conf_write("allow = /dev/video0\n");
	sighup();
	fe_attach(&g, "video0");
	fe_connect(&g);
	fe_stream(&g);
	stream_one(&g, false);
	fe_detach(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_stream_close_reconnect),
		cmocka_unit_test(test_bad_config_refused),
		cmocka_unit_test(test_toolstack_detach),
		cmocka_unit_test(test_guest_copy_is_ignored),
		cmocka_unit_test(test_hybrid_never_sleeps_unarmed),
		cmocka_unit_test(test_guest_rewrites_while_connected),
		cmocka_unit_test(test_no_host_config_refused),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_corrupt_ring_spares_neighbour),
		cmocka_unit_test(test_status_camera_users),
		cmocka_unit_test(test_status_json),
	};
	const struct CMUnitTest limited[] = {
		cmocka_unit_test(test_kick_storm_backs_off),
		cmocka_unit_test(test_request_flood_throttled),
		cmocka_unit_test(test_spin_admission),
	};
	const struct CMUnitTest reload[] = {
		cmocka_unit_test(test_reload_keeps_conforming_guest),
		cmocka_unit_test(test_reload_closes_disallowed_camera),
	};
	int ret;

	ret = cmocka_run_group_tests(tests, start_daemon, stop_daemon);
	ret |= cmocka_run_group_tests_name("limits", limited, start_limited,
					   stop_limited);
	ret |= cmocka_run_group_tests_name("reload", reload, start_reload,
					   stop_reload);
	return ret;
}
