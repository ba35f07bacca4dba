// SPDX-License-Identifier: MIT
/*
 * JSON string literals (vcamctl status --json): every octet string becomes
 * valid JSON, checked by Python's own parser (`python3 -m json.tool`, and
 * json.load giving back exactly the characters meant).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

struct jcase {
	const char *in;
	size_t n;
	const char *lit;	/* the literal we promise (NULL: not checked) */
	const char *utf8;	/* what a JSON parser must read back */
	size_t un;
};

#define S(x) x, sizeof(x) - 1
#define FFFD "\xef\xbf\xbd"

static const struct jcase cases[] = {
	{ S("dom3/vcam0"), "\"dom3/vcam0\"", S("dom3/vcam0") },
	{ S(""), "\"\"", S("") },
	{ S("a\"b\\c"), "\"a\\\"b\\\\c\"", S("a\"b\\c") },
	{ S("/dev/v4l/by-id/usb-Cam_\"HD\"\\x"), NULL,
	  S("/dev/v4l/by-id/usb-Cam_\"HD\"\\x") },
	{ S("l1\nl2\tt\rr"), "\"l1\\nl2\\tt\\rr\"", S("l1\nl2\tt\rr") },
	{ S("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"", S("\x01\x1f\x7f") },
	{ S("a\0b"), "\"a\\u0000b\"", S("a\0b") },	/* n counts, not NUL */
	{ S("Y16 "), "\"Y16 \"", S("Y16 ") },	/* a V4L2 FOURCC's padding */
	/* valid UTF-8 passes through: 2, 3 and 4 octets */
	{ S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), NULL,
	  S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") },
	/* invalid: each octet of it one U+FFFD */
	{ S("\x80"), "\"\\ufffd\"", S(FFFD) },
	{ S("\xff\xfe"), NULL, S(FFFD FFFD) },
	{ S("\xc0\xaf"), NULL, S(FFFD FFFD) },		/* overlong '/' */
	{ S("\xe0\x80\xaf"), NULL, S(FFFD FFFD FFFD) },	/* overlong */
	{ S("\xed\xa0\x80"), NULL, S(FFFD FFFD FFFD) },	/* surrogate */
	{ S("\xf4\x90\x80\x80"), NULL, S(FFFD FFFD FFFD FFFD) }, /* > U+10FFFF */
	{ S("x\xe2\x82"), NULL, S("x" FFFD FFFD) },	/* cut short */
	{ S("\xc3" "A"), NULL, S(FFFD "A") },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void lit(const struct jcase *c, char *buf, size_t len)
{
	struct vcamd_out o = { buf, len, 0, false };

	vcamd_out_json_str(&o, c->in, c->n);
	assert_false(o.full);
	assert_int_equal(o.pos, strlen(buf));
}

static void test_literals(void **state)
{
	char buf[256];
	size_t i;

	(void)state;
	for (i = 0; i < NCASES; i++) {
		lit(&cases[i], buf, sizeof(buf));
		if (cases[i].lit)
			assert_string_equal(buf, cases[i].lit);
	}
}

static void hex(const char *s, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", (unsigned char)s[i]);
	out[2 * n] = '\0';
}

/* What Python's JSON parser reads from all of them, one array. */
static void test_python_reads_them_back(void **state)
{
	char path[] = "/tmp/vcam-test-json-XXXXXX";
	char doc[8192], buf[256], cmd[512], line[512], want[512];
	struct vcamd_out o = { doc, sizeof(doc), 0, false };
	FILE *f, *p;
	size_t i;
	int fd;

	(void)state;
	if (system("python3 -c '' 2>/dev/null") != 0)
		skip();
	vcamd_out_printf(&o, "[");
	for (i = 0; i < NCASES; i++) {
		lit(&cases[i], buf, sizeof(buf));
		vcamd_out_printf(&o, "%s%s", i ? "," : "", buf);
	}
	vcamd_out_printf(&o, "]\n");
	assert_false(o.full);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(doc, f);
	fclose(f);

	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", path);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys\n"
		 "for s in json.load(open(sys.argv[1])): print(s.encode().hex())' %s",
		 path);
	p = popen(cmd, "r");
	assert_non_null(p);
	for (i = 0; i < NCASES; i++) {
		assert_non_null(fgets(line, sizeof(line), p));
		line[strcspn(line, "\n")] = '\0';
		hex(cases[i].utf8, cases[i].un, want);
		assert_string_equal(line, want);
	}
	assert_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	unlink(path);
}

/* A literal that does not fit is left out whole, the buffer terminated. */
static void test_never_half_a_literal(void **state)
{
	char buf[16];
	struct vcamd_out o = { buf, sizeof(buf), 0, false };

	(void)state;
	vcamd_out_printf(&o, "{\"k\":");
	vcamd_out_json_str(&o, "0123456789\n", 11);	/* needs 15 */
	assert_true(o.full);
	assert_int_equal(o.pos, 5);
	assert_string_equal(buf, "{\"k\":");

	o = (struct vcamd_out){ buf, sizeof(buf), 0, false };
	vcamd_out_json_str(&o, "\x01\x02\x03", 3);	/* 20: cut mid-escape */
	assert_true(o.full);
	assert_int_equal(o.pos, 0);
	assert_string_equal(buf, "");

	o = (struct vcamd_out){ buf, 0, 0, false };
	vcamd_out_json_str(&o, "x", 1);
	assert_true(o.full);
	assert_int_equal(o.pos, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_python_reads_them_back),
		cmocka_unit_test(test_never_half_a_literal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
