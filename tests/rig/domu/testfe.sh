# Guest side of the testfe scenario: run vcam-testfe once per run listed on the kernel command
# line as tfe=RUN+RUN+..., each RUN being vcam-testfe's arguments joined by commas.  Exit status
# 77 (case not applicable here) counts as a pass; anything else non-zero fails the guest.
# tfstop=1: a run also ends when dom0 writes the guest's data/vcam-stop.  tfgo=1: boot, then wait
# for dom0's go (data/vcam-go) before the first run (guests boot while dom0 does other work).
# tfsum=1: frames summed up per CRC (below).
runs=$(sed -n 's/.*\<tfe=\([^ ]*\).*/\1/p' /proc/cmdline)
[ -n "$runs" ] || { echo "TESTFE no tfe= on the command line"; exit 1; }
[ -c /dev/xen/gntalloc ] && [ -c /dev/xen/gntdev ] && [ -c /dev/xen/evtchn ] ||
	{ echo "TESTFE missing /dev/xen devices"; ls -l /dev/xen; exit 1; }
# wait_node NODE: until our xenstore NODE exists.  A watch, not a poll: each fork costs a guest
# dearly under TCG and each read costs dom0, while other guests boot and stream.  The watch
# fires once when set and again on a write; the timeout covers a write between read and watch.
wait_node() {
	until xenstore-read "$1" >/dev/null 2>&1; do
		timeout 5 xenstore-watch -n 2 "$1" >/dev/null 2>&1
	done
}
if grep -q '\<tfgo=1\>' /proc/cmdline; then
	echo "TESTFE waiting for the go"
	wait_node data/vcam-go
fi
sum=$(sed -n 's/.*\<tfsum=\([^ ]*\).*/\1/p' /proc/cmdline)
fail=0 n=0
for run in $(echo "$runs" | tr '+' ' '); do
	n=$((n + 1))
	args=$(echo "$run" | tr ',' ' ')
	echo "TESTFE-RUN $n $args"
	# tfsum=1: the run's output once it has ended, its frames as one line per distinct CRC (a
	# long stream's thousands of console lines cost a TCG guest more than the stream itself)
	if [ "$sum" = 1 ]; then exec 3>/tmp/tf.out; else exec 3>&1; fi
	if grep -q '\<tfstop=1\>' /proc/cmdline; then
		# tfstop=1: dom0's data/vcam-stop ends the run (a stream stops and passes)
		vcam-testfe $args >&3 2>&1 &
		pid=$!
		(wait_node data/vcam-stop; kill -TERM $pid 2>/dev/null) &
		stopper=$!
		wait $pid
		rc=$?
		kill $stopper 2>/dev/null
	else
		vcam-testfe $args >&3 2>&1
		rc=$?
	fi
	exec 3>&-
	if [ "$sum" = 1 ]; then
		grep -v '^frame seq=' /tmp/tf.out
		sed -n 's/^frame seq=.* crc32=\([0-9a-f]*\).*/\1/p' /tmp/tf.out | sort | uniq -c |
			while read -r k crc; do echo "frames crc32=$crc count=$k"; done
	fi
	echo "TESTFE-RC $n $rc"
	[ $rc -eq 0 ] || [ $rc -eq 77 ] || fail=1
done
exit $fail
