/*
 * keys.h — the key panel (see keys.c).
 */
#ifndef POSTURE_SCENE_KEYS_H
#define POSTURE_SCENE_KEYS_H

#include "builder.h"
#include "label/label.h"

/* Label placement's callback: reserve a panel for req->n_keys keys (their
 * texts in key order) and the unlabelled note.  *out is empty when no room. */
int pst_keys_reserve(void *user, const pst_key_request *req, pst_box *out);

/* Write the key panel's rows into @p box for the keys placement gave. */
int pst_keys_fill(builder *b, const pst_box *box);

#endif
