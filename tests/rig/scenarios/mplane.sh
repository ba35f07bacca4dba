# Scenario mplane: vcamd on a multi-planar camera (vivid multiplanar=2: the V4L2 MPLANE API,
# which libv4l2 shows single-planar).  A two-buffer format (NV12M: Y and CbCr in separate camera
# buffers) reaches a vcam-testfe guest as one cameraif buffer with two planes; vcamd leaves the
# device in a format libv4l2 can open; a device someone else left in NV12M is mended when vcamd
# opens it, and a single-plane format (YUYV, which vivid sends after a 128-octet data_offset)
# reaches the kernel frontend.  Every guest frame equals a native dom0 capture.
# rig-timeout: 420

mp_setup() {
	dom0_vivid 0 n_devs=1 multiplanar=2 || return 1
	v4l2-ctl -d /dev/video0 --info | grep 'Video Capture Multiplanar' || return 1
	dom0_vcamd mplane.vcamd -v
}

# mp_native FOURCC FRAME-OCTETS: crc32 and md5 of a native capture's last frame
mp_native() {
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=640,height=360,pixelformat=$1 \
		--stream-mmap --stream-count=3 --stream-to=/tmp/native-$1.raw || return 1
	/usr/bin/python3 - "$1" "$2" <<'PY' || return 1
import hashlib, sys, zlib
fourcc, size = sys.argv[1], int(sys.argv[2])
data = open(f"/tmp/native-{fourcc}.raw", "rb").read()
if len(data) != 3 * size:
    sys.exit(f"native capture of {fourcc}: {len(data)} octets, expected {3 * size}")
last = data[-size:]
open(f"/run/mp-native-{fourcc}.crc", "w").write("%08x" % zlib.crc32(last))
open(f"/run/mp-native-{fourcc}.md5", "w").write(hashlib.md5(last).hexdigest())
print(fourcc, "crc32 %08x" % zlib.crc32(last), "md5", hashlib.md5(last).hexdigest())
PY
}

mp_testfe_two_planes() {
	local cfg con crcs want
	cfg=$(DOMU_ARGS="tfcmds=stream tfopts=-F_640x360:NM12_-r_25_-f_30" domu_cfg mptf be-testfe \
	)
	# paused until the camera is attached, so the guest finds it at boot
	$XL create -p "$cfg" || return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" mptf \
		'unique-id=video0, formats=NM12:640x360@25/1;5/1' || return 1
	$XL unpause mptf || return 1
	domu_wait_end mptf 180 || return 1
	con=$(domu_console mptf)
	want=$(cat /run/mp-native-NM12.crc)
	crcs=$(sed -n 's/.*frame seq=.*crc32=\([0-9a-f]*\).*/\1/p' "$con" | sort | uniq -c)
	echo "native NV12M crc32 $want; guest frames by crc32:"; echo "$crcs"
	[ "$(echo "$crcs" | grep -c .)" = 1 ] && echo "$crcs" | grep -q " $want\$" &&
		[ "$(echo "$crcs" | awk '{ print $1 }')" -ge 30 ]
}

mp_cur_fourcc() {
	v4l2-ctl -d /dev/video0 --get-fmt-video | sed -n "s/.*Pixel Format *: '\\(....\\)'.*/\\1/p"
}

# Once its guests are gone vcamd closes the camera, never leaving it in NV12M.
mp_left_usable() {
	local f
	for i in $(seq 20); do
		f=$(mp_cur_fourcc)
		[ "$f" != NM12 ] && break
		sleep 0.5
	done
	echo "device format after vcamd let go: $f"
	[ -n "$f" ] && [ "$f" != NM12 ]
}

# Someone else leaves the device in a format libv4l2 cannot open.
mp_leave_nv12m() {
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=640,height=360,pixelformat=NM12 || return 1
	[ "$(mp_cur_fourcc)" = NM12 ]
}

mp_kernel_single_plane() {
	local cfg con got
	cfg=$(DOMU_ARGS="demo.fmt=YUYV demo.w=640 demo.h=360 demo.n=10" domu_cfg mpfe demo)
	$XL create -p "$cfg" || return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" mpfe \
		'unique-id=video0, formats=YUYV:640x360@25/1;5/1' || return 1
	$XL unpause mpfe || return 1
	domu_wait_end mpfe 180 || return 1
	con=$(domu_console mpfe)
	got=$(sed -n 's/.*demo: frame md5: \([0-9a-f]*\).*/\1/p' "$con" | tail -n 1)
	echo "guest md5 $got, native md5 $(cat /run/mp-native-YUYV.md5)"
	[ -n "$got" ] && [ "$got" = "$(cat /run/mp-native-YUYV.md5)" ] || return 1
	grep 'was left in NM12' "$OUT/logs/mplane.vcamd.log"
}

# Reference for the guest's NV12M compliance result: vivid itself, natively, fails only Debian
# 12's v4l-utils 1.22.1 check of NV12M's description (Linux 6.1 renamed it).
mp_native_compliance() {
	local fails
	v4l2-compliance -d /dev/video0 >/tmp/mp-compl.txt 2>&1
	grep 'Total for' /tmp/mp-compl.txt
	fails=$(grep 'fail:' /tmp/mp-compl.txt | sort | uniq -c)
	echo "$fails"
	! grep 'fail:' /tmp/mp-compl.txt | grep -vq 'description mismatch'
}

mp_stop() {
	"$REPO/backend/vcamctl" status
	dom0_daemon_stop mplane.vcamd
	grep -iE 'plane|left in|zero copy|copying' "$OUT/logs/mplane.vcamd.log" | head -n 8
	# later scenarios expect vivid's default (single-planar) setup
	rmmod vivid
	true
}

export -f mp_setup mp_native mp_cur_fourcc mp_testfe_two_planes mp_left_usable mp_leave_nv12m \
	mp_kernel_single_plane mp_native_compliance mp_stop
step setup 30 mp_setup
step native-nv12m 30 mp_native NM12 345600
step native-yuyv 30 mp_native YUYV 460800
step testfe-nv12m 240 mp_testfe_two_planes
step left-usable 30 mp_left_usable
step leave-nv12m 30 mp_leave_nv12m
step frontend-yuyv 240 mp_kernel_single_plane
step native-compliance-reference 120 mp_native_compliance
step vcamd-stop 15 mp_stop
