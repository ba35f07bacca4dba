/* SPDX-License-Identifier: MIT */
/*
 * One virtual camera as the user describes it in `vcam = [...]`, on the
 * vcam-attach command line, or in the fork's `vcamera = [[...]]` form.
 * Parsing is pure (no Xen), so every rule here is unit-tested; the
 * backend domain stays a string until attach time resolves it.
 * The syntax is documented in xenstore-scripts/README.md.
 */
#ifndef VCAMTS_SPEC_H
#define VCAMTS_SPEC_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xen/io/cameraif.h>
#include "vcam/cfgparse.h"

#include "errbuf.h"

#define VCAMTS_MAX_FORMATS	VCAM_CFG_MAX_MODES	/* (FOURCC, res) */
#define VCAMTS_MAX_RATES		VCAM_CFG_MAX_RATES	/* per entry */
#define VCAMTS_FOURCC_MAX		VCAM_FOURCC_NAME_MAX
#define VCAMTS_UNIQUE_ID_MAX	128
#define VCAMTS_DOMNAME_MAX	64
#define VCAMTS_DEVID_MAX		65535
#define VCAMTS_MAX_BUFFERS_DEFAULT 4
#define VCAMTS_DIM_MAX		VCAM_CFG_MAX_DIM	/* width, height */

struct vcamts_format {
	char fourcc[VCAMTS_FOURCC_MAX + 1];
	uint32_t width;
	uint32_t height;
	unsigned int nr_rates;
	struct vcam_rate rates[VCAMTS_MAX_RATES];
};

struct vcamts_spec {
	int devid;			/* -1: pick a free one at attach */
	char backend[VCAMTS_DOMNAME_MAX];	/* domid or domain name */
	char unique_id[VCAMTS_UNIQUE_ID_MAX];
	int be_alloc;
	unsigned int max_buffers;
	/* order matters: CTRL_ENUM index i is the i-th control */
	unsigned int nr_controls;
	int controls[XENCAMERA_MAX_CTRL];
	int notify_mode;		/* enum vcam_notify_mode */
	unsigned int spin_us;
	unsigned int nr_formats;
	struct vcamts_format formats[VCAMTS_MAX_FORMATS];
};

void vcamts_spec_init(struct vcamts_spec *spec);

/*
 * Parses a device string "key=value, key=value, ..." (vcam syntax; the
 * fork's first string is the same syntax without formats=).  With
 * @allow_no_formats the caller promises to add formats afterwards (the
 * fork's format strings); vcamts_spec_check() must then be called.
 * Returns 0, or -1 with @err naming the bad key or value; @spec is then
 * unspecified and must not be used.
 */
int vcamts_spec_parse(struct vcamts_spec *spec, const char *str,
		      struct vcamts_err *err);
int vcamts_spec_parse_partial(struct vcamts_spec *spec, const char *str,
			      struct vcamts_err *err);

/* One help line per key: "  key=VALUES  what (default)". */
void vcamts_spec_print_keys(FILE *f);

/* The fork's format string: "format=NV12, resolution=WxH, frame-rates=..". */
int vcamts_spec_add_fork_format(struct vcamts_spec *spec, const char *str,
				struct vcamts_err *err);

/* Whole-spec rules: unique-id present (no formats: read from the camera). */
int vcamts_spec_check(const struct vcamts_spec *spec, struct vcamts_err *err);

/* Longest formats= value accepted: the largest configuration, spelled out. */
#define VCAMTS_FORMATS_TEXT_MAX	16384

/* "YUYV:640x480@30/1;15/1|NV12:1280x720@10/1" appended to @spec. */
int vcamts_formats_parse(struct vcamts_spec *spec, const char *str,
			 struct vcamts_err *err);

int vcamts_spec_has_fourcc(const struct vcamts_spec *spec, const char *fourcc);
unsigned int vcamts_spec_nr_fourccs(const struct vcamts_spec *spec);

/*
 * Building blocks, exposed for the tests and for the xenstore writer.
 * Single values follow vcam/cfgparse.h, the rules the guest module and
 * vcamd read them with; what is the user's own syntax (';' between list
 * entries, white space around them) is handled here.
 */
/* A decimal in 0..max as vcam_parse_u32() reads one; 0 or -1. */
int vcamts_parse_uint(const char *s, unsigned long max, unsigned long *out);
int vcamts_fourcc_valid(const char *s);
/* "30/1,15/1": the frame-rates node value, XENCAMERA_LIST_SEPARATOR'd. */
int vcamts_format_rates_str(const struct vcamts_format *fmt, char *buf,
			    size_t len);
/* "brightness,hue": the controls node value. */
int vcamts_spec_controls_str(const struct vcamts_spec *spec, char *buf,
			     size_t len);

#endif /* VCAMTS_SPEC_H */
