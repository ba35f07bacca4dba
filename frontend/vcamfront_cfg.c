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

static const char *const ctrl_names[XENCAMERA_MAX_CTRL] = {
	[XENCAMERA_CTRL_BRIGHTNESS] = XENCAMERA_CTRL_BRIGHTNESS_STR,
	[XENCAMERA_CTRL_CONTRAST] = XENCAMERA_CTRL_CONTRAST_STR,
	[XENCAMERA_CTRL_SATURATION] = XENCAMERA_CTRL_SATURATION_STR,
	[XENCAMERA_CTRL_HUE] = XENCAMERA_CTRL_HUE_STR,
};

/* "YUYV", "Y16" (trailing spaces trimmed), "AR15-BE". */
static int parse_fourcc(const char *s, u32 *fourcc)
{
	size_t len = strlen(s);
	bool be = false;
	char c[4] = { ' ', ' ', ' ', ' ' };
	size_t i;

	if (len > 3 && !strcmp(s + len - 3, XENCAMERA_FOURCC_BIGENDIAN_STR)) {
		be = true;
		len -= 3;
	}
	if (len < 1 || len > 4)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e)
			return -EINVAL;
		c[i] = s[i];
	}
	*fourcc = v4l2_fourcc(c[0], c[1], c[2], c[3]);
	if (be)
		*fourcc |= BIT(31);
	return 0;
}

static int parse_u32_pair(const char *s, char sep, u32 *a, u32 *b)
{
	char buf[32];
	char *p;

	if (strscpy(buf, s, sizeof(buf)) < 0)
		return -EINVAL;
	p = strchr(buf, sep);
	if (!p)
		return -EINVAL;
	*p++ = '\0';
	if (kstrtou32(buf, 10, a) || kstrtou32(p, 10, b))
		return -EINVAL;
	return 0;
}

static int parse_rates(struct xenbus_device *xb_dev, const char *path,
		       struct vcam_res *res)
{
	char *list, *cur, *tok;
	int ret = 0;

	list = xenbus_read(XBT_NIL, path, XENCAMERA_FIELD_FRAME_RATES, NULL);
	if (IS_ERR(list)) {
		dev_err(&xb_dev->dev, "%s/%s missing\n", path,
			XENCAMERA_FIELD_FRAME_RATES);
		return PTR_ERR(list);
	}
	cur = list;
	while ((tok = strsep(&cur, XENCAMERA_LIST_SEPARATOR ";")) != NULL) {
		struct v4l2_fract *fr;

		if (!*tok)
			continue;
		if (res->num_rates >= VCAM_MAX_RATES) {
			ret = -E2BIG;
			break;
		}
		fr = &res->rates[res->num_rates];
		if (parse_u32_pair(tok, '/', &fr->numerator, &fr->denominator) ||
		    !fr->numerator || !fr->denominator) {
			ret = -EINVAL;
			break;
		}
		res->num_rates++;
	}
	if (!ret && !res->num_rates)
		ret = -EINVAL;
	if (ret)
		dev_err(&xb_dev->dev, "bad frame-rates \"%s\" under %s\n",
			list, path);
	kfree(list);
	return ret;
}

static int parse_format(struct xenbus_device *xb_dev, const char *cfg_dir,
			const char *fmt_name, struct vcam_format *fmt)
{
	char *fmt_path, *res_path = NULL;
	char **dir;
	unsigned int n, i;
	int ret;

	ret = parse_fourcc(fmt_name, &fmt->fourcc);
	if (ret) {
		dev_err(&xb_dev->dev, "bad FOURCC \"%s\"\n", fmt_name);
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
	if (!n || n > VCAM_MAX_RESOLUTIONS) {
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
		struct vcam_res *res = &fmt->res[i];

		if (parse_u32_pair(dir[i], 'x', &res->width, &res->height) ||
		    !res->width || !res->height ||
		    res->width > 16384 || res->height > 16384) {
			dev_err(&xb_dev->dev, "bad resolution \"%s\"\n",
				dir[i]);
			ret = -EINVAL;
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

static int parse_controls(struct xenbus_device *xb_dev, const char *cfg_dir,
			  struct vcam_cfg *cfg)
{
	char *list, *cur, *tok;
	int ret = 0, i;

	list = xenbus_read(XBT_NIL, cfg_dir, XENCAMERA_FIELD_CONTROLS, NULL);
	if (IS_ERR(list))
		return 0;	/* no controls is a valid camera */
	cur = list;
	while ((tok = strsep(&cur, XENCAMERA_LIST_SEPARATOR ";")) != NULL) {
		tok = strim(tok);
		if (!*tok)
			continue;
		for (i = 0; i < XENCAMERA_MAX_CTRL; i++)
			if (!strcmp(tok, ctrl_names[i]))
				break;
		if (i == XENCAMERA_MAX_CTRL ||
		    cfg->num_ctrls >= XENCAMERA_MAX_CTRL ||
		    memchr(cfg->ctrl_types, i, cfg->num_ctrls)) {
			dev_err(&xb_dev->dev, "bad controls \"%s\"\n", tok);
			ret = -EINVAL;
			break;
		}
		cfg->ctrl_types[cfg->num_ctrls++] = i;
	}
	kfree(list);
	return ret;
}

/* The host's copy if the toolstack wrote one, else the cameraif.h place. */
static const char *cfg_dir_of(struct xenbus_device *xb_dev)
{
	if (xenbus_exists(XBT_NIL, xb_dev->otherend, XENCAMERA_FIELD_UNIQUE_ID))
		return xb_dev->otherend;
	return xb_dev->nodename;
}

int vcam_cfg_read(struct xenbus_device *xb_dev, struct vcam_cfg *cfg)
{
	const char *cfg_dir = cfg_dir_of(xb_dev);
	char **dir;
	unsigned int n, i;
	char *mode;
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

	cfg->max_buffers = xenbus_read_unsigned(cfg_dir,
						XENCAMERA_FIELD_MAX_BUFFERS, 0);
	if (cfg->max_buffers < 1 || cfg->max_buffers > 255) {
		dev_err(&xb_dev->dev, "bad %s\n", XENCAMERA_FIELD_MAX_BUFFERS);
		ret = -EINVAL;
		goto fail;
	}
	cfg->max_buffers = min_t(int, cfg->max_buffers, VCAM_MAX_BUFS);
	cfg->be_alloc = xenbus_read_unsigned(cfg_dir,
					     XENCAMERA_FIELD_BE_ALLOC, 0) == 1;

	cfg->notify_mode = vcam_notify_mode_parse(vcam_param_notify_mode);
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
	cfg->spin_us = xenbus_read_unsigned(cfg_dir,
					    VCAM_FIELD_SPIN_US,
					    vcam_param_spin_us);
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
	if (!n || n > VCAM_MAX_FORMATS) {
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
	vcam_cfg_free(cfg);
	return ret;
}

void vcam_cfg_free(struct vcam_cfg *cfg)
{
	int i;

	for (i = 0; i < cfg->num_formats; i++)
		kfree(cfg->formats[i].res);
	cfg->num_formats = 0;
	kfree(cfg->unique_id);
	cfg->unique_id = NULL;
}

const struct vcam_format *vcam_cfg_find_format(const struct vcam_cfg *cfg,
					       u32 fourcc)
{
	int i;

	for (i = 0; i < cfg->num_formats; i++)
		if (cfg->formats[i].fourcc == fourcc)
			return &cfg->formats[i];
	return NULL;
}

const struct vcam_res *vcam_cfg_find_res(const struct vcam_format *fmt,
					 u32 width, u32 height)
{
	int i;

	for (i = 0; i < fmt->num_res; i++)
		if (fmt->res[i].width == width && fmt->res[i].height == height)
			return &fmt->res[i];
	return NULL;
}
