# Common flags for vcam's userspace C.  Warnings are errors for our own code.
CC ?= cc
CSTD ?= -std=c11 -D_GNU_SOURCE
WARN ?= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS ?= -O2 -g
VCAM_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -I$(TOP)/ring/include
