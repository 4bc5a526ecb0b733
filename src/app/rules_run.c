/*
 * rules_run: load the rules, run them over stored mail, and do (or
 * recommend) what they say.  What each rule action does is one row of
 * `execs` below: a new action is one function plus a table line (and its
 * validation row in src/rules/rule.c's rule_action_table).
 */
#include <cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "va/actions.h"
#include "va/app.h"
#include "va/classifier.h"
#include "va/conf.h"
#include "va/jobs.h"
#include "va/log.h"
#include "va/replies.h"
#include "va/rules_run.h"
#include "va/store.h"
#include "va/util.h"

char *rules_user_dir(struct app *app)
{
	const char *slash = app->config_path ? strrchr(app->config_path, '/') : NULL;

	if (!slash)
		return xstrdup("rules");
	return xasprintf("%.*s/rules", (int)(slash - app->config_path), app->config_path);
}

void rules_load(struct app *app, struct ruleset *rs)
{
	char *dir = xasprintf("%s/rules", app->share_dir);

	rules_load_dir(rs, dir);
	free(dir);
	dir = rules_user_dir(app);
	rules_load_dir(rs, dir);
	free(dir);
}

/* ---- what each action does ---- */

typedef int (*exec_fn)(struct app *app, int64_t id, const struct rule_action *a, char **note,
                       char **cause);

/* The triage actions of app/actions.c.  *note "already so" when nothing changed. */
static int exec_triage(struct app *app, int64_t id, enum action_kind k, const char *arg,
                       char **note, char **cause)
{
	struct action_outcome o;

	if (action_apply(app, &id, 1, k, arg, &o, cause) < 0)
		return -1;
	if (o.n == 0)
		*note = xstrdup("already so");
	action_outcome_release(&o);
	return 0;
}

#define TRIAGE(fn, kind)                                                                          \
	static int fn(struct app *app, int64_t id, const struct rule_action *a, char **note,         \
	              char **cause)                                                                   \
	{                                                                                             \
		return exec_triage(app, id, kind, a->arg, note, cause);                                  \
	}
TRIAGE(exec_label, ACT_LABEL)
TRIAGE(exec_unlabel, ACT_UNLABEL)
TRIAGE(exec_flag, ACT_FLAG)
TRIAGE(exec_unflag, ACT_UNFLAG)
TRIAGE(exec_read, ACT_READ)
TRIAGE(exec_unread, ACT_UNREAD)
TRIAGE(exec_archive, ACT_ARCHIVE)
TRIAGE(exec_move, ACT_MOVE)
TRIAGE(exec_trash, ACT_TRASH)
TRIAGE(exec_category, ACT_CATEGORY)

static int exec_followup(struct app *app, int64_t id, const struct rule_action *a, char **note,
                         char **cause)
{
	int64_t after = a->arg ? duration_parse(a->arg) : -1;
	int64_t fid;

	if (after <= 0)
		return set_cause(cause, "bad follow-up delay \"%s\"", a->arg ? a->arg : "");
	if ((fid = jobs_followup(app, id, after, 0, NULL, cause)) < 0)
		return -1;
	*note = xasprintf("follow-up %" PRId64 " due in %s", fid, a->arg);
	return 0;
}

static int exec_reply(struct app *app, int64_t id, const struct rule_action *a, char **note,
                      char **cause)
{
	int64_t outbox = 0;
	int rc = reply_with_template(app, id, a->arg, 1, &outbox, cause);

	if (rc < 0)
		return -1;
	if (rc == 1) {
		*note = xasprintf("blocked: %s", cause && *cause ? *cause : "a gate said no");
		if (cause) {
			free(*cause);
			*cause = NULL;
		}
		return 0;
	}
	*note = xasprintf("reply %" PRId64 " queued", outbox);
	return 0;
}

/* notify: a line in the log and the status line's notice; with
 * notify_command, a one-shot "command" job (no shell, minimal environment,
 * [scheduler] allow_commands must be on) gets the text as its last argument. */
static int exec_notify(struct app *app, int64_t id, const struct rule_action *a, char **note,
                       char **cause)
{
	struct message m;
	char *text;

	message_init(&m);
	if (inbox_show(app, id, &m, cause) != 0) {
		message_release(&m);
		return -1;
	}
	text = a->arg ? xstrdup(a->arg)
	              : xasprintf("%s: %s", m.from_name ? m.from_name : m.from_addr ? m.from_addr : "?",
	                          m.subject ? m.subject : "(no subject)");
	message_release(&m);
	log_info("rule %s: notify: %s", app->rule ? app->rule : "?", text);
	store_kv_set(app->store, "status.notice", text, NULL);
	if (a->notify_command && *a->notify_command) {
		struct jobs_add_opts o;
		cJSON *argv = cJSON_CreateArray();
		int existed = 0;
		char *args;
		int64_t jid;

		cJSON_AddItemToArray(argv, cJSON_CreateString(a->notify_command));
		cJSON_AddItemToArray(argv, cJSON_CreateString(text));
		args = cJSON_PrintUnformatted(argv);
		cJSON_Delete(argv);
		memset(&o, 0, sizeof o);
		o.kind = "command";
		o.args = args;
		jid = jobs_add(app, &o, &existed, cause);
		free(args);
		if (jid < 0) {
			free(text);
			return -1;
		}
	}
	*note = text;
	return 0;
}

static const struct {
	const char *name;
	exec_fn     run;
} execs[] = {
    {"label", exec_label},       {"unlabel", exec_unlabel}, {"flag", exec_flag},
    {"unflag", exec_unflag},     {"read", exec_read},       {"unread", exec_unread},
    {"archive", exec_archive},   {"move", exec_move},       {"trash", exec_trash},
    {"set_category", exec_category}, {"reply", exec_reply},  {"followup", exec_followup},
    {"notify", exec_notify},
};

static exec_fn exec_for(const char *name)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(execs); i++)
		if (!strcmp(execs[i].name, name))
			return execs[i].run;
	return NULL;
}

/* ---- a run ---- */

struct known {
	char  **addr;
	size_t  n, cap;
};

static void known_add(void *arg, const char *text)
{
	struct known *k = arg;

	xgrow((void **)&k->addr, &k->cap, k->n + 1, sizeof(*k->addr));
	k->addr[k->n++] = xstrdup(text);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct run {
	struct app            *app;
	const struct ruleset  *rs;
	int                    flags;
	rules_step_fn          fn;
	void                  *arg;
	struct rules_report   *r;
	struct known           known;
	int64_t               *batch; /* per rule: this run's actions batch (0: none yet) */
	struct rule_msg       *rm;    /* the message being evaluated, folded once */
};

static void step(struct run *x, const struct message *m, const struct rule_hit *h,
                 const struct rule_action *a, const char *outcome)
{
	struct rules_step s;

	if (!x->fn)
		return;
	s.message_id = m->id;
	s.subject = m->subject;
	s.rule = h->rule->name;
	s.why = h->why;
	s.action = a ? a->name : NULL;
	s.arg = a ? a->arg : NULL;
	s.outcome = outcome;
	x->fn(x->arg, &s);
}

static char *args_text(const struct rule_action *a)
{
	cJSON *o;
	char *s;

	if (!a->arg && !a->notify_command)
		return NULL;
	o = cJSON_CreateObject();
	if (a->arg)
		cJSON_AddStringToObject(o, "arg", a->arg);
	if (a->notify_command)
		cJSON_AddStringToObject(o, "notify_command", a->notify_command);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static int recommend(struct run *x, const struct message *m, const struct rule_hit *h,
                     char **cause)
{
	size_t i;

	for (i = 0; i < h->rule->nthen; i++) {
		const struct rule_action *a = &h->rule->then[i];
		char *args = args_text(a);
		int64_t id = store_reco_add(x->app->store, m->id, h->rule->name, a->name, args, h->why,
		                            cause);
		free(args);
		if (id < 0)
			return -1;
		if (id > 0)
			x->r->recommended++;
		step(x, m, h, a, id > 0 ? "recommended" : "already recommended");
	}
	return 0;
}

static int64_t rule_batch(struct run *x, const struct rule *rule, char **cause)
{
	size_t i = (size_t)(rule - x->rs->rules);

	if (x->batch[i] == 0)
		x->batch[i] = store_action_new_batch(x->app->store, cause);
	return x->batch[i];
}

static void execute(struct run *x, const struct message *m, const struct rule_hit *h)
{
	char verdict[64];
	size_t i;

	x->app->origin = "rule";
	x->app->rule = h->rule->name;
	if (m->category) {
		snprintf(verdict, sizeof verdict, "%s %d", m->category, m->confidence);
		x->app->verdict = verdict;
	}
	for (i = 0; i < h->rule->nthen; i++) {
		const struct rule_action *a = &h->rule->then[i];
		exec_fn run = exec_for(a->name);
		char *note = NULL, *cause = NULL, *outcome;

		x->app->batch = rule_batch(x, h->rule, &cause);
		if (!run)
			set_cause(&cause, "no executor for action \"%s\"", a->name);
		if (!run || x->app->batch < 0 || run(x->app, m->id, a, &note, &cause) < 0) {
			x->r->failed++;
			outcome = xasprintf("failed: %s", cause ? cause : "?");
			log_warn("rule %s on message %" PRId64 ": %s: %s", h->rule->name, m->id, a->name,
			         cause ? cause : "?");
		} else {
			x->r->done++;
			outcome = note ? xasprintf("done (%s)", note) : xstrdup("done");
		}
		step(x, m, h, a, outcome);
		free(outcome);
		free(note);
		free(cause);
	}
	x->app->origin = NULL;
	x->app->rule = NULL;
	x->app->verdict = NULL;
	x->app->batch = 0;
}

static int one_message(struct run *x, int64_t id, enum rule_trigger t, const char *name,
                       char **cause)
{
	struct rule_plan plan = {NULL, 0, 0};
	struct rule_env env;
	struct message m;
	size_t i;
	int rc = 0, trig;

	message_init(&m);
	if ((rc = inbox_show(x->app, id, &m, cause)) != 0) {
		message_release(&m);
		return rc == 1 ? 0 : -1; /* gone since the ids were read */
	}
	x->r->messages++;
	env.now = time_now();
	env.replied = -1;
	env.known_sender = m.from_addr && x->known.n &&
	                   bsearch(&m.from_addr, x->known.addr, x->known.n, sizeof(char *), cmp_str);
	rule_msg_set(x->rm, &m);
	for (trig = 0; trig < RT_COUNT; trig++) {
		if (!(x->flags & RULES_ALL_TRIG) && trig != (int)t)
			continue;
		if (!name) {
			rules_eval_all_msg(x->rs, (enum rule_trigger)trig, x->rm, &env, &plan);
			continue;
		}
		for (i = 0; i < x->rs->n; i++) {
			const struct rule *r = &x->rs->rules[i];
			char *why = NULL;
			if (r->trigger == (enum rule_trigger)trig && !strcmp(r->name, name) &&
			    rule_eval_msg(r, x->rm, &env, &why) == 1) {
				xgrow((void **)&plan.hits, &plan.cap, plan.n + 1, sizeof(*plan.hits));
				plan.hits[plan.n].rule = r;
				plan.hits[plan.n++].why = why;
			} else
				free(why);
		}
	}
	for (i = 0; rc == 0 && i < plan.n; i++) {
		const struct rule_hit *h = &plan.hits[i];
		int seen = 0;
		size_t k;

		if (!(x->flags & RULES_REPEAT) &&
		    (seen = store_rule_hit_exists(x->app->store, h->rule->name, m.id, cause)) < 0) {
			rc = -1;
			break;
		}
		if (x->flags & RULES_DRY_RUN) {
			for (k = 0; k < h->rule->nthen; k++)
				step(x, &m, h, &h->rule->then[k],
				     seen                             ? "already applied"
				     : h->rule->mode == RM_AUTO       ? "would do"
				                                      : "would recommend");
			x->r->hits += !seen;
			continue;
		}
		if (seen) {
			for (k = 0; k < h->rule->nthen; k++)
				step(x, &m, h, &h->rule->then[k], "already applied");
			continue;
		}
		x->r->hits++;
		if (h->rule->mode == RM_AUTO)
			execute(x, &m, h);
		else if (recommend(x, &m, h, cause) < 0)
			rc = -1;
		if (rc == 0 &&
		    store_rule_hit_add(x->app->store, h->rule->name, m.id, rule_trigger_name(h->rule->trigger),
		                       h->why, h->rule->mode == RM_AUTO ? x->batch[h->rule - x->rs->rules] : 0,
		                       cause) < 0)
			rc = -1;
	}
	rule_plan_release(&plan);
	message_release(&m);
	return rc;
}

int rules_run(struct app *app, const struct ruleset *rs, enum rule_trigger t, const int64_t *ids,
              size_t n, const char *name, int flags, rules_step_fn fn, void *arg,
              struct rules_report *r, char **cause)
{
	struct run x;
	size_t i;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	memset(&x, 0, sizeof x);
	x.app = app;
	x.rs = rs;
	x.flags = flags;
	x.fn = fn;
	x.arg = arg;
	x.r = r;
	x.batch = xcalloc(rs->n + 1, sizeof(*x.batch));
	x.rm = rule_msg_new();
	store_known_senders(app->store, known_add, &x.known, NULL);
	if (x.known.n)
		qsort(x.known.addr, x.known.n, sizeof(char *), cmp_str);
	for (i = 0; rc == 0 && i < n; i++)
		rc = one_message(&x, ids[i], t, name, cause);
	for (i = 0; i < x.known.n; i++)
		free(x.known.addr[i]);
	free(x.known.addr);
	free(x.batch);
	rule_msg_free(x.rm);
	return rc;
}

/* ---- after sync, import and classification ---- */

static int64_t kv_int(struct app *app, const char *key)
{
	char *v = store_kv_get(app->store, key);
	int64_t n = v ? strtoll(v, NULL, 10) : 0;

	free(v);
	return n;
}

static void kv_put_int(struct app *app, const char *key, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	store_kv_set(app->store, key, buf, NULL);
}

static int run_over(struct app *app, const struct ruleset *rs, enum rule_trigger t,
                    const char *where, int64_t value, struct rules_report *total, char **cause)
{
	struct rules_report r;
	int64_t *ids;
	size_t n, i;
	int any = 0;

	for (i = 0; i < rs->n; i++)
		any |= rs->rules[i].enabled && rs->rules[i].trigger == t;
	if (!any)
		return 0;
	if (store_rule_candidates(app->store, where, value, &ids, &n, cause) < 0)
		return -1;
	if (rules_run(app, rs, t, ids, n, NULL, 0, NULL, NULL, &r, cause) < 0) {
		free(ids);
		return -1;
	}
	free(ids);
	total->messages += r.messages;
	total->hits += r.hits;
	total->done += r.done;
	total->recommended += r.recommended;
	total->failed += r.failed;
	return 0;
}

#define CLASSIFIED_LAG_S 2

int rules_run_pending(struct app *app, struct rules_report *r, size_t *errors, char **cause)
{
	struct ruleset rs;
	int64_t after = kv_int(app, "rules.received_after"), since = kv_int(app, "rules.classified_since");
	int64_t top, now = time_now();
	int rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&rs, 0, sizeof rs);
	rules_load(app, &rs);
	if (errors)
		*errors = rs.nerrors;
	if ((top = store_max_message_id(app->store, cause)) < 0)
		goto out;
	if (run_over(app, &rs, RT_RECEIVED, "after_id", after, r, cause) < 0)
		goto out;
	kv_put_int(app, "rules.received_after", top);
	if (run_over(app, &rs, RT_CLASSIFIED, "classified_since", since, r, cause) < 0)
		goto out;
	/* Verdicts are stamped in whole seconds inside their transaction: one
	 * that straddles a second and commits after the query above has a
	 * stamp before `now`.  The cursor trails by CLASSIFIED_LAG_S, and
	 * rule_hits keeps the overlap from acting twice (the 30-minute soak
	 * left 29 of 30,001 messages unanswered before this). */
	kv_put_int(app, "rules.classified_since", now - CLASSIFIED_LAG_S);
	/* Age rules look at every stored message: at most once per
	 * [scheduler] rules_every, not after every sync. */
	if (now - kv_int(app, "rules.age_ran") >= conf_get_duration(app->conf, "scheduler", "rules_every")) {
		if (run_over(app, &rs, RT_AGE, "all", 0, r, cause) < 0)
			goto out;
		kv_put_int(app, "rules.age_ran", now);
	}
	rc = 0;
out:
	ruleset_release(&rs);
	return rc;
}

/* ---- recommendations ---- */

static int pending_reco(struct app *app, int64_t id, struct store_reco **v, char **cause)
{
	size_t n;

	if (store_reco_list(app->store, "pending", 0, id, v, &n, cause) < 0)
		return -1;
	if (n == 0) {
		store_recos_free(*v, n);
		*v = NULL;
		return 1;
	}
	return 0;
}

int rules_accept(struct app *app, int64_t reco_id, char **cause)
{
	struct rule_action a;
	struct store_reco *v;
	cJSON *args;
	exec_fn run;
	char *note = NULL;
	int rc;

	if ((rc = pending_reco(app, reco_id, &v, cause)) != 0)
		return rc;
	memset(&a, 0, sizeof a);
	a.name = v->action;
	args = v->args ? cJSON_Parse(v->args) : NULL;
	a.arg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(args, "arg"));
	a.notify_command = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(args, "notify_command"));
	if (!(run = exec_for(v->action)))
		rc = set_cause(cause, "recommendation %" PRId64 ": unknown action \"%s\"", reco_id, v->action);
	else {
		app->rule = v->rule;
		rc = run(app, v->message_id, &a, &note, cause);
		app->rule = NULL;
	}
	if (rc == 0)
		rc = store_reco_decide(app->store, reco_id, "accepted", cause) < 0 ? -1 : 0;
	free(note);
	cJSON_Delete(args);
	store_recos_free(v, 1);
	return rc;
}

int rules_reject(struct app *app, int64_t reco_id, char **cause)
{
	int rc = store_reco_decide(app->store, reco_id, "rejected", cause);

	if (rc == 1)
		set_cause(cause, "no pending recommendation %" PRId64, reco_id);
	return rc;
}

int rules_undo_last(struct app *app, const char *name, struct action_outcome *out, char **cause)
{
	int64_t batch = store_rule_last_batch(app->store, name, cause);

	memset(out, 0, sizeof(*out));
	if (batch <= 0)
		return batch < 0 ? -1 : 1;
	return action_undo(app, 0, batch, out, cause);
}

/* ---- enable / disable ---- */

/* The JSON object of rule `name` inside the parsed file (an object or an array). */
static cJSON *rule_object(cJSON *root, const char *name)
{
	cJSON *it;

	if (cJSON_IsObject(root)) {
		it = cJSON_GetObjectItemCaseSensitive(root, "name");
		return cJSON_IsString(it) && !strcmp(it->valuestring, name) ? root : NULL;
	}
	cJSON_ArrayForEach(it, root)
	{
		cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
		if (cJSON_IsString(nm) && !strcmp(nm->valuestring, name))
			return it;
	}
	return NULL;
}

static char *safe_file_name(const char *name)
{
	char *s = xasprintf("%s.json", name), *p;

	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.'))
			*p = '_';
	return s;
}

int rules_set_enabled(struct app *app, const char *name, int enabled, char **path, char **cause)
{
	struct ruleset rs;
	const struct rule *r = NULL;
	char *udir = rules_user_dir(app), *text = NULL, *out = NULL, *file = NULL, *base, *text_nl;
	cJSON *root = NULL, *obj, *keep;
	size_t i, len;
	int rc = -1;

	*path = NULL;
	memset(&rs, 0, sizeof rs);
	rules_load(app, &rs);
	for (i = 0; i < rs.n; i++)
		if (!strcmp(rs.rules[i].name, name))
			r = &rs.rules[i];
	if (!r) {
		rc = 1;
		goto done;
	}
	if (!(text = file_read(r->file, &len, cause)))
		goto done;
	root = cJSON_ParseWithLength(text, len);
	if (!(obj = rule_object(root, name))) {
		set_cause(cause, "%s: rule \"%s\" not found in the file", r->file, name);
		goto done;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "enabled");
	cJSON_AddBoolToObject(obj, "enabled", enabled);
	if (str_starts(r->file, udir) && r->file[strlen(udir)] == '/') {
		file = xstrdup(r->file);
		keep = root;
	} else { /* a shipped default: the user's copy of this one rule overrides it */
		base = safe_file_name(name);
		file = xasprintf("%s/%s", udir, base);
		free(base);
		keep = obj;
		if (mkdir_p(udir, 0700, cause) < 0)
			goto done;
	}
	text_nl = cJSON_Print(keep);
	out = xasprintf("%s\n", text_nl);
	free(text_nl);
	if (file_write_atomic(file, out, strlen(out), 0600, cause) < 0)
		goto done;
	*path = file;
	file = NULL;
	rc = 0;
done:
	cJSON_Delete(root);
	free(out);
	free(file);
	free(text);
	free(udir);
	ruleset_release(&rs);
	return rc;
}

/* ---- the scheduler's part ---- */

int rules_ensure_jobs(struct app *app, char **cause)
{
	const char *every = conf_get(app->conf, "scheduler", "rules_every");
	struct jobs_add_opts o = {.kind = "rules", .every = every ? every : "15m", .key = "rules",
	                          .misfire = "once"};
	struct ruleset rs;
	size_t i;
	int existed, rc = 0;

	if (jobs_add(app, &o, &existed, cause) < 0)
		return -1;
	memset(&rs, 0, sizeof rs);
	rules_load(app, &rs);
	for (i = 0; rc == 0 && i < rs.n; i++) {
		const struct rule *r = &rs.rules[i];
		struct jobs_add_opts c = {.kind = "rules", .misfire = "once"};
		cJSON *args;
		char *key, *text;

		if (r->trigger != RT_SCHEDULE || !r->enabled || !r->schedule)
			continue;
		args = cJSON_CreateObject();
		cJSON_AddStringToObject(args, "rule", r->name);
		text = cJSON_PrintUnformatted(args);
		cJSON_Delete(args);
		key = xasprintf("rules:%s", r->name);
		c.args = text;
		c.cron = r->schedule;
		c.key = key;
		if (jobs_add(app, &c, &existed, cause) < 0) {
			log_warn("rule %s: cannot schedule \"%s\": %s", r->name, r->schedule,
			         cause && *cause ? *cause : "?");
			if (cause) {
				free(*cause);
				*cause = NULL;
			}
		}
		free(key);
		free(text);
	}
	ruleset_release(&rs);
	return rc;
}

int rules_after_sync(struct app *app, size_t *classified, struct rules_report *r,
                     size_t *errors, char **cause)
{
	struct classify_report rep;
	int rc;

	memset(&rep, 0, sizeof rep);
	memset(r, 0, sizeof(*r));
	*classified = 0;
	if (errors)
		*errors = 0;
	rc = classify_messages(app, NULL, 0, 0, &rep, cause);
	*classified = rep.n;
	classify_report_release(&rep);
	if (rc < 0)
		return -1;
	return rules_run_pending(app, r, errors, cause);
}
