// SPDX-License-Identifier: MIT
/*
 * vcam-testfe: a userspace cameraif v1 frontend that drives vcamd without
 * the kernel module, to stream with checksums and to send hostile input.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "hostile.h"
#include "opts.h"
#include "rtt.h"
#include "session.h"
#include "stream.h"

static FILE *open_out(const char *path)
{
	FILE *f;

	if (!path || strcmp(path, "-") == 0)
		return stdout;
	if (strcmp(path, "none") == 0)
		return NULL;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "testfe: cannot write %s: %s\n", path,
			strerror(errno));
	return f;
}

/* What the toolstack would write into the frontend dir. */
static struct tfe_tp *loop_connect(const struct tfe_opts *o)
{
	char uid[80], bufs[32], be[16], mode[32];
	const char *cfg[8];
	int n = 0;

	snprintf(uid, sizeof(uid), "unique-id=%s", o->unique_id);
	snprintf(bufs, sizeof(bufs), "max-buffers=%u",
		 o->nbufs > 8 ? o->nbufs : 8);
	snprintf(be, sizeof(be), "be-alloc=%d", o->be_alloc > 0);
	cfg[n++] = uid;
	cfg[n++] = bufs;
	cfg[n++] = be;
	cfg[n++] = "controls=brightness,contrast,saturation,hue";
	if (o->mode >= 0) {
		snprintf(mode, sizeof(mode), "notify-mode=%s",
			 vcam_notify_mode_name(o->mode));
		cfg[n++] = mode;
	}
	cfg[n++] = "state=1";
	cfg[n] = NULL;
	return tfe_tp_loop_connect(o->loop_sock, cfg);
}

int main(int argc, char **argv)
{
	const struct tfe_hostile_case *hc = NULL;
	struct tfe_stream_cfg cfg;
	struct tfe_sess_opts so;
	struct tfe_sess sess;
	struct tfe_opts o;
	struct tfe_tp *tp;
	char err[160];
	FILE *out;
	int ret;

	if (tfe_opts_parse(&o, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "vcam-testfe: %s (try --help)\n", err);
		return TFE_EXIT_ERROR;
	}
	if (o.help) {
		tfe_usage(stdout);
		return 0;
	}
	if (strcmp(o.command, "stream") != 0 && strcmp(o.command, "rtt") != 0)
		hc = tfe_hostile_find(o.command);
	/* A backend that drops us must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	tfe_stop_on_signals();
	setvbuf(stdout, NULL, _IOLBF, 0);

	out = open_out(o.out);
	if (o.out && !out && strcmp(o.out, "none") != 0)
		return TFE_EXIT_ERROR;

	tp = o.loop ? loop_connect(&o) :
		      tfe_tp_xen_open(o.devid, o.foreign_domid);
	if (!tp)
		return TFE_EXIT_ERROR;

	memset(&so, 0, sizeof(so));
	so.mode = o.mode;
	so.be_alloc = o.be_alloc;
	so.spin_us = o.spin_us;
	so.timeout_ms = o.timeout_ms;
	so.verbose = o.verbose;
	so.literal = o.literal;
	so.no_capture_time = o.no_capture_time;
	tfe_sess_init(&sess, tp, &so);

	memset(&cfg, 0, sizeof(cfg));
	cfg.fourcc = o.fourcc;
	cfg.width = o.width;
	cfg.height = o.height;
	cfg.rate_numer = o.rate_numer;
	cfg.rate_denom = o.rate_denom;
	cfg.nbufs = o.nbufs;
	cfg.frames = o.frames;
	cfg.seconds = o.seconds;
	cfg.out = out;

	if (tfe_connect(&sess)) {
		tfe_tp_close(tp);
		return TFE_EXIT_ERROR;
	}
	if (hc) {
		printf("hostile %s: %s\n", hc->name, hc->help);
		ret = tfe_hostile_run(hc, &sess, &cfg, &o);
	} else if (strcmp(o.command, "rtt") == 0) {
		ret = tfe_rtt_run(&sess, &cfg, o.count, stdout);
	} else {
		ret = tfe_stream_run(&sess, &cfg);
	}
	tfe_disconnect(&sess);
	tfe_tp_close(tp);
	if (out && out != stdout && fclose(out)) {
		fprintf(stderr, "testfe: writing checksums: %s\n",
			strerror(errno));
		ret = ret ? ret : TFE_EXIT_ERROR;
	}
	return ret;
}
