/* SPDX-License-Identifier: MIT */
/* What the vcam-* commands share: xenstore handle, messages, attaching. */
#ifndef VCAMTS_CLI_H
#define VCAMTS_CLI_H

#include <xenstore.h>

#include "cfg.h"
#include "xsops.h"

extern const char *vcamts_prog;

void vcamts_cli_init(const char *argv0);
struct xs_handle *vcamts_cli_xs_open(void);
/* "prog: message\n" on stderr, with a time stamp when @vcamts_log_time. */
void __attribute__((format(printf, 1, 2))) vcamts_log(const char *fmt, ...);
extern int vcamts_log_time;

/*
 * Attaches @nr specs to @fe and says what happened to each; returns
 * 0 or -1 (message already printed).
 */
int vcamts_cli_attach(struct xs_handle *xs, unsigned int fe,
		      const char *fe_name, struct vcamts_spec *specs,
		      unsigned int nr);

#endif /* VCAMTS_CLI_H */
