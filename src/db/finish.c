/* finish.c — commits ended by finisher threads (db_commit_async), so that the
 * thread that wrote — an HTTP worker — serves other connections while its
 * commit becomes durable: on SQLite the shared flush of the WAL, on
 * PostgreSQL the COMMIT itself. See docs/internals/audit.md ("A write frees
 * its worker too"). */
#include "db/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "db/backend.h"

/* One commit handed to the finishers: on SQLite already COMMITted (its
 * flush and its hooks are left), on PostgreSQL still to COMMIT. */
typedef struct fin_job {
	struct fin_job *next;
	db_conn *c;
	bool committed;
	db_done_fn fn;
	void *arg;
} fin_job;

struct db_fin {
	db *d;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	fin_job *first, *last;
	pthread_t threads[DB_FINISHERS];
	int n;
	bool stop;
	_Atomic uint64_t handed;
};

static void *fin_main(void *arg)
{
	struct db_fin *f = arg;
	pthread_mutex_lock(&f->lock);
	for (;;) {
		while (!f->first && !f->stop)
			pthread_cond_wait(&f->cv, &f->lock);
		fin_job *j = f->first;
		if (!j)
			break; /* stopping, and nothing is left */
		f->first = j->next;
		if (!f->first)
			f->last = NULL;
		pthread_mutex_unlock(&f->lock);
		sj_err e = j->committed ? db_commit_end(j->c, SJ_OK, true, false) : db_commit(j->c);
		if (e)
			db_rollback(j->c);
		db_release(f->d, j->c);
		j->fn(j->arg, e);
		free(j);
		pthread_mutex_lock(&f->lock);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

sj_err db_start_finishers(db *d, int n)
{
	struct db_fin **slot = db_fin_slot(d);
	if (*slot)
		return SJ_EINTERNAL;
	if (n > DB_FINISHERS)
		n = DB_FINISHERS;
	struct db_fin *f = calloc(1, sizeof *f);
	if (!f)
		return SJ_ENOMEM;
	f->d = d;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cv, NULL);
	pthread_mutex_lock(&f->lock);
	sj_err e = SJ_OK;
	while (f->n < n) {
		if (pthread_create(&f->threads[f->n], NULL, fin_main, f) != 0) {
			e = SJ_ENOMEM;
			break;
		}
		f->n++;
	}
	pthread_mutex_unlock(&f->lock);
	*slot = f; /* before any request: the pool is not lent out yet */
	if (e)
		db_stop_finishers(d);
	return e;
}

void db_stop_finishers(db *d)
{
	struct db_fin **slot = db_fin_slot(d);
	struct db_fin *f = *slot;
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->lock);
	/* the queue is drained first: every handed commit ends and is reported */
	for (int i = 0; i < f->n; i++)
		pthread_join(f->threads[i], NULL);
	*slot = NULL;
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cv);
	free(f);
}

uint64_t db_async_commits(const db *d)
{
	struct db_fin *f = *db_fin_slot((db *)d);
	return f ? atomic_load(&f->handed) : 0;
}

bool db_commit_async(db_conn *c, db_done_fn fn, void *arg)
{
	db *d = db_conn_owner(c);
	struct db_fin *f = *db_fin_slot(d);
	if (!f || !db_in_tx(c))
		return false;
	pthread_mutex_lock(&f->lock);
	bool stopping = f->stop;
	pthread_mutex_unlock(&f->lock);
	if (stopping)
		return false;
	fin_job *j = calloc(1, sizeof *j);
	if (!j)
		return false; /* the caller commits on its own thread */
	j->c = c;
	j->fn = fn;
	j->arg = arg;
	if (db_conn_kind(c) == DB_SQLITE) {
		/* the COMMIT here, at once: the write turn is never held through
		 * a hand-off; only the flush (and the hooks after it) waits */
		bool wrote;
		sj_err e = db_commit_start(c, false, &wrote);
		if (e || !wrote || !db_has_log(d)) {
			free(j);
			e = db_commit_end(c, e, wrote, false);
			if (e)
				db_rollback(c);
			db_release(d, c);
			fn(arg, e);
			return true;
		}
		j->committed = true;
	}
	atomic_fetch_add(&f->handed, 1);
	pthread_mutex_lock(&f->lock);
	if (f->last)
		f->last->next = j;
	else
		f->first = j;
	f->last = j;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->lock);
	return true;
}
