// SPDX-License-Identifier: MIT
/*
 * Only the paths this file builds itself are ever written or removed:
 * the frontend dir belongs to the guest, so nothing read from it (such as
 * its "backend" node) is trusted to name a path.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>
#include <xen/io/xenbus.h>

#include "domain.h"
#include "nodes.h"
#include "probe.h"
#include "xsops.h"
#include "xsrecord.h"

#define TXN_TRIES	32

/* dir/node; our dirs are far shorter than VCAMTS_PATH_MAX, so it fits */
static void subpath(char *buf, size_t len, const char *dir, const char *node)
{
	if (snprintf(buf, len, "%s/%s", dir, node) >= (int)len)
		buf[0] = '\0';
}

static bool node_exists(struct xs_handle *xs, xs_transaction_t t,
			const char *path)
{
	char *v = xs_read(xs, t, path, NULL);

	free(v);
	return v != NULL;
}

/* Reads a small decimal node; -1 if absent or not a number. */
static long read_num(struct xs_handle *xs, xs_transaction_t t,
		     const char *path)
{
	unsigned long n;
	char *v = xs_read(xs, t, path, NULL);
	long r = -1;

	if (v && vcamts_parse_uint(v, 0x7fffffff, &n) == 0)
		r = (long)n;
	free(v);
	return r;
}

int vcamts_xs_resolve_backends(struct xs_handle *xs,
			       const struct vcamts_spec *specs, unsigned int nr,
			       unsigned int *be_ids, struct vcamts_err *err)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (vcamts_domain_resolve(xs, specs[i].backend, &be_ids[i],
					  err)) {
			vcamts_err_prefix(err, "backend of camera %u: ", i);
			return -1;
		}
	}
	return 0;
}

/*
 * A camera given without formats= offers the guest every mode it has.
 * Those can only be read where the camera is, so this needs the backend
 * to be the domain running the tool; anywhere else the user must list them.
 */
static int fill_missing_formats(struct xs_handle *xs, struct vcamts_spec *specs,
				unsigned int nr, const unsigned int *be_ids,
				struct vcamts_err *err)
{
	long self = -1;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (specs[i].nr_formats)
			continue;
		if (self < 0)
			self = read_num(xs, XBT_NULL, "domid");
		if (self < 0 || be_ids[i] != (unsigned long)self)
			return vcamts_errf(err,
				"camera %u: formats= is required: its backend is domain %u, and only that domain can read the camera",
				i, be_ids[i]);
		if (vcamts_probe_device(&specs[i], err)) {
			vcamts_err_prefix(err, "camera %u: ", i);
			return -1;
		}
	}
	return 0;
}

static int write_nodes(struct xs_handle *xs, xs_transaction_t t,
		       const struct vcamts_node_list *l, unsigned int fe,
		       unsigned int be, struct vcamts_err *err)
{
	/* libxl's convention: owner full access, the other end read-only */
	struct xs_permissions fe_perms[2] = {
		{ .id = fe, .perms = XS_PERM_NONE },
		{ .id = be, .perms = XS_PERM_READ },
	};
	struct xs_permissions be_perms[2] = {
		{ .id = be, .perms = XS_PERM_NONE },
		{ .id = fe, .perms = XS_PERM_READ },
	};
	unsigned int nperms = fe == be ? 1 : 2;
	unsigned int i;

	for (i = 0; i < l->nr; i++) {
		const struct vcamts_node *n = &l->nodes[i];
		bool ok;

		if (n->is_dir)
			ok = xs_mkdir(xs, t, n->path);
		else
			ok = xs_write(xs, t, n->path, n->value,
				      (unsigned int)strlen(n->value));
		if (ok)
			ok = xs_set_permissions(xs, t, n->path,
				n->side == VCAMTS_SIDE_FRONT ? fe_perms :
							     be_perms, nperms);
		if (!ok)
			return vcamts_errf(err, "writing %s: %s", n->path,
					   strerror(errno));
	}
	return 0;
}

static bool devid_free(struct xs_handle *xs, xs_transaction_t t,
		       unsigned int fe, int devid, const int *chosen,
		       unsigned int nr_chosen)
{
	char path[VCAMTS_PATH_MAX];
	unsigned int i;

	for (i = 0; i < nr_chosen; i++)
		if (chosen[i] == devid)
			return false;
	vcamts_fe_dir(path, sizeof(path), fe, (unsigned int)devid);
	return !node_exists(xs, t, path);
}

/*
 * The record that lets the watcher attach this camera again when its
 * backend domain comes back: the backend by name, since that is all a
 * re-created domain keeps.
 */
static int remember_camera(struct xs_handle *xs, xs_transaction_t t,
			   const char *uuid, const struct vcamts_spec *spec,
			   int devid, unsigned int be, struct vcamts_err *err)
{
	static struct vcamts_spec copy;	/* ~10 KiB: not on the stack */
	char path[VCAMTS_PATH_MAX], id[16];
	char *name;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/name", be);
	name = xs_read(xs, t, path, NULL);
	/* a nameless domain (not libxl's) can only be named by its id */
	snprintf(id, sizeof(id), "%u", be);
	copy = *spec;
	copy.devid = devid;
	rc = vcamts_xs_record_write(xs, t, uuid, &copy,
				    name && *name ? name : id, err);
	free(name);
	return rc;
}

/*
 * One try of the attach transaction.  Returns 0 when committed, 1 to
 * retry (EAGAIN), -1 on error (transaction aborted).
 */
static int attach_once(struct xs_handle *xs, unsigned int fe,
		       const struct vcamts_spec *specs, unsigned int nr,
		       const unsigned int *be_ids, int *devids,
		       enum vcamts_attach_result *results,
		       struct vcamts_err *err)
{
	char path[VCAMTS_PATH_MAX], uuid[VCAMTS_UUID_LEN + 1];
	xs_transaction_t t;
	bool remember;
	unsigned int i;

	t = xs_transaction_start(xs);
	if (t == XBT_NULL)
		return vcamts_errf(err, "xenstore transaction: %s",
				   strerror(errno));
	/*
	 * Reading the domains' directories inside the transaction makes a
	 * concurrent removal (domain destroyed) conflict with our commit,
	 * so we either see the domain gone and write nothing, or commit
	 * first and the toolstack's removal, or our @releaseDomain cleanup,
	 * takes our nodes with it.
	 */
	snprintf(path, sizeof(path), "/local/domain/%u", fe);
	if (!node_exists(xs, t, path)) {
		vcamts_errf(err, "domain %u is gone", fe);
		goto abort;
	}
	for (i = 0; i < nr; i++) {
		snprintf(path, sizeof(path), "/local/domain/%u", be_ids[i]);
		if (!node_exists(xs, t, path)) {
			vcamts_errf(err, "backend domain %u is gone",
				    be_ids[i]);
			goto abort;
		}
	}
	/* a domain libxl did not make has no UUID: nothing to key a record */
	remember = vcamts_xs_domain_uuid(xs, t, fe, uuid, sizeof(uuid)) == 0;
	for (i = 0; i < nr; i++) {
		struct vcamts_node_list l;
		int devid = specs[i].devid;

		if (devid < 0) {
			devid = 0;
			while (devid <= VCAMTS_DEVID_MAX &&
			       !devid_free(xs, t, fe, devid, devids, i))
				devid++;
			if (devid > VCAMTS_DEVID_MAX) {
				vcamts_errf(err, "no free devid");
				goto abort;
			}
		}
		devids[i] = devid;
		vcamts_fe_dir(path, sizeof(path), fe, (unsigned int)devid);
		if (node_exists(xs, t, path)) {
			results[i] = VCAMTS_ALREADY;
			continue;
		}
		results[i] = VCAMTS_ATTACHED;
		/* a backend dir without frontend is a leftover: replace it */
		vcamts_be_dir(path, sizeof(path), be_ids[i], fe,
			      (unsigned int)devid);
		if (!xs_rm(xs, t, path) && errno != ENOENT) {
			vcamts_errf(err, "removing stale %s: %s", path,
				    strerror(errno));
			goto abort;
		}
		if (vcamts_nodes_build(&specs[i], fe, be_ids[i],
				       (unsigned int)devid, &l, err))
			goto abort;
		if (write_nodes(xs, t, &l, fe, be_ids[i], err)) {
			vcamts_nodes_free(&l);
			goto abort;
		}
		vcamts_nodes_free(&l);
		if (remember && remember_camera(xs, t, uuid, &specs[i], devid,
						be_ids[i], err))
			goto abort;
	}
	if (xs_transaction_end(xs, t, false))
		return 0;
	if (errno == EAGAIN)
		return 1;
	return vcamts_errf(err, "xenstore commit: %s", strerror(errno));
abort:
	xs_transaction_end(xs, t, true);
	return -1;
}

int vcamts_xs_attach(struct xs_handle *xs, unsigned int fe,
		     struct vcamts_spec *specs, unsigned int nr,
		     enum vcamts_attach_result *results, struct vcamts_err *err)
{
	unsigned int *be_ids;
	int *devids;
	int rc = -1, tries;
	unsigned int i;

	if (!vcamts_domain_alive(xs, fe))
		return vcamts_errf(err, "domain %u is not running", fe);
	be_ids = calloc(nr + 1, sizeof(*be_ids));
	devids = calloc(nr + 1, sizeof(*devids));
	if (!be_ids || !devids) {
		vcamts_errf(err, "out of memory");
		goto out;
	}
	if (vcamts_xs_resolve_backends(xs, specs, nr, be_ids, err))
		goto out;
	if (fill_missing_formats(xs, specs, nr, be_ids, err))
		goto out;
	for (tries = 0; tries < TXN_TRIES; tries++) {
		rc = attach_once(xs, fe, specs, nr, be_ids, devids, results,
				 err);
		if (rc <= 0)
			break;
	}
	if (rc > 0)
		rc = vcamts_errf(err, "xenstore kept conflicting; gave up");
	if (rc == 0)
		for (i = 0; i < nr; i++)
			specs[i].devid = devids[i];
out:
	free(be_ids);
	free(devids);
	return rc;
}

/* Every /local/domain/<be>/backend/vcamera/<fe>/<devid> that exists. */
static int find_backends(struct xs_handle *xs, unsigned int fe,
			 unsigned int devid, unsigned int *be_ids,
			 unsigned int max)
{
	char path[VCAMTS_PATH_MAX];
	unsigned int i, n, found = 0, id;
	char **ents = xs_directory(xs, XBT_NULL, "/local/domain", &n);

	for (i = 0; ents && i < n && found < max; i++) {
		if (vcamts_domid_parse(ents[i], &id))
			continue;
		vcamts_be_dir(path, sizeof(path), id, fe, devid);
		if (node_exists(xs, XBT_NULL, path))
			be_ids[found++] = id;
	}
	free(ents);
	return (int)found;
}

/* 0 once @path reads Closed or is gone, -1 on timeout. */
static int wait_closed(struct xs_handle *xs, const char *path,
		       unsigned int timeout_ms)
{
	long deadline = vcamts_monotonic_ms() + timeout_ms;
	const char *token = "vcam-detach";
	int rc = -1;

	if (!xs_watch(xs, path, token))
		return -1;
	for (;;) {
		struct pollfd pfd = { .fd = xs_fileno(xs), .events = POLLIN };
		long state = read_num(xs, XBT_NULL, path);
		long left = deadline - vcamts_monotonic_ms();
		char **ev;

		if (state < 0 || state == XenbusStateClosed) {
			rc = 0;
			break;
		}
		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			break;
		while ((ev = xs_check_watch(xs)) != NULL)
			free(ev);
	}
	xs_unwatch(xs, path, token);
	return rc;
}

static void rm_if_empty(struct xs_handle *xs, xs_transaction_t t,
			const char *path)
{
	unsigned int n = 1;
	char **ents = xs_directory(xs, t, path, &n);

	if (ents && n == 0)
		xs_rm(xs, t, path);
	free(ents);
}

/*
 * Removes the device's dirs; with @forget also its record, so that the
 * watcher does not bring the camera back (a detach).  Without, the record
 * stays (a backend that died: it may come back).
 */
static int remove_dirs(struct xs_handle *xs, unsigned int fe,
		       unsigned int devid, const unsigned int *be_ids,
		       unsigned int nr_be, bool forget, struct vcamts_err *err)
{
	char path[VCAMTS_PATH_MAX], uuid[VCAMTS_UUID_LEN + 1];
	int tries;

	for (tries = 0; tries < TXN_TRIES; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);
		unsigned int i;

		if (t == XBT_NULL)
			return vcamts_errf(err, "xenstore transaction: %s",
					   strerror(errno));
		vcamts_fe_dir(path, sizeof(path), fe, devid);
		xs_rm(xs, t, path);
		snprintf(path, sizeof(path), "/local/domain/%u/device/%s", fe,
			 XENCAMERA_DRIVER_NAME);
		rm_if_empty(xs, t, path);
		for (i = 0; i < nr_be; i++) {
			vcamts_be_dir(path, sizeof(path), be_ids[i], fe, devid);
			xs_rm(xs, t, path);
			snprintf(path, sizeof(path),
				 "/local/domain/%u/backend/%s/%u", be_ids[i],
				 XENCAMERA_DRIVER_NAME, fe);
			rm_if_empty(xs, t, path);
		}
		if (forget && vcamts_xs_domain_uuid(xs, t, fe, uuid,
						    sizeof(uuid)) == 0)
			vcamts_xs_record_remove(xs, t, uuid, devid);
		if (xs_transaction_end(xs, t, false))
			return 0;
		if (errno != EAGAIN)
			return vcamts_errf(err, "xenstore commit: %s",
					   strerror(errno));
	}
	return vcamts_errf(err, "xenstore kept conflicting; gave up");
}

static bool needs_close(long state)
{
	return state > XenbusStateInitialising && state != XenbusStateClosed;
}

int vcamts_xs_detach(struct xs_handle *xs, unsigned int fe, unsigned int devid,
		     unsigned int timeout_ms, struct vcamts_err *err)
{
	char fe_dir[VCAMTS_PATH_MAX], be_dir[VCAMTS_PATH_MAX];
	char path[VCAMTS_PATH_MAX];
	unsigned int be_ids[8];
	int nr_be = find_backends(xs, fe, devid, be_ids, 8);
	bool fe_exists;
	long fe_state, be_state = -1;
	int forced = 0;

	vcamts_fe_dir(fe_dir, sizeof(fe_dir), fe, devid);
	fe_exists = node_exists(xs, XBT_NULL, fe_dir);
	if (!fe_exists && nr_be == 0) {
		char uuid[VCAMTS_UUID_LEN + 1];

		/* its backend domain is down: forget it, it stays away */
		if (vcamts_xs_domain_uuid(xs, XBT_NULL, fe, uuid,
					  sizeof(uuid)) == 0 &&
		    vcamts_xs_record_exists(xs, XBT_NULL, uuid, devid))
			return remove_dirs(xs, fe, devid, NULL, 0, true, err);
		return vcamts_errf(err, "domain %u has no vcam device %u", fe,
				   devid);
	}
	subpath(path, sizeof(path), fe_dir, "state");
	fe_state = read_num(xs, XBT_NULL, path);
	if (nr_be > 0) {
		vcamts_be_dir(be_dir, sizeof(be_dir), be_ids[0], fe, devid);
		subpath(path, sizeof(path), be_dir, "state");
		be_state = read_num(xs, XBT_NULL, path);
	}
	/*
	 * Nobody connected (both still Initialising, or already Closed):
	 * nothing to shut down, remove straight away.  Otherwise tell both
	 * ends, as libxl does for its PV devices, and give them time.
	 */
	if (nr_be > 0 && (needs_close(be_state) || needs_close(fe_state))) {
		xs_transaction_t t = xs_transaction_start(xs);
		char num[4];

		snprintf(num, sizeof(num), "%d", XenbusStateClosing);
		subpath(path, sizeof(path), be_dir, "online");
		xs_write(xs, t, path, "0", 1);
		subpath(path, sizeof(path), be_dir, "state");
		xs_write(xs, t, path, num, (unsigned int)strlen(num));
		if (fe_exists && fe_state != XenbusStateClosed) {
			subpath(path, sizeof(path), fe_dir, "state");
			xs_write(xs, t, path, num, (unsigned int)strlen(num));
		}
		xs_transaction_end(xs, t, false);
		subpath(path, sizeof(path), be_dir, "state");
		if (wait_closed(xs, path, timeout_ms))
			forced = 1;
	}
	if (remove_dirs(xs, fe, devid, be_ids, (unsigned int)nr_be, true,
			err))
		return -1;
	return forced;
}

/* Guest-written text goes to a terminal: printable and bounded only. */
static void sanitize(char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		if (i == max) {
			s[i] = '\0';
			break;
		}
		if (!isprint((unsigned char)s[i]))
			s[i] = '?';
	}
}

static char *read_text(struct xs_handle *xs, const char *dir,
		       const char *node, char *buf, size_t len)
{
	char path[VCAMTS_PATH_MAX];
	char *v = NULL;

	subpath(path, sizeof(path), dir, node);
	if (dir[0] == '/')	/* "-": no such dir */
		v = xs_read(xs, XBT_NULL, path, NULL);
	snprintf(buf, len, "%s", v ? v : "-");
	free(v);
	sanitize(buf, len - 1);
	return buf;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/*
 * Recorded cameras the guest does not have now: their backend domain died
 * and the watcher gives them back when it is there again.
 */
static void list_waiting(struct xs_handle *xs, unsigned int fe, FILE *out)
{
	static struct vcamts_spec spec;	/* ~10 KiB: not on the stack */
	char path[VCAMTS_PATH_MAX], uuid[VCAMTS_UUID_LEN + 1];
	unsigned int i, n;
	char **ents;

	if (vcamts_xs_domain_uuid(xs, XBT_NULL, fe, uuid, sizeof(uuid)))
		return;
	vcamts_record_uuid_dir(path, sizeof(path), uuid);
	ents = xs_directory(xs, XBT_NULL, path, &n);
	for (i = 0; ents && i < n; i++) {
		struct vcamts_err err;
		unsigned long devid;

		if (vcamts_parse_uint(ents[i], VCAMTS_DEVID_MAX, &devid))
			continue;
		vcamts_fe_dir(path, sizeof(path), fe, (unsigned int)devid);
		if (node_exists(xs, XBT_NULL, path) ||
		    vcamts_xs_record_read(xs, uuid, (unsigned int)devid, &spec,
					  &err))
			continue;
		fprintf(out, "%-6lu %-4s %-6s %-8s %-16s %-7s %-8d (waiting for backend domain '%s')\n",
			devid, "-", "-", "-", spec.unique_id,
			vcam_notify_mode_name(spec.notify_mode), spec.be_alloc,
			spec.backend);
	}
	free(ents);
}

int vcamts_xs_list(struct xs_handle *xs, unsigned int fe, FILE *out,
		   struct vcamts_err *err)
{
	char dir[VCAMTS_PATH_MAX];
	unsigned int i, n = 0, nr = 0;
	unsigned int *ids;
	char **ents;

	snprintf(dir, sizeof(dir), "/local/domain/%u/device/%s", fe,
		 XENCAMERA_DRIVER_NAME);
	ents = xs_directory(xs, XBT_NULL, dir, &n);
	if (!ents)
		n = 0;
	ids = calloc(n + 1, sizeof(*ids));
	if (!ids) {
		free(ents);
		return vcamts_errf(err, "out of memory");
	}
	for (i = 0; i < n; i++) {
		unsigned long v;

		if (vcamts_parse_uint(ents[i], VCAMTS_DEVID_MAX, &v) == 0)
			ids[nr++] = (unsigned int)v;
	}
	free(ents);
	qsort(ids, nr, sizeof(*ids), cmp_uint);
	fprintf(out, "%-6s %-4s %-6s %-8s %-16s %-7s %-8s %s\n", "Devid",
		"BE", "State", "BE-state", "Unique-id", "Mode", "BE-alloc",
		"BE-path");
	for (i = 0; i < nr; i++) {
		char fe_dir[VCAMTS_PATH_MAX], be_dir[VCAMTS_PATH_MAX];
		char be[16], state[8], be_state[8], uid[64], mode[16];
		char alloc[8];
		unsigned int be_id;

		vcamts_fe_dir(fe_dir, sizeof(fe_dir), fe, ids[i]);
		/*
		 * What the camera is comes from the backend dir, the host's
		 * copy: the guest may have rewritten its own.  The backend is
		 * found by looking, not by the guest's backend-id.
		 */
		if (find_backends(xs, fe, ids[i], &be_id, 1) == 1) {
			snprintf(be, sizeof(be), "%u", be_id);
			vcamts_be_dir(be_dir, sizeof(be_dir), be_id, fe,
				      ids[i]);
		} else {
			snprintf(be, sizeof(be), "-");
			snprintf(be_dir, sizeof(be_dir), "-");
		}
		fprintf(out, "%-6u %-4s %-6s %-8s %-16s %-7s %-8s %s\n",
			ids[i], be,
			read_text(xs, fe_dir, "state", state, sizeof(state)),
			read_text(xs, be_dir, "state", be_state,
				  sizeof(be_state)),
			read_text(xs, be_dir, XENCAMERA_FIELD_UNIQUE_ID, uid,
				  sizeof(uid)),
			read_text(xs, be_dir, VCAM_FIELD_NOTIFY_MODE, mode,
				  sizeof(mode)),
			read_text(xs, be_dir, XENCAMERA_FIELD_BE_ALLOC, alloc,
				  sizeof(alloc)),
			be_dir);
	}
	free(ids);
	list_waiting(xs, fe, out);
	return 0;
}

static int cleanup_backend_side(struct xs_handle *xs, unsigned int be,
				void (*log)(const char *fmt, ...))
{
	char path[VCAMTS_PATH_MAX];
	unsigned int i, n, fe;
	char **ents;
	int removed = 0;

	snprintf(path, sizeof(path), "/local/domain/%u/backend/%s", be,
		 XENCAMERA_DRIVER_NAME);
	ents = xs_directory(xs, XBT_NULL, path, &n);
	for (i = 0; ents && i < n; i++) {
		if (vcamts_domid_parse(ents[i], &fe) ||
		    vcamts_domain_alive(xs, fe))
			continue;
		snprintf(path, sizeof(path), "/local/domain/%u/backend/%s/%u",
			 be, XENCAMERA_DRIVER_NAME, fe);
		if (xs_rm(xs, XBT_NULL, path)) {
			removed++;
			if (log)
				log("removed %s (domain %u is gone)", path, fe);
		}
	}
	free(ents);
	return removed;
}

/*
 * Our backend dir of (fe, devid) in a live domain: found by looking, never
 * by the guest's own (writable) backend-id.
 */
static bool served(struct xs_handle *xs, xs_transaction_t t, unsigned int fe,
		   unsigned int devid)
{
	char path[VCAMTS_PATH_MAX];
	unsigned int i, n, id;
	char **ents = xs_directory(xs, t, "/local/domain", &n);
	bool found = false;

	for (i = 0; ents && i < n && !found; i++) {
		if (vcamts_domid_parse(ents[i], &id) || !vcamts_domain_alive(xs, id))
			continue;
		vcamts_be_dir(path, sizeof(path), id, fe, devid);
		found = node_exists(xs, t, path);
	}
	free(ents);
	return found;
}

bool vcamts_xs_served(struct xs_handle *xs, unsigned int fe, unsigned int devid)
{
	return served(xs, XBT_NULL, fe, devid);
}

int vcamts_xs_remove_orphan(struct xs_handle *xs, unsigned int fe,
			    unsigned int devid)
{
	char path[VCAMTS_PATH_MAX];
	int tries;

	vcamts_fe_dir(path, sizeof(path), fe, devid);
	for (tries = 0; tries < TXN_TRIES; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);
		int rc = 0;

		if (t == XBT_NULL)
			return -1;
		/* an attach racing us commits first, or sees the dir gone */
		if (node_exists(xs, t, path) && !served(xs, t, fe, devid)) {
			xs_rm(xs, t, path);
			rc = 1;
		}
		if (xs_transaction_end(xs, t, false))
			return rc;
		if (errno != EAGAIN)
			return -1;
	}
	return -1;
}

/*
 * A guest's device that no live domain serves any more (its backend
 * domain died): removing it makes the guest drop the device, so its open
 * files get errors instead of waiting for a backend that is gone.
 */
static int cleanup_frontend_side(struct xs_handle *xs, unsigned int fe,
				 void (*log)(const char *fmt, ...),
				 struct vcamts_removals *removals)
{
	char dir[VCAMTS_PATH_MAX], path[VCAMTS_PATH_MAX];
	unsigned int i, n;
	char **ents;
	int removed = 0;

	snprintf(dir, sizeof(dir), "/local/domain/%u/device/%s", fe,
		 XENCAMERA_DRIVER_NAME);
	ents = xs_directory(xs, XBT_NULL, dir, &n);
	for (i = 0; ents && i < n; i++) {
		unsigned long devid;

		if (vcamts_parse_uint(ents[i], VCAMTS_DEVID_MAX, &devid) ||
		    vcamts_xs_remove_orphan(xs, fe, (unsigned int)devid) != 1)
			continue;
		removed++;
		if (removals)
			vcamts_removals_note(removals, fe, (unsigned int)devid,
					     vcamts_monotonic_ms());
		if (log) {
			vcamts_fe_dir(path, sizeof(path), fe,
				      (unsigned int)devid);
			log("removed %s (its backend domain is gone)", path);
		}
	}
	free(ents);
	return removed;
}

int vcamts_xs_cleanup_dead(struct xs_handle *xs,
			   void (*log)(const char *fmt, ...),
			   struct vcamts_removals *removals)
{
	unsigned int i, n, id;
	char **ents = xs_directory(xs, XBT_NULL, "/local/domain", &n);
	int removed = 0;

	for (i = 0; ents && i < n; i++) {
		if (vcamts_domid_parse(ents[i], &id))
			continue;
		removed += cleanup_backend_side(xs, id, log);
		if (vcamts_domain_alive(xs, id))
			removed += cleanup_frontend_side(xs, id, log,
							 removals);
	}
	free(ents);
	return removed;
}
