/*
 * inbox_local: keeping the store in step with Maildir accounts (and the demo
 * mailbox).  A rescan compares each folder's files with the stored sources by
 * their unique name: new files are parsed and stored (by path, not copied),
 * renamed ones (new/ -> cur/, flag letters) updated, vanished ones removed.
 * Then reading messages back for the faces.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "va/app.h"
#include "va/maildir.h"
#include "va/mime.h"
#include "va/util.h"

struct known {
	char    *source;
	char    *path;
	unsigned flags;
	int64_t  id;
	int      seen;
};

struct known_set {
	struct known *k;
	size_t        n, cap;
};

static void collect(void *arg, const char *source, const char *path, unsigned flags, int64_t id)
{
	struct known_set *s = arg;

	xgrow((void **)&s->k, &s->cap, s->n + 1, sizeof(*s->k));
	s->k[s->n].source = xstrdup(source);
	s->k[s->n].path = xstrdup(path);
	s->k[s->n].flags = flags;
	s->k[s->n].id = id;
	s->k[s->n].seen = 0;
	s->n++;
}

static int cmp_known(const void *a, const void *b)
{
	return strcmp(((const struct known *)a)->source, ((const struct known *)b)->source);
}

static void known_free(struct known_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->k[i].source);
		free(s->k[i].path);
	}
	free(s->k);
}

static struct known *known_find(struct known_set *s, const char *source)
{
	struct known key = {(char *)source, NULL, 0, 0, 0};

	return s->n ? bsearch(&key, s->k, s->n, sizeof(*s->k), cmp_known) : NULL;
}

static void add_failure(struct import_report *r, const char *path, const char *reason)
{
	xgrow((void **)&r->failures, &r->cap, r->nfailures + 1, sizeof(*r->failures));
	r->failures[r->nfailures].path = xstrdup(path);
	r->failures[r->nfailures].reason = xstrdup(reason);
	r->nfailures++;
}

static int add_new(struct app *app, const struct maildir_entry *e, int64_t account,
                   int64_t folder, struct import_report *r, char **cause)
{
	struct message m;
	char *raw, *err = NULL;
	size_t len;
	int rc = 0;

	raw = file_read(e->path, &len, &err);
	message_init(&m);
	if (!raw || mime_parse(raw, len, &m, &err) < 0) {
		add_failure(r, e->path, err ? err : "not a message");
	} else {
		m.account_id = account;
		m.folder_id = folder;
		m.source = xstrdup(e->unique);
		m.flags = e->flags;
		rc = store_message_add(app->store, &m, e->path, NULL, 0, NULL, cause) < 0 ? -1 : 0;
		if (rc == 0) {
			r->stored++;
			r->with_problems += m.nproblems > 0;
		}
	}
	free(err);
	free(raw);
	message_release(&m);
	return rc;
}

/* "mtime-of-cur:mtime-of-new" in nanoseconds: any file added, removed or
 * renamed (flag letters) changes it.  NULL when a directory was touched in
 * the last second, since a change within the same clock tick would not move
 * it: such a folder is scanned again next time. */
static char *folder_signature(const char *dir)
{
	static const char *const subs[] = {"cur", "new"};
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	size_t i;

	sb_init(&sb);
	for (i = 0; i < VA_ARRAY_LEN(subs); i++) {
		char *p = xasprintf("%s/%s", dir, subs[i]);
		int ok = stat(p, &st) == 0;
		free(p);
		if (ok && st.st_mtim.tv_sec >= time_now() - 1) {
			sb_release(&sb);
			return NULL;
		}
		sb_addf(&sb, "%s%lld.%09ld", i ? ":" : "", ok ? (long long)st.st_mtim.tv_sec : -1LL,
		        ok ? st.st_mtim.tv_nsec : 0L);
	}
	return sb_detach(&sb);
}

/* Rescan a folder only when its directories changed since the last scan. */
static int rescan_folder_full(struct app *app, int64_t account, int64_t folder,
                              const struct maildir_folder *f, struct import_report *r,
                              char **cause);

static int rescan_folder(struct app *app, int64_t account, const struct maildir_folder *f,
                         struct import_report *r, char **cause)
{
	int64_t folder = store_folder_ensure(app->store, account, f->name, cause);
	char *sig, *key, *was;
	int rc;

	if (folder < 0)
		return -1;
	sig = folder_signature(f->path);
	key = xasprintf("maildir.signature.%lld", (long long)folder);
	was = store_kv_get(app->store, key);
	if (sig && was && !strcmp(sig, was)) {
		rc = 0;
	} else {
		rc = rescan_folder_full(app, account, folder, f, r, cause);
		if (rc == 0 && sig)
			rc = store_kv_set(app->store, key, sig, cause);
	}
	free(sig);
	free(key);
	free(was);
	return rc;
}

static int rescan_folder_full(struct app *app, int64_t account, int64_t folder,
                              const struct maildir_folder *f, struct import_report *r,
                              char **cause)
{
	struct known_set ks = {NULL, 0, 0};
	struct maildir_entry *e;
	size_t ne, i;
	int rc = 0;

	if (store_folder_sources(app->store, folder, collect, &ks, cause) < 0 ||
	    maildir_scan(f->path, &e, &ne, cause) < 0) {
		known_free(&ks);
		return -1;
	}
	if (ks.n)
		qsort(ks.k, ks.n, sizeof(*ks.k), cmp_known);
	for (i = 0; rc == 0 && i < ne; i++) {
		struct known *k = known_find(&ks, e[i].unique);
		r->files++;
		if (!k) {
			rc = add_new(app, &e[i], account, folder, r, cause);
			continue;
		}
		k->seen = 1;
		if (k->flags != e[i].flags || !k->path || strcmp(k->path, e[i].path)) {
			rc = store_message_set_location(app->store, k->id, e[i].path, e[i].flags, cause);
			r->updated++;
		} else {
			r->existed++;
		}
	}
	for (i = 0; rc == 0 && i < ks.n; i++) {
		if (!ks.k[i].seen) {
			rc = store_message_delete(app->store, ks.k[i].id, cause);
			r->removed++;
		}
	}
	maildir_entries_free(e, ne);
	known_free(&ks);
	return rc;
}

static int rescan_account(struct app *app, const struct account *a, struct import_report *r,
                          char **cause)
{
	struct maildir_folder *f;
	size_t nf, i;
	char *err = NULL;
	int64_t id = store_account_ensure(app->store, a->name, a->type, a->email, cause);
	int rc = 0;

	if (id < 0)
		return -1;
	if (maildir_folders(a->path, &f, &nf, &err) < 0) {
		char *what = xasprintf("account \"%s\": %s", a->name, err);
		add_failure(r, a->path, what);
		free(what);
		free(err);
		return 0; /* the account's stored mail is kept */
	}
	for (i = 0; rc == 0 && i < nf; i++)
		rc = rescan_folder(app, id, &f[i], r, cause);
	maildir_folders_free(f, nf);
	return rc;
}

/* The demo mailbox is read-only and its triage lives in the store only
 * (include/va/actions.h): it is scanned once per path, so later rescans do
 * not undo that triage by reading the unchanged files again. */
static int demo_scanned(struct app *app, const struct account *a)
{
	char *was = store_kv_get(app->store, "demo.scanned");
	int same = was && !strcmp(was, a->path) && store_account_id(app->store, a->name) > 0;

	free(was);
	if (!same && store_kv_set(app->store, "demo.scanned", a->path, NULL) < 0)
		return 0;
	return same;
}

int inbox_refresh_local(struct app *app, struct import_report *r, char **cause)
{
	size_t i;
	int rc = 0;

	if (store_begin(app->store, cause) < 0)
		return -1;
	for (i = 0; rc == 0 && i < app->naccounts; i++) {
		const struct account *a = &app->accounts[i];
		if (!strcmp(a->type, "demo") && a->path && demo_scanned(app, a))
			continue;
		if ((!strcmp(a->type, "maildir") || !strcmp(a->type, "demo")) && a->path)
			rc = rescan_account(app, a, r, cause);
	}
	if (rc == 0)
		return store_commit(app->store, cause);
	store_rollback(app->store);
	return -1;
}

int inbox_list(struct app *app, const struct store_query *q, struct message **out, size_t *n,
               char **cause)
{
	return store_message_list(app->store, q, out, n, cause);
}

int inbox_show(struct app *app, int64_t id, struct message *out, char **cause)
{
	return store_message_get(app->store, id, out, cause);
}
