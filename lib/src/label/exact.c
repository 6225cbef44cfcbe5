/*
 * exact.c — a complete search for small maps that the local search leaves
 * with keys.
 *
 * The ejection chains of solve.c move a few labels at a time.  On a small
 * page crowded in one corner (the A4 handout of the regional map round
 * Dushanbe) the way to name every item can need a dozen labels moved at once:
 * each move on its own costs more than it saves.  There, this search looks at
 * every label's candidates together: a depth-first branch and bound for a
 * name for every item (keys are left out: they are what the search is to
 * avoid), the item with the fewest candidates left taken next, its
 * candidates cheapest first; then the country and region names, each placed
 * or left out.  Every candidate of the labels still open that conflicts with
 * the one taken is struck out (forward checking); an item left with none ends
 * the branch, and so does a cost that, with the cheapest candidate left to
 * each open label, cannot beat the best complete choice so far.  Searching
 * for names only, the first choice that names every item is the first best;
 * searching with keys, the first best is the choice the labels hold less the
 * gain a move must make (solve.c).  The search stops after a fixed number of
 * nodes.  Nothing depends on anything but the labels' candidates and their
 * order: the result is deterministic.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "place.h"

#define NONE UINT32_MAX        /* a label still open */
#define BLANK (UINT32_MAX - 1) /* a country or region name left out */

typedef struct {
	pst_lab *labs;
	size_t n_req;
	size_t *req;        /* the labels searched (items' labels, not pinned) */
	size_t *first;      /* per searched label, its first candidate in the flat arrays */
	uint32_t *owner;    /* per candidate: the searched label it belongs to */
	pst_box *ext;       /* per candidate: its extent (box and leader) */
	uint32_t *adj, *adj_start; /* per candidate: those of other labels it conflicts with */
	uint32_t *dead;     /* per candidate: 0 alive, else the depth that struck it out */
	uint32_t *trail;    /* candidates struck out, in order */
	size_t n_trail;
	uint32_t *pick;     /* per searched label: its candidate, NONE while open */
	uint32_t *best;     /* the best complete choice */
	double best_cost;
	size_t nodes, budget;
	bool found;
} exact;

static double cand_cost(const exact *x, size_t r, uint32_t k)
{
	const pst_lab *l = &x->labs[x->req[r]];
	return k == BLANK ? l->none_cost : pst_lab_cost(l, (long)(k - x->first[r]));
}

static const pst_cand *cand_of(const exact *x, uint32_t k)
{
	size_t r = x->owner[k];
	return &x->labs[x->req[r]].c[k - x->first[r]];
}

typedef struct {
	double x0;
	uint32_t k;
} by_left;

static int by_x0(const void *pa, const void *pb)
{
	const by_left *a = pa, *b = pb;
	if (a->x0 != b->x0)
		return a->x0 < b->x0 ? -1 : 1;
	return a->k < b->k ? -1 : a->k > b->k;
}

/* Every pair of conflicting candidates of two searched labels, swept along x. */
static int adjacency(exact *x, size_t total)
{
	by_left *order = malloc(total * sizeof(by_left) + 1);
	uint32_t *count = calloc(total + 1, sizeof(uint32_t));
	uint32_t *pairs = NULL;
	size_t n_pairs = 0, cap = 0;
	int rc = order && count ? POSTURE_OK : POSTURE_ENOMEM;
	for (size_t k = 0; k < total && rc == POSTURE_OK; k++)
		order[k] = (by_left){ x->ext[k].x0, (uint32_t)k };
	if (rc == POSTURE_OK)
		qsort(order, total, sizeof(by_left), by_x0);
	for (size_t a = 0; a < total && rc == POSTURE_OK; a++) {
		uint32_t p = order[a].k;
		for (size_t b = a + 1; b < total && order[b].x0 <= x->ext[p].x1; b++) {
			uint32_t q = order[b].k;
			if (x->owner[p] == x->owner[q] || !pst_box_overlaps(&x->ext[p], &x->ext[q]) ||
			    !pst_cand_conflict(cand_of(x, p), cand_of(x, q)))
				continue;
			if (pst_grow((void **)&pairs, &cap, 2 * (n_pairs + 1), sizeof(uint32_t))) {
				rc = POSTURE_ENOMEM;
				break;
			}
			pairs[2 * n_pairs] = p;
			pairs[2 * n_pairs + 1] = q;
			n_pairs++;
			count[p]++;
			count[q]++;
		}
	}
	if (rc == POSTURE_OK) {
		x->adj_start = malloc((total + 1) * sizeof(uint32_t));
		x->adj = malloc(2 * n_pairs * sizeof(uint32_t) + 1);
		if (!x->adj_start || !x->adj)
			rc = POSTURE_ENOMEM;
	}
	if (rc == POSTURE_OK) {
		x->adj_start[0] = 0;
		for (size_t k = 0; k < total; k++)
			x->adj_start[k + 1] = x->adj_start[k] + count[k];
		memset(count, 0, total * sizeof(uint32_t));
		for (size_t e = 0; e < n_pairs; e++) {
			uint32_t p = pairs[2 * e], q = pairs[2 * e + 1];
			x->adj[x->adj_start[p] + count[p]++] = q;
			x->adj[x->adj_start[q] + count[q]++] = p;
		}
	}
	free(order);
	free(count);
	free(pairs);
	return rc;
}

/* The cheapest candidate left to searched label @p r (NONE: only none). */
static uint32_t cheapest_alive(const exact *x, size_t r)
{
	const pst_lab *l = &x->labs[x->req[r]];
	for (size_t k = 0; k < l->n; k++)
		if (!x->dead[x->first[r] + k])
			return (uint32_t)(x->first[r] + k);
	return NONE;
}

static size_t alive_count(const exact *x, size_t r)
{
	const pst_lab *l = &x->labs[x->req[r]];
	size_t n = 0;
	for (size_t k = 0; k < l->n; k++)
		n += !x->dead[x->first[r] + k];
	return n;
}

static void search(exact *x, size_t depth, double cost)
{
	if (++x->nodes > x->budget)
		return;
	/* The bound, and the next label: the open item with the fewest candidates
	 * left, else the first open country or region name. */
	double bound = cost;
	size_t next = SIZE_MAX, fewest = SIZE_MAX;
	for (size_t r = 0; r < x->n_req; r++) {
		if (x->pick[r] != NONE)
			continue;
		bool optional = x->labs[x->req[r]].it->label_optional;
		uint32_t cheapest = cheapest_alive(x, r);
		if (cheapest == NONE && !optional) /* every item named, or none of this */
			return;
		bound += cand_cost(x, r, cheapest == NONE ? BLANK : cheapest);
		size_t c = optional ? SIZE_MAX - 1 : alive_count(x, r);
		if (c < fewest) {
			fewest = c;
			next = r;
		}
	}
	if (bound >= x->best_cost - 1e-9)
		return;
	if (next == SIZE_MAX) { /* complete, and cheaper than the best */
		x->best_cost = cost;
		memcpy(x->best, x->pick, x->n_req * sizeof(uint32_t));
		x->found = true;
		return;
	}
	const pst_lab *l = &x->labs[x->req[next]];
	size_t values = l->n + l->it->label_optional; /* a country's name may be left out */
	for (size_t k = 0; k < values && x->nodes <= x->budget; k++) {
		uint32_t c = k < l->n ? (uint32_t)(x->first[next] + k) : BLANK;
		if (c != BLANK && x->dead[c])
			continue;
		size_t mark = x->n_trail;
		for (uint32_t e = c != BLANK ? x->adj_start[c] : 0; c != BLANK && e < x->adj_start[c + 1];
		     e++) {
			uint32_t q = x->adj[e];
			if (!x->dead[q] && x->pick[x->owner[q]] == NONE) {
				x->dead[q] = (uint32_t)depth + 1;
				x->trail[x->n_trail++] = q;
			}
		}
		x->pick[next] = c;
		search(x, depth + 1, cost + cand_cost(x, next, c));
		x->pick[next] = NONE;
		while (x->n_trail > mark)
			x->dead[x->trail[--x->n_trail]] = 0;
	}
}

int pst_label_exact(pst_lab *labs, size_t n, const pst_exact_opts *o, long *out, bool *improved)
{
	*improved = false;
	exact x = { .labs = labs, .budget = o->budget };
	size_t total = 0, m = o->subset ? o->n_subset : n;
	x.req = malloc(m * sizeof(size_t) + 1);
	x.first = malloc(m * sizeof(size_t) + 1);
	if (!x.req || !x.first) {
		free(x.req);
		free(x.first);
		return POSTURE_ENOMEM;
	}
	for (size_t s = 0; s < m; s++) {
		size_t i = o->subset ? o->subset[s] : s;
		if (labs[i].pinned || labs[i].n == 0) /* fixed, or nothing to choose */
			continue;
		x.first[x.n_req] = total;
		x.req[x.n_req++] = i;
		total += labs[i].n;
	}
	int rc = POSTURE_OK;
	x.owner = malloc(total * sizeof(uint32_t) + 1);
	x.ext = malloc(total * sizeof(pst_box) + 1);
	x.dead = calloc(total + 1, sizeof(uint32_t));
	x.trail = malloc(total * sizeof(uint32_t) + 1);
	x.pick = malloc(x.n_req * sizeof(uint32_t) + 1);
	x.best = malloc(x.n_req * sizeof(uint32_t) + 1);
	if (!x.owner || !x.ext || !x.dead || !x.trail || !x.pick || !x.best || total >= BLANK)
		rc = POSTURE_ENOMEM;
	for (size_t r = 0; r < x.n_req && rc == POSTURE_OK; r++) {
		const pst_lab *l = &labs[x.req[r]];
		for (size_t k = 0; k < l->n; k++) {
			x.owner[x.first[r] + k] = (uint32_t)r;
			x.ext[x.first[r] + k] = pst_cand_extent(&l->c[k]);
			/* Out from the start: keys where the search is for names, and
			 * candidates that meet a label the search does not move. */
			x.dead[x.first[r] + k] = (!o->keys && l->c[k].key) ||
			                         o->blocked(o->user, x.req[r], &l->c[k]);
		}
		x.pick[r] = NONE;
		long ch = l->chosen;
		x.best[r] = ch < 0 ? BLANK : (uint32_t)(x.first[r] + (size_t)ch);
		x.best_cost += pst_lab_cost(l, ch);
	}
	if (rc == POSTURE_OK)
		rc = adjacency(&x, total);
	if (rc == POSTURE_OK) {
		/* A search for names takes the first choice that names every
		 * item, then cheaper ones: on the A4 handout of the regional map,
		 * naming the 201st base in Dushanbe costs 0.9 more than its key,
		 * spread over a dozen labels.  A search that may use keys must
		 * gain what a move must (solve.c's GAIN). */
		x.best_cost = o->keys ? x.best_cost - 1.0 : HUGE_VAL;
		search(&x, 1, 0);
	}
	for (size_t i = 0; i < n; i++)
		out[i] = labs[i].chosen;
	if (rc == POSTURE_OK && x.found) {
		for (size_t r = 0; r < x.n_req; r++)
			out[x.req[r]] = x.best[r] == BLANK ? -1 : (long)(x.best[r] - x.first[r]);
		*improved = true;
	}
	free(x.req);
	free(x.first);
	free(x.owner);
	free(x.ext);
	free(x.adj);
	free(x.adj_start);
	free(x.dead);
	free(x.trail);
	free(x.pick);
	free(x.best);
	return rc;
}
