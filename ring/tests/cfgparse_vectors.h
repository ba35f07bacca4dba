/* SPDX-License-Identifier: MIT */
/*
 * What every vcam half must answer for a xenstore configuration value:
 * one table, run against vcam/cfgparse.h as userspace builds it and as
 * the kernel module builds it (ring/tests/Makefile: test_cfgparse and
 * test_cfgparse_kernel).  `expect` is the result rendered by
 * cfgparse_run.h, or "!" and the reason for a value that must be refused.
 * The "was:" notes name the half that used to answer differently.
 */
#ifndef VCAM_CFGPARSE_VECTORS_H
#define VCAM_CFGPARSE_VECTORS_H

enum vcam_vec_kind {
	VEC_U32,	/* a, b: min, max */
	VEC_BOOL,
	VEC_BE_ALLOC,
	VEC_MODE,
	VEC_FOURCC,
	VEC_RES,
	VEC_RATES,	/* a: max entries */
	VEC_CTRLS,
	VEC_UID,
	VEC_LIST_HAS,	/* the item is "1" */
};

struct vcam_vec {
	enum vcam_vec_kind kind;
	const char *in;		/* NULL: the node is absent */
	unsigned int a, b;
	const char *expect;
};

static const struct vcam_vec vcam_vecs[] = {
	/* Decimal numbers: no sign, no space, no leading zero, no base. */
	{ VEC_U32, "0", 0, 10, "0" },
	{ VEC_U32, "4294967295", 0, 0xffffffffU, "4294967295" },
	{ VEC_U32, "4294967296", 0, 0xffffffffU, "!number too large" },
	{ VEC_U32, "99999999999999999999", 0, 0xffffffffU, "!number too large" },
	{ VEC_U32, "", 0, 1, "!empty number" },
	{ VEC_U32, NULL, 0, 1, "!empty number" },
	{ VEC_U32, "-1", 0, 1, "!not a decimal number" },
	{ VEC_U32, "+1", 0, 1, "!not a decimal number" },
	{ VEC_U32, " 1", 0, 1, "!not a decimal number" },
	{ VEC_U32, "1 ", 0, 1, "!not a decimal number" },
	{ VEC_U32, "1\n", 0, 1, "!not a decimal number" },	/* was: kernel */
	{ VEC_U32, "4abc", 0, 10, "!not a decimal number" },	/* was: kernel */
	{ VEC_U32, "0x10", 0, 100, "!leading zero" },
	{ VEC_U32, "007", 0, 100, "!leading zero" },	/* was: toolstack */
	{ VEC_U32, "11", 0, 10, "!number out of range" },
	/* max-buffers: cameraif's uint8_t, and at least one. */
	{ VEC_U32, "255", 1, 255, "255" },
	{ VEC_U32, "0", 1, 255, "!number out of range" },
	{ VEC_U32, "256", 1, 255, "!number out of range" },

	/* The extensions' flags: "0" and "1". */
	{ VEC_BOOL, "1", 0, 0, "1" },
	{ VEC_BOOL, "0", 0, 0, "0" },
	{ VEC_BOOL, "yes", 0, 0, "!expected 0 or 1" },
	{ VEC_BOOL, "2", 0, 0, "!expected 0 or 1" },
	{ VEC_BOOL, "01", 0, 0, "!expected 0 or 1" },
	{ VEC_BOOL, "", 0, 0, "!expected 0 or 1" },

	/* be-alloc: "If value is not "1" or omitted frontend must allocate". */
	{ VEC_BE_ALLOC, "1", 0, 0, "1" },
	{ VEC_BE_ALLOC, "0", 0, 0, "0" },
	{ VEC_BE_ALLOC, "yes", 0, 0, "0" },
	{ VEC_BE_ALLOC, "2", 0, 0, "0" },
	{ VEC_BE_ALLOC, "01", 0, 0, "0" },	/* was: kernel 1 */
	{ VEC_BE_ALLOC, "1 ", 0, 0, "0" },
	{ VEC_BE_ALLOC, NULL, 0, 0, "0" },

	/* notify-mode */
	{ VEC_MODE, "event", 0, 0, "0" },
	{ VEC_MODE, "spin", 0, 0, "1" },
	{ VEC_MODE, "hybrid", 0, 0, "2" },
	{ VEC_MODE, "Spin", 0, 0,
	  "!notify-mode must be event, spin or hybrid" },
	{ VEC_MODE, "spin ", 0, 0,
	  "!notify-mode must be event, spin or hybrid" },
	{ VEC_MODE, NULL, 0, 0,
	  "!notify-mode must be event, spin or hybrid" },

	/* FOURCC: V4L2's code, spaces padding, bit 31 for -BE. */
	{ VEC_FOURCC, "YUYV", 0, 0, "56595559" },
	{ VEC_FOURCC, "Y8", 0, 0, "20203859" },
	{ VEC_FOURCC, "Y16", 0, 0, "20363159" },
	{ VEC_FOURCC, "RGB3-BE", 0, 0, "b3424752" },
	{ VEC_FOURCC, "AR15-BE", 0, 0, "b5315241" },
	{ VEC_FOURCC, "", 0, 0, "!FOURCC must be 1 to 4 characters" },
	{ VEC_FOURCC, NULL, 0, 0, "!FOURCC must be 1 to 4 characters" },
	{ VEC_FOURCC, "-BE", 0, 0,
	  "!FOURCC must be 1 to 4 characters" },	/* was: vcamd */
	{ VEC_FOURCC, "TOOLONG", 0, 0, "!FOURCC must be 1 to 4 characters" },
	{ VEC_FOURCC, "ABCDE-BE", 0, 0,
	  "!FOURCC must be 1 to 4 characters" },
	{ VEC_FOURCC, "A:B", 0, 0, "!FOURCC has a forbidden character" },
	{ VEC_FOURCC, "YU*V", 0, 0, "!FOURCC has a forbidden character" },
	/* cameraif: trailing spaces are trimmed, so no space is left */
	{ VEC_FOURCC, "A B", 0, 0,
	  "!FOURCC has a forbidden character" },	/* was: kernel */
	{ VEC_FOURCC, "Y16 ", 0, 0,
	  "!FOURCC has a forbidden character" },	/* was: kernel */
	{ VEC_FOURCC, "AB|C", 0, 0,
	  "!FOURCC has a forbidden character" },	/* was: kernel */
	{ VEC_FOURCC, "AB\x7f", 0, 0, "!FOURCC has a forbidden character" },

	/* Resolution directory names. */
	{ VEC_RES, "640x360", 0, 0, "640x360" },
	{ VEC_RES, "65535x1", 0, 0, "65535x1" },
	{ VEC_RES, "20000x20000", 0, 0, "20000x20000" }, /* was: kernel */
	{ VEC_RES, "640X360", 0, 0, "!resolution must be WxH" },
	{ VEC_RES, "0x360", 0, 0, "!resolution must be WxH, 1..65535 each" },
	{ VEC_RES, "640x", 0, 0, "!resolution must be WxH, 1..65535 each" },
	{ VEC_RES, "x1", 0, 0, "!resolution must be WxH, 1..65535 each" },
	{ VEC_RES, "99999x1", 0, 0,
	  "!resolution must be WxH, 1..65535 each" },
	{ VEC_RES, "640 x 360", 0, 0,
	  "!resolution must be WxH, 1..65535 each" },	/* was: toolstack */
	{ VEC_RES, "0640x360", 0, 0,
	  "!resolution must be WxH, 1..65535 each" },	/* was: kernel */
	{ VEC_RES, "640x360x1", 0, 0,
	  "!resolution must be WxH, 1..65535 each" },
	{ VEC_RES, NULL, 0, 0, "!resolution must be WxH" },

	/* frame-rates: XENCAMERA_LIST_SEPARATOR between N/D entries. */
	{ VEC_RATES, "30/1,15/2", 3, 0, "30/1,15/2" },
	{ VEC_RATES, "30/1,30/1", 3, 0, "30/1,30/1" },
	{ VEC_RATES, "4294967295/4294967295", 3, 0,
	  "4294967295/4294967295" },
	{ VEC_RATES, "30/0", 3, 0, "!frame rate must be N/D, both > 0" },
	{ VEC_RATES, "0/1", 3, 0, "!frame rate must be N/D, both > 0" },
	{ VEC_RATES, "30", 3, 0, "!frame rate must be N/D" },
	{ VEC_RATES, "30/1/1", 3, 0, "!frame rate must be N/D, both > 0" },
	{ VEC_RATES, "30/1,", 3, 0, "!trailing separator" },
	{ VEC_RATES, ",30/1", 3, 0,
	  "!bad frame-rates entry" },			/* was: kernel */
	{ VEC_RATES, "30/1,,15/1", 3, 0,
	  "!bad frame-rates entry" },			/* was: kernel */
	{ VEC_RATES, "30/1;15/1", 3, 0,
	  "!frame rate must be N/D, both > 0" },	/* was: kernel */
	{ VEC_RATES, "30/1, 15/1", 3, 0,
	  "!frame rate must be N/D, both > 0" },	/* was: toolstack */
	{ VEC_RATES, "+30/1", 3, 0,
	  "!frame rate must be N/D, both > 0" },	/* was: kernel */
	{ VEC_RATES, "1/1,2/1,3/1,4/1", 3, 0, "!too many frame-rates" },
	{ VEC_RATES, "", 3, 0, "!empty frame-rates" },
	{ VEC_RATES, NULL, 3, 0, "!empty frame-rates" },

	/* controls: cameraif's names, in order, none twice; "" is none. */
	{ VEC_CTRLS, "contrast,hue", 0, 0, "1,3" },
	{ VEC_CTRLS, "brightness,contrast,saturation,hue", 0, 0, "0,1,2,3" },
	{ VEC_CTRLS, "hue,brightness", 0, 0, "3,0" },
	{ VEC_CTRLS, "", 0, 0, "" },
	{ VEC_CTRLS, "hue,hue", 0, 0, "!control listed twice" },
	{ VEC_CTRLS, "gamma", 0, 0, "!unknown control name" },
	{ VEC_CTRLS, "huey", 0, 0, "!unknown control name" },
	{ VEC_CTRLS, "hue,", 0, 0, "!trailing separator" },
	{ VEC_CTRLS, ",hue", 0, 0,
	  "!unknown control name" },			/* was: kernel */
	{ VEC_CTRLS, "hue;contrast", 0, 0,
	  "!unknown control name" },			/* was: kernel */
	{ VEC_CTRLS, "hue, contrast", 0, 0,
	  "!unknown control name" },			/* was: kernel */
	{ VEC_CTRLS, " hue", 0, 0,
	  "!unknown control name" },			/* was: kernel */
	{ VEC_CTRLS, "HUE", 0, 0, "!unknown control name" },
	{ VEC_CTRLS, NULL, 0, 0, "!missing controls" },

	/* unique-id: videoN or a canonical /dev path, nothing guessed. */
	{ VEC_UID, "video0", 0, 0, "video0" },
	{ VEC_UID, "video255", 0, 0, "video255" },
	{ VEC_UID, "/dev/v4l/by-id/usb-cam_1", 0, 0, "path" },
	{ VEC_UID, "video", 0, 0, "!videoN needs N in 0..255" },
	{ VEC_UID, "video-1", 0, 0, "!videoN needs N in 0..255" },
	{ VEC_UID, "video256", 0, 0,
	  "!videoN needs N in 0..255" },		/* was: toolstack */
	{ VEC_UID, "video01", 0, 0,
	  "!videoN needs N in 0..255" },		/* was: toolstack */
	{ VEC_UID, "/dev/../etc/shadow", 0, 0,
	  "!unique-id path is not canonical" },		/* was: toolstack */
	{ VEC_UID, "/dev//video0", 0, 0, "!unique-id path is not canonical" },
	{ VEC_UID, "/dev/", 0, 0,
	  "!unique-id path is not canonical" },
	{ VEC_UID, "/etc/passwd", 0, 0,
	  "!unique-id must be videoN or /dev/..." },
	{ VEC_UID, "0", 0, 0, "!unique-id must be videoN or /dev/..." },
	{ VEC_UID, "/dev/video0;rm", 0, 0,
	  "!unique-id has a forbidden character" },	/* was: toolstack */
	{ VEC_UID, "", 0, 0, "!empty unique-id" },
	{ VEC_UID, NULL, 0, 0, "!empty unique-id" },

	/* `versions`: does the backend speak "1"? */
	{ VEC_LIST_HAS, "1", 0, 0, "1" },
	{ VEC_LIST_HAS, "2,1", 0, 0, "1" },
	{ VEC_LIST_HAS, "10,2", 0, 0, "0" },
	{ VEC_LIST_HAS, "", 0, 0, "0" },
	{ VEC_LIST_HAS, NULL, 0, 0, "0" },
};

#endif /* VCAM_CFGPARSE_VECTORS_H */
