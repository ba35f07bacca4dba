# Guest side of the vcamd scenario (backend/tests/rig/vcamd-lib.sh): run vcam-testfe commands
# named on the kernel command line: tfcmds=a,b,c  tfopts=words_joined_by_underscores  [tfgo=1]
# [tfhog=S] [tfstop=1].  A command CMD@D runs on device D (vcam-testfe -d D); its lines are tagged CMD@D.
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
cmds=$(arg tfcmds | tr ',' ' ')
opts=$(arg tfopts | tr '_' ' ')
rc=0
# tfgo=1: boot, then wait for dom0's go (it measures another guest before our first command)
if [ "$(arg tfgo)" = 1 ]; then
	echo "BETEST waiting for the go"
	until xenstore-read data/vcam-go >/dev/null 2>&1; do sleep 0.2; done
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
	if [ "$(arg tfstop)" = 1 ]; then
		# tfstop=1: dom0's data/vcam-stop ends the command (a stream stops and passes)
		vcam-testfe -d $dev $opts ${c%@*} >/tmp/tf.out 2>&1 &
		pid=$!
		while kill -0 $pid 2>/dev/null; do
			xenstore-read data/vcam-stop >/dev/null 2>&1 && kill -TERM $pid
			sleep 0.5
		done
		wait $pid
	else
		vcam-testfe -d $dev $opts ${c%@*} >/tmp/tf.out 2>&1
	fi
	r=$?
	sed "s/^/BETEST $c: /" /tmp/tf.out
	echo "BETEST result $c $r"
	case $r in 0|77) ;; *) rc=1 ;; esac
done
exit $rc
