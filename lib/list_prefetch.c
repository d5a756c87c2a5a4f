/*
 * list_prefetch.c: the headers of a tarball's inner tars read ahead.
 *
 * A scan reads an uncompressed tar's headers only, one after the other:
 * on a cold disk each is a random read of a page, and one at a time they
 * keep a disk with a deep queue (NVMe, a RAID, network storage) mostly
 * idle.  Within one tar the next header's place is known only from the one
 * before, but the inner tars of a tar of tars (ILSVRC2012's train tarball
 * has 1000) are independent: a walker thread reads the outer tar's headers
 * and queues each inner tar's window, and PREFETCH_THREADS threads walk
 * those windows' headers with libarchive, each into a list of its own that
 * is thrown away.  What they read stays in the page cache, where the scan,
 * which is the one that records anything, finds it.  The scan's results do
 * not depend on the prefetch: it only changes how long the reads take.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "list_int.h"

#define PREFETCH_THREADS 8
/* Inner tars queued ahead of the workers, at most. */
#define PREFETCH_QUEUE 256

struct span {
	int64_t start, end;
};

struct list_prefetch {
	const struct pxr_list *l;
	int fd;
	int64_t size;
	char *under; /* the scan's folder: the inner tars outside it are
			not read ahead, as the scan does not walk them */
	pthread_t walker, workers[PREFETCH_THREADS];
	int nworkers, walker_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct span q[PREFETCH_QUEUE];
	size_t head, tail; /* q[head % N] .. q[tail % N] */
	int outer_done, stop;
};

static void
noop_member(struct walk *w, struct archive *a, struct archive_entry *e,
    const char *full, size_t len, int direct, int64_t base, int64_t end)
{
	(void)w, (void)a, (void)e, (void)full, (void)len, (void)direct;
	(void)base, (void)end;
}

/* The walker's hook: an inner tar queued (waiting while the queue is
 * full, unless the scan is over). */
static void
queue_inner(struct walk *w, int64_t start, int64_t end)
{
	struct list_prefetch *p = w->ctx;

	pthread_mutex_lock(&p->mu);
	while (!p->stop && p->tail - p->head == PREFETCH_QUEUE)
		pthread_cond_wait(&p->cv, &p->mu);
	if (!p->stop) {
		p->q[p->tail % PREFETCH_QUEUE] = (struct span){ start, end };
		p->tail++;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
}

/* The walks' check before each header: told to stop? */
static int
stopped(struct walk *w)
{
	struct list_prefetch *p = w->ctx;
	int stop;

	pthread_mutex_lock(&p->mu);
	stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

/* A walk of headers only, into a list of its own; the outer tar's (the
 * one with inner) in the scan's folder. */
static void
walk_headers(struct list_prefetch *p, int64_t start, int64_t end,
    void (*inner)(struct walk *, int64_t, int64_t))
{
	struct walk w = { .member = noop_member,
		.bufsize = SCAN_BLOCK,
		.inner = inner,
		.ctx = p,
		.fd = p->fd,
		.quit = stopped };
	const char *why;

	if (inner != NULL && p->under != NULL) {
		w.under = p->under;
		w.under_len = strlen(p->under);
	}
	if ((w.l = list_clone_matching(p->l)) == NULL)
		return;
	(void)list_walk_window(&w, start, end, "", "", 1, &why);
	list_free_clone(w.l);
}

static void *
walker_main(void *arg)
{
	struct list_prefetch *p = arg;

	walk_headers(p, 0, p->size, queue_inner);
	pthread_mutex_lock(&p->mu);
	p->outer_done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void *
worker_main(void *arg)
{
	struct list_prefetch *p = arg;

	for (;;) {
		struct span s;

		pthread_mutex_lock(&p->mu);
		while (!p->stop && p->head == p->tail && !p->outer_done)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop || p->head == p->tail) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		s = p->q[p->head % PREFETCH_QUEUE];
		p->head++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		walk_headers(p, s.start, s.end, NULL);
	}
}

struct list_prefetch *
list_prefetch_start(const struct pxr_list *l, int fd, int64_t size,
    const char *under)
{
	struct list_prefetch *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	if (under != NULL && (p->under = strdup(under)) == NULL) {
		free(p);
		return NULL;
	}
	p->l = l;
	p->fd = fd;
	p->size = size;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->walker, NULL, walker_main, p) != 0) {
		list_prefetch_stop(p);
		return NULL;
	}
	p->walker_started = 1;
	for (int i = 0; i < PREFETCH_THREADS; i++)
		if (pthread_create(&p->workers[p->nworkers], NULL, worker_main,
			p) == 0)
			p->nworkers++;
	return p;
}

void
list_prefetch_cancel(struct list_prefetch *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void
list_prefetch_stop(struct list_prefetch *p)
{
	if (p == NULL)
		return;
	list_prefetch_cancel(p);
	if (p->walker_started)
		pthread_join(p->walker, NULL);
	for (int i = 0; i < p->nworkers; i++)
		pthread_join(p->workers[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->under);
	free(p);
}
