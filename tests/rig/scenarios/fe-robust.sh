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
# rig-timeout: 1400

. "$REPO/frontend/tests/fe-rig-lib.sh"

step backend-restart 400 fe_recover
FE_HOSTILE="rsp-prod rsp-id evt-prod evt-index evt-size evt-type no-reply vanish refuse-start vanish-at-start"
# shellcheck disable=SC2086 # the list of modes
step hostile-guest 950 fe_hostile_all hostile $FE_HOSTILE
d=0
for m in $FE_HOSTILE; do
	step "hostile-$m" 10 fe_hostile_check hostile $d "$m"
	d=$((d + 1))
done
FE_GUEST_WAIT=600 step event-storm 700 fe_case storm fe-storm "" --storm
