/*
 * place.h — the model shared by candidate generation (label.c) and the
 * solver (solve.c): labels, their candidate positions, and what a choice
 * costs.
 *
 * Every candidate kept is legal on its own: inside the frame, over no
 * symbol, no furniture and no border line, nearer its own symbol than any
 * other (or joined to it by a short leader that passes over no other
 * symbol).  What remains for the solver is the conflicts between the
 * choices of two labels, all of them hard: boxes overlapping, a leader
 * through another label, two leaders crossing.  A label may also end with
 * no candidate at all; that costs its `none_cost` and the map says so.
 */
#ifndef POSTURE_LABEL_PLACE_H
#define POSTURE_LABEL_PLACE_H

#include "index.h"
#include "scene/scene.h"

typedef struct {
	pst_box box;       /* label box including the halo */
	double x, y;       /* top left of the text */
	double cost;       /* preference, unweighted: 0 best */
	bool key;          /* a numbered key rather than the name */
	bool alt;          /* the name broken over one more line (pst_lab.alt_text) */
	bool leader;       /* joined to the symbol by a leader line */
	double lead[4];    /* leader: symbol edge to label box */
	unsigned seq;      /* generation order: ties keep it (determinism) */
} pst_cand;

typedef struct {
	pst_item *it;
	double w, h;       /* name text size */
	double kw, kh;     /* key text size (0: no key allowed) */
	char *alt_text;    /* a one-line name broken in two, or NULL */
	double aw, ah;     /* its size */
	double weight;     /* how much its preferences count (priority) */
	double none_cost;  /* weighted cost of showing no label */
	pst_cand *c;       /* candidates, cheapest first */
	size_t n;
	long chosen;       /* index into c, or -1: no label */
	bool pinned;       /* placed by the map file: never moved */
	bool names;        /* its mode allows the name */
	bool keys;         /* its mode allows a key */
} pst_lab;

/* Weighted cost of label @p l taking candidate @p k (-1: none). */
static inline double pst_lab_cost(const pst_lab *l, long k)
{
	return k < 0 ? l->none_cost : l->c[k].cost * l->weight;
}

/*
 * Choose one candidate (or none) per label: greedy in @p order, then local
 * improvement by ejection chains.  @p width, @p height: the page.
 */
int pst_label_solve(pst_lab *labs, size_t n, const size_t *order, double width, double height);

#endif
