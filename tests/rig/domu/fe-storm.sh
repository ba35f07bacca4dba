# Guest side of the event-storm step (vcam-fakebe --storm): while a capture runs, the backend
# notifies both event channels as fast as it can, with nothing behind the notifications
# ("empty") or keeping the event page full of valid CTRL_CHANGE events ("valid").
#
# What counts is how much of the guest's CPU a storm takes.  The guest times a shell loop of
# fixed work ("cpu", no fork inside) and reads, around it, how the guest's busy ticks split
# between user mode (the loop) and the kernel (the storm's interrupts and work): the loop's
# share is what the storm left to the guest's tasks.  Wall-clock time is no
# measure here: the machine is an emulator on a shared host whose load drifts a lot within
# seconds, and a storm loads dom0 and the emulator too, whatever the guest does about it.
# The guest also times 50 sleeps of 20 ms ("sleep": wake-up latency), which only wall-clock
# time can show; for that each storm run is paired with a control run right before it, in
# which the backend sends as many notifications to a loopback channel of its own ("busy": the
# same load outside the guest, nothing for the guest), and the median of the pairs' ratios
# counts.
#
# Pass: under the empty storm the loop keeps at least 100/STORM_BOUND_PCT of the share it had
# in the control runs and the sleep loop's median ratio is within STORM_BOUND_PCT; under the
# valid storm the same with VALID_BOUND_PCT (valid events are work the guest must do, at
# normal priority: with one vCPU a fair share is half of it); frames keep coming; no error;
# capture works afterwards; the module unloads.  The dom0 side checks the console for oopses
# and WARNINGs.
STORM_BOUND_PCT=150
VALID_BOUND_PCT=200
dev=/dev/video0
st=/sys/bus/xen/devices/vcamera-0/stats
fe=device/vcamera/0
FAILED=0

# a counter of the device (0 if the module has no such counter)
cnt() { cat "$st/$1" 2>/dev/null || echo 0; }
# cnt_to VAR NAME: the same into VAR with the shell's own read: $(cnt) forks, and each fork
# costs a TCG guest tens of milliseconds, more under a storm (six per run, between the runs)
cnt_to() { local v=; { read -r v <"$st/$2"; } 2>/dev/null; eval "$1=\${v:-0}"; }
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
# centiseconds since boot (/proc/uptime has two decimals); busybox date has no %N
now_cs() { local u; read -r u _ </proc/uptime; echo "${u%.*}${u#*.}"; }
spin() { local i=0; while [ $i -lt "$1" ]; do i=$((i + 1)); done; }
# The guest's CPU ticks since boot (/proc/stat, sampled by the same tick, steal and idle left
# out): USR in user mode (the loop: shell arithmetic makes no system calls), SYS in the kernel
# (the notification work, interrupts).  Not /proc/self/stat: a task's own time here includes
# what Xen stole from the vCPU, which /proc/stat counts apart, so the two do not add up.
cpu_ticks() { local c u n s i w q sq; read -r c u n s i w q sq _ </proc/stat; USR=$((u + n)); SYS=$((s + q + sq)); }
# time_cpu: "centiseconds user-ticks kernel-ticks" for shell arithmetic in rounds of 500 until
# the guest has been busy for RUN_TICKS ticks (a fixed amount of the guest's own CPU time, so
# every run has the same resolution however much of the host the guest gets), or for 15 s
# (a storm phase lasts 30 s at most).  No fork inside: the clock is read by the shell itself.
RUN_TICKS=60
time_cpu() {
	local t0 u0 s0 up
	cpu_ticks; u0=$USR; s0=$SYS; t0=$(now_cs); up=$t0
	while [ $((USR - u0 + SYS - s0)) -lt $RUN_TICKS ] && [ $((up - t0)) -lt 1500 ]; do
		spin 500
		cpu_ticks
		read -r up _ </proc/uptime
		up=${up%.*}${up#*.}
	done
	echo "$((up - t0)) $((USR - u0)) $((SYS - s0))"
}
# time_sleep: centiseconds for 50 sleeps of 20 ms (read's timeout on a silent fifo: no fork)
time_sleep() {
	local t0 i=0 x
	t0=$(now_cs)
	while [ $i -lt 50 ]; do read -r -t 0.02 x <&3; i=$((i + 1)); done
	echo $(($(now_cs) - t0))
}
fail() { echo "VCAMFE storm FAIL: $*"; FAILED=1; }

# storm KIND: ask the backend for KIND and wait until it is in force
storm() {
	local i=0
	xenstore-write $fe/vcam-fakebe-storm "$1" || return 1
	while [ $i -lt 100 ]; do
		[ "$(xenstore-read "$be/fakebe-storm" 2>/dev/null)" = "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "backend never switched to storm $1"
	return 1
}

# run KIND: one timed run under KIND; sets C (cpu loop cs), L (the loop's share of the guest's
# busy time, %), S (sleep cs), F (frames), R (notifications received), P (spurious EOIs),
# T (cs the run took).  storm() returns once the backend says KIND is in force; the pause
# after it lets the switch settle: a storm's effects on the guest come and go within
# milliseconds (its interrupts, a full event page to drain).  The late-EOI back-off of a
# channel that sees only spurious events takes up to a second to reach its 1 s cap, but that
# is about ten interrupts, against the ~500 a second a storm brings.
run() {
	local f0 r0 p0 t0 usr sys f1 r1 p1
	storm "$1" || return 1
	sleep 0.3
	cnt_to f0 frames; cnt_to r0 notify_recv; cnt_to p0 notify_spurious; t0=$(now_cs)
	# shellcheck disable=SC2046 # three numbers
	set -- "$1" $(time_cpu)
	C=$2; usr=$3; sys=$4
	[ $((usr + sys)) -gt 0 ] || usr=1
	L=$((usr * 100 / (usr + sys)))
	S=$(time_sleep)
	T=$(($(now_cs) - t0))
	cnt_to f1 frames; cnt_to r1 notify_recv; cnt_to p1 notify_spurious
	F=$((f1 - f0)); R=$((r1 - r0)); P=$((p1 - p0))
	echo "VCAMFE storm run $1: cpu ${C}0 ms (ticks: $usr user, $sys kernel: $L% user), sleep ${S}0 ms; in ${T}0 ms: $F frames, $R notifications received, $P EOIs spurious"
	# the backend ends a phase by itself after 30 s: this run would not be one under KIND
	[ "$(xenstore-read "$be/fakebe-storm")" = "$1" ] || fail "storm $1 ended before the run did"
}

# median N...: the middle one of an odd number of numbers
median() { local m=$((($# + 1) / 2)); printf '%s\n' "$@" | sort -n | sed -n "${m}p"; }

# compare KIND ROUNDS BOUND: ROUNDS (odd) pairs of runs, control then KIND.  The cpu figure
# per pair is the control's share over the storm's (100: the storm took nothing from the loop).
compare() {
	local kind=$1 rounds=$2 bound=$3 r=0 bl bs rc= rs= mc ms kf=0 kt=0 kr=0 kp=0
	while [ $r -lt "$rounds" ]; do
		run busy || return 1
		bl=$L; bs=$S
		[ "$bs" -gt 0 ] || bs=1
		run "$kind" || return 1
		[ "$L" -gt 0 ] || L=1
		rc="$rc $((bl * 100 / L))"; rs="$rs $((S * 100 / bs))"
		kf=$((kf + F)); kt=$((kt + T)); kr=$((kr + R)); kp=$((kp + P))
		r=$((r + 1))
	done
	# shellcheck disable=SC2086 # word splitting of the lists is the point
	mc=$(median $rc); ms=$(median $rs)
	echo "VCAMFE storm $kind: control's cpu share over the storm's, per pair:$rc; median $mc% (bound $bound%)"
	echo "VCAMFE storm $kind: sleep loop % of control per pair:$rs; median $ms% (bound $bound%)"
	echo "VCAMFE storm $kind: in ${kt}0 ms of storm $kf frames, $kr notifications received, $kp EOIs spurious"
	[ "$mc" -le "$bound" ] || fail "$kind: the storm took more than $((100 - 10000 / bound))% of the guest's CPU"
	[ "$ms" -le "$bound" ] || fail "$kind: sleep loop slowed beyond $bound% of control"
	# 30 fps: at least a third of the frames the storm runs should have had
	[ "$kf" -ge $((kt * 30 / 100 / 3)) ] || fail "$kind: frames starved ($kf in ${kt}0 ms)"
}

rm -f /tmp/silent && mkfifo /tmp/silent && exec 3<>/tmp/silent || exit 1
insmod /lib/vcam/xen-vcamfront.ko || exit 1
i=0; while [ ! -e $dev ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -e $dev ] || { echo "VCAMFE no $dev"; exit 1; }
be=$(xenstore-read $fe/backend) || exit 1
# fego=1 (scenario fe-robust): this guest booted while other guests were tested; nothing runs
# until dom0's go, given once they are gone.  A watch, not a poll (see tests/rig/README.md).
if [ "$(arg fego)" = 1 ]; then
	echo "VCAMFE storm waiting for dom0's go"
	until xenstore-read data/vcam-go >/dev/null 2>&1; do
		timeout 5 xenstore-watch -n 2 data/vcam-go >/dev/null 2>&1
	done
fi

# A capture runs through the whole test (30 fps; stopped at the end).
v4l2-ctl -d $dev --stream-mmap=4 --stream-count=1000000 --stream-to=/dev/null 2>/dev/null &
cap=$!
i=0; while [ "$(cnt frames)" -lt 10 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cnt frames)" -ge 10 ] || { echo "VCAMFE capture did not start"; kill $cap; exit 1; }

compare empty 3 $STORM_BOUND_PCT
compare valid 3 $VALID_BOUND_PCT
storm off
echo "VCAMFE storm totals: notify_recv $(cnt notify_recv) notify_spurious $(cnt notify_spurious) frames $(cnt frames) errors $(cnt errors) state $(cat $st/state)"

kill $cap
wait $cap
[ "$(cat $st/state)" = idle ] || fail "device state $(cat $st/state) after the storms"
[ "$(cnt errors)" = 0 ] || fail "$(cnt errors) errors"
# the device still works
timeout 60 v4l2-ctl -d $dev --stream-mmap=4 --stream-count=30 --stream-to=/dev/null ||
	fail "capture after the storms"
echo "VCAMFE capture after the storms: frames $(cnt frames) state $(cat $st/state)"
echo vcamera-0 > /sys/bus/xen/drivers/vcamera/unbind
rmmod xen_vcamfront || fail "rmmod"
echo "VCAMFE unloaded"
[ $FAILED = 0 ]
