/* SPDX-License-Identifier: MIT */
/*
 * vcam loopback transport: Xen's grant tables, event channels and xenstore
 * stood in for by shared memory and eventfds, so the backend's request core
 * and a userspace test frontend can talk cameraif without a hypervisor.
 *
 * Model
 * -----
 * A *link* is one frontend/backend pair (think: one guest and the backend
 * domain).  It owns:
 *  - a page pool: one memfd of `npages` 4 KiB pages.  Grant reference g
 *    (g >= 1) names page g of the pool, exactly as a Xen grant ref names a
 *    page.  Pages 0 .. VCAM_LB_FIRST_REF-1 hold the link's own bookkeeping
 *    and are never granted, so refs below VCAM_LB_FIRST_REF are always
 *    invalid (like Xen's ref 0).
 *  - a grant table: every page records which side granted it.  A side may
 *    map only pages the *other* side granted; mapping a free page, a
 *    header page, an out-of-range ref or one's own grant fails with -EPERM
 *    or -EINVAL, which is how "bad" and "foreign" grant refs are tested.
 *  - VCAM_LB_MAX_PORTS event channels.  Port p has one eventfd per side:
 *    notifying from side S makes the *other* side's fd readable.  Ports
 *    are allocated by the frontend (like xenevtchn_bind_unbound_port) and
 *    "bound" by the backend by number (the number travels in the store).
 *    Port 0 is reserved: it signals store changes (the xenstore watch).
 *  - a store: a small xenstore look-alike, flat string keys, string values.
 *    By convention the frontend's xenstore dir is prefix "fe/" and the
 *    backend's "be/" (e.g. "fe/req-ring-ref", "be/state").  Every write
 *    notifies port 0 towards the other side, like a xenstore watch firing.
 *
 * Everything lives in the memfd plus eventfds, so a link works between two
 * threads (share the pointer), across fork() (the child inherits the
 * mappings and fds: use the same struct), or between unrelated processes
 * (vcam_lb_send()/vcam_lb_recv() pass the fds over a unix socket).
 * All functions are thread-safe with respect to the other side; a single
 * side should not call them concurrently on the same link.
 *
 * Errors: functions return 0 or a negative errno; pointer-returning ones
 * return NULL and set errno.
 */
#ifndef VCAM_LOOPBACK_H
#define VCAM_LOOPBACK_H

#include <stddef.h>
#include <stdint.h>

#define VCAM_LB_PAGE_SIZE	4096U
/* Pages 0..4 are the link's header (0), store (1-2), grant table (3-4). */
#define VCAM_LB_FIRST_REF	5U
/* Upper bound on npages (grant table is one byte per page, 2 pages). */
#define VCAM_LB_MAX_PAGES	8192U
/* Event-channel ports per link; port 0 is the store-change port. */
#define VCAM_LB_MAX_PORTS	8U
#define VCAM_LB_STORE_PORT	0U
/* Store limits (including the terminating NUL). */
#define VCAM_LB_KEY_MAX		48U
#define VCAM_LB_VAL_MAX		80U
#define VCAM_LB_STORE_ENTRIES	64U

/* Which half of the link a call is made from. */
enum vcam_lb_side {
	VCAM_LB_FE = 0,
	VCAM_LB_BE = 1,
};

struct vcam_lb_link;

/* ---- lifetime ---------------------------------------------------------- */

/*
 * Create a link with a pool of npages pages (including the
 * VCAM_LB_FIRST_REF header pages; npages <= VCAM_LB_MAX_PAGES).
 */
struct vcam_lb_link *vcam_lb_create(unsigned int npages);
/* Unmap and close everything of this process's handle. */
void vcam_lb_destroy(struct vcam_lb_link *lb);
unsigned int vcam_lb_npages(const struct vcam_lb_link *lb);

/*
 * Hand a link to another process over a connected AF_UNIX socket
 * (SCM_RIGHTS: the memfd and all eventfds).  The receiver gets its own
 * handle onto the same pool, grants, ports and store.
 */
int vcam_lb_send(int sock, const struct vcam_lb_link *lb);
struct vcam_lb_link *vcam_lb_recv(int sock);

/* ---- grants ------------------------------------------------------------ */

/*
 * Grant n free pages from `side` to the other side (xengntshr_share_pages
 * / gnttab_grant_foreign_access).  Writes the refs to refs[0..n-1] and
 * returns a pointer to a *contiguous* local mapping of those pages (the
 * refs themselves need not be contiguous), zero-filled.  -ENOSPC via errno
 * if the pool has too few free pages.
 */
void *vcam_lb_share(struct vcam_lb_link *lb, enum vcam_lb_side side,
		    unsigned int n, uint32_t *refs);
/* Revoke the grants and unmap what vcam_lb_share() returned. */
int vcam_lb_unshare(struct vcam_lb_link *lb, enum vcam_lb_side side,
		    void *addr, unsigned int n, const uint32_t *refs);

/*
 * Map n pages granted by the *other* side into one contiguous range
 * (xengnttab_map_domain_grant_refs).  Fails with EINVAL for a ref outside
 * the pool or below VCAM_LB_FIRST_REF, EPERM for a ref that is not granted
 * to `side` (free, or granted by `side` itself).  All or nothing.
 */
void *vcam_lb_map(struct vcam_lb_link *lb, enum vcam_lb_side side,
		  unsigned int n, const uint32_t *refs);
int vcam_lb_unmap(void *addr, unsigned int n);

/* Number of pages currently granted by `side` (leak checks in tests). */
unsigned int vcam_lb_granted(const struct vcam_lb_link *lb,
			     enum vcam_lb_side side);

/* ---- event channels ------------------------------------------------------ */

/* Frontend: allocate an unused port (1..VCAM_LB_MAX_PORTS-1) or -ENOSPC. */
int vcam_lb_port_alloc(struct vcam_lb_link *lb);
/* Backend: check that the frontend allocated `port` (bind by number). */
int vcam_lb_port_bind(struct vcam_lb_link *lb, unsigned int port);
/* Release a port (either side); further notifies on it fail. */
void vcam_lb_port_free(struct vcam_lb_link *lb, unsigned int port);
/* Kick the other side on `port`. */
int vcam_lb_notify(struct vcam_lb_link *lb, enum vcam_lb_side side,
		   unsigned int port);
/*
 * The eventfd that becomes readable when the other side notifies `port`;
 * for poll()/epoll in a daemon's main loop.  -EINVAL for a bad port.
 */
int vcam_lb_port_fd(const struct vcam_lb_link *lb, enum vcam_lb_side side,
		    unsigned int port);
/*
 * Consume pending notifications on `port`.  Returns how many kicks were
 * pending (0 if none; never blocks).
 */
int vcam_lb_port_ack(struct vcam_lb_link *lb, enum vcam_lb_side side,
		     unsigned int port);
/*
 * Block until the other side notifies `port` or timeout_ms passes
 * (-1: forever).  Consumes the notification.  Returns 1 if notified,
 * 0 on timeout, negative errno on error.
 */
int vcam_lb_wait(struct vcam_lb_link *lb, enum vcam_lb_side side,
		 unsigned int port, int timeout_ms);

/* ---- store (xenstore look-alike) --------------------------------------- */

/*
 * Write key=value and notify VCAM_LB_STORE_PORT towards the other side.
 * -ENAMETOOLONG / -E2BIG if key/value do not fit, -ENOSPC if full.
 */
int vcam_lb_store_write(struct vcam_lb_link *lb, enum vcam_lb_side side,
			const char *key, const char *value);
/*
 * Copy the value of key into buf (always NUL-terminated).  -ENOENT if
 * absent, -ERANGE if buf is too small.
 */
int vcam_lb_store_read(struct vcam_lb_link *lb, const char *key,
		       char *buf, size_t len);
/*
 * List the distinct next path components below dir ("fe/formats" ->
 * "YUYV", "NV12"), like xs_directory: NUL-separated into buf.  Returns
 * the number of names, -ERANGE if buf is too small.
 */
int vcam_lb_store_list(struct vcam_lb_link *lb, const char *dir,
		       char *buf, size_t len);
/* Remove key (no error if absent); notifies like a write. */
int vcam_lb_store_rm(struct vcam_lb_link *lb, enum vcam_lb_side side,
		     const char *key);

#endif /* VCAM_LOOPBACK_H */
