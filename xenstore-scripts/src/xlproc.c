// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xlcmd.h"
#include "xlproc.h"

#define CMDLINE_MAX	(64 * 1024)
#define ARGS_MAX	256

/* NUL-separated /proc/<pid>/cmdline into an argv; returns argc or -1. */
static int read_cmdline(const char *path, char *buf, size_t len,
			char **argv)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int argc = 0;
	ssize_t i;

	if (fd < 0)
		return -1;
	while ((size_t)got < len - 1 &&
	       (n = read(fd, buf + got, len - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	if (got <= 0)
		return -1;
	buf[got] = '\0';
	for (i = 0; i < got && argc < ARGS_MAX; i += (ssize_t)strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	return argc;
}

/* Config path as the xl process sees it, reachable from here. */
static int config_path(const char *proc_root, const char *pid,
		       const char *file, char *buf, size_t len)
{
	int n;

	if (file[0] == '/')
		n = snprintf(buf, len, "%s/%s/root%s", proc_root, pid, file);
	else
		n = snprintf(buf, len, "%s/%s/cwd/%s", proc_root, pid, file);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * Why an `xl create` process was not the one, added to @seen: a domain
 * that gets no camera says which processes it looked at.
 */
static void __attribute__((format(printf, 3, 4)))
note_seen(struct vcamts_err *seen, const char *pid, const char *fmt, ...)
{
	size_t used = strlen(seen->msg);
	va_list ap;
	int n;

	if (used >= sizeof(seen->msg) - 1)
		return;
	n = snprintf(seen->msg + used, sizeof(seen->msg) - used, "%s%s: ",
		     used ? "; " : "", pid);
	if (n < 0 || (size_t)n >= sizeof(seen->msg) - used)
		return;
	used += (size_t)n;
	va_start(ap, fmt);
	vsnprintf(seen->msg + used, sizeof(seen->msg) - used, fmt, ap);
	va_end(ap);
}

static int try_pid(const char *proc_root, const char *pid, const char *name,
		   struct vcamts_cfg *out, struct vcamts_err *err,
		   struct vcamts_err *seen)
{
	static char cmdline[CMDLINE_MAX];
	struct vcamts_err lerr = { "" };
	char *argv[ARGS_MAX];
	char path[4096];
	struct vcamts_xlcmd cmd;
	int argc, rc = 0;

	snprintf(path, sizeof(path), "%s/%s/cmdline", proc_root, pid);
	argc = read_cmdline(path, cmdline, sizeof(cmdline), argv);
	if (argc < 2 || vcamts_xlcmd_parse(argc, argv, &cmd))
		return 0;
	if (cmd.dryrun || !cmd.file) {
		note_seen(seen, pid, cmd.dryrun ? "a dry run" : "no config");
		goto out;
	}
	if (config_path(proc_root, pid, cmd.file, path, sizeof(path))) {
		note_seen(seen, pid, "%s: path too long", cmd.file);
		goto out;
	}
	if (vcamts_cfg_load(path, cmd.overrides, cmd.nr_overrides, cmd.file,
			    out, &lerr) == 0) {
		rc = strcmp(out->name, name) == 0;
		if (!rc)
			note_seen(seen, pid, "%s names '%s'", cmd.file,
				  out->name);
	} else if (strcmp(out->name, name) == 0) {
		*err = lerr;
		rc = -1;	/* our domain's config, and it is broken */
	} else {
		note_seen(seen, pid, "%s", lerr.msg);
	}
out:
	free(cmd.overrides);
	return rc;
}

int vcamts_xlproc_find(const char *proc_root, const char *name,
		       struct vcamts_cfg *out, pid_t *pid,
		       struct vcamts_err *err)
{
	struct vcamts_err seen = { "" };
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (!proc_root)
		proc_root = "/proc";
	d = opendir(proc_root);
	if (!d)
		return vcamts_errf(err, "%s: %s", proc_root, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		unsigned long p;

		if (vcamts_parse_uint(de->d_name, 0x7fffffff, &p))
			continue;
		rc = try_pid(proc_root, de->d_name, name, out, err, &seen);
		if (rc)
			*pid = (pid_t)p;
	}
	closedir(d);
	if (rc == 0)
		vcamts_errf(err, "xl create processes: %s",
			    seen.msg[0] ? seen.msg : "none");
	return rc;
}
