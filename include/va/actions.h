/*
 * actions: triage of stored messages with undo (L4; both faces call it).
 *
 * Every change (flag, read, archive, move, trash, label, category) is applied
 * to the store and recorded in the `actions` journal with the data that
 * undoes it, in one transaction.  Several messages changed by one request
 * share a batch; `undo` of the last request undoes its whole batch.
 *
 * Where the change also goes depends on the account's type (the backend
 * table in actions.c): a configured Maildir account's file is renamed (flag
 * letters) or moved between Maildir++ folders, atomically and never over an
 * existing file; the demo mailbox and imports change in the store only; IMAP
 * accounts record server_state "pending" for the write-back worker.
 */
#ifndef VA_ACTIONS_H
#define VA_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct store_msg_state;

enum action_kind {
	ACT_ARCHIVE,
	ACT_TRASH,
	ACT_MOVE,
	ACT_FLAG,
	ACT_UNFLAG,
	ACT_READ,
	ACT_UNREAD,
	ACT_LABEL,
	ACT_UNLABEL,
	ACT_CATEGORY,
	ACT_COUNT,
	ACT_NONE = -1
};

struct action_def {
	enum action_kind kind;
	const char      *name;    /* "archive" */
	const char      *arg;     /* what the argument is ("FOLDER"), NULL: none */
	const char      *done;    /* past tense for reports: "archived" */
	const char      *doc;
};
extern const struct action_def action_table[ACT_COUNT];
/* The kind called `name`, or ACT_NONE. */
enum action_kind action_find(const char *name);

/* The categories `category` accepts (NULL-terminated). */
extern const char *const action_categories[];

/* What a request did. */
struct action_outcome {
	int64_t  batch;     /* the batch its journal rows share (0: nothing recorded) */
	int64_t *actions;   /* journal row ids (owned) */
	int64_t *messages;  /* the messages changed, in the same order (owned) */
	size_t   n;         /* how many changed */
	size_t   unchanged; /* already in that state: nothing recorded */
};
void action_outcome_release(struct action_outcome *o);

/* Apply `kind` (with `arg` where the kind takes one) to the messages `ids`,
 * as one batch, all or nothing.  0, or -1 with *cause (the store and the
 * files are as they were: a file already moved is moved back). */
int action_apply(struct app *app, const int64_t *ids, size_t n, enum action_kind kind,
                 const char *arg, struct action_outcome *out, char **cause);

/* Undo: action_id > 0 that one action; batch > 0 that batch; both 0: the
 * newest live batch by the user.  out->actions lists what was undone.
 * 0, 1 when there is nothing (or nothing left) to undo, -1 on error. */
int action_undo(struct app *app, int64_t action_id, int64_t batch, struct action_outcome *out,
                char **cause);

/* Attachments: the decoded bytes of part `part` (attachment.part) of message
 * id (*out is the caller's), or those bytes written to `path` (mode 0600;
 * an existing file is never replaced).  0, or -1 with *cause. */
int attachment_bytes(struct app *app, int64_t id, int part, char **out, size_t *len,
                     char **cause);
int attachment_save(struct app *app, int64_t id, int part, const char *path, char **cause);

/* The journal, newest first, at most limit (0: all); free with store_actions_free. */
struct store_action;
int action_list(struct app *app, size_t limit, struct store_action **out, size_t *n,
                char **cause);

/*
 * The write-back hook: one row per account type (actions.c).  write, when
 * not NULL, makes the account's own copy match `to` before the store is
 * updated; it sets *new_path when the message's file moved (caller frees).
 * When the request then fails, a moved file is moved back by the caller.  server_state is what the journal records for the row
 * ("local": nothing left to do; "pending": a sync worker must push it).
 */
struct action_target {
	unsigned    flags;
	const char *folder;
	const char *keywords;
};
struct action_backend {
	const char *type;
	const char *server_state;
	int (*write)(struct app *app, const struct store_msg_state *m, const struct action_target *to,
	             char **new_path, char **cause);
};

#endif
