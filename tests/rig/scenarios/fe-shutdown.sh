# Scenario fe-shutdown: a guest that is streaming is shut down with `xl shutdown` (an orderly
# poweroff: the guest kernel shuts its devices down, the frontend included).  No oops or WARNING
# in the guest, the domain goes away, vcamd keeps running and its backend dir is cleaned up.
# rig-timeout: 240

fes_setup() {
	dom0_vivid 0 n_devs=1 || return 1
	dom0_vcamd fe-shutdown.vcamd -v || return 1
	dom0_daemon fe-shutdown.watch "$REPO/xenstore-scripts/bin/vcam-xl-watch"
}

fes_shutdown_while_streaming() {
	local con
	$XL create "$(domu_cfg fesd fe-shutdown "vcam = [ 'unique-id=video0, formats=YUYV:320x180@30/1' ]")" ||
		return 1
	domu_wait_marker fesd "fe-shutdown: streaming" 120 || return 1
	sleep 3
	$XL shutdown -w fesd || return 1
	con=$(domu_console fesd)
	grep -q 'VCAMTEST-SHUTDOWN' "$con" || { echo "guest did not see the shutdown"; return 1; }
	if grep -qE 'Oops|BUG:|WARNING:|Call Trace' "$con"; then
		echo "guest kernel trouble while shutting down:"
		grep -nE -A8 'Oops|BUG:|WARNING:' "$con" | head -40
		return 1
	fi
	tail -n 15 "$con"
}

fes_backend_fine() {
	local i
	kill -0 "$(cat /run/fe-shutdown.vcamd.pid)" || { echo "vcamd died"; return 1; }
	# the watcher removes the dead guest's backend dir
	for i in $(seq 50); do
		xenstore-ls /local/domain/0/backend/vcamera 2>/dev/null | grep -q . || break
		sleep 0.2
	done
	xenstore-ls /local/domain/0/backend/vcamera 2>/dev/null | grep -q . &&
		{ echo "backend dir left behind:"; xenstore-ls -f /local/domain/0/backend/vcamera; return 1; }
	grep -E 'dom[0-9]+/vcam0' "$OUT/logs/fe-shutdown.vcamd.log" | tail -n 8
	dom0_daemon_stop fe-shutdown.watch fe-shutdown.vcamd
	true
}

export -f fes_setup fes_shutdown_while_streaming fes_backend_fine
step setup 30 fes_setup
step shutdown-while-streaming 200 fes_shutdown_while_streaming
step backend-survives 30 fes_backend_fine
