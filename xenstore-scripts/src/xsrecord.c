// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "nodes.h"
#include "xsrecord.h"

int vcamts_xs_domain_uuid(struct xs_handle *xs, xs_transaction_t t,
			  unsigned int domid, char *buf, size_t len)
{
	char path[64];
	char *vm;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	vm = xs_read(xs, t, path, NULL);
	rc = vcamts_uuid_from_vm_path(vm, buf, len);
	free(vm);
	return rc;
}

/* /tool/vcam itself: dom0's alone; records below inherit that. */
static bool root_ready(struct xs_handle *xs, xs_transaction_t t)
{
	struct xs_permissions dom0_only = { .id = 0, .perms = XS_PERM_NONE };
	char *v = xs_read(xs, t, VCAMTS_RECORD_ROOT, NULL);

	if (v) {
		free(v);
		return true;
	}
	return xs_mkdir(xs, t, VCAMTS_RECORD_ROOT) &&
	       xs_set_permissions(xs, t, VCAMTS_RECORD_ROOT, &dom0_only, 1);
}

static bool write_str(struct xs_handle *xs, xs_transaction_t t,
		      const char *path, const char *value)
{
	return xs_write(xs, t, path, value, (unsigned int)strlen(value));
}

int vcamts_xs_record_write(struct xs_handle *xs, xs_transaction_t t,
			   const char *uuid, const struct vcamts_spec *spec,
			   const char *backend_name, struct vcamts_err *err)
{
	char dir[VCAMTS_RECORD_DIR_MAX], path[VCAMTS_PATH_MAX];
	char text[VCAMTS_RECORD_SPEC_MAX];
	unsigned int i;

	if (spec->devid < 0 ||
	    vcamts_record_spec_text(spec, backend_name, text, sizeof(text)))
		return vcamts_errf(err, "camera record: spec does not fit");
	if (!root_ready(xs, t))
		return vcamts_errf(err, "creating %s: %s", VCAMTS_RECORD_ROOT,
				   strerror(errno));
	vcamts_record_dir(dir, sizeof(dir), uuid, (unsigned int)spec->devid);
	if (!xs_rm(xs, t, dir) && errno != ENOENT)
		return vcamts_errf(err, "removing %s: %s", dir,
				   strerror(errno));
	snprintf(path, sizeof(path), "%s/spec", dir);
	if (!write_str(xs, t, path, text))
		return vcamts_errf(err, "writing %s: %s", path,
				   strerror(errno));
	for (i = 0; i < spec->nr_formats; i++) {
		char f[VCAMTS_RECORD_FORMAT_MAX];

		snprintf(path, sizeof(path), "%s/formats/%u", dir, i);
		if (vcamts_record_format_text(&spec->formats[i], f, sizeof(f)))
			return vcamts_errf(err, "camera record: format %u does not fit",
					   i);
		if (!write_str(xs, t, path, f))
			return vcamts_errf(err, "writing %s: %s", path,
					   strerror(errno));
	}
	return 0;
}

void vcamts_xs_record_remove(struct xs_handle *xs, xs_transaction_t t,
			     const char *uuid, unsigned int devid)
{
	char path[VCAMTS_PATH_MAX];
	unsigned int i, n = 0, cams = 0;
	unsigned long id;
	char **ents;

	vcamts_record_dir(path, sizeof(path), uuid, devid);
	xs_rm(xs, t, path);
	vcamts_record_uuid_dir(path, sizeof(path), uuid);
	ents = xs_directory(xs, t, path, &n);
	for (i = 0; ents && i < n; i++)
		cams += vcamts_parse_uint(ents[i], VCAMTS_DEVID_MAX, &id) == 0;
	/* the last camera: the guest's dir goes, a suspended mark with it */
	if (ents && cams == 0)
		xs_rm(xs, t, path);
	free(ents);
}

bool vcamts_xs_record_exists(struct xs_handle *xs, xs_transaction_t t,
			     const char *uuid, unsigned int devid)
{
	char path[VCAMTS_PATH_MAX];
	char *v;

	vcamts_record_dir(path, sizeof(path), uuid, devid);
	v = xs_read(xs, t, path, NULL);
	free(v);
	return v != NULL;
}

int vcamts_xs_record_pending(struct xs_handle *xs, unsigned int fe,
			     const struct vcamts_spec *spec,
			     struct vcamts_err *err)
{
	char path[64], uuid[VCAMTS_UUID_LEN + 1];
	int tries;

	if (spec->devid < 0 || !spec->nr_formats)
		return vcamts_errf(err,
			"formats= is required: backend domain '%s' is not running, and only it can read the camera",
			spec->backend);
	for (tries = 0; tries < 32; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);
		char *v;
		int rc = 0;

		if (t == XBT_NULL)
			return vcamts_errf(err, "xenstore transaction: %s",
					   strerror(errno));
		snprintf(path, sizeof(path), "/local/domain/%u", fe);
		v = xs_read(xs, t, path, NULL);
		free(v);
		if (!v)
			rc = vcamts_errf(err, "domain %u is gone", fe);
		else if (vcamts_xs_domain_uuid(xs, t, fe, uuid, sizeof(uuid)))
			rc = vcamts_errf(err, "domain %u has no UUID (not made by libxl)",
					 fe);
		else if (vcamts_xs_record_exists(xs, t, uuid,
						 (unsigned int)spec->devid))
			rc = 1;
		else
			rc = vcamts_xs_record_write(xs, t, uuid, spec,
						    spec->backend, err);
		if (rc) {
			xs_transaction_end(xs, t, true);
			return rc;
		}
		if (xs_transaction_end(xs, t, false))
			return 0;
		if (errno != EAGAIN)
			return vcamts_errf(err, "xenstore commit: %s",
					   strerror(errno));
	}
	return vcamts_errf(err, "xenstore kept conflicting; gave up");
}

int vcamts_xs_record_read(struct xs_handle *xs, const char *uuid,
			  unsigned int devid, struct vcamts_spec *spec,
			  struct vcamts_err *err)
{
	char dir[VCAMTS_RECORD_DIR_MAX], path[VCAMTS_PATH_MAX];
	char *formats[VCAMTS_MAX_FORMATS];
	unsigned int i, n = 0;
	char *text;
	int rc = -1;

	vcamts_record_dir(dir, sizeof(dir), uuid, devid);
	snprintf(path, sizeof(path), "%s/spec", dir);
	text = xs_read(xs, XBT_NULL, path, NULL);
	if (!text)
		return vcamts_errf(err, "%s: %s", path, strerror(errno));
	/* formats/0, formats/1, ... in order, up to the first gap */
	for (n = 0; n < VCAMTS_MAX_FORMATS; n++) {
		snprintf(path, sizeof(path), "%s/formats/%u", dir, n);
		formats[n] = xs_read(xs, XBT_NULL, path, NULL);
		if (!formats[n])
			break;
	}
	rc = vcamts_record_parse(spec, text, (const char *const *)formats, n,
				 err);
	if (rc)
		vcamts_err_prefix(err, "%s: ", dir);
	else if ((unsigned int)spec->devid != devid)
		rc = vcamts_errf(err, "%s: record says devid %d", dir,
				 spec->devid);
	for (i = 0; i < n; i++)
		free(formats[i]);
	free(text);
	return rc;
}

/* Whether any live domain has @uuid. */
static bool uuid_alive(struct xs_handle *xs, xs_transaction_t t,
		       const char *uuid)
{
	char buf[VCAMTS_UUID_LEN + 1];
	unsigned int i, n, id;
	char **ents = xs_directory(xs, t, "/local/domain", &n);
	bool found = false;

	for (i = 0; ents && i < n && !found; i++)
		found = vcamts_domid_parse(ents[i], &id) == 0 &&
			vcamts_domain_alive(xs, id) &&
			vcamts_xs_domain_uuid(xs, t, id, buf,
					      sizeof(buf)) == 0 &&
			strcmp(buf, uuid) == 0;
	free(ents);
	return found;
}

static void mark_path(char *buf, size_t len, const char *uuid)
{
	char dir[VCAMTS_RECORD_DIR_MAX];

	vcamts_record_uuid_dir(dir, sizeof(dir), uuid);
	snprintf(buf, len, "%s/%s", dir, VCAMTS_RECORD_SUSPENDED);
}

/* Every domain with @uuid and where it is: at most @max. */
static unsigned int uuid_runs(struct xs_handle *xs, const char *uuid,
			      enum vcamts_dom_run *runs, unsigned int *ids,
			      unsigned int max)
{
	char buf[VCAMTS_UUID_LEN + 1];
	unsigned int i, n, id, nr = 0;
	char **ents = xs_directory(xs, XBT_NULL, "/local/domain", &n);

	for (i = 0; ents && i < n && nr < max; i++) {
		if (vcamts_domid_parse(ents[i], &id) ||
		    vcamts_xs_domain_uuid(xs, XBT_NULL, id, buf, sizeof(buf)) ||
		    strcmp(buf, uuid) != 0)
			continue;
		ids[nr] = id;
		runs[nr++] = vcamts_domain_run(xs, id);
	}
	free(ents);
	return nr;
}

/* Writes the mark only while the guest's records are there. */
static bool mark_set(struct xs_handle *xs, const char *uuid,
		     unsigned int domid)
{
	char dir[VCAMTS_RECORD_DIR_MAX], path[VCAMTS_PATH_MAX], v[16];
	int tries;

	vcamts_record_uuid_dir(dir, sizeof(dir), uuid);
	mark_path(path, sizeof(path), uuid);
	snprintf(v, sizeof(v), "%u", domid);
	for (tries = 0; tries < 32; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);
		char *d;

		if (t == XBT_NULL)
			return false;
		d = xs_read(xs, t, dir, NULL);
		free(d);
		if (d)
			xs_write(xs, t, path, v, (unsigned int)strlen(v));
		if (xs_transaction_end(xs, t, false))
			return d != NULL;
		if (errno != EAGAIN)
			return false;
	}
	return false;
}

void vcamts_xs_records_track_suspend(struct xs_handle *xs,
				     void (*log)(const char *fmt, ...))
{
	char path[VCAMTS_PATH_MAX];
	enum vcamts_dom_run runs[8];
	unsigned int i, j, n, nr, ids[8];
	char **ents = xs_directory(xs, XBT_NULL, VCAMTS_RECORD_ROOT, &n);

	for (i = 0; ents && i < n; i++) {
		unsigned long m;
		long marked = -1;
		char *mark;

		nr = uuid_runs(xs, ents[i], runs, ids, 8);
		mark_path(path, sizeof(path), ents[i]);
		mark = xs_read(xs, XBT_NULL, path, NULL);
		if (mark)	/* a mark we cannot read names no domain */
			marked = vcamts_parse_uint(mark, 0x7fff, &m) ? 0x8000 :
								     (long)m;
		free(mark);
		switch (vcamts_suspend_mark_decide(runs, ids, nr, marked)) {
		case VCAMTS_MARK_SET:
			for (j = 0; j < nr && runs[j] != VCAMTS_RUN_SUSPENDED; j++)
				;
			if (mark_set(xs, ents[i], ids[j]) && log)
				log("domain %u suspended (xl save or migrate): its camera records stay for its restore (%s)",
				    ids[j], path);
			break;
		case VCAMTS_MARK_CLEAR:
			if (xs_rm(xs, XBT_NULL, path) && log)
				log("the guest of %s runs again, or its suspend was cancelled: mark removed",
				    path);
			break;
		case VCAMTS_MARK_KEEP:
			break;
		}
	}
	free(ents);
}

/*
 * One guest's records, if no live domain has its UUID and it was not
 * suspended.  In a transaction that read /local/domain: a guest created
 * meanwhile (a reboot keeps the UUID) makes the commit conflict, and the
 * retry sees it.
 */
static bool prune_one(struct xs_handle *xs, const char *uuid)
{
	char path[VCAMTS_PATH_MAX], mpath[VCAMTS_PATH_MAX];
	int tries;

	vcamts_record_uuid_dir(path, sizeof(path), uuid);
	mark_path(mpath, sizeof(mpath), uuid);
	for (tries = 0; tries < 32; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);
		char *mark;
		bool gone;

		if (t == XBT_NULL)
			return false;
		mark = xs_read(xs, t, mpath, NULL);
		free(mark);
		gone = !mark && !uuid_alive(xs, t, uuid);
		if (gone)
			xs_rm(xs, t, path);
		if (xs_transaction_end(xs, t, false))
			return gone;
		if (errno != EAGAIN)
			return false;
	}
	return false;
}

int vcamts_xs_records_prune(struct xs_handle *xs,
			    void (*log)(const char *fmt, ...))
{
	char path[VCAMTS_PATH_MAX];
	unsigned int i, n;
	char **ents = xs_directory(xs, XBT_NULL, VCAMTS_RECORD_ROOT, &n);
	int removed = 0;

	for (i = 0; ents && i < n; i++) {
		/*
		 * A guest that is gone: its cameras go with it.  (A guest
		 * rebooted by its xl monitor gets them from its config again.)
		 */
		if (!prune_one(xs, ents[i]))
			continue;
		removed++;
		vcamts_record_uuid_dir(path, sizeof(path), ents[i]);
		if (log)
			log("removed %s (no domain has that UUID any more)",
			    path);
	}
	free(ents);
	return removed;
}
