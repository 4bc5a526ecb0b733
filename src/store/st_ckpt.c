/*
 * st_ckpt: checkpoints on a background thread during a bulk write.
 *
 * In WAL mode every committed page is written twice: into the WAL by the
 * commit, and into the database by a checkpoint, which SQLite runs by
 * default inside the commit that takes the WAL past 1,000 pages: on the
 * writer's thread, between its batches.  A first sync of a mailbox writes
 * its whole size that way (the sync bench: ~80 MB, ~100 ms of the storing
 * thread, the busier of the sync's two).  Here the writer's connection stops
 * checkpointing itself; after each commit that leaves 1,000 pages or more in
 * the WAL, a thread with its own connection runs a PASSIVE checkpoint, which
 * copies the committed frames while the writer goes on with the next batch.
 *
 * The WAL can only start again from its beginning when a transaction begins
 * with every frame already copied.  So that it does not grow with the
 * mailbox, a commit that finds CKPT_WAIT_PAGES or more in the WAL waits for
 * the round it asked for; the writer's next transaction then restarts it.
 */
#include <pthread.h>
#include <stdlib.h>

#include "store_internal.h"
#include "va/log.h"
#include "va/util.h"

#define CKPT_PAGES      1000 /* SQLite's own autocheckpoint threshold */
#define CKPT_WAIT_PAGES 8000 /* ~32 MB of WAL with 4 KB pages */

struct st_ckpt {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sqlite3 *db;
	unsigned long asked, done; /* rounds */
	int stop;
};

static void *ckpt_main(void *arg)
{
	struct st_ckpt *c = arg;
	unsigned long round;
	int rc;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->stop && c->asked == c->done)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->asked == c->done)
			break; /* stopping, nothing asked */
		round = c->asked;
		pthread_mutex_unlock(&c->mu);
		rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_debug("store: background checkpoint: %s", sqlite3_errmsg(c->db));
		pthread_mutex_lock(&c->mu);
		c->done = round;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* After each commit of the writer's connection, with the WAL's size. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct st_ckpt *c = arg;
	unsigned long round;

	(void)db;
	(void)name;
	if (pages < CKPT_PAGES)
		return SQLITE_OK;
	pthread_mutex_lock(&c->mu);
	round = ++c->asked;
	pthread_cond_broadcast(&c->cv);
	while (pages >= CKPT_WAIT_PAGES && c->done < round)
		pthread_cond_wait(&c->cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
	return SQLITE_OK;
}

int store_bulk_begin(struct store *st)
{
	struct st_ckpt *c;

	if (st->ckpt)
		return 0;
	c = xcalloc(1, sizeof *c);
	if (sqlite3_open_v2(st->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(c->db, 5000);
	/* a connection learns the journal mode when it first reads the file */
	if (sqlite3_exec(c->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pthread_create(&c->th, NULL, ckpt_main, c) != 0) {
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		goto fail;
	}
	sqlite3_wal_hook(st->db, on_commit, c);
	st->ckpt = c;
	return 0;
fail:
	/* not an error: the writer keeps checkpointing itself */
	log_debug("store: no background checkpoints: %s",
	          c->db ? sqlite3_errmsg(c->db) : "out of memory");
	sqlite3_close_v2(c->db);
	free(c);
	return -1;
}

void store_bulk_end(struct store *st)
{
	struct st_ckpt *c = st ? st->ckpt : NULL;

	if (!c)
		return;
	sqlite3_wal_autocheckpoint(st->db, CKPT_PAGES); /* replaces on_commit */
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	sqlite3_close_v2(c->db);
	free(c);
	st->ckpt = NULL;
}
