/* SPDX-License-Identifier: MIT */
/*
 * What the test frontend needs from "Xen": share pages (-> grant refs),
 * map the peer's refs, event channels, and a xenstore-like config store
 * with a frontend dir and a backend dir.  One implementation talks to a
 * real hypervisor from inside a PV domU, the other to ring/loopback/.
 * The client logic above this interface does not know which it drives.
 */
#ifndef TFE_TRANSPORT_H
#define TFE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

enum tfe_dir {
	TFE_DIR_FE,	/* /local/domain/<self>/device/vcamera/<devid> */
	TFE_DIR_BE,	/* the backend's dir for this device */
};

/* What ended a wait. */
enum tfe_wake {
	TFE_WAKE_TIMEOUT = 0,
	TFE_WAKE_CHAN = 1,	/* an event channel fired, port reported */
	TFE_WAKE_CFG = 2,	/* the backend dir changed (watch) */
};

struct tfe_tp;

struct tfe_tp_ops {
	/*
	 * Grant n fresh zeroed pages to the backend, writable; refs out.
	 * Returns one contiguous mapping, NULL with errno on failure.
	 */
	void *(*share)(struct tfe_tp *tp, unsigned int n, uint32_t *refs);
	int (*unshare)(struct tfe_tp *tp, void *addr, unsigned int n,
		       const uint32_t *refs);
	/*
	 * Refs that are validly granted, but not to the backend (hostile
	 * tests).  NULL with errno = ENOTSUP where that cannot be made.
	 */
	void *(*share_foreign)(struct tfe_tp *tp, unsigned int n,
			       uint32_t *refs);
	/* Map n refs the backend granted us; contiguous; NULL + errno. */
	void *(*map)(struct tfe_tp *tp, unsigned int n, const uint32_t *refs);
	int (*unmap)(struct tfe_tp *tp, void *addr, unsigned int n);

	/* Allocate an event channel the backend can bind. */
	int (*chan_alloc)(struct tfe_tp *tp, uint32_t *port);
	void (*chan_free)(struct tfe_tp *tp, uint32_t port);
	int (*notify)(struct tfe_tp *tp, uint32_t port);
	/*
	 * Block up to timeout_ms (-1 forever) for a channel or a change of
	 * the backend dir.  Consumes the notification.  Returns an
	 * enum tfe_wake, or a negative errno.
	 */
	int (*wait)(struct tfe_tp *tp, int timeout_ms, uint32_t *port);

	/* 0, -ENOENT if absent, other -errno.  buf is NUL-terminated. */
	int (*cfg_read)(struct tfe_tp *tp, enum tfe_dir dir, const char *key,
			char *buf, size_t len);
	int (*cfg_write)(struct tfe_tp *tp, enum tfe_dir dir, const char *key,
			 const char *val);
	int (*cfg_rm)(struct tfe_tp *tp, enum tfe_dir dir, const char *key);

	void (*close)(struct tfe_tp *tp);
};

struct tfe_tp {
	const struct tfe_tp_ops *ops;
	const char *name;
	void *priv;
};

/*
 * Xen from inside a domU: device devid under device/vcamera/.  Returns
 * NULL with a message on stderr if the xen devices are missing or the
 * device's frontend dir has no backend.
 */
struct tfe_tp *tfe_tp_xen_open(unsigned int devid, unsigned int foreign_domid);

struct vcam_lb_link;
/* Frontend side of a loopback link; takes ownership of lb if own_link. */
struct tfe_tp *tfe_tp_loop_open(struct vcam_lb_link *lb, int own_link);
/*
 * vcamd --loopback SOCKET: create a link, write fe_cfg ("key=value", NULL
 * terminated) into its frontend dir as a toolstack would, hand it over.
 */
struct tfe_tp *tfe_tp_loop_connect(const char *sock_path,
				   const char *const *fe_cfg);

static inline void tfe_tp_close(struct tfe_tp *tp)
{
	if (tp)
		tp->ops->close(tp);
}

/*
 * Integer config helpers: 0 / -ENOENT / -EINVAL (not a number as
 * vcam/cfgparse.h reads one).
 */
int tfe_cfg_read_uint(struct tfe_tp *tp, enum tfe_dir dir, const char *key,
		      unsigned long *val);
int tfe_cfg_write_uint(struct tfe_tp *tp, enum tfe_dir dir, const char *key,
		       unsigned long val);

#endif /* TFE_TRANSPORT_H */
