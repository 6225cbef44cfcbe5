/*
 * jobs.c — running one task per item in forked worker processes, N at a time.
 *
 * Why processes and not threads: each task is a whole render (Pango,
 * fontconfig, Cairo, PROJ), and a crash or an out-of-memory in one map must
 * not take the others with it.  What the parent read before forking (the
 * shared inputs) is inherited copy-on-write, so it is read once per run.
 *
 * A worker's stdout and stderr go to two anonymous temporary files; when it
 * ends, the parent copies them to its own stdout and stderr in one piece, so
 * the messages of parallel maps never interleave.  A worker that dies from a
 * signal counts as failed with EXIT_IO and is reported as such.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/wait.h>

#include "jobs.h"

typedef struct {
	pid_t pid;       /* 0: free slot */
	size_t task;     /* which item */
	FILE *out, *err; /* the worker's captured stdout and stderr */
	struct timespec start;
} worker;

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void copy_out(FILE *from, FILE *to)
{
	char buf[8192];
	size_t n;
	rewind(from);
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		fwrite(buf, 1, n, to);
	fflush(to);
	fclose(from);
}

/* In the child: run the task with stdout and stderr going to the worker's files. */
static void run_child(const cli_jobs *jobs, size_t task, FILE *out, FILE *err)
{
	int status = EXIT_IO;
	if (dup2(fileno(out), STDOUT_FILENO) >= 0 && dup2(fileno(err), STDERR_FILENO) >= 0)
		status = jobs->run(jobs->user, task);
	fflush(stdout);
	fflush(stderr);
	_exit(status);
}

static int start(const cli_jobs *jobs, worker *w, size_t task)
{
	w->out = tmpfile();
	w->err = tmpfile();
	if (!w->out || !w->err) {
		if (w->out)
			fclose(w->out);
		if (w->err)
			fclose(w->err);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &w->start);
	w->task = task;
	w->pid = fork();
	if (w->pid < 0) {
		w->pid = 0;
		fclose(w->out);
		fclose(w->err);
		return -1;
	}
	if (w->pid == 0)
		run_child(jobs, task, w->out, w->err);
	return 0;
}

/* Wait for any worker; hand its output and status on.  0: one ended; 1: some other child. */
static int reap(const cli_jobs *jobs, worker *workers, size_t n_workers, int *statuses)
{
	int wstatus;
	pid_t pid;
	do
		pid = wait(&wstatus);
	while (pid < 0 && errno == EINTR);
	if (pid < 0)
		return -1;
	for (size_t i = 0; i < n_workers; i++) {
		worker *w = &workers[i];
		if (w->pid != pid)
			continue;
		int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : EXIT_IO;
		copy_out(w->out, stdout);
		copy_out(w->err, stderr);
		if (WIFSIGNALED(wstatus))
			fprintf(stderr, "%s: error: the worker drawing it was killed by signal %d (%s)\n",
			        jobs->name(jobs->user, w->task), WTERMSIG(wstatus),
			        strsignal(WTERMSIG(wstatus)));
		statuses[w->task] = status;
		if (jobs->done)
			jobs->done(jobs->user, w->task, status, seconds_since(&w->start));
		w->pid = 0;
		return 0;
	}
	return 1; /* not one of ours */
}

int cli_jobs_run(const cli_jobs *jobs, size_t n_tasks, size_t n_parallel, int *statuses)
{
	if (n_parallel < 1)
		n_parallel = 1;
	if (n_parallel > n_tasks)
		n_parallel = n_tasks;
	worker *workers = calloc(n_parallel ? n_parallel : 1, sizeof(*workers));
	if (!workers)
		return -1;
	size_t next = 0, running = 0;
	int rc = 0;
	while (next < n_tasks || running > 0) {
		size_t slot = n_parallel;
		for (size_t i = 0; i < n_parallel && next < n_tasks; i++)
			if (!workers[i].pid)
				slot = i;
		if (slot < n_parallel) {
			if (start(jobs, &workers[slot], next) != 0) {
				fprintf(stderr, "%s: error: cannot start a worker: %s\n",
				        jobs->name(jobs->user, next), strerror(errno));
				statuses[next] = EXIT_IO;
				rc = -1;
			} else {
				running++;
			}
			next++;
			continue;
		}
		int reaped = reap(jobs, workers, n_parallel, statuses);
		if (reaped < 0)
			break;
		if (reaped == 0)
			running--;
	}
	free(workers);
	return rc;
}
