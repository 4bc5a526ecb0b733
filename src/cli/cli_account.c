/*
 * cli_account: `va account add|login|list|remove` and `va doctor`.  The
 * person-facing parts live here: reading a password with echo off (or from
 * stdin), the secrets-file passphrase (from the terminal, or the file named
 * by VA_PASSPHRASE_FILE), sign-in instructions on stderr.  Secrets never go
 * to stdout, argv or the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli_json.h"
#include "va/accounts.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/conf.h"
#include "va/util.h"

#define MAX_SECRET 4096

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* One line from fd, without its line end; NULL at once-empty EOF. */
char *cli_read_line_fd(int fd)
{
	char buf[MAX_SECRET + 1], c;
	size_t n = 0;
	ssize_t r;

	while (n < MAX_SECRET && (r = read(fd, &c, 1)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || c == '\n')
			break;
		buf[n++] = c;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	char *s = r == 0 && n == 0 ? NULL : xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return s;
}

/* Ask on the terminal with echo off. */
char *cli_read_hidden(const char *prompt, char **cause)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	struct termios old, quiet;
	char *s;

	if (fd < 0) {
		set_cause(cause, "no terminal to ask on");
		return NULL;
	}
	if (write(fd, prompt, strlen(prompt)) < 0 || tcgetattr(fd, &old) < 0) {
		close(fd);
		set_cause(cause, "cannot use the terminal: %s", strerror(errno));
		return NULL;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSAFLUSH, &quiet);
	s = cli_read_line_fd(fd);
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		(void)0;
	close(fd);
	if (!s)
		set_cause(cause, "nothing was typed");
	return s;
}

static char *passphrase_from_file(const char *path, char **cause)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *s;

	if (fd < 0) {
		set_cause(cause, "cannot read VA_PASSPHRASE_FILE \"%s\": %s", path,
		          strerror(errno));
		return NULL;
	}
	s = cli_read_line_fd(fd);
	close(fd);
	if (!s || !*s) {
		wipe_free(s);
		set_cause(cause, "VA_PASSPHRASE_FILE \"%s\" is empty", path);
		return NULL;
	}
	return s;
}

static int has_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static char *ask_passphrase(void *arg, int create, char **cause)
{
	const char *file = getenv("VA_PASSPHRASE_FILE");
	char *a, *b;

	(void)arg;
	if (file)
		return passphrase_from_file(file, cause);
	if (!has_tty()) {
		set_cause(cause,
		          "the encrypted secrets file needs a passphrase: run va in a terminal, "
		          "or set VA_PASSPHRASE_FILE to a file (mode 0600) holding it");
		return NULL;
	}
	a = cli_read_hidden(create ? "New passphrase for va's secrets file: "
	                       : "Passphrase for va's secrets file: ",
	                cause);
	if (!a || !create)
		return a;
	b = cli_read_hidden("The same passphrase again: ", cause);
	if (b && strcmp(a, b)) {
		set_cause(cause, "the two passphrases differ: nothing was stored");
		wipe_free(a);
		a = NULL;
	}
	wipe_free(b);
	return a;
}

static void say_stderr(void *arg, const char *text)
{
	(void)arg;
	fprintf(stderr, "%s\n", text);
	fflush(stderr);
}

void cli_account_io(struct accounts_io *io, int paste_fd, int timeout_s)
{
	io->passphrase = ask_passphrase;
	io->say = say_stderr;
	io->arg = NULL;
	io->paste_fd = paste_fd;
	io->timeout_s = timeout_s;
}

/* {"VERB": NAME, "config": PATH} */
static void print_done(const char *verb, const char *name, const char *config)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, verb, name);
	cJSON_AddStringToObject(o, "config", config);
	cli_json_print(o);
}

/* ---- va account add ---- */

/* Options of `account add`: each sets one key of the new section. */
static const struct {
	const char *option;
	const char *key;
} add_keys[] = {
    {"email", "email"},
    {"name", "name"},
    {"username", "username"},
    {"auth", "auth"},
    {"imap-host", "imap_host"},
    {"imap-port", "imap_port"},
    {"imap-tls", "imap_tls"},
    {"smtp-host", "smtp_host"},
    {"smtp-port", "smtp_port"},
    {"smtp-tls", "smtp_tls"},
    {"path", "path"},
    {"ca-file", "ca_file"},
    {"folders", "folders"},
    {"client-id", "oauth_client_id"},
    {"client-secret", "oauth_client_secret"},
};

#define NADD VA_ARRAY_LEN(add_keys)

static void add_options(struct option *o)
{
	size_t i;

	for (i = 0; i < NADD; i++)
		o[i] = (struct option){add_keys[i].option, required_argument, NULL, (int)i};
	o[i++] = (struct option){"preset", required_argument, NULL, 'p'};
	o[i] = (struct option){NULL, 0, NULL, 0};
}

static int account_add(struct cli_globals *g, int argc, char **argv)
{
	struct option opts[NADD + 2];
	struct account_kv kv[NADD];
	const char *preset = NULL;
	struct app *app;
	char *cause = NULL;
	size_t nkv = 0;
	int c, rc;

	add_options(opts);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p')
			preset = optarg;
		else if (c >= 0 && (size_t)c < NADD)
			kv[nkv++] = (struct account_kv){add_keys[c].key, optarg};
		else
			return cli_error("account add: unknown or incomplete option \"%s\"",
			                 argv[optind - 1]),
			       cli_usage("account");
	}
	if (optind != argc - 1 || !preset)
		return cli_error(
		           "account add: expected NAME and --preset gmail|outlook|imap|maildir"),
		       cli_usage("account");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	rc = accounts_add(app, argv[optind], preset, kv, nkv, &cause);
	if (rc < 0)
		cli_error("cannot add account \"%s\": %s", argv[optind], cause);
	else if (g->json)
		print_done("added", argv[optind], app->config_path);
	else if (!g->quiet && strcmp(preset, "maildir"))
		printf("added account \"%s\" to %s\nnext: va account login %s\n", argv[optind],
		       app->config_path, argv[optind]);
	else if (!g->quiet)
		printf("added account \"%s\" to %s\n", argv[optind], app->config_path);
	free(cause);
	app_close(app);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

/* ---- va account login ---- */

struct login_opts {
	int password_stdin;
	const char *flow;
	int timeout_s;
};

static int parse_login(int argc, char **argv, struct login_opts *lo)
{
	static const struct option opts[] = {
	    {"password-stdin", no_argument, NULL, 's'},
	    {"flow", required_argument, NULL, 'f'},
	    {"timeout", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	int64_t t;
	int c;

	memset(lo, 0, sizeof *lo);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			lo->password_stdin = 1;
		else if (c == 'f')
			lo->flow = optarg;
		else if (c == 't' && (t = duration_parse(optarg)) > 0 && t < 86400)
			lo->timeout_s = (int)t;
		else
			return cli_error("account login: bad or unknown option \"%s\"",
			                 argv[optind - 1]),
			       -1;
	}
	if (optind != argc - 1)
		return cli_error("account login: expected one account NAME"), -1;
	return 0;
}

static int login_password(struct app *app, const char *name, const struct login_opts *lo,
                          const struct accounts_io *io)
{
	char *pw, *cause = NULL, *prompt;
	int rc;

	if (lo->flow)
		return cli_error(
		           "account login: \"%s\" signs in with a password: --flow is for OAuth2 "
		           "accounts",
		           name),
		       EXIT_USAGE;
	if (lo->password_stdin) {
		pw = cli_read_line_fd(STDIN_FILENO);
	} else {
		prompt = xasprintf("Password for account %s: ", name);
		pw = cli_read_hidden(prompt, &cause);
		free(prompt);
	}
	if (!pw) {
		cli_error("cannot sign in to \"%s\": %s", name,
		          cause ? cause : "no password on standard input");
		rc = -1;
	} else
		rc = accounts_set_password(app, name, pw, io, &cause);
	if (pw && rc < 0)
		cli_error("cannot store the password of \"%s\": %s", name, cause);
	wipe_free(pw);
	free(cause);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

static int login_oauth(struct app *app, const char *name, const struct login_opts *lo,
                       const struct accounts_io *io)
{
	char *cause = NULL;
	int rc;

	if (lo->password_stdin)
		return cli_error("account login: \"%s\" signs in with OAuth2 (auth = oauth2): "
		                 "--password-stdin does not apply",
		                 name),
		       EXIT_USAGE;
	rc = accounts_login_oauth(app, name, lo->flow, io, &cause);
	if (rc < 0)
		cli_error("cannot sign in to \"%s\": %s", name, cause);
	free(cause);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

static int account_login(struct cli_globals *g, int argc, char **argv)
{
	struct accounts_io io;
	struct login_opts lo;
	struct app *app;
	const char *name, *auth;
	char *sec;
	int rc;

	if (parse_login(argc, argv, &lo) < 0)
		return cli_usage("account");
	name = argv[optind];
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	cli_account_io(&io, STDIN_FILENO, lo.timeout_s);
	sec = xasprintf("account %s", name);
	auth = conf_get(app->conf, sec, "type") ? conf_get(app->conf, sec, "auth") : NULL;
	if (!auth) {
		cli_error("cannot sign in: no account \"%s\" (see 'va account list')", name);
		rc = EXIT_ERROR;
	} else if (!strcmp(auth, "oauth2"))
		rc = login_oauth(app, name, &lo, &io);
	else
		rc = login_password(app, name, &lo, &io);
	if (rc == EXIT_OK && !g->quiet)
		fprintf(stderr, "va: account \"%s\" is signed in\n", name);
	free(sec);
	app_close(app);
	return rc;
}

/* ---- va account list / remove ---- */

static cJSON *account_json(const struct account *a)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", a->name);
	cJSON_AddStringToObject(o, "type", a->type);
	if (a->email)
		cJSON_AddStringToObject(o, "email", a->email);
	else
		cJSON_AddNullToObject(o, "email");
	if (a->path)
		cJSON_AddStringToObject(o, "path", a->path);
	else
		cJSON_AddNullToObject(o, "path");
	return o;
}

static int account_list(struct cli_globals *g, int argc, char **argv)
{
	struct app *app;
	size_t i;

	(void)argv;
	if (argc != 1)
		return cli_usage("account");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	if (g->json) {
		cJSON *a = cJSON_CreateArray();
		for (i = 0; i < app->naccounts; i++)
			cJSON_AddItemToArray(a, account_json(&app->accounts[i]));
		cli_json_print(a);
	} else {
		for (i = 0; i < app->naccounts; i++)
			printf("%-16s %-8s %s\n", app->accounts[i].name, app->accounts[i].type,
			       app->accounts[i].email
			           ? app->accounts[i].email
			           : (app->accounts[i].path ? app->accounts[i].path : ""));
		if (app->demo && !g->quiet)
			fprintf(stderr,
			        "va: no account configured: showing the demo mailbox "
			        "(add one with `va account add`, or in %s)\n",
			        app->config_path);
	}
	app_close(app);
	return EXIT_OK;
}

static int account_remove(struct cli_globals *g, int argc, char **argv)
{
	struct accounts_io io;
	struct app *app;
	char *cause = NULL;
	int rc;

	if (argc != 2)
		return cli_error("account remove: expected one account NAME"), cli_usage("account");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	cli_account_io(&io, -1, 0);
	rc = accounts_remove(app, argv[1], &io, &cause);
	if (rc < 0)
		cli_error("cannot remove account \"%s\": %s", argv[1], cause);
	else if (g->json)
		print_done("removed", argv[1], app->config_path);
	else if (!g->quiet)
		printf(
		    "removed account \"%s\": its section in %s, its secrets and its stored mail\n",
		    argv[1], app->config_path);
	free(cause);
	app_close(app);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

static const struct cli_cmd account_cmds[] = {
    {"add", "NAME --preset P [--email E] ...", "add an account", account_add},
    {"login", "NAME [--password-stdin] [--flow F]", "sign in", account_login},
    {"list", "", "list accounts", account_list},
    {"remove", "NAME", "remove an account", account_remove},
};

int cmd_account(struct cli_globals *g, int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return cli_usage("account");
	for (i = 0; i < VA_ARRAY_LEN(account_cmds); i++)
		if (!strcmp(account_cmds[i].name, argv[1]))
			return account_cmds[i].run(g, argc - 1, argv + 1);
	cli_error("account: unknown action \"%s\" (add, login, list, remove)", argv[1]);
	return cli_usage("account");
}

/* ---- va doctor ---- */

static int doctor_json(const struct check_list *l)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < l->n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "check", l->v[i].what);
		cJSON_AddStringToObject(o, "state", check_state_name(l->v[i].state));
		cJSON_AddStringToObject(o, "detail", l->v[i].detail);
		cJSON_AddItemToArray(a, o);
	}
	cli_json_print(a);
	return 0;
}

int cmd_doctor(struct cli_globals *g, int argc, char **argv)
{
	struct accounts_io io;
	struct check_list l;
	struct app *app;
	int failed = 0;

	(void)argv;
	if (argc != 1)
		return cli_usage("doctor");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	cli_account_io(&io, -1, 0);
	accounts_doctor(app, &io, &l);
	for (size_t i = 0; i < l.n; i++)
		failed |= l.v[i].state == CHECK_FAIL;
	if (g->json)
		doctor_json(&l);
	else
		for (size_t i = 0; i < l.n; i++)
			printf("%-5s %-18s %s\n", check_state_name(l.v[i].state), l.v[i].what,
			       l.v[i].detail);
	check_list_release(&l);
	app_close(app);
	return failed ? EXIT_ERROR : EXIT_OK;
}
