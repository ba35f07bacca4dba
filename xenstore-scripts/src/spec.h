/* SPDX-License-Identifier: MIT */
/*
 * One virtual camera as the user describes it in `vcam = [...]`, on the
 * vcam-attach command line, or in the fork's `vcamera = [[...]]` form.
 * Parsing is pure (no Xen), so every rule here is unit-tested; the
 * backend domain stays a string until attach time resolves it.
 * The syntax is documented in xenstore-scripts/README.md.
 */
#ifndef VCAM_SPEC_H
#define VCAM_SPEC_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xen/io/cameraif.h>
#include "vcam/cfgparse.h"

#include "errbuf.h"

#define VCAM_MAX_FORMATS	VCAM_CFG_MAX_MODES	/* (FOURCC, res) */
#define VCAM_MAX_RATES		VCAM_CFG_MAX_RATES	/* per entry */
#define VCAM_FOURCC_MAX		VCAM_FOURCC_NAME_MAX
#define VCAM_UNIQUE_ID_MAX	128
#define VCAM_DOMNAME_MAX	64
#define VCAM_DEVID_MAX		65535
#define VCAM_MAX_BUFFERS_DEFAULT 4
#define VCAM_DIM_MAX		VCAM_CFG_MAX_DIM	/* width, height */

struct vcam_format {
	char fourcc[VCAM_FOURCC_MAX + 1];
	uint32_t width;
	uint32_t height;
	unsigned int nr_rates;
	struct vcam_rate rates[VCAM_MAX_RATES];
};

struct vcam_spec {
	int devid;			/* -1: pick a free one at attach */
	char backend[VCAM_DOMNAME_MAX];	/* domid or domain name */
	char unique_id[VCAM_UNIQUE_ID_MAX];
	int be_alloc;
	unsigned int max_buffers;
	/* order matters: CTRL_ENUM index i is the i-th control */
	unsigned int nr_controls;
	int controls[XENCAMERA_MAX_CTRL];
	int notify_mode;		/* enum vcam_notify_mode */
	unsigned int spin_us;
	unsigned int nr_formats;
	struct vcam_format formats[VCAM_MAX_FORMATS];
};

void vcam_spec_init(struct vcam_spec *spec);

/*
 * Parses a device string "key=value, key=value, ..." (vcam syntax; the
 * fork's first string is the same syntax without formats=).  With
 * @allow_no_formats the caller promises to add formats afterwards (the
 * fork's format strings); vcam_spec_check() must then be called.
 * Returns 0, or -1 with @err naming the bad key or value; @spec is then
 * unspecified and must not be used.
 */
int vcam_spec_parse(struct vcam_spec *spec, const char *str,
		    struct vcam_err *err);
int vcam_spec_parse_partial(struct vcam_spec *spec, const char *str,
			    struct vcam_err *err);

/* One help line per key: "  key=VALUES  what (default)". */
void vcam_spec_print_keys(FILE *f);

/* The fork's format string: "format=NV12, resolution=WxH, frame-rates=..". */
int vcam_spec_add_fork_format(struct vcam_spec *spec, const char *str,
			      struct vcam_err *err);

/* Whole-spec rules: unique-id present (no formats: read from the camera). */
int vcam_spec_check(const struct vcam_spec *spec, struct vcam_err *err);

/* Longest formats= value accepted: the largest configuration, spelled out. */
#define VCAM_FORMATS_TEXT_MAX	16384

/* "YUYV:640x480@30/1;15/1|NV12:1280x720@10/1" appended to @spec. */
int vcam_formats_parse(struct vcam_spec *spec, const char *str,
		       struct vcam_err *err);

int vcam_spec_has_fourcc(const struct vcam_spec *spec, const char *fourcc);
unsigned int vcam_spec_nr_fourccs(const struct vcam_spec *spec);

/*
 * Building blocks, exposed for the tests and for the xenstore writer.
 * Single values follow vcam/cfgparse.h, the rules the guest module and
 * vcamd read them with; what is the user's own syntax (';' between list
 * entries, white space around them) is handled here.
 */
/* A decimal in 0..max as vcam_parse_u32() reads one; 0 or -1. */
int vcam_parse_uint(const char *s, unsigned long max, unsigned long *out);
int vcam_fourcc_valid(const char *s);
/* "30/1,15/1": the frame-rates node value, XENCAMERA_LIST_SEPARATOR'd. */
int vcam_format_rates_str(const struct vcam_format *fmt, char *buf,
			  size_t len);
/* "brightness,hue": the controls node value. */
int vcam_spec_controls_str(const struct vcam_spec *spec, char *buf,
			   size_t len);

#endif /* VCAM_SPEC_H */
