# Guest half of the bench's throughput and spare-core cases (bench/rig/bench-thru.sh has dom0's,
# same order), sourced by bench.sh before the kernel frontend is loaded, with its run_case:
# vcam-testfe streams at vivid's fastest mode in each mode and allocation, a memcpy of frames
# that size, then per placement of vcamd's and our vCPU (dom0 pins them between cases) the
# round trip and a be-alloc stream per mode.  The kernel frontend's case is bench.sh's.
thrufmt=$(arg bench.thrufmt) thrurate=$(arg bench.thrurate) thrun=$(arg bench.thrun)
thrumem=$(arg bench.thrumem) thrutfe=$(arg bench.thrutfe) spare=$(arg bench.spare)
spareplaces=$(arg bench.spareplaces) sparen=$(arg bench.sparen)
wh=${thrufmt%%:*}
thrusize=$((${wh%x*} * ${wh#*x} * 2))
for c in $(echo "$thrutfe" | tr '+' ' '); do
	IFS=: read -r name mode be spin <<-X
	$c
	X
	want="$mode:$be"
	run_case "thru-$name" tfe vcam-testfe -n 4 -f "$thrun" -F "$thrufmt" -r "$thrurate" -t 5000 stream
done
want=
run_case thru-memcpy-guest memcpy vcam-memcpy -s "$thrusize" -n "$thrumem"
for place in $(echo "$spareplaces" | tr '+' ' '); do
	for mode in $(echo "$spare" | tr '+' ' '); do
		want="$mode:1"
		run_case "spare-rtt-$mode-$place" rtt vcam-testfe -n 2 -F "$fmt" -r 25 -t 5000 -c "$sparen" rtt
		run_case "spare-stream-$mode-$place" tfe vcam-testfe -n 4 -f "$thrun" -F "$thrufmt" \
			-r "$thrurate" -t 5000 stream
	done
done
want=
# the kernel frontend runs in the toolstack's configuration (event, fe-alloc), which dom0 puts
# back after the spare cases: wait for it before bench.sh loads the module
i=0
while [ "$(xenstore-read "$bedir/notify-mode"):$(xenstore-read "$bedir/be-alloc")" != event:0 ] &&
	[ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
