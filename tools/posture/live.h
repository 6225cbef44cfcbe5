/*
 * live.h — what `posture watch` and `posture serve` share (live.c): building
 * maps again and again with one store of inputs, and watching, through
 * inotify, every file and folder those builds read.
 */
#ifndef POSTURE_CLI_LIVE_H
#define POSTURE_CLI_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"

typedef struct cli_live cli_live;

/** What cli_live_wait() saw. */
typedef enum {
	CLI_LIVE_CHANGED, /* an input of one map or more changed (see @p changed) */
	CLI_LIVE_WAKE,    /* the caller's wake descriptor became readable */
	CLI_LIVE_STOP,    /* SIGINT, SIGTERM or SIGHUP: stop cleanly */
	CLI_LIVE_FAILED   /* the watch itself failed (message printed) */
} cli_live_event;

/**
 * Start watching for @p n_maps maps (index 0..n_maps-1).  Blocks SIGINT,
 * SIGTERM and SIGHUP in the calling thread (threads created later inherit
 * that) and receives them through cli_live_wait() instead.
 * @return EXIT_OK, or EXIT_IO with a message printed
 */
int cli_live_create(cli_live **out, const char *cmd, size_t n_maps,
                    const char *const *allow, size_t n_allow);

/** Each build holds its labels where the build before put them (--hold-labels). */
void cli_live_hold_labels(cli_live *lw);

/** Stop watching; restores the signal mask.  NULL is allowed. */
void cli_live_destroy(cli_live *lw);

/**
 * Build map @p index from @p path in a fresh context of its own (its
 * --allow-path folders set), borrowing what did not change from the store,
 * and watch everything the build read or looked for (also when it failed:
 * the broken file is the one to watch).  The diagnostics stay in *ctx,
 * the caller's to print and destroy with the map and scene.
 * @return a posture return code (POSTURE_OK when *scene was built)
 */
int cli_live_build(posture_scene **scene, posture_map **map, posture_ctx **ctx, cli_live *lw,
                   size_t index, const char *path);

/**
 * Wait until an input of a map changes (a burst of changes is one: the
 * wait ends once no change came for a short while), a signal asks to stop,
 * or @p wake_fd (-1: none) is readable.  On CLI_LIVE_CHANGED, changed[i]
 * is true for each map to build again, and the store has forgotten what
 * the changed files held.
 */
cli_live_event cli_live_wait(cli_live *lw, int wake_fd, bool *changed);

/** How many files and folders are watched (for the "watching" line). */
size_t cli_live_watched(const cli_live *lw);

/**
 * The errors and warnings of @p ctx as a JSON array of their GNU-style
 * lines (at most 100), malloc'd; NULL when out of memory.
 */
char *cli_live_diags_json(const posture_ctx *ctx);

#endif
