# Scenario fe-mplane: xen-vcamfront.ko's multi-planar API.  Against vcam-fakebe (known pattern,
# NM12 with its CbCr plane at an unaligned offset in the shared buffer) a guest gets the MPLANE
# API automatically, captures NM12 (MMAP, USERPTR; fe-alloc and be-alloc) and YUYV (zero copy),
# and every frame's planes equal the pattern byte for byte (md5 of each frame against every frame
# the fakebe can send).  The single-planar API stays the default for a YUYV-only camera (capture,
# read(), compliance), mplane=0 hides NM12, mplane=1 forces MPLANE.  v4l2-compliance -s: 0
# failures in MPLANE mode with YUYV (mplane=1) and single-planar; with NM12 nothing but
# v4l-utils 1.22.1's known NV12M-description failure (see tests/rig/domu/fe-mplane.sh).  A
# deliberately wrong plane order is caught by the same frame check.  A 0.1 fps camera is not
# pestered by the stream watchdog (4 frame intervals, not 5 s).  DMABUF import: a guest vivid
# exports, v4l2-compliance -s -e imports (single-planar, MPLANE YUYV and NM12); that run is also
# the case's v4l2-compliance -s (it runs every test -s runs; be-alloc's case has no exporter).
# End to end: vcamd streams vivid's NV12M (multiplanar=2, the driver's MPLANE API) to a guest,
# whose NM12 and YUYV frames (MMAP and USERPTR) equal a native dom0 capture.
#
# One guest boot for all of it (with xl create a boot costs ~50 s here; seven of them were most
# of the 865 s this scenario took): first device 0 served by vcamd, then devices 1-5 each served
# by its own vcam-fakebe (started again for each connection), the module bound only to the
# devices a case tests and its mplane parameter set before each connection that needs another
# value (the device list is in tests/rig/domu/fe-mplane.sh).  vcamd and the fake backends would
# both serve dom0's backend dirs, so they take turns: vcamd stops and device 0 is detached before
# devices 1-5 are attached.  The slow camera's 36 s pass while the other cases run.  Pace:
# vivid runs at 25 fps (set in dom0: v4l2-ctl 1.22 cannot set a rate through an MPLANE API), the
# fake cameras v4l2-compliance streams from at 60 fps.  The guest tests; dom0 then judges each
# case in its own step.  At the turn from vcamd to the fake backends the guest waits for dom0:
# dom0 hands over first (vcamd-stop, fakebe-start) and judges the vcamd part (vcamd-nv12m) while
# the guest goes on.
# rig-timeout: 1500
FEM_MP_FORMATS='NM12:640x360@30/1;15/1|YUYV:640x360@30/1;15/1|YUYV:320x180@30/1'
FEM_SP_FORMATS='YUYV:640x360@30/1;15/1|YUYV:320x180@30/1'
export FEM_MP_FORMATS FEM_SP_FORMATS

# where dom0's time goes, next to the guest's own "VCAMFE t" stamps
fem_ts() { echo "[$(date +%T.%N | cut -c1-12)] $*"; }

# The fake-backend devices: formats, the rest of the host's spec, vcam-fakebe's arguments.
fem_formats() {
	case $1 in
	1 | 2 | 5) echo "$FEM_MP_FORMATS" ;;
	3) echo "$FEM_SP_FORMATS" ;;
	4) echo 'YUYV:320x180@1/10' ;;
	esac
}
fem_spec_extra() {
	case $1 in
	1 | 3) echo ', notify-mode=event' ;;
	2) echo ', be-alloc=1' ;;
	esac
}
fem_fakebe_args() {
	case $1 in
	# the devices v4l2-compliance streams from (20 frames per stream, 5-7 streams a run):
	# frames as fast as the guest takes them, whatever rate the camera says it runs at
	1 | 2 | 3) echo '--fps 60' ;;
	4) echo '--frame-ms 12000' ;;	# a 0.1 fps camera
	5) echo '--nm12' ;;		# someone left the camera in NM12
	esac
}

# fem_patterns: the md5 of every frame vcam-fakebe can send, per format (and NM12 with its
# planes swapped), computed once in the background while the guest boots.
fem_patterns() {
	local p=$REPO/frontend/tests/fakebe-pattern.py
	rm -f /run/fem-pat.rc
	{ "$p" YUYV 640 360 >/run/fem-pat.YUYV && "$p" NM12 640 360 >/run/fem-pat.NM12 &&
		"$p" --swap-planes NM12 640 360 >/run/fem-pat.NM12.swap; } 2>&1
	echo $? >/run/fem-pat.rc
}
fem_patterns_ready() {
	local _
	for _ in $(seq 600); do [ -e /run/fem-pat.rc ] && break; sleep 0.2; done
	[ "$(cat /run/fem-pat.rc 2>/dev/null)" = 0 ] || { echo "fakebe-pattern.py failed"; return 1; }
}

fem_guest_start() {
	local cfg
	fem_patterns &
	cfg=$(domu_cfg fem fe-mplane) || return 1
	$XL create "$cfg" || return 1
	$XL domid fem >/run/fem.domid
}

# vcamd + vivid's multi-planar mode in dom0 (vivid without OSD text shows a still picture: every
# frame is the same), then the guest's device 0.
fem_vcamd_setup() {
	local f
	dom0_vivid 0 n_devs=1 multiplanar=2 || return 1
	v4l2-ctl -d /dev/video0 --info | grep 'Video Capture Multiplanar' || return 1
	for f in NM12:345600 YUYV:460800; do
		v4l2-ctl -d /dev/video0 \
			--set-fmt-video=width=640,height=360,pixelformat=${f%:*} \
			--stream-mmap --stream-count=3 --stream-to=/tmp/fem-native.raw || return 1
		[ "$(stat -c %s /tmp/fem-native.raw)" = $((3 * ${f#*:})) ] || return 1
		dd if=/tmp/fem-native.raw bs=${f#*:} skip=2 count=1 2>/dev/null | md5sum |
			cut -d' ' -f1 >"/run/fem-native-${f%:*}.md5"
		echo "native ${f%:*} md5 $(cat "/run/fem-native-${f%:*}.md5")"
	done
	# vivid's webcam runs at 5 fps unless told, which made v4l2-compliance's streams most of
	# the guest's time: 25 fps (offered to the guest too); vcamd takes the rate it finds
	r=$("$REPO/tests/rig/lib/v4l2-rate.py" /dev/video0 25) || return 1
	echo "vivid at $r fps"
	[ "$r" = 25/1 ] || return 1
	dom0_vcamd fe-mplane.vcamd -v || return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" "$(cat /run/fem.domid)" \
		'unique-id=video0, formats=NM12:640x360@25/1;5/1|YUYV:640x360@25/1;5/1, max-buffers=6, notify-mode=event, devid=0'
}

# The guest's device-0 part is over (it prints a marker): vcamd stops (its backends say Closed),
# device 0 goes, vivid is unloaded (later scenarios expect vivid's default single-planar setup).
# The guest's frames are judged later (fem_vcamd_case), while it tests the fake backends: the
# guest waits for nothing but this and fem_fakebe_start.
fem_vcamd_stop() {
	local pid _ rc=0
	domu_wait_marker fem "VCAMFE part vcamd over" 450 || rc=1
	fem_ts "the guest's vcamd part is over"
	"$REPO/backend/vcamctl" status >/run/fem-vcamd-status.txt 2>&1
	[ $rc = 0 ] || cat /run/fem-vcamd-status.txt
	pid=$(cat /run/fe-mplane.vcamd.pid)
	kill -TERM "$pid"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && { echo "vcamd ignored SIGTERM"; kill -9 "$pid"; rc=1; }
	grep -iE 'plane|copying|zero copy' "$OUT/logs/fe-mplane.vcamd.log" | head -n 8
	"$REPO/xenstore-scripts/bin/vcam-detach" "$(cat /run/fem.domid)" 0 || rc=1
	rmmod vivid || rc=1
	fem_ts "vcamd stopped, device 0 detached"
	return $rc
}

# fem_fakebe_loop DOMID DEVID ARGS...: vcam-fakebe for that device, started again each time the
# guest's module lets go of it (one serves one connection), until /run/fem-stop exists.
fem_fakebe_loop() {
	local dom=$1 d=$2 n=0
	shift 2
	while [ ! -e /run/fem-stop ]; do
		n=$((n + 1))
		echo "=== vcam-fakebe session $n"
		"$REPO/frontend/tests/vcam-fakebe" "$dom" "$d" --seconds 600 "$@" &
		echo $! >"/run/fem-be-$d.pid"
		wait $!
		sleep 0.3
	done
	echo "=== stopped; CPU time of this loop and its vcam-fakebes:"
	times
}

# Devices 1-5, each with its vcam-fakebe (loops that outlive this step, as a dom0_daemon does;
# fem_fakebe_guest stops them), then the guest's go.
fem_fakebe_start() {
	local domid d cfg
	domid=$(cat /run/fem.domid)
	rm -f /run/fem-stop /run/fem-loop-?.pid
	fem_ts start
	# one vcam-attach (a second or two each) for all five: an xl-style vcam = [...] list
	cfg=$OUT/cfg/fem-fakebe-devices.cfg
	{
		printf 'vcam = ['
		for d in 1 2 3 4 5; do
			printf "%s\n\t'unique-id=video0, formats=%s, max-buffers=8, controls=brightness;contrast, devid=%s%s'" \
				"$([ $d = 1 ] || echo ,)" "$(fem_formats $d)" $d "$(fem_spec_extra $d)"
		done
		printf '\n]\n'
	} >"$cfg"
	cat "$cfg"
	"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" -f "$cfg" || { $XL destroy fem; return 1; }
	for d in 1 2 3 4 5; do
		# shellcheck disable=SC2046 # the arguments are words
		fem_fakebe_loop "$domid" $d $(fem_fakebe_args $d) \
			>"$OUT/logs/fe-mplane.d$d.fakebe.log" 2>&1 &
		echo $! >"/run/fem-loop-$d.pid"
	done
	fem_ts "devices 1-5 attached, their vcam-fakebes started"
	xenstore-write "/local/domain/$domid/data/fem-fakebe" 1 || { $XL destroy fem; return 1; }
}

# The guest's device-0 part, judged while it tests the fake backends: its NM12 and YUYV frames
# equal the native capture.
fem_vcamd_case() {
	local con f got n bad
	con=$(domu_console fem)
	grep -q 'VCAMFE part vcamd over' "$con" || { echo "the guest's vcamd part did not end"; return 1; }
	sed '/VCAMFE part vcamd over/q' "$con" | grep -E 'VCAMFE (d0 vcamd |t )'
	if grep -qE 'Oops|BUG:|WARNING:|Call Trace' "$con"; then
		echo "kernel trouble in the guest"; return 1
	fi
	grep -q 'VCAMFE d0 vcamd done' "$con" || { echo "the guest's vcamd case failed"; return 1; }
	# NM12: 16 MMAP + 10 USERPTR frames, YUYV: 12 MMAP frames (tests/rig/domu/fe-mplane.sh)
	for f in NM12:26 YUYV:12; do
		got=$(sed -n "s/.*VCAMFE d0 md5 ${f%:*} [^ ]* \([0-9a-f]*\).*/\1/p" "$con")
		n=$(echo "$got" | grep -c .)
		[ "$n" -ge "${f#*:}" ] || { echo "${f%:*}: only $n guest frames"; return 1; }
		f=${f%:*}
		bad=$(echo "$got" | grep -v -x -c "$(cat "/run/fem-native-$f.md5")")
		[ "$bad" = 0 ] || { echo "$f: $bad of $n guest frames differ from dom0's"; return 1; }
		echo "$f: all $n guest frames equal the native dom0 capture"
	done
	echo "vcamctl status when the guest's vcamd part was over:"
	cat /run/fem-vcamd-status.txt
	fem_ts checked
}

# The guest ends by itself; then the vcam-fakebe loops stop.
fem_fakebe_guest() {
	local d rc _ loops=""
	for d in 1 2 3 4 5; do loops="$loops $(cat "/run/fem-loop-$d.pid" 2>/dev/null)"; done
	fem_ts start
	domu_wait_end fem 800
	rc=$?
	fem_ts "the guest is gone"
	# the loops may have started one more vcam-fakebe each after the guest's last unload
	touch /run/fem-stop
	sleep 0.5
	for d in 1 2 3 4 5; do kill "$(cat "/run/fem-be-$d.pid")" 2>/dev/null; done
	# not this step's children (fem_fakebe_start's): no wait, but their end
	for _ in $(seq 50); do
		# shellcheck disable=SC2086 # a list of pids
		kill -0 $loops 2>/dev/null || break
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill $loops 2>/dev/null
	for d in 1 2 3 4 5; do
		echo "---- vcam-fakebe d$d"
		grep -vE '^vcam-fakebe: (backend|frontend) state' "$OUT/logs/fe-mplane.d$d.fakebe.log"
	done
	echo "---- guest timeline"
	grep -E 'VCAMFE (t |d[0-9] [a-z]+ (done|FAILED))' "$(domu_console fem)"
	return $rc
}

# fem_done DEVID CASE: the guest ran that case on that device to its end.
fem_done() {
	local con
	con=$(domu_console fem)
	grep "VCAMFE d$1 $2[ :]" "$con"
	grep -q "VCAMFE d$1 $2 done" "$con" || { echo "device $1: case $2 failed in the guest"; return 1; }
}

# fem_check DEVID CASE FOURCC...: the guest printed frames of each FOURCC in that case, all of
# them fakebe frames.  FEM_BUG=.swap: against frames with their planes swapped.
fem_check() {
	local d=$1 c=$2 con f want got bad n
	shift 2
	con=$(domu_console fem)
	fem_patterns_ready || return 1
	for f in "$@"; do
		want=$(cat "/run/fem-pat.$f${FEM_BUG:-}")
		got=$(sed -n "s/.*VCAMFE d$d md5 $f $c\.[^ ]* \([0-9a-f]*\).*/\1/p" "$con")
		[ -n "$got" ] || { echo "no $f frames from device $d ($c)"; return 1; }
		n=$(echo "$got" | grep -c .)
		bad=$(echo "$got" | grep -v -x -F "$want")
		if [ -n "$bad" ]; then
			echo "$f: $(echo "$bad" | grep -c .) of $n frames are not fakebe frames"
			return 1
		fi
		echo "$f: all $n frames of device $d ($c) equal a fakebe frame byte for byte"
	done
}

# fem_case DEVID CASE FOURCC...: the case passed in the guest and its frames are the pattern's.
fem_case() {
	fem_done "$1" "$2" || return 1
	fem_check "$@"
}

# the same check against frames with their planes swapped: must fail
fem_check_swapped() { FEM_BUG=.swap fem_check "$@"; }

# fem_slow: the 0.1 fps camera streamed 3 frames (36 s) without one watchdog CONFIG_GET: the
# watchdog's period is 4 frame intervals there, not 5 s.  Every connection of its vcam-fakebe
# says how many CONFIG_GETs came while streaming: none may have; one streamed the 3 frames.
fem_slow() {
	local log=$OUT/logs/fe-mplane.d4.fakebe.log
	fem_done 4 slow || return 1
	grep -E 'frames delivered|CONFIG_GET' "$log"
	grep 'frames delivered' "$log" | grep -v -q ', 0 CONFIG_GET while streaming' &&
		{ echo "the watchdog asked"; return 1; }
	grep -qE '^vcam-fakebe: ([3-9]|[1-9][0-9]+) frames delivered, 0 CONFIG_GET while streaming' "$log" ||
		{ echo "no connection streamed the 3 slow frames"; return 1; }
}
export -f fem_ts fem_formats fem_spec_extra fem_fakebe_args fem_patterns fem_patterns_ready \
	fem_guest_start fem_vcamd_setup fem_vcamd_stop fem_fakebe_loop fem_fakebe_start \
	fem_vcamd_case fem_fakebe_guest fem_done fem_check fem_case fem_check_swapped fem_slow

step guest-start 120 fem_guest_start
step vcamd-setup 120 fem_vcamd_setup
step vcamd-stop 500 fem_vcamd_stop
step fakebe-start 60 fem_fakebe_start
step vcamd-nv12m 30 fem_vcamd_case
step fakebe-guest 900 fem_fakebe_guest
step mplane-fealloc 120 fem_case 1 mp NM12 YUYV
expect_fail wrong-planes-caught 30 fem_check_swapped 1 mp NM12
step mplane-bealloc 30 fem_case 2 mpbe NM12 YUYV
step single-planar-default 30 fem_case 3 sp YUYV
step mplane0-hides-nm12 30 fem_case 5 hide YUYV
step slow-camera-watchdog 30 fem_slow
step mplane1-forced 30 fem_case 3 force YUYV
