// SPDX-License-Identifier: MIT
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static bool log_syslog;
static int log_threshold = LOG_INFO;

void vcamd_log_setup(bool use_syslog, int level)
{
	log_syslog = use_syslog;
	log_threshold = level;
	if (use_syslog)
		openlog("vcamd", LOG_PID, LOG_DAEMON);
}

void vcamd_log_set_level(int level)
{
	log_threshold = level;
}

int vcamd_log_level(void)
{
	return log_threshold;
}

void vcamd_log(int prio, const char *fmt, ...)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice",
		"info", "debug",
	};
	va_list ap;

	if (prio > log_threshold)
		return;
	va_start(ap, fmt);
	if (log_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		fprintf(stderr, "vcamd[%ld.%03ld] %s: ", (long)ts.tv_sec,
			ts.tv_nsec / 1000000, names[prio & 7]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
