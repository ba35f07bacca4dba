# Guest side of the bench scenario (bench/rig/bench-dom0.sh).  For each case: announce it
# (BENCH-READY; dom0 snapshots its CPU), wait 3 s, snapshot our own clock and CPU, run it,
# snapshot again, print its output and both snapshots, then BENCH-DONE (dom0 snapshots again).
# Cases come from the command line: bench.tfe=NAME:MODE:BE_ALLOC:SPIN_US+... (vcam-testfe),
# bench.kfe=NAME:RATE:FRAMES+... (vcam-capsum on the kernel frontend's /dev/video0),
# bench.kbe=NAME:RATE:FRAMES:ZERO_COPY+... (the same after reconnecting to the host's be-alloc,
# with the module's zero_copy as given).
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
fmt=$(arg bench.fmt) n=$(arg bench.n) tfe=$(arg bench.tfe) kfe=$(arg bench.kfe) kbe=$(arg bench.kbe) ff=$(arg bench.ff) idle=$(arg bench.idle)
rtt=$(arg bench.rtt) rttn=$(arg bench.rttn)
[ -n "$fmt" ] && [ -n "$n" ] || { echo "bench: no bench.fmt/bench.n on the command line"; exit 1; }

# snap: clock (s), busy and total CPU ticks (as dom0's), our children's CPU ticks (cutime +
# cstime: the case's program once reaped).  Shell builtins only: a helper process started under
# emulation costs enough CPU to blur the children's ticks.
snap() {
	local l
	read -r l </proc/uptime
	set -- $l
	SNAP="up=$1"
	read -r l </proc/$$/stat
	set -- $l
	SNAP="$SNAP kids=$((${16} + ${17}))"
	read -r l </proc/stat
	set -- $l
	SNAP="$SNAP busy=$(($2 + $3 + $4 + $7 + $8)) total=$(($2 + $3 + $4 + $5 + $6 + $7 + $8))"
}

fe_stats() {
	local d=/sys/bus/xen/devices/vcamera-0/stats f line=
	for f in "$d"/*; do line="$line $(basename "$f")=$(cat "$f")"; done
	echo "$line"
}

bedir=$(xenstore-read device/vcamera/0/backend)
fail=0
# run_case NAME KIND CMD...
run_case() {
	c=$1 kind=$2
	shift 2
	echo "BENCH-READY $c"
	sleep 3
	# dom0 sets the host's configuration for the case (the guest cannot): wait until it has
	if [ -n "$want" ]; then
		local i=0
		while [ "$(xenstore-read "$bedir/notify-mode"):$(xenstore-read "$bedir/be-alloc")" != "$want" ] &&
			[ $i -lt 300 ]; do
			sleep 0.1; i=$((i + 1))
		done
		echo "bench: $c with the host's $(xenstore-read "$bedir/notify-mode"), be-alloc $(xenstore-read "$bedir/be-alloc")"
	fi
	[ "$kind" = kfe ] && fe0=$(fe_stats)
	snap
	b=$SNAP
	"$@" >/tmp/out 2>/tmp/err
	rc=$?
	snap
	e=$SNAP
	[ "$kind" = kfe ] && fe1=$(fe_stats)
	# dom0 snapshots on this line: stay quiet until it has (console output costs dom0 CPU)
	echo "BENCH-DONE $c"
	sleep 3
	[ "$kind" = kfe ] && echo "BENCH-FE $c begin $fe0" && echo "BENCH-FE $c end $fe1"
	sed "s/^/BENCH-OUT $c /" /tmp/out
	head -n 20 /tmp/err | sed "s/^/BENCH-ERR $c /"
	echo "BENCH-SNAP $c begin $b"
	echo "BENCH-SNAP $c end $e rc=$rc"
	[ $rc -eq 0 ] || fail=1
}

for c in $(echo "$tfe" | tr '+' ' '); do
	IFS=: read -r name mode be spin <<-X
	$c
	X
	want="$mode:$be"
	run_case "$name" tfe vcam-testfe -n 4 -f "$n" -F "$fmt" -r 25 -t 5000 stream
done

# request round trips per mode and their floors (bench.rtt=MODE:SPIN_US+...)
[ -n "$rtt" ] && . /tests/bench-rtt.sh
# throughput ceiling and spare cores (bench.thrufmt=... bench.spare=...), vcam-testfe's part
thru=$(arg bench.thrufmt)
[ -n "$thru" ] && . /tests/bench-thru.sh

# the baseline: what this guest and dom0 (polling our console) cost while no case runs; dom0
# puts the host's configuration back to event, fe-alloc for the kernel frontend meanwhile
if [ "${idle:-1}" = 1 ]; then
	want=event:0
	run_case idle-guest idle sleep 8
fi
want=
# vcam-testfe left the frontend dir Closed; xenbus probes a driver only for a device in
# Initialising, as a toolstack leaves it, so say so before loading the kernel frontend.
xenstore-write device/vcamera/0/state 1 || exit 1
sleep 1
echo "bench: backend state $(xenstore-read "$(xenstore-read device/vcamera/0/backend)/state")"
insmod /lib/vcam/xen-vcamfront.ko || exit 1
for i in $(seq 300); do [ -e /dev/video0 ] && break; sleep 0.1; done
[ -e /dev/video0 ] || { echo "bench: no /dev/video0"; dmesg | tail -n 20; exit 1; }

# ff_turn I: dom0 captures natively first (bench_ff): say so, then wait for its go
ff_turn() {
	local k=0
	echo "BENCH-READY ff-$1"
	sleep 0.5
	until [ "$(xenstore-read data/ff-go 2>/dev/null)" = "$1" ]; do
		k=$((k + 1))
		[ $k -lt 600 ] || { echo "bench: no go for ff-$1 from dom0"; fail=1; return 1; }
		sleep 0.2
	done
}

# first frame: open, set format, buffers, STREAMON, first frame, close (10 ms clock)
v4l2-ctl -d /dev/video0 --set-parm=25 || fail=1
for i in $(seq "${ff:-0}"); do
	ff_turn "$i" || break
	t0=$(cut -d' ' -f1 /proc/uptime)
	vcam-capsum -d /dev/video0 -F "$fmt" -f 1 -n 4 -T >/tmp/ff.out 2>/tmp/ff.err || fail=1
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "BENCH-FF ff-guest t0=$t0 t1=$t1 $(grep "^frame " /tmp/ff.out)"
	sed -n 's/^capsum-phases/BENCH-FFPH ff-guest/p' /tmp/ff.err
	sleep 0.5
done
# one more under ftrace's function profiler (bench.ffprof=1): where the kernel's time goes
if [ "$(arg bench.ffprof)" = 1 ] && [ "${ff:-0}" -gt 0 ]; then
	. /tests/ffprof.sh
	if ff_turn prof && ffprof_start; then
		vcam-capsum -d /dev/video0 -F "$fmt" -f 1 -n 4 -T >/tmp/ff.out 2>/tmp/ff.err || fail=1
		sed -n 's/^capsum-phases/BENCH-FFPROF-PH ff-guest/p' /tmp/ff.err
		ffprof_dump "BENCH-FFPROF ff-guest"
	fi
fi

for c in $(echo "$kfe" | tr '+' ' '); do
	IFS=: read -r name rate frames <<-X
	$c
	X
	v4l2-ctl -d /dev/video0 --set-parm="$rate" || fail=1
	v4l2-ctl -d /dev/video0 --get-parm | sed "s/^/BENCH-PARM $name /"
	run_case "$name" kfe vcam-capsum -d /dev/video0 -F "$fmt" -f "$frames" -n 4
done
# the kernel frontend at vivid's fastest mode: the format first, as vivid keeps a frame
# interval only as far as the frame size allows it
if [ -n "$thru" ]; then
	v4l2-ctl -d /dev/video0 --set-fmt-video="width=${wh%x*},height=${wh#*x},pixelformat=${thrufmt#*:}" ||
		fail=1
	v4l2-ctl -d /dev/video0 --set-parm="$thrurate" || fail=1
	v4l2-ctl -d /dev/video0 --get-parm | sed "s/^/BENCH-PARM thru-kfe /"
	run_case thru-kfe kfe vcam-capsum -d /dev/video0 -F "$thrufmt" -f "$thrun" -n 4
fi
# be-alloc: the host switches the camera to its own pages (it decides, not us), the module
# reconnects, and the same capture runs with and without zero copy
reconnect() {
	echo vcamera-0 >/sys/bus/xen/drivers/vcamera/unbind
	rmmod xen_vcamfront || return 1
	xenstore-write device/vcamera/0/state 1 || return 1
	sleep 1
	insmod /lib/vcam/xen-vcamfront.ko || return 1
	for i in $(seq 300); do [ -e /dev/video0 ] && break; sleep 0.1; done
	[ -e /dev/video0 ] && [ "$(xenstore-read device/vcamera/0/be-alloc)" = 1 ]
}
if [ -n "$kbe" ]; then
	want=event:1
	run_case kbe-setup setup reconnect
	want=
	for c in $(echo "$kbe" | tr '+' ' '); do
		IFS=: read -r name rate frames zc <<-X
		$c
		X
		echo "$zc" >/sys/module/xen_vcamfront/parameters/zero_copy || fail=1
		# the format first: thru-kfe left a smaller one, whose rate 640x360 cannot keep
		wh=${fmt%%:*}
		v4l2-ctl -d /dev/video0 --set-fmt-video="width=${wh%x*},height=${wh#*x},pixelformat=${fmt#*:}" ||
			fail=1
		v4l2-ctl -d /dev/video0 --set-parm="$rate" || fail=1
		run_case "$name" kfe vcam-capsum -d /dev/video0 -F "$fmt" -f "$frames" -n 4
	done
fi
# every guest latency above compares our clock with dom0's: their skew, same run (dom0 answers
# with vcam-skew serve); aggregate.py refuses guest latencies without it
vcam-skew ping -n 20 2>&1 | sed 's/^/BENCH-SKEW /'
exit $fail
