/*
 * label.c — label placement: obstacles, candidate positions, the choice
 * (solve.c) and its result (see DESIGN.md for the reasoning and numbers).
 *
 * Obstacles are of three sorts.  Boxes — every point symbol and every
 * piece of furniture — no label may cover.  Hard lines — land borders and
 * the borders the map discusses — no label box may touch, halo and stroke
 * included.  Soft lines — rivers, lake shores, coasts, the graticule — may
 * pass under a label at a cost.  Each sort has its own grid index.
 *
 * A label keeps only candidates that are legal on their own, so what
 * reaches the solver is a list of places each of which a reader would read
 * correctly: a label beside its symbol is nearer that symbol than any
 * other; a label away from it has a short leader starting at the symbol's
 * edge and passing over no other symbol.  Where the name fits nowhere, a
 * numbered key may (the key panel lists it); where neither does, the item
 * is shown without a label and the map counts it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "label.h"
#include "place.h"
#include "reuse.h"
#include "scene/text.h"

#define FIXED_CELL 32.0       /* pt: cells of the symbol and furniture grid */
#define LINE_CELL 24.0        /* pt: cells of the line grids */
#define DENSE_CELL 12.0       /* pt: cells a dense layer's symbols are merged in */
#define OWN_MARGIN 1.0        /* pt: how much nearer its own symbol a label must be… */
#define OWN_RATIO 1.5         /* …and by what factor: another symbol at most this much farther misleads */
#define RIVAL_CLEAR 1.0       /* another symbol within this many text sizes of a label misleads… */
#define LEADER_CLEAR 1.0      /* …and a label with a leader pays for one within this share of it… */
#define LEADER_TOUCH 0.2      /* …and may not have one within this share (it would read as its) */
#define LINE_CLEARANCE 0.6    /* pt kept between a hard line's stroke and a label */
#define SOFT_LINE_COST 0.7    /* per soft line under a label (at most 4 counted) */
#define N_DIRS 24             /* leader directions */
#define KEY_COST 30.0         /* a key instead of the name */
#define NONE_COST 400.0       /* no label at all */
#define MAX_NAME_CANDS 160    /* candidates kept per label: names… */
#define MAX_KEY_CANDS 48      /* …and keys */
#define ALT_COST 1.0          /* the name broken over one more line */
#define KEY_LEADER_GROWTH 1.4 /* a key's next leader length, as a multiple of the last */
#define TOUCH_CROSS_COST 12.0 /* a leader through a symbol touching its own or sharing its spot */
#define LEADER_HALF 1.0       /* pt: half the width a leader keeps clear of symbols */
#define KEEP_COST 12.0        /* every place but the one an earlier render gave (--keep-labels) */
#define KEEP_MATCH 0.02       /* pt: a box the same as the earlier one (the map data rounds to 0.01) */

/* --- obstacles --------------------------------------------------------------- */

typedef struct {
	pst_box box;
	const pst_item *owner; /* the item whose symbol it is; NULL: furniture or dense symbols */
	bool dense;            /* symbols of a layer too dense to label, merged (add_dense) */
} fixed_box;

typedef struct {
	const posture_scene *s;
	fixed_box *boxes;
	size_t n_boxes;
	pst_grid fixed;
	pst_seg *hard, *soft;
	size_t n_hard, n_soft;
	pst_grid hard_grid, soft_grid;
	double leader_max;     /* pt */
} obstacles;

static int add_fixed(obstacles *ob, size_t *cap, pst_box b, const pst_item *owner, bool dense)
{
	if (pst_grow((void **)&ob->boxes, cap, ob->n_boxes + 1, sizeof(fixed_box)))
		return POSTURE_ENOMEM;
	ob->boxes[ob->n_boxes] = (fixed_box){ b, owner, dense };
	return pst_grid_add(&ob->fixed, &b, ob->n_boxes++);
}

/*
 * The symbols of a layer too dense to label (scene/items.c) are obstacles
 * all the same, but a million boxes would make every query slow: they are
 * merged into one box per 12 pt cell they occupy, the bounding box of the
 * symbols whose centre is in it.  None of them has a label, so none is a
 * rival for the nearness rule.
 */
static int add_dense(obstacles *ob, size_t *cap, const pst_group *grp)
{
	const posture_scene *s = ob->s;
	size_t cols = (size_t)(s->width / DENSE_CELL) + 1, rows = (size_t)(s->height / DENSE_CELL) + 1;
	pst_box *cell = malloc(cols * rows * sizeof(pst_box));
	if (!cell)
		return POSTURE_ENOMEM;
	for (size_t c = 0; c < cols * rows; c++)
		cell[c] = (pst_box){ HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
	for (size_t i = 0; i < grp->n_items; i++) {
		const pst_item *it = &grp->items[i];
		if (!it->too_dense || !it->has_anchor || it->symbol == PST_SYMBOL_NONE || it->ax < 0 ||
		    it->ay < 0 || it->ax >= s->width || it->ay >= s->height)
			continue;
		pst_box *b = &cell[(size_t)(it->ay / DENSE_CELL) * cols + (size_t)(it->ax / DENSE_CELL)];
		b->x0 = fmin(b->x0, it->symbol_box.x0);
		b->y0 = fmin(b->y0, it->symbol_box.y0);
		b->x1 = fmax(b->x1, it->symbol_box.x1);
		b->y1 = fmax(b->y1, it->symbol_box.y1);
	}
	const pst_dense *d = grp->dense; /* the compact form: every point too dense */
	for (size_t i = 0; d && i < d->n; i++) {
		const pst_dense_point *p = &d->pts[i];
		const pst_item *look = &d->looks[p->look];
		if (!look->has_anchor || look->symbol == PST_SYMBOL_NONE || p->ax < 0 || p->ay < 0 ||
		    p->ax >= s->width || p->ay >= s->height)
			continue;
		pst_box *b = &cell[(size_t)(p->ay / DENSE_CELL) * cols + (size_t)(p->ax / DENSE_CELL)];
		pst_box sb = pst_dense_symbol_box(d, i);
		b->x0 = fmin(b->x0, sb.x0);
		b->y0 = fmin(b->y0, sb.y0);
		b->x1 = fmax(b->x1, sb.x1);
		b->y1 = fmax(b->y1, sb.y1);
	}
	int rc = POSTURE_OK;
	for (size_t c = 0; c < cols * rows && rc == POSTURE_OK; c++)
		if (cell[c].x1 >= cell[c].x0)
			rc = add_fixed(ob, cap, cell[c], NULL, true);
	free(cell);
	return rc;
}

static int collect_boxes(obstacles *ob)
{
	const posture_scene *s = ob->s;
	size_t cap = 0;
	int rc = POSTURE_OK;
	for (size_t g = 0; rc == POSTURE_OK && g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		bool boxed = grp->furniture && grp->box.x1 > grp->box.x0;
		if (boxed) {
			rc = add_fixed(ob, &cap, grp->box, NULL, false);
			continue;
		}
		bool dense = grp->dense != NULL;
		for (size_t i = 0; rc == POSTURE_OK && i < grp->n_items; i++) {
			const pst_item *it = &grp->items[i];
			if (grp->furniture && it->label) /* loose furniture text: degree labels */
				rc = add_fixed(ob, &cap, it->label->box, NULL, false);
			else if (it->too_dense)
				dense = true;
			else if (!grp->furniture && it->has_anchor && it->symbol != PST_SYMBOL_NONE)
				rc = add_fixed(ob, &cap, it->symbol_box, it, false);
		}
		if (dense && rc == POSTURE_OK)
			rc = add_dense(ob, &cap, grp);
	}
	return rc;
}

static int push_segment(pst_seg **segs, size_t *n, size_t *cap, pst_grid *grid, const double *a,
                        const double *z, double half)
{
	if (pst_grow((void **)segs, cap, *n + 1, sizeof(pst_seg)))
		return POSTURE_ENOMEM;
	(*segs)[*n] = (pst_seg){ a[0], a[1], z[0], z[1], half };
	pst_box b = { fmin(a[0], z[0]) - half, fmin(a[1], z[1]) - half, fmax(a[0], z[0]) + half,
		      fmax(a[1], z[1]) + half };
	return pst_grid_add(grid, &b, (*n)++);
}

/* Every segment of @p it's parts (and the closing edge of its rings) into @p grid. */
static int add_segments(pst_seg **segs, size_t *n, size_t *cap, pst_grid *grid,
                        const pst_item *it, double half)
{
	size_t start = 0;
	int rc = POSTURE_OK;
	double disc[2 * PST_DISC_CORNERS];
	const double *xy = pst_item_points(it, disc);
	for (size_t p = 0; p < it->n_parts && rc == POSTURE_OK; p++) {
		size_t end = it->part_end[p];
		for (size_t k = start; k + 1 < end && rc == POSTURE_OK; k++)
			rc = push_segment(segs, n, cap, grid, &xy[2 * k], &xy[2 * k + 2], half);
		if (rc == POSTURE_OK && it->closed && end > start + 2)
			rc = push_segment(segs, n, cap, grid, &xy[2 * (end - 1)], &xy[2 * start], half);
		start = end;
	}
	return rc;
}

static bool suffix(const char *s, const char *end)
{
	size_t a = strlen(s), b = strlen(end);
	return a >= b && !strcmp(s + a - b, end);
}

/* Land and discussed borders are hard; water, coasts and the graticule soft. */
static int collect_lines(obstacles *ob)
{
	const posture_scene *s = ob->s;
	size_t cap_h = 0, cap_s = 0;
	int rc = POSTURE_OK;
	for (size_t g = 0; rc == POSTURE_OK && g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		bool hard = !strcmp(grp->name, "land-borders") || !strcmp(grp->name, "borders");
		bool soft = !strcmp(grp->name, "rivers") || !strcmp(grp->name, "lakes") ||
		            !strcmp(grp->name, "graticule") || !strcmp(grp->name, "countries");
		if (grp->furniture || (!hard && !soft))
			continue;
		for (size_t i = 0; rc == POSTURE_OK && i < grp->n_items; i++) {
			const pst_item *it = &grp->items[i];
			if (it->has_anchor || it->n_parts == 0)
				continue;
			if (it->closed && !(soft && suffix(it->kind, "-outline")) && !hard)
				continue; /* an area's fill: its outline is the line */
			if (hard)
				rc = add_segments(&ob->hard, &ob->n_hard, &cap_h, &ob->hard_grid, it,
				                  it->style.stroke_width / 2 + LINE_CLEARANCE);
			else
				rc = add_segments(&ob->soft, &ob->n_soft, &cap_s, &ob->soft_grid, it, 0);
		}
	}
	return rc;
}

static void obstacles_free(obstacles *ob)
{
	free(ob->boxes);
	free(ob->hard);
	free(ob->soft);
	pst_grid_free(&ob->fixed);
	pst_grid_free(&ob->hard_grid);
	pst_grid_free(&ob->soft_grid);
}

static int obstacles_init(obstacles *ob, const posture_scene *s)
{
	memset(ob, 0, sizeof(*ob));
	ob->s = s;
	ob->leader_max = PST_LEADER_SHARE * s->width;
	int rc = pst_grid_init(&ob->fixed, s->width, s->height, FIXED_CELL);
	if (rc == POSTURE_OK)
		rc = pst_grid_init(&ob->hard_grid, s->width, s->height, LINE_CELL);
	if (rc == POSTURE_OK)
		rc = pst_grid_init(&ob->soft_grid, s->width, s->height, LINE_CELL);
	if (rc == POSTURE_OK)
		rc = collect_boxes(ob);
	if (rc == POSTURE_OK)
		rc = collect_lines(ob);
	return rc;
}

/* --- tests of one candidate ---------------------------------------------------- */

typedef struct {
	obstacles *ob;
	const pst_box *box;
	const pst_seg *lead;
	const pst_item *self;
	double within;   /* ownership: distance a rival symbol must exceed */
	size_t count;
	size_t touching; /* symbols touching the label's own that its leader crosses */
} probe;

static bool box_hits_fixed(void *user, size_t id)
{
	probe *p = user;
	return pst_box_overlaps(p->box, &p->ob->boxes[id].box);
}

static bool box_hits_hard(void *user, size_t id)
{
	probe *p = user;
	return pst_seg_meets_box(&p->ob->hard[id], p->box);
}

static bool box_hits_soft(void *user, size_t id)
{
	probe *p = user;
	p->count += pst_seg_meets_box(&p->ob->soft[id], p->box);
	return p->count >= 4;
}

static bool rival_nearer(void *user, size_t id)
{
	probe *p = user;
	const fixed_box *f = &p->ob->boxes[id];
	/* A symbol overlapping the label's own marks the same spot: not a rival. */
	return f->owner && f->owner != p->self && !pst_box_overlaps(&f->box, &p->self->symbol_box) &&
	       pst_box_distance(p->box, &f->box) <= p->within;
}

static bool holds_centre(const pst_box *a, const pst_box *b)
{
	double x = (b->x0 + b->x1) / 2, y = (b->y0 + b->y1) / 2;
	return x > a->x0 && x < a->x1 && y > a->y0 && y < a->y1;
}

/* Do two symbols mark one spot (the centre of either under the other)? */
static bool one_spot(const pst_box *a, const pst_box *b)
{
	return holds_centre(a, b) || holds_centre(b, a);
}

/* Where @p it's data puts it (its anchor, unless it was fanned off that spot). */
static void spot_of(const pst_item *it, double *x, double *y)
{
	*x = it->fanned ? it->spot_x : it->ax;
	*y = it->fanned ? it->spot_y : it->ay;
}

/* Were two symbols drawn apart from one spot (within 1 pt, or one's under the other's symbol)? */
static bool shares_spot(const pst_item *a, const pst_item *b)
{
	double ax, ay, bx, by;
	spot_of(a, &ax, &ay);
	spot_of(b, &bx, &by);
	const pst_box *ab = &a->symbol_box, *bb = &b->symbol_box;
	return (a->fanned || b->fanned) &&
	       (hypot(ax - bx, ay - by) < 1.0 ||
	        (bx >= ab->x0 && bx <= ab->x1 && by >= ab->y0 && by <= ab->y1 && !b->fanned) ||
	        (ax >= bb->x0 && ax <= bb->x1 && ay >= bb->y0 && ay <= bb->y1 && !a->fanned));
}

static bool lead_hits_fixed(void *user, size_t id)
{
	probe *p = user;
	const fixed_box *f = &p->ob->boxes[id];
	/* Symbols on one spot (one's centre under the other) are one mark: a
	 * leader leaves them all, as it leaves the symbols of a layer too dense to
	 * label.  Through a symbol fanned out from its own spot ("in Tashkent"),
	 * or one touching its own (in a clump of them there is no other way out),
	 * a leader may pass at a price (leader_ok); through any other it would
	 * seem to start there (Manas air base's through Bishkek's). */
	if (f->owner == p->self || !pst_seg_meets_box(p->lead, &f->box))
		return false;
	if (f->dense ? pst_box_overlaps(&f->box, &p->self->symbol_box)
	             : f->owner && one_spot(&f->box, &p->self->symbol_box))
		return false;
	if (f->owner && (pst_box_overlaps(&f->box, &p->self->symbol_box) ||
	                 shares_spot(f->owner, p->self))) {
		p->touching++;
		return false;
	}
	return true;
}

static bool lead_hits_hard(void *user, size_t id)
{
	probe *p = user;
	const pst_seg *h = &p->ob->hard[id];
	const double a[4] = { p->lead->x0, p->lead->y0, p->lead->x1, p->lead->y1 };
	const double b[4] = { h->x0, h->y0, h->x1, h->y1 };
	p->count += pst_segs_cross(a, b);
	return false;
}

static pst_box grown(const pst_box *b, double d)
{
	return (pst_box){ b->x0 - d, b->y0 - d, b->x1 + d, b->y1 + d };
}

/* How far from a label box another symbol must be (rival_nearer): beside its
 * symbol, the label must be clearly nearer its own; with a leader, it should
 * not sit against another. */
static double rival_within(const pst_item *it, const pst_box *box, bool leader, double size)
{
	double own = pst_box_distance(box, &it->symbol_box);
	double clear = RIVAL_CLEAR * size;
	return leader ? LEADER_CLEAR * clear : fmax(OWN_RATIO * own + OWN_MARGIN, clear);
}

/* The box a leader's query covers: the segment widened by its half width. */
static pst_box lead_box(const pst_seg *sg)
{
	return (pst_box){ fmin(sg->x0, sg->x1) - sg->half, fmin(sg->y0, sg->y1) - sg->half,
		          fmax(sg->x0, sg->x1) + sg->half, fmax(sg->y0, sg->y1) + sg->half };
}

/* Is a box at this place, for a text of @p size, legal for item @p it?  *cost
 * gets its soft costs. */
static bool box_ok(obstacles *ob, const pst_item *it, const pst_box *box, bool leader,
                   bool key, double size, double *cost)
{
	const pst_box *mb = &ob->s->map_box;
	if (box->x0 < mb->x0 || box->y0 < mb->y0 || box->x1 > mb->x1 || box->y1 > mb->y1)
		return false;
	probe p = { .ob = ob, .box = box, .self = it };
	if (pst_grid_query(&ob->fixed, box, box_hits_fixed, &p) ||
	    pst_grid_query(&ob->hard_grid, box, box_hits_hard, &p))
		return false;
	pst_grid_query(&ob->soft_grid, box, box_hits_soft, &p);
	*cost += SOFT_LINE_COST * (double)p.count;
	if (it->symbol == PST_SYMBOL_NONE)
		return true;
	/* Beside its symbol, a label must be nearer it than any other symbol; away
	 * from it (with a leader), it should not sit against another one. */
	p.within = rival_within(it, box, leader, size);
	pst_box around = grown(box, p.within);
	if (pst_grid_query(&ob->fixed, &around, rival_nearer, &p)) {
		if (!leader)
			return false;
		*cost += 5; /* a label at the end of a leader, against another symbol */
		/* A name touching it reads as its (a key's number, at density, may). */
		p.within = LEADER_TOUCH * size;
		around = grown(box, p.within);
		if (!key && pst_grid_query(&ob->fixed, &around, rival_nearer, &p))
			return false;
	}
	return true;
}

/* Is the leader legal (over no other symbol, no furniture)?  Crossing a border
 * costs. */
static bool leader_ok(obstacles *ob, const pst_item *it, const double *lead, double *cost)
{
	pst_seg sg = { lead[0], lead[1], lead[2], lead[3], LEADER_HALF };
	probe p = { .ob = ob, .lead = &sg, .self = it };
	pst_box b = lead_box(&sg);
	if (pst_grid_query(&ob->fixed, &b, lead_hits_fixed, &p))
		return false;
	pst_grid_query(&ob->hard_grid, &b, lead_hits_hard, &p);
	*cost += 1.0 * (double)p.count + TOUCH_CROSS_COST * (double)p.touching;
	return true;
}

/* --- candidates ----------------------------------------------------------------- */

typedef struct {
	obstacles *ob;
	pst_lab *l;
	size_t cap;
	unsigned seq;
	unsigned char alt; /* candidates being made are for this broken name (0: as written) */
	int variants;    /* boxes per leader end (fewer on crowded maps) */
	pst_box reach;   /* every box the symbol and furniture grid is asked about */
} gen;

static void extend(pst_box *r, const pst_box *b)
{
	r->x0 = fmin(r->x0, b->x0);
	r->y0 = fmin(r->y0, b->y0);
	r->x1 = fmax(r->x1, b->x1);
	r->y1 = fmax(r->y1, b->y1);
}

/*
 * The reach of a candidate: each box box_ok() and leader_ok() may ask the
 * symbol and furniture grid about, whether or not a test fails before it is
 * asked, so that the reach depends on the label and the page alone.  A
 * symbol or piece of furniture outside every candidate's reach cannot change
 * a label's candidates (reuse.c keys them by the boxes within it).
 */
static void reach(gen *g, const pst_box *box, bool leader, double size, const double *lead)
{
	const pst_item *it = g->l->it;
	pst_box around = *box;
	if (it->symbol != PST_SYMBOL_NONE)
		around = grown(box, rival_within(it, box, leader, size));
	extend(&g->reach, box);
	extend(&g->reach, &around);
	if (lead) {
		pst_seg sg = { lead[0], lead[1], lead[2], lead[3], LEADER_HALF };
		pst_box b = lead_box(&sg);
		extend(&g->reach, &b);
	}
}

static int push(gen *g, double x, double y, double w, double h, double cost, bool key,
                const double *lead)
{
	const pst_item *it = g->l->it;
	double halo = key ? pst_key_halo(it->label) : it->label->halo_width;
	/* (x, y) is the box's corner; a key's text starts above its ink. */
	pst_cand c = { { x - halo, y - halo, x + w + halo, y + h + halo }, x, key ? y - g->l->ky : y,
		       cost, key, g->alt, lead != NULL, { 0, 0, 0, 0 }, g->seq++ };
	double size = key ? pst_key_size(it->label) : it->label->size; /* of its own text */
	reach(g, &c.box, lead != NULL, size, lead);
	if (!box_ok(g->ob, it, &c.box, lead != NULL, key, size, &c.cost))
		return POSTURE_OK;
	if (lead) {
		if (!leader_ok(g->ob, it, lead, &c.cost))
			return POSTURE_OK;
		memcpy(c.lead, lead, sizeof(c.lead));
	}
	if (pst_grow((void **)&g->l->c, &g->cap, g->l->n + 1, sizeof(pst_cand)))
		return POSTURE_ENOMEM;
	g->l->c[g->l->n++] = c;
	return POSTURE_OK;
}

/*
 * Positions touching the symbol, for a w x h text: the eight classic ones
 * in Imhof's order of preference (upper right first), then the same sides
 * slid along the symbol, still beside it (no leader needed).
 */
static int near_positions(gen *g, double w, double h, double base, bool key)
{
	const pst_item *it = g->l->it;
	double r = (it->symbol_box.x1 - it->symbol_box.x0) / 2;
	double halo = it->label->halo_width;
	double dx = r + halo + 0.15 * h, ax = it->ax, ay = it->ay;
	double dy = (it->symbol_box.y1 - it->symbol_box.y0) / 2 + halo + 0.1 * h;
	const double pos[16][2] = {
		{ ax + dx, ay - 0.8 * h },     { ax + dx, ay - 0.2 * h },
		{ ax - dx - w, ay - 0.8 * h }, { ax - dx - w, ay - 0.2 * h },
		{ ax + dx, ay - 0.5 * h },     { ax - dx - w, ay - 0.5 * h },
		{ ax - w / 2, ay - dy - h },   { ax - w / 2, ay + dy },
		{ ax + dx, ay - 1.0 * h },     { ax + dx, ay },
		{ ax - dx - w, ay - 1.0 * h }, { ax - dx - w, ay },
		{ ax - 0.15 * w, ay - dy - h }, { ax - 0.85 * w, ay - dy - h },
		{ ax - 0.15 * w, ay + dy },    { ax - 0.85 * w, ay + dy },
	};
	int rc = POSTURE_OK;
	for (int k = 0; k < (key ? 8 : 16) && rc == POSTURE_OK; k++)
		rc = push(g, pos[k][0], pos[k][1], w, h, base + (k < 8 ? 0.5 * k : 3.2 + 0.1 * k), key,
		          NULL);
	return rc;
}

/* Where a ray from the anchor along (ux, uy) leaves the symbol's box. */
static double symbol_edge(const pst_item *it, double ux, double uy)
{
	double hw = (it->symbol_box.x1 - it->symbol_box.x0) / 2;
	double hh = (it->symbol_box.y1 - it->symbol_box.y0) / 2;
	double tx = fabs(ux) > 1e-9 ? hw / fabs(ux) : HUGE_VAL;
	double ty = fabs(uy) > 1e-9 ? hh / fabs(uy) : HUGE_VAL;
	return fmin(tx, ty);
}

/* Positions away from the symbol, joined by a leader no longer than needed. */
static int leader_positions(gen *g, double w, double h, double base, bool key, double max)
{
	const pst_item *it = g->l->it;
	double step = fmax(0.6 * h, 5);
	int variants = key ? 1 : g->variants; /* a key's box is small: its corner will do */
	int rc = POSTURE_OK;
	/* A key's leader lengths grow by a share of themselves: its box is small,
	 * so farther places matter more than finer steps near the symbol (the
	 * candidates kept then reach past a clump of symbols). */
	for (double len = step; len <= max && rc == POSTURE_OK;
	     len = key ? len * KEY_LEADER_GROWTH : len + step) {
		for (int k = 0; k < N_DIRS && rc == POSTURE_OK; k++) {
			int turn = (k + 1) / 2 * (k % 2 ? 1 : -1); /* from upper right, both ways */
			double a = PST_PI / 4 + turn * 2 * PST_PI / N_DIRS;
			double ux = cos(a), uy = -sin(a);
			double e = symbol_edge(it, ux, uy) + 0.5;
			double px = it->ax + (e + len) * ux, py = it->ay + (e + len) * uy;
			double x = ux > 0.3 ? px : ux < -0.3 ? px - w : px - w / 2;
			double y = uy < -0.3 ? py - h : uy > 0.3 ? py : py - h / 2;
			const double lead[4] = { it->ax + e * ux, it->ay + e * uy, px, py };
			double cost = base + 4 + 6 * len / max + 0.05 * abs(turn);
			if (it->priority < 50)
				cost += 4 * len / max; /* reference places: near their dot, if at all possible */
			/* The box slid along the leader's end: where it attaches by a corner,
			 * also by the middle of its side, and the other way round. */
			for (int v = 0; v < variants && rc == POSTURE_OK; v++) {
				double sx = 0, sy = 0;
				if (v == 1 && fabs(ux) > 0.3)
					sy = uy < -0.3 ? 0.5 * h : uy > 0.3 ? -0.5 * h : 0.4 * h;
				else if (v == 1)
					sx = -0.4 * w * (ux < 0 ? -1 : 1);
				else if (v == 2 && fabs(ux) > 0.3)
					sy = uy < -0.3 ? 0.9 * h : uy > 0.3 ? -0.9 * h : -0.4 * h;
				else if (v == 2)
					sx = 0.4 * w * (ux < 0 ? -1 : 1);
				rc = push(g, x + sx, y + sy, w, h, cost + 0.3 * v, key, lead);
			}
		}
	}
	return rc;
}

/* Names without a symbol (countries, regions) sit on their point or close by,
 * else at one of their other places (it->spots, best first). */
static int area_positions(gen *g)
{
	pst_lab *l = g->l;
	const pst_item *it = l->it;
	const double shift[9][2] = { { 0, 0 },  { 0, -0.6 }, { 0, 0.6 },  { -0.3, 0 }, { 0.3, 0 },
		                     { 0, -1.2 }, { 0, 1.2 }, { -0.6, 0 }, { 0.6, 0 } };
	int rc = POSTURE_OK;
	for (size_t s = 0; s <= it->n_spots && rc == POSTURE_OK; s++) {
		double px = s ? it->spots[2 * s - 2] : it->ax, py = s ? it->spots[2 * s - 1] : it->ay;
		double cx = px - l->w / 2, cy = py - l->h / 2;
		for (int k = 0; k < 9 && rc == POSTURE_OK; k++)
			rc = push(g, cx + shift[k][0] * l->w, cy + shift[k][1] * l->h, l->w, l->h,
			          0.7 * k + 2.0 * (double)s, false, NULL);
	}
	return rc;
}

static int by_cost(const void *pa, const void *pb)
{
	const pst_cand *a = pa, *b = pb;
	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Keep the cheapest names and the cheapest keys: past a few hundred, more
 * candidates only slow the search (they are all far worse). */
static void cap_candidates(pst_lab *l)
{
	size_t names = 0, keys = 0, out = 0;
	for (size_t k = 0; k < l->n; k++) {
		size_t *count = l->c[k].key ? &keys : &names;
		if (*count < (l->c[k].key ? MAX_KEY_CANDS : MAX_NAME_CANDS)) {
			(*count)++;
			l->c[out++] = l->c[k];
		}
	}
	l->n = out;
}

/* Label @p l's candidates, and in *reach_box where they looked (grown by a
 * point against rounding). */
static int make_candidates(obstacles *ob, pst_lab *l, size_t n_labels, pst_box *reach_box)
{
	gen g = { ob, l, 0, 0, 0, n_labels > 2000 ? 1 : 3,
		  { HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL } };
	const pst_item *it = l->it;
	int rc = POSTURE_OK;
	if (it->symbol == PST_SYMBOL_NONE) {
		rc = area_positions(&g);
	} else {
		double max = ob->leader_max;
		if (l->names)
			rc = near_positions(&g, l->w, l->h, 0, false);
		if (rc == POSTURE_OK && l->names)
			rc = leader_positions(&g, l->w, l->h, 0, false, max);
		for (int a = 0; a < l->n_alt && l->names && rc == POSTURE_OK; a++) {
			g.alt = (unsigned char)(a + 1);
			rc = near_positions(&g, l->alt[a].w, l->alt[a].h, ALT_COST * g.alt, false);
			if (rc == POSTURE_OK)
				rc = leader_positions(&g, l->alt[a].w, l->alt[a].h, ALT_COST * g.alt,
				                      false, max);
		}
		g.alt = 0;
		if (rc == POSTURE_OK && l->keys)
			rc = near_positions(&g, l->kw, l->kh, KEY_COST, true);
		if (rc == POSTURE_OK && l->keys)
			rc = leader_positions(&g, l->kw, l->kh, KEY_COST, true, max);
	}
	if (l->n > 1)
		qsort(l->c, l->n, sizeof(pst_cand), by_cost);
	cap_candidates(l);
	*reach_box = grown(&g.reach, 1.0);
	return rc;
}

/* --- candidates remembered (reuse.c) ---------------------------------------------- */

typedef struct {
	double box[4];
	int owner; /* 0: furniture or dense symbols, 1: the label's own symbol, 2: another,
	              3: another drawn apart from the same spot (shares_spot) */
	int dense;
} near_box;

typedef struct {
	const obstacles *ob;
	const pst_item *self;
	const pst_box *reach;
	near_box *near;
	size_t n, cap;
	bool failed;
} near_query;

static bool add_near(void *user, size_t id)
{
	near_query *q = user;
	const fixed_box *f = &q->ob->boxes[id];
	if (q->failed || !pst_box_overlaps(&f->box, q->reach))
		return false;
	if (pst_grow((void **)&q->near, &q->cap, q->n + 1, sizeof(near_box))) {
		q->failed = true;
		return true;
	}
	q->near[q->n++] = (near_box){ { f->box.x0, f->box.y0, f->box.x1, f->box.y1 },
		                      !f->owner              ? 0
		                      : f->owner == q->self  ? 1
		                      : shares_spot(f->owner, q->self) ? 3
		                                             : 2,
		                      f->dense };
	return false;
}

static int near_cmp(const void *pa, const void *pb)
{
	const near_box *a = pa, *b = pb;
	for (int i = 0; i < 4; i++)
		if (a->box[i] != b->box[i])
			return a->box[i] < b->box[i] ? -1 : 1;
	if (a->owner != b->owner)
		return a->owner - b->owner;
	return a->dense - b->dense;
}

/*
 * Into @p out, the symbol and furniture boxes that meet @p reach, as what
 * candidate generation reads of them: the box, whether it is a symbol and
 * whether the label's own or one sharing its spot, whether dense.  Sorted, so that the same boxes
 * give the same bytes whatever their order of collection.
 */
static void fixed_near(obstacles *ob, const pst_item *self, const pst_box *reach, pst_buf *out)
{
	near_query q = { ob, self, reach, NULL, 0, 0, false };
	pst_grid_query(&ob->fixed, reach, add_near, &q);
	if (q.n > 1)
		qsort(q.near, q.n, sizeof(near_box), near_cmp);
	pst_buf_add(out, &q.n, sizeof(q.n));
	for (size_t i = 0; i < q.n && !q.failed; i++) {
		pst_buf_add(out, q.near[i].box, sizeof(q.near[i].box));
		pst_buf_add(out, &q.near[i].owner, sizeof(q.near[i].owner));
		pst_buf_add(out, &q.near[i].dense, sizeof(q.near[i].dense));
	}
	out->failed |= q.failed;
	free(q.near);
}

static bool same_cand(const pst_cand *a, const pst_cand *b)
{
	return !memcmp(&a->box, &b->box, sizeof(a->box)) && a->x == b->x && a->y == b->y &&
	       a->cost == b->cost && a->key == b->key && a->alt == b->alt &&
	       a->leader == b->leader && !memcmp(a->lead, b->lead, sizeof(a->lead)) &&
	       a->seq == b->seq;
}

/* Do label @p l's candidates equal those made afresh, with the symbol and
 * furniture boxes of @p ob (@p reach NULL) or only those meeting @p reach? */
static bool fresh_equal(obstacles *ob, const pst_lab *l, size_t n_labels, const pst_box *reach)
{
	pst_grid all = ob->fixed, near;
	int rc = POSTURE_OK;
	if (reach && (rc = pst_grid_init(&near, ob->s->width, ob->s->height, FIXED_CELL)) != POSTURE_OK)
		return true; /* out of memory: nothing to tell */
	for (size_t i = 0; reach && rc == POSTURE_OK && i < ob->n_boxes; i++)
		if (pst_box_overlaps(&ob->boxes[i].box, reach))
			rc = pst_grid_add(&near, &ob->boxes[i].box, i);
	if (reach)
		ob->fixed = near;
	pst_lab fresh = *l;
	pst_box unused;
	fresh.c = NULL;
	fresh.n = 0;
	if (rc == POSTURE_OK)
		rc = make_candidates(ob, &fresh, n_labels, &unused);
	ob->fixed = all;
	if (reach)
		pst_grid_free(&near);
	bool same = rc != POSTURE_OK || fresh.n == l->n;
	for (size_t k = 0; same && rc == POSTURE_OK && k < l->n; k++)
		same = same_cand(&fresh.c[k], &l->c[k]);
	free(fresh.c);
	return same;
}

/*
 * With POSTURE_CHECK_REUSE set in the environment (tests/cli/live_reuse.sh),
 * each label's candidates are made again with only the boxes within their
 * reach, and remembered ones also with all boxes, and compared: a
 * difference is a reach too small or a key missing a byte, and stops the
 * program.
 */
static void check_reuse(obstacles *ob, const pst_lab *l, size_t n_labels, const pst_box *reach,
                        bool remembered)
{
	const char *what = !fresh_equal(ob, l, n_labels, reach) ? "those made within their reach"
	                   : remembered && !fresh_equal(ob, l, n_labels, NULL) ? "fresh ones"
	                                                                      : NULL;
	if (what) {
		fprintf(stderr, "posture: label \"%s\": %s candidates differ from %s\n",
		        l->it->label->text, remembered ? "remembered" : "new", what);
		abort();
	}
}

/* Label @p l's candidates: those an earlier build made when no box within
 * their reach has changed since, else made now (and remembered). */
static int candidates(obstacles *ob, pst_label_reuse *r, pst_lab *l, size_t n_labels)
{
	pst_box reach_box;
	pst_buf near;
	pst_buf_init(&near);
	if (pst_label_reuse_reach(r, l, n_labels, &reach_box)) {
		fixed_near(ob, l->it, &reach_box, &near);
		if (pst_label_reuse_cands(r, l, n_labels, &near)) {
			pst_buf_free(&near);
			if (getenv("POSTURE_CHECK_REUSE"))
				check_reuse(ob, l, n_labels, &reach_box, true);
			return POSTURE_OK;
		}
	}
	int rc = make_candidates(ob, l, n_labels, &reach_box);
	if (rc == POSTURE_OK && r->lines) {
		near.len = 0;
		fixed_near(ob, l->it, &reach_box, &near);
		pst_label_reuse_keep_cands(r, l, n_labels, &reach_box, &near);
		if (getenv("POSTURE_CHECK_REUSE"))
			check_reuse(ob, l, n_labels, &reach_box, false);
	}
	pst_buf_free(&near);
	return rc;
}

/* --- places kept from an earlier render -------------------------------------------- */

/*
 * Label @p l had the box @p r in the render before (mapdef/keep.c): if a
 * candidate has that box, every other one costs KEEP_COST more (a charge
 * larger than most gains a neighbour could make, smaller than a key's), so
 * the label leaves its place only for a neighbour that would otherwise lose
 * its name, or a neighbour's own place taken.  A country or region name,
 * which gives way rather than pay, gets no charge: its earlier place is made
 * its cheapest instead.  A key kept keeps its own cost, KEY_COST more than a
 * name's, against the KEEP_COST its names now pay: an item keyed before takes
 * its name back when room opens.
 */
static bool keep_place(pst_lab *l, const pst_label_ref *r)
{
	long at = -1;
	for (size_t k = 0; k < l->n && at < 0; k++) {
		const pst_box *b = &l->c[k].box;
		if (fabs(b->x0 - r->box[0]) <= KEEP_MATCH && fabs(b->y0 - r->box[1]) <= KEEP_MATCH &&
		    fabs(b->x1 - r->box[2]) <= KEEP_MATCH && fabs(b->y1 - r->box[3]) <= KEEP_MATCH)
			at = (long)k;
	}
	if (at < 0)
		return false;
	if (l->it->label_optional) {
		l->c[at].cost = 0;
	} else {
		for (size_t k = 0; k < l->n; k++)
			l->c[k].cost += (long)k == at ? 0 : KEEP_COST;
	}
	unsigned seq = l->c[at].seq;
	qsort(l->c, l->n, sizeof(pst_cand), by_cost);
	for (size_t k = 0; k < l->n; k++)
		if (l->c[k].seq == seq)
			l->kept = (long)k;
	return true;
}

/* --- pins ------------------------------------------------------------------------ */

const char *pst_label_mode_of(const pst_label_opts *opts, const char *layer)
{
	for (size_t i = 0; opts && i < opts->n_layers; i++)
		if (!strcmp(opts->layer_names[i], layer))
			return opts->layer_modes[i];
	return opts && opts->mode ? opts->mode : "auto";
}

static pst_label_pin_def *find_pin(const pst_label_opts *opts, const char *id)
{
	for (size_t i = 0; opts && i < opts->n_pins; i++)
		if (!strcmp(opts->pins[i].item_id, id))
			return &opts->pins[i];
	return NULL;
}

/*
 * A pinned label has one candidate, where the designer put it, and keeps it
 * whatever it covers; the pin is marked when it collides so that the map
 * file's line can be warned about.  A label set apart from its symbol gets
 * a leader from the symbol's edge.
 */
static int pin_label(obstacles *ob, pst_lab *l, pst_label_pin_def *pin)
{
	const pst_item *it = l->it;
	double w = l->w, h = l->h, cx, cy;
	double hw = (it->symbol_box.x1 - it->symbol_box.x0) / 2 + it->label->halo_width + 0.15 * h;
	double hh = (it->symbol_box.y1 - it->symbol_box.y0) / 2 + it->label->halo_width + 0.1 * h;
	/* N, NE, E, SE, S, SW, W, NW: the label's centre relative to the anchor. */
	static const int sx[8] = { 0, 1, 1, 1, 0, -1, -1, -1 }, sy[8] = { -1, -1, 0, 1, 1, 1, 0, -1 };
	if (pin->compass >= 0) {
		cx = it->ax + sx[pin->compass] * (hw + w / 2);
		cy = it->ay + sy[pin->compass] * (sx[pin->compass] ? 0.3 * h : hh + h / 2);
	} else {
		cx = it->ax + pin->dx;
		cy = it->ay + pin->dy;
	}
	double halo = it->label->halo_width;
	pst_cand c = { { cx - w / 2 - halo, cy - h / 2 - halo, cx + w / 2 + halo, cy + h / 2 + halo },
		       cx - w / 2, cy - h / 2, 0, false, false, false, { 0, 0, 0, 0 }, 0 };
	double d = pst_box_distance(&c.box, &it->symbol_box);
	if (d > 0.6 * h) { /* away from its symbol: a leader to the box's nearest point */
		double px = fmax(c.box.x0, fmin(it->ax, c.box.x1));
		double py = fmax(c.box.y0, fmin(it->ay, c.box.y1));
		double ux = px - it->ax, uy = py - it->ay, len = hypot(ux, uy);
		double e = symbol_edge(it, ux / len, uy / len) + 0.5;
		c.leader = true;
		c.lead[0] = it->ax + e * ux / len;
		c.lead[1] = it->ay + e * uy / len;
		c.lead[2] = px;
		c.lead[3] = py;
	}
	double cost = 0;
	pin->collides = !box_ok(ob, it, &c.box, c.leader, false, it->label->size, &cost) ||
	                (c.leader && !leader_ok(ob, it, c.lead, &cost));
	const pst_box *mb = &ob->s->map_box;
	pin->outside = c.box.x0 < mb->x0 || c.box.y0 < mb->y0 || c.box.x1 > mb->x1 ||
	               c.box.y1 > mb->y1;
	pin->used = true;
	if (!(l->c = malloc(sizeof(pst_cand))))
		return POSTURE_ENOMEM;
	l->c[0] = c;
	l->n = 1;
	l->pinned = true;
	l->keys = false;
	return POSTURE_OK;
}

/* --- labels -------------------------------------------------------------------- */

/* Does a base's name name the site of a place, as a word ("201st base
 * (Dushanbe)" names "Dushanbe", "Kant air base" names "Kant", and "201st base
 * (Qurghonteppa)" names "Qurghonteppa (Bokhtar)")? */
static bool names_site(const char *base_name, const char *place_name)
{
	size_t n = strcspn(place_name, "(");
	while (n > 0 && place_name[n - 1] == ' ')
		n--;
	if (n == 0)
		return false;
	for (const char *p = base_name; *p; p++) {
		if (strncmp(p, place_name, n) != 0)
			continue;
		bool starts = p == base_name || p[-1] == ' ' || p[-1] == '(';
		bool ends = p[n] == '\0' || p[n] == ' ' || p[n] == ')';
		if (starts && ends)
			return true;
	}
	return false;
}

/*
 * A reference place under a base's symbol, which the base's label already
 * names, is named by that label alone: two labels for one spot would let a
 * reader take one for the other.
 */
static int merge_sites(posture_scene *s)
{
	const pst_group *bases = pst_scene_group(s, "bases");
	pst_group *places = (pst_group *)pst_scene_group(s, "places");
	for (size_t i = 0; bases && places && i < places->n_items; i++) {
		pst_item *pl = &places->items[i];
		if (!pl->label || !pl->has_anchor || pl->symbol == PST_SYMBOL_NONE)
			continue;
		pst_group_iter bi = { 0 }; /* the bases' items, compact or not */
		int rc = POSTURE_OK;
		for (const pst_item *b; (b = pst_group_next(bases, &bi, &rc));) {
			const pst_box *sb = &b->symbol_box;
			if (!b->has_anchor || pl->ax < sb->x0 || pl->ax > sb->x1 || pl->ay < sb->y0 ||
			    pl->ay > sb->y1 || !names_site(b->name, pl->name))
				continue;
			if (!(pl->named_by = pst_strdup(b->id)))
				rc = POSTURE_ENOMEM;
			free(pl->label->text);
			free(pl->label);
			pl->label = NULL;
			break;
		}
		pst_group_iter_free(&bi);
		if (rc != POSTURE_OK)
			return rc;
	}
	return POSTURE_OK;
}

/*
 * The box of the widest key label @p l can get ("8", "88", "888"…): keys
 * are numbered in data order, so its number is at most @p bound, the count
 * of labels up to it that may take a key.  The box holds the digits' ink,
 * not the line's height (digits have no descenders and need no leading).
 */
static void key_size(PangoContext *pc, pst_lab *l, size_t bound)
{
	char digits[24];
	size_t d = 1;
	for (size_t v = bound; v >= 10; v /= 10)
		d++;
	memset(digits, '8', d);
	digits[d] = '\0';
	pst_label key = *l->it->label;
	key.text = digits;
	key.size = pst_key_size(&key);
	key.wrap = 0;
	double ink_top, ink_h;
	pst_text_measure(pc, &key, &l->kw, &l->kh);
	pst_text_ink(pc, &key, &ink_top, &ink_h);
	l->ky = ink_top;
	l->kh = ink_h;
}

#define MIN_PIECE 4 /* bytes: the shortest piece of a broken line */

/* Does @p p start a marker of one source ("[1]"), too small for a line? */
static bool lone_number(const char *p)
{
	if (*p != '[')
		return false;
	size_t n = strcspn(p, "],\n");
	return p[n] == ']';
}

/* The space nearest the middle of the line text[start, start + len) that may
 * break it, or 0. */
static size_t break_in_line(const char *text, size_t start, size_t len)
{
	size_t best = 0;
	double mid = start + len / 2.0;
	int depth = 0; /* inside a marker's brackets */
	for (size_t i = start; i + 1 < start + len; i++) {
		depth += (text[i] == '[') - (text[i] == ']');
		if (depth == 0 && i > start && text[i] == ' ' && !lone_number(text + i + 1) &&
		    i - start >= MIN_PIECE && start + len - i - 1 >= MIN_PIECE &&
		    (!best || fabs((double)i - mid) < fabs((double)best - mid)))
			best = i;
	}
	return best;
}

/* The name with its longest line broken at the space nearest that line's
 * middle (or, when it has no space to break at, the next longest line), or
 * NULL.  A citation marker ("[1, 3]") stays whole, one of one source ("[1]")
 * with the words before it, and no piece is shorter than MIN_PIECE bytes
 * ("Sep" over "2014"). */
static char *broken_name(const char *text)
{
	/* The longest line that can be broken: lines longest first. */
	size_t n = strlen(text), done = 0; /* lines of done bytes or more were tried */
	for (;;) {
		size_t start = 0, len = 0;
		for (size_t i = 0, line = 0; i <= n; i++) {
			if (text[i] == '\n' || text[i] == '\0') {
				size_t l = i - line;
				if (l > len && (!done || l < done)) {
					start = line;
					len = l;
				}
				line = i + 1;
			}
		}
		if (!len)
			return NULL;
		size_t best = break_in_line(text, start, len);
		if (best) {
			char *s = pst_strdup(text);
			if (s)
				s[best] = '\n';
			return s;
		}
		done = len;
	}
}

static int measure(PangoContext *pc, pst_lab *l, size_t key_bound)
{
	pst_text_measure(pc, l->it->label, &l->w, &l->h);
	if (l->keys)
		key_size(pc, l, key_bound);
	if (!l->names || l->it->symbol == PST_SYMBOL_NONE)
		return POSTURE_OK;
	/* A wide name may also be stacked over more lines: narrower boxes fit
	 * between borders where a long line does not. */
	const char *text = l->it->label->text;
	double w = l->w, h = l->h;
	while (l->n_alt < PST_MAX_ALTS) {
		int lines = 1;
		for (const char *p = text; *p; p++)
			lines += *p == '\n';
		if (w < 4 * h / lines)
			break; /* lines already short */
		char *broken = broken_name(text);
		if (!broken)
			break;
		pst_label alt = *l->it->label;
		alt.text = broken;
		pst_text_measure(pc, &alt, &w, &h);
		l->alt[l->n_alt].text = broken;
		l->alt[l->n_alt].w = w;
		l->alt[l->n_alt++].h = h;
		text = broken;
	}
	return POSTURE_OK;
}

static int collect_labels(posture_scene *s, const pst_label_opts *opts, pst_lab **labs,
                          size_t *n)
{
	size_t cap = 0;
	for (size_t g = 0; g < s->n_groups; g++) {
		pst_group *grp = &s->groups[g];
		if (grp->furniture)
			continue;
		const char *mode = pst_label_mode_of(opts, grp->name);
		for (size_t i = 0; i < grp->n_items; i++) {
			pst_item *it = &grp->items[i];
			if (!it->label || !it->has_anchor)
				continue;
			if (pst_grow((void **)labs, &cap, *n + 1, sizeof(pst_lab)))
				return POSTURE_ENOMEM;
			bool optional = it->label_optional;
			pst_lab l = { .it = it, .layer = grp->name, .weight = 1.0 + it->priority / 25.0,
			              .chosen = -1, .kept = -1 };
			l.names = optional || strcmp(mode, "keys") != 0;
			l.keys = !optional && it->symbol != PST_SYMBOL_NONE &&
			         (!strcmp(mode, "auto") || !strcmp(mode, "keys"));
			if (!strcmp(mode, "none") && !optional)
				l.names = l.keys = false;
			l.none_cost = optional ? 1.0 : NONE_COST * l.weight;
			(*labs)[(*n)++] = l;
		}
	}
	return POSTURE_OK;
}

/* Greedy order: pinned first, optional names last, then priority; data order
 * breaks ties (ordering by how constrained a label is made one added item
 * reorder labels far from it). */
static int order_cmp(const pst_lab *a, const pst_lab *b)
{
	if (a->pinned != b->pinned)
		return a->pinned ? -1 : 1;
	if (a->it->label_optional != b->it->label_optional)
		return a->it->label_optional ? 1 : -1;
	return b->it->priority - a->it->priority;
}

static size_t *priority_order(const pst_lab *labs, size_t n)
{
	size_t *order = malloc((n + 1) * sizeof(size_t));
	size_t *tmp = malloc((n + 1) * sizeof(size_t));
	if (!order || !tmp) {
		free(order);
		free(tmp);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* Bottom-up merge sort: stable, n log n. */
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				tmp[k++] = order_cmp(&labs[order[b]], &labs[order[a]]) < 0 ? order[b++] : order[a++];
			while (a < mid)
				tmp[k++] = order[a++];
			while (b < hi)
				tmp[k++] = order[b++];
		}
		memcpy(order, tmp, n * sizeof(size_t));
	}
	free(tmp);
	return order;
}

/* --- result ----------------------------------------------------------------------- */

static double displacement(const pst_item *it, const pst_box *b)
{
	double dx = fmax(fmax(b->x0 - it->ax, 0), it->ax - b->x1);
	double dy = fmax(fmax(b->y0 - it->ay, 0), it->ay - b->y1);
	return hypot(dx, dy);
}

static void drop_label(pst_item *it)
{
	free(it->label->text);
	free(it->label);
	it->label = NULL;
}

/*
 * When the first run needs keys (or leaves items unlabelled), the key panel
 * is reserved for what it needed, and placement runs again with the panel
 * as an obstacle.  The second run's keys are the ones the panel lists.
 */
static int with_key_panel(obstacles *ob, pst_lab *labs, size_t n, pst_label_opts *opts,
                          const size_t *order)
{
	size_t n_keys = 0, n_unlabelled = 0, n_boxes = 0;
	for (size_t i = 0; i < n; i++) {
		long k = labs[i].chosen;
		n_keys += k >= 0 && labs[i].c[k].key;
		n_unlabelled += k < 0 && !labs[i].it->label_optional;
	}
	n_unlabelled += opts->n_dense;
	if (!n_keys && !n_unlabelled)
		return POSTURE_OK;
	const char **texts = malloc((n_keys + 1) * sizeof(char *));
	pst_box *boxes = malloc((n + 1) * sizeof(pst_box));
	int rc = texts && boxes ? POSTURE_OK : POSTURE_ENOMEM;
	for (size_t i = 0, t = 0; rc == POSTURE_OK && i < n; i++) {
		long k = labs[i].chosen;
		if (k >= 0 && labs[i].c[k].key)
			texts[t++] = labs[i].it->label->text;
		if (k >= 0)
			boxes[n_boxes++] = labs[i].c[k].box;
	}
	pst_key_request req = { texts, n_keys, n_unlabelled, boxes, n_boxes };
	if (rc == POSTURE_OK)
		rc = opts->reserve_keys(opts->user, &req, &opts->keys_box);
	free(texts);
	free(boxes);
	if (rc != POSTURE_OK || opts->keys_box.x1 <= opts->keys_box.x0)
		return rc;
	/* The panel is one more obstacle: the candidates it covers go, and the
	 * labels that held one are placed again; the others keep their place, so
	 * a panel appearing moves only the labels under it. */
	const pst_box *panel = &opts->keys_box;
	for (size_t i = 0; i < n; i++) {
		pst_lab *l = &labs[i];
		if (l->pinned)
			continue;
		size_t out = 0;
		long chosen = -1, kept = -1;
		for (size_t k = 0; k < l->n; k++) {
			const pst_cand *c = &l->c[k];
			pst_seg lead = { c->lead[0], c->lead[1], c->lead[2], c->lead[3], 1.0 };
			if (pst_box_overlaps(&c->box, panel) || (c->leader && pst_seg_meets_box(&lead, panel)))
				continue;
			if ((long)k == l->chosen)
				chosen = (long)out;
			if ((long)k == l->kept)
				kept = (long)out;
			l->c[out++] = *c;
		}
		l->n = out;
		l->chosen = chosen;
		l->kept = kept;
	}
	if (rc == POSTURE_OK && n)
		rc = pst_label_reuse_solve(opts->inputs, labs, n, order, ob->s->width, ob->s->height,
		                           true);
	return rc;
}

typedef struct {
	const pst_item *self;
	const obstacles *ob;
	const pst_item *best; /* the keyed item with the lowest key over self's symbol */
} sharing;

static bool keyed_over(void *user, size_t id)
{
	sharing *sh = user;
	const pst_item *o = sh->ob->boxes[id].owner;
	if (o && o != sh->self && o->key > 0 && o->label && (!sh->best || o->key < sh->best->key) &&
	    pst_box_overlaps(&o->symbol_box, &sh->self->symbol_box))
		sh->best = o;
	return false;
}

/*
 * An item left without a label whose symbol lies under a keyed item's
 * marks the same spot: it shares that key.  The panel's row for the key
 * lists both ("12  Incident 5, Mar 2015 [1]; Incident 77, May 2015 [1]");
 * otherwise the item is shown without a label, and the map counts it.
 */
static int share_or_drop(obstacles *ob, pst_lab *l, pst_label_stats *st)
{
	pst_item *it = l->it;
	bool optional = it->label_optional;
	sharing sh = { it, ob, NULL };
	if (!optional && l->keys)
		pst_grid_query(&ob->fixed, &it->symbol_box, keyed_over, &sh);
	if (sh.best) {
		pst_item *owner = (pst_item *)sh.best;
		char *row = pst_asprintf("%s; %s", owner->key_text, it->label->text);
		if (!row)
			return POSTURE_ENOMEM;
		free(owner->key_text);
		owner->key_text = row;
		it->key = owner->key;
		it->key_text = it->label->text; /* its own, for the map data and the HTML map */
		it->label->text = NULL;
		free(it->label);
		it->label = NULL;
		st->n_labels++;
		st->n_keyed++;
		return POSTURE_OK;
	}
	drop_label(it);
	if (!optional) {
		st->n_labels++;
		st->n_unlabelled++;
		it->label_dropped = true; /* shown without a label: the map counts it */
	}
	return POSTURE_OK;
}

/* Keys are numbered in data order (layer by layer, file order), so an item
 * added at the end of a layer renumbers none of that layer or those before. */
static int apply(obstacles *ob, pst_lab *labs, size_t n, pst_label_stats *st)
{
	double total = 0;
	int next_key = 1;
	for (size_t i = 0; i < n; i++) {
		pst_lab *l = &labs[i];
		pst_item *it = l->it;
		const pst_cand *c = l->chosen >= 0 ? &l->c[l->chosen] : NULL;
		if (!c)
			continue; /* below, once every key is numbered */
		pst_label *label = it->label;
		bool counted = !it->label_optional; /* country and region names are extras */
		st->n_labels += counted;
		if (c->key) {
			char *num = pst_asprintf("%d", next_key);
			if (!num)
				return POSTURE_ENOMEM;
			it->key_text = label->text; /* the panel lists the name */
			label->text = num;
			label->halo_width = pst_key_halo(label);
			label->size = pst_key_size(label);
			label->wrap = 0;
			it->key = next_key++;
			st->n_keyed++;
		} else {
			st->n_placed += counted;
		}
		if (c->alt) {
			free(label->text);
			label->text = l->alt[c->alt - 1].text;
			l->alt[c->alt - 1].text = NULL;
		}
		label->x = c->x;
		label->y = c->y;
		label->box = c->box;
		label->has_leader = c->leader;
		memcpy(label->leader, c->lead, sizeof(c->lead));
		st->n_leader += c->leader && counted;
		total += counted ? displacement(it, &c->box) : 0;
	}
	size_t shown = st->n_placed + st->n_keyed;
	st->mean_displacement = shown ? total / (double)shown : 0;
	int rc = POSTURE_OK;
	for (size_t i = 0; i < n && rc == POSTURE_OK; i++)
		if (labs[i].chosen < 0)
			rc = share_or_drop(ob, &labs[i], st);
	return rc;
}

/* A key's text is centred in the box measured for the widest key. */
static void centre_keys(PangoContext *pc, pst_lab *labs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pst_item *it = labs[i].it;
		if (!it->key || !it->label)
			continue;
		double w, h;
		pst_text_measure(pc, it->label, &w, &h);
		it->label->x += (labs[i].kw - w) / 2;
	}
}

int pst_label_place(posture_scene *s, PangoContext *pc, pst_label_opts *opts,
                    pst_label_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	pst_lab *labs = NULL;
	size_t n = 0, *order = NULL;
	obstacles ob;
	pst_label_reuse reuse = { 0 }; /* what earlier builds placed (reuse.c) */
	int rc = merge_sites(s);
	if (rc == POSTURE_OK)
		rc = obstacles_init(&ob, s);
	else
		memset(&ob, 0, sizeof(ob));
	if (rc == POSTURE_OK && opts && opts->inputs)
		pst_label_reuse_begin(&reuse, opts->inputs, s, ob.hard, ob.n_hard, ob.soft, ob.n_soft,
		                      ob.leader_max);
	if (rc == POSTURE_OK)
		rc = collect_labels(s, opts, &labs, &n);
	for (size_t i = 0, keyable = 0; rc == POSTURE_OK && i < n; i++) {
		pst_lab *l = &labs[i];
		keyable += l->keys && !find_pin(opts, l->it->id);
		rc = measure(pc, l, keyable);
		pst_label_pin_def *pin = find_pin(opts, l->it->id);
		if (rc == POSTURE_OK && pin)
			rc = pin_label(&ob, l, pin);
		else if (rc == POSTURE_OK)
			rc = candidates(&ob, &reuse, l, n);
		const pst_label_ref *r = rc == POSTURE_OK && !pin && opts && opts->n_keep
		                                 ? pst_label_ref_find(opts->keep, opts->n_keep,
		                                                      l->layer, l->it->id)
		                                 : NULL;
		if (r && keep_place(l, r))
			opts->n_kept++;
	}
	if (rc == POSTURE_OK && n && !(order = priority_order(labs, n)))
		rc = POSTURE_ENOMEM;
	if (rc == POSTURE_OK && n)
		rc = pst_label_reuse_solve(opts ? opts->inputs : NULL, labs, n, order, s->width,
		                           s->height, false);
	if (rc == POSTURE_OK && (n || (opts && opts->n_dense)) && opts && opts->reserve_keys)
		rc = with_key_panel(&ob, labs, n, opts, order);
	if (rc == POSTURE_OK)
		rc = apply(&ob, labs, n, stats);
	if (rc == POSTURE_OK)
		centre_keys(pc, labs, n);
	for (size_t i = 0; i < n; i++) {
		free(labs[i].c);
		for (int a = 0; a < labs[i].n_alt; a++)
			free(labs[i].alt[a].text);
	}
	free(labs);
	free(order);
	obstacles_free(&ob);
	return rc;
}
