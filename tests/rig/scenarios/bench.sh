# Scenario bench (`make bench`): one boot measures vcam's data path side by side.  dom0 first
# captures natively from vivid, then one guest runs vcam-testfe in every notification mode and
# allocation, idles (the baseline CPU of a guest that does nothing), then captures through the
# kernel frontend at 25 and 40 fps; dom0 also times grant copy against map + memcpy (fe-alloc's
# frame delivery, bench/gntcopy.c).  dom0 snapshots
# vcamd's and its own CPU when the guest announces a case and when the case has ended.
# bench/aggregate.py turns the raw records in $OUT/bench/ into results.csv, and fails on a case
# without data or with wrong frames.
# BENCH_CASES=ff runs only the first-frame cases (native and guest), in about 2 minutes;
# BENCH_CASES=rtt only the request round trips per mode and their floors (bench/rig/bench-rtt.sh);
# BENCH_CASES=scale only the scale group (bench/rig/bench-scale.sh: 1, 2, 4, 8 guests
# streaming at once; vcamd's CPU per frame and memory), which the full bench runs last;
# BENCH_CASES=zc the kernel frontend with fe-alloc, then be-alloc with the module's zero copy
# on and off (copies and CPU per frame on both sides), which the full bench runs too;
# BENCH_CASES=thru only the throughput ceiling and spare-core cases (bench/rig/bench-thru.sh),
# which the full bench runs too.
# rig-timeout: 2700
# rig-env: BENCH_CASES=all

. "$REPO/bench/rig/bench-dom0.sh"
. "$REPO/bench/rig/bench-gntcopy.sh"
. "$REPO/bench/rig/bench-scale.sh"
[ "$BENCH_MAIN" = 1 ] && step plan 10 bench_plan
step vivid 60 bench_vivid
if [ "$BENCH_IDLE" = 1 ]; then
	step idle-dom0 30 bench_idle_dom0
	step native-25 60 bench_native native-25 25 $BENCH_N
	step native-40 60 bench_native native-40 40 $((BENCH_N * 8 / 5))
fi
[ "$BENCH_THRU" = 1 ] && step thru-native 90 bench_thru_native
if [ "$BENCH_IDLE" = 1 ]; then
	step grant-copy 120 bench_gntcopy
fi
if [ -n "$BENCH_RTT" ]; then
	step rtt-native 120 bench_rtt_native
fi
step vcamd-start 30 bench_vcamd_start
[ "$BENCH_SCALE" = 1 ] && step scale-idle 60 scale_idle
[ "$BENCH_MAIN" = 1 ] && step guest $((560 + BENCH_THRU * 540)) bench_guest
[ "$BENCH_SCALE" = 1 ] && step scale 1200 scale_run
step vcamd-stop 30 bench_vcamd_stop
