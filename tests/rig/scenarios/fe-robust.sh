# Scenario fe-robust (in ALL): the frontend against misbehaving backends, without the per-mode
# captures that fe-vcamd already proves against vcamd.  A backend that dies mid-stream and comes
# back, then ten hostile backends (bad rsp_prod, response ids, in_prod, buffer index, used_sz,
# event type, no reply, vanishing; and at a stream's start: BUF_QUEUE and STREAM_START refused,
# vanishing instead of answering STREAM_START), one guest with a device on each, tested in turn:
# the guest must survive every one without an oops or WARNING (vb2 WARNs when a failed start
# leaves a buffer on its done list).
# Then an event storm (both event channels notified as fast as dom0 can, empty and with valid
# CTRL_CHANGE events, while a capture runs): the guest's own pace must hold (domu/fe-storm.sh).
# The full list with per-mode captures against the fake backend is scenario fe-fakebe.
#
# Time: the three guests no longer run one after the other.  The hostile guest is created and
# tested in the background while the backend-restart guest runs (own guests, own fake backends,
# nothing shared; their waits are mostly fixed time: a 5 s request timeout, frame pacing, a 3 s
# pause); the storm guest is created and boots while the hostile guest's cases run, then waits
# (fego=1) for dom0's go, which comes only once the other two guests are gone: the storm's
# measurements run with no other guest up, as before.
# rig-timeout: 1400

. "$REPO/frontend/tests/fe-rig-lib.sh"

FE_HOSTILE="rsp-prod rsp-id evt-prod evt-index evt-size evt-type no-reply vanish refuse-start vanish-at-start"
export FE_HOSTILE
fe_robust_restart() {
	# shellcheck disable=SC2086 # the list of modes
	fe_bg hostile 950 fe_hostile_all hostile $FE_HOSTILE
	fe_recover
}
fe_robust_hostile() {
	DOMU_ARGS=fego=1 fe_bg storm 300 fe_case_start storm fe-storm "" --storm --seconds 1200
	fe_bg_wait hostile 940
}
fe_robust_storm() {
	local domid
	fe_bg_wait storm 300 || return 1
	domid=$($XL domid storm) || return 1
	xenstore-write "/local/domain/$domid/data/vcam-go" 1 || return 1
	fe_case_end storm
}
export -f fe_robust_restart fe_robust_hostile fe_robust_storm
step backend-restart 400 fe_robust_restart
step hostile-guest 950 fe_robust_hostile
d=0
for m in $FE_HOSTILE; do
	step "hostile-$m" 10 fe_hostile_check hostile $d "$m"
	d=$((d + 1))
done
FE_GUEST_WAIT=600 step event-storm 900 fe_robust_storm
