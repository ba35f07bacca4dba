// SPDX-License-Identifier: MIT
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "be_harness.h"
#include "lb_xenops.h"

static int rd_uint(struct be_harness *h, const char *key, unsigned long *v)
{
	char buf[VCAM_LB_VAL_MAX], *end;

	if (vcam_lb_store_read(h->lb, key, buf, sizeof(buf)))
		return -1;
	*v = strtoul(buf, &end, 10);
	return (end == buf || *end) ? -1 : 0;
}

static void be_state(struct be_harness *h, int st)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%d", st);
	vcam_lb_store_write(h->lb, VCAM_LB_BE, "be/state", buf);
}

static int be_connect(struct be_harness *h)
{
	unsigned long rref, rport, eref, eport, v;
	struct vcamd_dev_cfg cfg;
	uint32_t r;
	char buf[VCAM_LB_VAL_MAX];

	if (rd_uint(h, "fe/req-ring-ref", &rref) ||
	    rd_uint(h, "fe/req-event-channel", &rport) ||
	    rd_uint(h, "fe/evt-ring-ref", &eref) ||
	    rd_uint(h, "fe/evt-event-channel", &eport))
		return -1;
	if (vcam_lb_port_bind(h->lb, rport) || vcam_lb_port_bind(h->lb, eport))
		return -1;
	r = (uint32_t)rref;
	h->ring = vcam_lb_map(h->lb, VCAM_LB_BE, 1, &r);
	r = (uint32_t)eref;
	h->evt = vcam_lb_map(h->lb, VCAM_LB_BE, 1, &r);
	if (!h->ring || !h->evt)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.be_alloc = !rd_uint(h, "fe/be-alloc", &v) && v;
	cfg.evt_hold_off = !vcam_lb_store_read(h->lb, "fe/evt-hold-off", buf,
					       sizeof(buf)) &&
			   strcmp(buf, "1") == 0;
	/* as vcamd: only when it offers and the frontend says it reads them */
	cfg.capture_time = !vcam_lb_store_read(h->lb, "be/feature-capture-time",
					       buf, sizeof(buf)) &&
			   strcmp(buf, "1") == 0 &&
			   !vcam_lb_store_read(h->lb, "fe/capture-time", buf,
					       sizeof(buf)) &&
			   strcmp(buf, "1") == 0;
	cfg.notify_mode = VCAM_NOTIFY_EVENT;
	if (!vcam_lb_store_read(h->lb, "fe/notify-mode", buf, sizeof(buf)) &&
	    vcam_notify_mode_parse(buf) >= 0)
		cfg.notify_mode = vcam_notify_mode_parse(buf);
	cfg.spin_us = VCAM_SPIN_US_DEFAULT;
	cfg.max_buffers = 8;
	cfg.nctrls = 2;
	cfg.ctrls[0] = XENCAMERA_CTRL_BRIGHTNESS;
	cfg.ctrls[1] = XENCAMERA_CTRL_CONTRAST;
	cfg.lim = h->lim;
	vcamd_dev_init(&h->dev, "lbtest", &vcamd_lb_xen_ops, h->lb, h->ring,
		       h->evt, (unsigned int)rport, (unsigned int)eport, &cfg,
		       &h->cam);
	h->connected = 1;
	h->sessions++;
	return 0;
}

static void be_disconnect(struct be_harness *h)
{
	if (h->connected)
		vcamd_dev_fini(&h->dev);
	if (h->ring)
		vcam_lb_unmap(h->ring, 1);
	if (h->evt)
		vcam_lb_unmap(h->evt, 1);
	h->ring = h->evt = NULL;
	h->connected = 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void *be_main(void *arg)
{
	struct be_harness *h = arg;
	unsigned long fe, last_fe = 0;
	uint64_t next_frame = 0;
	struct pollfd pfd[2];
	int n, ret, spin;

	be_state(h, XenbusStateInitWait);
	while (!h->stop) {
		if (rd_uint(h, "fe/state", &fe))
			fe = 0;
		if (fe != last_fe) {
			if (fe == XenbusStateInitialised && !h->connected) {
				if (be_connect(h) == 0)
					be_state(h, XenbusStateConnected);
				else
					be_state(h, XenbusStateClosed);
			} else if (fe == XenbusStateClosing) {
				be_disconnect(h);
				be_state(h, XenbusStateClosing);
			} else if (fe == XenbusStateClosed) {
				be_disconnect(h);
				be_state(h, XenbusStateClosed);
				be_state(h, XenbusStateInitWait);
			}
			last_fe = fe;
		}
		spin = 0;
		if (h->connected && !h->dev.broken) {
			do {
				ret = vcamd_dev_process(&h->dev,
							VCAMD_REQ_BUDGET);
			} while (ret == 1);
			if (ret < 0) {
				/* What vcamd does: drop the frontend. */
				h->broken++;
				be_disconnect(h);
				be_state(h, XenbusStateClosing);
			}
		}
		if (h->connected && h->fc.streaming && now_ms() >= next_frame) {
			fake_cam_produce(&h->fc, 1, 0);
			vcamd_cam_pump(&h->cam);
			next_frame = now_ms() + 1;
		}
		if (h->connected)
			spin = vcamd_dev_wants_spin(&h->dev, vcamd_now_ns());
		n = 0;
		pfd[n].fd = vcam_lb_port_fd(h->lb, VCAM_LB_BE,
					    VCAM_LB_STORE_PORT);
		pfd[n++].events = POLLIN;
		if (h->connected) {
			pfd[n].fd = vcam_lb_port_fd(h->lb, VCAM_LB_BE,
						    h->dev.req_port);
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, spin ? 0 : 1) > 0) {
			vcam_lb_port_ack(h->lb, VCAM_LB_BE, VCAM_LB_STORE_PORT);
			if (h->connected)
				vcam_lb_port_ack(h->lb, VCAM_LB_BE,
						 h->dev.req_port);
		}
	}
	be_disconnect(h);
	return NULL;
}

int be_harness_start(struct be_harness *h, int be_alloc, const char *mode)
{
	return be_harness_start_lim(h, be_alloc, mode, NULL);
}

int be_harness_start_lim(struct be_harness *h, int be_alloc, const char *mode,
			 const struct vcamd_dev_limits *lim)
{
	memset(h, 0, sizeof(*h));
	if (lim)
		h->lim = *lim;
	h->lb = vcam_lb_create(VCAM_LB_MAX_PAGES);
	if (!h->lb)
		return -1;
	fake_cam_init(&h->fc);
	vcamd_cam_init(&h->cam, "fake", &fake_cam_ops, &h->fc);
	/* The toolstack's part: the frontend's configuration. */
	vcam_lb_store_write(h->lb, VCAM_LB_BE, "fe/be-alloc",
			    be_alloc ? "1" : "0");
	vcam_lb_store_write(h->lb, VCAM_LB_BE, "fe/max-buffers", "8");
	vcam_lb_store_write(h->lb, VCAM_LB_BE, "fe/unique-id", "video0");
	vcam_lb_store_write(h->lb, VCAM_LB_BE, "fe/state", "1");
	if (mode)
		vcam_lb_store_write(h->lb, VCAM_LB_BE, "fe/notify-mode", mode);
	vcam_lb_store_write(h->lb, VCAM_LB_BE, "be/versions", "1");
	vcam_lb_store_write(h->lb, VCAM_LB_BE, "be/feature-evt-hold-off", "1");
	vcam_lb_store_write(h->lb, VCAM_LB_BE, "be/feature-capture-time", "1");
	vcam_lb_store_write(h->lb, VCAM_LB_BE, "be/state", "1");
	if (pthread_create(&h->th, NULL, be_main, h)) {
		vcam_lb_destroy(h->lb);
		return -1;
	}
	return 0;
}

void be_harness_stop(struct be_harness *h)
{
	h->stop = 1;
	pthread_join(h->th, NULL);
	vcamd_cam_fini(&h->cam);
	fake_cam_fini(&h->fc);
	vcam_lb_destroy(h->lb);
}
