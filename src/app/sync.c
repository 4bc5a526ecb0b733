/*
 * sync: IMAP accounts into the store (see include/va/sync.h for the
 * algorithm).  One account at a time over one connection; the work per
 * folder is split into: cursor and fast path, expunges, flag changes, new
 * messages.  New messages are fetched and parsed on a second thread while
 * this one stores them (see "new messages" below), in transactions of BATCH
 * messages so that a dropped connection loses at most the batch in flight.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "va/accounts.h"
#include "va/conf.h"
#include "va/imap.h"
#include "va/log.h"
#include "va/message.h"
#include "va/mime.h"
#include "va/secret.h"
#include "va/store.h"
#include "va/sync.h"
#include "va/util.h"

#define BATCH 250
#define BULK  1000 /* new messages that make a fetch a bulk write (store_bulk_begin) */

/* One account's sync. */
struct sync_ctx {
	struct app *app;
	struct store *st;
	struct imap *im;
	struct sync_report *r;
	int64_t account_id, folder_id;
	uint32_t uidvalidity;
	const char *folder;
	app_progress_fn progress;
	void *arg;
	/* fetching new messages: put holds the server state of the stored
	 * messages that existed before (new ones get theirs in their row) */
	struct store_sync_msg *put;
	size_t nput, inbatch, done, total;
	/* flag changes */
	struct store_sync_msg *have;
	size_t nhave;
};

void sync_report_release(struct sync_report *r)
{
	free(r->error);
	memset(r, 0, sizeof *r);
}

int sync_is_imap(const struct app *app, const char *name)
{
	const struct account *a = app_account(app, name);

	return a && a->type && !strcmp(a->type, "imap");
}

/* ---- connecting ---- */

/* The credential; for OAuth2 a fresh token when force (after a refusal). */
static char *credential(struct app *app, const char *name, const struct accounts_io *io, int oauth,
                        int force, char **cause)
{
	char *secret = NULL;
	int rc;

	if (oauth)
		rc = accounts_access_token(app, name, force, io, &secret, NULL, cause);
	else if ((rc = accounts_password(app, name, io, &secret, cause)) == 1)
		set_cause(cause, "no password is stored for \"%s\": run `va account login %s`",
		          name, name);
	return rc == 0 ? secret : NULL;
}

static int is_oauth(struct app *app, const char *name)
{
	char *sec = xasprintf("account %s", name);
	int oauth = !strcmp(conf_get(app->conf, sec, "auth"), "oauth2");

	free(sec);
	return oauth;
}

char *sync_credential(struct app *app, const char *name, const struct accounts_io *io, int *oauth,
                      char **cause)
{
	*oauth = is_oauth(app, name);
	return credential(app, name, io, *oauth, 0, cause);
}

/* Log in; an OAuth2 token the server refuses is refreshed once and tried again. */
static struct imap *login_with(struct app *app, const char *name, const struct accounts_io *io,
                               const struct imap_opts *base, char **cause)
{
	int oauth = is_oauth(app, name), refused = 0, attempt;
	struct imap_opts o = *base;
	struct imap *im = NULL;
	char *secret;

	o.auth = oauth ? IMAP_AUTH_XOAUTH2 : IMAP_AUTH_PASSWORD;
	o.refused = &refused;
	for (attempt = 0; !im && attempt < (oauth ? 2 : 1); attempt++) {
		if (attempt > 0) {
			if (!refused)
				break;
			free(*cause);
			*cause = NULL;
		}
		if (!(secret = credential(app, name, io, oauth, attempt, cause)))
			break;
		o.secret = secret;
		im = imap_connect(&o, cause);
		secret_free(secret);
	}
	return im;
}

struct imap *sync_connect(struct app *app, const char *name, const struct accounts_io *io,
                          char **cause)
{
	char *sec = xasprintf("account %s", name), *ca;
	const char *user = conf_get(app->conf, sec, "username");
	struct imap_opts o;
	struct imap *im = NULL;

	memset(&o, 0, sizeof o);
	o.host = conf_get(app->conf, sec, "imap_host");
	o.port = (unsigned)conf_get_int(app->conf, sec, "imap_port");
	o.tls = imap_tls_parse(conf_get(app->conf, sec, "imap_tls"));
	o.ca_file = ca = conf_get_path(app->conf, sec, "ca_file");
	o.user = user ? user : conf_get(app->conf, sec, "email");
	o.timeout_s = (int)conf_get_duration(app->conf, sec, "timeout");
	if (!o.host || !o.user)
		set_cause(cause, "[%s] needs imap_host and email (or username)", sec);
	else
		im = login_with(app, name, io, &o, cause);
	free(ca);
	free(sec);
	return im;
}

/* ---- new messages ----
 *
 * Two threads per folder: a fetcher owns the connection while it runs
 * imap_fetch_bodies, parses each message (mime_parse) and hands it over as
 * an owned struct fetched through a bounded queue; the calling thread stores
 * them (the only one touching the store) and commits every BATCH.  So the
 * network and the parsing of the next messages overlap with SQLite's work on
 * the previous ones.  When storing fails the fetcher is told to stop; when
 * fetching fails what was stored is committed and the error returned. */

/* One message fetched and parsed on the fetcher thread, owned by the queue. */
struct fetched {
	struct message m;
	char *why; /* mime_parse failed: why (m unused) */
	int parsed;
	uint32_t uid;
	unsigned flags;
	char *keywords;
	uint64_t modseq;
	char *raw;
	size_t len;
	struct fetched *next; /* on fetch_queue.stored */
};

/* How far the fetcher may run ahead of the store: messages, and bytes of
 * raw message (one message is always let through, however big). */
#define QUEUE_CAP   512
#define QUEUE_BYTES (32u << 20)

struct fetch_queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct fetched *q[QUEUE_CAP];
	size_t head, n, bytes;
	int done, stop, rc; /* done: the fetcher has ended, with rc and cause */
	char *cause;
	/* stored messages, freed by the fetcher: the thread whose malloc arena
	 * they came from frees them faster, and off the storing thread */
	struct fetched *stored;
	/* the fetcher's inputs */
	struct imap *im;
	const uint32_t *uids;
	size_t nuids;
};

static void fetched_free(struct fetched *f)
{
	if (!f)
		return;
	if (f->parsed)
		message_release(&f->m);
	free(f->why);
	free(f->keywords);
	free(f->raw);
	free(f);
}

static void fetched_free_list(struct fetched *f)
{
	struct fetched *next;

	for (; f; f = next) {
		next = f->next;
		fetched_free(f);
	}
}

static struct fetched *fetched_of(const struct imap_msg *im)
{
	struct fetched *f = xcalloc(1, sizeof *f);

	f->uid = im->uid;
	f->flags = im->flags;
	f->keywords = im->keywords ? xstrdup(im->keywords) : NULL;
	f->modseq = im->modseq;
	f->len = im->len;
	f->raw = xmalloc(im->len + 1);
	memcpy(f->raw, im->raw, im->len);
	f->raw[im->len] = '\0';
	message_init(&f->m);
	if (mime_parse(f->raw, f->len, &f->m, &f->why) < 0) {
		message_release(&f->m);
		if (!f->why)
			f->why = xstrdup("?");
	} else
		f->parsed = 1;
	return f;
}

/* Fetcher thread: queue one message, waiting while the queue is full. */
static int on_fetched(void *arg, const struct imap_msg *im, char **cause)
{
	struct fetch_queue *fq = arg;
	struct fetched *f, *old;
	int stop;

	if (!im->raw)
		return 0;
	f = fetched_of(im);
	pthread_mutex_lock(&fq->mu);
	old = fq->stored;
	fq->stored = NULL;
	while ((fq->n == QUEUE_CAP || (fq->n > 0 && fq->bytes + f->len > QUEUE_BYTES)) && !fq->stop)
		pthread_cond_wait(&fq->cv, &fq->mu);
	if (!(stop = fq->stop)) {
		fq->q[(fq->head + fq->n++) % QUEUE_CAP] = f;
		fq->bytes += f->len;
		pthread_cond_broadcast(&fq->cv);
	}
	pthread_mutex_unlock(&fq->mu);
	fetched_free_list(old);
	if (!stop)
		return 0;
	fetched_free(f);
	set_cause(cause, "stopped");
	return 1;
}

static void *fetcher(void *arg)
{
	struct fetch_queue *fq = arg;
	char *why = NULL;
	int rc = imap_fetch_bodies(fq->im, fq->uids, fq->nuids, BATCH, on_fetched, fq, &why);

	pthread_mutex_lock(&fq->mu);
	fq->done = 1;
	fq->rc = rc;
	fq->cause = why;
	pthread_cond_broadcast(&fq->cv);
	pthread_mutex_unlock(&fq->mu);
	return NULL;
}

/* The next message, or NULL once the fetcher has ended and the queue is
 * empty; done (the message stored before, or NULL) goes back to the fetcher
 * to be freed. */
static struct fetched *queue_pop(struct fetch_queue *fq, struct fetched *done)
{
	struct fetched *f = NULL;

	pthread_mutex_lock(&fq->mu);
	if (done) {
		done->next = fq->stored;
		fq->stored = done;
	}
	while (fq->n == 0 && !fq->done)
		pthread_cond_wait(&fq->cv, &fq->mu);
	if (fq->n > 0) {
		f = fq->q[fq->head];
		fq->head = (fq->head + 1) % QUEUE_CAP;
		fq->n--;
		fq->bytes -= f->len;
		pthread_cond_broadcast(&fq->cv);
	}
	pthread_mutex_unlock(&fq->mu);
	return f;
}

/* Tell the fetcher to stop and drop what it queued. */
static void queue_stop(struct fetch_queue *fq)
{
	struct fetched *f;

	pthread_mutex_lock(&fq->mu);
	fq->stop = 1;
	pthread_cond_broadcast(&fq->cv);
	pthread_mutex_unlock(&fq->mu);
	while ((f = queue_pop(fq, NULL)) != NULL)
		fetched_free(f);
}

/* Save the uids of the messages stored since the last flush and commit. */
static int flush(struct sync_ctx *c, char **cause)
{
	int rc = c->nput ? store_sync_put(c->st, c->uidvalidity, c->put, c->nput, cause) : 0;
	size_t i;

	for (i = 0; i < c->nput; i++)
		free(c->put[i].keywords);
	c->nput = c->inbatch = 0;
	if (rc < 0) {
		store_rollback(c->st);
		return -1;
	}
	return store_commit(c->st, cause);
}

/* Store one parsed message (its strings move into the store's row); its
 * uid goes to c->put. */
static int store_new(struct sync_ctx *c, struct fetched *f, char **cause)
{
	struct message *m = &f->m;
	int existed = 0;

	if (!f->parsed) {
		log_warn("sync: %s uid %u: cannot parse: %s", c->folder, f->uid, f->why);
		c->r->failed++;
		return 0;
	}
	m->account_id = c->account_id;
	m->folder_id = c->folder_id;
	m->source = xasprintf("imap:%u:%u", c->uidvalidity, f->uid);
	m->flags = f->flags;
	m->keywords = f->keywords ? xstrdup(f->keywords) : NULL;
	m->uid = f->uid;
	m->uidvalidity = c->uidvalidity;
	m->modseq = f->modseq;
	if (store_message_add(c->st, m, NULL, f->raw, f->len, &existed, cause) < 0)
		return -1;
	c->inbatch++;
	if (!existed) {
		c->r->fetched++;
		return 0;
	}
	c->put[c->nput++] =
	    (struct store_sync_msg){m->id, f->uid, f->flags, f->keywords, f->modseq};
	f->keywords = NULL; /* now c->put's */
	return 0;
}

/* Store what the fetcher queues, committing every BATCH. */
static int store_queued(struct sync_ctx *c, struct fetch_queue *fq, char **cause)
{
	struct fetched *f = NULL;
	int rc = 0;

	while (rc == 0 && (f = queue_pop(fq, f)) != NULL) {
		if ((rc = store_new(c, f, cause)) < 0)
			break;
		c->done++;
		if (c->inbatch == BATCH) {
			rc = flush(c, cause) < 0 || store_begin(c->st, cause) < 0 ? -1 : 0;
			if (rc == 0 && c->progress)
				c->progress(c->arg, c->done, c->total);
		}
	}
	fetched_free(f); /* the one in hand when storing failed */
	return rc;
}

/* Fetch and store the uids; what was committed stays when this fails. */
static int fetch_new(struct sync_ctx *c, const uint32_t *uids, size_t n, char **cause)
{
	struct fetch_queue fq;
	pthread_t th;
	char *why = NULL;
	int rc;

	if (n == 0)
		return 0;
	if (store_begin(c->st, cause) < 0)
		return -1;
	c->put = xcalloc(BATCH, sizeof *c->put);
	c->nput = c->inbatch = c->done = 0;
	c->total = n;
	memset(&fq, 0, sizeof fq);
	pthread_mutex_init(&fq.mu, NULL);
	pthread_cond_init(&fq.cv, NULL);
	fq.im = c->im;
	fq.uids = uids;
	fq.nuids = n;
	if (n >= BULK)
		store_bulk_begin(c->st);
	if (pthread_create(&th, NULL, fetcher, &fq) != 0) {
		store_rollback(c->st);
		rc = set_cause(cause, "cannot start the fetching thread");
		goto out;
	}
	rc = store_queued(c, &fq, cause);
	if (rc < 0)
		queue_stop(&fq);
	pthread_join(th, NULL);
	fetched_free_list(fq.stored);
	if (rc == 0 && fq.rc < 0) {
		rc = -1;
		*cause = fq.cause;
		fq.cause = NULL;
	}
	/* keep the part of the batch already stored, even when the fetch failed */
	if (flush(c, rc < 0 ? &why : cause) < 0 && rc == 0)
		rc = -1;
	free(why);
	if (rc == 0 && c->progress)
		c->progress(c->arg, c->done, c->total);
out:
	store_bulk_end(c->st);
	free(fq.cause);
	pthread_cond_destroy(&fq.cv);
	pthread_mutex_destroy(&fq.mu);
	free(c->put);
	c->put = NULL;
	return rc;
}

/* ---- flags and expunges ---- */

static int cmp_uid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = ((const struct store_sync_msg *)b)->uid;

	return x < y ? -1 : x > y;
}

static struct store_sync_msg *have_uid(struct sync_ctx *c, uint32_t uid)
{
	return bsearch(&uid, c->have, c->nhave, sizeof *c->have, cmp_uid);
}

static int same_kw(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* A flag fetch result: note the stored messages whose flags differ. */
static int on_flags(void *arg, const struct imap_msg *im, char **cause)
{
	struct sync_ctx *c = arg;
	struct store_sync_msg *h = have_uid(c, im->uid);

	(void)cause;
	if (!h || h->id == 0 || (h->flags == im->flags && same_kw(h->keywords, im->keywords)))
		return 0;
	h->flags = im->flags;
	free(h->keywords);
	h->keywords = im->keywords ? xstrdup(im->keywords) : NULL;
	h->modseq = im->modseq;
	c->put[c->nput++] = *h; /* borrows h->keywords until the put */
	return 0;
}

static int update_flags(struct sync_ctx *c, uint64_t changedsince, char **cause)
{
	int rc;

	if (c->nhave == 0)
		return 0;
	c->put = xcalloc(c->nhave, sizeof *c->put);
	c->nput = 0;
	rc = imap_fetch_flags(c->im, c->have[c->nhave - 1].uid, changedsince, on_flags, c, cause);
	if (rc == 0 && c->nput > 0) {
		rc = store_sync_put(c->st, c->uidvalidity, c->put, c->nput, cause);
		c->r->updated += rc == 0 ? c->nput : 0;
	}
	free(c->put);
	c->put = NULL;
	c->nput = 0;
	return rc;
}

/* Remove stored messages the server no longer has; the uids not stored yet
 * go to *want (caller frees). */
static int expunge_and_diff(struct sync_ctx *c, const uint32_t *srv, size_t nsrv, uint32_t **want,
                            size_t *nwant, char **cause)
{
	size_t i = 0, j = 0;

	*want = xcalloc(nsrv + 1, sizeof **want);
	*nwant = 0;
	while (i < c->nhave || j < nsrv) {
		if (j == nsrv || (i < c->nhave && c->have[i].uid < srv[j])) {
			if (store_message_delete(c->st, c->have[i].id, cause) < 0)
				return -1;
			c->have[i].id = 0; /* gone: no flag update */
			c->r->expunged++;
			i++;
		} else if (i == c->nhave || srv[j] < c->have[i].uid)
			(*want)[(*nwant)++] = srv[j++];
		else
			i++, j++;
	}
	return 0;
}

/* ---- one folder ---- */

static int unchanged(const struct store_sync_folder *old, const struct imap_status *now)
{
	return old->uidvalidity == now->uidvalidity && old->uidnext == now->uidnext &&
	       old->count == (int64_t)now->exists && now->highestmodseq != 0 &&
	       old->highestmodseq == now->highestmodseq;
}

static int save_cursor(struct sync_ctx *c, const struct imap_status *now, const char *special,
                       char **cause)
{
	struct store_sync_folder f = {now->uidvalidity, now->uidnext, now->highestmodseq,
	                              (int64_t)time(NULL), 0};

	return store_sync_folder_set(c->st, c->folder_id, &f, special, cause);
}

/* Expunges, flags and new messages of the selected folder. */
static int folder_changes(struct sync_ctx *c, const struct store_sync_folder *old,
                          const struct imap_status *now, char **cause)
{
	uint32_t *srv = NULL, *want = NULL;
	size_t nsrv = 0, nwant = 0;
	uint64_t since = old->uidvalidity == now->uidvalidity ? old->highestmodseq : 0;
	int rc;

	if (store_sync_messages(c->st, c->folder_id, c->uidvalidity, &c->have, &c->nhave, cause) <
	    0)
		return -1;
	rc = imap_uids(c->im, &srv, &nsrv, cause);
	if (rc == 0 && (rc = store_begin(c->st, cause)) == 0) {
		rc = expunge_and_diff(c, srv, nsrv, &want, &nwant, cause);
		rc = rc == 0 ? store_commit(c->st, cause) : (store_rollback(c->st), -1);
	}
	if (rc == 0)
		rc = update_flags(c, now->highestmodseq ? since : 0, cause);
	if (rc == 0)
		rc = fetch_new(c, want, nwant, cause);
	store_sync_messages_free(c->have, c->nhave);
	c->have = NULL;
	c->nhave = 0;
	free(srv);
	free(want);
	return rc;
}

static int sync_folder(struct sync_ctx *c, const struct imap_folder *f, char **cause)
{
	struct store_sync_folder old;
	struct imap_status now;
	int64_t dropped;

	c->folder = f->name;
	if ((c->folder_id = store_folder_ensure(c->st, c->account_id, f->name, cause)) < 0 ||
	    store_sync_folder_get(c->st, c->folder_id, &old, cause) < 0 ||
	    imap_select(c->im, f->name, &now, cause) < 0)
		return -1;
	c->uidvalidity = now.uidvalidity;
	c->r->folders++;
	if (old.uidvalidity != now.uidvalidity) {
		if ((dropped = store_sync_drop_stale(c->st, c->folder_id, now.uidvalidity, cause)) <
		    0)
			return -1;
		c->r->dropped += (size_t)dropped;
		old.count -= dropped;
	}
	if (!unchanged(&old, &now) && folder_changes(c, &old, &now, cause) < 0)
		return -1;
	return save_cursor(c, &now, f->special, cause);
}

/* ---- write-back of triage (actions journaled "pending") ---- */

#define ALL_FLAGS (MSG_SEEN | MSG_ANSWERED | MSG_FLAGGED | MSG_DELETED | MSG_DRAFT)

static int has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p = list;

	while (p && (p = strstr(p, w)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* Labels the rows removed that the message no longer has (space-separated). */
static char *labels_removed(const struct store_sync_pending *v, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].kind, "unlabel") && v[i].args && *v[i].args &&
		    !has_word(v[0].keywords, v[i].args)) {
			if (sb.len)
				sb_addc(&sb, ' ');
			sb_adds(&sb, v[i].args);
		}
	return sb_detach(&sb);
}

static int mark_rows(struct sync_ctx *c, const struct store_sync_pending *v, size_t n,
                     const char *state, char **cause)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (store_sync_action_state(c->st, v[i].action_id, state, cause) < 0)
			return -1;
	if (!strcmp(state, "done"))
		c->r->pushed += n;
	else
		c->r->refused += n;
	return 0;
}

/* The folder names triage uses for roles (actions.c), and the special-use
 * role the server may give a folder of another name ("Deleted Messages"). */
static const struct {
	const char *name, *role;
} role_table[] = {{"Archive", "archive"},
                  {"Trash", "trash"},
                  {"Junk", "junk"},
                  {"Sent", "sent"},
                  {"Drafts", "drafts"}};

/* Where a message the store put in `folder` goes on the server: the folder
 * with that role when the server names it differently (*fid: its row, to
 * move the message's row there too), else `folder` itself (*fid 0). */
static char *server_dest(struct sync_ctx *c, const char *folder, int64_t *fid)
{
	char *name = NULL, *why = NULL;
	size_t i;

	*fid = 0;
	for (i = 0; !name && i < sizeof role_table / sizeof role_table[0]; i++)
		if (!strcmp(folder, role_table[i].name))
			name = store_sync_special_folder(c->st, c->account_id, role_table[i].role,
			                                 fid, &why);
	free(why);
	if (name && !strcmp(name, folder)) {
		*fid = 0;
		return name;
	}
	if (!name)
		*fid = 0;
	return name ? name : xstrdup(folder);
}

/* The message moved on the server: its row follows (or goes, when the
 * server did not say where it went; the next sync fetches it there). */
static int follow_move(struct sync_ctx *c, const struct store_sync_pending *p, int64_t fid,
                       uint32_t nv, uint32_t nu, char **cause)
{
	if (!nv || !nu)
		return store_message_delete(c->st, p->message_id, cause);
	if (fid && store_message_move(c->st, p->message_id, fid, NULL, cause) < 0)
		return -1;
	return store_sync_relocate(c->st, p->message_id, nv, nu, cause);
}

/* Make the server's copy of one message match the store: v[0..n) are its rows. */
static int push_message(struct sync_ctx *c, const struct store_sync_pending *v, size_t n,
                        char **selected, char **cause)
{
	const struct store_sync_pending *p = &v[0];
	struct imap_status st;
	uint32_t nv = 0, nu = 0;
	int64_t fid;
	char *rm, *dest, *why = NULL;
	int rc = 0, moved;

	if (!p->server_folder || !p->uid)
		return mark_rows(c, v, n, "gone", cause);
	if (!*selected || strcmp(*selected, p->server_folder)) {
		free(*selected);
		*selected = NULL;
		if (imap_select(c->im, p->server_folder, &st, cause) < 0)
			return -1;
		*selected = xstrdup(p->server_folder);
	}
	rm = labels_removed(v, n);
	dest = server_dest(c, p->folder, &fid);
	rc = imap_store_flags(c->im, p->uid, p->flags & ALL_FLAGS, ~p->flags & ALL_FLAGS,
	                      p->keywords, rm, &why);
	moved = strcmp(dest, p->server_folder) != 0;
	if (rc == 0 && moved)
		rc = imap_move(c->im, p->uid, dest, &nv, &nu, &why);
	if (rc < 0 && moved && !imap_is_dead(c->im)) {
		/* most often the folder is new (a rule's "move", Snoozed): create it, try once more */
		char *why2 = NULL;
		if (imap_create(c->im, dest, &why2) == 0) {
			log_info("sync: created folder \"%s\" on the server", dest);
			free(why);
			why = NULL;
			rc = imap_move(c->im, p->uid, dest, &nv, &nu, &why);
		}
		free(why2);
	}
	free(rm);
	free(dest);
	if (rc < 0 && imap_is_dead(c->im)) {
		*cause = why;
		return -1;
	}
	if (rc < 0)
		log_warn("sync: write-back of message %lld refused: %s", (long long)p->message_id,
		         why);
	free(why);
	if (rc == 0 && moved && follow_move(c, p, fid, nv, nu, cause) < 0)
		return -1;
	/* already in the role's folder on the server: the row joins that folder */
	if (rc == 0 && !moved && fid &&
	    store_message_move(c->st, p->message_id, fid, NULL, cause) < 0)
		return -1;
	return mark_rows(c, v, n, rc == 0 ? "done" : "refused", cause);
}

static int push_pending(struct sync_ctx *c, char **cause)
{
	struct store_sync_pending *v;
	char *selected = NULL;
	size_t n, i, j;
	int rc = 0;

	if (store_sync_pending(c->st, c->account_id, &v, &n, cause) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i = j) {
		for (j = i + 1; j < n && v[j].message_id == v[i].message_id; j++)
			;
		rc = push_message(c, v + i, j - i, &selected, cause);
	}
	free(selected);
	store_sync_pending_free(v, n);
	return rc;
}

/* ---- accounts ---- */

/* Is the folder in the account's `folders` list (space-separated; unset: all)? */
static int wanted(struct app *app, const char *account, const char *folder)
{
	char *sec = xasprintf("account %s", account);
	const char *list = conf_get(app->conf, sec, "folders");
	int yes = !list || !*list || has_word(list, folder);

	free(sec);
	return yes;
}

static int sync_account(struct sync_ctx *c, const char *name, const struct accounts_io *io,
                        char **cause)
{
	const struct account *a = app_account(c->app, name);
	struct imap_folder *folders = NULL;
	size_t n = 0, i;
	int rc = 0;

	c->account_id = store_account_ensure(c->st, name, "imap", a ? a->email : NULL, cause);
	if (c->account_id < 0 || !(c->im = sync_connect(c->app, name, io, cause)))
		return -1;
	if (push_pending(c, cause) < 0 || imap_list(c->im, &folders, &n, cause) < 0)
		rc = -1;
	for (i = 0; i < n && rc == 0; i++)
		if (!folders[i].noselect && wanted(c->app, name, folders[i].name))
			rc = sync_folder(c, &folders[i], cause);
	imap_folders_free(folders, n);
	imap_close(c->im);
	c->im = NULL;
	c->r->accounts++;
	return rc;
}

/* One sync of an account at a time across processes (`va sync` beside the
 * daemon, two terminals): DATA_DIR/sync-NAME.lock, flock'd for the sync.
 * The second waits and then finds little left to do, instead of fetching
 * the same mail in parallel (the UNIQUE constraint kept duplicates out,
 * not the wasted work).  -1 (no lock, sync anyway) when the file cannot be
 * opened. */
static int account_lock(struct sync_ctx *c, const char *name)
{
	char *path = xasprintf("%s/sync-%s.lock", c->app->data_dir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		log_info("account %s: another va is syncing it; waiting for it to finish", name);
		while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
			;
	}
	free(path);
	return fd;
}

/* Sync one account; a failure becomes r->error (the first) and *cause. */
static int sync_one(struct sync_ctx *c, const char *name, const struct accounts_io *io,
                    char **cause)
{
	char *why = NULL;
	int lock = account_lock(c, name), rc = sync_account(c, name, io, &why);

	if (lock >= 0)
		close(lock); /* and the lock with it */
	if (rc == 0)
		return 0;
	if (!c->r->error)
		c->r->error = xasprintf("account \"%s\": %s", name, why);
	if (cause && !*cause)
		*cause = xasprintf("account \"%s\": %s", name, why);
	free(why);
	return -1;
}

int sync_imap(struct app *app, const char *name, const struct accounts_io *io,
              struct sync_report *r, app_progress_fn progress, void *arg, char **cause)
{
	struct sync_ctx c;
	size_t i;
	int rc = 0;

	memset(&c, 0, sizeof c);
	c.app = app;
	c.st = app->store;
	c.r = r;
	c.progress = progress;
	c.arg = arg;
	if (name && !sync_is_imap(app, name))
		return set_cause(cause, "\"%s\" is not an IMAP account", name);
	for (i = 0; i < app->naccounts; i++) {
		const char *an = app->accounts[i].name;

		if ((name && strcmp(an, name)) || !sync_is_imap(app, an))
			continue;
		if (sync_one(&c, an, io, cause) < 0)
			rc = -1;
	}
	return rc;
}
