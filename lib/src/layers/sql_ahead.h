/*
 * sql_ahead.h — the rows of a few SQLite statements stepped on a second
 * thread, a few hundred rows ahead of the reader (sql_ahead.c).
 */
#ifndef POSTURE_SQL_AHEAD_H
#define POSTURE_SQL_AHEAD_H

#include <stddef.h>

#include <sqlite3.h>

/* One column of a row, as read from SQLite right after the step (24 bytes: a
 * million rows of a dozen columns pass through these). */
typedef struct {
	union {
		sqlite3_int64 i;     /* sqlite3_column_int64() (INTEGER, and column 0 of any type) */
		double d;            /* sqlite3_column_double() (FLOAT, other than column 0) */
	};
	const unsigned char *p;  /* TEXT or BLOB: a copy of the bytes, NUL-terminated; else NULL */
	unsigned n;              /* their number (SQLite's values are under 2 GiB) */
	int type;                /* sqlite3_column_type() */
} pst_sql_value;

typedef struct pst_sql_ahead pst_sql_ahead;

/* Statements read ahead at most. */
#define PST_SQL_AHEAD_MAX 2

/**
 * Start reading @p n statements (at most PST_SQL_AHEAD_MAX) of connection
 * @p db ahead, each with its own column count.  From here until
 * pst_sql_ahead_stop() the caller must not use @p db or the statements:
 * the reading thread does (one thread for them all: they stay in one read
 * transaction, as when stepped in turn).  When no thread can be started,
 * each batch is read when it is asked for instead, with the same results.
 * @return the reader, or NULL when out of memory
 */
pst_sql_ahead *pst_sql_ahead_start(sqlite3 *db, sqlite3_stmt *const *stmts, size_t n);

/**
 * sqlite3_step() of statement @p k: SQLITE_ROW (its values are then
 * pst_sql_ahead_row()), SQLITE_DONE, or the error code the step returned
 * (SQLITE_NOMEM when a copy failed); after the end, the same again.
 */
int pst_sql_ahead_step(pst_sql_ahead *a, size_t k);

/** The current row of statement @p k: one value per column, valid until its next step. */
const pst_sql_value *pst_sql_ahead_row(const pst_sql_ahead *a, size_t k);

/** After an error from pst_sql_ahead_step(): sqlite3_errcode() and sqlite3_errmsg() then. */
int pst_sql_ahead_errcode(const pst_sql_ahead *a, size_t k);
const char *pst_sql_ahead_errmsg(const pst_sql_ahead *a, size_t k);

/** Stop the reading thread and free the reader (NULL-safe); the statements are the caller's. */
void pst_sql_ahead_stop(pst_sql_ahead *a);

#endif
