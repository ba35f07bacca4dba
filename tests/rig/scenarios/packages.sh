# Scenario packages: the Debian packages as installed on this machine do the demo.  dom0 runs
# the INSTALLED vcamd and vcam-xl-watch (/usr/sbin, vcamd with its /etc/vcam/vcamd.conf) with
# the capability bounding sets their systemd units give them (setpriv: none for vcamd,
# CAP_SYS_PTRACE for the watcher); the guest loads the module DKMS built from vcam-dkms
# (/lib/modules/$KVER/updates/dkms), not the build tree's; its frames equal a native capture.
# Then vcamd reloads its configuration on SIGHUP.  The rig's dom0 root is this machine's /,
# read-only: the packages must be installed on the host before the run (`make deb`, then
# `dpkg -i deb/vcam-dkms_*.deb deb/vcamd_*.deb deb/vcam-tools_*.deb`).
# rig-timeout: 300

export PKG_W=320 PKG_H=180 PKG_N=10
export PKG_KO=/lib/modules/$KVER/updates/dkms/xen-vcamfront.ko

pkg_installed() {
	local f missing=
	for f in /usr/sbin/vcamd /usr/sbin/vcamctl /usr/sbin/vcam-xl-watch /usr/sbin/vcam-list \
		/etc/vcam/vcamd.conf /etc/modprobe.d/vcam.conf /lib/systemd/system/vcamd.service \
		"$PKG_KO"; do
		[ -e "$f" ] || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		echo "packages: not installed on the host (missing:$missing)."
		echo "Install them there first (dom0's root is the host's /, read-only):"
		echo "  make deb && dpkg -i deb/vcam-dkms_*.deb deb/vcamd_*.deb deb/vcam-tools_*.deb"
		echo "(vcam-dkms builds the module for the newest linux-headers-*-amd64, $KVER here)"
		return 1
	fi
	echo "DKMS module: $PKG_KO, vermagic $(modinfo -F vermagic "$PKG_KO")"
	modinfo -F vermagic "$PKG_KO" | grep -q "^$KVER " || { echo "not built for $KVER"; return 1; }
	/usr/sbin/vcamd --help | head -n 1
	/usr/sbin/vcamctl --help 2>&1 | head -n 1
}

# The rig's guest ramdisk with the DKMS module in place of the tree's: a second cpio archive
# after the first, in one gzip stream (the kernel unpacks the archives in order, a later file
# replaces an earlier one).
pkg_ramdisk() {
	local root=/tmp/pkg-root
	rm -rf "$root" && mkdir -p "$root/lib/vcam" || return 1
	cp "$PKG_KO" "$root/lib/vcam/xen-vcamfront.ko" || return 1
	(cd "$root" && find lib | cpio -o -H newc --quiet) >/tmp/pkg-extra.cpio || return 1
	{ gzip -dc "$DOMU_INITRD" && cat /tmp/pkg-extra.cpio; } | gzip -1 >/tmp/pkg-initrd.gz ||
		return 1
	ls -l "$DOMU_INITRD" /tmp/pkg-initrd.gz
	md5sum <"$PKG_KO" | awk '{ print $1 }' >/run/pkg-ko.md5
	echo "ramdisk /tmp/pkg-initrd.gz, module md5 $(cat /run/pkg-ko.md5)"
}

pkg_daemons() {
	dom0_vivid 0 n_devs=1 || return 1
	v4l2-ctl -d /dev/video0 --set-fmt-video=width=$PKG_W,height=$PKG_H,pixelformat=YUYV \
		--stream-mmap --stream-count=$PKG_N --stream-to=/tmp/pkg-native.raw >/dev/null 2>&1 ||
		return 1
	dd if=/tmp/pkg-native.raw bs=$((PKG_W * PKG_H * 2)) skip=$((PKG_N - 1)) count=1 \
		2>/dev/null | md5sum | awk '{ print $1 }' >/run/pkg-native.md5
	echo "native frame md5: $(cat /run/pkg-native.md5)"
	dom0_daemon pkg.vcamd setpriv --bounding-set=-all --inh-caps=-all --no-new-privs \
		/usr/sbin/vcamd --foreground --stderr -v --config=/etc/vcam/vcamd.conf || return 1
	dom0_daemon pkg.watch setpriv --bounding-set=-all,+sys_ptrace --inh-caps=-all \
		--no-new-privs /usr/sbin/vcam-xl-watch || return 1
	grep '^Cap' "/proc/$(cat /run/pkg.vcamd.pid)/status"
}

pkg_guest() {
	local cfg
	cfg=$(DOMU_INITRD=/tmp/pkg-initrd.gz \
		DOMU_ARGS="demo.fmt=YUYV demo.w=$PKG_W demo.h=$PKG_H demo.n=$PKG_N" \
		domu_cfg pkg packages "vcam = [ 'unique-id=video0' ]")
	cat "$cfg"
	$XL create "$cfg" || return 1
	domu_wait_end pkg 150 || return 1
	/usr/sbin/vcamctl status
}

pkg_judge() {
	local con ko frame
	con=$(domu_console pkg)
	ko=$(sed -n 's/.*packages: module md5 \([0-9a-f]*\).*/\1/p' "$con" | tail -n 1)
	frame=$(sed -n 's/.*demo: frame md5: \([0-9a-f]*\).*/\1/p' "$con" | tail -n 1)
	echo "guest module md5 $ko, DKMS module md5 $(cat /run/pkg-ko.md5)"
	echo "guest frame md5 $frame, native $(cat /run/pkg-native.md5)"
	[ -n "$ko" ] && [ "$ko" = "$(cat /run/pkg-ko.md5)" ] &&
		[ -n "$frame" ] && [ "$frame" = "$(cat /run/pkg-native.md5)" ]
}

# systemctl reload vcamd: SIGHUP, the daemon stays and counts the reload.
pkg_reload() {
	local pid i
	pid=$(cat /run/pkg.vcamd.pid)	# setpriv execs vcamd: the same pid
	kill -HUP "$pid" || return 1
	for i in $(seq 50); do
		/usr/sbin/vcamctl status | grep -q ' reloads=1 ' && break
		sleep 0.1
	done
	/usr/sbin/vcamctl status | grep '^vcamd '
	/usr/sbin/vcamctl status | grep -q ' reloads=1 reload_errors=0' && kill -0 "$pid"
}

pkg_stop() {
	dom0_daemon_stop pkg.watch pkg.vcamd
	tail -n 15 "$OUT/logs/pkg.vcamd.log"
	! kill -0 "$(cat /run/pkg.vcamd.pid)" 2>/dev/null
}

export -f pkg_installed pkg_ramdisk pkg_daemons pkg_guest pkg_judge pkg_reload pkg_stop
step installed 20 pkg_installed
step ramdisk 30 pkg_ramdisk
step daemons 40 pkg_daemons
step guest-captures 200 pkg_guest
step installed-module-and-frames 10 pkg_judge
step sighup-reload 15 pkg_reload
step daemons-stop 15 pkg_stop
