#!/bin/bash
# Helpers for rig scenarios, sourced in dom0.  A scenario is a bash file under
# tests/rig/scenarios/ made of `step` calls; see tests/rig/README.md.
XL=/usr/lib/xen-4.17/bin/xl
export XL
RIG_FAILED=${RIG_FAILED:-0}
: "${SCEN:=adhoc}"

now() { date +%s.%N; }

# record RESULT SCENARIO STEP SECONDS
record() {
	printf '%-4s %-14s %-28s %7.1fs\n' "$1" "$2" "$3" "$4" | tee -a "$OUT/steps.log"
}

# run_bounded NAME TIMEOUT CMD [ARGS...]: run CMD bounded by TIMEOUT seconds with its output in
# $OUT/logs/SCEN.NAME.log; sets STEP_RC, STEP_SECS and STEP_LOG for the caller to judge.
# CMD may be a shell function if the scenario exported it (export -f).
run_bounded() {
	local name=$1 t=$2 start
	shift 2
	STEP_LOG="$OUT/logs/$SCEN.$name.log"
	start=$(now)
	timeout -k 5 "$t" bash -c '"$@"' _ "$@" >"$STEP_LOG" 2>&1
	STEP_RC=$?
	STEP_SECS=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
	[ $STEP_RC -ge 124 ] && echo "(timed out after ${t}s)" >>"$STEP_LOG"
}

# step NAME TIMEOUT CMD [ARGS...]: a bounded step that must succeed; PASS/FAIL with its wall time,
# the log tail printed on failure.
step() {
	local name=$1
	run_bounded "$@"
	if [ $STEP_RC -eq 0 ]; then
		record PASS "$SCEN" "$name" "$STEP_SECS"
	else
		record FAIL "$SCEN" "$name" "$STEP_SECS"
		echo "---- tail of $STEP_LOG (rc=$STEP_RC)"; tail -n 25 "$STEP_LOG"; echo "----"
		RIG_FAILED=1
	fi
	return $STEP_RC
}

# expect_fail NAME TIMEOUT CMD...: a step that must fail (proves a check can catch what it checks).
expect_fail() {
	local name=$1
	run_bounded "$@"
	if [ $STEP_RC -ne 0 ]; then
		record PASS "$SCEN" "$name (failed as expected)" "$STEP_SECS"
	else
		record FAIL "$SCEN" "$name (should have failed)" "$STEP_SECS"
		RIG_FAILED=1
	fi
}

scenario_end() { [ "$RIG_FAILED" = 0 ]; }

DOMU_INITRD=${DOMU_INITRD:-$OUT/domu-initrd.gz}
# The ELF kernel run-rig extracted from the bzImage, read through the host's root (which dom0
# caches, unlike the results share); the bzImage when there is none.
if [ -z "${DOMU_KERNEL:-}" ]; then
	DOMU_KERNEL=$(readlink "$OUT/domu-vmlinux" 2>/dev/null)
	[ -n "$DOMU_KERNEL" ] && [ -f "$DOMU_KERNEL" ] || DOMU_KERNEL=/boot/vmlinuz-$KVER
fi

# domu_cfg NAME TEST [CFG-LINE...]: write a PV domU config that boots the rig's guest ramdisk and
# runs tests/rig/domu/TEST.sh; extra lines (e.g. a vcam = [...] line) are appended verbatim.
domu_cfg() {
	local name=$1 test=$2 cfg="$OUT/cfg/$1.cfg"
	shift 2
	{
		echo "name = \"$name\""
		echo 'type = "pv"'
		echo "kernel = \"$DOMU_KERNEL\""
		echo "ramdisk = \"$DOMU_INITRD\""
		echo 'memory = 256'
		echo 'vcpus = 1'
		echo "extra = \"console=hvc0 quiet vcamtest=$test ${DOMU_ARGS:-}\""
		echo 'on_poweroff = "destroy"'
		echo 'on_crash = "destroy"'
		local l
		for l in "$@"; do echo "$l"; done
	} >"$cfg"
	echo "$cfg"
}

domu_console() { echo "$OUT/consoles/guest-$1.log"; }

# domu_wait_end NAME TIMEOUT: wait for the domain to power itself off, then require the guest's
# test script to have printed VCAMTEST-PASS and no kernel oops/WARN.
domu_wait_end() {
	local name=$1 t=$2 con
	con=$(domu_console "$name")
	local end=$((SECONDS + t)) id
	# Not `xl domid` in a loop while the guest runs: each call builds a libxl context, and five
	# a second took a good part of dom0's CPU from the guests being waited for.  Learn the
	# domain's id once, then block on a watch of its xenstore dir (libxl removes it when it
	# starts destroying the domain), bounded so that a change missed between the read and the
	# watch costs 2 s; then poll xl only for the rest of the destruction.
	id=$($XL domid "$name" 2>/dev/null)
	while [ -n "$id" ] && ((SECONDS < end)) &&
		xenstore-read "/local/domain/$id/name" >/dev/null 2>&1; do
		timeout 2 xenstore-watch -n 2 "/local/domain/$id/name" >/dev/null 2>&1
	done
	while ((SECONDS < end)); do
		$XL domid "$name" >/dev/null 2>&1 || break
		sleep 0.2
	done
	if $XL domid "$name" >/dev/null 2>&1; then
		echo "domU $name still running after ${t}s; destroying it"
		$XL destroy "$name"
		echo "---- tail of $con"; tail -n 30 "$con"
		return 1
	fi
	sleep 0.5
	if grep -qE 'Oops|BUG:|WARNING:|Call Trace' "$con"; then
		echo "domU $name: kernel trouble in console"; grep -nE -A5 'Oops|BUG:|WARNING:' "$con" | head -40
		return 1
	fi
	if ! grep -q 'VCAMTEST-PASS' "$con"; then
		echo "domU $name: no VCAMTEST-PASS"; echo "---- tail of $con"; tail -n 30 "$con"
		return 1
	fi
	grep -E 'VCAMTEST-' "$con"
}

# domu_wait_marker NAME TEXT TIMEOUT: wait until the guest console shows TEXT.
domu_wait_marker() {
	local name=$1 text=$2 t=$3 con
	con=$(domu_console "$name")
	local end=$((SECONDS + t))
	while ((SECONDS < end)); do
		grep -qF -- "$text" "$con" 2>/dev/null && return 0
		sleep 0.2
	done
	echo "domU $name: '$text' not seen within ${t}s"; echo "---- tail of $con"; tail -n 30 "$con"
	return 1
}

domu_destroy_all() {
	local d
	for d in $($XL list 2>/dev/null | awk 'NR > 2 { print $1 }'); do $XL destroy "$d"; done
}

# dom0_vivid NODES MODPROBE-ARGS...: vivid loaded with exactly these parameters (an earlier
# scenario of this boot may have loaded it with others), and each capture node in NODES
# ("0 1": /dev/video0 and /dev/video1) showing a still picture without OSD text, so guest and
# native captures compare exactly.
dom0_vivid() {
	local nodes=$1 n i
	shift
	rmmod vivid 2>/dev/null
	if lsmod | grep -q '^vivid '; then
		echo "vivid is busy (a camera user from an earlier scenario still running?)"
		return 1
	fi
	modprobe vivid "$@" || return 1
	for n in $nodes; do
		for i in $(seq 50); do [ -e "/dev/video$n" ] && break; sleep 0.1; done
		v4l2-ctl -d "/dev/video$n" -c osd_text_mode=2 || return 1
	done
}

# dom0_daemon NAME CMD...: CMD in the background, output in $OUT/logs/NAME.log, pid in
# /run/NAME.pid; fails (showing the log) unless it still runs 2 s later.
dom0_daemon() {
	local name=$1
	shift
	"$@" >"$OUT/logs/$name.log" 2>&1 &
	echo $! >"/run/$name.pid"
	sleep 2
	kill -0 "$(cat "/run/$name.pid")" 2>/dev/null && return 0
	echo "$name exited:"
	tail -n 30 "$OUT/logs/$name.log"
	return 1
}

# dom0_vcamd NAME [VCAMD-ARG...]: this tree's vcamd -f, kept as dom0_daemon NAME keeps its
# daemons, but up as soon as its status socket answers rather than after a fixed 2 s: the
# guests that follow find their backend, and no scenario waits longer than vcamd needs.
dom0_vcamd() {
	local name=$1
	shift
	dom0_vcamd_at "$OUT/logs/$name.log" "/run/$name.pid" "$@"
}

# dom0_vcamd_at LOG PIDFILE [VCAMD-ARG...]: the same, the log and pid file named; the status
# socket asked is -S SOCK's if the arguments have one.
dom0_vcamd_at() {
	local log=$1 pidfile=$2 pid a prev="" sock=()
	shift 2
	for a; do
		[ "$prev" = -S ] && sock=(-S "$a")
		prev=$a
	done
	[ -x "$REPO/backend/vcamd" ] || { echo "backend/vcamd is not built"; return 1; }
	"$REPO/backend/vcamd" -f "$@" >"$log" 2>&1 &
	pid=$!
	echo $pid >"$pidfile"
	for _ in $(seq 100); do
		kill -0 $pid 2>/dev/null || break
		"$REPO/backend/vcamctl" "${sock[@]}" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	if kill -0 $pid 2>/dev/null; then
		echo "vcamd did not answer on its status socket within 10 s:"
	else
		echo "vcamd exited:"
	fi
	tail -n 30 "$log"
	return 1
}

# dom0_daemon_stop NAME...: SIGTERM to each, then a second for them to go.
dom0_daemon_stop() {
	local name
	for name in "$@"; do
		kill -TERM "$(cat "/run/$name.pid")" 2>/dev/null
	done
	sleep 1
}

export -f now record domu_cfg domu_console domu_wait_end domu_wait_marker domu_destroy_all \
	dom0_vivid dom0_daemon dom0_vcamd dom0_vcamd_at dom0_daemon_stop
export XL DOMU_INITRD DOMU_KERNEL
