# Guest side of fe-fakebe: a camera from vcam-fakebe.  Frames carry byte k = (k * 13 + seq) & 255.
set -e
dev=/dev/video0
stats=/sys/bus/xen/devices/vcamera-0/stats
insmod /lib/vcam/xen-vcamfront.ko
i=0; while [ ! -e $dev ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -e $dev ] || { echo "VCAMFE no $dev"; dmesg | tail -20; exit 1; }
echo "VCAMFE mode $(cat $stats/mode)"
v4l2-ctl -d $dev --all
v4l2-ctl -d $dev --list-formats-ext

# check_frames FILE SIZE N: every frame follows the pattern for some seq.
check_frames() {
	local f=$1 sz=$2 n=$3 j=0 b0 b1 bx
	while [ $j -lt $n ]; do
		b0=$(od -An -tu1 -j $((j * sz)) -N 1 "$f" | tr -d ' ')
		b1=$(od -An -tu1 -j $((j * sz + 1)) -N 1 "$f" | tr -d ' ')
		bx=$(od -An -tu1 -j $((j * sz + 100001)) -N 1 "$f" | tr -d ' ')
		[ -n "$b0" ] || { echo "VCAMFE $f: frame $j missing"; return 1; }
		if [ $(((b0 + 13) % 256)) -ne "$b1" ] ||
		   [ $(((b0 + 100001 * 13) % 256)) -ne "$bx" ]; then
			echo "VCAMFE $f: frame $j bad pattern ($b0 $b1 $bx)"; return 1
		fi
		j=$((j + 1))
	done
	echo "VCAMFE $f: $n frames match the pattern"
}

sz=460800
v4l2-ctl -d $dev --set-fmt-video=width=640,height=360,pixelformat=YUYV
v4l2-ctl -d $dev --stream-mmap=4 --stream-count=100 --stream-to=/tmp/mmap.raw
[ "$(wc -c </tmp/mmap.raw)" -eq $((100 * sz)) ] || { echo "VCAMFE mmap: short capture"; exit 1; }
check_frames /tmp/mmap.raw $sz 10
rm -f /tmp/mmap.raw
v4l2-ctl -d $dev --stream-user=4 --stream-count=30 --stream-to=/tmp/user.raw
check_frames /tmp/user.raw $sz 5
rm -f /tmp/user.raw
dd if=$dev of=/tmp/read.raw bs=$sz count=10 2>/dev/null
check_frames /tmp/read.raw $sz 5
rm -f /tmp/read.raw
v4l2-ctl -d $dev --set-ctrl=brightness=200
[ "$(v4l2-ctl -d $dev --get-ctrl=brightness)" = "brightness: 200" ]
v4l2-ctl -d $dev --set-parm=15
v4l2-ctl -d $dev --get-parm
if [ "$(cat $stats/mode)" = event ]; then
	v4l2-compliance -d $dev -s10 >/tmp/compl.txt 2>&1 || true
	cat /tmp/compl.txt
	grep 'Total for' /tmp/compl.txt | sed 's/^/VCAMFE compliance: /'
	grep -q 'Failed: 0' /tmp/compl.txt || echo "VCAMFE compliance has failures"
fi
for s in frames errors drops notify_sent notify_recv wakeups spins copies requests state; do
	echo "VCAMFE stat $s $(cat $stats/$s)"
done
dmesg | grep -i vcam | tail -n 20
echo "VCAMFE refcnt $(cat /sys/module/xen_vcamfront/refcnt) holders: $(ls /sys/module/xen_vcamfront/holders)"
ls -l /proc/[0-9]*/fd 2>/dev/null | grep -i video || true
# Unload while streaming.  xenbus holds a module reference per bound device, so the device is
# unbound under a running capture: the capture must end with an error, then the module unloads.
v4l2-ctl -d $dev --stream-mmap=4 --stream-count=100000 --stream-to=/dev/null &
pid=$!
sleep 3
echo vcamera-0 > /sys/bus/xen/drivers/vcamera/unbind
i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $pid 2>/dev/null; then echo "VCAMFE capture survived the unbind"; kill $pid; exit 1; fi
echo "VCAMFE capture ended by unbind"
rmmod xen_vcamfront
echo "VCAMFE unloaded"
