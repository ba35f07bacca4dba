// SPDX-License-Identifier: MIT
/* Unit tests of the loopback transport: grants, ports, store, fd passing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loopback.h"

static void test_share_map_roundtrip(void **state)
{
	struct vcam_lb_link *lb = vcam_lb_create(64);
	uint32_t refs[3];
	char *fe, *be;

	(void)state;
	assert_non_null(lb);
	fe = vcam_lb_share(lb, VCAM_LB_FE, 3, refs);
	assert_non_null(fe);
	assert_true(refs[0] >= VCAM_LB_FIRST_REF);
	assert_int_equal(vcam_lb_granted(lb, VCAM_LB_FE), 3);
	fe[0] = 'a';
	fe[2 * VCAM_LB_PAGE_SIZE + 7] = 'z';
	be = vcam_lb_map(lb, VCAM_LB_BE, 3, refs);
	assert_non_null(be);
	assert_int_equal(be[0], 'a');
	assert_int_equal(be[2 * VCAM_LB_PAGE_SIZE + 7], 'z');
	be[VCAM_LB_PAGE_SIZE] = 'm';
	assert_int_equal(fe[VCAM_LB_PAGE_SIZE], 'm');
	assert_int_equal(vcam_lb_unmap(be, 3), 0);
	assert_int_equal(vcam_lb_unshare(lb, VCAM_LB_FE, fe, 3, refs), 0);
	assert_int_equal(vcam_lb_granted(lb, VCAM_LB_FE), 0);
	vcam_lb_destroy(lb);
}

static void test_bad_and_foreign_refs(void **state)
{
	struct vcam_lb_link *lb = vcam_lb_create(16);
	uint32_t ref, bad;
	void *p;

	(void)state;
	assert_non_null(lb);
	p = vcam_lb_share(lb, VCAM_LB_BE, 1, &ref);
	assert_non_null(p);
	/* Own grant is not mappable by the granter: "foreign" ref. */
	assert_null(vcam_lb_map(lb, VCAM_LB_BE, 1, &ref));
	assert_int_equal(errno, EPERM);
	bad = 0;
	assert_null(vcam_lb_map(lb, VCAM_LB_BE, 1, &bad));
	assert_int_equal(errno, EINVAL);
	bad = 16;
	assert_null(vcam_lb_map(lb, VCAM_LB_FE, 1, &bad));
	assert_int_equal(errno, EINVAL);
	bad = ref + 1;	/* free page */
	assert_null(vcam_lb_map(lb, VCAM_LB_FE, 1, &bad));
	assert_int_equal(errno, EPERM);
	assert_non_null(vcam_lb_map(lb, VCAM_LB_FE, 1, &ref));
	vcam_lb_destroy(lb);
}

static void test_pool_exhaustion(void **state)
{
	struct vcam_lb_link *lb = vcam_lb_create(VCAM_LB_FIRST_REF + 2);
	uint32_t refs[3];

	(void)state;
	assert_non_null(lb);
	assert_null(vcam_lb_share(lb, VCAM_LB_FE, 3, refs));
	assert_int_equal(errno, ENOSPC);
	assert_non_null(vcam_lb_share(lb, VCAM_LB_FE, 2, refs));
	vcam_lb_destroy(lb);
	assert_null(vcam_lb_create(VCAM_LB_MAX_PAGES + 1));
}

static void test_ports(void **state)
{
	struct vcam_lb_link *lb = vcam_lb_create(16);
	int p;

	(void)state;
	assert_non_null(lb);
	assert_int_equal(vcam_lb_port_bind(lb, 3), -EINVAL);
	p = vcam_lb_port_alloc(lb);
	assert_true(p > 0);
	assert_int_equal(vcam_lb_port_bind(lb, p), 0);
	assert_int_equal(vcam_lb_wait(lb, VCAM_LB_BE, p, 0), 0);
	assert_int_equal(vcam_lb_notify(lb, VCAM_LB_FE, p), 0);
	assert_int_equal(vcam_lb_notify(lb, VCAM_LB_FE, p), 0);
	/* The notifier's own side sees nothing. */
	assert_int_equal(vcam_lb_port_ack(lb, VCAM_LB_FE, p), 0);
	assert_int_equal(vcam_lb_port_ack(lb, VCAM_LB_BE, p), 2);
	assert_int_equal(vcam_lb_notify(lb, VCAM_LB_BE, p), 0);
	assert_int_equal(vcam_lb_wait(lb, VCAM_LB_FE, p, 100), 1);
	vcam_lb_port_free(lb, p);
	assert_int_equal(vcam_lb_notify(lb, VCAM_LB_FE, p), -EINVAL);
	assert_int_equal(vcam_lb_notify(lb, VCAM_LB_FE, 99), -EINVAL);
	vcam_lb_destroy(lb);
}

static void test_store(void **state)
{
	struct vcam_lb_link *lb = vcam_lb_create(16);
	char buf[VCAM_LB_VAL_MAX], big[200];
	char small[2];

	(void)state;
	assert_non_null(lb);
	assert_int_equal(vcam_lb_store_read(lb, "fe/state", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(vcam_lb_store_write(lb, VCAM_LB_FE, "fe/state", "1"),
			 0);
	assert_int_equal(vcam_lb_wait(lb, VCAM_LB_BE, VCAM_LB_STORE_PORT, 0),
			 1);
	assert_int_equal(vcam_lb_store_read(lb, "fe/state", buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "1");
	assert_int_equal(vcam_lb_store_write(lb, VCAM_LB_FE, "fe/state", "42"),
			 0);
	assert_int_equal(vcam_lb_store_read(lb, "fe/state", small,
					    sizeof(small)), -ERANGE);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(vcam_lb_store_write(lb, VCAM_LB_FE, "k", big), -E2BIG);
	assert_int_equal(vcam_lb_store_write(lb, VCAM_LB_FE, big, "v"),
			 -ENAMETOOLONG);
	assert_int_equal(vcam_lb_store_write(lb, VCAM_LB_FE,
			 "fe/formats/YUYV/640x360/frame-rates", "30/1"), 0);
	assert_int_equal(vcam_lb_store_write(lb, VCAM_LB_FE,
			 "fe/formats/YUYV/320x180/frame-rates", "30/1"), 0);
	assert_int_equal(vcam_lb_store_write(lb, VCAM_LB_FE,
			 "fe/formats/NV12/640x360/frame-rates", "5/1"), 0);
	assert_int_equal(vcam_lb_store_list(lb, "fe/formats", big,
					    sizeof(big)), 2);
	assert_string_equal(big, "YUYV");
	assert_string_equal(big + 5, "NV12");
	assert_int_equal(vcam_lb_store_list(lb, "fe/formats/YUYV", big,
					    sizeof(big)), 2);
	assert_int_equal(vcam_lb_store_list(lb, "fe/nothing", big,
					    sizeof(big)), 0);
	assert_int_equal(vcam_lb_store_list(lb, "fe/formats", small,
					    sizeof(small)), -ERANGE);
	assert_int_equal(vcam_lb_store_rm(lb, VCAM_LB_FE, "fe/state"), 0);
	assert_int_equal(vcam_lb_store_read(lb, "fe/state", buf, sizeof(buf)),
			 -ENOENT);
	vcam_lb_destroy(lb);
}

static void test_fd_passing(void **state)
{
	struct vcam_lb_link *lb = vcam_lb_create(32);
	int sv[2], status, p;
	uint32_t ref;
	char *page;
	pid_t pid;

	(void)state;
	assert_non_null(lb);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	page = vcam_lb_share(lb, VCAM_LB_FE, 1, &ref);
	assert_non_null(page);
	p = vcam_lb_port_alloc(lb);
	assert_true(p > 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct vcam_lb_link *be = vcam_lb_recv(sv[1]);
		char *m;

		if (!be)
			_exit(2);
		m = vcam_lb_map(be, VCAM_LB_BE, 1, &ref);
		if (!m || strcmp(m, "hello"))
			_exit(3);
		strcpy(m, "world");
		vcam_lb_notify(be, VCAM_LB_BE, p);
		_exit(0);
	}
	strcpy(page, "hello");
	assert_int_equal(vcam_lb_send(sv[0], lb), 0);
	assert_int_equal(vcam_lb_wait(lb, VCAM_LB_FE, p, 5000), 1);
	assert_string_equal(page, "world");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(sv[0]);
	close(sv[1]);
	vcam_lb_destroy(lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_map_roundtrip),
		cmocka_unit_test(test_bad_and_foreign_refs),
		cmocka_unit_test(test_pool_exhaustion),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_fd_passing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
