# Scenario smoke: the plumbing end to end.  vivid streams in dom0; vcamd starts, logs and stops
# cleanly on SIGTERM; a PV domU created by `xl create` from a config with a vcam = [...] line
# boots, loads xen-vcamfront.ko and powers off.
# rig-timeout: 240

vivid_streams() {
	modprobe vivid n_devs=1 || return 1
	for i in $(seq 50); do [ -e /dev/video0 ] && break; sleep 0.1; done
	v4l2-ctl -d /dev/video0 --all | head -n 20
	v4l2-ctl -d /dev/video0 --stream-mmap --stream-count=10 --stream-to=/dev/null --verbose 2>&1 |
		tail -n 3
	v4l2-ctl -d /dev/video0 --stream-mmap --stream-count=10 --stream-to=/dev/null 2>&1 |
		grep -c . >/dev/null
}

vcamd_start_stop() {
	local log=$OUT/logs/smoke.vcamd.log pid
	[ -x "$REPO/backend/vcamd" ] || { echo "backend/vcamd is not built"; return 1; }
	"$REPO/backend/vcamd" -f -v >"$log" 2>&1 &
	pid=$!
	sleep 3
	kill -0 $pid || { echo "vcamd died at start"; cat "$log"; return 1; }
	kill -TERM $pid
	for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	if kill -0 $pid 2>/dev/null; then echo "vcamd ignored SIGTERM"; kill -9 $pid; return 1; fi
	wait $pid
	local rc=$?
	cat "$log"
	[ -s "$log" ] || { echo "vcamd logged nothing"; return 1; }
	[ $rc -eq 0 ] || { echo "vcamd exit status $rc after SIGTERM"; return 1; }
}

domu_with_vcam_line() {
	local cfg
	cfg=$(domu_cfg smoke smoke \
		"vcam = [ 'backend=0, unique-id=video0, formats=YUYV:640x360@5/1' ]")
	$XL create "$cfg" || return 1
	domu_wait_end smoke 90
}

export -f vivid_streams vcamd_start_stop domu_with_vcam_line
step vivid-streams 60 vivid_streams
step vcamd-start-stop 30 vcamd_start_stop
step domu-vcam-boot 120 domu_with_vcam_line
