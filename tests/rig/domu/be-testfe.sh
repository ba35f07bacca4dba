# Guest side of the vcamd scenario (backend/tests/rig/vcamd-lib.sh): run vcam-testfe commands
# named on the kernel command line: tfcmds=a,b,c  tfopts=words_joined_by_underscores  [tfgo=1]
# [tfhog=S] [tfstop=1] [tfsum=1].  A command CMD@D runs on device D (vcam-testfe -d D); its lines are
# tagged CMD@D.  Command skew is not vcam-testfe's: `vcam-skew ping` against dom0's
# `vcam-skew serve` (the clock skew between the two domains, next to the latencies).
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
cmds=$(arg tfcmds | tr ',' ' ')
opts=$(arg tfopts | tr '_' ' ')
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
for c in ${cmds:-stream}; do
	echo "BETEST run $c"
	dev=0
	case $c in *@*) dev=${c#*@} ;; esac
	if [ "$c" = skew ]; then
		vcam-skew ping -n 20 >/tmp/tf.out 2>&1
		r=$?
	elif [ "$(arg tfstop)" = 1 ]; then
		# tfstop=1: dom0's data/vcam-stop ends the command (a stream stops and passes)
		vcam-testfe -d $dev $opts ${c%@*} >/tmp/tf.out 2>&1 &
		pid=$!
		(wait_node data/vcam-stop; kill -TERM $pid 2>/dev/null) &
		stopper=$!
		wait $pid
		r=$?
		kill $stopper 2>/dev/null
	else
		vcam-testfe -d $dev $opts ${c%@*} >/tmp/tf.out 2>&1
		r=$?
	fi
	if [ "$(arg tfsum)" = 1 ]; then
		# tfsum=1: the frames as one line per distinct CRC (a long stream's thousands of
		# console lines cost a TCG guest more than the stream itself)
		grep -v '^frame seq=' /tmp/tf.out | sed "s/^/BETEST $c: /"
		sed -n 's/^frame seq=.* crc32=\([0-9a-f]*\).*/\1/p' /tmp/tf.out | sort | uniq -c |
			while read -r k crc; do echo "BETEST $c: frames crc32=$crc count=$k"; done
	else
		sed "s/^/BETEST $c: /" /tmp/tf.out
	fi
	echo "BETEST result $c $r"
	# a measurement, judged by dom0's steps that read it: not this guest's verdict
	[ "$c" = skew ] && continue
	case $r in 0|77) ;; *) rc=1 ;; esac
done
exit $rc
