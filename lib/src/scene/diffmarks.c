/*
 * diffmarks.c — the diff map: the new version of the layers drawn as usual,
 * with what changed since the old one marked on it (posture_scene_build_diff).
 *
 *   added    a solid ring around the item's symbol (bluish green);
 *   removed  a ghost at the old position: the kind's shape, hollow, grey,
 *            dashed, labelled "NAME (removed)";
 *   moved    an arrow (vermillion) from the old position to the symbol (a
 *            vermillion ring when the move is too short to show at the scale);
 *   changed  a dashed ring (blue) around the symbol.
 *
 * The marks are a map layer of their own ("changes"), drawn above the items,
 * so every backend draws them with nothing of its own to add.  The marked
 * item's name, and each mark's, says what changed, with the old and the new
 * values ("Moved: NAME — 28.5 km, was at …, now at …"): that is what the
 * HTML tooltip and the SVG <title> show, the item's label stays its name.  A panel
 * "Changes since OLD" explains the marks present, below the locator inset.
 * Colours are from the Okabe–Ito set, and the four marks differ in shape as
 * well (ring, dashed ring, ghost, arrow), so they survive greyscale.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "layers/diff.h"

static const pst_rgba added_color = { 0.0, 0.620, 0.451, 1 };   /* #009E73 */
static const pst_rgba moved_color = { 0.835, 0.369, 0.0, 1 };   /* #D55E00 */
static const pst_rgba changed_color = { 0.0, 0.447, 0.698, 1 }; /* #0072B2 */
static const pst_rgba ghost_color = { 0.45, 0.45, 0.45, 1 };

/* The drawn symbol of data item @p id (not its uncertainty disc), or NULL. */
static pst_item *find_symbol(posture_scene *s, const char *id)
{
	for (size_t g = 0; g < s->n_groups; g++) {
		pst_group *grp = &s->groups[g];
		for (size_t i = 0; !grp->furniture && i < grp->n_items; i++) {
			pst_item *it = &grp->items[i];
			if (it->has_anchor && !strcmp(it->id, id) && strcmp(it->kind, "uncertainty"))
				return it;
		}
	}
	return NULL;
}

static pst_item *new_mark(pst_group *g, const char *what, const pst_change *c, char *name)
{
	const pst_feature *f = c->new_ ? c->new_ : c->old;
	char *id = pst_asprintf("%s--%s", what, f->id);
	char *kind = pst_asprintf("diff-%s", what);
	pst_item *it = id && kind && name ? pst_new_item(g, id, kind, name) : NULL;
	free(id);
	free(kind);
	free(name);
	return it;
}

static void ring(builder *b, pst_item *it, double x, double y, double size, pst_rgba color,
                 bool dashed)
{
	it->has_anchor = true;
	it->ax = x;
	it->ay = y;
	it->symbol = PST_SYMBOL_CIRCLE;
	it->symbol_size = size;
	it->style.stroke = color;
	it->style.stroke_width = 1.6 * b->k;
	if (dashed) {
		it->style.dash[0] = 2.5 * b->k;
		it->style.dash[1] = 1.8 * b->k;
		it->style.n_dash = 2;
	}
	double r = size / 2 + it->style.stroke_width;
	it->symbol_box = (pst_box){ x - r, y - r, x + r, y + r };
}

/* "name 'A' -> 'B'; quote of SOURCE para. 5: '…' -> '…'" for a tooltip. */
static char *what_changed(const pst_change *c)
{
	pst_buf t;
	pst_buf_init(&t);
	const pst_feature *f = c->new_ ? c->new_ : c->old;
	static const char *const verbs[] = { "Added", "Removed", "Moved", "Changed" };
	pst_buf_printf(&t, "%s: %s", verbs[c->kind], f->name);
	if (c->kind == PST_CHANGE_MOVED)
		pst_buf_printf(&t, " — %.1f km, was at %.4f, %.4f, now at %.4f, %.4f", c->distance_km,
		               c->old->lon, c->old->lat, c->new_->lon, c->new_->lat);
	for (size_t i = 0; i < c->n_props; i++)
		pst_buf_printf(&t, "%s%s changed", i || c->kind == PST_CHANGE_MOVED ? "; " : " — ",
		               c->props[i]);
	for (size_t i = 0; i < c->n_cites; i++) {
		const pst_cite_change *cc = &c->cites[i];
		const pst_citation *ci = cc->new_ ? cc->new_ : cc->old;
		const char *sep = i || c->n_props || c->kind == PST_CHANGE_MOVED ? "; " : " — ";
		if (cc->kind == PST_CITE_CHANGED)
			pst_buf_printf(&t, "%squote of %s %s was \"%s\", now \"%s\"", sep, ci->source_id,
			               ci->locator ? ci->locator : "", cc->old->quote, cc->new_->quote);
		else
			pst_buf_printf(&t, "%scitation %s: %s %s", sep,
			               cc->kind == PST_CITE_ADDED ? "added" : "removed", ci->source_id,
			               ci->locator ? ci->locator : "");
	}
	if (t.failed) {
		pst_buf_free(&t);
		return NULL;
	}
	return t.data;
}

/* A ghost of a removed item at its old position, in its kind's shape. */
static int add_ghost(builder *b, pst_group *g, const pst_change *c)
{
	const pst_feature *f = c->old;
	if (!f->has_point)
		return POSTURE_OK;
	double xy[2] = { f->lon, f->lat };
	bool finite;
	int rc = pst_project_to_page(b, xy, 1, &finite);
	if (rc != POSTURE_OK || !finite || xy[0] < 0 || xy[1] < 0 || xy[0] > b->scene->width ||
	    xy[1] > b->scene->height)
		return rc;
	pst_item *it = new_mark(g, "removed", c, what_changed(c));
	if (!it)
		return POSTURE_ENOMEM;
	it->has_anchor = true;
	it->ax = xy[0];
	it->ay = xy[1];
	pst_set_symbol(b, it, pst_theme_kind(b->theme, f->kind));
	it->symbol_half = false;
	it->style.fill = (pst_rgba){ 1, 1, 1, 0.6 };
	it->style.stroke = ghost_color;
	it->style.stroke_width = 1.2 * b->k;
	it->style.dash[0] = 2 * b->k;
	it->style.dash[1] = 1.5 * b->k;
	it->style.n_dash = 2;
	char *text = pst_asprintf("%s (removed)", f->name);
	it->label = text ? pst_new_label(b, text, false, b->theme->label_size * b->k, ghost_color)
	                 : NULL;
	free(text);
	if (!it->label)
		return POSTURE_ENOMEM;
	it->label->italic = true;
	it->label->halo = b->theme->halo;
	it->label->halo_width = b->theme->halo_width * b->k;
	it->priority = 1;
	return POSTURE_OK;
}

/* An arrow from the old position to the drawn symbol's edge. */
static int add_arrow(builder *b, pst_group *g, const pst_change *c, const pst_item *sym)
{
	double xy[2] = { c->old->lon, c->old->lat };
	bool finite;
	int rc = pst_project_to_page(b, xy, 1, &finite);
	if (rc != POSTURE_OK || !finite)
		return rc;
	double dx = sym->ax - xy[0], dy = sym->ay - xy[1], len = hypot(dx, dy);
	double stop = sym->symbol_size / 2 + 1.5 * b->k, head = 5 * b->k;
	if (len < stop + head) /* too short to draw at this scale: the caller rings it */
		return 1;
	double ux = dx / len, uy = dy / len;
	double tip_x = sym->ax - ux * stop, tip_y = sym->ay - uy * stop;
	double base_x = tip_x - ux * head, base_y = tip_y - uy * head;
	pst_item *line = new_mark(g, "moved", c, what_changed(c));
	if (!line)
		return POSTURE_ENOMEM;
	line->style.stroke = moved_color;
	line->style.stroke_width = 1.4 * b->k;
	const double shaft[] = { xy[0], xy[1], base_x, base_y };
	rc = pst_item_add_part(line, shaft, 2);
	if (rc == POSTURE_OK)
		rc = pst_copy_citations(line, c->new_);
	pst_item *tip = rc == POSTURE_OK ? new_mark(g, "moved-head", c, pst_strdup("")) : NULL;
	if (!tip)
		return POSTURE_ENOMEM;
	tip->closed = true;
	tip->style.fill = moved_color;
	const double w = head * 0.45;
	const double tri[] = { tip_x, tip_y, base_x - uy * w, base_y + ux * w, base_x + uy * w,
		               base_y - ux * w };
	rc = pst_item_add_part(tip, tri, 3);
	/* where it was: a small hollow dot */
	pst_item *from = rc == POSTURE_OK ? new_mark(g, "moved-from", c, pst_strdup("")) : NULL;
	if (!from)
		return POSTURE_ENOMEM;
	ring(b, from, xy[0], xy[1], 3 * b->k, moved_color, false);
	from->style.stroke_width = 1.2 * b->k;
	return POSTURE_OK;
}

static int add_mark(builder *b, pst_group *g, const pst_change *c)
{
	if (c->kind == PST_CHANGE_REMOVED)
		return add_ghost(b, g, c);
	pst_item *sym = find_symbol(b->scene, c->new_->id);
	if (!sym)
		return POSTURE_OK; /* not on this map (outside it, unplaced, or a border line) */
	double size = sym->symbol_size * 2.1;
	bool short_move = false;
	if (c->kind == PST_CHANGE_MOVED) {
		int rc = add_arrow(b, g, c, sym);
		short_move = rc == 1;
		if (rc < 0 || (!short_move && !(c->n_props || c->n_cites)))
			return rc < 0 ? rc : POSTURE_OK;
	}
	const char *what = c->kind == PST_CHANGE_ADDED ? "added" : short_move ? "moved" : "changed";
	pst_item *it = new_mark(g, what, c, what_changed(c));
	if (!it)
		return POSTURE_ENOMEM;
	pst_rgba color = c->kind == PST_CHANGE_ADDED ? added_color : short_move ? moved_color
	                                                                         : changed_color;
	ring(b, it, sym->ax, sym->ay, size, color, c->kind == PST_CHANGE_CHANGED);
	return pst_copy_citations(it, c->new_);
}

int pst_add_diff_marks(builder *b)
{
	if (!b->diff)
		return POSTURE_OK;
	pst_group *g = pst_scene_add_group(b->scene, "changes", "Changes");
	int rc = g ? POSTURE_OK : POSTURE_ENOMEM;
	for (size_t i = 0; rc == POSTURE_OK && i < b->diff->n; i++)
		rc = add_mark(b, g, &b->diff->changes[i]);
	return rc == POSTURE_OK ? rc : pst_error(b->ctx, rc, b->map->path, "out of memory");
}

/*
 * After label placement (which may key an item by its name): each marked
 * item's name says what changed, for its tooltip and SVG title wherever it
 * is hovered; its label stays its name.
 */
int pst_name_diff_items(builder *b)
{
	for (size_t i = 0; b->diff && i < b->diff->n; i++) {
		const pst_change *c = &b->diff->changes[i];
		pst_item *sym = c->new_ ? find_symbol(b->scene, c->new_->id) : NULL;
		if (!sym)
			continue;
		char *said = what_changed(c);
		if (!said)
			return pst_error(b->ctx, POSTURE_ENOMEM, b->map->path, "out of memory");
		if (sym->pooled) { /* its name is in the scene's pool (items.c) */
			sym->name = pst_pool_strn(b->scene->pool, said, strlen(said));
			free(said);
			if (!sym->name)
				return pst_error(b->ctx, POSTURE_ENOMEM, b->map->path, "out of memory");
			continue;
		}
		free(sym->name);
		sym->name = said;
	}
	return POSTURE_OK;
}

/* --- the legend of the marks ----------------------------------------------------- */

typedef struct {
	builder *b;
	pst_group *g;
	double x, y, w; /* next row's top left; widest row so far */
	double size;    /* text size */
	int n;
} legend;

static int legend_text(legend *l, const char *id, const char *text, double x, bool bold)
{
	pst_label *label = pst_new_label(l->b, text, bold, l->size, l->b->theme->label_color);
	pst_item *it = label ? pst_new_item(l->g, id, "text", text) : NULL;
	if (!it) {
		if (label)
			free(label->text);
		free(label);
		return POSTURE_ENOMEM;
	}
	double w, h;
	pst_text_measure(l->b->text, label, &w, &h);
	pst_place_label(label, x, l->y, w, h);
	it->label = label;
	l->w = fmax(l->w, x + w - l->x);
	l->y += h * 1.25;
	return POSTURE_OK;
}

static int legend_row(legend *l, int kind, const char *text)
{
	builder *b = l->b;
	double sw = 14 * b->k, cy = l->y + l->size * 0.65, cx = l->x + sw / 2;
	char id[64];
	snprintf(id, sizeof(id), "changes-legend-%d", l->n++);
	pst_item *it = pst_new_item(l->g, id, kind == 2 ? "diff-moved" : "diff-mark", "");
	if (!it)
		return POSTURE_ENOMEM;
	if (kind == PST_CHANGE_ADDED || kind == PST_CHANGE_CHANGED) {
		ring(b, it, cx, cy, 9 * b->k, kind == PST_CHANGE_ADDED ? added_color : changed_color,
		     kind == PST_CHANGE_CHANGED);
	} else if (kind == PST_CHANGE_REMOVED) {
		ring(b, it, cx, cy, 7 * b->k, ghost_color, true);
		it->style.stroke_width = 1.2 * b->k;
	} else {
		it->style.stroke = moved_color;
		it->style.stroke_width = 1.4 * b->k;
		const double shaft[] = { l->x, cy, l->x + sw - 4 * b->k, cy };
		int rc = pst_item_add_part(it, shaft, 2);
		pst_item *tip = rc == POSTURE_OK ? pst_new_item(l->g, "changes-legend-head",
		                                                "diff-moved", "") : NULL;
		if (!tip)
			return POSTURE_ENOMEM;
		tip->closed = true;
		tip->style.fill = moved_color;
		const double tri[] = { l->x + sw, cy, l->x + sw - 5 * b->k, cy - 2.2 * b->k,
			               l->x + sw - 5 * b->k, cy + 2.2 * b->k };
		rc = pst_item_add_part(tip, tri, 3);
		if (rc != POSTURE_OK)
			return rc;
	}
	snprintf(id, sizeof(id), "changes-legend-%d", l->n++);
	return legend_text(l, id, text, l->x + sw + 5 * b->k, false);
}

/* Does @p r overlap the box of any furniture group but @p self? */
static const pst_group *furniture_at(const posture_scene *s, const pst_group *self, pst_box r)
{
	for (size_t g = 0; g < s->n_groups; g++)
		if (&s->groups[g] != self && s->groups[g].furniture && pst_box_overlaps(&s->groups[g].box, &r))
			return &s->groups[g];
	return NULL;
}

/* Below the locator inset, right-aligned with it, then down past any other furniture. */
static void find_room(const builder *b, const pst_group *self, double w, double h, double *x,
                      double *y)
{
	const posture_scene *s = b->scene;
	const pst_group *inset = pst_scene_group(s, "inset");
	double gap = 8 * b->k;
	*x = (inset ? inset->box.x1 : s->map_box.x1 - 10 * b->k) - w;
	*y = inset ? inset->box.y1 + gap : s->map_box.y0 + 10 * b->k;
	const pst_group *in_way;
	while ((in_way = furniture_at(s, self, (pst_box){ *x, *y, *x + w, *y + h })))
		*y = in_way->box.y1 + gap;
	if (*y + h > s->map_box.y1) { /* no room down the right side: bottom right corner */
		*y = s->map_box.y1 - h - gap;
		*x = s->map_box.x1 - w - gap;
	}
}

/* Move every item of @p g but the first by (dx, dy). */
static void shift_items(pst_group *g, double dx, double dy)
{
	for (size_t i = 1; i < g->n_items; i++) {
		pst_item *it = &g->items[i];
		assert(!it->disc); /* a legend's items: no uncertainty discs */
		for (size_t p = 0; p < it->n_pts; p++) {
			it->xy[2 * p] += dx;
			it->xy[2 * p + 1] += dy;
		}
		if (it->has_anchor) {
			it->ax += dx;
			it->ay += dy;
			it->symbol_box = (pst_box){ it->symbol_box.x0 + dx, it->symbol_box.y0 + dy,
				                    it->symbol_box.x1 + dx, it->symbol_box.y1 + dy };
		}
		if (it->label) {
			it->label->x += dx;
			it->label->y += dy;
			it->label->box = (pst_box){ it->label->box.x0 + dx, it->label->box.y0 + dy,
				                    it->label->box.x1 + dx, it->label->box.y1 + dy };
		}
	}
}

int pst_add_diff_legend(builder *b)
{
	if (!b->diff)
		return POSTURE_OK;
	size_t count[4] = { 0 };
	for (size_t i = 0; i < b->diff->n; i++)
		count[b->diff->changes[i].kind]++;
	double pad = 6 * b->k;
	pst_group *g = pst_scene_add_group(b->scene, "changes-legend", "Changes legend");
	if (!g)
		return POSTURE_ENOMEM;
	g->furniture = true;
	/* Laid out from (0, 0), then moved where there is room once its size is known. */
	legend l = { b, g, pad, pad, 0, b->theme->label_size * b->k * 0.9, 0 };
	if (!pst_new_item(g, "changes-legend", "box", "")) /* item 0; its rectangle comes last */
		return POSTURE_ENOMEM;
	char title[600];
	snprintf(title, sizeof(title), "Changes since %s",
	         b->diff_label ? b->diff_label : "the old version");
	int rc = legend_text(&l, "changes-legend-title", title, l.x, true);
	static const char *const words[] = { "Added (%zu)", "Removed: where it was (%zu)",
		                             "Moved: from where it was (%zu)",
		                             "Changed: properties or citations (%zu)" };
	for (int k = 0; rc == POSTURE_OK && k < 4; k++) {
		if (!count[k])
			continue;
		char text[96];
		snprintf(text, sizeof(text), words[k], count[k]);
		rc = legend_row(&l, k, text);
	}
	if (!count[0] && !count[1] && !count[2] && !count[3] && rc == POSTURE_OK)
		rc = legend_text(&l, "changes-legend-none", "No differences", l.x, false);
	if (rc != POSTURE_OK)
		return rc;
	double w = l.w + 2 * pad, h = l.y + pad, x0, y0;
	g->box = (pst_box){ 0, 0, 0, 0 };
	find_room(b, g, w, h, &x0, &y0);
	shift_items(g, x0, y0);
	g->box = (pst_box){ x0, y0, x0 + w, y0 + h };
	pst_item *box = &g->items[0];
	box->closed = true;
	box->style.fill = b->theme->panel_fill;
	const double xy[] = { x0, y0, x0 + w, y0, x0 + w, y0 + h, x0, y0 + h };
	return pst_item_add_part(box, xy, 4);
}
