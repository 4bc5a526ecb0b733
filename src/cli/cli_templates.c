/*
 * cli_templates: `va templates list | show NAME [--for ID] | approve NAME |
 * revoke NAME`.  The work is app/replies.c's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_json.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/replies.h"
#include "va/util.h"

static const char *state_of(const struct replies_template *t)
{
	return !t->parsed    ? "error"
	       : t->approved ? "approved"
	       : t->changed  ? "changed"
	                     : "unapproved";
}

static cJSON *template_json(const struct replies_template *t)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", t->name);
	cJSON_AddStringToObject(o, "path", t->path);
	cJSON_AddStringToObject(o, "source", t->shipped ? "shipped" : "yours");
	cJSON_AddStringToObject(o, "hash", t->hash);
	cJSON_AddStringToObject(o, "state", state_of(t));
	cJSON_AddBoolToObject(o, "approved", t->approved);
	if (t->parsed) {
		cJSON_AddBoolToObject(o, "auto", t->t.auto_send);
		cJSON_AddStringToObject(o, "subject", t->t.subject);
		cJSON_AddNumberToObject(o, "min_confidence", t->t.min_confidence);
		cJSON_AddNumberToObject(o, "daily_limit", t->t.daily_limit);
		cJSON_AddNumberToObject(o, "per_sender_days", t->t.per_sender_days);
	} else
		cJSON_AddStringToObject(o, "error", t->error);
	return o;
}

static int list_cmd(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	struct replies_template *v;
	char *cause = NULL;
	size_t n, i;
	cJSON *a;

	(void)argv;
	if (argc != 2)
		return cli_usage("templates");
	if (replies_templates_list(app, &v, &n, &cause) < 0) {
		cli_error("cannot list templates: %s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (g->json) {
		a = cJSON_CreateArray();
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(a, template_json(&v[i]));
		cli_json_print(a);
	}
	for (i = 0; !g->json && i < n; i++)
		printf("%-20s %-10s %-4s %-7s %s\n", v[i].name, state_of(&v[i]),
		       v[i].parsed && v[i].t.auto_send ? "auto" : "-",
		       v[i].shipped ? "shipped" : "yours",
		       v[i].parsed ? v[i].t.subject : v[i].error);
	replies_templates_free(v, n);
	return EXIT_OK;
}

/* The template as written, or rendered for message `for_id`. */
static int show_cmd(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {{"for", required_argument, NULL, 'f'},
	                                     {NULL, 0, NULL, 0}};
	struct replies_template t;
	struct reply_draft d;
	long long for_id = 0;
	char *cause = NULL, *text;
	size_t len;
	int ch, rc;

	optind = 0; /* a full restart: permute arguments (va templates show NAME --for ID) */
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1)
		if (ch != 'f' || (for_id = strtoll(optarg, NULL, 10)) <= 0)
			return cli_usage("templates");
	if (++optind + 1 != argc)
		return cli_usage("templates");
	if ((rc = replies_template_load(app, argv[optind], &t, &cause)) != 0) {
		cli_error("%s", rc == 1 ? "no such template (see 'va templates list')" : cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (for_id && replies_prepare(app, for_id, t.name, &d, &cause) < 0) {
		cli_error("cannot render \"%s\": %s", t.name, cause);
		free(cause);
		replies_template_release(&t);
		return EXIT_ERROR;
	}
	if (g->json) {
		cJSON *o = template_json(&t);

		if (for_id) {
			cJSON_AddStringToObject(o, "to", d.to);
			cJSON_AddStringToObject(o, "rendered_subject", d.subject);
			cJSON_AddStringToObject(o, "body", d.body);
		}
		cli_json_print(o);
	} else if (for_id)
		printf("From: %s\nTo: %s\nSubject: %s\n\n%s", d.from, d.to, d.subject, d.body);
	else if ((text = file_read(t.path, &len, NULL))) {
		printf("# %s (%s, %s)\n%s", t.path, state_of(&t), t.shipped ? "shipped" : "yours",
		       text);
		free(text);
	}
	if (!t.parsed && !g->json)
		cli_error("%s", t.error);
	if (for_id)
		reply_draft_release(&d);
	rc = t.parsed ? EXIT_OK : EXIT_ERROR;
	replies_template_release(&t);
	return rc;
}

static int approve_cmd(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	int approve = !strcmp(argv[1], "approve"), rc;
	char *cause = NULL;

	if (argc != 3)
		return cli_usage("templates");
	rc = approve ? replies_template_approve(app, argv[2], &cause)
	             : replies_template_revoke(app, argv[2], &cause);
	if (rc < 0) {
		cli_error("cannot %s \"%s\": %s", argv[1], argv[2], cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (g->json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "template", argv[2]);
		cJSON_AddBoolToObject(o, "approved", approve);
		cli_json_print(o);
	} else if (!g->quiet)
		printf("template \"%s\" %s\n", argv[2],
		       approve   ? "approved"
		       : rc == 1 ? "was not approved"
		                 : "revoked");
	return EXIT_OK;
}

static const struct {
	const char *name;
	int (*run)(struct cli_globals *g, struct app *app, int argc, char **argv);
} subs[] = {
    {"list", list_cmd},
    {"show", show_cmd},
    {"approve", approve_cmd},
    {"revoke", approve_cmd},
};

int cmd_templates(struct cli_globals *g, int argc, char **argv)
{
	struct app *app;
	size_t i;
	int rc;

	for (i = 0; argc >= 2 && i < VA_ARRAY_LEN(subs); i++)
		if (!strcmp(argv[1], subs[i].name))
			break;
	if (argc < 2 || i == VA_ARRAY_LEN(subs)) {
		if (argc >= 2)
			cli_error("templates: unknown subcommand \"%s\"", argv[1]);
		return cli_usage("templates");
	}
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	rc = subs[i].run(g, app, argc, argv);
	app_close(app);
	return rc;
}
