// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

static int try_pid(const char *proc_root, const char *pid, const char *name,
		   struct vcamts_cfg *out, struct vcamts_err *err)
{
	static char cmdline[CMDLINE_MAX];
	char *argv[ARGS_MAX];
	char path[4096];
	struct vcamts_xlcmd cmd;
	int argc, rc = 0;

	snprintf(path, sizeof(path), "%s/%s/cmdline", proc_root, pid);
	argc = read_cmdline(path, cmdline, sizeof(cmdline), argv);
	if (argc < 2 || vcamts_xlcmd_parse(argc, argv, &cmd))
		return 0;
	if (cmd.dryrun || !cmd.file ||
	    config_path(proc_root, pid, cmd.file, path, sizeof(path)))
		goto out;
	if (vcamts_cfg_load(path, cmd.overrides, cmd.nr_overrides, cmd.file,
			    out, err) == 0)
		rc = strcmp(out->name, name) == 0;
	else if (strcmp(out->name, name) == 0)
		rc = -1;	/* our domain's config, and it is broken */
out:
	free(cmd.overrides);
	return rc;
}

int vcamts_xlproc_find(const char *proc_root, const char *name,
		       struct vcamts_cfg *out, pid_t *pid,
		       struct vcamts_err *err)
{
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
		rc = try_pid(proc_root, de->d_name, name, out, err);
		if (rc)
			*pid = (pid_t)p;
	}
	closedir(d);
	return rc;
}
