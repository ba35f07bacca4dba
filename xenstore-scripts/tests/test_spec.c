// SPDX-License-Identifier: MIT
/* Device strings and format lists: accepted forms and every kind of error. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "spec.h"
#include "vcam/ext.h"

static struct vcamts_spec spec;
static struct vcamts_err err;

#define assert_err_has(needle) do {					\
	if (!strstr(err.msg, (needle)))					\
		fail_msg("error '%s' lacks '%s'", err.msg, (needle));	\
} while (0)

static void brief_example_parses(void **state)
{
	(void)state;
	assert_int_equal(vcamts_spec_parse(&spec,
		"backend=0, unique-id=video0, be-alloc=0, max-buffers=4, "
		"controls=brightness;contrast;saturation;hue, "
		"notify-mode=event, spin-us=50, "
		"formats=YUYV:640x480@30/1;15/1|YUYV:1280x720@10/1, devid=0",
		&err), 0);
	assert_string_equal(spec.backend, "0");
	assert_string_equal(spec.unique_id, "video0");
	assert_int_equal(spec.be_alloc, 0);
	assert_int_equal(spec.max_buffers, 4);
	assert_int_equal(spec.nr_controls, 4);
	assert_int_equal(spec.controls[0], XENCAMERA_CTRL_BRIGHTNESS);
	assert_int_equal(spec.controls[3], XENCAMERA_CTRL_HUE);
	assert_int_equal(spec.notify_mode, VCAM_NOTIFY_EVENT);
	assert_int_equal(spec.spin_us, 50);
	assert_int_equal(spec.devid, 0);
	assert_int_equal(spec.nr_formats, 2);
	assert_string_equal(spec.formats[0].fourcc, "YUYV");
	assert_int_equal(spec.formats[0].width, 640);
	assert_int_equal(spec.formats[0].height, 480);
	assert_int_equal(spec.formats[0].nr_rates, 2);
	assert_int_equal(spec.formats[0].rates[1].numer, 15);
	assert_int_equal(spec.formats[0].rates[1].denom, 1);
	assert_int_equal(spec.formats[1].width, 1280);
	assert_int_equal(spec.formats[1].rates[0].numer, 10);
}

static void defaults_and_order(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(vcamts_spec_parse(&spec,
		" unique-id = /dev/video3 ,formats=NV12:1024x768@30/1,"
		"controls=hue;saturation,notify-mode=hybrid,backend=DomD,",
		&err), 0);
	assert_int_equal(spec.devid, -1);
	assert_string_equal(spec.backend, "DomD");
	assert_string_equal(spec.unique_id, "/dev/video3");
	assert_int_equal(spec.max_buffers, VCAMTS_MAX_BUFFERS_DEFAULT);
	assert_int_equal(spec.spin_us, VCAM_SPIN_US_DEFAULT);
	assert_int_equal(spec.notify_mode, VCAM_NOTIFY_HYBRID);
	assert_int_equal(vcamts_spec_controls_str(&spec, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "hue,saturation");
	assert_int_equal(vcamts_format_rates_str(&spec.formats[0], buf,
						 sizeof(buf)), 0);
	assert_string_equal(buf, "30/1");
}

static void empty_controls_allowed(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(vcamts_spec_parse(&spec,
		"unique-id=video1, controls=, formats=GREY:8x8@1/1", &err), 0);
	assert_int_equal(spec.nr_controls, 0);
	assert_int_equal(vcamts_spec_controls_str(&spec, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

struct bad_case {
	const char *str;
	const char *needle;
};

static const struct bad_case bad_cases[] = {
	{ "unique-id=video0, formats=YUYV:1x1@1/1, colour=red",
	  "unknown key 'colour'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, unique-id=video1",
	  "key 'unique-id' given twice" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, max-buffers=0",
	  "key 'max-buffers': '0'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, max-buffers=256",
	  "key 'max-buffers': '256'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, max-buffers=-1",
	  "key 'max-buffers'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, max-buffers=4x",
	  "key 'max-buffers': '4x'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, be-alloc=yes",
	  "key 'be-alloc': 'yes'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, controls=zoom",
	  "unknown control 'zoom'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, controls=hue;hue",
	  "control 'hue' listed twice" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, notify-mode=poll",
	  "key 'notify-mode': 'poll'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, spin-us=1000001",
	  "key 'spin-us'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, devid=65536",
	  "key 'devid': '65536'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, backend=dom D",
	  "key 'backend': 'dom D'" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, backend=99999",
	  "key 'backend': '99999'" },
	{ "unique-id=camera0, formats=YUYV:1x1@1/1",
	  "key 'unique-id': 'camera0'" },
	{ "unique-id=/dev/, formats=YUYV:1x1@1/1", "key 'unique-id'" },
	{ "formats=YUYV:1x1@1/1", "key 'unique-id' missing" },
	{ "unique-id=video0, formats=", "key 'formats': empty" },
	{ "unique-id=video0, formats=YUYV640x480@30/1",
	  "key 'formats': 'YUYV640x480@30/1' is not FOURCC:WxH" },
	{ "unique-id=video0, formats=YUYV:640x480",
	  "key 'formats': 'YUYV:640x480' is not FOURCC:WxH" },
	{ "unique-id=video0, formats=YUYV:640*480@30/1",
	  "resolution '640*480'" },
	{ "unique-id=video0, formats=YUYV:0x480@30/1",
	  "resolution '0x480'" },
	{ "unique-id=video0, formats=YUYV:640x480@30/0",
	  "frame rate '30/0'" },
	{ "unique-id=video0, formats=YUYV:640x480@30",
	  "frame rate '30'" },
	{ "unique-id=video0, formats=YUYV:640x480@",
	  "no frame rate" },
	{ "unique-id=video0, formats=YUYV:640x480@30/1;30/1",
	  "frame rate '30/1' listed twice" },
	{ "unique-id=video0, formats=YUYVX:640x480@30/1",
	  "'YUYVX' is not a FOURCC" },
	{ "unique-id=video0, formats=YU*V:640x480@30/1",
	  "'YU*V' is not a FOURCC" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1|YUYV:1x1@2/1",
	  "format YUYV:1x1 given twice" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, nonsense",
	  "'nonsense' is not key=value" },
	{ "unique-id=video0, formats=YUYV:1x1@1/1, =3",
	  "'=3' is not key=value" },
};

static void bad_input_names_key_and_value(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (vcamts_spec_parse(&spec, bad_cases[i].str, &err) == 0)
			fail_msg("accepted: %s", bad_cases[i].str);
		assert_err_has(bad_cases[i].needle);
	}
}

static void fourcc_rules(void **state)
{
	(void)state;
	assert_true(vcamts_fourcc_valid("YUYV"));
	assert_true(vcamts_fourcc_valid("Y16"));
	assert_true(vcamts_fourcc_valid("AR15-BE"));
	assert_false(vcamts_fourcc_valid(""));
	assert_false(vcamts_fourcc_valid("-BE"));
	assert_false(vcamts_fourcc_valid("Y 16"));
	assert_false(vcamts_fourcc_valid("AB/C"));
	assert_false(vcamts_fourcc_valid("ABCDE-BE"));
}

static void fork_format_strings(void **state)
{
	(void)state;
	assert_int_equal(vcamts_spec_parse_partial(&spec,
		"backend=DomD, be-alloc=0, unique-id=video0, "
		"controls=hue;saturation, max-buffers=4", &err), 0);
	assert_int_equal(spec.nr_formats, 0);
	/* without format strings the camera's own modes are used */
	assert_int_equal(vcamts_spec_check(&spec, &err), 0);
	assert_int_equal(vcamts_spec_add_fork_format(&spec,
		"format=NV12, resolution=1024x768, frame-rates=30/1;15/1",
		&err), 0);
	assert_int_equal(vcamts_spec_add_fork_format(&spec,
		"resolution=640x480,format=YUYV,frame-rates=15/2", &err), 0);
	assert_int_equal(vcamts_spec_check(&spec, &err), 0);
	assert_int_equal(spec.nr_formats, 2);
	assert_string_equal(spec.formats[0].fourcc, "NV12");
	assert_int_equal(spec.formats[0].height, 768);
	assert_int_equal(spec.formats[0].nr_rates, 2);
	assert_int_equal(spec.formats[1].rates[0].numer, 15);
	assert_int_equal(spec.formats[1].rates[0].denom, 2);

	assert_int_equal(vcamts_spec_add_fork_format(&spec,
		"format=NV12, resolution=1024x768", &err), -1);
	assert_err_has("needs format=, resolution= and frame-rates=");
	assert_int_equal(vcamts_spec_add_fork_format(&spec,
		"format=NV12, format=YUYV, resolution=1x1, frame-rates=1/1",
		&err), -1);
	assert_err_has("key 'format' given twice");
	assert_int_equal(vcamts_spec_add_fork_format(&spec,
		"format=NV12, size=1x1", &err), -1);
	assert_err_has("unknown key 'size'");
	assert_int_equal(vcamts_spec_add_fork_format(&spec,
		"format=NV12, resolution=1024x768, frame-rates=1/1", &err), -1);
	assert_err_has("format NV12:1024x768 given twice");
	assert_int_equal(spec.nr_formats, 2);
}

static void uint_parser(void **state)
{
	unsigned long v;

	(void)state;
	assert_int_equal(vcamts_parse_uint("0", 5, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vcamts_parse_uint("4294967295", UINT32_MAX, &v), 0);
	assert_int_equal(v, 4294967295UL);
	assert_int_equal(vcamts_parse_uint("4294967296", UINT32_MAX, &v), -1);
	assert_int_equal(vcamts_parse_uint("99999999999999999999999",
					   UINT32_MAX, &v), -1);
	assert_int_equal(vcamts_parse_uint("", 5, &v), -1);
	assert_int_equal(vcamts_parse_uint("+1", 5, &v), -1);
	assert_int_equal(vcamts_parse_uint(" 1", 5, &v), -1);
}

static void overlong_input_is_an_error(void **state)
{
	static char big[8192];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	assert_int_equal(vcamts_spec_parse(&spec, big, &err), -1);
	assert_err_has("longer than");
}

static void fourcc_count_is_limited(void **state)
{
	char list[1024] = "";
	unsigned int i;

	(void)state;
	for (i = 0; i <= VCAM_CFG_MAX_FOURCCS; i++) {
		char e[32];

		snprintf(e, sizeof(e), "%sF%03u:8x8@1/1", i ? "|" : "", i);
		strcat(list, e);
	}
	vcamts_spec_init(&spec);
	assert_int_equal(vcamts_formats_parse(&spec, list, &err), -1);
	assert_err_has("more than 16 FOURCCs");
	/* many resolutions of one FOURCC are fine */
	vcamts_spec_init(&spec);
	assert_int_equal(vcamts_formats_parse(&spec,
		"YUYV:8x8@1/1|YUYV:16x16@1/1|YUYV:32x32@1/1", &err), 0);
	assert_int_equal(vcamts_spec_nr_fourccs(&spec), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fourcc_count_is_limited),
		cmocka_unit_test(brief_example_parses),
		cmocka_unit_test(defaults_and_order),
		cmocka_unit_test(empty_controls_allowed),
		cmocka_unit_test(bad_input_names_key_and_value),
		cmocka_unit_test(fourcc_rules),
		cmocka_unit_test(fork_format_strings),
		cmocka_unit_test(uint_parser),
		cmocka_unit_test(overlong_input_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
