/*
 * groups.c — label placement group by group (see DESIGN.md, "Stable under
 * edits").
 *
 * A search over the whole map (solve.c) passes a change on from label to
 * label: an added item takes a neighbour's place, the neighbour takes a
 * third one's, and the local search settles into another of the many
 * choices of nearly the same cost, across the map.  Here the items are
 * solved in groups instead.  Each starts alone at its cheapest candidate;
 * two groups whose choices meet are merged and the merged group is solved
 * again (solve.c, on its labels alone), until no two groups' choices meet.
 * What a group chooses depends only on its own labels, so an added item
 * changes its own group and those its group merges with, not the rest of
 * the map.  Country and region names, optional and large, are placed last,
 * round the items' choices: one name could otherwise join groups from one
 * end of a country to the other.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "place.h"

#define GROUP_CELL 40.0 /* pt: cell of the grid of choices */

typedef struct {
	pst_lab *labs;
	size_t n;
	size_t *parent;  /* union-find over the labels */
	size_t *was;     /* per label: its group before this round's merges */
	size_t *rank;    /* per label: its place in the greedy order */
	bool *dirty;     /* per group (its root): to be solved again */
	bool *drop;      /* per label: its choice meets another group's and gives way */
	bool *used;      /* per group: merged already this round */
	struct meeting *meets; /* this round's meetings of groups */
	size_t n_meets, cap_meets;
	const pst_cand *probe;
	size_t self;
	bool oom;
} grouping;

static size_t root(size_t *parent, size_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

/* Two labels of different groups whose choices meet. */
typedef struct meeting {
	size_t first, second;           /* the earlier and the later in the greedy order… */
	size_t first_rank, second_rank; /* …and their places in it */
} meeting;

static int by_first(const void *pa, const void *pb)
{
	const meeting *a = pa, *b = pb;
	if (a->first_rank != b->first_rank)
		return a->first_rank < b->first_rank ? -1 : 1;
	return a->second_rank < b->second_rank ? -1 : a->second_rank > b->second_rank;
}

static bool meet(void *user, size_t j)
{
	grouping *g = user;
	const pst_lab *o = &g->labs[j];
	size_t i = g->self;
	if (j <= i || o->chosen < 0 || o->it->label_optional || g->was[i] == g->was[j] ||
	    !pst_cand_conflict(g->probe, &o->c[o->chosen]))
		return false;
	if (pst_grow((void **)&g->meets, &g->cap_meets, g->n_meets + 1, sizeof(meeting))) {
		g->oom = true;
		return true;
	}
	/* The earlier in the greedy order keeps its place, unless only the other
	 * holds the place an earlier render gave it (--keep-labels). */
	const pst_lab *self = &g->labs[i];
	bool i_kept = self->chosen >= 0 && self->chosen == self->kept;
	bool j_kept = o->chosen == o->kept;
	bool i_first = i_kept != j_kept ? i_kept : g->rank[i] < g->rank[j];
	size_t f = i_first ? i : j, t = i_first ? j : i;
	g->meets[g->n_meets++] = (meeting){ f, t, g->rank[f], g->rank[t] };
	return false;
}

/*
 * Where groups' choices meet, merge pairs of them: first the pair whose
 * meeting involves the label earliest in the greedy order, then the next
 * pair of groups not merged yet this round, and so on (merges of groups far
 * apart commute, so the order of rounds does not reach across the map).
 * Where two merged groups' choices meet, the later label gives way.  *merged:
 * whether any pair was merged.
 */
static int merge(grouping *g, double width, double height, bool *merged)
{
	pst_grid grid;
	int rc = pst_grid_init(&grid, width, height, GROUP_CELL);
	for (size_t i = 0; i < g->n && rc == POSTURE_OK; i++) {
		const pst_lab *l = &g->labs[i];
		if (!l->it->label_optional && l->chosen >= 0) {
			pst_box e = pst_cand_extent(&l->c[l->chosen]);
			rc = pst_grid_add(&grid, &e, i);
		}
	}
	for (size_t i = 0; i < g->n; i++) {
		g->was[i] = root(g->parent, i);
		g->used[i] = false;
	}
	g->n_meets = 0;
	for (size_t i = 0; i < g->n && rc == POSTURE_OK && !g->oom; i++) {
		const pst_lab *l = &g->labs[i];
		if (l->it->label_optional || l->chosen < 0)
			continue;
		g->probe = &l->c[l->chosen];
		g->self = i;
		pst_box e = pst_cand_extent(g->probe);
		pst_grid_query(&grid, &e, meet, g);
	}
	pst_grid_free(&grid);
	if (g->oom)
		rc = POSTURE_ENOMEM;
	if (rc == POSTURE_OK && g->n_meets)
		qsort(g->meets, g->n_meets, sizeof(meeting), by_first);
	*merged = false;
	for (size_t e = 0; e < g->n_meets && rc == POSTURE_OK; e++) {
		size_t a = g->was[g->meets[e].first], b = g->was[g->meets[e].second];
		if (g->used[a] || g->used[b])
			continue;
		g->used[a] = g->used[b] = true;
		size_t r = a < b ? a : b;
		g->parent[a] = g->parent[b] = r;
		g->dirty[r] = true;
		*merged = true;
	}
	/* Within each merged pair, the later of two labels whose choices meet
	 * starts again. */
	for (size_t e = 0; e < g->n_meets; e++)
		if (root(g->parent, g->meets[e].first) == root(g->parent, g->meets[e].second))
			g->drop[g->meets[e].second] = true;
	return rc;
}

/*
 * Solve group @p r on its own: its labels, in their order in @p order,
 * through the whole-map search.  @p sub, @p sub_order, @p local: scratch of
 * n entries each.
 */
static int solve_group(grouping *g, size_t r, const size_t *order, double width, double height,
                       pst_lab *sub, size_t *sub_order, size_t *local)
{
	size_t m = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (g->labs[i].it->label_optional || root(g->parent, i) != r)
			continue;
		local[i] = m;
		sub[m] = g->labs[i];
		if (g->drop[i])
			sub[m].chosen = -1;
		g->drop[i] = false;
		m++;
	}
	for (size_t o = 0, k = 0; o < g->n; o++) {
		size_t i = order[o];
		if (!g->labs[i].it->label_optional && root(g->parent, i) == r)
			sub_order[k++] = local[i];
	}
	int rc = pst_label_search(sub, m, sub_order, width, height, PST_START_REFINE);
	for (size_t i = 0; i < g->n && rc == POSTURE_OK; i++)
		if (!g->labs[i].it->label_optional && root(g->parent, i) == r)
			g->labs[i].chosen = sub[local[i]].chosen;
	return rc;
}

/* The optional names, round the items' choices, which stay as they are. */
static int place_names(pst_lab *labs, size_t n, const size_t *order, double width, double height)
{
	bool *was_pinned = malloc(n + 1);
	size_t *was_n = malloc((n + 1) * sizeof(size_t));
	if (!was_pinned || !was_n) {
		free(was_pinned);
		free(was_n);
		return POSTURE_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		pst_lab *l = &labs[i];
		was_pinned[i] = l->pinned;
		was_n[i] = l->n;
		if (l->it->label_optional)
			l->chosen = -1;
		else if (l->chosen >= 0)
			l->pinned = true; /* in the resumed search, pinned labels never move */
		else
			l->n = 0; /* left without a label by its group: stays so */
	}
	int rc = pst_label_search(labs, n, order, width, height, PST_START_RESUME);
	for (size_t i = 0; i < n; i++) {
		labs[i].pinned = was_pinned[i];
		labs[i].n = was_n[i];
	}
	free(was_pinned);
	free(was_n);
	return rc;
}

int pst_label_solve(pst_lab *labs, size_t n, const size_t *order, double width, double height,
                    bool resume)
{
	if (resume || n > PST_SMALL_MAP)
		return pst_label_search(labs, n, order, width, height,
		                        resume ? PST_START_RESUME : PST_START_EMPTY);
	grouping g = { .labs = labs, .n = n };
	g.parent = malloc((n + 1) * sizeof(size_t));
	g.dirty = calloc(n + 1, sizeof(bool));
	g.drop = calloc(n + 1, sizeof(bool));
	g.used = calloc(n + 1, sizeof(bool));
	g.was = malloc((n + 1) * sizeof(size_t));
	g.rank = malloc((n + 1) * sizeof(size_t));
	pst_lab *sub = malloc((n + 1) * sizeof(pst_lab));
	size_t *sub_order = malloc((n + 1) * sizeof(size_t));
	size_t *local = malloc((n + 1) * sizeof(size_t));
	int rc = g.parent && g.dirty && g.drop && g.used && g.was && g.rank && sub && sub_order &&
	                 local ? POSTURE_OK : POSTURE_ENOMEM;
	/* Each item alone, at its cheapest candidate (a pin is its only one). */
	for (size_t o = 0; o < n && rc == POSTURE_OK; o++)
		g.rank[order[o]] = o;
	for (size_t i = 0; i < n && rc == POSTURE_OK; i++) {
		g.parent[i] = i;
		labs[i].chosen = labs[i].n > 0 && !labs[i].it->label_optional ? 0 : -1;
	}
	bool merged = true;
	while (rc == POSTURE_OK && merged) {
		rc = merge(&g, width, height, &merged);
		for (size_t i = 0; i < n && rc == POSTURE_OK; i++)
			g.parent[i] = root(g.parent, i);
		for (size_t r = 0; r < n && rc == POSTURE_OK; r++)
			if (g.dirty[r] && g.parent[r] == r) {
				g.dirty[r] = false;
				rc = solve_group(&g, r, order, width, height, sub, sub_order, local);
			}
	}
	/* Items left with a key: the complete search near them, then farther
	 * (in lengths of the longest leader). */
	static const double reach[] = { 2, 4, HUGE_VAL };
	double leader = PST_LEADER_SHARE * width;
	for (size_t k = 0; k < sizeof reach / sizeof *reach && rc == POSTURE_OK; k++)
		rc = pst_label_name_near(labs, n, width, height, reach[k] * leader);
	if (rc == POSTURE_OK)
		rc = place_names(labs, n, order, width, height);
	free(g.parent);
	free(g.dirty);
	free(g.drop);
	free(g.used);
	free(g.meets);
	free(g.was);
	free(g.rank);
	free(sub);
	free(sub_order);
	free(local);
	return rc;
}
