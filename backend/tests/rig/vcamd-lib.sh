# Shared by the vcamd rig scenario (sourced in dom0): vcamd serving vivid to vcam-testfe guests.
VCAMD_LOG=$OUT/logs/vcamd.daemon.log
VCAMD_STATUS=/run/vcamd/vcamd.sock
export VCAMD_LOG VCAMD_STATUS

# vivid with a still picture (no OSD text, no movement), so every frame is identical, and the
# CRC-32 of a native capture in dom0 to compare guest frames against.
be_vivid() {
	dom0_vivid 0 n_devs=1 || return 1
	v4l2-ctl -d /dev/video0 -c horizontal_movement=3 -c vertical_movement=3 || return 1
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=640,height=360,pixelformat=YUYV || return 1
	"$REPO/tests/testfe/vcam-capsum" -d /dev/video0 -F 640x360:YUYV -f 6 -s 2 \
		>"$OUT/native.sum" || return 1
	cat "$OUT/native.sum"
	local crcs
	crcs=$(sed -n 's/.*crc32=\([0-9a-f]*\).*/\1/p' "$OUT/native.sum" | sort -u)
	echo "distinct native CRCs: $crcs"
	[ -n "$crcs" ] && [ "$(echo "$crcs" | grep -c .)" = 1 ] ||
		{ echo "vivid frames are not identical"; return 1; }
}

be_vcamd_start() {
	[ -x "$REPO/backend/vcamd" ] || { echo "backend/vcamd is not built"; return 1; }
	"$REPO/backend/vcamd" -f -v -v "$@" >"$VCAMD_LOG" 2>&1 &
	echo $! >/tmp/vcamd.pid
	sleep 1
	kill -0 "$(cat /tmp/vcamd.pid)" || { cat "$VCAMD_LOG"; return 1; }
	"$REPO/backend/vcamctl" status
}

be_vcamd_alive() {
	kill -0 "$(cat /tmp/vcamd.pid)" || { echo "vcamd is gone"; tail -50 "$VCAMD_LOG"; return 1; }
	"$REPO/backend/vcamctl" status
}

# be_vcamd_stop: SIGTERM, clean exit, nothing of ours left behind: every backend we serve says
# Closed, the status socket is gone.  (vcamd is not this shell's child: check its log, not wait.)
be_vcamd_stop() {
	local pid bad
	pid=$(cat /tmp/vcamd.pid)
	"$REPO/backend/vcamctl" status
	kill -TERM "$pid"
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then echo "vcamd ignored SIGTERM"; kill -9 "$pid"; return 1; fi
	tail -n 12 "$VCAMD_LOG"
	grep -q 'notice: stopped$' "$VCAMD_LOG" || { echo "vcamd did not stop cleanly"; return 1; }
	[ ! -e "$VCAMD_STATUS" ] || { echo "status socket left behind"; return 1; }
	bad=$(xenstore-ls -f /local/domain/0/backend/vcamera 2>/dev/null | grep '/state = ' |
		grep -v '"6"')
	[ -z "$bad" ] || { echo "backends not Closed after SIGTERM:"; echo "$bad"; return 1; }
	echo "vcamd stopped; every backend Closed"
}

# be_guest NAME SPEC-EXTRA CMDS OPTS: a domU with one camera (vcam-attach) running vcam-testfe.
be_guest_start() {
	local name=$1 extra=$2 cmds=$3 opts=$4 cfg domid
	cfg=$(DOMU_ARGS="tfcmds=$cmds tfopts=$opts" domu_cfg "$name" be-testfe) || return 1
	$XL create -p "$cfg" || return 1
	domid=$($XL domid "$name") || return 1
	echo "$domid" >"/tmp/be-$name.domid"
	"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" \
		"unique-id=video0, formats=YUYV:640x360@25/1, max-buffers=8, controls=brightness;contrast;saturation;hue$extra" ||
		{ $XL destroy "$name"; return 1; }
	$XL unpause "$name"
}

# be_check_frames NAME N: the guest got N frames, each identical to the native capture.
be_check_frames() {
	local con native n bad
	con=$(domu_console "$1")
	native=$(grep -o 'crc32=[0-9a-f]*' "$OUT/native.sum" | head -1)
	n=$(grep -c 'BETEST stream: frame seq=' "$con")
	bad=$(grep 'BETEST stream: frame seq=' "$con" | grep -vc "$native")
	grep 'BETEST stream: stats' "$con"
	echo "guest $1: $n frames, $bad differ from native ($native)"
	[ "$n" -ge "$2" ] && [ "$bad" -eq 0 ]
}

# be_stream_case NAME MODE BEALLOC: 100 frames in one notification mode and allocation mode.
be_stream_case() {
	local name=$1 mode=$2 bealloc=$3 rc
	be_guest_start "$name" ", notify-mode=$mode, be-alloc=$bealloc" stream \
		"-f_100_-F_640x360:YUYV_-r_25_-n_4" || return 1
	domu_wait_end "$name" 200
	rc=$?
	sleep 1
	# vcamd logs a device's counters when it disconnects
	grep "stats name=dom$(cat "/tmp/be-$name.domid")/vcam0 " "$VCAMD_LOG" | tail -1 |
		sed "s/.*stats /STAT mode=$mode be-alloc=$bealloc /" | tee -a "$OUT/vcamd-modes.txt"
	grep -E 'BETEST (result|stream: stats)' "$(domu_console "$name")"
	be_check_frames "$name" 100 || rc=1
	be_vcamd_alive || rc=1
	return $rc
}

# Hostile guest against a streaming neighbour: the neighbour keeps its frames, vcamd survives.
be_hostile_case() {
	local rc=0 cmds="garbage,bad-index,wrong-state,bad-gref,loop-dir,big-dir,ring-indices,evt-indices,flood,kick-flood,ring-overrun,stream"
	be_guest_start calm ", notify-mode=event" stream "-f_600_-F_640x360:YUYV_-r_25_-n_4" || return 1
	domu_wait_marker calm "BETEST run stream" 60 || rc=1
	be_guest_start evil ", notify-mode=event" "$cmds" "-F_640x360:YUYV_-r_25_-f_30_-c_2000" || rc=1
	domu_wait_end evil 400 || rc=1
	grep -E 'BETEST result' "$(domu_console evil)"
	domu_wait_end calm 200 || rc=1
	be_check_frames calm 600 || rc=1
	be_vcamd_alive || rc=1
	grep -E 'corrupt|refus|error' "$VCAMD_LOG" | sort | uniq -c | sort -rn | head -20
	return $rc
}

# The camera goes away mid-stream and comes back: vivid's "Disconnect" control unregisters its
# nodes like an unplugged USB camera and registers them again once the last user has closed
# them.  vcamd must let go at once, reopen the camera and resume the guest's stream, whose
# frames stay equal to the native capture.
be_replug_case() {
	local rc=0 i st
	be_guest_start rp ", notify-mode=event" stream "-f_300_-F_640x360:YUYV_-r_25_-n_4_-t_30000" ||
		return 1
	# vcamd's status says when the guest streams (the guest's console comes in bursts, and
	# the log, read back over 9p, can lag)
	for i in $(seq 450); do
		st=$("$REPO/backend/vcamctl" status | grep "^device name=dom$(cat /tmp/be-rp.domid)/vcam0 ")
		echo "$st" | grep -q ' streaming=1 ' &&
			[ "$(echo "$st" | sed -n 's/.* frames=\([0-9]*\) .*/\1/p')" -ge 25 ] && break
		sleep 0.2
	done
	echo "before the disconnect: $st" | cut -c1-160
	echo "$st" | grep -q ' streaming=1 ' || { echo "the guest's stream did not start"; rc=1; }
	sleep 2
	v4l2-ctl -d /dev/video0 -c disconnect=1 || rc=1
	for i in $(seq 100); do
		"$REPO/backend/vcamctl" status | grep '^camera path=/dev/video0 ' >/tmp/be-replug.cam
		grep -q ' streaming=1 .*reopened=1 ' /tmp/be-replug.cam && break
		sleep 0.2
	done
	cat /tmp/be-replug.cam
	grep -q ' streaming=1 .*reopened=1 ' /tmp/be-replug.cam ||
		{ echo "camera not reopened and streaming"; rc=1; }
	domu_wait_end rp 200 || rc=1
	grep -aE 'video0: (device error|capture failed|reopened|is back)' "$VCAMD_LOG"
	be_check_frames rp 300 || rc=1
	be_vcamd_alive || rc=1
	return $rc
}

export -f be_vivid be_vcamd_start be_vcamd_alive be_vcamd_stop be_guest_start be_check_frames \
	be_stream_case be_hostile_case be_replug_case
