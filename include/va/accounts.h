/*
 * accounts: adding, signing in to and removing mail accounts (L4), and the
 * fresh access token the IMAP/SMTP code asks for.
 *
 * va.conf is the user's file: `add` only appends one [account NAME] section
 * (the bytes before it are kept as they are) and `remove` only cuts the
 * sections of that account; both write atomically (temp file + rename,
 * keeping the file's mode).  Secrets go to the secret store (include/va/
 * secret.h) under the owner "account NAME": "password" or "oauth" (the token
 * set, JSON).  Presets are INI files with one [account PRESET] section, read
 * by the va.conf parser: $XDG_CONFIG_HOME/va/providers/PRESET.conf first,
 * then the shipped share/providers/PRESET.conf.
 */
#ifndef VA_ACCOUNTS_H
#define VA_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

struct app;

/* How the services talk to the person (the CLI fills this in).  Any
 * callback may be NULL. */
struct accounts_io {
	/* The secrets-file passphrase (create: a new file, ask twice); the
	 * caller of the callback wipes the result.  NULL and *cause when none. */
	char *(*passphrase)(void *arg, int create, char **cause);
	/* Show one message to the person (instructions, notices). */
	void (*say)(void *arg, const char *text);
	void *arg;
	int paste_fd;  /* where a pasted sign-in address can be read, or -1 */
	int timeout_s; /* how long a sign-in waits for the person; 0: default */
};

/* An accounts_io for code with nobody to ask (the daemon, the TUI's
 * background jobs): the passphrase comes from VA_PASSPHRASE_FILE or not at
 * all (the keyring backend needs none); what would be said is logged. */
void accounts_quiet_io(struct accounts_io *io);

/* Open the secret store the way va.conf says ([secrets] backend, file), with
 * io's passphrase callback (NULL io: the file backend cannot ask) and its
 * say for the one-time fallback notice.  Close with secrets_close.  NULL and
 * *cause on failure. */
struct secrets;
struct secrets *accounts_secrets_open(struct app *app, const struct accounts_io *io, char **cause);

/* One "key = value" for the new section (borrowed). */
struct account_kv {
	const char *key;
	const char *value;
};

/* Append [account NAME] to va.conf: the preset's keys, then kv (which
 * override them).  Refuses (-1, *cause, file untouched) a bad or taken name,
 * an unknown preset, a value va.conf would reject, or a section missing what
 * its type needs. */
int accounts_add(struct app *app, const char *name, const char *preset, const struct account_kv *kv,
                 size_t nkv, char **cause);

/* Remove every [account NAME] section from va.conf, the account's secrets
 * and its rows in the database.  0, or -1 and *cause (then va.conf is
 * untouched). */
int accounts_remove(struct app *app, const char *name, const struct accounts_io *io, char **cause);

/* Store the account's password (replacing any).  0 or -1 and *cause. */
int accounts_set_password(struct app *app, const char *name, const char *password,
                          const struct accounts_io *io, char **cause);

/* Sign in with OAuth2.  flow: "loopback", "paste", "device" or NULL (pick:
 * over SSH the flow that works there for the provider).  0 or -1 and *cause. */
int accounts_login_oauth(struct app *app, const char *name, const char *flow,
                         const struct accounts_io *io, char **cause);

/* A valid access token for an OAuth2 account: the stored one while it has
 * more than a minute left, else a refreshed one (saved).  force_refresh:
 * refresh even so (call it after the server refused the token).  0 and
 * *token (caller wipes and frees), or -1 and *cause; a revoked sign-in says
 * "run `va account login NAME`" and never loops.  *expires_at (optional)
 * gets the token's expiry. */
int accounts_access_token(struct app *app, const char *name, int force_refresh,
                          const struct accounts_io *io, char **token, int64_t *expires_at,
                          char **cause);

/* The account's password, for password logins.  0 and *password (caller
 * wipes), 1 when none is stored, -1 and *cause. */
int accounts_password(struct app *app, const char *name, const struct accounts_io *io,
                      char **password, char **cause);

/* What `va doctor` reports for one part of the set-up. */
enum check_state { CHECK_OK, CHECK_WARN, CHECK_FAIL, CHECK_SKIP };
struct check {
	enum check_state state;
	char *what;   /* "secrets", "account work", ... */
	char *detail; /* one sentence */
};
struct check_list {
	struct check *v;
	size_t n, cap;
};
/* Check the config, the secret store and each account (configuration,
 * sign-in state; network checks are reported as not built yet). */
void accounts_doctor(struct app *app, const struct accounts_io *io, struct check_list *out);
void check_list_release(struct check_list *l);
const char *check_state_name(enum check_state s);

#endif
