# Scenario vcamd: backend/vcamd in dom0 serving vivid (still picture) to vcam-testfe guests.
# 100 frames in each notification mode, fe-alloc and be-alloc (one guest, a device with its own
# host configuration per case, the five streaming at once), every frame's CRC equal to a native
# dom0 capture, each served in the mode and allocation asked; then a guest floods vcamd
# (requests, kicks, buffers/pages) and sends every other hostile case (three devices at once)
# while another keeps streaming (>= 80 % of its rate without a flood); vcamd survives; the
# camera is unplugged and comes back while that guest still streams (vcamd reopens it and the
# stream goes on, 50 more frames); vcamd exits cleanly on SIGTERM.  Three guest boots, all at
# once in the streams step (the calm and evil guests wait for dom0's go).  Per-mode counters
# land in out/<run>/vcamd-modes.txt with each mode's per-frame latency (capture-time
# extension; the five streams share the guest's CPU, so compare modes with bench/), the
# dom0-guest clock skew and vivid's native latency at the same rate; the flood figures in
# out/<run>/vcamd-floods.txt.
# vcamd runs with a page cap of 512 per device, so that 640x360 buffers (113 pages) reach it: four
# fit (what the streaming cases use), the fifth is refused; with requests capped at 10 % of a
# CPU per device (the default, 25 %, let a request flood take 11 % of the calm guest's frames in
# this emulator: two emulated CPUs for dom0 and both guests); and with three devices in spin or
# hybrid at once (the default is two): spin, hybrid and spin/be-alloc stream together.
# rig-timeout: 1200

. "$REPO/backend/tests/rig/vcamd-lib.sh"

step vivid-still 60 be_vivid 25
step native-latency 30 be_native_latency 25
step vcamd-start 30 be_vcamd_start --max-pages-per-device=512 --max-req-cpu=10 --max-spinning=3
step streams 650 be_streams_guest
step event-fealloc 20 be_stream_case event 0
step event-bealloc 20 be_stream_case event 1
step spin-fealloc 20 be_stream_case spin 0
step hybrid-fealloc 20 be_stream_case hybrid 0
step spin-bealloc 20 be_stream_case spin 1
step hostile-vs-streaming 420 be_hostile_case
step camera-replug 300 be_replug_case
step vcamd-sigterm 30 be_vcamd_stop
