/*
 * reload: the inbox's keys read again off the main thread, when background
 * work (a job finished, a daemon wrote) may have changed the mail.  Reading
 * every key of a 100,000-message folder takes 15-35 ms; the main thread only
 * asks (reload_request) and later installs what comes back, so keys typed
 * meanwhile are not kept waiting (DESIGN "Threads", STYLE 9).
 *
 * One reader thread, started on the first request, with its own store
 * connection (no SQLite handle crosses threads).  A request is an owned copy
 * of the list's filters and the list's generation (pane_inbox_gen); the
 * thread answers with an owned array of keys through a pipe the main loop
 * polls.  A newer request replaces a waiting one.  The inbox installs an
 * answer only when no synchronous read (triage, a limit) or change in place
 * (a message opened) came after its request; otherwise it asks again.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui_internal.h"
#include "va/app.h"
#include "va/log.h"
#include "va/store.h"
#include "va/util.h"

/* What the main thread asks for: the list's filters, owned. */
struct reload_req {
	char *folder, *category, *from;
	int unread, flagged, owed, waiting;
	uint64_t gen;
	int64_t asked; /* ui_now_us() */
};

/* What the reader answers, owned by whoever holds the pointer. */
struct reload_answer {
	struct store_key *keys;
	size_t n;
	uint64_t gen;
	int64_t asked;
	char *cause; /* the read failed: why */
};

struct reload {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int fd[2];             /* answers: a struct reload_answer * at a time */
	char *path;            /* the database */
	struct reload_req req; /* valid while `want` */
	int want, stop;
};

static void req_release(struct reload_req *r)
{
	free(r->folder);
	free(r->category);
	free(r->from);
	memset(r, 0, sizeof(*r));
}

static struct reload_answer *answer_read(struct store **st, const char *path,
                                         const struct reload_req *r)
{
	struct reload_answer *a = xcalloc(1, sizeof(*a));
	struct store_query q;

	a->gen = r->gen;
	a->asked = r->asked;
	if (!*st && !(*st = store_open(path, &a->cause)))
		return a;
	memset(&q, 0, sizeof q);
	q.folder = r->folder;
	q.category = r->category;
	q.from = r->from;
	q.unread = r->unread;
	q.flagged = r->flagged;
	q.owed = r->owed;
	q.waiting = r->waiting;
	if (store_message_keys(*st, &q, &a->keys, &a->n, &a->cause) < 0 && !a->cause)
		a->cause = xstrdup("?");
	return a;
}

static void *reader_main(void *arg)
{
	struct reload *rl = arg;
	struct store *st = NULL;
	struct reload_req r;
	struct reload_answer *a;

	pthread_mutex_lock(&rl->lock);
	for (;;) {
		while (!rl->want && !rl->stop)
			pthread_cond_wait(&rl->wake, &rl->lock);
		if (rl->stop)
			break;
		r = rl->req; /* the request moves to this thread */
		memset(&rl->req, 0, sizeof(rl->req));
		rl->want = 0;
		pthread_mutex_unlock(&rl->lock);
		a = answer_read(&st, rl->path, &r);
		req_release(&r);
		while (write(rl->fd[1], &a, sizeof(a)) < 0 && errno == EINTR)
			;
		pthread_mutex_lock(&rl->lock);
	}
	pthread_mutex_unlock(&rl->lock);
	store_close(st);
	return NULL;
}

static void answer_free(struct reload_answer *a)
{
	free(a->keys);
	free(a->cause);
	free(a);
}

/* The reader, started on first use; NULL when it cannot start (the caller
 * then reads on the main thread). */
static struct reload *reload_get(struct ui *ui)
{
	struct reload *rl;

	if (ui->reload)
		return ui->reload;
	rl = xcalloc(1, sizeof(*rl));
	rl->path = xstrdup(store_path(ui->app->store));
	rl->fd[0] = rl->fd[1] = -1;
	pthread_mutex_init(&rl->lock, NULL);
	pthread_cond_init(&rl->wake, NULL);
	if (pipe2(rl->fd, O_CLOEXEC) < 0 || pthread_create(&rl->thread, NULL, reader_main, rl)) {
		log_warn("ui: no reader thread for the inbox: %s", strerror(errno));
		if (rl->fd[0] >= 0) {
			close(rl->fd[0]);
			close(rl->fd[1]);
		}
		pthread_cond_destroy(&rl->wake);
		pthread_mutex_destroy(&rl->lock);
		free(rl->path);
		free(rl);
		return NULL;
	}
	return ui->reload = rl;
}

void reload_request(struct ui *ui)
{
	struct pane *p = ui->tabs[TAB_INBOX];
	struct reload *rl;
	struct store_query q;

	if (!p)
		return;
	if (!(rl = reload_get(ui))) {
		pane_inbox_load(p);
		return;
	}
	pane_inbox_query(p, &q);
	pthread_mutex_lock(&rl->lock);
	req_release(&rl->req);
	rl->req.folder = q.folder ? xstrdup(q.folder) : NULL;
	rl->req.category = q.category ? xstrdup(q.category) : NULL;
	rl->req.from = q.from ? xstrdup(q.from) : NULL;
	rl->req.unread = q.unread;
	rl->req.flagged = q.flagged;
	rl->req.owed = q.owed;
	rl->req.waiting = q.waiting;
	rl->req.gen = pane_inbox_gen(p);
	rl->req.asked = ui_now_us();
	rl->want = 1;
	pthread_cond_signal(&rl->wake);
	pthread_mutex_unlock(&rl->lock);
}

int reload_fd(const struct ui *ui)
{
	return ui->reload ? ui->reload->fd[0] : -1;
}

int reload_take(struct ui *ui)
{
	struct reload_answer *a;
	struct pane *p = ui->tabs[TAB_INBOX];
	int flags = 0;

	if (!ui->reload || read(ui->reload->fd[0], &a, sizeof(a)) != (ssize_t)sizeof(a))
		return 0;
	if (a->cause) {
		status_error(ui, "cannot list %s: %s", ui->folder, a->cause);
		flags = UI_DRAW;
	} else if (p && a->gen == pane_inbox_gen(p)) {
		log_debug("inbox: %zu keys read by the reader, installed %.2f ms after asking",
		          a->n, (double)(ui_now_us() - a->asked) / 1000);
		pane_inbox_install(p, a->keys, a->n);
		a->keys = NULL; /* the list's now */
		flags = UI_DRAW;
	} else if (p) {
		reload_request(ui); /* the list changed meanwhile: this answer may miss it */
	}
	answer_free(a);
	return flags;
}

void reload_stop(struct ui *ui)
{
	struct reload *rl = ui->reload;
	struct reload_answer *a;

	if (!rl)
		return;
	pthread_mutex_lock(&rl->lock);
	rl->stop = 1;
	pthread_cond_signal(&rl->wake);
	pthread_mutex_unlock(&rl->lock);
	pthread_join(rl->thread, NULL);
	fcntl(rl->fd[0], F_SETFL, O_NONBLOCK);
	while (read(rl->fd[0], &a, sizeof(a)) == (ssize_t)sizeof(a))
		answer_free(a);
	close(rl->fd[0]);
	close(rl->fd[1]);
	req_release(&rl->req);
	pthread_cond_destroy(&rl->wake);
	pthread_mutex_destroy(&rl->lock);
	free(rl->path);
	free(rl);
	ui->reload = NULL;
}
