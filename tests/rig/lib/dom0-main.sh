#!/bin/bash
# Runs in the rig's dom0 (root = the host's / over 9p, read-only): brings up the Xen toolstack,
# runs the scenarios named on the kernel command line, records results in the shared results
# folder, then powers the whole machine off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export OUT=/run/rig-out
cmdarg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
export REPO; REPO=$(cmdarg vcamrig.repo)
export KVER; KVER=$(uname -r)
scenarios=$(cmdarg vcamrig.scenarios | tr '+' ' ')
# the scenarios' settings from the host's environment (their `# rig-env:` lines; run-rig)
# shellcheck source=/dev/null
[ -f "$OUT/rig-env" ] && source "$OUT/rig-env"
mkdir -p "$OUT/logs" "$OUT/consoles" "$OUT/cfg"
# devtmpfs alone lacks these: bash process substitution needs /dev/fd, xenconsoled needs ptys.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
exec > >(tee -a "$OUT/dom0.log") 2>&1
cd "$REPO" || { echo "RIG-DOM0: no repo at $REPO"; poweroff -f; }
# shellcheck source=dom0-lib.sh
source "$REPO/tests/rig/lib/dom0-lib.sh"

# vivid's capture thread computes a negative sleep when the emulated machine falls far behind
# (vivid-kthread-cap.c) and the kernel dumps a stack for it.  That says the rig is slow, not that
# vcam or dom0 misbehaved, so exactly that block (message + vivid's stack) is not held against a
# scenario; it stays in logs/*.dom0-dmesg.log.  Anything else still fails.
drop_known_vivid_stall() {
	awk '/schedule_timeout: wrong timeout value/ { held = $0; next }
	     held != "" { held = held "\n" $0
	                  if ($0 ~ /<\/TASK>/) {
	                          if (held !~ /vivid_thread_vid_cap/) print held
	                          else print "(rig: ignored vivid stall trace)"
	                          held = "" }
	                  next }
	     { print }
	     END { if (held != "") print held }'
}

finish() {
	echo "$1" >"$OUT/result"
	echo "RIG-DOM0: result $1"
	sync
	poweroff -f
}

SCEN=setup
step xen-modules 60 bash -c '
	for m in xenfs xen-evtchn xen-gntdev xen-privcmd; do modprobe $m || exit 1; done
	# be-alloc shares whole frame buffers from userspace: raise gntalloc'"'"'s 1024-page default
	modprobe xen-gntalloc limit=65536 || exit 1
	mount -t xenfs xenfs /proc/xen'
step xenstored 60 bash -c '
	mkdir -p /var/run/xen /var/run/xenstored /var/lib/xen /var/lib/xenstored /var/log/xen
	/usr/lib/xen-4.17/bin/xenstored --pid-file /var/run/xenstored.pid || exit 1
	for i in $(seq 50); do [ -e /var/run/xenstored.pid ] && break; sleep 0.1; done
	/usr/lib/xen-4.17/bin/xen-init-dom0'
step xenconsoled 30 /usr/lib/xen-4.17/bin/xenconsoled --log=guest --log-dir="$OUT/consoles"
step xl-info 60 /usr/lib/xen-4.17/bin/xl info
if [ "$RIG_FAILED" != 0 ]; then
	finish FAIL
fi

dmesg_seen=$(dmesg | wc -l)
for s in $scenarios; do
	f="$REPO/tests/rig/scenarios/$s.sh"
	echo "RIG-DOM0: scenario $s"
	if [ ! -f "$f" ]; then
		record FAIL "$s" "(scenario file)" 0
		continue
	fi
	# A scenario gets a hard bound too; it runs in its own shell so its failures stay its own.
	budget=$(sed -n 's/^# rig-timeout: *//p' "$f")
	budget=$( (echo $((${budget:-600}))) 2>/dev/null)
	SCEN=$s timeout -k 10 "${budget:-600}" bash -c \
		'source "$REPO/tests/rig/lib/dom0-lib.sh"; source "$1"; scenario_end' _ "$f"
	rc=$?
	# Nothing a guest does may hurt dom0: any oops/BUG/WARNING in dom0's kernel log during the
	# scenario fails it, whatever its own steps said.
	dmesg >"$OUT/logs/$s.dom0-dmesg.log"
	new=$(tail -n +"$((dmesg_seen + 1))" "$OUT/logs/$s.dom0-dmesg.log" | drop_known_vivid_stall)
	dmesg_seen=$(wc -l <"$OUT/logs/$s.dom0-dmesg.log")
	if grep -qE 'Oops|BUG:|WARNING:|Call Trace|general protection' <<<"$new"; then
		record FAIL "$s" "dom0 kernel clean" 0
		grep -E -A12 'Oops|BUG:|WARNING:|general protection' <<<"$new" | head -n 40
		rc=1
	else
		record PASS "$s" "dom0 kernel clean" 0
	fi
	if [ $rc -ne 0 ]; then
		[ $rc -ge 124 ] && record FAIL "$s" "(scenario timeout ${budget:-600}s)" "${budget:-600}"
		RIG_FAILED=1
		domu_destroy_all
	fi
done
if [ "$RIG_FAILED" = 0 ]; then finish PASS; else finish FAIL; fi
