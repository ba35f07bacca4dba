# Scenario toolstack: `xl create` of a config with vcam= / vcamera= lines gets its cameras from
# vcam-xl-watch (config overrides honoured), with exact nodes and permissions; re-attach is a
# no-op; bad specs attach nothing; detach with and without a closing backend; vcam-xl create;
# a domain's death leaves no vcam nodes behind.  No vcamd and no frontend needed.  The guests
# that stay paused are created in the background while a step waits for another one to boot.
# rig-timeout: 600

TS=$REPO/xenstore-scripts/bin
TS_LOG=$OUT/logs/toolstack.watch.log
export TS TS_LOG

ts_domid() { $XL domid "$1"; }
ts_fe() { echo "/local/domain/$1/device/vcamera/$2"; }
ts_be() { echo "/local/domain/0/backend/vcamera/$1/$2"; }

# ts_wait_node PATH SECONDS: poll until PATH exists.
ts_wait_node() {
	local i
	for i in $(seq $(($2 * 10))); do
		xenstore-read "$1" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "$1 did not appear within $2 s"
	return 1
}

# ts_expect PATH VALUE
ts_expect() {
	local v
	v=$(xenstore-read "$1") || { echo "missing: $1"; return 1; }
	[ "$v" = "$2" ] || { echo "$1 = '$v', expected '$2'"; return 1; }
}

# ts_perms DIR PERMS: every node under DIR (and DIR) carries exactly PERMS, e.g. n5,r0
ts_perms() {
	local bad
	xenstore-ls -p "$1" >/tmp/ts-perms.txt || return 1
	bad=$(grep -v "($2)\$" /tmp/ts-perms.txt)
	[ -z "$bad" ] || { echo "nodes under $1 without ($2):"; echo "$bad"; return 1; }
	# the directory itself, seen from its parent
	xenstore-ls -p "$(dirname "$1")" | grep -E "^$(basename "$1") = .*\\($2\\)\$" >/dev/null ||
		{ echo "$1 itself lacks ($2)"; xenstore-ls -p "$(dirname "$1")"; return 1; }
	echo "perms ok: $1 ($2), $(wc -l </tmp/ts-perms.txt) nodes"
}

# up once it says it watches (the log is shared by its runs: one more such line)
ts_watch_start() {
	local n i pid
	n=$(grep -c 'watching for domains' "$TS_LOG" 2>/dev/null)
	"$TS/vcam-xl-watch" >>"$TS_LOG" 2>&1 &
	pid=$!
	echo $pid >/tmp/ts-watch.pid
	for i in $(seq 100); do
		kill -0 $pid 2>/dev/null || break
		[ "$(grep -c 'watching for domains' "$TS_LOG")" -gt "${n:-0}" ] && break
		sleep 0.1
	done
	kill -0 $pid || { cat "$TS_LOG"; return 1; }
	cat "$TS_LOG"
}

# ts_create_bg NAME TEST [CFG-LINE...]: `xl create -p` of that guest in the background (20 s
# here), while another step waits for a guest; ts_created NAME waits for it, fails if it failed.
ts_create_bg() {
	local name=$1 cfg
	cfg=$(domu_cfg "$@") || return 1
	rm -f "/tmp/ts-create-$name.rc"
	(
		$XL create -p "$cfg" >"/tmp/ts-create-$name.log" 2>&1
		echo $? >"/tmp/ts-create-$name.rc.new"
		mv "/tmp/ts-create-$name.rc.new" "/tmp/ts-create-$name.rc"
	) </dev/null >/dev/null 2>&1 &
	echo "creating $name in the background"
}

ts_created() {
	local i
	for i in $(seq 600); do [ -e "/tmp/ts-create-$1.rc" ] && break; sleep 0.2; done
	cat "/tmp/ts-create-$1.log"
	[ "$(cat "/tmp/ts-create-$1.rc" 2>/dev/null)" = 0 ] || { echo "$1 not created"; return 1; }
}

ts_create_with_override() {
	local cfg
	# the file's vcam line names video9; the command-line override must win (as in xl)
	cfg=$(domu_cfg tsguest toolstack \
		"vcam = [ 'unique-id=video9, formats=GREY:8x8@1/1' ]" \
		"vcamera = [[ 'backend=Domain-0, unique-id=video1, devid=5, be-alloc=1', 'format=GREY, resolution=320x240, frame-rates=30/1' ]]")
	$XL create -p "$cfg" \
		"vcam=['backend=0, unique-id=video0, max-buffers=4, controls=brightness;hue, notify-mode=hybrid, spin-us=30, formats=YUYV:640x360@5/1;10/1|NV12:1280x720@5/1']"
}

ts_nodes() {
	local d fe be
	d=$(ts_domid tsguest) || return 1
	fe=$(ts_fe "$d" 0)
	be=$(ts_be "$d" 0)
	ts_wait_node "$be/online" 20 || { cat "$TS_LOG"; return 1; }
	xenstore-ls -f "/local/domain/$d/device/vcamera" "/local/domain/0/backend/vcamera/$d"
	ts_expect "$fe/backend" "$be" &&
	ts_expect "$fe/backend-id" 0 &&
	ts_expect "$fe/state" 1 &&
	ts_expect "$fe/unique-id" video0 &&
	ts_expect "$fe/max-buffers" 4 &&
	ts_expect "$fe/controls" brightness,hue &&
	ts_expect "$fe/be-alloc" 0 &&
	ts_expect "$fe/notify-mode" hybrid &&
	ts_expect "$fe/spin-us" 30 &&
	ts_expect "$fe/formats/YUYV/640x360/frame-rates" 5/1,10/1 &&
	ts_expect "$fe/formats/NV12/1280x720/frame-rates" 5/1 &&
	ts_expect "$be/unique-id" video0 &&
	ts_expect "$be/max-buffers" 4 &&
	ts_expect "$be/controls" brightness,hue &&
	ts_expect "$be/be-alloc" 0 &&
	ts_expect "$be/notify-mode" hybrid &&
	ts_expect "$be/spin-us" 30 &&
	ts_expect "$be/formats/YUYV/640x360/frame-rates" 5/1,10/1 &&
	ts_expect "$be/formats/NV12/1280x720/frame-rates" 5/1 &&
	ts_expect "$be/frontend" "$fe" &&
	ts_expect "$be/frontend-id" "$d" &&
	ts_expect "$be/state" 1 &&
	ts_expect "$be/online" 1 &&
	ts_expect "$(ts_fe "$d" 5)/unique-id" video1 &&
	ts_expect "$(ts_fe "$d" 5)/be-alloc" 1 &&
	ts_expect "$(ts_fe "$d" 5)/formats/GREY/320x240/frame-rates" 30/1 &&
	ts_expect "$(ts_be "$d" 5)/online" 1 || return 1
	# only the override's camera and the vcamera one: video9 must not exist
	[ "$(xenstore-list "/local/domain/$d/device/vcamera" | tr '\n' ' ')" = "0 5 " ] ||
		{ echo "unexpected devids"; return 1; }
	ts_perms "$fe" "n$d,r0" && ts_perms "$be" "n0,r$d"
}

ts_list() {
	local out
	out=$("$TS/vcam-list" tsguest) || return 1
	echo "$out"
	echo "$out" | grep -E '^0 +0 +1 +1 +video0 +hybrid +0 ' >/dev/null &&
	echo "$out" | grep -E '^5 +0 +1 +1 +video1 +event +1 ' >/dev/null
}

ts_reattach_noop() {
	local d before after out
	d=$(ts_domid tsguest) || return 1
	before=$(xenstore-ls -f "/local/domain/$d/device/vcamera")
	out=$("$TS/vcam-attach" tsguest -f "$OUT/cfg/tsguest.cfg" \
		"vcam=['backend=0, unique-id=video0, formats=YUYV:640x360@5/1']" 2>&1) || return 1
	echo "$out"
	echo "$out" | grep -q 'device 0 already present' || return 1
	echo "$out" | grep -q 'device 5 already present' || return 1
	after=$(xenstore-ls -f "/local/domain/$d/device/vcamera")
	[ "$before" = "$after" ] || { echo "nodes changed"; return 1; }
}

ts_bad_spec() {
	local d before
	d=$(ts_domid tsguest) || return 1
	before=$(xenstore-list "/local/domain/$d/device/vcamera" | tr '\n' ' ')
	"$TS/vcam-attach" tsguest 'unique-id=video2, formats=YUYV:640x480@30/0' && return 1
	"$TS/vcam-attach" tsguest 'unique-id=video2, formats=YUYV:640x480@30/1, backend=nosuchdom' &&
		return 1
	[ "$before" = "$(xenstore-list "/local/domain/$d/device/vcamera" | tr '\n' ' ')" ] ||
		{ echo "something was attached"; return 1; }
	echo "bad specs refused, nothing attached"
}

ts_detach_idle() {
	local d
	d=$(ts_domid tsguest) || return 1
	time "$TS/vcam-attach" tsguest 'unique-id=video3, formats=GREY:8x8@1/1, devid=7' || return 1
	ts_expect "$(ts_be "$d" 7)/online" 1 || return 1
	time "$TS/vcam-detach" tsguest 7 || return 1
	! xenstore-read "$(ts_fe "$d" 7)/state" 2>/dev/null &&
	! xenstore-read "$(ts_be "$d" 7)/state" 2>/dev/null
}

# A backend that answers Closing with Closed: detach must wait for it, not time out.
ts_detach_handshake() {
	local d be out
	d=$(ts_domid tsguest) || return 1
	"$TS/vcam-attach" tsguest 'unique-id=video3, formats=GREY:8x8@1/1, devid=8' || return 1
	be=$(ts_be "$d" 8)
	xenstore-write "$be/state" 4
	(for i in $(seq 100); do
		s=$(xenstore-read "$be/state" 2>/dev/null) || exit 0
		[ "$s" = 5 ] && { xenstore-write "$be/state" 6; exit 0; }
		sleep 0.1
	done) >/dev/null 2>&1 &
	out=$("$TS/vcam-detach" -t 15 tsguest 8 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	echo "$out" | grep -q 'removed anyway' && return 1
	! xenstore-read "$be/state" 2>/dev/null
}

# Nobody answers: bounded wait, then removal anyway.
ts_detach_timeout() {
	local d be out start
	d=$(ts_domid tsguest) || return 1
	"$TS/vcam-attach" tsguest 'unique-id=video3, formats=GREY:8x8@1/1, devid=9' || return 1
	be=$(ts_be "$d" 9)
	xenstore-write "$be/state" 4
	start=$SECONDS
	out=$("$TS/vcam-detach" -t 2 tsguest 9 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	echo "$out" | grep -q 'removed anyway' || return 1
	((SECONDS - start <= 5)) || { echo "wait not bounded"; return 1; }
	! xenstore-read "$be/state" 2>/dev/null &&
	! xenstore-read "$(ts_fe "$d" 9)/state" 2>/dev/null
}

# (while the guest boots, the next guest but one, ts_bad_config's, is created: the watcher runs)
ts_guest_runs() {
	ts_create_bg tsbad toolstack \
		"vcam = [ 'unique-id=video0, formats=YUYV:640x480@30/1, colour=red' ]" || return 1
	$XL unpause tsguest && domu_wait_end tsguest 90
}

# After the guest powered off (on_poweroff=destroy) the watcher removes our backend dirs.
ts_death_cleanup() {
	local d=$1 i
	for i in $(seq 100); do
		xenstore-read "/local/domain/0/backend/vcamera/$d" >/dev/null 2>&1 || break
		sleep 0.1
	done
	if xenstore-read "/local/domain/0/backend/vcamera/$d" >/dev/null 2>&1; then
		echo "leftover:"; xenstore-ls -f "/local/domain/0/backend/vcamera/$d"
		cat "$TS_LOG"; return 1
	fi
	xenstore-read "/local/domain/$d" >/dev/null 2>&1 && { echo "domain dir left"; return 1; }
	grep "domain $d is gone" "$TS_LOG" || echo "(no watcher log line: something else removed it)"
}

# A bad vcam line: xl itself creates the domain (it ignores vcam), the watcher attaches nothing
# and says why.  (The domain was created during ts_guest_runs.)
ts_bad_config() {
	local d
	ts_created tsbad || return 1
	d=$(ts_domid tsbad) || return 1
	for i in $(seq 100); do grep -q "colour" "$TS_LOG" && break; sleep 0.1; done
	grep "colour" "$TS_LOG" || { cat "$TS_LOG"; return 1; }
	xenstore-read "/local/domain/$d/device/vcamera" 2>/dev/null && { echo "attached anyway"; return 1; }
	$XL destroy tsbad
}

TS_VCAM_LINE="vcam = [ 'backend=0, unique-id=video0, max-buffers=4, controls=brightness;hue, notify-mode=hybrid, spin-us=30, formats=YUYV:640x360@5/1;10/1|NV12:1280x720@5/1' ]"
export TS_VCAM_LINE

# The wrapper, for hosts without the watcher (stopped before this step): the guest must find
# its camera at boot (vcam-xl attaches while paused, then unpauses).
# (while the guest boots, ts_race's guest is created: it has no camera, the watcher may be off)
ts_vcam_xl() {
	local cfg d
	ts_create_bg tsrace toolstack || return 1
	cfg=$(domu_cfg tsxl toolstack "$TS_VCAM_LINE")
	"$TS/vcam-xl" create "$cfg" || return 1
	d=$(ts_domid tsxl) || return 1
	echo "$d" >/tmp/ts-xl.domid
	"$TS/vcam-list" tsxl
	domu_wait_end tsxl 90
}

# Without the watcher the dead guest's backend dir stays; `vcam-xl-watch -1` removes it.
ts_cleanup_once() {
	local d
	d=$(cat /tmp/ts-xl.domid) || return 1
	xenstore-ls -f "/local/domain/0/backend/vcamera/$d" ||
		echo "(already gone: something else removed it)"
	"$TS/vcam-xl-watch" -1 || return 1
	! xenstore-read "/local/domain/0/backend/vcamera/$d" 2>/dev/null
}

# Attaches racing a destroy: whatever interleaving, no vcam node of that domain survives
# (the transaction sees the domain gone, or the watcher's @releaseDomain cleanup removes it).
# (The domain was created during ts_vcam_xl.)
ts_race() {
	local d i t
	ts_created tsrace || return 1
	d=$(ts_domid tsrace) || return 1
	(for i in $(seq 1 200); do
		"$TS/vcam-attach" "$d" "unique-id=video0, formats=GREY:8x8@1/1, devid=$i" || exit 0
	done) >/tmp/ts-race.log 2>&1 &
	local loop=$!
	# destroy while the attaches go on (the first has landed)
	for i in $(seq 100); do grep -q 'attached vcam' /tmp/ts-race.log && break; sleep 0.1; done
	$XL destroy "$d" || return 1
	wait $loop
	grep -c 'attached vcam' /tmp/ts-race.log
	tail -n 2 /tmp/ts-race.log
	# the watcher's cleanup on @releaseDomain may take a moment
	for t in $(seq 50); do
		xenstore-read "/local/domain/0/backend/vcamera/$d" >/dev/null 2>&1 ||
			xenstore-read "/local/domain/$d" >/dev/null 2>&1 || break
		sleep 0.1
	done
	echo "checked $(((t - 1) / 10)).$(((t - 1) % 10)) s after the destroy"
	if xenstore-read "/local/domain/0/backend/vcamera/$d" >/dev/null 2>&1 ||
	   xenstore-read "/local/domain/$d" >/dev/null 2>&1; then
		echo "orphans:"; xenstore-ls -f "/local/domain/0/backend/vcamera/$d"
		xenstore-ls -f "/local/domain/$d"
		return 1
	fi
	echo "no vcam nodes left for domain $d"
}

ts_bad_config_wrapper() {
	local cfg
	# (a camera without formats= is valid: its modes are read from the camera)
	cfg=$(domu_cfg tsxlbad toolstack "vcam = [ 'unique-id=video0, max-buffers=300' ]")
	"$TS/vcam-xl" create -p "$cfg" && return 1
	$XL domid tsxlbad 2>/dev/null && { echo "domain created anyway"; return 1; }
	echo "refused before creating the domain"
}

ts_watch_stop() {
	local pid
	pid=$(cat /tmp/ts-watch.pid) || return 1
	kill -TERM "$pid"
	cat "$TS_LOG"
}

export -f ts_domid ts_fe ts_be ts_wait_node ts_expect ts_perms ts_watch_start ts_create_bg ts_created \
	ts_create_with_override ts_nodes ts_list ts_reattach_noop ts_bad_spec ts_detach_idle \
	ts_detach_handshake ts_detach_timeout ts_guest_runs ts_death_cleanup ts_bad_config \
	ts_vcam_xl ts_bad_config_wrapper ts_watch_stop ts_cleanup_once ts_race

step ts-watch-start 10 ts_watch_start
step ts-create 60 ts_create_with_override
TS_DOMID=$($XL domid tsguest 2>/dev/null)
step ts-nodes-perms 30 ts_nodes
step ts-list 10 ts_list
step ts-reattach-noop 10 ts_reattach_noop
step ts-bad-spec 10 ts_bad_spec
step ts-detach-idle 15 ts_detach_idle
step ts-detach-handshake 20 ts_detach_handshake
step ts-detach-timeout 15 ts_detach_timeout
step ts-guest-perms 120 ts_guest_runs
step ts-death-cleanup 20 ts_death_cleanup "$TS_DOMID"
step ts-bad-config 60 ts_bad_config
step ts-wrapper-bad-config 30 ts_bad_config_wrapper
step ts-watch-stop 10 ts_watch_stop
step ts-vcam-xl 120 ts_vcam_xl
step ts-cleanup-once 20 ts_cleanup_once
step ts-watch-restart 10 ts_watch_start
step ts-race 90 ts_race
step ts-watch-stop2 10 ts_watch_stop
