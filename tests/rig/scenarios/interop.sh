# Scenario interop (issue 9): cameraif v1 as written.  Four pairings of a frontend and a backend,
# each half either ours (vcamd offers the avail-dequeues extension, xen-vcamfront.ko takes it) or
# a peer that reads cameraif.h to the letter (no version node, no extension, BUF_DEQUEUE after
# every FRAME_AVAIL; a backend that keeps a filled buffer until BUF_DEQUEUE):
#   xen-vcamfront.ko      x vcam-fakebe --literal  (event, spin, hybrid; fe- and be-alloc)
#   vcam-testfe --literal x vcam-fakebe --literal  (the same three devices)
#   xen-vcamfront.ko      x vcamd, without and with the extension (notifications per frame)
#   vcam-testfe --literal x vcamd                  (event, spin, hybrid; fe- and be-alloc)
# Every frame is checked: the fake backend's pattern for its sequence number, or equal to a
# native capture of vcamd's camera.  The fake backends run first, without vcamd (both would
# serve dom0's backend dirs); the second guest boots meanwhile, without devices, and waits for
# dom0's go, and dom0 loads vivid (vcamd's camera) and captures it natively meanwhile too.
# rig-timeout: 900

. "$REPO/backend/tests/rig/vcamd-lib.sh"
# vcamd -v -v logs ~450 debug lines (vivid's modes) each time it opens the camera, five times
# here, and stderr writes each line at once: to the results share, 9p without a cache, each write
# is a round trip to the host (2-5 ms a line in the reference run, 2.3 s an open).  The log goes
# to tmpfs; io_vcamd_case copies it to logs/interop.vcamd-daemon.log when it ends, by a timeout
# too.
VCAMD_LOG=/tmp/interop-vcamd.log
export VCAMD_LOG

# io_attach3 GUEST UNIQUE-ID FORMATS: devices 0, 1, 2 in event, spin, hybrid (2: be-alloc).
io_attach3() {
	local d spec
	for d in 0 1 2; do
		case $d in
		0) spec="notify-mode=event" ;;
		1) spec="notify-mode=spin" ;;
		2) spec="notify-mode=hybrid, be-alloc=1" ;;
		esac
		"$REPO/xenstore-scripts/bin/vcam-attach" "$1" \
			"unique-id=$2, formats=$3, max-buffers=4, devid=$d, $spec" || return 1
	done
}

# io_fakebe_loop DOMID DEVID ARGS...: a literal fake backend for that device, started again each
# time a frontend leaves (one serves one connection), until /run/io-stop exists.
io_fakebe_loop() {
	local dom=$1 dev=$2 n=0
	shift 2
	while [ ! -e /run/io-stop ]; do
		n=$((n + 1))
		echo "=== vcam-fakebe run $n"
		"$REPO/frontend/tests/vcam-fakebe" "$dom" "$dev" --literal --fps 25 --seconds 300 "$@"
		sleep 0.5
	done
}

# io_patterns: the md5 and the CRC-32 of every frame the fake backend can send (line s: sequence
# number s), for io_check_fakebe; python under TCG takes seconds, so in the background (niced)
# while the guests are made.
io_patterns() {
	"$REPO/frontend/tests/fakebe-pattern.py" YUYV 320 180 >/tmp/io-md5 &&
		"$REPO/frontend/tests/fakebe-pattern.py" --crc32 YUYV 320 180 >/tmp/io-crc
}

# io_check_fakebe CONSOLE: the module's frames are pattern frames (md5 in the 256 possible),
# vcam-testfe's are the pattern frame of their very sequence number (CRC-32).  A grep and an awk
# for all frames: a process or two per frame cost dom0 seconds under TCG.
io_check_fakebe() {
	local con=$1 rc=0 m n bad
	sed -n 's/^IO module d[0-9] md5 \([0-9a-f]*\).*/\1/p' "$con" >/tmp/io-module.md5
	n=$(grep -c . /tmp/io-module.md5)
	bad=$(grep -v -x -F -f /tmp/io-md5 /tmp/io-module.md5)
	[ -z "$bad" ] || { echo "module frames that are no pattern frame:" $bad; rc=1; }
	[ "$n" = 12 ] || { echo "expected 12 module frame checksums, saw $n"; rc=1; }
	# shellcheck disable=SC2016 # awk's variables
	awk 'NR == FNR { crc[NR - 1] = $1; next }
	     /^IO testfe d[0-9] frame seq=[0-9]+ .*crc32=[0-9a-f]+/ {
		s = $0; sub(/.* frame seq=/, "", s); sub(/[^0-9].*/, "", s)
		c = $0; sub(/.*crc32=/, "", c); sub(/[^0-9a-f].*/, "", c)
		n++
		if (c != crc[s % 256])
			print "testfe frame seq " s ": crc " c ", pattern " crc[s % 256]
	     }
	     END { print "frames " n + 0 }' /tmp/io-crc "$con" >/tmp/io-testfe.check
	grep '^testfe frame seq' /tmp/io-testfe.check && rc=1
	n=$(sed -n 's/^frames //p' /tmp/io-testfe.check)
	[ "$n" = 60 ] || { echo "expected 60 vcam-testfe frames, saw $n"; rc=1; }
	grep '^IO module d[0-9] stats' "$con"
	# no extension offered: the module dequeued every frame
	[ "$(grep -c '^IO module d[0-9] stats .*handback=dequeue ' "$con")" = 3 ] ||
		{ echo "the module did not fall back to BUF_DEQUEUE"; rc=1; }
	# nor "in-order": one request at a time
	[ "$(grep -c '^IO module d[0-9] stats .* pipeline=one-at-a-time ' "$con")" = 3 ] ||
		{ echo "the module put requests on the ring at once for a backend that did not offer it"; rc=1; }
	for m in "d0 stats mode=event" "d1 stats mode=spin" "d2 stats mode=hybrid"; do
		grep -q "^IO module $m " "$con" || { echo "not as configured: $m"; rc=1; }
	done
	return $rc
}

io_fakebe_case() {
	local a d pat rc=0
	rm -f /run/io-stop /run/io-native.started /run/io-native.rc
	nice -n 10 bash -c io_patterns &
	pat=$!
	$XL create -p "$(domu_cfg iofake io-fakebe)" || return 1
	a=$($XL domid iofake) || return 1
	io_attach3 iofake video0 "YUYV:320x180@25/1" || return 1
	for d in 0 1 2; do
		io_fakebe_loop "$a" $d $([ $d = 2 ] && echo --be-alloc) \
			>"$OUT/logs/interop.fakebe$d.log" 2>&1 &
	done
	$XL unpause iofake || return 1
	# the vcamd step's guest boots now; its devices come with vcamd (io_vcamd_case)
	$XL create "$(domu_cfg iovcamd io-vcamd)" || rc=1
	# the vcamd step's camera, while this guest tests
	touch /run/io-native.started
	{ io_native; echo $? >/run/io-native.rc; } >"$OUT/logs/interop.native.log" 2>&1 &
	domu_wait_end iofake 400 || rc=1
	touch /run/io-stop
	sleep 1
	pkill -f 'vcam-fakebe .* --literal' 2>/dev/null
	grep -h 'frames delivered' "$OUT"/logs/interop.fakebe?.log
	wait $pat || { echo "fakebe-pattern.py failed"; return 1; }
	io_check_fakebe "$(domu_console iofake)" || rc=1
	return $rc
}

io_check_vcamd() {
	local con=$1 rc=0 m n native crc
	native=$(cat /run/io-native.md5)
	n=0
	for m in $(sed -n 's/^IO module [a-z]* md5 \([0-9a-f]*\).*/\1/p' "$con"); do
		n=$((n + 1))
		[ "$m" = "$native" ] || { echo "module frame $m is not the native $native"; rc=1; }
	done
	[ $n = 4 ] || { echo "expected 4 module frame checksums, saw $n"; rc=1; }
	grep -E '^IO module .*(stats|per frame)' "$con"
	grep -q '^IO module plain stats handback=dequeue pipeline=pipelined ' "$con" &&
		grep -q '^IO module ext stats handback=avail pipeline=pipelined ' "$con" ||
		{ echo "the extension was not negotiated as asked"; rc=1; }
	crc=$(grep -o 'crc32=[0-9a-f]*' "$OUT/native.sum" | head -n 1)
	n=$(grep -c "^IO testfe d[0-9] frame seq=" "$con")
	[ "$n" = 60 ] || { echo "expected 60 vcam-testfe frames, saw $n"; rc=1; }
	if grep "^IO testfe d[0-9] frame seq=" "$con" | grep -v "$crc"; then
		echo "vcam-testfe frames differ from the native $crc"; rc=1
	fi
	grep "^IO testfe d[0-9] stats" "$con"
	# the literal frontend's BUF_DEQUEUEs were answered as no-ops
	grep -a 'stats name=dom.*dequeue_held=' "$VCAMD_LOG" | sed 's/.*name=\([^ ]*\) .* mode=\([a-z]*\) .*dequeue_held=\([0-9]*\).*/vcamd \1 \2 dequeue_held=\3/'
	return $rc
}

# io_native: vcamd's camera, vivid with a still picture, and the md5 of a native capture.  It
# needs no backend (only the fake backends and vcamd must not overlap): io_fakebe_case starts it
# in the background while its guest tests, io_vcamd_case waits for /run/io-native.rc.
io_native() {
	be_vivid || return 1
	# vivid's webcam runs at 5 fps unless told, and vcamd streams at the rate it finds: the
	# 25 fps the devices offer, or the guest's 150 frames are 30 s of waiting (6 s at 25 fps)
	v4l2-ctl -d /dev/video0 --set-parm=25 || return 1
	v4l2-ctl -d /dev/video0 --get-parm | grep -F '(25/1)' || { echo "vivid is not at 25 fps"; return 1; }
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=640,height=360,pixelformat=YUYV \
		--stream-mmap --stream-count=3 --stream-to=/tmp/io-native.raw || return 1
	dd if=/tmp/io-native.raw bs=460800 skip=2 count=1 2>/dev/null | md5sum |
		awk '{ print $1 }' >/run/io-native.md5
	echo "native md5 $(cat /run/io-native.md5)"
}

io_vcamd_case() {
	local rc=0 _
	# shellcheck disable=SC2064 # the paths as they are now
	trap "cp '$VCAMD_LOG' '$OUT/logs/interop.vcamd-daemon.log'" EXIT
	if [ -e /run/io-native.started ]; then
		for _ in $(seq 300); do [ -e /run/io-native.rc ] && break; sleep 0.2; done
	else
		# the literal-backend step ended before it started io_native
		{ io_native; echo $? >/run/io-native.rc; } >"$OUT/logs/interop.native.log" 2>&1
	fi
	cat "$OUT/logs/interop.native.log"
	[ "$(cat /run/io-native.rc 2>/dev/null)" = 0 ] || { echo "vivid or its native capture failed"; return 1; }
	be_vcamd_start || return 1
	io_attach3 iovcamd video0 "YUYV:640x360@25/1" || return 1
	xenstore-write "/local/domain/$($XL domid iovcamd)/data/vcam-go" 1 || return 1
	domu_wait_end iovcamd 400 || rc=1
	io_check_vcamd "$(domu_console iovcamd)" || rc=1
	be_vcamd_stop || rc=1
	return $rc
}

export -f io_attach3 io_fakebe_loop io_patterns io_check_fakebe io_fakebe_case io_check_vcamd \
	io_native io_vcamd_case
step literal-backend 600 io_fakebe_case
step vcamd 600 io_vcamd_case
