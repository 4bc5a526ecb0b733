/*
 * reply_gate: the message gates before an automatic reply, as a table run in
 * order (RFC 3834 first, then sensitive topics, then confidence).
 */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "va/message.h"
#include "va/reply_gate.h"
#include "va/util.h"

void reply_block_release(struct reply_block *b)
{
	free(b->why);
	b->why = NULL;
	b->code = NULL;
}

char *reply_header(const char *headers, const char *name)
{
	size_t n = strlen(name);
	const char *p = headers;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > n && p[n] == ':' && !strncasecmp(p, name, n)) {
			char *v = xstrndup(p + n + 1, len - n - 1), *t = str_trim(v),
			     *r = xstrdup(t);

			free(v);
			return r;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

char *reply_address(const char *text)
{
	const char *lt, *s, *e;
	char *a;
	size_t i;

	if (!text)
		return NULL;
	lt = strchr(text, '<');
	if (lt && strchr(lt, '>')) {
		s = lt + 1;
		e = strchr(lt, '>');
	} else {
		s = text + strspn(text, " \t");
		e = s + strcspn(s, " \t,;");
	}
	a = xstrndup(s, (size_t)(e - s));
	for (i = 0; a[i]; i++)
		a[i] = (char)tolower((unsigned char)a[i]);
	if (!strchr(a, '@') || a[0] == '@') {
		free(a);
		return NULL;
	}
	return a;
}

int reply_is_noreply(const char *addr)
{
	static const char *const exact[] = {"mailer-daemon", "postmaster", "bounce", "bounces"};
	static const char *const part[] = {"noreply",    "no-reply",     "no_reply",
	                                   "donotreply", "do-not-reply", "do_not_reply"};
	const char *at = addr ? strchr(addr, '@') : NULL;
	char *local;
	size_t i;
	int hit = 0;

	if (!at)
		return 0;
	local = xstrndup(addr, (size_t)(at - addr));
	for (i = 0; local[i]; i++)
		local[i] = (char)tolower((unsigned char)local[i]);
	for (i = 0; !hit && i < VA_ARRAY_LEN(exact); i++)
		hit = !strcmp(local, exact[i]) ||
		      (str_starts(local, exact[i]) && local[strlen(exact[i])] == '+');
	for (i = 0; !hit && i < VA_ARRAY_LEN(part); i++)
		hit = strstr(local, part[i]) != NULL;
	hit = hit || str_starts(local, "bounce-") || str_starts(local, "bounces-");
	free(local);
	return hit;
}

/* ---- the gates: each returns 1 and sets *why when it blocks ---- */

/* A header from the parsed fields, else from the header block. */
static char *field(const struct message *m, const char *parsed, const char *name)
{
	return parsed ? xstrdup(parsed) : reply_header(m->headers, name);
}

static int gate_auto_submitted(const struct reply_gate_in *in, char **why)
{
	char *v = field(in->msg, in->msg->auto_submitted, "Auto-Submitted");
	size_t k = v ? strcspn(v, " \t;(") : 0;
	int block = v && *v && !(k == 2 && !strncasecmp(v, "no", 2));

	if (block)
		*why =
		    xasprintf("the message is automatic (Auto-Submitted: %s): RFC 3834 says never "
		              "to answer it",
		              v);
	free(v);
	return block;
}

static int gate_list(const struct reply_gate_in *in, char **why)
{
	char *id = field(in->msg, in->msg->list_id, "List-Id");
	char *un = field(in->msg, in->msg->list_unsubscribe, "List-Unsubscribe");
	int block = (id && *id) || (un && *un);

	if (block)
		*why = xasprintf("the message came through a mailing list (%s: %s)",
		                 id && *id ? "List-Id" : "List-Unsubscribe", id && *id ? id : un);
	free(id);
	free(un);
	return block;
}

static int gate_precedence(const struct reply_gate_in *in, char **why)
{
	static const char *const bad[] = {"bulk", "list", "junk"};
	char *v = field(in->msg, in->msg->precedence, "Precedence");
	size_t i;
	int block = 0;

	for (i = 0; v && !block && i < VA_ARRAY_LEN(bad); i++)
		block = !str_casecmp_ascii(v, bad[i]);
	if (block)
		*why = xasprintf("the message is bulk mail (Precedence: %s)", v);
	free(v);
	return block;
}

static int gate_return_path(const struct reply_gate_in *in, char **why)
{
	char *v = reply_header(in->msg->headers, "Return-Path");
	int block = v && (!*v || !strcmp(v, "<>") || !strcmp(v, "< >"));

	if (block)
		*why = xstrdup("the message has an empty Return-Path (<>): it is a bounce or a "
		               "notification");
	free(v);
	return block;
}

/* Who a reply would go to: Reply-To, else From (caller frees). */
static char *recipient(const struct message *m)
{
	char *r = reply_address(m->reply_to);

	return r ? r : reply_address(m->from_addr);
}

static int gate_no_reply(const struct reply_gate_in *in, char **why)
{
	char *to = recipient(in->msg);
	const char *hit = NULL;

	if (reply_is_noreply(in->msg->from_addr))
		hit = in->msg->from_addr;
	else if (to && reply_is_noreply(to))
		hit = to;
	if (hit)
		*why = xasprintf("the sender \"%s\" is a no-reply or system address", hit);
	free(to);
	return hit != NULL;
}

static int gate_recipient(const struct reply_gate_in *in, char **why)
{
	char *to = recipient(in->msg);
	int none = to == NULL;

	if (none)
		*why = xstrdup("the message has no sender address to answer");
	free(to);
	return none;
}

static int is_me(const struct reply_gate_in *in, const char *addr)
{
	size_t i;

	for (i = 0; addr && i < in->nme; i++)
		if (in->me[i] && !str_casecmp_ascii(addr, in->me[i]))
			return 1;
	return 0;
}

static int gate_self(const struct reply_gate_in *in, char **why)
{
	char *to = recipient(in->msg);
	const char *hit = is_me(in, in->msg->from_addr) ? in->msg->from_addr
	                  : is_me(in, to)               ? to
	                                                : NULL;

	if (hit)
		*why = xasprintf("the message is from you (%s)", hit);
	free(to);
	return hit != NULL;
}

/* Search text for the compiled pattern; the first match into *why. */
static int search_sensitive(const regex_t *re, const char *text, const char *where, char **why)
{
	regmatch_t m;
	char *hit;

	if (!text || regexec(re, text, 1, &m, 0) != 0)
		return 0;
	hit = xstrndup(text + m.rm_so, (size_t)(m.rm_eo - m.rm_so > 60 ? 60 : m.rm_eo - m.rm_so));
	*why = xasprintf("the %s mentions a sensitive topic (\"%s\"): left for you to answer",
	                 where, hit);
	free(hit);
	return 1;
}

static int gate_sensitive(const struct reply_gate_in *in, char **why)
{
	regex_t re;
	char err[160];
	int rc;

	if (!in->sensitive || !*in->sensitive)
		return 0;
	if ((rc = regcomp(&re, in->sensitive, REG_EXTENDED | REG_ICASE | REG_NEWLINE)) != 0) {
		regerror(rc, &re, err, sizeof err);
		*why =
		    xasprintf("the [replies] sensitive pattern does not compile (%s): nothing is "
		              "sent automatically until it is fixed",
		              err);
		return -1;
	}
	rc = search_sensitive(&re, in->msg->subject, "subject", why) ||
	     search_sensitive(&re, in->msg->body, "message", why);
	regfree(&re);
	return rc;
}

static int gate_confidence(const struct reply_gate_in *in, char **why)
{
	int c = in->msg->confidence;

	if (in->min_confidence <= 0 || c >= in->min_confidence)
		return 0;
	if (c < 0)
		*why =
		    xasprintf("the message is not classified and the template needs confidence %d",
		              in->min_confidence);
	else
		*why =
		    xasprintf("the classifier is %d%% sure, below the template's min_confidence %d",
		              c, in->min_confidence);
	return 1;
}

static const struct gate {
	const char *code;
	unsigned group;
	int (*fn)(const struct reply_gate_in *in, char **why);
} gates[] = {
    {GATE_AUTO_SUBMITTED, GATES_RFC3834, gate_auto_submitted},
    {GATE_LIST, GATES_RFC3834, gate_list},
    {GATE_PRECEDENCE, GATES_RFC3834, gate_precedence},
    {GATE_NULL_RETURN_PATH, GATES_RFC3834, gate_return_path},
    {GATE_NO_REPLY, GATES_RFC3834, gate_no_reply},
    {GATE_SELF, GATES_RFC3834, gate_self},
    {GATE_NO_RECIPIENT, GATES_RFC3834, gate_recipient},
    {GATE_SENSITIVE, GATES_SENSITIVE, gate_sensitive},
    {GATE_CONFIDENCE, GATES_CONFIDENCE, gate_confidence},
};

int reply_gates_check(const struct reply_gate_in *in, unsigned which, struct reply_block *out)
{
	size_t i;
	int rc;

	memset(out, 0, sizeof *out);
	for (i = 0; i < VA_ARRAY_LEN(gates); i++) {
		if (!(gates[i].group & which))
			continue;
		if ((rc = gates[i].fn(in, &out->why)) != 0) {
			out->code = gates[i].code;
			return rc < 0 ? -1 : 1;
		}
	}
	return 0;
}

size_t reply_gates_warnings(const struct reply_gate_in *in, struct reply_block *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < VA_ARRAY_LEN(gates) && n < max; i++) {
		if (!(gates[i].group & GATES_RFC3834))
			continue;
		memset(&out[n], 0, sizeof out[n]);
		if (gates[i].fn(in, &out[n].why)) {
			out[n].code = gates[i].code;
			n++;
		} else
			free(out[n].why);
	}
	return n;
}
