# dom0 half of the bench rig scenario (tests/rig/scenarios/bench.sh), sourced by it.
# Raw records go to $OUT/bench/: dom0.rec (one line per snapshot: CASE PHASE key=value...),
# CASE.out (native captures' frame lines), native.sum, vcamd.log; the guest's records are its
# console (BENCH-* lines, copied to guest.console at the end).
BOUT=$OUT/bench
BENCH_FMT=640x360:YUYV
BENCH_N=250
# vcam-testfe cases: NAME:MODE:BE_ALLOC:SPIN_US; kernel-frontend cases: NAME:RATE:FRAMES
BENCH_TFE=ev-fe:event:0:50+ev-be:event:1:50+sp-fe:spin:0:50+sp-be:spin:1:50+hy-fe:hybrid:0:50+hy-be:hybrid:1:50+hy2ms-fe:hybrid:0:2000
BENCH_KFE=kfe-25:25:$BENCH_N+kfe-40:40:$((BENCH_N * 8 / 5))
# the kernel frontend again with be-alloc, the module's zero copy on, off, on again (so that
# a drift along the run shows): NAME:RATE:FRAMES:ZC
BENCH_KBE=kbe-zc:25:$BENCH_N:1+kbe-copy:25:$BENCH_N:0+kbe-zc-again:25:$BENCH_N:1
BENCH_FF=5
# request round trips and their floors: BENCH_RTT, BENCH_RTT_N and bench_rtt_*
. "$REPO/bench/rig/bench-rtt.sh"
# throughput ceiling and spare cores: THRU_*, SPARE_* and bench_thru_*, bench_spare_pin
. "$REPO/bench/rig/bench-thru.sh"
# BENCH_CASES (rig-env of the scenario): ff only the first-frame cases, native and guest; rtt
# only the round trips; scale only the scale group (bench-scale.sh), which the full bench runs
# too; zc the kernel frontend's copies: fe-alloc, be-alloc with and without zero copy;
# thru only the throughput ceiling and spare-core cases (bench-thru.sh)
BENCH_MAIN=1 BENCH_SCALE=0 BENCH_THRU=0 BENCH_FFPROF=0
case ${BENCH_CASES:-all} in
# ff alone: 15 captures a side, as the median of 5 moved by a vivid frame interval between runs
ff)	BENCH_TFE= BENCH_KFE= BENCH_KBE= BENCH_IDLE=0 BENCH_RTT= BENCH_FFPROF=1 BENCH_FF=15 ;;
rtt)	BENCH_TFE= BENCH_KFE= BENCH_KBE= BENCH_IDLE=0 BENCH_FF=0 ;;
zc)	BENCH_TFE= BENCH_KFE=${BENCH_KFE%%+*} BENCH_IDLE=1 BENCH_FF=0 BENCH_RTT= ;;
scale)	BENCH_MAIN=0 BENCH_SCALE=1 BENCH_IDLE=0 BENCH_RTT= ;;
thru)	BENCH_TFE= BENCH_KFE= BENCH_KBE= BENCH_IDLE=0 BENCH_FF=0 BENCH_RTT= BENCH_THRU=1 ;;
*)	BENCH_IDLE=1 BENCH_SCALE=1 BENCH_THRU=1 ;;
esac
export BOUT BENCH_FMT BENCH_N BENCH_TFE BENCH_KFE BENCH_KBE BENCH_FF BENCH_IDLE BENCH_RTT \
	BENCH_MAIN BENCH_SCALE BENCH_THRU BENCH_FFPROF
mkdir -p "$BOUT"

# bench_plan: the cases this run must produce (bench/aggregate.py fails on any without data)
bench_plan() {
	local c name mode be spin rate frames
	: >"$BOUT/dom0.rec"
	{
		if [ "$BENCH_IDLE" = 1 ]; then
			echo "idle-dom0 idle seconds=8"
			echo "native-25 native rate=25 frames=$BENCH_N"
			echo "native-40 native rate=40 frames=$((BENCH_N * 8 / 5))"
		fi
		[ "$BENCH_FF" -gt 0 ] && echo "ff-native ff runs=$BENCH_FF"
		[ -n "$BENCH_RTT" ] && bench_rtt_plan
		for c in $(echo "$BENCH_TFE" | tr '+' ' '); do
			IFS=: read -r name mode be spin <<<"$c"
			echo "$name tfe mode=$mode be_alloc=$be spin_us=$spin rate=25 frames=$BENCH_N"
		done
		[ "$BENCH_IDLE" = 1 ] && echo "idle-guest idle seconds=8"
		[ "$BENCH_FF" -gt 0 ] && echo "ff-guest ff runs=$BENCH_FF"
		for c in $(echo "$BENCH_KFE" | tr '+' ' '); do
			IFS=: read -r name rate frames <<<"$c"
			echo "$name kfe rate=$rate frames=$frames"
		done
		[ "$BENCH_THRU" = 1 ] && bench_thru_plan
		for c in $(echo "$BENCH_KBE" | tr '+' ' '); do
			IFS=: read -r name rate frames zc <<<"$c"
			echo "$name kfe rate=$rate frames=$frames be_alloc=1 zero_copy=$zc"
		done
	} >"$BOUT/cases.txt"
	cat "$BOUT/cases.txt"
}

# bench_snap CASE PHASE [extra words]: dom0's clock, its busy and total CPU ticks (all CPUs,
# from /proc/stat: user+nice+system+irq+softirq; total adds idle+iowait, not steal) and
# vcamd's utime+stime ticks.
bench_snap() {
	local up vc=- pid cam=
	read -r up _ </proc/uptime
	pid=$(cat /tmp/bench-vcamd.pid 2>/dev/null)
	if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; then
		vc=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
		# the camera as vcamd drives it (its rate shows whether the guest's S_PARM held)
		cam=$("$REPO/backend/vcamctl" status 2>/dev/null | grep '^camera ' | head -n 1 |
			sed 's/^camera //; s/\([^ =]*\)=/cam_\1=/g')
	fi
	awk -v c="$1" -v p="$2" -v up="$up" -v vc="$vc" -v x="${*:3}" -v cam="$cam" '/^cpu / {
		printf "%s %s up=%s busy=%d total=%d vcamd=%s %s %s\n", c, p, up,
			$2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8, vc, x, cam }' \
		/proc/stat >>"$BOUT/dom0.rec"
}

# bench_kids: BENCH_KIDS = children's CPU ticks of this shell (cutime + cstime: a capture run as
# our child, once reaped), with builtins only: no helper process of ours gets counted.
bench_kids() {
	local l
	read -r l <"/proc/$$/stat"
	set -- $l
	BENCH_KIDS=$((${16} + ${17}))
}

# vivid with a still picture, so every frame is identical, and the CRC of a native capture.
# With first-frame cases, a second vivid instance (/dev/video1) is the native side's camera:
# vcamd keeps video0's buffers between the guest's captures, and the two sides alternate.
bench_vivid() {
	if [ "$BENCH_MAIN" = 1 ] && [ "$BENCH_FF" -gt 0 ]; then
		dom0_vivid "0 1" n_devs=2 node_types=0x1,0x1 || return 1
	else
		dom0_vivid 0 n_devs=1 || return 1
	fi
	v4l2-ctl -d /dev/video0 -c horizontal_movement=3 -c vertical_movement=3 || return 1
	"$REPO/tests/testfe/vcam-capsum" -d /dev/video0 -F $BENCH_FMT -f 6 -s 2 \
		>"$BOUT/native.sum" || return 1
	cat "$BOUT/native.sum"
	[ "$(sed -n 's/.*crc32=\([0-9a-f]*\).*/\1/p' "$BOUT/native.sum" | sort -u | grep -c .)" = 1 ] ||
		{ echo "vivid frames are not identical"; return 1; }
	v4l2-ctl -d /dev/video0 --list-frameintervals=width=640,height=360,pixelformat=YUYV
}

# bench_idle_dom0: dom0's CPU while nothing is measured (no guest yet), subtracted from the
# native cases' dom0 CPU.
bench_idle_dom0() {
	bench_snap idle-dom0 begin
	sleep 8
	bench_snap idle-dom0 end
}

# bench_native CASE RATE FRAMES: the same capture program the guest runs, natively on vivid.
bench_native() {
	local c=$1 k0 k1 rc
	v4l2-ctl -d /dev/video0 --set-parm="$2" || return 1
	v4l2-ctl -d /dev/video0 --get-parm | tee "$BOUT/$c.parm"
	bench_kids
	k0=$BENCH_KIDS
	bench_snap "$c" begin "kids=$k0"
	"$REPO/tests/testfe/vcam-capsum" -d /dev/video0 -F $BENCH_FMT -f "$3" -n 4 \
		>"$BOUT/$c.out" 2>"$BOUT/$c.err"
	rc=$?
	bench_kids
	k1=$BENCH_KIDS
	bench_snap "$c" end "kids=$k1 rc=$rc frames_req=$3 rate=$2"
	tail -n 2 "$BOUT/$c.out"
	[ $rc -eq 0 ] || { cat "$BOUT/$c.err"; return 1; }
}

# bench_native_ff I: one native capture, timed from open to the first frame, on vivid's second
# instance; where it goes (vcam-capsum -T: microseconds per step) in ff-phases.txt, as the
# guest's.
bench_native_ff() {
	local i=$1 t0 t1
	t0=$(date +%s.%N)
	"$REPO/tests/testfe/vcam-capsum" -d /dev/video1 -F $BENCH_FMT -f 1 -n 4 -T \
		>"$BOUT/ff-native.$i.out" 2>"$BOUT/ff-native.$i.err" || return 1
	t1=$(date +%s.%N)
	echo "ff-native ff t0=$t0 t1=$t1" | tee -a "$BOUT/dom0.rec"
	grep '^capsum-phases ' "$BOUT/ff-native.$i.err" | sed 's/^capsum-phases/ff-native/' |
		tee -a "$BOUT/ff-phases.txt"
}

# bench_native_ffprof: one more under ftrace's function profiler (ffprof.txt)
bench_native_ffprof() {
	. "$REPO/tests/rig/domu/ffprof.sh"
	ffprof_start || return 1
	"$REPO/tests/testfe/vcam-capsum" -d /dev/video1 -F $BENCH_FMT -f 1 -n 4 -T \
		>"$BOUT/ff-native.prof.out" 2>"$BOUT/ff-native.prof.err" || return 1
	{
		sed -n 's/^capsum-phases/phases ff-native/p' "$BOUT/ff-native.prof.err"
		ffprof_dump "prof ff-native"
	} | tee -a "$BOUT/ffprof.txt"
}

# bench_ff DOMID: the first-frame captures, native and guest in turn: before each of its own
# the guest says BENCH-READY ff-I and waits for data/ff-go = I, which dom0 writes after its
# native capture I.  Run one block after the other, the two medians moved apart by up to 2×
# between runs of the same code (the machine's speed drifts under emulation); taken in turn,
# both sides see the same drift, and their ratio is what the runs can compare.
bench_ff() {
	local dom=$1 i go
	v4l2-ctl -d /dev/video1 --set-parm=25 || return 1
	for i in $(seq "$BENCH_FF") prof; do
		[ $i = prof ] && [ "$BENCH_FFPROF" != 1 ] && break
		bench_wait_mark "BENCH-READY ff-$i" 120 || return 1
		if [ $i = prof ]; then
			bench_native_ffprof || return 1
		else
			bench_native_ff "$i" || return 1
		fi
		go=/local/domain/$dom/data/ff-go
		xenstore-write "$go" "$i" || return 1
	done
}

bench_vcamd_start() {
	local args=
	# round trips (the rtt group's, the spare cores' rtt cases) time the transport, not pacing
	[ -n "$BENCH_RTT" ] || [ "$BENCH_THRU" = 1 ] && args=$RTT_VCAMD_ARGS
	dom0_vcamd_at "$BOUT/vcamd.log" /tmp/bench-vcamd.pid $args || return 1
	"$REPO/backend/vcamctl" status
}

bench_vcamd_stop() {
	local pid; pid=$(cat /tmp/bench-vcamd.pid)
	"$REPO/backend/vcamctl" status
	kill -TERM "$pid"
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && { echo "vcamd ignored SIGTERM"; kill -9 "$pid"; return 1; }
	tail -n 5 "$BOUT/vcamd.log"
	grep -q 'notice: stopped$' "$BOUT/vcamd.log"
}

# bench_stats_count DOMID: vcamd logs a device's counters when it disconnects
bench_stats_count() { grep -c "stats name=dom$1/vcam0 " "$BOUT/vcamd.log"; }

# bench_case_sync NAME DOMID KIND: snapshot when the guest announces case NAME (it then waits
# 3 s before starting) and once it reports the case done; record vcamd's device counters: the
# disconnect stats line for a vcam-testfe session, `vcamctl status` for the kernel frontend.
# bench_wait_mark TEXT TIMEOUT: the next BENCH-READY/DONE line from the guest console is TEXT.
# Lines come from a tail -F | grep pair started by bench_guest (inotify, no polling: a grep of
# the console every 0.2 s cost dom0 more CPU than vcamd's whole data path).
bench_wait_mark() {
	local line
	while read -r -t "$2" -u 3 line; do
		line=${line%$'\r'}
		[ "$line" = "$1" ] && return 0
		echo "unexpected guest marker '$line' while waiting for '$1'"
		return 1
	done
	echo "guest marker '$1' not seen within ${2}s"
	tail -n 30 "$(domu_console bench)"
	return 1
}

# bench_host_cfg DOM MODE BE-ALLOC SPIN-US: the host's configuration of the guest's camera for
# the next case.  vcamd takes it from the backend dir (the guest cannot choose it) at the next
# connect; the frontend dir's copy follows, as the toolstack writes both.
bench_host_cfg() {
	local be=/local/domain/0/backend/vcamera/$1/0 fe=/local/domain/$1/device/vcamera/0 d
	for d in "$be" "$fe"; do
		xenstore-write "$d/notify-mode" "$2" "$d/be-alloc" "$3" "$d/spin-us" "$4" || return 1
	done
}

bench_case_sync() {
	local c=$1 dom=$2 kind=$3 spec=$4 n0 i dev mode be spin
	bench_wait_mark "BENCH-READY $c" 120 || return 1
	# the guest waits (in its 3 s before the case) until the backend dir says this
	case $kind in
	tfe)	IFS=: read -r _ mode be spin <<-X
		$spec
		X
		bench_host_cfg "$dom" "$mode" "$be" "$spin" || return 1 ;;
	idle)	bench_host_cfg "$dom" event 0 50 || return 1 ;;
	# the kernel frontend reconnects in this case, to the host's be-alloc
	setup)	bench_host_cfg "$dom" event 1 50 || return 1 ;;
	esac
	n0=$(bench_stats_count "$dom")
	dev=$("$REPO/backend/vcamctl" status 2>/dev/null | grep "^device name=dom$dom/vcam0 ")
	bench_snap "$c" begin "$dev"
	bench_wait_mark "BENCH-DONE $c" 120 || return 1
	dev=$("$REPO/backend/vcamctl" status 2>/dev/null | grep "^device name=dom$dom/vcam0 ")
	bench_snap "$c" end "$dev"
	[ "$kind" = tfe ] || return 0
	for i in $(seq 50); do
		[ "$(bench_stats_count "$dom")" -gt "$n0" ] && break
		sleep 0.1
	done
	grep "stats name=dom$dom/vcam0 " "$BOUT/vcamd.log" | tail -n 1 | sed "s/.*stats /$c bestats /" |
		tee -a "$BOUT/dom0.rec"
}

bench_guest() {
	local cfg dom c rc=0 thru= fmts="YUYV:640x360@25/1;40/1"
	if [ "$BENCH_THRU" = 1 ]; then
		thru="bench.thrufmt=$THRU_FMT bench.thrurate=$THRU_RATE bench.thrun=$THRU_N bench.thrumem=$THRU_MEMCPY_N bench.thrutfe=$THRU_TFE bench.spare=$SPARE_MODES bench.spareplaces=$SPARE_PLACES bench.sparen=$SPARE_RTT_N"
		fmts="$fmts|YUYV:${THRU_FMT%%:*}@$THRU_RATE/1"
	fi
	cfg=$(DOMU_ARGS="bench.fmt=$BENCH_FMT bench.n=$BENCH_N bench.tfe=$BENCH_TFE bench.kfe=$BENCH_KFE bench.kbe=$BENCH_KBE bench.ff=$BENCH_FF bench.idle=$BENCH_IDLE bench.rtt=$BENCH_RTT bench.rttn=$BENCH_RTT_N bench.ffprof=$BENCH_FFPROF $thru" \
		domu_cfg bench bench) || return 1
	$XL create -p "$cfg" || return 1
	dom=$($XL domid bench) || return 1
	rm -f /tmp/bench-con.fifo /tmp/bench-marks
	mkfifo /tmp/bench-con.fifo /tmp/bench-marks || return 1
	tail -n +1 -F "$(domu_console bench)" >/tmp/bench-con.fifo 2>/dev/null &
	local tpid=$!
	grep -a --line-buffered -o 'BENCH-\(READY\|DONE\) [^ ]*' </tmp/bench-con.fifo \
		>/tmp/bench-marks &
	local gpid=$!
	exec 3</tmp/bench-marks
	"$REPO/xenstore-scripts/bin/vcam-attach" "$dom" \
		"unique-id=video0, formats=$fmts, max-buffers=8, notify-mode=event, be-alloc=0, controls=brightness" ||
		{ $XL destroy bench; return 1; }
	# ff only: every request of the guest, with the time vcamd took for it (where the first
	# frame's time goes); not while streaming cases run, whose vcamd CPU it would inflate
	local trpid=
	if [ "$BENCH_IDLE" = 0 ]; then
		"$REPO/backend/vcamctl" trace "dom$dom/vcam0" >"$BOUT/trace.log" 2>&1 &
		trpid=$!
	fi
	# answers the guest's clock-skew exchange at its end (BENCH-SKEW)
	"$REPO/tests/testfe/vcam-skew" serve "$dom" >"$BOUT/skew-serve.log" 2>&1 &
	local spid=$!
	$XL unpause bench || return 1
	for c in $(echo "$BENCH_TFE" | tr '+' ' '); do
		bench_case_sync "${c%%:*}" "$dom" tfe "$c" || { rc=1; break; }
	done
	[ $rc = 0 ] && [ -n "$BENCH_RTT" ] && { bench_rtt_guest "$dom" || rc=1; }
	[ $rc = 0 ] && [ "$BENCH_THRU" = 1 ] && { bench_thru_guest "$dom" || rc=1; }
	[ $rc = 0 ] && [ "$BENCH_IDLE" = 1 ] && { bench_case_sync idle-guest "$dom" idle || rc=1; }
	[ $rc = 0 ] && [ "$BENCH_FF" -gt 0 ] && { bench_ff "$dom" || rc=1; }
	if [ $rc = 0 ]; then
		for c in $(echo "$BENCH_KFE" | tr '+' ' '); do
			bench_case_sync "${c%%:*}" "$dom" kfe || { rc=1; break; }
		done
		[ $rc = 0 ] && [ "$BENCH_THRU" = 1 ] && { bench_case_sync thru-kfe "$dom" kfe || rc=1; }
	fi
	if [ $rc = 0 ] && [ -n "$BENCH_KBE" ]; then
		bench_case_sync kbe-setup "$dom" setup || rc=1
		for c in $(echo "$BENCH_KBE" | tr '+' ' '); do
			[ $rc = 0 ] || break
			bench_case_sync "${c%%:*}" "$dom" kfe || rc=1
		done
	fi
	domu_wait_end bench 120 || rc=1
	exec 3<&-
	kill "$tpid" "$gpid" "$spid" $trpid 2>/dev/null
	cp "$(domu_console bench)" "$BOUT/guest.console"
	sed -n 's/.*BENCH-FFPH \(.*\)/\1/p' "$BOUT/guest.console" | tr -d '\r' >>"$BOUT/ff-phases.txt"
	sed -n -e 's/.*BENCH-FFPROF-PH \(.*\)/phases \1/p' -e 's/.*BENCH-FFPROF \(.*\)/prof \1/p' \
		"$BOUT/guest.console" | tr -d '\r' >>"$BOUT/ffprof.txt"
	grep -c '^BENCH-' "$BOUT/guest.console"
	return $rc
}

export -f bench_plan bench_idle_dom0 bench_snap bench_kids bench_vivid bench_native bench_native_ff bench_native_ffprof bench_ff bench_vcamd_start bench_host_cfg \
	bench_vcamd_stop bench_stats_count bench_wait_mark bench_case_sync bench_guest
