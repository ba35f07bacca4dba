// SPDX-License-Identifier: MIT
/*
 * vcam-xl-watch [-a] [-1]: the dom0 daemon that makes `xl create` of a
 * config with vcam = [...] attach its cameras, cleans up after domains
 * that die, and gives guests their cameras back when a backend domain
 * that died comes back.
 *
 * On @introduceDomain it looks at every domain it has not seen yet, finds
 * the `xl create` process that built it (xlproc.c), reads the config the
 * way xl did, and attaches.  On @releaseDomain it notes guests suspended
 * by `xl save` or `xl migrate`, removes vcam nodes whose other end is
 * gone, and the records of guests that are gone (but not of suspended
 * ones).  After any event, and when a grace period ends, it attaches every
 * recorded camera whose guest and backend domain (by name) are alive:
 * a backend domain that came back, a guest restored or migrated in
 * (reattach.h).  Such a guest gets its cameras while it is still being
 * built: libxl writes /vm/<uuid> when it makes the domain, long before it
 * introduces it (after its memory is loaded), so /vm is watched too.  It
 * logs to stderr and never exits on a bad config.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "domain.h"
#include "reattach.h"
#include "xlproc.h"
#include "xsrecord.h"

#define TOKEN_INTRO	"vcam-intro"
#define TOKEN_RELEASE	"vcam-release"
#define TOKEN_VM	"vcam-vm"

static unsigned char seen[VCAMTS_DOMID_FIRST_RESERVED];
static struct vcamts_removals removals;

/* A backend named by a name that no domain has now: it may come later. */
static bool backend_not_up(struct xs_handle *xs, const char *backend)
{
	unsigned int id;

	return vcamts_domid_parse(backend, &id) != 0 &&
	       vcamts_domain_resolve(xs, backend, &id, NULL) != 0;
}

/*
 * Cameras whose driver domain is not running yet (host boot starting
 * guests in parallel, a driver domain being restarted) only get their
 * record: reattach.c attaches them when a domain of that name appears.
 * The rest are attached now, all or none as usual.
 */
static void attach_or_wait(struct xs_handle *xs, unsigned int domid,
			   const char *name, const struct vcamts_cfg *cfg)
{
	static struct vcamts_spec now[VCAMTS_CFG_MAX_DEVICES];
	struct vcamts_err err = { "" };
	unsigned int i, nr = 0;

	for (i = 0; i < cfg->nr_specs; i++) {
		const struct vcamts_spec *s = &cfg->specs[i];
		int rc;

		if (!backend_not_up(xs, s->backend)) {
			now[nr++] = *s;
			continue;
		}
		rc = vcamts_xs_record_pending(xs, domid, s, &err);
		if (rc < 0)
			vcamts_log("domain %s (%u): vcam device %d: %s; not attached",
				   name, domid, s->devid, err.msg);
		else
			vcamts_log("domain %s (%u): vcam device %d waits for backend domain '%s', not running now%s",
				   name, domid, s->devid, s->backend,
				   rc ? " (already recorded)" : "");
	}
	if (nr)
		vcamts_cli_attach(xs, domid, name, now, nr);
}

static void attach_from_xl(struct xs_handle *xs, unsigned int domid)
{
	static struct vcamts_cfg cfg;
	struct vcamts_err err = { "" };
	char name[128];
	pid_t pid = 0;
	int rc;

	if (vcamts_domain_name(xs, domid, name, sizeof(name)) || !name[0]) {
		vcamts_log("domain %u: no name in xenstore; skipped", domid);
		return;
	}
	rc = vcamts_xlproc_find(NULL, name, &cfg, &pid, &err);
	if (rc < 0) {
		vcamts_log("domain %s (%u): %s; no camera attached",
			   name, domid, err.msg);
		return;
	}
	if (rc == 0) {
		char uuid[VCAMTS_UUID_LEN + 1], dir[VCAMTS_RECORD_DIR_MAX], *v = NULL;

		if (vcamts_xs_domain_uuid(xs, XBT_NULL, domid, uuid,
					  sizeof(uuid)) == 0) {
			vcamts_record_uuid_dir(dir, sizeof(dir), uuid);
			v = xs_read(xs, XBT_NULL, dir, NULL);
		}
		if (v)
			vcamts_log("domain %s (%u): no xl create process (a restore or a migration): its cameras come from its records",
				   name, domid);
		else
			vcamts_log("domain %s (%u): no xl create process found (%s); not an xl-created domain?",
				   name, domid, err.msg);
		free(v);
		return;
	}
	if (!cfg.nr_specs)
		return;
	vcamts_log("domain %s (%u): %u camera(s) in the config of xl pid %d",
		   name, domid, cfg.nr_specs, (int)pid);
	attach_or_wait(xs, domid, name, &cfg);
}

/* @introduceDomain carries no domid: compare with what we have seen. */
static void scan_domains(struct xs_handle *xs, int attach)
{
	unsigned int i, n, id;
	char **ents = xs_directory(xs, XBT_NULL, "/local/domain", &n);

	for (i = 0; ents && i < n; i++) {
		if (vcamts_domid_parse(ents[i], &id) || seen[id] ||
		    !xs_is_domain_introduced(xs, id))
			continue;
		seen[id] = 1;
		if (attach && id != 0)
			attach_from_xl(xs, id);
	}
	free(ents);
}

static void forget_dead(struct xs_handle *xs)
{
	unsigned int id;

	for (id = 1; id < VCAMTS_DOMID_FIRST_RESERVED; id++)
		if (seen[id] && !xs_is_domain_introduced(xs, id))
			seen[id] = 0;
	/* before anything goes: a suspended domain is gone after the save */
	vcamts_xs_records_track_suspend(xs, vcamts_log);
	vcamts_xs_cleanup_dead(xs, vcamts_log, &removals);
	vcamts_xs_records_prune(xs, vcamts_log);
}

/* -1 if nothing is due, else poll()'s timeout in ms */
static int handle_events(struct xs_handle *xs)
{
	char **ev;

	while ((ev = xs_check_watch(xs)) != NULL) {
		if (strcmp(ev[XS_WATCH_TOKEN], TOKEN_INTRO) == 0)
			scan_domains(xs, 1);
		/*
		 * TOKEN_RELEASE, TOKEN_VM (a domain being made): the pass
		 * after every wake-up looks.
		 */
		free(ev);
	}
	return errno == EAGAIN ? 0 : -1;
}

static void usage(FILE *f, int full)
{
	fprintf(f,
"Usage: %s [-a] [-1]\n",
		vcamts_prog);
	if (!full) {
		fprintf(f, "Try '%s --help' for more.\n", vcamts_prog);
		return;
	}
	fprintf(f,
"Make a plain 'xl create' attach the cameras of the vcam = [ ... ] list in\n"
"a domain's xl config.  On @introduceDomain it finds the 'xl create'\n"
"process that built the new domain, reads the same config file with\n"
"libxlutil (with the KEY=VALUE overrides from xl's command line) and\n"
"attaches the cameras; on @releaseDomain it removes vcam xenstore nodes\n"
"whose other end is gone.  It remembers every camera it attached under\n"
"/tool/vcam/<guest UUID> (dom0 only) and attaches it again when its\n"
"backend domain comes back (same name, new domid) or the guest is\n"
"restored or migrated (same UUID, new domid).  Run it once in dom0, as\n"
"root; it stays in the foreground and logs to stderr with time stamps.\n"
"\n"
"  -a           also attach the cameras of domains that exist at start\n"
"               (by default a restarted watcher re-attaches nothing)\n"
"  -1           handle what is there now, then exit\n"
"  -h, --help   this help\n"
"\n"
"Exit status: 0 after -1, 1 xenstore cannot be reached or watched (or\n"
"the connection is lost), 2 bad usage.\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct xs_handle *xs;
	int all = 0, once = 0, opt;
	long due;

	vcamts_cli_init(argv[0]);
	vcamts_log_time = 1;
	while ((opt = getopt_long(argc, argv, "a1h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			all = 1;
			break;
		case '1':
			once = 1;
			break;
		case 'h':
			usage(stdout, 1);
			return 0;
		default:
			usage(stderr, 0);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr, 0);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	xs = vcamts_cli_xs_open();
	if (!xs)
		return 1;
	/*
	 * Domains running before we start are only attached with -a: a
	 * restarted watcher must not re-attach cameras someone detached.
	 */
	vcamts_removals_init(&removals);
	scan_domains(xs, all);
	forget_dead(xs);
	/*
	 * Recorded cameras are a different matter: they were attached and
	 * not detached, so a backend that came back while we were not
	 * running still gets them.
	 */
	due = vcamts_xs_reattach(xs, &removals, vcamts_log);
	if (once) {
		xs_close(xs);
		return 0;
	}
	if (!xs_watch(xs, "@introduceDomain", TOKEN_INTRO) ||
	    !xs_watch(xs, "@releaseDomain", TOKEN_RELEASE) ||
	    !xs_watch(xs, "/vm", TOKEN_VM)) {
		vcamts_log("cannot watch xenstore: %s", strerror(errno));
		return 1;
	}
	vcamts_log("watching for domains (pid %d)", (int)getpid());
	for (;;) {
		struct pollfd pfd = { .fd = xs_fileno(xs), .events = POLLIN };
		int timeout = due < 0 ? -1 : (int)(due < 0x7fffffff ? due : 0x7fffffff);

		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
			vcamts_log("poll: %s", strerror(errno));
			return 1;
		}
		if (handle_events(xs)) {
			vcamts_log("xenstore connection lost: %s",
				   strerror(errno));
			return 1;
		}
		/*
		 * After any event, when a grace period is over, and every
		 * second while a domain is being built: one that dies before
		 * it is introduced (a failed restore or migration) brings no
		 * @releaseDomain, and its camera's nodes must go all the same.
		 */
		forget_dead(xs);
		due = vcamts_xs_reattach(xs, &removals, vcamts_log);
	}
}
