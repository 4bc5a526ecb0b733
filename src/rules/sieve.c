/*
 * sieve: export the rules Sieve can express as an RFC 5228 script.
 *
 * Exported: enabled rules with trigger "received" (Sieve runs at delivery
 * only) whose tests are on from/to/cc/subject/header:NAME (equals -> :is,
 * contains -> :contains, wildcard -> :matches, in -> :is with a string list,
 * regex -> :regex with the "regex" extension) or size (<, <=, >, >= ->
 * :under/:over), combined with all/any/not (allof/anyof/not), and whose
 * actions are move/archive/trash (fileinto "F"/"Archive"/"Trash"),
 * flag/unflag/read/unread/label/unlabel (imap4flags addflag/removeflag,
 * emitted before fileinto so the filed copy carries them), plus "stop".
 * Case-insensitive tests use Sieve's default i;ascii-casemap (ASCII only),
 * sensitive ones i;octet.  equals/wildcard/in on from/to/cc become address
 * tests, which look at the address and not the display name.
 * Everything else (body, category, confidence, age, the booleans; reply,
 * followup, notify, set_category; other triggers; disabled rules) is listed
 * in *skipped with the reason, one line per rule.
 */
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

/* A Sieve quoted string; `glob` also escapes backslashes for :matches. */
static void put_str(struct strbuf *sb, const char *s, int glob)
{
	sb_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '\\' && glob)
			sb_adds(sb, "\\\\");
		if (*s == '"' || *s == '\\')
			sb_addc(sb, '\\');
		sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

/* Why a condition cannot be exported, or NULL; sets *regex when it needs the extension. */
static const char *test_blocker(const struct rule_node *n, int *regex)
{
	size_t i;
	const char *why;

	if (n->kind != NK_TEST) {
		for (i = 0; i < n->nkids; i++)
			if ((why = test_blocker(n->kids[i], regex)) != NULL)
				return why;
		return NULL;
	}
	switch (n->field->id) {
	case RF_FROM:
	case RF_TO:
	case RF_CC:
	case RF_SUBJECT:
	case RF_HEADER:
		if (n->op->id == OP_REGEX)
			*regex = 1;
		return NULL;
	case RF_SIZE: return NULL;
	case RF_BODY: return "a body test";
	default: return "a test on a field Sieve does not see";
	}
}

/* How each exportable action is written; arg NULL: the action's own argument. */
static const struct sieve_action {
	const char *action, *command, *arg;
	int file; /* fileinto: written after the flag commands */
} sieve_actions[] = {
    {"move", "fileinto", NULL, 1},
    {"archive", "fileinto", "Archive", 1},
    {"trash", "fileinto", "Trash", 1},
    {"flag", "addflag", "\\Flagged", 0},
    {"unflag", "removeflag", "\\Flagged", 0},
    {"read", "addflag", "\\Seen", 0},
    {"unread", "removeflag", "\\Seen", 0},
    {"label", "addflag", NULL, 0},
    {"unlabel", "removeflag", NULL, 0},
};

static const struct sieve_action *sieve_action(const char *name)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(sieve_actions); i++)
		if (!strcmp(sieve_actions[i].action, name))
			return &sieve_actions[i];
	return NULL;
}

static const char *action_blocker(const struct rule *r)
{
	size_t i;

	for (i = 0; i < r->nthen; i++)
		if (!sieve_action(r->then[i].name))
			return r->then[i].name;
	return NULL;
}

static void put_text_test(struct strbuf *sb, const struct rule_node *n)
{
	int addr = (n->field->id == RF_FROM || n->field->id == RF_TO || n->field->id == RF_CC) &&
	           (n->op->id == OP_EQUALS || n->op->id == OP_WILDCARD || n->op->id == OP_IN);
	const char *match = n->op->id == OP_CONTAINS   ? ":contains"
	                    : n->op->id == OP_WILDCARD ? ":matches"
	                    : n->op->id == OP_REGEX    ? ":regex"
	                                               : ":is";
	size_t i;

	sb_addf(sb, "%s %s%s ", addr ? "address :all" : "header", match,
	        n->icase ? "" : " :comparator \"i;octet\"");
	if (n->field->id == RF_HEADER)
		put_str(sb, n->header, 0);
	else
		put_str(sb, n->field->name, 0);
	sb_addc(sb, ' ');
	if (n->op->id != OP_IN) {
		put_str(sb, n->shown, n->op->id == OP_WILDCARD);
		return;
	}
	sb_addc(sb, '[');
	for (i = 0; i < n->nvalues; i++) {
		if (i)
			sb_adds(sb, ", ");
		put_str(sb, n->values[i], 0);
	}
	sb_addc(sb, ']');
}

static void put_size_test(struct strbuf *sb, const struct rule_node *n)
{
	long long v = (long long)n->num;

	switch (n->op->id) {
	case OP_GT: sb_addf(sb, "size :over %lld", v); break;
	case OP_GE: sb_addf(sb, "size :over %lld", v > 0 ? v - 1 : 0); break;
	case OP_LT: sb_addf(sb, "size :under %lld", v); break;
	default: sb_addf(sb, "size :under %lld", v + 1); break;
	}
}

static void put_test(struct strbuf *sb, const struct rule_node *n)
{
	size_t i;

	switch (n->kind) {
	case NK_NOT:
		sb_adds(sb, "not ");
		put_test(sb, n->kids[0]);
		return;
	case NK_ALL:
	case NK_ANY:
		sb_adds(sb, n->kind == NK_ALL ? "allof(" : "anyof(");
		for (i = 0; i < n->nkids; i++) {
			if (i)
				sb_adds(sb, ", ");
			put_test(sb, n->kids[i]);
		}
		sb_addc(sb, ')');
		return;
	case NK_TEST:
		if (n->field->id == RF_SIZE)
			put_size_test(sb, n);
		else
			put_text_test(sb, n);
	}
}

static void put_actions(struct strbuf *sb, const struct rule *r)
{
	size_t i;
	int pass;

	/* flags first: imap4flags applies the current flags at each fileinto */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < r->nthen; i++) {
			const struct sieve_action *a = sieve_action(r->then[i].name);
			if (a->file != pass)
				continue;
			sb_addf(sb, "  %s ", a->command);
			put_str(sb, a->arg ? a->arg : r->then[i].arg, 0);
			sb_adds(sb, ";\n");
		}
	}
	if (r->stop)
		sb_adds(sb, "  stop;\n");
}

/* A comment line: the rule's name without line breaks. */
static void put_comment(struct strbuf *sb, const struct rule *r)
{
	const char *p;

	sb_adds(sb, "\n# rule \"");
	for (p = r->name; *p; p++)
		sb_addc(sb, *p == '\n' || *p == '\r' ? ' ' : *p);
	sb_addf(sb, "\" (%s:%d)%s\n", r->file, r->line,
	        r->mode == RM_RECOMMEND ? ", a recommendation in va, acts at delivery here" : "");
}

void rules_export_sieve(const struct ruleset *rs, char **script, char **skipped)
{
	struct strbuf body, skip, out;
	size_t i;
	int regex = 0;

	sb_init(&body);
	sb_init(&skip);
	for (i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i];
		const char *why, *act;
		int re = 0;
		if (!r->enabled) {
			sb_addf(&skip, "%s: disabled\n", r->name);
		} else if (r->trigger != RT_RECEIVED) {
			sb_addf(&skip, "%s: trigger \"%s\" (Sieve runs only at delivery)\n",
			        r->name, rule_trigger_name(r->trigger));
		} else if (r->when && (why = test_blocker(r->when, &re)) != NULL) {
			sb_addf(&skip, "%s: %s has no Sieve equivalent\n", r->name, why);
		} else if ((act = action_blocker(r)) != NULL) {
			sb_addf(&skip, "%s: action \"%s\" has no Sieve equivalent\n", r->name, act);
		} else {
			regex |= re;
			put_comment(&body, r);
			sb_adds(&body, "if ");
			if (r->when)
				put_test(&body, r->when);
			else
				sb_adds(&body, "true");
			sb_adds(&body, " {\n");
			put_actions(&body, r);
			sb_adds(&body, "}\n");
		}
	}
	sb_init(&out);
	sb_adds(&out,
	        "# Sieve (RFC 5228) generated by va from its rules; edit the rules, not this\n");
	sb_addf(&out, "require [\"fileinto\", \"imap4flags\"%s];\n", regex ? ", \"regex\"" : "");
	sb_add(&out, body.buf, body.len);
	sb_release(&body);
	*script = sb_detach(&out);
	*skipped = sb_detach(&skip);
}
