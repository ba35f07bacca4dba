// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nodes.h"
#include "vcam/ext.h"

/* XenbusStateInitialising: cameraif's toolstack creates both sides so. */
#define STATE_INITIALISING "1"

void vcamts_fe_dir(char *buf, size_t len, unsigned int fe, unsigned int devid)
{
	snprintf(buf, len, "/local/domain/%u/device/%s/%u", fe,
		 XENCAMERA_DRIVER_NAME, devid);
}

void vcamts_be_dir(char *buf, size_t len, unsigned int be, unsigned int fe,
		   unsigned int devid)
{
	snprintf(buf, len, "/local/domain/%u/backend/%s/%u/%u", be,
		 XENCAMERA_DRIVER_NAME, fe, devid);
}

static struct vcamts_node *grow(struct vcamts_node_list *l)
{
	if (l->nr == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 32;
		struct vcamts_node *n = realloc(l->nodes, cap * sizeof(*n));

		if (!n)
			return NULL;
		l->nodes = n;
		l->cap = cap;
	}
	memset(&l->nodes[l->nr], 0, sizeof(l->nodes[0]));
	return &l->nodes[l->nr++];
}

static int __attribute__((format(printf, 5, 6)))
add(struct vcamts_node_list *l, enum vcamts_side side, const char *value,
	struct vcamts_err *err, const char *pathfmt, ...)
{
	struct vcamts_node *n = grow(l);
	va_list ap;
	int len;

	if (!n)
		return vcamts_errf(err, "out of memory");
	va_start(ap, pathfmt);
	len = vsnprintf(n->path, sizeof(n->path), pathfmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(n->path))
		return vcamts_errf(err, "xenstore path too long");
	n->side = side;
	n->is_dir = value == NULL;
	if (value && snprintf(n->value, sizeof(n->value), "%s", value) >=
		     (int)sizeof(n->value))
		return vcamts_errf(err, "value for %s too long", n->path);
	return 0;
}

static int add_formats(const struct vcamts_spec *spec, const char *dir,
		       enum vcamts_side side, struct vcamts_node_list *l,
		       struct vcamts_err *err)
{
	unsigned int i, j;

	if (add(l, side, NULL, err, "%s/%s", dir, XENCAMERA_FIELD_FORMATS))
		return -1;
	for (i = 0; i < spec->nr_formats; i++) {
		const struct vcamts_format *f = &spec->formats[i];
		char rates[VCAMTS_VALUE_MAX];

		/* one directory per FOURCC, however many resolutions */
		for (j = 0; j < i; j++)
			if (strcmp(spec->formats[j].fourcc, f->fourcc) == 0)
				break;
		if (j == i && add(l, side, NULL, err, "%s/%s/%s", dir,
				  XENCAMERA_FIELD_FORMATS, f->fourcc))
			return -1;
		if (add(l, side, NULL, err, "%s/%s/%s/%u%s%u", dir,
			XENCAMERA_FIELD_FORMATS, f->fourcc, f->width,
			XENCAMERA_RESOLUTION_SEPARATOR, f->height))
			return -1;
		if (vcamts_format_rates_str(f, rates, sizeof(rates)))
			return vcamts_errf(err, "frame-rate list too long");
		if (add(l, side, rates, err, "%s/%s/%s/%u%s%u/%s", dir,
			XENCAMERA_FIELD_FORMATS, f->fourcc, f->width,
			XENCAMERA_RESOLUTION_SEPARATOR, f->height,
			XENCAMERA_FIELD_FRAME_RATES))
			return -1;
	}
	return 0;
}

/*
 * The camera's configuration under @dir.  It goes into both directories:
 * frontends read their own dir (cameraif.h), but the guest owns that one
 * and may rewrite it at will, so the backend reads only the copy in its
 * own dir, which the guest can read but not write.
 */
static int add_config(const struct vcamts_spec *spec, const char *dir,
		      enum vcamts_side side, struct vcamts_node_list *l,
		      struct vcamts_err *err)
{
	char num[16], ctrls[128], spin[16];

	if (vcamts_spec_controls_str(spec, ctrls, sizeof(ctrls)))
		return vcamts_errf(err, "controls list too long");
	snprintf(num, sizeof(num), "%u", spec->max_buffers);
	snprintf(spin, sizeof(spin), "%u", spec->spin_us);
	if (add(l, side, spec->unique_id, err, "%s/%s", dir,
		XENCAMERA_FIELD_UNIQUE_ID) ||
	    add(l, side, num, err, "%s/%s", dir,
		XENCAMERA_FIELD_MAX_BUFFERS) ||
	    add(l, side, ctrls, err, "%s/%s", dir, XENCAMERA_FIELD_CONTROLS) ||
	    add(l, side, spec->be_alloc ? "1" : "0", err, "%s/%s", dir,
		XENCAMERA_FIELD_BE_ALLOC) ||
	    add(l, side, vcam_notify_mode_name(spec->notify_mode), err,
		"%s/%s", dir, VCAM_FIELD_NOTIFY_MODE) ||
	    add(l, side, spin, err, "%s/%s", dir, VCAM_FIELD_SPIN_US))
		return -1;
	return add_formats(spec, dir, side, l, err);
}

int vcamts_nodes_build(const struct vcamts_spec *spec, unsigned int fe,
		       unsigned int be, unsigned int devid,
		       struct vcamts_node_list *out, struct vcamts_err *err)
{
	const enum vcamts_side F = VCAMTS_SIDE_FRONT, B = VCAMTS_SIDE_BACK;
	char fe_dir[VCAMTS_PATH_MAX], be_dir[VCAMTS_PATH_MAX];
	char num[16];

	memset(out, 0, sizeof(*out));
	if (err)
		err->msg[0] = '\0';
	vcamts_fe_dir(fe_dir, sizeof(fe_dir), fe, devid);
	vcamts_be_dir(be_dir, sizeof(be_dir), be, fe, devid);

	if (add(out, F, NULL, err, "%s", fe_dir) ||
	    add(out, F, be_dir, err, "%s/backend", fe_dir))
		goto fail;
	snprintf(num, sizeof(num), "%u", be);
	if (add(out, F, num, err, "%s/backend-id", fe_dir) ||
	    add(out, F, STATE_INITIALISING, err, "%s/state", fe_dir) ||
	    add_config(spec, fe_dir, F, out, err))
		goto fail;

	if (add(out, B, NULL, err, "%s", be_dir) ||
	    add(out, B, fe_dir, err, "%s/frontend", be_dir))
		goto fail;
	snprintf(num, sizeof(num), "%u", fe);
	if (add(out, B, num, err, "%s/frontend-id", be_dir) ||
	    add(out, B, STATE_INITIALISING, err, "%s/state", be_dir) ||
	    add(out, B, "1", err, "%s/online", be_dir) ||
	    add_config(spec, be_dir, B, out, err))
		goto fail;
	return 0;
fail:
	if (!err || !err->msg[0])
		vcamts_errf(err, "cannot build xenstore nodes");
	vcamts_nodes_free(out);
	return -1;
}

void vcamts_nodes_free(struct vcamts_node_list *list)
{
	free(list->nodes);
	memset(list, 0, sizeof(*list));
}
