/*
 * solve.c — choosing one candidate per label (see DESIGN.md).
 *
 * Every choice the solver keeps is free of conflicts: the result never has
 * two labels overlapping, a leader through a label or two leaders crossing.
 * It starts greedily (labels in priority order each take their cheapest
 * candidate that conflicts with nothing chosen so far, else nothing) and
 * then improves locally, POPMUSIC-style: a label tries a cheaper candidate,
 * the few labels in its way are taken out and re-placed at their best free
 * candidate, and the move is kept only if the total cost falls.  Each step
 * looks only at the labels that conflict with one candidate, found through
 * a grid of the current choices, so the work grows with n and with local
 * crowding.  Placement is deterministic; a change moves only labels linked to
 * it by chains of conflicting candidates (in a crowded region that chain can
 * reach across it: see DESIGN.md on stability).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "place.h"

#define CHOSEN_CELL 40.0  /* pt: cell of the grid of current choices */
#define MAX_EJECT 3       /* labels a move may push out of its way */
#define MAX_TRY 24        /* cheaper candidates a label tries per pass */
#define MAX_TRY_DEEP 6    /* …and a displaced label, to make room for itself */
#define BUDGET 150        /* displacement trials per label per pass, nested ones included */
#define CROWDED 200       /* labels past which the search is shallower… */
#define MAX_TRY_LAST_CROWDED 4 /* …and its last try for a label without one tries this many */
#define DEPTH 1           /* displaced labels may displace others this deep… */
#define DEPTH_KEYED 2     /* …or this deep, to give a keyed label its name back */
#define PASSES 6          /* improvement passes at most */
#define EPS 1e-9
#define GAIN 1.0          /* a move must gain this much: no churn for crumbs */
#define EXACT_NODES 20000 /* the complete search's nodes at most (small maps) */
#define CHAIN_DEPTH 40    /* labels one chain may move, for a label left with nothing… */
#define CHAIN_EJECT 2     /* …moving at most this many out of each one's way… */
#define CHAIN_QUERIES 5000 /* …and the conflict queries it may make */

typedef struct {
	size_t label;
	long was;
} undo;

typedef struct {
	pst_lab *labs;
	size_t n;
	pst_grid grid;       /* labels by the extent of their current choice */
	pst_box *ext;        /* per label: the extent of its current choice (when it has one) */
	/* scratch of one conflict query */
	const pst_cand *probe;
	pst_box probe_ext;   /* the probe's extent */
	size_t self;
	size_t *hits;
	size_t n_hits, max_hits;
	bool overflow;
	undo *journal;       /* choices of the trial in progress, to undo it */
	size_t n_journal, cap_journal;
	bool *locked;        /* labels a trial must not displace (its seeds) */
	bool *movers;        /* labels improvement starts from (NULL: all) */
	int depth;           /* how deep displaced labels may displace others */
	size_t max_try;      /* cheaper candidates a label tries per pass */
	int passes;          /* improvement passes at most */
	size_t budget;       /* displacement trials left to this label's move (bounds dense clusters) */
	unsigned *seen;      /* per label: the chain search that last tried to move it */
	unsigned epoch;      /* the chain search in progress */
	size_t queries;      /* conflict queries left to it */
	double width, height; /* the page */
} solver;

pst_box pst_cand_extent(const pst_cand *c)
{
	pst_box b = c->box;
	if (c->leader) {
		b.x0 = pst_min2(b.x0, pst_min2(c->lead[0], c->lead[2]));
		b.y0 = pst_min2(b.y0, pst_min2(c->lead[1], c->lead[3]));
		b.x1 = pst_max2(b.x1, pst_max2(c->lead[0], c->lead[2]));
		b.y1 = pst_max2(b.y1, pst_max2(c->lead[1], c->lead[3]));
	}
	return b;
}

static bool lead_meets_box(const double *lead, const pst_box *b)
{
	pst_seg s = { lead[0], lead[1], lead[2], lead[3], PST_LEAD_HALF };
	return pst_seg_meets_box(&s, b);
}

/* Can two labels hold these candidates at once? */
bool pst_cand_conflict(const pst_cand *a, const pst_cand *b)
{
	if (pst_box_overlaps(&a->box, &b->box))
		return true;
	if (a->leader && lead_meets_box(a->lead, &b->box))
		return true;
	if (b->leader && lead_meets_box(b->lead, &a->box))
		return true;
	return a->leader && b->leader && pst_segs_cross(a->lead, b->lead);
}

/*
 * Two candidates conflict only when their extents come within a leader's
 * half width (PST_LEAD_HALF) of each other; a choice the grid reports whose
 * extent is farther off (by twice that, a margin against rounding) is passed
 * over without reading its candidate (most of them in a crowd, where extents
 * with long leaders span many cells).
 */
static inline bool extents_apart(const pst_box *a, const pst_box *b)
{
	const double m = 2 * PST_LEAD_HALF;
	return a->x1 + m < b->x0 || b->x1 + m < a->x0 || a->y1 + m < b->y0 || b->y1 + m < a->y0;
}

static bool collect_hit(void *user, size_t j)
{
	solver *s = user;
	const pst_lab *o = &s->labs[j];
	if (j == s->self || o->chosen < 0 || extents_apart(&s->probe_ext, &s->ext[j]) ||
	    !pst_cand_conflict(s->probe, &o->c[o->chosen]))
		return false;
	if (s->n_hits == s->max_hits) {
		s->overflow = true;
		return true; /* too many in the way: stop looking */
	}
	s->hits[s->n_hits++] = j;
	return false;
}

/* The labels whose choices conflict with label @p i taking @p c, at most
 * @p max of them (false when there are more). */
static bool conflicts(solver *s, size_t i, const pst_cand *c, size_t max)
{
	s->probe = c;
	s->self = i;
	s->n_hits = 0;
	s->max_hits = max;
	s->overflow = false;
	s->probe_ext = pst_cand_extent(c);
	pst_grid_query(&s->grid, &s->probe_ext, collect_hit, s);
	return !s->overflow;
}

static int choose(solver *s, size_t i, long k)
{
	pst_lab *l = &s->labs[i];
	if (l->chosen >= 0)
		pst_grid_remove(&s->grid, &s->ext[i], i);
	l->chosen = k;
	if (k < 0)
		return POSTURE_OK;
	s->ext[i] = pst_cand_extent(&l->c[k]);
	return pst_grid_add(&s->grid, &s->ext[i], i);
}

/* The cheapest candidate of label @p i free of conflicts, or -1. */
static long best_free(solver *s, size_t i)
{
	pst_lab *l = &s->labs[i];
	for (size_t k = 0; k < l->n; k++)
		if (conflicts(s, i, &l->c[k], 0))
			return (long)k;
	return -1;
}

/* Labels without a choice take their cheapest free candidate, in @p order. */
static int greedy(solver *s, const size_t *order)
{
	int rc = POSTURE_OK;
	for (size_t o = 0; o < s->n && rc == POSTURE_OK; o++) {
		size_t i = order[o];
		pst_lab *l = &s->labs[i];
		if (l->chosen < 0)
			rc = choose(s, i, l->pinned ? 0 : best_free(s, i));
	}
	return rc;
}

/* --- the crowded start --------------------------------------------------------------- */

/*
 * On a crowded map the greedy start in priority order hands each label its
 * cheapest free place, often a long name whose box and leader shut out the
 * keys of several neighbours.  There, the start is a minimum-conflict
 * greedy instead (the classic heuristic for a maximum independent set of
 * label positions): of all the candidates still open, the one that
 * conflicts with the fewest open candidates of other labels is taken first
 * (cheaper first among equals), and what it shuts out is closed.  The
 * improvement passes then give names back where they fit.  Only keys take
 * part: a name shuts out too many keys to be worth it at this density, and
 * the names that fit are what improvement gives back.
 */
#define CROWD_CELL 16.0

typedef struct {
	size_t lab;
	size_t k;
	size_t deg;      /* open candidates of other labels it conflicts with */
	double cost;     /* weighted */
	pst_box e;       /* its extent: box and leader */
	bool open;
} crowd_cand;

typedef struct {
	solver *s;
	crowd_cand *c;
	size_t n;
	pst_grid grid;
	size_t *first;   /* per label: its first candidate in c (labels are contiguous) */
	size_t *heap, *pos;
	size_t n_heap;
	uint32_t *adj;   /* per candidate, from start[m]: the candidates of other labels it conflicts with */
	size_t *start;
	size_t *buf;     /* scratch of one neighbour query */
	size_t n_buf, cap_buf;
	size_t self;
	size_t above;    /* report only candidates from this one on */
	bool nomem;
} crowd;

static bool crowd_less(const crowd *w, size_t a, size_t b)
{
	const crowd_cand *x = &w->c[a], *y = &w->c[b];
	if (x->deg != y->deg)
		return x->deg < y->deg;
	if (x->cost != y->cost)
		return x->cost < y->cost;
	return a < b;
}

static void heap_swap(crowd *w, size_t i, size_t j)
{
	size_t t = w->heap[i];
	w->heap[i] = w->heap[j];
	w->heap[j] = t;
	w->pos[w->heap[i]] = i;
	w->pos[w->heap[j]] = j;
}

static void heap_up(crowd *w, size_t i)
{
	while (i > 0 && crowd_less(w, w->heap[i], w->heap[(i - 1) / 2])) {
		heap_swap(w, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(crowd *w, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < w->n_heap && crowd_less(w, w->heap[l], w->heap[m]))
			m = l;
		if (r < w->n_heap && crowd_less(w, w->heap[r], w->heap[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(w, i, m);
		i = m;
	}
}

static void heap_remove(crowd *w, size_t m)
{
	size_t i = w->pos[m];
	if (i == SIZE_MAX)
		return;
	w->pos[m] = SIZE_MAX;
	if (--w->n_heap == i)
		return;
	size_t last = w->heap[w->n_heap]; /* fills the hole, then finds its level */
	w->heap[i] = last;
	w->pos[last] = i;
	heap_up(w, i);
	heap_down(w, w->pos[last]);
}

static const pst_cand *crowd_cand_of(const crowd *w, size_t m)
{
	return &w->s->labs[w->c[m].lab].c[w->c[m].k];
}

static bool collect_open(void *user, size_t m)
{
	crowd *w = user;
	const crowd_cand *x = &w->c[m], *me = &w->c[w->self];
	if (m < w->above || !x->open || x->lab == me->lab || !pst_box_overlaps(&x->e, &me->e) ||
	    !pst_cand_conflict(crowd_cand_of(w, m), crowd_cand_of(w, w->self)))
		return false;
	if (pst_grow((void **)&w->buf, &w->cap_buf, w->n_buf + 1, sizeof(size_t))) {
		w->nomem = true;
		return true;
	}
	w->buf[w->n_buf++] = m;
	return false;
}

/* The open candidates of other labels that conflict with candidate @p m, in w->buf. */
static int open_neighbours(crowd *w, size_t m)
{
	w->self = m;
	w->n_buf = 0;
	pst_grid_query(&w->grid, &w->c[m].e, collect_open, w);
	return w->nomem ? POSTURE_ENOMEM : POSTURE_OK;
}

/* Close candidate @p m: its open neighbours conflict with one fewer. */
static void crowd_close(crowd *w, size_t m)
{
	if (!w->c[m].open)
		return;
	w->c[m].open = false;
	heap_remove(w, m);
	for (size_t a = w->start[m]; a < w->start[m + 1]; a++) {
		size_t y = w->adj[a];
		if (w->c[y].open) {
			w->c[y].deg--;
			heap_up(w, w->pos[y]);
		}
	}
}

/* Every candidate's conflicts, each pair tested once (conflict is symmetric). */
static int crowd_adjacency(crowd *w)
{
	size_t cap = 0, n_pairs = 0;
	uint32_t *pairs = NULL;
	int rc = POSTURE_OK;
	if (!(w->start = calloc(w->n + 2, sizeof(size_t))))
		return POSTURE_ENOMEM;
	for (size_t m = 0; m < w->n && rc == POSTURE_OK; m++) {
		w->above = m + 1;
		rc = open_neighbours(w, m);
		if (rc == POSTURE_OK &&
		    pst_grow((void **)&pairs, &cap, 2 * (n_pairs + w->n_buf) + 2, sizeof(uint32_t)))
			rc = POSTURE_ENOMEM;
		for (size_t b = 0; b < w->n_buf && rc == POSTURE_OK; b++, n_pairs++) {
			pairs[2 * n_pairs] = (uint32_t)m;
			pairs[2 * n_pairs + 1] = (uint32_t)w->buf[b];
			w->c[m].deg++;
			w->c[w->buf[b]].deg++;
		}
	}
	w->above = 0;
	if (rc == POSTURE_OK && !(w->adj = malloc((2 * n_pairs + 1) * sizeof(uint32_t))))
		rc = POSTURE_ENOMEM;
	if (rc == POSTURE_OK) {
		for (size_t m = 0; m < w->n; m++) /* start[m + 1] is m's fill cursor */
			w->start[m + 2] = w->start[m + 1] + w->c[m].deg;
		for (size_t p = 0; p < n_pairs; p++) {
			uint32_t a = pairs[2 * p], z = pairs[2 * p + 1];
			w->adj[w->start[a + 1]++] = z;
			w->adj[w->start[z + 1]++] = a;
		}
	}
	free(pairs);
	return rc;
}

static int crowd_collect(crowd *w)
{
	solver *s = w->s;
	size_t cap = 0;
	for (size_t i = 0; i < s->n; i++) {
		pst_lab *l = &s->labs[i];
		w->first[i] = w->n;
		if (l->chosen >= 0 || l->pinned || l->it->label_optional)
			continue;
		for (size_t k = 0; k < l->n; k++) {
			if (!l->c[k].key)
				continue;
			if (!conflicts(s, i, &l->c[k], 0))
				continue; /* shut out by a choice already made */
			if (pst_grow((void **)&w->c, &cap, w->n + 1, sizeof(crowd_cand)))
				return POSTURE_ENOMEM;
			pst_box e = pst_cand_extent(&l->c[k]);
			w->c[w->n] = (crowd_cand){ i, k, 0, pst_lab_cost(l, (long)k), e, true };
			if (pst_grid_add(&w->grid, &e, w->n++))
				return POSTURE_ENOMEM;
		}
	}
	w->first[s->n] = w->n;
	return POSTURE_OK;
}

static int crowded_greedy(solver *s, double width, double height)
{
	crowd w = { .s = s };
	int rc = pst_grid_init(&w.grid, width, height, CROWD_CELL);
	if (rc == POSTURE_OK && !(w.first = calloc(s->n + 1, sizeof(size_t))))
		rc = POSTURE_ENOMEM;
	if (rc == POSTURE_OK)
		rc = crowd_collect(&w);
	if (rc == POSTURE_OK && (!(w.heap = malloc((w.n + 1) * sizeof(size_t))) ||
	                         !(w.pos = malloc((w.n + 1) * sizeof(size_t)))))
		rc = POSTURE_ENOMEM;
	if (rc == POSTURE_OK && w.n > UINT32_MAX)
		rc = POSTURE_ENOMEM;
	if (rc == POSTURE_OK)
		rc = crowd_adjacency(&w);
	for (size_t m = 0; m < w.n && rc == POSTURE_OK; m++) {
		w.heap[m] = m;
		w.pos[m] = m;
	}
	w.n_heap = rc == POSTURE_OK ? w.n : 0;
	for (size_t i = w.n_heap / 2; i-- > 0;)
		heap_down(&w, i);
	while (w.n_heap > 0 && rc == POSTURE_OK) {
		size_t m = w.heap[0];
		size_t lab = w.c[m].lab;
		rc = choose(s, lab, (long)w.c[m].k);
		/* Its label's other candidates close, then all it shuts out. */
		for (size_t x = w.first[lab]; x < w.first[lab + 1]; x++)
			if (x != m)
				crowd_close(&w, x);
		w.c[m].open = false;
		heap_remove(&w, m);
		for (size_t a = w.start[m]; a < w.start[m + 1]; a++)
			crowd_close(&w, w.adj[a]);
	}
	pst_grid_free(&w.grid);
	free(w.c);
	free(w.first);
	free(w.heap);
	free(w.pos);
	free(w.buf);
	free(w.adj);
	free(w.start);
	return rc;
}

/* --- moves with undo ---------------------------------------------------------------- */

/* Choose, remembering the previous choice so that a trial can be undone. */
static int set(solver *s, size_t i, long k)
{
	if (pst_grow((void **)&s->journal, &s->cap_journal, s->n_journal + 1, sizeof(*s->journal)))
		return POSTURE_ENOMEM;
	s->journal[s->n_journal++] = (undo){ i, s->labs[i].chosen };
	return choose(s, i, k);
}

static int rollback(solver *s, size_t mark)
{
	int rc = POSTURE_OK;
	while (s->n_journal > mark && rc == POSTURE_OK) {
		undo u = s->journal[--s->n_journal];
		rc = choose(s, u.label, u.was);
	}
	return rc;
}

/* Copy the current conflict list (it is overwritten by the next query);
 * false when one of them may not move. */
static bool take_hits(solver *s, size_t *who, size_t *n)
{
	*n = s->n_hits;
	memcpy(who, s->hits, s->n_hits * sizeof(size_t));
	for (size_t e = 0; e < *n; e++)
		if (s->labs[who[e]].pinned || s->locked[who[e]])
			return false;
	return true;
}

static int relocate(solver *s, size_t j, int depth, double *cost);

/*
 * Label @p i takes candidate @p k; the labels in its way are taken out and
 * re-placed (relocate, @p depth more levels).  *delta: the change of the
 * total cost.  The caller keeps or rolls back.
 */
static int displace(solver *s, size_t i, long k, int depth, double *delta)
{
	size_t who[MAX_EJECT], n;
	*delta = HUGE_VAL;
	if (s->budget == 0 || !conflicts(s, i, &s->labs[i].c[k], MAX_EJECT) ||
	    !take_hits(s, who, &n))
		return POSTURE_OK;
	s->budget--;
	double before = pst_lab_cost(&s->labs[i], s->labs[i].chosen), after = 0;
	int rc = POSTURE_OK;
	for (size_t e = 0; e < n && rc == POSTURE_OK; e++) {
		before += pst_lab_cost(&s->labs[who[e]], s->labs[who[e]].chosen);
		rc = set(s, who[e], -1);
	}
	if (rc == POSTURE_OK)
		rc = set(s, i, k);
	after = pst_lab_cost(&s->labs[i], k);
	s->locked[i] = true;
	for (size_t e = 0; e < n && rc == POSTURE_OK; e++) {
		double c = 0;
		rc = relocate(s, who[e], depth, &c);
		after += c;
	}
	s->locked[i] = false;
	*delta = after - before;
	return rc;
}

/* Put label @p j (currently without a place) at its best free candidate or,
 * with @p depth left, at a better one that a small displacement frees. */
static int relocate(solver *s, size_t j, int depth, double *cost)
{
	pst_lab *l = &s->labs[j];
	long b = best_free(s, j);
	double free_cost = pst_lab_cost(l, b);
	size_t limit = b < 0 ? l->n : (size_t)b;
	for (size_t k = 0, tried = 0; depth > 0 && k < limit && tried < MAX_TRY_DEEP; k++) {
		size_t mark = s->n_journal;
		double delta;
		int rc = displace(s, j, (long)k, depth - 1, &delta);
		if (rc != POSTURE_OK)
			return rc;
		if (delta == HUGE_VAL)
			continue;
		tried++;
		/* delta counts j as coming from no label at all */
		double c = delta + l->none_cost;
		if (c < free_cost - EPS) {
			*cost = c;
			return POSTURE_OK;
		}
		if ((rc = rollback(s, mark)) != POSTURE_OK)
			return rc;
	}
	*cost = free_cost;
	return set(s, j, b);
}

/* One label's best move: the cheapest of its better candidates that is free,
 * or that displacing a few neighbours makes room for. */
static int improve_label(solver *s, size_t i, bool *moved)
{
	pst_lab *l = &s->labs[i];
	*moved = false;
	size_t limit = l->chosen < 0 ? l->n : (size_t)l->chosen;
	int rc = POSTURE_OK;
	s->budget = BUDGET; /* each label's own: the work of one never depends on another's */
	for (size_t k = 0, tried = 0; k < limit && tried < s->max_try && rc == POSTURE_OK; k++) {
		size_t mark = s->n_journal;
		double delta;
		rc = displace(s, i, (long)k, s->depth, &delta);
		if (rc != POSTURE_OK || delta == HUGE_VAL)
			continue;
		tried++;
		if (delta < -GAIN) {
			*moved = true;
			s->n_journal = 0; /* kept */
			return POSTURE_OK;
		}
		rc = rollback(s, mark);
	}
	return rc;
}

static int chains(solver *s, const size_t *order);

static int improve(solver *s, const size_t *order)
{
	int rc = POSTURE_OK;
	for (int pass = 0; pass < s->passes && rc == POSTURE_OK; pass++) {
		size_t n_moved = 0;
		for (size_t o = 0; o < s->n && rc == POSTURE_OK; o++) {
			size_t i = order[o];
			pst_lab *l = &s->labs[i];
			if (l->pinned || l->chosen == 0 || l->n == 0 || (s->movers && !s->movers[i]))
				continue;
			bool moved;
			rc = improve_label(s, i, &moved);
			n_moved += moved;
		}
		if (n_moved == 0)
			break;
	}
	/* A last, deeper try for the labels left with a key or nothing (on
	 * crowded maps, with nothing): the search is costlier per label but only
	 * they pay for it. */
	bool crowded = s->depth == 0;
	s->depth = crowded ? 1 : DEPTH_KEYED;
	s->max_try = crowded ? MAX_TRY_LAST_CROWDED : MAX_TRY;
	for (size_t o = 0; o < s->n && rc == POSTURE_OK; o++) {
		size_t i = order[o];
		pst_lab *l = &s->labs[i];
		if (l->pinned || l->n == 0 || (l->chosen >= 0 && (crowded || !l->c[l->chosen].key)) ||
		    (s->movers && !s->movers[i]))
			continue;
		bool moved;
		rc = improve_label(s, i, &moved);
	}
	if (rc == POSTURE_OK)
		rc = chains(s, order);
	return rc;
}

/* --- labels left with nothing: chains of single moves ------------------------------- */

/*
 * Label @p i, without a place, takes a candidate that no choice is in the
 * way of, or else one that one label (then two) is in the way of, which is
 * then moved on the same terms, and so on down a chain (an augmenting path,
 * as in bipartite matching): each label is tried once per chain search,
 * those on the chain stay where it put them.  *delta: the change of the total
 * cost.  false when no chain ends; the caller rolls back.
 */
static bool chain(solver *s, size_t i, int depth, double *delta, int *rc)
{
	pst_lab *l = &s->labs[i];
	s->seen[i] = s->epoch;
	for (size_t k = 0; k < l->n && s->queries; k++) { /* a free place first */
		s->queries--;
		if (conflicts(s, i, &l->c[k], 0)) {
			*delta += pst_lab_cost(l, (long)k) - l->none_cost;
			*rc = set(s, i, (long)k);
			return true;
		}
	}
	if (depth == 0)
		return false;
	for (size_t t = 0; t < l->n * CHAIN_EJECT && s->queries && *rc == POSTURE_OK; t++) {
		size_t k = t % l->n, want = t / l->n + 1; /* one label in the way, then two */
		s->queries--;
		size_t who[CHAIN_EJECT], n_who;
		if (!conflicts(s, i, &l->c[k], want) || s->n_hits != want || !take_hits(s, who, &n_who))
			continue;
		bool fresh = true;
		for (size_t e = 0; e < n_who; e++)
			fresh = fresh && s->seen[who[e]] != s->epoch;
		if (!fresh)
			continue;
		size_t mark = s->n_journal;
		double d = pst_lab_cost(l, (long)k) - l->none_cost;
		for (size_t e = 0; e < n_who && *rc == POSTURE_OK; e++) {
			pst_lab *o = &s->labs[who[e]];
			d += o->none_cost - pst_lab_cost(o, o->chosen);
			*rc = set(s, who[e], -1);
		}
		if (*rc == POSTURE_OK)
			*rc = set(s, i, (long)k);
		s->locked[i] = true;
		bool done = *rc == POSTURE_OK;
		for (size_t e = 0; e < n_who && done; e++)
			done = s->labs[who[e]].it->label_optional ||
			       (chain(s, who[e], depth - 1, &d, rc) && *rc == POSTURE_OK);
		s->locked[i] = false;
		if (done) {
			*delta += d;
			return true;
		}
		if (*rc == POSTURE_OK)
			*rc = rollback(s, mark);
	}
	return false;
}

/* Each item left with nothing gets a place where a chain of moves makes one
 * (and the map's total cost falls). */
static int chains(solver *s, const size_t *order)
{
	if (!s->seen && !(s->seen = calloc(s->n + 1, sizeof(unsigned))))
		return POSTURE_ENOMEM;
	int rc = POSTURE_OK;
	for (size_t o = 0; o < s->n && rc == POSTURE_OK; o++) {
		size_t i = order[o];
		pst_lab *l = &s->labs[i];
		if (l->pinned || l->chosen >= 0 || l->n == 0 || l->it->label_optional ||
		    (s->movers && !s->movers[i]))
			continue;
		s->epoch++;
		s->queries = CHAIN_QUERIES;
		size_t mark = s->n_journal;
		double delta = 0;
		bool done = chain(s, i, CHAIN_DEPTH, &delta, &rc);
		if (rc == POSTURE_OK && (!done || delta > -GAIN))
			rc = rollback(s, mark);
		s->n_journal = 0;
	}
	return rc;
}

/* --- small maps: the complete search ------------------------------------------------- */

/* Does an item's label hold a key, or nothing? */
static bool needs_keys(const pst_lab *labs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!labs[i].it->label_optional && labs[i].n > 0 &&
		    (labs[i].chosen < 0 || labs[i].c[labs[i].chosen].key))
			return true;
	return false;
}

/* A candidate the complete search tries, against the labels it does not move. */
typedef struct {
	solver *s;
	const bool *moving;   /* per label: the search may move it */
	const pst_cand *c;
	size_t self;
} fixed_query;

static bool fixed_hit(void *user, size_t j)
{
	fixed_query *q = user;
	const pst_lab *o = &q->s->labs[j];
	return j != q->self && !q->moving[j] && o->chosen >= 0 &&
	       pst_cand_conflict(q->c, &o->c[o->chosen]);
}

static bool blocked_by_fixed(void *user, size_t i, const pst_cand *c)
{
	fixed_query *q = user;
	q->c = c;
	q->self = i;
	pst_box e = pst_cand_extent(c);
	return pst_grid_query(&q->s->grid, &e, fixed_hit, q);
}

/* The complete search over the labels @p moving marks; its choice, if cheaper, taken. */
static int search_exact(solver *s, bool *moving, const size_t *subset, size_t n_subset,
                        bool keys, size_t budget, bool *improved)
{
	long *out = malloc(s->n * sizeof(long) + 1);
	if (!out)
		return POSTURE_ENOMEM;
	fixed_query q = { .s = s, .moving = moving };
	pst_exact_opts o = { subset, n_subset, keys, blocked_by_fixed, &q, budget };
	int rc = pst_label_exact(s->labs, s->n, &o, out, improved);
	for (size_t i = 0; i < s->n && rc == POSTURE_OK && *improved; i++)
		if (out[i] != s->labs[i].chosen)
			rc = choose(s, i, out[i]);
	free(out);
	return rc;
}

/* A solver over @p labs, started as @p start says. */
static int solver_open(solver *s, pst_lab *labs, size_t n, double width, double height,
                       pst_start start)
{
	/* Crowded maps search less deep per label: the work stays near-linear. */
	bool crowded = n > CROWDED;
	*s = (solver){ .labs = labs, .n = n, .depth = crowded ? 0 : DEPTH, .width = width,
		       .height = height, .max_try = crowded ? MAX_TRY / 3 : MAX_TRY,
		       .passes = crowded ? 2 : PASSES, .budget = 0 };
	int rc = pst_grid_init(&s->grid, width, height, CHOSEN_CELL);
	s->locked = calloc(n + 1, sizeof(bool));
	s->ext = malloc((n + 1) * sizeof(pst_box));
	if (!s->locked || !s->ext)
		rc = POSTURE_ENOMEM;
	/* Resuming, only the labels without a place start moves (they may still
	 * displace their neighbours): the rest of the map stays as it was. */
	if (start == PST_START_RESUME && !(s->movers = calloc(n + 1, sizeof(bool))))
		rc = POSTURE_ENOMEM;
	for (size_t i = 0; i < n && rc == POSTURE_OK; i++) {
		long k = start != PST_START_EMPTY ? labs[i].chosen : -1;
		labs[i].chosen = -1;
		if (k >= 0)
			rc = choose(s, i, k);
		else if (s->movers)
			s->movers[i] = true;
	}
	return rc;
}

static void solver_close(solver *s)
{
	pst_grid_free(&s->grid);
	free(s->ext);
	free(s->journal);
	free(s->locked);
	free(s->movers);
	free(s->seen);
}

int pst_label_search(pst_lab *labs, size_t n, const size_t *order, double width, double height,
                     pst_start start)
{
	solver s;
	size_t hits[MAX_EJECT + 1];
	int rc = solver_open(&s, labs, n, width, height, start);
	s.hits = hits;
	bool crowded = n > CROWDED;
	if (rc == POSTURE_OK && crowded) {
		for (size_t i = 0; i < n && rc == POSTURE_OK; i++) /* pins first, as ever */
			if (labs[i].pinned && labs[i].chosen < 0)
				rc = choose(&s, i, 0);
		if (rc == POSTURE_OK)
			rc = crowded_greedy(&s, width, height);
	}
	if (rc == POSTURE_OK)
		rc = greedy(&s, order);
	if (rc == POSTURE_OK)
		rc = improve(&s, order);
	solver_close(&s);
	return rc;
}

int pst_label_name_near(pst_lab *labs, size_t n, double width, double height, double reach)
{
	if (n > PST_SMALL_MAP || !needs_keys(labs, n))
		return POSTURE_OK;
	solver s;
	size_t hits[MAX_EJECT + 1];
	int rc = solver_open(&s, labs, n, width, height, PST_START_REFINE);
	s.hits = hits;
	bool *moving = calloc(n + 1, sizeof(bool)), improved = false;
	size_t *subset = malloc((n + 1) * sizeof(size_t)), n_subset = 0;
	if (!moving || !subset)
		rc = POSTURE_ENOMEM;
	for (size_t i = 0; i < n && rc == POSTURE_OK; i++) {
		const pst_lab *l = &labs[i];
		/* A label at the place an earlier render gave it stays there
		 * (--keep-labels): an item that finds no name round it keeps its key. */
		if (l->pinned || l->it->label_optional || l->n == 0 || !l->it->has_anchor ||
		    (l->chosen >= 0 && l->chosen == l->kept))
			continue;
		for (size_t k = 0; k < n && !moving[i]; k++) {
			const pst_lab *w = &labs[k];
			moving[i] = !w->it->label_optional && w->n > 0 && w->it->has_anchor &&
			            (w->chosen < 0 || w->c[w->chosen].key) &&
			            pst_box_distance(&l->it->symbol_box, &w->it->symbol_box) <= reach;
		}
		if (moving[i])
			subset[n_subset++] = i;
	}
	if (rc == POSTURE_OK)
		rc = search_exact(&s, moving, subset, n_subset, false, EXACT_NODES, &improved);
	free(moving);
	free(subset);
	solver_close(&s);
	return rc;
}
