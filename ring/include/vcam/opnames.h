/* SPDX-License-Identifier: MIT */
/*
 * cameraif request names, for logs and traces of every half.  Include
 * <xen/io/cameraif.h> first.
 */
#ifndef VCAM_OPNAMES_H
#define VCAM_OPNAMES_H

/* The request's name, or NULL for an operation cameraif v1 does not have. */
static inline const char *vcam_op_name(unsigned int op)
{
	static const char *const names[] = {
		[XENCAMERA_OP_CONFIG_SET] = "CONFIG_SET",
		[XENCAMERA_OP_CONFIG_GET] = "CONFIG_GET",
		[XENCAMERA_OP_CONFIG_VALIDATE] = "CONFIG_VALIDATE",
		[XENCAMERA_OP_FRAME_RATE_SET] = "FRAME_RATE_SET",
		[XENCAMERA_OP_BUF_GET_LAYOUT] = "BUF_GET_LAYOUT",
		[XENCAMERA_OP_BUF_REQUEST] = "BUF_REQUEST",
		[XENCAMERA_OP_BUF_CREATE] = "BUF_CREATE",
		[XENCAMERA_OP_BUF_DESTROY] = "BUF_DESTROY",
		[XENCAMERA_OP_BUF_QUEUE] = "BUF_QUEUE",
		[XENCAMERA_OP_BUF_DEQUEUE] = "BUF_DEQUEUE",
		[XENCAMERA_OP_CTRL_ENUM] = "CTRL_ENUM",
		[XENCAMERA_OP_CTRL_SET] = "CTRL_SET",
		[XENCAMERA_OP_CTRL_GET] = "CTRL_GET",
		[XENCAMERA_OP_STREAM_START] = "STREAM_START",
		[XENCAMERA_OP_STREAM_STOP] = "STREAM_STOP",
	};

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : (const char *)0;
}

#endif /* VCAM_OPNAMES_H */
