/* SPDX-License-Identifier: MIT */
/*
 * Understanding an `xl create` command line, as found in /proc/<pid>/cmdline
 * of the process that creates (and then monitors) a domain, or as given to
 * vcam-xl.  Mirrors xl 4.17's own handling: global options before the
 * command, -f/--defconfig FILE, the first bare argument as the config file,
 * every argument containing '=' as a config override.
 */
#ifndef VCAMTS_XLCMD_H
#define VCAMTS_XLCMD_H

struct vcamts_xlcmd {
	const char *file;		/* NULL: none given */
	unsigned int nr_overrides;
	char **overrides;		/* points into the parsed argv */
	int paused;			/* -p */
	int dryrun;			/* -n / --dryrun / global -N */
	int console;			/* -c */
	int foreground;			/* -F */
};

/*
 * @argv is a whole command line: argv[0] is the xl binary (any path whose
 * last component is "xl").  Returns 0 if it is "xl [global opts] create
 * ...", filling @cmd (overrides array allocated: free @cmd->overrides);
 * -1 if it is something else.
 */
int vcamts_xlcmd_parse(int argc, char **argv, struct vcamts_xlcmd *cmd);

/*
 * Same, for the arguments after "create" only (vcam-xl's own argv).
 * Returns -1 for an argument xl would reject (e.g. -f without FILE).
 */
int vcamts_xlcmd_parse_create_args(int argc, char **argv,
				   struct vcamts_xlcmd *cmd);

#endif /* VCAMTS_XLCMD_H */
