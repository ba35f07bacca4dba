# vcam: Xen paravirtual camera.  See README.md.
TOP := $(CURDIR)
export TOP
include mk/kernel.mk
export KVER KDIR

# Each part's Makefile provides: all, clean, check-unit.
PARTS := ring backend frontend xenstore-scripts tests

.PHONY: all clean deps check check-unit check-rig demo fuzz bench $(PARTS)

all: $(PARTS)

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

deps:
	sh deps/install.sh deps/debian.txt

check: check-unit check-rig

check-unit: all
	@set -e; for p in $(PARTS); do $(MAKE) -s -C $$p check-unit; done

check-rig: all
	tests/rig/run-rig --all

demo: all
	tests/rig/run-rig demo

fuzz: all
	$(MAKE) -C backend fuzz

bench: all
	$(MAKE) -C bench

clean:
	@for p in $(PARTS); do $(MAKE) -C $$p clean; done
	rm -rf tests/rig/out
