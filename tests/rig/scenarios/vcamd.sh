# Scenario vcamd: backend/vcamd in dom0 serving vivid (still picture) to vcam-testfe guests.
# 100 frames in each notification mode, fe-alloc and be-alloc, every frame's CRC equal to a native
# dom0 capture; then a guest floods vcamd (requests, kicks, buffers/pages) and sends every other
# hostile case while another keeps streaming at its rate (>= 90 % of it during each flood); vcamd
# survives; the camera is unplugged and comes back while a guest streams (vcamd reopens it and the
# stream goes on); vcamd exits cleanly on SIGTERM.  Per-mode counters land in
# out/<run>/vcamd-modes.txt, the flood figures in out/<run>/vcamd-floods.txt.
# vcamd runs with a page cap of 512 per device, so that 640x360 buffers (113 pages) reach it: four
# fit (what the streaming cases use), the fifth is refused.
# rig-timeout: 1200

. "$REPO/backend/tests/rig/vcamd-lib.sh"

step vivid-still 60 be_vivid
step vcamd-start 30 be_vcamd_start --max-pages-per-device=512
step event-fealloc 220 be_stream_case ev-fe event 0
step event-bealloc 220 be_stream_case ev-be event 1
step spin-fealloc 220 be_stream_case sp-fe spin 0
step hybrid-fealloc 220 be_stream_case hy-fe hybrid 0
step spin-bealloc 220 be_stream_case sp-be spin 1
step hostile-vs-streaming 420 be_hostile_case
step camera-replug 300 be_replug_case
step vcamd-sigterm 30 be_vcamd_stop
