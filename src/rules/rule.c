/*
 * rule: parse and validate rule files (one rule object or an array of them).
 *
 * Owns the action table and the file-level grammar; conditions are compiled
 * in when.c.  Every problem becomes one "FILE:LINE: PATH: message" string in
 * rs->errors (PATH relative to the rule, line from locate.c); a rule with any
 * error is dropped, the others of the file load.  Nothing here stops at the
 * first error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

static char *check_category(const char *v);
static char *check_duration(const char *v);
static char *check_folder(const char *v);

const struct rule_action_def rule_action_table[] = {
    {"label", "value", 1, "add the label (IMAP keyword) \"value\"", NULL},
    {"unlabel", "value", 1, "remove the label \"value\"", NULL},
    {"flag", NULL, 0, "flag the message", NULL},
    {"unflag", NULL, 0, "clear the flag", NULL},
    {"read", NULL, 0, "mark read", NULL},
    {"unread", NULL, 0, "mark unread", NULL},
    {"archive", NULL, 0, "move to Archive", NULL},
    {"move", "folder", 1, "move to \"folder\"", check_folder},
    {"trash", NULL, 0, "move to Trash", NULL},
    {"set_category", "value", 1,
     "set the category (important, actionable, followup, promotional, spam)", check_category},
    {"reply", "template", 1, "reply with the template \"template\"", NULL},
    {"followup", "after", 1, "remind me if nobody answers within \"after\" (e.g. 3d)",
     check_duration},
    {"notify", "message", 0, "show \"message\" on the status line; run \"notify_command\" if given",
     NULL},
};
const size_t rule_action_count = VA_ARRAY_LEN(rule_action_table);

const struct rule_action_def *rule_action_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < rule_action_count; i++)
		if (!strcmp(rule_action_table[i].name, name))
			return &rule_action_table[i];
	return NULL;
}

static const char *const trigger_names[RT_COUNT] = {"received", "classified", "schedule", "age"};
static const char *const mode_names[] = {"recommend", "auto"};
static const char *const rule_keys[] = {"name", "enabled", "trigger", "schedule",
                                        "when", "then",    "mode",    "stop"};

/* Errors kept per file. */
#define MAX_FILE_ERRORS 100

const char *rule_trigger_name(enum rule_trigger t)
{
	return (unsigned)t < RT_COUNT ? trigger_names[t] : "?";
}

/* --- paths and errors ------------------------------------------------------ */

void rule_push_key(struct rule_pctx *c, const char *key)
{
	xgrow((void **)&c->st, &c->cap, c->n + 1, sizeof(*c->st));
	c->st[c->n].key = key;
	c->st[c->n].nth = 0;
	c->st[c->n++].idx = -1;
}

void rule_push_idx(struct rule_pctx *c, int idx)
{
	xgrow((void **)&c->st, &c->cap, c->n + 1, sizeof(*c->st));
	c->st[c->n].key = NULL;
	c->st[c->n].nth = 0;
	c->st[c->n++].idx = idx;
}

void rule_pop(struct rule_pctx *c)
{
	if (c->n > 0)
		c->n--;
}

static void path_text(const struct rule_pctx *c, size_t upto, struct strbuf *sb)
{
	size_t i;

	for (i = c->base; i < upto; i++) {
		if (c->st[i].key)
			sb_addf(sb, "%s%s", sb->len ? "." : "", c->st[i].key);
		else
			sb_addf(sb, "[%d]", c->st[i].idx);
	}
}

/* Keep an error (NULL: past the limit); past MAX_FILE_ERRORS in a file they
 * are counted but not kept (nor located: each costs a scan of the text). */
static void push_error(struct rule_pctx *c, char *err)
{
	if (++c->nerr > MAX_FILE_ERRORS) {
		free(err);
		if (c->nerr != MAX_FILE_ERRORS + 1)
			return;
		err = xasprintf("%s: more than %d errors; the rest are not shown", c->file,
		                MAX_FILE_ERRORS);
	}
	xgrow((void **)&c->rs->errors, &c->rs->errcap, c->rs->nerrors + 1, sizeof(char *));
	c->rs->errors[c->rs->nerrors++] = err;
}

static void add_err(struct rule_pctx *c, size_t shown, const char *fmt, va_list ap)
{
	struct strbuf sb;
	char *msg;
	int line;

	c->bad = 1;
	if (c->nerr >= MAX_FILE_ERRORS) {
		push_error(c, NULL);
		return;
	}
	msg = xvasprintf(fmt, ap);
	line = rules_json_line(c->text, c->len, c->st, c->n);
	sb_init(&sb);
	path_text(c, shown, &sb);
	push_error(c, sb.len ? xasprintf("%s:%d: %s: %s", c->file, line, sb.buf, msg)
	                     : xasprintf("%s:%d: %s", c->file, line, msg));
	sb_release(&sb);
	free(msg);
}

void rule_err(struct rule_pctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_err(c, c->n, fmt, ap);
	va_end(ap);
}

void rule_err_parent(struct rule_pctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_err(c, c->n > c->base ? c->n - 1 : c->n, fmt, ap);
	va_end(ap);
}

/* A file-level error at line `line` (no path). */
static void file_err(struct rule_pctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void file_err(struct rule_pctx *c, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	push_error(c, xasprintf("%s:%d: %s", c->file, line, msg));
	free(msg);
}

const char *rule_json_type(const cJSON *item)
{
	if (cJSON_IsString(item))
		return "a string";
	if (cJSON_IsNumber(item))
		return "a number";
	if (cJSON_IsBool(item))
		return cJSON_IsTrue(item) ? "true" : "false";
	if (cJSON_IsNull(item))
		return "null";
	if (cJSON_IsArray(item))
		return "an array";
	return "an object";
}

char *rule_hint(const char *word, const char *const *cands, size_t n)
{
	const char *s = str_suggest(word, cands, n);

	return s ? xasprintf(" (did you mean \"%s\"?)", s) : xstrdup("");
}

size_t rule_check_keys(struct rule_pctx *c, const cJSON *obj, const char *const *keys, size_t n)
{
	const cJSON *it, *prev;
	size_t i, before = c->nerr;

	for (it = obj->child; it; it = it->next) {
		const char *k = it->string ? it->string : "";
		for (i = 0; i < n && strcmp(keys[i], k); i++)
			;
		rule_push_key(c, k);
		if (i == n) {
			char *hint = rule_hint(k, keys, n);
			rule_err_parent(c, "unknown key \"%s\"%s", k, hint);
			free(hint);
		} else {
			int nth = 0;
			for (prev = obj->child; prev != it; prev = prev->next)
				nth += !strcmp(prev->string ? prev->string : "", k);
			c->st[c->n - 1].nth = nth;
			if (nth)
				rule_err_parent(c, "duplicate key \"%s\"", k);
		}
		rule_pop(c);
	}
	return c->nerr - before;
}

const char *rule_get_string(struct rule_pctx *c, const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *s = NULL;

	if (!v)
		return NULL;
	rule_push_key(c, key);
	if (!cJSON_IsString(v))
		rule_err(c, "want a string, got %s", rule_json_type(v));
	else if (!v->valuestring[0])
		rule_err(c, "empty");
	else
		s = v->valuestring;
	rule_pop(c);
	return s;
}

/* A boolean member into *out (untouched when absent). */
static void get_bool(struct rule_pctx *c, const cJSON *obj, const char *key, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		return;
	if (cJSON_IsBool(v)) {
		*out = cJSON_IsTrue(v);
		return;
	}
	rule_push_key(c, key);
	rule_err(c, "want true or false, got %s", rule_json_type(v));
	rule_pop(c);
}

/* " (did you mean "x"?)", else " (want "a", "b" or "c")". */
static char *enum_hint(const char *word, const char *const *names, size_t n)
{
	struct strbuf sb;
	size_t i;

	if (str_suggest(word, names, n))
		return rule_hint(word, names, n);
	sb_init(&sb);
	sb_adds(&sb, " (want ");
	for (i = 0; i < n; i++)
		sb_addf(&sb, "%s\"%s\"", i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
	sb_addc(&sb, ')');
	return sb_detach(&sb);
}

/* A string member that must be one of names[0..n); returns its index, or `dflt` when absent. */
static int get_enum(struct rule_pctx *c, const cJSON *obj, const char *key, const char *what,
                    const char *const *names, size_t n, int dflt)
{
	const char *s = rule_get_string(c, obj, key);
	size_t i;
	char *hint;

	if (!s)
		return dflt;
	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	hint = enum_hint(s, names, n);
	rule_push_key(c, key);
	rule_err(c, "unknown %s \"%s\"%s", what, s, hint);
	rule_pop(c);
	free(hint);
	return dflt;
}

/* --- actions ----------------------------------------------------------------- */

static char *check_category(const char *v)
{
	size_t i;
	char *hint, *msg;

	for (i = 0; i < rule_ncategories; i++)
		if (!strcmp(rule_categories[i], v))
			return NULL;
	hint = rule_hint(v, rule_categories, rule_ncategories);
	msg = xasprintf("unknown category \"%s\"%s", v, hint);
	free(hint);
	return msg;
}

static char *check_duration(const char *v)
{
	return duration_parse(v) < 0
	           ? xasprintf("\"%s\" is not a duration (e.g. 30s, 15m, 2h, 3d)", v)
	           : NULL;
}

static char *check_folder(const char *v)
{
	return strchr(v, '/') ? xasprintf("folder \"%s\" must not hold a slash", v) : NULL;
}

static void parse_action(struct rule_pctx *c, const cJSON *o, struct rule_action *out)
{
	const char *keys[3] = {"action", NULL, NULL};
	const struct rule_action_def *def;
	const char *name, *arg = NULL;
	size_t nkeys = 1;
	char *hint;

	if (!cJSON_IsObject(o)) {
		rule_err(c, "want an action object, got %s", rule_json_type(o));
		return;
	}
	name = rule_get_string(c, o, "action");
	if (!name) {
		if (!cJSON_GetObjectItemCaseSensitive(o, "action"))
			rule_err(c, "missing \"action\"");
		return;
	}
	def = rule_action_find(name);
	if (!def) {
		const char *names[VA_ARRAY_LEN(rule_action_table)];
		size_t i;
		for (i = 0; i < rule_action_count; i++)
			names[i] = rule_action_table[i].name;
		hint = rule_hint(name, names, rule_action_count);
		rule_push_key(c, "action");
		rule_err(c, "unknown action \"%s\"%s", name, hint);
		rule_pop(c);
		free(hint);
		return;
	}
	if (def->arg)
		keys[nkeys++] = def->arg;
	if (!strcmp(def->name, "notify"))
		keys[nkeys++] = "notify_command";
	rule_check_keys(c, o, keys, nkeys);
	if (def->arg && (arg = rule_get_string(c, o, def->arg)) != NULL) {
		char *msg = def->check ? def->check(arg) : NULL;
		if (msg) {
			rule_push_key(c, def->arg);
			rule_err(c, "%s", msg);
			rule_pop(c);
			free(msg);
		}
	} else if (def->arg && def->required && !cJSON_GetObjectItemCaseSensitive(o, def->arg))
		rule_err(c, "\"%s\" needs \"%s\"", def->name, def->arg);
	out->name = xstrdup(def->name);
	out->arg = xstrdup(arg);
	if (nkeys == 3)
		out->notify_command = xstrdup(rule_get_string(c, o, "notify_command"));
}

static void parse_then(struct rule_pctx *c, const cJSON *rule, struct rule *r)
{
	const cJSON *then = cJSON_GetObjectItemCaseSensitive(rule, "then"), *it;
	int i = 0;

	if (!then) {
		rule_err(c, "missing \"then\" (a rule needs at least one action)");
		return;
	}
	rule_push_key(c, "then");
	if (!cJSON_IsArray(then))
		rule_err(c, "want an array of actions, got %s", rule_json_type(then));
	else if (!then->child)
		rule_err(c, "empty (a rule needs at least one action)");
	else
		r->then = xcalloc((size_t)cJSON_GetArraySize(then), sizeof(*r->then));
	for (it = cJSON_IsArray(then) ? then->child : NULL; it; it = it->next, i++) {
		rule_push_idx(c, i);
		parse_action(c, it, &r->then[r->nthen++]);
		rule_pop(c);
	}
	rule_pop(c);
}

/* --- one rule ------------------------------------------------------------------ */

/* "M H DoM Mon DoW": exactly five blank-separated fields. */
static size_t cron_fields(const char *s)
{
	size_t n = 0;

	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		n++;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	return n;
}

static void parse_schedule(struct rule_pctx *c, const cJSON *o, struct rule *r)
{
	const char *s = rule_get_string(c, o, "schedule");
	size_t n;

	if (r->trigger != RT_SCHEDULE) {
		if (cJSON_GetObjectItemCaseSensitive(o, "schedule")) {
			rule_push_key(c, "schedule");
			rule_err(c, "only for \"trigger\": \"schedule\"");
			rule_pop(c);
		}
		return;
	}
	if (!s) {
		if (!cJSON_GetObjectItemCaseSensitive(o, "schedule"))
			rule_err(c, "missing \"schedule\" (\"trigger\": \"schedule\" needs a cron "
			            "expression)");
		return;
	}
	n = cron_fields(s);
	if (n != 5) {
		rule_push_key(c, "schedule");
		rule_err(c, "\"%s\" has %zu fields, want 5 (minute hour day month weekday)", s, n);
		rule_pop(c);
		return;
	}
	r->schedule = xstrdup(s);
}

/* Remember the rule's name; a repeat within the file is an error. */
static void check_name(struct rule_pctx *c, struct rule *r, char ***names, int **lines, size_t *nn)
{
	size_t i;

	for (i = 0; i < *nn; i++) {
		if (!strcmp((*names)[i], r->name)) {
			rule_push_key(c, "name");
			rule_err(c, "duplicate rule name \"%s\" (first at line %d)", r->name,
			         (*lines)[i]);
			rule_pop(c);
			return;
		}
	}
	*names = xrealloc(*names, (*nn + 1) * sizeof(**names));
	*lines = xrealloc(*lines, (*nn + 1) * sizeof(**lines));
	(*names)[*nn] = xstrdup(r->name);
	(*lines)[(*nn)++] = r->line;
}

static void rule_hash(const cJSON *o, char out[17])
{
	char *s = cJSON_PrintUnformatted(o);
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)(s ? s : ""); *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	snprintf(out, 17, "%016llx", (unsigned long long)h);
	cJSON_free(s);
}

struct file_names {
	char **names;
	int *lines;
	size_t n;
};

static void parse_rule(struct rule_pctx *c, const cJSON *o, struct file_names *fn)
{
	struct rule r;
	const char *name;
	const cJSON *when;

	memset(&r, 0, sizeof r);
	c->bad = 0;
	r.line = rules_json_line(c->text, c->len, c->st, c->n);
	if (!cJSON_IsObject(o)) {
		size_t base = c->base;
		c->base = 0;
		rule_err(c, "want a rule object, got %s", rule_json_type(o));
		c->base = base;
		return;
	}
	rule_check_keys(c, o, rule_keys, VA_ARRAY_LEN(rule_keys));
	name = rule_get_string(c, o, "name");
	if (!name && !cJSON_GetObjectItemCaseSensitive(o, "name"))
		rule_err(c, "missing \"name\"");
	r.name = xstrdup(name);
	r.file = xstrdup(c->file);
	r.enabled = 1;
	get_bool(c, o, "enabled", &r.enabled);
	get_bool(c, o, "stop", &r.stop);
	r.trigger = (enum rule_trigger)get_enum(c, o, "trigger", "trigger", trigger_names, RT_COUNT,
	                                        RT_RECEIVED);
	parse_schedule(c, o, &r);
	r.mode = (enum rule_mode)get_enum(c, o, "mode", "mode", mode_names,
	                                  VA_ARRAY_LEN(mode_names), RM_RECOMMEND);
	when = cJSON_GetObjectItemCaseSensitive(o, "when");
	if (when) {
		rule_push_key(c, "when");
		r.when = rule_parse_when(c, when);
		rule_pop(c);
	}
	parse_then(c, o, &r);
	if (r.name)
		check_name(c, &r, &fn->names, &fn->lines, &fn->n);
	if (c->bad) {
		rule_release(&r);
		return;
	}
	rule_hash(o, r.hash);
	xgrow((void **)&c->rs->rules, &c->rs->cap, c->rs->n + 1, sizeof(*c->rs->rules));
	c->rs->rules[c->rs->n++] = r;
}

/* --- a file ---------------------------------------------------------------------- */

static int only_blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	return 1;
}

/* "invalid JSON near ..." at the error pointer. */
static void syntax_err(struct rule_pctx *c, const char *at)
{
	size_t off =
	    at && at >= c->text && at <= c->text + c->len ? (size_t)(at - c->text) : c->len;
	char near[24];
	size_t i, n = 0;
	int line;

	if (only_blank(c->text + off, c->text + c->len)) {
		/* at the end: place it on the last line that holds something */
		while (off > 0 && only_blank(c->text + off - 1, c->text + off))
			off--;
		file_err(c, rules_text_line(c->text, c->len, off ? off - 1 : 0),
		         "invalid JSON: unexpected end of file");
		return;
	}
	while (off < c->len && only_blank(c->text + off, c->text + off + 1))
		off++;
	line = rules_text_line(c->text, c->len, off);
	for (i = off; i < c->len && n < 20 && c->text[i] != '\n' && c->text[i] != '\r'; i++)
		near[n++] = (unsigned char)c->text[i] < 0x20 ? ' ' : c->text[i];
	while (n > 0 && ((unsigned char)near[n - 1] & 0xC0) == 0x80)
		n--; /* do not end inside a UTF-8 sequence */
	if (n > 0 && (unsigned char)near[n - 1] >= 0xC0)
		n--;
	near[n] = '\0';
	file_err(c, line, "invalid JSON near '%s'", near);
}

size_t rules_parse(struct ruleset *rs, const char *file, const char *text, size_t len)
{
	struct rule_pctx c;
	struct file_names fn = {NULL, NULL, 0};
	const char *end = NULL;
	cJSON *root, *it;
	int i = 0;

	size_t before = rs->nerrors;

	memset(&c, 0, sizeof c);
	c.rs = rs, c.file = file ? file : "", c.text = text ? text : "", c.len = text ? len : 0;
	if (only_blank(c.text, c.text + c.len)) {
		file_err(&c, 1, "empty file (want a rule object or an array of rules)");
		return rs->nerrors - before;
	}
	root = cJSON_ParseWithLengthOpts(c.text, c.len, &end, 0);
	if (!root || !only_blank(end, c.text + c.len)) {
		syntax_err(&c, end);
		cJSON_Delete(root);
		return rs->nerrors - before;
	}
	if (cJSON_IsArray(root)) {
		for (it = root->child; it; it = it->next, i++) {
			rule_push_idx(&c, i);
			c.base = c.n;
			parse_rule(&c, it, &fn);
			rule_pop(&c);
		}
		if (!root->child)
			file_err(&c, 1, "empty array (want rule objects)");
	} else if (cJSON_IsObject(root)) {
		parse_rule(&c, root, &fn);
	} else {
		file_err(&c, rules_json_line(c.text, c.len, NULL, 0),
		         "want a rule object or an array of rules, got %s", rule_json_type(root));
	}
	for (i = 0; (size_t)i < fn.n; i++)
		free(fn.names[i]);
	free(fn.names);
	free(fn.lines);
	free(c.st);
	cJSON_Delete(root);
	return rs->nerrors - before;
}
