/* SPDX-License-Identifier: MIT */
/*
 * Reading cameras out of an xl domain config with libxlutil, the parser
 * xl itself uses, so whatever xl accepts as syntax we accept too.
 */
#ifndef VCAMTS_CFG_H
#define VCAMTS_CFG_H

#include "spec.h"

#define VCAMTS_CFG_MAX_DEVICES	16

struct vcamts_cfg {
	char name[VCAMTS_DOMNAME_MAX];	/* "name" of the domain, "" if none */
	unsigned int nr_specs;
	struct vcamts_spec specs[VCAMTS_CFG_MAX_DEVICES];
};

/*
 * Parses xl config text (file contents, then any "key=value" overrides
 * as xl appends them, later assignments winning).  @source names the
 * text in messages.  Every camera is validated and given a devid
 * (explicit ones kept, the rest the lowest free, in order); on any error
 * returns -1 with @err and no specs are usable.
 */
int vcamts_cfg_parse(const char *data, size_t len, const char *source,
		     struct vcamts_cfg *out, struct vcamts_err *err);

/*
 * Reads @path, appends @overrides ("key=value" each, as on xl's command
 * line) and parses the whole like vcamts_cfg_parse().
 */
int vcamts_cfg_load(const char *path, char *const *overrides,
		    unsigned int nr_overrides, const char *source,
		    struct vcamts_cfg *out, struct vcamts_err *err);

#endif /* VCAMTS_CFG_H */
