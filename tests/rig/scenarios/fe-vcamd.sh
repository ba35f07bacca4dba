# Scenario fe-vcamd: xen-vcamfront.ko against the real backend (vcamd serving vivid in dom0).
# In every notification mode and both buffer allocation modes a guest captures 100 frames with
# v4l2-ctl --stream-mmap; the frames must equal a native dom0 capture of the same (still) vivid
# picture.  The event/fe-alloc guest also runs v4l2-compliance -s.  Uses vcamd-lib.sh's helpers.
# rig-timeout: 900
. "$REPO/backend/tests/rig/vcamd-lib.sh"

fe_native() {
	be_vivid || return 1
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=640,height=360,pixelformat=YUYV \
		--stream-mmap --stream-count=3 --stream-to=/tmp/fe-native.raw || return 1
	dd if=/tmp/fe-native.raw bs=460800 skip=2 count=1 2>/dev/null | md5sum |
		awk '{ print $1 }' >/tmp/fe-native.md5
	echo "native frame md5: $(cat /tmp/fe-native.md5)"
}

fe_vcamd_case() { # NAME SPEC-EXTRA [compliance]
	local name=$1 extra=$2 cfg domid con bad
	cfg=$(DOMU_ARGS="fecompliance=${3:-0}" domu_cfg "$name" fe-vcamd) || return 1
	$XL create -p "$cfg" || return 1
	domid=$($XL domid "$name") || return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" \
		"unique-id=video0, formats=YUYV:640x360@30/1;15/1|YUYV:320x180@30/1, max-buffers=6, controls=brightness;contrast$extra" ||
		{ $XL destroy "$name"; return 1; }
	$XL unpause "$name"
	domu_wait_end "$name" 400 || { be_vcamd_alive; return 1; }
	con=$(domu_console "$name")
	grep -E 'VCAMFE' "$con"
	echo "native frame md5: $(cat /tmp/fe-native.md5)"
	[ "$(grep -c 'VCAMFE md5 ' "$con")" -ge 3 ] || { echo "no guest frame checksums"; return 1; }
	bad=$(grep 'VCAMFE md5 ' "$con" | grep -v "$(cat /tmp/fe-native.md5)")
	[ -z "$bad" ] || { echo "guest frames differ from the native capture:"; echo "$bad"; return 1; }
	echo "guest frames equal the native capture"
	"$REPO/backend/vcamctl" status
}
export -f fe_native fe_vcamd_case

step native 60 fe_native
step vcamd-start 30 be_vcamd_start
step event-fealloc 450 fe_vcamd_case efe ", notify-mode=event" 1
step event-bealloc 300 fe_vcamd_case ebe ", notify-mode=event, be-alloc=1"
step spin-fealloc 300 fe_vcamd_case sfe ", notify-mode=spin"
step spin-bealloc 300 fe_vcamd_case sbe ", notify-mode=spin, be-alloc=1"
step hybrid-fealloc 300 fe_vcamd_case hfe ", notify-mode=hybrid"
step hybrid-bealloc 300 fe_vcamd_case hbe ", notify-mode=hybrid, be-alloc=1"
step vcamd-stop 30 be_vcamd_stop
