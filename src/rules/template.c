/*
 * template: parse NAME.tmpl files (header lines, a blank line, the body),
 * check every placeholder at parse time, and render against a message.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "va/message.h"
#include "va/template.h"
#include "va/util.h"

const char *const template_placeholders[] = {
    "sender.name", "sender.first_name", "sender.email", "subject", "date",
    "today",       "me.name",           "me.email",     NULL,
};

static const char *const keys[] = {"subject", "auto", "min_confidence", "daily_limit",
                                   "per_sender_days"};

void template_release(struct template *t)
{
	free(t->name);
	free(t->file);
	free(t->subject);
	free(t->body);
	memset(t, 0, sizeof *t);
}

static int placeholder_known(const char *name, size_t n)
{
	size_t i;

	for (i = 0; template_placeholders[i]; i++)
		if (strlen(template_placeholders[i]) == n &&
		    !strncmp(template_placeholders[i], name, n))
			return 1;
	return 0;
}

/* The placeholder token at p (which points at two opening braces): its name
 * into name and n; returns the token's length, 0 when it is unclosed. */
static size_t token_at(const char *p, const char **name, size_t *n)
{
	const char *end = strstr(p + 2, "}}"), *nl = strchr(p + 2, '\n'), *s, *e;

	if (!end || (nl && nl < end))
		return 0;
	for (s = p + 2; s < end && *s == ' '; s++)
		;
	for (e = end; e > s && e[-1] == ' '; e--)
		;
	*name = s;
	*n = (size_t)(e - s);
	return (size_t)(end + 2 - p);
}

/* Check the placeholders of text whose first line is `line`. */
static int check_text(const char *file, int line, const char *text, char **cause)
{
	const char *p, *name;
	size_t n, len;

	for (p = text; *p; p++) {
		if (*p == '\n')
			line++;
		if (p[0] != '{' || p[1] != '{')
			continue;
		if (!(len = token_at(p, &name, &n)))
			return set_cause(cause, "%s:%d: unclosed \"{{\" (write {{name}})", file,
			                 line);
		if (!placeholder_known(name, n)) {
			char *w = xstrndup(name, n);
			const char *s = str_suggest(w, (const char *const *)template_placeholders,
			                            VA_ARRAY_LEN(template_placeholders) - 1);

			set_cause(cause, "%s:%d: unknown placeholder \"{{%s}}\"%s%s%s", file, line,
			          w, s ? " (did you mean {{" : "", s ? s : "", s ? "}})" : "");
			free(w);
			return -1;
		}
		p += len - 1;
	}
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no",
	                                                                            "off", "0"};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(yes); i++) {
		if (!str_casecmp_ascii(v, yes[i]))
			return *out = 1, 0;
		if (!str_casecmp_ascii(v, no[i]))
			return *out = 0, 0;
	}
	return -1;
}

static int parse_int(const char *v, int max, int *out)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (end == v || *end || x < 0 || x > max)
		return -1;
	*out = (int)x;
	return 0;
}

/* One "key: value" header line into t. */
static int header_line(struct template *t, const char *file, int line, char *s, int *subject_line,
                       char **cause)
{
	char *colon = strchr(s, ':'), *k, *v;
	const char *sug;
	int rc = 0;

	if (!colon)
		return set_cause(cause,
		                 "%s:%d: want \"key: value\" or a blank line before the body", file,
		                 line);
	*colon = '\0';
	k = str_trim(s);
	v = str_trim(colon + 1);
	if (!strcmp(k, "subject")) {
		free(t->subject);
		t->subject = xstrdup(v);
		*subject_line = line;
	} else if (!strcmp(k, "auto"))
		rc = parse_bool(v, &t->auto_send);
	else if (!strcmp(k, "min_confidence"))
		rc = parse_int(v, 100, &t->min_confidence);
	else if (!strcmp(k, "daily_limit"))
		rc = parse_int(v, 1000000, &t->daily_limit);
	else if (!strcmp(k, "per_sender_days"))
		rc = parse_int(v, 3650, &t->per_sender_days);
	else {
		sug = str_suggest(k, keys, VA_ARRAY_LEN(keys));
		return set_cause(cause, "%s:%d: unknown key \"%s\"%s%s%s", file, line, k,
		                 sug ? " (did you mean \"" : "", sug ? sug : "", sug ? "\"?)" : "");
	}
	if (rc < 0)
		return set_cause(cause, "%s:%d: bad value \"%s\" for %s (want %s)", file, line, v,
		                 k,
		                 !strcmp(k, "auto")             ? "true or false"
		                 : !strcmp(k, "min_confidence") ? "0 to 100"
		                                                : "a whole number");
	return 0;
}

/* The header block: lines up to the first blank one.  Sets *body_at and *body_line. */
static int parse_headers(struct template *t, const char *file, const char *text, size_t len,
                         size_t *body_at, int *body_line, int *subject_line, char **cause)
{
	size_t pos = 0;
	int line = 1;

	while (pos < len) {
		size_t n = 0;
		char *s;
		int rc = 0;

		while (pos + n < len && text[pos + n] != '\n')
			n++;
		s = xstrndup(text + pos, n > 0 && text[pos + n - 1] == '\r' ? n - 1 : n);
		pos += n + (pos + n < len);
		if (!*str_trim(s)) {
			free(s);
			*body_at = pos;
			*body_line = line + 1;
			return 0;
		}
		if (*str_trim(s) != '#')
			rc = header_line(t, file, line, s, subject_line, cause);
		free(s);
		if (rc < 0)
			return -1;
		line++;
	}
	return set_cause(cause, "%s:%d: no blank line between the header lines and the body", file,
	                 line);
}

/* The body with CRLF turned into LF. */
static char *body_copy(const char *p, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_init(&sb);
	for (i = 0; i < n; i++)
		if (!(p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') && p[i] != '\0')
			sb_addc(&sb, p[i]);
	return sb_detach(&sb);
}

int template_parse(struct template *out, const char *name, const char *file, const char *text,
                   size_t len, char **cause)
{
	struct template t;
	size_t body_at = 0;
	int body_line = 0, subject_line = 0;

	memset(&t, 0, sizeof t);
	if (parse_headers(&t, file, text, len, &body_at, &body_line, &subject_line, cause) < 0)
		goto fail;
	t.body = body_copy(text + body_at, len - body_at);
	if (!t.body[strspn(t.body, " \t\r\n")]) {
		set_cause(cause, "%s:%d: the body is empty", file, body_line);
		goto fail;
	}
	if (!t.subject)
		t.subject = xstrdup("Re: {{subject}}");
	if ((subject_line && check_text(file, subject_line, t.subject, cause) < 0) ||
	    check_text(file, body_line, t.body, cause) < 0)
		goto fail;
	t.name = xstrdup(name);
	t.file = xstrdup(file);
	*out = t;
	return 0;
fail:
	template_release(&t);
	return -1;
}

/* ---- rendering ---- */

void template_vars_of(struct template_vars *v, const struct message *m, const char *me_name,
                      const char *me_email, int64_t now)
{
	memset(v, 0, sizeof *v);
	v->sender_name = m->from_name;
	v->sender_email = m->from_addr;
	v->subject = m->subject;
	v->date = m->date;
	v->me_name = me_name;
	v->me_email = me_email;
	v->now = now;
}

static void add_time(struct strbuf *sb, int64_t when, const char *fmt)
{
	time_t t = (time_t)when;
	struct tm tm;
	char buf[64];

	if (when > 0 && localtime_r(&t, &tm) && strftime(buf, sizeof buf, fmt, &tm) > 0)
		sb_adds(sb, buf);
}

static void add_first_name(struct strbuf *sb, const struct template_vars *v)
{
	const char *n = v->sender_name && *v->sender_name ? v->sender_name : NULL;

	if (n)
		sb_add(sb, n, strcspn(n, " \t"));
	else if (v->sender_email)
		sb_add(sb, v->sender_email, strcspn(v->sender_email, "@"));
}

/* The value of placeholder `name` (known: checked at parse time). */
static void add_value(struct strbuf *sb, const char *name, size_t n, const struct template_vars *v)
{
#define IS(s) (n == strlen(s) && !strncmp(name, s, n))
	if (IS("sender.name"))
		sb_adds(sb, v->sender_name && *v->sender_name ? v->sender_name
		            : v->sender_email                 ? v->sender_email
		                                              : "");
	else if (IS("sender.first_name"))
		add_first_name(sb, v);
	else if (IS("sender.email"))
		sb_adds(sb, v->sender_email ? v->sender_email : "");
	else if (IS("subject"))
		sb_adds(sb, v->subject ? v->subject : "");
	else if (IS("date"))
		add_time(sb, v->date, "%a, %d %b %Y %H:%M");
	else if (IS("today"))
		add_time(sb, v->now, "%a, %d %b %Y");
	else if (IS("me.name"))
		sb_adds(sb, v->me_name && *v->me_name ? v->me_name
		            : v->me_email             ? v->me_email
		                                      : "");
	else if (IS("me.email"))
		sb_adds(sb, v->me_email ? v->me_email : "");
#undef IS
}

static char *render_text(const char *text, const struct template_vars *v)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text, *name;
	size_t n, len;

	sb_init(&sb);
	while (*p) {
		if (p[0] == '{' && p[1] == '{' && (len = token_at(p, &name, &n))) {
			add_value(&sb, name, n, v);
			p += len;
		} else
			sb_addc(&sb, *p++);
	}
	return sb_detach(&sb);
}

/* Length of a reply prefix ("Re:", "RE[2]:", "Aw:", "Sv:" and the blanks after) at s, or 0. */
static size_t reply_prefix(const char *s)
{
	static const char *const pre[] = {"re", "aw", "sv"};
	size_t i, k;

	for (i = 0; i < VA_ARRAY_LEN(pre); i++) {
		if (tolower((unsigned char)s[0]) != pre[i][0] ||
		    tolower((unsigned char)s[1]) != pre[i][1])
			continue;
		k = 2;
		if (s[k] == '[') {
			while (s[k] && s[k] != ']')
				k++;
			if (s[k] == ']')
				k++;
		}
		if (s[k] != ':')
			continue;
		k++;
		while (s[k] == ' ' || s[k] == '\t')
			k++;
		return k;
	}
	return 0;
}

char *template_reply_subject(const char *subject)
{
	const char *s = subject ? subject : "";
	size_t k;

	while (*s == ' ')
		s++;
	while ((k = reply_prefix(s)))
		s += k;
	return xasprintf("Re: %s", s);
}

void template_render(const struct template *t, const struct template_vars *v, char **subject,
                     char **body)
{
	char *s = render_text(t->subject, v), *p = str_trim(s);

	*subject = reply_prefix(p) ? template_reply_subject(p) : xstrdup(p);
	free(s);
	*body = render_text(t->body, v);
}
