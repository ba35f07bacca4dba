# Scenario security (issue 8): the host decides, the guest configures nothing.
# - A camera-stealing guest (attached to video0) rewrites every configuration node of its own
#   frontend dir while it streams and before it connects: it still gets video0's frames (the
#   two cameras show different pictures), in event mode, with the host's buffers and modes;
#   vcamd says once per connection that the guest's copy differs.  A frontend that believes the
#   rewritten dir (vcam-testfe) gets the same.
# - xenstore permissions from inside: the guest cannot write its backend dirs nor reach another
#   guest's dirs; a backend domain (a domU owning the backend dir of one of the thief's cameras)
#   can write only its own backend dir.
# - Revoke: vcam-detach of the streaming guest ends the application's stream with an error
#   within a second, and vcamd closes the camera nobody uses any more.
# rig-timeout: 900

SEC_LOG=$OUT/logs/security.vcamd.log
export SEC_LOG

sec_setup() {
	dom0_vivid "0 1" n_devs=2 node_types=0x1,0x1 || return 1
	v4l2-ctl -d /dev/video1 -c test_pattern=6 || return 1
	local d
	for d in 0 1; do
		v4l2-ctl -d /dev/video$d --set-fmt-video=width=320,height=180,pixelformat=YUYV \
			--stream-mmap --stream-count=3 --stream-to=/tmp/sec$d.raw || return 1
		dd if=/tmp/sec$d.raw bs=115200 skip=2 count=1 2>/dev/null | md5sum |
			awk '{ print $1 }' >/run/sec-native$d.md5
		echo "video$d native md5 $(cat /run/sec-native$d.md5)"
	done
	[ "$(cat /run/sec-native0.md5)" != "$(cat /run/sec-native1.md5)" ] || return 1
	"$REPO/tests/testfe/vcam-capsum" -d /dev/video0 -F 320x180:YUYV -f 3 -s 2 \
		>/run/sec-native0.sum || return 1
	cat /run/sec-native0.sum
	dom0_vcamd_at "$SEC_LOG" /run/sec-vcamd.pid -v
}

# secdd is a guest with a camera from dom0 (video1) and the backend domain of the thief's
# second camera (it only has to own that backend dir); the thief has video0 from dom0.
sec_guests() {
	local dd
	$XL create -p "$(domu_cfg secdd dd-perms)" || return 1
	dd=$($XL domid secdd) || return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" secdd \
		"unique-id=video1, formats=YUYV:320x180@30/1" || return 1
	$XL create -p "$(DOMU_ARGS="peer=$dd" domu_cfg secthief steal)" || return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" secthief \
		"unique-id=video0, formats=YUYV:320x180@30/1;15/1, max-buffers=4, notify-mode=event, devid=0" ||
		return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" secthief \
		"backend=secdd, unique-id=video0, formats=YUYV:320x180@30/1, devid=1" || return 1
	"$REPO/xenstore-scripts/bin/vcam-list" secthief
	"$REPO/xenstore-scripts/bin/vcam-list" secdd
	$XL unpause secdd && $XL unpause secthief
}

sec_dd() {
	domu_wait_marker secdd "DDPERMS ok" 120 || return 1
	grep DDPERMS "$(domu_console secdd)"
}

sec_steal() {
	local con rc=0 n0 m
	con=$(domu_console secthief)
	domu_wait_marker secthief "STEAL done" 240 || return 1
	grep -E '^(STEAL|PERMS)' "$con" | grep -v 'frame seq=' | cut -c1-220
	grep -q '^PERMS guest:' "$con" || { echo "the guest's permission checks did not pass"; rc=1; }
	n0=$(cat /run/sec-native0.md5)
	for m in $(sed -n 's/^STEAL md5 [^ ]* \([0-9a-f]*\).*/\1/p' "$con"); do
		[ "$m" = "$n0" ] || { echo "guest frame $m is not video0's ($n0)"; rc=1; }
	done
	[ "$(grep -c '^STEAL md5 ' "$con")" = 3 ] || { echo "expected 3 frame checksums"; rc=1; }
	# vcam-testfe's frames: all with video0's CRC
	m=$(grep -o 'crc32=[0-9a-f]*' /run/sec-native0.sum | head -n 1)
	[ -n "$m" ] && [ "$(grep -c "STEAL testfe: frame seq=.*$m" "$con")" = 3 ] ||
		{ echo "vcam-testfe's last frames are not video0's ($m)"; rc=1; }
	if grep 'STEAL testfe crcs:' "$con" | grep -v "$m"; then
		echo "vcam-testfe got frames that are not video0's"; rc=1
	fi
	return $rc
}

# What vcamd served each connection of the thief's device (module, module, vcam-testfe twice,
# module): video0, event mode, the host's 4 buffers, and it said once per connection that the
# guest's copy differed.
sec_vcamd_log() {
	local dev=$1 rc=0 conns
	echo "--- vcamd on $dev:"
	grep -aE "$dev: (connected|the guest's copy)|stats name=$dev " "$SEC_LOG" | cut -c1-400
	grep -aq "$dev: connected to /dev/video1" "$SEC_LOG" && { echo "video1 was served"; rc=1; }
	conns=$(grep -ac "$dev: connected to /dev/video0: fe-alloc, mode event" "$SEC_LOG")
	[ "$conns" -ge 5 ] || { echo "expected 5 connections to video0 in event mode, saw $conns"; rc=1; }
	[ "$(grep -ac "$dev: connected to" "$SEC_LOG")" = "$conns" ] || rc=1
	if grep -a "stats name=$dev " "$SEC_LOG" | grep -avE ' mode=event .* spins=0 .*max_buffers=4 '; then
		echo "a connection was not served in event mode with 4 buffers"; rc=1
	fi
	[ "$(grep -ac "$dev: the guest's copy of its camera configuration differs" "$SEC_LOG")" = \
	  "$conns" ] || { echo "the difference was not logged once per connection"; rc=1; }
	grep -a "stats name=$dev " "$SEC_LOG" | grep -q 'guest_cfg_differs=0' &&
		{ echo "a connection's tampering went unnoticed"; rc=1; }
	grep -a "stats name=$dev " "$SEC_LOG" |
		sed -n 's/.* \(frames=[0-9]*\) .* \(cpu_ms=[0-9.]*\) \(cpu_us_per_frame=[0-9]*\).*/vcamd on the thief: \1 \2 \3/p'
	return $rc
}

sec_revoke() {
	local d t0 t1 rc=0
	domu_wait_marker secthief "REVOKE streaming" 60 || return 1
	"$REPO/backend/vcamctl" status | grep -E '^(camera|device)' | cut -c1-200
	d=$($XL domid secthief)
	t0=$(now)
	"$REPO/xenstore-scripts/bin/vcam-detach" secthief 0 || rc=1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "vcam-detach took %.0f ms\n", (b - a) * 1000 }'
	domu_wait_end secthief 60 || rc=1
	grep -E '^REVOKE' "$(domu_console secthief)"
	sleep 1
	"$REPO/backend/vcamctl" status | tee /tmp/sec-status.txt | cut -c1-200
	grep -q "^device name=dom$d/" /tmp/sec-status.txt && { echo "detached device still listed"; rc=1; }
	grep -aE 'dom'"$d"'/vcam0: (detach|disconnected)|/dev/video0: closed' "$SEC_LOG"
	grep -aq '/dev/video0: closed' "$SEC_LOG" || { echo "video0 was not closed"; rc=1; }
	grep -q '^camera path=/dev/video0 ' /tmp/sec-status.txt && { echo "video0 still open"; rc=1; }
	sec_vcamd_log "dom$d/vcam0" || rc=1
	return $rc
}

sec_cleanup() {
	$XL destroy secdd 2>/dev/null
	kill -TERM "$(cat /run/sec-vcamd.pid)" 2>/dev/null
	sleep 1
	grep -acE 'error|warning' "$SEC_LOG"
	true
}

export -f sec_setup sec_guests sec_dd sec_steal sec_vcamd_log sec_revoke sec_cleanup
step setup 60 sec_setup
step guests 240 sec_guests
step driver-domain-perms 150 sec_dd
step camera-stealing-guest 300 sec_steal
step revoke 120 sec_revoke
step cleanup 30 sec_cleanup
