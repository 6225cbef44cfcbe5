/*
 * inputs.c — inputs shared by the maps of one run (posture_inputs): the
 * validated layers and sources, and the base geography's shapefiles, read
 * and checked once however many maps use them.
 *
 * A build asks here for its data and its shapefiles.  Without a store it
 * reads them afresh, as a single render always did.  With one, the first map
 * to need an input reads it into the store; every later map borrows it.  So
 * that a borrowed input behaves exactly like a fresh read, each entry keeps
 * the warnings reading it produced and the identities of the files it read:
 * both are replayed into the context of every map that borrows it (the
 * warnings are what the user would have seen; the file identities keep an
 * output from replacing one of the run's inputs).  Only inputs that passed
 * validation are stored, so a map with broken data reports its errors itself.
 *
 * Besides inputs, the store remembers results worth keeping between builds
 * (pst_inputs_memo_get), keyed by all the bytes they were computed from, so
 * that an entry never needs forgetting: a change gives another key.
 *
 * Invariant: a stored input is never changed after it is stored; builds read
 * it only (the shapefile's attribute buffer is the one exception, reused by
 * each read, which is why a store serves one build at a time).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "inputs.h"
#include "layers/filter.h"
#include "shapes/shapefile.h"

/* What reading an input left in the context, to give to each borrower. */
typedef struct {
	posture_diag *diags; /* warnings, copied (file and message owned) */
	size_t n_diags;
	pst_file_id *ids;    /* files read */
	size_t n_ids;
	char **reads;        /* their paths, and the folders listed (pst_ctx_note_read) */
	size_t n_reads;
} replay;

typedef struct {
	char *key;           /* sources, shapes folder and layer files, one a line */
	posture_data *data;  /* validated, owned */
	replay seen;
} data_entry;

typedef struct {
	char *key;           /* "dir/name" */
	int type;            /* SHPT_POLYGON or SHPT_ARC */
	pst_shapefile *sf;   /* checked, owned */
	replay seen;
	unsigned long serial; /* pst_inputs_serial() when read: names this reading of the file */
} shape_entry;

/* A result remembered by the bytes it was computed from (pst_inputs_memo_get). */
typedef struct {
	char *kind;
	void *key, *value;
	size_t key_len, value_len;
	uint64_t hash;       /* memo_hash() of kind and key: most entries are told apart by it */
} memo_entry;

#define MEMO_MAX_BYTES ((size_t)64 << 20) /* past this, the memo starts again empty */

struct posture_inputs {
	data_entry *data;    /* layer sets, in the order first read */
	size_t n_data, cap_data;
	shape_entry *shapes; /* shapefiles, in the order first read */
	size_t n_shapes, cap_shapes;
	memo_entry *memo;
	size_t n_memo, cap_memo, memo_bytes;
	unsigned long serial;  /* the last number pst_inputs_serial() gave */
	bool hold_labels;      /* posture_inputs_hold_labels() */
};

void posture_inputs_hold_labels(posture_inputs *inputs, bool hold)
{
	if (inputs)
		inputs->hold_labels = hold;
}

bool pst_inputs_holds_labels(const posture_inputs *in)
{
	return in && in->hold_labels;
}

int posture_inputs_create(posture_inputs **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? POSTURE_OK : POSTURE_ENOMEM;
}

static void replay_free(replay *r)
{
	for (size_t i = 0; i < r->n_diags; i++) {
		free((char *)r->diags[i].file);
		free((char *)r->diags[i].message);
	}
	free(r->diags);
	free(r->ids);
	for (size_t i = 0; i < r->n_reads; i++)
		free(r->reads[i]);
	free(r->reads);
}

static void memo_clear(posture_inputs *in)
{
	for (size_t i = 0; i < in->n_memo; i++) {
		free(in->memo[i].kind);
		free(in->memo[i].key);
		free(in->memo[i].value);
	}
	in->n_memo = 0;
	in->memo_bytes = 0;
}

/* A hash of @p kind and @p key, eight bytes at a time (keys run to a megabyte). */
static uint64_t memo_hash(const char *kind, const void *key, size_t len)
{
	return pst_hash_bytes(key, len, pst_hash_bytes(kind, strlen(kind), PST_HASH_SEED)) ^ len;
}

const void *pst_inputs_memo_get(const posture_inputs *in, const char *kind, const void *key,
                                size_t key_len, size_t *value_len)
{
	uint64_t hash = in ? memo_hash(kind, key, key_len) : 0;
	for (size_t i = 0; in && i < in->n_memo; i++) {
		const memo_entry *e = &in->memo[i];
		if (e->hash == hash && e->key_len == key_len && !strcmp(e->kind, kind) &&
		    !memcmp(e->key, key, key_len)) {
			*value_len = e->value_len;
			return e->value;
		}
	}
	return NULL;
}

unsigned long pst_inputs_serial(posture_inputs *in)
{
	return ++in->serial;
}

void pst_inputs_memo_put(posture_inputs *in, const char *kind, const void *key, size_t key_len,
                         const void *value, size_t value_len)
{
	if (!in || key_len + value_len > MEMO_MAX_BYTES)
		return;
	if (in->memo_bytes + key_len + value_len > MEMO_MAX_BYTES)
		memo_clear(in); /* what earlier maps or extents needed goes */
	if (pst_grow((void **)&in->memo, &in->cap_memo, in->n_memo + 1, sizeof(*in->memo)) !=
	    POSTURE_OK)
		return;
	memo_entry e = { pst_strdup(kind), malloc(key_len ? key_len : 1),
		         malloc(value_len ? value_len : 1), key_len, value_len,
		         memo_hash(kind, key, key_len) };
	if (!e.kind || !e.key || !e.value) {
		free(e.kind);
		free(e.key);
		free(e.value);
		return; /* not remembered: computed again next time */
	}
	if (key_len)
		memcpy(e.key, key, key_len);
	if (value_len)
		memcpy(e.value, value, value_len);
	in->memo[in->n_memo++] = e;
	in->memo_bytes += key_len + value_len;
}

void posture_inputs_destroy(posture_inputs *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n_data; i++) {
		free(in->data[i].key);
		posture_data_destroy(in->data[i].data);
		replay_free(&in->data[i].seen);
	}
	for (size_t i = 0; i < in->n_shapes; i++) {
		free(in->shapes[i].key);
		pst_shapefile_close(in->shapes[i].sf);
		replay_free(&in->shapes[i].seen);
	}
	memo_clear(in);
	free(in->memo);
	free(in->data);
	free(in->shapes);
	free(in);
}

/* Copy the paths the context recorded since it had @p before. */
static int capture_reads(replay *r, const posture_ctx *ctx, size_t before)
{
	size_t n = posture_ctx_read_count(ctx) - before;
	r->reads = n ? calloc(n, sizeof(*r->reads)) : NULL;
	if (n && !r->reads)
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(r->reads[r->n_reads++] = pst_strdup(posture_ctx_read_path(ctx, before + i))))
			return POSTURE_ENOMEM;
	return POSTURE_OK;
}

/* Copy what the context gained since (diags, ids, reads) were its counts. */
static int capture(replay *r, const posture_ctx *ctx, size_t diags_before, size_t ids_before,
                   size_t reads_before)
{
	if (capture_reads(r, ctx, reads_before) != POSTURE_OK)
		return POSTURE_ENOMEM;
	size_t nd = posture_ctx_diag_count(ctx) - diags_before;
	size_t ni = pst_ctx_input_count(ctx) - ids_before;
	r->diags = nd ? calloc(nd, sizeof(*r->diags)) : NULL;
	r->ids = ni ? malloc(ni * sizeof(*r->ids)) : NULL;
	if ((nd && !r->diags) || (ni && !r->ids))
		return POSTURE_ENOMEM;
	for (size_t i = 0; i < nd; i++) {
		const posture_diag *d = posture_ctx_diag(ctx, diags_before + i);
		posture_diag *c = &r->diags[r->n_diags++];
		*c = *d;
		c->file = d->file ? pst_strdup(d->file) : NULL;
		c->message = pst_strdup(d->message);
		if ((d->file && !c->file) || !c->message)
			return POSTURE_ENOMEM;
	}
	for (size_t i = 0; i < ni; i++)
		r->ids[r->n_ids++] = pst_ctx_input(ctx, ids_before + i);
	return POSTURE_OK;
}

static void replay_into(posture_ctx *ctx, const replay *r)
{
	for (size_t i = 0; i < r->n_diags; i++) {
		const posture_diag *d = &r->diags[i];
		pst_diag(ctx, d->severity, d->code, d->file, d->line, d->column, "%s", d->message);
	}
	for (size_t i = 0; i < r->n_ids; i++)
		pst_ctx_note_input(ctx, r->ids[i]);
	for (size_t i = 0; i < r->n_reads; i++) {
		size_t len = strlen(r->reads[i]);
		bool folder = len > 1 && r->reads[i][len - 1] == '/';
		char *path = pst_strdup(r->reads[i]);
		if (path && folder)
			path[len - 1] = '\0';
		pst_ctx_note_read(ctx, path, folder);
		free(path);
	}
}

/* The key says which files, and from which folder tree links may lead into
 * them (pst_check_link): maps in other folders read their data themselves. */
static char *data_key(posture_ctx *ctx, const posture_map *m)
{
	pst_buf k;
	pst_buf_init(&k);
	char *tree = pst_path_dir(m->path);
	pst_buf_printf(&k, "%s\n%s\n%s\n", tree ? tree : "", m->sources ? m->sources : "",
	               m->shapes_dir);
	k.failed = k.failed || !tree;
	free(tree);
	for (size_t i = 0; i < m->n_layers; i++)
		pst_buf_printf(&k, "%s\n", m->layers[i]);
	for (size_t i = 0; i < m->n_layers; i++) {
		if (!pst_pg_entry(m->layers[i]))
			continue;
		/* What a PostGIS layer reads depends on the map's extent and dates. */
		pst_pg_scope s;
		if (pst_map_pg_scope(&s, ctx, m) != POSTURE_OK) {
			pst_buf_free(&k);
			return NULL;
		}
		const pst_pg_conf *c = &m->pg;
		pst_buf_printf(&k, "pg %.17g %.17g %.17g %.17g %d %d\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%d\n",
		               s.extent[0], s.extent[1], s.extent[2], s.extent[3], s.from_day,
		               s.to_day, c->service ? c->service : "", c->host ? c->host : "",
		               c->port ? c->port : "", c->dbname ? c->dbname : "",
		               c->user ? c->user : "", c->geometry ? c->geometry : "",
		               c->citations ? c->citations : "", c->timeout_s);
		for (size_t j = 0; j < c->n_layers; j++)
			pst_buf_printf(&k, "%s=%s%s\n", c->layers[j].name,
			               c->layers[j].table ? c->layers[j].table : "",
			               c->layers[j].query ? c->layers[j].query : "");
		break;
	}
	if (k.failed || !k.data) {
		pst_buf_free(&k);
		return NULL;
	}
	return k.data;
}

int pst_map_pg_scope(pst_pg_scope *out, posture_ctx *ctx, const posture_map *m)
{
	out->conf = &m->pg;
	pst_filter_day_range(m->filter, m->date, &out->from_day, &out->to_day);
	return pst_map_geo_envelope(out->extent, ctx, m);
}

int posture_map_explain(char **out, posture_ctx *ctx, const posture_map *map)
{
	*out = NULL;
	pst_pg_scope scope;
	int rc = pst_map_pg_scope(&scope, ctx, map);
	if (rc != POSTURE_OK)
		return rc;
	pst_buf b;
	pst_buf_init(&b);
	pst_buf_puts(&b, "");
	for (size_t i = 0; i < map->n_layers; i++) {
		if (!pst_pg_entry(map->layers[i]))
			continue;
		char *sql = pst_pg_explain(&scope, map->layers[i] + 3);
		if (!sql) {
			pst_diag(ctx, POSTURE_ERROR, POSTURE_EDATA, map->path, 0, 0, "cannot tell which "
			         "layer '%s' is: its name starts with bases, borders, incidents or places",
			         map->layers[i]);
			pst_buf_free(&b);
			return POSTURE_EDATA;
		}
		pst_buf_printf(&b, "%s", sql);
		free(sql);
	}
	if (b.failed) {
		pst_buf_free(&b);
		return pst_error(ctx, POSTURE_ENOMEM, map->path, "out of memory");
	}
	*out = b.data;
	return POSTURE_OK;
}

static bool reads_pg(const posture_map *m)
{
	for (size_t i = 0; i < m->n_layers; i++)
		if (pst_pg_entry(m->layers[i]))
			return true;
	return false;
}

static int load_data(posture_data **out, posture_ctx *ctx, const posture_map *m)
{
	posture_check_opts opts = POSTURE_CHECK_OPTS_INIT;
	opts.shapes_dir = m->shapes_dir;
	char *tree = pst_path_dir(m->path); /* symlinked layers must lead into its tree */
	if (!tree)
		return pst_error(ctx, POSTURE_ENOMEM, m->path, "out of memory");
	pst_pg_scope pg = { .conf = &m->pg };
	int rc = reads_pg(m) ? pst_map_pg_scope(&pg, ctx, m) : POSTURE_OK;
	if (rc == POSTURE_OK)
		rc = pst_data_load(out, ctx, m->sources, (const char *const *)m->layers, m->n_layers,
		                   &opts, tree, &pg);
	free(tree);
	return rc;
}

int pst_inputs_data(const posture_data **out, posture_data **owned, posture_ctx *ctx,
                    posture_inputs *in, const posture_map *m)
{
	*out = NULL;
	*owned = NULL;
	if (!in) {
		int rc = load_data(owned, ctx, m);
		*out = *owned;
		return rc;
	}
	size_t n_diags = posture_ctx_diag_count(ctx);
	char *key = data_key(ctx, m);
	if (!key && posture_ctx_diag_count(ctx) > n_diags)
		return POSTURE_EPROJ; /* the projection cannot show the extent: said */
	if (!key)
		return pst_error(ctx, POSTURE_ENOMEM, m->path, "out of memory");
	for (size_t i = 0; i < in->n_data; i++) {
		if (!strcmp(in->data[i].key, key)) {
			free(key);
			replay_into(ctx, &in->data[i].seen);
			*out = in->data[i].data;
			return POSTURE_OK;
		}
	}
	size_t diags0 = posture_ctx_diag_count(ctx), ids0 = pst_ctx_input_count(ctx),
	       reads0 = posture_ctx_read_count(ctx);
	posture_data *d = NULL;
	int rc = load_data(&d, ctx, m);
	if (rc == POSTURE_OK && pst_grow((void **)&in->data, &in->cap_data, in->n_data + 1,
	                                 sizeof(*in->data)) != POSTURE_OK)
		rc = pst_error(ctx, POSTURE_ENOMEM, m->path, "out of memory");
	if (rc != POSTURE_OK) {
		free(key);
		posture_data_destroy(d);
		return rc;
	}
	data_entry *e = &in->data[in->n_data++];
	*e = (data_entry){ key, d, { 0 } };
	if (capture(&e->seen, ctx, diags0, ids0, reads0) != POSTURE_OK)
		return pst_error(ctx, POSTURE_ENOMEM, m->path, "out of memory");
	*out = d;
	return POSTURE_OK;
}

int pst_inputs_shapefile(pst_shapefile **out, posture_ctx *ctx, posture_inputs *in,
                         const char *dir, const char *name, int type)
{
	*out = NULL;
	if (!in)
		return pst_shapefile_open(out, ctx, dir, name, type);
	char *key = pst_asprintf("%s/%s", dir, name);
	if (!key)
		return pst_error(ctx, POSTURE_ENOMEM, name, "out of memory");
	for (size_t i = 0; i < in->n_shapes; i++) {
		shape_entry *e = &in->shapes[i];
		if (e->type == type && !strcmp(e->key, key)) {
			free(key);
			replay_into(ctx, &e->seen);
			*out = e->sf;
			return POSTURE_OK;
		}
	}
	size_t diags0 = posture_ctx_diag_count(ctx), ids0 = pst_ctx_input_count(ctx),
	       reads0 = posture_ctx_read_count(ctx);
	pst_shapefile *sf = NULL;
	int rc = pst_shapefile_open(&sf, ctx, dir, name, type);
	if (rc == POSTURE_OK && pst_grow((void **)&in->shapes, &in->cap_shapes, in->n_shapes + 1,
	                                 sizeof(*in->shapes)) != POSTURE_OK)
		rc = pst_error(ctx, POSTURE_ENOMEM, key, "out of memory");
	if (rc != POSTURE_OK) {
		free(key);
		pst_shapefile_close(sf);
		return rc;
	}
	shape_entry *e = &in->shapes[in->n_shapes++];
	*e = (shape_entry){ key, type, sf, { 0 }, ++in->serial };
	if (capture(&e->seen, ctx, diags0, ids0, reads0) != POSTURE_OK)
		return pst_error(ctx, POSTURE_ENOMEM, key, "out of memory");
	*out = sf;
	return POSTURE_OK;
}

unsigned long pst_inputs_shapefile_serial(const posture_inputs *in, const pst_shapefile *sf)
{
	for (size_t i = 0; in && i < in->n_shapes; i++)
		if (in->shapes[i].sf == sf)
			return in->shapes[i].serial;
	return 0;
}

static bool replay_read(const replay *r, const char *path)
{
	for (size_t i = 0; i < r->n_reads; i++)
		if (!strcmp(r->reads[i], path))
			return true;
	return false;
}

void posture_inputs_forget(posture_inputs *in, const char *path)
{
	if (!in || !path)
		return;
	size_t kept = 0;
	for (size_t i = 0; i < in->n_data; i++) {
		data_entry *e = &in->data[i];
		if (!replay_read(&e->seen, path)) {
			in->data[kept++] = *e;
			continue;
		}
		free(e->key);
		posture_data_destroy(e->data);
		replay_free(&e->seen);
	}
	in->n_data = kept;
	kept = 0;
	for (size_t i = 0; i < in->n_shapes; i++) {
		shape_entry *e = &in->shapes[i];
		if (!replay_read(&e->seen, path)) {
			in->shapes[kept++] = *e;
			continue;
		}
		free(e->key);
		pst_shapefile_close(e->sf);
		replay_free(&e->seen);
	}
	in->n_shapes = kept;
}

void pst_inputs_release_shapefile(posture_inputs *in, pst_shapefile *sf)
{
	if (!in)
		pst_shapefile_close(sf); /* read for this build alone */
}

/* The base geography every map draws (basemap.c and inset.c read these). */
static const struct {
	const char *name;
	int type;
} base_shapes[] = { { "countries", SHPT_POLYGON }, { "lakes", SHPT_POLYGON },
	            { "rivers", SHPT_ARC },         { "borders", SHPT_ARC },
	            { "world", SHPT_POLYGON } };

int posture_inputs_preload(posture_inputs *in, posture_ctx *ctx, const posture_map *map)
{
	const posture_data *data;
	posture_data *owned;
	int rc = pst_inputs_data(&data, &owned, ctx, in, map);
	for (size_t i = 0; rc == POSTURE_OK && i < PST_ARRAY_LEN(base_shapes); i++) {
		pst_shapefile *sf;
		rc = pst_inputs_shapefile(&sf, ctx, in, map->shapes_dir, base_shapes[i].name,
		                          base_shapes[i].type);
		pst_inputs_release_shapefile(in, sf);
	}
	posture_data_destroy(owned);
	return rc;
}
