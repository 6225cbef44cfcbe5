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

#define PST_MAX_ALTS 2   /* the name broken over up to this many more lines */
#define PST_LEADER_SHARE 0.075 /* the longest leader, as a share of the page's width */
#define PST_LEAD_HALF 0.5 /* pt: a leader meets a label box this near it */

typedef struct {
	pst_box box;       /* label box including the halo */
	double x, y;       /* top left of the text */
	double cost;       /* preference, unweighted: 0 best */
	bool key;          /* a numbered key rather than the name */
	unsigned char alt; /* 0: the name as written; n: broken over n more lines (pst_lab.alt[n-1]) */
	bool leader;       /* joined to the symbol by a leader line */
	double lead[4];    /* leader: symbol edge to label box */
	unsigned seq;      /* generation order: ties keep it (determinism) */
} pst_cand;

typedef struct {
	pst_item *it;
	const char *layer; /* its layer's name (the group's) */
	double w, h;       /* name text size */
	double kw, kh;     /* key box: the ink of its widest possible number (0: no key allowed)… */
	double ky;         /* …which starts this far below the top of the key's text */
	struct {
		char *text;        /* the name with one more line break than the one before */
		double w, h;       /* its size */
	} alt[PST_MAX_ALTS];
	int n_alt;
	double weight;     /* how much its preferences count (priority) */
	double none_cost;  /* weighted cost of showing no label */
	pst_cand *c;       /* candidates, cheapest first */
	size_t n;
	long chosen;       /* index into c, or -1: no label */
	bool pinned;       /* placed by the map file: never moved */
	long kept;         /* the candidate an earlier render gave it (--keep-labels), or -1 */
	bool names;        /* its mode allows the name */
	bool keys;         /* its mode allows a key */
} pst_lab;

/* Weighted cost of label @p l taking candidate @p k (-1: none). */
static inline double pst_lab_cost(const pst_lab *l, long k)
{
	return k < 0 ? l->none_cost : l->c[k].cost * l->weight;
}

/* A candidate's box with its leader; whether two labels can hold these at once. */
pst_box pst_cand_extent(const pst_cand *c);
bool pst_cand_conflict(const pst_cand *a, const pst_cand *b);

/* What the complete search (exact.c) searches. */
typedef struct {
	const size_t *subset; /* the labels it may move (NULL: all but the pinned) */
	size_t n_subset;
	bool keys;            /* items may take keys (else only names) */
	/* Does candidate @p c of label @p i meet a label the search does not move? */
	bool (*blocked)(void *user, size_t i, const pst_cand *c);
	void *user;
	size_t budget;        /* nodes at most */
} pst_exact_opts;

/*
 * A complete branch and bound (exact.c) over the labels @p o names, from
 * the choices they hold: into @p out (n of them) every label's choice, and
 * *improved when the search found a cheaper one than they hold.
 */
int pst_label_exact(pst_lab *labs, size_t n, const pst_exact_opts *o, long *out,
                    bool *improved);

/* How a search starts. */
typedef enum {
	PST_START_EMPTY,  /* from no choice at all */
	PST_START_RESUME, /* labels keep their choices; those without one start the moves */
	PST_START_REFINE, /* labels keep their choices; every label may start a move */
} pst_start;

/*
 * Choose one candidate (or none) per label: greedy in @p order for the
 * labels without a choice, then local improvement by ejection chains
 * (solve.c), over all @p n labels at once.  @p width, @p height: the page.
 * Choices kept from before must be free of conflicts.
 */
int pst_label_search(pst_lab *labs, size_t n, const size_t *order, double width, double height,
                     pst_start start);

/* Maps of at most this many labels are solved group by group, and get the
 * complete search where the local search leaves items keyed. */
#define PST_SMALL_MAP 80

/*
 * Where labels of a small map hold keys (or nothing) for items, the
 * complete search (exact.c) for a name for each, moving only the items
 * whose symbols lie within @p reach pt of theirs; the choices they hold stay
 * if it finds none.
 */
int pst_label_name_near(pst_lab *labs, size_t n, double width, double height, double reach);

/*
 * Choose one candidate (or none) per label.  On a small map, group by group
 * (groups.c): labels whose choices meet are solved together, the rest apart,
 * so that one added item moves only its own group; crowded maps, and
 * resumed runs (@p resume: see PST_START_RESUME), go to pst_label_search().
 */
int pst_label_solve(pst_lab *labs, size_t n, const size_t *order, double width, double height,
                    bool resume);

#endif
