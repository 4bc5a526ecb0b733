/*
 * cli_reply: `va reply ID [--template NAME] [--send] [--edit] [--auto]`,
 * `va reply --cancel OUTBOX_ID` and `va replies` (the reply log with each
 * block's reason).  Without --send a reply is kept as a draft (IMAP Drafts);
 * --edit opens $EDITOR (VISUAL first) on the rendered text, a "Subject:"
 * line, a blank line and the body; --auto replies the way a rule in auto
 * mode does (every gate, then the send delay).  The work is app/replies.c's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_json.h"
#include "va/accounts.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/replies.h"
#include "va/util.h"

struct reply_args {
	long long id, cancel;
	const char *tmpl;
	int send, edit, automatic;
};

static int parse(int argc, char **argv, struct reply_args *a)
{
	static const struct option opts[] = {
	    {"template", required_argument, NULL, 't'}, {"send", no_argument, NULL, 's'},
	    {"edit", no_argument, NULL, 'e'},           {"auto", no_argument, NULL, 'a'},
	    {"cancel", required_argument, NULL, 'c'},   {NULL, 0, NULL, 0}};
	int ch;

	memset(a, 0, sizeof *a);
	optind = 0; /* a full restart: options may follow the message id */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 't')
			a->tmpl = optarg;
		else if (ch == 's')
			a->send = 1;
		else if (ch == 'e')
			a->edit = 1;
		else if (ch == 'a')
			a->automatic = 1;
		else if (ch == 'c' && (a->cancel = strtoll(optarg, NULL, 10)) > 0)
			;
		else
			return -1;
	}
	if (a->cancel)
		return optind == argc && !a->tmpl && !a->send && !a->edit && !a->automatic ? 0 : -1;
	if (optind + 1 != argc || (a->id = strtoll(argv[optind], NULL, 10)) <= 0)
		return -1;
	if (a->automatic && (!a->tmpl || a->send || a->edit))
		return -1;
	return a->tmpl || a->edit ? 0 : -1;
}


/* Let the person edit d's subject and body; they come back in *subject, *body. */
static int edit_reply(const struct reply_draft *d, char **subject, char **body, char **cause)
{
	char *path = xasprintf("%s/va-reply-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	char *text = reply_draft_text(d), *got = NULL;
	size_t len;
	int fd = mkstemp(path), rc = -1;

	if (fd < 0)
		set_cause(cause, "cannot create a temp file for the editor");
	else if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) < 0)
		set_cause(cause, "cannot write the temp file for the editor");
	else if (cli_run_editor(path, "--edit needs $EDITOR", cause) == 0 && (got = file_read(path, &len, cause))) {
		reply_text_parse(got, d->subject, subject, body);
		rc = 0;
	}
	if (fd >= 0)
		unlink(path);
	free(got);
	free(text);
	free(path);
	return rc;
}

static void print_outcome(struct cli_globals *g, struct app *app, int64_t id, const char *blocked)
{
	struct store_reply r;
	char when[32] = "";

	memset(&r, 0, sizeof r);
	if (id && store_reply_get(app->store, id, &r, NULL) != 0)
		memset(&r, 0, sizeof r);
	if (g->json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "outbox", (double)id);
		cJSON_AddStringToObject(o, "state", blocked ? "blocked" : r.state ? r.state : "");
		if (blocked)
			cJSON_AddStringToObject(o, "blocked", blocked);
		if (r.out_message_id)
			cJSON_AddStringToObject(o, "message_id", r.out_message_id);
		if (r.gate)
			cJSON_AddStringToObject(o, "gate", r.gate);
		if (r.error)
			cJSON_AddStringToObject(o, "note", r.error);
		cli_json_print(o);
	} else if (!g->quiet && !blocked && r.state) {
		cli_iso_time(r.send_after, when, sizeof when);
		if (!strcmp(r.state, "queued"))
			printf("reply %lld queued: it leaves at %s ('va reply --cancel %lld' stops "
			       "it)\n",
			       (long long)id, when, (long long)id);
		else
			printf("reply %lld %s%s%s\n", (long long)id, r.state, r.error ? ": " : "",
			       r.error ? r.error : "");
	}
	store_reply_release(&r);
}

static int do_cancel(struct cli_globals *g, struct app *app, int64_t id)
{
	char *cause = NULL;
	int rc = replies_cancel(app, id, &cause);

	if (rc != 0) {
		cli_error("cannot cancel reply %lld: %s", (long long)id, cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (g->json)
		printf("{\"outbox\":%lld,\"state\":\"cancelled\"}\n", (long long)id);
	else if (!g->quiet)
		printf("reply %lld cancelled\n", (long long)id);
	return EXIT_OK;
}

static int do_auto(struct cli_globals *g, struct app *app, const struct reply_args *a)
{
	char *cause = NULL;
	int64_t id = 0;
	int rc = reply_with_template(app, a->id, a->tmpl, 1, &id, &cause);

	if (rc < 0)
		cli_error("cannot reply to message %lld: %s", a->id, cause);
	else {
		print_outcome(g, app, id, rc == 1 ? cause : NULL);
		if (rc == 1)
			cli_error("reply blocked: %s", cause);
	}
	free(cause);
	return rc == 0 ? EXIT_OK : EXIT_ERROR;
}

static int do_manual(struct cli_globals *g, struct app *app, const struct reply_args *a)
{
	struct reply_manual o = {.tmpl = a->tmpl, .send = a->send};
	struct reply_draft d;
	struct accounts_io io;
	char *cause = NULL, *subject = NULL, *body = NULL, **warn = NULL;
	size_t nwarn = 0, i;
	int64_t id = 0;
	int rc = 0;

	if (a->edit && (rc = replies_prepare(app, a->id, a->tmpl, &d, &cause)) == 0) {
		rc = edit_reply(&d, &subject, &body, &cause);
		reply_draft_release(&d);
	}
	o.subject = subject;
	o.body = body;
	cli_net_io(&io);
	if (rc == 0)
		rc = replies_manual(app, a->id, &o, &io, &id, &warn, &nwarn, &cause);
	for (i = 0; i < nwarn; i++) {
		if (!g->quiet)
			cli_error("warning: an automatic reply would be blocked: %s", warn[i]);
		free(warn[i]);
	}
	free(warn);
	if (rc < 0)
		cli_error("cannot reply to message %lld: %s", a->id, cause);
	else
		print_outcome(g, app, id, NULL);
	free(cause);
	free(subject);
	free(body);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

int cmd_reply(struct cli_globals *g, int argc, char **argv)
{
	struct reply_args a;
	struct app *app;
	int rc;

	if (parse(argc, argv, &a) < 0)
		return cli_usage("reply");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	rc = a.cancel      ? do_cancel(g, app, a.cancel)
	     : a.automatic ? do_auto(g, app, &a)
	                   : do_manual(g, app, &a);
	app_close(app);
	return rc;
}

/* ---- va replies ---- */

static cJSON *reply_json(const struct store_reply *r)
{
	cJSON *o = cJSON_CreateObject();
	char t[32];

	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "state", r->state);
	cJSON_AddBoolToObject(o, "auto", r->automatic);
	cJSON_AddNumberToObject(o, "message", (double)r->message_id);
	if (r->template_name)
		cJSON_AddStringToObject(o, "template", r->template_name);
	cJSON_AddStringToObject(o, "recipient", r->recipient);
	if (r->subject)
		cJSON_AddStringToObject(o, "subject", r->subject);
	if (r->account)
		cJSON_AddStringToObject(o, "account", r->account);
	if (r->out_message_id)
		cJSON_AddStringToObject(o, "message_id", r->out_message_id);
	if (r->gate)
		cJSON_AddStringToObject(o, "gate", r->gate);
	if (r->error)
		cJSON_AddStringToObject(o, "reason", r->error);
	if (r->origin)
		cJSON_AddStringToObject(o, "origin", r->origin);
	if (r->rule)
		cJSON_AddStringToObject(o, "rule", r->rule);
	cli_iso_time(r->created_at, t, sizeof t);
	cJSON_AddStringToObject(o, "created", t);
	if (r->send_after) {
		cli_iso_time(r->send_after, t, sizeof t);
		cJSON_AddStringToObject(o, "send_after", t);
	}
	if (r->sent_at) {
		cli_iso_time(r->sent_at, t, sizeof t);
		cJSON_AddStringToObject(o, "sent", t);
	}
	return o;
}

int cmd_replies(struct cli_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'l'},
	                                     {NULL, 0, NULL, 0}};
	struct store_reply *v;
	struct app *app;
	char *cause = NULL;
	long limit = 50;
	size_t n, i;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (ch != 'l' || (limit = strtol(optarg, NULL, 10)) < 0)
			return cli_usage("replies");
	if (optind != argc)
		return cli_usage("replies");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	if (store_reply_list(app->store, (size_t)limit, &v, &n, &cause) < 0) {
		cli_error("cannot list replies: %s", cause);
		free(cause);
		app_close(app);
		return EXIT_ERROR;
	}
	if (g->json) {
		cJSON *a = cJSON_CreateArray();

		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(a, reply_json(&v[i]));
		cli_json_print(a);
	}
	for (i = 0; !g->json && i < n; i++)
		printf("%5lld %-9s %-4s %-16s msg %-6lld %-28s %s%s%s\n", (long long)v[i].id,
		       v[i].state, v[i].automatic ? "auto" : "-",
		       v[i].template_name ? v[i].template_name : "(blank)",
		       (long long)v[i].message_id, v[i].recipient, v[i].gate ? v[i].gate : "",
		       v[i].gate && v[i].error ? ": " : "", v[i].error ? v[i].error : "");
	store_replies_free(v, n);
	app_close(app);
	return EXIT_OK;
}
