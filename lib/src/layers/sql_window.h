/*
 * sql_window.h — an SQLite VFS that reads database files ahead in windows of
 * pages (sql_window.c).
 */
#ifndef POSTURE_SQL_WINDOW_H
#define POSTURE_SQL_WINDOW_H

#include <sqlite3.h>

/**
 * The name of the windowed VFS, to pass to sqlite3_open_v2(), registered on
 * the first call (thread-safe, never the default VFS); NULL when it could not
 * be registered (then open with the default VFS: the results are the same).
 */
const char *pst_sql_window_vfs(void);

#endif
