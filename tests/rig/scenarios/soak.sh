# Scenario soak (issue 10; `make soak`, not in ALL): does anything grow in vcamd over a long run?
# A driver domain `camdd` (domu/agent.sh, role dd: vivid + vcamd) and dom0 (vivid + vcamd +
# vcam-xl-watch) serve two guests made by a plain `xl create`, each with camera 0 from camdd and
# camera 1 from dom0.  For SOAK_MINUTES the guests capture in cycles: a burst of SOAK_BURST
# seconds in which each guest starts and stops captures (open, S_FMT, S_PARM, stream, close) on
# both cameras, the mode changing every cycle (320x180@30, 320x180@15, 640x360@15; both guests
# use one mode per camera at a time: a shared camera's mode belongs to whoever set it), then an
# idle point.  Halfway, the driver domain is restarted while the guests capture
# (SOAK_RESTART=destroy: xl destroy + xl create; panic: sysrq c and on_crash = "restart").
# Each vcamd (dom0's, and each incarnation of camdd's) is sampled during each burst and at every idle
# point: VmRSS, fds, threads, grant pages mapped (gntdev/gntalloc in /proc/PID/maps), event
# channels bound, vcamd's own page count, devices (domu/vcamd-stat.sh); the guests' captures
# that worked and failed are counted.  Series: out/<run>/soak-series.csv; judgement
# (lib/soak-judge.py): out/<run>/soak-summary.txt.  FAILS when, after a warm-up of one mode
# cycle per incarnation, an idle point shows RSS more than 512 KiB above the first one, or any
# more fds, threads, grant pages, ports or pages; or when a capture fails outside the restart
# window (dom0's cameras: at all); or when, the guests gone, a vcamd still holds a device, grant
# page, port or page, or dom0's more fds or threads than before the first guest.
# SOAK_MINUTES is a minimum: the run goes on until the new driver domain has enough idle points
# to be judged.  `make soak` also draws soak-series.png.
# rig-timeout: 2400 + 60 * SOAK_MINUTES
# rig-env: SOAK_MINUTES=20 SOAK_BURST=20 SOAK_RESTART=destroy

source "$REPO/tests/rig/lib/agent-ctl.sh"

SOAK_DDS=$REPO/xenstore-scripts/bin
SOAK_FORMATS="YUYV:320x180@30/1;15/1|YUYV:640x360@15/1"
SOAK_CSV=$OUT/soak-series.csv
SOAK_SUM=$OUT/soak-summary.txt
# the camera modes cycled through: "W H FPS"; frames per capture
SOAK_MODES="320 180 30|320 180 15|640 360 15"
SOAK_FRAMES=5
# one mode cycle per vcamd incarnation is warm-up; then this many idle points at least
SOAK_WARMUP=3
SOAK_JUDGED=3
# the new driver domain must serve both guests again within this many seconds of the fault
SOAK_RECOVER_MAX=420
export SOAK_DDS SOAK_FORMATS SOAK_CSV SOAK_SUM SOAK_MODES SOAK_FRAMES SOAK_WARMUP SOAK_JUDGED \
	SOAK_RECOVER_MAX

soak_setup() {
	[[ $SOAK_MINUTES =~ ^[1-9][0-9]*$ ]] || { echo "SOAK_MINUTES=$SOAK_MINUTES: minutes, please"; return 1; }
	[[ $SOAK_BURST =~ ^[1-9][0-9]*$ ]] && [ "$SOAK_BURST" -ge 5 ] ||
		{ echo "SOAK_BURST=$SOAK_BURST: seconds, at least 5"; return 1; }
	case $SOAK_RESTART in destroy | panic) ;; *) echo "SOAK_RESTART is destroy or panic"; return 1 ;; esac
	echo "soak: at least $SOAK_MINUTES min, bursts of $SOAK_BURST s, driver domain restart by $SOAK_RESTART"
	dom0_vivid 0 n_devs=1 || return 1
	dom0_vcamd soak.vcamd -v || return 1
	# what dom0's vcamd holds before any guest: all of it must be given back at the end
	soak_stat_dom0 | tee /run/soak-dom0-before
	dom0_daemon soak.watch "$SOAK_DDS/vcam-xl-watch"
}

# The driver domain and the guests are created together, as at a host's boot.
soak_boot() {
	local g cfg
	$XL create "$(dd_cfg camdd 0)" || return 1
	for g in sg1 sg2; do
		cfg=$(DOMU_ARGS="agent.role=guest" domu_cfg $g agent \
			"vcam = [ 'backend=camdd, unique-id=video0, devid=0, formats=$SOAK_FORMATS', 'backend=Domain-0, unique-id=video0, devid=1, formats=$SOAK_FORMATS' ]") ||
			return 1
		sed -i 's/^memory = .*/memory = 160/' "$cfg"
		$XL create "$cfg" || return 1
	done
	dd_ready camdd 400 || return 1
	for g in sg1 sg2; do dd_wait "$($XL domid $g)" boot ready 300 || return 1; done
	"$SOAK_DDS/vcam-list" sg1 sg2
}

# soak_ask NAME TIMEOUT WORD VERB ARGS...: dd_do, and the answer's nodes removed afterwards (a
# long run must not fill the agent's xenstore quota); prints the answer without its time
soak_ask() {
	local name=$1 t=$2 word=$3 ids line rc
	shift 3
	ids=$(dd_send "$name" "$@") || return 1
	line=$(dd_wait ${ids% *} ${ids#* } "$word" "$t")
	rc=$?
	xenstore-rm "/local/domain/${ids% *}/data/agent-out/${ids#* }" 2>/dev/null
	[ $rc = 0 ] && echo "${line#* }" || echo "$line" >&2
	return $rc
}

# Every camera of both guests captures before the soak starts (each guest's camera may still
# be connecting just after boot).
soak_cameras() {
	local g c i ok
	for g in sg1 sg2; do
		for c in 0 1; do
			ok=
			for i in $(seq 30); do
				soak_ask $g 120 frames capture $c 3 && ok=1 && break
				sleep 3
			done
			[ -n "$ok" ] || { echo "$g camera $c does not capture"; return 1; }
		done
	done
}

soak_stat_dom0() {
	VCAMCTL=$REPO/backend/vcamctl sh "$REPO/tests/rig/domu/vcamd-stat.sh" "$(cat /run/soak.vcamd.pid)"
}

# camdd's vcamd, when the current incarnation of camdd (domid ${SOAK_ID[camdd]}) has started it;
# "domid=N" in front
soak_stat_dd() {
	local id=${SOAK_ID[camdd]} line
	xenstore-read "/local/domain/$id/data/agent-out/boot/ready" >/dev/null 2>&1 || return 1
	line=$(soak_ask "$id" 30 stat vcamd-stat) || return 1
	echo "domid=$id $line"
}

# soak_fields "k=v k=v ..." "KEY..." : the values of KEY..., comma-separated (empty: missing)
soak_fields() {
	local -A v
	local w k out= sep=
	for w in $1; do [[ $w == *=* ]] && v[${w%%=*}]=${w#*=}; done
	for k in $2; do
		out+=$sep${v[$k]}
		sep=,
	done
	echo "$out"
}

SOAK_VKEYS="pid rss_kb fds threads gnt_pages ports pages devices connected"
SOAK_CAMS="sg1:0 sg1:1 sg2:0 sg2:1"
export SOAK_VKEYS SOAK_CAMS

soak_header() {
	local h k c
	h="t_s,cycle,phase,mode_cam0,mode_cam1"
	for k in $SOAK_VKEYS; do h+=",dom0_$k"; done
	h+=",dd_domid"
	for k in $SOAK_VKEYS; do h+=",dd_$k"; done
	for c in $SOAK_CAMS; do
		c=${c/:/_c}
		h+=",${c}_ok,${c}_fail,${c}_gone"
	done
	echo "$h,note"
}

# soak_sample CYCLE PHASE MODE0 MODE1 NOTE: one CSV row, with the guests' totals so far
soak_sample() {
	local d0 dd row c t=$(now)
	d0=$(soak_stat_dom0)
	dd=$(soak_stat_dd) || dd=
	row="$(awk -v a="$SOAK_T0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'),$1,$2,$3,$4"
	row+=",$(soak_fields "$d0" "$SOAK_VKEYS"),$(soak_fields "$dd" "domid $SOAK_VKEYS")"
	for c in $SOAK_CAMS; do row+=",${TOT[$c.ok]},${TOT[$c.fail]},${TOT[$c.gone]}"; done
	echo "$row,$5" >>"$SOAK_CSV"
	echo "  $2 sample at $(soak_secs "$SOAK_T0") s, took $(soak_secs "$t") s"
	echo "    dom0 vcamd: $d0"
	echo "    camdd vcamd: ${dd:-(none)}"
}

soak_secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# soak_restart: camdd goes away under the guests' captures and comes back
soak_restart() {
	local old=${SOAK_ID[camdd]} new
	if [ "$SOAK_RESTART" = panic ]; then
		dd_send "$old" crash >/dev/null || return 1
		# xl's monitor sees the panic and creates camdd again (on_crash = "restart")
		for i in $(seq 300); do
			new=$($XL domid camdd 2>/dev/null)
			[ -n "$new" ] && [ "$new" != "$old" ] && break
			sleep 1
		done
		[ -n "$new" ] && [ "$new" != "$old" ] || { echo "camdd was not restarted"; return 1; }
	else
		$XL destroy camdd || return 1
		$XL create "$OUT/cfg/camdd.cfg" || return 1
		new=$($XL domid camdd) || return 1
	fi
	SOAK_ID[camdd]=$new
	echo "camdd: domain $old gone ($SOAK_RESTART), domain $new there $(soak_secs "$SOAK_TR") s after the fault"
}

# The soak itself: cycles of a burst and an idle point, the CSV written as it goes.
soak_run() {
	local total=$((SOAK_MINUTES * 60)) k=0 el m0 m1 g c ids line tc note idle_after=0
	local restarted= recovered= clean
	local -a modes
	declare -gA TOT SOAK_ID
	# domids, once: an `xl domid` takes seconds on the loaded rig (camdd's changes at the restart)
	for g in sg1 sg2 camdd; do SOAK_ID[$g]=$($XL domid $g) || return 1; done
	IFS='|' read -ra modes <<<"$SOAK_MODES"
	for c in $SOAK_CAMS; do TOT[$c.ok]=0 TOT[$c.fail]=0 TOT[$c.gone]=0; done
	soak_header >"$SOAK_CSV"
	SOAK_T0=$(now)
	soak_sample 0 idle "" "" start || return 1
	while :; do
		el=$(soak_secs "$SOAK_T0")
		el=${el%.*}
		if [ -n "$restarted" ]; then
			# enough of the new driver domain to judge, and the minimum length reached
			[ -n "$recovered" ] && [ "$el" -ge "$total" ] &&
				[ $((k - recovered)) -gt $((SOAK_WARMUP + SOAK_JUDGED)) ] && break
			if [ -z "$recovered" ] && [ "$(soak_secs "$SOAK_TR" | cut -d. -f1)" -gt "$SOAK_RECOVER_MAX" ]; then
				echo "FAIL: camdd's cameras not back in both guests within $SOAK_RECOVER_MAX s"
				return 1
			fi
		fi
		k=$((k + 1))
		m0=${modes[$(((k - 1) % ${#modes[@]}))]} m1=${modes[$((k % ${#modes[@]}))]}
		echo "cycle $k at ${el} s: camera 0 ${m0// /,}, camera 1 ${m1// /,}"
		tc=$(now)
		declare -A IDS=()
		for g in sg1 sg2; do
			for c in 0 1; do
				if [ $c = 0 ]; then set -- $m0; else set -- $m1; fi
				IDS[$g:$c]=$(dd_send "${SOAK_ID[$g]}" soak-burst $c "$SOAK_BURST" "$1" "$2" "$3" "$SOAK_FRAMES") ||
					{ echo "cannot reach $g"; return 1; }
			done
		done
		note=
		# halfway, and after enough idle points of the first camdd to judge it
		if [ -z "$restarted" ] && [ "$el" -ge $((total / 2)) ] &&
			[ $k -gt $((SOAK_WARMUP + SOAK_JUDGED)) ]; then
			sleep $((SOAK_BURST / 3))
			SOAK_TR=$(now)
			soak_restart || return 1
			restarted=$k
			note=restart
		fi
		echo "  bursts sent in $(soak_secs "$tc") s"
		# at once: a sample takes seconds on the loaded rig, and the burst runs meanwhile
		soak_sample $k busy "${m0// /x}" "${m1// /x}" "$note"
		clean=1
		for c in $SOAK_CAMS; do
			ids=${IDS[$c]}
			line=$(dd_wait ${ids% *} ${ids#* } done $((SOAK_BURST + 150))) ||
				{ echo "$c: $line"; return 1; }
			xenstore-rm "/local/domain/${ids% *}/data/agent-out/${ids#* }" 2>/dev/null
			echo "  ${c/:/ camera }: ${line#* } (at $(soak_secs "$SOAK_T0") s)"
			read -r ok fail gone <<<"$(soak_fields "$line" "ok fail gone" | tr , ' ')"
			TOT[$c.ok]=$((TOT[$c.ok] + ok)) TOT[$c.fail]=$((TOT[$c.fail] + fail))
			TOT[$c.gone]=$((TOT[$c.gone] + gone))
			[ "${c#*:}" = 0 ] && { [ "$ok" -gt 0 ] && [ "$fail" = 0 ] && [ "$gone" = 0 ] || clean=; }
		done
		# recovered: the first clean cycle of camdd's cameras in both guests after the fault, with
		# the new camdd's vcamd up
		if [ -n "$restarted" ] && [ -z "$recovered" ] && [ $k -gt "$restarted" ] && [ -n "$clean" ] &&
			soak_stat_dd >/dev/null; then
			recovered=$k
			note="${note:+$note;}recovered"
			echo "camdd's cameras back in both guests: cycle $k, $(soak_secs "$SOAK_TR") s after the fault"
		fi
		# a stopped camera keeps its buffers, mapped in vcamd, for VCAMD_CAM_KEEP_MS (3 s)
		sleep 4
		soak_sample $k idle "${m0// /x}" "${m1// /x}" "$note"
	done
	echo "soak: $k cycles in $(soak_secs "$SOAK_T0") s"
}

soak_judge() {
	/usr/bin/python3 "$REPO/tests/rig/lib/soak-judge.py" --warmup "$SOAK_WARMUP" \
		--judged "$SOAK_JUDGED" --rss-kib 512 "$SOAK_CSV" "$SOAK_SUM"
	local rc=$?
	cat "$SOAK_SUM"
	return $rc
}

soak_guests_end() { agents_end sg1 sg2; }

# soak_gone WHO STAT-CMD...: waits (60 s at most) until the vcamd that STAT-CMD samples has no
# device, grant page, port or page left; prints its last sample
soak_gone() {
	local who=$1 i st
	shift
	for i in $(seq 30); do
		st=$("$@") && [ "$(soak_fields "$st" "devices gnt_pages ports pages")" = 0,0,0,0 ] && break
		sleep 2
	done
	echo "$who vcamd after the guests: $st"
	[ "$(soak_fields "$st" "devices gnt_pages ports pages")" = 0,0,0,0 ] ||
		{ echo "$who vcamd kept devices, grant pages, ports or pages"; return 1; }
}

soak_stat_dd_now() { soak_ask camdd 30 stat vcamd-stat; }

# Guests gone: each vcamd holds no device, grant, port or page any more, and dom0's no more fds
# or threads than before the first guest.  Appended to the summary.
soak_given_back() {
	local rc=0 before after k
	{
		soak_gone dom0 soak_stat_dom0 || rc=1
		before=$(cat /run/soak-dom0-before)
		after=$(soak_stat_dom0)
		for k in fds threads; do
			echo "dom0 vcamd $k: $(soak_fields "$before" $k) before the guests, $(soak_fields "$after" $k) after"
			[ "$(soak_fields "$after" $k)" -le "$(soak_fields "$before" $k)" ] ||
				{ echo "dom0 vcamd: more $k than before the guests"; rc=1; }
		done
		soak_gone camdd soak_stat_dd_now || rc=1
		[ $rc = 0 ] && echo "PASS: all given back after the guests" ||
			echo "FAIL: not all given back after the guests"
	} >/tmp/soak-given-back.txt 2>&1
	tee -a "$SOAK_SUM" </tmp/soak-given-back.txt
	return $rc
}

soak_end() {
	local i rc=0
	dd_send camdd exit >/dev/null
	for i in $(seq 60); do $XL domid camdd >/dev/null 2>&1 || break; sleep 0.5; done
	$XL destroy camdd 2>/dev/null
	# the driver domain's kernel: clean, but for a deliberate panic
	grep -aE 'Oops|BUG:|WARNING:' "$(domu_console camdd)" && rc=1
	dom0_daemon_stop soak.watch soak.vcamd
	rmmod vivid
	return $rc
}

export -f soak_setup soak_boot soak_ask soak_cameras soak_stat_dom0 soak_stat_dd soak_fields \
	soak_header soak_sample soak_restart soak_secs soak_run soak_judge soak_guests_end soak_gone \
	soak_stat_dd_now soak_given_back soak_end

step setup 60 soak_setup
step boot 600 soak_boot
step cameras-capture 400 soak_cameras
step run $((SOAK_MINUTES * 60 + SOAK_RECOVER_MAX + 600)) soak_run
step series-flat 120 soak_judge
step guests-no-oops 200 soak_guests_end
step all-given-back 150 soak_given_back
step cleanup 90 soak_end
