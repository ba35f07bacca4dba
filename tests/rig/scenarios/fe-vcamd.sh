# Scenario fe-vcamd: xen-vcamfront.ko against the real backend (vcamd serving vivid in dom0).
# In every notification mode and both buffer allocation modes (one guest, six devices, each with
# its host configuration; vcamd lets four spin) the guest captures 100 frames with v4l2-ctl
# --stream-mmap, 20 with --stream-user and 6 with read(), at 30 fps (S_PARM); the frames must
# equal a native dom0 capture of the same (still) vivid picture.  Device 0 also runs
# v4l2-compliance -s.  vcamd offers capture-time: every device's frames must carry the camera's
# capture time (stats/capture_times, no bad_times) and vcam-capsum must report their latency
# (DQBUF minus timestamp), printed with the dom0-guest clock skew measured by vcam-skew.  Copies
# per frame, from both sides' counters: be-alloc MMAP must be zero copy end to end (vcamd
# captures into the pages it grants, the guest application maps those very pages); fe-alloc
# copies once, in vcamd.  vcam-zcmap forks, reads frames through get_user_pages, frees mapped
# buffers, unmaps and mprotects on every device's MMAP buffers: frames intact, kernel quiet.
# rig-timeout: 1100
. "$REPO/backend/tests/rig/vcamd-lib.sh"

fe_native() {
	be_vivid || return 1
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=640,height=360,pixelformat=YUYV \
		--stream-mmap --stream-count=3 --stream-to=/tmp/fe-native.raw || return 1
	dd if=/tmp/fe-native.raw bs=460800 skip=2 count=1 2>/dev/null | md5sum |
		awk '{ print $1 }' >/tmp/fe-native.md5
	echo "native frame md5: $(cat /tmp/fe-native.md5)"
}

# The six mode x allocation devices, in the order the guest tests them (devid: name spec).
FE_CASES="0:event-fealloc:notify-mode=event
1:event-bealloc:notify-mode=event,be-alloc=1
2:spin-fealloc:notify-mode=spin
3:spin-bealloc:notify-mode=spin,be-alloc=1
4:hybrid-fealloc:notify-mode=hybrid
5:hybrid-bealloc:notify-mode=hybrid,be-alloc=1"
export FE_CASES

# One guest for all six (a boot is most of a case's cost here): each device attached with its
# own host configuration, tested in turn by domu/fe-vcamd.sh; v4l2-compliance on device 0.
fe_vcamd_guest() {
	local cfg domid d name spec
	cfg=$(DOMU_ARGS="fedevs=0,1,2,3,4,5 fecompliance=0" domu_cfg fevcamd fe-vcamd) || return 1
	$XL create -p "$cfg" || return 1
	domid=$($XL domid fevcamd) || return 1
	echo "$domid" >/tmp/fe-domid
	while IFS=: read -r d name spec; do
		"$REPO/xenstore-scripts/bin/vcam-attach" "$domid" \
			"unique-id=video0, formats=YUYV:640x360@30/1;15/1|YUYV:320x180@30/1, max-buffers=6, controls=brightness;contrast, devid=$d, ${spec//,/, }" ||
			{ $XL destroy fevcamd; return 1; }
	done <<<"$FE_CASES"
	"$REPO/tests/testfe/vcam-skew" serve "$domid" >"$OUT/vcam-skew-serve.log" 2>&1 &
	echo $! >/tmp/fe-skew.pid
	$XL unpause fevcamd
	domu_wait_end fevcamd 900 || { be_vcamd_alive; kill "$(cat /tmp/fe-skew.pid)"; return 1; }
	kill "$(cat /tmp/fe-skew.pid)" 2>/dev/null
	grep -E 'VCAMFE (compliance|unloaded)|VCAMFE d0 compliance' "$(domu_console fevcamd)"
	"$REPO/backend/vcamctl" status
}

# fe_vcamd_check NAME: that device's frames equal the native capture, in the mode asked for.
fe_vcamd_check() {
	local con d spec mode bad
	con=$(domu_console fevcamd)
	d=$(echo "$FE_CASES" | awk -F: -v n="$1" '$2 == n { print $1 }')
	spec=$(echo "$FE_CASES" | awk -F: -v n="$1" '$2 == n { print $3 }')
	mode=${spec#notify-mode=}
	mode=${mode%%,*}
	grep -E "^VCAMFE d$d " "$con"
	echo "native frame md5: $(cat /tmp/fe-native.md5)"
	grep -q "^VCAMFE d$d done" "$con" || { echo "device $d not finished"; return 1; }
	grep -q "^VCAMFE d$d .* mode $mode\s*\$" "$con" || { echo "device $d not in $mode mode"; return 1; }
	grep -q "^VCAMFE d$d mmap frames 100" "$con" || { echo "device $d: not 100 mmap frames"; return 1; }
	[ "$(grep -c "^VCAMFE d$d md5 " "$con")" -ge 5 ] || { echo "no guest frame checksums"; return 1; }
	bad=$(grep "^VCAMFE d$d md5 " "$con" | grep -v "$(cat /tmp/fe-native.md5)")
	[ -z "$bad" ] || { echo "guest frames differ from the native capture:"; echo "$bad"; return 1; }
	echo "device $d ($1): guest frames equal the native capture"
	grep -aq "^VCAMFE d$d zcmap ok" "$con" ||
		{ echo "device $d: vcam-zcmap failed on its MMAP buffers"; return 1; }
	! grep -a -E "still mapped at munmap|unmapping page|WARNING:|BUG:|Oops" "$con" ||
		{ echo "the guest kernel complained"; return 1; }
	fe_vcamd_copies "$con" "$d" "$1" || return 1
	fe_vcamd_latency "$con" "$d" "$1"
}

# fe_vcamd_copies CONSOLE D NAME: be-alloc MMAP is zero copy end to end: vcamd captured into the
# pages it grants (its zero_copy, no copies) and the guest application mapped those same pages
# (the module's zero_copy for every mmap frame, no copies); fe-alloc copies once, in vcamd.
fe_vcamd_copies() {
	local con=$1 d=$2 line gc gz bc bz
	line=$(grep -a "^VCAMFE d$d mmap copies " "$con" | tail -1 | tr -d '\r')
	gc=$(echo "$line" | awk '{ print $5 }')
	gz=$(echo "$line" | awk '{ print $7 }')
	line=$("$REPO/backend/vcamctl" status | grep "^device name=dom$(cat /tmp/fe-domid)/vcam$d ")
	bc=$(echo "$line" | sed -n 's/.* copies=\([0-9]*\) .*/\1/p')
	bz=$(echo "$line" | sed -n 's/.* zero_copy=\([0-9]*\) .*/\1/p')
	echo "COPIES $3 guest-mmap-copies=${gc:-?} guest-mmap-zero-copy=${gz:-?} vcamd-copies=${bc:-?} vcamd-zero-copy=${bz:-?}" |
		tee -a "$OUT/fe-vcamd-copies.txt"
	case $3 in
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

# fe_vcamd_latency CONSOLE D NAME: the device's frames were stamped with their capture time
# and the guest application saw their latency; into out/<run>/fe-vcamd-latency.txt with the skew.
fe_vcamd_latency() {
	local con=$1 d=$2 ct bt lat skew
	ct=$(sed -n "s/^VCAMFE d$d stat capture_times \([0-9]*\).*/\1/p" "$con" | tr -d '\r')
	bt=$(sed -n "s/^VCAMFE d$d stat bad_times \([0-9]*\).*/\1/p" "$con" | tr -d '\r')
	lat=$(grep -a "^VCAMFE d$d latency " "$con" | tail -1 | tr -d '\r' | sed 's/.* latency //')
	skew=$(grep -a "^VCAMFE skew " "$con" | tail -1 | tr -d '\r' | sed 's/^VCAMFE skew n=/skew-n=/')
	echo "LAT $3 capture_times=${ct:-?} bad_times=${bt:-?} $lat ${skew:-skew=unmeasured}" |
		tee -a "$OUT/fe-vcamd-latency.txt"
	[ "${ct:-0}" -gt 0 ] && [ "${bt:-1}" = 0 ] ||
		{ echo "device $d: frames not stamped with their capture time"; return 1; }
	[[ "$lat" =~ lat-n=[1-9][0-9]*\ lat-p50-us=-?[0-9]+ ]] ||
		{ echo "device $d: no latency from the guest application"; return 1; }
	[ -n "$skew" ] || { echo "no clock skew measured"; return 1; }
}
export -f fe_native fe_vcamd_guest fe_vcamd_check fe_vcamd_latency fe_vcamd_copies

step native 60 fe_native
step vcamd-start 30 be_vcamd_start --max-spinning=4
step guest 1000 fe_vcamd_guest
for c in event-fealloc event-bealloc spin-fealloc spin-bealloc hybrid-fealloc hybrid-bealloc; do
	step "$c" 10 fe_vcamd_check "$c"
done
step vcamd-stop 30 be_vcamd_stop
