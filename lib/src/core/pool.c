/*
 * pool.c — a string pool for big layers: many small allocations freed at
 * once, and repeated strings (kinds, dates, citations) stored once.
 *
 * Memory comes in blocks of at least POOL_BLOCK bytes; nothing is freed
 * before the pool is.  Interned strings are found again through an
 * open-addressing hash set (table at most half full).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define POOL_BLOCK (256u * 1024)

typedef struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[];
} block;

typedef struct {
	const char *s; /* NULL: empty slot */
	size_t len;
	uint64_t hash;
} slot;

struct pst_pool {
	block *head;
	slot *set;
	size_t set_cap, set_n;
};

pst_pool *pst_pool_new(void)
{
	return calloc(1, sizeof(pst_pool));
}

void pst_pool_free(pst_pool *p)
{
	if (!p)
		return;
	for (block *b = p->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(p->set);
	free(p);
}

/* @p n bytes at a multiple of @p align (a power of two) in the newest block, or a new one. */
static void *pool_take(pst_pool *p, size_t n, size_t align)
{
	block *b = p->head;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
	if (!b || at > b->size || b->size - at < n) {
		size_t size = n > POOL_BLOCK ? n : POOL_BLOCK;
		b = malloc(sizeof(block) + size);
		if (!b)
			return NULL;
		pst_prefault(b->data, size); /* it is filled before the next one is taken */
		b->next = p->head;
		b->used = 0;
		b->size = size;
		p->head = b;
		at = 0;
	}
	b->used = at + n;
	return (char *)b->data + at;
}

void *pst_pool_alloc(pst_pool *p, size_t n)
{
	return pool_take(p, n ? n : 1, sizeof(max_align_t));
}

/* Strings need no alignment: a million short ones would waste 8 bytes each on average. */
char *pst_pool_chars(pst_pool *p, size_t n)
{
	return pool_take(p, n ? n : 1, 1);
}

char *pst_pool_strn(pst_pool *p, const char *s, size_t n)
{
	char *out = pst_pool_chars(p, n + 1);
	if (out) {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	return out;
}

uint64_t pst_hash_bytes(const void *data, size_t n, uint64_t h)
{
	const unsigned char *s = data;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15u;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ s[i]) * 1099511628211u;
	return h ^ h >> 29;
}

static int set_grow(pst_pool *p)
{
	size_t cap = p->set_cap ? 2 * p->set_cap : 256;
	slot *set = calloc(cap, sizeof(slot));
	if (!set)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < p->set_cap; i++) {
		if (!p->set[i].s)
			continue;
		size_t k = p->set[i].hash & (cap - 1);
		while (set[k].s)
			k = (k + 1) & (cap - 1);
		set[k] = p->set[i];
	}
	free(p->set);
	p->set = set;
	p->set_cap = cap;
	return POSTURE_OK;
}

const char *pst_pool_intern(pst_pool *p, const char *s, size_t n)
{
	if (2 * (p->set_n + 1) > p->set_cap && set_grow(p) != POSTURE_OK)
		return NULL;
	uint64_t h = pst_hash_bytes(s, n, PST_HASH_SEED ^ n);
	size_t k = h & (p->set_cap - 1);
	for (; p->set[k].s; k = (k + 1) & (p->set_cap - 1))
		if (p->set[k].hash == h && p->set[k].len == n && !memcmp(p->set[k].s, s, n))
			return p->set[k].s;
	char *copy = pst_pool_strn(p, s, n);
	if (!copy)
		return NULL;
	p->set[k] = (slot){ copy, n, h };
	p->set_n++;
	return copy;
}
