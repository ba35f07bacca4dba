# Scenario driver-domain (issue 10): cameras served from driver domains, and recovery without
# anyone's help.  Two PV driver domains (driver_domain = 1, on_crash = "restart"), each running
# vivid and vcamd (tests/rig/domu/agent.sh, role dd), with different pictures; dom0 runs vivid
# (a third picture), vcamd and vcam-xl-watch.  Guests made by a plain `xl create`, together with
# the driver domains as at a host's boot:
#   ddg1: camera 0 from camdd1, camera 1 from camdd2   (one guest, two driver domains)
#   ddg2: camera 0 from camdd1, camera 1 from dom0      (one driver domain, two guests)
# Every guest frame equals its own backend's native capture.  Then, while an application streams
# from each of the four cameras, three faults at once: `xl destroy camdd1` (+ `xl create` again),
# a kernel panic in camdd2 (sysrq c) that xl restarts, and vcamd kill -9 in dom0 (+ restart).
# Every application ends with an error (no hang), the watcher gives the guests their cameras
# back for the new backends, each on the /dev/videoN it had, and a new capture's frames equal the
# (new) backend's native capture.  A guest created while its driver domain is down gets its camera when the driver
# domain appears.  Recovery times land in out/<run>/driver-domain-times.txt.  Guests must end
# without an oops; records are pruned.
# rig-timeout: 1800

DDS=$REPO/xenstore-scripts/bin
DD_FORMATS="YUYV:320x180@30/1;15/1"
DD_TIMES=$OUT/driver-domain-times.txt
export DDS DD_FORMATS DD_TIMES
# dd_wait, dd_send, dd_do, dd_md5, dd_ready, dd_cfg: dom0's side of domu/agent.sh
source "$REPO/tests/rig/lib/agent-ctl.sh"

# dd_ready_both TIMEOUT: both driver domains, each answer timed when it comes
dd_ready_both() {
	local p1 p2 rc=0
	dd_ready camdd1 "$1" >/tmp/dd-ready1.log 2>&1 &
	p1=$!
	dd_ready camdd2 "$1" >/tmp/dd-ready2.log 2>&1 &
	p2=$!
	wait $p1 || rc=1
	wait $p2 || rc=1
	cat /tmp/dd-ready1.log /tmp/dd-ready2.log
	return $rc
}

# dd_expect WHAT GOT-MD5 NATIVE-FILE
dd_expect() {
	echo "$1: md5 $2, native $(cat "$3")"
	[ -n "$2" ] && [ "$2" = "$(cat "$3")" ] || { echo "$1: frames differ from native"; return 1; }
}

dd_setup() {
	dom0_vivid 0 n_devs=1 || return 1
	# a third picture, so that no two backends can be mistaken for each other
	v4l2-ctl -d /dev/video0 -c test_pattern=1 || return 1
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=320,height=180,pixelformat=YUYV \
		--stream-mmap --stream-count=3 --stream-to=/tmp/dd-native0.raw || return 1
	dd if=/tmp/dd-native0.raw bs=115200 skip=2 count=1 2>/dev/null | md5sum |
		awk '{ print $1 }' >/run/dd-native-dom0
	echo "dom0 native md5 $(cat /run/dd-native-dom0)"
	: >"$DD_TIMES"
	dom0_vcamd driver-domain.vcamd -v || return 1
	dom0_daemon driver-domain.watch "$DDS/vcam-xl-watch"
}

# Driver domains and guests are created together, as at a host's boot: the guests' cameras are
# attached while the driver domains still boot, and each vcamd finds its backend dirs waiting.
dd_boot() {
	local g c1 cfg
	$XL create "$(dd_cfg camdd1 0)" || return 1
	$XL create "$(dd_cfg camdd2 6)" || return 1
	cat "$OUT/cfg/camdd1.cfg"
	for g in ddg1 ddg2; do
		if [ $g = ddg1 ]; then c1="backend=camdd2"; else c1="backend=Domain-0"; fi
		cfg=$(DOMU_ARGS="agent.role=guest" domu_cfg $g agent \
			"vcam = [ 'backend=camdd1, unique-id=video0, devid=0, formats=$DD_FORMATS', '$c1, unique-id=video0, devid=1, formats=$DD_FORMATS' ]") ||
			return 1
		sed -i 's/^memory = .*/memory = 160/' "$cfg"
		# plain xl create: vcam-xl-watch attaches the cameras
		$XL create "$cfg" || return 1
	done
	dd_ready_both 400 || return 1
	[ "$(cat /run/dd-native-camdd1)" != "$(cat /run/dd-native-camdd2)" ] &&
	[ "$(cat /run/dd-native-camdd1)" != "$(cat /run/dd-native-dom0)" ] &&
	[ "$(cat /run/dd-native-camdd2)" != "$(cat /run/dd-native-dom0)" ] ||
		{ echo "two backends show the same picture: a mix-up could pass"; return 1; }
}

dd_guests() {
	local g
	for g in ddg1 ddg2; do dd_wait "$($XL domid $g)" boot ready 300 || return 1; done
	"$DDS/vcam-list" ddg1 ddg2
}

# The records: dom0's alone, keyed by the guests' UUIDs, naming backends by name.
dd_records() {
	local g id uuid rc=0
	xenstore-ls -p /tool/vcam | tee /tmp/dd-records.txt
	grep -v '(n0)$' /tmp/dd-records.txt && { echo "record nodes not dom0-only"; rc=1; }
	xenstore-ls -p /tool | grep -E '^vcam = .*\(n0\)$' || { echo "/tool/vcam not n0"; rc=1; }
	for g in ddg1 ddg2; do
		id=$($XL domid $g) || return 1
		uuid=$(xenstore-read "/local/domain/$id/vm") || return 1
		uuid=${uuid#/vm/}
		# libxl's node: the guest may read it, never write it
		xenstore-ls -p "/local/domain/$id" | grep -E "^vm = .*\\(n0,r$id\\)\$" ||
			{ echo "/local/domain/$id/vm is not (n0,r$id)"; rc=1; }
		xenstore-read "/tool/vcam/$uuid/0/spec" | grep -q 'backend=camdd1,' ||
			{ echo "$g camera 0 not recorded with backend camdd1"; rc=1; }
	done
	return $rc
}

dd_capture_all() {
	local a b c d rc=0
	a=$(dd_do ddg1 120 frames capture 0 3) && b=$(dd_do ddg1 120 frames capture 1 3) &&
	c=$(dd_do ddg2 120 frames capture 0 3) && d=$(dd_do ddg2 120 frames capture 1 3) ||
		{ echo "$a $b $c $d"; return 1; }
	# each camera's node, which it must get back after a recovery
	echo "$a" | grep -o '/dev/video[0-9]*' >/run/dd-node-ddg1-0
	echo "$b" | grep -o '/dev/video[0-9]*' >/run/dd-node-ddg1-1
	echo "$c" | grep -o '/dev/video[0-9]*' >/run/dd-node-ddg2-0
	echo "$d" | grep -o '/dev/video[0-9]*' >/run/dd-node-ddg2-1
	dd_expect "ddg1 camera 0 (camdd1)" "$(dd_md5 "$a")" /run/dd-native-camdd1 || rc=1
	dd_expect "ddg1 camera 1 (camdd2)" "$(dd_md5 "$b")" /run/dd-native-camdd2 || rc=1
	dd_expect "ddg2 camera 0 (camdd1)" "$(dd_md5 "$c")" /run/dd-native-camdd1 || rc=1
	dd_expect "ddg2 camera 1 (dom0)" "$(dd_md5 "$d")" /run/dd-native-dom0 || rc=1
	return $rc
}

# dd_stream_recover GUEST DEVID: the guest streams from DEVID and, once the camera failed, waits
# for it to come back; prints "DOMID SEQ" once the stream runs
dd_stream_recover() {
	local ids
	ids=$(dd_send "$1" stream-recover "$2" 3) || return 1
	dd_wait ${ids% *} ${ids#* } streaming 120 >&2 || return 1
	echo "$ids"
}

# dd_follow GUEST "DOMID SEQ" OUT: waits for the guest's stream to end and its camera to be back;
# OUT gets "ENDED <time>" and "BACK <time> <dev> <md5>".  Runs in the background while the
# scenario brings the backend back, so the times are the answers' own.
dd_follow() {
	local g=$1 id=${2% *} seq=${2#* } out=$3 line
	: >"$out"
	line=$(dd_wait "$id" "$seq" stream-ended 120) || { echo "$line"; return 1; }
	echo "$g: stream ended: ${line#* }"
	echo "ENDED ${line%% *}" >>"$out"
	line=$(dd_wait "$id" "$seq" back 600) || {
		echo "$line"
		grep -a '^DIAG' "$(domu_console "$g")" | tail -n 60
		return 1
	}
	echo "$g: back: ${line#* }"
	echo "BACK ${line%% *} $(sed -n 's/^[^ ]* \(\/dev\/video[0-9]*\) md5 \([0-9a-f]*\).*/\1 \2/p' <<<"$line")" >>"$out"
}

# dd_figures GUEST DEVID NATIVE-FILE T-FAULT T-START CASE START-EVENT [DRIVER-DOMAIN]: the
# guest's frames after recovery against the backend's (new) native capture, on the camera's own
# node as before, and one line of times for $DD_TIMES (with DRIVER-DOMAIN: also from the moment
# its boot was done, vcamd up).  dd_follow's output is /tmp/dd-f-GUEST-DEVID.
dd_figures() {
	local g=$1 out=/tmp/dd-f-$1-$2 ended back dev md5 up= rc=0
	ended=$(sed -n 's/^ENDED //p' "$out")
	read -r back dev md5 <<<"$(sed -n 's/^BACK //p' "$out")"
	[ -n "$ended" ] && [ -n "$back" ] || { echo "$g: no recovery seen"; return 1; }
	[ -n "${8:-}" ] &&
		up=", $(secs_between "$(cat "/run/dd-ready-$8")" "$back") s after $8's boot was done (vcamd up)"
	echo "$6, $g: the application's stream ended $(secs_between "$4" "$ended") s after the fault;" \
		"first frames of a new capture $(secs_between "$5" "$back") s after $7$up (on $dev)" |
		tee -a "$DD_TIMES"
	dd_expect "$g after $6" "$md5" "$3" || rc=1
	[ "$dev" = "$(cat "/run/dd-node-$g-$2")" ] ||
		{ echo "$g camera $2 came back on $dev, not on $(cat "/run/dd-node-$g-$2")"; rc=1; }
	return $rc
}

# ddg3 (left paused: only its xenstore nodes matter) is created while camdd1 is down
dd_pending_create() {
	local cfg id uuid
	cfg=$(domu_cfg ddg3 agent \
		"vcam = [ 'backend=camdd1, unique-id=video0, devid=0, formats=$DD_FORMATS' ]") || return 1
	sed -i 's/^memory = .*/memory = 128/' "$cfg"
	$XL create -p "$cfg" || return 1
	id=$($XL domid ddg3) || return 1
	uuid=$(xenstore-read "/local/domain/$id/vm") || return 1
	for i in $(seq 100); do
		xenstore-read "/tool/vcam/${uuid#/vm/}/0/spec" >/dev/null 2>&1 && break
		sleep 0.1
	done
	xenstore-read "/tool/vcam/${uuid#/vm/}/0/spec" || { echo "ddg3: no record"; return 1; }
	xenstore-read "/local/domain/$id/device/vcamera/0" 2>/dev/null &&
		{ echo "ddg3 got a camera with no backend"; return 1; }
	"$DDS/vcam-list" ddg3 | tee /tmp/dd-list3.txt
	grep -q "waiting for backend domain 'camdd1'" /tmp/dd-list3.txt
}

# ... and gets it once camdd1 is back
dd_pending_attached() {
	local id be i
	id=$($XL domid ddg3) || return 1
	be=$($XL domid camdd1) || return 1
	for i in $(seq 100); do
		xenstore-read "/local/domain/$be/backend/vcamera/$id/0/state" >/dev/null 2>&1 && break
		sleep 0.1
	done
	"$DDS/vcam-list" ddg3
	[ "$(xenstore-read "/local/domain/$id/device/vcamera/0/backend-id")" = "$be" ] ||
		{ echo "ddg3's camera was not attached to camdd1 ($be)"; return 1; }
	$XL destroy ddg3
}

# dd_restarted NAME OLD-DOMID T0: waits (up to 400 s after T0) for a domain NAME other than
# OLD-DOMID; prints "<epoch seconds> <domid>" (within a second of its creation)
dd_restarted() {
	local new
	while :; do
		new=$($XL domid "$1" 2>/dev/null)
		[ -n "$new" ] && [ "$new" != "$2" ] && { echo "$(now) $new"; return 0; }
		awk -v a="$3" -v b="$(now)" 'BEGIN { exit !(b - a > 400) }' && return 1
		sleep 1
	done
}

# All three faults at once, each while a guest application streams from the camera it hits (one
# boot for the three cases; the times below are under that combined load):
#   xl destroy camdd1 + xl create again  -> ddg1 camera 0, ddg2 camera 0
#   a kernel panic in camdd2, on_crash = "restart" -> ddg1 camera 1
#   vcamd kill -9 in dom0 + restart      -> ddg2 camera 1 (no xenstore change at all: only the
#                                           frontend's stream watchdog can tell)
dd_faults() {
	local s10 s11 s20 s21 p10 p11 p20 p21 pr t0 t1 t2 tn tv old new p rc=0
	s10=$(dd_stream_recover ddg1 0) && s11=$(dd_stream_recover ddg1 1) &&
	s20=$(dd_stream_recover ddg2 0) && s21=$(dd_stream_recover ddg2 1) || return 1
	dd_follow ddg1 "$s10" /tmp/dd-f-ddg1-0 >/tmp/dd-f-ddg1-0.log 2>&1 &
	p10=$!
	dd_follow ddg1 "$s11" /tmp/dd-f-ddg1-1 >/tmp/dd-f-ddg1-1.log 2>&1 &
	p11=$!
	dd_follow ddg2 "$s20" /tmp/dd-f-ddg2-0 >/tmp/dd-f-ddg2-0.log 2>&1 &
	p20=$!
	dd_follow ddg2 "$s21" /tmp/dd-f-ddg2-1 >/tmp/dd-f-ddg2-1.log 2>&1 &
	p21=$!
	old=$($XL domid camdd2) || return 1
	t0=$(now)
	$XL destroy camdd1 || return 1
	dd_send camdd2 crash >/dev/null || return 1
	# xl's monitor sees the panic and creates camdd2 again (on_crash = "restart"): note when
	dd_restarted camdd2 "$old" "$t0" >/tmp/dd-restarted &
	pr=$!
	kill -9 "$(cat /run/driver-domain.vcamd.pid)" || return 1
	# every application ends while its backend is away; with no backend at all (vcamd
	# killed) the frontend's watchdog is what ends it
	dd_wait ${s10% *} ${s10#* } stream-ended 90 && dd_wait ${s20% *} ${s20#* } stream-ended 90 &&
	dd_wait ${s21% *} ${s21#* } stream-ended 90 || return 1
	# a guest created meanwhile: its camera waits for camdd1 (record only)
	dd_pending_create || rc=1
	t1=$(now)
	$XL create "$OUT/cfg/camdd1.cfg" || return 1
	t2=$(now)
	echo "destroy + create camdd1: xl create took $(secs_between "$t1" "$t2") s" | tee -a "$DD_TIMES"
	tv=$(now)
	dom0_vcamd driver-domain.vcamd2 -v || return 1
	wait $pr || { echo "camdd2 was not restarted"; return 1; }
	read -r tn new </tmp/dd-restarted
	echo "panic + restart camdd2: domain $old panicked, domain $new exists $(secs_between "$t0" "$tn") s after the fault" |
		tee -a "$DD_TIMES"
	grep -a 'sysrq triggered crash' "$(domu_console camdd2)" | tr -d '\r' | head -n 1 ||
		{ echo "no panic in camdd2's console"; rc=1; }
	dd_ready_both 600 || rc=1
	for p in $p10 $p11 $p20 $p21; do wait "$p" || rc=1; done
	cat /tmp/dd-f-ddg1-0.log /tmp/dd-f-ddg1-1.log /tmp/dd-f-ddg2-0.log /tmp/dd-f-ddg2-1.log
	dd_figures ddg1 0 /run/dd-native-camdd1 "$t0" "$t1" "destroy + create camdd1" \
		"xl create" camdd1 || rc=1
	dd_figures ddg2 0 /run/dd-native-camdd1 "$t0" "$t1" "destroy + create camdd1" \
		"xl create" camdd1 || rc=1
	dd_figures ddg1 1 /run/dd-native-camdd2 "$t0" "$tn" "panic + restart camdd2" \
		"the new domain was seen" camdd2 || rc=1
	dd_figures ddg2 1 /run/dd-native-dom0 "$t0" "$tv" "vcamd kill -9 in dom0" \
		"vcamd's restart" || rc=1
	dd_pending_attached || rc=1
	grep -a 're-attached\|removed /local\|waits for' "$OUT/logs/driver-domain.watch.log"
	return $rc
}

dd_guests_end() { agents_end ddg1 ddg2; }

# Guests gone: the watcher removed their records and the driver domains' backend dirs.
dd_pruned() {
	local i d id
	$XL destroy ddg3 2>/dev/null
	for i in $(seq 60); do
		[ -z "$(xenstore-list /tool/vcam 2>/dev/null)" ] && break
		sleep 0.5
	done
	xenstore-ls -f /tool/vcam 2>/dev/null
	[ -z "$(xenstore-list /tool/vcam 2>/dev/null)" ] || { echo "records left"; return 1; }
	for d in camdd1 camdd2; do
		id=$($XL domid $d) || return 1
		xenstore-ls -f "/local/domain/$id/backend/vcamera" 2>/dev/null | grep . &&
			{ echo "$d: backend dirs left"; return 1; }
	done
	grep -a 'no domain has that UUID' "$OUT/logs/driver-domain.watch.log"
}

dd_cleanup() {
	local d i pid rc=0
	for d in camdd1 camdd2; do dd_send $d exit >/dev/null; done
	for d in camdd1 camdd2; do
		for i in $(seq 60); do $XL domid $d >/dev/null 2>&1 || break; sleep 0.5; done
		$XL destroy $d 2>/dev/null
	done
	# the driver domains' kernels: only camdd2's deliberate panic
	grep -aE 'Oops|BUG:|WARNING:' "$(domu_console camdd1)" "$(domu_console camdd2)" && rc=1
	# the faults step replaces vcamd by vcamd2; if it stopped before, the first one still runs
	# and would fight the next scenario's vcamd over every backend dir
	pid=$(cat /run/driver-domain.vcamd.pid 2>/dev/null)
	[ -n "$pid" ] && grep -qa 'backend/vcamd' "/proc/$pid/cmdline" 2>/dev/null &&
		kill -TERM "$pid"
	dom0_daemon_stop driver-domain.watch driver-domain.vcamd2
	rmmod vivid
	cat "$DD_TIMES"
	return $rc
}

export -f dd_wait dd_send dd_do dd_md5 dd_ready dd_ready_both dd_expect dd_setup dd_cfg dd_boot \
	dd_guests dd_records dd_capture_all dd_stream_recover dd_follow dd_figures \
	dd_pending_create dd_pending_attached dd_restarted \
	dd_faults dd_guests_end dd_pruned dd_cleanup

step setup 60 dd_setup
step boot 600 dd_boot
step guests-ready 300 dd_guests
step records 30 dd_records
step frames-equal-native 300 dd_capture_all
step faults-recover 1200 dd_faults
step guests-no-oops 150 dd_guests_end
step records-pruned 30 dd_pruned
step cleanup 90 dd_cleanup
