// SPDX-License-Identifier: MIT
/*
 * vcam-evping: the floor of a request round trip between two domains, a
 * raw event channel bounced back and forth, with nothing else (no ring, no
 * request) in the way.
 *
 *   dom0:  vcam-evping serve DOMID   allocate an unbound port for DOMID,
 *                                     publish it in that guest's
 *                                     data/vcam-evping-port, send every
 *                                     notification back until SIGTERM
 *   guest: vcam-evping ping [-n N]   bind that port, time N round trips
 *
 * Both sides wait the way a frontend and vcamd in event mode wait: block
 * on /dev/xen/evtchn until the port fires, unmask it, notify.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenevtchn.h>
#include <xenstore.h>

#include "parse.h"
#include "rttstat.h"

#define PORT_NODE	"data/vcam-evping-port"

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * Wait up to ms for port to fire, then unmask it: 1 if it fired, 0 on
 * timeout or signal, -1 on error.  Another port firing is an error: the
 * handle has only ours bound.
 */
static int await_port(xenevtchn_handle *xce, evtchn_port_t port, int ms)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(xce), .events = POLLIN };
	xenevtchn_port_or_error_t p;
	int r;

	r = poll(&pfd, 1, ms);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (r == 0)
		return 0;
	p = xenevtchn_pending(xce);
	if (p < 0)
		return -1;
	if ((evtchn_port_t)p != port) {
		fprintf(stderr, "vcam-evping: port %d fired, not %u\n", p,
			port);
		return -1;
	}
	return xenevtchn_unmask(xce, port) ? -1 : 1;
}

static int serve(xenevtchn_handle *xce, struct xs_handle *xs,
		 unsigned long domid)
{
	struct xs_permissions perms[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = (unsigned int)domid, .perms = XS_PERM_READ },
	};
	unsigned long long bounced = 0;
	xenevtchn_port_or_error_t port;
	char path[80], val[16];
	int r = 0;

	port = xenevtchn_bind_unbound_port(xce, (uint32_t)domid);
	if (port < 0) {
		fprintf(stderr, "vcam-evping: unbound port for dom%lu: %s\n",
			domid, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "/local/domain/%lu/" PORT_NODE, domid);
	snprintf(val, sizeof(val), "%d", port);
	if (!xs_write(xs, XBT_NULL, path, val, strlen(val)) ||
	    !xs_set_permissions(xs, XBT_NULL, path, perms, 2)) {
		fprintf(stderr, "vcam-evping: %s: %s\n", path,
			strerror(errno));
		xenevtchn_unbind(xce, (evtchn_port_t)port);
		return 1;
	}
	printf("evping-serve dom=%lu port=%d\n", domid, port);
	fflush(stdout);
	while (!stop) {
		r = await_port(xce, (evtchn_port_t)port, 1000);
		if (r < 0) {
			perror("vcam-evping: serve");
			break;
		}
		if (r == 0)
			continue;
		if (xenevtchn_notify(xce, (evtchn_port_t)port)) {
			perror("vcam-evping: notify");
			r = -1;
			break;
		}
		bounced++;
	}
	xs_rm(xs, XBT_NULL, path);
	xenevtchn_unbind(xce, (evtchn_port_t)port);
	printf("evping-serve bounced=%llu\n", bounced);
	return r < 0 ? 1 : 0;
}

/* dom0's port from our data dir: wait up to 30 s for it to appear. */
static int read_port(struct xs_handle *xs, unsigned long *port)
{
	unsigned int i;
	char *v;
	int bad;

	for (i = 0; i < 600 && !stop; i++) {
		v = xs_read(xs, XBT_NULL, PORT_NODE, NULL);
		if (v) {
			bad = tfe_parse_uint(v, 1, 0xfffff, port);
			if (bad)
				fprintf(stderr, "vcam-evping: bad port '%s'\n",
					v);
			free(v);
			return bad ? -1 : 0;
		}
		usleep(50000);
	}
	fprintf(stderr, "vcam-evping: no %s (is 'vcam-evping serve' running in dom0?)\n",
		PORT_NODE);
	return -1;
}

static int ping(xenevtchn_handle *xce, struct xs_handle *xs, unsigned int n)
{
	xenevtchn_port_or_error_t local;
	struct tfe_lat l = { 0 };
	unsigned long remote;
	unsigned int i;
	int64_t t0;
	int r = 0;

	if (read_port(xs, &remote))
		return 1;
	local = xenevtchn_bind_interdomain(xce, 0, (evtchn_port_t)remote);
	if (local < 0) {
		fprintf(stderr, "vcam-evping: bind dom0 port %lu: %s\n",
			remote, strerror(errno));
		return 1;
	}
	for (i = 0; i < RTT_WARMUP + n && !stop; i++) {
		t0 = rtt_now_ns();
		if (xenevtchn_notify(xce, (evtchn_port_t)local)) {
			perror("vcam-evping: notify");
			r = -1;
			break;
		}
		r = await_port(xce, (evtchn_port_t)local, 5000);
		if (r <= 0) {
			fprintf(stderr, "vcam-evping: round trip %u: %s\n", i,
				r ? strerror(errno) : "no answer in 5 s");
			r = -1;
			break;
		}
		if (i >= RTT_WARMUP)
			tfe_lat_add(&l, rtt_now_ns() - t0);
	}
	xenevtchn_unbind(xce, (evtchn_port_t)local);
	if (r >= 0)
		r = rtt_print(stdout, "evping", &l, n);
	tfe_lat_free(&l);
	return r < 0 ? 1 : 0;
}

static int usage(FILE *f, int ret)
{
	fprintf(f,
"usage: vcam-evping serve DOMID    (dom0: bounce that guest's notifications)\n"
"       vcam-evping ping [-n N]    (guest: N round trips, default 1000)\n"
"The guest prints 'evping n=N warmup=W p50-us p99-us max-us min-us' (after\n"
"%d round trips not counted).\n", RTT_WARMUP);
	return ret;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop };
	unsigned long domid = 0;
	unsigned int n = 1000;
	xenevtchn_handle *xce;
	struct xs_handle *xs;
	int is_serve, ret;

	if (argc == 2 && !strcmp(argv[1], "-h"))
		return usage(stdout, 0);
	is_serve = argc == 3 && !strcmp(argv[1], "serve");
	if (is_serve) {
		if (tfe_parse_uint(argv[2], 1, 0x7fef, &domid)) {
			fprintf(stderr, "vcam-evping: bad domid '%s'\n",
				argv[2]);
			return 2;
		}
	} else if (argc < 2 || strcmp(argv[1], "ping") ||
		   (argc != 2 && argc != 4) ||
		   (argc == 4 && (strcmp(argv[2], "-n") ||
				  rtt_parse_n(argv[3], &n)))) {
		return usage(stderr, 2);
	}
	/* no SA_RESTART: a signal ends a wait in poll() */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	xce = xenevtchn_open(NULL, 0);
	if (!xce) {
		fprintf(stderr, "vcam-evping: /dev/xen/evtchn: %s\n",
			strerror(errno));
		return 2;
	}
	xs = xs_open(0);
	if (!xs) {
		fprintf(stderr, "vcam-evping: xenstore: %s\n", strerror(errno));
		xenevtchn_close(xce);
		return 2;
	}
	ret = is_serve ? serve(xce, xs, domid) : ping(xce, xs, n);
	xs_close(xs);
	xenevtchn_close(xce);
	return ret;
}
