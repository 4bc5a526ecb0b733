/*
 * accounts: `va account add/login/remove`, the fresh access token for IMAP
 * and SMTP, and the checks behind `va doctor`.
 *
 * The two edits va makes to the user's va.conf live here and nowhere else:
 * appending one section (add) and cutting an account's sections (remove).
 * Both re-read the file just before writing, keep every other byte, keep the
 * file's mode, follow a symlink to the real file, and replace it atomically.
 */
#include <cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "va/accounts.h"
#include "va/audit.h"
#include "va/imap.h"
#include "va/sync.h"
#include "va/app.h"
#include "va/conf.h"
#include "va/log.h"
#include "va/oauth.h"
#include "va/paths.h"
#include "va/secret.h"
#include "va/util.h"

/* ---- names, presets and the new section ---- */

static int valid_name(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 64 &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
	           n;
}

static char *section_of(const char *name)
{
	return xasprintf("account %s", name);
}

/* The preset file: the user's providers/ first, then the shipped one. */
static char *preset_path(const char *preset)
{
	char *dir = paths_config_dir(), *p = xasprintf("%s/providers/%s.conf", dir, preset), *rel;

	free(dir);
	if (file_exists(p))
		return p;
	free(p);
	rel = xasprintf("providers/%s.conf", preset);
	p = paths_shipped(rel);
	free(rel);
	return p;
}

/* Read a preset into c; returns its one section ("account X"; caller frees). */
static char *load_preset(struct conf *c, const char *preset, char **cause)
{
	char *path;

	if (!valid_name(preset))
		return set_cause(cause, "unknown preset \"%s\"", preset), (char *)NULL;
	path = preset_path(preset);
	if (!path) {
		set_cause(cause,
		          "unknown preset \"%s\" (gmail, outlook, imap, maildir, or a file in "
		          "$XDG_CONFIG_HOME/va/providers/)",
		          preset);
		return NULL;
	}
	if (conf_load(c, path, 1, cause) < 0 || conf_nerrors(c) || conf_naccounts(c) != 1) {
		if (cause && !*cause)
			set_cause(cause, "preset file \"%s\" is broken: %s", path,
			          conf_nerrors(c) ? conf_error(c, 0)
			                          : "it needs one [account NAME] section");
		free(path);
		return NULL;
	}
	free(path);
	return section_of(conf_account(c, 0));
}

/* A value as va.conf reads it back: quoted when it has what the parser would
 * otherwise eat (comment marks, outer blanks, a leading quote). */
static void add_line(struct strbuf *sb, const char *key, const char *v)
{
	int quote = strstr(v, " #") || strstr(v, " ;") || strstr(v, "\t#") || *v == '"' ||
	            *v == '#' || *v == ';' || *v == ' ' || (*v && v[strlen(v) - 1] == ' ');

	sb_addf(sb, quote ? "%s = \"%s\"\n" : "%s = %s\n", key, v);
}

static int value_ok(const char *key, const char *v, char **cause)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return set_cause(cause, "the value for %s holds a control character", key);
	return 0;
}

/* The section text: preset keys in table order, overridden by kv. */
static char *build_section(const char *name, const struct conf *preset, const char *psec,
                           const struct account_kv *kv, size_t nkv, char **cause)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;

	sb_init(&sb);
	sb_addf(&sb, "[account %s]\n", name);
	for (i = 0; i < conf_nkeys; i++) {
		const char *key = conf_keys[i].key, *v = NULL;
		if (strcmp(conf_keys[i].section, "account"))
			continue;
		for (j = 0; j < nkv; j++)
			if (!strcmp(kv[j].key, key))
				v = kv[j].value;
		if (!v && preset) {
			v = conf_get(preset, psec, key); /* defaults need not be written */
			if (v && conf_keys[i].def && !strcmp(v, conf_keys[i].def))
				v = NULL;
		}
		if (!v || !*v)
			continue;
		if (value_ok(key, v, cause) < 0) {
			sb_release(&sb);
			return NULL;
		}
		add_line(&sb, key, v);
	}
	return sb_detach(&sb);
}

/* What each account type needs before it can be used. */
static const struct {
	const char *type;
	const char *key;
	const char *option;
} required[] = {
    {"imap", "imap_host", "--imap-host"},
    {"imap", "email", "--email"},
    {"maildir", "path", "--path"},
};

/* "new section:5: account.imap_port: "x" is not ...; using the default" ->
 * "account.imap_port: "x" is not ..." (in a static buffer). */
static const char *section_problem(const char *err)
{
	static char buf[512];
	const char *p = strchr(err, ':');
	char *cut;

	p = p ? strchr(p + 1, ':') : NULL;
	snprintf(buf, sizeof buf, "%s", p ? p + 2 : err);
	if ((cut = strstr(buf, "; using the default")) != NULL)
		*cut = '\0';
	return buf;
}

/* Parse the new section alone, as va would read it back. */
static int check_section(const char *name, const char *text, char **cause)
{
	struct conf *c = conf_new();
	char *sec = section_of(name);
	const char *type;
	int rc = 0;

	conf_load_string(c, "new section", text);
	type = conf_get(c, sec, "type");
	if (conf_nerrors(c))
		rc = set_cause(cause, "%s", section_problem(conf_error(c, 0)));
	else if (!type)
		rc = set_cause(cause, "the account needs a type: use --preset");
	for (size_t i = 0; rc == 0 && i < VA_ARRAY_LEN(required); i++)
		if (!strcmp(type, required[i].type) && !conf_get(c, sec, required[i].key))
			rc = set_cause(cause, "a%s %s account needs %s", *type == 'i' ? "n" : "",
			               type, required[i].option);
	free(sec);
	conf_free(c);
	return rc;
}

/* ---- writing the user's file ---- */

/* The real file behind the config path (a symlink is followed). */
static char *real_config(const struct app *app)
{
	char buf[PATH_MAX];

	if (realpath(app->config_path, buf))
		return xstrdup(buf);
	return xstrdup(app->config_path);
}

static int config_mode(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (int)(sb.st_mode & 07777) : 0600;
}

/* Read the current file ("" when absent). */
static char *config_text(const char *path, size_t *len, char **cause)
{
	char *err = NULL, *text;

	if (!file_exists(path)) {
		*len = 0;
		return xstrdup("");
	}
	text = file_read(path, len, &err);
	if (!text) {
		set_cause(cause, "%s", err);
		free(err);
		return NULL;
	}
	if (memchr(text, '\0', *len)) {
		free(text);
		set_cause(cause, "\"%s\" holds NUL bytes: va will not edit it", path);
		return NULL;
	}
	return text;
}

static int config_write(const char *path, const char *text, size_t len, char **cause)
{
	return file_write_atomic(path, text, len, config_mode(path), cause);
}

/* Does the current text of va.conf already have [account NAME]? */
static int text_has_account(const char *text, const char *name)
{
	struct conf *c = conf_new();
	int found = 0;

	conf_load_string(c, "va.conf", text);
	for (size_t i = 0; i < conf_naccounts(c); i++)
		found |= !strcmp(conf_account(c, i), name);
	conf_free(c);
	return found;
}

/* Append a section to the file under the lock; every old byte is kept. */
static int append_section(const char *path, const char *name, const char *section, char **cause)
{
	struct strbuf out = STRBUF_INIT;
	int lock = file_lock_dir(path, cause), rc = -1;
	char *old = NULL;
	size_t len;

	if (lock < 0)
		return -1;
	if (!(old = config_text(path, &len, cause)))
		goto done;
	if (text_has_account(old, name)) {
		set_cause(cause, "account \"%s\" already exists in %s", name, path);
		goto done;
	}
	sb_init(&out);
	sb_add(&out, old, len);
	if (len && old[len - 1] != '\n')
		sb_addc(&out, '\n');
	if (len)
		sb_addc(&out, '\n');
	sb_adds(&out, section);
	rc = config_write(path, out.buf, out.len, cause);
done:
	sb_release(&out);
	free(old);
	file_unlock_dir(lock);
	return rc;
}

static int account_known(const struct app *app, const char *name)
{
	for (size_t i = 0; i < conf_naccounts(app->conf); i++)
		if (!strcmp(conf_account(app->conf, i), name))
			return 1;
	return 0;
}

/* The audit log's entry for a change to an account (no secret in it). */
static void audit_account(struct app *app, const char *kind, const char *name, const char *detail)
{
	cJSON *t = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(t, "account", name);
	if (detail)
		cJSON_AddStringToObject(t, "detail", detail);
	text = cJSON_PrintUnformatted(t);
	cJSON_Delete(t);
	audit_record(app, kind, text, NULL, NULL, NULL);
	free(text);
}

int accounts_add(struct app *app, const char *name, const char *preset, const struct account_kv *kv,
                 size_t nkv, char **cause)
{
	struct conf *pc = conf_new();
	char *section = NULL, *path = NULL, *psec = NULL;
	int rc = -1;

	if (!valid_name(name)) {
		set_cause(cause,
		          "account name \"%s\" must be 1-64 letters, digits, '.', '_' or '-'",
		          name);
		goto done;
	}
	if (account_known(app, name)) {
		set_cause(cause, "account \"%s\" already exists in %s", name, app->config_path);
		goto done;
	}
	if (!(psec = load_preset(pc, preset, cause)))
		goto done;
	if (!(section = build_section(name, pc, psec, kv, nkv, cause)) ||
	    check_section(name, section, cause) < 0)
		goto done;
	path = real_config(app);
	rc = append_section(path, name, section, cause);
	if (rc == 0) {
		log_info("account \"%s\" added to %s (preset %s)", name, path, preset);
		audit_account(app, "account.add", name, preset);
	}
done:
	free(path);
	free(section);
	free(psec);
	conf_free(pc);
	return rc;
}

/* ---- cutting an account out of the user's file ---- */

struct line {
	const char *s;
	size_t len; /* with its newline */
};

/* The trimmed text of a line (caller frees). */
static char *line_trim(const struct line *l)
{
	char *c = xstrndup(l->s, l->len), *t = str_trim(c), *r = xstrdup(t);

	free(c);
	return r;
}

static int line_kind(const struct line *l, char want)
{
	char *t = line_trim(l);
	int yes = want ? (*t == want || (want == '#' && *t == ';')) : !*t;

	free(t);
	return yes;
}

/* Is the line "[account NAME]", read the way conf.c reads it? */
static int line_is_account(const struct line *l, const char *name)
{
	char *t = line_trim(l), *end = strchr(t, ']'), *in;
	int yes = 0;

	if (*t == '[' && end && !*str_trim(end + 1)) {
		*end = '\0';
		in = str_trim(t + 1);
		yes = str_starts(in, "account") && (in[7] == ' ' || in[7] == '\t') &&
		      !strcmp(str_trim(in + 8), name);
	}
	free(t);
	return yes;
}

static size_t split_lines(const char *text, size_t len, struct line **out)
{
	size_t n = 0, cap = 0, off = 0;

	*out = NULL;
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) + 1 : len - off;
		xgrow((void **)out, &cap, n + 1, sizeof(**out));
		(*out)[n++] = (struct line){text + off, l};
		off += l;
	}
	return n;
}

/* Mark the lines of every [account NAME] section; returns how many sections. */
static int mark_sections(const struct line *ln, size_t n, const char *name, char *drop)
{
	size_t i, j, k;
	int found = 0;

	for (i = 0; i < n; i++) {
		if (!line_is_account(&ln[i], name))
			continue;
		found++;
		for (j = i + 1; j < n && !line_kind(&ln[j], '['); j++)
			;
		k = j;
		while (j < n && k > i + 1 && line_kind(&ln[k - 1], '#'))
			k--; /* comments right above the next section belong to it */
		memset(drop + i, 1, k - i);
		if (k == n && i > 0 && line_kind(&ln[i - 1], 0))
			drop[i - 1] = 1; /* the blank line `add` put before it */
		i = k - 1;
	}
	return found;
}

static int cut_account(const char *path, const char *name, char **cause)
{
	struct strbuf out = STRBUF_INIT;
	struct line *ln = NULL;
	char *text, *drop;
	size_t len, n, i;
	int rc, lock = file_lock_dir(path, cause);

	if (lock < 0)
		return -1;
	if (!(text = config_text(path, &len, cause))) {
		file_unlock_dir(lock);
		return -1;
	}
	n = split_lines(text, len, &ln);
	drop = xcalloc(n + 1, 1);
	if (!mark_sections(ln, n, name, drop)) {
		rc = set_cause(cause, "no [account %s] section in %s", name, path);
	} else {
		sb_init(&out);
		for (i = 0; i < n; i++)
			if (!drop[i])
				sb_add(&out, ln[i].s, ln[i].len);
		rc = config_write(path, out.buf ? out.buf : "", out.len, cause);
	}
	sb_release(&out);
	free(drop);
	free(ln);
	free(text);
	file_unlock_dir(lock);
	return rc;
}

/* ---- the secret store ---- */

static void tell(const struct accounts_io *io, const char *text)
{
	if (io && io->say)
		io->say(io->arg, text);
}

/* Say the fallback notice once per database (again if the reason changes). */
static void notice_once(struct app *app, const struct accounts_io *io, const char *notice)
{
	char *seen;

	if (!io || !io->say)
		return; /* nobody to tell (the audit log's silent open): tell the next one */
	seen = store_kv_get(app->store, "secrets.fallback_notice");
	if (!seen || strcmp(seen, notice)) {
		tell(io, notice);
		store_kv_set(app->store, "secrets.fallback_notice", notice, NULL);
	}
	free(seen);
}

struct secrets *accounts_secrets_open(struct app *app, const struct accounts_io *io, char **cause)
{
	struct secret_opts o;
	struct secrets *s;
	char *file = conf_get_path(app->conf, "secrets", "file"), *notice = NULL;

	if (!file)
		file = xasprintf("%s/secrets.enc", app->data_dir);
	o.backend = conf_get(app->conf, "secrets", "backend");
	o.file = file;
	o.passphrase = io ? io->passphrase : NULL;
	o.arg = io ? io->arg : NULL;
	s = secrets_open(&o, &notice, cause);
	if (notice)
		notice_once(app, io, notice);
	free(notice);
	free(file);
	return s;
}

/* The account's section, after checking it exists. */
static char *account_section(struct app *app, const char *name, char **cause)
{
	if (!account_known(app, name)) {
		set_cause(cause, "no account \"%s\" (see 'va account list')", name);
		return NULL;
	}
	return section_of(name);
}

int accounts_set_password(struct app *app, const char *name, const char *password,
                          const struct accounts_io *io, char **cause)
{
	char *sec = account_section(app, name, cause);
	struct secrets *s;
	int rc;

	if (!sec)
		return -1;
	if (!password || !*password)
		rc = set_cause(cause, "empty password: nothing stored");
	else if (!(s = accounts_secrets_open(app, io, cause)))
		rc = -1;
	else {
		rc = secrets_set(s, sec, "password", password, cause);
		secrets_close(s);
		if (rc == 0) /* who and when, never the password */
			audit_account(app, "account.password", name, NULL);
	}
	free(sec);
	return rc;
}

int accounts_password(struct app *app, const char *name, const struct accounts_io *io,
                      char **password, char **cause)
{
	char *sec = account_section(app, name, cause);
	struct secrets *s;
	int rc = -1;

	*password = NULL;
	if (sec && (s = accounts_secrets_open(app, io, cause)) != NULL) {
		rc = secrets_get(s, sec, "password", password, cause);
		secrets_close(s);
	}
	free(sec);
	return rc;
}

/* ---- OAuth2 ---- */

/* The account's OAuth client, borrowed from app->conf; c->ca_file is the
 * caller's to free. */
static int oauth_client_of(struct app *app, const char *sec, struct oauth_client *c, char **cause)
{
	if (strcmp(conf_get(app->conf, sec, "auth"), "oauth2"))
		return set_cause(cause,
		                 "[%s] signs in with a password (auth = password): use "
		                 "`va account login NAME` without --flow",
		                 sec);
	memset(c, 0, sizeof *c);
	c->provider = conf_get(app->conf, sec, "provider");
	c->client_id = conf_get(app->conf, sec, "oauth_client_id");
	c->client_secret = conf_get(app->conf, sec, "oauth_client_secret");
	c->scope = conf_get(app->conf, sec, "oauth_scope");
	c->auth_url = conf_get(app->conf, sec, "oauth_auth_url");
	c->token_url = conf_get(app->conf, sec, "oauth_token_url");
	c->device_url = conf_get(app->conf, sec, "oauth_device_url");
	c->login_hint = conf_get(app->conf, sec, "email");
	c->ca_file = conf_get_path(app->conf, sec, "ca_file");
	return 0;
}

static int over_ssh(void)
{
	return getenv("SSH_CONNECTION") || getenv("SSH_TTY");
}

static void oauth_say(void *arg, const char *text)
{
	tell(arg, text);
}

static int save_token(struct secrets *s, const char *sec, const struct oauth_token *t, char **cause)
{
	char *enc = oauth_token_encode(t);
	int rc = secrets_set(s, sec, "oauth", enc, cause);

	secret_free(enc);
	return rc;
}

int accounts_login_oauth(struct app *app, const char *name, const char *flow,
                         const struct accounts_io *io, char **cause)
{
	struct oauth_io oio = {oauth_say, (void *)io, io ? io->paste_fd : -1,
	                       io ? io->timeout_s : 0};
	struct oauth_token t = {NULL, NULL, 0};
	struct oauth_client c = {0};
	struct secrets *s = NULL;
	char *sec = account_section(app, name, cause);
	int f = flow ? oauth_flow_parse(flow) : OAUTH_AUTO, rc = -1;

	if (!sec || oauth_client_of(app, sec, &c, cause) < 0)
		goto done;
	if (f < 0) {
		set_cause(cause, "unknown flow \"%s\" (loopback, paste, device)", flow);
		goto done;
	}
	if (f == OAUTH_AUTO)
		f = oauth_pick_flow(&c, over_ssh());
	/* Open the store first: a passphrase prompt must not follow a sign-in. */
	if (!(s = accounts_secrets_open(app, io, cause)) || secrets_unlock(s, cause) < 0)
		goto done;
	if (oauth_authorize(&c, (enum oauth_flow)f, &oio, &t, cause) == 0)
		rc = save_token(s, sec, &t, cause);
	if (rc == 0)
		log_info("account \"%s\": signed in with OAuth2 (%s flow)", name,
		         oauth_flow_name((enum oauth_flow)f));
done:
	oauth_token_release(&t);
	secrets_close(s);
	free((char *)c.ca_file);
	free(sec);
	return rc;
}

/* Refresh t in place and save it; a revoked grant becomes a clear cause. */
static int refresh_token(struct app *app, const char *name, const char *sec, struct secrets *s,
                         struct oauth_token *t, char **cause)
{
	struct oauth_client c = {0};
	struct oauth_token fresh;
	char *why = NULL;
	int rc;

	if (oauth_client_of(app, sec, &c, cause) < 0)
		return -1;
	rc = oauth_refresh(&c, t->refresh, &fresh, &why);
	free((char *)c.ca_file);
	if (rc == OAUTH_REVOKED) {
		set_cause(cause,
		          "the sign-in of account \"%s\" is no longer valid (%s): run `va account "
		          "login %s`",
		          name, why, name);
		log_warn("account \"%s\": refresh refused, sign-in needed", name);
	} else if (rc < 0) {
		set_cause(cause, "cannot refresh the sign-in of account \"%s\": %s", name, why);
	}
	free(why);
	if (rc != 0)
		return -1;
	oauth_token_release(t);
	*t = fresh;
	log_info("account \"%s\": access token refreshed", name);
	return save_token(s, sec, t, cause);
}

int accounts_access_token(struct app *app, const char *name, int force_refresh,
                          const struct accounts_io *io, char **token, int64_t *expires_at,
                          char **cause)
{
	struct oauth_token t = {NULL, NULL, 0};
	struct secrets *s = NULL;
	char *sec = account_section(app, name, cause), *enc = NULL;
	int rc = -1, got;

	*token = NULL;
	if (!sec || !(s = accounts_secrets_open(app, io, cause)))
		goto done;
	got = secrets_get(s, sec, "oauth", &enc, cause);
	if (got == 1)
		set_cause(cause, "account \"%s\" is not signed in: run `va account login %s`", name,
		          name);
	if (got != 0)
		goto done;
	if (oauth_token_decode(enc, &t) < 0) {
		set_cause(cause,
		          "the stored sign-in of account \"%s\" is unreadable: run `va account "
		          "login %s`",
		          name, name);
		goto done;
	}
	if (force_refresh || (t.expires_at && t.expires_at - 60 <= time_now()))
		if (refresh_token(app, name, sec, s, &t, cause) < 0)
			goto done;
	*token = t.access;
	t.access = NULL;
	if (expires_at)
		*expires_at = t.expires_at;
	rc = 0;
done:
	oauth_token_release(&t);
	secret_free(enc);
	secrets_close(s);
	free(sec);
	return rc;
}

/* ---- removing ---- */

int accounts_remove(struct app *app, const char *name, const struct accounts_io *io, char **cause)
{
	char *sec = account_section(app, name, cause), *path = NULL, *type = NULL;
	struct secrets *s = NULL;
	int rc = -1;

	if (!sec)
		return -1;
	type = xstrdup(conf_get(app->conf, sec, "type"));
	if (!(s = accounts_secrets_open(app, io, cause)) || secrets_delete(s, sec, NULL, cause) < 0)
		goto done;
	path = real_config(app);
	if (cut_account(path, name, cause) < 0)
		goto done;
	if (type && store_account_remove_type(app->store, name, type, cause) < 0)
		goto done;
	log_info("account \"%s\" removed from %s with its secrets", name, path);
	audit_account(app, "account.remove", name, type);
	rc = 0;
done:
	secrets_close(s);
	free(type);
	free(path);
	free(sec);
	return rc;
}

/* ---- va doctor ---- */

static const char *const state_names[] = {"ok", "warn", "fail", "skip"};

const char *check_state_name(enum check_state s)
{
	return state_names[s];
}

static void check_add(struct check_list *l, enum check_state st, const char *what, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

static void check_add(struct check_list *l, enum check_state st, const char *what, const char *fmt,
                      ...)
{
	va_list ap;

	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n].state = st;
	l->v[l->n].what = xstrdup(what);
	va_start(ap, fmt);
	l->v[l->n].detail = xvasprintf(fmt, ap);
	va_end(ap);
	l->n++;
}

void check_list_release(struct check_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].what);
		free(l->v[i].detail);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

static void doctor_config(struct app *app, struct check_list *out)
{
	size_t n = conf_nerrors(app->conf) + app->nerrors;

	if (!file_exists(app->config_path))
		check_add(out, CHECK_OK, "config", "%s: no file, built-in defaults",
		          app->config_path);
	else if (n == 0)
		check_add(out, CHECK_OK, "config", "%s: no problems", app->config_path);
	else
		check_add(out, CHECK_WARN, "config",
		          "%s: %zu problem%s (see `va config check`): %s", app->config_path, n,
		          n == 1 ? "" : "s",
		          conf_nerrors(app->conf) ? conf_error(app->conf, 0) : app->errors[0]);
}

/* What the account's section lacks, or NULL. */
static const char *missing_key(struct app *app, const char *sec)
{
	static const char *const oauth_keys[] = {"oauth_client_id", "oauth_token_url"};
	const char *type = conf_get(app->conf, sec, "type");

	for (size_t i = 0; type && i < VA_ARRAY_LEN(required); i++)
		if (!strcmp(type, required[i].type) && !conf_get(app->conf, sec, required[i].key))
			return required[i].key;
	if (type && !strcmp(type, "imap") && !strcmp(conf_get(app->conf, sec, "auth"), "oauth2"))
		for (size_t i = 0; i < VA_ARRAY_LEN(oauth_keys); i++)
			if (!conf_get(app->conf, sec, oauth_keys[i]))
				return oauth_keys[i];
	return NULL;
}

static void doctor_oauth(struct app *app, const char *name, const struct accounts_io *io,
                         struct check_list *out, const char *what)
{
	char *tok = NULL, *cause = NULL;
	int64_t exp = 0;

	if (accounts_access_token(app, name, 0, io, &tok, &exp, &cause) < 0)
		check_add(out, CHECK_FAIL, what, "%s", cause);
	else if (exp)
		check_add(out, CHECK_OK, what,
		          "signed in with OAuth2; access token valid for %lld min",
		          (long long)((exp - time_now()) / 60));
	else
		check_add(out, CHECK_OK, what, "signed in with OAuth2");
	secret_free(tok);
	free(cause);
}

static void doctor_password(struct app *app, const char *name, const struct accounts_io *io,
                            struct check_list *out, const char *what)
{
	char *pw = NULL, *cause = NULL;
	int rc = accounts_password(app, name, io, &pw, &cause);

	if (rc == 0)
		check_add(out, CHECK_OK, what, "password stored");
	else if (rc == 1)
		check_add(out, CHECK_FAIL, what, "no password stored: run `va account login %s`",
		          name);
	else
		check_add(out, CHECK_FAIL, what, "%s", cause);
	secret_free(pw);
	free(cause);
}

/* Reachable, TLS verified, login accepted: one real IMAP session. */
static void doctor_server(struct app *app, const char *name, const struct accounts_io *io,
                          struct check_list *out, const char *what, const char *sec)
{
	char *cause = NULL;
	struct imap *im = sync_connect(app, name, io, &cause);

	if (im)
		check_add(out, CHECK_OK, what, "%s:%s reachable (%s), login accepted",
		          conf_get(app->conf, sec, "imap_host"), conf_get(app->conf, sec, "imap_port"),
		          strcmp(conf_get(app->conf, sec, "imap_tls"), "none") ? "TLS verified"
		                                                               : "no TLS");
	else
		check_add(out, CHECK_FAIL, what, "%s", cause ? cause : "cannot connect");
	imap_close(im);
	free(cause);
}

static void doctor_account(struct app *app, const char *name, const struct accounts_io *io,
                           struct check_list *out)
{
	char *sec = section_of(name), *what = xasprintf("account %s", name);
	const char *type = conf_get(app->conf, sec, "type"), *miss = missing_key(app, sec);

	if (!type)
		check_add(out, CHECK_FAIL, what, "no type: set type = imap or type = maildir");
	else if (miss)
		check_add(out, CHECK_FAIL, what, "%s is missing in [%s]", miss, sec);
	else if (!strcmp(type, "maildir"))
		check_add(out, CHECK_OK, what, "local Maildir %s",
		          conf_get(app->conf, sec, "path"));
	else if (!strcmp(conf_get(app->conf, sec, "auth"), "oauth2"))
		doctor_oauth(app, name, io, out, what);
	else
		doctor_password(app, name, io, out, what);
	if (type && !strcmp(type, "imap") && !miss && out->n && out->v[out->n - 1].state == CHECK_OK)
		doctor_server(app, name, io, out, what, sec);
	free(what);
	free(sec);
}

void accounts_doctor(struct app *app, const struct accounts_io *io, struct check_list *out)
{
	struct secrets *s;
	char *cause = NULL;

	memset(out, 0, sizeof *out);
	doctor_config(app, out);
	if ((s = accounts_secrets_open(app, io, &cause)) != NULL)
		check_add(out, CHECK_OK, "secrets", "%s",
		          !strcmp(secrets_backend(s), "keyring")
		              ? "the Secret Service answers (OS keyring)"
		              : "encrypted file (no Secret Service in use)");
	else
		check_add(out, CHECK_FAIL, "secrets", "%s", cause);
	secrets_close(s);
	free(cause);
	if (app->demo)
		check_add(out, CHECK_OK, "accounts",
		          "none configured: the demo mailbox is in use "
		          "(add one with `va account add`)");
	for (size_t i = 0; i < conf_naccounts(app->conf); i++)
		doctor_account(app, conf_account(app->conf, i), io, out);
}

/* ---- unattended credentials (the daemon, the TUI's workers) ---- */

static char *quiet_passphrase(void *arg, int create, char **cause)
{
	const char *file = getenv("VA_PASSPHRASE_FILE");
	char *text, *nl;
	size_t len;

	(void)arg;
	(void)create;
	if (!file)
		return set_cause(cause, "the encrypted secrets file needs a passphrase: set "
		                        "VA_PASSPHRASE_FILE for unattended sending"),
		       NULL;
	if (!(text = file_read(file, &len, cause)))
		return NULL;
	if ((nl = strpbrk(text, "\r\n")))
		*nl = '\0';
	if (!*text) {
		secret_free(text);
		return set_cause(cause, "VA_PASSPHRASE_FILE \"%s\" is empty", file), NULL;
	}
	return text;
}

static void quiet_say(void *arg, const char *text)
{
	(void)arg;
	log_info("%s", text);
}

void accounts_quiet_io(struct accounts_io *io)
{
	memset(io, 0, sizeof *io);
	io->passphrase = quiet_passphrase;
	io->say = quiet_say;
	io->paste_fd = -1;
}
