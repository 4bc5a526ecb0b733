/*
 * app: the service API both faces (cli/, ui/) call (L4).  One struct app per
 * thread that uses it: it owns that thread's store connection.
 *
 * Start-up order: config (errors collected, not fatal), data directory (0700),
 * store (migrated), accounts (from va.conf, or the demo mailbox when none).
 */
#ifndef VA_APP_H
#define VA_APP_H

#include <stddef.h>
#include <stdint.h>

#include "va/message.h"
#include "va/store.h"

struct conf;
struct accounts_io;

struct app_opts {
	const char *config_path; /* NULL: $XDG_CONFIG_HOME/va/va.conf */
	const char *data_dir;    /* NULL: [general] data_dir, else $XDG_DATA_HOME/va */
	/* How this process gets the secrets passphrase and talks to the person
	 * (NULL: it cannot; the keyring backend needs neither).  Not owned. */
	const struct accounts_io *io;
};

struct account {
	char *name;
	char *type;  /* "maildir", "imap", "demo" (the shipped demo mailbox), "local" (imports) */
	char *path;  /* maildir/demo: the Maildir root */
	char *email;
	char *display_name;
};

struct app {
	struct conf    *conf;
	struct store   *store;
	char           *config_path;
	char           *data_dir;
	char           *share_dir;
	struct account *accounts;
	size_t          naccounts;
	int             demo; /* no account configured: the demo mailbox is in use */
	char          **errors; /* account problems found at start-up, "account "x": ..." */
	size_t          nerrors;
	/* Who acts through this handle, for the actions journal and the audit
	 * log: origin "user" (the default), "rule" or "job"; rule is the rule's
	 * name, job_id the job's; verdict the classifier verdict that led to it
	 * ("promotional 92"), or NULL.  Set and reset by the caller (not owned). */
	const char     *origin;
	const char     *rule;
	int64_t         job_id;
	const char     *verdict;
	int64_t         batch; /* > 0: action_apply journals into this batch (a rule run) */
	const struct accounts_io *io; /* app_opts.io */
};

/* Open everything.  Fails (-1, *cause) only when the store cannot be opened;
 * config problems are in conf_nerrors(app->conf) and app->errors. */
int  app_open(struct app **out, const struct app_opts *o, char **cause);
void app_close(struct app *app);
const struct account *app_account(const struct app *app, const char *name);

/* What an import or a local rescan did, file by file. */
struct app_failure {
	char *path;
	char *reason;
};
struct import_report {
	size_t files;         /* files (or mbox messages) looked at */
	size_t stored;        /* newly stored */
	size_t existed;       /* already in the store (unchanged) */
	size_t updated;       /* rescans: flags or location changed */
	size_t removed;       /* rescans: gone from disk, removed from the store */
	size_t with_problems; /* stored, with parse problems recorded on the message */
	struct app_failure *failures;
	size_t nfailures;
	size_t cap;
};
void import_report_release(struct import_report *r);

/* Progress callback: called every few hundred messages and at the end. */
typedef void (*app_progress_fn)(void *arg, size_t done, size_t total);

/* Import a Maildir (with subfolders), an mbox file, a directory of message
 * files, or one message file into the "local" account.  `folder` overrides
 * the folder name (default: the Maildir folder, or "INBOX").  Stops early only
 * when the store fails (disk full, locked); what was stored stays stored. */
int inbox_import(struct app *app, const char *path, const char *folder, struct import_report *r,
                 app_progress_fn progress, void *arg, char **cause);

/* Rescan every Maildir account (and the demo mailbox): new files are parsed
 * and stored, moved/re-flagged files updated, vanished files removed. */
int inbox_refresh_local(struct app *app, struct import_report *r, char **cause);

int  inbox_list(struct app *app, const struct store_query *q, struct message **out, size_t *n,
                char **cause);
/* 0, 1 when there is no such message, -1 on error. */
int  inbox_show(struct app *app, int64_t id, struct message *out, char **cause);

#endif
