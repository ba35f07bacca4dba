/* SPDX-License-Identifier: MIT */
/* Logging to stderr or syslog, with a threshold and rate-limited once-logs. */
#ifndef VCAMD_LOG_H
#define VCAMD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void vcamd_log_setup(bool use_syslog, int level);
int vcamd_log_level(void);
/* The threshold alone; the destination stays (a reload cannot move it). */
void vcamd_log_set_level(int level);
void vcamd_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	vcamd_log(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	vcamd_log(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	vcamd_log(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	vcamd_log(LOG_INFO, __VA_ARGS__)
#define log_dbg(...)	vcamd_log(LOG_DEBUG, __VA_ARGS__)

#endif /* VCAMD_LOG_H */
