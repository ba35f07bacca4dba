// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Camera controls: one v4l2 control per entry of the xenstore `controls`
 * list, described by CTRL_ENUM (index i = i-th list entry), set with
 * CTRL_SET, read with CTRL_GET when the backend flags them volatile.
 * CTRL_CHANGE events (another frontend changed a value) update the control
 * from process context, which makes the v4l2 core send V4L2_EVENT_CTRL.
 */

#include "vcamfront.h"

static int type_of_ctrl(struct vcamfe_dev *cam, struct v4l2_ctrl *ctrl)
{
	int i;

	for (i = 0; i < XENCAMERA_MAX_CTRL; i++)
		if (cam->ctrls.ctrl[i] == ctrl)
			return i;
	return -EINVAL;
}

static int vcamfe_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct vcamfe_dev *cam = container_of(ctrl->handler, struct vcamfe_dev,
					    ctrls.handler);
	struct xencamera_ctrl_value cv = {};
	int type = type_of_ctrl(cam, ctrl);

	if (type < 0)
		return type;
	/* The value came from the backend: nothing to send back. */
	if (cam->ctrls.from_backend)
		return 0;
	cv.type = type;
	cv.value = ctrl->val;
	return vcamfe_req_sync(cam, XENCAMERA_OP_CTRL_SET, &cv, sizeof(cv),
			       NULL);
}

static int vcamfe_g_volatile_ctrl(struct v4l2_ctrl *ctrl)
{
	struct vcamfe_dev *cam = container_of(ctrl->handler, struct vcamfe_dev,
					    ctrls.handler);
	struct xencamera_get_ctrl_req req = {};
	struct xencamera_resp resp;
	int type = type_of_ctrl(cam, ctrl);
	s64 v;
	int ret;

	if (type < 0)
		return type;
	req.type = type;
	ret = vcamfe_req_sync(cam, XENCAMERA_OP_CTRL_GET, &req, sizeof(req),
			      &resp);
	if (ret)
		return ret;
	v = resp.resp.ctrl_value.value;
	if (resp.resp.ctrl_value.type != type ||
	    v < ctrl->minimum || v > ctrl->maximum)
		return -EIO;
	ctrl->val = v;
	return 0;
}

static const struct v4l2_ctrl_ops vcamfe_ctrl_ops = {
	.s_ctrl = vcamfe_s_ctrl,
	.g_volatile_ctrl = vcamfe_g_volatile_ctrl,
};

static int add_ctrl(struct vcamfe_dev *cam, int index, u8 type)
{
	struct xencamera_index req = { .index = index };
	struct xencamera_ctrl_enum_resp e;
	struct xencamera_resp resp;
	struct v4l2_ctrl *ctrl;
	int ret;

	ret = vcamfe_req_sync(cam, XENCAMERA_OP_CTRL_ENUM, &req, sizeof(req),
			      &resp);
	if (ret)
		return ret;
	e = resp.resp.ctrl_enum;
	if (e.index != index || e.type != type || e.min > e.max ||
	    e.step < 1 || e.min < S32_MIN || e.max > S32_MAX ||
	    e.step > (s64)e.max - e.min + 1 ||
	    e.def_val < e.min || e.def_val > e.max) {
		dev_err(&cam->xb_dev->dev,
			"CTRL_ENUM %d: bad description (type %u, %lld..%lld/%lld, def %lld)\n",
			index, e.type, e.min, e.max, e.step, e.def_val);
		return -EIO;
	}
	ctrl = v4l2_ctrl_new_std(&cam->ctrls.handler, &vcamfe_ctrl_ops,
				 vcam_ctrl_cid(type), e.min, e.max, e.step,
				 e.def_val);
	if (!ctrl)
		return cam->ctrls.handler.error ?: -EINVAL;
	if (e.flags & XENCAMERA_CTRL_FLG_RO)
		ctrl->flags |= V4L2_CTRL_FLAG_READ_ONLY;
	if (e.flags & XENCAMERA_CTRL_FLG_WO)
		ctrl->flags |= V4L2_CTRL_FLAG_WRITE_ONLY;
	if (e.flags & XENCAMERA_CTRL_FLG_VOLATILE)
		ctrl->flags |= V4L2_CTRL_FLAG_VOLATILE |
			       V4L2_CTRL_FLAG_EXECUTE_ON_WRITE;
	cam->ctrls.ctrl[type] = ctrl;
	return 0;
}

/* Current values: read once so the controls start where the camera is. */
static void read_initial_values(struct vcamfe_dev *cam)
{
	int i;

	for (i = 0; i < XENCAMERA_MAX_CTRL; i++) {
		struct xencamera_get_ctrl_req req = { .type = i };
		struct v4l2_ctrl *ctrl = cam->ctrls.ctrl[i];
		struct xencamera_resp resp;
		s64 v;

		if (!ctrl || (ctrl->flags & V4L2_CTRL_FLAG_WRITE_ONLY))
			continue;
		if (vcamfe_req_sync(cam, XENCAMERA_OP_CTRL_GET, &req,
				    sizeof(req), &resp))
			continue;
		v = resp.resp.ctrl_value.value;
		if (resp.resp.ctrl_value.type != i ||
		    v < ctrl->minimum || v > ctrl->maximum)
			continue;
		v4l2_ctrl_lock(ctrl);
		cam->ctrls.from_backend = true;
		__v4l2_ctrl_s_ctrl(ctrl, v);
		cam->ctrls.from_backend = false;
		v4l2_ctrl_unlock(ctrl);
	}
}

int vcamfe_ctrls_init(struct vcamfe_dev *cam)
{
	int i, ret;

	ret = v4l2_ctrl_handler_init(&cam->ctrls.handler, cam->cfg.num_ctrls);
	if (ret)
		return ret;
	for (i = 0; i < cam->cfg.num_ctrls; i++) {
		ret = add_ctrl(cam, i, cam->cfg.ctrl_types[i]);
		if (ret)
			return ret;
	}
	if (cam->ctrls.handler.error)
		return cam->ctrls.handler.error;
	cam->v4l2_dev.ctrl_handler = &cam->ctrls.handler;
	read_initial_values(cam);
	return 0;
}

/*
 * Event page consumer, req_lock held.  A backend may fill the whole event
 * page with CTRL_CHANGE events (or keep refilling it): per event only the
 * type is checked and the value kept in the drain's batch, so a flood costs
 * reading the page and nothing per event beyond that.
 */
void vcamfe_ctrls_note(struct vcamfe_dev *cam, struct vcamfe_ctrl_batch *batch,
		       u8 type, s64 value)
{
	if (type >= XENCAMERA_MAX_CTRL || !cam->ctrls.ctrl[type]) {
		vcamfe_broken(cam, "CTRL_CHANGE for control type %u", type);
		return;
	}
	batch->values[type] = value;
	batch->changed |= BIT(type);
}

/*
 * Applying a value takes the control handler's lock, which may wait for a
 * CTRL_SET, which needs the consumer: so that is left to ctrl_work.
 */
void vcamfe_ctrls_apply(struct vcamfe_dev *cam,
			const struct vcamfe_ctrl_batch *batch)
{
	int i;

	if (!batch->changed)
		return;
	spin_lock(&cam->ctrls.lock);
	for (i = 0; i < XENCAMERA_MAX_CTRL; i++)
		if (batch->changed & BIT(i))
			cam->ctrls.values[i] = batch->values[i];
	cam->ctrls.changed |= batch->changed;
	spin_unlock(&cam->ctrls.lock);
	schedule_work(&cam->ctrls.work);
}

void vcamfe_ctrls_work(struct work_struct *work)
{
	struct vcamfe_dev *cam = container_of(work, struct vcamfe_dev,
					      ctrls.work);
	u32 changed;
	s64 values[XENCAMERA_MAX_CTRL];
	int i;

	spin_lock(&cam->ctrls.lock);
	changed = cam->ctrls.changed;
	cam->ctrls.changed = 0;
	memcpy(values, cam->ctrls.values, sizeof(values));
	spin_unlock(&cam->ctrls.lock);

	for (i = 0; i < XENCAMERA_MAX_CTRL; i++) {
		struct v4l2_ctrl *ctrl = cam->ctrls.ctrl[i];

		if (!(changed & BIT(i)) || !ctrl)
			continue;
		if (values[i] < ctrl->minimum || values[i] > ctrl->maximum) {
			dev_warn_ratelimited(&cam->xb_dev->dev,
					     "CTRL_CHANGE %d: %lld out of range\n",
					     i, values[i]);
			continue;
		}
		v4l2_ctrl_lock(ctrl);
		cam->ctrls.from_backend = true;
		__v4l2_ctrl_s_ctrl(ctrl, values[i]);
		cam->ctrls.from_backend = false;
		v4l2_ctrl_unlock(ctrl);
	}
}
