// SPDX-License-Identifier: MIT
/*
 * SIGHUP: read the command line and its --config file again and apply
 * what can change while guests stream.  A configuration that does not
 * parse changes nothing.  What the daemon was started with (transport,
 * status socket, log destination, foreground) stays: the sockets and the
 * log are open already, and guests are connected over that transport.
 * Devices whose camera the new allow-list no longer names are closed as a
 * broken one is (stream stopped, grants unmapped, backend Closing); every
 * other device keeps streaming, its caps replaced by the new ones.
 */
#include "daemon.h"

#include <errno.h>
#include <string.h>

#include "log.h"

/* The options a running daemon cannot take over: keep them, say so. */
static void keep_fixed(const struct vcamd_opts *cur, struct vcamd_opts *n)
{
	if (strcmp(cur->status_path, n->status_path))
		log_warn("reload: status-socket %s: kept %s until vcamd restarts",
			 n->status_path, cur->status_path);
	if (strcmp(cur->loopback_path, n->loopback_path))
		log_warn("reload: the transport (loopback) changes only when vcamd restarts");
	if (cur->use_syslog != n->use_syslog)
		log_warn("reload: the log destination changes only when vcamd restarts");
	memcpy(n->status_path, cur->status_path, sizeof(n->status_path));
	memcpy(n->loopback_path, cur->loopback_path,
	       sizeof(n->loopback_path));
	n->use_syslog = cur->use_syslog;
	n->foreground = cur->foreground;
}

/*
 * New caps for a connected device.  Pages it holds stay held (a lower cap
 * refuses its next buffers); its request bucket and CPU credit are cut
 * down to what the new caps allow at once.
 */
static void new_caps(struct vcamd_conn *c, const struct vcamd_opts *o)
{
	struct vcamd_dev_limits *l = &c->dev.cfg.lim;
	uint64_t tokens_max;
	int64_t credit_max;

	l->max_pages = o->max_pages_dev;
	l->req_rate = o->max_req_rate;
	l->req_burst = o->max_req_burst;
	l->req_cpu_pct = o->max_req_cpu;
	tokens_max = (uint64_t)(l->req_burst ? l->req_burst : 1) * 1000000000ULL;
	if (c->dev.tokens > tokens_max)
		c->dev.tokens = tokens_max;
	credit_max = (int64_t)l->req_cpu_burst_ms * 1000000;
	if (c->dev.cpu_credit > credit_max)
		c->dev.cpu_credit = credit_max;
}

int vcamd_reload(struct vcamd *d)
{
	struct vcamd_opts n;
	struct vcamd_conn *c;
	unsigned int dropped = 0, kept = 0;
	char err[512];
	int ret;

	if (!d->argv) {
		log_warn("reload: no command line to read again; nothing changed");
		d->reload_errors++;
		return -EINVAL;
	}
	vcamd_opts_default(&n);
	ret = vcamd_opts_parse(&n, d->argc, d->argv, err, sizeof(err));
	if (ret) {
		log_err("reload: %s; the running configuration stays",
			ret > 0 ? "--help given" : err);
		d->reload_errors++;
		return -EINVAL;
	}
	keep_fixed(&d->opts, &n);
	d->opts = n;
	vcamd_log_set_level(d->opts.log_level);
	d->pages.max = d->opts.max_pages_total;

	for (c = d->conns; c; c = c->next) {
		if (!c->connected)
			continue;	/* checked when it connects */
		if (c->camdev && !vcamd_opts_allowed(&d->opts, c->camdev->path)) {
			log_warn("%s: camera %s is not in the new allow-list: device closed",
				 c->name, c->camdev->path);
			vcamd_xb_disconnect(c);
			vcamd_xb_set_state(c, XenbusStateClosing);
			dropped++;
			continue;
		}
		new_caps(c, &d->opts);
		kept++;
	}
	d->reloads++;
	log_notice("configuration reloaded: %u devices kept, %u closed",
		   kept, dropped);
	return 0;
}
