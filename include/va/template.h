/*
 * template: reply templates (L2, pure: text in, text out; no I/O).
 *
 * A template file NAME.tmpl is written like a mail: `key: value` header
 * lines, a blank line, then the body.  Keys:
 *   subject          the reply's subject (default "Re: {{subject}}")
 *   auto             true|false: may be sent automatically (default false)
 *   min_confidence   0-100: the classifier confidence an automatic reply needs
 *   daily_limit      automatic replies with this template per 24 hours (0: only
 *                    the global [replies] daily_limit)
 *   per_sender_days  one automatic reply per sender per N days (default 7)
 * Placeholders {{name}} in the subject and body are checked when the file is
 * parsed: an unknown key, a bad value or an unknown placeholder is an error
 * "FILE:LINE: ...", so a sent mail never has an empty hole.  Lines starting
 * with "#" before the blank line are comments.
 */
#ifndef VA_TEMPLATE_H
#define VA_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

struct message;

struct template
{
	char *name;
	char *file;          /* as errors show it */
	char *subject;       /* raw, with placeholders */
	char *body;          /* raw, with placeholders */
	int auto_send;       /* "auto: true" */
	int min_confidence;  /* 0: no threshold */
	int daily_limit;     /* 0: the global limit only */
	int per_sender_days; /* 0: the default (7) */
};

/* The placeholders a template may use, NULL-terminated ("sender.name", ...). */
extern const char *const template_placeholders[];

/* Parse text (len bytes) of the template `name` read from `file`.  0, or -1
 * with *cause "FILE:LINE: what".  t is filled on success only. */
int template_parse(struct template *t, const char *name, const char *file, const char *text,
                   size_t len, char **cause);
void template_release(struct template *t);

/* What the placeholders stand for.  NULL members render as described in
 * template.c (a missing sender name falls back to the address). */
struct template_vars {
	const char *sender_name, *sender_email;
	const char *subject; /* the original message's */
	int64_t date;        /* the original message's (seconds, 0: unknown) */
	const char *me_name, *me_email;
	int64_t now; /* for {{today}} (seconds) */
};

/* Fill vars from a message (borrowed pointers into m) and "me". */
void template_vars_of(struct template_vars *v, const struct message *m, const char *me_name,
                      const char *me_email, int64_t now);

/* Render a parsed template's subject and body.  Both caller-owned.  The
 * subject never stacks "Re:" prefixes ("Re: Re: x" becomes "Re: x"). */
void template_render(const struct template *t, const struct template_vars *v, char **subject,
                     char **body);

/* "Re: " + subject, unless it already starts with Re:/RE:/Aw:/Sv: (any
 * number of them collapse into one "Re: ").  Caller frees. */
char *template_reply_subject(const char *subject);

#endif
