#include "core/nameidx.h"

#include <stdint.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct name_slot *probe(struct name_slot *slots, size_t cap, const char *key)
{
	size_t i = (size_t)hash(key) & (cap - 1);
	while (slots[i].key && strcmp(slots[i].key, key))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void grow(struct arena *a, struct name_index *ix)
{
	size_t ncap = ix->cap ? ix->cap * 2 : 64;
	struct name_slot *ns = arena_alloc(a, ncap * sizeof(*ns));
	for (size_t i = 0; i < ix->cap; i++)
		if (ix->slots[i].key)
			*probe(ns, ncap, ix->slots[i].key) = ix->slots[i];
	ix->slots = ns;
	ix->cap = ncap;
}

bool nameidx_add(struct arena *a, struct name_index *ix, const char *key, size_t value)
{
	/* Keep the load under 1/2 so probes stay short. */
	if ((ix->n + 1) * 2 > ix->cap)
		grow(a, ix);
	struct name_slot *s = probe(ix->slots, ix->cap, key);
	if (s->key)
		return false;
	s->key = key;
	s->value = value;
	ix->n++;
	return true;
}

bool nameidx_find(const struct name_index *ix, const char *key, size_t *value)
{
	if (!ix->cap)
		return false;
	const struct name_slot *s = probe(ix->slots, ix->cap, key);
	if (!s->key)
		return false;
	*value = s->value;
	return true;
}
