/*
 * label.c — label placement by simulated annealing over candidate positions
 * (see DESIGN.md for the reasoning and the numbers).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "label.h"
#include "scene/text.h"

#define GRID_CELL 48.0      /* pt: cell size of the spatial index */
#define OVERLAP_PENALTY 1000.0
#define N_RINGS 6           /* leader rings beyond the eight near positions */
#define N_ANGLES 16         /* directions per ring */
#define SEED 0x9E3779B97F4A7C15ull

typedef struct {
	pst_box box;       /* label box including the halo */
	double x, y;       /* top left of the text */
	double cost;       /* preference: 0 best */
	bool leader;       /* needs a leader line */
	double lead[4];    /* leader: symbol edge to label */
} cand;

typedef struct {
	pst_item *it;
	double w, h;       /* text size */
	double weight;     /* how much its preference counts (priority) */
	cand *c;
	size_t n;
	size_t first;      /* index of its first candidate in the global list */
	long chosen;       /* candidate index, or -1 when dropped */
} lab;

/* Grid of boxes: each cell lists the indexes of the boxes touching it. */
typedef struct {
	size_t cols, rows;
	size_t **cells;
	size_t *count, *cap;
} grid;

static int grid_init(grid *g, double w, double h)
{
	g->cols = (size_t)(w / GRID_CELL) + 1;
	g->rows = (size_t)(h / GRID_CELL) + 1;
	size_t n = g->cols * g->rows;
	g->cells = calloc(n, sizeof(*g->cells));
	g->count = calloc(n, sizeof(size_t));
	g->cap = calloc(n, sizeof(size_t));
	return g->cells && g->count && g->cap ? POSTURE_OK : POSTURE_ENOMEM;
}

static void grid_free(grid *g)
{
	for (size_t i = 0; g->cells && i < g->cols * g->rows; i++)
		free(g->cells[i]);
	free(g->cells);
	free(g->count);
	free(g->cap);
}

static void cell_range(const grid *g, const pst_box *b, size_t r[4])
{
	double c0 = floor(b->x0 / GRID_CELL), c1 = floor(b->x1 / GRID_CELL);
	double r0 = floor(b->y0 / GRID_CELL), r1 = floor(b->y1 / GRID_CELL);
	r[0] = c0 < 0 ? 0 : (size_t)c0;
	r[1] = c1 < 0 ? 0 : c1 >= (double)g->cols ? g->cols - 1 : (size_t)c1;
	r[2] = r0 < 0 ? 0 : (size_t)r0;
	r[3] = r1 < 0 ? 0 : r1 >= (double)g->rows ? g->rows - 1 : (size_t)r1;
}

static int grid_add(grid *g, const pst_box *b, size_t id)
{
	size_t r[4];
	cell_range(g, b, r);
	for (size_t y = r[2]; y <= r[3]; y++) {
		for (size_t x = r[0]; x <= r[1]; x++) {
			size_t c = y * g->cols + x;
			if (pst_grow((void **)&g->cells[c], &g->cap[c], g->count[c] + 1, sizeof(size_t)))
				return POSTURE_ENOMEM;
			g->cells[c][g->count[c]++] = id;
		}
	}
	return POSTURE_OK;
}

static bool overlap(const pst_box *a, const pst_box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Does @p b overlap any box of @p boxes indexed in @p g? */
static bool grid_hits(const grid *g, const pst_box *boxes, const pst_box *b)
{
	size_t r[4];
	cell_range(g, b, r);
	for (size_t y = r[2]; y <= r[3]; y++)
		for (size_t x = r[0]; x <= r[1]; x++)
			for (size_t k = 0; k < g->count[y * g->cols + x]; k++)
				if (overlap(b, &boxes[g->cells[y * g->cols + x][k]]))
					return true;
	return false;
}

/* --- candidates ------------------------------------------------------------- */

typedef struct {
	const posture_scene *s;
	const grid *fixed;      /* symbols and furniture */
	const pst_box *fixed_boxes;
} cand_env;

static int push_cand(lab *l, const cand_env *e, double x, double y, double cost, bool leader,
                     const double lead[4], size_t *cap)
{
	double halo = l->it->label->halo_width;
	cand c = { { x - halo, y - halo, x + l->w + halo, y + l->h + halo }, x, y, cost, leader,
		   { 0, 0, 0, 0 } };
	if (c.box.x0 < 0 || c.box.y0 < 0 || c.box.x1 > e->s->width || c.box.y1 > e->s->height)
		return POSTURE_OK; /* off the page */
	if (grid_hits(e->fixed, e->fixed_boxes, &c.box))
		return POSTURE_OK; /* on a symbol or the furniture */
	if (leader)
		memcpy(c.lead, lead, sizeof(c.lead));
	if (pst_grow((void **)&l->c, cap, l->n + 1, sizeof(cand)))
		return POSTURE_ENOMEM;
	l->c[l->n++] = c;
	return POSTURE_OK;
}

/* The eight classic positions, upper right first (Imhof). */
static int near_candidates(lab *l, const cand_env *e, size_t *cap)
{
	const pst_item *it = l->it;
	double r = (it->symbol_box.x1 - it->symbol_box.x0) / 2;
	double gap = 0.2 * it->label->size + it->label->halo_width;
	double dx = r + gap, ax = it->ax, ay = it->ay, w = l->w, h = l->h;
	const double pos[8][2] = {
		{ ax + dx, ay - 0.8 * h },     { ax + dx, ay - 0.2 * h },
		{ ax - dx - w, ay - 0.8 * h }, { ax - dx - w, ay - 0.2 * h },
		{ ax + dx, ay - 0.5 * h },     { ax - dx - w, ay - 0.5 * h },
		{ ax - w / 2, ay - dx - h },   { ax - w / 2, ay + dx },
	};
	int rc = POSTURE_OK;
	for (int k = 0; k < 8 && rc == POSTURE_OK; k++)
		rc = push_cand(l, e, pos[k][0], pos[k][1], 0.5 * k, false, NULL, cap);
	return rc;
}

/* Names without a symbol (countries, regions) sit on their point or close by. */
static int area_candidates(lab *l, const cand_env *e, size_t *cap)
{
	double cx = l->it->ax - l->w / 2, cy = l->it->ay - l->h / 2;
	const double shift[9][2] = { { 0, 0 },  { 0, -0.6 }, { 0, 0.6 },  { -0.3, 0 }, { 0.3, 0 },
		                     { 0, -1.2 }, { 0, 1.2 }, { -0.6, 0 }, { 0.6, 0 } };
	int rc = POSTURE_OK;
	for (int k = 0; k < 9 && rc == POSTURE_OK; k++)
		rc = push_cand(l, e, cx + shift[k][0] * l->w, cy + shift[k][1] * l->h, 0.7 * k, false,
		               NULL, cap);
	return rc;
}

/* Rings further out, joined to the symbol by a leader line. */
static int leader_candidates(lab *l, const cand_env *e, size_t *cap)
{
	const pst_item *it = l->it;
	double r = (it->symbol_box.x1 - it->symbol_box.x0) / 2;
	double step = fmax(l->h * 1.1, 6);
	int rc = POSTURE_OK;
	for (int ring = 1; ring <= N_RINGS && rc == POSTURE_OK; ring++) {
		double d = r + 0.2 * it->label->size + ring * step;
		for (int k = 0; k < N_ANGLES && rc == POSTURE_OK; k++) {
			/* Start at upper right and go round both ways alternately. */
			int turn = (k + 1) / 2 * (k % 2 ? 1 : -1);
			double a = PST_PI / 4 + turn * 2 * PST_PI / N_ANGLES;
			double ux = cos(a), uy = -sin(a);
			double px = it->ax + d * ux, py = it->ay + d * uy;
			double x = ux > 0.3 ? px : ux < -0.3 ? px - l->w : px - l->w / 2;
			double y = uy < -0.3 ? py - l->h : uy > 0.3 ? py : py - l->h / 2;
			const double lead[4] = { it->ax + r * ux, it->ay + r * uy, px, py };
			rc = push_cand(l, e, x, y, 4 + 1.5 * ring + 0.05 * abs(turn), true, lead, cap);
		}
	}
	return rc;
}

static int make_candidates(lab *l, const cand_env *e, PangoContext *pc)
{
	pst_text_measure(pc, l->it->label, &l->w, &l->h);
	size_t cap = 0;
	bool symbol = l->it->symbol != PST_SYMBOL_NONE;
	int rc = symbol ? near_candidates(l, e, &cap) : area_candidates(l, e, &cap);
	if (rc == POSTURE_OK && symbol)
		rc = leader_candidates(l, e, &cap);
	return rc;
}

/* --- conflicts -------------------------------------------------------------- */

/* For every candidate, the candidates of other labels it overlaps (CSR). */
typedef struct {
	size_t n_cands;
	size_t *owner;     /* label of each candidate */
	size_t *start;     /* conflicts of candidate i: list[start[i] .. start[i+1]) */
	size_t *list;
	size_t n_list, cap_list;
} conflicts;

static int build_conflicts(conflicts *cf, lab *labs, size_t n, const posture_scene *s)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		labs[i].first = total;
		total += labs[i].n;
	}
	cf->n_cands = total;
	cf->owner = malloc((total + 1) * sizeof(size_t));
	cf->start = malloc((total + 1) * sizeof(size_t));
	pst_box *boxes = malloc((total + 1) * sizeof(pst_box));
	grid g = { 0 };
	int rc = cf->owner && cf->start && boxes ? grid_init(&g, s->width, s->height) : POSTURE_ENOMEM;
	for (size_t i = 0; rc == POSTURE_OK && i < n; i++) {
		for (size_t k = 0; k < labs[i].n && rc == POSTURE_OK; k++) {
			size_t id = labs[i].first + k;
			cf->owner[id] = i;
			boxes[id] = labs[i].c[k].box;
			rc = grid_add(&g, &boxes[id], id);
		}
	}
	for (size_t id = 0; rc == POSTURE_OK && id < total; id++) {
		cf->start[id] = cf->n_list;
		size_t r[4];
		cell_range(&g, &boxes[id], r);
		for (size_t y = r[2]; y <= r[3] && rc == POSTURE_OK; y++) {
			for (size_t x = r[0]; x <= r[1] && rc == POSTURE_OK; x++) {
				size_t c = y * g.cols + x;
				for (size_t k = 0; k < g.count[c] && rc == POSTURE_OK; k++) {
					size_t other = g.cells[c][k];
					if (cf->owner[other] == cf->owner[id] || !overlap(&boxes[id], &boxes[other]))
						continue;
					/* A pair met in several cells is listed once: in its first common cell. */
					size_t ro[4];
					cell_range(&g, &boxes[other], ro);
					size_t fx = r[0] > ro[0] ? r[0] : ro[0], fy = r[2] > ro[2] ? r[2] : ro[2];
					if (x != fx || y != fy)
						continue;
					if (pst_grow((void **)&cf->list, &cf->cap_list, cf->n_list + 1, sizeof(size_t)))
						rc = POSTURE_ENOMEM;
					else
						cf->list[cf->n_list++] = other;
				}
			}
		}
	}
	if (rc == POSTURE_OK)
		cf->start[total] = cf->n_list;
	grid_free(&g);
	free(boxes);
	return rc;
}

static void free_conflicts(conflicts *cf)
{
	free(cf->owner);
	free(cf->start);
	free(cf->list);
}

/* How many other labels' chosen candidates overlap candidate @p id. */
static size_t overlaps_of(const conflicts *cf, const lab *labs, size_t id)
{
	size_t n = 0;
	for (size_t k = cf->start[id]; k < cf->start[id + 1]; k++) {
		size_t other = cf->list[k];
		const lab *o = &labs[cf->owner[other]];
		n += o->chosen >= 0 && o->first + (size_t)o->chosen == other;
	}
	return n;
}

/* --- optimisation ----------------------------------------------------------- */

static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

static double cand_cost(const lab *l, size_t k)
{
	return l->c[k].cost * l->weight;
}

/* Start from the best candidate of each label, in priority order, that is free. */
static void greedy(lab *labs, size_t n, const size_t *order, const conflicts *cf)
{
	for (size_t o = 0; o < n; o++) {
		lab *l = &labs[order[o]];
		l->chosen = l->n ? 0 : -1;
		for (size_t k = 0; k < l->n; k++) {
			if (overlaps_of(cf, labs, l->first + k) == 0) {
				l->chosen = (long)k;
				break;
			}
		}
	}
}

static void anneal(lab *labs, size_t n, const conflicts *cf)
{
	uint64_t rng = SEED;
	size_t iterations = 2000 + 400 * n;
	double t0 = 30, t1 = 0.05;
	for (size_t it = 0; it < iterations; it++) {
		double t = t0 * pow(t1 / t0, (double)it / iterations);
		lab *l = &labs[next_random(&rng) % n];
		if (l->n < 2 || l->chosen < 0)
			continue;
		size_t b = next_random(&rng) % l->n, a = (size_t)l->chosen;
		if (b == a)
			continue;
		double delta = cand_cost(l, b) - cand_cost(l, a) +
		               OVERLAP_PENALTY * ((double)overlaps_of(cf, labs, l->first + b) -
		                                  (double)overlaps_of(cf, labs, l->first + a));
		double u = (double)(next_random(&rng) >> 11) / 9007199254740992.0;
		if (delta <= 0 || u < exp(-delta / t))
			l->chosen = (long)b;
	}
}

/* Finish: each label takes its cheapest free candidate; the rest are dropped, least important first. */
static void settle(lab *labs, size_t n, const size_t *order, const conflicts *cf)
{
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t o = 0; o < n; o++) {
			lab *l = &labs[order[o]];
			if (l->chosen < 0 || overlaps_of(cf, labs, l->first + (size_t)l->chosen) == 0)
				continue;
			long best = -1;
			for (size_t k = 0; k < l->n && best < 0; k++)
				if (overlaps_of(cf, labs, l->first + k) == 0)
					best = (long)k;
			if (best >= 0)
				l->chosen = best;
			else if (pass == 1)
				l->chosen = -1; /* no room anywhere: dropped, reported */
		}
	}
}

static const size_t *priority_order(lab *labs, size_t n)
{
	size_t *order = malloc((n + 1) * sizeof(size_t));
	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* Insertion sort: stable, and n is small enough. Highest priority first. */
	for (size_t i = 1; i < n; i++) {
		size_t v = order[i], j = i;
		while (j > 0 && labs[order[j - 1]].it->priority < labs[v].it->priority) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	return order;
}

/* --- result ----------------------------------------------------------------- */

static double displacement(const pst_item *it, const pst_box *b)
{
	double dx = fmax(fmax(b->x0 - it->ax, 0), it->ax - b->x1);
	double dy = fmax(fmax(b->y0 - it->ay, 0), it->ay - b->y1);
	return hypot(dx, dy);
}

static void apply(lab *labs, size_t n, const conflicts *cf, pst_label_stats *st)
{
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		lab *l = &labs[i];
		pst_label *label = l->it->label;
		if (l->chosen < 0) {
			free(label->text);
			free(label);
			l->it->label = NULL;
			st->n_dropped++;
			continue;
		}
		const cand *c = &l->c[l->chosen];
		label->x = c->x;
		label->y = c->y;
		label->box = c->box;
		label->has_leader = c->leader;
		memcpy(label->leader, c->lead, sizeof(c->lead));
		st->n_placed++;
		st->n_leader += c->leader;
		st->n_overlaps += overlaps_of(cf, labs, l->first + (size_t)l->chosen);
		total += displacement(l->it, &c->box);
	}
	st->n_overlaps /= 2; /* each pair was counted from both sides */
	st->mean_displacement = st->n_placed ? total / (double)st->n_placed : 0;
}

/* Symbols and furniture: fixed obstacles for every label. */
static int collect_fixed(const posture_scene *s, grid *g, pst_box **boxes, size_t *n)
{
	size_t cap = 0;
	int rc = grid_init(g, s->width, s->height);
	for (size_t p = 0; rc == POSTURE_OK && p < s->n_panels; p++) {
		rc = pst_grow((void **)boxes, &cap, *n + 1, sizeof(pst_box));
		if (rc == POSTURE_OK) {
			(*boxes)[*n] = s->panels[p].box;
			rc = grid_add(g, &(*boxes)[*n], *n);
			(*n)++;
		}
	}
	for (size_t gi = 0; rc == POSTURE_OK && gi < s->n_groups; gi++) {
		for (size_t i = 0; rc == POSTURE_OK && i < s->groups[gi].n_items; i++) {
			const pst_item *it = &s->groups[gi].items[i];
			if (!it->has_anchor || it->symbol == PST_SYMBOL_NONE)
				continue;
			rc = pst_grow((void **)boxes, &cap, *n + 1, sizeof(pst_box));
			if (rc == POSTURE_OK) {
				(*boxes)[*n] = it->symbol_box;
				rc = grid_add(g, &(*boxes)[*n], *n);
				(*n)++;
			}
		}
	}
	return rc;
}

static int collect_labels(posture_scene *s, lab **labs, size_t *n)
{
	size_t cap = 0;
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; i < s->groups[g].n_items; i++) {
			pst_item *it = &s->groups[g].items[i];
			if (!it->label || !it->has_anchor)
				continue;
			if (pst_grow((void **)labs, &cap, *n + 1, sizeof(lab)))
				return POSTURE_ENOMEM;
			(*labs)[(*n)++] = (lab){ .it = it, .weight = 1.0 + it->priority / 25.0 };
		}
	}
	return POSTURE_OK;
}

int pst_label_place(posture_scene *s, PangoContext *pc, pst_label_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	lab *labs = NULL;
	size_t n = 0, n_fixed = 0;
	pst_box *fixed_boxes = NULL;
	grid fixed = { 0 };
	conflicts cf = { 0 };
	const size_t *order = NULL;
	int rc = collect_labels(s, &labs, &n);
	if (rc == POSTURE_OK)
		rc = collect_fixed(s, &fixed, &fixed_boxes, &n_fixed);
	cand_env env = { s, &fixed, fixed_boxes };
	for (size_t i = 0; rc == POSTURE_OK && i < n; i++)
		rc = make_candidates(&labs[i], &env, pc);
	if (rc == POSTURE_OK)
		rc = build_conflicts(&cf, labs, n, s);
	if (rc == POSTURE_OK && n) {
		order = priority_order(labs, n);
		rc = order ? POSTURE_OK : POSTURE_ENOMEM;
	}
	if (rc == POSTURE_OK && n) {
		greedy(labs, n, order, &cf);
		anneal(labs, n, &cf);
		settle(labs, n, order, &cf);
		stats->n_labels = n;
		apply(labs, n, &cf, stats);
	}
	for (size_t i = 0; i < n; i++)
		free(labs[i].c);
	free(labs);
	free((void *)order);
	free(fixed_boxes);
	grid_free(&fixed);
	free_conflicts(&cf);
	return rc;
}
