# The guest kernel version: the newest installed Debian linux-headers-*-amd64, never `uname -r`
# (the build machine's running kernel is not the rig's).  Override with KVER= or KDIR=.
KVER ?= $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sed 's|.*/linux-headers-||' | sort -V | tail -n 1)
KDIR ?= /usr/src/linux-headers-$(KVER)
