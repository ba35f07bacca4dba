# Guest side of scenario smoke: the frontend module loads and registers its xenbus driver.
set -e
insmod /lib/vcam/xen-vcamfront.ko
grep -q '^xen_vcamfront ' /proc/modules
ls /sys/bus/xen/drivers/ | grep -qi cam
echo "smoke: xen-vcamfront loaded, xenbus driver: $(ls /sys/bus/xen/drivers/ | grep -i cam)"
