/*
 * reuse.h — label placement remembered between builds of a live preview
 * (`posture serve`, `posture watch`: builds that share a posture_inputs
 * store), so that an edit pays only for the labels it changed.
 *
 * Two results are remembered in the store's memo (pst_inputs_memo_get),
 * each keyed by every byte it is computed from, so that a remembered result
 * is exactly the one a fresh computation gives and never needs forgetting:
 *   - a label's candidates (label.c's make_candidates): keyed by the
 *     obstacles of the whole map (as one serial number, see below) and what
 *     of the label and its item candidate generation reads;
 *   - a solve (pst_label_solve): keyed by its whole input, every label's
 *     candidates, weight, costs, pinning and (resuming) choice, the order and
 *     the page.
 * The obstacles (symbol and furniture boxes, with whose symbol each is; hard
 * and soft line segments; the frame; the longest leader) are a large key: the
 * memo maps them to a serial number taken once per distinct set, and the
 * candidates' keys hold that number.
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
	unsigned long obstacles;  /* serial of this build's obstacle set; 0: none (no reuse) */
	bool missed;              /* the last pst_label_reuse_cands() found nothing */
} pst_label_reuse;

/**
 * Start remembering for one placement on @p s: the obstacles as label.c
 * collected them.  The boxes are given as their first element's fields
 * (box, owner, dense) and the size of one element (label.c's fixed_box):
 * a field added to fixed_box must be given here too.  With @p in NULL, or
 * out of memory, nothing is reused.
 */
void pst_label_reuse_begin(pst_label_reuse *r, posture_inputs *in, const posture_scene *s,
                           const pst_box *box0, const pst_item *const *owner0,
                           const bool *dense0, size_t stride, size_t n_boxes,
                           const pst_seg *hard, size_t n_hard, const pst_seg *soft,
                           size_t n_soft, double leader_max);

/**
 * Label @p l's candidates as generated before for the same inputs (@p n_labels:
 * the map's count of labels), into l->c and l->n; false when none are
 * remembered (generate them, then call pst_label_reuse_keep_cands()).
 * @return true when l->c was filled (POSTURE_ENOMEM is reported as false)
 */
bool pst_label_reuse_cands(pst_label_reuse *r, pst_lab *l, size_t n_labels);

/** Remember label @p l's candidates, just generated after a miss. */
void pst_label_reuse_keep_cands(pst_label_reuse *r, const pst_lab *l, size_t n_labels);

/**
 * pst_label_solve(), or its result for the same input when @p in (NULL:
 * none) remembers one.  The key holds everything of pst_lab the solver
 * reads: a solver that reads more must add it to solve_key() in reuse.c.
 */
int pst_label_reuse_solve(posture_inputs *in, pst_lab *labs, size_t n, const size_t *order,
                          double width, double height, bool resume);

#endif
