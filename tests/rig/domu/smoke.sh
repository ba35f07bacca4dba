# Guest side of scenario smoke: the frontend module loads and registers its xenbus driver.
set -e
insmod /lib/vcam/xen-vcamfront.ko
grep -q '^xen_vcamfront ' /proc/modules
# the module registers its driver from a work item (no waiting for devices at insmod)
i=0; while [ ! -d /sys/bus/xen/drivers/vcamera ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ls /sys/bus/xen/drivers/ | grep -qi cam
echo "smoke: xen-vcamfront loaded, xenbus driver: $(ls /sys/bus/xen/drivers/ | grep -i cam)"
