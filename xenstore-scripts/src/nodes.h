/* SPDX-License-Identifier: MIT */
/*
 * The exact xenstore nodes one camera needs (ring/PROTOCOL.md), as a pure
 * list so the layout is unit-tested without Xen; xsops.c only writes it.
 */
#ifndef VCAMTS_NODES_H
#define VCAMTS_NODES_H

#include "spec.h"

#define VCAMTS_PATH_MAX	256
#define VCAMTS_VALUE_MAX	1024

enum vcamts_side {
	VCAMTS_SIDE_FRONT,	/* owned by the guest, backend may read */
	VCAMTS_SIDE_BACK,	/* owned by the backend, guest may read */
};

struct vcamts_node {
	char path[VCAMTS_PATH_MAX];
	char value[VCAMTS_VALUE_MAX];
	int is_dir;
	enum vcamts_side side;
};

struct vcamts_node_list {
	unsigned int nr;
	unsigned int cap;
	struct vcamts_node *nodes;
};

void vcamts_fe_dir(char *buf, size_t len, unsigned int fe, unsigned int devid);
void vcamts_be_dir(char *buf, size_t len, unsigned int be, unsigned int fe,
		   unsigned int devid);

/*
 * Fills @out (allocates; free with vcamts_nodes_free) with every directory
 * and value for @spec attached to frontend @fe, backend @be, as @devid.
 * Directories come before their contents.  Returns 0 or -1 with @err.
 */
int vcamts_nodes_build(const struct vcamts_spec *spec, unsigned int fe,
		       unsigned int be, unsigned int devid,
		       struct vcamts_node_list *out, struct vcamts_err *err);
void vcamts_nodes_free(struct vcamts_node_list *list);

#endif /* VCAMTS_NODES_H */
