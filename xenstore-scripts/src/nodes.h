/* SPDX-License-Identifier: MIT */
/*
 * The exact xenstore nodes one camera needs (ring/PROTOCOL.md), as a pure
 * list so the layout is unit-tested without Xen; xsops.c only writes it.
 */
#ifndef VCAM_NODES_H
#define VCAM_NODES_H

#include "spec.h"

#define VCAM_PATH_MAX	256
#define VCAM_VALUE_MAX	1024

enum vcam_side {
	VCAM_SIDE_FRONT,	/* owned by the guest, backend may read */
	VCAM_SIDE_BACK,		/* owned by the backend, guest may read */
};

struct vcam_node {
	char path[VCAM_PATH_MAX];
	char value[VCAM_VALUE_MAX];
	int is_dir;
	enum vcam_side side;
};

struct vcam_node_list {
	unsigned int nr;
	unsigned int cap;
	struct vcam_node *nodes;
};

void vcam_fe_dir(char *buf, size_t len, unsigned int fe, unsigned int devid);
void vcam_be_dir(char *buf, size_t len, unsigned int be, unsigned int fe,
		 unsigned int devid);

/*
 * Fills @out (allocates; free with vcam_nodes_free) with every directory
 * and value for @spec attached to frontend @fe, backend @be, as @devid.
 * Directories come before their contents.  Returns 0 or -1 with @err.
 */
int vcam_nodes_build(const struct vcam_spec *spec, unsigned int fe,
		     unsigned int be, unsigned int devid,
		     struct vcam_node_list *out, struct vcam_err *err);
void vcam_nodes_free(struct vcam_node_list *list);

#endif /* VCAM_NODES_H */
