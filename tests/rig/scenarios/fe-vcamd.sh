# Scenario fe-vcamd: xen-vcamfront.ko against the real backend (vcamd serving vivid in dom0).
# In every notification mode and both buffer allocation modes (one guest, six devices, each with
# its host configuration, tested two at once; vcamd lets four spin) the guest captures 100
# frames with v4l2-ctl --stream-mmap, 20 with --stream-user and 6 with read(), at 30 fps
# (S_PARM); the frames must equal a native dom0 capture of the same (still) vivid picture.
# Device 0 also runs v4l2-compliance -s (20 frames a streaming test), alone, once the others
# are done.  vcamd offers capture-time: every device's frames must carry the camera's
# capture time (stats/capture_times, no bad_times) and vcam-capsum must report their latency
# (DQBUF minus timestamp), printed with the dom0-guest clock skew measured by vcam-skew.  Copies
# per frame, from both sides' counters: be-alloc MMAP must be zero copy end to end (vcamd
# captures into the pages it grants, the guest application maps those very pages); fe-alloc
# copies once, in vcamd.  vcam-zcmap forks, reads frames through get_user_pages, frees mapped
# buffers, unmaps and mprotects on every device's MMAP buffers: frames intact, kernel quiet.
# rig-timeout: 1100
. "$REPO/backend/tests/rig/vcamd-lib.sh"

# Two vivid cameras showing the same still picture: the fe-alloc devices stream from video0,
# the be-alloc ones from video1, so the two devices of a pair never share a camera (vcamd
# captures a shared camera once and copies the frame to each session: no zero copy then).
fe_native() {
	local n m first=
	dom0_vivid "0 1" n_devs=2 node_types=0x1,0x1 || return 1
	for n in 0 1; do
		v4l2-ctl -d /dev/video$n -c horizontal_movement=3 -c vertical_movement=3 || return 1
		v4l2-ctl -d /dev/video$n --set-fmt-video=width=640,height=360,pixelformat=YUYV \
			--stream-mmap --stream-count=3 --stream-to=/tmp/fe-native$n.raw || return 1
		m=$(dd if=/tmp/fe-native$n.raw bs=460800 skip=2 count=1 2>/dev/null | md5sum |
			awk '{ print $1 }')
		echo "native frame md5 on video$n: $m"
		[ -n "$m" ] && [ "${first:=$m}" = "$m" ] ||
			{ echo "the two cameras' pictures differ"; return 1; }
	done
	echo "$m" >/tmp/fe-native.md5
}

# The six mode x allocation devices, in the order the guest tests them, two at once (devid:
# name spec): each pair one fe-alloc (camera video0) and one be-alloc (video1), the spin ones
# beside an event one.
FE_CASES="0:event-fealloc:unique-id=video0,notify-mode=event
3:spin-bealloc:unique-id=video1,notify-mode=spin,be-alloc=1
1:event-bealloc:unique-id=video1,notify-mode=event,be-alloc=1
2:spin-fealloc:unique-id=video0,notify-mode=spin
4:hybrid-fealloc:unique-id=video0,notify-mode=hybrid
5:hybrid-bealloc:unique-id=video1,notify-mode=hybrid,be-alloc=1"
export FE_CASES

# One guest for all six (a boot is most of a case's cost here): each device attached with its
# own host configuration, tested two at once by domu/fe-vcamd.sh (100 + 30 + 20 + 6 frames at
# 30 fps are 5.5 s of camera time a device, 33 s one after the other); v4l2-compliance on
# device 0, alone, after them.  Created, attached and unpaused in the background from the
# first step on (xl create and six vcam-attach took ~10 s of the guest step), while dom0 takes
# the native capture and starts vcamd: the guest's module waits for its devices' backends.
fe_vcamd_create() {
	local cfg domid d name spec devs=""
	while IFS=: read -r d name spec; do devs="$devs${devs:+,}$d"; done <<<"$FE_CASES"
	cfg=$(DOMU_ARGS="fedevs=$devs fepar=2 fecompliance=0" domu_cfg fevcamd fe-vcamd) || return 1
	$XL create -p "$cfg" || return 1
	domid=$($XL domid fevcamd) || return 1
	echo "$domid" >/tmp/fe-domid
	while IFS=: read -r d name spec; do
		"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" \
			"formats=YUYV:640x360@30/1;15/1|YUYV:320x180@30/1, max-buffers=6, controls=brightness;contrast, devid=$d, ${spec//,/, }" ||
			{ $XL destroy fevcamd; return 1; }
	done <<<"$FE_CASES"
	"$REPO/tests/testfe/vcam-skew" serve "$domid" >"$OUT/vcam-skew-serve.log" 2>&1 &
	echo $! >/tmp/fe-skew.pid
	$XL unpause fevcamd
}

fe_vcamd_create_bg() {
	rm -f /tmp/fe-create.rc /tmp/fe-domid /tmp/fe-skew.pid /tmp/fe-vcamctl.txt
	(
		fe_vcamd_create >"$OUT/logs/fe-vcamd.guest-boot.log" 2>&1
		echo $? >/tmp/fe-create.rc.new && mv /tmp/fe-create.rc.new /tmp/fe-create.rc
	) </dev/null >/dev/null 2>&1 &
	echo "creating the guest in the background (logs/fe-vcamd.guest-boot.log)"
}

fe_vcamd_guest() {
	local i rc
	for i in $(seq 900); do [ -e /tmp/fe-create.rc ] && break; sleep 0.2; done
	cat "$OUT/logs/fe-vcamd.guest-boot.log"
	read -r rc </tmp/fe-create.rc
	[ "$rc" = 0 ] || { echo "the guest was not created"; return 1; }
	domu_wait_end fevcamd 900 || { be_vcamd_alive; kill "$(cat /tmp/fe-skew.pid)"; return 1; }
	kill "$(cat /tmp/fe-skew.pid)" 2>/dev/null
	grep -E 'VCAMFE (compliance|unloaded)|VCAMFE d0 compliance' "$(domu_console fevcamd)"
	# the guest is gone: its devices' counters are final, every check reads this copy
	"$REPO/backend/vcamctl" status | tee /tmp/fe-vcamctl.txt
}

# fe_vcamd_check NAME: that device's frames equal the native capture, in the mode asked for;
# copies and latency (below).  One pass over the console (each process costs dom0 ~0.1 s).
fe_vcamd_check() {
	local con d="" n s spec mode native domid scan k v
	local done=0 inmode=0 mmap100=0 md5n=0 md5bad="" zc=0 complaint="" gc="" gz="" ct="" bt=""
	local lat="" skew=""
	while IFS=: read -r n s spec; do [ "$s" = "$1" ] && { d=$n; mode=${spec#*notify-mode=}; }; done <<<"$FE_CASES"
	[ -n "$d" ] || { echo "no device $1"; return 1; }
	mode=${mode%%,*}
	read -r native </tmp/fe-native.md5
	read -r domid </tmp/fe-domid
	con=$(domu_console fevcamd)
	scan=$(awk -v p="VCAMFE d$d " -v md5="$native" -v mode="$mode" '
		{ sub(/\r$/, "") }
		/still mapped at munmap|unmapping page|WARNING:|BUG:|Oops/ { print "COMPLAINT " $0 }
		/^VCAMFE skew / { skew = $0 }
		index($0, p) != 1 { next }
		{ print "LINE " $0; rest = substr($0, length(p) + 1) }
		rest == "done" { print "DONE" }
		$NF == mode && $(NF - 1) == "mode" { print "INMODE" }
		rest ~ /^mmap frames 100/ { print "MMAP100" }
		rest ~ /^md5 / { print "MD5 " (index(rest, " " md5) ? "ok" : "bad") " " rest }
		rest ~ /^zcmap ok/ { print "ZCMAP" }
		rest ~ /^mmap copies / { copies = $5 " " $7 }
		rest ~ /^stat capture_times / { print "CT " $5 }
		rest ~ /^stat bad_times / { print "BT " $5 }
		rest ~ /^latency / { lat = substr(rest, 9) }
		END { print "COPIES " copies; print "LAT " lat; print "SKEW " skew }' "$con")
	while read -r k v; do
		case $k in
		LINE) echo "$v" ;;
		DONE) done=1 ;;
		INMODE) inmode=1 ;;
		MMAP100) mmap100=1 ;;
		MD5) md5n=$((md5n + 1)); [ "${v%% *}" = ok ] || md5bad="$md5bad${v#bad }"$'\n' ;;
		ZCMAP) zc=1 ;;
		COMPLAINT) complaint="$complaint$v"$'\n' ;;
		COPIES) read -r gc gz <<<"$v" ;;
		CT) ct=$v ;;
		BT) bt=$v ;;
		LAT) lat=$v ;;
		SKEW) skew=$v ;;
		esac
	done <<<"$scan"
	echo "native frame md5: $native"
	[ $done = 1 ] || { echo "device $d not finished"; return 1; }
	[ $inmode = 1 ] || { echo "device $d not in $mode mode"; return 1; }
	[ $mmap100 = 1 ] || { echo "device $d: not 100 mmap frames"; return 1; }
	[ $md5n -ge 5 ] || { echo "no guest frame checksums"; return 1; }
	[ -n "$native" ] && [ -z "$md5bad" ] ||
		{ echo "guest frames differ from the native capture:"; printf '%s' "$md5bad"; return 1; }
	echo "device $d ($1): guest frames equal the native capture"
	[ $zc = 1 ] || { echo "device $d: vcam-zcmap failed on its MMAP buffers"; return 1; }
	[ -z "$complaint" ] || { printf '%s' "$complaint"; echo "the guest kernel complained"; return 1; }
	fe_vcamd_copies "$d" "$1" "$gc" "$gz" "$domid" || return 1
	fe_vcamd_latency "$d" "$1" "$ct" "$bt" "$lat" "${skew/#VCAMFE skew n=/skew-n=}"
}

# fe_vcamd_copies D NAME GUEST-COPIES GUEST-ZERO-COPY DOMID: be-alloc MMAP is zero copy end to
# end: vcamd captured into the pages it grants (its zero_copy, no copies) and the guest
# application mapped those same pages (the module's zero_copy for every mmap frame, no copies);
# fe-alloc copies once, in vcamd.  vcamd's counters: the guest step's copy of its status.
fe_vcamd_copies() {
	local d=$1 gc=$3 gz=$4 line="" l bc="" bz=""
	while read -r l; do
		[[ $l == "device name=dom$5/vcam$d "* ]] && line=$l
	done </tmp/fe-vcamctl.txt
	[[ $line =~ \ copies=([0-9]+)\  ]] && bc=${BASH_REMATCH[1]}
	[[ $line =~ \ zero_copy=([0-9]+)\  ]] && bz=${BASH_REMATCH[1]}
	echo "COPIES $2 guest-mmap-copies=${gc:-?} guest-mmap-zero-copy=${gz:-?} vcamd-copies=${bc:-?} vcamd-zero-copy=${bz:-?}" |
		tee -a "$OUT/fe-vcamd-copies.txt"
	case $2 in
	*-bealloc)
		[ "${gc:-1}" = 0 ] && [ "${gz:-0}" -ge 100 ] ||
			{ echo "device $d: the guest copied mmap frames"; return 1; }
		[ "${bc:-1}" = 0 ] && [ "${bz:-0}" -ge 100 ] ||
			{ echo "device $d: vcamd copied frames"; return 1; } ;;
	*)
		[ "${gc:-1}" = 0 ] && [ "${gz:-1}" = 0 ] && [ "${bc:-0}" -ge 100 ] ||
			{ echo "device $d: fe-alloc should copy once, in vcamd"; return 1; } ;;
	esac
}

# fe_vcamd_latency D NAME CAPTURE-TIMES BAD-TIMES LATENCY SKEW: the device's frames were stamped
# with their capture time and the guest application saw their latency; into
# out/<run>/fe-vcamd-latency.txt with the skew.
fe_vcamd_latency() {
	local d=$1 ct=$3 bt=$4 lat=$5 skew=$6
	echo "LAT $2 capture_times=${ct:-?} bad_times=${bt:-?} $lat ${skew:-skew=unmeasured}" |
		tee -a "$OUT/fe-vcamd-latency.txt"
	[ "${ct:-0}" -gt 0 ] && [ "${bt:-1}" = 0 ] ||
		{ echo "device $d: frames not stamped with their capture time"; return 1; }
	[[ "$lat" =~ lat-n=[1-9][0-9]*\ lat-p50-us=-?[0-9]+ ]] ||
		{ echo "device $d: no latency from the guest application"; return 1; }
	[ -n "$skew" ] || { echo "no clock skew measured"; return 1; }
}
export -f fe_native fe_vcamd_create fe_vcamd_create_bg fe_vcamd_guest fe_vcamd_check \
	fe_vcamd_latency fe_vcamd_copies

step guest-create 10 fe_vcamd_create_bg
step native 60 fe_native
step vcamd-start 30 be_vcamd_start --max-spinning=4
step guest 1000 fe_vcamd_guest
for c in event-fealloc event-bealloc spin-fealloc spin-bealloc hybrid-fealloc hybrid-bealloc; do
	step "$c" 10 fe_vcamd_check "$c"
done
step vcamd-stop 30 be_vcamd_stop
