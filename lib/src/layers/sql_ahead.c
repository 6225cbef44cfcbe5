/*
 * sql_ahead.c — SQLite statements stepped on a second thread, their rows
 * copied into batches the reader takes in order.
 *
 * A big GeoPackage layer is read through two cursors (the rows, and their
 * citations merge-joined by fid), and stepping them — SQLite's B-tree
 * walk, its page reads, the index seek of each citation — is a third of
 * the time of reading it.  Here one thread steps them while the reader
 * checks the rows already read: each statement has a ring of AHEAD_SLOTS
 * batches of up to AHEAD_ROWS rows, every value copied out of SQLite
 * (its type, number, and bytes into the batch's arena), so the reader
 * never calls SQLite and SQLite never sees two threads.  The rows, their
 * order and every error (its code and message, after the rows read
 * before it) are those of stepping the statements in turn: only when they
 * are read differs, never what the reader sees.  The thread fills the
 * statement with the fewest batches ready, so a reader waiting on one
 * statement never waits for the other to be read to its end.
 *
 * One mutex and one condition variable guard the rings; a batch belongs
 * to the thread until it is counted full, then to the reader until it is
 * released.  Without a thread (none could be started, or SQLite was built
 * single-threaded) the reader fills each batch itself when it needs it.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sql_ahead.h"

#define AHEAD_ROWS 1024
#define AHEAD_SLOTS 4

typedef struct {
	pst_sql_value *vals;  /* n_rows × the statement's columns */
	size_t n_rows, cap_vals;
	unsigned char *bytes; /* the TEXT and BLOB values' copies */
	size_t n_bytes, cap_bytes;
	int end;              /* 0: more rows follow; else what the step after the last row
	                         returned (SQLITE_DONE or an error) */
	int errcode;          /* on an error: sqlite3_errcode() and sqlite3_errmsg() */
	char *errmsg;
} batch;

typedef struct {
	sqlite3_stmt *st;
	int n_cols;
	batch slot[AHEAD_SLOTS];
	size_t head, full;    /* the reader's next batch; batches filled and not yet released */
	bool ended;           /* the batch with `end` set is filled: nothing more to read */
	/* the reader's side */
	batch *cur;           /* the batch being read (slot[head]), or NULL */
	size_t at;            /* its current row */
	int final;            /* once the last batch is released: its `end` */
	int errcode;
	char *errmsg;
} stream;

struct pst_sql_ahead {
	sqlite3 *db;
	stream s[PST_SQL_AHEAD_MAX];
	size_t n;
	bool threaded, stop;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/*
 * Copy @p n bytes into @p b's arena: false when out of memory.  When the
 * arena has to move, the values of the batch's rows so far (@p n_done of
 * them, and @p row's first @p n_row) are moved with it; it grows to the
 * biggest batch met, so after the first few batches it no longer moves.
 */
static bool keep_bytes(batch *b, size_t n_done, pst_sql_value *row, int n_row, const void *p,
                       size_t n, const unsigned char **out)
{
	uintptr_t old = (uintptr_t)b->bytes;
	if (pst_grow((void **)&b->bytes, &b->cap_bytes, b->n_bytes + n + 1, 1) != POSTURE_OK)
		return false;
	if ((uintptr_t)b->bytes != old) { /* offsets kept as numbers: the old block is gone */
		for (size_t i = 0; i < n_done; i++)
			if (b->vals[i].p)
				b->vals[i].p = b->bytes + ((uintptr_t)b->vals[i].p - old);
		for (int i = 0; i < n_row; i++)
			if (row[i].p)
				row[i].p = b->bytes + ((uintptr_t)row[i].p - old);
	}
	unsigned char *at = b->bytes + b->n_bytes;
	if (n)
		memcpy(at, p, n);
	at[n] = '\0';
	b->n_bytes += n + 1;
	*out = at;
	return true;
}

/* The values of @p st's current row into @p v, the batch's row after its first
 * @p n_done values (each column looked up once); false when out of memory. */
static bool copy_row(batch *b, size_t n_done, sqlite3_stmt *st, int n_cols, pst_sql_value *v)
{
	for (int i = 0; i < n_cols; i++) {
		pst_sql_value *c = &v[i];
		sqlite3_value *sv = sqlite3_column_value(st, i);
		*c = (pst_sql_value){ .type = sqlite3_value_type(sv) };
		if (c->type == SQLITE_INTEGER || i == 0)
			c->i = sqlite3_value_int64(sv);
		else if (c->type == SQLITE_FLOAT)
			c->d = sqlite3_value_double(sv);
		if (c->type != SQLITE_TEXT && c->type != SQLITE_BLOB)
			continue;
		const void *p = c->type == SQLITE_TEXT ? (const void *)sqlite3_value_text(sv)
		                                       : sqlite3_value_blob(sv);
		c->n = (unsigned)sqlite3_value_bytes(sv);
		if (!p && c->n)
			return false; /* SQLite ran out of memory converting it */
		if (!keep_bytes(b, n_done, v, i, p, c->n, &c->p))
			return false;
	}
	return true;
}

/* Step @p s up to AHEAD_ROWS times into @p b (the stepping thread's, or the reader's). */
static void fill(sqlite3 *db, stream *s, batch *b)
{
	b->n_rows = b->n_bytes = 0;
	b->end = b->errcode = 0;
	free(b->errmsg);
	b->errmsg = NULL;
	size_t cols = (size_t)s->n_cols;
	if (pst_grow((void **)&b->vals, &b->cap_vals, AHEAD_ROWS * cols,
	             sizeof(pst_sql_value)) != POSTURE_OK) {
		b->end = b->errcode = SQLITE_NOMEM;
		b->errmsg = pst_strdup("out of memory");
		return;
	}
	while (b->n_rows < AHEAD_ROWS) {
		int rc = sqlite3_step(s->st);
		if (rc != SQLITE_ROW) {
			b->end = rc;
			if (rc != SQLITE_DONE) {
				b->errcode = sqlite3_errcode(db);
				b->errmsg = pst_strdup(sqlite3_errmsg(db));
			}
			break;
		}
		size_t done = b->n_rows * cols;
		if (!copy_row(b, done, s->st, s->n_cols, b->vals + done)) {
			b->end = b->errcode = SQLITE_NOMEM;
			b->errmsg = pst_strdup("out of memory");
			break;
		}
		b->n_rows++;
	}
}

/* The statement to fill next: the one with the fewest batches ready, or NULL. */
static stream *next_to_fill(pst_sql_ahead *a)
{
	stream *best = NULL;
	for (size_t k = 0; k < a->n; k++) {
		stream *s = &a->s[k];
		if (!s->ended && s->full < AHEAD_SLOTS && (!best || s->full < best->full))
			best = s;
	}
	return best;
}

static void *stepping_thread(void *arg)
{
	pst_sql_ahead *a = arg;
	pthread_mutex_lock(&a->mu);
	while (!a->stop) {
		stream *s = next_to_fill(a);
		if (!s) {
			bool all_ended = true;
			for (size_t k = 0; k < a->n; k++)
				all_ended = all_ended && a->s[k].ended;
			if (all_ended)
				break;
			pthread_cond_wait(&a->cv, &a->mu);
			continue;
		}
		batch *b = &s->slot[(s->head + s->full) % AHEAD_SLOTS];
		pthread_mutex_unlock(&a->mu);
		fill(a->db, s, b);
		pthread_mutex_lock(&a->mu);
		s->full++;
		s->ended = b->end != 0;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

pst_sql_ahead *pst_sql_ahead_start(sqlite3 *db, sqlite3_stmt *const *stmts, size_t n)
{
	pst_sql_ahead *a = calloc(1, sizeof(*a));
	if (!a || n > PST_SQL_AHEAD_MAX) {
		free(a);
		return NULL;
	}
	a->db = db;
	a->n = n;
	for (size_t k = 0; k < n; k++) {
		a->s[k].st = stmts[k];
		a->s[k].n_cols = sqlite3_column_count(stmts[k]);
	}
	if (sqlite3_threadsafe() && pthread_mutex_init(&a->mu, NULL) == 0) {
		if (pthread_cond_init(&a->cv, NULL) == 0) {
			a->threaded = pthread_create(&a->thread, NULL, stepping_thread, a) == 0;
			if (!a->threaded)
				pthread_cond_destroy(&a->cv);
		}
		if (!a->threaded)
			pthread_mutex_destroy(&a->mu);
	}
	return a;
}

/* The next filled batch of @p s (filled here when there is no thread). */
static batch *take(pst_sql_ahead *a, stream *s)
{
	if (!a->threaded) {
		fill(a->db, s, &s->slot[s->head]);
		s->full = 1;
		return &s->slot[s->head];
	}
	pthread_mutex_lock(&a->mu);
	while (!s->full)
		pthread_cond_wait(&a->cv, &a->mu);
	batch *b = &s->slot[s->head];
	pthread_mutex_unlock(&a->mu);
	return b;
}

static void release(pst_sql_ahead *a, stream *s)
{
	if (a->threaded)
		pthread_mutex_lock(&a->mu);
	s->head = (s->head + 1) % AHEAD_SLOTS;
	s->full--;
	if (a->threaded) {
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
}

int pst_sql_ahead_step(pst_sql_ahead *a, size_t k)
{
	stream *s = &a->s[k];
	for (;;) {
		if (s->cur) {
			if (s->at + 1 < s->cur->n_rows) {
				s->at++;
				return SQLITE_ROW;
			}
			s->final = s->cur->end;
			s->errcode = s->cur->errcode;
			s->errmsg = s->cur->errmsg; /* kept past the batch's reuse */
			s->cur->errmsg = NULL;
			s->cur = NULL;
			release(a, s);
		}
		if (s->final)
			return s->final;
		s->cur = take(a, s);
		s->at = (size_t)-1;
	}
}

const pst_sql_value *pst_sql_ahead_row(const pst_sql_ahead *a, size_t k)
{
	const stream *s = &a->s[k];
	return s->cur ? s->cur->vals + s->at * (size_t)s->n_cols : NULL;
}

int pst_sql_ahead_errcode(const pst_sql_ahead *a, size_t k)
{
	return a->s[k].errcode;
}

const char *pst_sql_ahead_errmsg(const pst_sql_ahead *a, size_t k)
{
	return a->s[k].errmsg ? a->s[k].errmsg : "out of memory";
}

void pst_sql_ahead_stop(pst_sql_ahead *a)
{
	if (!a)
		return;
	if (a->threaded)
		pst_thread_stop(a->thread, &a->mu, &a->cv, &a->stop);
	for (size_t k = 0; k < a->n; k++) {
		for (size_t i = 0; i < AHEAD_SLOTS; i++) {
			free(a->s[k].slot[i].vals);
			free(a->s[k].slot[i].bytes);
			free(a->s[k].slot[i].errmsg);
		}
		free(a->s[k].errmsg);
	}
	free(a);
}
