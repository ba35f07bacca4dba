/* SPDX-License-Identifier: MIT */
/*
 * cameraif's controls under their three names: the XENCAMERA_CTRL_* type
 * on the wire, the word in the xenstore `controls` list, and the V4L2
 * control id a camera (backend) or a video device (frontend) uses.  One
 * table, so no half can map a type to a different control than its peer.
 * Include cameraif.h first (each half has its own route to it).
 */
#ifndef VCAM_CTRLS_H
#define VCAM_CTRLS_H

#ifdef __KERNEL__
#include <linux/string.h>
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif
#include <linux/videodev2.h>

struct vcam_ctrl_desc {
	const char *name;
	uint32_t cid;
};

static const struct vcam_ctrl_desc vcam_ctrl_descs[XENCAMERA_MAX_CTRL] = {
	[XENCAMERA_CTRL_BRIGHTNESS] = {
		XENCAMERA_CTRL_BRIGHTNESS_STR, V4L2_CID_BRIGHTNESS },
	[XENCAMERA_CTRL_CONTRAST] = {
		XENCAMERA_CTRL_CONTRAST_STR, V4L2_CID_CONTRAST },
	[XENCAMERA_CTRL_SATURATION] = {
		XENCAMERA_CTRL_SATURATION_STR, V4L2_CID_SATURATION },
	[XENCAMERA_CTRL_HUE] = { XENCAMERA_CTRL_HUE_STR, V4L2_CID_HUE },
};

/* NULL for a type cameraif does not define. */
static inline const char *vcam_ctrl_name(unsigned int type)
{
	return type < XENCAMERA_MAX_CTRL ? vcam_ctrl_descs[type].name : NULL;
}

/* 0 (no V4L2 control has it) for a type cameraif does not define. */
static inline uint32_t vcam_ctrl_cid(unsigned int type)
{
	return type < XENCAMERA_MAX_CTRL ? vcam_ctrl_descs[type].cid : 0;
}

/* The type whose name is exactly the @len characters at @s, or -1. */
static inline int vcam_ctrl_type_n(const char *s, size_t len)
{
	int t;

	for (t = 0; t < XENCAMERA_MAX_CTRL; t++)
		if (strlen(vcam_ctrl_descs[t].name) == len &&
		    !memcmp(s, vcam_ctrl_descs[t].name, len))
			return t;
	return -1;
}

static inline int vcam_ctrl_type_of_cid(uint32_t cid)
{
	int t;

	for (t = 0; t < XENCAMERA_MAX_CTRL; t++)
		if (vcam_ctrl_descs[t].cid == cid)
			return t;
	return -1;
}

#endif /* VCAM_CTRLS_H */
