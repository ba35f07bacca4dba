# Scenario demo (`make demo`): the main job.  dom0 runs vivid as the "physical" camera, vcamd and
# the xl watcher; a guest created by a plain `xl create` of a config with a vcam = [...] line
# gets /dev/video0, captures from it with v4l2-ctl, and its frames equal a native dom0 capture.
# rig-timeout: 300

export DEMO_FMT=YUYV DEMO_W=320 DEMO_H=180 DEMO_FRAMES=30

dom0_camera_and_daemons() {
	dom0_vivid 0 n_devs=1 || return 1
	dom0_daemon demo.vcamd "$REPO/backend/vcamd" -f -v || return 1
	dom0_daemon demo.watch "$REPO/xenstore-scripts/bin/vcam-xl-watch"
}

native_capture() {
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=$DEMO_W,height=$DEMO_H,pixelformat=$DEMO_FMT \
		--stream-mmap --stream-count=3 --stream-to=/tmp/native.raw || return 1
	local sz=$((DEMO_W * DEMO_H * 2))
	dd if=/tmp/native.raw bs=$sz skip=2 count=1 2>/dev/null | md5sum | awk '{ print $1 }' \
		>/run/demo-native.md5
	echo "native frame md5: $(cat /run/demo-native.md5)"
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

export -f dom0_camera_and_daemons native_capture guest_gets_camera frames_match daemons_stop
step camera-and-daemons 30 dom0_camera_and_daemons
step native-capture 30 native_capture
step guest-captures 200 guest_gets_camera
step frames-match 10 frames_match
step daemons-stop 15 daemons_stop
