// SPDX-License-Identifier: MIT
/*
 * The status snapshot (status.c) of hand-made cameras and connections:
 * its JSON form holds what the text holds, key for key
 * (status_json_check.py), strings with odd characters stay valid JSON, and
 * a buffer too small for everything still gives a valid document.  The
 * same over the live sockets of a running daemon is in test_daemon.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"

#ifndef CHECKER
#define CHECKER "tests/status_json_check.py"
#endif

static struct vcamd g_d;
static struct vcamd_camdev g_cam[2];
static char g_text[16384], g_json[16384];

static const struct vcamd_transport fake_tp = { .name = "fake" };

static struct vcamd_conn *conn(const char *name, struct vcamd_camdev *cd)
{
	struct vcamd_conn *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->d = &g_d;
	c->tp = &fake_tp;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->camdev = cd;
	c->connected = true;
	c->be_state = 4;
	c->next = g_d.conns;
	g_d.conns = c;
	return c;
}

static int setup(void **state)
{
	struct vcamd_conn *a, *b;

	(void)state;
	memset(&g_d, 0, sizeof(g_d));
	memset(g_cam, 0, sizeof(g_cam));
	vcamd_opts_default(&g_d.opts);
	g_d.tp = &fake_tp;
	g_d.start_ns = vcamd_now_ns();
	g_d.pages.used = 2026;
	g_d.pages.max = 65536;
	/* odd but space-free: the text cannot tell a space from a separator */
	snprintf(g_cam[0].path, sizeof(g_cam[0].path),
		 "/dev/v4l/by-id/usb-\"Cam\"_\\HD\xc3\xa9/x");
	g_cam[0].refs = 2;
	g_cam[0].cam.streaming = true;
	g_cam[0].cam.have_fmt = true;
	g_cam[0].cam.fmt.fourcc = V4L2_PIX_FMT_YUYV;
	g_cam[0].cam.fmt.width = 640;
	g_cam[0].cam.fmt.height = 480;
	g_cam[0].cam.rate_numer = 30;
	g_cam[0].cam.rate_denom = 1;
	g_cam[0].cam.frames_in = 12345678901ULL;
	g_cam[0].cam.cpu_ns = 1500000;
	g_cam[0].next = &g_cam[1];
	snprintf(g_cam[1].path, sizeof(g_cam[1].path), "/dev/video7");
	g_cam[1].failed = true;
	g_cam[1].reopened = 3;
	g_d.cams = &g_cam[0];

	a = conn("dom1/vcam0", &g_cam[0]);
	a->dev.streaming = true;
	a->fps = 29.97;
	a->dev.st.frames = 1000;
	a->dev.st.drops = 2;
	a->dev.st.copies = 1000;
	a->dev.st.notify_evt = 1000;
	a->dev.st.cpu_ns = 123456789;
	a->dev.cfg.max_buffers = 4;
	a->dev.cfg.notify_mode = VCAM_NOTIFY_HYBRID;
	a->mode_asked = VCAM_NOTIFY_HYBRID;
	b = conn("dom2/vcam1", &g_cam[0]);
	b->dev.cfg.be_alloc = true;
	b->cfg_diff_logged = true;
	b->spin_capped = true;
	b->mode_asked = VCAM_NOTIFY_SPIN;
	b->be_state = 42;		/* "?" */
	conn("dom3/vcam0", NULL);	/* no camera: "none", null */
	return 0;
}

static int teardown(void **state)
{
	struct vcamd_conn *c;

	(void)state;
	while ((c = g_d.conns) != NULL) {
		g_d.conns = c->next;
		free(c);
	}
	return 0;
}

static void save(const char *path, const char *buf, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static int python(void)
{
	return system("python3 -c '' 2>/dev/null") == 0;
}

static void test_json_is_the_text(void **state)
{
	char tp[64], jp[64], cmd[256];
	size_t tn, jn;

	(void)state;
	if (!python())
		skip();
	tn = vcamd_status_text(&g_d, g_text, sizeof(g_text));
	jn = vcamd_status_json(&g_d, g_json, sizeof(g_json));
	assert_true(tn > 0 && tn < sizeof(g_text) - 1);
	assert_true(jn > 0 && jn < sizeof(g_json) - 1);
	/* the old keys stay where scripts look for them */
	assert_non_null(strstr(g_text, "\ncamera path=/dev/video7 users=0 streaming=0 bufs_kept=0 failed=1 reopened=3 "));
	assert_non_null(strstr(g_text, " format=none size=0x0 rate=0/0 devices=- streaming_devices=-\n"));
	assert_non_null(strstr(g_text, " devices=dom2/vcam1,dom1/vcam0 streaming_devices=dom1/vcam0\n"));
	assert_non_null(strstr(g_text, "\ndevice name=dom3/vcam0 state=Connected camera=none "));
	assert_non_null(strstr(g_json, "\"path\":\"/dev/v4l/by-id/usb-\\\"Cam\\\"_\\\\HD\xc3\xa9/x\""));
	assert_non_null(strstr(g_json, "\"format\":null"));
	assert_non_null(strstr(g_json, "\"frames_in\":12345678901,"));
	assert_non_null(strstr(g_json, "\"fps\":29.97,"));
	assert_non_null(strstr(g_json, "\"state\":\"?\""));
	snprintf(tp, sizeof(tp), "/tmp/vcam-status-%d.txt", (int)getpid());
	snprintf(jp, sizeof(jp), "/tmp/vcam-status-%d.json", (int)getpid());
	save(tp, g_text, tn);
	save(jp, g_json, jn);
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", jp);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "python3 %s %s %s --volatile uptime_s,cpu_user_ms,cpu_sys_ms",
		 CHECKER, tp, jp);
	assert_int_equal(system(cmd), 0);
	unlink(tp);
	unlink(jp);
}

/* Names the text cannot carry (newline, invalid UTF-8): JSON still can. */
static void test_json_odd_names(void **state)
{
	char jp[64], cmd[256];
	size_t jn;

	(void)state;
	snprintf(g_d.conns->name, sizeof(g_d.conns->name),
		 "dom3/\n\"x\xff\x01 y");
	snprintf(g_cam[1].path, sizeof(g_cam[1].path), "/dev/a b\tc\x7f");
	jn = vcamd_status_json(&g_d, g_json, sizeof(g_json));
	assert_true(jn > 0);
	assert_non_null(strstr(g_json,
			       "\"name\":\"dom3/\\n\\\"x\\ufffd\\u0001 y\","));
	assert_non_null(strstr(g_json, "\"path\":\"/dev/a b\\tc\\u007f\","));
	if (!python())
		skip();
	snprintf(jp, sizeof(jp), "/tmp/vcam-status-%d.json", (int)getpid());
	save(jp, g_json, jn);
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", jp);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "python3 %s --valid %s", CHECKER, jp);
	assert_int_equal(system(cmd), 0);
	unlink(jp);
}

/*
 * Every buffer size from nothing to more than enough: the document is
 * empty or complete and valid, whole records left out and said so.
 */
static void test_json_small_buffers(void **state)
{
	char full[16384], buf[16384], jp[64], cmd[256];
	size_t fn, len, n;
	FILE *f;

	(void)state;
	snprintf(jp, sizeof(jp), "/tmp/vcam-status-%d.json", (int)getpid());
	f = fopen(jp, "wb");
	assert_non_null(f);
	fn = vcamd_status_json(&g_d, full, sizeof(full));
	assert_true(fn > 0 && fn + 16 < sizeof(buf));
	/* (a CPU time may grow a digit meanwhile: room for that at the end) */
	for (len = 0; len <= fn + 16; len++) {
		memset(buf, 'X', sizeof(buf));
		n = vcamd_status_json(&g_d, buf, len);
		assert_true(n == 0 || n < len);
		if (len)
			assert_int_equal(strlen(buf), n);
		if (n && len < fn)
			assert_non_null(strstr(buf, "\"truncated\":true}\n"));
		if (len == fn + 1)	/* just enough, unless a CPU time grew */
			assert_true(n == fn ||
				    strstr(buf, "\"truncated\":true}\n"));
		if (len == fn + 16)
			assert_non_null(strstr(buf, "\"truncated\":false}\n"));
		assert_int_equal(buf[len], 'X');	/* nothing past len */
		assert_int_equal(fwrite(buf, 1, n, f), n);
		assert_int_equal(fputc('\0', f), 0);
	}
	assert_int_equal(fclose(f), 0);
	if (!python())
		skip();
	snprintf(cmd, sizeof(cmd), "python3 %s --valid %s", CHECKER, jp);
	assert_int_equal(system(cmd), 0);
	unlink(jp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_is_the_text, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_json_odd_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_json_small_buffers, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
