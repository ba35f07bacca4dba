// SPDX-License-Identifier: MIT
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hostile.h"
#include "opts.h"
#include "parse.h"
#include "proto.h"
#include "wire.h"

void tfe_usage(FILE *out)
{
	fprintf(out,
"usage: vcam-testfe [OPTIONS] [COMMAND]\n"
"Userspace cameraif v1 frontend for testing vcamd without the kernel module.\n"
"Runs inside a PV domU (xenstore, gntalloc, gntdev, evtchn) on the same\n"
"xenstore dir the kernel frontend uses: do not load xen-vcamfront meanwhile.\n"
"\n"
"Options:\n"
"  -d, --devid N          vcamera device id (default 0)\n"
"  -m, --mode MODE        notify mode event|spin|hybrid (default: xenstore\n"
"                         notify-mode, else event)\n"
"      --spin-us N        hybrid spin window (default: xenstore spin-us or 50)\n"
"  -b, --be-alloc 0|1     buffer allocation (default: xenstore be-alloc)\n"
"                         -m, --spin-us and -b are written to the frontend\n"
"                         dir before Initialised, so the backend uses them\n"
"                         too\n"
"  -n, --buffers N        buffers to request (default 4)\n"
"  -f, --frames N         frames to stream (default 100)\n"
"  -s, --seconds N        stream for N seconds instead, at most --frames\n"
"                         (default then 1000000) frames; flood, kick-flood\n"
"                         and exhaust last N seconds instead of --count\n"
"  -F, --format WxH[:FOURCC]  e.g. 640x360:YUYV (default: backend's)\n"
"  -r, --rate N[/D]       frame rate to set (default: leave)\n"
"  -o, --out FILE         checksum lines to FILE ('-': stdout, the default;\n"
"                         'none': do not print)\n"
"  -t, --timeout-ms N     per response / per frame timeout (default 5000)\n"
"      --foreign-domid N  domain to grant 'foreign' refs to (foreign-gref)\n"
"  -c, --count N          requests per flood, round trips for rtt\n"
"                         (default 10000)\n"
"  -L, --loop SOCKET      loopback transport to 'vcamd --loopback SOCKET'\n"
"                         (no Xen); we write the frontend dir as the\n"
"                         toolstack would, with -b, -m, -n and:\n"
"      --unique-id ID     camera for --loop (default video0)\n"
"      --literal          cameraif.h to the letter: no 'version' node, no\n"
"                         extensions, BUF_DEQUEUE after every FRAME_AVAIL\n"
"                         and the buffer read only after its response\n"
"      --no-capture-time  do not negotiate capture times (no latency)\n"
"  -v, --verbose\n"
"  -h, --help\n"
"\n"
"Output: one line per frame 'frame seq=S idx=I size=N crc32=XXXXXXXX'\n"
"(CRC-32 of used_sz octets, as zlib computes it), then a 'stats' line.\n"
"SIGTERM or SIGINT ends a stream at its next frame, as --seconds would.\n"
"\n"
"fe-alloc grants every buffer page through xen-gntalloc, whose default\n"
"limit is 1024 pages in all: 640x360 YUYV is 113 pages per buffer, fine;\n"
"1920x1080 YUYV is 1013 pages per buffer, so load the module with e.g.\n"
"'modprobe xen-gntalloc limit=8192' for larger frames or more buffers.\n"
"\n"
"Commands (default: stream).  Exit status: 0 pass, 1 fail, 2 usage or\n"
"setup error, 77 case not applicable here.\n"
"  rtt            start a stream (-F, -r, -n), let its buffers fill, then\n"
"                 time -c CONFIG_GET round trips (after 20 not counted):\n"
"                 'rtt op=CONFIG_GET mode=M ... n=N p50-us p99-us max-us\n"
"                 min-us' and the notifications they took\n");
	tfe_hostile_list(out);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int tfe_opts_parse(struct tfe_opts *o, int argc, char **argv, char *err,
		   size_t errlen)
{
	enum { OPT_SPIN_US = 256, OPT_FOREIGN, OPT_UNIQUE_ID, OPT_LITERAL,
	       OPT_NO_CAPTIME };
	static const struct option lopts[] = {
		{ "devid", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "spin-us", required_argument, NULL, OPT_SPIN_US },
		{ "be-alloc", required_argument, NULL, 'b' },
		{ "buffers", required_argument, NULL, 'n' },
		{ "frames", required_argument, NULL, 'f' },
		{ "seconds", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'F' },
		{ "rate", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "foreign-domid", required_argument, NULL, OPT_FOREIGN },
		{ "count", required_argument, NULL, 'c' },
		{ "loop", required_argument, NULL, 'L' },
		{ "unique-id", required_argument, NULL, OPT_UNIQUE_ID },
		{ "literal", no_argument, NULL, OPT_LITERAL },
		{ "no-capture-time", no_argument, NULL, OPT_NO_CAPTIME },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, frames_given = 0;
	unsigned long v;

	memset(o, 0, sizeof(*o));
	o->mode = -1;
	o->be_alloc = -1;
	o->nbufs = 4;
	o->frames = 100;
	o->timeout_ms = 5000;
	o->foreign_domid = ~0u;
	o->count = 10000;
	o->command = "stream";
	o->unique_id = "video0";

	optind = 0;	/* GNU: full re-initialisation */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:m:b:n:f:s:F:r:o:t:c:L:vh",
				lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (tfe_parse_uint(optarg, 0, 0xffff, &v))
				return fail(err, errlen, "bad devid '%s'",
					    optarg);
			o->devid = (unsigned int)v;
			break;
		case 'm':
			o->mode = vcam_notify_mode_parse(optarg);
			if (o->mode < 0)
				return fail(err, errlen,
					    "bad mode '%s' (event|spin|hybrid)",
					    optarg);
			break;
		case OPT_SPIN_US:
			if (tfe_parse_uint(optarg, 1, VCAM_SPIN_US_MAX, &v))
				return fail(err, errlen, "bad spin-us '%s'",
					    optarg);
			o->spin_us = (unsigned int)v;
			break;
		case 'b':
			if (tfe_parse_uint(optarg, 0, 1, &v))
				return fail(err, errlen,
					    "be-alloc is 0 or 1, not '%s'",
					    optarg);
			o->be_alloc = (int)v;
			break;
		case 'n':
			if (tfe_parse_uint(optarg, 1, 64, &v))
				return fail(err, errlen,
					    "buffers must be 1..64, not '%s'",
					    optarg);
			o->nbufs = (unsigned int)v;
			break;
		case 'f':
			if (tfe_parse_uint(optarg, 1, 100000000, &v))
				return fail(err, errlen, "bad frames '%s'",
					    optarg);
			o->frames = (unsigned int)v;
			frames_given = 1;
			break;
		case 's':
			if (tfe_parse_uint(optarg, 1, 86400, &v))
				return fail(err, errlen, "bad seconds '%s'",
					    optarg);
			o->seconds = (unsigned int)v;
			break;
		case 'F':
			if (tfe_parse_format(optarg, &o->width, &o->height,
					     &o->fourcc))
				return fail(err, errlen,
					    "bad format '%s' (WxH[:FOURCC])",
					    optarg);
			if (!o->fourcc)
				tfe_fourcc_parse("YUYV", &o->fourcc);
			break;
		case 'r':
			if (tfe_parse_rate(optarg, &o->rate_numer,
					   &o->rate_denom))
				return fail(err, errlen, "bad rate '%s'",
					    optarg);
			break;
		case 'o':
			o->out = optarg;
			break;
		case 't':
			if (tfe_parse_uint(optarg, 1, 3600000, &v))
				return fail(err, errlen, "bad timeout '%s'",
					    optarg);
			o->timeout_ms = (int)v;
			break;
		case OPT_FOREIGN:
			if (tfe_parse_uint(optarg, 0, 0x7fef, &v))
				return fail(err, errlen, "bad domid '%s'",
					    optarg);
			o->foreign_domid = (unsigned int)v;
			break;
		case 'c':
			if (tfe_parse_uint(optarg, 1, 10000000, &v))
				return fail(err, errlen, "bad count '%s'",
					    optarg);
			o->count = (unsigned int)v;
			break;
		case 'L':
			o->loop = 1;
			o->loop_sock = optarg;
			break;
		case OPT_LITERAL:
			o->literal = 1;
			break;
		case OPT_NO_CAPTIME:
			o->no_capture_time = 1;
			break;
		case OPT_UNIQUE_ID:
			if (!*optarg || strlen(optarg) > 64 ||
			    strpbrk(optarg, " =\n"))
				return fail(err, errlen, "bad unique-id '%s'",
					    optarg);
			o->unique_id = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			o->help = 1;
			break;
		case ':':
			return fail(err, errlen, "option needs a value: %s",
				    argv[optind - 1]);
		default:
			return fail(err, errlen, "unknown option: %s",
				    argv[optind - 1]);
		}
	}
	if (o->seconds && !frames_given)
		o->frames = 1000000;
	if (optind < argc)
		o->command = argv[optind++];
	if (optind < argc)
		return fail(err, errlen, "unexpected argument: %s",
			    argv[optind]);
	if (!o->help && !tfe_hostile_find(o->command) &&
	    strcmp(o->command, "stream") != 0 && strcmp(o->command, "rtt") != 0)
		return fail(err, errlen, "unknown command '%s'", o->command);
	return 0;
}
