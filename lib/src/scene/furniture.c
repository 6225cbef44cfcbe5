/*
 * furniture.c — what a map needs besides its data: title (with subtitle and
 * "as of" date), legend with scale bar, north arrow, numbered sources and
 * credit (the locator inset is in inset.c).  Each piece is a furniture
 * group of ordinary items (a quiet box, swatches, lines, text), drawn after
 * the map's labels, which keep clear of it.
 *
 * Pieces are built as panels: a list of rows (text, legend swatch, scale
 * bar) that is measured first and then placed.  In layout `map` the panels
 * sit in the corners of the page, over the map; in layout `handout` the page
 * is paper-sized, the title goes above the map and the legend and sources
 * below it; in layout `bare` there is no furniture at all.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <geodesic.h>

#include "builder.h"
#include "layers/filter.h"
#include "layers/cite.h"
#include "shapes/shapefile.h"

#define MAX_ROWS 96
#define FURNITURE_MIN_PT 7.0 /* no furniture text is smaller, at any page size */
#define LEGEND_WRAP_EM 16.0 /* a legend row longer than this many ems goes onto two lines */
#define FURNITURE_MAX_COVER 0.25 /* share of the frame the map layout's furniture may cover */

typedef enum { ROW_TEXT, ROW_SYMBOL, ROW_LINE, ROW_SCALE } row_kind;

typedef struct {
	row_kind kind;
	pst_label *label;      /* text of the row (owned until emitted) */
	double tw, th;         /* text size */
	double line_h;         /* height of its first line (the swatch sits beside it) */
	pst_item swatch;       /* ROW_SYMBOL / ROW_LINE: the look to copy (style, symbol) */
	const char *link;      /* URL the row's text links to (borrowed from the scene), or NULL */
	char id[96];           /* id of its text ("air-base"; its swatch "air-base-swatch"), or "" */
	double km;             /* ROW_SCALE: bar length in km */
	double bar;            /* ROW_SCALE: bar length in pt */
	bool middle;           /* ROW_SCALE: the half-way distance is labelled too */
	double w, h;           /* row size */
	double x, y;           /* where it sits in its panel, from the inner top-left corner */
	bool heading;          /* stays in the column of the row after it */
} row;

typedef struct {
	row rows[MAX_ROWS];
	size_t n;
	double pad, gap;       /* inner margin, space between rows */
	double swatch_w;       /* width of the swatch column (0: none) */
	double w, h;           /* measured size */
} panel;

/* --- building panels ------------------------------------------------------- */

static void panel_init(panel *p, builder *b)
{
	memset(p, 0, sizeof(*p));
	p->pad = 6 * b->k;
	p->gap = 2 * b->k;
}

static void panel_free(panel *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->rows[i].label)
			free(p->rows[i].label->text);
		free(p->rows[i].label);
	}
	p->n = 0;
}

static row *panel_row(panel *p, builder *b, row_kind kind, const char *text, bool bold,
                      double size, pst_rgba color, double wrap)
{
	if (p->n == MAX_ROWS)
		return NULL;
	row *r = &p->rows[p->n];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	if (text) {
		double pt = b->fold >= 4 ? 0.8 * size : size; /* the last fold: smaller type */
		r->label = pst_new_label(b, text, bold, fmax(pt, FURNITURE_MIN_PT), color);
		if (!r->label)
			return NULL;
		pst_text_measure(b->text, r->label, &r->tw, &r->line_h); /* on one line */
		r->th = r->line_h;
		r->label->wrap = wrap;
		if (wrap > 0 && r->tw > wrap)
			pst_text_measure(b->text, r->label, &r->tw, &r->th);
	}
	p->n++;
	return r;
}

/* Rows one under the other: each row's size and place, the panel's size. */
static void panel_measure(panel *p)
{
	p->w = p->h = 0;
	for (size_t i = 0; i < p->n; i++) {
		row *r = &p->rows[i];
		double lead = (r->kind == ROW_SYMBOL || r->kind == ROW_LINE) ? p->swatch_w : 0;
		r->w = r->kind == ROW_SCALE ? fmax(r->bar, r->tw) : lead + r->tw;
		r->h = r->kind == ROW_SCALE ? r->th * 2.2 : r->th;
		r->x = 0;
		r->y = p->h + (i ? p->gap : 0);
		p->w = fmax(p->w, r->w);
		p->h = r->y + r->h;
	}
	p->w += 2 * p->pad;
	p->h += 2 * p->pad;
}

/* Whether row @p i, at @p y in a column @p col_h tall, starts the next column. */
static bool column_break(const panel *p, size_t i, double y, double col_h)
{
	double need = p->rows[i].h;
	if (p->rows[i].heading && i + 1 < p->n) /* a heading goes with its first row */
		need += p->gap + p->rows[i + 1].h;
	return y > 0 && y + p->gap + need > col_h;
}

/* Whether the rows fit @p n_cols columns no taller than @p col_h (rows stay whole). */
static bool flow_fits(const panel *p, int n_cols, double col_h)
{
	int col = 0;
	double y = 0;
	for (size_t i = 0; i < p->n; i++) {
		double h = p->rows[i].h;
		if (column_break(p, i, y, col_h)) {
			col++;
			y = 0;
		}
		y += (y > 0 ? p->gap : 0) + h;
		if (h > col_h || col >= n_cols)
			return false;
	}
	return true;
}

/*
 * The measured rows of @p p flowed into @p n_cols columns @p col_w wide,
 * @p col_gap apart, as short as they can be (newspaper columns: top to
 * bottom, then the next column).  Any furniture panel can be laid out so.
 */
static void panel_flow(panel *p, int n_cols, double col_w, double col_gap)
{
	panel_measure(p);
	double total = p->h - 2 * p->pad, col_h = total / n_cols;
	while (!flow_fits(p, n_cols, col_h) && col_h < total)
		col_h += 1;
	int col = 0;
	double y = 0, h = 0;
	for (size_t i = 0; i < p->n; i++) {
		row *r = &p->rows[i];
		if (column_break(p, i, y, col_h)) {
			col++;
			y = 0;
		}
		r->x = col * (col_w + col_gap);
		r->y = y + (y > 0 ? p->gap : 0);
		y = r->y + r->h;
		h = fmax(h, y);
	}
	p->w = n_cols * col_w + (n_cols - 1) * col_gap + 2 * p->pad;
	p->h = h + 2 * p->pad;
}

/* --- emitting panels --------------------------------------------------------- */

pst_item *pst_new_item(pst_group *g, const char *id, const char *kind, const char *name)
{
	pst_item *it = pst_group_add_item(g);
	if (!it)
		return NULL;
	it->id = pst_strdup(id);
	it->kind = pst_strdup(kind);
	it->name = pst_strdup(name);
	return it->id && it->kind && it->name ? it : NULL;
}

/* Text item @p id in @p g, placed at (x, y): it takes @p label, which is
 * freed if the item cannot be added. */
static int add_text(pst_group *g, const char *id, pst_label *label, double x, double y, double w,
                    double h)
{
	pst_item *it = pst_new_item(g, id, "text", label->text);
	if (!it) {
		free(label->text);
		free(label);
		return POSTURE_ENOMEM;
	}
	pst_place_label(label, x, y, w, h);
	it->label = label;
	return POSTURE_OK;
}

/* The last item added to @p g links to @p url. */
static int set_link(pst_group *g, const char *url)
{
	if (!url)
		return POSTURE_OK;
	pst_item *it = &g->items[g->n_items - 1];
	it->link = pst_strdup(url);
	return it->link ? POSTURE_OK : POSTURE_ENOMEM;
}

int pst_add_rect(pst_group *g, const char *id, const char *kind, pst_box r, pst_style style)
{
	pst_item *it = pst_new_item(g, id, kind, "");
	if (!it)
		return POSTURE_ENOMEM;
	it->closed = true;
	it->style = style;
	const double xy[] = { r.x0, r.y0, r.x1, r.y0, r.x1, r.y1, r.x0, r.y1 };
	return pst_item_add_part(it, xy, 4);
}

static int add_segment(pst_group *g, const char *id, double x0, double y0, double x1, double y1,
                       pst_style style)
{
	pst_item *it = pst_new_item(g, id, "line", "");
	if (!it)
		return POSTURE_ENOMEM;
	it->style = style;
	const double xy[] = { x0, y0, x1, y1 };
	return pst_item_add_part(it, xy, 2);
}

static int emit_swatch(pst_group *g, const char *id, const row *r, double x, double cy,
                       double width)
{
	if (r->kind == ROW_LINE) {
		int rc = add_segment(g, id, x, cy, x + width * 0.8, cy, r->swatch.style);
		pst_item *it = rc == POSTURE_OK ? &g->items[g->n_items - 1] : NULL;
		if (it && r->swatch.kind) { /* the kind of line it stands for */
			free(it->kind);
			if (!(it->kind = pst_strdup(r->swatch.kind)))
				rc = POSTURE_ENOMEM;
		}
		return rc;
	}
	pst_item *it = pst_new_item(g, id, r->swatch.kind ? r->swatch.kind : "symbol", "");
	if (!it)
		return POSTURE_ENOMEM;
	it->style = r->swatch.style;
	it->has_anchor = true;
	it->symbol = r->swatch.symbol;
	it->symbol_half = r->swatch.symbol_half;
	it->symbol_size = r->swatch.symbol_size;
	it->ax = x + width * 0.4;
	it->ay = cy;
	double h = it->symbol_size / 2 + it->style.stroke_width / 2;
	it->symbol_box = (pst_box){ it->ax - h, it->ay - h, it->ax + h, it->ay + h };
	return POSTURE_OK;
}

/* The scale bar: four segments, dark and light in turn, with distances below. */
static int emit_scale(builder *b, pst_group *g, row *r, double x, double y)
{
	double bar_h = fmax(r->th * 0.35, 2), seg = r->bar / 4;
	pst_style dark = { .fill = b->theme->label_color, .stroke = b->theme->label_color,
		           .stroke_width = 0.5 * b->k };
	pst_style light = dark;
	light.fill = (pst_rgba){ 1, 1, 1, 1 };
	int rc = POSTURE_OK;
	for (int i = 0; i < 4 && rc == POSTURE_OK; i++) {
		char id[32];
		snprintf(id, sizeof(id), "scale-bar-%d", i + 1);
		pst_box seg_box = { x + i * seg, y, x + (i + 1) * seg, y + bar_h };
		rc = pst_add_rect(g, id, "scale-bar", seg_box, i % 2 ? light : dark);
	}
	const double marks[3] = { 0, r->km / 2, r->km };
	for (int i = 0; i < 3 && rc == POSTURE_OK; i++) {
		char text[48], id[32];
		if (i == 1 && !r->middle)
			continue; /* no room for the half-way distance */
		if (i == 2)
			snprintf(text, sizeof(text), "%g km", marks[i]);
		else
			snprintf(text, sizeof(text), "%g", marks[i]);
		pst_label *l = pst_new_label(b, text, false, r->label->size, r->label->color);
		if (!l)
			return POSTURE_ENOMEM;
		double w, h;
		pst_text_measure(b->text, l, &w, &h);
		double cx = x + i * r->bar / 2;
		double lx = i == 0 ? cx : i == 1 ? cx - w / 2 : cx - w; /* inside the bar's ends */
		snprintf(id, sizeof(id), "scale-%d", i + 1);
		rc = add_text(g, id, l, lx, y + bar_h + 0.15 * h, w, h);
	}
	return rc;
}

/* Place panel @p p with its top-left corner at (x, y) as furniture group @p name. */
static int emit_panel(builder *b, panel *p, const char *name, const char *title, double x,
                      double y, bool boxed)
{
	pst_group *g = pst_scene_add_group(b->scene, name, title);
	if (!g)
		return POSTURE_ENOMEM;
	g->furniture = true;
	g->box = (pst_box){ x, y, x + p->w, y + p->h };
	pst_style box = { .fill = b->theme->panel_fill };
	int rc = boxed ? pst_add_rect(g, name, "box", g->box, box) : POSTURE_OK;
	for (size_t i = 0; i < p->n && rc == POSTURE_OK; i++) {
		row *r = &p->rows[i];
		double cy = y + p->pad + r->y;
		char id[112];
		if (r->id[0])
			snprintf(id, sizeof(id), "%s", r->id);
		else
			snprintf(id, sizeof(id), "%s-%zu", name, i + 1);
		double tx = x + p->pad + r->x;
		if (r->kind == ROW_SYMBOL || r->kind == ROW_LINE) {
			char sid[128];
			snprintf(sid, sizeof(sid), "%s-swatch", id);
			rc = emit_swatch(g, sid, r, tx, cy + r->line_h / 2, p->swatch_w);
			tx += p->swatch_w;
		}
		if (rc == POSTURE_OK && r->kind == ROW_SCALE) {
			rc = emit_scale(b, g, r, tx, cy);
			free(r->label->text);
			free(r->label);
			r->label = NULL;
		} else if (rc == POSTURE_OK) {
			rc = add_text(g, id, r->label, tx, cy, r->tw, r->th);
			r->label = NULL; /* the group owns it now, or it is gone */
			if (rc == POSTURE_OK)
				rc = set_link(g, r->link);
		}
	}
	return rc;
}

/* --- content ---------------------------------------------------------------- */

static const char *const month_names[] = { "January", "February", "March",     "April",
	                                   "May",     "June",     "July",      "August",
	                                   "September", "October", "November", "December" };

/* "6 November 2019", "November 2019" or "2019" from an ISO date (or the end of an interval). */
static void human_date(char *out, size_t n, const char *iso)
{
	const char *slash = strchr(iso, '/');
	const char *d = slash ? slash + 1 : iso;
	int y = 0, m = 0, day = 0;
	int got = sscanf(d, "%d-%d-%d", &y, &m, &day);
	if (got >= 3 && m >= 1 && m <= 12)
		snprintf(out, n, "%d %s %d", day, month_names[m - 1], y);
	else if (got == 2 && m >= 1 && m <= 12)
		snprintf(out, n, "%s %d", month_names[m - 1], y);
	else
		snprintf(out, n, "%d", y);
}

/*
 * The map's "as of" date: its `date`, else the latest incident date; NULL when
 * neither.  The walk over the incidents is made once a pass (the title panel is
 * measured several times while the furniture folds; a million incidents take
 * tens of milliseconds each time).
 */
const char *pst_as_of(builder *b)
{
	if (b->map->date)
		return b->map->date;
	if (b->as_of_known)
		return b->as_of;
	const char *latest = NULL;
	int latest_day = 0;
	for (size_t l = 0; b->data && l < b->data->n_layers; l++) {
		const pst_layer *layer = &b->data->layers[l];
		for (size_t i = 0; layer->type == PST_LAYER_INCIDENTS && i < layer->n_features; i++) {
			const pst_feature *f = &layer->features[i];
			if (f->date && (!latest || f->date_to > latest_day)) {
				latest = f->date;
				latest_day = f->date_to;
			}
		}
	}
	b->as_of_known = b->data != NULL; /* read before the data is loaded: not kept */
	b->as_of = latest;
	return latest;
}

/*
 * The title's date line: "As of November 2019", or, when the map's filter
 * leaves items out, what it kept — "Incidents from March to June 2015;
 * places left out" (a date range replaces the "as of" date, which it
 * says better).  Caller frees; "" when there is nothing to say.
 */
static char *as_of_line(builder *b)
{
	pst_buf line;
	pst_buf_init(&line);
	const char *date = pst_as_of(b);
	if (date && !pst_filter_has_dates(b->map->filter)) {
		char human[64];
		human_date(human, sizeof(human), date);
		pst_buf_printf(&line, "As of %s", human);
	}
	if (posture_filter_is_set(b->map->filter)) {
		pst_buf_puts(&line, line.len ? " \xC2\xB7 " : "");
		pst_filter_describe(&line, b->map->filter);
	}
	pst_buf_puts(&line, "");
	if (line.failed) {
		pst_buf_free(&line);
		return NULL;
	}
	return line.data;
}

static int title_panel(builder *b, panel *p, double wrap)
{
	const pst_theme *t = b->theme;
	const posture_map *m = b->map;
	panel_init(p, b);
	if (m->title[0] && !panel_row(p, b, ROW_TEXT, m->title, true, t->title_size * b->k,
	                              t->label_color, wrap))
		return POSTURE_ENOMEM;
	if (m->subtitle[0] && b->fold < 2 &&
	    !panel_row(p, b, ROW_TEXT, m->subtitle, false, t->subtitle_size * b->k, t->muted_text,
	               wrap))
		return POSTURE_ENOMEM;
	char *line = as_of_line(b);
	if (!line)
		return POSTURE_ENOMEM;
	bool ok = !line[0] || panel_row(p, b, ROW_TEXT, line, false, t->credit_size * b->k,
	                                t->muted_text, wrap);
	free(line);
	if (!ok)
		return POSTURE_ENOMEM;
	panel_measure(p);
	return POSTURE_OK;
}

/* Legend wording of a kind. */
static const char *kind_words(const char *kind)
{
	static const char *const words[][2] = {
		{ "military-base", "Military base" },   { "air-base", "Air base" },
		{ "border-post", "Border post" },       { "attack", "Attack" },
		{ "clash", "Clash" },                   { "drill", "Drill or exercise" },
		{ "deployment", "Deployment of troops" }, { "sighting", "Troops or militants sighted" },
		{ "symbolic", "Symbolic act" },         { "agreement", "Agreement" },
		{ "statement", "Statement" },           { "meeting", "Meeting" },
		{ "capital", "Capital" },               { "city", "City" },
		{ "town", "Town" },                     { "international", "Border discussed in the sources" },
		{ "international-border", "International border" },
		{ "uncertainty", "Approximate position (along a border or in a region)" },
		{ "disputed-border", "Disputed border" },
	};
	for (size_t i = 0; i < PST_ARRAY_LEN(words); i++)
		if (!strcmp(kind, words[i][0]))
			return words[i][1];
	return NULL;
}

/* Is there already a legend row for this look?  @p area: @p it is an uncertainty disc
 * (its kind "uncertainty"), which the one disc row shows whatever its colour. */
static bool has_row(const panel *p, const pst_item *it, bool area)
{
	for (size_t i = 0; i < p->n; i++) {
		const pst_item *s = &p->rows[i].swatch;
		if (!s->kind)
			continue;
		if (area && !strcmp(s->kind, "uncertainty"))
			return true;
		const pst_rgba *a = &s->style.fill, *c = &it->style.fill;
		bool same_fill = a->r == c->r && a->g == c->g && a->b == c->b && a->a == c->a;
		const pst_rgba *d = &s->style.stroke, *e = &it->style.stroke;
		bool same_stroke = d->r == e->r && d->g == e->g && d->b == e->b;
		if (s->symbol == it->symbol && s->symbol_half == it->symbol_half && same_fill &&
		    same_stroke && s->style.stroke_width == it->style.stroke_width &&
		    (s->kind == it->kind || !strcmp(s->kind, it->kind)))
			return true;
	}
	return false;
}

/*
 * Whether @p b would find the same rows as @p a (has_row()): the same kind
 * (interned in the scene's pool, so mostly the same address), look and fill.
 */
static bool same_legend_look(const pst_item *a, const pst_item *b)
{
	const pst_rgba *f = &a->style.fill, *g = &b->style.fill;
	const pst_rgba *s = &a->style.stroke, *t = &b->style.stroke;
	return (a->kind == b->kind || !strcmp(a->kind, b->kind)) && a->symbol == b->symbol &&
	       a->symbol_half == b->symbol_half && f->r == g->r && f->g == g->g && f->b == g->b &&
	       f->a == g->a && s->r == t->r && s->g == t->g && s->b == t->b &&
	       a->style.stroke_width == b->style.stroke_width;
}

/*
 * A legend row's id from the kind it shows and its variant: "air-base",
 * "air-base-united-states" ("operated by United States"), "air-base-former";
 * lower-case letters, digits and hyphens, so SVG ids and map data keep it.
 */
static void row_id(row *r, const char *kind, const char *variant)
{
	size_t n = (size_t)snprintf(r->id, sizeof(r->id), "%s", kind);
	const char *v = variant ? variant : "";
	if (!strncmp(v, "operated by ", 12))
		v += 12;
	bool hyphen = true; /* one hyphen between words, none doubled */
	for (; *v && n + 2 < sizeof(r->id); v++) {
		char c = (char)g_ascii_tolower(*v);
		bool word = g_ascii_isalnum(c);
		if (word && hyphen && n)
			r->id[n++] = '-';
		if (word)
			r->id[n++] = c;
		hyphen = !word;
	}
	r->id[n < sizeof(r->id) ? n : sizeof(r->id) - 1] = '\0';
}

/* A legend row wider than LEGEND_WRAP_EM: lines of even length instead, so that
 * no word is left alone on the last (measured again). */
static void even_lines(builder *b, row *r)
{
	double wrap = LEGEND_WRAP_EM * r->label->size, w1 = 0, h1;
	r->label->wrap = 0;
	pst_text_measure(b->text, r->label, &w1, &h1);
	r->label->wrap = wrap;
	if (w1 <= wrap)
		return;
	double lines = ceil(w1 / wrap);
	r->label->wrap = fmin(wrap, w1 / lines + r->label->size);
	pst_text_measure(b->text, r->label, &r->tw, &r->th);
	if (r->th > lines * r->line_h * 1.01) { /* the even width took another line */
		r->label->wrap = wrap;
		pst_text_measure(b->text, r->label, &r->tw, &r->th);
	}
}

static int legend_row(panel *p, builder *b, const pst_item *it, const char *text)
{
	const pst_theme *t = b->theme;
	row *r = panel_row(p, b, it->has_anchor ? ROW_SYMBOL : ROW_LINE, text, false,
	                   t->place_size * b->k, t->label_color, 0);
	if (!r)
		return POSTURE_ENOMEM;
	even_lines(b, r);
	row_id(r, it->kind, it->variant);
	r->swatch.kind = it->kind; /* borrowed from the scene, which outlives the panel */
	r->swatch.style = it->style;
	r->swatch.symbol = it->symbol;
	r->swatch.symbol_half = it->symbol_half;
	r->swatch.symbol_size = it->symbol_size;
	return POSTURE_OK;
}

/* The swatch of imprecise positions: a translucent disc. */
static int uncertainty_row(panel *p, builder *b, const char *text)
{
	const pst_theme *t = b->theme;
	row *r = panel_row(p, b, ROW_SYMBOL, text, false, t->place_size * b->k, t->label_color, 0);
	if (!r)
		return POSTURE_ENOMEM;
	even_lines(b, r);
	r->swatch.kind = "uncertainty";
	row_id(r, "uncertainty", NULL);
	r->swatch.symbol = PST_SYMBOL_CIRCLE;
	r->swatch.symbol_size = 12 * b->k;
	r->swatch.style.fill = t->muted_text;
	r->swatch.style.fill.a = t->uncertainty_alpha * 1.5;
	return POSTURE_OK;
}

/*
 * legend_candidates() for compact group @p d: its records in item order (a
 * disc, then its point), each standing for its look's prototype, which
 * carries every field a legend row reads.  A look met once is settled: it
 * was kept or matched an earlier one, and will be again.  False when out of
 * memory.
 */
static bool dense_candidates(const pst_dense *d, const pst_item **looks, size_t *n_looks,
                             const pst_item **out, size_t *n, size_t max)
{
	enum { N_LOOKS = 64 };
	bool *settled = calloc(d->n_looks + 1, sizeof(bool));
	if (!settled)
		return false;
	for (size_t r = 0; r < 2 * d->n && *n < max; r++) {
		const pst_dense_point *p = &d->pts[r / 2];
		if (r % 2 == 0 && !p->disc)
			continue;
		size_t look = r % 2 ? p->look : p->disc - 1;
		const pst_item *it = &d->looks[look];
		if (settled[look] && *n_looks < N_LOOKS)
			continue;
		settled[look] = true;
		bool symbol = it->has_anchor && it->symbol != PST_SYMBOL_NONE;
		bool area = !strcmp(it->kind, "uncertainty"); /* a disc (no line in a compact layer) */
		if (!(symbol || area) || !kind_words(it->kind))
			continue;
		size_t k = 0;
		while (k < *n_looks && !(looks[k]->priority == it->priority &&
		                         same_legend_look(looks[k], it)))
			k++;
		if (k < *n_looks)
			continue;
		if (*n_looks < N_LOOKS)
			looks[(*n_looks)++] = it;
		out[(*n)++] = it;
	}
	free(settled);
	return true;
}

/*
 * Items that may get a legend row, most important first (stable within a priority);
 * (size_t)-1 when out of memory.  Of the items of one legend look and priority only
 * the first is kept: legend_rows() makes a row from the first item of a look and
 * passes over every later one (has_row() finds that row, or the same reason to skip
 * holds), and the first in the sorted order is the first of its look's highest
 * priority; so a dense layer gives a few candidates instead of one per symbol.
 */
static size_t legend_candidates(const posture_scene *s, const pst_item **out, size_t max)
{
	enum { N_LOOKS = 64 };
	const pst_item *looks[N_LOOKS]; /* the first item of each look and priority met */
	size_t n = 0, n_looks = 0;
	const char *kind = NULL; /* the last kind looked up (kinds are interned: runs of one address) */
	bool area = false, words = false;
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items && n < max; i++) {
			const pst_item *it = &s->groups[g].items[i];
			bool symbol = it->has_anchor && it->symbol != PST_SYMBOL_NONE;
			bool line = !it->has_anchor && !it->closed && it->n_parts;
			if (it->kind != kind) {
				kind = it->kind;
				area = !strcmp(kind, "uncertainty");
				words = kind_words(kind) != NULL;
			}
			if (!(symbol || line || area) || !words)
				continue;
			size_t k = 0;
			while (k < n_looks && !(looks[k]->priority == it->priority &&
			                        same_legend_look(looks[k], it)))
				k++;
			if (k < n_looks)
				continue;
			if (n_looks < N_LOOKS) /* (past N_LOOKS looks every item is kept) */
				looks[n_looks++] = it;
			out[n++] = it;
		}
		const pst_dense *d = s->groups[g].furniture ? NULL : s->groups[g].dense;
		if (d && !dense_candidates(d, looks, &n_looks, out, &n, max))
			return (size_t)-1;
	}
	return pst_sort_by_priority((const pst_item **)out, n) == POSTURE_OK ? n : (size_t)-1;
}

/* Kinds a folded legend leaves out: reference places and plain borders, named on the map. */
static bool reference_kind(const char *kind)
{
	static const char *const kinds[] = { "capital", "city", "town", "international-border" };
	for (size_t i = 0; i < PST_ARRAY_LEN(kinds); i++)
		if (!strcmp(kind, kinds[i]))
			return true;
	return false;
}

/* The legend's candidates (legend_candidates()) in *out (caller frees), their count in *n. */
static int legend_list(const pst_item ***out, size_t *n, const posture_scene *s)
{
	size_t cap = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		cap += pst_group_count(&s->groups[g]);
	*n = 0;
	*out = malloc((cap + 1) * sizeof(**out));
	if (!*out)
		return POSTURE_ENOMEM;
	size_t found = legend_candidates(s, *out, cap);
	if (found == (size_t)-1) {
		free(*out);
		*out = NULL;
		return POSTURE_ENOMEM;
	}
	*n = found;
	return POSTURE_OK;
}

/* Rows for every kind actually drawn, most important first. */
static int legend_rows(panel *p, builder *b)
{
	const pst_item **items = b->legend_items; /* found once by pst_add_furniture() */
	size_t n = b->n_legend_items;
	int rc = items ? POSTURE_OK : legend_list(&items, &n, b->scene);
	const pst_item *prev = NULL; /* the item before: one of the same look has its row by now */
	const char *kind = NULL;     /* the last kind seen (interned: runs of one address) */
	bool area = false;           /* it is "uncertainty" */
	for (size_t i = 0; i < n && rc == POSTURE_OK; i++) {
		const pst_item *it = items[i];
		bool again = prev && same_legend_look(prev, it);
		prev = it;
		if (it->kind != kind)
			area = !strcmp(kind = it->kind, "uncertainty");
		if (again || has_row(p, it, area) || (b->fold >= 2 && reference_kind(it->kind)))
			continue;
		const char *text = kind_words(it->kind);
		char *full = it->variant && it->variant[0] ? pst_asprintf("%s, %s", text, it->variant)
		                                           : NULL;
		if (it->variant && it->variant[0] && !full)
			rc = POSTURE_ENOMEM;
		else
			rc = area
			             ? uncertainty_row(p, b, b->fold >= 2 ? "Approximate position" : text)
			                                      : legend_row(p, b, it, full ? full : text);
		free(full);
	}
	if (items != b->legend_items)
		free(items);
	return rc;
}

/* Kilometres per page point at the centre of the map, along the page's x axis. */
static double km_per_pt(builder *b)
{
	const posture_scene *s = b->scene;
	double cx = (s->map_box.x0 + s->map_box.x1) / 2, cy = (s->map_box.y0 + s->map_box.y1) / 2;
	double d = 50; /* pt */
	double x[2] = { s->frame[0] + (cx - s->map_box.x0) / s->pt_per_unit,
		        s->frame[0] + (cx + d - s->map_box.x0) / s->pt_per_unit };
	double y[2] = { s->frame[3] - (cy - s->map_box.y0) / s->pt_per_unit,
		        s->frame[3] - (cy - s->map_box.y0) / s->pt_per_unit };
	if (pst_proj_trans(b->proj, true, x, y, 2) != POSTURE_OK || x[0] == HUGE_VAL ||
	    x[1] == HUGE_VAL)
		return 0;
	struct geod_geodesic geod;
	geod_init(&geod, 6378137.0, 1 / 298.257223563);
	double metres;
	geod_inverse(&geod, y[0], x[0], y[1], x[1], &metres, NULL, NULL);
	return metres / 1000.0 / d;
}

static double text_width(builder *b, const char *text, double size)
{
	pst_label *l = pst_new_label(b, text, false, size, b->theme->label_color);
	double w = 0, h;
	if (l)
		pst_text_measure(b->text, l, &w, &h);
	if (l)
		free(l->text);
	free(l);
	return w;
}

/*
 * Whether the distances under a bar @p bar pt long for @p km fit with room
 * between them (an em of @p size): "0" at the left end, "km" right-aligned
 * at the right end, and with @p middle the half-way distance centred.
 */
static bool scale_labels_fit(builder *b, double km, double bar, double size, bool middle)
{
	char mid[48], end[48];
	snprintf(mid, sizeof(mid), "%g", km / 2);
	snprintf(end, sizeof(end), "%g km", km);
	double w0 = text_width(b, "0", size), wm = text_width(b, mid, size);
	double we = text_width(b, end, size), room = size;
	if (!middle)
		return w0 + room <= bar - we;
	return bar / 2 - wm / 2 >= w0 + room && bar / 2 + wm / 2 + room <= bar - we;
}

/*
 * A round bar length (1, 2 or 5 × 10^n km) no longer than @p max_pt whose
 * distances have room between them: the longest with the half-way mark
 * labelled, else the longest with only its ends labelled, else the shortest
 * whose ends fit (a little longer than @p max_pt).
 */
static int scale_row(panel *p, builder *b, double max_pt)
{
	double kpp = km_per_pt(b);
	if (!(kpp > 0))
		return POSTURE_OK; /* scale unknown here: no bar rather than a wrong one */
	const pst_theme *t = b->theme;
	double size = t->credit_size * b->k, km = 0, shortest = 0;
	bool middle = false;
	for (double e = 1e-3; e < 1e5; e *= 10) {
		for (int k = 0; k < 3; k++) {
			double cand = e * (k == 0 ? 1 : k == 1 ? 2 : 5), bar = cand / kpp;
			bool ends = scale_labels_fit(b, cand, bar, size, false);
			if (ends && !shortest)
				shortest = cand;
			if (bar > max_pt || !ends)
				continue;
			bool mid = scale_labels_fit(b, cand, bar, size, true);
			if (mid || !middle) {
				km = cand;
				middle = mid;
			}
		}
	}
	if (!km)
		km = shortest;
	if (!km)
		return POSTURE_OK;
	row *r = panel_row(p, b, ROW_SCALE, "0", false, size, t->label_color, 0);
	if (!r)
		return POSTURE_ENOMEM;
	r->km = km;
	r->bar = km / kpp;
	r->middle = middle;
	if (b->fold >= 2)
		return POSTURE_OK; /* folded: the note goes */
	r = panel_row(p, b, ROW_TEXT, "Scale true at the map's centre", false,
	              t->credit_size * b->k, t->muted_text, 0);
	if (r)
		snprintf(r->id, sizeof(r->id), "scale-note");
	return r ? POSTURE_OK : POSTURE_ENOMEM;
}

static int legend_panel(builder *b, panel *p)
{
	panel_init(p, b);
	p->swatch_w = 16 * b->k;
	const pst_theme *t = b->theme;
	row *head = panel_row(p, b, ROW_TEXT, "Legend", true, t->place_size * b->k, t->label_color, 0);
	if (head)
		snprintf(head->id, sizeof(head->id), "heading");
	int rc = head ? legend_rows(p, b) : POSTURE_ENOMEM;
	if (rc == POSTURE_OK)
		rc = scale_row(p, b, 0.2 * (b->scene->map_box.x1 - b->scene->map_box.x0));
	panel_measure(p);
	return rc;
}

static const char credit_text[] =
	"Base geography: Natural Earth 4.1.0 (public domain); rivers and lakes: GSHHG/WDBII 2.3.7, "
	"which shows the Aral Sea at its historical shoreline \xC2\xB7 Map: posture";

/*
 * "Not on the map": the items the sources place nowhere precise enough to
 * draw, each with its country and citation marker, so the map says what it
 * leaves out (rows of panel @p p, before the sources).
 */
static int unplaced_rows(builder *b, panel *p, double wrap)
{
	const pst_group *g = pst_scene_group(b->scene, "not-on-map");
	const pst_theme *t = b->theme;
	if (!g || !g->n_items)
		return POSTURE_OK;
	if (b->fold >= 1 || !strcmp(b->map->layout, "map")) { /* on the map (or folded): one paragraph */
		pst_buf line;
		pst_buf_init(&line);
		pst_buf_puts(&line, "Not on the map (no site in the sources): ");
		for (size_t i = 0; i < g->n_items; i++) {
			char *mk = pst_citation_marker(b, &g->items[i]);
			pst_buf_printf(&line, "%s%s%s", i ? "; " : "", g->items[i].name, mk ? mk : "");
			free(mk);
		}
		row *one = line.failed ? NULL : panel_row(p, b, ROW_TEXT, line.data, false,
		                                          t->credit_size * b->k, t->label_color, wrap);
		if (one)
			snprintf(one->id, sizeof(one->id), "not-on-map");
		pst_buf_free(&line);
		return one ? POSTURE_OK : POSTURE_ENOMEM;
	}
	row *r = panel_row(p, b, ROW_TEXT, "Not on the map (the sources give no site)", true,
	                   t->credit_size * b->k, t->label_color, wrap);
	if (!r)
		return POSTURE_ENOMEM;
	snprintf(r->id, sizeof(r->id), "not-on-map");
	r->heading = true;
	for (size_t i = 0; i < g->n_items; i++) {
		const pst_item *it = &g->items[i];
		char *mk = pst_citation_marker(b, it);
		char *text = mk ? pst_asprintf("%s%s%s%s", it->name, it->country ? " (" : "",
		                               it->country ? it->country : "", it->country ? ")" : "")
		                : NULL;
		char *full = text ? pst_asprintf("%s%s", text, mk) : NULL;
		r = full ? panel_row(p, b, ROW_TEXT, full, false, t->credit_size * b->k, t->label_color,
		                     wrap)
		         : NULL;
		if (r)
			snprintf(r->id, sizeof(r->id), "not-on-map--%.80s", it->id);
		free(mk);
		free(text);
		free(full);
		if (!r)
			return POSTURE_ENOMEM;
	}
	return POSTURE_OK;
}

static const char credit_short[] =
	"Base geography: Natural Earth; GSHHG/WDBII \xC2\xB7 Map: posture";

/* The numbered source list the markers point to, then the credit line. */
static int sources_panel(builder *b, panel *p, double wrap)
{
	const posture_scene *s = b->scene;
	const pst_theme *t = b->theme;
	panel_init(p, b);
	if (unplaced_rows(b, p, wrap) != POSTURE_OK)
		return POSTURE_ENOMEM;
	bool list = strcmp(s->citations, "none") != 0 && s->n_sources;
	row *head = list ? panel_row(p, b, ROW_TEXT, "Sources", true, t->credit_size * b->k,
	                             t->label_color, wrap)
	                 : NULL;
	if (list && !head)
		return POSTURE_ENOMEM;
	if (head) {
		head->heading = true;
		snprintf(head->id, sizeof(head->id), "heading");
	}
	for (size_t i = 0; list && i < s->n_sources; i++) {
		const pst_scene_source *src = &s->sources[i];
		const pst_source *data_src = b->fold >= 1 ? pst_data_source(b->data, src->id) : NULL;
		char *brief = data_src ? pst_cite_short(data_src->csl, src->locators) : NULL;
		char *text = brief ? pst_asprintf("[%d] %s", src->number, brief) /* folded: one line */
		                   : pst_asprintf("[%d] %s Cited: %s.%s%s", src->number, src->text,
		                                  src->locators, src->url ? " " : "",
		                                  src->url ? src->url : "");
		free(brief);
		row *r = text ? panel_row(p, b, ROW_TEXT, text, false, t->credit_size * b->k,
		                          t->label_color, wrap)
		              : NULL;
		free(text);
		if (!r)
			return POSTURE_ENOMEM;
		r->link = src->url;
	}
	if (!panel_row(p, b, ROW_TEXT, b->fold >= 1 ? credit_short : credit_text, false,
	               t->credit_size * b->k, t->muted_text, wrap))
		return POSTURE_ENOMEM;
	panel_measure(p);
	return POSTURE_OK;
}

/* --- north ------------------------------------------------------------------------- */

/* Direction of north at page point (x, y): radians clockwise from straight up. */
static bool north_angle(builder *b, double x, double y, double *angle)
{
	const posture_scene *s = b->scene;
	double px[2] = { s->frame[0] + (x - s->map_box.x0) / s->pt_per_unit, 0 };
	double py[2] = { s->frame[3] - (y - s->map_box.y0) / s->pt_per_unit, 0 };
	if (pst_proj_trans(b->proj, true, px, py, 1) != POSTURE_OK || px[0] == HUGE_VAL)
		return false;
	px[1] = px[0];
	py[1] = fmin(py[0] + 0.5, 89.9);
	py[0] = py[1] - 0.5;
	if (pst_proj_trans(b->proj, false, px, py, 2) != POSTURE_OK || px[1] == HUGE_VAL)
		return false;
	*angle = atan2(px[1] - px[0], py[1] - py[0]); /* map units: y up */
	return true;
}

/*
 * Without a graticule, a north arrow where north is not straight up across
 * the whole map (more than a degree off at a corner): it points to north at
 * the map's centre.
 */
static int add_north(builder *b, double x, double y)
{
	const pst_box *mb = &b->scene->map_box;
	double worst = 0, a, centre;
	const double corners[4][2] = { { mb->x0, mb->y0 }, { mb->x1, mb->y0 }, { mb->x0, mb->y1 },
		                       { mb->x1, mb->y1 } };
	for (int i = 0; i < 4; i++)
		if (north_angle(b, corners[i][0], corners[i][1], &a))
			worst = fmax(worst, fabs(a));
	if (b->map->graticule || worst < PST_PI / 180 ||
	    !north_angle(b, (mb->x0 + mb->x1) / 2, (mb->y0 + mb->y1) / 2, &centre))
		return POSTURE_OK;
	double r = 12 * b->k, cx = x + r, cy = y + r * 1.6;
	pst_group *g = pst_scene_add_group(b->scene, "north", "North");
	if (!g)
		return POSTURE_ENOMEM;
	g->furniture = true;
	g->box = (pst_box){ x, y, x + 2 * r, y + 3 * r };
	pst_item *it = pst_new_item(g, "north-arrow", "north-arrow", "north");
	if (!it)
		return POSTURE_ENOMEM;
	it->closed = true;
	it->style.fill = b->theme->label_color;
	const double shape[4][2] = { { 0, -r }, { 0.45 * r, r * 0.7 }, { 0, r * 0.35 },
		                     { -0.45 * r, r * 0.7 } };
	double xy[8];
	for (int i = 0; i < 4; i++) { /* rotate clockwise by the angle of north */
		xy[2 * i] = cx + shape[i][0] * cos(centre) - shape[i][1] * sin(centre);
		xy[2 * i + 1] = cy + shape[i][0] * sin(centre) + shape[i][1] * cos(centre);
	}
	int rc = pst_item_add_part(it, xy, 4);
	pst_label *n = rc == POSTURE_OK ? pst_new_label(b, "N", true, b->theme->place_size * b->k,
	                                                b->theme->label_color)
	                                : NULL;
	if (!n)
		return POSTURE_ENOMEM;
	double w, h;
	pst_text_measure(b->text, n, &w, &h);
	return add_text(g, "north-n", n, cx - w / 2, y - h * 0.2, w, h);
}

/* --- layouts ---------------------------------------------------------------------- */

/* Layout map: past this many points in the extent, the furniture over the
 * frame would hide dozens of symbols; it goes into a column beside it. */
#define BESIDE_POINTS 250
/* Past as many points, symbols are drawn smaller so that they leave room for
 * one another and for their keys (the legend's swatches with them); in two
 * steps, so that an added point seldom changes every symbol. */
#define BUSY_SCALE 0.7
#define CROWDED_POINTS 600
#define CROWDED_SCALE 0.5
#define CROWDED_KEY_SCALE 0.85 /* …and past CROWDED_POINTS, keys too (of 1,000 scattered
                                  incidents, 8 had no room for a key at full size) */
#define BESIDE_SHARE 0.24  /* the column's share of the page's width… */
#define BESIDE_MIN_PT 220.0 /* …and its least width, in points at the page's size factor */
#define HANDOUT_MARGIN 36.0 /* pt: half an inch, over the 12 mm a photocopier needs */
#define HANDOUT_GAP 8.0     /* pt between the title, the map and the sources */
#define SOURCES_COLUMN 220.0 /* pt: the narrowest column of sources under a handout map */
#define HANDOUT_COLUMN_SHARE 0.2 /* a crowded handout's column beside the map, of the page's width… */
#define HANDOUT_COLUMN_MIN 150.0 /* …and its least width, pt */

/* 1 for a paper that names landscape, 0 portrait, -1 when the map decides. */
static int paper_orientation(const char *paper)
{
	return strstr(paper, "landscape") ? 1 : strstr(paper, "portrait") ? 0 : -1;
}

static void paper_size(const char *paper, bool landscape, double *w, double *h)
{
	bool letter = !strncmp(paper, "letter", 6);
	double pw = letter ? 612 : 595.276, ph = letter ? 792 : 841.89;
	*w = landscape ? ph : pw;
	*h = landscape ? pw : ph;
}

/* The handout's sources (and "Not on the map") in columns across @p width. */
static int sources_columns(builder *b, panel *p, double width)
{
	int n_cols = (int)fmax(1, floor((width + 2 * HANDOUT_GAP) / (SOURCES_COLUMN + 2 * HANDOUT_GAP)));
	double col_w = (width - (n_cols - 1) * 2 * HANDOUT_GAP) / n_cols;
	int rc = sources_panel(b, p, col_w);
	if (rc == POSTURE_OK)
		panel_flow(p, n_cols, col_w, 2 * HANDOUT_GAP);
	return rc;
}

/* The width of a crowded handout's column beside the map, on a page @p width wide. */
static double handout_column(double width)
{
	return fmax(HANDOUT_COLUMN_SHARE * width, HANDOUT_COLUMN_MIN);
}

/* Where the map sits on a handout page of the current size (@p beside: a
 * crowded map, its furniture in a column on the right). */
static pst_box handout_map_box(const posture_scene *s, double title_h, double sources_h, double pad,
                               bool beside)
{
	double top = HANDOUT_MARGIN - pad + title_h + HANDOUT_GAP / 2;
	double bottom = s->height - HANDOUT_MARGIN - sources_h + pad - HANDOUT_GAP;
	double right = s->width - HANDOUT_MARGIN - (beside ? handout_column(s->width) + HANDOUT_GAP : 0);
	return (pst_box){ HANDOUT_MARGIN, top, right, fmax(bottom, top + 72) };
}

/*
 * The handout plan: for each orientation the paper allows, the map's
 * room once the title and the sources have theirs; the orientation that
 * shows the extent largest wins (portrait on a tie).
 */
void pst_handout_choose(builder *b)
{
	const pst_handout_needs *n = &b->needs;
	int fixed = paper_orientation(b->map->paper);
	double best = -1;
	for (int o = 0; o < 2; o++) {
		if (fixed >= 0 && o != fixed)
			continue;
		posture_scene page = { 0 };
		paper_size(b->map->paper, o == 1, &page.width, &page.height);
		pst_box mb = handout_map_box(&page, n->title_h[o], n->sources_h[o], 6, b->beside);
		double scale = fmin((mb.x1 - mb.x0) / n->extent_w, (mb.y1 - mb.y0) / n->extent_h);
		if (scale > best * 1.0001) {
			best = scale;
			b->plan.landscape = o == 1;
		}
	}
	int o = b->plan.landscape;
	b->plan.planned = true;
	b->plan.title_h = n->title_h[o];
	b->plan.sources_h = n->sources_h[o];
}

/* The number of points of the map's layers inside its extent (up to @p enough). */
static size_t points_in_extent(const builder *b, size_t enough)
{
	const double *e = b->map->extent;
	size_t n = 0;
	for (size_t l = 0; b->data && l < b->data->n_layers && n < enough; l++) {
		const pst_layer *layer = &b->data->layers[l];
		for (size_t k = 0; k < layer->n_features && n < enough; k++) {
			const pst_feature *f = &layer->features[k];
			n += f->has_point && f->lon >= e[0] && f->lon <= e[2] && f->lat >= e[1] &&
			     f->lat <= e[3];
		}
	}
	return n;
}

/* Layout `map`'s column beside the frame (with b->beside): its left edge. */
static double column_x0(const builder *b)
{
	const posture_scene *s = b->scene;
	return s->width - fmax(BESIDE_SHARE * s->width, BESIDE_MIN_PT * b->k);
}

int pst_layout_page(builder *b)
{
	posture_scene *s = b->scene;
	const posture_map *m = b->map;
	bool handout = !strcmp(m->layout, "handout");
	size_t points = points_in_extent(b, CROWDED_POINTS + 1);
	b->beside = (handout || !strcmp(m->layout, "map")) &&
	            (points > BESIDE_POINTS || (b->hid & PST_HID_BESIDE));
	b->symbol_scale = points > CROWDED_POINTS ? CROWDED_SCALE : points > BESIDE_POINTS ? BUSY_SCALE : 1;
	b->key_scale = points > CROWDED_POINTS ? CROWDED_KEY_SCALE : 1;
	if (!handout) {
		s->width = m->width;
		s->height = m->height;
		s->map_box = (pst_box){ 0, 0, m->width, m->height };
		if (b->beside)
			s->map_box.x1 = column_x0(b);
		return POSTURE_OK;
	}
	bool landscape = b->plan.planned ? b->plan.landscape : paper_orientation(m->paper) == 1;
	paper_size(m->paper, landscape, &s->width, &s->height);
	b->k = 1; /* print sizes */
	double title_h = b->plan.title_h, sources_h = b->plan.sources_h;
	if (!b->plan.planned) { /* a measuring pass: the map's room is provisional */
		panel title;
		int rc = title_panel(b, &title, s->width - 2 * HANDOUT_MARGIN);
		title_h = title.h;
		panel_free(&title);
		if (rc != POSTURE_OK)
			return pst_error(b->ctx, rc, m->path, "out of memory");
		sources_h = 0.3 * (s->height - 2 * HANDOUT_MARGIN);
	}
	s->map_box = handout_map_box(s, title_h, sources_h, 6 * b->k, b->beside);
	return POSTURE_OK;
}

/* What the handout's furniture needs on either paper orientation (for the plan). */
static int measure_handout(builder *b)
{
	posture_scene *s = b->scene;
	double w = s->width, h = s->height;
	int rc = POSTURE_OK;
	for (int o = 0; o < 2 && rc == POSTURE_OK; o++) {
		panel p;
		paper_size(b->map->paper, o == 1, &s->width, &s->height);
		rc = title_panel(b, &p, s->width - 2 * HANDOUT_MARGIN);
		b->needs.title_h[o] = p.h;
		panel_free(&p);
		if (rc == POSTURE_OK)
			rc = sources_columns(b, &p, s->width - 2 * HANDOUT_MARGIN);
		b->needs.sources_h[o] = p.h;
		panel_free(&p);
	}
	s->width = w;
	s->height = h;
	return rc;
}

/* Whether segment (x0,y0)-(x1,y1) meets box @p b (Liang–Barsky). */
static bool segment_meets_box(double x0, double y0, double x1, double y1, const pst_box *b)
{
	double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
	const double p[4] = { -dx, dx, -dy, dy };
	const double q[4] = { x0 - b->x0, b->x1 - x0, y0 - b->y0, b->y1 - y0 };
	for (int i = 0; i < 4; i++) {
		if (p[i] == 0) {
			if (q[i] < 0)
				return false;
			continue;
		}
		double t = q[i] / p[i];
		if (p[i] < 0)
			t0 = fmax(t0, t);
		else
			t1 = fmin(t1, t);
		if (t0 > t1)
			return false;
	}
	return true;
}

/* Whether any part of line item @p it runs through box @p b. */
static bool line_meets_box(const pst_item *it, const pst_box *b)
{
	double disc[2 * PST_DISC_CORNERS];
	const double *xy = pst_item_points(it, disc);
	for (size_t k = 0; k < it->n_parts; k++) {
		size_t start = k ? it->part_end[k - 1] : 0;
		for (size_t i = start + 1; i < it->part_end[k]; i++)
			if (segment_meets_box(xy[2 * i - 2], xy[2 * i - 1], xy[2 * i], xy[2 * i + 1], b))
				return true;
	}
	return false;
}

#define COST_DISCUSSED_BORDER 100.0 /* as bad as hiding a base */
#define COST_CELLS 64                /* the symbol grid of panel_cost: cells a side */

/*
 * What a panel would hide, indexed once per panel placed: the map's point
 * symbols in a grid of cells by the centre of their box (a query looks in
 * the cells its box, grown by the widest symbol's half, reaches), and the
 * border segments the sources discuss, listed.  A panel tries some fifty
 * places; a scan of every item for each was most of the furniture's time
 * at a million symbols.  Without the index (out of memory) every item is
 * scanned, with the same result.
 */
typedef struct {
	uint32_t g, i;          /* group, and item (or in a compact group, record) */
} sym_ref;

typedef struct {
	const posture_scene *s;
	sym_ref *sym;           /* symbols, by cell */
	size_t *start;          /* per cell: its first symbol; COST_CELLS^2 + 1 entries */
	const pst_item **lines; /* discussed border segments */
	size_t n_lines;
	double x0, y0, cw, ch;  /* the grid's origin and cell size */
	double reach_x, reach_y;/* the widest symbol box's half width and height */
} cost_index;

static bool hides_symbol(const pst_item *it)
{
	return it->has_anchor && it->symbol != PST_SYMBOL_NONE;
}

static bool discussed_line(const pst_item *it)
{
	return !it->has_anchor && !it->closed && it->n_cites;
}

static int cell_of(double v, double o, double w)
{
	double c = floor((v - o) / w);
	return c < 0 ? 0 : c >= COST_CELLS ? COST_CELLS - 1 : (int)c;
}

static int cost_cell(const cost_index *ci, const pst_box *b)
{
	return cell_of((b->y0 + b->y1) / 2, ci->y0, ci->ch) * COST_CELLS +
	       cell_of((b->x0 + b->x1) / 2, ci->x0, ci->cw);
}

/* The symbol box and priority of a symbol in the index. */
static pst_box ref_box(const posture_scene *s, sym_ref r, int *priority)
{
	const pst_group *grp = &s->groups[r.g];
	if (grp->dense) {
		*priority = grp->dense->looks[grp->dense->pts[r.i].look].priority;
		return pst_dense_symbol_box(grp->dense, r.i);
	}
	*priority = grp->items[r.i].priority;
	return grp->items[r.i].symbol_box;
}

/* Whether record @p k of compact group @p d is a symbol (hides_symbol()). */
static bool dense_symbol(const pst_dense *d, size_t k)
{
	return hides_symbol(&d->looks[d->pts[k].look]);
}

/* Each symbol of @p s's map layers as @p visit(ci, ref, box) would take it, in order. */
static void each_symbol(cost_index *ci, void (*visit)(cost_index *, sym_ref, const pst_box *))
{
	const posture_scene *s = ci->s;
	for (size_t g = 0; g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		for (size_t i = 0; !grp->furniture && i < grp->n_items; i++)
			if (hides_symbol(&grp->items[i]))
				visit(ci, (sym_ref){ (uint32_t)g, (uint32_t)i }, &grp->items[i].symbol_box);
		for (size_t i = 0; !grp->furniture && grp->dense && i < grp->dense->n; i++)
			if (dense_symbol(grp->dense, i)) {
				pst_box b = pst_dense_symbol_box(grp->dense, i);
				visit(ci, (sym_ref){ (uint32_t)g, (uint32_t)i }, &b);
			}
	}
}

static void count_symbol(cost_index *ci, sym_ref r, const pst_box *b)
{
	(void)r;
	ci->start[cost_cell(ci, b) + 1]++;
	ci->reach_x = fmax(ci->reach_x, (b->x1 - b->x0) / 2);
	ci->reach_y = fmax(ci->reach_y, (b->y1 - b->y0) / 2);
}

static void file_symbol(cost_index *ci, sym_ref r, const pst_box *b)
{
	ci->sym[ci->start[cost_cell(ci, b)]++] = r;
}

static void cost_index_free(cost_index *ci)
{
	free(ci->sym);
	free(ci->start);
	free(ci->lines);
	memset(ci, 0, sizeof(*ci));
}

/* The index of @p s's symbols and discussed lines; false (nothing held) when out of memory. */
static bool cost_index_build(cost_index *ci, const posture_scene *s)
{
	memset(ci, 0, sizeof(*ci));
	ci->s = s;
	size_t n_sym = 0, n_lines = 0;
	for (size_t g = 0; g < s->n_groups; g++) {
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++) {
			const pst_item *it = &s->groups[g].items[i];
			n_sym += hides_symbol(it);
			n_lines += !hides_symbol(it) && discussed_line(it);
		}
		const pst_dense *d = s->groups[g].dense; /* points only: no lines */
		for (size_t i = 0; !s->groups[g].furniture && d && i < d->n; i++)
			n_sym += dense_symbol(d, i);
	}
	ci->x0 = 0;
	ci->y0 = 0;
	ci->cw = fmax(s->width, 1) / COST_CELLS;
	ci->ch = fmax(s->height, 1) / COST_CELLS;
	ci->start = calloc((size_t)COST_CELLS * COST_CELLS + 1, sizeof(size_t));
	ci->sym = malloc((n_sym ? n_sym : 1) * sizeof(*ci->sym));
	ci->lines = malloc((n_lines ? n_lines : 1) * sizeof(*ci->lines));
	if (!ci->start || !ci->sym || !ci->lines) {
		cost_index_free(ci);
		return false;
	}
	each_symbol(ci, count_symbol);
	for (size_t g = 0; g < s->n_groups; g++)
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++) {
			const pst_item *it = &s->groups[g].items[i];
			if (!hides_symbol(it) && discussed_line(it))
				ci->lines[ci->n_lines++] = it;
		}
	for (size_t c = 0; c < (size_t)COST_CELLS * COST_CELLS; c++)
		ci->start[c + 1] += ci->start[c];
	each_symbol(ci, file_symbol);
	for (size_t c = (size_t)COST_CELLS * COST_CELLS; c > 0; c--) /* back to each cell's first */
		ci->start[c] = ci->start[c - 1];
	ci->start[0] = 0;
	return true;
}

/* The symbols' and discussed lines' share of panel_cost, through the index. */
static double indexed_cost(const cost_index *ci, const pst_box *box)
{
	double cost = 0;
	int cx0 = cell_of(box->x0 - ci->reach_x, ci->x0, ci->cw);
	int cx1 = cell_of(box->x1 + ci->reach_x, ci->x0, ci->cw);
	int cy0 = cell_of(box->y0 - ci->reach_y, ci->y0, ci->ch);
	int cy1 = cell_of(box->y1 + ci->reach_y, ci->y0, ci->ch);
	for (int cy = cy0; cy <= cy1; cy++)
		for (int cx = cx0; cx <= cx1; cx++) {
			size_t c = (size_t)cy * COST_CELLS + (size_t)cx;
			for (size_t k = ci->start[c]; k < ci->start[c + 1]; k++) {
				int priority;
				pst_box sb = ref_box(ci->s, ci->sym[k], &priority);
				if (pst_box_overlaps(box, &sb))
					cost += priority;
			}
		}
	for (size_t k = 0; k < ci->n_lines; k++)
		if (line_meets_box(ci->lines[k], box))
			cost += COST_DISCUSSED_BORDER;
	return cost;
}

/*
 * How bad a place for a panel is: symbols it would hide (by their
 * priority), border segments the sources discuss it would cover, furniture
 * it would overlap.  Furniture placement (legend, sources, and any panel
 * placed later) picks the cheapest free corner with it.  With @p ci the
 * symbols and lines come from the index (the same sum: priorities are
 * whole numbers).
 */
static double panel_cost(const posture_scene *s, const cost_index *ci, pst_box box)
{
	double cost = ci && ci->start ? indexed_cost(ci, &box) : 0;
	for (size_t g = 0; g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		if (grp->furniture) {
			cost += pst_box_overlaps(&box, &grp->box) ? 1e6 : 0;
			continue;
		}
		for (size_t i = 0; !(ci && ci->start) && i < grp->n_items; i++) {
			const pst_item *it = &grp->items[i];
			if (hides_symbol(it) && pst_box_overlaps(&box, &it->symbol_box))
				cost += it->priority; /* hiding a base costs more than hiding a town */
			else if (!hides_symbol(it) && discussed_line(it) && line_meets_box(it, &box))
				cost += COST_DISCUSSED_BORDER; /* a border segment the sources discuss */
		}
		const pst_dense *d = grp->dense;
		for (size_t i = 0; !(ci && ci->start) && d && i < d->n; i++) {
			pst_box sb = pst_dense_symbol_box(d, i);
			if (dense_symbol(d, i) && pst_box_overlaps(&box, &sb))
				cost += d->looks[d->pts[i].look].priority;
		}
	}
	return cost;
}

/* Panel @p p at (x, y), moved down below the furniture already there when @p top. */
static double place_cost(const posture_scene *s, const cost_index *ci, const panel *p,
                         pst_box region, double margin, double x, double *y, bool top)
{
	for (size_t g = 0; top && g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		pst_box here = { x, *y, x + p->w, *y + p->h };
		if (grp->furniture && pst_box_overlaps(&here, &grp->box))
			*y = grp->box.y1 + margin;
	}
	double cost = panel_cost(s, ci, (pst_box){ x, *y, x + p->w, *y + p->h });
	if (*y + p->h > region.y1 - margin)
		cost += 1e6; /* does not fit below the furniture already there */
	return cost;
}

#define EDGE_STEPS 12 /* places tried along each edge when no corner is free */

/*
 * Where panel @p p goes: the cheapest of @p corners (0 top left, 1 top
 * right, 2 bottom left, 3 bottom right) of @p region, below the furniture
 * already in a top corner, the first corner winning ties; when every corner
 * would hide something (a symbol, a discussed border), places along the
 * region's edges are tried too.  Kept apart from emitting so any panel
 * (legend, sources, a key) can be placed the same way.
 */
static void place_in_corner(const builder *b, const panel *p, pst_box region, const int *corners,
                            size_t n, double *out_x, double *out_y)
{
	const posture_scene *s = b->scene;
	double margin = 10 * b->k, best_cost = HUGE_VAL;
	*out_x = region.x0 + margin;
	*out_y = region.y0 + margin;
	double left = region.x0 + margin, right = region.x1 - margin - p->w;
	double top = region.y0 + margin, bottom = region.y1 - margin - p->h;
	cost_index ci;
	bool indexed = cost_index_build(&ci, s);
	const cost_index *cip = indexed ? &ci : NULL;
	for (size_t i = 0; i < n; i++) {
		double x = corners[i] % 2 ? right : left, y = corners[i] < 2 ? top : bottom;
		double cost = place_cost(s, cip, p, region, margin, x, &y, corners[i] < 2) +
		              0.5 * (double)i;
		if (cost < best_cost) {
			best_cost = cost;
			*out_x = x;
			*out_y = y;
		}
	}
	for (int edge = 0; best_cost >= 1 && right > left && edge < 4; edge++) {
		/* no corner is free: top, bottom, left, right edges */
		for (int k = 1; k < EDGE_STEPS; k++) {
			double t = (double)k / EDGE_STEPS;
			double x = edge < 2 ? left + t * (right - left) : edge == 2 ? left : right;
			double y = edge == 0 ? top : edge == 1 ? bottom : top + t * (bottom - top);
			if (edge >= 2 && bottom <= top)
				continue;
			double cost = place_cost(s, cip, p, region, margin, x, &y, edge == 0) + 0.5 * n + t;
			if (cost < best_cost) {
				best_cost = cost;
				*out_x = x;
				*out_y = y;
			}
		}
	}
	if (indexed)
		cost_index_free(&ci);
}

/* Emit panel @p p, boxed, at the best corner of @p region. */
static int emit_in_corner(builder *b, panel *p, const char *name, const char *title,
                          const int *corners, size_t n, pst_box region)
{
	double x, y;
	place_in_corner(b, p, region, corners, n, &x, &y);
	return emit_panel(b, p, name, title, x, y, true);
}

/*
 * The furniture's size factor: the page's, in the steps a designer would
 * take (1, 1.25, 1.5, 2, 2.5, 3, 4), so a 1200×800 page gets 8.75 pt
 * sources rather than 9.7.
 */
static double furniture_step(double k)
{
	static const double steps[] = { 1, 1.25, 1.5, 2, 2.5, 3, 4 };
	double f = 1;
	for (size_t i = 0; i < PST_ARRAY_LEN(steps); i++)
		if (steps[i] <= k + 1e-9)
			f = steps[i];
	return f;
}

/* 1: sources one line each; 2: shorter legend, no subtitle; 3: no inset; 4: smaller type */
#define MAP_FOLDS 4

/* The inset's width on a page @p width wide (0: folded away). */
static double inset_width(const builder *b, double width)
{
	return b->fold >= 3 ? 0 : fmax(0.17 * width, 110 * b->k);
}

/* How much of the frame the map layout's furniture would cover at the current fold. */
static int map_cover(builder *b, double *share)
{
	const posture_scene *s = b->scene;
	double W = s->width, margin = 10 * b->k, area = 0, iw = inset_width(b, W);
	panel p;
	int rc = title_panel(b, &p, 0.55 * W);
	area += p.n ? p.w * p.h : 0;
	panel_free(&p);
	double legend_w = 0;
	if (rc == POSTURE_OK && (rc = legend_panel(b, &p)) == POSTURE_OK) {
		legend_w = p.w;
		area += p.w * p.h;
	}
	panel_free(&p);
	double wrap = fmin(0.4 * W, W - 3 * margin - legend_w - 12 * b->k);
	if (rc == POSTURE_OK && (rc = sources_panel(b, &p, wrap)) == POSTURE_OK)
		area += p.w * p.h;
	panel_free(&p);
	area += iw * iw * 0.75;
	*share = area / ((s->map_box.x1 - s->map_box.x0) * (s->map_box.y1 - s->map_box.y0));
	return rc;
}

/*
 * Layout `map`: title top left, inset top right (north arrow under it),
 * legend and sources in the corners where they hide least.  On a small page
 * the furniture folds, one step at a time, until it covers at most a
 * quarter of the frame: sources one line each (author, year, locators),
 * then a shorter legend (no reference places, no scale note) and no
 * subtitle, then no inset, then type a fifth smaller (never under 7 pt).
 */
static int furniture_beside(builder *b);

static int furniture_map(builder *b)
{
	if (b->beside)
		return furniture_beside(b);
	posture_scene *s = b->scene;
	double page_k = b->k;
	b->k = furniture_step(page_k);
	double share = 0;
	int rc = POSTURE_OK;
	for (b->fold = 0; rc == POSTURE_OK; b->fold++) {
		rc = map_cover(b, &share);
		if (rc != POSTURE_OK || share <= FURNITURE_MAX_COVER || b->fold == MAP_FOLDS)
			break;
	}
	double margin = 10 * b->k, W = s->width;
	pst_box page = { 0, 0, s->width, s->height };
	panel p;
	p.n = 0; /* nothing to free if the measuring failed */
	if (rc == POSTURE_OK && (rc = title_panel(b, &p, 0.55 * W)) == POSTURE_OK && p.n)
		rc = emit_panel(b, &p, "title", "Title", margin, margin, true);
	panel_free(&p);
	/* A panel that hid a symbol in an earlier pass (build.c) is folded
	 * further: the legend shorter, the sources one line each, no inset. */
	double inset_w = b->hid & PST_HID_INSET ? 0 : inset_width(b, W), inset_h = inset_w * 0.75;
	if (rc == POSTURE_OK && inset_w > 0)
		rc = pst_add_inset(b, (pst_box){ W - margin - inset_w, margin, W - margin, margin + inset_h });
	if (rc == POSTURE_OK) /* under the inset */
		rc = add_north(b, W - margin - 24 * b->k, (inset_w > 0 ? 2 * margin : margin) + inset_h);
	static const int legend_corners[] = { 2, 3, 0, 1 }, sources_corners[] = { 3, 2, 1, 0 };
	double legend_w = 0;
	int fold = b->fold;
	if (b->hid & PST_HID_LEGEND)
		b->fold = fold > 2 ? fold : 2;
	if (rc == POSTURE_OK && (rc = legend_panel(b, &p)) == POSTURE_OK) {
		legend_w = p.w;
		rc = emit_in_corner(b, &p, "legend", "Legend", legend_corners, 4, page);
	}
	panel_free(&p);
	b->fold = b->hid & PST_HID_SOURCES && fold < 1 ? 1 : fold;
	double wrap = fmin(0.4 * W, W - 3 * margin - legend_w - 12 * b->k);
	if (rc == POSTURE_OK && (rc = sources_panel(b, &p, wrap)) == POSTURE_OK)
		rc = emit_in_corner(b, &p, "sources", "Sources", sources_corners, 4, page);
	panel_free(&p);
	b->fold = fold;
	b->k = page_k;
	return rc;
}

/* Panel @p p at the top of the column's free room, as group @p name. */
static int emit_in_column(builder *b, panel *p, const char *name, const char *title, double x)
{
	int rc = emit_panel(b, p, name, title, x, b->column_y, false);
	b->column_y += p->h + 4 * b->k;
	return rc;
}

/*
 * Layout `map` on a crowded map: the frame leaves the page's right-hand
 * column to the furniture (pst_layout_page), so no panel hides a symbol:
 * title, inset, legend and sources one under the other, the key panel
 * below them (keys.c), the north arrow in the frame's top right corner.
 */
static int furniture_beside(builder *b)
{
	posture_scene *s = b->scene;
	double page_k = b->k;
	b->k = furniture_step(page_k);
	double margin = 10 * b->k, x0 = s->map_box.x1, x = x0 + margin - 6 * b->k;
	double col_w = s->width - x0 - 2 * margin, wrap = col_w - 12 * b->k;
	/* Fold as layout map does until the column keeps room for a key panel. */
	double key_room = 14 * 1.3 * 0.8 * b->theme->label_size * b->k;
	panel p;
	p.n = 0;
	int rc = POSTURE_OK;
	for (b->fold = 0; rc == POSTURE_OK; b->fold++) {
		double h = 2 * margin + key_room + (b->fold < 3 ? col_w * 0.75 + 12 * b->k : 0);
		if ((rc = title_panel(b, &p, wrap)) == POSTURE_OK)
			h += p.h + 4 * b->k;
		panel_free(&p);
		if (rc == POSTURE_OK && (rc = legend_panel(b, &p)) == POSTURE_OK)
			h += p.h + 4 * b->k;
		panel_free(&p);
		if (rc == POSTURE_OK && (rc = sources_panel(b, &p, wrap)) == POSTURE_OK)
			h += p.h;
		panel_free(&p);
		if (rc != POSTURE_OK || h <= s->height || b->fold == MAP_FOLDS)
			break;
	}
	b->column_x = x;
	b->column_w = col_w;
	b->column_y = margin - 6 * b->k;
	b->column_bottom = s->height - margin;
	if (rc == POSTURE_OK)
		rc = title_panel(b, &p, wrap);
	if (rc == POSTURE_OK && p.n)
		rc = emit_in_column(b, &p, "title", "Title", x);
	panel_free(&p);
	double inset_h = col_w * 0.75;
	if (rc == POSTURE_OK && b->fold < 3) {
		double top = b->column_y + 6 * b->k;
		rc = pst_add_inset(b, (pst_box){ x0 + margin, top, x0 + margin + col_w, top + inset_h });
		b->column_y = top + inset_h + 6 * b->k;
	}
	if (rc == POSTURE_OK)
		rc = add_north(b, s->map_box.x1 - margin - 24 * b->k, margin);
	if (rc == POSTURE_OK && (rc = legend_panel(b, &p)) == POSTURE_OK)
		rc = emit_in_column(b, &p, "legend", "Legend", x);
	panel_free(&p);
	if (rc == POSTURE_OK && (rc = sources_panel(b, &p, wrap)) == POSTURE_OK)
		rc = emit_in_column(b, &p, "sources", "Sources", x);
	panel_free(&p);
	b->k = page_k;
	return rc;
}

/*
 * A crowded handout (pst_layout_page left a column on the right of the map):
 * the inset and the legend one under the other in that column, on the
 * paper, and room under them for the key panel (keys.c), so that no panel
 * hides a symbol.  Without room for all three the inset goes, then the
 * legend folds as layout map's does (no reference places, then smaller type).
 */
static int handout_column_furniture(builder *b)
{
	posture_scene *s = b->scene;
	const pst_box *mb = &s->map_box;
	double x = mb->x1 + HANDOUT_GAP, w = s->width - HANDOUT_MARGIN - x, inset_h = 0.75 * w;
	double key_room = 12 * 1.3 * b->theme->label_size, room = mb->y1 - mb->y0;
	static const int folds[] = { 0, 0, 2, 4 };
	panel p;
	p.n = 0;
	int rc = POSTURE_OK, step = 0;
	for (; rc == POSTURE_OK; step++) {
		b->fold = folds[step];
		if ((rc = legend_panel(b, &p)) != POSTURE_OK || step == 3 ||
		    p.h + key_room + (step == 0 ? inset_h + HANDOUT_GAP : 0) <= room)
			break;
		panel_free(&p);
	}
	b->column_x = x - 6; /* the key panel's box, its text aligned with the legend's */
	b->column_w = w + 12;
	b->column_y = mb->y0;
	b->column_bottom = mb->y1;
	if (rc == POSTURE_OK && step == 0) {
		rc = pst_add_inset(b, (pst_box){ x, mb->y0, x + w, mb->y0 + inset_h });
		b->column_y += inset_h + HANDOUT_GAP;
	}
	if (rc == POSTURE_OK) {
		rc = emit_panel(b, &p, "legend", "Legend", x - p.pad, b->column_y - p.pad, false);
		b->column_y += p.h - p.pad + HANDOUT_GAP;
	}
	panel_free(&p);
	b->fold = 0;
	return rc;
}

/*
 * The handout: the title above the map; the inset and the legend in corners
 * of the map, where they hide least; the "Not on the map" note and the
 * numbered sources in columns under it (the plan kept their room).
 */
static int furniture_handout(builder *b)
{
	posture_scene *s = b->scene;
	double m = HANDOUT_MARGIN;
	/* The title and the sources are on the paper, not on the map: dark type
	 * there, whatever the theme (the dark theme's light type would vanish). */
	pst_theme *t = b->theme;
	pst_rgba map_text = t->label_color, map_muted = t->muted_text;
	double lum = 0.2126 * t->label_color.r + 0.7152 * t->label_color.g + 0.0722 * t->label_color.b;
	bool light_type = lum > 0.5;
	if (light_type) {
		t->label_color = (pst_rgba){ 0.1, 0.1, 0.1, 1 };
		t->muted_text = (pst_rgba){ 0.33, 0.33, 0.33, 1 };
	}
	int rc = measure_handout(b);
	panel p;
	p.n = 0; /* nothing to free if the measuring failed */
	if (rc == POSTURE_OK && (rc = title_panel(b, &p, s->width - 2 * m)) == POSTURE_OK)
		rc = emit_panel(b, &p, "title", "Title", m - p.pad, m - p.pad, false);
	panel_free(&p);
	const pst_box *mb = &s->map_box;
	if (rc == POSTURE_OK && b->beside)
		rc = handout_column_furniture(b);
	t->label_color = map_text; /* the legend sits on the map, in its own quiet box */
	t->muted_text = map_muted;
	double inset_w = fmax(0.22 * fmin(mb->x1 - mb->x0, 1.4 * (mb->y1 - mb->y0)), 90);
	if (rc == POSTURE_OK && !b->beside && !(b->hid & PST_HID_INSET)) /* else it hid a symbol */
		rc = pst_add_inset(b, (pst_box){ mb->x1 - inset_w - 6, mb->y0 + 6, mb->x1 - 6,
		                             mb->y0 + 6 + inset_w * 0.75 });
	if (rc == POSTURE_OK)
		rc = add_north(b, mb->x0 + 6, mb->y0 + 6);
	static const int legend_corners[] = { 2, 3, 0, 1 };
	b->fold = b->hid & PST_HID_LEGEND ? 2 : 0; /* it hid a symbol (build.c): shorter */
	if (rc == POSTURE_OK && !b->beside && (rc = legend_panel(b, &p)) == POSTURE_OK)
		rc = emit_in_corner(b, &p, "legend", "Legend", legend_corners, 4, *mb);
	b->fold = 0;
	panel_free(&p);
	if (light_type) {
		t->label_color = (pst_rgba){ 0.1, 0.1, 0.1, 1 };
		t->muted_text = (pst_rgba){ 0.33, 0.33, 0.33, 1 };
	}
	if (rc == POSTURE_OK && (rc = sources_columns(b, &p, s->width - 2 * m)) == POSTURE_OK)
		rc = emit_panel(b, &p, "sources", "Sources", m - p.pad, mb->y1 + HANDOUT_GAP - p.pad,
		                false);
	panel_free(&p);
	t->label_color = map_text;
	t->muted_text = map_muted;
	return rc;
}

/* Degree labels that the boxed furniture now covers, or that lie on a symbol, are left out. */
static void drop_covered_degrees(posture_scene *s)
{
	pst_group *deg = NULL;
	for (size_t g = 0; g < s->n_groups; g++)
		if (!strcmp(s->groups[g].name, "graticule-labels"))
			deg = &s->groups[g];
	for (size_t i = 0; deg && i < deg->n_items;) {
		bool covered = false;
		const pst_box *lb = &deg->items[i].label->box;
		for (size_t g = 0; g < s->n_groups && !covered; g++) {
			const pst_group *grp = &s->groups[g];
			covered = grp->furniture && grp->box.x1 > grp->box.x0 &&
			          pst_box_overlaps(&grp->box, lb);
			/* a degree over a symbol would hide it, or read as its label */
			for (size_t k = 0; !grp->furniture && !covered && k < grp->n_items; k++) {
				const pst_item *it = &grp->items[k];
				covered = it->has_anchor && it->symbol != PST_SYMBOL_NONE &&
				          pst_box_overlaps(&it->symbol_box, lb);
			}
		}
		if (!covered) {
			i++;
			continue;
		}
		pst_item gone = deg->items[i];
		memmove(&deg->items[i], &deg->items[i + 1], (deg->n_items - i - 1) * sizeof(pst_item));
		deg->items[deg->n_items - 1] = gone;
		pst_group_drop_last(deg);
	}
}

int pst_add_furniture(builder *b)
{
	const char *layout = b->map->layout;
	/* The map's items stay as they are while the furniture is laid out, which may
	 * measure the legend many times: its candidates are found once. */
	int rc = legend_list(&b->legend_items, &b->n_legend_items, b->scene);
	if (rc == POSTURE_OK && !strcmp(layout, "map"))
		rc = furniture_map(b);
	else if (rc == POSTURE_OK && !strcmp(layout, "handout"))
		rc = furniture_handout(b);
	if (rc == POSTURE_OK)
		drop_covered_degrees(b->scene);
	free(b->legend_items);
	b->legend_items = NULL;
	b->n_legend_items = 0;
	return rc == POSTURE_OK ? rc : pst_error(b->ctx, rc, b->map->path, "out of memory");
}

/* Items drawn in layer @p name that are not helpers (uncertainty areas). */
static size_t count_items(const posture_scene *s, const char *name)
{
	const pst_group *g = pst_scene_group(s, name);
	size_t n = 0;
	for (size_t i = 0; g && i < g->n_items; i++)
		n += strcmp(g->items[i].kind, "uncertainty") != 0;
	return n + (g && g->dense ? g->dense->n : 0); /* compact: a record's point */
}

/*
 * The text alternative of the map, for every output (PDF subject, SVG and
 * HTML description, PNG text chunk, map data): what region, which layers,
 * how many items, which dates, how many sources.
 */
int pst_describe(builder *b)
{
	posture_scene *s = b->scene;
	const double *e = s->extent;
	const char *date = pst_as_of(b);
	if (date) {
		const char *slash = strchr(date, '/');
		if (!(s->date = pst_strdup(slash ? slash + 1 : date)))
			return POSTURE_ENOMEM;
	}
	pst_buf d;
	pst_buf_init(&d);
	if (b->map->title[0])
		pst_buf_printf(&d, "%s. ", b->map->title);
	pst_buf_printf(&d, "A map of longitude %g\xC2\xB0 to %g\xC2\xB0 east and latitude %g\xC2\xB0 to "
	               "%g\xC2\xB0 north.", e[0], e[2], e[1], e[3]);
	static const char *const layers[][2] = { { "bases", "bases" },
		                                 { "borders", "border segments discussed" },
		                                 { "incidents", "incidents" },
		                                 { "places", "reference places" } };
	bool first = true;
	for (size_t i = 0; i < PST_ARRAY_LEN(layers); i++) {
		size_t n = 0; /* over every layer of the type (incidents-2019 too) */
		for (size_t l = 0; b->data && l < b->data->n_layers; l++)
			if (b->data->layers[l].type == (pst_layer_type)i)
				n += count_items(s, b->data->layers[l].name);
		char count[32];
		if (n)
			pst_buf_printf(&d, "%s%s %s", first ? " Shown: " : ", ", pst_count_text(count, n),
			               layers[i][1]);
		first = first && !n;
	}
	pst_buf_puts(&d, first ? "" : ".");
	if (date && !pst_filter_has_dates(b->map->filter)) {
		char human[64];
		human_date(human, sizeof(human), date);
		pst_buf_printf(&d, " As of %s.", human);
	}
	if (posture_filter_is_set(b->map->filter)) {
		pst_buf_puts(&d, " Filtered: ");
		pst_filter_describe(&d, b->map->filter);
		pst_buf_puts(&d, ".");
	}
	const pst_group *off = pst_scene_group(s, "not-on-map");
	for (size_t i = 0; off && i < off->n_items; i++)
		pst_buf_printf(&d, "%s%s", i ? "; " : " Not on the map (the sources give no site): ",
		               off->items[i].name);
	pst_buf_puts(&d, off && off->n_items ? "." : "");
	if (s->n_sources)
		pst_buf_printf(&d, " Every item cites its sources; %zu source%s listed.", s->n_sources,
		               s->n_sources == 1 ? " is" : "s are");
	if (d.failed) {
		pst_buf_free(&d);
		return POSTURE_ENOMEM;
	}
	s->description = d.data;
	return POSTURE_OK;
}
