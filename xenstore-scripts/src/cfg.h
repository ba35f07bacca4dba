/* SPDX-License-Identifier: MIT */
/*
 * Reading cameras out of an xl domain config with libxlutil, the parser
 * xl itself uses, so whatever xl accepts as syntax we accept too.
 */
#ifndef VCAM_CFG_H
#define VCAM_CFG_H

#include "spec.h"

#define VCAM_CFG_MAX_DEVICES	16

struct vcam_cfg {
	char name[VCAM_DOMNAME_MAX];	/* "name" of the domain, "" if none */
	unsigned int nr_specs;
	struct vcam_spec specs[VCAM_CFG_MAX_DEVICES];
};

/*
 * Parses xl config text (file contents, then any "key=value" overrides
 * as xl appends them, later assignments winning).  @source names the
 * text in messages.  Every camera is validated and given a devid
 * (explicit ones kept, the rest the lowest free, in order); on any error
 * returns -1 with @err and no specs are usable.
 */
int vcam_cfg_parse(const char *data, size_t len, const char *source,
		   struct vcam_cfg *out, struct vcam_err *err);

/*
 * Reads @path, appends @overrides ("key=value" each, as on xl's command
 * line) and parses the whole like vcam_cfg_parse().
 */
int vcam_cfg_load(const char *path, char *const *overrides,
		  unsigned int nr_overrides, const char *source,
		  struct vcam_cfg *out, struct vcam_err *err);

#endif /* VCAM_CFG_H */
