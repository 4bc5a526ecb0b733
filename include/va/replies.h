/*
 * replies: reply templates, their approvals, and replying (L4): manual
 * replies (drafts or sent now) and automatic ones behind every gate, sent
 * after a delay, at most once even across a crash.
 *
 * Templates are NAME.tmpl files in $XDG_CONFIG_HOME/va/templates/ (yours)
 * and share/templates/ (shipped; a file of yours with the same name wins).
 * An approval is recorded against the file's content hash (BLAKE2b): an
 * edited template is no longer approved, and its old approval is revoked.
 *
 * The outbox is the reply_log table (store.h, "replies"): a reply is
 * composed (Message-ID, Date, In-Reply-To, References, and for automatic
 * ones Auto-Submitted: auto-replied) and written there before any sending.
 * Automatic replies wait in 'queued' until send_after ([replies] delay), when
 * a one-shot send_reply job calls replies_send; `va reply --cancel` moves
 * them to 'cancelled' before that.  replies_send takes the row queued ->
 * sending (compare-and-set: one sender only), submits the stored bytes,
 * saves them to Sent, then marks the row sent.  A row found in 'sending'
 * (the process died after taking it) is first looked up in the account's
 * Sent folder by Message-ID: found means sent, and nothing goes out again.
 * The one window left is a crash between the server accepting the message
 * and the copy reaching Sent: then the reply is sent a second time.
 *
 * Test hook: VA_TEST_CRASH_AFTER_SEND=1 makes replies_send _exit(137) right
 * after the message was submitted and saved to Sent, before the row is
 * marked sent (the tests' kill -9 between sending and bookkeeping), and
 * VA_TEST_SEND_DELAY_MS=N makes each delivery take N ms longer (a slow
 * server, so batches and the rows' own jobs overlap).  Both are read in
 * exactly one place, deliver() in src/app/replies.c.
 */
#ifndef VA_REPLIES_H
#define VA_REPLIES_H

#include <stddef.h>
#include <stdint.h>

#include "va/app.h"
#include "va/template.h"

struct accounts_io;

/* ---- templates ---- */

struct replies_template {
	char *name, *path, *hash; /* hash: hex BLAKE2b-256 of the file */
	int shipped;              /* from share/templates */
	int approved;             /* this content has a live approval */
	int changed;              /* it was approved, then edited (approval revoked) */
	int parsed;               /* t is valid; else error says why */
	struct template t;
	char *error;
};
void replies_template_release(struct replies_template *t);
void replies_templates_free(struct replies_template *v, size_t n);

/* Where your templates live ($XDG_CONFIG_HOME/va/templates).  Caller frees. */
char *replies_templates_dir(void);
/* Read, hash and parse template `name`, and look up its approval (an edit
 * detected here revokes the old approval).  0; 1 when there is no such
 * template; -1 and *cause (store failure).  A parse error is 0 with
 * out->parsed 0 and out->error set. */
int replies_template_load(struct app *app, const char *name, struct replies_template *out,
                          char **cause);
/* Every template (yours and the shipped ones), by name. */
int replies_templates_list(struct app *app, struct replies_template **out, size_t *n, char **cause);
/* Approve the template's current content (it must parse).  0 or -1. */
int replies_template_approve(struct app *app, const char *name, char **cause);
/* Revoke its approvals: 0, 1 when it had none live, -1. */
int replies_template_revoke(struct app *app, const char *name, char **cause);

/* A reply as it would be sent (for previews and --edit). */
struct reply_draft {
	char *account, *from, *to, *subject, *body;
};
void reply_draft_release(struct reply_draft *d);
/* Render template `tmpl` (NULL: a blank reply) for message msg_id.  0 or -1. */
int replies_prepare(struct app *app, int64_t msg_id, const char *tmpl, struct reply_draft *out,
                    char **cause);

/* The text a person edits for a reply: "Subject: ...", a blank line, the
 * body (caller frees); and back: a missing Subject line keeps the fallback. */
char *reply_draft_text(const struct reply_draft *d);
void  reply_text_parse(const char *text, const char *fallback_subject, char **subject,
                       char **body);

/* ---- replying ---- */

/* Reply to message msg_id with template `tmpl` on behalf of app->origin/app->rule.
 * automatic=1: run every gate, then queue an automatic send (or a draft when auto_send is off or
 * the template is not auto); automatic=0: a manual reply (gates for RFC 3834 still warn).  Records
 * each block with its reason in reply_log.  *outbox gets the reply_log row id (0 when blocked).
 * Returns 0 queued/drafted, 1 blocked (with *cause the reason), -1 error.
 *
 * Gates, in order: the template is approved and unchanged since; RFC 3834
 * (Auto-Submitted, List-Id/List-Unsubscribe, Precedence, empty Return-Path,
 * no-reply and system senders, oneself); [replies] sensitive; the template's
 * min_confidence; then, counted with the insert in one transaction, never
 * twice in one thread, the template's and the global daily limits (rolling
 * 24 hours) and one reply per sender per per_sender_days.  A block's *cause
 * is "CODE: sentence" (CODE from reply_gate.h).  A message already answered
 * automatically gives 0 and the existing row.  A queued reply gets a
 * send_reply job at send_after.  automatic=0 keeps a draft (IMAP Drafts)
 * of the rendered template, like replies_manual without send.  Call it
 * outside a store transaction: the limits take their own BEGIN IMMEDIATE,
 * and the audit log its own transaction. */
int reply_with_template(struct app *app, int64_t msg_id, const char *tmpl, int automatic,
                        int64_t *outbox, char **cause);

struct reply_manual {
	const char *tmpl;    /* NULL: blank (body required) */
	const char *subject; /* NULL: the template's, or "Re: ..." */
	const char *body;    /* NULL: the template's */
	int send;            /* 1: send now; 0: keep a draft in the Drafts folder */
};
/* A manual reply.  RFC 3834 gates that would block an automatic reply come
 * back as warnings ("CODE: sentence", caller frees each and the array).
 * *outbox: the row.  0 or -1 and *cause. */
int replies_manual(struct app *app, int64_t msg_id, const struct reply_manual *o,
                   const struct accounts_io *io, int64_t *outbox, char ***warnings,
                   size_t *nwarnings, char **cause);

/* Deliver outbox row id (the send_reply job; replies_manual with send).
 * 0 done or nothing to do (sent, cancelled, drafted because auto_send is
 * off), -1 and *cause: failed (the row says why), or 1 with *cause when it
 * could not tell whether an earlier attempt went out (try again later). */
int replies_send(struct app *app, int64_t id, const struct accounts_io *io, char **cause);

/* replies_send, then (when row id went out) the same account's other rows
 * that are due, over the same SMTP and IMAP connections: under load one
 * job sends a batch instead of one login per reply.  Each row still moves
 * queued -> sending -> sent on its own; their own jobs then find nothing
 * to do.  The batch ends when none is due, one fails (left to its own job),
 * after max rows or budget_ms (0: 20 s), or when stop(arg) says so.  *also
 * (may be NULL): how many more went out. */
struct replies_batch {
	size_t  max;
	int64_t budget_ms;
	int   (*stop)(void *arg);
	void   *arg;
};
int replies_send_batch(struct app *app, int64_t id, const struct accounts_io *io,
                       const struct replies_batch *b, size_t *also, char **cause);

/* Cancel a queued reply: 0, 1 when it is not queued (*cause says its state), -1. */
int replies_cancel(struct app *app, int64_t id, char **cause);

#endif
