// SPDX-License-Identifier: MIT
/*
 * vcam-skew: how far dom0's CLOCK_REALTIME is from a guest's, measured the
 * NTP way through xenstore, so that latencies computed across the two
 * domains (capture time in dom0, arrival in the guest) can be read with
 * their error next to them.
 *
 *   dom0:  vcam-skew serve DOMID        answers until SIGTERM/SIGINT
 *   guest: vcam-skew ping [-n N]        N exchanges, then one result line
 *
 * One exchange: the guest notes t1 and writes data/vcam-skew/ping "i t1";
 * dom0's watch fires, it notes t2, reads the ping, notes t3 and writes
 * data/vcam-skew/pong "i t2 t3"; the guest's watch fires, it reads the
 * pong and notes t4.  Then dom0 minus guest is ((t2 - t1) + (t3 - t4)) / 2
 * within +-(rtt / 2), rtt = (t4 - t1) - (t3 - t2), whatever the two
 * directions' delays were.  The exchange with the smallest rtt gives the
 * result (its bound is the tightest).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "parse.h"

#define SKEW_DIR	"data/vcam-skew"
#define MAX_N		1000

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Wait up to ms for a watch event; 1 if one came, 0 on timeout/signal. */
static int wait_watch(struct xs_handle *xs, int ms)
{
	struct pollfd pfd = { .fd = xs_fileno(xs), .events = POLLIN };
	unsigned int n;
	char **ev;

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	ev = xs_read_watch(xs, &n);
	if (!ev)
		return 0;
	free(ev);
	return 1;
}

static int serve(struct xs_handle *xs, const char *domid)
{
	char ping[96], pong[96], reply[96];
	unsigned long long last = 0, i;
	long long t1;
	int64_t t2, t3;
	char *v;

	snprintf(ping, sizeof(ping), "/local/domain/%s/" SKEW_DIR "/ping",
		 domid);
	snprintf(pong, sizeof(pong), "/local/domain/%s/" SKEW_DIR "/pong",
		 domid);
	if (!xs_watch(xs, ping, "ping")) {
		fprintf(stderr, "vcam-skew: watch %s: %s\n", ping,
			strerror(errno));
		return 1;
	}
	while (!stop) {
		if (!wait_watch(xs, 1000))
			continue;
		t2 = real_ns();
		v = xs_read(xs, XBT_NULL, ping, NULL);
		if (!v)
			continue;
		if (sscanf(v, "%llu %lld", &i, &t1) != 2 || i == last) {
			free(v);
			continue;
		}
		free(v);
		last = i;
		t3 = real_ns();
		snprintf(reply, sizeof(reply), "%llu %" PRId64 " %" PRId64, i,
			 t2, t3);
		if (!xs_write(xs, XBT_NULL, pong, reply, strlen(reply)))
			fprintf(stderr, "vcam-skew: write %s: %s\n", pong,
				strerror(errno));
	}
	return 0;
}

/* One exchange; 0 with theta (dom0 - guest) and rtt in ns, or -1. */
static int exchange(struct xs_handle *xs, unsigned long long i,
		    int64_t *theta, int64_t *rtt)
{
	unsigned long long j;
	long long t2, t3;
	int64_t t1, t4, give_up;
	char buf[64], *v;

	t1 = real_ns();
	snprintf(buf, sizeof(buf), "%llu %" PRId64, i, t1);
	if (!xs_write(xs, XBT_NULL, SKEW_DIR "/ping", buf, strlen(buf)))
		return -1;
	give_up = t1 + 5000000000LL;
	while (!stop && real_ns() < give_up) {
		if (!wait_watch(xs, 500))
			continue;
		v = xs_read(xs, XBT_NULL, SKEW_DIR "/pong", NULL);
		t4 = real_ns();
		if (!v)
			continue;
		if (sscanf(v, "%llu %lld %lld", &j, &t2, &t3) == 3 && j == i) {
			free(v);
			*theta = ((t2 - t1) + (t3 - t4)) / 2;
			*rtt = (t4 - t1) - (t3 - t2);
			return 0;
		}
		free(v);
	}
	return -1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int ping(struct xs_handle *xs, unsigned int n)
{
	int64_t theta, rtt, best_theta = 0, best_rtt = INT64_MAX;
	int64_t thetas[MAX_N];
	unsigned int i, ok = 0;

	/* Our own node: dom0's answer keeps our permissions on it. */
	if (!xs_write(xs, XBT_NULL, SKEW_DIR "/pong", "", 0) ||
	    !xs_watch(xs, SKEW_DIR "/pong", "pong")) {
		fprintf(stderr, "vcam-skew: %s/pong: %s\n", SKEW_DIR,
			strerror(errno));
		return 1;
	}
	wait_watch(xs, 100);	/* the watch's first, immediate event */
	for (i = 1; i <= n && !stop; i++) {
		if (exchange(xs, i, &theta, &rtt))
			continue;
		thetas[ok++] = theta;
		if (rtt < best_rtt) {
			best_rtt = rtt;
			best_theta = theta;
		}
	}
	if (!ok) {
		printf("skew n=0\n");
		fprintf(stderr, "vcam-skew: no answer from dom0 (is 'vcam-skew serve' running?)\n");
		return 1;
	}
	qsort(thetas, ok, sizeof(thetas[0]), cmp_i64);
	printf("skew n=%u dom0-minus-guest-us=%.1f bound-us=%.1f rtt-min-us=%.1f theta-median-us=%.1f\n",
	       ok, best_theta / 1e3, best_rtt / 2e3, best_rtt / 1e3,
	       thetas[ok / 2] / 1e3);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: vcam-skew serve DOMID      (dom0: answer that guest's pings)\n"
"       vcam-skew ping [-n N]      (guest: N exchanges, default 20, max %d)\n"
"The guest prints 'skew n=N dom0-minus-guest-us=T bound-us=B rtt-min-us=R\n"
"theta-median-us=M': dom0's CLOCK_REALTIME minus ours, within +-B.  A\n"
"latency measured as guest time minus dom0 time is off by -T.\n", MAX_N);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop };
	struct xs_handle *xs;
	unsigned long n = 20, v;
	int ret;

	if (argc >= 2 && !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "serve")) {
		if (tfe_parse_uint(argv[2], 1, 0x7fef, &v)) {
			fprintf(stderr, "vcam-skew: bad domid '%s'\n", argv[2]);
			return 2;
		}
	} else if (argc >= 2 && !strcmp(argv[1], "ping")) {
		if (argc == 4 && !strcmp(argv[2], "-n") &&
		    !tfe_parse_uint(argv[3], 1, MAX_N, &v)) {
			n = v;
		} else if (argc != 2) {
			usage(stderr);
			return 2;
		}
	} else {
		usage(stderr);
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	xs = xs_open(0);
	if (!xs) {
		fprintf(stderr, "vcam-skew: xenstore: %s\n", strerror(errno));
		return 2;
	}
	ret = argv[1][0] == 's' ? serve(xs, argv[2]) : ping(xs, (unsigned int)n);
	xs_close(xs);
	return ret;
}
