// SPDX-License-Identifier: MIT
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <string.h>
#include <syslog.h>

#include "parse.h"

void vcamd_usage(FILE *f)
{
	fprintf(f,
"Usage: vcamd [OPTION]...\n"
"Xen paravirtual camera backend (cameraif v1): serves the guests' virtual\n"
"cameras from V4L2 devices of this domain (dom0 or a driver domain).\n"
"\n"
"  -f, --foreground        stay in the foreground (default logs to stderr)\n"
"  -v, --verbose           more logging (repeat for debug)\n"
"  -q, --quiet             only warnings and errors\n"
"      --syslog            log to syslog (default when not -f)\n"
"      --stderr            log to stderr\n"
"  -m, --mode=MODE         default notify-mode: event|spin|hybrid (event);\n"
"                          a device's own xenstore notify-mode wins\n"
"  -s, --spin-us=US        default hybrid spin window in us (50)\n"
"  -b, --camera-buffers=N  V4L2 buffers per camera, 2..32 (4)\n"
"  -a, --allow=DEV         allow only these devices (repeatable, e.g.\n"
"                          /dev/video0); default: any /dev/video*\n"
"  -S, --status-socket=P   status socket for vcamctl (%s)\n"
"  -L, --loopback=PATH     serve the loopback transport on a unix socket\n"
"                          instead of Xen (testing without a hypervisor)\n"
"  -c, --config=FILE       read options from FILE (key = value, long names)\n"
"\n"
"What one guest may make vcamd spend (the guest cannot change these):\n"
"      --max-spinning=N    devices served in spin or hybrid mode at once;\n"
"                          more are served in event mode; 0: never spin (%u)\n"
"      --max-pages-per-device=N  buffer pages a device may hold, mapped or\n"
"                          granted; 0: no cap (%u)\n"
"      --max-pages-total=N buffer pages of all devices; 0: no cap (%u)\n"
"      --max-req-rate=N    requests per second per device; a device over it\n"
"                          waits, it is not refused; 0: no cap (%u)\n"
"      --max-req-burst=N   requests a device may send at once (%u)\n"
"      --max-req-cpu=PCT   CPU time a device's requests may take, in %% of\n"
"                          one CPU (%u ms at once); over it they wait; 0: no\n"
"                          cap (%u)\n"
"  -h, --help              this help\n"
"\n"
"Xen: needs /dev/xen/{xenbus or xenstored socket, gntdev, gntalloc, evtchn}\n"
"(modprobe xen-gntdev xen-gntalloc xen-evtchn).  be-alloc buffers are\n"
"granted through gntalloc, whose default limit of 1024 pages is one\n"
"1080p YUYV buffer: load it with e.g. 'modprobe xen-gntalloc limit=65536'.\n"
"SIGTERM, SIGINT: stop streams, unmap, close, set backends Closed, remove\n"
"the sockets, exit 0.  SIGHUP: read the options and --config file again;\n"
"devices whose camera is no longer allowed are closed, the others keep\n"
"streaming under the new caps; a bad file changes nothing.\n"
"Exit status: 0 stopped by a signal, 1 could not start (no Xen, no\n"
"loopback socket), 2 bad usage or config file.\n",
		VCAMD_STATUS_SOCK_DEFAULT, VCAMD_MAX_SPINNING_DEFAULT,
		VCAMD_MAX_PAGES_DEV_DEFAULT, VCAMD_MAX_PAGES_TOTAL_DEFAULT,
		VCAMD_MAX_REQ_RATE_DEFAULT, VCAMD_MAX_REQ_BURST_DEFAULT,
		VCAMD_REQ_CPU_BURST_MS, VCAMD_MAX_REQ_CPU_DEFAULT);
}

void vcamd_opts_default(struct vcamd_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->log_level = LOG_NOTICE;
	o->use_syslog = true;
	o->default_mode = VCAM_NOTIFY_EVENT;
	o->default_spin_us = VCAM_SPIN_US_DEFAULT;
	o->cam_buffers = 4;
	strcpy(o->status_path, VCAMD_STATUS_SOCK_DEFAULT);
	o->max_spinning = VCAMD_MAX_SPINNING_DEFAULT;
	o->max_pages_dev = VCAMD_MAX_PAGES_DEV_DEFAULT;
	o->max_pages_total = VCAMD_MAX_PAGES_TOTAL_DEFAULT;
	o->max_req_rate = VCAMD_MAX_REQ_RATE_DEFAULT;
	o->max_req_burst = VCAMD_MAX_REQ_BURST_DEFAULT;
	o->max_req_cpu = VCAMD_MAX_REQ_CPU_DEFAULT;
}

static int err_out(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int err_out(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int set_path(char *dst, const char *src, const char *what,
		    char *err, size_t errlen)
{
	if (!*src || strlen(src) >= VCAMD_PATH_MAX)
		return err_out(err, errlen, "%s: bad path '%s'", what, src);
	strcpy(dst, src);
	return 0;
}

/* Long-only options (getopt values outside the short letters). */
enum {
	OPT_SYSLOG = 1,
	OPT_STDERR,
	OPT_MAX_SPINNING,
	OPT_MAX_PAGES_DEV,
	OPT_MAX_PAGES_TOTAL,
	OPT_MAX_REQ_RATE,
	OPT_MAX_REQ_BURST,
	OPT_MAX_REQ_CPU,
};

static int set_u32(uint32_t *dst, const char *arg, uint32_t min, uint32_t max,
		   const char *what, char *err, size_t errlen)
{
	const char *why = NULL;

	if (vcam_parse_u32(arg, min, max, dst, &why))
		return err_out(err, errlen, "--%s '%s': %s", what, arg, why);
	return 0;
}

/* One option by its short letter; shared by argv and the config file. */
static int apply(struct vcamd_opts *o, int c, const char *arg,
		 char *err, size_t errlen)
{
	const char *why = NULL;

	switch (c) {
	case 'f':
		o->foreground = true;
		return 0;
	case 'v':
		if (o->log_level < LOG_DEBUG)
			o->log_level++;
		return 0;
	case 'q':
		o->log_level = LOG_WARNING;
		return 0;
	case OPT_SYSLOG:
		o->use_syslog = true;
		return 0;
	case OPT_STDERR:
		o->use_syslog = false;
		return 0;
	case OPT_MAX_SPINNING:
		return set_u32(&o->max_spinning, arg, 0, 1024, "max-spinning",
			       err, errlen);
	case OPT_MAX_PAGES_DEV:
		return set_u32(&o->max_pages_dev, arg, 0, 1U << 24,
			       "max-pages-per-device", err, errlen);
	case OPT_MAX_PAGES_TOTAL:
		return set_u32(&o->max_pages_total, arg, 0, 1U << 28,
			       "max-pages-total", err, errlen);
	case OPT_MAX_REQ_RATE:
		return set_u32(&o->max_req_rate, arg, 0, 1000000,
			       "max-req-rate", err, errlen);
	case OPT_MAX_REQ_BURST:
		return set_u32(&o->max_req_burst, arg, 1, 1000000,
			       "max-req-burst", err, errlen);
	case OPT_MAX_REQ_CPU:
		return set_u32(&o->max_req_cpu, arg, 0, 100, "max-req-cpu",
			       err, errlen);
	case 'm':
		if (vcam_parse_notify_mode(arg, &o->default_mode, &why))
			return err_out(err, errlen, "--mode '%s': %s", arg,
				       why);
		return 0;
	case 's':
		if (vcam_parse_u32(arg, 0, VCAM_SPIN_US_MAX,
				   &o->default_spin_us, &why))
			return err_out(err, errlen, "--spin-us '%s': %s", arg,
				       why);
		return 0;
	case 'b':
		if (vcam_parse_u32(arg, 2, 32, &o->cam_buffers, &why))
			return err_out(err, errlen,
				       "--camera-buffers '%s': %s", arg, why);
		return 0;
	case 'a':
		if (o->nallow >= VCAMD_MAX_ALLOW)
			return err_out(err, errlen, "--allow: more than %d",
				       VCAMD_MAX_ALLOW);
		if (strncmp(arg, "/dev/", 5))
			return err_out(err, errlen,
				       "--allow '%s': not a /dev path", arg);
		return set_path(o->allow[o->nallow++], arg, "--allow", err,
				errlen);
	case 'S':
		return set_path(o->status_path, arg, "--status-socket", err,
				errlen);
	case 'L':
		return set_path(o->loopback_path, arg, "--loopback", err,
				errlen);
	default:
		return err_out(err, errlen, "unknown option");
	}
}

static const struct option long_opts[] = {
	{ "foreground", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "syslog", no_argument, NULL, OPT_SYSLOG },
	{ "stderr", no_argument, NULL, OPT_STDERR },
	{ "mode", required_argument, NULL, 'm' },
	{ "spin-us", required_argument, NULL, 's' },
	{ "camera-buffers", required_argument, NULL, 'b' },
	{ "allow", required_argument, NULL, 'a' },
	{ "status-socket", required_argument, NULL, 'S' },
	{ "loopback", required_argument, NULL, 'L' },
	{ "max-spinning", required_argument, NULL, OPT_MAX_SPINNING },
	{ "max-pages-per-device", required_argument, NULL, OPT_MAX_PAGES_DEV },
	{ "max-pages-total", required_argument, NULL, OPT_MAX_PAGES_TOTAL },
	{ "max-req-rate", required_argument, NULL, OPT_MAX_REQ_RATE },
	{ "max-req-burst", required_argument, NULL, OPT_MAX_REQ_BURST },
	{ "max-req-cpu", required_argument, NULL, OPT_MAX_REQ_CPU },
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int vcamd_opts_parse(struct vcamd_opts *o, int argc, char **argv,
		     char *err, size_t errlen)
{
	bool log_dest_set = false;
	int c, ret;

	optind = 0;	/* full reset, so tests can parse repeatedly */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fvqm:s:b:a:S:L:c:h", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			vcamd_usage(stdout);
			return 1;
		case 'c':
			ret = vcamd_opts_load_file(o, optarg, err, errlen);
			if (ret)
				return ret;
			continue;
		case ':':
			return err_out(err, errlen, "option '%s' needs a value",
				       argv[optind - 1]);
		case '?':
			return err_out(err, errlen, "unknown option '%s'",
				       argv[optind - 1]);
		case OPT_SYSLOG:
		case OPT_STDERR:
			log_dest_set = true;
			break;
		}
		ret = apply(o, c, optarg, err, errlen);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return err_out(err, errlen, "unexpected argument '%s'",
			       argv[optind]);
	if (o->foreground && !log_dest_set)
		o->use_syslog = false;
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int vcamd_opts_load_file(struct vcamd_opts *o, const char *path,
			 char *err, size_t errlen)
{
	char line[512];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f)
		return err_out(err, errlen, "%s: %s", path, strerror(errno));
	while (!ret && fgets(line, sizeof(line), f)) {
		const struct option *lo;
		char *key, *val, *eq;

		lineno++;
		key = trim(line);
		if (!*key || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (eq) {
			*eq = '\0';
			val = trim(eq + 1);
			key = trim(key);
		} else {
			val = NULL;
		}
		for (lo = long_opts; lo->name; lo++)
			if (!strcmp(lo->name, key))
				break;
		if (!lo->name || lo->val == 'c' || lo->val == 'h') {
			ret = err_out(err, errlen, "%s:%u: unknown key '%s'",
				      path, lineno, key);
			break;
		}
		if ((lo->has_arg == required_argument) != (val != NULL)) {
			ret = err_out(err, errlen, "%s:%u: '%s' %s", path,
				      lineno, key, val ? "takes no value" :
				      "needs a value");
			break;
		}
		ret = apply(o, lo->val, val, err, errlen);
		if (ret) {
			char msg[256];

			snprintf(msg, sizeof(msg), "%s", err);
			err_out(err, errlen, "%s:%u: %s", path, lineno, msg);
		}
	}
	fclose(f);
	return ret;
}

bool vcamd_opts_allowed(const struct vcamd_opts *o, const char *path)
{
	unsigned int i;

	if (!o->nallow)
		return strncmp(path, "/dev/video", 10) == 0;
	for (i = 0; i < o->nallow; i++)
		if (!strcmp(o->allow[i], path))
			return true;
	return false;
}
