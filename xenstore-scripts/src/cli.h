/* SPDX-License-Identifier: MIT */
/* What the vcam-* commands share: xenstore handle, messages, attaching. */
#ifndef VCAM_CLI_H
#define VCAM_CLI_H

#include <xenstore.h>

#include "cfg.h"
#include "xsops.h"

extern const char *vcam_prog;

void vcam_cli_init(const char *argv0);
struct xs_handle *vcam_cli_xs_open(void);
/* "prog: message\n" on stderr, with a time stamp when @vcam_log_time. */
void __attribute__((format(printf, 1, 2))) vcam_log(const char *fmt, ...);
extern int vcam_log_time;

/*
 * Attaches @nr specs to @fe and says what happened to each; returns
 * 0 or -1 (message already printed).
 */
int vcam_cli_attach(struct xs_handle *xs, unsigned int fe, const char *fe_name,
		    struct vcam_spec *specs, unsigned int nr);

#endif /* VCAM_CLI_H */
