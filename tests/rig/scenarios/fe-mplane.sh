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
# exports, v4l2-compliance -s -e imports (single-planar, MPLANE YUYV and NM12).  End to end:
# vcamd streams vivid's NV12M (multiplanar=2, the driver's MPLANE API) to a guest, whose NM12 and
# YUYV frames (MMAP and USERPTR) equal a native dom0 capture.
# rig-timeout: 2700
. "$REPO/frontend/tests/fe-rig-lib.sh"

# fem_check NAME FOURCC...: the guest printed frames of each FOURCC, all of them fakebe frames.
fem_check() {
	local name=$1 con f want got bad n
	shift
	con=$(domu_console "$name")
	for f in "$@"; do
		want=$("$REPO/frontend/tests/fakebe-pattern.py" $FEM_BUG "$f" 640 360) || return 1
		got=$(sed -n "s/.*VCAMFE md5 $f [^ ]* \([0-9a-f]*\).*/\1/p" "$con")
		[ -n "$got" ] || { echo "no $f frames from $name"; return 1; }
		n=$(echo "$got" | grep -c .)
		bad=$(echo "$got" | grep -v -x -F "$want")
		if [ -n "$bad" ]; then
			echo "$f: $(echo "$bad" | grep -c .) of $n frames are not fakebe frames"
			return 1
		fi
		echo "$f: all $n frames equal a fakebe frame byte for byte"
	done
}

# fem_case NAME CASE MPLANE-PARAM FORMATS SPEC-EXTRA COMPLIANCE FAKEBE-ARGS FOURCC...
fem_case() {
	local name=$1 case=$2 param=$3 formats=$4 extra=$5 compl=$6 beargs=$7
	shift 7
	# shellcheck disable=SC2086 # FAKEBE-ARGS are words
	DOMU_ARGS="femp=$case ${param:+femp_param=$param} fecompliance=$compl" \
		FE_FORMATS="$formats" fe_case "$name" fe-mplane "$extra" $beargs || return 1
	grep 'VCAMFE compliance' "$(domu_console "$name")"
	[ $# -eq 0 ] || fem_check "$name" "$@"
}
# fem_slow: a 0.1 fps camera streams 3 frames (36 s) without one watchdog CONFIG_GET: the
# watchdog's period is 4 frame intervals there, not 5 s.
fem_slow() {
	fem_case feslow slow "" "YUYV:320x180@1/10" "" 0 "--frame-ms 12000" || return 1
	grep -E 'VCAMFE slow|CONFIG_GET' "$OUT/logs/fe-fakebe.feslow.fakebe.log" \
		"$(domu_console feslow)"
	grep -q ', 0 CONFIG_GET while streaming' "$OUT/logs/fe-fakebe.feslow.fakebe.log"
}

# the same check against frames with their planes swapped: must fail
fem_check_swapped() { FEM_BUG=--swap-planes fem_check "$@"; }
export -f fem_check fem_case fem_check_swapped fem_slow

MP_FORMATS='NM12:640x360@30/1;15/1|YUYV:640x360@30/1;15/1|YUYV:320x180@30/1'
SP_FORMATS='YUYV:640x360@30/1;15/1|YUYV:320x180@30/1'
step mplane-fealloc 600 fem_case femp mp "" "$MP_FORMATS" ", notify-mode=event" 1 "" NM12 YUYV
expect_fail wrong-planes-caught 30 fem_check_swapped femp NM12
step mplane-bealloc 300 fem_case fempb mpbe "" "$MP_FORMATS" ", be-alloc=1" 0 "" NM12 YUYV
step single-planar-default 600 fem_case fesp sp "" "$SP_FORMATS" ", notify-mode=event" 1 "" YUYV
step mplane0-hides-nm12 300 fem_case fehide hide 0 "$MP_FORMATS" "" 0 --nm12 YUYV
step slow-camera-watchdog 300 fem_slow
step mplane1-forced 600 fem_case feforce force 1 "$SP_FORMATS" ", notify-mode=event" 1 "" YUYV

# vcamd + vivid's multi-planar mode in dom0: the guest's frames equal a native capture (vivid
# without OSD text shows a still picture: every frame is the same).
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
	dom0_daemon fe-mplane.vcamd "$REPO/backend/vcamd" -f -v
}

fem_vcamd_case() {
	local name=femv cfg con f got n bad
	cfg=$(DOMU_ARGS="femp=vcamd fecompliance=1" domu_cfg $name fe-mplane) || return 1
	$XL create -p "$cfg" || return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" $name \
		'unique-id=video0, formats=NM12:640x360@25/1;5/1|YUYV:640x360@25/1;5/1, max-buffers=6, notify-mode=event' ||
		{ $XL destroy $name; return 1; }
	$XL unpause $name || return 1
	domu_wait_end $name 400 || { "$REPO/backend/vcamctl" status; return 1; }
	con=$(domu_console $name)
	grep -E 'VCAMFE (NM12|YUYV|compliance|stat)' "$con"
	for f in NM12 YUYV; do
		got=$(sed -n "s/.*VCAMFE md5 $f [^ ]* \([0-9a-f]*\).*/\1/p" "$con")
		n=$(echo "$got" | grep -c .)
		[ "$n" -ge 20 ] || { echo "$f: only $n guest frames"; return 1; }
		bad=$(echo "$got" | grep -v -x -c "$(cat "/run/fem-native-$f.md5")")
		[ "$bad" = 0 ] || { echo "$f: $bad of $n guest frames differ from dom0's"; return 1; }
		echo "$f: all $n guest frames equal the native dom0 capture"
	done
	"$REPO/backend/vcamctl" status
}

fem_vcamd_stop() {
	dom0_daemon_stop fe-mplane.vcamd
	grep -iE 'plane|copying|zero copy' "$OUT/logs/fe-mplane.vcamd.log" | head -n 8
	# later scenarios expect vivid's default (single-planar) setup
	rmmod vivid
	true
}
export -f fem_vcamd_setup fem_vcamd_case fem_vcamd_stop

step vcamd-setup 60 fem_vcamd_setup
step vcamd-nv12m 450 fem_vcamd_case
step vcamd-stop 15 fem_vcamd_stop
