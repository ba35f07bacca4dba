# Scenario fe-mplane: xen-vcamfront.ko's multi-planar API.  Against vcam-fakebe (known pattern,
# NM12 with its CbCr plane at an unaligned offset in the shared buffer) a guest gets the MPLANE
# API automatically, captures NM12 (MMAP, USERPTR; fe-alloc and be-alloc) and YUYV (zero copy),
# and every frame's planes equal the pattern byte for byte (md5 of each frame against every frame
# the fakebe can send).  The single-planar API stays the default for a YUYV-only camera (capture,
# read(), compliance), mplane=0 hides NM12, mplane=1 forces MPLANE.  v4l2-compliance -s: 0
# failures in MPLANE mode with YUYV (mplane=1) and single-planar; with NM12 nothing but
# v4l-utils 1.22.1's known NV12M-description failure (see tests/rig/domu/fe-mplane.sh).  A
# deliberately wrong plane order is caught by the same frame check.
# rig-timeout: 1500
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

# fem_case NAME CASE MPLANE-PARAM FORMATS SPEC-EXTRA COMPLIANCE FOURCC...
fem_case() {
	local name=$1 case=$2 param=$3 formats=$4 extra=$5 compl=$6
	shift 6
	DOMU_ARGS="femp=$case ${param:+femp_param=$param} fecompliance=$compl" \
		FE_FORMATS="$formats" fe_case "$name" fe-mplane "$extra" || return 1
	grep 'VCAMFE compliance' "$(domu_console "$name")"
	[ $# -eq 0 ] || fem_check "$name" "$@"
}
# the same check against frames with their planes swapped: must fail
fem_check_swapped() { FEM_BUG=--swap-planes fem_check "$@"; }
export -f fem_check fem_case fem_check_swapped

MP_FORMATS='NM12:640x360@30/1;15/1|YUYV:640x360@30/1;15/1|YUYV:320x180@30/1'
SP_FORMATS='YUYV:640x360@30/1;15/1|YUYV:320x180@30/1'
step mplane-fealloc 450 fem_case femp mp "" "$MP_FORMATS" ", notify-mode=event" 1 NM12 YUYV
expect_fail wrong-planes-caught 30 fem_check_swapped femp NM12
step mplane-bealloc 300 fem_case fempb mpbe "" "$MP_FORMATS" ", be-alloc=1" 0 NM12 YUYV
step single-planar-default 450 fem_case fesp sp "" "$SP_FORMATS" ", notify-mode=event" 1 YUYV
step mplane0-hides-nm12 300 fem_case fehide hide 0 "$MP_FORMATS" "" 0 YUYV
step mplane1-forced 450 fem_case feforce force 1 "$SP_FORMATS" ", notify-mode=event" 1 YUYV
