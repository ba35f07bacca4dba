/* SPDX-License-Identifier: MIT */
/*
 * Finding the config a domain was created from.  xl keeps no copy of the
 * raw config (DESIGN.md §4), but the `xl create FILE [key=value...]`
 * process that built the domain stays alive as its monitor, so its
 * command line and working directory in /proc lead back to FILE.
 */
#ifndef VCAMTS_XLPROC_H
#define VCAMTS_XLPROC_H

#include <sys/types.h>

#include "cfg.h"

/*
 * Scans /proc (or @proc_root, for tests) for an `xl create` whose config
 * names domain @name.  Returns 1 and fills @out and @pid if found, 0 if
 * no such process (@err then says which xl create processes there were,
 * and why none was it), -1 with @err if the matching config has errors.
 */
int vcamts_xlproc_find(const char *proc_root, const char *name,
		       struct vcamts_cfg *out, pid_t *pid,
		       struct vcamts_err *err);

#endif /* VCAMTS_XLPROC_H */
