# Guest side of fe-mplane: one guest, xen-vcamfront.ko loaded twice, each vcamera device served
# by its own backend in dom0 (a boot costs more than most cases; see the scenario).
#   part 1, vcamd (dom0's vcamd serving vivid multiplanar=2, NV12M):
#     device 0 vcamd  default mplane: the mp case below; frames compared with dom0's capture
#   part 2, one vcam-fakebe per device (started again for every connection), after dom0 wrote
#   data/fem-fakebe:
#     device 1 mp     NM12+YUYV, event, fe-alloc  default mplane: MPLANE API, NM12 (mmap, user)
#                                                 and YUYV captures, compliance, DMABUF import
#     device 2 mpbe   NM12+YUYV, be-alloc         default mplane: the same captures
#     device 3 sp     YUYV only, event            default mplane: single-planar (capture, read(),
#                                                 compliance, DMABUF); then mplane=1: force
#     device 4 slow   YUYV 320x180 at 0.1 fps     default mplane: 3 frames (36 s) in the
#                                                 background while the others are tested
#     device 5 hide   NM12+YUYV, camera in NM12   mplane=0: NM12 hidden
#   Part 2 is one load of the module.  Its mplane parameter (0644) is read when a device
#   connects (want_mplane): devices 1-4 connect with the default, then device 5 with mplane=0,
#   then device 3 again (unbound, reconnected) with mplane=1.  A reload for each of those made
#   the slow camera's 36 s wait for them instead of passing beside them.
# Compliance: v4l2-compliance -s -e (with a DMABUF exporter) runs every test -s alone runs, and
# DMABUF import besides: where a case has an exporter, that one run is its compliance.  Each
# stream is COMPL_FRAMES frames (v4l2-compliance -sN; 60 by default): its checks are per buffer
# and per stream, and 20 frames cycle through every buffer several times; at a camera's pace
# the default made most of a run's time (7 streams: 17 s at vivid's 25 fps, 7 s at 60 fps).
# Frames are printed as "VCAMFE dD md5 FOURCC CASE.TAG MD5" for the dom0 side to compare; the
# API, plane count and copy counters are checked here.  Everything else a case prints starts with
# "VCAMFE dD CASE ", and it ends with "VCAMFE dD CASE done" or "VCAMFE dD CASE FAILED"; a failed
# case does not stop the others, the script's status does.
fail() { echo "VCAMFE d$D $CASE FAIL $*"; exit 1; }
node_of() { ls "/sys/bus/xen/devices/vcamera-$1/video4linux" 2>/dev/null | head -n 1; }
# where the time goes, for the dom0 side's record
stamp() { local u; read -r u _ </proc/uptime; echo "VCAMFE t $u $*"; }

# wait_node DEVID: its video node, up to 60 s
wait_node() {
	local i=0
	while [ -z "$(node_of $1)" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	[ -n "$(node_of $1)" ] || { echo "VCAMFE d$1 no video device"; dmesg | tail -n 20; return 1; }
}

# load DEVID...: the module (its default mplane), bound to these devices only (xenbus autoprobe
# is off: a device no case of this load needs costs a connection), then each device's node
echo 0 >/sys/bus/xen/drivers_autoprobe
load() {
	local d i
	echo "fe-mplane: loading mplane=default" >/dev/kmsg
	insmod /lib/vcam/xen-vcamfront.ko || { echo "VCAMFE insmod failed"; return 1; }
	# the driver registers from a work item, just after insmod returns
	i=0; while [ ! -d /sys/bus/xen/drivers/vcamera ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	for d in "$@"; do
		echo vcamera-$d >/sys/bus/xen/drivers/vcamera/bind ||
			{ echo "VCAMFE d$d bind failed"; return 1; }
	done
	for d in "$@"; do
		wait_node $d || return 1
	done
	stamp "loaded mplane=default"
}

# connect_with MPLANE DEVID: the device (re)connected with mplane=MPLANE; devices connected
# before keep their API.  A bound device is unbound first and bound again once a new vcam-fakebe
# (one per connection) serves it: its backend says InitWait again.
connect_with() {
	local p=$1 d=$2 be i=0
	if [ -e /sys/bus/xen/drivers/vcamera/vcamera-$d ]; then
		be=$(xenstore-read device/vcamera/$d/backend) || { echo "VCAMFE d$d no backend"; return 1; }
		echo vcamera-$d >/sys/bus/xen/drivers/vcamera/unbind ||
			{ echo "VCAMFE d$d unbind failed"; return 1; }
		until [ "$(xenstore-read $be/state 2>/dev/null)" = 2 ] || [ $i -ge 100 ]; do
			sleep 0.2; i=$((i + 1))
		done
		[ $i -lt 100 ] || { echo "VCAMFE d$d: no new vcam-fakebe"; return 1; }
	fi
	echo $p >/sys/module/xen_vcamfront/parameters/mplane || { echo "VCAMFE mplane=$p refused"; return 1; }
	echo "fe-mplane: mplane=$p for vcamera-$d" >/dev/kmsg
	echo vcamera-$d >/sys/bus/xen/drivers/vcamera/bind || { echo "VCAMFE d$d bind failed"; return 1; }
	wait_node $d || return 1
	stamp "d$d connected with mplane=$p"
}

# unload: xenbus holds a module reference per bound device: unbind them all, then rmmod
unload() {
	local x
	for x in /sys/bus/xen/drivers/vcamera/vcamera-*; do
		[ -e "$x" ] && basename "$x" >/sys/bus/xen/drivers/vcamera/unbind
	done
	rmmod xen_vcamfront || { echo "VCAMFE rmmod failed"; return 1; }
	stamp unloaded
}

# run DEVID CASE: case_CASE on that device in a subshell (its fail ends only the case)
rc=0
run() {
	stamp "d$1 $2 start"
	if (D=$1 CASE=$2; setup_dev && "case_$2" && print_stats); then
		echo "VCAMFE d$1 $2 done"
	else
		echo "VCAMFE d$1 $2 FAILED"
		rc=1
	fi
	stamp "d$1 $2 end"
}

setup_dev() {
	dev=/dev/$(node_of $D)
	stats=/sys/bus/xen/devices/vcamera-$D/stats
	[ -e "$dev" ] || fail "no video node"
	v4l2-ctl -d $dev --info >/tmp/info-$D.txt || fail "v4l2-ctl --info"
	cat /tmp/info-$D.txt
	api=sp
	grep -q 'Video Capture Multiplanar' /tmp/info-$D.txt && api=mp
	echo "VCAMFE d$D $CASE api $api mode $(cat $stats/mode)"
	v4l2-ctl -d $dev --list-formats-ext >/tmp/fmts-$D.txt || fail "list formats"
	cat /tmp/fmts-$D.txt
}
has_fmt() { grep -q "'$1'" /tmp/fmts-$D.txt; }

print_stats() {
	local s v
	for s in frames errors drops copies requests state; do
		read -r v <$stats/$s
		echo "VCAMFE d$D $CASE stat $s $v"
	done
}

# md5_frames FILE FRAME-OCTETS N TAG: "VCAMFE dD md5 TAG-J MD5" for each frame J of FILE.  One
# dd per frame and one md5sum for them all: a process costs a lot in a PV guest under emulation.
md5_frames() {
	local j=0 dir=/tmp/frames-$D m f
	mkdir -p $dir
	while [ $j -lt $3 ]; do
		dd if=$1 of=$dir/$j bs=$2 skip=$j count=1 2>/dev/null
		j=$((j + 1))
	done
	(cd $dir && md5sum *) | sort -n -k 2 | while read -r m f; do
		echo "VCAMFE d$D md5 $4-$f $m"
	done
	rm -rf $dir
}

# capture FOURCC FRAME-OCTETS mmap|user N: N frames of 640x360, their md5s, copies per frame.
capture() {
	local fourcc=$1 sz=$2 io=$3 n=$4 c0 f0 z0 c1 f1 z1 e got
	v4l2-ctl -d $dev --set-fmt-video=width=640,height=360,pixelformat=$fourcc \
		--get-fmt-video >/tmp/fmt-$D.txt || fail "set $fourcc"
	cat /tmp/fmt-$D.txt
	grep -q "'$fourcc'" /tmp/fmt-$D.txt || fail "format is not $fourcc"
	read -r c0 <$stats/copies; read -r f0 <$stats/frames; read -r z0 <$stats/zero_copy
	v4l2-ctl -d $dev --stream-$io=4 --stream-count=$n --stream-to=/tmp/c-$D.raw ||
		fail "$fourcc $io capture"
	stamp "d$D captured"
	read -r c1 <$stats/copies; read -r f1 <$stats/frames; read -r e <$stats/errors
	read -r z1 <$stats/zero_copy
	got=$(wc -c </tmp/c-$D.raw)
	[ "$got" -eq $((n * sz)) ] || fail "$fourcc $io: $got octets, expected $((n * sz))"
	COPIES=$((c1 - c0)); FRAMES=$((f1 - f0)); ZC=$((z1 - z0))
	[ "$e" -eq 0 ] || fail "$fourcc $io: errors counted"
	echo "VCAMFE d$D $CASE $fourcc $io: $n frames, $FRAMES delivered, $COPIES copied, $ZC in the backend's pages"
	md5_frames /tmp/c-$D.raw $sz $n "$fourcc $CASE.$io"
	rm -f /tmp/c-$D.raw
	stamp "d$D md5s"
}

# NV12M has its own memory planes: never granted directly, one copy per frame.
nm12_checks() {
	grep -q 'Number of planes *: 2' /tmp/fmt-$D.txt || fail "NM12 without 2 planes"
	[ $COPIES -eq $FRAMES ] || fail "NM12: $COPIES copies for $FRAMES frames"
}

# compliance_result TAG [KNOWN-FAILURES-REGEX]: judge /tmp/compl-$D.txt.  Failures matching the
# regex are tolerated (and counted); any other failure fails the case.
compliance_result() {
	local other
	grep -E 'fail|warn|Total|DMABUF' /tmp/compl-$D.txt | cut -c1-200
	grep 'Total for' /tmp/compl-$D.txt | sed "s/^/VCAMFE d$D $CASE compliance $1: /"
	grep -q 'Total for' /tmp/compl-$D.txt || fail "compliance $1 did not finish"
	grep -q 'Total for.*Failed: 0' /tmp/compl-$D.txt && return 0
	[ -n "$2" ] || fail "compliance $1 has failures"
	other=$(grep 'fail:' /tmp/compl-$D.txt | grep -v -E "$2")
	[ -z "$other" ] || fail "compliance $1 has failures besides the known ones"
	echo "VCAMFE d$D $CASE compliance $1: every failure is a known one: $(grep -c 'fail:' /tmp/compl-$D.txt)"
}

COMPL_FRAMES=20

# compliance TAG [KNOWN-FAILURES-REGEX]: v4l2-compliance -s on the current format (for a case
# without a DMABUF exporter).
compliance() {
	stamp "d$D compliance"
	# its progress lines end in \r: one line per test for the greps
	v4l2-compliance -d $dev -s$COMPL_FRAMES 2>&1 | tr '\r' '\n' >/tmp/compl-$D.txt
	stamp "d$D compliance over"
	compliance_result "$@"
}

# v4l-utils 1.22.1 (Debian 12) expects NV12M's pre-6.1 description; the 6.1 V4L2 core names it
# 'Y/UV 4:2:0 (N-C)' and always overwrites what a driver says.  The aborted format enumeration
# then leaves NM12 out of v4l2-compliance's list, so G/TRY/S_FMT of NM12 "not reported".
NM12_TOOL_BUG="fmtdesc.description mismatch: was 'Y/UV 4:2:0 \\(N-C\\)', expected 'Y/CbCr 4:2:0 \\(N-C\\)'|pixelformat 32314d4e \\(NM12\\) for buftype 9 not reported by ENUM_FMT"

# dmabuf_compliance TAG MULTIPLANAR FOURCC [KNOWN-FAILURES-REGEX]: vivid (packed by
# mk-domu-initrd, not loaded at boot) as the DMABUF exporter: v4l2-compliance -s -e imports its
# buffers into our device, in the exporter's format FOURCC at 1280x720 (at least our sizes).
# Every test of compliance() runs in it too, on our device's current format.
# vivid is loaded once, with two capture-only instances: vivid-000 single-planar
# (MULTIPLANAR 1), vivid-001 multi-planar (MULTIPLANAR 2); loading it costs seconds each time.
dmabuf_compliance() {
	local tag=$1 mp=$2 fourcc=$3 m n exp=
	stamp "d$D dmabuf"
	if ! grep -q '^vivid ' /proc/modules; then
		[ -s /lib/vivid/order ] || fail "no vivid in the ramdisk: no DMABUF exporter"
		for m in $(cat /lib/vivid/order); do
			case $m in
			vivid.ko) insmod /lib/vivid/$m n_devs=2 node_types=0x1,0x1 multiplanar=1,2 ;;
			*) insmod /lib/vivid/$m ;;
			esac || fail "insmod $m"
		done
	fi
	for n in /sys/class/video4linux/video*; do
		grep -q "vivid-00$((mp - 1))-vid-cap" $n/name 2>/dev/null && exp=/dev/${n##*/}
	done
	[ -n "$exp" ] || fail "no vivid-00$((mp - 1)) capture node"
	m=0; while [ ! -e $exp ] && [ $m -lt 50 ]; do sleep 0.1; m=$((m + 1)); done
	v4l2-ctl -d $exp --set-fmt-video=width=1280,height=720,pixelformat=$fourcc ||
		fail "vivid $fourcc"
	stamp "d$D dmabuf compliance"
	v4l2-compliance -d $dev -s$COMPL_FRAMES -e $exp 2>&1 | tr '\r' '\n' >/tmp/compl-$D.txt
	stamp "d$D dmabuf compliance over"
	grep -q 'test DMABUF.*: OK' /tmp/compl-$D.txt || fail "compliance $tag: DMABUF not tested"
	grep -q 'test DMABUF.*FAIL' /tmp/compl-$D.txt && fail "compliance $tag: DMABUF failed"
	compliance_result "$tag" "$4"
}

# mp (vcam-fakebe), mpbe (the same with be-alloc), vcamd (vcamd + vivid): the MPLANE API
case_mp() {
	[ $api = mp ] || fail "expected the MPLANE API"
	has_fmt NM12 || fail "NM12 not listed"
	# v4l2-ctl --stream-mmap=4: 16 frames fill each of its 4 buffers four times
	capture NM12 345600 mmap 16
	nm12_checks
	capture NM12 345600 user 10
	nm12_checks
	# a single-plane format keeps the zero-copy path in the MPLANE API (fe-alloc)
	capture YUYV 460800 mmap 12
	grep -q 'Number of planes *: 1' /tmp/fmt-$D.txt || fail "YUYV without 1 plane"
	if [ $CASE = mpbe ]; then
		# be-alloc, MMAP: the application maps the fake backend's own pages (zero copy)
		[ $COPIES -eq 0 ] && [ $ZC -eq $FRAMES ] ||
			fail "be-alloc YUYV: $COPIES copies, $ZC of $FRAMES frames in the backend's pages"
		# NM12's description aborts v4l-utils 1.22.1's format enumeration, YUYV's included
		compliance YUYV "$NM12_TOOL_BUG|pixelformat 56595559 \\(YUYV\\) for buftype 9 not reported by ENUM_FMT"
		grep -q 'test MMAP (select): OK' /tmp/compl-$D.txt ||
			fail "compliance YUYV: MMAP streaming from the backend's pages not OK"
		return 0
	fi
	[ $COPIES -eq 0 ] || fail "YUYV in MPLANE API copied $COPIES frames"
	v4l2-ctl -d $dev --set-fmt-video=width=640,height=360,pixelformat=NM12 || fail "set NM12"
	dmabuf_compliance NM12-DMABUF 2 NM12 "$NM12_TOOL_BUG"
}
case_mpbe() { case_mp; }
case_vcamd() { case_mp; }

case_sp() {
	[ $api = sp ] || fail "expected the single-planar API"
	capture YUYV 460800 mmap 12
	[ $COPIES -eq 0 ] || fail "YUYV copied $COPIES frames"
	dd if=$dev of=/tmp/read-$D.raw bs=460800 count=4 2>/dev/null
	[ "$(wc -c </tmp/read-$D.raw)" -eq $((4 * 460800)) ] || fail "read() short"
	echo "VCAMFE d$D md5 YUYV sp.read-3 $(dd if=/tmp/read-$D.raw bs=460800 skip=3 count=1 \
		2>/dev/null | md5sum | cut -d' ' -f1)"
	rm -f /tmp/read-$D.raw
	dmabuf_compliance YUYV-DMABUF 1 YUYV
}

case_hide() {
	[ $api = sp ] || fail "mplane=0 must give the single-planar API"
	has_fmt NM12 && fail "NM12 listed in the single-planar API"
	has_fmt YUYV || fail "YUYV not listed"
	# the camera was left in NM12 (vcam-fakebe --nm12): hidden here, so the frontend sets its
	# first mode, and says so at info level (<6>), not as an error.  The kernel log since this
	# device connected with mplane=0 is what counts.
	dmesg -r | sed -n "/fe-mplane: mplane=0 for vcamera-$D/,\$p" >/tmp/dmesg-$D.txt
	grep 'not offered' /tmp/dmesg-$D.txt
	grep -q "^<6>.*vcamera-$D: camera mode NM12.* 640x360 not offered, setting YUYV.* 640x360" \
		/tmp/dmesg-$D.txt || fail "no info message about the camera's NM12 mode"
	grep '^<[0-3]>' /tmp/dmesg-$D.txt | grep -q 'not offered' &&
		fail "not-offered mode logged as error"
	capture YUYV 460800 mmap 5
}

case_force() {
	[ $api = mp ] || fail "mplane=1 must give the MPLANE API"
	capture YUYV 460800 mmap 10
	grep -q 'Number of planes *: 1' /tmp/fmt-$D.txt || fail "YUYV without 1 plane"
	[ $COPIES -eq 0 ] || fail "YUYV in MPLANE API copied $COPIES frames"
	dmabuf_compliance YUYV-MPLANE-DMABUF 2 YUYV
}

# a 0.1 fps camera (vcam-fakebe --frame-ms 12000): the watchdog must wait 4 intervals
case_slow() {
	local t0 t1
	v4l2-ctl -d $dev --set-fmt-video=width=320,height=180,pixelformat=YUYV || fail "set fmt"
	v4l2-ctl -d $dev --set-parm=0.1 || fail "set-parm"
	v4l2-ctl -d $dev --get-parm | tee /tmp/parm-$D.txt
	grep -q '0.100' /tmp/parm-$D.txt || fail "not at 0.1 fps"
	read -r t0 _ </proc/uptime
	v4l2-ctl -d $dev --stream-mmap=2 --stream-count=3 --stream-to=/tmp/slow-$D.raw ||
		fail "slow capture"
	read -r t1 _ </proc/uptime
	[ "$(wc -c </tmp/slow-$D.raw)" -eq $((3 * 115200)) ] || fail "slow capture short"
	rm -f /tmp/slow-$D.raw
	echo "VCAMFE d$D $CASE: 3 frames in $((${t1%.*} - ${t0%.*})) s"
}

stamp start
# Part 1: vcamd.  dom0 attaches device 0 once vcamd runs.
i=0; while [ ! -e /sys/bus/xen/devices/vcamera-0 ] && [ $i -lt 3000 ]; do sleep 0.1; i=$((i + 1)); done
if load 0; then
	run 0 vcamd
	unload || rc=1
else
	rc=1
fi
echo "VCAMFE part vcamd over"

# Part 2: vcam-fakebe.  dom0 stops vcamd, detaches device 0, attaches 1-5 and says go.  A watch,
# not a poll (a xenstore-read every 0.2 s slows dom0 while it does all that); it fires once when
# set and again on the write; the timeout covers a write between read and watch.
i=0; until xenstore-read data/fem-fakebe >/dev/null 2>&1 || [ $i -ge 60 ]; do
	timeout 5 xenstore-watch -n 2 data/fem-fakebe >/dev/null 2>&1
	i=$((i + 1))
done
i=0
while { [ -e /sys/bus/xen/devices/vcamera-0 ] || [ ! -e /sys/bus/xen/devices/vcamera-5 ]; } &&
	[ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
stamp "fakebe devices"
if load 1 2 3 4; then
	# the slow camera's 36 s pass while the others are tested
	run 4 slow >/tmp/slow.out 2>&1 &
	slow=$!
	run 1 mp
	run 2 mpbe
	run 3 sp
	if connect_with 0 5; then
		run 5 hide
	else
		rc=1
	fi
	if connect_with 1 3; then
		run 3 force
	else
		rc=1
	fi
	wait $slow
	cat /tmp/slow.out
	grep -q '^VCAMFE d4 slow done' /tmp/slow.out || rc=1
	unload || rc=1
else
	rc=1
fi
dmesg | grep -i vcam | tail -n 10
echo "VCAMFE unloaded"
if grep -q '^vivid ' /proc/modules; then
	rmmod vivid || { echo "VCAMFE rmmod vivid failed"; rc=1; }
fi
exit $rc
