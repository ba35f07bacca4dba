// SPDX-License-Identifier: MIT
/*
 * A camera record must give back exactly the camera that was attached:
 * same device options, same formats in the same order, same devid, and the
 * backend by the name it was recorded with.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "record.h"

static void assert_same_spec(const struct vcamts_spec *a,
			     const struct vcamts_spec *b)
{
	unsigned int i, j;

	assert_int_equal(a->devid, b->devid);
	assert_string_equal(a->unique_id, b->unique_id);
	assert_int_equal(a->be_alloc, b->be_alloc);
	assert_int_equal(a->max_buffers, b->max_buffers);
	assert_int_equal(a->nr_controls, b->nr_controls);
	for (i = 0; i < a->nr_controls; i++)
		assert_int_equal(a->controls[i], b->controls[i]);
	assert_int_equal(a->notify_mode, b->notify_mode);
	assert_int_equal(a->spin_us, b->spin_us);
	assert_int_equal(a->nr_formats, b->nr_formats);
	for (i = 0; i < a->nr_formats; i++) {
		const struct vcamts_format *f = &a->formats[i];
		const struct vcamts_format *g = &b->formats[i];

		assert_string_equal(f->fourcc, g->fourcc);
		assert_int_equal(f->width, g->width);
		assert_int_equal(f->height, g->height);
		assert_int_equal(f->nr_rates, g->nr_rates);
		for (j = 0; j < f->nr_rates; j++) {
			assert_int_equal(f->rates[j].numer, g->rates[j].numer);
			assert_int_equal(f->rates[j].denom, g->rates[j].denom);
		}
	}
}

static struct vcamts_spec orig, back;

/* spec -> record texts -> spec, and the texts of the result are the same */
static void round_trip(const char *device, int devid, const char *be_name)
{
	char text[VCAMTS_RECORD_SPEC_MAX], text2[VCAMTS_RECORD_SPEC_MAX];
	char fmts[VCAMTS_MAX_FORMATS][VCAMTS_RECORD_FORMAT_MAX];
	const char *fp[VCAMTS_MAX_FORMATS];
	struct vcamts_err err = { "" };
	unsigned int i;

	if (vcamts_spec_parse(&orig, device, &err))
		fail_msg("spec '%s' does not parse: %s", device, err.msg);
	orig.devid = devid;
	assert_int_equal(vcamts_record_spec_text(&orig, be_name, text,
						 sizeof(text)), 0);
	for (i = 0; i < orig.nr_formats; i++) {
		assert_int_equal(vcamts_record_format_text(&orig.formats[i],
							   fmts[i],
							   sizeof(fmts[i])), 0);
		fp[i] = fmts[i];
	}
	if (vcamts_record_parse(&back, text, fp, orig.nr_formats, &err))
		fail_msg("record '%s' does not parse: %s", text, err.msg);
	assert_same_spec(&orig, &back);
	assert_string_equal(back.backend, be_name);
	assert_int_equal(vcamts_record_spec_text(&back, be_name, text2,
						 sizeof(text2)), 0);
	assert_string_equal(text, text2);
}

static void round_trips(void **state)
{
	(void)state;
	round_trip("unique-id=video0, formats=YUYV:640x360@5/1", 0, "camdd");
	round_trip("unique-id=/dev/v4l/by-id/usb-Cam_0-video-index0, backend=3, be-alloc=1, max-buffers=255, "
		   "controls=hue;brightness;saturation;contrast, notify-mode=hybrid, spin-us=1000000, "
		   "formats=YUYV:640x480@30/1;15/1|NV12:1920x1080@15/2|AR15-BE:64x48@1/1|YUYV:320x240@30/1",
		   65535, "Domain-0");
	round_trip("unique-id=video7, notify-mode=spin, spin-us=0, controls=contrast, "
		   "formats=MJPG:65535x65535@1/1;2/1;3/1;4/1;5/1;6/1;7/1;8/1;9/1;10/1;11/1;12/1;13/1;14/1;15/1;4294967295/4294967295",
		   12, "dd.cam_1-b");
}

/* The record names the backend domain by name whatever the spec said. */
static void backend_by_name(void **state)
{
	char text[VCAMTS_RECORD_SPEC_MAX];
	struct vcamts_err err;

	(void)state;
	assert_int_equal(vcamts_spec_parse(&orig,
		"backend=7, unique-id=video1, formats=GREY:8x8@1/1", &err), 0);
	orig.devid = 3;
	assert_int_equal(vcamts_record_spec_text(&orig, "camdd", text,
						 sizeof(text)), 0);
	assert_non_null(strstr(text, "backend=camdd,"));
	assert_null(strstr(text, "backend=7"));
	assert_non_null(strstr(text, "devid=3,"));
	/* no controls: no key at all (the parser's default) */
	assert_null(strstr(text, "controls"));
}

static void writing_refuses(void **state)
{
	char text[VCAMTS_RECORD_SPEC_MAX], f[8];
	struct vcamts_err err;

	(void)state;
	assert_int_equal(vcamts_spec_parse(&orig,
		"unique-id=video1, formats=YUYV:640x480@30/1", &err), 0);
	/* devid not chosen yet: a record must say which device it is */
	assert_int_equal(vcamts_record_spec_text(&orig, "camdd", text,
						 sizeof(text)), -1);
	orig.devid = 0;
	assert_int_equal(vcamts_record_spec_text(&orig, "camdd", text, 20), -1);
	assert_int_equal(vcamts_record_format_text(&orig.formats[0], f,
						   sizeof(f)), -1);
}

static void parse_refuses(void **state)
{
	const char *good[] = { "YUYV:640x480@30/1" };
	const char *bad[] = { "YUYV:640x480@30/0" };
	const char *dup[] = { "YUYV:640x480@30/1", "YUYV:640x480@15/1" };
	char huge[VCAMTS_RECORD_SPEC_MAX + 16];
	struct vcamts_err err;

	(void)state;
	assert_int_equal(vcamts_record_parse(&back,
		"unique-id=video0, backend=camdd, devid=1", good, 1, &err), 0);
	assert_int_equal(vcamts_record_parse(&back,
		"unique-id=video0, devid=1", good, 1, &err), -1);
	assert_non_null(strstr(err.msg, "backend"));
	/* "backend=" inside another value is not the key */
	assert_int_equal(vcamts_record_parse(&back,
		"unique-id=/dev/backend=x, devid=1", good, 1, &err), -1);
	assert_non_null(strstr(err.msg, "backend"));
	assert_int_equal(vcamts_record_parse(&back,
		"unique-id=video0, backend=camdd", good, 1, &err), -1);
	assert_non_null(strstr(err.msg, "devid"));
	assert_int_equal(vcamts_record_parse(&back,
		"unique-id=video0, backend=camdd, devid=1", good, 0, &err), -1);
	assert_non_null(strstr(err.msg, "formats"));
	assert_int_equal(vcamts_record_parse(&back,
		"unique-id=video0, backend=camdd, devid=1", bad, 1, &err), -1);
	assert_non_null(strstr(err.msg, "format 0"));
	assert_int_equal(vcamts_record_parse(&back,
		"unique-id=video0, backend=camdd, devid=1", dup, 2, &err), -1);
	assert_int_equal(vcamts_record_parse(&back,
		"backend=camdd, devid=1", good, 1, &err), -1);
	assert_int_equal(vcamts_record_parse(&back,
		"unique-id=video0, backend=camdd, devid=1, colour=red", good, 1,
		&err), -1);
	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(vcamts_record_parse(&back, huge, good, 1, &err), -1);
}

static void uuids(void **state)
{
	char buf[VCAMTS_UUID_LEN + 1];

	(void)state;
	assert_int_equal(vcamts_uuid_from_vm_path(
		"/vm/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	assert_int_equal(vcamts_uuid_from_vm_path(
		"/vm/00000000-0000-0000-0000-000000000000", buf, sizeof(buf)), 0);
	assert_int_equal(vcamts_uuid_from_vm_path(NULL, buf, sizeof(buf)), -1);
	assert_int_equal(vcamts_uuid_from_vm_path("", buf, sizeof(buf)), -1);
	/* libxl writes lower case; anything else is not its node */
	assert_int_equal(vcamts_uuid_from_vm_path(
		"/vm/0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0", buf, sizeof(buf)), -1);
	assert_int_equal(vcamts_uuid_from_vm_path(
		"/vm/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f", buf, sizeof(buf)), -1);
	assert_int_equal(vcamts_uuid_from_vm_path(
		"/vm/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f00", buf, sizeof(buf)), -1);
	assert_int_equal(vcamts_uuid_from_vm_path(
		"/vm/0f1e2d3c4-b5a-6978-8796-a5b4c3d2e1f0", buf, sizeof(buf)), -1);
	assert_int_equal(vcamts_uuid_from_vm_path(
		"/vm/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1g0", buf, sizeof(buf)), -1);
	assert_int_equal(vcamts_uuid_from_vm_path(
		"/vm/../../local/domain/0/x-xxxx-xxxx-xxxxxxxxxxxxx", buf,
		sizeof(buf)), -1);
	assert_int_equal(vcamts_uuid_from_vm_path(
		"vm/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", buf, sizeof(buf)), -1);
	assert_int_equal(vcamts_uuid_from_vm_path(
		"/vm/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", buf,
		VCAMTS_UUID_LEN),
		-1);
}

static void paths(void **state)
{
	char buf[VCAMTS_RECORD_DIR_MAX];

	(void)state;
	vcamts_record_dir(buf, sizeof(buf), "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
			  65535);
	assert_string_equal(buf,
		"/tool/vcam/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/65535");
	vcamts_record_uuid_dir(buf, sizeof(buf),
			       "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	assert_string_equal(buf,
		"/tool/vcam/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips),
		cmocka_unit_test(backend_by_name),
		cmocka_unit_test(writing_refuses),
		cmocka_unit_test(parse_refuses),
		cmocka_unit_test(uuids),
		cmocka_unit_test(paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
