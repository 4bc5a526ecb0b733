/*
 * replies: templates and their approvals, composing replies, the gates that
 * need state (approval, limits, thread, kill switch), the outbox and the
 * exactly-once delivery described in include/va/replies.h.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "va/accounts.h"
#include "va/actions.h"
#include "va/audit.h"
#include "va/conf.h"
#include "va/hash.h"
#include "va/jobs.h"
#include "va/log.h"
#include "va/paths.h"
#include "va/replies.h"
#include "va/reply_gate.h"
#include "va/secret.h"
#include "va/send.h"
#include "va/sync.h"
#include "va/util.h"

/* ---- templates ---- */

void replies_template_release(struct replies_template *t)
{
	free(t->name);
	free(t->path);
	free(t->hash);
	free(t->error);
	template_release(&t->t);
	memset(t, 0, sizeof *t);
}

void replies_templates_free(struct replies_template *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		replies_template_release(&v[i]);
	free(v);
}

char *replies_templates_dir(void)
{
	char *c = paths_config_dir(), *d = xasprintf("%s/templates", c);

	free(c);
	return d;
}

static int valid_name(const char *name)
{
	size_t i;

	if (!name || !*name || strlen(name) > 64)
		return 0;
	for (i = 0; name[i]; i++)
		if (!(name[i] == '-' || name[i] == '_' || (name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= '0' && name[i] <= '9')))
			return 0;
	return 1;
}

/* The file of template `name`: yours, else the shipped one; NULL when none. */
static char *template_path(struct app *app, const char *name, int *shipped)
{
	char *dir = replies_templates_dir(), *p = xasprintf("%s/%s.tmpl", dir, name);

	free(dir);
	*shipped = 0;
	if (file_exists(p))
		return p;
	free(p);
	p = xasprintf("%s/templates/%s.tmpl", app->share_dir, name);
	*shipped = 1;
	if (file_exists(p))
		return p;
	free(p);
	return NULL;
}

/* Look up the approval of t's content; an edit found here revokes the old one. */
static int approval_of(struct app *app, struct replies_template *t, char **cause)
{
	int other = 0, rc = store_template_approval(app->store, t->name, t->hash, &other, cause);

	if (rc < 0)
		return -1;
	t->approved = rc;
	t->changed = !rc && other == 1;
	if (t->changed && store_template_revoke(app->store, t->name, cause) < 0)
		return -1;
	if (t->changed)
		log_info("template \"%s\" changed since it was approved: approval revoked",
		         t->name);
	return 0;
}

int replies_template_load(struct app *app, const char *name, struct replies_template *out,
                          char **cause)
{
	char *text;
	size_t len;

	memset(out, 0, sizeof *out);
	if (!valid_name(name) || !(out->path = template_path(app, name, &out->shipped)))
		return 1;
	out->name = xstrdup(name);
	if (!(text = file_read(out->path, &len, cause))) {
		replies_template_release(out);
		return -1;
	}
	out->hash = hash_hex(text, len);
	out->parsed = template_parse(&out->t, name, out->path, text, len, &out->error) == 0;
	free(text);
	if (approval_of(app, out, cause) < 0) {
		replies_template_release(out);
		return -1;
	}
	return 0;
}

/* Add the names of dir's *.tmpl files to names (no duplicates). */
static void collect_names(const char *dir, char ***names, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t i;

	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *nm;

		if (len <= 5 || !str_ends(e->d_name, ".tmpl") || e->d_name[0] == '.')
			continue;
		nm = xstrndup(e->d_name, len - 5);
		for (i = 0; i < *n && strcmp((*names)[i], nm); i++)
			;
		if (i < *n || !valid_name(nm)) {
			free(nm);
			continue;
		}
		xgrow((void **)names, cap, *n + 1, sizeof **names);
		(*names)[(*n)++] = nm;
	}
	if (d)
		closedir(d);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int replies_templates_list(struct app *app, struct replies_template **out, size_t *n, char **cause)
{
	char *mine = replies_templates_dir(), *shipped = xasprintf("%s/templates", app->share_dir);
	char **names = NULL;
	size_t nn = 0, cap = 0, i;
	int rc = 0;

	collect_names(mine, &names, &nn, &cap);
	collect_names(shipped, &names, &nn, &cap);
	free(mine);
	free(shipped);
	if (nn)
		qsort(names, nn, sizeof *names, cmp_names);
	*out = xcalloc(nn + 1, sizeof **out);
	*n = 0;
	for (i = 0; i < nn; i++) {
		if (rc == 0 && replies_template_load(app, names[i], &(*out)[*n], cause) == 0)
			(*n)++;
		else
			rc = -1;
		free(names[i]);
	}
	free(names);
	if (rc < 0) {
		replies_templates_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Load `name` and insist that it parses.  0, or -1 with *cause. */
static int load_parsed(struct app *app, const char *name, struct replies_template *t, char **cause)
{
	int rc = replies_template_load(app, name, t, cause);

	if (rc == 1)
		return set_cause(cause, "no template \"%s\" (see 'va templates list')", name);
	if (rc < 0)
		return -1;
	if (!t->parsed) {
		set_cause(cause, "cannot use template \"%s\": %s", name, t->error);
		replies_template_release(t);
		return -1;
	}
	return 0;
}

static void audit_event(struct app *app, const char *kind, int64_t msg_id, const char *tmpl,
                        int64_t outbox, const char *gate, const char *why)
{
	char *target = xasprintf("{\"message\":%lld,\"template\":\"%s\",\"outbox\":%lld}",
	                         (long long)msg_id, tmpl ? tmpl : "", (long long)outbox);
	struct strbuf after = STRBUF_INIT;
	const char *p;

	sb_init(&after);
	if (gate) {
		sb_addf(&after, "{\"gate\":\"%s\",\"why\":\"", gate);
		for (p = why ? why : ""; *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_addc(&after, '\\');
			if ((unsigned char)*p >= 0x20)
				sb_addc(&after, *p);
		}
		sb_adds(&after, "\"}");
	}
	audit_record(app, kind, target, NULL, gate ? after.buf : NULL, NULL);
	sb_release(&after);
	free(target);
}

int replies_template_approve(struct app *app, const char *name, char **cause)
{
	struct replies_template t;
	int rc;

	if (load_parsed(app, name, &t, cause) < 0)
		return -1;
	rc = store_template_approve(app->store, name, t.hash, cause);
	if (rc == 0)
		audit_record(app, "template.approve", t.name, NULL, NULL, NULL);
	replies_template_release(&t);
	return rc;
}

int replies_template_revoke(struct app *app, const char *name, char **cause)
{
	int n = store_template_revoke(app->store, name, cause);

	if (n > 0)
		audit_record(app, "template.revoke", name, NULL, NULL, NULL);
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

/* ---- composing ---- */

void reply_draft_release(struct reply_draft *d)
{
	free(d->account);
	free(d->from);
	free(d->to);
	free(d->subject);
	free(d->body);
	memset(d, 0, sizeof *d);
}

/* Everything about one reply being made. */
struct plan {
	struct message m;
	struct replies_template rt; /* rt.name NULL: blank reply */
	const struct account *acct;
	struct reply_draft d;
	char **me; /* every account's address, lower case */
	size_t nme;
	int automatic;
	char *raw, *message_id;
	size_t rawlen;
};

static void plan_release(struct plan *p)
{
	size_t i;

	message_release(&p->m);
	replies_template_release(&p->rt);
	reply_draft_release(&p->d);
	for (i = 0; i < p->nme; i++)
		free(p->me[i]);
	free(p->me);
	free(p->raw);
	free(p->message_id);
}

static void lower(char *s)
{
	for (; s && *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Load the message, its account and "me"; the template when tmpl is set. */
static int plan_open(struct app *app, struct plan *p, int64_t msg_id, const char *tmpl,
                     char **cause)
{
	size_t i;
	int rc;

	memset(p, 0, sizeof *p);
	message_init(&p->m);
	if ((rc = store_message_get(app->store, msg_id, &p->m, cause)) != 0)
		return rc == 1 ? set_cause(cause, "no message %lld", (long long)msg_id) : -1;
	if (!(p->acct = app_account(app, p->m.account)))
		return set_cause(cause, "message %lld belongs to no configured account (\"%s\")",
		                 (long long)msg_id, p->m.account ? p->m.account : "");
	p->me = xcalloc(app->naccounts + 1, sizeof *p->me);
	for (i = 0; i < app->naccounts; i++)
		if (app->accounts[i].email) {
			p->me[p->nme] = xstrdup(app->accounts[i].email);
			lower(p->me[p->nme++]);
		}
	return tmpl ? load_parsed(app, tmpl, &p->rt, cause) : 0;
}

/* Recipient, subject and body of the reply (the template's, or blank). */
static int plan_render(struct plan *p, char **cause)
{
	struct template_vars v;
	char *to = reply_address(p->m.reply_to);

	p->d.to = to ? to : reply_address(p->m.from_addr);
	if (!p->d.to)
		return set_cause(cause, "message %lld has no sender address to reply to",
		                 (long long)p->m.id);
	p->d.account = xstrdup(p->acct->name);
	p->d.from = xstrdup(p->acct->email);
	if (!p->rt.name) {
		p->d.subject = template_reply_subject(p->m.subject);
		p->d.body = xstrdup("");
		return 0;
	}
	template_vars_of(&v, &p->m, p->acct->display_name, p->acct->email, time_now());
	template_render(&p->rt.t, &v, &p->d.subject, &p->d.body);
	return 0;
}

int replies_prepare(struct app *app, int64_t msg_id, const char *tmpl, struct reply_draft *out,
                    char **cause)
{
	struct plan p;
	int rc = plan_open(app, &p, msg_id, tmpl, cause);

	memset(out, 0, sizeof *out);
	if (rc == 0 && (rc = plan_render(&p, cause)) == 0) {
		*out = p.d;
		memset(&p.d, 0, sizeof p.d);
	}
	plan_release(&p);
	return rc;
}

/* The message bytes: threading headers, and Auto-Submitted when automatic. */
static void plan_build(struct plan *p)
{
	static const char *const auto_headers[] = {"Auto-Submitted: auto-replied",
	                                           "X-Auto-Response-Suppress: All"};
	const char *to[1] = {p->d.to};
	struct send_draft d;
	struct send_extra x;
	char *refs = NULL;

	if (p->m.message_id)
		refs = xasprintf("%s%s%s", p->m.references ? p->m.references : "",
		                 p->m.references ? " " : "", p->m.message_id);
	p->message_id = send_message_id(p->d.from);
	memset(&d, 0, sizeof d);
	d.from_name = p->acct->display_name;
	d.from_addr = p->d.from;
	d.to = to;
	d.nto = 1;
	d.subject = p->d.subject;
	d.body = p->d.body;
	d.message_id = p->message_id;
	memset(&x, 0, sizeof x);
	x.in_reply_to = p->m.message_id;
	x.references = refs;
	x.headers = p->automatic ? auto_headers : NULL;
	x.nheaders = p->automatic ? VA_ARRAY_LEN(auto_headers) : 0;
	p->raw = send_build_ex(&d, &x, &p->rawlen);
	free(refs);
}

/* A reply_log row for the plan (borrowing its strings). */
static void plan_row(struct app *app, const struct plan *p, struct store_reply *r,
                     const char *state, char *key)
{
	memset(r, 0, sizeof *r);
	r->message_id = p->m.id;
	r->thread_id = p->m.thread_id ? p->m.thread_id : p->m.id;
	r->automatic = p->automatic;
	r->account = p->d.account;
	r->template_name = p->rt.name;
	r->recipient = p->d.to ? p->d.to : (char *)"";
	r->idempotency_key = key;
	r->state = (char *)state;
	r->out_message_id = p->message_id;
	r->subject = p->d.subject;
	r->origin = (char *)(app->origin ? app->origin : "user");
	r->rule = (char *)app->rule;
	r->raw = p->raw;
	r->rawlen = p->rawlen;
}

/* A key no other row has (blocked rows, manual replies). */
static char *unique_key(const char *tag, int64_t msg_id)
{
	char *id = send_message_id(NULL), *k = xasprintf("%s:%lld:%s", tag, (long long)msg_id, id);

	free(id);
	return k;
}

/* ---- the outbox ---- */

/* A sensitive message is flagged (a journaled, undoable action) so that the
 * person sees it; a failure is logged, the block stands anyway. */
static void flag_for_user(struct app *app, int64_t id)
{
	struct action_outcome o;
	char *err = NULL;

	memset(&o, 0, sizeof o);
	if (action_apply(app, &id, 1, ACT_FLAG, NULL, &o, &err) < 0)
		log_warn("cannot flag message %lld for you: %s", (long long)id, err ? err : "");
	action_outcome_release(&o);
	free(err);
}

/* Record a block: a 'blocked' row with its reason, the audit log, *cause
 * "CODE: why".  Returns 1 (or -1 when the row cannot be written). */
static int block(struct app *app, struct plan *p, const char *code, const char *why, char **cause)
{
	struct store_reply r;
	char *key = unique_key("blocked", p->m.id);
	int existed;

	plan_row(app, p, &r, "blocked", key);
	if (!p->d.to)
		r.recipient = p->m.from_addr ? p->m.from_addr : (char *)"";
	r.gate = (char *)code;
	r.error = (char *)why;
	r.raw = NULL;
	r.rawlen = 0;
	r.out_message_id = NULL;
	r.automatic = 1;
	if (store_reply_add(app->store, &r, &existed, cause) < 0) {
		free(key);
		return -1;
	}
	free(key);
	log_info("reply to message %lld with \"%s\" blocked: %s: %s", (long long)p->m.id,
	         p->rt.name ? p->rt.name : "", code, why);
	audit_event(app, "reply.blocked", p->m.id, p->rt.name, r.id, code, why);
	if (!strcmp(code, GATE_SENSITIVE))
		flag_for_user(app, p->m.id);
	set_cause(cause, "%s: %s", code, why);
	return 1;
}

/* Put the plan's message in the account's Drafts folder (IMAP accounts);
 * a failure is noted on the row, not fatal. */
static void append_draft(struct app *app, int64_t id, const char *account, const char *raw,
                         size_t len, const struct accounts_io *io)
{
	char *folder = NULL, *err = NULL, *note;

	if (!sync_is_imap(app, account))
		note = xstrdup("kept in va only: the account has no IMAP Drafts folder");
	else if (send_append(app, account, "drafts", "Drafts", raw, len, MSG_DRAFT | MSG_SEEN, io,
	                     &folder, &err) < 0)
		note = xasprintf("not saved to Drafts: %s", err ? err : "unknown error");
	else
		note = NULL;
	if (note)
		store_reply_move(app->store, id, "draft", "draft", NULL, note, 0, NULL);
	free(note);
	free(folder);
	free(err);
}

static int save_draft(struct app *app, struct plan *p, const char *gate, const char *why,
                      const struct accounts_io *io, int64_t *outbox, char **cause)
{
	struct store_reply r;
	char *key = p->automatic ? xasprintf("auto:%lld", (long long)p->m.id)
	                         : unique_key("draft", p->m.id);
	int existed;
	int64_t id;

	plan_row(app, p, &r, "draft", key);
	r.gate = (char *)gate;
	r.error = (char *)why;
	id = store_reply_add(app->store, &r, &existed, cause);
	free(key);
	if (id < 0)
		return -1;
	*outbox = id;
	if (existed)
		return 0;
	append_draft(app, id, p->d.account, p->raw, p->rawlen, io);
	audit_event(app, "reply.draft", p->m.id, p->rt.name, id, gate, why);
	return 0;
}

static int schedule_send(struct app *app, int64_t id, int64_t when, char **cause)
{
	char at[32], args[32], idem[48];
	struct jobs_add_opts o = {
	    .kind = "send_reply", .args = args, .at = at, .idempotency_key = idem};
	int existed;
	int64_t job;

	snprintf(at, sizeof at, "@%lld", (long long)when);
	snprintf(args, sizeof args, "%lld", (long long)id);
	snprintf(idem, sizeof idem, "send_reply-%lld", (long long)id);
	if ((job = jobs_add(app, &o, &existed, cause)) < 0)
		return -1;
	return store_reply_set_job(app->store, id, job, cause);
}

/* The sentence for a limit the store refused. */
static int limit_block(struct app *app, struct plan *p, int verdict, int64_t daily, int days,
                       char **cause)
{
	char *why;
	const char *code;
	int rc;

	if (verdict == SRV_THREAD) {
		code = GATE_THREAD;
		why = xstrdup("va already replied in this thread: never twice in one thread");
	} else if (verdict == SRV_DAILY) {
		code = GATE_DAILY_LIMIT;
		why = xasprintf(
		    "the daily limit of %lld automatic replies ([replies] daily_limit) is "
		    "reached",
		    (long long)daily);
	} else if (verdict == SRV_TEMPLATE_DAILY) {
		code = GATE_DAILY_LIMIT;
		why = xasprintf("template \"%s\" reached its daily_limit of %d replies", p->rt.name,
		                p->rt.t.daily_limit);
	} else {
		code = GATE_SENDER_LIMIT;
		why = xasprintf("%s already got an automatic reply in the last %d days", p->d.to,
		                days);
	}
	rc = block(app, p, code, why, cause);
	free(why);
	return rc;
}

/* Reserve the outbox row under the limits and schedule its send. */
static int queue_auto(struct app *app, struct plan *p, int64_t *outbox, char **cause)
{
	struct store_reply r;
	struct store_reply_limits l;
	int64_t now = time_now(), delay = conf_get_duration(app->conf, "replies", "delay");
	int days = p->rt.t.per_sender_days > 0
	               ? p->rt.t.per_sender_days
	               : (int)conf_get_int(app->conf, "replies", "per_sender_days");
	char *key = xasprintf("auto:%lld", (long long)p->m.id);
	int v;

	plan_row(app, p, &r, "queued", key);
	r.send_after = now + (delay > 0 ? delay : 0);
	memset(&l, 0, sizeof l);
	l.day_since = now - 86400;
	l.daily_limit = conf_get_int(app->conf, "replies", "daily_limit");
	l.template_limit = p->rt.t.daily_limit;
	l.sender_since = days > 0 ? now - (int64_t)days * 86400 : 0;
	l.thread = 1;
	v = store_reply_reserve(app->store, &r, &l, cause);
	free(key);
	if (v < 0)
		return -1;
	if (v == SRV_EXISTS) {
		*outbox = r.id;
		return 0;
	}
	if (v != SRV_OK)
		return limit_block(app, p, v, l.daily_limit, days, cause);
	*outbox = r.id;
	if (schedule_send(app, r.id, r.send_after, cause) < 0) {
		store_reply_move(app->store, r.id, "queued", "failed", NULL,
		                 *cause ? *cause : "cannot schedule the send", 0, NULL);
		return -1;
	}
	audit_event(app, "reply.queued", p->m.id, p->rt.name, r.id, NULL, NULL);
	return 0;
}

/* Approval, then the message gates.  1 blocked, 0 passed, -1. */
static int auto_gates(struct app *app, struct plan *p, char **cause)
{
	struct reply_gate_in in = {.msg = &p->m,
	                           .me = (const char *const *)p->me,
	                           .nme = p->nme,
	                           .sensitive = conf_get(app->conf, "replies", "sensitive"),
	                           .min_confidence = p->rt.t.min_confidence};
	struct reply_block b;
	char *why;
	int rc;

	if (!p->rt.approved) {
		why = p->rt.changed
		          ? xasprintf("template \"%s\" changed since it was approved, so its "
		                      "approval was revoked (review it, then 'va templates "
		                      "approve %s')",
		                      p->rt.name, p->rt.name)
		          : xasprintf("template \"%s\" is not approved ('va templates "
		                      "approve %s')",
		                      p->rt.name, p->rt.name);
		rc = block(app, p, p->rt.changed ? GATE_CHANGED : GATE_NOT_APPROVED, why, cause);
		free(why);
		return rc;
	}
	if (reply_gates_check(&in, GATES_ALL, &b) == 0)
		return 0;
	rc = block(app, p, b.code, b.why, cause);
	reply_block_release(&b);
	return rc;
}

static int auto_reply(struct app *app, struct plan *p, int64_t *outbox, char **cause)
{
	struct accounts_io io;
	int rc;

	if ((rc = auto_gates(app, p, cause)) != 0 || (rc = plan_render(p, cause)) != 0)
		return rc;
	accounts_quiet_io(&io);
	if (!p->rt.t.auto_send || conf_get_bool(app->conf, "replies", "auto_send") != 1) {
		p->automatic = 0; /* a draft for a person to send: no Auto-Submitted */
		plan_build(p);
		p->automatic = 1;
		return save_draft(
		    app, p, p->rt.t.auto_send ? GATE_AUTO_SEND_OFF : GATE_NOT_AUTO,
		    p->rt.t.auto_send
		        ? "automatic sending is off ([replies] auto_send): kept as a draft"
		        : "the template is not for automatic sending (auto: true): kept as "
		          "a draft",
		    &io, outbox, cause);
	}
	plan_build(p);
	return queue_auto(app, p, outbox, cause);
}

int reply_with_template(struct app *app, int64_t msg_id, const char *tmpl, int automatic,
                        int64_t *outbox, char **cause)
{
	struct reply_manual o = {.tmpl = tmpl};
	struct accounts_io io;
	struct plan p;
	char **warn = NULL;
	size_t nwarn = 0, i;
	int rc;

	*outbox = 0;
	if (!automatic) {
		accounts_quiet_io(&io);
		rc = replies_manual(app, msg_id, &o, &io, outbox, &warn, &nwarn, cause);
		for (i = 0; i < nwarn; i++) {
			log_warn("reply to message %lld: %s", (long long)msg_id, warn[i]);
			free(warn[i]);
		}
		free(warn);
		return rc;
	}
	if ((rc = plan_open(app, &p, msg_id, tmpl, cause)) == 0) {
		p.automatic = 1;
		rc = auto_reply(app, &p, outbox, cause);
	}
	plan_release(&p);
	return rc;
}

/* RFC 3834 problems as "CODE: why" strings. */
static void manual_warnings(struct plan *p, char ***warnings, size_t *n)
{
	struct reply_gate_in in = {.msg = &p->m, .me = (const char *const *)p->me, .nme = p->nme};
	struct reply_block b[12];
	size_t k = reply_gates_warnings(&in, b, VA_ARRAY_LEN(b)), i;

	*warnings = xcalloc(k + 1, sizeof **warnings);
	*n = k;
	for (i = 0; i < k; i++) {
		(*warnings)[i] = xasprintf("%s: %s", b[i].code, b[i].why);
		reply_block_release(&b[i]);
	}
}

int replies_manual(struct app *app, int64_t msg_id, const struct reply_manual *o,
                   const struct accounts_io *io, int64_t *outbox, char ***warnings,
                   size_t *nwarnings, char **cause)
{
	struct store_reply r;
	struct plan p;
	char *key;
	int rc, existed;

	*outbox = 0;
	*warnings = NULL;
	*nwarnings = 0;
	if ((rc = plan_open(app, &p, msg_id, o->tmpl, cause)) == 0 &&
	    (rc = plan_render(&p, cause)) == 0) {
		manual_warnings(&p, warnings, nwarnings);
		if (o->subject) {
			free(p.d.subject);
			p.d.subject = xstrdup(o->subject);
		}
		if (o->body) {
			free(p.d.body);
			p.d.body = xstrdup(o->body);
		}
		if (!p.d.body[strspn(p.d.body, " \t\r\n")])
			rc = set_cause(cause, "the reply is empty: nothing was saved or sent");
	}
	if (rc == 0) {
		plan_build(&p);
		if (!o->send)
			rc = save_draft(app, &p, NULL, NULL, io, outbox, cause);
		else {
			key = unique_key("manual", p.m.id);
			plan_row(app, &p, &r, "queued", key);
			r.send_after = time_now();
			if (store_reply_add(app->store, &r, &existed, cause) < 0)
				rc = -1;
			else {
				*outbox = r.id;
				rc = replies_send(app, r.id, io, cause) < 0 ? -1 : 0;
			}
			free(key);
		}
	}
	plan_release(&p);
	return rc;
}

/* Submit the stored bytes, then mark the row sent (or failed). */
static int deliver(struct app *app, const struct store_reply *r, struct send_session **ss,
                   const struct accounts_io *io, char **cause)
{
	const struct account *a = app_account(app, r->account);
	const char *to[1] = {r->recipient};
	const char *crash = getenv("VA_TEST_CRASH_AFTER_SEND");
	const char *slow = getenv("VA_TEST_SEND_DELAY_MS");
	struct send_result res;
	int rc;

	if (!a || !r->raw) {
		set_cause(cause, "reply %lld cannot be sent: %s", (long long)r->id,
		          !a ? "its account is no longer configured" : "its message is missing");
		store_reply_move(app->store, r->id, "sending", "failed", NULL, *cause, 0, NULL);
		return -1;
	}
	memset(&res, 0, sizeof res);
	if (slow)
		usleep((useconds_t)strtoul(slow, NULL, 10) * 1000); /* the tests' slow server */
	if (*ss && strcmp(send_session_account(*ss), r->account)) {
		send_session_free(*ss);
		*ss = NULL;
	}
	if (!*ss)
		*ss = send_session_new(app, r->account, io, cause);
	rc = *ss ? send_session_raw(*ss, a->email, to, 1, r->raw, r->rawlen, &res, cause) : -1;
	if (rc == 0 && crash && !strcmp(crash, "1"))
		_exit(137); /* the tests' crash point: sent and saved, not yet recorded */
	if (rc == 0) {
		store_reply_move(app->store, r->id, "sending", "sent", NULL, res.warning,
		                 time_now(), NULL);
		audit_event(app, "reply.sent", r->message_id, r->template_name, r->id, NULL, NULL);
	} else {
		store_reply_move(app->store, r->id, "sending", "failed", NULL, *cause, 0, NULL);
		audit_event(app, "reply.failed", r->message_id, r->template_name, r->id, "smtp",
		            *cause);
	}
	send_result_release(&res);
	return rc;
}

/* Automatic sending was switched off while the reply waited: keep a draft. */
static int to_draft(struct app *app, const struct store_reply *r, const struct accounts_io *io)
{
	if (store_reply_move(app->store, r->id, "queued", "draft", GATE_AUTO_SEND_OFF,
	                     "automatic sending is off ([replies] auto_send): kept as a draft", 0,
	                     NULL) != 0)
		return 0;
	append_draft(app, r->id, r->account, r->raw, r->rawlen, io);
	audit_event(app, "reply.draft", r->message_id, r->template_name, r->id, GATE_AUTO_SEND_OFF,
	            "automatic sending is off");
	return 0;
}

/* A row left in 'sending' by a process that died: was it sent? */
static int recover(struct app *app, const struct store_reply *r, struct send_session **ss,
                   const struct accounts_io *io, char **cause)
{
	int found = send_in_sent(app, r->account, r->out_message_id, io, cause);

	if (found < 0)
		return 1; /* cannot tell: never send blind */
	if (found == 0) {
		log_info("reply %lld: not in Sent after a restart, sending it", (long long)r->id);
		return deliver(app, r, ss, io, cause);
	}
	log_info("reply %lld: found in Sent after a restart, not sending it again",
	         (long long)r->id);
	store_reply_move(app->store, r->id, "sending", "sent", NULL,
	                 "found in Sent after a restart: not sent again", time_now(), NULL);
	audit_event(app, "reply.sent", r->message_id, r->template_name, r->id, NULL, NULL);
	return 0;
}

/* Rows this process is sending right now.  A row in 'sending' that is not
 * here was left by a process that died, and only such a row is looked up in
 * Sent and sent again: a batch may be delivering a row while the row's own
 * job starts on the other worker.  (One scheduler runs per database, and
 * only schedulers send rows they did not just create.) */
static pthread_mutex_t flight_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t *flight;
static size_t nflight, flight_cap;

static int flight_has(int64_t id)
{
	size_t i;

	for (i = 0; i < nflight; i++)
		if (flight[i] == id)
			return 1;
	return 0;
}

/* Take row id for this thread: 1, or 0 when another thread has it. */
static int flight_take(int64_t id)
{
	int took;

	pthread_mutex_lock(&flight_lock);
	if ((took = !flight_has(id))) {
		xgrow((void **)&flight, &flight_cap, nflight + 1, sizeof *flight);
		flight[nflight++] = id;
	}
	pthread_mutex_unlock(&flight_lock);
	return took;
}

static void flight_drop(int64_t id)
{
	size_t i;

	pthread_mutex_lock(&flight_lock);
	for (i = 0; i < nflight; i++)
		if (flight[i] == id) {
			flight[i] = flight[--nflight];
			break;
		}
	if (nflight == 0) {
		free(flight);
		flight = NULL;
		flight_cap = 0;
	}
	pthread_mutex_unlock(&flight_lock);
}

/* One outbox row, by its state; replies_send's return values. */
static int send_row(struct app *app, int64_t id, struct send_session **ss,
                    const struct accounts_io *io, char **cause)
{
	struct store_reply r;
	int rc;

	if (!flight_take(id))
		return 0; /* another thread of this process is sending it */
	if ((rc = store_reply_get(app->store, id, &r, cause)) != 0) {
		flight_drop(id);
		return rc == 1 ? set_cause(cause, "no reply %lld in the outbox", (long long)id)
		               : -1;
	}
	if (!strcmp(r.state, "sending"))
		rc = recover(app, &r, ss, io, cause);
	else if (strcmp(r.state, "queued"))
		rc = 0; /* sent, cancelled, drafted, failed: nothing to do */
	else if (r.automatic && conf_get_bool(app->conf, "replies", "auto_send") != 1)
		rc = to_draft(app, &r, io);
	else if ((rc = store_reply_move(app->store, id, "queued", "sending", NULL, NULL, 0,
	                                cause)) == 0)
		rc = deliver(app, &r, ss, io, cause);
	else if (rc == 1)
		rc = 0; /* cancelled or taken meanwhile */
	store_reply_release(&r);
	flight_drop(id);
	return rc;
}

static int tried(const int64_t *ids, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* After row `first` went out over *ss, the account's other due rows go out
 * over the same connections, until none is due, one fails (its own job
 * deals with it), the budget is spent or stop says so. */
static size_t send_due(struct app *app, int64_t first, struct send_session **ss,
                       const struct accounts_io *io, const struct replies_batch *b)
{
	int64_t deadline = time_now_ms() + (b->budget_ms > 0 ? b->budget_ms : 20000);
	int64_t *done = xcalloc(1, sizeof *done), *ids = NULL;
	size_t ndone = 1, n = 0, i, sent = 0;
	char *cause = NULL;
	int failed = 0;

	done[0] = first;
	while (!failed && sent < b->max && time_now_ms() < deadline && !(b->stop && b->stop(b->arg))) {
		if (store_reply_due(app->store, send_session_account(*ss), time_now(), 64, &ids, &n,
		                    &cause) < 0 || n == 0)
			break;
		for (i = 0; i < n && tried(done, ndone, ids[i]); i++)
			;
		if (i == n)
			break; /* nothing moved: do not spin */
		for (i = 0; i < n && !failed && sent < b->max; i++) {
			if (tried(done, ndone, ids[i]))
				continue;
			done = xrealloc(done, (ndone + 1) * sizeof *done);
			done[ndone++] = ids[i];
			if (send_row(app, ids[i], ss, io, &cause) != 0)
				failed = 1;
			else
				sent++;
		}
		free(ids);
		ids = NULL;
	}
	if (cause)
		log_info("replies: the batch after reply %lld stopped: %s", (long long)first, cause);
	free(ids);
	free(done);
	free(cause);
	return sent;
}

int replies_send(struct app *app, int64_t id, const struct accounts_io *io, char **cause)
{
	return replies_send_batch(app, id, io, NULL, NULL, cause);
}

int replies_send_batch(struct app *app, int64_t id, const struct accounts_io *io,
                       const struct replies_batch *b, size_t *also, char **cause)
{
	struct send_session *ss = NULL;
	int rc = send_row(app, id, &ss, io, cause);

	if (also)
		*also = 0;
	if (rc == 0 && ss && b && b->max > 0) {
		size_t more = send_due(app, id, &ss, io, b);

		if (also)
			*also = more;
	}
	send_session_free(ss);
	return rc;
}

int replies_cancel(struct app *app, int64_t id, char **cause)
{
	struct store_reply r;
	int rc = store_reply_get(app->store, id, &r, cause);

	if (rc != 0)
		return rc == 1 ? set_cause(cause, "no reply %lld in the outbox", (long long)id)
		               : -1;
	rc = store_reply_move(app->store, id, "queued", "cancelled", NULL,
	                      "cancelled before it was sent", 0, cause);
	if (rc == 1)
		set_cause(cause, "reply %lld is %s, not queued: it can no longer be cancelled",
		          (long long)id, r.state);
	if (rc == 0) {
		if (r.job_id)
			jobs_cancel(app, r.job_id, NULL);
		audit_event(app, "reply.cancelled", r.message_id, r.template_name, id, NULL, NULL);
	}
	store_reply_release(&r);
	return rc;
}


/* ---- the text a person edits ---- */

char *reply_draft_text(const struct reply_draft *d)
{
	return xasprintf("Subject: %s\n\n%s", d->subject ? d->subject : "", d->body ? d->body : "");
}

void reply_text_parse(const char *text, const char *fallback_subject, char **subject, char **body)
{
	const char *nl;

	if (str_starts(text, "Subject:") && (nl = strchr(text, '\n')) != NULL) {
		char *line = xstrndup(text + 8, (size_t)(nl - text - 8));
		*subject = xstrdup(str_trim(line));
		free(line);
		*body = xstrdup(nl + 1 + (nl[1] == '\n'));
	} else {
		*subject = xstrdup(fallback_subject ? fallback_subject : "");
		*body = xstrdup(text);
	}
}
