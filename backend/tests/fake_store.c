// SPDX-License-Identifier: MIT
#include "fake_store.h"

#include <stdlib.h>
#include <string.h>

/*
 * Octets compared by hand: libFuzzer hooks memcmp/strcmp to learn from
 * comparisons, which for the store's own lookups cost more than all the
 * rest of a run (the dictionary teaches it the keys instead).
 */
static bool same(const char *a, const char *b, size_t n)
{
	while (n && *a == *b) {
		a++;
		b++;
		n--;
	}
	return !n;
}

/* Is node path `p` strictly below `dir`?  Returns what follows "dir/". */
static const char *below(const char *p, size_t plen, const char *dir,
			 size_t l)
{
	if (!l)
		return p;
	if (plen <= l || p[l] != '/' || !same(p, dir, l))
		return NULL;
	return p + l + 1;
}

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (n--)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static struct fake_node *find(const struct fake_dir *d, const char *path,
			    size_t l)
{
	uint32_t h = hash(path, l);
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (d->node[i].hash == h && d->node[i].plen == l &&
		    same(d->node[i].path, path, l))
			return (struct fake_node *)&d->node[i];
	return NULL;
}

/* n octets and a NUL from the arena, or NULL when it is full. */
static char *put(struct fake_dir *d, const char *s, size_t n)
{
	char *p;

	if (FAKE_DIR_HEAP - d->used < n + 1)
		return NULL;
	p = d->heap + d->used;
	d->used += n + 1;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void fake_dir_set(struct fake_dir *d, const char *path, size_t plen,
		const char *val, size_t len)
{
	struct fake_node *nd;
	char *v;

	plen = strnlen(path, plen);
	nd = find(d, path, plen);
	if (!nd && d->n == FAKE_DIR_MAX_NODES)
		return;
	v = put(d, val, len);
	if (!v)
		return;
	if (!nd) {
		const char *p = put(d, path, plen);

		if (!p)
			return;
		nd = &d->node[d->n++];
		nd->path = p;
		nd->plen = plen;
		nd->hash = hash(p, plen);
	}
	nd->val = v;
	nd->len = len;
	d->gen++;
}

void fake_dir_rm(struct fake_dir *d, const char *path)
{
	size_t l = strlen(path);
	unsigned int i = 0;

	while (i < d->n) {
		struct fake_node *nd = &d->node[i];

		if (!l || (nd->plen == l && same(nd->path, path, l)) ||
		    below(nd->path, nd->plen, path, l)) {
			*nd = d->node[--d->n];
			d->gen++;
		} else {
			i++;
		}
	}
}

void fake_dir_clear(struct fake_dir *d)
{
	d->n = 0;
	d->used = 0;
	d->gen++;
}

char *fake_dir_read(const struct fake_dir *d, const char *path)
{
	size_t l = strlen(path);
	const struct fake_node *nd = find(d, path, l);
	unsigned int i;
	char *v;

	if (nd) {
		v = malloc(nd->len + 1);
		if (v)
			memcpy(v, nd->val, nd->len + 1);
		return v;
	}
	/* a parent of some node: xenstore gave it an empty value */
	for (i = 0; i < d->n; i++)
		if (below(d->node[i].path, d->node[i].plen, path, l))
			return strdup("");
	return NULL;
}

char *fake_dir_list(const struct fake_dir *d, const char *path, unsigned int *n)
{
	size_t len = 0, off = 0, pl = strlen(path);
	unsigned int i, cnt = 0;
	char *buf;

	/* Room for every candidate; duplicates are skipped below. */
	for (i = 0; i < d->n; i++) {
		const char *r = below(d->node[i].path, d->node[i].plen, path, pl);

		if (r)
			len += strcspn(r, "/") + 1;
	}
	if (!len)
		return NULL;
	buf = malloc(len);
	if (!buf)
		return NULL;
	for (i = 0; i < d->n; i++) {
		const char *r = below(d->node[i].path, d->node[i].plen, path,
				      pl), *q;
		size_t l;
		unsigned int j;

		if (!r)
			continue;
		l = strcspn(r, "/");
		for (j = 0, q = buf; j < cnt; j++, q += strlen(q) + 1)
			if (strlen(q) == l && same(q, r, l))
				break;
		if (j < cnt)
			continue;
		memcpy(buf + off, r, l);
		buf[off + l] = '\0';
		off += l + 1;
		cnt++;
	}
	*n = cnt;
	return buf;
}
