/*
 * audit: the encrypted, hash-chained log of what va did and who made it do
 * it (L4; the "Audit log" of issue 7), and the privacy commands that export
 * or remove everything va holds (src/app/privacy.c).
 *
 * An entry is JSON: ts, actor ("user", "rule NAME", "job ID", from app->origin,
 * app->rule, app->job_id), kind ("archive", "undo", "data.export", ...),
 * target, before, after and the classifier verdict (app->verdict).  At rest it
 * is sealed with XChaCha20-Poly1305 under a key derived from the audit key
 * (secret store, owner "audit"); only ts, the actor's kind ("user", "rule",
 * "job") and the entry's kind are plaintext columns.  Entry N's MAC (keyed
 * BLAKE2b) covers its id, ts, columns, nonce, ciphertext and entry N-1's MAC;
 * ids are consecutive.  The head (last id and MAC, itself MACed) is kept in
 * the kv table in the same transaction, and copied to the secret store
 * whenever that is open, so deleting the newest rows, or rolling the whole
 * database back, is seen too.
 *
 * Recording never asks for anything: with the keyring the key is read; with
 * the passphrase file it is read only when VA_PASSPHRASE_FILE names the
 * passphrase or this process already unlocked the log (audit_unlock).
 * Otherwise the entry is sealed (crypto_box_seal) to the audit public key
 * kept in kv and waits in audit_pending until the key is at hand again (any
 * audit_unlock, list, verify or export, or the next record that can read the
 * key), then joins the chain in order.  If no audit key exists yet and none
 * can be made without asking, only ts, actor kind and kind are kept (the
 * entry says its details were not kept).  A failure to record is logged and
 * counted; it never undoes the action, and `va audit verify` reports it.
 *
 * Call the record functions outside a store transaction: they open their own.
 */
#ifndef VA_AUDIT_H
#define VA_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct accounts_io;
struct action_outcome;

/* The actions journaled in o were done (undo 0) or undone (undo 1) by the
 * actor of app: one entry per action.  Never fails (problems are logged). */
void audit_actions(struct app *app, const struct action_outcome *o, int undo);

/* One entry of `kind`; target, before and after are JSON texts or NULL.
 * 0 chained, 1 pending (sealed to the public key), -1 not recorded (logged;
 * *cause when cause is non-NULL). */
int audit_record(struct app *app, const char *kind, const char *target, const char *before,
                 const char *after, char **cause);

/* Make the audit key available for the rest of this process (io may ask
 * for the secrets-file passphrase), creating it when none exists, and fold
 * pending entries into the chain.  Call it once the person is there (TUI
 * start, `va account add`, `va audit init`).  0, or -1 and *cause. */
int audit_unlock(struct app *app, const struct accounts_io *io, char **cause);
/* Forget the key this process holds (after a purge; tests). */
void audit_forget(void);

/* One decrypted entry.  json is the entry's plaintext (NULL when it cannot
 * be decrypted: then problem says why). */
struct audit_entry {
	int64_t id, ts;
	char *actor_kind, *kind;
	char *json;
	char *problem;
};
void audit_entries_free(struct audit_entry *v, size_t n);
/* One line for people: "who  what  target  before -> after  [verdict]"
 * (no id, no time; caller frees). */
char *audit_entry_summary(const struct audit_entry *e);
/* The newest `limit` entries (0: all), newest first, after folding pending
 * ones.  0, or -1 and *cause (no key: the cause says so). */
int audit_list(struct app *app, const struct accounts_io *io, size_t limit,
               struct audit_entry **out, size_t *n, char **cause);

/* What `va audit verify` found.  ok: the chain, the head and the key agree
 * and nothing failed to be recorded; else bad_id is the first bad entry
 * (0: not one entry, e.g. the head) and problem says what is wrong
 * ("entry 7: MAC mismatch (edited?)"). */
struct audit_report {
	int ok;
	int64_t entries;    /* entries in the chain */
	int64_t pending;    /* still sealed (key not at hand for folding) */
	int64_t unrecorded; /* records that failed (see the log) */
	int64_t bad_id;
	char *problem;
	char *head; /* where the head was checked: "database and secret store" */
};
void audit_report_release(struct audit_report *r);
/* 0 with r filled (ok or not), or -1 and *cause when it cannot check at all. */
int audit_verify(struct app *app, const struct accounts_io *io, struct audit_report *r,
                 char **cause);

/* Every entry, oldest first, as JSON lines (decrypted) into a new file
 * `path` (mode 0600; an existing file is never replaced).  *count gets the
 * number of lines.  0, or -1 and *cause. */
int audit_export(struct app *app, const struct accounts_io *io, const char *path, size_t *count,
                 char **cause);

/* ---- privacy (src/app/privacy.c) ---- */

/* Write everything va holds about the person into the new or empty
 * directory dir (0700; files 0600): one JSON file per kind of data (accounts
 * without secrets, messages' metadata, labels, actions, recommendations,
 * jobs, templates and approvals, analyses, the audit log decrypted when the
 * key is at hand) and every stored message as a Maildir under
 * dir/mail/ACCOUNT/FOLDER/cur/.  *messages gets how many were written.
 * 0, or -1 and *cause (an existing non-empty dir is refused). */
struct privacy_export {
	size_t messages, files;
	int audit;  /* 1: the audit log is in audit.jsonl */
	char *note; /* why the audit log is not, or NULL */
};
void privacy_export_release(struct privacy_export *e);
int privacy_export(struct app *app, const struct accounts_io *io, const char *dir,
                   struct privacy_export *out, char **cause);

/* What a purge removed (each line a path or "secrets of OWNER"). */
struct privacy_purge {
	char **removed;
	size_t n;
	char **kept; /* what it left on purpose (va.conf, the user's Maildirs) */
	size_t nkept;
	char **failed; /* what it could not remove, with why */
	size_t nfailed;
};
void privacy_purge_release(struct privacy_purge *p);
/* Remove va's database (with -wal/-shm), its caches, reports it made, the
 * encrypted secrets file and every secret va keeps (each account's, "llm",
 * "audit").  app is closed by this call (*app set to NULL).  Never touches
 * va.conf or the person's own Maildir folders.  0 when everything went, -1
 * when something could not be removed (see out->failed). */
int privacy_purge(struct app **app, const struct accounts_io *io, struct privacy_purge *out);

#endif
