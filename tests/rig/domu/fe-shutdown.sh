# Guest side of scenario fe-shutdown: stream until dom0 shuts the guest down.
insmod /lib/vcam/xen-vcamfront.ko || exit 1
for i in $(seq 300); do [ -e /dev/video0 ] && break; sleep 0.1; done
[ -e /dev/video0 ] || { echo "fe-shutdown: no /dev/video0"; exit 1; }
v4l2-ctl -d /dev/video0 --stream-mmap --stream-count=1000000 --stream-to=/dev/null &
sleep 3
kill -0 $! || { echo "fe-shutdown: capture did not start"; exit 1; }
echo "fe-shutdown: streaming"
wait
