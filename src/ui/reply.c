/*
 * reply: answering the message shown (or the selected row) from the TUI.
 *
 *   r  ->  "reply with template" (Tab completes the names; empty: a blank
 *          reply)  ->  $VISUAL/$EDITOR on "Subject: ...", a blank line, the
 *          rendered body  ->  "send now? y send, d draft, n discard"
 *
 * Sending goes through replies_manual (app/replies.c): the same message
 * composition, Sent copy, audit entry and RFC 3834 warnings as `va reply`.
 * A draft goes to the account's Drafts folder (or stays in va's outbox when
 * the account has none).  An empty body after editing discards the reply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui_internal.h"
#include "va/app.h"
#include "va/replies.h"
#include "va/util.h"

struct reply_req {
	int64_t id;
	char   *tmpl;    /* NULL: blank */
	char   *subject; /* after editing */
	char   *body;
};

static void req_free(void *arg)
{
	struct reply_req *r = arg;

	if (!r)
		return;
	free(r->tmpl);
	free(r->subject);
	free(r->body);
	free(r);
}

/* The message shown in the Inbox tab's view, else the selected row; 0: none. */
static int64_t target(struct ui *ui)
{
	struct pane *v = ui->tab == TAB_INBOX ? ui->view[TAB_INBOX] : NULL;
	const struct message *m = v ? pane_message_msg(v) : NULL;

	if (m)
		return m->id;
	return ui->tabs[TAB_INBOX] ? pane_inbox_selected(ui->tabs[TAB_INBOX]) : 0;
}

static int only_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static int decide_done(struct ui *ui, const char *text, void *arg)
{
	struct reply_req *r = arg;
	struct reply_manual o;
	char **warn = NULL, *cause = NULL;
	size_t nwarn = 0, i;
	int64_t outbox = 0;
	int rc;

	if (!text || (*text != 'y' && *text != 'd')) {
		status_info(ui, "reply discarded");
		return UI_DRAW;
	}
	memset(&o, 0, sizeof o);
	o.tmpl = r->tmpl;
	o.subject = r->subject;
	o.body = r->body;
	o.send = *text == 'y';
	if (o.send) { /* the network: say so before blocking on it */
		status_info(ui, "sending\xe2\x80\xa6");
		status_draw(ui, ui->status);
		wrefresh(ui->status);
	}
	rc = replies_manual(ui->app, r->id, &o, ui->app->io, &outbox, &warn, &nwarn, &cause);
	if (rc < 0)
		status_error(ui, "cannot %s the reply: %s", o.send ? "send" : "keep", cause ? cause : "?");
	else if (nwarn)
		status_info(ui, "reply %lld %s; note: %s%s", (long long)outbox,
		            o.send ? "sent" : "kept as a draft", warn[0], nwarn > 1 ? " (and more)" : "");
	else
		status_info(ui, "reply %lld %s", (long long)outbox,
		            o.send ? "sent (a copy is in Sent)" : "kept as a draft");
	for (i = 0; i < nwarn; i++)
		free(warn[i]);
	free(warn);
	free(cause);
	if (rc == 0 && ui->tabs[TAB_INBOX])
		pane_inbox_load(ui->tabs[TAB_INBOX]);
	return UI_DRAW;
}

/* Render, let the person edit, then ask what to do with it. */
static int edit_then_ask(struct ui *ui, struct reply_req *r)
{
	struct reply_draft d;
	const char *tmp = getenv("TMPDIR");
	char *cause = NULL, *path, *text, *got = NULL, **argv;
	size_t len;
	int fd, status;

	if (replies_prepare(ui->app, r->id, r->tmpl, &d, &cause) < 0) {
		status_error(ui, "cannot reply: %s", cause ? cause : "?");
		free(cause);
		req_free(r);
		return UI_DRAW;
	}
	path = xasprintf("%s/va-reply-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	text = reply_draft_text(&d);
	if ((fd = mkstemp(path)) < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		status_error(ui, "cannot write the reply for the editor in %s", path);
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		free(text);
		free(path);
		reply_draft_release(&d);
		req_free(r);
		return UI_DRAW;
	}
	close(fd);
	argv = ui_editor_argv(path);
	status = ui_run_program(argv, NULL);
	if (status == 0 && (got = file_read(path, &len, &cause)) != NULL)
		reply_text_parse(got, d.subject, &r->subject, &r->body);
	unlink(path);
	if (status != 0)
		status_error(ui, "%s exited with status %d: the reply was not kept", argv[0], status);
	else if (!got)
		status_error(ui, "cannot read the edited reply: %s", cause ? cause : "?");
	else if (only_blank(r->body))
		status_info(ui, "empty reply: discarded");
	else {
		prompt_open(ui, PROMPT_PICK, "send now? y send, d keep a draft, n discard", NULL,
		            decide_done, r, req_free);
		r = NULL;
	}
	ui_argv_free(argv);
	free(got);
	free(cause);
	free(text);
	free(path);
	reply_draft_release(&d);
	req_free(r);
	return UI_DRAW | UI_FULL;
}

static int template_done(struct ui *ui, const char *text, void *arg)
{
	struct reply_req *r = arg;
	char *t = xstrdup(text ? text : ""), *name = str_trim(t);

	/* the prompt frees its arg after this call: hand a copy on */
	struct reply_req *next = xcalloc(1, sizeof(*next));

	next->id = r->id;
	next->tmpl = *name ? xstrdup(name) : NULL;
	free(t);
	return edit_then_ask(ui, next);
}

int reply_command(struct ui *ui)
{
	struct reply_req *r;
	int64_t id = target(ui);

	if (id <= 0) {
		status_info(ui, "reply: no message selected");
		return UI_DRAW;
	}
	r = xcalloc(1, sizeof(*r));
	r->id = id;
	prompt_open(ui, PROMPT_TEMPLATE, "reply with template (empty: blank)", NULL, template_done, r,
	            req_free);
	return UI_DRAW;
}
