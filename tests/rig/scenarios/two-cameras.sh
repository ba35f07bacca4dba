# Scenario two-cameras: one vcamd serves two cameras to two guests at once.  vivid provides two
# devices showing different test patterns; each guest's frames must equal a native capture of
# *its* camera (and the two pictures must differ, so a mix-up cannot pass).
# rig-timeout: 360

tc_setup() {
	# capture nodes only, so the two cameras are /dev/video0 and /dev/video1
	dom0_vivid "0 1" n_devs=2 node_types=0x1,0x1 || return 1
	# a different picture on the second camera (vivid test pattern 6: 100% white)
	v4l2-ctl -d /dev/video1 -c test_pattern=6 || return 1
	dom0_vcamd two-cameras.vcamd -v
}

tc_native() {
	local d
	for d in 0 1; do
		v4l2-ctl -d /dev/video$d --set-fmt-video=width=320,height=180,pixelformat=YUYV \
			--stream-mmap --stream-count=3 --stream-to=/tmp/tc$d.raw || return 1
		dd if=/tmp/tc$d.raw bs=115200 skip=2 count=1 2>/dev/null | md5sum |
			awk '{ print $1 }' >/run/tc-native$d.md5
		echo "camera video$d native md5 $(cat /run/tc-native$d.md5)"
	done
	[ "$(cat /run/tc-native0.md5)" != "$(cat /run/tc-native1.md5)" ] ||
		{ echo "the two cameras show the same picture: the test could not tell them apart"; return 1; }
}

tc_guests() {
	local d cfg con got rc=0
	for d in 0 1; do
		cfg=$(DOMU_ARGS="demo.fmt=YUYV demo.w=320 demo.h=180 demo.n=20" domu_cfg tc$d demo)
		$XL create -p "$cfg" || return 1
		"$REPO/xenstore-scripts/bin/vcam-attach" tc$d \
			"unique-id=video$d, formats=YUYV:320x180@30/1;15/1" || return 1
	done
	# both guests run at the same time
	$XL unpause tc0 && $XL unpause tc1 || return 1
	for d in 0 1; do
		domu_wait_end tc$d 180 || rc=1
		con=$(domu_console tc$d)
		got=$(sed -n 's/.*demo: frame md5: \([0-9a-f]*\).*/\1/p' "$con" | tail -n 1)
		echo "guest tc$d (video$d): md5 $got, native $(cat /run/tc-native$d.md5)"
		[ -n "$got" ] && [ "$got" = "$(cat /run/tc-native$d.md5)" ] || rc=1
	done
	return $rc
}

tc_stop() {
	"$REPO/backend/vcamctl" status
	dom0_daemon_stop two-cameras.vcamd
	true
}

export -f tc_setup tc_native tc_guests tc_stop
step setup 30 tc_setup
step native 30 tc_native
step two-guests-two-cameras 300 tc_guests
step vcamd-stop 15 tc_stop
