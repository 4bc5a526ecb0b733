/*
 * privacy: `va data export` and `va data purge` (see include/va/audit.h).
 *
 * Export writes one JSON array per table dump the store offers
 * (store_dump_names), the configured accounts (never a secret: secrets live
 * in the secret store and are not exported), the audit log decrypted, and
 * every stored message as raw bytes in a Maildir per account and folder.
 * Purge removes what va made and nothing the person made: va.conf and their
 * own Maildir folders stay.
 */
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "va/accounts.h"
#include "va/app.h"
#include "va/audit.h"
#include "va/conf.h"
#include "va/log.h"
#include "va/message.h"
#include "va/paths.h"
#include "va/secret.h"
#include "va/util.h"

/* ---- export ---- */

void privacy_export_release(struct privacy_export *e)
{
	free(e->note);
	memset(e, 0, sizeof(*e));
}

/* A new directory, or an existing empty one; 0700 either way. */
static int export_dir(const char *dir, char **cause)
{
	DIR *d;
	struct dirent *de;
	int used = 0;

	if (!dir_exists(dir)) {
		if (file_exists(dir))
			return set_cause(cause, "\"%s\" is a file, not a directory", dir);
		return mkdir_p(dir, 0700, cause);
	}
	if (!(d = opendir(dir)))
		return set_cause(cause, "cannot read \"%s\": %s", dir, strerror(errno));
	while (!used && (de = readdir(d)) != NULL)
		used = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	if (used)
		return set_cause(cause,
		                 "\"%s\" is not empty: va exports only into a new or empty "
		                 "directory",
		                 dir);
	if (chmod(dir, 0700) < 0)
		return set_cause(cause, "cannot set the mode of \"%s\": %s", dir, strerror(errno));
	return 0;
}

static int write_json(const char *dir, const char *name, cJSON *j, char **cause)
{
	char *path = xasprintf("%s/%s.json", dir, name), *text = cJSON_Print(j);
	int rc = file_write_atomic(path, text, strlen(text), 0600, cause);

	cJSON_free(text);
	free(path);
	return rc;
}

static int dump_row(void *arg, size_t ncol, const char *const *names, const char *const *values,
                    const int *is_num)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < ncol; i++) {
		if (!values[i])
			cJSON_AddNullToObject(o, names[i]);
		else if (is_num[i])
			cJSON_AddNumberToObject(o, names[i], strtod(values[i], NULL));
		else
			cJSON_AddStringToObject(o, names[i], values[i]);
	}
	cJSON_AddItemToArray(arg, o);
	return 0;
}

static int export_tables(struct app *app, const char *dir, size_t *files, char **cause)
{
	for (size_t i = 0; store_dump_names[i]; i++) {
		cJSON *a = cJSON_CreateArray();
		int rc = store_dump(app->store, store_dump_names[i], dump_row, a, cause);
		if (rc == 0)
			rc = write_json(dir, store_dump_names[i], a, cause);
		cJSON_Delete(a);
		if (rc != 0)
			return -1;
		(*files)++;
	}
	return 0;
}

/* The accounts va.conf configures (no secret is ever in there). */
static int export_config_accounts(struct app *app, const char *dir, size_t *files, char **cause)
{
	cJSON *a = cJSON_CreateArray();
	int rc;

	for (size_t i = 0; i < app->naccounts; i++) {
		const struct account *ac = &app->accounts[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", ac->name ? ac->name : "");
		cJSON_AddStringToObject(o, "type", ac->type ? ac->type : "");
		if (ac->path)
			cJSON_AddStringToObject(o, "path", ac->path);
		if (ac->email)
			cJSON_AddStringToObject(o, "email", ac->email);
		if (ac->display_name)
			cJSON_AddStringToObject(o, "display_name", ac->display_name);
		cJSON_AddItemToArray(a, o);
	}
	rc = write_json(dir, "config_accounts", a, cause);
	cJSON_Delete(a);
	if (rc == 0)
		(*files)++;
	return rc;
}

/* A name safe as one path component ("INBOX", "Sent Items"). */
static char *component(const char *s)
{
	char *c = xstrdup(s && *s ? s : "_");

	for (char *p = c; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x20)
			*p = '_';
	if (*c == '.')
		*c = '_';
	return c;
}

static int maildir_of(const char *dir, const char *account, const char *folder, char **cur,
                      char **cause)
{
	static const char *const subs[] = {"cur", "new", "tmp"};
	char *a = component(account), *f = component(folder);
	char *base = xasprintf("%s/mail/%s/%s", dir, a, f);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < VA_ARRAY_LEN(subs); i++) {
		char *p = xasprintf("%s/%s", base, subs[i]);
		rc = mkdir_p(p, 0700, cause);
		free(p);
	}
	*cur = xasprintf("%s/cur", base);
	free(base);
	free(a);
	free(f);
	return rc;
}

static int write_new(const char *path, const char *data, size_t len, char **cause)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	size_t off = 0;

	if (fd < 0)
		return set_cause(cause, "cannot create \"%s\": %s", path, strerror(errno));
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return set_cause(cause, "cannot write \"%s\": %s", path, strerror(errno));
		}
		off += (size_t)w;
	}
	if (close(fd) < 0)
		return set_cause(cause, "cannot write \"%s\": %s", path, strerror(errno));
	return 0;
}

/* The ":2," letters of va's flags. */
static void flag_letters(unsigned flags, char out[8])
{
	static const struct {
		char letter;
		unsigned flag;
	} letters[] = {{'D', MSG_DRAFT},
	               {'F', MSG_FLAGGED},
	               {'R', MSG_ANSWERED},
	               {'S', MSG_SEEN},
	               {'T', MSG_DELETED}};
	size_t n = 0;

	for (size_t i = 0; i < VA_ARRAY_LEN(letters); i++)
		if (flags & letters[i].flag)
			out[n++] = letters[i].letter;
	out[n] = '\0';
}

struct mail_export {
	struct app *app;
	const char *dir;
	size_t written;
	char *error;
};

static const char *col(size_t n, const char *const *names, const char *const *values,
                       const char *want)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], want))
			return values[i];
	return NULL;
}

static int mail_row(void *arg, size_t n, const char *const *names, const char *const *values,
                    const int *is_num)
{
	struct mail_export *m = arg;
	const char *id = col(n, names, values, "id"), *fl = col(n, names, values, "flags");
	char *raw, *cur = NULL, *path, letters[8];
	size_t len;
	int rc;

	(void)is_num;
	raw = id ? store_message_raw(m->app->store, strtoll(id, NULL, 10), &len, &m->error) : NULL;
	if (!raw)
		return m->error ? -1 : 0;
	flag_letters(fl ? (unsigned)strtoul(fl, NULL, 10) : 0, letters);
	rc = maildir_of(m->dir, col(n, names, values, "account"), col(n, names, values, "folder"),
	                &cur, &m->error);
	path = xasprintf("%s/%s.va-export:2,%s", cur, id, letters);
	if (rc == 0)
		rc = write_new(path, raw, len, &m->error);
	if (rc == 0)
		m->written++;
	free(path);
	free(cur);
	free(raw);
	return rc < 0 ? -1 : 0;
}

static void export_audit(struct app *app, const struct accounts_io *io, const char *dir,
                         struct privacy_export *out)
{
	char *path = xasprintf("%s/audit.jsonl", dir), *cause = NULL;
	size_t n;

	if (audit_export(app, io, path, &n, &cause) == 0) {
		out->audit = 1;
		out->files++;
	} else {
		out->note = xasprintf("the audit log is not in the export: %s", cause);
	}
	free(cause);
	free(path);
}

int privacy_export(struct app *app, const struct accounts_io *io, const char *dir,
                   struct privacy_export *out, char **cause)
{
	struct mail_export m = {app, dir, 0, NULL};
	char *target, *mail;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!dir || !*dir)
		return set_cause(cause, "a directory is needed");
	if (export_dir(dir, cause) < 0 || export_tables(app, dir, &out->files, cause) < 0 ||
	    export_config_accounts(app, dir, &out->files, cause) < 0)
		return -1;
	mail = xasprintf("%s/mail", dir);
	rc = mkdir_p(mail, 0700, cause);
	free(mail);
	if (rc == 0 && (rc = store_dump(app->store, "messages", mail_row, &m, cause)) != 0) {
		if (m.error)
			set_cause(cause, "%s", m.error);
		rc = -1;
	}
	free(m.error);
	out->messages = m.written;
	if (rc < 0)
		return -1;
	export_audit(app, io, dir, out);
	target = xasprintf("{\"messages\":%zu,\"files\":%zu}", out->messages, out->files);
	audit_record(app, "data.export", target, NULL, NULL, NULL);
	free(target);
	log_info("data export: %zu messages, %zu files", out->messages, out->files);
	return 0;
}

/* ---- purge ---- */

static void list_add(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

void privacy_purge_release(struct privacy_purge *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->removed[i]);
	for (size_t i = 0; i < p->nkept; i++)
		free(p->kept[i]);
	for (size_t i = 0; i < p->nfailed; i++)
		free(p->failed[i]);
	free(p->removed);
	free(p->kept);
	free(p->failed);
	memset(p, 0, sizeof(*p));
}

/* Remove a file va made; missing is fine. */
static void remove_file(struct privacy_purge *p, const char *path)
{
	if (unlink(path) == 0)
		list_add(&p->removed, &p->n, xstrdup(path));
	else if (errno != ENOENT)
		list_add(&p->failed, &p->nfailed, xasprintf("%s: %s", path, strerror(errno)));
}

/* Every secret owner va uses for this set-up (caller frees the list). */
static char **owners_of(struct app *app, size_t *n)
{
	char **v = NULL;

	*n = 0;
	list_add(&v, n, xstrdup("audit"));
	list_add(&v, n, xstrdup("llm"));
	for (size_t i = 0; i < conf_naccounts(app->conf); i++)
		list_add(&v, n, xasprintf("account %s", conf_account(app->conf, i)));
	return v;
}

static void purge_keyring(struct app *app, struct privacy_purge *p)
{
	struct secret_opts o = {"keyring", NULL, NULL, NULL};
	struct secrets *s;
	char **owners, *cause = NULL;
	size_t n;

	if (secrets_keyring_probe(&cause) < 0) {
		free(cause);
		return; /* no Secret Service: nothing of va's can be in one */
	}
	if (!(s = secrets_open(&o, NULL, &cause))) {
		list_add(&p->failed, &p->nfailed, xasprintf("the keyring: %s", cause));
		free(cause);
		return;
	}
	owners = owners_of(app, &n);
	for (size_t i = 0; i < n; i++) {
		int rc = secrets_delete(s, owners[i], NULL, &cause);
		if (rc == 0)
			list_add(&p->removed, &p->n,
			         xasprintf("secrets of \"%s\" (keyring)", owners[i]));
		else if (rc < 0)
			list_add(&p->failed, &p->nfailed,
			         xasprintf("secrets of \"%s\" (keyring): %s", owners[i], cause));
		x_free(&cause);
		free(owners[i]);
	}
	free(owners);
	secrets_close(s);
}

/* A daemon still running on this database would keep it open. */
static int daemon_running(const char *data_dir)
{
	char *path = xasprintf("%s/daemon.pid", data_dir), *text;
	size_t len;
	long pid;
	int alive;

	text = file_exists(path) ? file_read(path, &len, NULL) : NULL;
	pid = text ? strtol(text, NULL, 10) : 0;
	alive = pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);

	free(text);
	free(path);
	return alive;
}

struct reports {
	char **v;
	size_t n;
};

static int report_row(void *arg, size_t n, const char *const *names, const char *const *values,
                      const int *is_num)
{
	struct reports *r = arg;
	const char *p = col(n, names, values, "report_path");

	(void)is_num;
	if (p && *p)
		list_add(&r->v, &r->n, xstrdup(p));
	return 0;
}

int privacy_purge(struct app **appp, const struct accounts_io *io, struct privacy_purge *out)
{
	struct app *app = *appp;
	struct reports reps = {NULL, 0};
	char *secfile = conf_get_path(app->conf, "secrets", "file");
	char *db = xstrdup(store_path(app->store)), *data = xstrdup(app->data_dir), *side;
	char *state = paths_state_dir(), *logp = xasprintf("%s/va.log", state);

	(void)io;
	memset(out, 0, sizeof(*out));
	if (daemon_running(data)) {
		list_add(&out->failed, &out->nfailed,
		         xstrdup("the daemon is running on this database: stop it first "
		                 "(va daemon stop); nothing was removed"));
		goto done;
	}
	if (!secfile)
		secfile = xasprintf("%s/secrets.enc", data);
	store_dump(app->store, "analyses", report_row, &reps, NULL);
	purge_keyring(app, out);
	list_add(&out->kept, &out->nkept, xstrdup(app->config_path));
	for (size_t i = 0; i < app->naccounts; i++)
		if (app->accounts[i].path && strcmp(app->accounts[i].type, "demo"))
			list_add(&out->kept, &out->nkept, xstrdup(app->accounts[i].path));
	app_close(app);
	*appp = NULL;
	audit_forget();
	remove_file(out, secfile);
	remove_file(out, db);
	side = xasprintf("%s-wal", db);
	remove_file(out, side);
	free(side);
	side = xasprintf("%s-shm", db);
	remove_file(out, side);
	free(side);
	for (size_t i = 0; i < reps.n; i++)
		remove_file(out, reps.v[i]);
	remove_file(out, logp);
	if (rmdir(data) == 0)
		list_add(&out->removed, &out->n, xasprintf("%s/", data));
done:
	for (size_t i = 0; i < reps.n; i++)
		free(reps.v[i]);
	free(reps.v);
	free(logp);
	free(state);
	free(secfile);
	free(db);
	free(data);
	return out->nfailed ? -1 : 0;
}
