/*
 * label.h — label placement: every item named where its name fits, keyed by
 * number where it does not, and counted where neither fits.
 *
 * The design is explained in DESIGN.md beside this file.  In short: each
 * label gets candidate positions (around its symbol, then with a short
 * leader, then as a numbered key), and only candidates a reader cannot
 * misread are kept — clear of symbols, furniture and border lines, nearer
 * its own symbol than any other, leaders passing over no other symbol.  A
 * deterministic local search (greedy start, then ejection chains) chooses
 * one per label with no two in conflict.
 */
#ifndef POSTURE_LABEL_H
#define POSTURE_LABEL_H

#include <pango/pangocairo.h>

#include "scene/scene.h"

/* A key's text size for label @p l: smaller than the name (smaller still on
 * crowded maps, l->key_scale), never below 6.5 pt (or the name's own size if
 * that is smaller). */
static inline double pst_key_size(const pst_label *l)
{
	double scale = l->key_scale > 0 ? l->key_scale : 1;
	double k = 0.55 * scale * l->size, floor = l->size < 6.5 ? l->size : 6.5;
	return k > floor ? k : floor;
}

/* A key's halo: in proportion to its text, as the name's is to the name. */
static inline double pst_key_halo(const pst_label *l)
{
	return l->size > 0 ? l->halo_width * pst_key_size(l) / l->size : l->halo_width;
}

/* A label pinned by the map file's [labels] section. */
typedef struct {
	const char *item_id;
	int compass;       /* 0..7: N, NE, E, SE, S, SW, W, NW; -1: offset */
	double dx, dy;     /* offset of the label's centre from the symbol, pt (y down) */
	pst_where at;      /* where the pin is written, for warnings */
	bool used;         /* set when an item took it */
	bool collides;     /* set when the pinned label overlaps something */
	bool outside;      /* set when it does not lie wholly inside the map's frame */
} pst_label_pin_def;

/* What placement asks of the key panel, once it knows the keys it needs. */
typedef struct {
	const char *const *texts;  /* each key's name text, in key order */
	size_t n_keys;
	size_t n_unlabelled;       /* items shown without name or key */
	const pst_box *labels;     /* boxes of the labels placed so far (to hide few) */
	size_t n_labels;
} pst_key_request;

/* What the map asks of placement. */
typedef struct {
	const char *mode;              /* auto | names | keys | none (NULL: auto) */
	const char *const *layer_names; /* per-layer modes: labels.LAYER = … */
	const char *const *layer_modes;
	size_t n_layers;
	pst_label_pin_def *pins;       /* designer's pins */
	size_t n_pins;
	/* Reserve the key panel (NULL: none): *box is where it goes, empty for nowhere. */
	int (*reserve_keys)(void *user, const pst_key_request *req, pst_box *box);
	void *user;
	size_t n_dense;                /* items of layers too dense to label: the key panel says so */
	pst_box keys_box;              /* out: the box reserved */
	posture_inputs *inputs;        /* remembers placements between builds (reuse.c); NULL: none */
	const pst_label_ref *keep;     /* an earlier render's labels, sorted (--keep-labels)… */
	size_t n_keep;
	size_t n_kept;                 /* …out: the labels whose place was among their candidates */
} pst_label_opts;

/* The mode of layer @p layer (its own, else the map's, else "auto"). */
const char *pst_label_mode_of(const pst_label_opts *opts, const char *layer);

/**
 * Place every label of @p s (items' labels), avoiding each other, every
 * point symbol, the furniture, border lines and the page edge.  An item
 * whose name finds no room gets a numbered key (it->key) or, failing that,
 * no label (it->label_dropped, counted in @p stats as unlabelled).
 * @param pc   a Pango context for measuring text
 * @param opts NULL for the defaults
 */
int pst_label_place(posture_scene *s, PangoContext *pc, pst_label_opts *opts,
                    pst_label_stats *stats);

#endif
