# Scenario demo (`make demo`): the main job.  dom0 runs vivid as the "physical" camera, vcamd and
# the xl watcher; a guest created by a plain `xl create` of a config with a vcam = [...] line
# gets /dev/video0, captures from it with v4l2-ctl, and its frames equal a native dom0 capture.
# It ends with a summary for a person (guest, camera, mode, frames and rate vs native, picture).
# rig-timeout: 300

export DEMO_FMT=YUYV DEMO_W=320 DEMO_H=180 DEMO_FRAMES=30

dom0_camera_and_daemons() {
	dom0_vivid 0 n_devs=1 || return 1
	dom0_vcamd demo.vcamd -v || return 1
	dom0_daemon demo.watch "$REPO/xenstore-scripts/bin/vcam-xl-watch"
}

# as many frames as the guest takes, so that the two rates compare
native_capture() {
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=$DEMO_W,height=$DEMO_H,pixelformat=$DEMO_FMT \
		--stream-mmap --stream-count=$DEMO_FRAMES --stream-to=/tmp/native.raw --verbose \
		>/tmp/native.log 2>&1 || { tail -n 20 /tmp/native.log; return 1; }
	local sz=$((DEMO_W * DEMO_H * 2))
	dd if=/tmp/native.raw bs=$sz skip=$((DEMO_FRAMES - 1)) count=1 2>/dev/null | md5sum |
		awk '{ print $1 }' >/run/demo-native.md5
	grep -o 'fps: [0-9.]*' /tmp/native.log | tail -n 1 | cut -d' ' -f2 >/run/demo-native.fps
	v4l2-ctl -d /dev/video0 --get-parm | sed -n 's/.*Frames per second: *\([0-9.]*\).*/\1/p' \
		>/run/demo-rate
	echo "native frame md5: $(cat /run/demo-native.md5), $(cat /run/demo-native.fps) fps"
}

guest_gets_camera() {
	local cfg
	cfg=$(DOMU_ARGS="demo.fmt=$DEMO_FMT demo.w=$DEMO_W demo.h=$DEMO_H demo.n=$DEMO_FRAMES" \
		domu_cfg demo demo \
		"vcam = [ 'unique-id=video0, controls=brightness;contrast;saturation;hue' ]")
	cat "$cfg"
	# a plain xl create: the watcher attaches the camera with the modes it reads from it
	$XL create "$cfg" || return 1
	domu_wait_end demo 150 || return 1
	"$REPO/xenstore-scripts/bin/vcam-list" 0 2>/dev/null
	true
}

frames_match() {
	local con; con=$(domu_console demo)
	local guest; guest=$(sed -n 's/.*demo: frame md5: \([0-9a-f]*\).*/\1/p' "$con" | tail -n 1)
	echo "guest  frame md5: $guest"
	echo "native frame md5: $(cat /run/demo-native.md5)"
	[ -n "$guest" ] && [ "$guest" = "$(cat /run/demo-native.md5)" ]
}

daemons_stop() {
	dom0_daemon_stop demo.watch demo.vcamd
	"$REPO/backend/vcamctl" status 2>/dev/null
	tail -n 20 "$OUT/logs/demo.vcamd.log"
}

# From sysfs where the kernel has it: `xl info` takes seconds on a loaded rig.
xen_version() {
	local v=/sys/hypervisor/version
	if [ -r $v/major ]; then
		echo "$(cat $v/major).$(cat $v/minor)$(cat $v/extra)"
	else
		xl info 2>/dev/null | sed -n 's/^xen_version *: //p'
	fi
}

# What a person wants to know at the end, in $OUT/demo-summary.txt (`make demo` prints it).
summary() {
	local con frames gfps dev same=no
	con=$(domu_console demo)
	frames=$(sed -n 's/.*demo: captured [0-9]* bytes = \([0-9]*\) frames.*/\1/p' "$con" | tail -n 1)
	gfps=$(sed -n 's/.*demo: fps \([0-9.]*\).*/\1/p' "$con" | tail -n 1)
	dev=$(sed -n 's/.*demo: device \(.*\)$/\1/p' "$con" | tr -d '\r' | tail -n 1)
	frames_match >/dev/null && same=yes
	{
		echo "vcam demo: real Xen $(xen_version), under QEMU/TCG"
		echo "  guest      'demo', made by a plain 'xl create' of tests/rig/out/demo/cfg/demo.cfg"
		echo "             (its line: $(grep '^vcam' "$OUT/cfg/demo.cfg"))"
		echo "  camera     dom0's /dev/video0 ($(cat /sys/class/video4linux/video0/name)), in the guest:"
		echo "             /dev/video0 '$dev'"
		echo "  mode       $DEMO_FMT ${DEMO_W}x$DEMO_H at $(cat /run/demo-rate) fps"
		echo "  frames     $frames captured by v4l2-ctl in the guest"
		echo "  rate       ${gfps:-?} fps in the guest, $(cat /run/demo-native.fps) fps natively in dom0"
		echo "  frames equal to dom0's native capture: $same"
		echo "             (md5 of the last frame: guest $(sed -n 's/.*demo: frame md5: \([0-9a-f]*\).*/\1/p' "$con" | tail -n 1), dom0 $(cat /run/demo-native.md5))"
		echo "  picture    tests/rig/out/demo/demo-frame.png (the guest's last frame)"
	} | tee "$OUT/demo-summary.txt"
	[ "$same" = yes ] && [ -n "$frames" ] && [ -n "$gfps" ]
}

export -f dom0_camera_and_daemons native_capture guest_gets_camera frames_match daemons_stop summary \
	xen_version
step camera-and-daemons 30 dom0_camera_and_daemons
step native-capture 30 native_capture
step guest-captures 200 guest_gets_camera
step frames-match 10 frames_match
step daemons-stop 15 daemons_stop
step summary 30 summary
