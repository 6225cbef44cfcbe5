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
#define HARD 1000.0         /* a label over a label: never left in the result */
#define LEADER_THROUGH 200.0 /* a leader line through another label */
#define SOFT 40.0           /* two leader lines crossing */
#define LEADER_OVER_SYMBOL 6.0 /* a leader line over another symbol (candidate cost) */
#define PLACE_RINGS 4       /* reference places: a short leader or none */
#define MIN_RINGS 12        /* leader rings beyond the eight near positions… */
#define MAX_RINGS 40        /* …more where many labels compete */
#define N_ANGLES 24         /* directions per ring */
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

/* Does segment s (x0, y0, x1, y1) meet box b? */
static bool seg_box(const double *sg, const pst_box *b)
{
	double t0, t1;
	return pst_clip_segment(&t0, &t1, sg[0], sg[1], sg[2] - sg[0], sg[3] - sg[1], b);
}

static double cross(double ax, double ay, double bx, double by, double cx, double cy)
{
	return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* Do segments a and b cross (properly)? */
static bool seg_seg(const double *a, const double *b)
{
	double d1 = cross(b[0], b[1], b[2], b[3], a[0], a[1]);
	double d2 = cross(b[0], b[1], b[2], b[3], a[2], a[3]);
	double d3 = cross(a[0], a[1], a[2], a[3], b[0], b[1]);
	double d4 = cross(a[0], a[1], a[2], a[3], b[2], b[3]);
	return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 && d2 && d3 && d4;
}

static pst_box seg_bbox(const double *sg)
{
	return (pst_box){ fmin(sg[0], sg[2]), fmin(sg[1], sg[3]), fmax(sg[0], sg[2]),
		          fmax(sg[1], sg[3]) };
}

/* How many fixed boxes the leader @p sg runs through, other than the one it
 * starts in; *hard is set when one of them is among the first @p n_hard (the
 * furniture, never crossed).  Crossing other symbols only costs: in a tight
 * cluster no leader could avoid them. */
static size_t leader_hits(const grid *g, const pst_box *boxes, size_t n_hard, const double *sg,
                          bool *hard)
{
	size_t hits = 0;
	*hard = false;
	pst_box b = seg_bbox(sg);
	size_t r[4];
	cell_range(g, &b, r);
	for (size_t y = r[2]; y <= r[3]; y++) {
		for (size_t x = r[0]; x <= r[1]; x++) {
			for (size_t k = 0; k < g->count[y * g->cols + x]; k++) {
				size_t id = g->cells[y * g->cols + x][k];
				const pst_box *o = &boxes[id];
				bool own = sg[0] >= o->x0 - 0.5 && sg[0] <= o->x1 + 0.5 && sg[1] >= o->y0 - 0.5 &&
				           sg[1] <= o->y1 + 0.5;
				if (own || !seg_box(sg, o))
					continue;
				hits++; /* a box in several cells counts more than once: fine for a cost */
				*hard = *hard || id < n_hard;
			}
		}
	}
	return hits;
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
	const grid *fixed;      /* furniture, then symbols */
	const pst_box *fixed_boxes;
	size_t n_furniture;     /* the first boxes are furniture */
	int n_rings;            /* how far out leader candidates go */
} cand_env;

static int push_cand(lab *l, const cand_env *e, double x, double y, double cost, bool leader,
                     const double lead[4], size_t *cap)
{
	double halo = l->it->label->halo_width;
	cand c = { { x - halo, y - halo, x + l->w + halo, y + l->h + halo }, x, y, cost, leader,
		   { 0, 0, 0, 0 } };
	const pst_box *mb = &e->s->map_box;
	if (c.box.x0 < mb->x0 || c.box.y0 < mb->y0 || c.box.x1 > mb->x1 || c.box.y1 > mb->y1)
		return POSTURE_OK; /* off the map */
	if (grid_hits(e->fixed, e->fixed_boxes, &c.box))
		return POSTURE_OK; /* on a symbol or the furniture */
	if (leader) {
		bool hard;
		size_t hits = leader_hits(e->fixed, e->fixed_boxes, e->n_furniture, lead, &hard);
		if (hard)
			return POSTURE_OK; /* the leader would cross the furniture */
		c.cost += LEADER_OVER_SYMBOL * (double)hits;
	}
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
	int rings = it->priority < 50 ? PLACE_RINGS : e->n_rings;
	for (int ring = 1; ring <= rings && rc == POSTURE_OK; ring++) {
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

/* --- conflicts with the current choice ------------------------------------ */

/*
 * The labels' current choices are kept in a grid by the extent of the chosen
 * candidate (its box and its leader); the penalty of a candidate is found by
 * looking only at the labels in the cells it covers.  Nothing is computed
 * for pairs that never meet, so the cost grows with local crowding, not with
 * the square of the number of labels.
 */
typedef struct {
	grid g;            /* label index by chosen extent */
	lab *labs;
	size_t n;
	unsigned *stamp;   /* per label: last query that saw it (dedupes cells) */
	unsigned query;
} chosen_index;

/* Extent of a candidate: its box and its leader. */
static pst_box extent(const cand *c)
{
	pst_box b = c->box;
	if (c->leader) {
		pst_box l = seg_bbox(c->lead);
		b = (pst_box){ fmin(b.x0, l.x0), fmin(b.y0, l.y0), fmax(b.x1, l.x1), fmax(b.y1, l.y1) };
	}
	return b;
}

/* What choosing both candidates costs: a label over a label is a hard
 * conflict; a leader through a label, or two leaders crossing, look untidy. */
static double pair_penalty(const cand *a, const cand *b)
{
	double p = 0;
	if (overlap(&a->box, &b->box))
		p += HARD;
	if (a->leader && seg_box(a->lead, &b->box))
		p += LEADER_THROUGH;
	if (b->leader && seg_box(b->lead, &a->box))
		p += LEADER_THROUGH;
	if (a->leader && b->leader && seg_seg(a->lead, b->lead))
		p += SOFT;
	return p;
}

static void grid_remove(grid *g, const pst_box *b, size_t id)
{
	size_t r[4];
	cell_range(g, b, r);
	for (size_t y = r[2]; y <= r[3]; y++) {
		for (size_t x = r[0]; x <= r[1]; x++) {
			size_t c = y * g->cols + x;
			for (size_t k = 0; k < g->count[c]; k++) {
				if (g->cells[c][k] == id) {
					g->cells[c][k] = g->cells[c][--g->count[c]];
					break;
				}
			}
		}
	}
}

static const cand *chosen_cand(const lab *l)
{
	return l->chosen >= 0 ? &l->c[l->chosen] : NULL;
}

/* Penalty of label @p i taking candidate @p c, and its hard conflicts. */
static double penalty_of(chosen_index *ci, size_t i, const cand *c, size_t *hard)
{
	pst_box e = extent(c);
	size_t r[4];
	cell_range(&ci->g, &e, r);
	double p = 0;
	*hard = 0;
	ci->query++;
	for (size_t y = r[2]; y <= r[3]; y++) {
		for (size_t x = r[0]; x <= r[1]; x++) {
			size_t cell = y * ci->g.cols + x;
			for (size_t k = 0; k < ci->g.count[cell]; k++) {
				size_t j = ci->g.cells[cell][k];
				if (j == i || ci->stamp[j] == ci->query)
					continue;
				ci->stamp[j] = ci->query;
				double q = pair_penalty(c, chosen_cand(&ci->labs[j]));
				p += q;
				*hard += q >= HARD;
			}
		}
	}
	return p;
}

static int choose(chosen_index *ci, size_t i, long k)
{
	lab *l = &ci->labs[i];
	if (l->chosen >= 0) {
		pst_box e = extent(&l->c[l->chosen]);
		grid_remove(&ci->g, &e, i);
	}
	l->chosen = k;
	if (k < 0)
		return POSTURE_OK;
	pst_box e = extent(&l->c[k]);
	return grid_add(&ci->g, &e, i);
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

/* The cheapest candidate of label @p i without a hard conflict, or -1. */
static long best_free(chosen_index *ci, size_t i)
{
	lab *l = &ci->labs[i];
	long best = -1;
	double best_score = HUGE_VAL;
	for (size_t k = 0; k < l->n; k++) {
		size_t hard;
		double score = cand_cost(l, k) + penalty_of(ci, i, &l->c[k], &hard);
		if (hard == 0 && score < best_score) {
			best_score = score;
			best = (long)k;
		}
	}
	return best;
}

/* Start: in priority order, each label takes its best free candidate. */
static int greedy(chosen_index *ci, const size_t *order)
{
	int rc = POSTURE_OK;
	for (size_t o = 0; o < ci->n && rc == POSTURE_OK; o++) {
		lab *l = &ci->labs[order[o]];
		if (l->it->label_optional)
			continue; /* placed last, where room is left */
		long k = best_free(ci, order[o]);
		rc = choose(ci, order[o], k >= 0 ? k : l->n ? 0 : -1);
	}
	return rc;
}

/* Optional names take the best free place left, or none. */
static int place_optional(chosen_index *ci, const size_t *order)
{
	int rc = POSTURE_OK;
	for (size_t o = 0; o < ci->n && rc == POSTURE_OK; o++) {
		if (!ci->labs[order[o]].it->label_optional)
			continue;
		long k = best_free(ci, order[o]);
		if (k >= 0)
			rc = choose(ci, order[o], k);
	}
	return rc;
}

static int anneal(chosen_index *ci)
{
	uint64_t rng = SEED;
	size_t iterations = 5000 + 1000 * ci->n;
	double t0 = 30, t1 = 0.05;
	int rc = POSTURE_OK;
	for (size_t it = 0; it < iterations && rc == POSTURE_OK; it++) {
		double t = t0 * pow(t1 / t0, (double)it / (double)iterations);
		size_t i = next_random(&rng) % ci->n;
		lab *l = &ci->labs[i];
		if (l->n < 2 || l->chosen < 0)
			continue;
		size_t b = next_random(&rng) % l->n, a = (size_t)l->chosen, hard;
		if (b == a)
			continue;
		double delta = cand_cost(l, b) - cand_cost(l, a) + penalty_of(ci, i, &l->c[b], &hard) -
		               penalty_of(ci, i, &l->c[a], &hard);
		double u = (double)(next_random(&rng) >> 11) / 9007199254740992.0;
		if (delta <= 0 || u < exp(-delta / t))
			rc = choose(ci, i, (long)b);
	}
	return rc;
}

/* Finish: a label still in conflict takes its best free candidate; where none
 * is left, labels are dropped, least important first. */
static int settle(chosen_index *ci, const size_t *order)
{
	int rc = POSTURE_OK;
	for (size_t pass = 0; pass < 2 && rc == POSTURE_OK; pass++) {
		for (size_t o = ci->n; o-- > 0 && rc == POSTURE_OK;) {
			size_t i = order[o], hard;
			const cand *c = chosen_cand(&ci->labs[i]);
			if (!c || (penalty_of(ci, i, c, &hard), hard == 0))
				continue;
			long k = best_free(ci, i);
			if (k >= 0)
				rc = choose(ci, i, k);
			else if (pass == 1)
				rc = choose(ci, i, -1); /* no room anywhere: dropped, reported */
		}
	}
	return rc;
}

static size_t *priority_order(lab *labs, size_t n)
{
	size_t *order = malloc((n + 1) * sizeof(size_t));
	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* Insertion sort: stable, so equal priorities keep data order.  Highest first. */
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

static void apply(chosen_index *ci, pst_label_stats *st)
{
	double total = 0;
	for (size_t i = 0; i < ci->n; i++) {
		lab *l = &ci->labs[i];
		pst_label *label = l->it->label;
		const cand *c = chosen_cand(l);
		if (!c) {
			free(label->text);
			free(label);
			l->it->label = NULL;
			if (!l->it->label_optional) {
				l->it->label_dropped = true;
				st->n_dropped++;
				st->n_labels++;
			}
			continue;
		}
		st->n_labels++;
		size_t hard;
		penalty_of(ci, i, c, &hard);
		label->x = c->x;
		label->y = c->y;
		label->box = c->box;
		label->has_leader = c->leader;
		memcpy(label->leader, c->lead, sizeof(c->lead));
		st->n_placed++;
		st->n_leader += c->leader;
		st->n_overlaps += hard;
		total += displacement(l->it, &c->box);
	}
	st->n_overlaps /= 2; /* each pair was counted from both sides */
	st->mean_displacement = st->n_placed ? total / (double)st->n_placed : 0;
}

/* Furniture boxes, then symbols: fixed obstacles for every label. */
static int collect_fixed(const posture_scene *s, grid *g, pst_box **boxes, size_t *n)
{
	size_t cap = 0;
	int rc = grid_init(g, s->width, s->height);
	for (size_t gi = 0; rc == POSTURE_OK && gi < s->n_groups; gi++) {
		const pst_group *grp = &s->groups[gi];
		if (!grp->furniture)
			continue;
		/* A boxed piece is one obstacle; loose text (degree labels) one per label. */
		bool boxed = grp->box.x1 > grp->box.x0;
		for (size_t i = 0; rc == POSTURE_OK && i < (boxed ? 1 : grp->n_items); i++) {
			if (!boxed && !grp->items[i].label)
				continue;
			rc = pst_grow((void **)boxes, &cap, *n + 1, sizeof(pst_box));
			if (rc == POSTURE_OK) {
				(*boxes)[*n] = boxed ? grp->box : grp->items[i].label->box;
				rc = grid_add(g, &(*boxes)[*n], *n);
				(*n)++;
			}
		}
	}
	for (size_t gi = 0; rc == POSTURE_OK && gi < s->n_groups; gi++) {
		if (s->groups[gi].furniture)
			continue;
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
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++) {
			pst_item *it = &s->groups[g].items[i];
			if (!it->label || !it->has_anchor)
				continue;
			if (pst_grow((void **)labs, &cap, *n + 1, sizeof(lab)))
				return POSTURE_ENOMEM;
			(*labs)[(*n)++] = (lab){ .it = it, .weight = 1.0 + it->priority / 25.0, .chosen = -1 };
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
	chosen_index ci = { 0 };
	size_t *order = NULL;
	int rc = collect_labels(s, &labs, &n);
	if (rc == POSTURE_OK)
		rc = collect_fixed(s, &fixed, &fixed_boxes, &n_fixed);
	/* Crowded maps need candidates further out: one more ring per ten labels. */
	int rings = MIN_RINGS + (int)(n / 10);
	size_t n_furniture = 0;
	for (size_t g = 0; g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		if (grp->furniture && grp->box.x1 > grp->box.x0)
			n_furniture++;
		else if (grp->furniture)
			for (size_t i = 0; i < grp->n_items; i++)
				n_furniture += grp->items[i].label != NULL;
	}
	cand_env env = { s, &fixed, fixed_boxes, n_furniture, rings > MAX_RINGS ? MAX_RINGS : rings };
	for (size_t i = 0; rc == POSTURE_OK && i < n; i++)
		rc = make_candidates(&labs[i], &env, pc);
	if (rc == POSTURE_OK && n) {
		ci.labs = labs;
		ci.n = n;
		ci.stamp = calloc(n, sizeof(unsigned));
		order = priority_order(labs, n);
		rc = ci.stamp && order ? grid_init(&ci.g, s->width, s->height) : POSTURE_ENOMEM;
	}
	if (rc == POSTURE_OK && n)
		rc = greedy(&ci, order);
	if (rc == POSTURE_OK && n)
		rc = anneal(&ci);
	if (rc == POSTURE_OK && n)
		rc = settle(&ci, order);
	if (rc == POSTURE_OK && n)
		rc = place_optional(&ci, order);
	if (rc == POSTURE_OK && n)
		apply(&ci, stats);
	for (size_t i = 0; i < n; i++)
		free(labs[i].c);
	free(labs);
	free(order);
	free(ci.stamp);
	grid_free(&ci.g);
	free(fixed_boxes);
	grid_free(&fixed);
	return rc;
}
