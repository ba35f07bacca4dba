# Scenario save-restore (issue 10, part 3): a guest with a camera survives `xl save` + `xl restore`
# (idle, while an application streams, and while it streams from a be-alloc camera) and `xl
# migrate` to localhost.  dom0 runs vivid (a still picture), vcamd and vcam-xl-watch; the guest is
# made by a plain `xl create` of a config with vcam = [...] and driven by tests/rig/domu/agent.sh.
# After each restore: the watcher gave the new domain (new domid, same UUID, no `xl create`
# process) its camera from its record while the domain was still being built, the guest module
# reconnected it (same xenbus devid), a new capture's frames equal dom0's native capture, the
# application that streamed ended with an error (never hangs: rc 137 fails), and vcamd let go of
# the old domain's device.
# Live migration needs log-dirty mode, which Xen does for PV guests only with shadow paging, and
# Debian 12's Xen 4.17 is built without it (CONFIG_SHADOW_PAGING unset): there `xl migrate`
# fails before the guest is suspended.  The migrate step checks either outcome: the migrated
# guest as above, or a refused migration that leaves the guest and its stream alone, the
# incoming domain having got (and lost) its camera.  A refusal fails the step when the booted
# hypervisor's own build configuration (hypfs /buildinfo/config) has shadow paging: `make
# check` boots Debian's Xen rebuilt with it (RIG_XEN=shadow, lib/mk-xen-shadow).  Two domains with one UUID running at once,
# which a localhost migration makes, are proven with a clone: `xl save -c` (the guest and its
# stream go on: a cancelled suspend) + `xl restore` of that image under another name, then the
# original destroyed.  Times land in out/<run>/save-restore-times.txt.
# rig-timeout: 1800

source "$REPO/tests/rig/lib/agent-ctl.sh"

SR_BIN=$REPO/xenstore-scripts/bin
SR_TIMES=$OUT/save-restore-times.txt
SR_SAVE=/var/lib/xen/sr-guest.save
SR_SSH=/run/sr-localssh
SR_FORMATS="YUYV:320x180@30/1;15/1"
export SR_BIN SR_TIMES SR_SAVE SR_SSH SR_FORMATS

sr_setup() {
	dom0_vivid 0 n_devs=1 || return 1
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=320,height=180,pixelformat=YUYV \
		--stream-mmap --stream-count=3 --stream-to=/tmp/sr-native.raw || return 1
	dd if=/tmp/sr-native.raw bs=115200 skip=2 count=1 2>/dev/null | md5sum |
		awk '{ print $1 }' >/run/sr-native
	echo "dom0 native md5 $(cat /run/sr-native)"
	: >"$SR_TIMES"
	# `xl migrate -s CMD GUEST HOST` runs `sh -c "exec CMD HOST xl [-t] [-v...] migrate-receive
	# [-e] [-d] [-p]"` with the stream on its stdin/stdout (tools/xl/xl_migrate.c): this CMD
	# drops HOST and runs the rest here, with the real xl binary.
	cat >"$SR_SSH" <<-EOF
	#!/bin/sh
	echo "\$(date +%s.%N) \$*" >>"$OUT/logs/save-restore.ssh.log"
	shift
	[ "\$1" = xl ] && shift
	exec $XL "\$@"
	EOF
	chmod +x "$SR_SSH"
	dom0_vcamd save-restore.vcamd -v || return 1
	dom0_daemon save-restore.watch "$SR_BIN/vcam-xl-watch"
}

# sr_guest_cfg NAME [UUID]: the guest's config (a copy of srg's under another name, with UUID)
sr_guest_cfg() {
	local cfg
	cfg=$(DOMU_ARGS="agent.role=guest" domu_cfg "$1" agent \
		"vcam = [ 'unique-id=video0, devid=0, formats=$SR_FORMATS' ]") || return 1
	sed -i 's/^memory = .*/memory = 128/' "$cfg"
	[ -n "${2:-}" ] && echo "uuid = \"$2\"" >>"$cfg"
	echo "$cfg"
}

sr_boot() {
	local cfg id a
	cfg=$(sr_guest_cfg srg) || return 1
	# plain xl create: vcam-xl-watch attaches the camera
	$XL create "$cfg" || return 1
	id=$($XL domid srg) || return 1
	dd_wait "$id" boot ready 300 || { tail -n 20 "$(domu_console srg)"; return 1; }
	a=$(dd_do srg 120 frames capture 0 3) || { echo "$a"; return 1; }
	sr_expect "first boot" "$(dd_md5 "$a")"
	xenstore-ls -f /tool/vcam
}

# sr_expect WHAT GOT-MD5
sr_expect() {
	echo "$1: md5 $2, native $(cat /run/sr-native)"
	[ -n "$2" ] && [ "$2" = "$(cat /run/sr-native)" ] || { echo "$1: frames differ from native"; return 1; }
}

sr_uuid() { local v; v=$(xenstore-read "/local/domain/$1/vm") && echo "${v#/vm/}"; }

# sr_be_watch OLD OUT TIMEOUT [DEVID]: runs in the background while a restore or a migration
# runs.  Appends to OUT "ATTACHED <time> <fe>" once dom0's backend dir of camera DEVID (0) of a
# frontend domain other than OLD appears (the watcher attached the camera) and "CONNECTED <time>
# <fe>" once that backend is Connected.  One watch; the times are those of its events.
sr_be_watch() {
	local old=$1 out=$2 dev=${4:-0} fe st att="" con="" _ev fd pid
	: >"$out"
	coproc SRW { exec timeout "$3" xenstore-watch /local/domain/0/backend/vcamera 2>/dev/null; }
	fd=${SRW[0]} pid=$SRW_PID
	while read -r _ev <&"$fd"; do
		for fe in $(xenstore-list /local/domain/0/backend/vcamera 2>/dev/null); do
			[ "$fe" = "$old" ] && continue
			st=$(xenstore-read "/local/domain/0/backend/vcamera/$fe/$dev/state" 2>/dev/null) ||
				continue
			[ -z "$att" ] && { att=$fe; echo "ATTACHED $(now) $fe" >>"$out"; }
			[ "$st" = 4 ] && [ -z "$con" ] && { con=$fe; echo "CONNECTED $(now) $fe" >>"$out"; }
		done
		[ -n "$con" ] && break
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# sr_vcamd_only DOMID SECONDS: until vcamd serves no device but those of DOMID (none if empty):
# the old domain's device is gone, its grants unmapped and ports closed (vcamd_xb_disconnect)
sr_vcamd_only() {
	local i other
	for i in $(seq $(($2 * 2))); do
		other=$("$REPO/backend/vcamctl" status | sed -n 's/^device name=dom\([0-9]*\)\/.*/\1/p' |
			grep -vx "${1:-none}")
		[ -z "$other" ] && break
		sleep 0.5
	done
	"$REPO/backend/vcamctl" status | grep '^device' | cut -c1-120
	[ -z "$other" ] || { echo "vcamd still serves domain(s) $other"; return 1; }
	other=$(xenstore-list /local/domain/0/backend/vcamera 2>/dev/null | grep -vx "${1:-none}")
	[ -z "$other" ] || { echo "backend dirs left for domain(s) $other"; return 1; }
}

# sr_after KIND MODE OLD T0 T1 SEQ DEVID: the guest is back as a new domain: same devid, the
# watcher attached it while it was being built, frames equal native, vcamd serves nothing of the
# old domain; one line of times for $SR_TIMES.  T0: the command's start, T1: its end.  MODE idle:
# capture once the camera is back; stream: SEQ is the agent's stream-recover, which must end with
# an error and capture again by itself; frames: SEQ is the agent's 'stream' (of more frames than
# it can get before), which must end with an error, then capture.
sr_after() {
	local kind=$1 mode=$2 old=$3 t0=$4 t1=$5 seq=$6 dev=$7 new line ended="" att con md5 rc=0 first
	new=$($XL domid srg) || { $XL list; return 1; }
	[ "$new" != "$old" ] || { echo "srg still has domid $old"; return 1; }
	$XL list
	[ "$(sr_uuid "$new")" = "$(cat /run/sr-uuid)" ] || { echo "srg has another UUID now"; rc=1; }
	# the backend watch saw the attach and the connection
	for _ in $(seq 240); do
		grep -q CONNECTED /tmp/sr-be && break
		sleep 0.5
	done
	cat /tmp/sr-be
	att=$(awk -v fe="$new" '$1 == "ATTACHED" && $3 == fe { print $2 }' /tmp/sr-be)
	con=$(awk -v fe="$new" '$1 == "CONNECTED" && $3 == fe { print $2 }' /tmp/sr-be)
	[ -n "$att" ] && [ -n "$con" ] || { echo "no attach/connect of domain $new seen"; rc=1; }
	xenstore-read "/local/domain/$new/device/vcamera/$dev/backend-id" >/dev/null ||
		{ echo "domain $new has no vcamera $dev"; rc=1; }
	case $mode in
	stream)
		line=$(dd_wait "$new" "$seq" stream-ended 120) || { echo "$line"; rc=1; }
		echo "the application: ${line#* }"
		ended=${line%% *}
		line=$(dd_wait "$new" "$seq" back 600) || { echo "$line"; return 1; }
		;;
	frames)
		line=$(dd_wait "$new" "$seq" "done" 300) || { echo "$line"; return 1; }
		echo "the application: ${line#* }"
		ended=${line%% *}
		grep -q 'rc=137' <<<"$line" && { echo "the application hung"; rc=1; }
		# a device error, not a select timeout: the frame flow stopped without one
		grep -q ' error: ' <<<"$line" && ! grep -q 'timeout' <<<"$line" ||
			{ echo "the application did not end with an error from the device"; rc=1; }
		line=$(dd_do srg 600 frames await-capture "$dev" 3) || { echo "$line"; return 1; }
		;;
	*)
		line=$(dd_do srg 600 frames await-capture "$dev" 3) || { echo "$line"; return 1; }
		;;
	esac
	first=${line%% *}
	md5=$(dd_md5 "$line")
	{
		printf '%s, %s: %s took %s s; camera attached %s s, backend Connected %s s, 3 frames in the guest %s s after its start' \
			"$kind" "$mode" "$kind" "$(secs_between "$t0" "$t1")" \
			"$(secs_between "$t0" "${att:-$t0}")" "$(secs_between "$t0" "${con:-$t0}")" \
			"$(secs_between "$t0" "$first")"
		[ -n "$ended" ] && printf '; the streaming application ended %s s after it' \
			"$(secs_between "$t0" "$ended")"
		echo
	} | tee -a "$SR_TIMES"
	sr_expect "$kind ($mode), domain $new" "$md5" || rc=1
	grep -a "($new)" "$OUT/logs/save-restore.watch.log"
	# the watcher gave the camera to the domain while it was being built (paused, not yet
	# introduced): the guest's xenbus finds it at resume
	grep -aq "($new): .*being built" "$OUT/logs/save-restore.watch.log" ||
		{ echo "domain $new was not attached while it was being built"; rc=1; }
	sr_vcamd_only "$new" 30 || rc=1
	return $rc
}

# sr_save_restore MODE [DEVID]: xl save + xl restore, idle or (MODE stream) while an application
# streams from camera DEVID (0)
sr_save_restore() {
	local mode=$1 dev=${2:-0} old ids seq="" t0 t1 t2 t3 p rc=0
	old=$($XL domid srg) || return 1
	sr_uuid "$old" >/run/sr-uuid
	if [ "$mode" = stream ]; then
		ids=$(dd_send srg stream-recover "$dev" 3) || return 1
		dd_wait "${ids% *}" "${ids#* }" streaming 120 || return 1
		seq=${ids#* }
	fi
	t0=$(now)
	$XL save srg "$SR_SAVE" || return 1
	t1=$(now)
	ls -l "$SR_SAVE"
	# the saved guest is gone, its records are not; vcamd let go of its device
	$XL domid srg 2>/dev/null && { echo "srg still exists after xl save"; return 1; }
	xenstore-ls -f "/tool/vcam/$(cat /run/sr-uuid)" || { echo "the saved guest's records are gone"; rc=1; }
	sr_vcamd_only "" 30 || rc=1
	echo "save, $mode${2:+ (camera $dev)}: xl save took $(secs_between "$t0" "$t1") s" |
		tee -a "$SR_TIMES"
	sr_be_watch "$old" /tmp/sr-be 300 "$dev" &
	p=$!
	t2=$(now)
	$XL restore "$SR_SAVE" || { kill $p; return 1; }
	t3=$(now)
	rm -f "$SR_SAVE"
	sr_after restore "$mode" "$old" "$t2" "$t3" "$seq" "$dev" || rc=1
	kill $p 2>/dev/null
	return $rc
}

# The same while an application streams from a be-alloc camera: its buffers map the backend's
# pages into the guest's kernel page tables, which a save cannot take; the module's .suspend
# drops that connection and unmaps them first.  The restored guest must not fail any unmap.
sr_be_alloc() {
	local a rc=0 con
	"$SR_BIN/vcam-attach" srg "unique-id=video0, devid=1, be-alloc=1, formats=$SR_FORMATS" ||
		return 1
	a=$(dd_do srg 120 frames await-capture 1 3) || { echo "$a"; return 1; }
	sr_expect "be-alloc camera" "$(dd_md5 "$a")" || rc=1
	sr_save_restore stream 1 || rc=1
	# the guest's kernel log (the console only shows warnings): what the module did
	dd_do srg 60 diag diag >/dev/null
	con=$(ls "$OUT"/consoles/guest-srg*.log)
	# shellcheck disable=SC2086
	grep -a 'Failed to unmap\|DIAG.*vcamera' $con | tail -n 12
	# shellcheck disable=SC2086
	grep -aq 'Failed to unmap' $con && { echo "the restored guest failed unmaps"; rc=1; }
	# shellcheck disable=SC2086
	grep -aq "DIAG.*vcamera-1: suspending with the backend's pages mapped" $con ||
		{ echo "the module did not drop the be-alloc connection before the suspend"; rc=1; }
	"$SR_BIN/vcam-detach" srg 1 || rc=1
	return $rc
}

# sr_count NAME DEVID: frames of the agent's 'stream' on camera DEVID of domain NAME so far
sr_count() {
	local line
	line=$(dd_do "$1" 60 count stream-count "$2") || { echo "$line" >&2; return 1; }
	sed -n 's/.* frames=\([0-9]*\)$/\1/p' <<<"$line"
}

# sr_goes_on NAME DEVID COUNT: until the stream has 5 frames more than COUNT (more than a
# queue of buffers filled before: frames delivered since), at most 60 s
sr_goes_on() {
	local i c
	for i in $(seq 30); do
		c=$(sr_count "$1" "$2") || return 1
		[ "$c" -gt $(($3 + 4)) ] && { echo "$1's stream: $3 frames before, $c now"; return 0; }
		sleep 2
	done
	echo "$1's stream stalled at $c frames ($3 before)"
	return 1
}

# sr_stop NAME DOMID SEQ DEVID: stop the agent's 'stream' and check that it ended by that
sr_stop() {
	local line
	dd_do "$1" 60 stopped stream-stop "$4" >/dev/null || return 1
	line=$(dd_wait "$2" "$3" "done" 60) || { echo "$line"; return 1; }
	echo "$1's stream: ${line#* }"
	grep -q 'rc=137' <<<"$line" && { echo "$1's stream hung"; return 1; }
	return 0
}

# xl migrate to localhost while an application streams.  A migrated guest is checked as a
# restored one.  A migration this Xen refuses (see the top) must leave the guest as it was: same
# domain, the stream goes on, the camera works; the incoming domain got its camera while it was
# being built, and lost it with its death.
sr_migrate() {
	local old ids seq t0 t1 p c rc=0 incoming a
	old=$($XL domid srg) || return 1
	sr_uuid "$old" >/run/sr-uuid
	ids=$(dd_send srg stream 0 100000) || return 1
	dd_wait "${ids% *}" "${ids#* }" streaming 120 || return 1
	seq=${ids#* }
	c=$(sr_count srg 0) || return 1
	sr_be_watch "$old" /tmp/sr-be 300 &
	p=$!
	t0=$(now)
	if $XL migrate -s "$SR_SSH" srg localhost >"$OUT/logs/save-restore.xl-migrate.log" 2>&1; then
		t1=$(now)
		grep -v progress "$OUT/logs/save-restore.xl-migrate.log"
		sr_after migrate frames "$old" "$t0" "$t1" "$seq" 0 || rc=1
		kill $p 2>/dev/null
		return $rc
	fi
	t1=$(now)
	kill $p 2>/dev/null
	grep -v progress "$OUT/logs/save-restore.xl-migrate.log"
	echo "what xl ran: $(tail -n 1 "$OUT/logs/save-restore.ssh.log")"
	xenhypfs cat /buildinfo/config 2>/dev/null | grep -qx 'CONFIG_SHADOW_PAGING=y' &&
		{ echo "xl migrate failed, and this Xen has shadow paging (log-dirty mode)"; return 1; }
	grep -q 'Failed to enable logdirty' "$OUT/logs/save-restore.xl-migrate.log" ||
		{ echo "xl migrate failed, and not for want of log-dirty mode"; return 1; }
	echo "migrate, streaming: xl migrate refused after $(secs_between "$t0" "$t1") s (this Xen has no log-dirty mode for PV guests: CONFIG_SHADOW_PAGING unset); the guest went on" |
		tee -a "$SR_TIMES"
	[ "$($XL domid srg)" = "$old" ] || { echo "srg is not domain $old any more"; return 1; }
	sr_goes_on srg 0 "$c" || rc=1
	sr_stop srg "$old" "$seq" 0 || rc=1
	a=$(dd_do srg 120 frames capture 0 3) || { echo "$a"; return 1; }
	sr_expect "after the refused migration" "$(dd_md5 "$a")" || rc=1
	# how long the incoming domain lived depends on how soon the sender gave up: the watcher
	# attached its camera, or found it gone when it tried
	incoming=$(sed -n 's/.* srg--incoming (\([0-9]*\)): attach.*being built.*/\1/p' \
		"$OUT/logs/save-restore.watch.log" | tail -n 1)
	echo "incoming domain: ${incoming:-none}"
	[ -n "$incoming" ] ||
		{ echo "the watcher did not give the incoming domain its camera while it was being built"; rc=1; }
	# it died without ever being introduced (no @releaseDomain): its nodes go all the same
	sr_vcamd_only "$old" 30 || rc=1
	grep -a "($incoming)\|vcamera/$incoming " "$OUT/logs/save-restore.watch.log"
	return $rc
}

# Two domains with one UUID, both running (what a localhost migration makes, for a moment):
# `xl save -c` takes an image while the guest and a stream go on (a cancelled suspend: no resume
# for the module, the connection goes on), `xl restore` starts that image as srg2 with srg's
# UUID.  srg2 gets the camera while it is being built, its copy of the stream ends, its camera
# works; srg keeps its own camera and stream.  Then srg is destroyed, as the sender of a
# migration does: the records stay (srg2 has the UUID), vcamd lets go of srg's device, and srg2
# takes the name srg for the steps after this one.
sr_clone() {
	local old uuid ids seq t0 t1 t2 t3 p clone line a c rc=0
	old=$($XL domid srg) || return 1
	uuid=$(sr_uuid "$old") || return 1
	echo "$uuid" >/run/sr-uuid
	ids=$(dd_send srg stream 0 100000) || return 1
	dd_wait "$old" "${ids#* }" streaming 120 || return 1
	seq=${ids#* }
	c=$(sr_count srg 0) || return 1
	t0=$(now)
	$XL save -c srg "$SR_SAVE" >/tmp/sr-save.log 2>&1 || { cat /tmp/sr-save.log; return 1; }
	t1=$(now)
	[ "$($XL domid srg)" = "$old" ] || { echo "srg is not domain $old any more"; return 1; }
	echo "checkpoint: xl save -c took $(secs_between "$t0" "$t1") s; the guest and its stream went on" |
		tee -a "$SR_TIMES"
	sr_goes_on srg 0 "$c" || rc=1
	sr_be_watch "$old" /tmp/sr-be 300 &
	p=$!
	t2=$(now)
	$XL restore "$(sr_guest_cfg srg2 "$uuid")" "$SR_SAVE" || { kill $p; return 1; }
	t3=$(now)
	rm -f "$SR_SAVE"
	clone=$($XL domid srg2) || return 1
	$XL list
	# srg2's copy of the stream ended (the old connection is gone), its camera works
	line=$(dd_wait "$clone" "$seq" "done" 300) || { echo "$line"; return 1; }
	echo "srg2's copy of the stream: ${line#* }"
	grep -q 'rc=137' <<<"$line" && { echo "srg2's stream hung"; rc=1; }
	grep -q ' error: ' <<<"$line" && ! grep -q 'timeout' <<<"$line" ||
		{ echo "srg2's stream did not end with an error from the device"; rc=1; }
	line=$(dd_do srg2 300 frames await-capture 0 3) || { echo "$line"; return 1; }
	sr_expect "srg2 (domain $clone)" "$(dd_md5 "$line")" || rc=1
	echo "clone: xl restore of the checkpoint as srg2 took $(secs_between "$t2" "$t3") s; 3 frames in srg2 $(secs_between "$t2" "${line%% *}") s after its start" |
		tee -a "$SR_TIMES"
	# srg streamed all along, beside its clone
	c=$(sr_count srg 0) || return 1
	sr_goes_on srg 0 "$c" || rc=1
	sr_stop srg "$old" "$seq" 0 || rc=1
	a=$(dd_do srg 120 frames capture 0 3) || { echo "$a"; return 1; }
	sr_expect "srg beside its clone" "$(dd_md5 "$a")" || rc=1
	grep -aq "srg2 ($clone): .*being built" "$OUT/logs/save-restore.watch.log" ||
		{ echo "srg2 was not attached while it was being built"; rc=1; }
	"$SR_BIN/vcam-list" srg srg2
	kill $p 2>/dev/null
	# the migration's last act: the old domain goes
	$XL destroy srg || return 1
	sr_vcamd_only "$clone" 30 || rc=1
	xenstore-ls -f "/tool/vcam/$uuid" || { echo "records gone with srg2 still there"; rc=1; }
	xenstore-read "/tool/vcam/$uuid/suspended" 2>/dev/null && { echo "a suspended mark is left"; rc=1; }
	$XL rename srg2 srg || rc=1
	return $rc
}

# The guest powers off: no oops in any of its consoles (a migrated guest's console log carries
# the incoming domain's name), its records go, nothing is left in vcamd or xenstore.
sr_end() {
	local i con rc=0
	dd_send srg exit >/dev/null || return 1
	for i in $(seq 240); do $XL domid srg >/dev/null 2>&1 || break; sleep 0.5; done
	$XL domid srg >/dev/null 2>&1 && { echo "srg still runs"; $XL destroy srg; rc=1; }
	con=$(ls "$OUT"/consoles/guest-srg*.log)
	echo "consoles: $con"
	# shellcheck disable=SC2086
	grep -aE -A8 'Oops|BUG:|WARNING:|Call Trace' $con && { echo "kernel trouble in the guest"; rc=1; }
	# shellcheck disable=SC2086
	grep -aq 'VCAMTEST-PASS' $con || { echo "no VCAMTEST-PASS"; rc=1; }
	for i in $(seq 60); do
		[ -z "$(xenstore-list /tool/vcam 2>/dev/null)" ] && break
		sleep 0.5
	done
	xenstore-ls -f /tool/vcam 2>/dev/null
	[ -z "$(xenstore-list /tool/vcam 2>/dev/null)" ] || { echo "records left"; rc=1; }
	sr_vcamd_only "" 30 || rc=1
	return $rc
}

sr_cleanup() {
	dom0_daemon_stop save-restore.watch save-restore.vcamd
	rmmod vivid
	cat "$SR_TIMES"
}

export -f sr_setup sr_boot sr_expect sr_uuid sr_be_watch sr_vcamd_only sr_after \
	sr_save_restore sr_migrate sr_be_alloc sr_clone sr_end sr_cleanup sr_guest_cfg sr_count \
	sr_goes_on sr_stop

step setup 60 sr_setup
step guest-boot 360 sr_boot
step save-restore-idle 300 sr_save_restore idle
step save-restore-streaming 300 sr_save_restore stream
step save-restore-be-alloc 300 sr_be_alloc
step migrate-streaming 300 sr_migrate
step clone-same-uuid 420 sr_clone
step guest-end 180 sr_end
step cleanup 30 sr_cleanup
