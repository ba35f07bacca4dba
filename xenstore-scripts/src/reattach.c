// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "nodes.h"
#include "reattach.h"
#include "xsops.h"
#include "xsrecord.h"

struct live_dom {
	unsigned int domid;
	char name[VCAMTS_DOMNAME_MAX];
	char uuid[VCAMTS_UUID_LEN + 1];	/* "" if libxl did not make it */
	enum vcamts_dom_run run;
};

/*
 * Every domain that is not going away, with its name, UUID and where it
 * is in its life, once per pass.  Domains still being built (a restore,
 * an incoming migration) are among them: they get their cameras before
 * they first run.
 */
static struct live_dom *live_domains(struct xs_handle *xs, unsigned int *nr)
{
	unsigned int i, n = 0, id;
	char **ents = xs_directory(xs, XBT_NULL, "/local/domain", &n);
	struct live_dom *l = calloc(n + 1, sizeof(*l));

	*nr = 0;
	for (i = 0; ents && l && i < n; i++) {
		struct live_dom *d = &l[*nr];

		if (vcamts_domid_parse(ents[i], &id) ||
		    vcamts_domain_name(xs, id, d->name, sizeof(d->name)))
			continue;
		d->run = vcamts_domain_run(xs, id);
		if (d->run == VCAMTS_RUN_SHUTDOWN || d->run == VCAMTS_RUN_GONE)
			continue;
		d->domid = id;
		if (vcamts_xs_domain_uuid(xs, XBT_NULL, id, d->uuid,
					  sizeof(d->uuid)))
			d->uuid[0] = '\0';
		(*nr)++;
	}
	free(ents);
	return l;
}

/*
 * A record names its backend by name; a nameless one by its domid.  A
 * backend must be up: one being built or suspended serves nobody now.
 */
static bool is_backend(const struct live_dom *d, const char *backend)
{
	unsigned int id;

	if (d->run != VCAMTS_RUN_UP)
		return false;
	if (vcamts_domid_parse(backend, &id) == 0)
		return d->domid == id;
	return strcmp(d->name, backend) == 0;
}

static void attach_again(struct xs_handle *xs, const struct live_dom *fe,
			 const struct live_dom *be, struct vcamts_spec *spec,
			 void (*log)(const char *fmt, ...))
{
	enum vcamts_attach_result res;
	struct vcamts_err err = { "" };
	char wanted[VCAMTS_DOMNAME_MAX];

	snprintf(wanted, sizeof(wanted), "%s", spec->backend);
	/* by id: the name was matched to exactly this live domain */
	snprintf(spec->backend, sizeof(spec->backend), "%u", be->domid);
	if (vcamts_xs_attach(xs, fe->domid, spec, 1, &res, &err)) {
		/* a restore or migration that failed takes its domain along */
		if (fe->run == VCAMTS_RUN_BUILDING)
			log("domain %s (%u): attaching vcam device %d from its record while the domain is being built: %s",
			    fe->name, fe->domid, spec->devid, err.msg);
		else
			log("domain %s (%u): re-attaching vcam device %d to %s (%u): %s",
			    fe->name, fe->domid, spec->devid, wanted,
			    be->domid, err.msg);
		return;
	}
	if (res != VCAMTS_ATTACHED)
		return;
	if (fe->run == VCAMTS_RUN_BUILDING)
		log("domain %s (%u): attached vcam device %d (%s, backend %s) from its record while the domain is being built (a restore or an incoming migration)",
		    fe->name, fe->domid, spec->devid, spec->unique_id, wanted);
	else
		log("domain %s (%u): re-attached vcam device %d (%s) from its record, backend %s (%u)",
		    fe->name, fe->domid, spec->devid, spec->unique_id, wanted,
		    be->domid);
}

/* One record; returns when it wants another look (ms), or -1. */
static long reattach_one(struct xs_handle *xs, const struct live_dom *fe,
			 unsigned int devid, const struct live_dom *doms,
			 unsigned int nr_doms, struct vcamts_removals *removals,
			 void (*log)(const char *fmt, ...))
{
	static struct vcamts_spec spec;	/* ~10 KiB: not on the stack */
	struct vcamts_recover_state st = { 0 };
	const struct live_dom *be = NULL;
	struct vcamts_err err = { "" };
	char path[VCAMTS_PATH_MAX];
	long due = -1;
	unsigned int i;
	char *v;

	if (vcamts_xs_record_read(xs, fe->uuid, devid, &spec, &err)) {
		log("domain %s (%u): bad camera record: %s", fe->name,
		    fe->domid, err.msg);
		return -1;
	}
	for (i = 0; i < nr_doms; i++) {
		if (is_backend(&doms[i], spec.backend)) {
			be = &doms[i];
			st.nr_backends++;
		}
	}
	vcamts_fe_dir(path, sizeof(path), fe->domid, devid);
	v = xs_read(xs, XBT_NULL, path, NULL);
	st.fe_dir = v != NULL;
	free(v);
	st.live_be_dir = st.fe_dir && vcamts_xs_served(xs, fe->domid, devid);
	st.now_ms = vcamts_monotonic_ms();
	st.removed_ms = vcamts_removals_when(removals, fe->domid, devid);

	switch (vcamts_recover_decide(&st, &due)) {
	case VCAMTS_RECOVER_NONE:
	case VCAMTS_RECOVER_WAIT_BACKEND:
		return -1;
	case VCAMTS_RECOVER_REMOVE_STALE:
		if (vcamts_xs_remove_orphan(xs, fe->domid, devid) != 1)
			return -1;
		vcamts_removals_note(removals, fe->domid, devid, st.now_ms);
		log("removed %s (its backend domain is gone)", path);
		return VCAMTS_REATTACH_GRACE_MS;
	case VCAMTS_RECOVER_WAIT_GRACE:
		return due - st.now_ms;
	case VCAMTS_RECOVER_ATTACH:
		attach_again(xs, fe, be, &spec, log);
		return -1;
	}
	return -1;
}

static long sooner(long a, long b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

long vcamts_xs_reattach(struct xs_handle *xs, struct vcamts_removals *removals,
			void (*log)(const char *fmt, ...))
{
	char path[VCAMTS_PATH_MAX];
	unsigned int i, j, k, n, nr_doms;
	struct live_dom *doms = live_domains(xs, &nr_doms);
	char **uuids = xs_directory(xs, XBT_NULL, VCAMTS_RECORD_ROOT, &n);
	long next = -1;

	/* a domain being built is watched until it is introduced or gone */
	for (j = 0; doms && j < nr_doms; j++)
		if (doms[j].run == VCAMTS_RUN_BUILDING)
			next = VCAMTS_BUILDING_POLL_MS;
	for (i = 0; doms && uuids && i < n; i++) {
		unsigned int nr_dev;
		char **devs;

		vcamts_record_uuid_dir(path, sizeof(path), uuids[i]);
		devs = xs_directory(xs, XBT_NULL, path, &nr_dev);
		/*
		 * Every domain with the guest's UUID: during a migration to
		 * this host two of them, the one going and the one coming.  A
		 * guest that is gone is vcamts_xs_records_prune()'s business.
		 */
		for (j = 0; devs && j < nr_doms; j++) {
			const struct live_dom *fe = &doms[j];

			if (strcmp(fe->uuid, uuids[i]) != 0 ||
			    !vcamts_recover_gets_cameras(fe->run))
				continue;
			for (k = 0; k < nr_dev; k++) {
				unsigned long devid;

				if (vcamts_parse_uint(devs[k], VCAMTS_DEVID_MAX,
						      &devid))
					continue;
				next = sooner(next, reattach_one(xs, fe,
						(unsigned int)devid, doms,
						nr_doms, removals, log));
			}
		}
		free(devs);
	}
	free(uuids);
	free(doms);
	return next;
}
