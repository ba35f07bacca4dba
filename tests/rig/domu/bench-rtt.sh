# Guest half of the bench's round-trip cases (bench/rig/bench-rtt.sh has dom0's, same order),
# sourced by bench.sh after its vcam-testfe cases, with its run_case: per mode, vcam-testfe rtt
# against vcamd in the mode dom0 sets (be-alloc, 2 buffers: they fill, then only requests
# cross the ring); then the floors: the event-channel ping-pong with dom0's vcam-evping serve,
# and the cache-line and eventfd ping-pongs inside this guest (one vCPU: see vcam-pingpong).
for c in $(echo "$rtt" | tr '+' ' '); do
	IFS=: read -r mode spin <<-X
	$c
	X
	want="$mode:1"
	run_case "rtt-$mode-xen" rtt vcam-testfe -n 2 -F "$fmt" -r 25 -t 5000 -c "$rttn" rtt
done
want=
run_case floor-evtchn rtt vcam-evping ping -n "$rttn"
run_case floor-cacheline-guest rtt vcam-pingpong cacheline -n "$rttn"
run_case floor-eventfd-guest rtt vcam-pingpong eventfd -n "$rttn"
