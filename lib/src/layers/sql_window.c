/*
 * sql_window.c — an SQLite VFS that reads a database file ahead, in
 * windows of a few dozen pages, instead of one system call per page.
 *
 * SQLite reads a database one page (4 KiB) at a time, each a pread(): a
 * million-row GeoPackage is 100,000 of them, and on this kind of machine
 * (a virtual machine, where every system call is dear) they were a fifth
 * of the time of stepping its cursors.  This VFS is the default one with
 * a different xRead for main database files: a read that follows closely
 * after an earlier one (a cursor walking its B-tree's pages, which lie
 * mostly in ascending order) is served from a window of WINDOW_BYTES read
 * from the file in one call, starting at that read; a read that follows
 * nothing (a seek) is passed through as it is, so random access costs no
 * more than before.  Every other method is the default VFS's own.
 *
 * The bytes SQLite sees are those the file holds, read the same way: a
 * window that could not be read whole (the end of the file, an I/O error)
 * is not kept, and the read is then done as the default VFS does it, with
 * its result and its error.  Windows are dropped whenever the file's lock
 * changes (a transaction starts or ends), so a change made by another
 * connection between two transactions is never hidden; within one, SQLite
 * itself assumes the file does not change.  One connection's file is used
 * by one thread at a time (SQLite's rule), so the windows need no lock.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sql_window.h"

#define WINDOW_BYTES (128 << 10)
#define N_WINDOWS 6  /* the streams read at once: a table's pages, an index's, ... */
#define N_RECENT 8   /* ends of recent reads that were passed through */

typedef struct {
	unsigned char *data;   /* WINDOW_BYTES, allocated when first filled */
	sqlite3_int64 start;   /* file offset of data[0] */
	size_t n;              /* bytes held (0: empty) */
	sqlite3_int64 next;    /* end of the last read it served: where its stream goes on */
	unsigned long used;    /* tick of its last use, for replacement */
} window;

typedef struct {
	sqlite3_file base;     /* pMethods: ours */
	sqlite3_file *real;    /* the default VFS's file, allocated right after this struct */
	bool windowed;         /* a main database file: reads go through the windows */
	window win[N_WINDOWS];
	sqlite3_int64 recent[N_RECENT]; /* ends of the last reads passed through (-1: none) */
	unsigned n_recent;
	unsigned long tick;
} wfile;

static sqlite3_vfs *root; /* the default VFS when this one was registered */
static sqlite3_vfs window_vfs;
static const char *registered; /* its name, or NULL when registering failed */

static void drop_windows(wfile *f)
{
	for (int i = 0; i < N_WINDOWS; i++)
		f->win[i].n = 0, f->win[i].next = -1;
	for (int i = 0; i < N_RECENT; i++)
		f->recent[i] = -1;
}

static int w_close(sqlite3_file *file)
{
	wfile *f = (wfile *)file;
	int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
	for (int i = 0; i < N_WINDOWS; i++)
		free(f->win[i].data);
	return rc;
}

/* Whether a read at @p off follows closely after a read that ended at @p end. */
static bool follows(sqlite3_int64 end, sqlite3_int64 off)
{
	return end >= 0 && off >= end && off - end < WINDOW_BYTES;
}

/*
 * Fill window @p w with the file's bytes from @p off: all of WINDOW_BYTES,
 * or up to the end of the file; false (the window empty) when they could
 * not be read, or hold less than @p need bytes.
 */
static bool fill_window(wfile *f, window *w, sqlite3_int64 off, int need)
{
	w->n = 0;
	if (!w->data && !(w->data = malloc(WINDOW_BYTES)))
		return false;
	int amount = WINDOW_BYTES;
	int rc = f->real->pMethods->xRead(f->real, w->data, amount, off);
	if (rc == SQLITE_IOERR_SHORT_READ) { /* the end of the file: read up to it */
		sqlite3_int64 size = 0;
		if (f->real->pMethods->xFileSize(f->real, &size) != SQLITE_OK || size - off < need ||
		    size - off >= WINDOW_BYTES) /* (longer now: read it as it comes) */
			return false;
		amount = (int)(size - off);
		rc = f->real->pMethods->xRead(f->real, w->data, amount, off);
	}
	if (rc != SQLITE_OK)
		return false;
	w->start = off;
	w->n = (size_t)amount;
	return true;
}

static int w_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	wfile *f = (wfile *)file;
	if (!f->windowed || amt <= 0 || amt > WINDOW_BYTES || off < 0)
		return f->real->pMethods->xRead(f->real, buf, amt, off);
	window *use = NULL, *oldest = &f->win[0];
	for (int i = 0; i < N_WINDOWS && !use; i++) {
		window *w = &f->win[i];
		if (w->n && off >= w->start && off + amt <= w->start + (sqlite3_int64)w->n)
			use = w;
		else if (w->used < oldest->used)
			oldest = w;
	}
	if (!use) {
		window *stream = NULL; /* a window whose reads lead here */
		bool after_recent = false;
		for (int i = 0; i < N_WINDOWS && !stream; i++)
			if (follows(f->win[i].next, off))
				stream = &f->win[i];
		for (int i = 0; i < N_RECENT && !stream && !after_recent; i++)
			after_recent = follows(f->recent[i], off);
		window *w = stream ? stream : oldest;
		if ((stream || after_recent) && fill_window(f, w, off, amt)) {
			use = w;
		} else {
			if (w == stream)
				w->next = -1;
			f->recent[f->n_recent++ % N_RECENT] = off + amt;
			return f->real->pMethods->xRead(f->real, buf, amt, off);
		}
	}
	memcpy(buf, use->data + (off - use->start), (size_t)amt);
	use->next = off + amt;
	use->used = ++f->tick;
	return SQLITE_OK;
}

/* --- every other method: the default VFS's --------------------------------------- */

#define REAL(file) (((wfile *)(file))->real)

static int w_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	drop_windows((wfile *)file);
	return REAL(file)->pMethods->xWrite(REAL(file), buf, amt, off);
}

static int w_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	drop_windows((wfile *)file);
	return REAL(file)->pMethods->xTruncate(REAL(file), size);
}

static int w_sync(sqlite3_file *file, int flags)
{
	return REAL(file)->pMethods->xSync(REAL(file), flags);
}

static int w_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	return REAL(file)->pMethods->xFileSize(REAL(file), size);
}

static int w_lock(sqlite3_file *file, int lock)
{
	drop_windows((wfile *)file);
	return REAL(file)->pMethods->xLock(REAL(file), lock);
}

static int w_unlock(sqlite3_file *file, int lock)
{
	drop_windows((wfile *)file);
	return REAL(file)->pMethods->xUnlock(REAL(file), lock);
}

static int w_check_reserved_lock(sqlite3_file *file, int *out)
{
	return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out);
}

static int w_file_control(sqlite3_file *file, int op, void *arg)
{
	return REAL(file)->pMethods->xFileControl(REAL(file), op, arg);
}

static int w_sector_size(sqlite3_file *file)
{
	return REAL(file)->pMethods->xSectorSize(REAL(file));
}

static int w_device_characteristics(sqlite3_file *file)
{
	return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file));
}

static int w_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **out)
{
	const sqlite3_io_methods *m = REAL(file)->pMethods;
	return m->iVersion >= 2 ? m->xShmMap(REAL(file), page, size, extend, out) : SQLITE_IOERR;
}

static int w_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	const sqlite3_io_methods *m = REAL(file)->pMethods;
	return m->iVersion >= 2 ? m->xShmLock(REAL(file), offset, n, flags) : SQLITE_IOERR;
}

static void w_shm_barrier(sqlite3_file *file)
{
	const sqlite3_io_methods *m = REAL(file)->pMethods;
	if (m->iVersion >= 2)
		m->xShmBarrier(REAL(file));
}

static int w_shm_unmap(sqlite3_file *file, int delete_flag)
{
	const sqlite3_io_methods *m = REAL(file)->pMethods;
	return m->iVersion >= 2 ? m->xShmUnmap(REAL(file), delete_flag) : SQLITE_OK;
}

static int w_fetch(sqlite3_file *file, sqlite3_int64 off, int amt, void **out)
{
	const sqlite3_io_methods *m = REAL(file)->pMethods;
	*out = NULL;
	return m->iVersion >= 3 ? m->xFetch(REAL(file), off, amt, out) : SQLITE_OK;
}

static int w_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	const sqlite3_io_methods *m = REAL(file)->pMethods;
	return m->iVersion >= 3 ? m->xUnfetch(REAL(file), off, p) : SQLITE_OK;
}

static const sqlite3_io_methods window_methods = {
	3, w_close, w_read, w_write, w_truncate, w_sync, w_file_size, w_lock, w_unlock,
	w_check_reserved_lock, w_file_control, w_sector_size, w_device_characteristics,
	w_shm_map, w_shm_lock, w_shm_barrier, w_shm_unmap, w_fetch, w_unfetch
};

static int w_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                  int *out_flags)
{
	(void)vfs;
	wfile *f = (wfile *)file;
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	int rc = root->xOpen(root, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK || !f->real->pMethods) {
		f->base.pMethods = NULL; /* nothing to close */
		return rc;
	}
	f->windowed = (flags & SQLITE_OPEN_MAIN_DB) != 0;
	drop_windows(f);
	f->base.pMethods = &window_methods;
	return rc;
}

static void register_vfs(void)
{
	root = sqlite3_vfs_find(NULL);
	if (!root || root->iVersion < 1)
		return;
	window_vfs = *root;
	window_vfs.szOsFile = (int)sizeof(wfile) + root->szOsFile;
	window_vfs.zName = "posture-window";
	window_vfs.pNext = NULL;
	window_vfs.xOpen = w_open;
	if (sqlite3_vfs_register(&window_vfs, 0) == SQLITE_OK)
		registered = window_vfs.zName;
}

const char *pst_sql_window_vfs(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, register_vfs);
	return registered;
}
