#!/bin/sh
# SPDX-License-Identifier: MIT
# Run one libFuzzer target of backend/fuzz, or fold its new finds into its
# kept corpus.  Called by backend/Makefile (make fuzz, make fuzz-merge) from
# backend/.
#   fuzz/fuzz.sh run TARGET RUNS   RUNS executions; exit status is the fuzzer's
#   fuzz/fuzz.sh merge TARGET      fuzz/corpus/TARGET := minimized corpus + new
set -u
mode=$1 t=$2
bin=fuzz/fuzz_$t
# -timeout: an input that takes seconds is a hang, a finding like a crash.
# xscfg's scripts stay under 2 KiB: still values far longer than any buffer
# on vcamd's xenstore path (256 octets at most), and runs that stay fast.
case $t in
xscfg) opts="-max_len=2048" ;;
*) opts="-max_len=4096" ;;
esac
opts="$opts -timeout=10"
[ -f fuzz/$t.dict ] && opts="$opts -dict=fuzz/$t.dict"
mkdir -p fuzz/new/$t fuzz/corpus/$t

case $mode in
run)
	t0=$(date +%s)
	# New finds go to the first dir (scratch); the kept corpus and the
	# seeds are read only.  The fuzzer's own exit status decides.
	$bin -runs="$3" $opts -print_final_stats=1 \
		fuzz/new/$t fuzz/corpus/$t fuzz/seeds/$t >fuzz/last-$t.log 2>&1
	rc=$?
	t1=$(date +%s)
	if [ $rc -ne 0 ]; then
		tail -n 40 fuzz/last-$t.log
		echo "fuzz $t: FAILED (exit $rc), see backend/fuzz/last-$t.log"
		exit 1
	fi
	last=$(grep -E '^#[0-9]+' fuzz/last-$t.log | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' fuzz/last-$t.log)
	echo "fuzz $t: $3 runs in $((t1 - t0)) s ($rate/s), no finding;" \
		"$(echo "$last" | grep -oE 'cov: [0-9]+ ft: [0-9]+')"
	;;
merge)
	# Re-minimize from scratch: seeds first, so what they already cover
	# is not kept twice; then drop the seeds again.  Edges only
	# (-use_counters=0): hit counts would keep ten times as many inputs,
	# and a run finds them again within seconds.
	tmp=fuzz/merge.tmp
	rm -rf $tmp && mkdir $tmp && cp fuzz/seeds/$t/* $tmp/ || exit 1
	if ! $bin -merge=1 -use_counters=0 $opts \
			$tmp fuzz/corpus/$t fuzz/new/$t >fuzz/merge-$t.log 2>&1; then
		tail -n 20 fuzz/merge-$t.log
		echo "fuzz-merge $t: FAILED, see backend/fuzz/merge-$t.log"
		exit 1
	fi
	for s in fuzz/seeds/$t/*; do rm -f "$tmp/${s##*/}"; done
	rm -rf fuzz/corpus/$t && mv $tmp fuzz/corpus/$t && rm -rf fuzz/new/$t
	echo "fuzz-merge $t: $(ls fuzz/corpus/$t | wc -l) inputs," \
		"$(cat fuzz/corpus/$t/* | wc -c) octets"
	;;
*)
	echo "usage: $0 run TARGET RUNS | merge TARGET" >&2
	exit 2
	;;
esac
