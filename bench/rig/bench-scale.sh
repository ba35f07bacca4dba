# dom0 half of the bench's scale group (BENCH_CASES=scale, and part of the full bench), sourced
# by tests/rig/scenarios/bench.sh after bench-dom0.sh: 1, 2, 4, 8 small guests stream vivid
# through one vcamd at once (vcam-testfe, event mode, fe-alloc).  Per round, once every guest of
# it streams, dom0 snapshots vcamd (CPU ticks, RSS/PSS, grant mappings, `vcamctl status`), sleeps
# SCALE_WINDOW seconds, snapshots again, then stops the guests; vcamd's idle figures come from a
# snapshot before any guest exists.  Records: $BOUT/scale.rec, scale-native.sum,
# scale-guest-N.console; bench/scale.py turns them into scale.csv and scale.png.
SCALE_GUESTS="1 2 4 8"
SCALE_FMT=320x180:YUYV
SCALE_RATE=25
SCALE_WINDOW=10
# A rig guest needs more than 96 MB (which panics out of memory at boot): a PV guest holds its
# whole kernel image (Debian's 6.1: 55 MB of text, data and bss) and its ramdisk (7 MB, 17 MB
# unpacked).  The rig leaves Xen ~1000 MB beside dom0's 1024 MB (run-rig: QEMU -m 2048), so 8
# guests of 120 MB fit; scale_idle trims the largest round to what `xl info` says fits.
SCALE_MEM=120
export SCALE_GUESTS SCALE_FMT SCALE_RATE SCALE_WINDOW SCALE_MEM

scale_max() { echo "$SCALE_GUESTS" | tr ' ' '\n' | sort -n | tail -n 1; }

# scale_map_pages PID DEV: pages of PID's mappings of /dev/xen/DEV (bash arithmetic: 64-bit hex)
scale_map_pages() {
	local range rest n=0
	while read -r range rest; do
		[[ $rest == */dev/xen/$2 ]] || continue
		n=$((n + (0x${range#*-} - 0x${range%-*}) / 4096))
	done <"/proc/$1/maps"
	echo "$n"
}

# scale_snap TAG: vcamd's clock, CPU ticks, memory and grant mappings, dom0's CPU ticks (as
# bench_snap), then vcamd's camera and device lines, each prefixed with TAG.
scale_snap() {
	local pid up rss pss=- gd ga st
	pid=$(cat /tmp/bench-vcamd.pid) || return 1
	read -r up _ </proc/uptime
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
	[ -r "/proc/$pid/smaps_rollup" ] &&
		pss=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup")
	# pages vcamd has mapped from guests (gntdev: rings, fe-alloc buffers) or shares (gntalloc)
	gd=$(scale_map_pages "$pid" gntdev) ga=$(scale_map_pages "$pid" gntalloc)
	awk -v t="$1" -v up="$up" -v rss="$rss" -v pss="$pss" -v gd="$gd" -v ga="$ga" \
		-v vc="$(awk '{ print $14 + $15 }' "/proc/$pid/stat")" '/^cpu / {
		printf "%s up=%s busy=%d total=%d vcamd=%s rss_kb=%s pss_kb=%s gntdev_pages=%s gntalloc_pages=%s\n",
			t, up, $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8, vc, rss, pss, gd, ga }' \
		/proc/stat >>"$BOUT/scale.rec"
	st=$("$REPO/backend/vcamctl" status) || { echo "vcamctl status failed"; return 1; }
	echo "$st" | sed -n "s/^vcamd /$1-vcamd /p; s/^camera /$1-cam /p; s/^device /$1-dev /p" \
		>>"$BOUT/scale.rec"
}

# scale_idle: the native CRC of the scale format every guest frame must have, then vcamd with
# no guest at all (run right after vcamd-start, when vcamd does not hold the camera yet).
scale_idle() {
	local free fit
	free=$($XL info | awk '$1 == "free_memory" { print $3 }')
	[ -n "$free" ] || { echo "xl info shows no free_memory"; return 1; }
	# what libxl adds to each PV guest's memory, and room for Xen's own per-domain memory
	fit=$(((free - 16) / (SCALE_MEM + 2)))
	echo "Xen has $free MB free: room for $fit guests of $SCALE_MEM MB"
	if [ "$fit" -lt "$(scale_max)" ]; then
		SCALE_GUESTS=$(for n in $SCALE_GUESTS; do [ "$n" -lt "$fit" ] && echo "$n"; done; echo "$fit")
		SCALE_GUESTS=$(echo $SCALE_GUESTS)
		echo "only $fit guests fit: rounds of $SCALE_GUESTS"
	fi
	echo "$SCALE_GUESTS" >/tmp/bench-scale.rounds
	echo "plan guests=$(echo "$SCALE_GUESTS" | tr ' ' ,) fmt=$SCALE_FMT rate=$SCALE_RATE window_s=$SCALE_WINDOW mem_mb=$SCALE_MEM free_mb=$free" \
		>"$BOUT/scale.rec"
	scale_native || return 1
	sleep 2
	scale_snap "0 idle" || return 1
	tail -n 3 "$BOUT/scale.rec"
}

# scale_native: a native capture in the scale format (vivid still picture: one CRC)
scale_native() {
	v4l2-ctl -d /dev/video0 --set-parm="$SCALE_RATE" >/dev/null || return 1
	"$REPO/tests/testfe/vcam-capsum" -d /dev/video0 -F "$SCALE_FMT" -f 6 -s 2 \
		>"$BOUT/scale-native.sum" || return 1
	cat "$BOUT/scale-native.sum"
}

# scale_create: every guest, paused, attached, unpaused one after the other (xl create takes
# 20-40 s here); each boots and waits for dom0's go on a xenstore watch.
scale_create() {
	local i cfg dom
	rm -f /tmp/bench-scale.doms
	for i in $(seq "$(scale_max)"); do
		cfg=$(DOMU_ARGS="scale.fmt=$SCALE_FMT scale.rate=$SCALE_RATE" \
			domu_cfg "scale$i" bench-scale) || return 1
		sed -i "s/^memory = .*/memory = $SCALE_MEM/" "$cfg"
		$XL create -p "$cfg" || return 1
		dom=$($XL domid "scale$i") || return 1
		"$REPO/xenstore-scripts/bin/vcam-attach" "$dom" \
			"unique-id=video0, formats=YUYV:${SCALE_FMT%%:*}@$SCALE_RATE/1, max-buffers=4, notify-mode=event, be-alloc=0" ||
			{ $XL destroy "scale$i"; return 1; }
		$XL unpause "scale$i" || return 1
		echo "$dom" >>/tmp/bench-scale.doms
		echo "scale$i is dom$dom"
	done
	for i in $(seq "$(scale_max)"); do
		domu_wait_marker "scale$i" "SCALE-WAITING" 200 || return 1
	done
	$XL list
}

# scale_doms N: the domids of the first N guests
scale_doms() { head -n "$1" /tmp/bench-scale.doms; }

# scale_wait_nodes N NODE VALUE TIMEOUT: until the first N guests' data/NODE say VALUE
scale_wait_nodes() {
	local end=$((SECONDS + $4)) d left
	while :; do
		left=
		for d in $(scale_doms "$1"); do
			[ "$(xenstore-read "/local/domain/$d/data/$2" 2>/dev/null)" = "$3" ] ||
				left="$left dom$d"
		done
		[ -z "$left" ] && return 0
		((SECONDS < end)) || { echo "no $2=$3 within $4 s from:$left"; return 1; }
		sleep 1
	done
}

# scale_wait_streaming N TIMEOUT: until vcamd streams to N devices at once
scale_wait_streaming() {
	local end=$((SECONDS + $2)) n
	while :; do
		n=$("$REPO/backend/vcamctl" status | grep -c '^device .* streaming=1 ')
		[ "$n" -ge "$1" ] && return 0
		((SECONDS < end)) || { echo "only $n of $1 devices streaming after $2 s"; return 1; }
		sleep 1
	done
}

# scale_round N: the first N guests stream at once; the measured window starts once all do.
scale_round() {
	local n=$1 d rc=0
	echo "$n guests doms=$(scale_doms "$n" | tr '\n' , | sed 's/,$//')" >>"$BOUT/scale.rec"
	for d in $(scale_doms "$n"); do xenstore-write "/local/domain/$d/data/scale-go" "n$n"; done
	if scale_wait_streaming "$n" $((30 + 10 * n)); then
		sleep 2
		scale_snap "$n begin" && sleep "$SCALE_WINDOW" && scale_snap "$n end" || rc=1
	else
		rc=1
	fi
	for d in $(scale_doms "$n"); do xenstore-write "/local/domain/$d/data/scale-stop" "n$n"; done
	scale_wait_nodes "$n" scale-done "n$n" $((60 + 10 * n)) || rc=1
	grep "^$n \(begin\|end\) " "$BOUT/scale.rec"
	return $rc
}

# scale_run: the whole group, after vcamd-start and scale-idle: native CRC, guests, rounds.
scale_run() {
	local n i d rc=0
	# the rounds that fit (scale_idle: a step runs in a shell of its own)
	SCALE_GUESTS=$(cat /tmp/bench-scale.rounds) || return 1
	scale_create || { domu_destroy_all; return 1; }
	for n in $SCALE_GUESTS; do
		scale_round "$n" || { rc=1; break; }
	done
	for d in $(scale_doms "$(scale_max)"); do xenstore-write "/local/domain/$d/data/scale-go" end; done
	# the rounds' lines are on the consoles already: keep them even if the wait below runs out
	for i in $(seq "$(scale_max)"); do cp "$(domu_console "scale$i")" "$BOUT/scale-guest-$i.console"; done
	for i in $(seq "$(scale_max)"); do
		domu_wait_end "scale$i" 120 || rc=1
		cp "$(domu_console "scale$i")" "$BOUT/scale-guest-$i.console"
	done
	return $rc
}

export -f scale_max scale_map_pages scale_snap scale_idle scale_native scale_create scale_doms scale_wait_nodes \
	scale_wait_streaming scale_round scale_run
