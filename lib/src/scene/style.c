/*
 * style.c — themes as data: maps/themes/<name>.ini.
 *
 * A theme file has one section per layer or thing drawn ([sea], [land],
 * [lake], [river], [border], [border-disputed], [segment], [symbol], [text],
 * [place], [furniture]) and one per point kind ([kind.air-base]: shape,
 * fill, size, hollow).  Every property is listed in `props` below with
 * where it lands in pst_theme; an unknown section or key is an error that
 * suggests the nearest known one.  A theme may start from another
 * (`[theme] inherit = article`), and a map file's [theme] section overrides
 * single properties ("land.fill = #FFF8E7").
 *
 * Sizes are for a reference page of A4 size; the scene builder multiplies
 * them by the page's size factor (pst_theme_factor).
 */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dirent.h>

#include "mapdef/ini.h"
#include "style.h"

#define MAX_THEME_FILE (256 * 1024)
#define MAX_INHERIT 4

typedef enum { P_COLOR, P_SIZE, P_WIDTH, P_OPACITY, P_FONT } prop_type;

typedef struct {
	const char *name;   /* "land.fill" */
	prop_type type;
	size_t offset;      /* into pst_theme */
} prop;

#define T(field) offsetof(pst_theme, field)
static const prop props[] = {
	{ "sea.fill", P_COLOR, T(sea) },
	{ "land.fill", P_COLOR, T(land.fill) },
	{ "land.stroke", P_COLOR, T(land.stroke) },
	{ "land.width", P_WIDTH, T(land.stroke_width) },
	{ "land.focus", P_COLOR, T(land_focus) },
	{ "lake.fill", P_COLOR, T(lake.fill) },
	{ "lake.stroke", P_COLOR, T(lake.stroke) },
	{ "lake.width", P_WIDTH, T(lake.stroke_width) },
	{ "river.stroke", P_COLOR, T(river) },
	{ "river.width-1", P_WIDTH, T(river_width[0]) },
	{ "river.width-2", P_WIDTH, T(river_width[1]) },
	{ "river.width-3", P_WIDTH, T(river_width[2]) },
	{ "river.width-4", P_WIDTH, T(river_width[3]) },
	{ "border.stroke", P_COLOR, T(border.stroke) },
	{ "border.width", P_WIDTH, T(border.stroke_width) },
	{ "border-disputed.stroke", P_COLOR, T(border_disputed.stroke) },
	{ "border-disputed.width", P_WIDTH, T(border_disputed.stroke_width) },
	{ "border-disputed.dash", P_WIDTH, T(border_disputed.dash[0]) },
	{ "border-disputed.gap", P_WIDTH, T(border_disputed.dash[1]) },
	{ "graticule.stroke", P_COLOR, T(graticule) },
	{ "graticule.width", P_WIDTH, T(graticule_width) },
	{ "segment.stroke", P_COLOR, T(segment.stroke) },
	{ "segment.width", P_WIDTH, T(segment.stroke_width) },
	{ "symbol.outline", P_COLOR, T(symbol_outline) },
	{ "symbol.outline-width", P_WIDTH, T(symbol_outline_width) },
	{ "symbol.uncertainty-opacity", P_OPACITY, T(uncertainty_alpha) },
	{ "text.font", P_FONT, T(font) },
	{ "text.label-size", P_SIZE, T(label_size) },
	{ "text.handout-label-size", P_SIZE, T(handout_label_size) },
	{ "text.label-color", P_COLOR, T(label_color) },
	{ "text.halo", P_COLOR, T(halo) },
	{ "text.halo-width", P_WIDTH, T(halo_width) },
	{ "text.title-size", P_SIZE, T(title_size) },
	{ "text.subtitle-size", P_SIZE, T(subtitle_size) },
	{ "text.credit-size", P_SIZE, T(credit_size) },
	{ "text.muted", P_COLOR, T(muted_text) },
	{ "place.size", P_SIZE, T(place_size) },
	{ "place.color", P_COLOR, T(place_text) },
	{ "place.water", P_COLOR, T(water_text) },
	{ "place.region", P_COLOR, T(region_text) },
	{ "place.country-size", P_SIZE, T(country_size) },
	{ "furniture.panel", P_COLOR, T(panel_fill) },
	{ "furniture.leader", P_COLOR, T(leader) },
	{ "furniture.leader-width", P_WIDTH, T(leader_width) },
};
#undef T

static const char *const kind_keys[] = { "shape", "fill", "size", "hollow", NULL };
static const char *const shapes[] = { "none",    "square", "circle", "triangle", "diamond",
	                              "star",    "cross",  "triangle-down", NULL };

/* --- values ------------------------------------------------------------------ */

static int hex(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : isxdigit((unsigned char)c) ? (tolower(c) - 'a' + 10) : -1;
}

/* "#RRGGBB", "#RRGGBBAA" or "none". */
static bool parse_color(pst_rgba *out, const char *v)
{
	if (!strcmp(v, "none")) {
		*out = (pst_rgba){ 0, 0, 0, 0 };
		return true;
	}
	size_t n = strlen(v);
	if (v[0] != '#' || (n != 7 && n != 9))
		return false;
	int c[4] = { 0, 0, 0, 255 };
	for (size_t i = 0; i < (n - 1) / 2; i++) {
		int hi = hex(v[1 + 2 * i]), lo = hex(v[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return false;
		c[i] = hi * 16 + lo;
	}
	*out = (pst_rgba){ c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, c[3] / 255.0 };
	return true;
}

static bool parse_number(double *out, const char *v, double lo, double hi)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !isfinite(d) || d < lo || d > hi)
		return false;
	*out = d;
	return true;
}

static int set_prop(pst_theme *t, const prop *p, const char *v, posture_ctx *ctx,
                    const pst_where *at)
{
	void *field = (char *)t + p->offset;
	switch (p->type) {
	case P_COLOR:
		if (!parse_color(field, v))
			return pst_ini_error(ctx, at, "%s wants a colour like #D55E00 (or #D55E0080 with "
			                     "opacity, or none), not '%s'", p->name, v);
		return POSTURE_OK;
	case P_SIZE:
		if (!parse_number(field, v, 1, 72))
			return pst_ini_error(ctx, at, "%s wants a size in points from 1 to 72, not '%s'",
			                     p->name, v);
		return POSTURE_OK;
	case P_WIDTH:
		if (!parse_number(field, v, 0, 20))
			return pst_ini_error(ctx, at, "%s wants a width in points from 0 to 20, not '%s'",
			                     p->name, v);
		return POSTURE_OK;
	case P_OPACITY:
		if (!parse_number(field, v, 0, 1))
			return pst_ini_error(ctx, at, "%s wants an opacity from 0 to 1, not '%s'", p->name, v);
		return POSTURE_OK;
	case P_FONT:
		if (!*v || strlen(v) >= sizeof(t->font))
			return pst_ini_error(ctx, at, "%s wants a font family name", p->name);
		snprintf(field, sizeof(t->font), "%s", v);
		return POSTURE_OK;
	}
	return POSTURE_OK;
}

static pst_kind_style *kind_slot(pst_theme *t, const char *kind)
{
	for (size_t i = 0; i < t->n_kinds; i++)
		if (!strcmp(t->kinds[i].kind, kind))
			return &t->kinds[i];
	if (t->n_kinds == PST_THEME_MAX_KINDS || strlen(kind) >= sizeof(t->kinds[0].kind))
		return NULL;
	pst_kind_style *k = &t->kinds[t->n_kinds++];
	memset(k, 0, sizeof(*k));
	snprintf(k->kind, sizeof(k->kind), "%s", kind);
	k->symbol = PST_SYMBOL_CIRCLE;
	k->size = 6;
	return k;
}

static int set_kind(pst_theme *t, const char *kind, const char *key, const char *v,
                    posture_ctx *ctx, const pst_where *at)
{
	pst_kind_style *k = kind_slot(t, kind);
	if (!k)
		return pst_ini_error(ctx, at, "too many kinds in one theme (at most %d)",
		                     PST_THEME_MAX_KINDS);
	if (!strcmp(key, "shape")) {
		for (int i = 0; shapes[i]; i++) {
			if (!strcmp(v, shapes[i])) {
				k->symbol = (pst_symbol)i;
				return POSTURE_OK;
			}
		}
		const char *near = posture_nearest_word(v, shapes, PST_ARRAY_LEN(shapes) - 1);
		return pst_ini_error(ctx, at, "shape '%s' is not known%s%s%s", v,
		                     near ? "; did you mean '" : " (square, circle, triangle, diamond, star, cross, triangle-down, none)",
		                     near ? near : "", near ? "'?" : "");
	}
	if (!strcmp(key, "fill"))
		return parse_color(&k->fill, v) ? POSTURE_OK
		                                : pst_ini_error(ctx, at, "fill wants a colour like #D55E00, not '%s'", v);
	if (!strcmp(key, "size"))
		return parse_number(&k->size, v, 1, 40) ? POSTURE_OK
		                                       : pst_ini_error(ctx, at, "size wants points from 1 to 40, not '%s'", v);
	if (!strcmp(v, "yes") || !strcmp(v, "no") || !strcmp(v, "half")) {
		k->hollow = !strcmp(v, "yes");
		k->half = !strcmp(v, "half");
		return POSTURE_OK;
	}
	return pst_ini_error(ctx, at, "hollow wants yes, no or half, not '%s'", v);
}

/* --- reading ----------------------------------------------------------------- */

typedef struct {
	pst_theme *theme;
	posture_ctx *ctx;
	const char *map_path;
	int depth;            /* inheritance depth */
	int rc;
} reader;

static int load_file(reader *r, const char *name, const pst_where *name_at);

/* Apply "section.key = value" (a theme file line, or a map override). */
static int apply(reader *r, const char *section, const char *key, const char *value,
                 const pst_where *key_at, const pst_where *value_at)
{
	char full[128];
	if (!strncmp(section, "kind.", 5)) {
		bool known = false;
		for (size_t i = 0; kind_keys[i]; i++)
			known = known || !strcmp(key, kind_keys[i]);
		if (!known) {
			const char *near = posture_nearest_word(key, kind_keys, 4);
			return pst_ini_error(r->ctx, key_at, "unknown key '%s' in [%s]%s%s%s", key, section,
			                     near ? "; did you mean '" : " (shape, fill, size, hollow)",
			                     near ? near : "", near ? "'?" : "");
		}
		return set_kind(r->theme, section + 5, key, value, r->ctx, value_at);
	}
	snprintf(full, sizeof(full), "%s.%s", section, key);
	for (size_t i = 0; i < PST_ARRAY_LEN(props); i++)
		if (!strcmp(props[i].name, full))
			return set_prop(r->theme, &props[i], value, r->ctx, value_at);
	const char *names[PST_ARRAY_LEN(props)];
	for (size_t i = 0; i < PST_ARRAY_LEN(props); i++)
		names[i] = props[i].name;
	const char *near = posture_nearest_word(full, names, PST_ARRAY_LEN(props));
	if (near)
		return pst_ini_error(r->ctx, key_at, "unknown theme property '%s'; did you mean '%s'?",
		                     full, near);
	return pst_ini_error(r->ctx, key_at, "unknown theme property '%s'", full);
}

static int on_theme_key(void *user, const char *section, const char *key, const char *value,
                        const pst_ini_pos *at)
{
	reader *r = user;
	if (!strcmp(section, "theme")) {
		if (!strcmp(key, "inherit"))
			return load_file(r, value, &at->value);
		if (!strcmp(key, "name"))
			return POSTURE_OK;
		return pst_ini_error(r->ctx, &at->key, "unknown key '%s' in [theme] (inherit, name)", key);
	}
	if (!section[0])
		return pst_ini_error(r->ctx, &at->key, "'%s' is outside any section", key);
	return apply(r, section, key, value, &at->key, &at->value);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* themes/<name>.ini beside the map (*beside set), else posture's own in @p builtin. */
static char *find_theme(const char *map_path, const char *name, const char *builtin,
                        bool *beside)
{
	const char *slash = strrchr(map_path, '/');
	char *path = slash ? pst_asprintf("%.*s/themes/%s.ini", (int)(slash - map_path), map_path, name)
	                   : pst_asprintf("themes/%s.ini", name);
	*beside = true;
	if (path && is_file(path))
		return path;
	*beside = false;
	free(path);
	path = pst_asprintf("%s/%s.ini", builtin, name);
	if (path && is_file(path))
		return path;
	free(path);
	return NULL;
}

/* Theme names in @p dir (files NAME.ini), appended to @p names. */
static void list_themes(const char *dir, char names[][32], size_t *n, size_t max)
{
	DIR *d = dir ? opendir(dir) : NULL;
	for (struct dirent *e; d && (e = readdir(d)) != NULL && *n < max;) {
		size_t len = strlen(e->d_name);
		if (len > 4 && len - 4 < 32 && !strcmp(e->d_name + len - 4, ".ini")) {
			memcpy(names[*n], e->d_name, len - 4);
			names[(*n)++][len - 4] = '\0';
		}
	}
	if (d)
		closedir(d);
}

/* The known theme nearest @p name (beside the map, then posture's own), or NULL. */
static const char *nearest_theme(const char *map_path, const char *name, const char *builtin,
                                 char names[][32], size_t max)
{
	const char *slash = strrchr(map_path, '/');
	char *beside = slash ? pst_asprintf("%.*s/themes", (int)(slash - map_path), map_path)
	                     : pst_strdup("themes");
	size_t n = 0;
	list_themes(beside, names, &n, max);
	list_themes(builtin, names, &n, max);
	free(beside);
	const char *words[64];
	for (size_t i = 0; i < n && i < 64; i++)
		words[i] = names[i];
	return posture_nearest_word(name, words, n < 64 ? n : 64);
}

static bool valid_name(const char *name)
{
	if (!*name || strlen(name) > 31)
		return false;
	for (const char *p = name; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
			return false;
	return true;
}

static int load_file(reader *r, const char *name, const pst_where *name_at)
{
	if (!valid_name(name))
		return pst_ini_error(r->ctx, name_at, "theme name '%s' must be lower-case letters, "
		                     "digits and hyphens", name);
	if (r->depth >= MAX_INHERIT)
		return pst_ini_error(r->ctx, name_at, "themes inherit too deeply (a loop?) at '%s'", name);
	bool beside;
	char *builtin = pst_data_path("themes");
	if (!builtin)
		return pst_error(r->ctx, POSTURE_ENOMEM, r->map_path, "out of memory");
	char *path = find_theme(r->map_path, name, builtin, &beside);
	if (!path) {
		char names[64][32];
		const char *near = nearest_theme(r->map_path, name, builtin, names, 64);
		int rc = near ? pst_ini_error(r->ctx, name_at, "theme '%s' not found; did you mean '%s'? "
		                              "(looked for themes/%s.ini beside the map and in %s)",
		                              name, near, name, builtin)
		              : pst_ini_error(r->ctx, name_at, "theme '%s' not found (looked for "
		                              "themes/%s.ini beside the map and in %s)", name, name,
		                              builtin);
		free(builtin);
		return rc;
	}
	free(builtin);
	char *tree = beside ? pst_path_dir(r->map_path) : NULL;
	int rc = beside && !tree ? pst_error(r->ctx, POSTURE_ENOMEM, path, "out of memory")
	       : beside ? pst_check_link(r->ctx, path, tree) : POSTURE_OK;
	free(tree);
	r->depth++;
	if (rc == POSTURE_OK)
		rc = pst_ini_read(r->ctx, path, "theme file", MAX_THEME_FILE, on_theme_key, r);
	r->depth--;
	free(path);
	return rc;
}

int pst_theme_load(pst_theme **out, posture_ctx *ctx, const char *name, const char *map_path,
                   const pst_where *name_at, const pst_theme_override *overrides,
                   size_t n_overrides)
{
	*out = NULL;
	pst_theme *t = calloc(1, sizeof(*t));
	if (!t)
		return pst_error(ctx, POSTURE_ENOMEM, map_path, "out of memory");
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->font, sizeof(t->font), "Noto Sans");
	reader r = { t, ctx, map_path, 0, POSTURE_OK };
	int rc = load_file(&r, name, name_at);
	for (size_t i = 0; rc == POSTURE_OK && i < n_overrides; i++) {
		const pst_theme_override *o = &overrides[i];
		const char *dot = strrchr(o->key, '.');
		char section[96];
		if (!dot || dot == o->key || (size_t)(dot - o->key) >= sizeof(section)) {
			rc = pst_ini_error(ctx, &o->at, "a [theme] key is 'section.property', like "
			                   "land.fill, not '%s'", o->key);
			break;
		}
		snprintf(section, sizeof(section), "%.*s", (int)(dot - o->key), o->key);
		rc = apply(&r, section, dot + 1, o->value, &o->at, &o->at);
	}
	if (rc != POSTURE_OK) {
		free(t);
		return rc;
	}
	/* A dash length makes the line dashed (a gap of 0 means as long as the dash). */
	pst_style *d = &t->border_disputed;
	d->n_dash = d->dash[0] > 0 ? 2 : 0;
	if (d->n_dash && !(d->dash[1] > 0))
		d->dash[1] = d->dash[0];
	*out = t;
	return POSTURE_OK;
}

void pst_theme_destroy(pst_theme *theme)
{
	free(theme);
}

const pst_kind_style *pst_theme_kind(const pst_theme *theme, const char *kind)
{
	static const pst_kind_style fallback = { "other", PST_SYMBOL_CIRCLE, { 0.33, 0.33, 0.33, 1 },
		                                 6.0, false, false };
	const pst_kind_style *other = &fallback;
	for (size_t i = 0; i < theme->n_kinds; i++) {
		if (!strcmp(theme->kinds[i].kind, kind))
			return &theme->kinds[i];
		if (!strcmp(theme->kinds[i].kind, "other"))
			other = &theme->kinds[i];
	}
	return other;
}

double pst_theme_factor(double width, double height)
{
	double f = sqrt(width * height / (595.0 * 842.0));
	return f < 1 ? 1 : f > 4 ? 4 : f;
}
