# Guest side of the bench's scale group (bench/rig/bench-scale.sh): one of up to 8 small guests.
# Each round dom0 writes data/scale-go (the round's name, e.g. n4) for the guests taking part;
# this guest then streams (vcam-testfe, until dom0 writes the same name to data/scale-stop),
# prints its stats and its frames summed up per CRC (thousands of console lines would cost a
# TCG guest more than the stream), and answers on data/scale-done.  scale-go=end: exit.
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
fmt=$(arg scale.fmt) rate=$(arg scale.rate)
[ -n "$fmt" ] && [ -n "$rate" ] || { echo "SCALE no scale.fmt/scale.rate on the command line"; exit 1; }

# wait_change NODE OLD: until data/NODE exists and is not OLD; prints it.  A watch, not a poll
# (a fork per poll costs a TCG guest dearly, and every read costs dom0); the timeout covers a
# write between the read and the watch.
wait_change() {
	local v
	while :; do
		v=$(xenstore-read "data/$1" 2>/dev/null) && [ "$v" != "$2" ] && break
		timeout 5 xenstore-watch -n 2 "data/$1" >/dev/null 2>&1
	done
	echo "$v"
}

# wait_value NODE VALUE: until data/NODE says VALUE
wait_value() {
	until [ "$(xenstore-read "data/$1" 2>/dev/null)" = "$2" ]; do
		timeout 5 xenstore-watch -n 2 "data/$1" >/dev/null 2>&1
	done
}

echo "SCALE-WAITING"
fail=0 round=
while :; do
	round=$(wait_change scale-go "$round")
	[ "$round" = end ] && break
	# until dom0 stops it; 600 s bounds a stream whose dom0 side died
	vcam-testfe -n 4 -s 600 -F "$fmt" -r "$rate" -t 20000 stream >/tmp/tf.out 2>/tmp/tf.err &
	pid=$!
	(wait_value scale-stop "$round"; kill -TERM $pid 2>/dev/null) &
	stopper=$!
	wait $pid
	rc=$?
	kill $stopper 2>/dev/null
	grep '^stats ' /tmp/tf.out | sed "s/^/SCALE-OUT $round /"
	sed -n 's/^frame seq=\([0-9]*\) .* crc32=\([0-9a-f]*\).*/\1 \2/p' /tmp/tf.out |
		awk -v r="$round" '
			NR == 1 { first = $1 }
			{ n[$2]++; last = $1 }
			END { for (c in n) print "SCALE-CRC " r " crc32=" c " count=" n[c];
			      print "SCALE-SEQ " r " first=" first + 0 " last=" last + 0 " frames=" NR }'
	head -n 10 /tmp/tf.err | sed "s/^/SCALE-ERR $round /"
	echo "SCALE-RC $round $rc"
	[ $rc -eq 0 ] || fail=1
	xenstore-write data/scale-done "$round"
done
exit $fail
