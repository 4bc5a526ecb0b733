/*
 * sync: bring IMAP accounts into the store (L4).  Blocking: the CLI and the
 * scheduler's workers call it, never the UI thread.
 *
 * First, triage done in va (actions journaled "pending", see actions.h) is
 * written back: each touched message gets its flags and keywords set on the
 * server and is moved to the folder the store has it in (MOVE, or COPY +
 * \Deleted + UID EXPUNGE), its UID following it (UIDPLUS).  A message the
 * server no longer has is reported (r->refused), not retried forever.
 *
 * Then per folder: SELECT; a UIDVALIDITY change drops the folder's old copies and
 * fetches it again (no duplicates); when UIDNEXT, the message count and
 * HIGHESTMODSEQ (CONDSTORE) are unchanged nothing else is asked; otherwise
 * expunged messages are removed, flag changes fetched (CHANGEDSINCE with
 * CONDSTORE, else every flag) and new messages fetched in batches, parsed
 * (mime_parse) and stored with their raw bytes, committed batch by batch.
 * A connection that drops keeps everything committed so far; the next sync
 * carries on from there.  Credentials come from the secret store
 * (accounts_password / accounts_access_token); none is logged or kept.
 */
#ifndef VA_SYNC_H
#define VA_SYNC_H

#include <stddef.h>

#include "va/app.h"

struct accounts_io;

struct sync_report {
	size_t accounts, folders;
	size_t fetched;   /* new messages stored */
	size_t updated;   /* messages whose flags or keywords changed */
	size_t expunged;  /* removed because the server no longer has them */
	size_t dropped;   /* removed because their folder's UIDVALIDITY changed */
	size_t failed;    /* messages that could not be parsed or stored */
	size_t pushed;    /* triage actions written back to the server */
	size_t refused;   /* triage actions the server refused (message gone...) */
	char  *error;     /* the first account's failure, or NULL (owned) */
};
void sync_report_release(struct sync_report *r);

/* Is `name` an IMAP account in va.conf? */
int sync_is_imap(const struct app *app, const char *name);

/* Sync the IMAP account `name`, or every IMAP account when name is NULL.
 * progress (may be NULL) is told (done, total) new messages of the folder being
 * fetched.  0, or -1 with *cause when an account failed (the others are still
 * synced; r->error has the first failure too). */
int sync_imap(struct app *app, const char *name, const struct accounts_io *io,
              struct sync_report *r, app_progress_fn progress, void *arg, char **cause);

/* Shared with send.c: connect and log in to the account's IMAP server with
 * the credential from the secret store.  NULL and *cause. */
struct imap;
struct imap *sync_connect(struct app *app, const char *name, const struct accounts_io *io,
                          char **cause);
/* The account's password or access token (*oauth set for the latter);
 * the caller wipes it with secret_free.  NULL and *cause. */
char *sync_credential(struct app *app, const char *name, const struct accounts_io *io,
                      int *oauth, char **cause);

#endif
