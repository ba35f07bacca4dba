# A rig domU that dom0 drives step by step (scenario driver-domain): dom0 writes
# "SEQ VERB ARGS..." into this domain's xenstore data/agent; the agent runs it and answers with
# data/agent-out/SEQ/WORD = TEXT (dom0 blocks on a xenstore watch for it: no polling, which costs
# dearly in PV guests under TCG), also printed on the console as "AGENT SEQ WORD TEXT".
# Two roles (agent.role=):
#  dd     a driver domain: at boot it loads vivid (agent.pattern= picks vivid's test pattern so
#         that two driver domains show different pictures), captures from it itself, starts
#         vcamd, and answers data/agent-out/boot/ready = the md5 of its native frame.  A domain
#         restarted by on_crash = "restart" does this again, as a real one would.
#  guest  loads xen-vcamfront.ko and answers data/agent-out/boot/ready.
# Verbs: capture DEVID N | await-capture DEVID N [SECONDS] | stream DEVID N | stream-count DEVID |
# stream-stop DEVID | stream-recover DEVID N | diag | crash | exit.  A camera is named by
# its xenbus devid (vcamera-DEVID), never by /dev/videoN: the node number is the kernel's choice.
# Soak verbs (scenario soak): soak-burst DEVID SECS W H FPS N | vcamd-stat.
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
role=$(arg agent.role)
W=320 H=180 FMT=YUYV
SZ=$((W * H * 2))
me=$(xenstore-read domid)
up() { cut -d' ' -f1 /proc/uptime; }

# say SEQ WORD TEXT...: one answer, on the console and in xenstore
say() {
	local seq=$1 word=$2
	shift 2
	echo "AGENT $seq $word $*"
	xenstore-write "data/agent-out/$seq/$word" "$*"
}

# node DEVID: /dev/videoX of camera DEVID while it is connected, else nothing
node() {
	local d
	for d in /sys/bus/xen/devices/vcamera-$1/video4linux/video*; do
		[ -e "$d" ] && echo "/dev/${d##*/}" && return 0
	done
	return 1
}

# wait_node DEVID SECONDS: until camera DEVID is connected.  Blocks on its xenstore state (the
# frontend writes Connected just after registering /dev/videoN) instead of polling.
wait_node() {
	local start now end
	start=$(cut -d. -f1 /proc/uptime)
	end=$((start + $2))
	while ! node "$1" >/dev/null; do
		now=$(cut -d. -f1 /proc/uptime)
		if [ "$now" -ge "$end" ]; then
			echo "AGENT wait_node $1: none from $start to $now (bound $2 s)"
			return 1
		fi
		timeout 3 xenstore-watch -n 2 "device/vcamera/$1/state" >/dev/null 2>&1
	done
	# not the watch's timeout status, which a loop ending on its condition would return
	return 0
}

# grab DEV N OUT: N frames of WxH YUYV into OUT (v4l2-ctl's output in OUT.log); md5 of the last
# one on stdout.  Captures from different cameras may run at once: each has its own OUT.
grab() {
	timeout 60 v4l2-ctl -d "$1" --set-fmt-video=width=$W,height=$H,pixelformat=$FMT \
		--stream-mmap --stream-count="$2" --stream-to="$3" >"$3.log" 2>&1 || return 1
	[ "$(wc -c <"$3")" -eq $(($2 * SZ)) ] || return 1
	dd if="$3" bs=$SZ skip=$(($2 - 1)) count=1 2>/dev/null | md5sum | cut -d' ' -f1
}

dd_boot() {
	local i m
	# be-alloc grants whole frame buffers from here: gntalloc's default 1024 pages is too few
	echo 65536 >/sys/module/xen_gntalloc/parameters/limit
	for m in $(cat /lib/vivid/order); do
		if [ "$m" = vivid.ko ]; then
			insmod /lib/vivid/$m n_devs=1 node_types=0x1
		else
			insmod /lib/vivid/$m
		fi
	done
	i=0; while [ ! -e /dev/video0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	# a still picture, so every frame of a capture is the same
	v4l2-ctl -d /dev/video0 -c osd_text_mode=2 || return 1
	if [ -n "$(arg agent.pattern)" ]; then
		v4l2-ctl -d /dev/video0 -c test_pattern="$(arg agent.pattern)" || return 1
	fi
	m=$(grab /dev/video0 3 /tmp/native.raw) || { cat /tmp/native.raw.log; return 1; }
	rm -f /tmp/native.raw
	echo "DD $me native $m"
	vcamd -f -v &
	echo $! >/run/vcamd.pid
	sleep 1
	kill -0 "$(cat /run/vcamd.pid)" || return 1
	# stamped here: dom0 may read the answer only later, when it comes to wait for it (a PV
	# domain's clock is Xen's wall clock, as dom0's is)
	say boot ready "$m $(date +%s)"
}

# stream-recover DEVID N: an application streams from camera DEVID until the camera fails (dom0
# kills its backend); it must end with an error, not hang.  Then the camera must come back by
# itself, and N frames are captured from it.
stream_recover() {
	local seq=$1 devid=$2 n=$3 dev pid i=0 t0 rc m
	dev=$(node "$devid") || { say "$seq" failed "no camera $devid"; return 1; }
	v4l2-ctl -d "$dev" --set-fmt-video=width=$W,height=$H,pixelformat=$FMT || return 1
	# a hung application is killed after 300 s: rc 137 says so
	timeout -s KILL 300 v4l2-ctl -d "$dev" --stream-mmap --stream-count=1000000 \
		--stream-to=/dev/null >/tmp/stream$devid.log 2>&1 &
	pid=$!
	# frames flowing: v4l2-ctl prints a '<' per frame
	while [ "$(tr -cd '<' </tmp/stream$devid.log | wc -c)" -lt 3 ]; do
		i=$((i + 1))
		if [ $i -gt 120 ] || ! kill -0 $pid 2>/dev/null; then
			cat /tmp/stream$devid.log
			say "$seq" failed "stream on $dev did not start"
			return 1
		fi
		sleep 0.5
	done
	say "$seq" streaming "$dev"
	t0=$(up)
	wait $pid
	rc=$?
	say "$seq" stream-ended "rc=$rc after $(awk -v a="$t0" -v b="$(up)" 'BEGIN { print b - a }') s:" \
		"$(grep -aiE 'error|fail' /tmp/stream$devid.log | tail -n 1 | tr -d '<>\r')"
	[ $rc -ne 137 ] || { say "$seq" failed "the application hung"; return 1; }
	# back: a new device connects (the node number may differ); capture until it works
	while :; do
		if ! wait_node "$devid" 400; then
			diag
			say "$seq" failed "camera $devid did not come back"
			return 1
		fi
		dev=$(node "$devid") && m=$(grab "$dev" "$n" /tmp/rec$devid.raw) && break
		# each failed try, briefly: what the recovery went through
		echo "AGENT $seq try at $(up): ${dev:-no node}: $(tail -n 1 /tmp/rec$devid.raw.log 2>/dev/null | tr -d '<>\r' | cut -c1-120)"
		sleep 1
	done
	rm -f /tmp/rec$devid.raw
	say "$seq" back "$dev md5 $m"
}

# What the kernel, the frontend and vcamd say, when something did not come back.
diag() {
	local s
	dmesg | grep -iE 'vcam|xen' | tail -n 40 | sed 's/^/DIAG /'
	echo "DIAG xenbus devices: $(ls /sys/bus/xen/devices | tr '\n' ' ')"
	grep -iE 'evtchn|vcam' /proc/interrupts | sed 's/^/DIAG /'
	[ -f /run/vcamd.pid ] && vcamctl status 2>&1 | cut -c1-300 | sed 's/^/DIAG /'
	for s in /sys/bus/xen/devices/vcamera-*/stats; do
		[ -d "$s" ] || continue
		echo "DIAG $s: $(cd "$s" && for f in *; do printf '%s=%s ' "$f" "$(cat "$f")"; done)"
	done
	xenstore-ls -f device/vcamera 2>&1 | grep -E '/state|backend-id|ring-ref|channel' |
		sed 's/^/DIAG /'
}

# soak-burst DEVID SECS W H FPS N (scenario soak): for SECS seconds, captures of N frames of WxH
# YUYV at FPS from camera DEVID, one after the other, each a whole open, S_FMT, S_PARM, stream,
# close (buffers granted, mapped, unmapped every time).  A capture counts as ok when it got all
# N frames of that size and the frame rate was set; answers done "ok=A fail=B gone=C last=WHY":
# captures that worked, captures that failed, 2-s looks that found no camera DEVID connected.
soak_burst() {
	local seq=$1 devid=$2 secs=$3 w=$4 h=$5 fps=$6 n=$7 end ok=0 fail=0 gone=0 last=- dev
	local f=/tmp/soak$devid.raw
	end=$(($(cut -d. -f1 /proc/uptime) + secs))
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		if ! dev=$(node "$devid"); then
			gone=$((gone + 1))
			sleep 2
			continue
		fi
		if timeout 60 v4l2-ctl -d "$dev" --set-fmt-video=width=$w,height=$h,pixelformat=$FMT \
			--set-parm="$fps" --stream-mmap --stream-count="$n" --stream-to=$f >$f.log 2>&1 &&
			[ "$(wc -c <$f)" -eq $((n * w * h * 2)) ] &&
			grep -q "Frame rate set to $fps.000 fps" $f.log; then
			ok=$((ok + 1))
		else
			fail=$((fail + 1))
			last=$(grep -aiE 'error|fail|invalid' $f.log | tail -n 1 | tr -d '<>\r' | tr ' ' _ | cut -c1-100)
			echo "AGENT $seq soak-fail camera $devid ($dev ${w}x$h@$fps) at $(up): ${last:=rc/size/rate}"
			sleep 1
		fi
		rm -f $f
		sleep 1
	done
	say "$seq" done "ok=$ok fail=$fail gone=$gone last=$last"
}

run() {
	local seq=$1 verb=$2 dev m e
	shift 2
	case $verb in
	soak-burst) soak_burst "$seq" "$@" ;;
	vcamd-stat)
		[ -f /run/vcamd.pid ] || { say "$seq" failed "no vcamd here"; return 1; }
		say "$seq" stat "$(sh /tests/vcamd-stat.sh "$(cat /run/vcamd.pid)")"
		;;
	capture)
		dev=$(node "$1") || { say "$seq" failed "no camera $1"; return 1; }
		m=$(grab "$dev" "$2" /tmp/cap$1.raw) || { cat /tmp/cap$1.raw.log; say "$seq" failed "capture"; return 1; }
		rm -f /tmp/cap$1.raw
		say "$seq" frames "$dev md5 $m"
		;;
	await-capture)
		# after a restore or a migration: the camera comes back by itself, then N frames
		wait_node "$1" "${3:-120}" || { diag; say "$seq" failed "camera $1 did not come"; return 1; }
		dev=$(node "$1") || { say "$seq" failed "no camera $1"; return 1; }
		m=$(grab "$dev" "$2" /tmp/cap$1.raw) || { cat /tmp/cap$1.raw.log; say "$seq" failed "capture"; return 1; }
		rm -f /tmp/cap$1.raw
		say "$seq" frames "$dev md5 $m"
		;;
	stream)
		# N frames in one stream: "streaming" once they flow, "done rc=.. frames=.. [error: ..]"
		# when it ends (all frames, an error, or stream-stop).  v4l2-ctl exits 0 after a failed
		# DQBUF too: its last error line says whether it failed.
		dev=$(node "$1") || { say "$seq" failed "no camera $1"; return 1; }
		v4l2-ctl -d "$dev" --set-fmt-video=width=$W,height=$H,pixelformat=$FMT ||
			{ say "$seq" failed "cannot set the format on $dev"; return 1; }
		timeout -s KILL 300 v4l2-ctl -d "$dev" --stream-mmap --stream-count="$2" \
			--stream-to=/dev/null >/tmp/stream$1.log 2>&1 &
		m=$!
		echo $m >/tmp/stream$1.pid
		while [ "$(tr -cd '<' </tmp/stream$1.log | wc -c)" -lt 3 ] && kill -0 $m 2>/dev/null; do
			sleep 0.5
		done
		say "$seq" streaming "$dev"
		wait $m
		m=$?
		e=$(grep -aiE 'error|fail|timeout' /tmp/stream$1.log | tail -n 1 | tr -d '<>\r')
		say "$seq" done "rc=$m frames=$(tr -cd '<' </tmp/stream$1.log | wc -c)${e:+ error: $e}"
		;;
	stream-count) say "$seq" count "frames=$(tr -cd '<' </tmp/stream$1.log | wc -c)" ;;
	stream-stop)
		kill "$(cat /tmp/stream$1.pid)" 2>/dev/null
		say "$seq" stopped "$1"
		;;
	stream-recover) stream_recover "$seq" "$1" "$2" ;;
	diag) diag; say "$seq" diag done ;;
	crash)
		echo "AGENT $seq crashing"
		sync
		echo c >/proc/sysrq-trigger
		;;
	*) say "$seq" failed "unknown verb $verb"; return 1 ;;
	esac
}

case $role in
dd) dd_boot || { echo "DD $me setup failed"; exit 1; } ;;
guest)
	insmod /lib/vcam/xen-vcamfront.ko || exit 1
	say boot ready "$(up)"
	;;
*) echo "agent: agent.role= is dd or guest"; exit 1 ;;
esac

# One watch for the agent's whole life: no command can slip between two watches.
mkfifo /tmp/agent.fifo
xenstore-watch data/agent >/tmp/agent.fifo &
watcher=$!
last=
while read -r _path; do
	cmd=$(xenstore-read data/agent 2>/dev/null) || continue
	set -- $cmd
	[ $# -ge 2 ] && [ "$1" != "$last" ] || continue
	last=$1
	[ "$2" = exit ] && break
	# each command in the background: a recovery waits while dom0 sends the next one
	( run "$@" || echo "AGENT $1 failed" ) </dev/null &
done </tmp/agent.fifo
kill $watcher
if [ -f /run/vcamd.pid ]; then
	kill -TERM "$(cat /run/vcamd.pid)"
	sleep 1
fi
echo "AGENT exit"
