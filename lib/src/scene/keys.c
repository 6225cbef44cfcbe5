/*
 * keys.c — the key panel.
 *
 * Where an item's name finds no room, label placement gives its symbol a
 * small number (a key); this panel, furniture like the legend, lists each
 * key with the item's name, date and citation markers, in key order.  It
 * also says how many items are shown with neither name nor key, and where a
 * list too long for the panel continues (the HTML map and the map data
 * carry every key).  Nothing is left off the map without the map saying so.
 *
 * The panel is reserved while labels are placed (pst_keys_reserve is label
 * placement's callback): placement first runs without it, the panel is sized
 * for the keys that run needed and put where it hides least, and placement
 * runs again with the panel as an obstacle.  pst_keys_fill then writes the
 * rows for the keys of that final run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

#define KEY_PANEL_SHARE 0.28 /* panel width, share of the frame's width */
#define KEY_PANEL_AREA 0.08  /* at most this share of the frame's area… */
#define KEY_PANEL_TALL 0.4   /* …and of its height */

static double text_size(const builder *b)
{
	return 0.8 * b->theme->label_size * b->k;
}

/* A row's text: "12  Name, date [1]" (the label's lines joined by commas). */
static char *row_text(int key, const char *label_text)
{
	GString *out = g_string_new(NULL);
	g_string_printf(out, "%d\xE2\x80\x82", key); /* an en space after the number */
	for (const char *p = label_text; *p; p++) {
		if (*p == '\n')
			g_string_append(out, ", ");
		else
			g_string_append_c(out, *p);
	}
	char *s = pst_strdup(out->str);
	g_string_free(out, TRUE);
	return s;
}

/* The size of a row's text wrapped at @p wrap (0: one line); false when out of memory. */
static bool row_size(builder *b, const char *text, double wrap, double *w, double *h)
{
	pst_label *l = pst_new_label(b, text, false, text_size(b), b->theme->label_color);
	if (!l)
		return false;
	l->wrap = wrap;
	pst_text_measure(b->text, l, w, h);
	free(l->text);
	free(l);
	return true;
}

static double row_height(builder *b, const char *text, double wrap)
{
	double w, h;
	return row_size(b, text, wrap, &w, &h) ? h : -1;
}

static double row_width(builder *b, const char *text)
{
	double w, h;
	return row_size(b, text, 0, &w, &h) ? w : HUGE_VAL;
}

/*
 * The weights (10 + priority) of the symbols whose boxes meet a band of the
 * frame, along the axis the panel slides on: their low and high edges each
 * sorted, with running sums, so the weight a panel at any place along the
 * band covers is two binary searches, not a pass over every symbol (a
 * million-point layer has a million).  The sums are of small integers:
 * exact, whatever the order.
 */
typedef struct {
	double v, w;
} edge;

typedef struct {
	edge *lo, *hi; /* sorted by v; w is the running sum of the weights before it */
	size_t n;
	double total;
} slide_sums;

static int cmp_edge(const void *a, const void *b)
{
	double x = ((const edge *)a)->v, y = ((const edge *)b)->v;
	return (x > y) - (x < y);
}

/* The symbols meeting [b0, b1] across the slide (x when @p vertical, else y). */
static int slide_sums_build(slide_sums *ss, const posture_scene *s, bool vertical, double b0,
                            double b1)
{
	size_t cap = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		cap += s->groups[g].furniture ? 0 : pst_group_count(&s->groups[g]);
	ss->lo = malloc((cap + 1) * sizeof(edge));
	ss->hi = malloc((cap + 1) * sizeof(edge));
	ss->n = 0;
	if (!ss->lo || !ss->hi)
		return POSTURE_ENOMEM;
	for (size_t g = 0; g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		for (size_t i = 0; !grp->furniture && i < grp->n_items; i++) {
			const pst_item *it = &grp->items[i];
			const pst_box *sb = &it->symbol_box;
			if (!it->has_anchor || it->symbol == PST_SYMBOL_NONE)
				continue;
			if (vertical ? !(b0 <= sb->x1 && sb->x0 <= b1) : !(b0 <= sb->y1 && sb->y0 <= b1))
				continue;
			double w = 10 + it->priority;
			ss->lo[ss->n] = (edge){ vertical ? sb->y0 : sb->x0, w };
			ss->hi[ss->n++] = (edge){ vertical ? sb->y1 : sb->x1, w };
		}
		const pst_dense *d = grp->dense; /* its compact form, in the same order */
		for (size_t i = 0; d && i < d->n; i++) {
			const pst_item *look = &d->looks[d->pts[i].look];
			if (!look->has_anchor || look->symbol == PST_SYMBOL_NONE)
				continue;
			pst_box sb = pst_dense_symbol_box(d, i);
			if (vertical ? !(b0 <= sb.x1 && sb.x0 <= b1) : !(b0 <= sb.y1 && sb.y0 <= b1))
				continue;
			double w = 10 + look->priority;
			ss->lo[ss->n] = (edge){ vertical ? sb.y0 : sb.x0, w };
			ss->hi[ss->n++] = (edge){ vertical ? sb.y1 : sb.x1, w };
		}
	}
	qsort(ss->lo, ss->n, sizeof(edge), cmp_edge);
	qsort(ss->hi, ss->n, sizeof(edge), cmp_edge);
	double a = 0, b = 0;
	for (size_t i = 0; i < ss->n; i++) {
		double wa = ss->lo[i].w, wb = ss->hi[i].w;
		ss->lo[i].w = a, ss->hi[i].w = b;
		a += wa, b += wb;
	}
	ss->lo[ss->n] = (edge){ HUGE_VAL, a };
	ss->hi[ss->n] = (edge){ HUGE_VAL, b };
	ss->total = a;
	return POSTURE_OK;
}

/* Running sum of the edges before the first whose v is > @p t (or >= it, unless @p after). */
static double sum_before(const edge *e, size_t n, double t, bool after)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (after ? e[mid].v <= t : e[mid].v < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return e[lo].w;
}

/* The symbols' weight a panel over [t0, t1] along the slide covers (boxes meet, edges count). */
static double slide_weight(const slide_sums *ss, double t0, double t1)
{
	/* Every symbol starting at or before t1, less those ending before t0. */
	return sum_before(ss->lo, ss->n, t1, true) - sum_before(ss->hi, ss->n, t0, false);
}

static void slide_sums_free(slide_sums *ss)
{
	free(ss->lo);
	free(ss->hi);
}

/* What hiding this box costs: furniture forbids it; symbols by importance (@p symbols,
 * from slide_weight), labels placed so far. */
static double cover_cost(const posture_scene *s, const pst_box *box, double symbols,
                         const pst_box *labels, size_t n_labels)
{
	for (size_t g = 0; g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		if (!grp->furniture)
			continue;
		if (pst_box_overlaps(box, &grp->box))
			return HUGE_VAL;
		for (size_t i = 0; grp->box.x1 <= grp->box.x0 && i < grp->n_items; i++)
			if (grp->items[i].label && pst_box_overlaps(box, &grp->items[i].label->box))
				return HUGE_VAL; /* loose furniture text (degree labels) */
	}
	double cost = symbols;
	/* Labels placed so far count one each, far less than a symbol: they can
	 * move out of its way in the second run, but every one that must moves
	 * its neighbours too (bench/stability). */
	for (size_t i = 0; i < n_labels; i++)
		cost += pst_box_overlaps(box, &labels[i]) ? 1 : 0;
	return cost;
}

/* The least harmful place for a w x h panel along the frame's edges; -1 when out of memory. */
static int best_place(const posture_scene *s, double w, double h, double margin,
                      const pst_box *labels, size_t n_labels, pst_box *out)
{
	const pst_box *mb = &s->map_box;
	double best = HUGE_VAL, step = fmax(8, (mb->y1 - mb->y0) / 60);
	for (int side = 0; side < 4; side++) {
		bool vertical = side < 2; /* slide along the left or right edge */
		double lo = vertical ? mb->y0 + margin : mb->x0 + margin;
		double hi = vertical ? mb->y1 - margin - h : mb->x1 - margin - w;
		double x = side == 0 ? mb->x0 + margin : mb->x1 - margin - w;
		double y = side == 2 ? mb->y1 - margin - h : mb->y0 + margin;
		slide_sums ss = { 0 };
		if (lo <= hi && (vertical ? slide_sums_build(&ss, s, true, x, x + w)
		                          : slide_sums_build(&ss, s, false, y, y + h)) != POSTURE_OK) {
			slide_sums_free(&ss);
			return -1;
		}
		for (double t = lo; t <= hi; t += step) {
			pst_box box = vertical ? (pst_box){ x, t, x + w, t + h }
			                       : (pst_box){ t, y, t + w, y + h };
			double along0 = vertical ? box.y0 : box.x0, along1 = vertical ? box.y1 : box.x1;
			double cost = cover_cost(s, &box, slide_weight(&ss, along0, along1), labels,
			                         n_labels);
			cost += 1e-3 * fmin(t - lo, hi - t); /* ties go to a corner */
			if (cost < best) {
				best = cost;
				*out = box;
			}
		}
		slide_sums_free(&ss);
	}
	return best < HUGE_VAL;
}

/* "312 incidents and 4 places": the unlabelled, by layer; with @p worst, the
 * longest such words can be before placement (every layer with a point,
 * @p worst of each): room for the note is kept before the counts are known. */
static char *unlabelled_words(const posture_scene *s, size_t total, size_t worst)
{
	char *out = pst_asprintf("%s", "");
	size_t said = 0;
	for (size_t g = 0; out && g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		size_t n = 0;
		for (size_t i = 0; !grp->furniture && i < grp->n_items; i++)
			n += worst ? (n == 0 && grp->items[i].has_anchor) * worst
			           : grp->items[i].label_dropped;
		if (grp->dense && grp->dense->n) /* compact: every point unlabelled */
			n += worst ? (n == 0) * worst : grp->dense->n;
		if (!n)
			continue;
		said += n;
		char *title = g_utf8_strdown(grp->title, -1);
		char count[32];
		char *next = pst_asprintf("%s%s%s %s", out, *out ? (said == total && !worst ? " and " : ", ") : "",
		                          pst_count_text(count, n), title);
		g_free(title);
		free(out);
		out = next;
	}
	return out;
}

/* The closing note on the items shown without labels (NULL: out of memory). */
static char *unlabelled_note(const posture_scene *s, size_t total, size_t worst)
{
	char *what = unlabelled_words(s, total, worst);
	char *note = what ? pst_asprintf("%s shown without labels; see the HTML map or "
	                                 "\xE2\x80\x98posture list\xE2\x80\x99", what)
	                  : NULL;
	free(what);
	return note;
}

/* "Keys 13–442: …", the line for the keys the panel cannot hold. */
static char *more_note(size_t first, size_t last)
{
	return pst_asprintf("Keys %zu\xE2\x80\x93%zu: on the next page of the PDF, in the HTML map "
	                    "and in the map data", first, last);
}

/* The heights, wrapped at @p wrap, of the closing notes: the "Keys …" line
 * for @p n_keys keys (*more) and @p note (*note_h, 0 without one); false when
 * out of memory. */
static bool notes_height(builder *b, size_t n_keys, const char *note, double wrap, double *more_h,
                         double *note_h)
{
	char *more = more_note(n_keys, n_keys);
	*more_h = more ? row_height(b, more, wrap) : -1;
	*note_h = note ? row_height(b, note, wrap) : 0;
	free(more);
	return *more_h >= 0 && *note_h >= 0;
}

/*
 * How much more of the frame than KEY_PANEL_AREA and KEY_PANEL_TALL the
 * panel may take: up to twice, as keys take the place of names (a map of
 * keys only, `labels = keys`, has the room its names would have taken, and
 * its panel should list every key).
 */
static double panel_share(const pst_key_request *req)
{
	size_t names = req->n_labels > req->n_keys ? req->n_labels - req->n_keys : 0;
	return req->n_keys ? 1 + (double)req->n_keys / (double)(req->n_keys + names) : 1;
}

int pst_keys_reserve(void *user, const pst_key_request *req, pst_box *out)
{
	builder *b = user;
	const posture_scene *s = b->scene;
	double mw = s->map_box.x1 - s->map_box.x0, mh = s->map_box.y1 - s->map_box.y0;
	double pad = 6 * b->k, margin = 10 * b->k;
	/* As wide as its longest row, up to a share of the frame. */
	double w_max = b->beside ? b->column_w : fmax(KEY_PANEL_SHARE * mw, 120);
	/* (The "Keys …: on the next page" line wraps to the rows' width.) */
	double widest = 0;
	for (size_t i = 0; i < req->n_keys && widest < w_max; i++) {
		char *text = row_text((int)(i + 1), req->texts[i]);
		widest = fmax(widest, text ? row_width(b, text) : w_max);
		free(text);
	}
	if (req->n_unlabelled)
		widest = w_max;
	double w = fmin(w_max, widest + 2 * pad + 1), wrap = w - 2 * pad;
	double line = row_height(b, "8", 0), title = row_height(b, "Key", 0);
	if (line < 0 || title < 0)
		return POSTURE_ENOMEM;
	double max_h = b->beside ? b->column_bottom - b->column_y
	                         : fmin(KEY_PANEL_TALL * mh * panel_share(req),
	                                KEY_PANEL_AREA * panel_share(req) * mw * mh / w);
	/* The closing notes: the unlabelled items, and a "continues" line when
	 * the rows do not all fit. */
	char *note = req->n_unlabelled ? unlabelled_note(s, req->n_unlabelled, req->n_unlabelled) : NULL;
	double more_h, note_h, rows = 0;
	bool ok = (note || !req->n_unlabelled) && notes_height(b, req->n_keys, note, wrap, &more_h, &note_h);
	free(note);
	double *row_h = ok ? malloc((req->n_keys + 1) * sizeof(double)) : NULL;
	if (!row_h)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < req->n_keys && ok; i++) {
		char *text = row_text((int)(i + 1), req->texts[i]);
		row_h[i] = text ? row_height(b, text, wrap) : -1;
		free(text);
		ok = row_h[i] >= 0;
		rows += row_h[i];
	}
	double h = 2 * pad + title + note_h;
	if (ok && h + rows > max_h) {
		h += more_h;
		for (size_t i = 0; i < req->n_keys && h + row_h[i] <= max_h; i++)
			h += row_h[i];
	} else {
		h += rows;
	}
	free(row_h);
	if (!ok)
		return POSTURE_ENOMEM;
	/* Room for a few keys more, in steps of four rows, so that one more key
	 * (an item added) seldom changes the panel and the labels round it; not
	 * under four keys, where the empty rows would be most of the panel. */
	if (req->n_keys >= 4)
		h = fmin(max_h, h + (double)((4 - req->n_keys % 4) % 4) * line);
	if (b->beside) { /* in the column, under the rest of the furniture */
		double x0 = b->column_x;
		h = fmin(h, b->column_bottom - b->column_y);
		*out = h >= 2 * pad + title + line ? (pst_box){ x0, b->column_y, x0 + w, b->column_y + h }
		                                   : (pst_box){ 0, 0, 0, 0 };
		return POSTURE_OK;
	}
	/* Smaller and smaller until a place is found; a panel of one row always is. */
	int found;
	while (!(found = best_place(s, w, h, margin, req->labels, req->n_labels, out))) {
		if (h <= 2 * pad + title + 2 * line) {
			*out = (pst_box){ 0, 0, 0, 0 };
			return POSTURE_OK;
		}
		h = fmax(2 * pad + title + 2 * line, h * 0.75);
	}
	return found < 0 ? POSTURE_ENOMEM : POSTURE_OK;
}

/* Add one text row at *y; false (and nothing added) when it does not fit. */
static int add_row(builder *b, pst_group *g, const char *id, const char *text, bool bold,
                   double x, double *y, double wrap, double bottom, bool *fits)
{
	pst_label *l = pst_new_label(b, text, bold, text_size(b), b->theme->label_color);
	if (!l)
		return POSTURE_ENOMEM;
	l->wrap = wrap;
	double w, h;
	pst_text_measure(b->text, l, &w, &h);
	*fits = *y + h <= bottom + 0.01;
	if (!*fits) {
		free(l->text);
		free(l);
		return POSTURE_OK;
	}
	pst_item *it = pst_new_item(g, id, "text", text);
	if (!it) {
		free(l->text);
		free(l);
		return POSTURE_ENOMEM;
	}
	pst_place_label(l, x, *y, w, h);
	it->label = l;
	*y += h;
	return POSTURE_OK;
}

/* Keyed items in key order, one per key: an item sharing another's key
 * (no label of its own) is in that item's row. */
static size_t keyed_items(const posture_scene *s, const pst_item **out, size_t max)
{
	size_t n = 0;
	for (size_t g = 0; g < s->n_groups; g++)
		for (size_t i = 0; !s->groups[g].furniture && i < s->groups[g].n_items; i++)
			if (s->groups[g].items[i].key > 0 && s->groups[g].items[i].label && n < max)
				out[n++] = &s->groups[g].items[i];
	return n;
}

int pst_keys_fill(builder *b, const pst_box *box)
{
	posture_scene *s = b->scene;
	const pst_label_stats *st = &s->label_stats;
	if (!st->n_keyed && !st->n_unlabelled)
		return POSTURE_OK;
	if (box->x1 <= box->x0)
		return POSTURE_OK; /* no room even for a note: the counts are in the stats */
	pst_group *g = pst_scene_add_group(s, "keys", "Key");
	if (!g)
		return POSTURE_ENOMEM;
	g->furniture = true;
	g->box = *box;
	double pad = 6 * b->k, x = box->x0 + pad, y = box->y0 + pad, wrap = box->x1 - box->x0 - 2 * pad;
	double bottom = box->y1 - pad;
	pst_style quiet = { .fill = b->theme->panel_fill };
	int rc = pst_add_rect(g, "keys", "box", *box, quiet);
	bool fits = true;
	if (rc == POSTURE_OK)
		rc = add_row(b, g, "keys-title", "Key", true, x, &y, 0, bottom, &fits);
	const pst_item **items = st->n_keyed ? malloc(st->n_keyed * sizeof(*items)) : NULL;
	if (st->n_keyed && !items)
		return POSTURE_ENOMEM;
	size_t n = keyed_items(s, items, st->n_keyed), shown = 0;
	/* Room for the closing notes: the unlabelled items, and the "continues"
	 * line unless every row fits. */
	char *note = st->n_unlabelled ? unlabelled_note(s, st->n_unlabelled, 0) : NULL;
	double more_h, note_h, rows = 0;
	bool ok = (note || !st->n_unlabelled) && notes_height(b, n, note, wrap, &more_h, &note_h);
	for (size_t i = 0; i < n && ok; i++) {
		char *text = row_text(items[i]->key, items[i]->key_text ? items[i]->key_text : "");
		double rh = text ? row_height(b, text, wrap) : -1;
		free(text);
		ok = rh >= 0;
		rows += rh;
	}
	if (!ok) {
		free(note);
		free(items);
		return POSTURE_ENOMEM;
	}
	double limit = y + rows <= bottom - note_h + 0.01 ? bottom - note_h : bottom - note_h - more_h;
	for (size_t i = 0; i < n && rc == POSTURE_OK && fits; i++) {
		char id[48], *text = row_text(items[i]->key, items[i]->key_text ? items[i]->key_text : "");
		snprintf(id, sizeof(id), "keys--%d", items[i]->key);
		rc = text ? add_row(b, g, id, text, false, x, &y, wrap, limit, &fits)
		          : POSTURE_ENOMEM;
		free(text);
		shown += fits && rc == POSTURE_OK;
	}
	if (rc == POSTURE_OK && shown < n) {
		char *more = more_note(shown + 1, n);
		rc = more ? add_row(b, g, "keys-more", more, false, x, &y, wrap, bottom, &fits)
		          : POSTURE_ENOMEM;
		free(more);
	}
	if (rc == POSTURE_OK && note)
		rc = add_row(b, g, "keys-unlabelled", note, false, x, &y, wrap, bottom, &fits);
	free(note);
	s->keys_listed = shown;
	free(items);
	return rc;
}
