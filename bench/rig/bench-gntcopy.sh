# Grant copy against map + memcpy for fe-alloc delivery (bench/gntcopy.c), in dom0: sourced by
# the bench scenario.  Records go to $BOUT/gntcopy.txt; bench/gntcopy.py makes the table.
bench_gntcopy() {
	local out=${BOUT:-$OUT/bench}/gntcopy.txt
	mkdir -p "$(dirname "$out")"
	"$REPO/bench/vcam-gntcopy" --frames "${BENCH_GNTCOPY_FRAMES:-40}" >"$out" || return 1
	cat "$out"
	# both methods, every size, with figures
	[ "$(grep -c '^gntcopy method=' "$out")" -ge 4 ]
}
export -f bench_gntcopy
