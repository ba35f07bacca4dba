// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "xlcmd.h"

static int is_xl(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	return strcmp(base ? base + 1 : argv0, "xl") == 0;
}

/* A cluster of short create options such as "-pc" or "-fFILE". */
static int short_opts(const char *arg, int argc, char **argv, int *i,
		      struct vcamts_xlcmd *cmd)
{
	const char *p;

	for (p = arg + 1; *p; p++) {
		switch (*p) {
		case 'p':
			cmd->paused = 1;
			break;
		case 'n':
			cmd->dryrun = 1;
			break;
		case 'c':
			cmd->console = 1;
			break;
		case 'F':
			cmd->foreground = 1;
			break;
		case 'f':
			if (p[1]) {
				cmd->file = p + 1;
			} else {
				if (*i + 1 >= argc)
					return -1;
				cmd->file = argv[++*i];
			}
			return 0;
		default:
			break;	/* -d -e -q -V -A -h: no effect on vcam */
		}
	}
	return 0;
}

int vcamts_xlcmd_parse_create_args(int argc, char **argv,
				   struct vcamts_xlcmd *cmd)
{
	int only_args = 0;
	int i;

	memset(cmd, 0, sizeof(*cmd));
	cmd->overrides = calloc((size_t)argc + 1, sizeof(char *));
	if (!cmd->overrides)
		return -1;
	for (i = 0; i < argc; i++) {
		char *a = argv[i];

		if (!only_args && strcmp(a, "--") == 0) {
			only_args = 1;
		} else if (!only_args && strncmp(a, "--", 2) == 0) {
			if (strcmp(a, "--defconfig") == 0) {
				if (i + 1 >= argc)
					goto bad;
				cmd->file = argv[++i];
			} else if (strncmp(a, "--defconfig=", 12) == 0) {
				cmd->file = a + 12;
			} else if (strcmp(a, "--dryrun") == 0) {
				cmd->dryrun = 1;
			}
		} else if (!only_args && a[0] == '-' && a[1]) {
			if (short_opts(a, argc, argv, &i, cmd))
				goto bad;
		} else if (strchr(a, '=')) {
			cmd->overrides[cmd->nr_overrides++] = a;
		} else if (!cmd->file) {
			cmd->file = a;
		} else {
			goto bad;	/* xl: a second config file */
		}
	}
	return 0;
bad:
	free(cmd->overrides);
	cmd->overrides = NULL;
	return -1;
}

int vcamts_xlcmd_parse(int argc, char **argv, struct vcamts_xlcmd *cmd)
{
	int dryrun = 0;
	int i;

	memset(cmd, 0, sizeof(*cmd));
	if (argc < 2 || !is_xl(argv[0]))
		return -1;
	/* xl's global options take no argument: -v -N -t -T -f */
	for (i = 1; i < argc && argv[i][0] == '-'; i++)
		if (strchr(argv[i], 'N'))
			dryrun = 1;
	if (i >= argc || strcmp(argv[i], "create") != 0)
		return -1;
	if (vcamts_xlcmd_parse_create_args(argc - i - 1, argv + i + 1, cmd))
		return -1;
	cmd->dryrun |= dryrun;
	return 0;
}
