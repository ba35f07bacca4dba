# Guest side of fe-mplane: xen-vcamfront.ko with multi-planar formats.  Kernel command line:
# femp=CASE (mp: MPLANE API with NM12 and YUYV; mpbe: the same with be-alloc; sp: default mode,
# YUYV only, must stay single-planar; hide: mplane=0 hides NM12; force: mplane=1 with YUYV only;
# vcamd: NM12 from vcamd + vivid), femp_param=N (the module's mplane parameter, if given),
# fecompliance=1 (v4l2-compliance -s).  Frames are printed as "VCAMFE md5 FOURCC TAG MD5" for
# the dom0 side to compare; the API, plane count and copy counters are checked here.
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
case=$(arg femp)
param=$(arg femp_param)
dev=/dev/video0
stats=/sys/bus/xen/devices/vcamera-0/stats
fail() { echo "VCAMFE FAIL $*"; exit 1; }

insmod /lib/vcam/xen-vcamfront.ko ${param:+mplane=$param} || fail insmod
i=0; while [ ! -e $dev ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -e $dev ] || { dmesg | tail -n 20; fail "no $dev"; }
v4l2-ctl -d $dev --info >/tmp/info.txt || fail "v4l2-ctl --info"
cat /tmp/info.txt
api=sp
grep -q 'Video Capture Multiplanar' /tmp/info.txt && api=mp
echo "VCAMFE case $case api $api mode $(cat $stats/mode)"
v4l2-ctl -d $dev --list-formats-ext >/tmp/fmts.txt || fail "list formats"
cat /tmp/fmts.txt
has_fmt() { grep -q "'$1'" /tmp/fmts.txt; }

# capture FOURCC FRAME-OCTETS MMAP|USER N: N frames of 640x360, their md5s, copies per frame.
capture() {
	local fourcc=$1 sz=$2 io=$3 n=$4 c0 f0 c1 f1 got j
	v4l2-ctl -d $dev --set-fmt-video=width=640,height=360,pixelformat=$fourcc ||
		fail "set $fourcc"
	v4l2-ctl -d $dev --get-fmt-video | tee /tmp/fmt.txt
	grep -q "'$fourcc'" /tmp/fmt.txt || fail "format is not $fourcc"
	c0=$(cat $stats/copies); f0=$(cat $stats/frames)
	v4l2-ctl -d $dev --stream-$io=4 --stream-count=$n --stream-to=/tmp/c.raw ||
		fail "$fourcc $io capture"
	c1=$(cat $stats/copies); f1=$(cat $stats/frames)
	got=$(wc -c </tmp/c.raw)
	[ "$got" -eq $((n * sz)) ] || fail "$fourcc $io: $got octets, expected $((n * sz))"
	COPIES=$((c1 - c0)); FRAMES=$((f1 - f0))
	[ "$(cat $stats/errors)" -eq 0 ] || fail "$fourcc $io: errors counted"
	echo "VCAMFE $fourcc $io: $n frames, $FRAMES delivered, $COPIES copied"
	j=0
	while [ $j -lt $n ]; do
		echo "VCAMFE md5 $fourcc $io-$j $(dd if=/tmp/c.raw bs=$sz skip=$j count=1 2>/dev/null |
			md5sum | cut -d' ' -f1)"
		j=$((j + 1))
	done
	rm -f /tmp/c.raw
}

# NV12M has its own memory planes: never granted directly, one copy per frame.
nm12_checks() {
	grep -q 'Number of planes *: 2' /tmp/fmt.txt || fail "NM12 without 2 planes"
	[ $COPIES -eq $FRAMES ] || fail "NM12: $COPIES copies for $FRAMES frames"
}

# compliance TAG [KNOWN-FAILURES-REGEX]: v4l2-compliance -s on the current format.  Failures
# matching the regex are tolerated (and counted); any other failure fails the test.
compliance() {
	local other
	grep -q 'fecompliance=1' /proc/cmdline || return 0
	v4l2-compliance -d $dev -s >/tmp/compl.txt 2>&1
	grep -E 'fail|warn|Total' /tmp/compl.txt | cut -c1-200
	grep 'Total for' /tmp/compl.txt | sed "s/^/VCAMFE compliance $1: /"
	grep -q 'Total for' /tmp/compl.txt || fail "compliance $1 did not finish"
	grep -q 'Total for.*Failed: 0' /tmp/compl.txt && return 0
	[ -n "$2" ] || fail "compliance $1 has failures"
	other=$(grep 'fail:' /tmp/compl.txt | grep -v -E "$2")
	[ -z "$other" ] || fail "compliance $1 has failures besides the known ones"
	echo "VCAMFE compliance $1: every failure is a known one: $(grep -c 'fail:' /tmp/compl.txt)"
}

# v4l-utils 1.22.1 (Debian 12) expects NV12M's pre-6.1 description; the 6.1 V4L2 core names it
# 'Y/UV 4:2:0 (N-C)' and always overwrites what a driver says.  The aborted format enumeration
# then leaves NM12 out of v4l2-compliance's list, so G/TRY/S_FMT of NM12 "not reported".
NM12_TOOL_BUG="fmtdesc.description mismatch: was 'Y/UV 4:2:0 \\(N-C\\)', expected 'Y/CbCr 4:2:0 \\(N-C\\)'|pixelformat 32314d4e \\(NM12\\) for buftype 9 not reported by ENUM_FMT"

case $case in
mp | mpbe | vcamd)
	[ $api = mp ] || fail "expected the MPLANE API"
	has_fmt NM12 || fail "NM12 not listed"
	capture NM12 345600 mmap 30
	nm12_checks
	if [ $case != vcamd ]; then
		capture NM12 345600 user 10
		nm12_checks
		# a single-plane format keeps the zero-copy path in the MPLANE API (fe-alloc)
		capture YUYV 460800 mmap 20
		grep -q 'Number of planes *: 1' /tmp/fmt.txt || fail "YUYV without 1 plane"
		if [ $case = mp ]; then
			[ $COPIES -eq 0 ] || fail "YUYV in MPLANE API copied $COPIES frames"
		else
			[ $COPIES -eq $FRAMES ] || fail "be-alloc YUYV: $COPIES copies"
		fi
	fi
	v4l2-ctl -d $dev --set-fmt-video=width=640,height=360,pixelformat=NM12 || fail "set NM12"
	compliance NM12 "$NM12_TOOL_BUG"
	;;
sp)
	[ $api = sp ] || fail "expected the single-planar API"
	capture YUYV 460800 mmap 20
	[ $COPIES -eq 0 ] || fail "YUYV copied $COPIES frames"
	dd if=$dev of=/tmp/read.raw bs=460800 count=4 2>/dev/null
	[ "$(wc -c </tmp/read.raw)" -eq $((4 * 460800)) ] || fail "read() short"
	echo "VCAMFE md5 YUYV read-3 $(dd if=/tmp/read.raw bs=460800 skip=3 count=1 2>/dev/null |
		md5sum | cut -d' ' -f1)"
	compliance YUYV
	;;
hide)
	[ $api = sp ] || fail "mplane=0 must give the single-planar API"
	has_fmt NM12 && fail "NM12 listed in the single-planar API"
	has_fmt YUYV || fail "YUYV not listed"
	capture YUYV 460800 mmap 5
	;;
force)
	[ $api = mp ] || fail "mplane=1 must give the MPLANE API"
	capture YUYV 460800 mmap 10
	grep -q 'Number of planes *: 1' /tmp/fmt.txt || fail "YUYV without 1 plane"
	[ $COPIES -eq 0 ] || fail "YUYV in MPLANE API copied $COPIES frames"
	compliance YUYV-MPLANE
	;;
*)
	fail "unknown case '$case'"
	;;
esac
for s in frames errors drops copies requests state; do
	echo "VCAMFE stat $s $(cat $stats/$s)"
done
dmesg | grep -i vcam | tail -n 10
echo vcamera-0 > /sys/bus/xen/drivers/vcamera/unbind
rmmod xen_vcamfront || fail "rmmod"
echo "VCAMFE unloaded"
