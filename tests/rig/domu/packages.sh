# Guest side of the packages scenario: says which module it loads (the DKMS-built one the
# scenario put at /lib/vcam), then captures like the demo.
echo "packages: module md5 $(md5sum /lib/vcam/xen-vcamfront.ko | awk '{ print $1 }')"
. /tests/demo.sh
