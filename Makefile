# vcam: Xen paravirtual camera.  See README.md.
TOP := $(CURDIR)
export TOP
include mk/kernel.mk
export KVER KDIR

# Each part's Makefile provides: all, clean, check-unit.
PARTS := ring backend frontend xenstore-scripts tests

.PHONY: all clean deps check check-unit check-rig packages-installed demo fuzz fuzz-merge bench bench-tools man soak check-migrate $(PARTS) \
	install uninstall deb

all: $(PARTS) bench-tools

ring:
	$(MAKE) -C ring
backend: ring
	$(MAKE) -C backend
frontend: ring
	$(MAKE) -C frontend
xenstore-scripts: ring
	$(MAKE) -C xenstore-scripts
tests: ring backend
	$(MAKE) -C tests
# The bench's measuring programs; the floor tools go into the rig's guests (not a PART: `make
# bench` is the rig run).
bench-tools: tests
	$(MAKE) -C bench tools

# Manual pages (scdoc) into man/build/; `make check-unit` also checks them
# against the programs' --help (man/check.py).
man:
	$(MAKE) -C man

# `make deps` always installs; check and demo install once per change of the package list, so
# that both work on a fresh Debian 12 machine without a separate step.
deps:
	sh deps/install.sh deps/debian.txt
	touch .deps-installed

.deps-installed: deps/debian.txt deps/install.sh
	sh deps/install.sh deps/debian.txt
	touch $@

# The rig boots Debian's Xen 4.17 rebuilt with shadow paging (tests/rig/lib/mk-xen-shadow, kept in
# tests/rig/cache/; about 180 CPU-seconds, built at low priority beside the unit tests): a PV
# guest's live migration needs it, and Debian builds its hypervisor without it.  Everything else
# in it is Debian's build of Debian's source; dom0 keeps Debian's tools.
check: .deps-installed
	@mkdir -p tests/rig/out
	@nice -n 19 tests/rig/lib/mk-xen-shadow >tests/rig/out/mk-xen-shadow.log 2>&1 & xen=$$!; \
	$(MAKE) check-unit; rc=$$?; \
	wait $$xen || { tail -n 30 tests/rig/out/mk-xen-shadow.log; \
		echo "make check: the shadow-paging hypervisor could not be built"; exit 1; }; \
	[ $$rc -eq 0 ] || exit $$rc; \
	RIG_XEN=shadow $(MAKE) check-rig

# Unit tests of every part, the manual pages (render cleanly, agree with --help), then a short
# libFuzzer run of both backend targets (request handling, xenstore configuration) from their
# kept corpora (`make fuzz`: 10 million runs each).
check-unit: all
	@set -e; for p in $(PARTS) bench man; do $(MAKE) -s -C $$p check-unit; done
	$(MAKE) -s -C backend fuzz FUZZ_RUNS=25000

# The rig's scenario `packages` proves the Debian packages as installed on this machine (the
# rig's dom0 root is this machine's /, read-only): build and install them first, as `make deps`
# installs what it needs (root or sudo).  The unit tests already ran: the package build skips
# them.  DKMS builds the guest module for the rig's kernel on install.
check-rig: all packages-installed
	tests/rig/run-rig --all

SUDO = $(if $(filter 0,$(shell id -u)),,sudo)
packages-installed:
	DEB_BUILD_OPTIONS=nocheck $(MAKE) deb
	$(SUDO) dpkg -i deb/vcam-dkms_*.deb deb/vcamd_*.deb deb/vcam-tools_*.deb

# The build's output goes to a log (shown only if the build fails); the rig prints one line per
# step; the end is the demo's summary.
demo: .deps-installed
	@echo "building vcam (log: tests/rig/out/demo-build.log)"
	@mkdir -p tests/rig/out
	@$(MAKE) all >tests/rig/out/demo-build.log 2>&1 || \
		{ tail -n 40 tests/rig/out/demo-build.log; exit 1; }
	@echo "booting Xen in QEMU; the guest gets a camera (a few minutes)"
	@RIG_OUT=tests/rig/out/demo tests/rig/run-rig demo >tests/rig/out/demo-rig.log 2>&1; rc=$$?; \
		grep -E '^(PASS|FAIL) ' tests/rig/out/demo-rig.log; \
		[ $$rc -eq 0 ] || { tail -n 60 tests/rig/out/demo-rig.log; exit $$rc; }
	@python3 tests/rig/lib/frame2png.py tests/rig/out/demo/consoles/guest-demo.log \
		tests/rig/out/demo/demo-frame.png >/dev/null
	@echo
	@cat tests/rig/out/demo/demo-summary.txt

fuzz: all
	$(MAKE) -C backend fuzz

# Fold what `make fuzz` found into the kept, minimized corpora (backend/fuzz/corpus/).
fuzz-merge: all
	$(MAKE) -C backend fuzz-merge

bench: all
	$(MAKE) -C bench bench

# Not part of check: SOAK_MINUTES (default 20) of guests capturing from dom0 and a driver domain
# that restarts halfway; fails unless vcamd's RSS, fds, grants and event channels stay flat
# (docs/driver-domain.md).  Then the series as a PNG where matplotlib is (Debian's python3).
SOAK_PYTHON ?= /usr/bin/python3
soak: all
	tests/rig/run-rig soak; rc=$$?; \
	$(SOAK_PYTHON) tests/rig/lib/soak-plot.py tests/rig/out/latest/soak-series.csv \
		tests/rig/out/latest/soak-series.png || true; \
	cat tests/rig/out/latest/soak-summary.txt 2>/dev/null; exit $$rc

# Scenario save-restore alone on the hypervisor make check boots, whose migrate step must
# really migrate the guest.
check-migrate: .deps-installed all
	nice -n 19 tests/rig/lib/mk-xen-shadow >/dev/null
	RIG_XEN=shadow tests/rig/run-rig save-restore

# `make install` for hosts without the Debian packages (those use PREFIX=/usr,
# UNITDIR=/lib/systemd/system: debian/rules).  The config files go to /etc
# whatever the prefix: that is where vcamd's unit and modprobe look.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
USER_BINS := backend/vcamd backend/vcamctl \
	$(addprefix xenstore-scripts/bin/,vcam-attach vcam-detach vcam-list vcam-xl vcam-xl-watch)
UNITS := vcamd.service vcamd-modules.service vcam-xl-watch.service
MAN8 := $(patsubst man/%.scd,%,$(wildcard man/*.8.scd))
MAN5 := $(patsubst man/%.scd,%,$(wildcard man/*.5.scd))

dist/build/%.service: dist/systemd/%.service.in
	@mkdir -p dist/build
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< >$@

install: backend xenstore-scripts man $(addprefix dist/build/,$(UNITS))
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/vcam $(DESTDIR)$(SYSCONFDIR)/modprobe.d
	install -m 755 $(USER_BINS) $(DESTDIR)$(SBINDIR)/
	install -m 644 $(addprefix man/build/,$(MAN8)) $(DESTDIR)$(MANDIR)/man8/
	install -m 644 $(addprefix man/build/,$(MAN5)) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 $(addprefix dist/build/,$(UNITS)) $(DESTDIR)$(UNITDIR)/
	install -m 644 dist/modprobe-vcam.conf $(DESTDIR)$(SYSCONFDIR)/modprobe.d/vcam.conf
	@# a config the admin edited stays
	[ -e $(DESTDIR)$(SYSCONFDIR)/vcam/vcamd.conf ] || \
		install -m 644 dist/vcamd.conf $(DESTDIR)$(SYSCONFDIR)/vcam/vcamd.conf

# Leaves vcamd.conf when it differs from the shipped one (the admin's).
uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(notdir $(USER_BINS)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(MAN8)) $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(MAN5))
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	rm -f $(DESTDIR)$(SYSCONFDIR)/modprobe.d/vcam.conf
	if cmp -s dist/vcamd.conf $(DESTDIR)$(SYSCONFDIR)/vcam/vcamd.conf; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/vcam/vcamd.conf; \
		rmdir $(DESTDIR)$(SYSCONFDIR)/vcam 2>/dev/null || true; \
	else echo "kept $(DESTDIR)$(SYSCONFDIR)/vcam/vcamd.conf (changed)"; fi

# Debian packages (debian/): vcam-dkms, vcamd and vcam-tools into deb/, built
# by dpkg-buildpackage in a copy of the tree (the files git knows, committed
# or not), so that nothing of a development build gets in and its output
# stays inside this tree.
DEB_VERSION = $(shell dpkg-parsechangelog -S Version)
deb:
	rm -rf deb/build
	mkdir -p deb/build/vcam-$(DEB_VERSION)
	git ls-files -co --exclude-standard -z | \
		xargs -0 tar -cf - --no-recursion -- | tar -C deb/build/vcam-$(DEB_VERSION) -xf -
	cd deb/build/vcam-$(DEB_VERSION) && dpkg-buildpackage -b -uc -us
	mv deb/build/*.deb deb/build/*.buildinfo deb/build/*.changes deb/
	rm -rf deb/build
	@ls deb/*.deb

clean:
	@for p in $(PARTS) bench man; do $(MAKE) -C $$p clean; done
	rm -rf tests/rig/out dist/build deb
