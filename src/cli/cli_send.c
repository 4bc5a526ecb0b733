/*
 * cli_send: `va send --to ADDR [--to ADDR...] --subject S [--body-file F]
 * [--attach FILE]... [--account A]`.  The body comes from the file ("-":
 * standard input) or, without --body-file, from $EDITOR (VISUAL first) on a
 * private temp file.  Attachments are read (and refused) before the editor
 * opens.  The work is send_mail's (app/send.c); this file only gathers the
 * input.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_json.h"
#include "va/accounts.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/send.h"
#include "va/util.h"

struct send_args {
	const char **to, **attach;
	size_t nto, nattach;
	const char *subject, *body_file, *account;
};

static char *read_stdin(char **cause)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		sb_add(&sb, buf, n);
	if (ferror(stdin)) {
		sb_release(&sb);
		set_cause(cause, "cannot read standard input");
		return NULL;
	}
	sb_addc(&sb, '\0');
	return sb_detach(&sb);
}

static char *body_from_editor(char **cause)
{
	char *path = xasprintf("%s/va-send-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	char *body = NULL;
	size_t len;
	int fd = mkstemp(path);

	if (fd < 0)
		set_cause(cause, "cannot create a temp file for the editor");
	else {
		close(fd);
		if (cli_run_editor(path, "no body: give --body-file FILE or set $EDITOR", cause) ==
		        0 &&
		    (body = file_read(path, &len, cause)) && !*body) {
			set_cause(cause, "the message is empty: nothing was sent");
			free(body);
			body = NULL;
		}
		unlink(path);
	}
	free(path);
	return body;
}

static char *body_of(const struct send_args *a, char **cause)
{
	size_t len;

	if (!a->body_file)
		return body_from_editor(cause);
	if (!strcmp(a->body_file, "-"))
		return read_stdin(cause);
	return file_read(a->body_file, &len, cause);
}

static int parse(int argc, char **argv, struct send_args *a)
{
	static const struct option longopts[] = {{"to", required_argument, NULL, 't'},
	                                         {"subject", required_argument, NULL, 's'},
	                                         {"body-file", required_argument, NULL, 'b'},
	                                         {"account", required_argument, NULL, 'a'},
	                                         {"attach", required_argument, NULL, 'f'},
	                                         {NULL, 0, NULL, 0}};
	int ch;

	memset(a, 0, sizeof *a);
	a->to = xcalloc((size_t)argc + 1, sizeof *a->to);
	a->attach = xcalloc((size_t)argc + 1, sizeof *a->attach);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 't' && strchr(optarg, '@') && !strpbrk(optarg, " <>\r\n"))
			a->to[a->nto++] = optarg;
		else if (ch == 's')
			a->subject = optarg;
		else if (ch == 'b')
			a->body_file = optarg;
		else if (ch == 'a')
			a->account = optarg;
		else if (ch == 'f')
			a->attach[a->nattach++] = optarg;
		else
			return -1;
	}
	return optind == argc && a->nto > 0 && a->subject ? 0 : -1;
}

static void print_result(struct cli_globals *g, const struct send_result *r,
                         const struct send_extra *x)
{
	size_t i;

	if (g->json) {
		cJSON *o = cJSON_CreateObject(), *at;

		cJSON_AddStringToObject(o, "account", r->account);
		cJSON_AddStringToObject(o, "message_id", r->message_id);
		if (r->sent_folder)
			cJSON_AddStringToObject(o, "saved_to", r->sent_folder);
		else
			cJSON_AddNullToObject(o, "saved_to");
		cJSON_AddNumberToObject(o, "attempts", r->attempts);
		at = cJSON_AddArrayToObject(o, "attachments");
		for (i = 0; i < x->nattach; i++) {
			cJSON *f = cJSON_CreateObject();

			cJSON_AddStringToObject(f, "name", x->attach[i].name);
			cJSON_AddStringToObject(f, "type", x->attach[i].type);
			cJSON_AddNumberToObject(f, "size", (double)x->attach[i].len);
			cJSON_AddItemToArray(at, f);
		}
		cli_json_print(o);
	} else if (!g->quiet)
		printf("sent <%s> with %s%s%s\n", r->message_id, r->account,
		       r->sent_folder ? ", saved to " : "", r->sent_folder ? r->sent_folder : "");
	if (r->warning)
		cli_error("sent, but the copy was not saved to Sent: %s", r->warning);
}

/* Read the attachments, then the body, then send: nothing leaves when a
 * file or the body cannot be had. */
static int send_with(struct cli_globals *g, struct app *app, const struct send_args *a,
                     struct send_attachment *files)
{
	struct send_draft d;
	struct send_extra x;
	struct send_result r;
	struct accounts_io io;
	char *cause = NULL, *body = NULL;
	int rc = -1;

	memset(&d, 0, sizeof d);
	memset(&x, 0, sizeof x);
	memset(&r, 0, sizeof r);
	if (send_attachments_load(files, a->attach, a->nattach, send_attachments_max(app),
	                          &cause) < 0 ||
	    !(body = body_of(a, &cause))) {
		cli_error("cannot send: %s", cause);
		goto out;
	}
	d.to = a->to;
	d.nto = a->nto;
	d.subject = a->subject;
	d.body = body;
	x.attach = files;
	x.nattach = a->nattach;
	cli_net_io(&io);
	if ((rc = send_mail(app, a->account, &d, &x, &io, &r, &cause)) < 0)
		cli_error("cannot send the message: %s", cause);
	else
		print_result(g, &r, &x);
	send_result_release(&r);
out:
	send_attachments_release(files, a->nattach);
	free(cause);
	free(body);
	return rc;
}

int cmd_send(struct cli_globals *g, int argc, char **argv)
{
	struct send_attachment *files;
	struct send_args a;
	struct app *app;
	int rc;

	if (parse(argc, argv, &a) < 0) {
		free(a.to);
		free(a.attach);
		return cli_usage("send");
	}
	files = xcalloc(a.nattach + 1, sizeof *files);
	if ((rc = cli_open_app(g, &app, 0)) == 0) {
		rc = send_with(g, app, &a, files);
		app_close(app);
	}
	free(files);
	free(a.to);
	free(a.attach);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}
