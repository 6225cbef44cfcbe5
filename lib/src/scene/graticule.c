/*
 * graticule.c — meridians and parallels at round degrees, with their
 * degrees written at the frame's edges.
 *
 * On a conic map north is not the same direction everywhere, so the
 * graticule, not a north arrow, shows where north is.  The step is a round
 * number of degrees (1, 2, 5, 10, …) giving about five lines across the
 * extent.  Lines are projected like everything else (densified, clipped to
 * the frame); a degree label goes where a line meets the frame's left or
 * bottom edge, as fixed text the map's labels keep clear of.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"

static double round_step(double span)
{
	static const double steps[] = { 0.5, 1, 2, 5, 10, 15, 20, 30, 45 };
	for (size_t i = 0; i < PST_ARRAY_LEN(steps); i++)
		if (span / steps[i] <= 7)
			return steps[i];
	return 60;
}

typedef struct {
	pst_item *it;
	const pst_box *frame;
	double hit[2];      /* where the line first meets the frame's left or bottom edge */
	bool has_hit;
	bool vertical;      /* a meridian: look for the bottom edge, else the left one */
} line_job;

static int add_piece(void *user, const double *xy, size_t n)
{
	line_job *j = user;
	for (size_t i = 0; i < n && !j->has_hit; i++) {
		double x = xy[2 * i], y = xy[2 * i + 1];
		bool on_edge = j->vertical ? fabs(y - j->frame->y1) < 0.01 : fabs(x - j->frame->x0) < 0.01;
		if (on_edge) {
			j->hit[0] = x;
			j->hit[1] = y;
			j->has_hit = true;
		}
	}
	return pst_item_add_part(j->it, xy, n);
}

/* One meridian (lon fixed) or parallel (lat fixed), projected and clipped. */
static int add_line(builder *b, pst_item *it, bool meridian, double value, line_job *job)
{
	pst_pts ll = { 0 };
	int rc = POSTURE_OK;
	const pst_box *g = &b->geo_box;
	double from = meridian ? g->y0 : g->x0, to = meridian ? g->y1 : g->x1;
	for (double t = from; t <= to + 1e-9 && rc == POSTURE_OK; t += (to - from) / 200)
		rc = meridian ? pst_pts_push(&ll, value, t) : pst_pts_push(&ll, t, value);
	bool finite = false;
	if (rc == POSTURE_OK)
		rc = pst_project_to_page(b, ll.xy, ll.n, &finite);
	job->it = it;
	job->frame = &b->scene->map_box;
	job->vertical = meridian;
	if (rc == POSTURE_OK && finite)
		rc = pst_clip_line(ll.xy, ll.n, &b->scene->map_box, add_piece, job);
	pst_pts_free(&ll);
	return rc;
}

static int add_degree_label(builder *b, pst_group *labels, bool meridian, double value,
                            const double hit[2])
{
	const pst_theme *t = b->theme;
	char text[32];
	double a = fabs(value);
	snprintf(text, sizeof(text), "%g\xC2\xB0%s", a,
	         meridian ? (value < 0 ? "W" : value > 0 ? "E" : "") : (value < 0 ? "S" : value > 0 ? "N" : ""));
	pst_label *l = pst_new_label(b, text, false, t->credit_size * b->k, t->muted_text);
	if (!l)
		return POSTURE_ENOMEM;
	l->halo = t->halo;
	l->halo_width = t->halo_width * b->k;
	double w, h, pad = 2 * b->k;
	pst_text_measure(b->text, l, &w, &h);
	double x = meridian ? hit[0] - w / 2 : hit[0] + pad;
	double y = meridian ? hit[1] - h - pad : hit[1] - h / 2;
	pst_place_label(l, x, y, w, h);
	pst_item *it = pst_group_add_item(labels);
	if (!it) {
		free(l->text);
		free(l);
		return POSTURE_ENOMEM;
	}
	it->label = l;
	it->id = pst_asprintf("degree-%s-%g", meridian ? "lon" : "lat", value);
	it->kind = pst_strdup("degree");
	it->name = pst_strdup(text);
	return it->id && it->kind && it->name ? POSTURE_OK : POSTURE_ENOMEM;
}

static int add_family(builder *b, pst_group *lines, pst_group *labels, bool meridian)
{
	const double *e = b->map->extent;
	double step = round_step(meridian ? e[2] - e[0] : e[3] - e[1]);
	const pst_box *g = &b->geo_box;
	double lo = meridian ? g->x0 : g->y0, hi = meridian ? g->x1 : g->y1;
	int rc = POSTURE_OK;
	for (double v = ceil(lo / step) * step; v <= hi && rc == POSTURE_OK; v += step) {
		if (!meridian && fabs(v) >= 90)
			continue;
		pst_item *it = pst_group_add_item(lines);
		if (!it)
			return POSTURE_ENOMEM;
		it->id = pst_asprintf("%s-%g", meridian ? "meridian" : "parallel", v);
		it->kind = pst_strdup("graticule");
		it->name = pst_strdup("");
		it->style.stroke = b->theme->graticule;
		it->style.stroke_width = b->theme->graticule_width * b->k;
		line_job job = { 0 };
		rc = it->id && it->kind && it->name ? add_line(b, it, meridian, v, &job) : POSTURE_ENOMEM;
		if (rc == POSTURE_OK && !it->n_parts)
			pst_group_drop_last(lines);
		else if (rc == POSTURE_OK && job.has_hit)
			rc = add_degree_label(b, labels, meridian, v, job.hit);
	}
	return rc;
}

int pst_add_graticule(builder *b)
{
	if (!b->map->graticule || !strcmp(b->map->layout, "bare"))
		return POSTURE_OK;
	pst_group *lines = pst_scene_add_group(b->scene, "graticule", "Graticule");
	pst_group *labels = lines ? pst_scene_add_group(b->scene, "graticule-labels", "Degrees")
	                          : NULL;
	if (!labels)
		return pst_error(b->ctx, POSTURE_ENOMEM, b->map->path, "out of memory");
	lines = &b->scene->groups[b->scene->n_groups - 2]; /* the array may have moved */
	labels->furniture = true; /* fixed text; the map's labels keep clear of each one */
	int rc = add_family(b, lines, labels, true);
	if (rc == POSTURE_OK)
		rc = add_family(b, lines, labels, false);
	return rc == POSTURE_OK ? rc : pst_error(b->ctx, rc, b->map->path, "out of memory");
}
