#include "core/arena.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (64 * 1024)
/* A block larger than this gets a chunk of its own (see alloc_raw). */
#define ARENA_BIG (ARENA_CHUNK / 4)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

static size_t round16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static _Noreturn void out_of_memory(void)
{
	fputs("halo: out of memory\n", stderr);
	abort();
}

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
	a->total = 0;
}

/* Uninitialised memory: for strings, which are overwritten at once. */
static void *alloc_raw(struct arena *a, size_t size)
{
	size = round16(size);
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t want = size > ARENA_BIG ? size : ARENA_CHUNK;
		c = malloc(sizeof(*c) + want);
		if (!c)
			out_of_memory();
		c->size = want;
		c->used = 0;
		if (want == size && a->head) {
			/* A big block gets a chunk of its own behind the current
			 * one, so the current chunk's free space is not wasted. */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = c->data + c->used;
	c->used += size;
	a->total += size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = alloc_raw(a, size);
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = alloc_raw(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	/* The guard also tells GCC 12 under -fsanitize that fmt is not NULL,
	 * which otherwise trips -Wformat-truncation ("null format string"). */
	if (!fmt)
		return arena_strdup(a, "");
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *d = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

/* The block [v, v + old) was the last allocation of the current chunk and
 * the chunk has room: it grows where it is, leaving nothing behind.  This
 * is the common case while a block of statements fills one vector.  The
 * bytes from `inuse` on are zeroed: the block's rounding padding was never
 * cleared. */
static bool grow_at_end(struct arena *a, void *v, size_t inuse, size_t old, size_t new)
{
	struct arena_chunk *c = a->head;
	if (!c || (unsigned char *)v + old != c->data + c->used ||
	    c->size - c->used < new - old)
		return false;
	memset((unsigned char *)v + inuse, 0, new - inuse);
	c->used += new - old;
	a->total += new - old;
	return true;
}

/* The block is the only thing in its chunk (a big block): the chunk is
 * reallocated, so a large vector costs its final size and not the sum of
 * every size it went through.  Returns the new block, or NULL when `v`
 * does not own a chunk. */
static void *grow_own_chunk(struct arena *a, void *v, size_t inuse, size_t old, size_t new)
{
	for (struct arena_chunk **pp = &a->head; *pp; pp = &(*pp)->next) {
		struct arena_chunk *c = *pp;
		if (c->data != v)
			continue;
		if (c->used != old)
			return NULL;
		struct arena_chunk *n = realloc(c, sizeof(*n) + new);
		if (!n)
			out_of_memory();
		memset(n->data + inuse, 0, new - inuse);
		n->size = n->used = new;
		a->total += new - old;
		*pp = n;
		return n->data;
	}
	return NULL;
}

void *arena_grow(struct arena *a, void *v, size_t *cap, size_t elem, size_t need)
{
	if (need <= *cap)
		return v;
	/* Most vectors hold one or two elements (an instance's addresses, a
	 * tracker list): starting at one and growing in place where possible
	 * keeps those exact. */
	size_t ncap = *cap ? *cap * 2 : 1;
	while (ncap < need)
		ncap *= 2;
	size_t inuse = *cap * elem, old = round16(inuse), new = round16(ncap * elem);
	void *nv = NULL;
	if (v && grow_at_end(a, v, inuse, old, new))
		nv = v;
	else if (v && old > ARENA_BIG)
		nv = grow_own_chunk(a, v, inuse, old, new);
	if (!nv) {
		nv = arena_alloc(a, ncap * elem);
		if (v)
			memcpy(nv, v, *cap * elem);
	}
	*cap = ncap;
	return nv;
}
