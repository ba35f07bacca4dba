# Scenario fe-fakebe: xen-vcamfront.ko against frontend/tests/vcam-fakebe (a minimal cameraif
# backend with a known frame pattern, no camera needed).  Connect, V4L2 ioctls, v4l2-compliance
# -s, MMAP/USERPTR/read() capture with pattern checks in each notification mode and both buffer
# allocation modes; then hostile backends: the guest must survive every one without an oops.
# rig-timeout: 900

. "$REPO/frontend/tests/fe-rig-lib.sh"

step event-fealloc 450 fe_case ev fe-stream ", notify-mode=event"
step spin-fealloc 300 fe_case sp fe-stream ", notify-mode=spin"
step hybrid-bealloc 300 fe_case hy fe-stream ", notify-mode=hybrid, be-alloc=1"
step event-bealloc 300 fe_case eb fe-stream ", notify-mode=event, be-alloc=1"
step backend-restart 400 fe_recover
for m in rsp-prod rsp-id evt-prod evt-index evt-size evt-type no-reply vanish; do
	step "hostile-$m" 200 fe_case "h-$m" fe-hostile "" --hostile "$m"
done
