/*
 * actions: triage with undo (see include/va/actions.h).
 *
 * A request becomes a `struct change` (which flag bits, which folder, which
 * keyword, which verdict), applied to each message's current state.  Undo
 * data records only what the action changed (the flag bits it touched, the
 * folder it left, whether the keyword was there, the verdict it replaced), so
 * undoing an old action leaves later, unrelated changes alone.  The undo data
 * is JSON (cJSON) in actions.undo; undoing builds a change from it and goes
 * through the same path as the action did.
 */
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "va/actions.h"
#include "va/app.h"
#include "va/audit.h"
#include "va/classifier.h"
#include "va/mime.h"
#include "va/util.h"

const struct action_def action_table[ACT_COUNT] = {
    {ACT_ARCHIVE, "archive", NULL, "archived", "move to the Archive folder"},
    {ACT_TRASH, "trash", NULL, "trashed", "move to the Trash folder"},
    {ACT_MOVE, "move", "FOLDER", "moved", "move to FOLDER"},
    {ACT_FLAG, "flag", NULL, "flagged", "mark as flagged"},
    {ACT_UNFLAG, "unflag", NULL, "unflagged", "remove the flag"},
    {ACT_READ, "read", NULL, "marked read", "mark as read"},
    {ACT_UNREAD, "unread", NULL, "marked unread", "mark as unread"},
    {ACT_LABEL, "label", "LABEL", "labelled", "add the label (keyword) LABEL"},
    {ACT_UNLABEL, "unlabel", "LABEL", "unlabelled", "remove the label LABEL"},
    {ACT_CATEGORY, "category", "CATEGORY", "categorised",
     "set the category (teaches the classifier)"},
};

const char *const action_categories[] = {"important", "actionable", "followup", "promotional",
                                         "spam", NULL};

enum { USER_CONFIDENCE = 100 };

/* What one action (or its undo) does to a message. */
struct change {
	unsigned    mask, flags;  /* flag bits to set to `flags` */
	const char *folder;       /* move there, or NULL */
	const char *keyword;      /* add (present) or remove it, or NULL */
	int         present;
	int         set_class;    /* put the verdict below */
	const char *category, *reason, *model;
	int         confidence;
	int64_t     drop_label;   /* undo of a category: the training label to remove */
};

enum action_kind action_find(const char *name)
{
	size_t i;

	for (i = 0; i < ACT_COUNT; i++)
		if (!strcmp(action_table[i].name, name))
			return action_table[i].kind;
	return ACT_NONE;
}

void action_outcome_release(struct action_outcome *o)
{
	free(o->actions);
	free(o->messages);
	memset(o, 0, sizeof(*o));
}

static void outcome_add(struct action_outcome *o, int64_t action, int64_t message)
{
	o->actions = xrealloc(o->actions, (o->n + 1) * sizeof(*o->actions));
	o->messages = xrealloc(o->messages, (o->n + 1) * sizeof(*o->messages));
	o->actions[o->n] = action;
	o->messages[o->n] = message;
	o->n++;
}

/* ---- keywords: a space-separated set ---- */

static int keyword_has(const char *list, const char *k)
{
	size_t kl = strlen(k);
	const char *p = list;

	while (p && *p) {
		size_t wl = strcspn(p, " ");
		if (wl == kl && !strncmp(p, k, kl))
			return 1;
		p += wl;
		p += strspn(p, " ");
	}
	return 0;
}

/* list with k added or removed; caller frees. */
static char *keyword_set(const char *list, const char *k, int present)
{
	struct strbuf sb;
	const char *p = list;

	sb_init(&sb);
	while (p && *p) {
		size_t wl = strcspn(p, " ");
		if (wl && !(wl == strlen(k) && !strncmp(p, k, wl))) {
			if (sb.len)
				sb_addc(&sb, ' ');
			sb_add(&sb, p, wl);
		}
		p += wl;
		p += strspn(p, " ");
	}
	if (present) {
		if (sb.len)
			sb_addc(&sb, ' ');
		sb_adds(&sb, k);
	}
	return sb_detach(&sb);
}

/* ---- argument checks ---- */

static int check_folder(const char *f, char **cause)
{
	const char *p;

	if (!f || !*f)
		return set_cause(cause, "a folder name is needed");
	if (*f == '.' || strlen(f) > 200)
		return set_cause(cause, "bad folder name \"%s\"", f);
	for (p = f; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x20)
			return set_cause(cause, "bad folder name \"%s\": no '/' or control characters", f);
	return 0;
}

static int check_keyword(const char *k, char **cause)
{
	const char *p;

	if (!k || !*k)
		return set_cause(cause, "a label is needed");
	for (p = k; *p; p++)
		if (*p == ' ' || (unsigned char)*p < 0x21 || strchr("(){%*\"\\]", *p))
			return set_cause(cause, "bad label \"%s\": one word without ( ) { %% * \" \\ ]", k);
	return 0;
}

static int check_category(const char *c, char **cause)
{
	size_t i;

	for (i = 0; c && action_categories[i]; i++)
		if (!strcmp(c, action_categories[i]))
			return 0;
	return set_cause(cause, "unknown category \"%s\" (one of important, actionable, followup,"
	                        " promotional, spam)",
	                 c ? c : "");
}

/* The change a request makes; -1 when its argument is missing or bad. */
static int change_for(enum action_kind k, const char *arg, struct change *c, char **cause)
{
	static const struct {
		enum action_kind kind;
		unsigned mask, flags;
		const char *folder;
	} simple[] = {
	    {ACT_FLAG, MSG_FLAGGED, MSG_FLAGGED, NULL}, {ACT_UNFLAG, MSG_FLAGGED, 0, NULL},
	    {ACT_READ, MSG_SEEN, MSG_SEEN, NULL},       {ACT_UNREAD, MSG_SEEN, 0, NULL},
	    {ACT_ARCHIVE, 0, 0, "Archive"},             {ACT_TRASH, 0, 0, "Trash"},
	};
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < VA_ARRAY_LEN(simple); i++)
		if (simple[i].kind == k) {
			c->mask = simple[i].mask;
			c->flags = simple[i].flags;
			c->folder = simple[i].folder;
			return 0;
		}
	switch (k) {
	case ACT_MOVE: c->folder = arg; return check_folder(arg, cause);
	case ACT_LABEL:
	case ACT_UNLABEL:
		c->keyword = arg;
		c->present = k == ACT_LABEL;
		return check_keyword(arg, cause);
	case ACT_CATEGORY:
		c->set_class = 1;
		c->category = arg;
		c->confidence = USER_CONFIDENCE;
		c->reason = "set by you";
		c->model = "user";
		return check_category(arg, cause);
	default: return set_cause(cause, "unknown action");
	}
}

/* ---- undo data ---- */

static void json_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* What undoes c on a message in state s (JSON text; caller frees). */
static char *undo_json(const struct change *c, const struct store_msg_state *s, int64_t label,
                       int64_t ham)
{
	cJSON *o = cJSON_CreateObject();
	char *text, *out;

	if (c->mask) {
		cJSON_AddNumberToObject(o, "mask", c->mask);
		cJSON_AddNumberToObject(o, "flags", s->flags & c->mask);
	}
	if (c->folder)
		json_str(o, "folder", s->folder);
	if (c->keyword) {
		json_str(o, "keyword", c->keyword);
		cJSON_AddBoolToObject(o, "present", keyword_has(s->keywords, c->keyword));
	}
	if (c->set_class) {
		json_str(o, "category", s->category);
		cJSON_AddNumberToObject(o, "confidence", s->confidence);
		json_str(o, "reason", s->reason);
		json_str(o, "model", s->model);
		cJSON_AddNumberToObject(o, "label", (double)label);
	}
	if (ham > 0) /* the "not spam" label of a move out of Junk */
		cJSON_AddNumberToObject(o, "ham_label", (double)ham);
	text = cJSON_PrintUnformatted(o);
	out = xstrdup(text);
	cJSON_free(text);
	cJSON_Delete(o);
	return out;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *k, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* The change that undoes; its strings point into o. */
static int change_from_undo(const cJSON *o, struct change *c, char **cause)
{
	memset(c, 0, sizeof(*c));
	if (!cJSON_IsObject(o))
		return set_cause(cause, "the undo data is not valid");
	c->mask = (unsigned)jnum(o, "mask", 0);
	c->flags = (unsigned)jnum(o, "flags", 0);
	c->folder = jstr(o, "folder");
	c->keyword = jstr(o, "keyword");
	c->present = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "present"));
	if (cJSON_GetObjectItemCaseSensitive(o, "label")) {
		c->set_class = 1;
		c->category = jstr(o, "category");
		c->confidence = (int)jnum(o, "confidence", -1);
		c->reason = jstr(o, "reason");
		c->model = jstr(o, "model");
		c->drop_label = (int64_t)jnum(o, "label", 0);
	}
	if (cJSON_GetObjectItemCaseSensitive(o, "ham_label"))
		c->drop_label = (int64_t)jnum(o, "ham_label", 0);
	return 0;
}

/* ---- backends: where a change goes besides the store ---- */

/* The Maildir++ directory of a folder: the root for INBOX, root/.NAME otherwise. */
static char *maildir_dir(const char *root, const char *folder)
{
	if (!strcmp(folder, "INBOX"))
		return xstrdup(root);
	return xasprintf("%s/.%s", root, folder);
}

/* The file name for flags: unique ":2," letters, keeping letters va does not model. */
static char *maildir_name(const char *source, const char *old_path, unsigned flags)
{
	static const struct {
		char letter;
		unsigned flag;
	} letters[] = {{'D', MSG_DRAFT}, {'F', MSG_FLAGGED}, {'R', MSG_ANSWERED},
	               {'S', MSG_SEEN},  {'T', MSG_DELETED}};
	const char *base = old_path ? strrchr(old_path, '/') : NULL;
	const char *info = old_path ? strstr(base ? base : old_path, ":2,") : NULL;
	char set[128] = {0}, out[160];
	size_t i, n = 0;
	int c;

	for (info = info ? info + 3 : ""; *info; info++)
		if ((unsigned char)*info < 128)
			set[(unsigned char)*info] = 1;
	for (i = 0; i < VA_ARRAY_LEN(letters); i++)
		set[(unsigned char)letters[i].letter] = (flags & letters[i].flag) != 0;
	for (c = 33; c < 127 && n < sizeof out - 1; c++)
		if (set[c] && c != ',')
			out[n++] = (char)c;
	out[n] = '\0';
	return xasprintf("%s:2,%s", source, out);
}

static int ensure_maildir(const char *dir, char **cause)
{
	static const char *const subs[] = {"cur", "new", "tmp"};
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < VA_ARRAY_LEN(subs); i++) {
		char *p = xasprintf("%s/%s", dir, subs[i]);
		rc = mkdir_p(p, 0700, cause);
		free(p);
	}
	return rc;
}

/* Move a file without ever replacing another: link + unlink, or rename when
 * the file system has no hard links and nothing is in the way. */
static int move_file(const char *from, const char *to, char **cause)
{
	if (link(from, to) == 0) {
		if (unlink(from) == 0 || errno == ENOENT)
			return 0;
		unlink(to);
		return set_cause(cause, "cannot move \"%s\": %s", from, strerror(errno));
	}
	if (errno == EEXIST)
		return set_cause(cause, "cannot move \"%s\": \"%s\" already exists", from, to);
	if ((errno == EPERM || errno == ENOTSUP || errno == EXDEV) && !file_exists(to) &&
	    rename(from, to) == 0)
		return 0;
	return set_cause(cause, "cannot move \"%s\" to \"%s\": %s", from, to, strerror(errno));
}

static int maildir_write(struct app *app, const struct store_msg_state *m,
                         const struct action_target *to, char **new_path, char **cause)
{
	const struct account *a = app_account(app, m->account);
	char *dir, *name, *path;
	int rc;

	*new_path = NULL;
	if (!a || !a->path)
		return set_cause(cause, "account \"%s\" is not configured", m->account);
	if (!m->path || !m->source)
		return set_cause(cause, "message %lld has no file", (long long)m->id);
	dir = maildir_dir(a->path, to->folder);
	name = maildir_name(m->source, m->path, to->flags);
	path = xasprintf("%s/cur/%s", dir, name);
	rc = strcmp(path, m->path) ? ensure_maildir(dir, cause) : 0;
	if (rc == 0 && strcmp(path, m->path))
		rc = move_file(m->path, path, cause);
	if (rc == 0)
		*new_path = path;
	else
		free(path);
	free(name);
	free(dir);
	return rc;
}

static const struct action_backend backends[] = {
    {"maildir", "local", maildir_write},
    {"demo", "local", NULL},  /* the shipped, read-only mailbox: the store only */
    {"local", "local", NULL}, /* imports: the raw bytes live in the store */
    /* IMAP write-back (its own issue) replaces NULL with a function that
     * queues the change for the sync worker; rows stay "pending" until then. */
    {"imap", "pending", NULL},
};

static const struct action_backend *backend_for(const char *type)
{
	static const struct action_backend store_only = {"", "local", NULL};
	size_t i;

	for (i = 0; type && i < VA_ARRAY_LEN(backends); i++)
		if (!strcmp(backends[i].type, type))
			return &backends[i];
	return &store_only;
}

/* ---- applying a change to one message ---- */

struct target {
	struct action_target t;
	char *keywords; /* owned */
};

/* s with c applied; 0 when that changes nothing. */
static int target_of(const struct store_msg_state *s, const struct change *c, struct target *out)
{
	out->t.flags = (s->flags & ~c->mask) | (c->flags & c->mask);
	out->t.folder = c->folder ? c->folder : s->folder;
	out->keywords = c->keyword ? keyword_set(s->keywords, c->keyword, c->present)
	                           : xstrdup(s->keywords);
	out->t.keywords = out->keywords;
	return out->t.flags != s->flags || strcmp(out->t.folder, s->folder) ||
	       (c->keyword && keyword_has(s->keywords, c->keyword) != c->present) || c->set_class;
}

/* The store's side: flags, folder, keywords and verdict. */
static int store_change(struct app *app, const struct store_msg_state *s, const struct change *c,
                        const struct target *t, const char *path, char **cause)
{
	struct store *st = app->store;
	const char *p = path ? path : s->path;
	int64_t folder = s->folder_id;

	if (strcmp(t->t.folder, s->folder) &&
	    ((folder = store_folder_ensure(st, s->account_id, t->t.folder, cause)) < 0 ||
	     store_message_move(st, s->id, folder, p, cause) < 0))
		return -1;
	if ((t->t.flags != s->flags || path) &&
	    store_message_set_location(st, s->id, p, t->t.flags, cause) < 0)
		return -1;
	if (c->keyword && store_message_set_keywords(st, s->id, t->keywords, cause) < 0)
		return -1;
	if (c->set_class && store_message_put_class(st, s->id, c->category, c->confidence, c->reason,
	                                            c->model, cause) < 0)
		return -1;
	if (c->drop_label > 0 && store_label_delete(st, c->drop_label, cause) < 0)
		return -1;
	return 0;
}

/* The files moved during one request, to move back when it fails. */
struct moves {
	char **from, **to;
	size_t n;
};

static void moves_add(struct moves *mv, const char *from, const char *to)
{
	mv->from = xrealloc(mv->from, (mv->n + 1) * sizeof(*mv->from));
	mv->to = xrealloc(mv->to, (mv->n + 1) * sizeof(*mv->to));
	mv->from[mv->n] = xstrdup(from);
	mv->to[mv->n] = xstrdup(to);
	mv->n++;
}

/* Put every moved file back (newest first) when `revert`, then forget them. */
static void moves_end(struct moves *mv, int revert)
{
	char *err = NULL;
	size_t i;

	for (i = mv->n; i-- > 0;) {
		if (revert && move_file(mv->to[i], mv->from[i], &err) < 0)
			x_free(&err); /* the rescan will find the file where it is */
		free(mv->from[i]);
		free(mv->to[i]);
	}
	free(mv->from);
	free(mv->to);
	memset(mv, 0, sizeof(*mv));
}

/* Apply c to message s: the account's copy, then the store; *changed when
 * something changed.  Files moved are logged in mv. */
static int change_one(struct app *app, const struct store_msg_state *s, const struct change *c,
                      struct moves *mv, int *changed, char **cause)
{
	const struct action_backend *b = backend_for(s->account_type);
	struct target t;
	char *path = NULL;
	int rc = 0;

	*changed = target_of(s, c, &t);
	if (*changed && b->write && (t.t.flags != s->flags || strcmp(t.t.folder, s->folder)))
		rc = b->write(app, s, &t.t, &path, cause);
	if (rc == 0 && path && s->path && strcmp(path, s->path))
		moves_add(mv, s->path, path);
	if (rc == 0 && *changed)
		rc = store_change(app, s, c, &t, path, cause);
	free(path);
	free(t.keywords);
	return rc;
}

static int state_of(struct app *app, int64_t id, struct store_msg_state *s, char **cause)
{
	int rc = store_msg_state_get(app->store, id, s, cause);

	if (rc == 1)
		set_cause(cause, "no message with id %lld", (long long)id);
	return rc == 0 ? 0 : -1;
}

/* One message of a request: change it and journal the change. */
static int apply_one(struct app *app, int64_t id, enum action_kind k, const char *arg,
                     const struct change *c, struct moves *mv, struct action_outcome *out,
                     char **cause)
{
	struct store_msg_state s;
	struct store_action a;
	int64_t label = 0, ham = 0, aid;
	int changed = 0;
	char *undo;

	if (state_of(app, id, &s, cause) < 0)
		return -1;
	if (change_one(app, &s, c, mv, &changed, cause) < 0 ||
	    (k == ACT_CATEGORY &&
	     (label = store_label_add(app->store, id, s.hash, arg, "user", cause)) < 0) ||
	    (changed && (k == ACT_MOVE || k == ACT_ARCHIVE) && /* out of Junk: not spam */
	     (ham = classify_left_junk(app, id, s.account_id, s.hash, s.folder, c->folder,
	                               s.category, cause)) < 0)) {
		store_msg_state_release(&s);
		return -1;
	}
	if (!changed) {
		out->unchanged++;
		store_msg_state_release(&s);
		return 0;
	}
	memset(&a, 0, sizeof a);
	a.message_id = id;
	a.account_id = s.account_id;
	a.kind = (char *)action_table[k].name;
	a.args = (char *)arg;
	a.undo = undo = undo_json(c, &s, label, ham);
	a.batch = out->batch;
	a.origin = (char *)(app->origin ? app->origin : "user");
	a.rule = (char *)app->rule;
	a.server_state = (char *)backend_for(s.account_type)->server_state;
	aid = store_action_add(app->store, &a, cause);
	free(undo);
	store_msg_state_release(&s);
	if (aid < 0)
		return -1;
	outcome_add(out, aid, id);
	return 0;
}

int action_apply(struct app *app, const int64_t *ids, size_t n, enum action_kind kind,
                 const char *arg, struct action_outcome *out, char **cause)
{
	struct moves mv = {NULL, NULL, 0};
	struct change c;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (kind < 0 || kind >= ACT_COUNT || change_for(kind, action_table[kind].arg ? arg : NULL,
	                                                &c, cause) < 0)
		return -1;
	if (store_begin(app->store, cause) < 0)
		return -1;
	if (app->batch > 0)
		out->batch = app->batch;
	else if ((out->batch = store_action_new_batch(app->store, cause)) < 0)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++)
		rc = apply_one(app, ids[i], kind, arg, &c, &mv, out, cause);
	if (rc == 0 && store_commit(app->store, cause) == 0) {
		moves_end(&mv, 0);
		audit_actions(app, out, 0); /* after the commit: never loses the action */
		if (out->n == 0 && app->batch <= 0)
			out->batch = 0;
		return 0;
	}
	store_rollback(app->store);
	moves_end(&mv, 1);
	action_outcome_release(out);
	return -1;
}

/* ---- undo ---- */

/* Undo one journal row: its change reversed, the row marked undone; 1 when
 * its message is gone (the row is marked undone, nothing else changes). */
static int undo_one(struct app *app, const struct store_action *a, struct moves *mv,
                    char **cause)
{
	struct store_msg_state s;
	struct change c;
	cJSON *o;
	int changed, rc;

	if (a->message_id <= 0) /* the message is gone: nothing left to put back */
		return store_action_set_undone(app->store, a->id, time_now(), cause) < 0 ? -1 : 1;
	if (state_of(app, a->message_id, &s, cause) < 0)
		return -1;
	o = cJSON_Parse(a->undo ? a->undo : "");
	rc = change_from_undo(o, &c, cause);
	if (rc == 0)
		rc = change_one(app, &s, &c, mv, &changed, cause);
	if (rc == 0)
		rc = store_action_set_undone(app->store, a->id, time_now(), cause);
	/* A server copy (IMAP) must follow the undo too: the row goes back to
	 * "pending", and the next sync makes the server match the store again. */
	if (rc == 0 && !strcmp(backend_for(s.account_type)->server_state, "pending"))
		rc = store_sync_action_state(app->store, a->id, "pending", cause);
	cJSON_Delete(o);
	store_msg_state_release(&s);
	return rc;
}

/* The rows to undo: one action, a batch, or the newest live batch.
 * 1 when there is nothing to undo. */
static int undo_rows(struct app *app, int64_t action_id, int64_t batch, struct store_action **v,
                     size_t *n, char **cause)
{
	struct store_action a;
	int rc, newest = action_id <= 0 && batch <= 0;

	*v = NULL;
	*n = 0;
	if (batch <= 0) {
		if (newest && store_action_last_live(app->store, "user", &action_id, cause) < 0)
			return -1;
		if (action_id <= 0)
			return 1;
		if ((rc = store_action_get(app->store, action_id, &a, cause)) != 0)
			return rc;
		if (a.undone_at) {
			store_action_release(&a);
			return 1;
		}
		if (!newest || a.batch <= 0) {
			*v = xmalloc(sizeof(**v));
			**v = a;
			*n = 1;
			return 0;
		}
		batch = a.batch;
		store_action_release(&a);
	}
	if (store_action_batch(app->store, batch, v, n, cause) < 0)
		return -1;
	return *n ? 0 : 1;
}

int action_undo(struct app *app, int64_t action_id, int64_t batch, struct action_outcome *out,
                char **cause)
{
	struct moves mv = {NULL, NULL, 0};
	struct store_action *v;
	size_t n, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_begin(app->store, cause) < 0)
		return -1;
	rc = undo_rows(app, action_id, batch, &v, &n, cause);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = undo_one(app, &v[i], &mv, cause);
		if (rc == 0)
			outcome_add(out, v[i].id, v[i].message_id);
		else if (rc == 1) /* its message is gone */
			rc = 0;
	}
	if (n)
		out->batch = v[0].batch;
	store_actions_free(v, n);
	if (rc == 0 && store_commit(app->store, cause) == 0) {
		moves_end(&mv, 0);
		audit_actions(app, out, 1);
		return 0;
	}
	store_rollback(app->store);
	moves_end(&mv, 1);
	action_outcome_release(out);
	return rc == 1 ? 1 : -1;
}

int action_list(struct app *app, size_t limit, struct store_action **out, size_t *n,
                char **cause)
{
	return store_action_list(app->store, limit, out, n, cause);
}

/* ---- attachments ---- */

int attachment_bytes(struct app *app, int64_t id, int part, char **out, size_t *len,
                     char **cause)
{
	size_t rawlen;
	char *raw = store_message_raw(app->store, id, &rawlen, cause);
	int rc;

	*out = NULL;
	if (!raw)
		return -1;
	rc = mime_part_bytes(raw, rawlen, part, out, len, cause);
	free(raw);
	return rc;
}

int attachment_save(struct app *app, int64_t id, int part, const char *path, char **cause)
{
	char *data;
	size_t len;
	int rc;

	if (!path || !*path)
		return set_cause(cause, "a file name is needed");
	if (file_exists(path) || dir_exists(path))
		return set_cause(cause, "\"%s\" already exists", path);
	if (attachment_bytes(app, id, part, &data, &len, cause) < 0)
		return -1;
	rc = file_write_atomic(path, data, len, 0600, cause);
	free(data);
	return rc;
}
