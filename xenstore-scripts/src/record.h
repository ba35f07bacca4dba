/* SPDX-License-Identifier: MIT */
/*
 * What the toolstack remembers about a camera it attached, so that it can
 * attach it again when the backend domain comes back (a driver domain
 * destroyed and re-created, or restarted by on_crash = "restart"):
 *
 *	/tool/vcam/<frontend uuid>/<devid>/spec      = "unique-id=video0, backend=camdd, devid=0, ..."
 *	/tool/vcam/<frontend uuid>/<devid>/formats/<i> = "YUYV:640x480@30/1;15/1"
 *
 * Keyed by the guest's UUID (its domid changes on every restart, its UUID
 * does not), naming the backend by *name* (the one thing a re-created
 * driver domain keeps).  One format entry per node: a whole formats= list
 * can exceed xenstore's 4096-octet value limit.  The text is the vcam=
 * syntax, so the record is read back by the same parser as a config, and
 * an administrator can read it with xenstore-ls.  Pure: no Xen here.
 */
#ifndef VCAMTS_RECORD_H
#define VCAMTS_RECORD_H

#include <stddef.h>

#include "spec.h"

#define VCAMTS_RECORD_ROOT	"/tool/vcam"
/*
 * /tool/vcam/<uuid>/suspended = "<domid>": a domain with that UUID was
 * suspended (xl save, xl migrate), so its records outlive it until it is
 * back (xl restore, the migration's receiving end).  Not a devid: every
 * reader of a record dir skips it.
 */
#define VCAMTS_RECORD_SUSPENDED	"suspended"
#define VCAMTS_UUID_LEN		36	/* 8-4-4-4-12 hex digits */
/* "/tool/vcam/<uuid>/<devid>" with room to spare */
#define VCAMTS_RECORD_DIR_MAX	96
/* the longest options text: every key at its longest */
#define VCAMTS_RECORD_SPEC_MAX	512
/* "FOURCC:WxH@" plus 16 rates of two 32-bit numbers */
#define VCAMTS_RECORD_FORMAT_MAX	384

/*
 * The device's options (everything but formats) as one vcam= string, with
 * backend=@backend_name (the domain's name, not its id) and devid=.
 * Returns 0, or -1 if @len is too small.
 */
int vcamts_record_spec_text(const struct vcamts_spec *spec,
			    const char *backend_name, char *buf, size_t len);

/* One format entry: "FOURCC:WxH@N/D;N/D". */
int vcamts_record_format_text(const struct vcamts_format *fmt, char *buf,
			      size_t len);

/*
 * Rebuilds a spec from a record: @spec_text as written above and @nr
 * format entries.  The record must name its backend and its devid, and
 * list at least one format (attaching never probes again: only the domain
 * that has the camera could).  Returns 0 or -1 with @err.
 */
int vcamts_record_parse(struct vcamts_spec *spec, const char *spec_text,
			const char *const *formats, unsigned int nr,
			struct vcamts_err *err);

/*
 * libxl's /local/domain/<id>/vm value "/vm/<uuid>" -> "<uuid>" (lower
 * case hex, 8-4-4-4-12).  @buf holds at least VCAMTS_UUID_LEN + 1.
 * Returns 0, or -1 for anything else.
 */
int vcamts_uuid_from_vm_path(const char *vm, char *buf, size_t len);

/* "/tool/vcam/<uuid>" and "/tool/vcam/<uuid>/<devid>". */
void vcamts_record_uuid_dir(char *buf, size_t len, const char *uuid);
void vcamts_record_dir(char *buf, size_t len, const char *uuid,
		       unsigned int devid);

#endif /* VCAMTS_RECORD_H */
