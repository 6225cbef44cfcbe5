/*
 * text.h — Pango text layout shared by the scene builder (which measures
 * labels to place them) and the Cairo backend (which draws them), so both
 * use exactly the same metrics.
 */
#ifndef POSTURE_TEXT_H
#define POSTURE_TEXT_H

#include <pango/pangocairo.h>

#include "scene.h"

/** Make @p pc measure in points, unhinted (metrics independent of scale). */
void pst_text_setup_context(PangoContext *pc);

/** A context for measuring, on the default font map.  Free with g_object_unref. */
PangoContext *pst_text_context_new(void);

/** Lay out @p label's text in @p pc.  Free with g_object_unref. */
PangoLayout *pst_text_layout(PangoContext *pc, const pst_label *label);

/**
 * Let pst_text_measure() on @p pc remember sizes in store @p in (borrowed:
 * it must outlive @p pc's measuring; NULL: remember nothing).
 */
void pst_text_remember_in(PangoContext *pc, posture_inputs *in);

/** Width and height of @p label's logical box, in points (remembered: see above). */
void pst_text_measure(PangoContext *pc, const pst_label *label, double *w, double *h);

/* Where the ink of a label's text starts below the top of its layout, and its height. */
void pst_text_ink(PangoContext *pc, const pst_label *label, double *top, double *h);

/**
 * Check that fontconfig has @p family: a warning naming the font drawn
 * instead when it substitutes one, an error when no font loads at all.
 */
int pst_text_check_font(posture_ctx *ctx, PangoContext *pc, const char *family,
                        const char *origin);

#endif
