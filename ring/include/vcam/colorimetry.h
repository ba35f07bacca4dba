/* SPDX-License-Identifier: MIT */
/*
 * cameraif's colour description (CONFIG_* responses) against V4L2's.  The
 * backend maps what its camera reports to cameraif, the frontend maps the
 * answer back for its video device; with one table per field the round
 * trip is the identity for everything cameraif can say.  A V4L2 value with
 * no cameraif equivalent maps to its nearest (e.g. SMPTE240M to
 * SMPTE170M); anything unknown to the field's default, which is each
 * table's first pair.  Include cameraif.h first.
 */
#ifndef VCAM_COLORIMETRY_H
#define VCAM_COLORIMETRY_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif
#include <linux/videodev2.h>

struct vcam_cmap {
	uint32_t xen, v4l2;
};

/* Per cameraif value, the first pair is the way back to V4L2. */
static const struct vcam_cmap vcam_colorspace_map[] = {
	{ XENCAMERA_COLORSPACE_DEFAULT, V4L2_COLORSPACE_DEFAULT },
	{ XENCAMERA_COLORSPACE_SMPTE170M, V4L2_COLORSPACE_SMPTE170M },
	{ XENCAMERA_COLORSPACE_SMPTE170M, V4L2_COLORSPACE_SMPTE240M },
	{ XENCAMERA_COLORSPACE_SMPTE170M, V4L2_COLORSPACE_470_SYSTEM_M },
	{ XENCAMERA_COLORSPACE_SMPTE170M, V4L2_COLORSPACE_470_SYSTEM_BG },
	{ XENCAMERA_COLORSPACE_SMPTE170M, V4L2_COLORSPACE_BT878 },
	{ XENCAMERA_COLORSPACE_REC709, V4L2_COLORSPACE_REC709 },
	{ XENCAMERA_COLORSPACE_SRGB, V4L2_COLORSPACE_SRGB },
	{ XENCAMERA_COLORSPACE_SRGB, V4L2_COLORSPACE_JPEG },
	{ XENCAMERA_COLORSPACE_OPRGB, V4L2_COLORSPACE_OPRGB },
	{ XENCAMERA_COLORSPACE_BT2020, V4L2_COLORSPACE_BT2020 },
	{ XENCAMERA_COLORSPACE_DCI_P3, V4L2_COLORSPACE_DCI_P3 },
};

static const struct vcam_cmap vcam_xfer_func_map[] = {
	{ XENCAMERA_XFER_FUNC_DEFAULT, V4L2_XFER_FUNC_DEFAULT },
	{ XENCAMERA_XFER_FUNC_709, V4L2_XFER_FUNC_709 },
	{ XENCAMERA_XFER_FUNC_709, V4L2_XFER_FUNC_SMPTE240M },
	{ XENCAMERA_XFER_FUNC_SRGB, V4L2_XFER_FUNC_SRGB },
	{ XENCAMERA_XFER_FUNC_OPRGB, V4L2_XFER_FUNC_OPRGB },
	{ XENCAMERA_XFER_FUNC_NONE, V4L2_XFER_FUNC_NONE },
	{ XENCAMERA_XFER_FUNC_DCI_P3, V4L2_XFER_FUNC_DCI_P3 },
	{ XENCAMERA_XFER_FUNC_SMPTE2084, V4L2_XFER_FUNC_SMPTE2084 },
};

static const struct vcam_cmap vcam_ycbcr_enc_map[] = {
	{ XENCAMERA_YCBCR_ENC_IGNORE, V4L2_YCBCR_ENC_DEFAULT },
	{ XENCAMERA_YCBCR_ENC_601, V4L2_YCBCR_ENC_601 },
#ifndef __KERNEL__
	/* deprecated alias of 601, hidden from the kernel's videodev2.h */
	{ XENCAMERA_YCBCR_ENC_601, V4L2_YCBCR_ENC_SYCC },
#endif
	{ XENCAMERA_YCBCR_ENC_709, V4L2_YCBCR_ENC_709 },
	{ XENCAMERA_YCBCR_ENC_709, V4L2_YCBCR_ENC_SMPTE240M },
	{ XENCAMERA_YCBCR_ENC_XV601, V4L2_YCBCR_ENC_XV601 },
	{ XENCAMERA_YCBCR_ENC_XV709, V4L2_YCBCR_ENC_XV709 },
	{ XENCAMERA_YCBCR_ENC_BT2020, V4L2_YCBCR_ENC_BT2020 },
	{ XENCAMERA_YCBCR_ENC_BT2020_CONST_LUM,
	  V4L2_YCBCR_ENC_BT2020_CONST_LUM },
};

static const struct vcam_cmap vcam_quantization_map[] = {
	{ XENCAMERA_QUANTIZATION_DEFAULT, V4L2_QUANTIZATION_DEFAULT },
	{ XENCAMERA_QUANTIZATION_FULL_RANGE, V4L2_QUANTIZATION_FULL_RANGE },
	{ XENCAMERA_QUANTIZATION_LIM_RANGE, V4L2_QUANTIZATION_LIM_RANGE },
};

#define VCAM_CMAP_LEN(m)	(sizeof(m) / sizeof((m)[0]))

static inline uint32_t vcam_cmap_to_v4l2(const struct vcam_cmap *m,
					 size_t n, uint32_t xen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].xen == xen)
			return m[i].v4l2;
	return m[0].v4l2;
}

static inline uint32_t vcam_cmap_to_xen(const struct vcam_cmap *m, size_t n,
					uint32_t v4l2)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].v4l2 == v4l2)
			return m[i].xen;
	return m[0].xen;
}

#define VCAM_CMAP_FNS(field)						\
static inline uint32_t vcam_##field##_to_v4l2(uint32_t xen)		\
{									\
	return vcam_cmap_to_v4l2(vcam_##field##_map,			\
				 VCAM_CMAP_LEN(vcam_##field##_map), xen); \
}									\
static inline uint32_t vcam_##field##_to_xen(uint32_t v4l2)		\
{									\
	return vcam_cmap_to_xen(vcam_##field##_map,			\
				VCAM_CMAP_LEN(vcam_##field##_map), v4l2); \
}

VCAM_CMAP_FNS(colorspace)
VCAM_CMAP_FNS(xfer_func)
VCAM_CMAP_FNS(ycbcr_enc)
VCAM_CMAP_FNS(quantization)

#endif /* VCAM_COLORIMETRY_H */
