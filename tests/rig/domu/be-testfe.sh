# Guest side of the vcamd scenario (backend/tests/rig/vcamd-lib.sh): run vcam-testfe commands
# named on the kernel command line: tfcmds=a,b,c  tfopts=words_joined_by_underscores  [tfgo=1]
# [tfhog=S] [tfstop=1] [tfsum=1].  A command CMD@D runs on device D (vcam-testfe -d D); its lines are
# tagged CMD@D.  Command skew is not vcam-testfe's: `vcam-skew ping` against dom0's
# `vcam-skew serve` (the clock skew between the two domains, next to the latencies).
# Lanes: an entry of tfcmds may be lanes joined by '+', each lane commands joined by '/'
# (a+b/c: a at the same time as b then c; give each lane its own device).  The lanes run at
# once, each lane's commands one after the other; their output is printed when all have ended,
# in the order named.  Time-paced work (frames at the camera's rate, fixed waits) then overlaps
# instead of adding up.
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
cmds=$(arg tfcmds | tr ',' ' ')
opts=$(arg tfopts | tr '_' ' ')
stop=$(arg tfstop)
sum=$(arg tfsum)
rc=0
# wait_node NODE: until our xenstore NODE exists.  A watch, not a poll: each fork costs a guest
# dearly under TCG and each read costs dom0, while other guests boot and stream.  The watch
# fires once when set and again on a write; the timeout covers a write between read and watch.
wait_node() {
	until xenstore-read "$1" >/dev/null 2>&1; do
		timeout 5 xenstore-watch -n 2 "$1" >/dev/null 2>&1
	done
}
# tfgo=1: boot, then wait for dom0's go (it measures another guest before our first command)
if [ "$(arg tfgo)" = 1 ]; then
	echo "BETEST waiting for the go"
	wait_node data/vcam-go
fi
# tfhog=S: first S seconds of plain CPU work, nothing asked of the backend: the emulator's load
# of a busy guest, for dom0 to tell it from what a flood costs vcamd (no fork in the loop)
hog=$(arg tfhog)
if [ -n "$hog" ]; then
	echo "BETEST hog ${hog}s"
	read -r u _ </proc/uptime
	end=$((${u%.*} + hog))
	while :; do
		read -r u _ </proc/uptime
		[ "${u%.*}" -ge "$end" ] && break
	done
fi
# run_cmd C: command C, its output into /tmp/tf.C.out, its exit status into /tmp/tf.C.rc
run_cmd() {
	local c=$1 dev=0 out=/tmp/tf.$1.out r pid stopper
	case $c in *@*) dev=${c#*@} ;; esac
	if [ "$c" = skew ]; then
		vcam-skew ping -n 20 >"$out" 2>&1
		r=$?
	elif [ "$stop" = 1 ]; then
		# tfstop=1: dom0's data/vcam-stop ends the command (a stream stops and passes)
		vcam-testfe -d $dev $opts ${c%@*} >"$out" 2>&1 &
		pid=$!
		(wait_node data/vcam-stop; kill -TERM $pid 2>/dev/null) &
		stopper=$!
		wait $pid
		r=$?
		kill $stopper 2>/dev/null
	else
		vcam-testfe -d $dev $opts ${c%@*} >"$out" 2>&1
		r=$?
	fi
	echo $r >/tmp/tf.$c.rc
}
# report C: command C's output, tagged, and its result; a failure fails the guest
report() {
	local c=$1 out=/tmp/tf.$1.out r
	read -r r </tmp/tf.$c.rc
	if [ "$sum" = 1 ]; then
		# tfsum=1: the frames as one line per distinct CRC (a long stream's thousands of
		# console lines cost a TCG guest more than the stream itself)
		grep -v '^frame seq=' "$out" | sed "s/^/BETEST $c: /"
		sed -n 's/^frame seq=.* crc32=\([0-9a-f]*\).*/\1/p' "$out" | sort | uniq -c |
			while read -r k crc; do echo "BETEST $c: frames crc32=$crc count=$k"; done
	else
		sed "s/^/BETEST $c: /" "$out"
	fi
	echo "BETEST result $c $r"
	# a measurement, judged by dom0's steps that read it: not this guest's verdict
	[ "$c" = skew ] && return
	case $r in 0|77) ;; *) rc=1 ;; esac
}
for entry in ${cmds:-stream}; do
	case $entry in
	*+*)
		lanes=$(echo "$entry" | tr '+' ' ')
		echo "BETEST lanes $lanes"
		# fe-alloc grants every buffer page through gntalloc, whose default cap (1024 pages
		# for the whole guest) is two 640x360 streams: room for every lane
		echo 8192 >/sys/module/xen_gntalloc/parameters/limit
		pids=
		for lane in $lanes; do
			(for c in $(echo "$lane" | tr '/' ' '); do run_cmd "$c"; done) &
			pids="$pids $!"
		done
		wait $pids
		for c in $(echo "$entry" | tr '+/' '  '); do
			echo "BETEST run $c"
			report "$c"
		done
		;;
	*)
		echo "BETEST run $entry"
		run_cmd "$entry"
		report "$entry"
		;;
	esac
done
exit $rc
