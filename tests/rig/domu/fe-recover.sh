# Guest side of fe-fakebe's backend-restart: the backend dies mid-stream without a word and a new
# one starts.  The running capture must end with an error, /dev/video0 must come back (via
# Reconfiguring -> Initialising -> Connected), and a new capture must deliver correct frames.
dev=/dev/video0
stats=/sys/bus/xen/devices/vcamera-0/stats
insmod /lib/vcam/xen-vcamfront.ko || exit 1
i=0; while [ ! -e $dev ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -e $dev ] || { echo "VCAMFE no $dev"; exit 1; }
timeout 120 v4l2-ctl -d $dev --stream-mmap=4 --stream-count=100000 --stream-to=/dev/null
rc=$?
echo "VCAMFE first capture exit $rc"
# (v4l2-ctl reports the DQBUF error but exits 0; 124 would mean it hung until the timeout)
[ $rc -ne 124 ] || { echo "VCAMFE capture hung instead of ending with an error"; exit 1; }
i=0
until v4l2-ctl -d $dev --stream-mmap=4 --stream-count=20 --stream-to=/tmp/r.raw 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 60 ] || { echo "VCAMFE device did not come back"; exit 1; }
	sleep 1
done
b0=$(od -An -tu1 -N 1 /tmp/r.raw | tr -d ' ')
b1=$(od -An -tu1 -j 1 -N 1 /tmp/r.raw | tr -d ' ')
[ $(((b0 + 13) % 256)) -eq "$b1" ] || { echo "VCAMFE bad frame after reconnect"; exit 1; }
echo "VCAMFE reconnected after ${i}s, $(($(wc -c </tmp/r.raw) / 460800)) frames ok, state $(cat $stats/state)"
dmesg | grep -i vcam | tail -n 12
echo vcamera-0 > /sys/bus/xen/drivers/vcamera/unbind
rmmod xen_vcamfront || { echo "VCAMFE rmmod failed"; exit 1; }
echo "VCAMFE unloaded"
