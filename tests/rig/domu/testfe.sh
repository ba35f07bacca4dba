# Guest side of the testfe scenario: run vcam-testfe once per run listed on the kernel command
# line as tfe=RUN+RUN+..., each RUN being vcam-testfe's arguments joined by commas.  Exit status
# 77 (case not applicable here) counts as a pass; anything else non-zero fails the guest.
# tfstop=1: a run also ends when dom0 writes the guest's data/vcam-stop.
runs=$(sed -n 's/.*\<tfe=\([^ ]*\).*/\1/p' /proc/cmdline)
[ -n "$runs" ] || { echo "TESTFE no tfe= on the command line"; exit 1; }
[ -c /dev/xen/gntalloc ] && [ -c /dev/xen/gntdev ] && [ -c /dev/xen/evtchn ] ||
	{ echo "TESTFE missing /dev/xen devices"; ls -l /dev/xen; exit 1; }
fail=0 n=0
for run in $(echo "$runs" | tr '+' ' '); do
	n=$((n + 1))
	args=$(echo "$run" | tr ',' ' ')
	echo "TESTFE-RUN $n $args"
	if grep -q '\<tfstop=1\>' /proc/cmdline; then
		# tfstop=1: dom0's data/vcam-stop ends the run (a stream stops and passes)
		vcam-testfe $args &
		pid=$!
		while kill -0 $pid 2>/dev/null; do
			xenstore-read data/vcam-stop >/dev/null 2>&1 && kill -TERM $pid
			sleep 1
		done
		wait $pid
	else
		vcam-testfe $args
	fi
	rc=$?
	echo "TESTFE-RC $n $rc"
	[ $rc -eq 0 ] || [ $rc -eq 77 ] || fail=1
done
exit $fail
