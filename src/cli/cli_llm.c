/*
 * cli_llm: `va llm key|forget|status`, the set-up of the optional LLM tier.
 *
 * Why a group of its own and not `va account`: an account is a mailbox that
 * va signs in to; the LLM is a service the classifier (and the analysis
 * summary) calls, configured in [llm] and keyed by one secret, "llm" /
 * "api_key".  `va llm` is where that key and the tier's state live.
 *
 * The key is read from stdin (--key-stdin, for scripts and password
 * managers) or asked on the terminal with echo off; never from argv, where
 * every user on the machine could read it in ps.  It goes to the secret store
 * only: not to stdout, the log, SQLite or va.conf.  `va llm status` says
 * whether a key is stored, never what it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli_json.h"
#include "va/accounts.h"
#include "va/app.h"
#include "va/classifier.h"
#include "va/cli.h"
#include "va/util.h"


static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* A key read from stdin or the terminal, without surrounding blanks. */
static char *trimmed(char *s)
{
	char *t;

	if (!s)
		return NULL;
	t = xstrdup(str_trim(s));
	wipe_free(s);
	return t;
}

static int llm_key(struct cli_globals *g, int argc, char **argv)
{
	struct accounts_io io;
	struct app *app;
	char *key, *cause = NULL;
	int rc;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--key-stdin"))) {
		if (argc >= 2 && strcmp(argv[1], "--key-stdin"))
			cli_error("llm key: the key is never taken from the command line: "
			          "use --key-stdin or type it when asked");
		return cli_usage("llm");
	}
	key = trimmed(argc == 2 ? cli_read_line_fd(STDIN_FILENO)
	                        : cli_read_hidden("LLM API key (not shown): ", &cause));
	if (!key || !*key) {
		cli_error("llm key: %s%s", cause ? cause : "no key was given: nothing was stored",
		          cause && argc != 2 ? " (or pipe the key in with --key-stdin)" : "");
		free(cause);
		wipe_free(key);
		return EXIT_ERROR;
	}
	if (cli_open_app(g, &app, 0) < 0) {
		wipe_free(key);
		return EXIT_ERROR;
	}
	cli_account_io(&io, -1, 0);
	rc = classify_llm_key_set(app, &io, key, &cause);
	wipe_free(key);
	if (rc < 0) {
		cli_error("cannot store the LLM API key: %s", cause);
		free(cause);
	} else if (!g->quiet) {
		fprintf(stderr, "va: the LLM API key is stored in the secret store\n");
	}
	app_close(app);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

static int llm_forget(struct cli_globals *g, int argc, char **argv)
{
	struct accounts_io io;
	struct app *app;
	char *cause = NULL;
	int rc;

	(void)argv;
	if (argc != 1)
		return cli_usage("llm");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	cli_account_io(&io, -1, 0);
	rc = classify_llm_key_forget(app, &io, &cause);
	if (rc < 0) {
		cli_error("cannot forget the LLM API key: %s", cause);
		free(cause);
	} else if (!g->quiet) {
		fprintf(stderr, "va: %s\n",
		        rc == 0 ? "the LLM API key is forgotten" : "no LLM API key was stored");
	}
	app_close(app);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

static const char *or_unset(const char *s)
{
	return s && *s ? s : "(not set)";
}

static void print_status(struct cli_globals *g, const struct classify_llm_status *st,
                         const char *why)
{
	if (g->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "configured", st->configured);
		if (st->base_url)
			cJSON_AddStringToObject(o, "base_url", st->base_url);
		if (st->model)
			cJSON_AddStringToObject(o, "model", st->model);
		if (st->embedding_model)
			cJSON_AddStringToObject(o, "embedding_model", st->embedding_model);
		if (st->backend)
			cJSON_AddStringToObject(o, "secrets_backend", st->backend);
		if (st->key < 0)
			cJSON_AddNullToObject(o, "key_stored");
		else
			cJSON_AddBoolToObject(o, "key_stored", st->key);
		if (why)
			cJSON_AddStringToObject(o, "key_error", why);
		cli_json_print(o);
		return;
	}
	printf("base_url         %s\n", or_unset(st->base_url));
	printf("model            %s\n", or_unset(st->model));
	printf("embedding_model  %s\n", or_unset(st->embedding_model));
	printf("classification   %s\n", st->configured ? "local model, then the LLM when unsure"
	                                               : "local model only ([llm] base_url and "
	                                                 "model not set)");
	if (st->key < 0)
		printf("api key          unknown: %s\n",
		       why ? why : "the secret store did not open");
	else
		printf("api key          %s (%s secret store)\n", st->key ? "stored" : "none",
		       st->backend);
}

static int llm_status(struct cli_globals *g, int argc, char **argv)
{
	struct classify_llm_status st;
	struct accounts_io io;
	struct app *app;
	char *cause = NULL;

	(void)argv;
	if (argc != 1)
		return cli_usage("llm");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	cli_account_io(&io, -1, 0);
	classify_llm_status(app, &io, &st, &cause);
	print_status(g, &st, cause);
	free(cause);
	app_close(app);
	return EXIT_OK;
}

static const struct {
	const char *name;
	int (*run)(struct cli_globals *g, int argc, char **argv);
} llm_verbs[] = {
    {"key", llm_key},
    {"forget", llm_forget},
    {"status", llm_status},
};

int cmd_llm(struct cli_globals *g, int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return llm_status(g, 1, argv);
	for (i = 0; i < VA_ARRAY_LEN(llm_verbs); i++)
		if (!strcmp(argv[1], llm_verbs[i].name))
			return llm_verbs[i].run(g, argc - 1, argv + 1);
	cli_error("llm: unknown verb \"%s\"", argv[1]);
	return cli_usage("llm");
}
