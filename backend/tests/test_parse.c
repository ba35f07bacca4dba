// SPDX-License-Identifier: MIT
/*
 * vcamd's own parsing (unique-id as a path, xenbus states) and options:
 * malformed input, clear errors.  The configuration's values are the
 * shared layer's, tested in ring/tests/cfgparse_vectors.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "opts.h"
#include "parse.h"

static void test_unique_id(void **state)
{
	char path[64];
	const char *why = NULL;

	(void)state;
	assert_int_equal(vcamd_unique_id_path("video0", path, sizeof(path),
					      &why), 0);
	assert_string_equal(path, "/dev/video0");
	assert_int_equal(vcamd_unique_id_path("video12", path, sizeof(path),
					      &why), 0);
	assert_string_equal(path, "/dev/video12");
	assert_int_equal(vcamd_unique_id_path("/dev/v4l/by-id/usb-cam_1",
					      path, sizeof(path), &why), 0);
	assert_string_equal(path, "/dev/v4l/by-id/usb-cam_1");
	assert_int_not_equal(vcamd_unique_id_path("video", path, sizeof(path),
						  &why), 0);
	assert_int_not_equal(vcamd_unique_id_path("video-1", path,
						  sizeof(path), &why), 0);
	assert_int_not_equal(vcamd_unique_id_path("video256", path,
						  sizeof(path), &why), 0);
	assert_int_not_equal(vcamd_unique_id_path("/dev/../etc/shadow", path,
						  sizeof(path), &why), 0);
	assert_string_equal(why, "unique-id path is not canonical");
	assert_int_not_equal(vcamd_unique_id_path("/etc/passwd", path,
						  sizeof(path), &why), 0);
	assert_int_not_equal(vcamd_unique_id_path("/dev/video0;rm", path,
						  sizeof(path), &why), 0);
	assert_int_not_equal(vcamd_unique_id_path("", path, sizeof(path),
						  &why), 0);
	assert_int_not_equal(vcamd_unique_id_path("/dev/video0", path, 5,
						  &why), 0);
}

static void test_xb_state(void **state)
{
	const char *why;
	int s;

	(void)state;
	assert_int_equal(vcamd_parse_xb_state("4", &s, &why), 0);
	assert_int_equal(s, XenbusStateConnected);
	assert_int_not_equal(vcamd_parse_xb_state("9", &s, &why), 0);
	assert_int_not_equal(vcamd_parse_xb_state("x", &s, &why), 0);
}

#define ARGV(...) ((char *[]){ "vcamd", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "vcamd", __VA_ARGS__ }) / \
			 sizeof(char *)))

static void test_options(void **state)
{
	struct vcamd_opts o;
	char err[256];

	(void)state;
	vcamd_opts_default(&o);
	assert_int_equal(vcamd_opts_parse(&o, ARGC("-f", "-v", "-v", "-m",
		"spin", "--allow=/dev/video3", "-b", "8"),
		ARGV("-f", "-v", "-v", "-m", "spin", "--allow=/dev/video3",
		     "-b", "8"), err, sizeof(err)), 0);
	assert_true(o.foreground);
	assert_false(o.use_syslog);
	assert_int_equal(o.log_level, LOG_DEBUG);
	assert_int_equal(o.default_mode, VCAM_NOTIFY_SPIN);
	assert_int_equal(o.cam_buffers, 8);
	assert_true(vcamd_opts_allowed(&o, "/dev/video3"));
	assert_false(vcamd_opts_allowed(&o, "/dev/video0"));

	vcamd_opts_default(&o);
	assert_true(vcamd_opts_allowed(&o, "/dev/video0"));
	assert_false(vcamd_opts_allowed(&o, "/dev/sda"));
	assert_int_equal(vcamd_opts_parse(&o, ARGC("-m", "poll"),
					  ARGV("-m", "poll"), err,
					  sizeof(err)), -22);
	assert_non_null(strstr(err, "notify-mode must be"));
	assert_int_equal(vcamd_opts_parse(&o, ARGC("-s", "abc"),
					  ARGV("-s", "abc"), err,
					  sizeof(err)), -22);
	assert_non_null(strstr(err, "--spin-us 'abc'"));
	assert_int_equal(vcamd_opts_parse(&o, ARGC("-b", "1"),
					  ARGV("-b", "1"), err,
					  sizeof(err)), -22);
	assert_int_equal(vcamd_opts_parse(&o, ARGC("--bogus"),
					  ARGV("--bogus"), err,
					  sizeof(err)), -22);
	assert_non_null(strstr(err, "unknown option"));
	assert_int_equal(vcamd_opts_parse(&o, ARGC("-m"), ARGV("-m"), err,
					  sizeof(err)), -22);
	assert_non_null(strstr(err, "needs a value"));
	assert_int_equal(vcamd_opts_parse(&o, ARGC("extra"), ARGV("extra"),
					  err, sizeof(err)), -22);
	assert_int_equal(vcamd_opts_parse(&o, ARGC("-a", "video0"),
					  ARGV("-a", "video0"), err,
					  sizeof(err)), -22);
}

static void test_limit_options(void **state)
{
	struct vcamd_opts o;
	char err[256];

	(void)state;
	vcamd_opts_default(&o);
	assert_int_equal(o.max_spinning, VCAMD_MAX_SPINNING_DEFAULT);
	assert_int_equal(o.max_pages_dev, VCAMD_MAX_PAGES_DEV_DEFAULT);
	assert_int_equal(o.max_pages_total, VCAMD_MAX_PAGES_TOTAL_DEFAULT);
	assert_int_equal(o.max_req_rate, VCAMD_MAX_REQ_RATE_DEFAULT);
	assert_int_equal(o.max_req_burst, VCAMD_MAX_REQ_BURST_DEFAULT);
	assert_int_equal(o.max_req_cpu, VCAMD_MAX_REQ_CPU_DEFAULT);
	/* 8 buffers of 1920x1080 YUYV fit the default per-device cap */
	assert_true(8 * ((1920 * 1080 * 2 + 4095) / 4096) <=
		    VCAMD_MAX_PAGES_DEV_DEFAULT);
	assert_int_equal(vcamd_opts_parse(&o, ARGC("--max-spinning=0",
		"--max-pages-per-device", "512", "--max-pages-total=0",
		"--max-req-rate=50", "--max-req-burst=4"),
		ARGV("--max-spinning=0", "--max-pages-per-device", "512",
		     "--max-pages-total=0", "--max-req-rate=50",
		     "--max-req-burst=4"), err, sizeof(err)), 0);
	assert_int_equal(o.max_spinning, 0);
	assert_int_equal(o.max_pages_dev, 512);
	assert_int_equal(o.max_pages_total, 0);
	assert_int_equal(o.max_req_rate, 50);
	assert_int_equal(o.max_req_burst, 4);
	assert_int_equal(vcamd_opts_parse(&o, ARGC("--max-req-burst=0"),
					  ARGV("--max-req-burst=0"), err,
					  sizeof(err)), -22);
	assert_non_null(strstr(err, "--max-req-burst '0'"));
	assert_int_equal(vcamd_opts_parse(&o, ARGC("--max-req-cpu=101"),
					  ARGV("--max-req-cpu=101"), err,
					  sizeof(err)), -22);
	assert_int_equal(vcamd_opts_parse(&o, ARGC("--max-req-cpu=0"),
					  ARGV("--max-req-cpu=0"), err,
					  sizeof(err)), 0);
	assert_int_equal(o.max_req_cpu, 0);
	assert_int_equal(vcamd_opts_parse(&o, ARGC("--max-spinning=-1"),
					  ARGV("--max-spinning=-1"), err,
					  sizeof(err)), -22);
	assert_int_equal(vcamd_opts_parse(&o, ARGC("--max-req-rate"),
					  ARGV("--max-req-rate"), err,
					  sizeof(err)), -22);
	assert_non_null(strstr(err, "needs a value"));
}

static void test_config_file(void **state)
{
	char path[] = "/tmp/vcamd-test-XXXXXX";
	struct vcamd_opts o;
	char err[256];
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "# comment\n\nmode = hybrid\nspin-us=200\n"
		   "allow = /dev/video1\nforeground\nmax-spinning = 3\n"
		   "max-req-rate = 250\n");
	fclose(f);
	vcamd_opts_default(&o);
	assert_int_equal(vcamd_opts_parse(&o, ARGC("-c", path),
					  ARGV("-c", path), err,
					  sizeof(err)), 0);
	assert_int_equal(o.default_mode, VCAM_NOTIFY_HYBRID);
	assert_int_equal(o.default_spin_us, 200);
	assert_true(vcamd_opts_allowed(&o, "/dev/video1"));
	assert_true(o.foreground);
	assert_int_equal(o.max_spinning, 3);
	assert_int_equal(o.max_req_rate, 250);

	f = fopen(path, "w");
	fprintf(f, "mode = hybrid\nspin-us = lots\n");
	fclose(f);
	assert_int_equal(vcamd_opts_load_file(&o, path, err, sizeof(err)),
			 -22);
	assert_non_null(strstr(err, ":2:"));
	f = fopen(path, "w");
	fprintf(f, "colour = blue\n");
	fclose(f);
	assert_int_equal(vcamd_opts_load_file(&o, path, err, sizeof(err)),
			 -22);
	assert_non_null(strstr(err, "unknown key 'colour'"));
	unlink(path);
	assert_int_equal(vcamd_opts_load_file(&o, path, err, sizeof(err)),
			 -22);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique_id),
		cmocka_unit_test(test_xb_state),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_limit_options),
		cmocka_unit_test(test_config_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
