// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "opts.h"
#include "wire.h"

#define ARGV(...) ((char *[]){ "vcam-testfe", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "x", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, ...) \
	tfe_opts_parse(o, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), err, sizeof(err))

static char err[160];

static void test_defaults(void **state)
{
	struct tfe_opts o;
	char *argv[] = { "vcam-testfe", NULL };

	(void)state;
	assert_int_equal(tfe_opts_parse(&o, 1, argv, err, sizeof(err)), 0);
	assert_string_equal(o.command, "stream");
	assert_int_equal(o.mode, -1);
	assert_int_equal(o.be_alloc, -1);
	assert_int_equal(o.nbufs, 4);
	assert_int_equal(o.frames, 100);
	assert_int_equal(o.fourcc, 0);
	assert_int_equal(o.loop, 0);
	assert_int_equal(o.foreign_domid, ~0u);
}

static void test_full_line(void **state)
{
	struct tfe_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "-d", "2", "--mode", "hybrid",
			       "--spin-us", "200", "-b", "1", "-n", "6",
			       "--frames", "150", "-F", "1280x720:NV12",
			       "-r", "30000/1001", "-o", "/tmp/x", "-t", "900",
			       "--foreign-domid", "7", "-c", "55", "-v",
			       "wrong-state"), 0);
	assert_int_equal(o.devid, 2);
	assert_int_equal(o.mode, VCAM_NOTIFY_HYBRID);
	assert_int_equal(o.spin_us, 200);
	assert_int_equal(o.be_alloc, 1);
	assert_int_equal(o.nbufs, 6);
	assert_int_equal(o.frames, 150);
	assert_int_equal(o.width, 1280);
	assert_int_equal(o.height, 720);
	assert_int_equal(o.fourcc, 0x3231564e);
	assert_int_equal(o.rate_numer, 30000);
	assert_int_equal(o.rate_denom, 1001);
	assert_string_equal(o.out, "/tmp/x");
	assert_int_equal(o.timeout_ms, 900);
	assert_int_equal(o.foreign_domid, 7);
	assert_int_equal(o.count, 55);
	assert_int_equal(o.verbose, 1);
	assert_string_equal(o.command, "wrong-state");
}

static void test_seconds(void **state)
{
	struct tfe_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "-s", "3"), 0);
	assert_int_equal(o.seconds, 3);
	assert_int_equal(o.frames, 1000000);
	assert_int_equal(PARSE(&o, "-f", "10", "--seconds", "3"), 0);
	assert_int_equal(o.frames, 10);
	assert_int_equal(PARSE(&o, "-s", "0"), -1);
}

static void test_rtt_command(void **state)
{
	struct tfe_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "-m", "spin", "-c", "500", "rtt"), 0);
	assert_string_equal(o.command, "rtt");
	assert_int_equal(o.count, 500);
	assert_int_equal(PARSE(&o, "rtt", "500"), -1);
	assert_non_null(strstr(err, "unexpected argument"));
	assert_int_equal(PARSE(&o, "-c", "0", "rtt"), -1);
}

static void test_format_forms(void **state)
{
	uint32_t w, h, f;

	(void)state;
	assert_int_equal(tfe_parse_format("640x360", &w, &h, &f), 0);
	assert_int_equal(f, 0);
	assert_int_equal(tfe_parse_format("640x360 YUYV", &w, &h, &f), 0);
	assert_int_equal(f, 0x56595559);
	assert_int_equal(tfe_parse_format("640x360,MJPG", &w, &h, &f), 0);
	assert_int_equal(w, 640);
	assert_int_equal(h, 360);
	assert_int_equal(tfe_parse_format("640x", &w, &h, &f), -1);
	assert_int_equal(tfe_parse_format("x360", &w, &h, &f), -1);
	assert_int_equal(tfe_parse_format("0x360", &w, &h, &f), -1);
	assert_int_equal(tfe_parse_format("640x360:YUY", &w, &h, &f), -1);
	assert_int_equal(tfe_parse_format("640x360;YUYV", &w, &h, &f), -1);
	assert_int_equal(tfe_parse_format("99999x1", &w, &h, &f), -1);
}

static void test_rejects(void **state)
{
	struct tfe_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "-m", "poll"), -1);
	assert_non_null(strstr(err, "mode"));
	assert_int_equal(PARSE(&o, "-b", "2"), -1);
	assert_int_equal(PARSE(&o, "-n", "0"), -1);
	assert_int_equal(PARSE(&o, "-n", "65"), -1);
	assert_int_equal(PARSE(&o, "-f", "-3"), -1);
	assert_int_equal(PARSE(&o, "-f", "12abc"), -1);
	assert_int_equal(PARSE(&o, "-r", "0"), -1);
	assert_int_equal(PARSE(&o, "-r", "30/0"), -1);
	assert_int_equal(PARSE(&o, "--spin-us", "2000000"), -1);
	assert_int_equal(PARSE(&o, "--bogus"), -1);
	assert_int_equal(PARSE(&o, "-d"), -1);
	assert_non_null(strstr(err, "needs a value"));
	assert_int_equal(PARSE(&o, "no-such-case"), -1);
	assert_non_null(strstr(err, "unknown command"));
	assert_int_equal(PARSE(&o, "flood", "extra"), -1);
	/* A rejected line followed by a good one: getopt state resets. */
	assert_int_equal(PARSE(&o, "-L", "/tmp/s", "ring-overrun"), 0);
	assert_int_equal(o.loop, 1);
	assert_string_equal(o.loop_sock, "/tmp/s");
	assert_string_equal(o.command, "ring-overrun");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_line),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_rtt_command),
		cmocka_unit_test(test_format_forms),
		cmocka_unit_test(test_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
