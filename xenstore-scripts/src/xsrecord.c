// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "nodes.h"
#include "xsrecord.h"

int vcam_xs_domain_uuid(struct xs_handle *xs, xs_transaction_t t,
			unsigned int domid, char *buf, size_t len)
{
	char path[64];
	char *vm;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	vm = xs_read(xs, t, path, NULL);
	rc = vcam_uuid_from_vm_path(vm, buf, len);
	free(vm);
	return rc;
}

/* /tool/vcam itself: dom0's alone; records below inherit that. */
static bool root_ready(struct xs_handle *xs, xs_transaction_t t)
{
	struct xs_permissions dom0_only = { .id = 0, .perms = XS_PERM_NONE };
	char *v = xs_read(xs, t, VCAM_RECORD_ROOT, NULL);

	if (v) {
		free(v);
		return true;
	}
	return xs_mkdir(xs, t, VCAM_RECORD_ROOT) &&
	       xs_set_permissions(xs, t, VCAM_RECORD_ROOT, &dom0_only, 1);
}

static bool write_str(struct xs_handle *xs, xs_transaction_t t,
		      const char *path, const char *value)
{
	return xs_write(xs, t, path, value, (unsigned int)strlen(value));
}

int vcam_xs_record_write(struct xs_handle *xs, xs_transaction_t t,
			 const char *uuid, const struct vcam_spec *spec,
			 const char *backend_name, struct vcam_err *err)
{
	char dir[VCAM_RECORD_DIR_MAX], path[VCAM_PATH_MAX];
	char text[VCAM_RECORD_SPEC_MAX];
	unsigned int i;

	if (spec->devid < 0 ||
	    vcam_record_spec_text(spec, backend_name, text, sizeof(text)))
		return vcam_errf(err, "camera record: spec does not fit");
	if (!root_ready(xs, t))
		return vcam_errf(err, "creating %s: %s", VCAM_RECORD_ROOT,
				 strerror(errno));
	vcam_record_dir(dir, sizeof(dir), uuid, (unsigned int)spec->devid);
	if (!xs_rm(xs, t, dir) && errno != ENOENT)
		return vcam_errf(err, "removing %s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/spec", dir);
	if (!write_str(xs, t, path, text))
		return vcam_errf(err, "writing %s: %s", path, strerror(errno));
	for (i = 0; i < spec->nr_formats; i++) {
		char f[VCAM_RECORD_FORMAT_MAX];

		snprintf(path, sizeof(path), "%s/formats/%u", dir, i);
		if (vcam_record_format_text(&spec->formats[i], f, sizeof(f)))
			return vcam_errf(err, "camera record: format %u does not fit",
					 i);
		if (!write_str(xs, t, path, f))
			return vcam_errf(err, "writing %s: %s", path,
					 strerror(errno));
	}
	return 0;
}

void vcam_xs_record_remove(struct xs_handle *xs, xs_transaction_t t,
			   const char *uuid, unsigned int devid)
{
	char path[VCAM_PATH_MAX];
	unsigned int n = 1;
	char **ents;

	vcam_record_dir(path, sizeof(path), uuid, devid);
	xs_rm(xs, t, path);
	vcam_record_uuid_dir(path, sizeof(path), uuid);
	ents = xs_directory(xs, t, path, &n);
	if (ents && n == 0)
		xs_rm(xs, t, path);
	free(ents);
}

bool vcam_xs_record_exists(struct xs_handle *xs, xs_transaction_t t,
			   const char *uuid, unsigned int devid)
{
	char path[VCAM_PATH_MAX];
	char *v;

	vcam_record_dir(path, sizeof(path), uuid, devid);
	v = xs_read(xs, t, path, NULL);
	free(v);
	return v != NULL;
}

int vcam_xs_record_pending(struct xs_handle *xs, unsigned int fe,
			   const struct vcam_spec *spec, struct vcam_err *err)
{
	char path[64], uuid[VCAM_UUID_LEN + 1];
	int tries;

	if (spec->devid < 0 || !spec->nr_formats)
		return vcam_errf(err,
			"formats= is required: backend domain '%s' is not running, and only it can read the camera",
			spec->backend);
	for (tries = 0; tries < 32; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);
		char *v;
		int rc = 0;

		if (t == XBT_NULL)
			return vcam_errf(err, "xenstore transaction: %s",
					 strerror(errno));
		snprintf(path, sizeof(path), "/local/domain/%u", fe);
		v = xs_read(xs, t, path, NULL);
		free(v);
		if (!v)
			rc = vcam_errf(err, "domain %u is gone", fe);
		else if (vcam_xs_domain_uuid(xs, t, fe, uuid, sizeof(uuid)))
			rc = vcam_errf(err, "domain %u has no UUID (not made by libxl)",
				       fe);
		else if (vcam_xs_record_exists(xs, t, uuid,
					       (unsigned int)spec->devid))
			rc = 1;
		else
			rc = vcam_xs_record_write(xs, t, uuid, spec,
						  spec->backend, err);
		if (rc) {
			xs_transaction_end(xs, t, true);
			return rc;
		}
		if (xs_transaction_end(xs, t, false))
			return 0;
		if (errno != EAGAIN)
			return vcam_errf(err, "xenstore commit: %s",
					 strerror(errno));
	}
	return vcam_errf(err, "xenstore kept conflicting; gave up");
}

int vcam_xs_record_read(struct xs_handle *xs, const char *uuid,
			unsigned int devid, struct vcam_spec *spec,
			struct vcam_err *err)
{
	char dir[VCAM_RECORD_DIR_MAX], path[VCAM_PATH_MAX];
	char *formats[VCAM_MAX_FORMATS];
	unsigned int i, n = 0;
	char *text;
	int rc = -1;

	vcam_record_dir(dir, sizeof(dir), uuid, devid);
	snprintf(path, sizeof(path), "%s/spec", dir);
	text = xs_read(xs, XBT_NULL, path, NULL);
	if (!text)
		return vcam_errf(err, "%s: %s", path, strerror(errno));
	/* formats/0, formats/1, ... in order, up to the first gap */
	for (n = 0; n < VCAM_MAX_FORMATS; n++) {
		snprintf(path, sizeof(path), "%s/formats/%u", dir, n);
		formats[n] = xs_read(xs, XBT_NULL, path, NULL);
		if (!formats[n])
			break;
	}
	rc = vcam_record_parse(spec, text, (const char *const *)formats, n,
			       err);
	if (rc)
		vcam_err_prefix(err, "%s: ", dir);
	else if ((unsigned int)spec->devid != devid)
		rc = vcam_errf(err, "%s: record says devid %d", dir,
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
	char buf[VCAM_UUID_LEN + 1];
	unsigned int i, n, id;
	char **ents = xs_directory(xs, t, "/local/domain", &n);
	bool found = false;

	for (i = 0; ents && i < n && !found; i++)
		found = vcam_domid_parse(ents[i], &id) == 0 &&
			vcam_domain_alive(xs, id) &&
			vcam_xs_domain_uuid(xs, t, id, buf, sizeof(buf)) == 0 &&
			strcmp(buf, uuid) == 0;
	free(ents);
	return found;
}

/*
 * One guest's records, if no live domain has its UUID.  In a transaction
 * that read /local/domain: a guest created meanwhile (a reboot keeps the
 * UUID) makes the commit conflict, and the retry sees it.
 */
static bool prune_one(struct xs_handle *xs, const char *uuid)
{
	char path[VCAM_PATH_MAX];
	int tries;

	vcam_record_uuid_dir(path, sizeof(path), uuid);
	for (tries = 0; tries < 32; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);
		bool gone;

		if (t == XBT_NULL)
			return false;
		gone = !uuid_alive(xs, t, uuid);
		if (gone)
			xs_rm(xs, t, path);
		if (xs_transaction_end(xs, t, false))
			return gone;
		if (errno != EAGAIN)
			return false;
	}
	return false;
}

int vcam_xs_records_prune(struct xs_handle *xs,
			  void (*log)(const char *fmt, ...))
{
	char path[VCAM_PATH_MAX];
	unsigned int i, n;
	char **ents = xs_directory(xs, XBT_NULL, VCAM_RECORD_ROOT, &n);
	int removed = 0;

	for (i = 0; ents && i < n; i++) {
		/*
		 * A guest that is gone: its cameras go with it.  (A guest
		 * rebooted by its xl monitor gets them from its config again.)
		 */
		if (!prune_one(xs, ents[i]))
			continue;
		removed++;
		vcam_record_uuid_dir(path, sizeof(path), ents[i]);
		if (log)
			log("removed %s (no domain has that UUID any more)",
			    path);
	}
	free(ents);
	return removed;
}
