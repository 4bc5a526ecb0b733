/*
 * idle: new mail as it arrives.  While a scheduler runs (the daemon, or the
 * TUI's in-process one), one thread per IMAP account holds a connection
 * IDLE on INBOX ([scheduler] idle = on).  When the server says something
 * changed, the thread queues a sync job (one at a time: key "sync-now") and
 * wakes the scheduler, so a delivered message is fetched, classified and
 * put through the rules within a second or two instead of at the next
 * periodic sync.  These threads never write mail themselves: the sync job
 * does, on a worker.  A dropped connection is retried with backoff (5 s
 * doubling to 15 min); IDLE is renewed every 25 minutes (RFC 2177 asks for
 * less than 29).  Stopping wakes every thread through one pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "va/app.h"
#include "va/conf.h"
#include "va/imap.h"
#include "va/jobs.h"
#include "va/log.h"
#include "va/sched.h"
#include "va/sync.h"
#include "va/util.h"

#define IDLE_RENEW_S (25 * 60)

struct idle_thread {
	struct idle_watch *w;
	char              *account;
	pthread_t          tid;
	int                started;
};

struct idle_watch {
	struct app_opts     opts;
	struct sched       *sched;
	int                 stop[2];
	struct idle_thread *t;
	size_t              n;
};

/* Sleep up to s seconds; 1 when asked to stop meanwhile. */
static int nap(struct idle_watch *w, int s)
{
	struct pollfd p = {w->stop[0], POLLIN, 0};

	return poll(&p, 1, s * 1000) > 0;
}

static void queue_sync(struct app *app, struct idle_watch *w, const char *account)
{
	struct jobs_add_opts o = {.kind = "sync", .key = "sync-now"};
	char *cause = NULL;
	int existed = 0;

	/* One sync queued, and one more behind it when that one may already be
	 * running (it could have listed the folder before this mail came). */
	if (jobs_add(app, &o, &existed, &cause) >= 0 && existed) {
		o.key = "sync-again";
		jobs_add(app, &o, &existed, &cause);
	}
	if (cause) {
		log_warn("idle %s: cannot queue a sync: %s", account, cause ? cause : "?");
		free(cause);
		return;
	}
	log_debug("idle %s: new mail, sync %s", account, existed ? "already queued" : "queued");
	sched_wake(w->sched);
}

static void *watch(void *arg)
{
	struct idle_thread *t = arg;
	struct idle_watch *w = t->w;
	struct app *app = NULL;
	int backoff = 5;

	while (!app) {
		char *cause = NULL;
		if (app_open(&app, &w->opts, &cause) < 0) {
			log_warn("idle %s: %s", t->account, cause ? cause : "?");
			free(cause);
			app = NULL;
			if (nap(w, 60))
				return NULL;
		}
	}
	for (;;) {
		struct imap_status st;
		struct imap *im;
		char *cause = NULL;
		int rc = 0;

		if (!(im = sync_connect(app, t->account, app->io, &cause)) ||
		    imap_select(im, "INBOX", &st, &cause) < 0) {
			log_warn("idle %s: %s (again in %d s)", t->account, cause ? cause : "?", backoff);
			free(cause);
			imap_close(im);
			if (nap(w, backoff))
				break;
			backoff = backoff * 2 > 900 ? 900 : backoff * 2;
			continue;
		}
		if (!imap_has(im, "IDLE")) {
			log_info("idle %s: the server has no IDLE; the periodic sync fetches new mail",
			         t->account);
			imap_close(im);
			break;
		}
		log_info("idle %s: waiting for new mail on INBOX", t->account);
		backoff = 5;
		while ((rc = imap_idle_wait(im, IDLE_RENEW_S, w->stop[0], &cause)) >= 0 && rc != 2)
			if (rc == 1)
				queue_sync(app, w, t->account);
		imap_close(im);
		if (rc == 2)
			break;
		log_warn("idle %s: %s (reconnecting)", t->account, cause ? cause : "?");
		free(cause);
		if (nap(w, backoff))
			break;
	}
	app_close(app);
	return NULL;
}

struct idle_watch *idle_start(struct app *app, const struct app_opts *opts, struct sched *s)
{
	struct idle_watch *w;
	size_t i;

	if (conf_get_bool(app->conf, "scheduler", "idle") == 0)
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->opts = *opts;
	w->sched = s;
	if (pipe2(w->stop, O_CLOEXEC) < 0) {
		free(w);
		return NULL;
	}
	w->t = xcalloc(app->naccounts ? app->naccounts : 1, sizeof *w->t);
	for (i = 0; i < app->naccounts; i++) {
		struct idle_thread *t = &w->t[w->n];
		if (strcmp(app->accounts[i].type, "imap"))
			continue;
		t->w = w;
		t->account = xstrdup(app->accounts[i].name);
		if (pthread_create(&t->tid, NULL, watch, t) != 0) {
			log_warn("idle %s: cannot start a thread", t->account);
			free(t->account);
			continue;
		}
		t->started = 1;
		w->n++;
	}
	return w;
}

void idle_stop(struct idle_watch *w)
{
	size_t i;

	if (!w)
		return;
	if (write(w->stop[1], "x", 1) < 0)
		log_warn("idle: cannot signal the watchers: %s", strerror(errno));
	for (i = 0; i < w->n; i++) {
		if (w->t[i].started)
			pthread_join(w->t[i].tid, NULL);
		free(w->t[i].account);
	}
	close(w->stop[0]);
	close(w->stop[1]);
	free(w->t);
	free(w);
}
