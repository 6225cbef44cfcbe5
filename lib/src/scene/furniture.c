/*
 * furniture.c — what sits on the map besides the data: the title box and
 * the credit line.  Each piece is a furniture group of ordinary items (a
 * quiet box, text), drawn after the map's labels, which keep clear of it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"

/* An item showing @p label at a fixed place (furniture text). */
static int add_text_item(pst_group *g, const char *id, pst_label *label)
{
	pst_item *it = pst_group_add_item(g);
	if (!it) {
		free(label->text);
		free(label);
		return POSTURE_ENOMEM;
	}
	it->id = pst_strdup(id);
	it->kind = pst_strdup("text");
	it->name = pst_strdup(label->text);
	it->label = label;
	return it->id && it->kind && it->name ? POSTURE_OK : POSTURE_ENOMEM;
}


/* A filled rectangle item (the quiet box behind furniture). */
static int add_box_item(pst_group *g, const char *id, pst_box box, pst_rgba fill)
{
	pst_item *it = pst_group_add_item(g);
	if (!it)
		return POSTURE_ENOMEM;
	it->id = pst_strdup(id);
	it->kind = pst_strdup("box");
	it->name = pst_strdup("");
	it->closed = true;
	it->style.fill = fill;
	const double xy[] = { box.x0, box.y0, box.x1, box.y0, box.x1, box.y1, box.x0, box.y1 };
	if (!it->id || !it->kind || !it->name)
		return POSTURE_ENOMEM;
	return pst_item_add_part(it, xy, 4);
}


/*
 * A furniture group of text lines in a quiet box, at the top left or the
 * bottom right of the page.
 */
static int add_panel(builder *b, const char *name, const char *title, const char *const *texts,
                     const bool *bold, const double *sizes, const pst_rgba *colors, size_t n,
                     bool at_bottom_right)
{
	posture_scene *s = b->scene;
	double pad = 6 * b->k, margin = 10 * b->k, w_max = 0, total_h = 0, w[8], h[8];
	pst_label *lines[8] = { 0 };
	int rc = POSTURE_OK;
	for (size_t i = 0; i < n && i < 8 && rc == POSTURE_OK; i++) {
		lines[i] = pst_new_label(b, texts[i], bold[i], sizes[i], colors[i]);
		if (!lines[i]) {
			rc = POSTURE_ENOMEM;
			break;
		}
		pst_text_measure(b->text, lines[i], &w[i], &h[i]);
		w_max = fmax(w_max, w[i]);
		total_h += h[i];
	}
	double x0 = at_bottom_right ? s->width - margin - 2 * pad - w_max : margin;
	double y0 = at_bottom_right ? s->height - margin - 2 * pad - total_h : margin;
	pst_box box = { x0, y0, x0 + 2 * pad + w_max, y0 + 2 * pad + total_h };
	pst_group *g = rc == POSTURE_OK ? pst_scene_add_group(s, name, title) : NULL;
	if (g) {
		g->furniture = true;
		g->box = box;
		rc = add_box_item(g, name, box, b->theme->panel_fill);
	} else {
		rc = POSTURE_ENOMEM;
	}
	double y = y0 + pad;
	for (size_t i = 0; i < n && i < 8; i++) {
		if (rc != POSTURE_OK) {
			if (lines[i])
				free(lines[i]->text);
			free(lines[i]);
			continue;
		}
		double x = at_bottom_right ? x0 + pad + w_max - w[i] : x0 + pad;
		pst_place_label(lines[i], x, y, w[i], h[i]);
		y += h[i];
		char id[64];
		snprintf(id, sizeof(id), "%s-%zu", name, i + 1);
		rc = add_text_item(g, id, lines[i]);
	}
	return rc;
}


static const char credit_text[] =
	"Base geography: Natural Earth 4.1.0 (public domain); rivers and lakes: GSHHG/WDBII 2.3.7"
	" \xC2\xB7 Map: posture";

int pst_add_furniture(builder *b)
{
	const posture_map *m = b->map;
	const pst_theme *t = b->theme;
	if (strcmp(m->layout, "bare") == 0)
		return POSTURE_OK;
	int rc = POSTURE_OK;
	if (m->title[0] || m->subtitle[0]) {
		const char *texts[2];
		bool bold[2];
		double sizes[2];
		pst_rgba colors[2];
		size_t n = 0;
		if (m->title[0]) {
			texts[n] = m->title;
			bold[n] = true;
			sizes[n] = t->title_size * b->k;
			colors[n++] = t->label_color;
		}
		if (m->subtitle[0]) {
			texts[n] = m->subtitle;
			bold[n] = false;
			sizes[n] = t->subtitle_size * b->k;
			colors[n++] = t->muted_text;
		}
		rc = add_panel(b, "title", "Title", texts, bold, sizes, colors, n, false);
	}
	if (rc == POSTURE_OK) {
		const char *texts[] = { credit_text };
		const bool bold[] = { false };
		double sizes[] = { t->credit_size * b->k };
		pst_rgba colors[] = { t->muted_text };
		rc = add_panel(b, "credit", "Credit", texts, bold, sizes, colors, 1, true);
	}
	return rc == POSTURE_OK ? rc : pst_error(b->ctx, rc, m->path, "out of memory");
}

