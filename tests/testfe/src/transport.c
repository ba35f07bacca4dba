// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "transport.h"
#include "wire.h"

int tfe_cfg_read_uint(struct tfe_tp *tp, enum tfe_dir dir, const char *key,
		      unsigned long *val)
{
	char buf[64];
	uint32_t v;
	int ret;

	ret = tp->ops->cfg_read(tp, dir, key, buf, sizeof(buf));
	if (ret)
		return ret;
	if (vcam_parse_u32(buf, 0, UINT32_MAX, &v, NULL))
		return -EINVAL;
	*val = v;
	return 0;
}

int tfe_cfg_write_uint(struct tfe_tp *tp, enum tfe_dir dir, const char *key,
		       unsigned long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lu", val);
	return tp->ops->cfg_write(tp, dir, key, buf);
}
