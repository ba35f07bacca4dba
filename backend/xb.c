// SPDX-License-Identifier: MIT
/*
 * The backend's xenbus state machine for one device, per cameraif's
 * diagrams: Initialising -> InitWait (versions and features published)
 * -> Connected once the frontend is Initialised and its ring refs,
 * event channels and configuration check out.  Frontend Closing/Closed or
 * a vanished frontend tears the connection down; a frontend that comes
 * back (Initialising, e.g. after a module reload) gets a fresh InitWait.
 * The frontend's values (ring refs, channels, version) are guest-written
 * and the configuration (xb_cfg.c) host-written: all parsed strictly, and
 * a bad one is logged and refuses the connection.
 */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "parse.h"

static const char *state_name(int s)
{
	static const char *const n[] = {
		"Unknown", "Initialising", "InitWait", "Initialised",
		"Connected", "Closing", "Closed", "Reconfiguring",
		"Reconfigured",
	};

	return s >= 0 && s <= 8 ? n[s] : "?";
}

void vcamd_xb_set_state(struct vcamd_conn *c, int state)
{
	char v[4];

	if (c->be_state == state)
		return;
	snprintf(v, sizeof(v), "%d", state);
	if (c->tp->write(c, "state", v))
		log_warn("%s: cannot write state %s", c->name,
			 state_name(state));
	log_info("%s: backend %s -> %s", c->name, state_name(c->be_state),
		 state_name(state));
	c->be_state = state;
}

void vcamd_xb_init(struct vcamd_conn *c)
{
	c->be_state = -1;
	c->tp->write(c, XENCAMERA_FIELD_BE_VERSIONS,
		     XENCAMERA_PROTOCOL_VERSION);
	c->tp->write(c, VCAM_FIELD_FEATURE_EVT_HOLD_OFF, "1");
	/* a buffer is the frontend's again with FRAME_AVAIL (core_buf.c) */
	c->tp->write(c, VCAM_FIELD_FEATURE_AVAIL_DEQUEUES, "1");
	/* core_req.c serves a ring's requests in order, a pause keeps it */
	c->tp->write(c, VCAM_FIELD_FEATURE_IN_ORDER, "1");
	c->tp->write(c, VCAM_FIELD_FEATURE_CAPTURE_TIME, "1");
	vcamd_xb_set_state(c, XenbusStateInitWait);
}

/* Read and parse a frontend value; absent is -ENOENT (caller decides). */
static int fe_u32(struct vcamd_conn *c, const char *key, uint32_t min,
		  uint32_t max, uint32_t *out)
{
	const char *why = NULL;
	char *s = c->tp->read(c, true, key);
	int ret;

	if (!s)
		return -ENOENT;
	ret = vcam_parse_u32(s, min, max, out, &why);
	if (ret)
		log_err("%s: frontend %s='%s': %s", c->name, key, s, why);
	free(s);
	return ret;
}

static int connect_dev(struct vcamd_conn *c)
{
	uint32_t req_ref, evt_ref, req_ch, evt_ch;
	const struct vcamd_xen_ops *x = c->tp->xops;
	struct vcamd_dev_cfg cfg;
	char path[VCAMD_PATH_MAX];
	char *ver;
	int ret;

	/* v1 is the only version there is: a frontend may leave it out. */
	ver = c->tp->read(c, true, XENCAMERA_FIELD_FE_VERSION);
	if (ver && strcmp(ver, XENCAMERA_PROTOCOL_VERSION)) {
		log_err("%s: frontend protocol version '%s' unsupported",
			c->name, ver);
		free(ver);
		return -EINVAL;
	}
	free(ver);
	if (fe_u32(c, XENCAMERA_FIELD_REQ_RING_REF, 1, UINT32_MAX, &req_ref) ||
	    fe_u32(c, XENCAMERA_FIELD_EVT_RING_REF, 1, UINT32_MAX, &evt_ref) ||
	    fe_u32(c, XENCAMERA_FIELD_REQ_CHANNEL, 1, UINT32_MAX, &req_ch) ||
	    fe_u32(c, XENCAMERA_FIELD_EVT_CHANNEL, 1, UINT32_MAX, &evt_ch)) {
		log_err("%s: frontend ring refs/event channels missing or bad",
			c->name);
		return -EINVAL;
	}
	ret = vcamd_xb_read_cfg(c, &cfg, path, sizeof(path));
	if (ret)
		return ret;
	c->cfg_diff_logged = false;
	vcamd_xb_check_guest_copy(c);
	vcamd_policy_connect(c, &cfg);
	c->camdev = vcamd_cam_get(c->d, path);
	if (!c->camdev)
		return -ENODEV;
	c->ring_page = x->map(c->tpctx, 1, &req_ref);
	c->evt_page = x->map(c->tpctx, 1, &evt_ref);
	if (!c->ring_page || !c->evt_page) {
		log_err("%s: cannot map ring (gref %u) or event page (gref %u)",
			c->name, req_ref, evt_ref);
		ret = -EINVAL;
		goto fail;
	}
	ret = c->tp->bind(c, req_ch, &c->req_port);
	if (ret) {
		log_err("%s: cannot bind req-event-channel %u", c->name,
			req_ch);
		goto fail;
	}
	ret = c->tp->bind(c, evt_ch, &c->evt_port);
	if (ret) {
		log_err("%s: cannot bind evt-event-channel %u", c->name,
			evt_ch);
		c->tp->unbind(c, c->req_port);
		goto fail;
	}
	vcamd_dev_init(&c->dev, c->name, x, c->tpctx, c->ring_page,
		       c->evt_page, c->req_port, c->evt_port, &cfg,
		       &c->camdev->cam);
	vcamd_trace_attach(c);
	c->connected = true;
	c->tick_frames = 0;
	c->fps = 0;
	log_info("%s: connected to %s: %s, mode %s%s%s, %u buffers max, %u modes allowed",
		 c->name, path, cfg.be_alloc ? "be-alloc" : "fe-alloc",
		 vcam_notify_mode_name(cfg.notify_mode),
		 cfg.evt_hold_off ? " +evt-hold-off" : "",
		 cfg.capture_time ? " +capture-time" : "", cfg.max_buffers,
		 cfg.nfmts);
	return 0;
fail:
	if (c->ring_page)
		x->unmap(c->tpctx, c->ring_page, 1);
	if (c->evt_page)
		x->unmap(c->tpctx, c->evt_page, 1);
	c->ring_page = c->evt_page = NULL;
	vcamd_cam_put(c->d, c->camdev);
	c->camdev = NULL;
	return ret;
}

void vcamd_xb_disconnect(struct vcamd_conn *c)
{
	const struct vcamd_xen_ops *x = c->tp->xops;
	char stats[1024];

	if (!c->connected)
		return;
	/* The counters die with the device: leave them in the log. */
	vcamd_conn_stats_text(c, stats, sizeof(stats));
	log_notice("stats %s", stats);
	vcamd_dev_fini(&c->dev);
	c->tp->unbind(c, c->req_port);
	c->tp->unbind(c, c->evt_port);
	x->unmap(c->tpctx, c->ring_page, 1);
	x->unmap(c->tpctx, c->evt_page, 1);
	c->ring_page = c->evt_page = NULL;
	vcamd_cam_put(c->d, c->camdev);
	c->camdev = NULL;
	c->connected = false;
	c->pending = false;
	log_info("%s: disconnected", c->name);
}

/*
 * The toolstack detaches a device by writing our `online` = 0 and our
 * `state` = Closing, then waits for Closed (ring/PROTOCOL.md).
 */
static bool detach_requested(struct vcamd_conn *c)
{
	char *online = c->tp->read(c, false, "online");
	char *state = c->tp->read(c, false, "state");
	bool req = false;
	int st;

	if (online && !strcmp(online, "0"))
		req = true;
	if (state && !vcamd_parse_xb_state(state, &st, NULL) &&
	    st == XenbusStateClosing && c->be_state != XenbusStateClosing &&
	    c->be_state != XenbusStateClosed)
		req = true;
	free(online);
	free(state);
	return req;
}

/* What our dir's state node says now: the toolstack writes it too. */
static int stored_be_state(struct vcamd_conn *c)
{
	char *s = c->tp->read(c, false, "state");
	int st = XenbusStateUnknown;

	if (!s || vcamd_parse_xb_state(s, &st, NULL))
		st = XenbusStateUnknown;
	free(s);
	return st;
}

void vcamd_xb_update(struct vcamd_conn *c)
{
	const char *why = NULL;
	char *s;
	int fe = XenbusStateUnknown;

	if (c->detached || detach_requested(c)) {
		if (!c->detached)
			log_info("%s: detach requested by the toolstack",
				 c->name);
		c->detached = true;
		vcamd_xb_disconnect(c);
		/*
		 * Closed over the toolstack's Closing, once: our own write
		 * comes back as a change of our dir, and writing it again
		 * every time looped for good (seen in the rig), keeping the
		 * toolstack's removal of the dirs from ever committing.
		 */
		if (stored_be_state(c) != XenbusStateClosed) {
			c->be_state = XenbusStateClosing;
			vcamd_xb_set_state(c, XenbusStateClosed);
		} else {
			/* Closed there already: so are we, not still Connected */
			c->be_state = XenbusStateClosed;
		}
		return;
	}
	s = c->tp->read(c, true, "state");

	if (s && vcamd_parse_xb_state(s, &fe, &why)) {
		log_warn("%s: frontend state '%s': %s", c->name, s, why);
		fe = XenbusStateUnknown;
	}
	free(s);

	/* Whatever changed, the guest's copy is compared again in a while. */
	if (c->connected)
		c->cfg_check_due = true;
	if (c->connected && c->dev.broken) {
		vcamd_xb_disconnect(c);
		vcamd_xb_set_state(c, XenbusStateClosing);
	}
	switch (fe) {
	case XenbusStateInitialising:
		vcamd_xb_disconnect(c);
		vcamd_xb_set_state(c, XenbusStateInitWait);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (c->connected || c->be_state != XenbusStateInitWait)
			break;
		/* A bad configuration is refused, never guessed at. */
		if (connect_dev(c) == 0)
			vcamd_xb_set_state(c, XenbusStateConnected);
		else
			vcamd_xb_set_state(c, XenbusStateClosed);
		break;
	case XenbusStateClosing:
		vcamd_xb_disconnect(c);
		if (c->be_state != XenbusStateClosed)
			vcamd_xb_set_state(c, XenbusStateClosing);
		break;
	default:	/* Closed, Unknown, gone */
		vcamd_xb_disconnect(c);
		if (c->be_state != XenbusStateInitWait)
			vcamd_xb_set_state(c, XenbusStateClosed);
		break;
	}
}
