# Throughput ceiling and spare cores (issue 12 parts 3 and 5), sourced by bench-dom0.sh.
# Cases (cases.txt kinds `thru` and `spare`; bench/thru.py and bench/spare.py read them):
#   thru-native         vcam-capsum on vivid in dom0 at vivid's fastest mode (THRU_FMT at THRU_RATE)
#   thru-memcpy-dom0    vcam-memcpy of frames that size in dom0 (its line in thru.rec)
#   thru-NAME           vcam-testfe in the guest, per mode and allocation (THRU_TFE), same mode
#   thru-memcpy-guest   vcam-memcpy in the guest
#   thru-kfe            vcam-capsum on the kernel frontend in the guest, same mode
#   spare-rtt-MODE-PLACE, spare-stream-MODE-PLACE   vcam-testfe rtt (as BENCH_CASES=rtt) and a
#                       be-alloc stream at THRU_FMT, with vcamd's dom0 vCPU and the guest's vCPU
#                       left to Xen (free), pinned apart, or pinned together (bench_spare_pin)
# vivid's webcam input offers more frame intervals the smaller the frame: 320x180 goes up to
# 60 fps, 640x360 to 40, 1280x720 to 12.5 (vivid-vid-cap.c's webcam_intervals), so 320x180 at
# 60 is its fastest mode; the run lists what it offers in thru-vivid.txt.
THRU_FMT=320x180:YUYV
THRU_RATE=60
THRU_N=300
THRU_MEMCPY_N=600
THRU_TFE=ev-fe:event:0:50+ev-be:event:1:50+sp-fe:spin:0:50+sp-be:spin:1:50+hy-fe:hybrid:0:50+hy-be:hybrid:1:50
SPARE_MODES=event+spin
SPARE_PLACES=free+apart+together
SPARE_RTT_N=300
# thru_size: octets of one THRU_FMT frame (YUYV: 2 per pixel)
thru_size() {
	local wh=${THRU_FMT%%:*}
	echo $((${wh%x*} * ${wh#*x} * 2))
}
export THRU_FMT THRU_RATE THRU_N THRU_MEMCPY_N THRU_TFE SPARE_MODES SPARE_PLACES SPARE_RTT_N

# bench_thru_plan: the plan's thru and spare lines
bench_thru_plan() {
	local c name mode be spin place size
	size=$(thru_size)
	echo "thru-native thru where=native rate=$THRU_RATE frames=$THRU_N size=$size"
	echo "thru-memcpy-dom0 thru where=memcpy-dom0 frames=$THRU_MEMCPY_N size=$size"
	for c in $(echo "$THRU_TFE" | tr '+' ' '); do
		IFS=: read -r name mode be spin <<<"$c"
		echo "thru-$name thru where=tfe mode=$mode be_alloc=$be spin_us=$spin rate=$THRU_RATE frames=$THRU_N size=$size"
	done
	echo "thru-memcpy-guest thru where=memcpy-guest frames=$THRU_MEMCPY_N size=$size"
	echo "thru-kfe thru where=kfe rate=$THRU_RATE frames=$THRU_N size=$size"
	for place in $(echo "$SPARE_PLACES" | tr '+' ' '); do
		for mode in $(echo "$SPARE_MODES" | tr '+' ' '); do
			echo "spare-rtt-$mode-$place spare what=rtt mode=$mode place=$place n=$SPARE_RTT_N"
			echo "spare-stream-$mode-$place spare what=stream mode=$mode be_alloc=1 spin_us=50 place=$place rate=$THRU_RATE frames=$THRU_N"
		done
	done
}

# bench_thru_native: vivid's fastest mode natively, and a memcpy of frames that size, in dom0.
# The format first: vivid keeps a frame interval only as far as the size allows it.
bench_thru_native() {
	local wh=${THRU_FMT%%:*} out
	v4l2-ctl -d /dev/video0 --set-fmt-video="width=${wh%x*},height=${wh#*x},pixelformat=${THRU_FMT#*:}" ||
		return 1
	v4l2-ctl -d /dev/video0 --list-frameintervals="width=${wh%x*},height=${wh#*x},pixelformat=${THRU_FMT#*:}" |
		tee "$BOUT/thru-vivid.txt"
	"$REPO/tests/testfe/vcam-capsum" -d /dev/video0 -F "$THRU_FMT" -f 6 -s 2 \
		>"$BOUT/thru-native.sum" || return 1
	[ "$(sed -n 's/.*crc32=\([0-9a-f]*\).*/\1/p' "$BOUT/thru-native.sum" | sort -u | grep -c .)" = 1 ] ||
		{ echo "vivid frames are not identical at $THRU_FMT"; return 1; }
	BENCH_FMT=$THRU_FMT bench_native thru-native "$THRU_RATE" "$THRU_N" || return 1
	out=$("$REPO/bench/vcam-memcpy" -s "$(thru_size)" -n "$THRU_MEMCPY_N") ||
		{ echo "vcam-memcpy failed"; return 1; }
	echo "thru-memcpy-dom0 $out" | tee -a "$BOUT/thru.rec"
}

# bench_spare_pin PLACE DOMID: where vcamd (all its threads on dom0's vCPU 0) and the guest's
# vCPU run, on the machine's 2 pCPUs.  free: anywhere (Xen's choice, as every other case);
# apart: the guest alone on pCPU 1, dom0's two vCPUs (vcamd, vivid, the rest) on pCPU 0;
# together: vcamd's vCPU and the guest's on pCPU 1, dom0's other vCPU alone on pCPU 0.  What was
# in effect goes to spare.rec (xl vcpu-list, taskset) for spare.py to check against PLACE;
# `end` is free again, after the spare cases.
bench_spare_pin() {
	local place=$1 dom=$2 pid d0 d1 g vc=0
	pid=$(cat /tmp/bench-vcamd.pid)
	case $place in
	free | end)	d0=all d1=all g=all vc=0-$(($(nproc) - 1)) ;;
	apart)		d0=0 d1=0 g=1 ;;
	together)	d0=1 d1=0 g=1 ;;
	*)		echo "bench_spare_pin: unknown place '$place'"; return 1 ;;
	esac
	taskset -a -pc "$vc" "$pid" >/dev/null || return 1
	$XL vcpu-pin Domain-0 0 "$d0" || return 1
	$XL vcpu-pin Domain-0 1 "$d1" || return 1
	$XL vcpu-pin "$dom" 0 "$g" || return 1
	{
		$XL vcpu-list Domain-0 "$dom" | sed "s/^/$place vcpu /"
		echo "$place vcamd $(taskset -pc "$pid")"
	} | tee -a "$BOUT/spare.rec"
}

# bench_thru_guest DOMID: follow the guest's thru and spare cases (tests/rig/domu/bench-thru.sh,
# same order) before it loads the kernel frontend; each placement of the spare cases is set
# between cases, and everything runs anywhere again at the end.
bench_thru_guest() {
	local dom=$1 c name mode be spin place rc=0
	for c in $(echo "$THRU_TFE" | tr '+' ' '); do
		IFS=: read -r name mode be spin <<<"$c"
		bench_case_sync "thru-$name" "$dom" tfe "$c" || return 1
	done
	bench_case_sync thru-memcpy-guest "$dom" memcpy || return 1
	for place in $(echo "$SPARE_PLACES" | tr '+' ' '); do
		bench_spare_pin "$place" "$dom" || { rc=1; break; }
		for mode in $(echo "$SPARE_MODES" | tr '+' ' '); do
			bench_case_sync "spare-rtt-$mode-$place" "$dom" tfe "x:$mode:1:50" || { rc=1; break 2; }
			bench_case_sync "spare-stream-$mode-$place" "$dom" tfe "x:$mode:1:50" || { rc=1; break 2; }
		done
	done
	bench_spare_pin end "$dom" >/dev/null || rc=1
	# the kernel frontend's case (bench_guest's, later) runs in the toolstack's configuration
	bench_host_cfg "$dom" event 0 50 || rc=1
	return $rc
}

export -f thru_size bench_thru_plan bench_thru_native bench_spare_pin bench_thru_guest
