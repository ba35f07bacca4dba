# Dom0 side of the testfe rig scenario (sourced by tests/rig/scenarios/testfe.sh): vcamd on
# vivid in dom0, vcam-testfe in PV guests (no kernel module), frames compared with a native
# capture, then hostile input from one guest while another keeps streaming.
TFE=$REPO/tests/testfe
TFE_FMT=640x360:YUYV
TFE_RATE=30
TFE_NATIVE=/tmp/tfe-native.crc
TFE_VCAMD_PID=/tmp/tfe-vcamd.pid
export TFE TFE_FMT TFE_RATE TFE_NATIVE TFE_VCAMD_PID

# vivid with a frozen picture: no OSD text (clock, counters), no movement.
tfe_vivid() {
	lsmod | grep -q '^vivid ' || modprobe vivid n_devs=1 || return 1
	for i in $(seq 50); do [ -e /dev/video0 ] && break; sleep 0.1; done
	v4l2-ctl -d /dev/video0 -c osd_text_mode=2 -c horizontal_movement=3 \
		-c vertical_movement=3 || return 1
	v4l2-ctl -d /dev/video0 -C osd_text_mode -C horizontal_movement -C vertical_movement
}

# Native reference: every frame of a frozen vivid must have the same CRC.
tfe_native() {
	"$TFE/vcam-capsum" -d /dev/video0 -F $TFE_FMT -f 10 -s 3 >/tmp/tfe-native.txt || return 1
	cat /tmp/tfe-native.txt
	awk '/^frame / { sub("crc32=", "", $5); print $5 }' /tmp/tfe-native.txt | sort -u >$TFE_NATIVE
	# Not wc -l: in the rig's dom0 (QEMU TCG) it printed nothing here.
	[ "$(grep -c . $TFE_NATIVE)" = 1 ] || { echo "native frames differ: vivid not frozen"; return 1; }
	echo "native crc32 $(cat $TFE_NATIVE)"
}

# tfe_frames FILE [CRC]: its frames (with that CRC only): frame lines, or per-CRC counts
# (`frames crc32=C count=N`, a guest's tfsum=1).
tfe_frames() {
	awk -v crc="${2:-}" '
		{ sub(/\r$/, "") }	# a console log ends its lines in CR LF
		/frame seq=/ && (crc == "" || index($0, "crc32=" crc)) { n++ }
		/^frames crc32=[0-9a-f]* count=[0-9]*$/ {
			if (crc == "" || $2 == "crc32=" crc) n += substr($3, 7)
		}
		END { print n + 0 }' "$1"
}

# tfe_check_frames FILE MIN: at least MIN frames, every one with the native CRC, and every stats
# line without violations.  One pass (each process costs dom0 ~0.1 s under TCG).
tfe_check_frames() {
	local f=$1 min=$2 native
	read -r native <$TFE_NATIVE
	awk -v crc="$native" -v min="$min" -v f="$f" '
		{ sub(/\r$/, "") }
		/frame seq=/ { n++; if (index($0, "crc32=" crc " ") || $NF == "crc32=" crc) m++; else if (nb++ < 10) bad[nb] = $0 }
		/^frames crc32=[0-9a-f]* count=[0-9]*$/ {
			n += substr($3, 7)
			if ($2 == "crc32=" crc) m += substr($3, 7); else if (nb++ < 10) bad[nb] = $0
		}
		/^stats / { st[++ns] = $0; if ($0 !~ / violations=0 /) viol = 1 }
		END {
			printf "%s: %d frames, %d not identical to the native capture\n", f, n, n - m
			for (i = 1; i <= ns; i++) print "  " st[i]
			if (n < min) { print "fewer than " min " frames"; exit 1 }
			if (crc == "" || n != m) { for (i = 1; i <= nb && i <= 10; i++) print bad[i]; exit 1 }
			if (viol) { print "violations reported"; exit 1 }
		}' "$f"
}

# tfe_run_section FILE FIRST LAST: the lines of runs FIRST to LAST of a guest's console
# (TESTFE-RUN FIRST to TESTFE-RC LAST), for the checks of one part of a guest's work.
tfe_run_section() {
	awk -v a="TESTFE-RUN $2 " -v b="TESTFE-RC $3 " '
		index($0, a) == 1 { on = 1 }
		on { print }
		index($0, b) == 1 { on = 0 }' "$1"
}

# The daemon over its loopback transport, no guest: same client, same camera.  The three modes
# at once, each its own connection (one after the other, 100 frames at 30 fps each made 10 s of
# camera time); the daemon serves spin and hybrid together (its default --max-spinning 2), and
# its log must show each connection served in the mode asked.
tfe_loopback() {
	local log=$OUT/logs/testfe.vcamd-loopback.log pid rc=0 m
	local -A tp
	rm -f /tmp/tfe-lb.sock
	dom0_vcamd_at "$log" /tmp/tfe-lb-vcamd.pid -v -L /tmp/tfe-lb.sock \
		-S /tmp/tfe-lb-status.sock || return 1
	pid=$(cat /tmp/tfe-lb-vcamd.pid)
	# -t 20000 (as the guests): the guests boot meanwhile, and dom0 gets its share of the 2 CPUs
	for m in event spin hybrid; do
		timeout 120 "$TFE/vcam-testfe" -L /tmp/tfe-lb.sock -m $m -F $TFE_FMT -r $TFE_RATE \
			-f 100 -t 20000 >/tmp/tfe-lb-$m.txt &
		tp[$m]=$!
	done
	for m in event spin hybrid; do
		wait "${tp[$m]}" || { echo "loopback $m: exit $?"; rc=1; }
		tfe_check_frames /tmp/tfe-lb-$m.txt 100 || rc=1
	done
	kill -TERM $pid; wait $pid
	tail -n 20 "$log"
	for m in event spin hybrid; do
		grep -q ": connected to .*: fe-alloc, mode ${m}[ ,]" "$log" ||
			{ echo "loopback $m: not served in $m mode"; rc=1; }
	done
	return $rc
}

# up once its status socket answers
tfe_vcamd_start() {
	dom0_vcamd_at "$OUT/logs/testfe.vcamd.log" $TFE_VCAMD_PID -v || return 1
	"$REPO/backend/vcamctl" status
}

tfe_vcamd_alive() {
	kill -0 "$(cat $TFE_VCAMD_PID)" || { echo "vcamd is gone"; tail -n 40 "$OUT/logs/testfe.vcamd.log"; return 1; }
	echo "vcamd alive"
}

# vcamd is not a child of this step's shell (each step is its own bash): no wait, so its clean
# exit shows as its last log line.
tfe_vcamd_stop() {
	local pid log=$OUT/logs/testfe.vcamd.log
	pid=$(cat $TFE_VCAMD_PID)
	kill -TERM "$pid" || return 1
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && { echo "vcamd ignored SIGTERM"; kill -9 "$pid"; return 1; }
	grep -E 'warning|error' "$log" | sed 's/^vcamd\[[0-9.]*\] //' | sort | uniq -c | sort -rn | head -n 30
	tail -n 3 "$log"
	tail -n 1 "$log" | grep -q 'notice: stopped' || { echo "vcamd did not stop cleanly"; return 1; }
}

# tfe_guest NAME RUNS: create a paused guest that runs vcam-testfe RUNS, attach the camera three
# times, unpause.  The host decides allocation and notification mode (vcamd takes them from the
# backend dir), so each kind a run needs is a device of its own, and a run's -b/-m only repeat
# what the host configured for the device it names (-d): 0 fe-alloc, event; 1 be-alloc, event;
# 2 be-alloc, hybrid.
TFE_SPEC="unique-id=video0, formats=YUYV:640x360@30/1;5/1|YUYV:3840x2160@5/1, max-buffers=8, controls=brightness;contrast"
export TFE_SPEC
tfe_guest() { # NAME RUNS [MORE-KERNEL-ARGS]
	local name=$1 runs=$2 cfg domid
	cfg=$(DOMU_ARGS="tfe=$runs ${3:-}" domu_cfg "$name" testfe) || return 1
	$XL create -p "$cfg" || return 1
	domid=$($XL domid "$name") || return 1
	"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" "$TFE_SPEC, devid=0" &&
		"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" "$TFE_SPEC, devid=1, be-alloc=1" &&
		"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" \
			"$TFE_SPEC, devid=2, be-alloc=1, notify-mode=hybrid" ||
		{ $XL destroy "$name"; return 1; }
	$XL unpause "$name"
}

tfe_runs_ok() { # FILE (a console, or part of one): every run's exit status 0 or 77
	awk '{ sub(/\r$/, "") }
		/TESTFE-RUN|TESTFE-RC|^hostile / { print }
		/TESTFE-RC [0-9]+ / && $NF != "0" && $NF != "77" { bad = 1 }
		END { exit bad }' "$1"
}

# backend/tests/rig/vcamd-lib.sh (scenario vcamd) already streams every mode x allocation and
# sends the plain hostile cases; this adds what only this scenario does: page-directory chains
# of a 4K buffer, the be-alloc variants, refs granted to a real third domain, and reconnecting
# after the backend dropped a broken ring.
TFE_BIG_RUNS="-F,3840x2160:YUYV,loop-dir+-d,1,-b,1,-F,3840x2160:YUYV,loop-dir+-d,2,-m,hybrid,-b,1,-F,$TFE_FMT,-r,$TFE_RATE,-f,100"
TFE_BIG_NRUNS=3
export TFE_BIG_RUNS TFE_BIG_NRUNS

# The two guests of the guest steps are created and boot in the background from the first step
# on, one after the other (xl create alone takes 10-40 s here), and each waits for dom0's go
# (tfgo=1).  tfesteady: first, alone on the camera (nobody else may hold the 4K format), the
# TFE_BIG_RUNS (step guest-big), then a stream until dom0 stops it (step guest-hostile).  It
# used to be two guests, one per step: a boot less (the creations are what the guest steps
# wait for).  tfehostile starts once tfesteady streams; refs granted by tfesteady, a real third
# domain.  tfe_guests_wait [NAME]: the creations' outcome (up to NAME's).
TFE_BOOT_RC=/tmp/tfe-boot.rc
export TFE_BOOT_RC
tfe_guests_boot_bg() {
	rm -f $TFE_BOOT_RC /tmp/tfe-created-*
	(
		tfe_guests_boot >"$OUT/logs/testfe.guests-create.log" 2>&1
		echo $? >$TFE_BOOT_RC.new && mv $TFE_BOOT_RC.new $TFE_BOOT_RC
	) </dev/null >/dev/null 2>&1 &
	echo "creating the guests in the background (logs/testfe.guests-create.log)"
}

tfe_guests_wait() { # [NAME]
	local i
	for i in $(seq 1500); do
		[ -e $TFE_BOOT_RC ] || { [ -n "${1:-}" ] && [ -e "/tmp/tfe-created-$1" ]; } && break
		sleep 0.2
	done
	cat "$OUT/logs/testfe.guests-create.log"
	[ -n "${1:-}" ] && [ -e "/tmp/tfe-created-$1" ] && return 0
	[ "$(cat $TFE_BOOT_RC 2>/dev/null)" = 0 ] || { echo "the guests were not created"; return 1; }
}

tfe_guests_boot() {
	local steady H="-F,$TFE_FMT" B="-d,1,-b,1,"
	# the stream: from the end of the big runs until dom0 stops it (at most 300 s), once the
	# hostile guest has ended
	tfe_guest tfesteady "$TFE_BIG_RUNS+-m,event,-F,$TFE_FMT,-r,$TFE_RATE,-s,300,-t,20000" \
		"tfgo=1 tfstop=1 tfsum=1" ||
		return 1
	touch /tmp/tfe-created-tfesteady
	steady=$($XL domid tfesteady) || return 1
	tfe_guest tfehostile "bad-index,$B$H+bad-gref,$B$H+big-dir,$B$H+foreign-gref,--foreign-domid,$steady,$H+foreign-gref,$B--foreign-domid,$steady,$H+ring-overrun,$H+wrong-state,$H+ring-indices,$B$H+bad-index,$H" \
		tfgo=1
}

tfe_go() { # NAME
	local domid
	domid=$($XL domid "$1") || { echo "no guest $1"; return 1; }
	xenstore-write "/local/domain/$domid/data/vcam-go" 1
}

# tfe_dev_frames DOMID: the frames vcamd has filled for that guest's device 0 (0 if none).
tfe_dev_frames() {
	local f
	f=$("$REPO/backend/vcamctl" status | grep "^device name=dom$1/vcam0 " |
		sed -n 's/.* streaming=1 .* frames=\([0-9]*\) .*/\1/p')
	echo "${f:-0}"
}

# tfe_wait_run NAME N TIMEOUT: until the guest's console shows the end of its run N; fails at
# once if the guest is gone (xenstore-read, not xl: each xl run is costly in dom0).
tfe_wait_run() {
	local con id end=$((SECONDS + $3))
	con=$(domu_console "$1")
	id=$($XL domid "$1") || { echo "no guest $1"; return 1; }
	while ((SECONDS < end)); do
		grep -q "^TESTFE-RC $2 " "$con" && return 0
		xenstore-read "/local/domain/$id/name" >/dev/null 2>&1 ||
			{ echo "guest $1 is gone before the end of its run $2"; tail -n 30 "$con"; return 1; }
		sleep 0.5
	done
	echo "guest $1: run $2 not over after $3 s"; tail -n 30 "$con"
	return 1
}

# A guest alone on the camera: 4K directories (nobody else may hold the format), then a stream
# (tfesteady's first TFE_BIG_NRUNS runs; it streams on afterwards, for step guest-hostile).
tfe_guest_big() {
	local con rc=0
	tfe_guests_wait tfesteady || return 1
	tfe_go tfesteady || return 1
	tfe_wait_run tfesteady $TFE_BIG_NRUNS 400 || return 1
	con=$(domu_console tfesteady)
	tfe_run_section "$con" 1 $TFE_BIG_NRUNS >/tmp/tfe-big.txt
	tfe_runs_ok /tmp/tfe-big.txt || rc=1
	! grep -nE -A5 'Oops|BUG:|WARNING:|Call Trace' "$con" || { echo "kernel trouble in tfesteady"; rc=1; }
	tfe_check_frames /tmp/tfe-big.txt 100 || rc=1
	tfe_vcamd_alive || rc=1
	return $rc
}

# Hostile guest while a steady one streams the same camera.
tfe_guest_hostile() {
	local steady con n2 f1 f i rc=0
	tfe_guests_wait || return 1
	steady=$($XL domid tfesteady) || return 1
	for i in $(seq 600); do
		[ "$(tfe_dev_frames "$steady")" -gt 0 ] && break
		$XL domid tfesteady >/dev/null 2>&1 || break
		sleep 0.2
	done
	[ "$(tfe_dev_frames "$steady")" -gt 0 ] ||
		{ echo "the steady guest does not stream"; tail -n 30 "$(domu_console tfesteady)"; return 1; }
	tfe_go tfehostile || return 1
	domu_wait_end tfehostile 500 || rc=1
	tfe_runs_ok "$(domu_console tfehostile)" || rc=1
	tfe_vcamd_alive || rc=1
	con=$(domu_console tfesteady)
	# still streaming: vcamd fills 30 more of its buffers (each one the guest gave back)
	f1=$(tfe_dev_frames "$steady")
	for i in $(seq 150); do
		f=$(tfe_dev_frames "$steady")
		[ "$f" -ge $((f1 + 30)) ] && break
		sleep 0.2
	done
	echo "steady guest: vcamd filled $f1 -> $f frames for it after the hostile guest ended"
	[ "$f" -ge $((f1 + 30)) ] || { echo "steady guest stopped streaming"; rc=1; }
	xenstore-write "/local/domain/$steady/data/vcam-stop" 1
	domu_wait_end tfesteady 200 || rc=1
	# its stream is the run after the big ones
	tfe_run_section "$con" $((TFE_BIG_NRUNS + 1)) $((TFE_BIG_NRUNS + 1)) >/tmp/tfe-steady.txt
	# the guest got them: all but those in its buffers when it stopped (8: some slack)
	n2=$(tfe_frames /tmp/tfe-steady.txt)
	echo "steady guest: $n2 frames in all, $f1 filled when the hostile guest ended"
	[ "$n2" -ge $((f1 + 30 - 8)) ] ||
		{ echo "steady guest got too few frames after the hostile guest ended"; rc=1; }
	tfe_check_frames /tmp/tfe-steady.txt 300 || rc=1
	return $rc
}

export -f tfe_vivid tfe_native tfe_frames tfe_check_frames tfe_loopback tfe_vcamd_start \
	tfe_vcamd_alive tfe_vcamd_stop tfe_guest tfe_runs_ok tfe_guests_boot_bg tfe_guests_wait \
	tfe_guests_boot tfe_go tfe_dev_frames tfe_guest_big tfe_guest_hostile tfe_run_section \
	tfe_wait_run
