/* Region allocator for the configuration tree.
 *
 * A parsed configuration is immutable and is freed as a whole when a reload
 * replaces it, so every node, string and vector of it comes from one arena:
 * no per-object free functions, no leaks on error paths, and loading a
 * 10,000-server config costs a handful of large allocations. */
#ifndef HALO_CORE_ARENA_H
#define HALO_CORE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t total; /* bytes handed out, for the benchmark's memory figure */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
/* Zeroed, 16-byte aligned memory; aborts on out-of-memory (start-up only). */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Growable arrays living in an arena: `T *v; size_t n, cap;`.
 * Capacity starts at one and doubles.  A vector that is the arena's last
 * allocation grows in place, and one big enough to own a chunk (over 16 KiB)
 * has that chunk reallocated; otherwise the old block stays behind in the
 * arena until it is freed.  Growth may move the vector: a pointer to an
 * element is valid only until the next push to the same vector. */
void *arena_grow(struct arena *a, void *v, size_t *cap, size_t elem, size_t need);

#define VEC(T)                                                               \
	struct {                                                             \
		T *v;                                                        \
		size_t n, cap;                                               \
	}

/* Appends a zeroed element and returns a pointer to it. */
#define VEC_PUSH(arena, vec)                                                 \
	((vec).v = arena_grow((arena), (vec).v, &(vec).cap, sizeof(*(vec).v), \
			      (vec).n + 1),                                  \
	 &(vec).v[(vec).n++])

#endif
