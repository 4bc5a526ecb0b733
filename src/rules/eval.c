/*
 * eval: evaluate compiled rules against a message (pure).
 *
 * A struct rule_msg wraps one message for many evaluations: the text a test
 * looks at (from/to/cc split into candidates, subject, body, category, the
 * header index) is prepared lazily, once per message, raw or folded, in
 * buffers reused from message to message.  Evaluating a tree allocates
 * nothing; it notes the deciding test, and the "why" text is only built
 * when the caller asks for it.
 *
 * from matches the sender's address or display name; to and cc match any
 * one recipient's "Name <addr>" entry, address or name.  confidence of an
 * unclassified message and age of a message without a date never satisfy a
 * numeric test.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "va/message.h"
#include "rules_internal.h"

#define NSLOTS (RF_CATEGORY + 1)

struct text_slot {
	int raw_ready, fold_ready;
	struct strbuf raw, fold; /* NUL-separated candidates */
	size_t n;
};

struct hdr {
	const char *name, *val;
	size_t nlen, vlen;
};

struct rule_msg {
	const struct message *m;
	struct text_slot slot[NSLOTS];
	struct hdr *hdrs;
	size_t nhdrs, hcap;
	int hdrs_ready;
	struct strbuf scratch;
};

struct rule_msg *rule_msg_new(void)
{
	return xcalloc(1, sizeof(struct rule_msg));
}

void rule_msg_set(struct rule_msg *rm, const struct message *m)
{
	size_t i;

	rm->m = m;
	for (i = 0; i < NSLOTS; i++)
		rm->slot[i].raw_ready = rm->slot[i].fold_ready = 0;
	rm->hdrs_ready = 0;
}

static void rule_msg_release(struct rule_msg *rm)
{
	size_t i;

	for (i = 0; i < NSLOTS; i++) {
		sb_release(&rm->slot[i].raw);
		sb_release(&rm->slot[i].fold);
	}
	free(rm->hdrs);
	sb_release(&rm->scratch);
}

void rule_msg_free(struct rule_msg *rm)
{
	if (!rm)
		return;
	rule_msg_release(rm);
	free(rm);
}

/* --- candidates ------------------------------------------------------------------ */

/* Add p[0..len) trimmed of blanks (and of quotes when unquote: a display name). */
static void add_cand(struct text_slot *s, const char *p, size_t len, int unquote)
{
	while (len && (*p == ' ' || *p == '\t' || (unquote && *p == '"')))
		p++, len--;
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || (unquote && p[len - 1] == '"')))
		len--;
	sb_add(&s->raw, p, len);
	sb_addc(&s->raw, '\0');
	s->n++;
}

/* One "Name <addr>" entry: itself, its address and its name. */
static void add_entry(struct text_slot *s, const char *p, size_t len)
{
	const char *lt = memchr(p, '<', len), *gt;

	add_cand(s, p, len, 0);
	if (!lt || !(gt = memchr(lt, '>', len - (size_t)(lt - p))))
		return;
	add_cand(s, lt + 1, (size_t)(gt - lt - 1), 0);
	if (lt > p)
		add_cand(s, p, (size_t)(lt - p), 1);
}

/* Split an address list at commas outside quotes and angle brackets. */
static void add_list(struct text_slot *s, const char *list)
{
	const char *p = list, *start = list;
	int quoted = 0, angle = 0;

	for (; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '<' && !quoted)
			angle = 1;
		else if (*p == '>' && !quoted)
			angle = 0;
		else if (*p == ',' && !quoted && !angle) {
			add_entry(s, start, (size_t)(p - start));
			start = p + 1;
		}
	}
	add_entry(s, start, (size_t)(p - start));
}

static const char *single(const struct message *m, enum rule_field_id f)
{
	const char *s = f == RF_SUBJECT ? m->subject : f == RF_BODY ? m->body : m->category;
	return s ? s : "";
}

static void build_raw(struct rule_msg *rm, enum rule_field_id f)
{
	struct text_slot *s = &rm->slot[f];
	const struct message *m = rm->m;

	sb_reset(&s->raw);
	s->n = 0;
	if (f == RF_FROM) {
		if (m->from_addr)
			add_cand(s, m->from_addr, strlen(m->from_addr), 0);
		if (m->from_name)
			add_cand(s, m->from_name, strlen(m->from_name), 1);
		if (!s->n)
			add_cand(s, "", 0, 0);
	} else {
		add_list(s, f == RF_TO ? (m->to ? m->to : "") : (m->cc ? m->cc : ""));
	}
	s->raw_ready = 1;
}

/* The first of the field's candidates (raw or folded); *n gets their count. */
static const char *cands(struct rule_msg *rm, enum rule_field_id f, int fold, size_t *n)
{
	struct text_slot *s = &rm->slot[f];
	int multi = f == RF_FROM || f == RF_TO || f == RF_CC;

	if (!multi && !fold) {
		*n = 1;
		return single(rm->m, f);
	}
	if (multi && !s->raw_ready)
		build_raw(rm, f);
	if (!fold) {
		*n = s->n;
		return s->raw.buf;
	}
	if (!s->fold_ready) {
		sb_reset(&s->fold);
		if (multi) {
			rules_fold(&s->fold, s->raw.buf, s->raw.len);
		} else {
			const char *t = single(rm->m, f);
			rules_fold(&s->fold, t, strlen(t));
			s->n = 1;
		}
		s->fold_ready = 1;
	}
	*n = s->n;
	return s->fold.buf;
}

static void index_headers(struct rule_msg *rm)
{
	const char *p = rm->m->headers, *nl, *colon;

	rm->nhdrs = 0;
	rm->hdrs_ready = 1;
	for (; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		colon = memchr(p, ':', (size_t)(nl - p));
		if (colon) {
			const char *v = colon + 1;
			while (v < nl && (*v == ' ' || *v == '\t'))
				v++;
			xgrow((void **)&rm->hdrs, &rm->hcap, rm->nhdrs + 1, sizeof(*rm->hdrs));
			rm->hdrs[rm->nhdrs++] =
			    (struct hdr){p, v, (size_t)(colon - p), (size_t)(nl - v)};
		}
		if (!*nl)
			break;
	}
}

/* --- tests ------------------------------------------------------------------------ */

static int text_test(const struct rule_node *n, const char *s)
{
	size_t i;

	switch (n->op->id) {
	case OP_EQUALS: return !strcmp(s, n->value);
	case OP_CONTAINS: return strstr(s, n->value) != NULL;
	case OP_WILDCARD: return rules_glob(n->value, s);
	case OP_REGEX: return regexec(&n->re, s, 0, NULL, 0) == 0;
	case OP_IN:
		for (i = 0; i < n->nvalues; i++)
			if (!strcmp(s, n->values[i]))
				return 1;
		return 0;
	default: return 0;
	}
}

/* Header i's value, folded or not, NUL-terminated in rm->scratch. */
static const char *header_value(struct rule_msg *rm, size_t i, int fold)
{
	sb_reset(&rm->scratch);
	if (fold)
		rules_fold(&rm->scratch, rm->hdrs[i].val, rm->hdrs[i].vlen);
	else
		sb_add(&rm->scratch, rm->hdrs[i].val, rm->hdrs[i].vlen);
	return rm->scratch.buf ? rm->scratch.buf : "";
}

static int header_is(const struct hdr *h, const char *name)
{
	return h->nlen == strlen(name) && !strncasecmp(h->name, name, h->nlen);
}

/* Index of the first header named n->header (from `from`) whose value passes, or -1. */
static long header_test(const struct rule_node *n, struct rule_msg *rm, size_t from)
{
	size_t i;

	if (!rm->hdrs_ready)
		index_headers(rm);
	for (i = from; i < rm->nhdrs; i++)
		if (header_is(&rm->hdrs[i], n->header) &&
		    text_test(n, header_value(rm, i, n->icase)))
			return (long)i;
	return -1;
}

static int text_field(const struct rule_node *n, struct rule_msg *rm)
{
	size_t k, nc;
	const char *s;

	if (n->field->id == RF_HEADER)
		return header_test(n, rm, 0) >= 0;
	s = cands(rm, n->field->id, n->icase, &nc);
	for (k = 0; k < nc; k++, s += strlen(s) + 1)
		if (text_test(n, s))
			return 1;
	return 0;
}

/* The field's number into *x; 0 when the message has none (unclassified, no date). */
static int num_of(const struct rule_node *n, const struct message *m, const struct rule_env *env,
                  double *x)
{
	switch (n->field->id) {
	case RF_CONFIDENCE: *x = m->confidence; return m->confidence >= 0;
	case RF_AGE: *x = (double)(env->now - m->date); return m->date > 0;
	default: *x = (double)m->size; return 1;
	}
}

static int bool_of(const struct rule_node *n, const struct message *m, const struct rule_env *env)
{
	switch (n->field->id) {
	case RF_UNREAD: return !(m->flags & MSG_SEEN);
	case RF_FLAGGED: return !!(m->flags & MSG_FLAGGED);
	case RF_REPLIED: return env->replied >= 0 ? !!env->replied : !!(m->flags & MSG_ANSWERED);
	case RF_ATTACHMENT: return m->natt > 0 || m->attach_count > 0;
	default: return !!env->known_sender;
	}
}

static int eval_test(const struct rule_node *n, struct rule_msg *rm, const struct rule_env *env)
{
	double x;

	switch (n->field->kind) {
	case FK_TEXT: return text_field(n, rm);
	case FK_BOOL: return bool_of(n, rm->m, env) == n->boolean;
	case FK_NUM: break;
	}
	if (!num_of(n, rm->m, env, &x))
		return 0;
	switch (n->op->id) {
	case OP_EQUALS: return x == n->num;
	case OP_LT: return x < n->num;
	case OP_LE: return x <= n->num;
	case OP_GT: return x > n->num;
	default: return x >= n->num;
	}
}

/* Evaluate a tree; *leaf gets the test that decided. */
static int eval_node(const struct rule_node *n, struct rule_msg *rm, const struct rule_env *env,
                     const struct rule_node **leaf)
{
	size_t i;

	switch (n->kind) {
	case NK_TEST: *leaf = n; return eval_test(n, rm, env);
	case NK_NOT: return !eval_node(n->kids[0], rm, env, leaf);
	case NK_ALL:
		for (i = 0; i < n->nkids; i++)
			if (!eval_node(n->kids[i], rm, env, leaf))
				return 0;
		return 1;
	case NK_ANY:
		for (i = 0; i < n->nkids; i++)
			if (eval_node(n->kids[i], rm, env, leaf))
				return 1;
		return 0;
	}
	return 0;
}

/* --- why --------------------------------------------------------------------------- */

static void add_quoted(struct strbuf *sb, const char *s)
{
	char *cut = utf8_fit(s, 60, 0);

	sb_addf(sb, "\"%s\"", cut);
	free(cut);
}

static void add_age(struct strbuf *sb, int64_t s)
{
	if (s < 0)
		sb_addf(sb, "%" PRId64 "s", s);
	else if (s >= 86400)
		sb_addf(sb, "%" PRId64 "d%s", s / 86400, "");
	else if (s >= 3600)
		sb_addf(sb, "%" PRId64 "h", s / 3600);
	else if (s >= 60)
		sb_addf(sb, "%" PRId64 "m", s / 60);
	else
		sb_addf(sb, "%" PRId64 "s", s);
	if (s >= 86400 && (s % 86400) / 3600)
		sb_addf(sb, "%" PRId64 "h", (s % 86400) / 3600);
}

/* The text a test looked at, as the user knows it. */
static void add_actual(struct strbuf *sb, const struct rule_node *n, struct rule_msg *rm, int ok)
{
	const struct message *m = rm->m;
	char *both;
	long i;

	switch (n->field->id) {
	case RF_FROM:
		both = m->from_name && m->from_addr
		           ? xasprintf("%s <%s>", m->from_name, m->from_addr)
		           : xstrdup(m->from_addr   ? m->from_addr
		                     : m->from_name ? m->from_name
		                                    : "");
		add_quoted(sb, both);
		free(both);
		return;
	case RF_TO:
	case RF_CC:
		add_quoted(sb, n->field->id == RF_TO ? (m->to ? m->to : "") : (m->cc ? m->cc : ""));
		return;
	case RF_HEADER:
		i = ok ? header_test(n, rm, 0) : -1;
		for (i = i >= 0 ? i : 0;
		     (size_t)i < rm->nhdrs && !header_is(&rm->hdrs[i], n->header); i++)
			;
		if ((size_t)i < rm->nhdrs)
			add_quoted(sb, header_value(rm, (size_t)i, 0));
		else
			sb_adds(sb, "(absent)");
		return;
	case RF_CATEGORY:
		if (!m->category) {
			sb_adds(sb, "(none)");
			return;
		}
		/* fall through */
	default: add_quoted(sb, single(m, n->field->id));
	}
}

static void add_expected(struct strbuf *sb, const struct rule_node *n)
{
	struct strbuf list;
	char *cut;
	size_t i;

	if (n->op->id == OP_REGEX) {
		cut = utf8_fit(n->shown, 60, 0);
		sb_addf(sb, "/%s/", cut);
		free(cut);
	} else if (n->op->id == OP_IN) {
		sb_init(&list);
		for (i = 0; i < n->nvalues; i++)
			sb_addf(&list, "%s\"%s\"", i ? ", " : "", n->values[i]);
		cut = utf8_fit(list.buf, 60, 0);
		sb_addf(sb, "[%s]", cut);
		free(cut);
		sb_release(&list);
	} else {
		add_quoted(sb, n->shown);
	}
}

static char *why_test(const struct rule_node *n, struct rule_msg *rm, const struct rule_env *env)
{
	int ok = eval_test(n, rm, env);
	struct strbuf sb;
	double x;

	sb_init(&sb);
	sb_addf(&sb, "%s: ", n->path);
	if (n->field->id == RF_HEADER)
		sb_addf(&sb, "header:%s ", n->header);
	else
		sb_addf(&sb, "%s ", n->field->name);
	switch (n->field->kind) {
	case FK_BOOL:
		if (ok)
			sb_addf(&sb, "is %s", n->boolean ? "true" : "false");
		else
			sb_addf(&sb, "is %s, not %s", n->boolean ? "false" : "true",
			        n->boolean ? "true" : "false");
		break;
	case FK_TEXT:
		add_actual(&sb, n, rm, ok);
		sb_addf(&sb, " %s%s ", ok ? n->op->yes : n->op->no,
		        n->icase || n->op->id == OP_IN ? "" : " (case-sensitive)");
		add_expected(&sb, n);
		break;
	case FK_NUM:
		if (!num_of(n, rm->m, env, &x))
			sb_adds(&sb, n->field->id == RF_AGE ? "(no date)" : "(unclassified)");
		else if (n->field->id == RF_AGE)
			add_age(&sb, (int64_t)x);
		else
			sb_addf(&sb, "%g", x);
		sb_addf(&sb, " %s %s", ok ? n->op->yes : n->op->no, n->shown);
		break;
	}
	return sb_detach(&sb);
}

/* --- entry points --------------------------------------------------------------------- */

static const struct rule_env *env_or_default(const struct rule_env *env, struct rule_env *dflt)
{
	if (env)
		return env;
	dflt->now = time_now();
	dflt->known_sender = 0;
	dflt->replied = -1;
	return dflt;
}

int rule_eval_msg(const struct rule *r, struct rule_msg *rm, const struct rule_env *env, char **why)
{
	const struct rule_node *leaf = NULL;
	struct rule_env dflt;
	int ok;

	if (!r->enabled) {
		if (why)
			*why = xstrdup("rule disabled");
		return 0;
	}
	env = env_or_default(env, &dflt);
	if (!r->when) {
		if (why)
			*why = xstrdup("no conditions: matches every message");
		return 1;
	}
	ok = eval_node(r->when, rm, env, &leaf);
	if (why)
		*why = leaf ? why_test(leaf, rm, env) : xstrdup(ok ? "matched" : "did not match");
	return ok;
}

int rule_eval(const struct rule *r, const struct message *m, const struct rule_env *env, char **why)
{
	struct rule_msg rm;
	int ok;

	memset(&rm, 0, sizeof rm);
	rule_msg_set(&rm, m);
	ok = rule_eval_msg(r, &rm, env, why);
	rule_msg_release(&rm);
	return ok;
}

size_t rules_eval_all_msg(const struct ruleset *rs, enum rule_trigger t, struct rule_msg *rm,
                          const struct rule_env *env, struct rule_plan *plan)
{
	size_t i, fired = 0;
	char *why;

	for (i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i];
		if (!r->enabled || r->trigger != t || !rule_eval_msg(r, rm, env, NULL))
			continue;
		rule_eval_msg(r, rm, env, &why);
		xgrow((void **)&plan->hits, &plan->cap, plan->n + 1, sizeof(*plan->hits));
		plan->hits[plan->n].rule = r;
		plan->hits[plan->n++].why = why;
		fired++;
		if (r->stop)
			break;
	}
	return fired;
}

size_t rules_eval_all(const struct ruleset *rs, enum rule_trigger t, const struct message *m,
                      const struct rule_env *env, struct rule_plan *plan)
{
	struct rule_msg rm;
	size_t n;

	memset(&rm, 0, sizeof rm);
	rule_msg_set(&rm, m);
	n = rules_eval_all_msg(rs, t, &rm, env, plan);
	rule_msg_release(&rm);
	return n;
}

void rule_plan_release(struct rule_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->hits[i].why);
	free(p->hits);
	memset(p, 0, sizeof *p);
}
