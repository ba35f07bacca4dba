// SPDX-License-Identifier: MIT
/*
 * vcam-pingpong: the floors of a request round trip inside one domain.
 *
 *   cacheline  two threads hand a counter back and forth through one
 *              shared cache line (what spin mode's ring polling costs at
 *              best: one line moving between two CPUs and back)
 *   eventfd    two threads wake each other through two eventfds (the
 *              loopback transport's notification, a syscall and a wakeup
 *              each way)
 *
 * The main thread times each round trip.  On a machine with one CPU (a
 * guest with one vCPU) a pure spin would wait for the scheduler's tick;
 * a waiter that polled 1024 times in vain yields, and the line reports
 * how often that happened and how many CPUs there were, so such a figure
 * is read as what it is: two context switches, not a cache line.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "rttstat.h"

#define SPINS_BEFORE_YIELD	1024

struct pp {
	_Alignas(64) atomic_uint line;
	_Alignas(64) atomic_ulong yields;
	int efd[2];		/* [0]: main -> partner, [1]: partner -> main */
	unsigned int rounds;
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Spin until the line holds want; yield after a long vain spin. */
static void await(struct pp *p, unsigned int want)
{
	unsigned int n = 0;

	while (atomic_load_explicit(&p->line, memory_order_acquire) != want) {
		if (++n < SPINS_BEFORE_YIELD) {
			cpu_relax();
			continue;
		}
		atomic_fetch_add_explicit(&p->yields, 1, memory_order_relaxed);
		sched_yield();
		n = 0;
	}
}

static void *line_partner(void *arg)
{
	struct pp *p = arg;
	unsigned int i;

	for (i = 0; i < p->rounds; i++) {
		await(p, 2 * i + 1);
		atomic_store_explicit(&p->line, 2 * i + 2,
				      memory_order_release);
	}
	return NULL;
}

static void line_round(struct pp *p, unsigned int i)
{
	atomic_store_explicit(&p->line, 2 * i + 1, memory_order_release);
	await(p, 2 * i + 2);
}

static int efd_kick(int fd)
{
	uint64_t one = 1;

	return write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
}

static int efd_take(int fd)
{
	uint64_t v;

	return read(fd, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
}

static void *efd_partner(void *arg)
{
	struct pp *p = arg;
	unsigned int i;

	for (i = 0; i < p->rounds; i++)
		if (efd_take(p->efd[0]) || efd_kick(p->efd[1])) {
			perror("vcam-pingpong: partner eventfd");
			break;
		}
	return NULL;
}

static int usage(FILE *f, int ret)
{
	fprintf(f,
"usage: vcam-pingpong cacheline|eventfd [-n N]\n"
"Times N round trips (default 10000, after %d not counted) between two\n"
"threads, through one shared cache line or through a pair of eventfds, and\n"
"prints 'pingpong kind=K cpus=C yields=Y n=N warmup=W p50-us p99-us max-us\n"
"min-us' (yields: times a cacheline waiter gave its CPU up after polling\n"
"%d times in vain; with one CPU that is every round trip).\n",
		RTT_WARMUP, SPINS_BEFORE_YIELD);
	return ret;
}

int main(int argc, char **argv)
{
	static struct pp p;
	struct tfe_lat l = { 0 };
	unsigned int n = 10000, i;
	char prefix[96];
	int lines, ret;
	pthread_t th;
	int64_t t0;

	if (argc == 2 && !strcmp(argv[1], "-h"))
		return usage(stdout, 0);
	if ((argc != 2 && argc != 4) ||
	    (argc == 4 && (strcmp(argv[2], "-n") || rtt_parse_n(argv[3], &n))))
		return usage(stderr, 2);
	lines = !strcmp(argv[1], "cacheline");
	if (!lines && strcmp(argv[1], "eventfd"))
		return usage(stderr, 2);
	p.rounds = RTT_WARMUP + n;
	if (!lines) {
		p.efd[0] = eventfd(0, EFD_CLOEXEC);
		p.efd[1] = eventfd(0, EFD_CLOEXEC);
		if (p.efd[0] < 0 || p.efd[1] < 0) {
			perror("vcam-pingpong: eventfd");
			return 2;
		}
	}
	ret = pthread_create(&th, NULL, lines ? line_partner : efd_partner,
			     &p);
	if (ret) {
		fprintf(stderr, "vcam-pingpong: thread: %s\n", strerror(ret));
		return 2;
	}
	for (i = 0; i < p.rounds; i++) {
		t0 = rtt_now_ns();
		if (lines) {
			line_round(&p, i);
		} else if (efd_kick(p.efd[0]) || efd_take(p.efd[1])) {
			perror("vcam-pingpong: eventfd");
			return 1;
		}
		if (i >= RTT_WARMUP)
			tfe_lat_add(&l, rtt_now_ns() - t0);
	}
	pthread_join(th, NULL);
	snprintf(prefix, sizeof(prefix), "pingpong kind=%s cpus=%ld yields=%lu",
		 argv[1], sysconf(_SC_NPROCESSORS_ONLN),
		 atomic_load(&p.yields));
	ret = rtt_print(stdout, prefix, &l, n);
	tfe_lat_free(&l);
	return ret ? 1 : 0;
}
