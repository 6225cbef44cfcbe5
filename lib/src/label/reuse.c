/*
 * reuse.c — label placement remembered between builds (see reuse.h).
 *
 * Keys are written field by field (never a struct's bytes, whose padding is
 * undefined), in a fixed order; a value is the bytes to put back.  Pointers
 * are never part of a key: the label's item is named by its ordinal in the
 * scene (its groups' items counted in drawing order), and a symbol box near
 * it by whether it is that item's (label.c's fixed_near: all that candidate
 * generation reads of a box's owner).
 *
 * What the candidates' key holds is more than candidate generation reads
 * today (the label's text and look, for instance): a key that holds too much
 * only costs a recomputation; one that holds too little would be wrong.
 */
#include <stdlib.h>
#include <string.h>

#include "reuse.h"
#include "scene/inputs.h"

static void put(pst_buf *k, const void *p, size_t n)
{
	if (n)
		pst_buf_add(k, p, n);
}

static void put_d(pst_buf *k, double v)
{
	put(k, &v, sizeof(v));
}

static void put_z(pst_buf *k, size_t v)
{
	put(k, &v, sizeof(v));
}

static void put_box(pst_buf *k, const pst_box *b)
{
	put_d(k, b->x0);
	put_d(k, b->y0);
	put_d(k, b->x1);
	put_d(k, b->y1);
}

static void put_str(pst_buf *k, const char *s)
{
	size_t n = s ? strlen(s) + 1 : 0; /* NULL and "" differ */
	put_z(k, n);
	put(k, s ? s : "", n);
}

static void put_segs(pst_buf *k, const pst_seg *segs, size_t n)
{
	put_z(k, n);
	for (size_t i = 0; i < n; i++) {
		put_d(k, segs[i].x0);
		put_d(k, segs[i].y0);
		put_d(k, segs[i].x1);
		put_d(k, segs[i].y1);
		put_d(k, segs[i].half);
	}
}

/* The ordinal of @p it among the items of @p s (groups in order); -1: NULL or not in it. */
static long ordinal(const posture_scene *s, const pst_item *it)
{
	long base = 0;
	for (size_t g = 0; it && g < s->n_groups; g++) {
		const pst_group *grp = &s->groups[g];
		if (grp->n_items && it >= grp->items && it < grp->items + grp->n_items)
			return base + (long)(it - grp->items);
		base += (long)grp->n_items;
	}
	return -1;
}

void pst_label_reuse_begin(pst_label_reuse *r, posture_inputs *in, const posture_scene *s,
                           const pst_seg *hard, size_t n_hard, const pst_seg *soft,
                           size_t n_soft, double leader_max)
{
	*r = (pst_label_reuse){ .in = in, .s = s };
	if (!in)
		return;
	pst_buf k;
	pst_buf_init(&k);
	put_d(&k, s->width);
	put_d(&k, s->height);
	put_box(&k, &s->map_box);
	put_d(&k, leader_max);
	put_segs(&k, hard, n_hard);
	put_segs(&k, soft, n_soft);
	size_t len = 0;
	const unsigned long *found =
		k.failed ? NULL : pst_inputs_memo_get(in, "label-lines", k.data, k.len, &len);
	if (found && len == sizeof(*found)) {
		r->lines = *found;
	} else if (!k.failed) {
		r->lines = pst_inputs_serial(in);
		pst_inputs_memo_put(in, "label-lines", k.data, k.len, &r->lines, sizeof(r->lines));
	}
	pst_buf_free(&k);
}

/* What candidate generation for @p l may read but the boxes near it, with the
 * lines' serial. */
static void cands_key(pst_buf *k, const pst_label_reuse *r, const pst_lab *l, size_t n_labels)
{
	const pst_item *it = l->it;
	const pst_label *lb = it->label;
	long o = ordinal(r->s, it);
	put(k, &r->lines, sizeof(r->lines));
	put_z(k, n_labels);
	put(k, &o, sizeof(o));
	put_d(k, it->ax);
	put_d(k, it->ay);
	put_box(k, &it->symbol_box);
	put(k, &it->fanned, sizeof(it->fanned));
	put_d(k, it->fanned ? it->spot_x : 0);
	put_d(k, it->fanned ? it->spot_y : 0);
	put_d(k, it->symbol_size);
	int ints[2] = { (int)it->symbol, it->priority };
	put(k, ints, sizeof(ints));
	put_z(k, it->n_spots);
	put(k, it->spots, it->n_spots * 2 * sizeof(double));
	put_str(k, lb->text);
	put_str(k, lb->family);
	bool flags[6] = { lb->bold, lb->italic, l->names, l->keys, l->pinned, it->label_optional };
	put(k, flags, sizeof(flags));
	const double d[13] = { lb->letter_spacing, lb->wrap, lb->size, lb->halo_width, lb->key_scale,
		               l->w, l->h, l->kw, l->kh, l->ky, l->weight, l->none_cost,
		               (double)l->n_alt };
	put(k, d, sizeof(d));
	for (int a = 0; a < l->n_alt; a++) {
		put_str(k, l->alt[a].text);
		put_d(k, l->alt[a].w);
		put_d(k, l->alt[a].h);
	}
}

bool pst_label_reuse_reach(pst_label_reuse *r, const pst_lab *l, size_t n_labels, pst_box *reach)
{
	if (!r->lines)
		return false;
	pst_buf k;
	pst_buf_init(&k);
	cands_key(&k, r, l, n_labels);
	size_t len = 0;
	const double *found =
		k.failed ? NULL : pst_inputs_memo_get(r->in, "label-reach", k.data, k.len, &len);
	pst_buf_free(&k);
	if (!found || len != 4 * sizeof(double))
		return false;
	*reach = (pst_box){ found[0], found[1], found[2], found[3] };
	return true;
}

bool pst_label_reuse_cands(pst_label_reuse *r, pst_lab *l, size_t n_labels, const pst_buf *near)
{
	if (!r->lines || near->failed)
		return false;
	pst_buf k;
	pst_buf_init(&k);
	cands_key(&k, r, l, n_labels);
	put(&k, near->data, near->len);
	size_t len = 0;
	const char *found =
		k.failed ? NULL : pst_inputs_memo_get(r->in, "label-candidates", k.data, k.len, &len);
	pst_buf_free(&k);
	size_t n;
	if (!found || len < sizeof(n))
		return false;
	memcpy(&n, found, sizeof(n));
	if (len != sizeof(n) + n * sizeof(pst_cand))
		return false;
	pst_cand *c = malloc(n ? n * sizeof(pst_cand) : 1);
	if (!c)
		return false;
	memcpy(c, found + sizeof(n), n * sizeof(pst_cand));
	free(l->c);
	l->c = c;
	l->n = n;
	return true;
}

void pst_label_reuse_keep_cands(pst_label_reuse *r, const pst_lab *l, size_t n_labels,
                                const pst_box *reach, const pst_buf *near)
{
	if (!r->lines || near->failed)
		return;
	pst_buf k, v;
	pst_buf_init(&k);
	pst_buf_init(&v);
	cands_key(&k, r, l, n_labels);
	put_box(&v, reach);
	size_t len = 0;
	if (!k.failed && !v.failed &&
	    !pst_inputs_memo_get(r->in, "label-reach", k.data, k.len, &len))
		pst_inputs_memo_put(r->in, "label-reach", k.data, k.len, v.data, v.len);
	put(&k, near->data, near->len);
	v.len = 0;
	put_z(&v, l->n);
	put(&v, l->c, l->n * sizeof(pst_cand));
	if (!k.failed && !v.failed)
		pst_inputs_memo_put(r->in, "label-candidates", k.data, k.len, v.data, v.len);
	pst_buf_free(&k);
	pst_buf_free(&v);
}

static void put_cand(pst_buf *k, const pst_cand *c)
{
	const double d[11] = { c->box.x0, c->box.y0, c->box.x1, c->box.y1, c->x, c->y, c->cost,
		               c->lead[0], c->lead[1], c->lead[2], c->lead[3] };
	put(k, d, sizeof(d));
	unsigned u[4] = { c->key, c->alt, c->leader, c->seq };
	put(k, u, sizeof(u));
}

/* Everything pst_label_solve() reads (solve.c): labels' candidates, weights,
 * costs, pins, whether their item's label is optional, the candidate kept
 * from an earlier render and, resuming, choices; the order; the page. */
static void solve_key(pst_buf *k, const pst_lab *labs, size_t n, const size_t *order,
                      double width, double height, bool resume)
{
	put_z(k, n);
	put_d(k, width);
	put_d(k, height);
	put(k, &resume, sizeof(resume));
	put(k, order, n * sizeof(*order));
	for (size_t i = 0; i < n; i++) {
		const pst_lab *l = &labs[i];
		long chosen = resume ? l->chosen : -1;
		bool flags[4] = { l->pinned, l->names, l->keys, l->it->label_optional };
		put(k, flags, sizeof(flags));
		put(k, &chosen, sizeof(chosen));
		put(k, &l->kept, sizeof(l->kept));
		put_d(k, l->weight);
		put_d(k, l->none_cost);
		put_z(k, l->n);
		for (size_t c = 0; c < l->n; c++)
			put_cand(k, &l->c[c]);
	}
}

int pst_label_reuse_solve(posture_inputs *in, pst_lab *labs, size_t n, const size_t *order,
                          double width, double height, bool resume)
{
	if (!in)
		return pst_label_solve(labs, n, order, width, height, resume);
	pst_buf k;
	pst_buf_init(&k);
	solve_key(&k, labs, n, order, width, height, resume);
	size_t len = 0;
	const long *found =
		k.failed ? NULL : pst_inputs_memo_get(in, "label-solve", k.data, k.len, &len);
	if (found && len == n * sizeof(long)) {
		for (size_t i = 0; i < n; i++)
			labs[i].chosen = found[i];
		pst_buf_free(&k);
		return POSTURE_OK;
	}
	int rc = pst_label_solve(labs, n, order, width, height, resume);
	long *chosen = rc == POSTURE_OK && !k.failed ? malloc((n ? n : 1) * sizeof(long)) : NULL;
	for (size_t i = 0; chosen && i < n; i++)
		chosen[i] = labs[i].chosen;
	if (chosen)
		pst_inputs_memo_put(in, "label-solve", k.data, k.len, chosen, n * sizeof(long));
	free(chosen);
	pst_buf_free(&k);
	return rc;
}
