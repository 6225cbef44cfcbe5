/*
 * jobs.h — run one task per item in forked workers, N at a time (jobs.c).
 */
#ifndef POSTURE_CLI_JOBS_H
#define POSTURE_CLI_JOBS_H

#include <stddef.h>

#include "cmd.h"

typedef struct {
	void *user;
	/* In the worker: do task @p i and return its exit status. */
	int (*run)(void *user, size_t i);
	/* Name of task @p i, for messages about the worker itself. */
	const char *(*name)(void *user, size_t i);
	/* In the parent, after task @p i's output was copied out; may be NULL. */
	void (*done)(void *user, size_t i, int status, double seconds);
} cli_jobs;

/**
 * Run tasks 0..n_tasks-1, at most @p n_parallel at once, each in its own
 * process; statuses[i] receives each task's exit status.
 * @return 0, or -1 when a worker could not be started (its status is EXIT_IO)
 */
int cli_jobs_run(const cli_jobs *jobs, size_t n_tasks, size_t n_parallel, int *statuses);

#endif
