/*
 * proj_ahead.c — the points of a big layer projected on a second thread,
 * in runs, while the scene builder makes records of those projected before.
 *
 * The thread projects with a twin of the map's transformation (its own PROJ
 * context: a PJ is one thread's at a time), built from the same PROJ string
 * the same way, each point as pst_proj_trans() projects one point, so every
 * number is the one the builder would have computed.  A point that fails
 * there is reported as failed and the builder projects it again with the
 * original, which fails the same way and keeps PROJ's message where it
 * always was.  Runs of AHEAD_RUN points go round AHEAD_SLOTS slots; one
 * mutex and condition variable hand them over.  Projecting costs more than
 * making the records, so a builder that would wait for a run projects the
 * next run no one has taken yet itself, with a second twin of its own: the
 * runs are taken in order by whichever side is free, each into its own
 * slot.  What the builder sees never depends on the thread's timing, only
 * how long it waits.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "project.h"

#define AHEAD_RUN 4096
#define AHEAD_SLOTS 4

typedef struct {
	double x[AHEAD_RUN], y[AHEAD_RUN];
	unsigned char ok[AHEAD_RUN]; /* the projection succeeded and is finite */
} slot;

struct pst_proj_ahead {
	pst_proj *twin;        /* the thread's */
	pst_proj *own_twin;    /* the builder's, for the runs it projects itself (or NULL) */
	const char *lon, *lat; /* the first point's coordinates */
	size_t stride, n;
	size_t n_runs;
	slot slots[AHEAD_SLOTS];
	size_t slot_run[AHEAD_SLOTS]; /* the run each slot holds projected (SIZE_MAX: none) */
	size_t next_fill;      /* the next run no one has taken: whoever is free projects it */
	size_t released;       /* runs before this one the reader is finished with */
	size_t cur_run;        /* the reader's: the run it reads (SIZE_MAX: none yet) */
	bool stop;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void project_run(pst_proj_ahead *a, pst_proj *twin, slot *s, size_t run)
{
	size_t first = run * AHEAD_RUN;
	size_t n = a->n - first < AHEAD_RUN ? a->n - first : AHEAD_RUN;
	for (size_t i = 0; i < n; i++) {
		double x = *(const double *)(const void *)(a->lon + (first + i) * a->stride);
		double y = *(const double *)(const void *)(a->lat + (first + i) * a->stride);
		s->ok[i] = pst_proj_trans(twin, false, &x, &y, 1) == POSTURE_OK && x != HUGE_VAL;
		s->x[i] = x;
		s->y[i] = y;
	}
}

static void *projecting_thread(void *arg)
{
	pst_proj_ahead *a = arg;
	pthread_mutex_lock(&a->mu);
	while (!a->stop && a->next_fill < a->n_runs) {
		if (a->next_fill - a->released >= AHEAD_SLOTS) { /* every slot full */
			pthread_cond_wait(&a->cv, &a->mu);
			continue;
		}
		size_t run = a->next_fill++;
		pthread_mutex_unlock(&a->mu);
		project_run(a, a->twin, &a->slots[run % AHEAD_SLOTS], run);
		pthread_mutex_lock(&a->mu);
		a->slot_run[run % AHEAD_SLOTS] = run;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

pst_proj_ahead *pst_proj_ahead_start(const pst_proj *p, const double *lon, const double *lat,
                                     size_t stride, size_t n)
{
	pst_proj_ahead *a = n ? calloc(1, sizeof(*a)) : NULL;
	if (!a)
		return NULL;
	a->twin = pst_proj_twin(p);
	a->own_twin = a->twin ? pst_proj_twin(p) : NULL;
	for (size_t k = 0; k < AHEAD_SLOTS; k++)
		a->slot_run[k] = SIZE_MAX;
	a->lon = (const char *)lon;
	a->lat = (const char *)lat;
	a->stride = stride;
	a->n = n;
	a->n_runs = (n + AHEAD_RUN - 1) / AHEAD_RUN;
	a->cur_run = SIZE_MAX;
	bool started = false;
	if (a->twin && pthread_mutex_init(&a->mu, NULL) == 0) {
		if (pthread_cond_init(&a->cv, NULL) == 0) {
			started = pthread_create(&a->thread, NULL, projecting_thread, a) == 0;
			if (!started)
				pthread_cond_destroy(&a->cv);
		}
		if (!started)
			pthread_mutex_destroy(&a->mu);
	}
	if (!started) {
		pst_proj_destroy(a->own_twin);
		pst_proj_destroy(a->twin);
		free(a);
		return NULL;
	}
	return a;
}

bool pst_proj_ahead_point(pst_proj_ahead *a, size_t i, double *x, double *y)
{
	size_t run = i / AHEAD_RUN;
	if (run != a->cur_run) { /* a new run: the ones before it are finished with */
		pthread_mutex_lock(&a->mu);
		a->released = run;
		pthread_cond_broadcast(&a->cv);
		while (a->slot_run[run % AHEAD_SLOTS] != run) {
			if (!a->own_twin || a->next_fill >= a->n_runs ||
			    a->next_fill - a->released >= AHEAD_SLOTS) {
				pthread_cond_wait(&a->cv, &a->mu);
				continue;
			}
			size_t mine = a->next_fill++; /* rather than wait: the next run no one has */
			pthread_mutex_unlock(&a->mu);
			project_run(a, a->own_twin, &a->slots[mine % AHEAD_SLOTS], mine);
			pthread_mutex_lock(&a->mu);
			a->slot_run[mine % AHEAD_SLOTS] = mine;
			pthread_cond_broadcast(&a->cv);
		}
		pthread_mutex_unlock(&a->mu);
		a->cur_run = run;
	}
	const slot *s = &a->slots[run % AHEAD_SLOTS];
	size_t k = i - run * AHEAD_RUN;
	*x = s->x[k];
	*y = s->y[k];
	return s->ok[k];
}

void pst_proj_ahead_stop(pst_proj_ahead *a)
{
	if (!a)
		return;
	pst_thread_stop(a->thread, &a->mu, &a->cv, &a->stop);
	pst_proj_destroy(a->own_twin);
	pst_proj_destroy(a->twin);
	free(a);
}
