# Scenario mjpeg (issue 13): a compressed camera, as most USB webcams are at 720p and up.  dom0's
# camera is v4l2loopback fed by GStreamer (videotestsrc ! jpegenc, then lib/mjpeg-feed.py writes
# each JPEG to the device, keeping a copy): it offers MJPG only, each frame a JPEG of its own
# size.  A guest made by a plain `xl create` with a vcam= line gets the MJPG modes the toolstack
# read from the camera, captures with v4l2-ctl and with GStreamer (v4l2src ! jpegdec): every
# frame must be a whole JPEG, byte for byte one the source encoded, in order, sizes varying and
# below sizeimage; v4l2-compliance -s passes on the device in MJPG.  dom0 captures natively too
# (the rate to compare with).
# v4l2loopback 0.12 resets every buffer's bytesused to sizeimage when a reader calls REQBUFS, and
# then hands that reader the buffer its writer filled last: a stale frame with the whole buffer as
# its size.  vcamd drops frames from before its STREAMON (backend/v4l2_camera.c); dom0's native
# v4l2-ctl skips its first two buffers.
# rig-timeout: 600

export MJ_W=640 MJ_H=480 MJ_FPS=10 MJ_N=15 MJ_NR=20
export MJ_DEV=/dev/video$MJ_NR MJ_SRC=/tmp/mj-src MJ_CHECK=$REPO/tests/rig/lib/mjpeg-check.py
# dom0's root is read-only: GStreamer's registry goes to /tmp, and it scans only the plugins used
# here (a scan of all of them takes long under TCG).  The sink is not GStreamer's v4l2sink: in
# 1.22 it needs image/jpeg,parsed=true and then gives the device the fourcc JPEG, not a webcam's
# MJPG (found in the rig).
export GST_REGISTRY_1_0=/tmp/mj-gst-registry.bin GST_PLUGIN_SYSTEM_PATH_1_0=/tmp/mj-gst-plugins
export GST_REGISTRY_FORK=no

mj_camera() {
	local gst i
	rmmod v4l2loopback 2>/dev/null
	# exclusive_caps: a capture device only while something writes, as a webcam looks to apps
	modprobe v4l2loopback devices=1 video_nr=$MJ_NR exclusive_caps=1 max_buffers=8 \
		card_label="vcam MJPEG test camera" ||
		{ echo "no v4l2loopback module for $(uname -r): make deps installs v4l2loopback-dkms"; return 1; }
	gst=$(ls -d /usr/lib/*/gstreamer-1.0 | head -n 1)
	rm -rf "$GST_PLUGIN_SYSTEM_PATH_1_0" "$MJ_SRC"
	mkdir -p "$GST_PLUGIN_SYSTEM_PATH_1_0" "$MJ_SRC"
	for p in coreelements videotestsrc jpeg; do
		ln -s "$gst/libgst$p.so" "$GST_PLUGIN_SYSTEM_PATH_1_0/" || return 1
	done
	# The ball moves every frame: frames differ, and so do their sizes.  The feeder writes each
	# JPEG to the loopback device as one MJPG frame and keeps a copy in $MJ_SRC.
	dom0_daemon mjpeg.source bash -c "gst-launch-1.0 -q videotestsrc is-live=true pattern=ball ! \
		video/x-raw,format=I420,width=$MJ_W,height=$MJ_H,framerate=$MJ_FPS/1 ! jpegenc ! \
		fdsink fd=1 | python3 $REPO/tests/rig/lib/mjpeg-feed.py $MJ_DEV ${MJ_W}x$MJ_H $MJ_FPS $MJ_SRC &
		echo \$! >/run/mj-feed.pid; wait" || return 1
	for i in $(seq 40); do
		[ -e "$MJ_SRC/000003.jpg" ] && break
		kill -0 "$(cat /run/mjpeg.source.pid)" 2>/dev/null || break
		sleep 0.5
	done
	cat "$OUT/logs/mjpeg.source.log"
	v4l2-ctl -d $MJ_DEV --info --list-formats-ext --get-fmt-video --get-parm || return 1
	v4l2-ctl -d $MJ_DEV --get-fmt-video | grep -q "'MJPG'" ||
		{ echo "$MJ_DEV offers no MJPG capture"; return 1; }
	echo "source frames so far: $(ls "$MJ_SRC" | wc -l)"
}

mj_sizeimage() { v4l2-ctl -d "$1" --get-fmt-video | sed -n 's/.*Size Image *: *\([0-9]*\).*/\1/p'; }

# The same capture natively in dom0: the reference rate, and the check's method on a plain path.
mj_native() {
	v4l2-ctl -d $MJ_DEV --stream-mmap --stream-skip=2 --stream-count=$MJ_N --stream-to=/tmp/mj-native.mjpg \
		--verbose >/tmp/mj-native.log 2>&1 || { tail -n 20 /tmp/mj-native.log; return 1; }
	grep -o 'fps: [0-9.]*' /tmp/mj-native.log | tail -n 1 | cut -d' ' -f2 >/run/mj-native.fps
	mj_sizeimage $MJ_DEV >/run/mj-native.sizeimage
	echo "native: $(cat /run/mj-native.fps) fps, sizeimage $(cat /run/mj-native.sizeimage)"
	python3 "$MJ_CHECK" --src $MJ_SRC --size ${MJ_W}x$MJ_H --frames $MJ_N \
		--sizeimage "$(cat /run/mj-native.sizeimage)" native=/tmp/mj-native.mjpg:/tmp/mj-native.log |
		tee /run/mj-native.check
	test "${PIPESTATUS[0]}" = 0
}

# vcamd first (dom0_vcamd returns once it answers), then the watcher.
mj_daemons() {
	dom0_vcamd mjpeg.vcamd -v -v || return 1
	dom0_daemon mjpeg.watch "$REPO/xenstore-scripts/bin/vcam-xl-watch"
}

# The guest boots the rig's ramdisk with GStreamer appended (lib/mk-gst-addon): only this guest
# pays for its size.  Copying GStreamer's files and compressing them took dom0 ~15 s under TCG
# (most of the ~20 s from the guest step's start to its device in the reference run): started in
# the background with the scenario (below), niced, while the other steps mostly wait for frames;
# mj_guest waits for /run/mj-initrd.rc.
mj_initrd() {
	"$REPO/tests/rig/lib/mk-gst-addon" /tmp/mj-gst.cpio || return 1
	{ cat "$DOMU_INITRD" && gzip -1c /tmp/mj-gst.cpio; } >/tmp/mj-initrd.gz || return 1
	ls -l "$DOMU_INITRD" /tmp/mj-initrd.gz
}

# A plain xl create; the line names the camera only, so the watcher offers the modes it reads
# from it.  What it offered is kept for mj_offered.
mj_guest() {
	local cfg d be i
	for i in $(seq 600); do [ -e /run/mj-initrd.rc ] && break; sleep 0.2; done
	cat "$OUT/logs/mjpeg.initrd.log"
	[ "$(cat /run/mj-initrd.rc 2>/dev/null)" = 0 ] || { echo "no ramdisk with GStreamer"; return 1; }
	cfg=$(DOMU_INITRD=/tmp/mj-initrd.gz DOMU_ARGS="mj.w=$MJ_W mj.h=$MJ_H mj.n=$MJ_N" \
		domu_cfg mjpeg mjpeg "vcam = [ 'unique-id=video$MJ_NR' ]")
	cat "$cfg"
	$XL create "$cfg" || return 1
	d=$($XL domid mjpeg) || return 1
	be=/local/domain/0/backend/vcamera/$d/0
	for i in $(seq 100); do
		xenstore-read "$be/online" >/dev/null 2>&1 && break
		sleep 0.1
	done
	xenstore-ls -f "$be/formats" | tee /run/mj-offered.txt
	domu_wait_end mjpeg 420
}

mj_offered() {
	local con
	con=$(domu_console mjpeg)
	grep -q "formats/MJPG/${MJ_W}x$MJ_H/frame-rates = \"[0-9]" /run/mj-offered.txt ||
		{ echo "the toolstack offered no MJPG ${MJ_W}x$MJ_H:"; cat /run/mj-offered.txt; return 1; }
	tr -d '\r' <"$con" | grep -E "'MJPG' \(Motion-JPEG, compressed\)" ||
		{ echo "the guest's device lists no compressed MJPG"; return 1; }
	tr -d '\r' <"$con" | grep -E '^mjpeg: (pixelformat|sizeimage)'
	tr -d '\r' <"$con" | grep -q '^mjpeg: pixelformat MJPG$'
}

# Both guest captures against the source's frames; the decoder in the guest saw every frame.
mj_frames() {
	local con si dec
	con=$(domu_console mjpeg)
	si=$(tr -d '\r' <"$con" | sed -n 's/^mjpeg: sizeimage \([0-9]*\)$/\1/p')
	echo "guest sizeimage: $si (dom0's camera: $(cat /run/mj-native.sizeimage))"
	[ -n "$si" ] && [ "$si" = "$(cat /run/mj-native.sizeimage)" ] || return 1
	python3 "$MJ_CHECK" --src $MJ_SRC --size ${MJ_W}x$MJ_H --frames $MJ_N --sizeimage "$si" \
		--out "$OUT/mjpeg-frames" "v4l2-ctl=$con:v4l2" "gstreamer=$con:gst" |
		tee /run/mj-guest.check
	[ "${PIPESTATUS[0]}" = 0 ] || return 1
	dec=$(tr -d '\r' <"$con" | sed -n 's/^mjpeg: gst decoded bytes \([0-9]*\)$/\1/p')
	echo "jpegdec in the guest: $dec bytes of I420, $MJ_N frames are $((MJ_N * MJ_W * MJ_H * 3 / 2))"
	[ "$dec" = $((MJ_N * MJ_W * MJ_H * 3 / 2)) ]
}

# The check above can fail: one changed base64 character in the v4l2-ctl stream must be caught.
mj_frames_corrupt() {
	local con
	con=$(domu_console mjpeg)
	awk '/mjpeg: v4l2-begin/ { n = 1; print; next }
	     n && ++n == 20 { c = substr($0, 10, 1); $0 = substr($0, 1, 9) (c == "A" ? "B" : "A") substr($0, 11) }
	     { print }' "$con" >/tmp/mj-corrupt.log
	cmp -s "$con" /tmp/mj-corrupt.log && { echo "nothing was changed"; return 0; }
	python3 "$MJ_CHECK" --src $MJ_SRC --size ${MJ_W}x$MJ_H --frames $MJ_N "v4l2-ctl=/tmp/mj-corrupt.log:v4l2"
}

# v4l2-compliance -s: no failure, but one.  Its read/write test reads one octet without
# blocking, reopens, and wants the same answer again (v4l2-test-buffers.cpp(843) in Debian 12's
# v4l-utils 1.22.1).  A non-blocking read of a stream that has just started may get EAGAIN or,
# if the first frame beat the call, that frame: both are right.  With vcamd keeping its camera
# buffers (and a loopback camera that has a frame at once) the second start can be quick enough.
# So that one check may differ, provided every non-blocking read the guest probed got one of
# those two answers.
mj_compliance() {
	local con fails probes bad
	con=$(domu_console mjpeg)
	tr -d '\r' <"$con" | grep -E 'mjpeg: compliance|fail:|warn:|mjpeg: readprobe'
	tr -d '\r' <"$con" | grep -qE '^mjpeg: compliance: Total for .*Failed: 0,' && return 0
	tr -d '\r' <"$con" | grep -qE '^mjpeg: compliance: Total for .*Failed: 1,' || return 1
	fails=$(tr -d '\r' <"$con" | grep -E 'fail:' | grep -v -F 'v4l2-test-buffers.cpp(843): ret2 != ret || err2 != err')
	[ -z "$fails" ] || return 1
	probes=$(tr -d '\r' <"$con" | grep -c '^mjpeg: readprobe ')
	bad=$(tr -d '\r' <"$con" | grep '^mjpeg: readprobe ' |
		grep -v -E 'ret=1 errno=0$|ret=-1 errno=Resource temporarily unavailable$')
	[ "$probes" -ge 6 ] && [ -z "$bad" ] ||
		{ echo "a non-blocking read got something else: $bad"; return 1; }
	echo "compliance: only the read/write consistency check differed; $probes non-blocking reads each got EAGAIN or a frame"
}

mj_stop() {
	"$REPO/backend/vcamctl" status 2>/dev/null
	# vcamd first: the loopback device forgets its format when its writer goes
	dom0_daemon_stop mjpeg.watch mjpeg.vcamd
	# the feeder; GStreamer then ends on its closed pipe
	kill "$(cat /run/mj-feed.pid)" 2>/dev/null
	dom0_daemon_stop mjpeg.source
	grep -iE 'MJPG|zero copy|copying|error' "$OUT/logs/mjpeg.vcamd.log" | head -n 8
	for i in $(seq 20); do rmmod v4l2loopback 2>/dev/null && break; sleep 0.5; done
	! lsmod | grep -q '^v4l2loopback '
}

# The figures a person asks for, in $OUT/mjpeg-summary.txt.
mj_summary() {
	local con gfps
	con=$(domu_console mjpeg)
	gfps=$(tr -d '\r' <"$con" | sed -n 's/^mjpeg: v4l2-ctl fps \([0-9.]*\)$/\1/p')
	{
		echo "MJPEG camera ${MJ_W}x$MJ_H at $MJ_FPS fps (v4l2loopback fed by GStreamer jpegenc)"
		echo "  sizeimage   $(cat /run/mj-native.sizeimage) bytes"
		sed 's/^/  /' /run/mj-native.check /run/mj-guest.check
		echo "  rate        guest ${gfps:-?} fps (v4l2-ctl), dom0 natively $(cat /run/mj-native.fps) fps"
		echo "  frames      $OUT/mjpeg-frames/"
		tr -d '\r' <"$con" | sed -n 's/^mjpeg: compliance: /  compliance  /p'
	} | tee "$OUT/mjpeg-summary.txt"
	[ -n "$gfps" ]
}

export -f mj_camera mj_sizeimage mj_native mj_daemons mj_initrd mj_guest mj_offered mj_frames \
	mj_frames_corrupt mj_compliance mj_stop mj_summary
rm -f /run/mj-initrd.rc
{ nice -n 10 bash -c mj_initrd; echo $? >/run/mj-initrd.rc; } >"$OUT/logs/mjpeg.initrd.log" 2>&1 &
step camera 60 mj_camera
step native-capture 60 mj_native
step daemons 30 mj_daemons
step guest 480 mj_guest
step offered-mjpg 10 mj_offered
step frames-equal 60 mj_frames
expect_fail check-catches-corruption 60 mj_frames_corrupt
step compliance 10 mj_compliance
step stop 30 mj_stop
step summary 10 mj_summary
