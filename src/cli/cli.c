/*
 * cli: global options, the subcommand table and generated help.  A new
 * subcommand is one function in a cli_<group>.c file plus one row here.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "va/accounts.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/conf.h"
#include "va/util.h"

static int cmd_help(struct cli_globals *g, int argc, char **argv);
static int cmd_version(struct cli_globals *g, int argc, char **argv);

static const struct cli_cmd commands[] = {
	{"list", "[--account A] [--folder F] [--category C] [--unread] [--flagged] [--from S]"
	         " [--thread ID] [--limit N] [--offset N]",
	 "list messages, newest first", cmd_list},
	{"show", "ID [--headers] [--raw]", "show one message: headers, body, attachments", cmd_show},
	{"search", "QUERY [--account A] [--folder F] [--limit N]",
	 "full-text search: words, \"phrases\", prefix*, from: to: subject: body:, OR, NOT",
	 cmd_search},
	{"import", "PATH [--folder F]",
	 "import a Maildir, an mbox file, a directory of messages or one message", cmd_import},
	{"sync", "[ACCOUNT] [--fetch-only]",
	 "sync IMAP and rescan local accounts, then classify new mail and run the rules",
	 cmd_sync},
	{"send", "--to ADDR --subject S [--body-file F|-] [--attach FILE]... [--account A]",
	 "send a message over SMTP (files attached with --attach) and keep a copy in Sent",
	 cmd_send},
	{"account", "add NAME --preset gmail|outlook|imap|maildir [--email E] [--imap-host H]"
	            " [--smtp-host H] [--path DIR] [--client-id ID] ... | login NAME"
	            " [--password-stdin] [--flow loopback|paste|device] | list | remove NAME",
	 "add, sign in to, list or remove mail accounts", cmd_account},
	{"doctor", "", "check the set-up: config, keyring, accounts and their sign-in", cmd_doctor},
	{"classify", "[ID...|--all]",
	 "classify messages (no ID: the unclassified ones) and store the verdicts", cmd_classify},
	{"train", "[--category CAT PATH]... | --set CAT ID...",
	 "teach the classifier: pending labels, files or a Maildir, or stored messages", cmd_train},
	{"similar", "ID [--limit N]",
	 "the messages most like one: by embeddings when [llm] embedding_model is set, else TF-IDF",
	 cmd_similar},
	{"llm", "key [--key-stdin] | forget | status",
	 "store or forget the LLM API key (never on the command line); show the LLM set-up",
	 cmd_llm},
	{"act", "ID[,ID...] archive|trash|move FOLDER|flag|unflag|read|unread|label L|unlabel L"
	        "|category C",
	 "triage messages (one undoable batch)", cmd_act},
	{"undo", "[ACTION_ID] [--batch N] [--rule NAME]",
	 "undo the last triage batch, one action, a batch or a rule's last run",
	 cmd_undo},
	{"actions", "[--limit N]", "list recent triage actions, newest first", cmd_actions},
	{"rules", "[list] | check [FILE...] | test [--since 30d] [--apply] [NAME] | run"
	          " | enable NAME | disable NAME | export --sieve [-o FILE]",
	 "list, validate, replay and export the rules", cmd_rules},
	{"recommendations", "[--all]", "what recommend-mode rules suggest", cmd_recommendations},
	{"accept", "ID...", "run recommended actions", cmd_accept},
	{"reject", "ID...", "turn recommendations down", cmd_reject},
	{"jobs", "list [--state S] | kinds | add KIND [--at T] [--every D | --cron EXPR] [--tz ZONE] [--priority high|normal|low] [--args A]"
	         " [--key K] [--idempotency-key K] [--misfire skip|once|catch_up] [--grace D]"
	         " [--expires D] [--max-attempts N] [-- PROGRAM ARGS...] | cancel ID | retry ID"
	         " | pause ID | resume ID | run ID",
	 "list, add, cancel, retry, pause, resume or run background jobs now", cmd_jobs},
	{"reply", "ID --template NAME [--send] [--edit] [--auto] | ID --edit [--send]"
	          " | --cancel OUTBOX_ID",
	 "reply with a template or blank: a draft in Drafts, sent now, or as a rule would",
	 cmd_reply},
	{"replies", "[--limit N]", "the reply log: queued, sent, drafted and blocked replies, why",
	 cmd_replies},
	{"templates", "list | show NAME [--for ID] | approve NAME | revoke NAME",
	 "reply templates: preview, approve for automatic replies, revoke", cmd_templates},
	{"followup", "ID --after D [--business-days] [--nudge TEMPLATE]",
	 "bring a message back flagged if no reply arrives in its thread in time (and nudge)",
	 cmd_followup},
	{"snooze", "ID --until WHEN",
	 "move a message to Snoozed until WHEN, then back to INBOX, unread", cmd_snooze},
	{"daemon", "start | stop | status | run",
	 "the background scheduler (va --daemon runs it in the foreground)", cmd_daemon},
	{"analyze", "FILE|URL|- [--report out.html|out.md] [--group-by COL] [--chart COL]"
	            " [--delimiter C] [--no-header] [--memory SIZE] [--no-save] [--llm-rows]"
	            " [--background] | --message ID [--part N] [...] | --list [--limit N]",
	 "statistics, charts and a report of a CSV file in bounded memory", cmd_analyze},
	{"audit", "list [--limit N] | verify | export FILE | init",
	 "the encrypted, tamper-evident log of every action: list, verify, export", cmd_audit},
	{"data", "export DIR | purge [--yes-i-mean-it]",
	 "export everything va holds about you, or remove it all (typed confirmation)", cmd_data},
	{"config", "check | example | path", "validate va.conf, print an example, show paths",
	 cmd_config},
	{"help", "[COMMAND]", "show help for va or one command", cmd_help},
	{"version", "", "print the version", cmd_version},
};

static const struct cli_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("va: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage(const char *cmd)
{
	const struct cli_cmd *c = find_cmd(cmd);

	if (c)
		fprintf(stderr, "usage: va %s %s\n", c->name, c->args);
	fprintf(stderr, "Try 'va help%s%s' for more.\n", c ? " " : "", c ? c->name : "");
	return EXIT_USAGE;
}

static void print_help(FILE *fp)
{
	size_t i;

	fprintf(fp, "va %s: a keyboard-driven assistant for mail, jobs and data, in the terminal\n\n"
	            "usage: va [--config FILE] [--data-dir DIR] [--json] COMMAND [ARGS]\n"
	            "       va                 start the terminal interface (the demo mailbox when\n"
	            "                          no account is configured)\n\n"
	            "commands:\n",
	        VA_VERSION);
	for (i = 0; i < VA_ARRAY_LEN(commands); i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\noptions:\n"
	            "  --config FILE    read FILE instead of $XDG_CONFIG_HOME/va/va.conf\n"
	            "  --data-dir DIR   keep the database in DIR instead of $XDG_DATA_HOME/va\n"
	            "  --json           machine-readable output (every listing)\n"
	            "  --daemon         run the background scheduler in the foreground\n"
	            "  -q, --quiet      no progress or warnings on stderr\n"
	            "  -h, --help       this help;  va help COMMAND for one command\n"
	            "  -V, --version    print the version\n\n"
	            "exit status: 0 success, 1 error, 2 usage error.  See va(1).\n");
}

static int cmd_help(struct cli_globals *g, int argc, char **argv)
{
	const struct cli_cmd *c;

	(void)g;
	if (argc < 2) {
		print_help(stdout);
		return EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		cli_error("no command \"%s\"", argv[1]);
		return EXIT_USAGE;
	}
	printf("usage: va %s %s\n\n%s\n", c->name, c->args, c->summary);
	return EXIT_OK;
}

static int cmd_version(struct cli_globals *g, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (g->json)
		printf("{\"version\":\"%s\"}\n", VA_VERSION);
	else
		printf("va %s\n", VA_VERSION);
	return EXIT_OK;
}

void cli_warn_config(struct app *app)
{
	size_t i;

	for (i = 0; i < conf_nerrors(app->conf); i++)
		fprintf(stderr, "va: warning: %s\n", conf_error(app->conf, i));
	for (i = 0; i < app->nerrors; i++)
		fprintf(stderr, "va: warning: %s\n", app->errors[i]);
}

int cli_open_app(struct cli_globals *g, struct app **app, int refresh)
{
	static struct accounts_io io;
	struct app_opts o = {g->config_path, g->data_dir, &io};
	struct import_report r;
	char *cause = NULL;
	size_t i;

	cli_net_io(&io); /* VA_PASSPHRASE_FILE, else the terminal */
	if (app_open(app, &o, &cause) < 0) {
		cli_error("%s", cause);
		free(cause);
		return -1;
	}
	if (!g->quiet)
		cli_warn_config(*app);
	if (!refresh)
		return 0;
	memset(&r, 0, sizeof r);
	if (inbox_refresh_local(*app, &r, &cause) < 0) {
		cli_error("cannot rescan local mail: %s", cause);
		free(cause);
	}
	for (i = 0; !g->quiet && i < r.nfailures; i++)
		fprintf(stderr, "va: warning: %s: %s\n", r.failures[i].path, r.failures[i].reason);
	import_report_release(&r);
	return 0;
}

/* Options before the subcommand; returns the index of the subcommand or -1 when done. */
static int parse_globals(struct cli_globals *g, int argc, char **argv, int *status)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'}, {"data-dir", required_argument, NULL, 'd'},
	    {"json", no_argument, NULL, 'j'},         {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
	    {"daemon", no_argument, NULL, 'D'},
	    {NULL, 0, NULL, 0},
	};
	int c, daemon = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:d:jqhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': g->config_path = optarg; break;
		case 'd': g->data_dir = optarg; break;
		case 'j': g->json = 1; break;
		case 'q': g->quiet = 1; break;
		case 'h': print_help(stdout); *status = EXIT_OK; return -1;
		case 'V': *status = cmd_version(g, 0, NULL); return -1;
		case 'D': daemon = 1; break;
		default:
			cli_error("unknown option \"%s\"", argv[optind - 1]);
			print_help(stderr);
			*status = EXIT_USAGE;
			return -1;
		}
	}
	if (daemon) {
		*status = cli_daemon_run(g);
		return -1;
	}
	return optind;
}

/* Accept --json (and -q) anywhere after the subcommand too; remove them from argv. */
static int strip_late_globals(struct cli_globals *g, int argc, char **argv)
{
	int i, j = 0;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			g->json = 1;
		else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))
			g->quiet = 1;
		else
			argv[j++] = argv[i];
	}
	argv[j] = NULL;
	return j;
}

int cli_main(int argc, char **argv)
{
	struct cli_globals g = {NULL, NULL, 0, 0};
	const struct cli_cmd *c;
	int status = EXIT_OK, first = parse_globals(&g, argc, argv, &status);
	const char *name;

	if (first < 0)
		return status;
	if (first >= argc)
		return -1; /* no subcommand: the caller starts the TUI */
	name = argv[first];
	c = find_cmd(name);
	if (!c) {
		const char *names[VA_ARRAY_LEN(commands)];
		const char *hint;
		size_t i;
		for (i = 0; i < VA_ARRAY_LEN(commands); i++)
			names[i] = commands[i].name;
		hint = str_suggest(name, names, VA_ARRAY_LEN(commands));
		if (hint)
			cli_error("unknown command \"%s\" (did you mean \"%s\"?)", name, hint);
		else
			cli_error("unknown command \"%s\"; try 'va --help'", name);
		return EXIT_USAGE;
	}
	argc = strip_late_globals(&g, argc - first, argv + first);
	optind = 0;
	return c->run(&g, argc, argv + first);
}

int cli_run_editor(const char *path, const char *missing, char **cause)
{
	const char *ed = getenv("VISUAL") && *getenv("VISUAL") ? getenv("VISUAL") : getenv("EDITOR");
	pid_t pid;
	int st;

	if (!ed || !*ed)
		return set_cause(cause, "%s", missing);
	if ((pid = fork()) < 0)
		return set_cause(cause, "cannot start the editor");
	if (pid == 0) { /* through sh, so $EDITOR may carry arguments */
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, path, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return set_cause(cause, "the editor \"%s\" failed: nothing was sent or kept", ed);
	return 0;
}
