/*
 * imap: one IMAP session over libetpan (L1).  Blocking calls, meant for worker
 * threads and the CLI only: never call these on the UI thread (STYLE 10).
 *
 * TLS (implicit or STARTTLS) is verified by default: the server's chain must
 * lead to a system CA or to the account's ca_file, and its certificate must
 * name the host dialled.  A refused certificate fails the connect with a
 * cause that says why ("the certificate issuer is unknown").  Credentials are
 * passed in by the caller (the app layer reads them from the secret store);
 * nothing here logs or keeps them after login.
 *
 * Every call returns 0 on success and -1 with *cause ("what failed: why") on
 * failure.  After a network failure the session is dead: every later call
 * fails at once with the same kind of cause; close it and connect again.
 */
#ifndef VA_IMAP_H
#define VA_IMAP_H

#include <stddef.h>
#include <stdint.h>

enum imap_tls { IMAP_TLS_IMPLICIT, IMAP_TLS_STARTTLS, IMAP_TLS_NONE };
enum imap_auth { IMAP_AUTH_PASSWORD, IMAP_AUTH_XOAUTH2 };

/* UTF-8 to IMAP's modified UTF-7 (RFC 3501 5.1.3: mailbox names, Gmail
 * labels) and back.  Caller frees; NULL when the input is not valid. */
char *imap_utf7_encode(const char *utf8);
char *imap_utf7_decode(const char *mutf7);

/* "implicit", "starttls", "none" (va.conf's imap_tls/smtp_tls); NULL or
 * anything else: implicit. */
enum imap_tls imap_tls_parse(const char *name);

struct imap_opts {
	const char    *host;
	unsigned       port;
	enum imap_tls  tls;
	const char    *ca_file;  /* extra trusted CA (PEM), or NULL */
	const char    *user;
	const char    *secret;   /* password, or the OAuth2 access token */
	enum imap_auth auth;
	int            timeout_s; /* network timeout; 0: 30 s */
	int           *refused;   /* optional: set to 1 when the server refused the credentials */
};

struct imap;

/* Connect, secure, check the certificate, log in.  NULL and *cause. */
struct imap *imap_connect(const struct imap_opts *o, char **cause);
/* LOGOUT (best effort) and free; NULL is fine. */
void imap_close(struct imap *im);
/* Has the connection failed (every later call fails)? */
int imap_is_dead(const struct imap *im);
/* Does the server announce capability `name` ("CONDSTORE", "MOVE", "IDLE")? */
int imap_has(struct imap *im, const char *name);

/* A folder from LIST: its name (with the server's separator) and the
 * special-use role it carries: "sent", "trash", "junk", "archive", "drafts",
 * "all", "flagged", or NULL. */
struct imap_folder {
	char       *name;
	const char *special;
	int         noselect;
};
int  imap_list(struct imap *im, struct imap_folder **out, size_t *n, char **cause);
void imap_folders_free(struct imap_folder *f, size_t n);

/* What SELECT said.  highestmodseq is 0 when the server has no CONDSTORE. */
struct imap_status {
	uint32_t uidvalidity, uidnext, exists;
	uint64_t highestmodseq;
};
int imap_select(struct imap *im, const char *folder, struct imap_status *out, char **cause);

/* Every UID in the selected folder, ascending (caller frees *uids). */
int imap_uids(struct imap *im, uint32_t **uids, size_t *n, char **cause);

/* One fetched message.  Borrowed for the callback's duration.  raw is NULL
 * in flag fetches.  keywords: space-separated, NULL when none; on Gmail the
 * message's user labels (X-GM-LABELS) are among them. */
struct imap_msg {
	uint32_t    uid;
	unsigned    flags;  /* enum msg_flag */
	const char *keywords;
	uint64_t    modseq; /* 0 without CONDSTORE */
	const char *raw;
	size_t      len;
};
/* Returns non-zero to stop (the call then fails with the cause it set). */
typedef int (*imap_msg_fn)(void *arg, const struct imap_msg *m, char **cause);

/* Fetch the full messages uids[0..n) (FLAGS, UID, BODY.PEEK[], MODSEQ with
 * CONDSTORE) in batches of about `batch` messages, calling fn for each. */
int imap_fetch_bodies(struct imap *im, const uint32_t *uids, size_t n, size_t batch,
                      imap_msg_fn fn, void *arg, char **cause);
/* Flags of the messages with UID 1..maxuid; with changedsince > 0 (CONDSTORE)
 * only those whose MODSEQ is above it. */
int imap_fetch_flags(struct imap *im, uint32_t maxuid, uint64_t changedsince, imap_msg_fn fn,
                     void *arg, char **cause);

/* Server-side actions on the selected folder.  add/remove are enum msg_flag
 * bits; kw_add/kw_remove space-separated keywords or NULL.  On Gmail
 * (X-GM-EXT-1) the keywords are labels, stored by +/-X-GM-LABELS, except
 * those starting with '$', which stay keywords (see imap_gmail.c). */
int imap_store_flags(struct imap *im, uint32_t uid, unsigned add, unsigned remove,
                     const char *kw_add, const char *kw_remove, char **cause);
/* Move one message to `dest`: MOVE when offered, else COPY, \Deleted and
 * UID EXPUNGE (or EXPUNGE when the server lacks UIDPLUS).  With UIDPLUS the
 * message's UIDVALIDITY and UID in dest are set, else both are 0. */
int imap_move(struct imap *im, uint32_t uid, const char *dest, uint32_t *new_uidvalidity,
              uint32_t *new_uid, char **cause);
/* Append a message to `folder` with flags (enum msg_flag). */
/* CREATE folder (a move or an append to a folder the server does not have
 * yet).  0, or -1 and *cause. */
int imap_create(struct imap *im, const char *folder, char **cause);
int imap_append(struct imap *im, const char *folder, const char *raw, size_t len, unsigned flags,
                char **cause);

/* IDLE on the selected folder until the server reports a change, timeout_s
 * passes or stop_fd (-1: none) becomes readable: 1 when something changed,
 * 0 on timeout, 2 when stopped, -1 and *cause. */
int imap_idle_wait(struct imap *im, int timeout_s, int stop_fd, char **cause);

#endif
