# Request round trips per notification mode and their floors (issue 12 part 2), sourced by
# bench-dom0.sh.  Cases, all `rtt` in cases.txt (bench/rtt.py turns them into rtt.csv):
#   rtt-MODE-xen     vcam-testfe rtt in the guest against vcamd over Xen (console BENCH-OUT)
#   rtt-MODE-loop    vcam-testfe rtt in dom0 against a vcamd serving the loopback transport
#   floor-evtchn     vcam-evping: raw event channel guest <-> dom0 (console)
#   floor-cacheline-dom0/-guest, floor-eventfd-dom0/-guest   vcam-pingpong in each domain
# dom0's own results go to $BOUT/rtt.rec, one 'CASE <the tool's line>' each.
# BENCH_RTT: MODE:SPIN_US+...; BENCH_RTT_N: round trips per case (after the tools' warm-up).
BENCH_RTT=event:50+spin:50+hybrid:50
BENCH_RTT_N=1000
RTT_SOCK=/tmp/vcam-rtt/loop.sock
# vcamd paces a device's requests (1000/s, bursts of 64, 25 % of a CPU by default): back to back
# round trips would time that pacing, not the transport.  Both vcamds of a run with rtt cases
# serve uncapped (streaming cases send a request or two per frame, far below the caps).
RTT_VCAMD_ARGS="--max-req-rate=0 --max-req-cpu=0"
export BENCH_RTT BENCH_RTT_N RTT_SOCK RTT_VCAMD_ARGS

# bench_rtt_plan: the plan's rtt lines
bench_rtt_plan() {
	local c mode spin
	for c in $(echo "$BENCH_RTT" | tr '+' ' '); do
		IFS=: read -r mode spin <<<"$c"
		echo "rtt-$mode-xen rtt mode=$mode spin_us=$spin where=guest-dom0 n=$BENCH_RTT_N"
		echo "rtt-$mode-loop rtt mode=$mode spin_us=$spin where=loopback n=$BENCH_RTT_N"
	done
	echo "floor-evtchn rtt floor=evtchn where=guest-dom0 n=$BENCH_RTT_N"
	echo "floor-cacheline-dom0 rtt floor=cacheline where=dom0 n=$BENCH_RTT_N"
	echo "floor-eventfd-dom0 rtt floor=eventfd where=dom0 n=$BENCH_RTT_N"
	echo "floor-cacheline-guest rtt floor=cacheline where=guest n=$BENCH_RTT_N"
	echo "floor-eventfd-guest rtt floor=eventfd where=guest n=$BENCH_RTT_N"
}

# bench_rtt_rec CASE CMD...: run a dom0 measurement, its result line into rtt.rec
bench_rtt_rec() {
	local c=$1 out
	shift
	out=$("$@" 2>"$BOUT/$c.err") || { echo "$c failed:"; cat "$BOUT/$c.err"; return 1; }
	echo "$out" | grep -E '^(rtt|pingpong) ' | tail -n 1 | sed "s/^/$c /" | tee -a "$BOUT/rtt.rec"
}

# bench_rtt_native: dom0 alone (before the Xen vcamd starts; vivid is set up): the round trip
# over the loopback transport, vcamd as a separate process serving it with vivid as its camera,
# and the two in-domain floors.
bench_rtt_native() {
	local c mode spin pid rc=0
	mkdir -p "$(dirname "$RTT_SOCK")"
	rm -f "$RTT_SOCK"
	dom0_vcamd_at "$BOUT/vcamd-loop.log" /tmp/bench-vcamd-loop.pid $RTT_VCAMD_ARGS \
		-L "$RTT_SOCK" -S "$(dirname "$RTT_SOCK")/status.sock" ||
		{ kill "$(cat /tmp/bench-vcamd-loop.pid)" 2>/dev/null; return 1; }
	pid=$(cat /tmp/bench-vcamd-loop.pid)
	for c in $(echo "$BENCH_RTT" | tr '+' ' '); do
		IFS=: read -r mode spin <<<"$c"
		bench_rtt_rec "rtt-$mode-loop" timeout 120 "$REPO/tests/testfe/vcam-testfe" -L "$RTT_SOCK" \
			-m "$mode" --spin-us "$spin" -b 1 -n 2 -F "$BENCH_FMT" -r 25 \
			-c "$BENCH_RTT_N" rtt || { rc=1; break; }
	done
	kill -TERM $pid
	wait $pid || { echo "loopback vcamd did not stop cleanly"; rc=1; }
	[ $rc = 0 ] || return 1
	bench_rtt_rec floor-cacheline-dom0 timeout 60 "$REPO/bench/vcam-pingpong" cacheline \
		-n "$BENCH_RTT_N" || return 1
	bench_rtt_rec floor-eventfd-dom0 timeout 60 "$REPO/bench/vcam-pingpong" eventfd \
		-n "$BENCH_RTT_N"
}

# bench_rtt_guest DOMID: follow the guest through its rtt cases (tests/rig/domu/bench-rtt.sh,
# same order): the host's mode for each vcam-testfe case, the dom0 half of the event-channel
# ping-pong, nothing but the markers for the guest's own floors.
bench_rtt_guest() {
	local dom=$1 c mode spin pid rc=0
	for c in $(echo "$BENCH_RTT" | tr '+' ' '); do
		IFS=: read -r mode spin <<<"$c"
		bench_wait_mark "BENCH-READY rtt-$mode-xen" 120 || return 1
		bench_host_cfg "$dom" "$mode" 1 "$spin" || return 1
		bench_wait_mark "BENCH-DONE rtt-$mode-xen" 120 || return 1
	done
	bench_wait_mark "BENCH-READY floor-evtchn" 120 || return 1
	"$REPO/bench/vcam-evping" serve "$dom" >"$BOUT/evping-serve.log" 2>&1 &
	pid=$!
	bench_wait_mark "BENCH-DONE floor-evtchn" 120 || rc=1
	kill -TERM $pid
	wait $pid || { echo "vcam-evping serve failed:"; cat "$BOUT/evping-serve.log"; rc=1; }
	for c in floor-cacheline-guest floor-eventfd-guest; do
		bench_wait_mark "BENCH-READY $c" 120 || return 1
		bench_wait_mark "BENCH-DONE $c" 120 || return 1
	done
	return $rc
}

export -f bench_rtt_plan bench_rtt_rec bench_rtt_native bench_rtt_guest
