/* SPDX-License-Identifier: MIT */
/*
 * vcam's additions to cameraif v1: notification modes and the optional,
 * negotiated extensions.  Header-only so the kernel frontend and the
 * userspace backend share one definition.  See ring/PROTOCOL.md.
 */
#ifndef VCAM_EXT_H
#define VCAM_EXT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#else
#include <stdint.h>
#include <string.h>
#endif

/*
 * How a consumer learns that its peer produced something.  The mode only
 * changes what the *consumer* of a ring does; producers always honour the
 * peer's hold-off index, so a plain v1 peer interoperates in every mode.
 */
enum vcam_notify_mode {
	VCAM_NOTIFY_EVENT = 0,	/* re-arm hold-off after draining, block */
	VCAM_NOTIFY_SPIN = 1,	/* poll while streaming, never re-arm */
	VCAM_NOTIFY_HYBRID = 2,	/* poll for spin-us, then re-arm, block */
	VCAM_NOTIFY_NR
};

static const char *const vcam_notify_mode_names[VCAM_NOTIFY_NR] = {
	[VCAM_NOTIFY_EVENT] = "event",
	[VCAM_NOTIFY_SPIN] = "spin",
	[VCAM_NOTIFY_HYBRID] = "hybrid",
};

/* Returns the mode, or -1 for anything that is not exactly a mode name. */
static inline int vcam_notify_mode_parse(const char *s)
{
	int i;

	if (!s)
		return -1;
	for (i = 0; i < VCAM_NOTIFY_NR; i++)
		if (strcmp(s, vcam_notify_mode_names[i]) == 0)
			return i;
	return -1;
}

static inline const char *vcam_notify_mode_name(int mode)
{
	if (mode < 0 || mode >= VCAM_NOTIFY_NR)
		return "invalid";
	return vcam_notify_mode_names[mode];
}

/*
 * The largest camera configuration (formats/<FOURCC>/<W>x<H>/frame-rates)
 * that every vcam half accepts: the toolstack refuses to write more, and
 * the frontend and vcamd accept at least this much.
 */
#define VCAM_CFG_MAX_FOURCCS		16	/* distinct FOURCCs */
#define VCAM_CFG_MAX_MODES		64	/* (FOURCC, resolution) pairs */
#define VCAM_CFG_MAX_RATES		16	/* frame rates per mode */

/*
 * The largest frame (one buffer, all planes) either half deals with: 8K
 * RGBA is 132 MiB.  vcamd refuses to configure a buffer beyond it, the
 * frontend a layout beyond it, and it bounds the frontend's guess of a
 * compressed format's size.
 */
#define VCAM_MAX_FRAME_OCTETS		(256U << 20)

/* Frontend dir, written by the toolstack (optional): requested mode. */
#define VCAM_FIELD_NOTIFY_MODE		"notify-mode"
/* Frontend dir, written by the toolstack (optional): hybrid spin window. */
#define VCAM_FIELD_SPIN_US		"spin-us"
/* Backend dir, written by the backend: it honours the event hold-off. */
#define VCAM_FIELD_FEATURE_EVT_HOLD_OFF	"feature-evt-hold-off"
/* Frontend dir, written by the frontend at Initialised: it uses it. */
#define VCAM_FIELD_EVT_HOLD_OFF		"evt-hold-off"
/*
 * Extension "avail-dequeues": FRAME_AVAIL(i) alone hands buffer i back, as
 * if the frontend had sent BUF_DEQUEUE(i) and had its response.  Backend
 * dir (backend): it works that way; frontend dir (frontend, at
 * Initialised): it relies on it and sends no BUF_DEQUEUE per frame.
 * Without it cameraif.h's flow holds: BUF_DEQUEUE(i) after FRAME_AVAIL(i),
 * the buffer the frontend's after the response.
 */
#define VCAM_FIELD_FEATURE_AVAIL_DEQUEUES	"feature-avail-dequeues"
#define VCAM_FIELD_AVAIL_DEQUEUES		"avail-dequeues"

/*
 * Extension "in-order": the backend takes ring requests one at a time, in
 * ring order, each seeing what those before it did.  cameraif.h does not
 * say so; with it (backend dir, written by the backend) a frontend may put
 * dependent requests on the ring without waiting for each answer
 * (CONFIG_SET then BUF_GET_LAYOUT, BUF_DESTROY then BUF_CREATE of one
 * index).  Without it, one request at a time.
 */
#define VCAM_FIELD_FEATURE_IN_ORDER		"feature-in-order"

/*
 * Extension "capture-time": each FRAME_AVAIL carries the time the camera
 * captured the frame.  Backend dir (backend): it can; frontend dir
 * (frontend, at Initialised): it reads it.  Only with both does the
 * backend fill the field; otherwise those octets stay zero, as in v1.
 */
#define VCAM_FIELD_FEATURE_CAPTURE_TIME	"feature-capture-time"
#define VCAM_FIELD_CAPTURE_TIME		"capture-time"

#define VCAM_SPIN_US_DEFAULT		50U
#define VCAM_SPIN_US_MAX		1000000U
/*
 * A spinning consumer that has seen nothing for this long re-arms and
 * blocks anyway: spinning is for a live stream, not for a stalled one.
 */
#define VCAM_SPIN_IDLE_MS_DEFAULT	1000U

/*
 * Event-page hold-off (extension "evt-hold-off").  cameraif v1 gives the
 * event page no hold-off index, so a v1 backend notifies after every batch
 * of events.  When negotiated, the first 4 reserved octets of the event
 * page header are in_event: the backend notifies only when in_event lies in
 * (old in_prod, new in_prod], exactly like the ring macros' rsp_event.
 */
#define VCAM_EVT_PAGE_IN_EVENT_OFFSET	8

static inline uint32_t *vcam_evt_page_in_event(void *page)
{
	return (uint32_t *)((char *)page + VCAM_EVT_PAGE_IN_EVENT_OFFSET);
}

static inline int vcam_evt_need_notify(uint32_t old_prod, uint32_t new_prod,
				       uint32_t in_event)
{
	return (uint32_t)(new_prod - in_event) <
	       (uint32_t)(new_prod - old_prod);
}

/*
 * Capture time (extension "capture-time").  cameraif v1's FRAME_AVAIL uses
 * octets 0..19 of its 64-octet event (header 0..7, index 8, used_sz
 * 12..15, seq_num 16..19); 20..63 are reserved, written as zero and
 * ignored by v1 peers.  Octets 24..31 (8-aligned: events are 64-octet
 * slots after a 64-octet page header) hold the capture time as a uint64_t
 * in the ring's byte order (little-endian on x86 and Arm): nanoseconds of
 * CLOCK_REALTIME in the backend's domain, the one clock dom0 and every
 * guest can each read (all follow Xen's wall clock).  0: no time for this
 * frame (the camera gave none, or not negotiated).
 */
#define VCAM_EVT_CAPTURE_TIME_OFFSET	24

static inline void vcam_evt_set_capture_time(void *evt, uint64_t ns)
{
	memcpy((char *)evt + VCAM_EVT_CAPTURE_TIME_OFFSET, &ns, sizeof(ns));
}

static inline uint64_t vcam_evt_capture_time(const void *evt)
{
	uint64_t ns;

	memcpy(&ns, (const char *)evt + VCAM_EVT_CAPTURE_TIME_OFFSET,
	       sizeof(ns));
	return ns;
}

#endif /* VCAM_EXT_H */
