/*
 * reuse.h — label placement remembered between builds of a live preview
 * (`posture serve`, `posture watch`: builds that share a posture_inputs
 * store), so that an edit pays only for the labels it changed.
 *
 * Two results are remembered in the store's memo (pst_inputs_memo_get),
 * each keyed by every byte it is computed from, so that a remembered result
 * is exactly the one a fresh computation gives and never needs forgetting:
 *   - a label's candidates (label.c's make_candidates): keyed by what of the
 *     label and its item candidate generation reads, the map's lines and
 *     frame (as one serial number, see below), and the symbol and furniture
 *     boxes within the label's reach: the union of every box candidate
 *     generation asks the grid of those boxes about.  The reach depends on
 *     the label and the page alone, so it is remembered under the label's
 *     key (without the boxes) when its candidates are first made; an edit
 *     that moves one symbol makes again only the candidates of the labels
 *     whose reach holds its old or new place;
 *   - a solve (pst_label_solve): keyed by its whole input, every label's
 *     candidates, weight, costs, pinning and (resuming) choice, the order and
 *     the page.
 * The lines (hard and soft segments; the frame; the longest leader) are a
 * large key that the layers do not change: the memo maps them to a serial
 * number taken once per distinct set, and the candidates' keys hold that
 * number.
 *
 * Without a store (a single render) nothing is remembered and every call
 * computes afresh.
 */
#ifndef POSTURE_LABEL_REUSE_H
#define POSTURE_LABEL_REUSE_H

#include "place.h"

typedef struct {
	posture_inputs *in;       /* the store; NULL: nothing is remembered */
	const posture_scene *s;
	unsigned long lines;      /* serial of this build's lines and frame; 0: none (no reuse) */
} pst_label_reuse;

/**
 * Start remembering for one placement on @p s: the lines as label.c collected
 * them, and the longest leader.  With @p in NULL, or out of memory, nothing
 * is reused.
 */
void pst_label_reuse_begin(pst_label_reuse *r, posture_inputs *in, const posture_scene *s,
                           const pst_seg *hard, size_t n_hard, const pst_seg *soft,
                           size_t n_soft, double leader_max);

/**
 * The reach remembered for label @p l (@p n_labels: the map's count of
 * labels), into *reach; false when none (its candidates were never made).
 */
bool pst_label_reuse_reach(pst_label_reuse *r, const pst_lab *l, size_t n_labels, pst_box *reach);

/**
 * Label @p l's candidates as generated before for the same inputs, into l->c
 * and l->n; @p near: the boxes within its reach, as label.c writes them.
 * @return true when l->c was filled; false when none are remembered
 * (generate them, then call pst_label_reuse_keep_cands()), or out of memory
 */
bool pst_label_reuse_cands(pst_label_reuse *r, pst_lab *l, size_t n_labels, const pst_buf *near);

/** Remember label @p l's candidates, just generated, their reach and the boxes
 * @p near within it. */
void pst_label_reuse_keep_cands(pst_label_reuse *r, const pst_lab *l, size_t n_labels,
                                const pst_box *reach, const pst_buf *near);

/**
 * pst_label_solve(), or its result for the same input when @p in (NULL:
 * none) remembers one.  The key holds everything of pst_lab the solver
 * reads: a solver that reads more must add it to solve_key() in reuse.c.
 */
int pst_label_reuse_solve(posture_inputs *in, pst_lab *labs, size_t n, const size_t *order,
                          double width, double height, bool resume);

#endif
