/*
 * mapdef.c — reading map definitions (maps/NAME.ini).
 *
 * The INI syntax is parsed by inih (Debian's r55).  inih has quirks that
 * would silently change what a user wrote: lines longer than 199 bytes are
 * cut, an indented line is joined to the previous value, and ` ;` starts a
 * comment anywhere.  So before inih sees the text, every line is checked
 * here — length, NUL bytes, UTF-8, indentation — and reported as
 * FILE:LINE:COLUMN.  inih then reads the text through a line reader that
 * counts lines, which is how each key's handler knows its position.
 *
 * Each known key has an entry in `keys` with a parser that checks its value;
 * unknown sections and keys are errors that suggest the nearest known name.
 * posture_map_set() runs the same parsers for command-line overrides.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dirent.h>
#include <time.h>
#include <sys/stat.h>

#include "layers/filter.h"
#include "layers/layer.h"
#include "ini.h"
#include "mapdef.h"

#define MAX_MAP_FILE (1024 * 1024)

/* Where a value came from, for error messages. */
typedef struct {
	posture_ctx *ctx;
	const char *file; /* map file, or "--set" */
	int line;         /* 0 for command-line values */
	int column;       /* column of the value's first character */
} src_pos;

typedef int (*key_parser)(posture_map *m, const src_pos *at, const char *value);

typedef struct {
	const char *section;
	const char *name;
	key_parser parse;
} key_def;

static int value_error(const src_pos *at, const char *fmt, ...) PST_PRINTF(2, 3);

static int value_error(const src_pos *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pst_vdiag(at->ctx, POSTURE_ERROR, POSTURE_EDATA, at->file, at->line, at->column, fmt, ap);
	va_end(ap);
	return POSTURE_EDATA;
}

static int set_string(char **field, const src_pos *at, const char *value)
{
	char *copy = pst_strdup(value);
	if (!copy)
		return pst_error(at->ctx, POSTURE_ENOMEM, at->file, "out of memory");
	free(*field);
	*field = copy;
	return POSTURE_OK;
}

static int parse_title(posture_map *m, const src_pos *at, const char *v)
{
	return set_string(&m->title, at, v);
}

static int parse_subtitle(posture_map *m, const src_pos *at, const char *v)
{
	return set_string(&m->subtitle, at, v);
}

/* Split @p v at commas into at most @p max numbers; returns how many, or -1. */
static int parse_numbers(double *out, int max, const char *v)
{
	int n = 0;
	const char *p = v;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		char *end;
		errno = 0;
		double d = strtod(p, &end);
		if (end == p || errno == ERANGE || !isfinite(d) || n == max)
			return -1;
		out[n++] = d;
		p = end;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return n;
		if (*p != ',')
			return -1;
		p++;
	}
}

static int parse_extent(posture_map *m, const src_pos *at, const char *v)
{
	double e[4];
	if (parse_numbers(e, 4, v) != 4)
		return value_error(at, "extent wants four numbers 'lon_min, lat_min, lon_max, lat_max', "
		                       "not '%s'", v);
	if (e[0] < -180 || e[2] > 180 || e[1] < -90 || e[3] > 90)
		return value_error(at, "extent '%s' is outside -180..180 degrees of longitude "
		                       "or -90..90 of latitude", v);
	if (e[0] > e[2] && e[1] < e[3])
		return value_error(at, "extent '%s' has lon_min above lon_max: maps across the 180th "
		                       "meridian are not supported", v);
	if (e[0] >= e[2] || e[1] >= e[3])
		return value_error(at, "extent '%s' is empty or inverted: lon_min must be below "
		                       "lon_max and lat_min below lat_max", v);
	memcpy(m->extent, e, sizeof(e));
	m->has_extent = true;
	return POSTURE_OK;
}

static int parse_projection(posture_map *m, const src_pos *at, const char *v)
{
	if (!*v)
		return value_error(at, "projection is empty (use 'auto', 'EPSG:nnnn' or a PROJ string)");
	return set_string(&m->projection, at, v);
}

static int parse_size(posture_map *m, const src_pos *at, const char *v)
{
	char *end;
	errno = 0;
	long w = isdigit((unsigned char)*v) ? strtol(v, &end, 10) : -1;
	if (w < 0 || (*end != 'x' && *end != 'X'))
		return value_error(at, "size wants WIDTHxHEIGHT in whole points (like 2000x1400), "
		                       "not '%s'", v);
	const char *h_text = end + 1;
	long h = isdigit((unsigned char)*h_text) ? strtol(h_text, &end, 10) : -1;
	while (h >= 0 && isspace((unsigned char)*end))
		end++;
	if (h < 0 || *end || errno == ERANGE)
		return value_error(at, "size wants WIDTHxHEIGHT in whole points (like 2000x1400), "
		                       "not '%s'", v);
	if (!(w >= PST_MIN_PAGE_SIDE && w <= PST_MAX_PAGE_SIDE && h >= PST_MIN_PAGE_SIDE &&
	      h <= PST_MAX_PAGE_SIDE))
		return value_error(at, "size '%s' is out of range: each side must be %g to %g points",
		                   v, PST_MIN_PAGE_SIDE, PST_MAX_PAGE_SIDE);
	m->width = (double)w;
	m->height = (double)h;
	return POSTURE_OK;
}

static int parse_choice(char **field, const src_pos *at, const char *key, const char *v,
                        const char *const *choices)
{
	for (size_t i = 0; choices[i]; i++)
		if (strcmp(v, choices[i]) == 0)
			return set_string(field, at, v);
	pst_buf list;
	pst_buf_init(&list);
	size_t n = 0;
	for (; choices[n]; n++)
		pst_buf_printf(&list, "%s'%s'", n ? ", " : "", choices[n]);
	const char *near = posture_nearest_word(v, choices, n);
	if (near)
		value_error(at, "%s '%s' is not known; did you mean '%s'? (choose %s)", key, v, near,
		            list.data ? list.data : "");
	else
		value_error(at, "%s '%s' is not known (choose %s)", key, v, list.data ? list.data : "");
	pst_buf_free(&list);
	return POSTURE_EDATA;
}

/* A theme is looked up when the map is drawn; here only its name is checked. */
static int parse_theme(posture_map *m, const src_pos *at, const char *v)
{
	bool ok = *v && strlen(v) < 32;
	for (const char *p = v; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
	if (!ok)
		return value_error(at, "theme '%s' is not a theme name (like article, print, dark)", v);
	return set_string(&m->theme, at, v);
}

static int parse_layout(posture_map *m, const src_pos *at, const char *v)
{
	static const char *const layouts[] = { "map", "handout", "bare", NULL };
	return parse_choice(&m->layout, at, "layout", v, layouts);
}

static int parse_citations(posture_map *m, const src_pos *at, const char *v)
{
	static const char *const styles[] = { "numbered", "inline", "none", NULL };
	return parse_choice(&m->citations, at, "citations", v, styles);
}

/* Call @p each for every comma-separated, trimmed, non-empty item of @p v. */
static int for_each_item(posture_map *m, const src_pos *at, const char *v,
                         int (*each)(posture_map *, const src_pos *, const char *, size_t))
{
	const char *p = v;
	size_t index = 0;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		if (n == 0)
			return value_error(at, "empty item in the list '%s'", v);
		char *item = pst_strndup(p, n);
		if (!item)
			return pst_error(at->ctx, POSTURE_ENOMEM, at->file, "out of memory");
		int rc = each(m, at, item, index++);
		free(item);
		if (rc != POSTURE_OK || !end)
			return rc;
		p = end + 1;
	}
}

static int add_output(posture_map *m, const src_pos *at, const char *item, size_t index)
{
	static const posture_format all[] = { POSTURE_FORMAT_PNG, POSTURE_FORMAT_PDF,
	                                      POSTURE_FORMAT_SVG, POSTURE_FORMAT_JSON,
	                                      POSTURE_FORMAT_HTML };
	if (index == 0)
		m->n_outputs = 0;
	for (size_t i = 0; i < PST_ARRAY_LEN(all); i++) {
		if (strcasecmp(item, posture_format_extension(all[i])) != 0)
			continue;
		for (size_t j = 0; j < m->n_outputs; j++)
			if (m->outputs[j] == all[i])
				return value_error(at, "output '%s' is listed twice", item);
		m->outputs[m->n_outputs++] = all[i];
		return POSTURE_OK;
	}
	return value_error(at, "output '%s' is not known (choose png, pdf, svg, html, json)", item);
}

static int parse_outputs(posture_map *m, const src_pos *at, const char *v)
{
	return for_each_item(m, at, v, add_output);
}

static int resolve_path(char **field, posture_map *m, const src_pos *at, const char *v)
{
	if (!*v)
		return value_error(at, "path is empty");
	char *p = at->line ? pst_path_relative_to(m->path, v) : pst_strdup(v);
	if (!p)
		return pst_error(at->ctx, POSTURE_ENOMEM, at->file, "out of memory");
	free(*field);
	*field = p;
	return POSTURE_OK;
}

static int parse_shapes(posture_map *m, const src_pos *at, const char *v)
{
	return resolve_path(&m->shapes_dir, m, at, v);
}

static int parse_sources(posture_map *m, const src_pos *at, const char *v)
{
	return resolve_path(&m->sources, m, at, v);
}

static int push_layer(posture_map *m, const src_pos *at, char *path)
{
	if (m->n_layers == PST_MAX_MAP_LAYERS) {
		free(path);
		return value_error(at, "too many layers (at most %d)", PST_MAX_MAP_LAYERS);
	}
	m->layers[m->n_layers++] = path;
	return POSTURE_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory stands for every *.geojson in it, in name order. */
static int add_layer_dir(posture_map *m, const src_pos *at, const char *dir)
{
	pst_ctx_note_read(at->ctx, dir, true);
	DIR *d = opendir(dir);
	if (!d)
		return value_error(at, "cannot read the layers directory '%s'", dir);
	size_t first = m->n_layers;
	int rc = POSTURE_OK;
	struct dirent *e;
	while (rc == POSTURE_OK && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bool geojson = len > 8 && strcmp(e->d_name + len - 8, ".geojson") == 0;
		bool gpkg = len > 5 && strcmp(e->d_name + len - 5, ".gpkg") == 0;
		if (!geojson && !gpkg)
			continue;
		char *p = pst_asprintf("%s/%s", dir, e->d_name);
		rc = p ? push_layer(m, at, p) : pst_error(at->ctx, POSTURE_ENOMEM, at->file, "out of memory");
	}
	closedir(d);
	qsort(m->layers + first, m->n_layers - first, sizeof(char *), cmp_str);
	if (rc == POSTURE_OK && m->n_layers == first)
		rc = value_error(at, "the layers directory '%s' holds no .geojson files", dir);
	return rc;
}

static int add_layer(posture_map *m, const src_pos *at, const char *item, size_t index)
{
	if (index == 0) {
		for (size_t i = 0; i < m->n_layers; i++)
			free(m->layers[i]);
		m->n_layers = 0;
	}
	char *path = NULL;
	if (!strncmp(item, "pg:", 3)) { /* a PostGIS layer: [postgis] says where */
		bool ok = item[3] != '\0';
		for (const char *p = item + 3; *p; p++)
			ok = ok && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
		if (!ok)
			return value_error(at, "'%s' must be pg:NAME, NAME of lower-case letters, digits "
			                   "and '_' (pg:incidents)", item);
		path = pst_strdup(item);
		return path ? push_layer(m, at, path) : pst_error(at->ctx, POSTURE_ENOMEM, at->file,
		                                                  "out of memory");
	}
	int rc = resolve_path(&path, m, at, item);
	if (rc != POSTURE_OK)
		return rc;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = add_layer_dir(m, at, path);
		free(path);
		return rc;
	}
	return push_layer(m, at, path);
}

static int parse_layers(posture_map *m, const src_pos *at, const char *v)
{
	return for_each_item(m, at, v, add_layer);
}

/* Today as days since 1970-01-01 (UTC); SOURCE_DATE_EPOCH, when set, stands for now. */
static int today(void)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t = epoch && *epoch ? strtoll(epoch, &end, 10) : 0;
	if (!epoch || !*epoch || *end || t < 0)
		t = (long long)time(NULL);
	return (int)(t / 86400);
}

/*
 * The map's cut-off: items dated after it are not drawn, and the title says
 * "As of" it.  A date still to come would claim to know the future.
 */
static int parse_date(posture_map *m, const src_pos *at, const char *v)
{
	int from, to;
	char why[128];
	if (strchr(v, '/') || !pst_date_parse(v, &from, &to, why, sizeof(why)))
		return value_error(at, "date '%s' must be YYYY, YYYY-MM or YYYY-MM-DD", v);
	if (from > today())
		return value_error(at, "date '%s' is later than today: the map's date is the cut-off of "
		                   "what it shows", v);
	return set_string(&m->date, at, v);
}

static int add_focus(posture_map *m, const src_pos *at, const char *item, size_t index)
{
	if (index == 0)
		m->n_focus = 0;
	bool iso = strlen(item) == 3;
	for (size_t i = 0; iso && i < 3; i++)
		iso = item[i] >= 'A' && item[i] <= 'Z';
	if (!iso)
		return value_error(at, "focus wants ISO 3166-1 alpha-3 codes like TJK, not '%s'", item);
	if (m->n_focus == PST_ARRAY_LEN(m->focus))
		return value_error(at, "too many focus countries (at most %zu)", PST_ARRAY_LEN(m->focus));
	memcpy(m->focus[m->n_focus++], item, 4);
	return POSTURE_OK;
}

static int parse_focus(posture_map *m, const src_pos *at, const char *v)
{
	return for_each_item(m, at, v, add_focus);
}

static int parse_graticule(posture_map *m, const src_pos *at, const char *v)
{
	if (!strcmp(v, "yes") || !strcmp(v, "no")) {
		m->graticule = !strcmp(v, "yes");
		return POSTURE_OK;
	}
	return value_error(at, "graticule wants yes or no, not '%s'", v);
}

static int parse_paper(posture_map *m, const src_pos *at, const char *v)
{
	static const char *const papers[] = { "a4",           "a4-portrait",     "a4-landscape",
		                              "letter",       "letter-portrait", "letter-landscape",
		                              NULL };
	return parse_choice(&m->paper, at, "paper", v, papers);
}

static const char *const label_modes[] = { "auto", "names", "keys", "none", NULL };

static int parse_labels(posture_map *m, const src_pos *at, const char *v)
{
	return parse_choice(&m->labels, at, "labels", v, label_modes);
}

static const key_def keys[PST_MAP_N_KEYS] = {
	{ "map", "title", parse_title },
	{ "map", "subtitle", parse_subtitle },
	{ "map", "extent", parse_extent },
	{ "map", "projection", parse_projection },
	{ "map", "size", parse_size },
	{ "map", "theme", parse_theme },
	{ "map", "layout", parse_layout },
	{ "map", "citations", parse_citations },
	{ "map", "outputs", parse_outputs },
	{ "map", "date", parse_date },
	{ "map", "focus", parse_focus },
	{ "map", "graticule", parse_graticule },
	{ "map", "paper", parse_paper },
	{ "map", "labels", parse_labels },
	{ "data", "shapes", parse_shapes },
	{ "data", "layers", parse_layers },
	{ "data", "sources", parse_sources },
};

/* The nearest known key (in @p section, or any section name when NULL). */
static const char *nearest_name(const char *section, const char *name)
{
	const char *cands[PST_ARRAY_LEN(keys)];
	size_t n = 0;
	for (size_t i = 0; i < PST_ARRAY_LEN(keys); i++)
		if (!section || !strcmp(keys[i].section, section))
			cands[n++] = section ? keys[i].name : keys[i].section;
	return posture_nearest_word(name, cands, n);
}

static const key_def *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < PST_ARRAY_LEN(keys); i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static bool known_section(const char *section)
{
	if (!strcmp(section, "theme") || !strcmp(section, "filter") || !strcmp(section, "labels") ||
	    !strcmp(section, "postgis"))
		return true;
	for (size_t i = 0; i < PST_ARRAY_LEN(keys); i++)
		if (!strcmp(keys[i].section, section))
			return true;
	return false;
}

/* --- reading the file ----------------------------------------------------- */

/* A [theme] line: kept as written, checked when the theme is loaded. */
static int add_theme_line(posture_map *m, const src_pos *at, const char *key, const char *value,
                          const pst_where *value_at)
{
	if (m->n_theme_lines == PST_MAX_THEME_OVERRIDES)
		return value_error(at, "too many [theme] lines (at most %d)", PST_MAX_THEME_OVERRIDES);
	pst_map_theme_line *l = &m->theme_lines[m->n_theme_lines];
	l->key = pst_strdup(key);
	l->value = pst_strdup(value);
	l->at = (pst_where){ at->file, value_at->line, value_at->column }; /* the map, or --set */
	if (!l->key || !l->value) {
		free(l->key);
		free(l->value);
		return pst_error(at->ctx, POSTURE_ENOMEM, m->path, "out of memory");
	}
	m->n_theme_lines++;
	return POSTURE_OK;
}

static int keep_label_line(pst_map_label_line *lines, size_t *n, size_t max, const src_pos *at,
                           const char *key, const char *value, const pst_where *key_at,
                           const pst_where *value_at, const char *what)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(lines[i].key, key))
			return value_error(at, "%s '%s' is set twice (first on line %d)", what, key,
			                   lines[i].key_at.line);
	if (*n == max)
		return value_error(at, "too many %s lines (at most %zu)", what, max);
	pst_map_label_line *l = &lines[*n];
	l->key = pst_strdup(key);
	l->value = pst_strdup(value);
	l->at = (pst_where){ at->file, value_at->line, value_at->column };
	l->key_at = (pst_where){ at->file, key_at->line, key_at->column };
	if (!l->key || !l->value) {
		free(l->key);
		free(l->value);
		return pst_error(at->ctx, POSTURE_ENOMEM, at->file, "out of memory");
	}
	(*n)++;
	return POSTURE_OK;
}

/* "N" … "NW", or "dx, dy" in points: the position of a pinned label. */
bool pst_map_pin_parse(const char *v, int *compass, double *dx, double *dy)
{
	static const char *const points[] = { "N", "NE", "E", "SE", "S", "SW", "W", "NW" };
	for (int i = 0; i < 8; i++) {
		if (!strcmp(v, points[i])) {
			*compass = i;
			return true;
		}
	}
	char *end;
	*dx = strtod(v, &end);
	if (end == v || !isfinite(*dx))
		return false;
	while (*end == ' ')
		end++;
	if (*end++ != ',')
		return false;
	const char *rest = end;
	*dy = strtod(rest, &end);
	while (*end == ' ')
		end++;
	*compass = -1;
	return end != rest && *end == '\0' && isfinite(*dy) && fabs(*dx) < 1e4 && fabs(*dy) < 1e4;
}

/* A [labels] line pins a label; checked now, matched to an item when drawn. */
static int add_pin(posture_map *m, const src_pos *key_src, const char *key, const char *value,
                   const pst_where *key_at, const pst_where *value_at)
{
	int compass;
	double dx, dy;
	src_pos at = *key_src;
	at.column = value_at->column;
	if (!pst_map_pin_parse(value, &compass, &dx, &dy))
		return value_error(&at, "a label pin is N, NE, E, SE, S, SW, W or NW, or 'dx, dy' "
		                        "in points, not '%s'", value);
	return keep_label_line(m->pins, &m->n_pins, PST_MAX_LABEL_LINES, key_src, key, value, key_at,
	                       value_at, "[labels] pin for");
}

/* [map] labels.LAYER = mode */
static int add_layer_labels(posture_map *m, const src_pos *key_src, const char *layer,
                            const char *value, const pst_where *key_at, const pst_where *value_at)
{
	src_pos at = *key_src;
	at.column = value_at->column;
	char *check = NULL;
	int rc = parse_choice(&check, &at, "labels", value, label_modes);
	free(check);
	if (rc != POSTURE_OK)
		return rc;
	if (!layer[0])
		return value_error(key_src, "'labels.' needs a layer name (labels.incidents = keys)");
	return keep_label_line(m->layer_labels, &m->n_layer_labels, PST_MAX_MAP_LAYERS, key_src,
	                       layer, value, key_at, value_at, "labels for layer");
}

/* What the key handler needs while a map file is read. */
typedef struct {
	posture_ctx *ctx;
	posture_map *map;
	int first_line[PST_ARRAY_LEN(keys)]; /* where each key was first set */
	char bad_section[128];  /* last unknown section reported (report once) */
	char filter_keys[8][16]; /* [filter] keys seen, to refuse one set twice */
	int filter_lines[8];
	size_t n_filter_keys;
} ini_state;

/* A [filter] line: checked now; names of layers and kinds when the data is read. */
static int add_filter_line(ini_state *st, const pst_where *key_at, const char *name,
                           const char *value, const pst_where *value_at)
{
	for (size_t i = 0; i < st->n_filter_keys; i++)
		if (!strcmp(st->filter_keys[i], name))
			return pst_diag(st->ctx, POSTURE_ERROR, POSTURE_EDATA, st->map->path, key_at->line,
			                key_at->column, "'%s' is set twice in [filter] (first on line %d)",
			                name, st->filter_lines[i]);
	pst_where at = { st->map->path, value_at->line, value_at->column };
	if (!pst_filter_known_key(name))
		at = (pst_where){ st->map->path, key_at->line, key_at->column }; /* point at the key */
	int rc = pst_filter_set_at(st->map->filter, st->ctx, &at, name, value);
	if (rc == POSTURE_OK && st->n_filter_keys < PST_ARRAY_LEN(st->filter_keys)) {
		snprintf(st->filter_keys[st->n_filter_keys], sizeof(st->filter_keys[0]), "%s", name);
		st->filter_lines[st->n_filter_keys++] = key_at->line;
	}
	return rc;
}

static int on_key(void *user, const char *section, const char *name, const char *value,
                  const pst_ini_pos *pos)
{
	const pst_where *key_at = &pos->key, *value_at = &pos->value;
	ini_state *st = user;
	src_pos at = { st->ctx, st->map->path, key_at->line, key_at->column };
	if (!strcmp(section, "theme"))
		return add_theme_line(st->map, &at, name, value, value_at);
	if (!strcmp(section, "filter"))
		return add_filter_line(st, key_at, name, value, value_at);
	if (!strcmp(section, "labels"))
		return add_pin(st->map, &at, name, value, key_at, value_at);
	if (!strcmp(section, "postgis")) {
		pst_where k = { st->map->path, key_at->line, key_at->column };
		pst_where v = { st->map->path, value_at->line, value_at->column };
		return pst_pg_conf_set(&st->map->pg, st->ctx, &k, &v, name, value);
	}
	if (!strcmp(section, "map") && !strncmp(name, "labels.", 7))
		return add_layer_labels(st->map, &at, name + 7, value, key_at, value_at);
	int rc = POSTURE_OK;
	const key_def *key = find_key(section, name);
	if (!section[0]) {
		rc = value_error(&at, "'%s' is outside any section (start with [map])", name);
	} else if (!known_section(section)) {
		if (strncmp(st->bad_section, section, sizeof(st->bad_section) - 1) != 0) {
			const char *near = nearest_name(NULL, section);
			snprintf(st->bad_section, sizeof(st->bad_section), "%s", section);
			at.column = 1;
			at.line = pos->section.line ? pos->section.line : key_at->line;
			rc = near ? value_error(&at, "unknown section [%s]; did you mean [%s]?", section, near)
			          : value_error(&at, "unknown section [%s] (known: [map], [data], [theme], [filter], [labels], [postgis])", section);
		}
	} else if (!key && !name[0]) {
		rc = value_error(&at, "a key name is missing before '='");
	} else if (!key && find_key(strcmp(section, "map") ? "map" : "data", name)) {
		rc = value_error(&at, "'%s' belongs in [%s], not [%s]", name,
		                 strcmp(section, "map") ? "map" : "data", section);
	} else if (!key) {
		const char *near = nearest_name(section, name);
		rc = near ? value_error(&at, "unknown key '%s' in [%s]; did you mean '%s'?", name,
		                        section, near)
		          : value_error(&at, "unknown key '%s' in [%s]", name, section);
	} else {
		size_t k = (size_t)(key - keys);
		if (st->first_line[k]) {
			rc = value_error(&at, "'%s' is set twice in [%s] (first on line %d)", name, section,
			                 st->first_line[k]);
		} else {
			st->first_line[k] = key_at->line;
			at.column = value_at->column;
			rc = key->parse(st->map, &at, value);
			st->map->origin[k] = (pst_key_origin){ NULL, at.line, at.column };
		}
	}
	return rc;
}

static void set_defaults(posture_map *m)
{
	m->title = pst_strdup("");
	m->subtitle = pst_strdup("");
	m->projection = pst_strdup("auto");
	m->theme = pst_strdup("article");
	m->layout = pst_strdup("map");
	m->citations = pst_strdup("numbered");
	m->labels = pst_strdup("auto");
	m->paper = pst_strdup("a4");
	m->graticule = true;
	m->width = 2000;
	m->height = 1400;
	m->outputs[0] = POSTURE_FORMAT_PNG;
	m->n_outputs = 1;
}

static char *map_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 4 && !strcasecmp(base + n - 4, ".ini"))
		n -= 4;
	return pst_strndup(base, n);
}

/* Every table.NAME and query.NAME of [postgis] is a pg:NAME of the layer list. */
static int check_pg_lines(posture_ctx *ctx, const posture_map *m)
{
	for (size_t i = 0; i < m->pg.n_layers; i++) {
		const pst_pg_layer *pl = &m->pg.layers[i];
		bool used = false;
		for (size_t k = 0; k < m->n_layers && !used; k++)
			used = pst_pg_entry(m->layers[k]) && !strcmp(m->layers[k] + 3, pl->name);
		if (!used)
			return pst_error_at(ctx, POSTURE_EDATA, &pl->at, "[postgis] %s.%s names a layer "
			                    "the map does not read (add pg:%s to [data] layers)",
			                    pl->query ? "query" : "table", pl->name, pl->name);
	}
	return POSTURE_OK;
}

static int check_required(posture_ctx *ctx, posture_map *m)
{
	int rc = check_pg_lines(ctx, m);
	if (rc != POSTURE_OK)
		return rc;
	if (!m->has_extent)
		return pst_error(ctx, POSTURE_EDATA, m->path, "the map has no 'extent' in [map]");
	if (!m->shapes_dir) /* posture's own base geography (share/posture/shapes) */
		m->shapes_dir = pst_data_path("shapes");
	if (!m->shapes_dir)
		return pst_error(ctx, POSTURE_ENOMEM, m->path, "out of memory");
	return POSTURE_OK;
}

int posture_map_load(posture_map **out, posture_ctx *ctx, const char *path)
{
	*out = NULL;
	int rc;
	posture_map *m = calloc(1, sizeof(*m));
	if (!m)
		return pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	m->path = pst_strdup(path);
	m->name = map_name(path);
	set_defaults(m);
	posture_filter_create(&m->filter);
	if (!m->path || !m->name || !m->filter || !m->title || !m->subtitle || !m->projection || !m->theme ||
	    !m->layout || !m->citations || !m->paper || !m->labels) {
		rc = pst_error(ctx, POSTURE_ENOMEM, path, "out of memory");
	} else {
		ini_state st = { .ctx = ctx, .map = m };
		rc = pst_ini_read(ctx, path, "map file", MAX_MAP_FILE, on_key, &st);
	}
	if (rc == POSTURE_OK)
		rc = check_required(ctx, m);
	if (rc != POSTURE_OK) {
		posture_map_destroy(m);
		return rc;
	}
	*out = m;
	return POSTURE_OK;
}

int posture_map_set(posture_map *map, posture_ctx *ctx, const char *origin, const char *key,
                    const char *value)
{
	src_pos at = { ctx, origin, 0, 0 };
	if (!strncmp(key, "theme.", 6)) { /* --set theme.text.label-size=10: a [theme] line */
		pst_where where = { "--set", 0, 0 };
		at.file = "--set";
		return add_theme_line(map, &at, key + 6, value, &where);
	}
	const key_def *def = find_key("map", key);
	if (!def) {
		const char *near = nearest_name("map", key);
		if (near)
			pst_error(ctx, POSTURE_EUSAGE, origin, "unknown map key '%s'; did you mean '%s'?",
			          key, near);
		else
			pst_error(ctx, POSTURE_EUSAGE, origin, "unknown map key '%s'", key);
		return POSTURE_EUSAGE;
	}
	size_t k = (size_t)(def - keys);
	char *file = pst_strdup(origin);
	if (!file)
		return pst_error(ctx, POSTURE_ENOMEM, origin, "out of memory");
	int rc = def->parse(map, &at, value);
	if (rc != POSTURE_OK) {
		free(file);
		return rc == POSTURE_EDATA ? POSTURE_EUSAGE : rc;
	}
	free(map->origin[k].file);
	map->origin[k] = (pst_key_origin){ file, 0, 0 };
	return POSTURE_OK;
}

int posture_map_set_filter(posture_map *map, posture_ctx *ctx, const char *origin,
                           const char *key, const char *value)
{
	return posture_filter_set(map->filter, ctx, origin, key, value);
}

const posture_filter *posture_map_filter(const posture_map *map)
{
	return map->filter;
}

pst_where pst_map_where(const posture_map *m, const char *key)
{
	for (size_t k = 0; k < PST_ARRAY_LEN(keys); k++) {
		if (strcmp(keys[k].name, key) != 0)
			continue;
		const pst_key_origin *o = &m->origin[k];
		return (pst_where){ o->file ? o->file : m->path, o->line, o->column };
	}
	return (pst_where){ m->path, 0, 0 };
}

void posture_map_destroy(posture_map *m)
{
	if (!m)
		return;
	free(m->path);
	free(m->name);
	free(m->title);
	free(m->subtitle);
	free(m->projection);
	free(m->theme);
	free(m->layout);
	free(m->citations);
	free(m->date);
	free(m->paper);
	free(m->shapes_dir);
	for (size_t i = 0; i < m->n_layers; i++)
		free(m->layers[i]);
	free(m->sources);
	for (size_t k = 0; k < PST_MAP_N_KEYS; k++)
		free(m->origin[k].file);
	for (size_t i = 0; i < m->n_theme_lines; i++) {
		free(m->theme_lines[i].key);
		free(m->theme_lines[i].value);
	}
	posture_filter_destroy(m->filter);
	pst_pg_conf_free(&m->pg);
	pst_label_refs_free(m->keep, m->n_keep);
	free(m->keep_path);
	free(m->labels);
	for (size_t i = 0; i < m->n_layer_labels; i++) {
		free(m->layer_labels[i].key);
		free(m->layer_labels[i].value);
	}
	for (size_t i = 0; i < m->n_pins; i++) {
		free(m->pins[i].key);
		free(m->pins[i].value);
	}
	free(m);
}

const char *posture_map_name(const posture_map *map)
{
	return map->name;
}

size_t posture_map_output_count(const posture_map *map)
{
	return map->n_outputs;
}

posture_format posture_map_output(const posture_map *map, size_t i)
{
	return map->outputs[i];
}

const char *posture_format_extension(posture_format format)
{
	switch (format) {
	case POSTURE_FORMAT_PNG: return "png";
	case POSTURE_FORMAT_PDF: return "pdf";
	case POSTURE_FORMAT_SVG: return "svg";
	case POSTURE_FORMAT_JSON: return "json";
	case POSTURE_FORMAT_HTML: return "html";
	case POSTURE_FORMAT_SVG_CAIRO: return "svg";
	}
	return "";
}

int posture_format_from_path(posture_format *out, const char *path)
{
	static const posture_format all[] = { POSTURE_FORMAT_PNG, POSTURE_FORMAT_PDF,
	                                      POSTURE_FORMAT_SVG, POSTURE_FORMAT_JSON,
	                                      POSTURE_FORMAT_HTML };
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash))
		return POSTURE_EUSAGE;
	for (size_t i = 0; i < PST_ARRAY_LEN(all); i++) {
		if (!strcasecmp(dot + 1, posture_format_extension(all[i]))) {
			*out = all[i];
			return POSTURE_OK;
		}
	}
	return POSTURE_EUSAGE;
}
