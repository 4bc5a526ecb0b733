/*
 * cli: the scriptable face (L5).  Every subcommand is one row of the table in
 * cli.c; `va --help` and `va help CMD` are generated from it.
 *
 * Exit status: 0 success, 1 runtime error (including "not found"), 2 usage
 * error.  Errors go to stderr as "va: what failed: why"; --json output goes to
 * stdout and is always valid JSON.
 */
#ifndef VA_CLI_H
#define VA_CLI_H

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2 };

struct app;

/* Options common to every subcommand, parsed before it. */
struct cli_globals {
	const char *config_path;
	const char *data_dir;
	int         json;
	int         quiet;
};

struct cli_cmd {
	const char *name;
	const char *args;    /* usage after the name */
	const char *summary; /* one line */
	int (*run)(struct cli_globals *g, int argc, char **argv);
};

/* Run va with its full argv; returns the exit status. */
int cli_main(int argc, char **argv);

/* Helpers shared by the cli_*.c files. */
int  cli_open_app(struct cli_globals *g, struct app **app, int refresh);
int  cli_usage(const char *cmd);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn_config(struct app *app);
/* IMAP half of `va sync` (cli_sync.c): sync `name` (NULL: every IMAP account),
 * printing a summary, or putting the report into *json when json is non-NULL. */
struct cJSON;
struct accounts_io;
int  cli_sync_imap(struct cli_globals *g, struct app *app, const char *name, struct cJSON **json);
/* One line from fd without its line end, wiped from the stack buffer; NULL
 * at EOF with nothing read.  And the same from the terminal with echo off
 * (NULL and *cause when there is no terminal or nothing was typed). */
char *cli_read_line_fd(int fd);
/* Run $VISUAL or $EDITOR on path and wait; -1 with *cause (`missing` when
 * neither is set, or the editor failed). */
int   cli_run_editor(const char *path, const char *missing, char **cause);
char *cli_read_hidden(const char *prompt, char **cause);
/* The accounts_io of network commands: passphrase from VA_PASSPHRASE_FILE. */
void cli_net_io(struct accounts_io *io);
/* The subcommands (one file per group). */
int cmd_import(struct cli_globals *g, int argc, char **argv);
int cmd_list(struct cli_globals *g, int argc, char **argv);
int cmd_show(struct cli_globals *g, int argc, char **argv);
int cmd_search(struct cli_globals *g, int argc, char **argv);
int cmd_sync(struct cli_globals *g, int argc, char **argv);
int cmd_send(struct cli_globals *g, int argc, char **argv);
int cmd_config(struct cli_globals *g, int argc, char **argv);
int cmd_account(struct cli_globals *g, int argc, char **argv);
int cmd_jobs(struct cli_globals *g, int argc, char **argv);
int cmd_daemon(struct cli_globals *g, int argc, char **argv);
int cmd_followup(struct cli_globals *g, int argc, char **argv);
int cmd_snooze(struct cli_globals *g, int argc, char **argv);
/* `va --daemon`: the scheduler in the foreground until SIGTERM (cli_daemon.c). */
int cli_daemon_run(struct cli_globals *g);
int cmd_doctor(struct cli_globals *g, int argc, char **argv);
/* The person-facing accounts_io (cli_account.c): the secrets-file passphrase
 * from VA_PASSPHRASE_FILE or asked on the terminal (twice for a new file),
 * messages on stderr, pasted sign-in addresses read from paste_fd (or -1). */
void cli_account_io(struct accounts_io *io, int paste_fd, int timeout_s);
int cmd_classify(struct cli_globals *g, int argc, char **argv);
int cmd_train(struct cli_globals *g, int argc, char **argv);
/* `va similar ID` (cli_classify.c). */
int cmd_similar(struct cli_globals *g, int argc, char **argv);
/* `va llm key|forget|status` (cli_llm.c). */
int cmd_llm(struct cli_globals *g, int argc, char **argv);
int cmd_analyze(struct cli_globals *g, int argc, char **argv);
/* Replies and templates (cli_reply.c, cli_templates.c). */
int cmd_reply(struct cli_globals *g, int argc, char **argv);
int cmd_replies(struct cli_globals *g, int argc, char **argv);
int cmd_templates(struct cli_globals *g, int argc, char **argv);

/* The audit log (cli_audit.c) and privacy export/purge (cli_data.c). */
int cmd_audit(struct cli_globals *g, int argc, char **argv);
int cmd_data(struct cli_globals *g, int argc, char **argv);

/* Triage and undo (cli_act.c). */
int cmd_act(struct cli_globals *g, int argc, char **argv);
int cmd_undo(struct cli_globals *g, int argc, char **argv);
int cmd_actions(struct cli_globals *g, int argc, char **argv);
int cmd_rules(struct cli_globals *g, int argc, char **argv);
int cmd_recommendations(struct cli_globals *g, int argc, char **argv);
int cmd_accept(struct cli_globals *g, int argc, char **argv);
int cmd_reject(struct cli_globals *g, int argc, char **argv);

#endif
