# Guest side of fe-vcamd: xen-vcamfront.ko in front of vcamd + vivid.  Prints the md5 of
# captured frames (vivid shows a still picture: all equal the native dom0 frame), stats, and
# with fecompliance=1 the v4l2-compliance -s summary.
dev=/dev/video0
stats=/sys/bus/xen/devices/vcamera-0/stats
sz=460800
insmod /lib/vcam/xen-vcamfront.ko || exit 1
i=0; while [ ! -e $dev ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -e $dev ] || { echo "VCAMFE no $dev"; dmesg | tail -n 20; exit 1; }
echo "VCAMFE mode $(cat $stats/mode)"
v4l2-ctl -d $dev --set-fmt-video=width=640,height=360,pixelformat=YUYV || exit 1
v4l2-ctl -d $dev --stream-mmap=4 --stream-count=100 --stream-to=/tmp/mmap.raw || exit 1
n=$(($(wc -c </tmp/mmap.raw) / sz))
echo "VCAMFE mmap frames $n"
[ $n -eq 100 ] || exit 1
for f in 10 50 99; do
	echo "VCAMFE md5 mmap-$f $(dd if=/tmp/mmap.raw bs=$sz skip=$f count=1 2>/dev/null | md5sum | cut -d' ' -f1)"
done
rm -f /tmp/mmap.raw
v4l2-ctl -d $dev --stream-user=4 --stream-count=20 --stream-to=/tmp/user.raw || exit 1
echo "VCAMFE md5 user-10 $(dd if=/tmp/user.raw bs=$sz skip=10 count=1 2>/dev/null | md5sum | cut -d' ' -f1)"
rm -f /tmp/user.raw
dd if=$dev of=/tmp/read.raw bs=$sz count=6 2>/dev/null
echo "VCAMFE md5 read-5 $(dd if=/tmp/read.raw bs=$sz skip=5 count=1 2>/dev/null | md5sum | cut -d' ' -f1)"
rm -f /tmp/read.raw
if grep -q 'fecompliance=1' /proc/cmdline; then
	v4l2-compliance -d $dev -s >/tmp/compl.txt 2>&1
	# progress lines end in \r, not \n: a warning can hide at the end of one
	tr '\r' '\n' </tmp/compl.txt | grep -E 'fail|warn|Total' | cut -c1-200
	grep 'Total for' /tmp/compl.txt | sed 's/^/VCAMFE compliance: /'
fi
for s in frames errors drops notify_sent notify_recv wakeups spins copies requests state; do
	echo "VCAMFE stat $s $(cat $stats/$s)"
done
dmesg | grep -i vcam | tail -n 10
echo vcamera-0 > /sys/bus/xen/drivers/vcamera/unbind
rmmod xen_vcamfront || { echo "VCAMFE rmmod failed"; exit 1; }
echo "VCAMFE unloaded"
