/*
 * label.h — label placement: every label placed, none overlapping.
 *
 * The design is explained in DESIGN.md beside this file.  In short: each
 * label gets candidate positions (the eight classic ones around its symbol,
 * then rings further out that need a leader line), candidates that leave
 * the page or cover a symbol or the furniture are discarded, conflicts
 * between candidates of different labels are found through a grid index,
 * and simulated annealing chooses one candidate per label, minimising
 * overlaps first and displacement second.  Deterministic: a fixed seed.
 */
#ifndef POSTURE_LABEL_H
#define POSTURE_LABEL_H

#include <pango/pangocairo.h>

#include "scene/scene.h"

/**
 * Place every label of @p s (items' labels), avoiding each other, every
 * point symbol, the furniture panels and the page edge.  Labels that find
 * no room are removed from their items (and counted in @p stats).
 * @param pc a Pango context for measuring text
 */
int pst_label_place(posture_scene *s, PangoContext *pc, pst_label_stats *stats);

#endif
