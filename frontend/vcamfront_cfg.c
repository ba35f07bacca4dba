// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Camera configuration written by the toolstack: unique-id, max-buffers,
 * be-alloc, controls, the formats/<FOURCC>/<W>x<H>/frame-rates tree, and
 * vcam's notify-mode and spin-us.  cameraif.h puts it in the frontend's
 * dir; vcam's toolstack writes it into the backend's dir as well, and
 * that copy, which only the host can write, is what the backend serves,
 * so it is the one read when it is there.  Everything is parsed strictly;
 * a malformed entry fails the connection with a message rather than being
 * guessed at.
 */

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/videodev2.h>

#include "vcamfront.h"

/*
 * The rules are vcam/cfgparse.h's, shared with vcamd and the toolstack, so
 * the guest is never shown a mode its backend would refuse.
 */
static int parse_rates(struct xenbus_device *xb_dev, const char *path,
		       struct vcamfe_res *res)
{
	struct vcam_rate rates[VCAMFE_MAX_RATES];
	const char *why;
	unsigned int n, i;
	char *list;
	int ret;

	list = xenbus_read(XBT_NIL, path, XENCAMERA_FIELD_FRAME_RATES, NULL);
	if (IS_ERR(list)) {
		dev_err(&xb_dev->dev, "%s/%s missing\n", path,
			XENCAMERA_FIELD_FRAME_RATES);
		return PTR_ERR(list);
	}
	ret = vcam_parse_rates(list, rates, VCAMFE_MAX_RATES, &n, &why);
	if (ret) {
		dev_err(&xb_dev->dev, "bad frame-rates \"%s\" under %s: %s\n",
			list, path, why);
	} else {
		for (i = 0; i < n; i++) {
			res->rates[i].numerator = rates[i].numer;
			res->rates[i].denominator = rates[i].denom;
		}
		res->num_rates = n;
	}
	kfree(list);
	return ret;
}

static int parse_format(struct xenbus_device *xb_dev, const char *cfg_dir,
			const char *fmt_name, struct vcamfe_format *fmt)
{
	char *fmt_path, *res_path = NULL;
	const char *why;
	char **dir;
	unsigned int n, i;
	int ret;

	ret = vcam_parse_fourcc(fmt_name, &fmt->fourcc, &why);
	if (ret) {
		dev_err(&xb_dev->dev, "bad FOURCC \"%s\": %s\n", fmt_name, why);
		return ret;
	}
	fmt_path = kasprintf(GFP_KERNEL, "%s/%s/%s", cfg_dir,
			     XENCAMERA_FIELD_FORMATS, fmt_name);
	if (!fmt_path)
		return -ENOMEM;
	dir = xenbus_directory(XBT_NIL, fmt_path, "", &n);
	if (IS_ERR(dir)) {
		ret = PTR_ERR(dir);
		goto out;
	}
	if (!n || n > VCAMFE_MAX_RESOLUTIONS) {
		dev_err(&xb_dev->dev, "%s: %u resolutions\n", fmt_path, n);
		ret = -EINVAL;
		goto out_dir;
	}
	fmt->res = kcalloc(n, sizeof(*fmt->res), GFP_KERNEL);
	if (!fmt->res) {
		ret = -ENOMEM;
		goto out_dir;
	}
	for (i = 0; i < n; i++) {
		struct vcamfe_res *res = &fmt->res[i];

		ret = vcam_parse_resolution(dir[i], &res->width, &res->height,
					    &why);
		if (ret) {
			dev_err(&xb_dev->dev, "bad resolution \"%s\": %s\n",
				dir[i], why);
			goto out_dir;
		}
		kfree(res_path);
		res_path = kasprintf(GFP_KERNEL, "%s/%s", fmt_path, dir[i]);
		if (!res_path) {
			ret = -ENOMEM;
			goto out_dir;
		}
		ret = parse_rates(xb_dev, res_path, res);
		if (ret)
			goto out_dir;
		fmt->num_res++;
	}
out_dir:
	kfree(dir);
out:
	kfree(res_path);
	kfree(fmt_path);
	return ret;
}

/* Absent is no controls, like an empty list. */
static int parse_controls(struct xenbus_device *xb_dev, const char *cfg_dir,
			  struct vcamfe_cfg *cfg)
{
	unsigned int n;
	const char *why;
	char *list;
	int ret;

	list = xenbus_read(XBT_NIL, cfg_dir, XENCAMERA_FIELD_CONTROLS, NULL);
	if (IS_ERR(list))
		return 0;
	ret = vcam_parse_controls(list, cfg->ctrl_types, &n, &why);
	if (ret)
		dev_err(&xb_dev->dev, "bad controls \"%s\": %s\n", list, why);
	else
		cfg->num_ctrls = n;
	kfree(list);
	return ret;
}

/*
 * A number node: absent leaves *out alone (-ENOENT), malformed is
 * -EINVAL and logged.
 */
static int read_u32(struct xenbus_device *xb_dev, const char *cfg_dir,
		    const char *key, u32 min, u32 max, u32 *out)
{
	const char *why;
	char *s;
	int ret;

	s = xenbus_read(XBT_NIL, cfg_dir, key, NULL);
	if (IS_ERR(s))
		return -ENOENT;
	ret = vcam_parse_u32(s, min, max, out, &why);
	if (ret)
		dev_err(&xb_dev->dev, "bad %s \"%s\": %s\n", key, s, why);
	kfree(s);
	return ret;
}

static int read_be_alloc(struct xenbus_device *xb_dev, const char *cfg_dir,
			 struct vcamfe_cfg *cfg)
{
	char *s;

	s = xenbus_read(XBT_NIL, cfg_dir, XENCAMERA_FIELD_BE_ALLOC, NULL);
	if (IS_ERR(s)) {
		cfg->be_alloc = false;
		return 0;
	}
	cfg->be_alloc = vcam_be_alloc_of(s);
	kfree(s);
	return 0;
}

/* The host's copy if the toolstack wrote one, else the cameraif.h place. */
static const char *cfg_dir_of(struct xenbus_device *xb_dev)
{
	if (xenbus_exists(XBT_NIL, xb_dev->otherend, XENCAMERA_FIELD_UNIQUE_ID))
		return xb_dev->otherend;
	return xb_dev->nodename;
}

int vcamfe_cfg_read(struct xenbus_device *xb_dev, struct vcamfe_cfg *cfg)
{
	const char *cfg_dir = cfg_dir_of(xb_dev);
	char **dir;
	unsigned int n, i;
	char *mode;
	u32 v;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	dev_dbg(&xb_dev->dev, "configuration from %s\n", cfg_dir);

	cfg->unique_id = xenbus_read(XBT_NIL, cfg_dir,
				     XENCAMERA_FIELD_UNIQUE_ID, NULL);
	if (IS_ERR(cfg->unique_id)) {
		ret = PTR_ERR(cfg->unique_id);
		cfg->unique_id = NULL;
		dev_err(&xb_dev->dev, "no %s\n", XENCAMERA_FIELD_UNIQUE_ID);
		return ret;
	}

	ret = read_u32(xb_dev, cfg_dir, XENCAMERA_FIELD_MAX_BUFFERS, 1,
		       VCAM_CFG_MAX_BUFFERS, &v);
	if (ret) {
		if (ret == -ENOENT)
			dev_err(&xb_dev->dev, "no %s\n",
				XENCAMERA_FIELD_MAX_BUFFERS);
		ret = -EINVAL;
		goto fail;
	}
	cfg->max_buffers = min_t(int, v, VCAMFE_MAX_BUFS);
	ret = read_be_alloc(xb_dev, cfg_dir, cfg);
	if (ret)
		goto fail;

	cfg->notify_mode = vcam_notify_mode_parse(vcamfe_param_notify_mode);
	if (cfg->notify_mode < 0)
		cfg->notify_mode = VCAM_NOTIFY_EVENT;
	mode = xenbus_read(XBT_NIL, cfg_dir, VCAM_FIELD_NOTIFY_MODE,
			   NULL);
	if (!IS_ERR(mode)) {
		int m = vcam_notify_mode_parse(mode);

		if (m < 0)
			dev_warn(&xb_dev->dev, "unknown %s \"%s\", using %s\n",
				 VCAM_FIELD_NOTIFY_MODE, mode,
				 vcam_notify_mode_name(cfg->notify_mode));
		else
			cfg->notify_mode = m;
		kfree(mode);
	}
	/* Like notify-mode, a hint: a bad one leaves the default. */
	cfg->spin_us = vcamfe_param_spin_us;
	read_u32(xb_dev, cfg_dir, VCAM_FIELD_SPIN_US, 0, VCAM_SPIN_US_MAX,
		 &cfg->spin_us);
	cfg->spin_us = clamp_t(u32, cfg->spin_us, 1, VCAM_SPIN_US_MAX);

	ret = parse_controls(xb_dev, cfg_dir, cfg);
	if (ret)
		goto fail;

	dir = xenbus_directory(XBT_NIL, cfg_dir, XENCAMERA_FIELD_FORMATS, &n);
	if (IS_ERR(dir)) {
		dev_err(&xb_dev->dev, "no %s\n", XENCAMERA_FIELD_FORMATS);
		ret = PTR_ERR(dir);
		goto fail;
	}
	if (!n || n > VCAMFE_MAX_FORMATS) {
		dev_err(&xb_dev->dev, "%u formats\n", n);
		kfree(dir);
		ret = -EINVAL;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		ret = parse_format(xb_dev, cfg_dir, dir[i], &cfg->formats[i]);
		cfg->num_formats++;
		if (ret)
			break;
	}
	kfree(dir);
	if (ret)
		goto fail;
	return 0;

fail:
	vcamfe_cfg_free(cfg);
	return ret;
}

void vcamfe_cfg_free(struct vcamfe_cfg *cfg)
{
	int i;

	for (i = 0; i < cfg->num_formats; i++)
		kfree(cfg->formats[i].res);
	cfg->num_formats = 0;
	kfree(cfg->unique_id);
	cfg->unique_id = NULL;
}

const struct vcamfe_format *vcamfe_cfg_find_format(const struct vcamfe_cfg *cfg,
						   u32 fourcc)
{
	int i;

	for (i = 0; i < cfg->num_formats; i++)
		if (cfg->formats[i].fourcc == fourcc)
			return &cfg->formats[i];
	return NULL;
}

const struct vcamfe_res *vcamfe_cfg_find_res(const struct vcamfe_format *fmt,
					     u32 width, u32 height)
{
	int i;

	for (i = 0; i < fmt->num_res; i++)
		if (fmt->res[i].width == width && fmt->res[i].height == height)
			return &fmt->res[i];
	return NULL;
}
