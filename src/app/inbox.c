/*
 * inbox: bringing local mail into the store (imports of Maildir, mbox and
 * plain message files; rescans of Maildir accounts) and reading it back.
 *
 * Bad input never stops an import: a file that cannot be read or is not a
 * message is recorded in the report with its reason and the import goes on.
 * Only a store failure (disk full, database locked) stops it, and everything
 * committed before that stays.  Imports commit every BATCH messages.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "va/app.h"
#include "va/log.h"
#include "va/maildir.h"
#include "va/mime.h"
#include "va/util.h"

enum { BATCH = 1000, PROGRESS_EVERY = 250 };

struct import_ctx {
	struct app           *app;
	struct import_report *r;
	int64_t               account_id;
	int64_t               folder_id;
	const char           *folder;
	size_t                in_batch;
	app_progress_fn       progress;
	void                 *arg;
	char                **cause;
};

void import_report_release(struct import_report *r)
{
	size_t i;

	for (i = 0; i < r->nfailures; i++) {
		free(r->failures[i].path);
		free(r->failures[i].reason);
	}
	free(r->failures);
	memset(r, 0, sizeof(*r));
}

static void report_failure(struct import_report *r, const char *path, const char *reason)
{
	xgrow((void **)&r->failures, &r->cap, r->nfailures + 1, sizeof(*r->failures));
	r->failures[r->nfailures].path = xstrdup(path);
	r->failures[r->nfailures].reason = xstrdup(reason);
	r->nfailures++;
}

static int batch_tick(struct import_ctx *c)
{
	if (c->progress && c->r->files % PROGRESS_EVERY == 0)
		c->progress(c->arg, c->r->files, 0);
	if (++c->in_batch < BATCH)
		return 0;
	c->in_batch = 0;
	if (store_commit(c->app->store, c->cause) < 0)
		return -1;
	return store_begin(c->app->store, c->cause);
}

/* Parse and store one message.  -1 only on a store failure. */
static int import_one(struct import_ctx *c, const char *raw, size_t len, const char *source,
                      const char *display, const char *path, unsigned flags, int keep_raw)
{
	struct message m;
	char *err = NULL;
	int existed = 0;

	c->r->files++;
	message_init(&m);
	if (mime_parse(raw, len, &m, &err) < 0) {
		report_failure(c->r, display, err ? err : "not a message");
		free(err);
		message_release(&m);
		return 0;
	}
	m.account_id = c->account_id;
	m.folder_id = c->folder_id;
	m.source = xstrdup(source);
	m.flags = flags;
	if (store_message_add(c->app->store, &m, path, keep_raw ? raw : NULL, len, &existed, c->cause) < 0) {
		message_release(&m);
		return -1;
	}
	if (existed)
		c->r->existed++;
	else
		c->r->stored++;
	if (!existed && m.nproblems)
		c->r->with_problems++;
	message_release(&m);
	return batch_tick(c);
}

static int import_file(struct import_ctx *c, const char *path, const char *source, unsigned flags,
                       int keep_raw)
{
	char *err = NULL, *raw;
	size_t len = 0;
	int rc;

	raw = file_read(path, &len, &err);
	if (!raw) {
		c->r->files++;
		report_failure(c->r, path, err);
		free(err);
		return 0;
	}
	rc = import_one(c, raw, len, source, path, keep_raw ? NULL : path, flags, keep_raw);
	free(raw);
	return rc;
}

static int use_folder(struct import_ctx *c, const char *name)
{
	c->folder_id = store_folder_ensure(c->app->store, c->account_id, c->folder ? c->folder : name,
	                                   c->cause);
	return c->folder_id < 0 ? -1 : 0;
}

static int import_maildir(struct import_ctx *c, const char *root)
{
	struct maildir_folder *folders;
	struct maildir_entry *e;
	size_t nf, ne, i, j;
	int rc = 0;

	if (maildir_folders(root, &folders, &nf, c->cause) < 0)
		return -1;
	for (i = 0; rc == 0 && i < nf; i++) {
		char *err = NULL;
		if (maildir_scan(folders[i].path, &e, &ne, &err) < 0) {
			report_failure(c->r, folders[i].path, err);
			free(err);
			continue;
		}
		rc = use_folder(c, folders[i].name);
		for (j = 0; rc == 0 && j < ne; j++)
			rc = import_file(c, e[j].path, e[j].unique, e[j].flags, 1);
		maildir_entries_free(e, ne);
	}
	maildir_folders_free(folders, nf);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct mbox_ctx {
	struct import_ctx *c;
	const char        *path;
};

static int mbox_one(void *arg, const char *msg, size_t len, size_t index)
{
	struct mbox_ctx *m = arg;
	char *source = xasprintf("%s#%zu", m->path, index);
	char *display = xasprintf("%s (message %zu)", m->path, index + 1);
	int rc = import_one(m->c, msg, len, source, display, NULL, 0, 1);

	free(source);
	free(display);
	return rc;
}

/* An mbox: a bad one is a failure of that file, not of the import. */
static int import_mbox(struct mbox_ctx *m)
{
	char *err = NULL;
	int rc = mbox_each(m->path, mbox_one, m, &err);

	if (rc < 0 && err) { /* the mbox itself (not the store) failed */
		m->c->r->files++;
		report_failure(m->c->r, m->path, err);
		rc = 0;
	}
	free(err);
	return rc;
}

/* A directory that is not a Maildir: every regular file in it (recursively). */
static int import_dir(struct import_ctx *c, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (!d) {
		report_failure(c->r, dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		xgrow((void **)&names, &cap, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *sub = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		struct mbox_ctx m = {c, path};
		if (rc == 0 && dir_exists(path))
			rc = import_dir(c, path, sub);
		else if (rc == 0 && mbox_is(path))
			rc = import_mbox(&m);
		else if (rc == 0)
			rc = import_file(c, path, sub, 0, 1);
		free(path);
		free(sub);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int import_path(struct import_ctx *c, const char *path)
{
	struct mbox_ctx m = {c, path};
	char *slash;

	if (dir_exists(path) && maildir_is(path))
		return import_maildir(c, path);
	if (dir_exists(path))
		return use_folder(c, "INBOX") < 0 ? -1 : import_dir(c, path, "");
	if (!file_exists(path))
		return set_cause(c->cause, "cannot import \"%s\": %s", path, strerror(ENOENT));
	if (use_folder(c, "INBOX") < 0)
		return -1;
	if (mbox_is(path))
		return import_mbox(&m);
	slash = strrchr(path, '/');
	return import_file(c, path, slash ? slash + 1 : path, 0, 1);
}

int inbox_import(struct app *app, const char *path, const char *folder, struct import_report *r,
                 app_progress_fn progress, void *arg, char **cause)
{
	struct import_ctx c = {app, r, 0, 0, folder, 0, progress, arg, cause};
	int rc;

	c.account_id = store_account_ensure(app->store, "local", "local", NULL, cause);
	if (c.account_id < 0 || store_begin(app->store, cause) < 0)
		return -1;
	store_bulk_begin(app->store); /* checkpoints off this thread */
	rc = import_path(&c, path);
	if (rc == 0)
		rc = store_commit(app->store, cause);
	if (rc < 0) {
		/* keep what was stored before the failure: commit the partial batch if possible */
		char *err = NULL;
		if (store_commit(app->store, &err) < 0)
			store_rollback(app->store);
		free(err);
	}
	store_bulk_end(app->store);
	if (progress)
		progress(arg, r->files, r->files);
	log_info("import \"%s\": %zu files, %zu stored, %zu present, %zu failed", path, r->files,
	         r->stored, r->existed, r->nfailures);
	return rc;
}
