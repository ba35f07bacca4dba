# Shared by the fe-* rig scenarios (sourced in dom0): one guest against vcam-fakebe.
# FE_FORMATS= replaces the camera's formats list, DOMU_ARGS= adds to the guest's command line,
# FE_GUEST_WAIT= is how long the guest may take (seconds, default 400).
fe_case() { # NAME GUESTTEST SPEC-EXTRA [FAKEBE-ARGS...]
	fe_case_start "$@" || return 1
	fe_case_end "$1"
}

# fe_case_start NAME GUESTTEST SPEC-EXTRA [FAKEBE-ARGS...]: fe_case's first half: the guest
# created paused, its camera attached, vcam-fakebe started (pid in /run/fe-NAME.fakebe.pid), the
# guest unpaused.  Also run in the background (fe_bg) to let a guest boot during other steps.
fe_case_start() {
	local name=$1 test=$2 extra=$3 cfg domid
	shift 3
	local log=$OUT/logs/fe-fakebe.$name.fakebe.log
	[ -x "$REPO/frontend/tests/vcam-fakebe" ] || { echo "vcam-fakebe not built"; return 1; }
	cfg=$(domu_cfg "$name" "$test") || return 1
	$XL create -p "$cfg" || return 1
	domid=$($XL domid "$name") || return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" \
		"unique-id=video0, formats=${FE_FORMATS:-YUYV:640x360@30/1;15/1|YUYV:320x180@30/1}, max-buffers=8, controls=brightness;contrast$extra" ||
		{ $XL destroy "$name"; return 1; }
	"$REPO/frontend/tests/vcam-fakebe" "$domid" 0 --seconds 600 "$@" >"$log" 2>&1 &
	echo $! >"/run/fe-$name.fakebe.pid"
	$XL unpause "$name"
}

# fe_case_end NAME: the second half: the guest's verdict (FE_GUEST_WAIT), vcam-fakebe stopped,
# both logs shown.  vcam-fakebe may be another shell's child (fe_bg): wait for it by its pid.
fe_case_end() {
	local name=$1 be rc
	local log=$OUT/logs/fe-fakebe.$name.fakebe.log
	be=$(cat "/run/fe-$name.fakebe.pid" 2>/dev/null)
	domu_wait_end "$name" "${FE_GUEST_WAIT:-400}"
	rc=$?
	sleep 1
	if [ -n "$be" ]; then
		kill "$be" 2>/dev/null
		wait "$be" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$be" 2>/dev/null || break; sleep 0.1; done
	fi
	echo "---- vcam-fakebe log"; cat "$log"
	echo "---- guest results"; grep -E 'VCAMFE' "$(domu_console "$name")"
	return $rc
}
export -f fe_case fe_case_start fe_case_end

# fe_bg NAME TIMEOUT CMD [ARGS...]: CMD in the background, bounded by TIMEOUT seconds (its own
# process group: a later step's timeout does not reach it), output in $OUT/logs/$SCEN.NAME.bg.log;
# fe_bg_wait NAME TIMEOUT shows that log and returns CMD's status once it has ended.
fe_bg() {
	local name=$1 t=$2
	shift 2
	rm -f "/tmp/fe-bg-$name.rc" "/tmp/fe-bg-$name.rc.new"
	(
		timeout -k 5 "$t" bash -c '"$@"' _ "$@" >"$OUT/logs/$SCEN.$name.bg.log" 2>&1
		echo $? >"/tmp/fe-bg-$name.rc.new" && mv "/tmp/fe-bg-$name.rc.new" "/tmp/fe-bg-$name.rc"
	) </dev/null >/dev/null 2>&1 &
	echo "$name: $* (in the background, logs/$SCEN.$name.bg.log)"
}
fe_bg_wait() {
	local name=$1 t=$2 end rc
	end=$((SECONDS + t))
	while [ ! -e "/tmp/fe-bg-$name.rc" ] && ((SECONDS < end)); do sleep 0.2; done
	cat "$OUT/logs/$SCEN.$name.bg.log"
	rc=$(cat "/tmp/fe-bg-$name.rc" 2>/dev/null) || { echo "$name: not done after ${t}s"; return 1; }
	[ "$rc" = 0 ] || echo "$name: exit status $rc"
	return "$rc"
}
export -f fe_bg fe_bg_wait

# Backend restart while streaming: the first backend dies after 5 frames without touching
# xenstore (like kill -9), a second one starts; the guest's capture must end with an error, the
# device must come back, and capture must work again.
fe_recover() {
	local name=recover cfg domid be1 be2 rc
	local log=$OUT/logs/fe-fakebe.$name.fakebe
	cfg=$(domu_cfg "$name" fe-recover) || return 1
	$XL create -p "$cfg" || return 1
	domid=$($XL domid "$name") || return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" \
		"unique-id=video0, formats=YUYV:640x360@30/1, max-buffers=8" ||
		{ $XL destroy "$name"; return 1; }
	"$REPO/frontend/tests/vcam-fakebe" "$domid" 0 --hostile crash >"$log.1" 2>&1 &
	be1=$!
	$XL unpause "$name"
	wait "$be1"
	echo "first backend gone: $(tail -n 1 "$log.1")"
	sleep 3
	"$REPO/frontend/tests/vcam-fakebe" "$domid" 0 --seconds 300 >"$log.2" 2>&1 &
	be2=$!
	domu_wait_end "$name" 300
	rc=$?
	sleep 1
	kill "$be2" 2>/dev/null
	wait "$be2" 2>/dev/null
	echo "---- backend 1"; cat "$log.1"; echo "---- backend 2"; cat "$log.2"
	echo "---- guest results"; grep -E 'VCAMFE' "$(domu_console "$name")"
	return $rc
}
export -f fe_recover

# fe_hostile_all NAME MODE...: one guest, device i served by `vcam-fakebe --hostile MODE_i`
# (a boot is most of a case's cost); domu/fe-hostile.sh tests the devices in turn.  The guest's
# verdict (it ended, no oops, module unloaded) goes to /tmp/fe-$NAME.rc for fe_hostile_check.
fe_hostile_all() {
	local name=$1 cfg domid d=0 m devs="" pids="" rc
	shift
	for m in "$@"; do devs="$devs${devs:+,}$d"; d=$((d + 1)); done
	cfg=$(DOMU_ARGS="fedevs=$devs" domu_cfg "$name" fe-hostile) || return 1
	$XL create -p "$cfg" || return 1
	domid=$($XL domid "$name") || return 1
	d=0
	for m in "$@"; do
		"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" \
			"unique-id=video0, formats=YUYV:640x360@30/1;15/1|YUYV:320x180@30/1, max-buffers=8, controls=brightness;contrast, devid=$d" ||
			{ $XL destroy "$name"; return 1; }
		"$REPO/frontend/tests/vcam-fakebe" "$domid" $d --seconds 600 --hostile "$m" \
			>"$OUT/logs/fe-robust.$name-$m.fakebe.log" 2>&1 &
		pids="$pids $!"
		d=$((d + 1))
	done
	$XL unpause "$name"
	domu_wait_end "$name" 900
	rc=$?
	echo $rc >"/tmp/fe-$name.rc"
	sleep 1
	# shellcheck disable=SC2086 # a list of pids
	kill $pids 2>/dev/null
	wait 2>/dev/null
	return $rc
}

# fe_hostile_check NAME DEVID MODE: that device's results, its backend's log, the guest's verdict.
fe_hostile_check() {
	local con
	con=$(domu_console "$1")
	echo "---- vcam-fakebe --hostile $3 (device $2)"
	tail -n 15 "$OUT/logs/fe-robust.$1-$3.fakebe.log"
	echo "---- guest results"
	grep -E "^VCAMFE d$2 " "$con"
	grep -q "^VCAMFE d$2 reopen exit" "$con" || { echo "device $2 was not tested"; return 1; }
	[ "$(cat "/tmp/fe-$1.rc")" = 0 ] || { echo "the guest failed (see step hostile-guest)"; return 1; }
}
export -f fe_hostile_all fe_hostile_check
