// SPDX-License-Identifier: MIT
/* Unit tests for the header-only notification policy and event hold-off. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <xen/io/cameraif.h>
#include "vcam/abi_check.h"
#include "vcam/ext.h"

static void mode_names_round_trip(void **state)
{
	(void)state;
	for (int m = 0; m < VCAM_NOTIFY_NR; m++)
		assert_int_equal(vcam_notify_mode_parse(vcam_notify_mode_name(m)), m);
}

static void mode_parse_rejects_garbage(void **state)
{
	(void)state;
	assert_int_equal(vcam_notify_mode_parse(NULL), -1);
	assert_int_equal(vcam_notify_mode_parse(""), -1);
	assert_int_equal(vcam_notify_mode_parse("Event"), -1);
	assert_int_equal(vcam_notify_mode_parse("spin "), -1);
	assert_int_equal(vcam_notify_mode_parse("eventx"), -1);
	assert_string_equal(vcam_notify_mode_name(7), "invalid");
	assert_string_equal(vcam_notify_mode_name(-1), "invalid");
}

static void hold_off_notifies_only_when_armed_index_is_crossed(void **state)
{
	(void)state;
	/* consumer armed for the next event after 10 */
	assert_true(vcam_evt_need_notify(10, 11, 11));
	assert_true(vcam_evt_need_notify(10, 14, 11));
	/* already past: consumer is spinning and did not re-arm */
	assert_false(vcam_evt_need_notify(12, 14, 11));
	/* armed further ahead than what was produced */
	assert_false(vcam_evt_need_notify(10, 11, 13));
	/* nothing produced */
	assert_false(vcam_evt_need_notify(10, 10, 11));
}

static void hold_off_survives_index_wrap(void **state)
{
	(void)state;
	assert_true(vcam_evt_need_notify(0xfffffffeU, 1, 0xffffffffU));
	assert_true(vcam_evt_need_notify(0xfffffffeU, 1, 0));
	assert_false(vcam_evt_need_notify(0xfffffffeU, 1, 2));
}

static void event_page_in_event_lives_in_reserved_octets(void **state)
{
	struct xencamera_event_page page = { 0 };

	(void)state;
	*vcam_evt_page_in_event(&page) = 0x11223344;
	assert_int_equal(page.in_cons, 0);
	assert_int_equal(page.in_prod, 0);
	assert_memory_equal(&page.reserved[0], &(uint32_t){ 0x11223344 }, 4);
}

/* The time must not touch a v1 field, and a v1 event reads as "no time". */
static void capture_time_lives_in_frame_avail_reserved_octets(void **state)
{
	struct xencamera_evt ev, zero;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	memset(&zero, 0, sizeof(zero));
	assert_true(vcam_evt_capture_time(&ev) == 0);
	ev.type = XENCAMERA_EVT_FRAME_AVAIL;
	ev.evt.frame_avail.index = 7;
	ev.evt.frame_avail.used_sz = 0xaabbccdd;
	ev.evt.frame_avail.seq_num = 0x01020304;
	vcam_evt_set_capture_time(&ev, 0x1122334455667788ULL);
	assert_int_equal(ev.evt.frame_avail.index, 7);
	assert_int_equal(ev.evt.frame_avail.used_sz, 0xaabbccdd);
	assert_int_equal(ev.evt.frame_avail.seq_num, 0x01020304);
	assert_memory_equal(ev.evt.frame_avail.reserved, zero.evt.frame_avail.reserved,
			    sizeof(ev.evt.frame_avail.reserved));
	/* octets 20..23 stay reserved, the time is 24..31, the rest zero */
	assert_memory_equal((char *)&ev + 20, (char *)&zero + 20, 4);
	assert_memory_equal((char *)&ev + 32, (char *)&zero + 32, 32);
	assert_true(vcam_evt_capture_time(&ev) == 0x1122334455667788ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mode_names_round_trip),
		cmocka_unit_test(mode_parse_rejects_garbage),
		cmocka_unit_test(hold_off_notifies_only_when_armed_index_is_crossed),
		cmocka_unit_test(hold_off_survives_index_wrap),
		cmocka_unit_test(event_page_in_event_lives_in_reserved_octets),
		cmocka_unit_test(capture_time_lives_in_frame_avail_reserved_octets),
	};

	return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
