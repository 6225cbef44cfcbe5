/*
 * cite.h — formatting citations from CSL-JSON, in one documented style:
 * Chicago author-date (reference-list form), as plain UTF-8 text.
 */
#ifndef POSTURE_CITE_H
#define POSTURE_CITE_H

#include <jansson.h>

#include "internal.h"

/**
 * The reference-list entry of a CSL item, e.g.
 *   Mataconis, Doug. n.d. "Putin Using Fear Of ISIS …" OTB.
 *   "[Russian security policy …]." 2015. Comillas Journal of International
 *   Relations, no. 3: 44–57.
 * Authors first (family, given; literal names as they are); without authors
 * the title leads.  Missing fields are left out, never printed empty.  The
 * URL is not included (see pst_cite_url).  Caller frees; NULL when out of memory.
 */
char *pst_cite_full(json_t *csl);

/** Short in-text form: "Mataconis n.d., para. 6", "Comillas Journal … 2015, p. 53". */
char *pst_cite_short(json_t *csl, const char *locator);

/**
 * The link of a CSL item: its URL when the scheme is http or https (case and
 * surrounding spaces ignored), else its DOI as https://doi.org/…; NULL when
 * neither.  Caller frees.
 */
char *pst_cite_url(json_t *csl);

#endif
