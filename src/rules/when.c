/*
 * when: compile a rule's condition ("when") into a tree of rule_node.
 *
 * A condition is a test {"field", "op", "value", "case"} or one of
 * {"all": [...]}, {"any": [...]}, {"not": X}, nested freely.  The field and
 * operator tables below decide what is valid: which ops a field takes and
 * what its value must be.  Values are prepared for evaluation here (folded
 * for case-insensitive tests, regexes compiled, durations and sizes turned
 * into numbers) so evaluation does no parsing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

const struct rule_field_def rule_field_table[] = {
    {"from", RF_FROM, FK_TEXT, OPS_TEXT},
    {"to", RF_TO, FK_TEXT, OPS_TEXT},
    {"cc", RF_CC, FK_TEXT, OPS_TEXT},
    {"subject", RF_SUBJECT, FK_TEXT, OPS_TEXT},
    {"body", RF_BODY, FK_TEXT, OPS_TEXT},
    {"header:", RF_HEADER, FK_TEXT, OPS_TEXT},
    {"category", RF_CATEGORY, FK_TEXT, OPS_TEXT},
    {"confidence", RF_CONFIDENCE, FK_NUM, OPS_CMP | (1u << OP_EQUALS)},
    {"age", RF_AGE, FK_NUM, OPS_CMP},
    {"size", RF_SIZE, FK_NUM, OPS_CMP},
    {"unread", RF_UNREAD, FK_BOOL, 1u << OP_EQUALS},
    {"flagged", RF_FLAGGED, FK_BOOL, 1u << OP_EQUALS},
    {"replied", RF_REPLIED, FK_BOOL, 1u << OP_EQUALS},
    {"attachment", RF_ATTACHMENT, FK_BOOL, 1u << OP_EQUALS},
    {"known_sender", RF_KNOWN_SENDER, FK_BOOL, 1u << OP_EQUALS},
};
const size_t rule_field_count = VA_ARRAY_LEN(rule_field_table);

const struct rule_op_def rule_op_table[] = {
    {"equals", OP_EQUALS, "equals", "is not equal to"},
    {"contains", OP_CONTAINS, "contains", "does not contain"},
    {"wildcard", OP_WILDCARD, "matches", "does not match"},
    {"regex", OP_REGEX, "matches", "does not match"},
    {"in", OP_IN, "is in", "is not in"},
    {"<", OP_LT, "<", "is not <"},
    {"<=", OP_LE, "<=", "is not <="},
    {">", OP_GT, ">", "is not >"},
    {">=", OP_GE, ">=", "is not >="},
};
const size_t rule_op_count = VA_ARRAY_LEN(rule_op_table);

const char *const rule_categories[] = {"important", "actionable", "followup", "promotional",
                                       "spam"};
const size_t rule_ncategories = VA_ARRAY_LEN(rule_categories);

static const char *const test_keys[] = {"field", "op", "value", "case"};
static const char *const combo_keys[] = {"all", "any", "not"};
static const char *const case_names[] = {"insensitive", "sensitive"};

void rule_node_free(struct rule_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		rule_node_free(n->kids[i]);
	free(n->kids);
	for (i = 0; i < n->nvalues; i++)
		free(n->values[i]);
	free(n->values);
	if (n->has_re)
		regfree(&n->re);
	free(n->header);
	free(n->value);
	free(n->shown);
	free(n->path);
	free(n);
}

static struct rule_node *node_new(struct rule_pctx *c, enum rule_node_kind kind)
{
	struct rule_node *n = xcalloc(1, sizeof *n);
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	for (i = c->base; i < c->n; i++) {
		if (c->st[i].key)
			sb_addf(&sb, "%s%s", sb.len ? "." : "", c->st[i].key);
		else
			sb_addf(&sb, "[%d]", c->st[i].idx);
	}
	n->path = sb_detach(&sb);
	n->kind = kind;
	return n;
}

/* --- field, op, case ------------------------------------------------------------ */

static const struct rule_field_def *find_field(struct rule_pctx *c, const char *f, char **header)
{
	const char *names[VA_ARRAY_LEN(rule_field_table)];
	size_t i;
	char *hint;

	if (!strncmp(f, "header:", 7)) {
		if (!f[7] || strpbrk(f + 7, ": \t")) {
			rule_err(c, "\"%s\": want header:NAME, e.g. header:List-Id", f);
			return NULL;
		}
		*header = xstrdup(f + 7);
		return &rule_field_table[RF_HEADER];
	}
	for (i = 0; i < rule_field_count; i++) {
		if (!strcmp(rule_field_table[i].name, f))
			return i == RF_HEADER ? NULL : &rule_field_table[i];
		names[i] = i == RF_HEADER ? "header:NAME" : rule_field_table[i].name;
	}
	hint = rule_hint(f, names, rule_field_count);
	rule_err(c, "unknown field \"%s\"%s", f, hint);
	free(hint);
	return NULL;
}

static const struct rule_op_def *find_op(struct rule_pctx *c, const char *op)
{
	const char *names[VA_ARRAY_LEN(rule_op_table)];
	size_t i;
	char *hint;

	for (i = 0; i < rule_op_count; i++) {
		if (!strcmp(rule_op_table[i].name, op))
			return &rule_op_table[i];
		names[i] = rule_op_table[i].name;
	}
	hint = rule_hint(op, names, rule_op_count);
	rule_err(c, "unknown op \"%s\"%s", op, hint);
	free(hint);
	return NULL;
}

/* "equals, <, <=, >, >=": the ops a field takes, for messages. */
static char *ops_of(const struct rule_field_def *f)
{
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	for (i = 0; i < rule_op_count; i++)
		if (f->ops & (1u << rule_op_table[i].id))
			sb_addf(&sb, "%s%s", sb.len ? ", " : "", rule_op_table[i].name);
	return sb_detach(&sb);
}

/* --- values ---------------------------------------------------------------------- */

static int check_category(struct rule_pctx *c, const char *v)
{
	size_t i;
	char *hint;

	for (i = 0; i < rule_ncategories; i++)
		if (!str_casecmp_ascii(rule_categories[i], v))
			return 0;
	hint = rule_hint(v, rule_categories, rule_ncategories);
	rule_err(c, "unknown category \"%s\"%s", v, hint);
	free(hint);
	return -1;
}

static void compile_regex(struct rule_pctx *c, struct rule_node *n, const char *pat)
{
	int flags = REG_EXTENDED | REG_NOSUB | (n->icase ? REG_ICASE : 0), rc;
	double cost = rules_regex_cost(pat);
	char msg[256], *p, *shown = utf8_fit(pat, 60, 0);

	if (cost < 0) {
		rule_err(c, "bad regex \"%s\": back-references are not supported", shown);
	} else if (cost > RULES_REGEX_MAX_COST) {
		rule_err(c,
		         "bad regex \"%s\": too complex (too long, nested too deep, stacked "
		         "quantifiers or too much repetition)",
		         shown);
	} else {
		p = n->icase ? rules_fold_regex(pat) : xstrdup(pat);
		rc = regcomp(&n->re, p, flags);
		if (rc == 0) {
			n->has_re = 1;
		} else {
			regerror(rc, &n->re, msg, sizeof msg);
			rule_err(c, "bad regex \"%s\": %s", shown, msg);
		}
		free(p);
	}
	free(shown);
}

static void text_value(struct rule_pctx *c, struct rule_node *n, const cJSON *v)
{
	const cJSON *it;
	int i = 0;

	if (n->op->id != OP_IN) {
		if (!cJSON_IsString(v)) {
			rule_err(c, "want a string, got %s", rule_json_type(v));
			return;
		}
		n->shown = xstrdup(v->valuestring);
		if (n->field->id == RF_CATEGORY && n->op->id == OP_EQUALS &&
		    check_category(c, v->valuestring) < 0)
			return;
		if (n->op->id == OP_REGEX)
			compile_regex(c, n, v->valuestring);
		else
			n->value =
			    n->icase ? rules_fold_str(v->valuestring) : xstrdup(v->valuestring);
		return;
	}
	if (!cJSON_IsArray(v) || !v->child) {
		rule_err(c,
		         cJSON_IsArray(v) ? "empty (want at least one string)"
		                          : "want an array of strings, got %s",
		         rule_json_type(v));
		return;
	}
	n->values = xcalloc((size_t)cJSON_GetArraySize(v), sizeof(char *));
	for (it = v->child; it; it = it->next, i++) {
		rule_push_idx(c, i);
		if (!cJSON_IsString(it))
			rule_err(c, "want a string, got %s", rule_json_type(it));
		else if (n->field->id != RF_CATEGORY || check_category(c, it->valuestring) == 0)
			n->values[n->nvalues++] =
			    n->icase ? rules_fold_str(it->valuestring) : xstrdup(it->valuestring);
		rule_pop(c);
	}
}

static void num_value(struct rule_pctx *c, struct rule_node *n, const cJSON *v)
{
	int64_t x;

	if (cJSON_IsNumber(v)) {
		n->num = v->valuedouble;
		n->shown = xasprintf("%g", v->valuedouble);
		return;
	}
	if (n->field->id == RF_CONFIDENCE || !cJSON_IsString(v)) {
		rule_err(c, "want a number%s, got %s",
		         n->field->id == RF_AGE    ? " or a duration"
		         : n->field->id == RF_SIZE ? " or a size"
		                                   : "",
		         rule_json_type(v));
		return;
	}
	x = n->field->id == RF_AGE ? duration_parse(v->valuestring) : size_parse(v->valuestring);
	if (x < 0) {
		rule_err(c,
		         n->field->id == RF_AGE ? "\"%s\" is not a duration (e.g. 30s, 15m, 2h, 3d)"
		                                : "\"%s\" is not a size (e.g. 64k, 256M, 1G)",
		         v->valuestring);
		return;
	}
	n->num = (double)x;
	n->shown = xstrdup(v->valuestring);
}

static void set_value(struct rule_pctx *c, struct rule_node *n, const cJSON *v)
{
	rule_push_key(c, "value");
	switch (n->field->kind) {
	case FK_TEXT: text_value(c, n, v); break;
	case FK_NUM: num_value(c, n, v); break;
	case FK_BOOL:
		if (cJSON_IsBool(v))
			n->boolean = cJSON_IsTrue(v);
		else
			rule_err(c, "want true or false, got %s", rule_json_type(v));
		break;
	}
	rule_pop(c);
}

/* "case": 1 for insensitive (the default), 0 for sensitive. */
static int get_case(struct rule_pctx *c, const cJSON *o)
{
	const char *s = rule_get_string(c, o, "case");
	char *hint;

	if (!s || !strcmp(s, "insensitive"))
		return 1;
	if (!strcmp(s, "sensitive"))
		return 0;
	hint = rule_hint(s, case_names, VA_ARRAY_LEN(case_names));
	rule_push_key(c, "case");
	rule_err(c, "unknown case \"%s\"%s", s, hint);
	rule_pop(c);
	free(hint);
	return 1;
}

/* --- tests and combinators --------------------------------------------------------- */

static struct rule_node *parse_test(struct rule_pctx *c, const cJSON *o)
{
	struct rule_node *n = node_new(c, NK_TEST);
	const char *f, *op;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
	size_t before = c->nerr;
	char *ops;

	rule_check_keys(c, o, test_keys, VA_ARRAY_LEN(test_keys));
	f = rule_get_string(c, o, "field");
	op = rule_get_string(c, o, "op");
	n->icase = get_case(c, o);
	if (!f && !cJSON_GetObjectItemCaseSensitive(o, "field"))
		rule_err(c, "missing \"field\"");
	if (!op && !cJSON_GetObjectItemCaseSensitive(o, "op"))
		rule_err(c, "missing \"op\"");
	if (!v)
		rule_err(c, "missing \"value\"");
	rule_push_key(c, "field");
	n->field = f ? find_field(c, f, &n->header) : NULL;
	rule_pop(c);
	rule_push_key(c, "op");
	n->op = op ? find_op(c, op) : NULL;
	if (n->field && n->op && !(n->field->ops & (1u << n->op->id))) {
		ops = ops_of(n->field);
		rule_err(c, "\"%s\" does not apply to %s (use %s)", n->op->name, f, ops);
		free(ops);
	}
	rule_pop(c);
	if (c->nerr == before && v)
		set_value(c, n, v);
	if (c->nerr != before) {
		rule_node_free(n);
		return NULL;
	}
	return n;
}

static struct rule_node *parse_combo(struct rule_pctx *c, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key), *it;
	struct rule_node *n = node_new(c, !strcmp(key, "all")   ? NK_ALL
	                                  : !strcmp(key, "any") ? NK_ANY
	                                                        : NK_NOT);
	size_t before = c->nerr;
	int i = 0;

	rule_check_keys(c, o, combo_keys, VA_ARRAY_LEN(combo_keys));
	rule_push_key(c, key);
	if (n->kind == NK_NOT) {
		n->kids = xcalloc(1, sizeof(*n->kids));
		n->kids[0] = rule_parse_when(c, v);
		n->nkids = 1;
	} else if (!cJSON_IsArray(v)) {
		rule_err(c, "want an array of conditions, got %s", rule_json_type(v));
	} else if (!v->child) {
		rule_err(c, "empty (want at least one condition)");
	} else {
		n->kids = xcalloc((size_t)cJSON_GetArraySize(v), sizeof(*n->kids));
		for (it = v->child; it; it = it->next, i++) {
			rule_push_idx(c, i);
			n->kids[n->nkids++] = rule_parse_when(c, it);
			rule_pop(c);
		}
	}
	rule_pop(c);
	if (c->nerr != before) {
		rule_node_free(n);
		return NULL;
	}
	return n;
}

struct rule_node *rule_parse_when(struct rule_pctx *c, const cJSON *item)
{
	size_t i, ncombo = 0;
	const char *key = NULL;

	if (!cJSON_IsObject(item)) {
		rule_err(c, "want a test or {\"all\"|\"any\"|\"not\": ...}, got %s",
		         rule_json_type(item));
		return NULL;
	}
	for (i = 0; i < VA_ARRAY_LEN(combo_keys); i++) {
		if (cJSON_GetObjectItemCaseSensitive(item, combo_keys[i])) {
			key = key ? key : combo_keys[i];
			ncombo++;
		}
	}
	if (ncombo > 1) {
		rule_err(c, "want one of \"all\", \"any\", \"not\" per object, got %zu", ncombo);
		return NULL;
	}
	return key ? parse_combo(c, item, key) : parse_test(c, item);
}
