// SPDX-License-Identifier: MIT
/*
 * vcam-xl create [xl create options] CONFIG [key=value...]
 * For hosts that do not run vcam-xl-watch: checks the config's cameras,
 * runs `xl create -p` with the same arguments, attaches the cameras while
 * the domain is paused, then unpauses it (unless -p was given) and runs
 * `xl console` if -c was given.  If attaching fails the new domain is
 * destroyed, as xl does when one of its own devices fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "domain.h"
#include "xlcmd.h"

#define XL_DEFAULT "/usr/lib/xen-4.17/bin/xl"

static void usage(FILE *f, int full)
{
	fprintf(f,
"Usage: %s create [XL-CREATE-OPTION...] CONFIG [KEY=VALUE...]\n",
		vcamts_prog);
	if (!full) {
		fprintf(f, "Try '%s --help' for more.\n", vcamts_prog);
		return;
	}
	fprintf(f,
"'xl create' with cameras, for hosts that do not run vcam-xl-watch: checks\n"
"the cameras of CONFIG's vcam = [ ... ] list and that their backend\n"
"domains exist before anything is created, runs 'xl create -p' with the\n"
"same arguments, attaches the cameras while the domain is paused, then\n"
"unpauses it and runs 'xl console' if asked to.  If attaching fails the\n"
"new domain is destroyed.  Run it in dom0, as root.  Every xl create option\n"
"is passed on to xl; these are the ones vcam-xl acts on itself:\n"
"\n"
"  -p                    leave the domain paused after attaching\n"
"  -c                    attach, unpause, then run 'xl console' (only on its\n"
"                        own, not inside a cluster such as -pc)\n"
"  -n, --dryrun          check the cameras, then only run 'xl create'\n"
"  -f, --defconfig=FILE  the config file, as xl reads it\n"
"  -F                    refused (vcam-xl attaches after xl create returns)\n"
"  -h, --help            this help\n"
"\n"
"Environment: VCAM_XL, the xl binary (default: %s\n"
"if it is there, else xl from PATH).\n"
"Exit status: 0 created with its cameras, 1 not created or destroyed\n"
"again (xl create or attaching failed), 2 bad usage or a bad camera in\n"
"CONFIG; with -c, a dry run, or no cameras in CONFIG: that of xl.\n",
		XL_DEFAULT);
}

static const char *xl_path(void)
{
	const char *env = getenv("VCAM_XL");

	if (env && *env)
		return env;
	/* the /usr/sbin/xl wrapper only picks this binary anyway */
	if (access(XL_DEFAULT, X_OK) == 0)
		return XL_DEFAULT;
	return "xl";
}

static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		vcamts_log("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", vcamts_prog, argv[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int xl_simple(const char *cmd, const char *domid)
{
	char *argv[] = { (char *)xl_path(), (char *)cmd, (char *)domid, NULL };

	return run(argv);
}

/* xl create -p ARGS, with a bare -c taken out (we attach first). */
static char **create_argv(int argc, char **argv)
{
	char **out = calloc((size_t)argc + 4, sizeof(char *));
	int i, n = 0;

	if (!out)
		return NULL;
	out[n++] = (char *)xl_path();
	out[n++] = "create";
	out[n++] = "-p";
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-c") != 0)
			out[n++] = argv[i];
	return out;
}

static int has_c_in_cluster(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] != '-' &&
		    strcmp(argv[i], "-c") != 0 && strchr(argv[i], 'c') &&
		    !strchr(argv[i], 'f'))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct vcamts_cfg cfg;
	struct vcamts_err err = { "" };
	struct vcamts_xlcmd cmd;
	struct xs_handle *xs;
	unsigned int domid, *be_ids;
	char domid_s[16];
	char **xl_argv;
	int rc;

	vcamts_cli_init(argv[0]);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout, 1);
		return 0;
	}
	if (argc < 3 || strcmp(argv[1], "create") != 0) {
		usage(stderr, 0);
		return 2;
	}
	argc -= 2;
	argv += 2;
	if (vcamts_xlcmd_parse_create_args(argc, argv, &cmd) || !cmd.file) {
		vcamts_log("cannot understand these xl create arguments (no config file?)");
		return 2;
	}
	if (cmd.foreground || has_c_in_cluster(argc, argv)) {
		vcamts_log("-F and -c inside option clusters are not supported; give -c on its own");
		return 2;
	}
	/* the whole config is checked before anything is created */
	if (vcamts_cfg_load(cmd.file, cmd.overrides, cmd.nr_overrides, cmd.file,
			    &cfg, &err)) {
		vcamts_log("%s; domain not created", err.msg);
		return 2;
	}
	if (cmd.dryrun || !cfg.nr_specs) {
		char **a = calloc((size_t)argc + 3, sizeof(char *));

		if (!a)
			return 1;
		a[0] = (char *)xl_path();
		a[1] = "create";
		memcpy(a + 2, argv, (size_t)argc * sizeof(char *));
		execvp(a[0], a);
		vcamts_log("cannot run %s: %s", a[0], strerror(errno));
		return 1;
	}
	if (!cfg.name[0]) {
		vcamts_log("%s has no name=; cannot find the new domain", cmd.file);
		return 2;
	}
	xs = vcamts_cli_xs_open();
	if (!xs)
		return 1;
	be_ids = calloc(cfg.nr_specs, sizeof(*be_ids));
	if (!be_ids ||
	    vcamts_xs_resolve_backends(xs, cfg.specs, cfg.nr_specs, be_ids,
				       &err)) {
		vcamts_log("%s; domain not created", err.msg);
		return 1;
	}
	free(be_ids);

	xl_argv = create_argv(argc, argv);
	if (!xl_argv)
		return 1;
	rc = run(xl_argv);
	if (rc != 0) {
		vcamts_log("xl create failed (%d)", rc);
		return 1;
	}
	if (vcamts_domain_resolve(xs, cfg.name, &domid, &err)) {
		vcamts_log("created, but %s", err.msg);
		return 1;
	}
	snprintf(domid_s, sizeof(domid_s), "%u", domid);
	if (vcamts_cli_attach(xs, domid, cfg.name, cfg.specs, cfg.nr_specs)) {
		vcamts_log("destroying domain %u", domid);
		xl_simple("destroy", domid_s);
		return 1;
	}
	xs_close(xs);
	if (!cmd.paused && xl_simple("unpause", domid_s) != 0) {
		vcamts_log("xl unpause %u failed", domid);
		return 1;
	}
	if (cmd.console) {
		char *a[] = { (char *)xl_path(), "console", domid_s, NULL };

		execvp(a[0], a);
		vcamts_log("cannot run xl console: %s", strerror(errno));
		return 1;
	}
	free(cmd.overrides);
	return 0;
}
