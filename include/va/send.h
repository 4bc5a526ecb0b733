/*
 * send: compose and submit a message (L4), then keep a copy in the account's
 * Sent folder on the IMAP server.  Blocking: the CLI and workers only.
 *
 * The message is RFC 5322 with MIME: Date (local time with its offset),
 * Message-ID (random, at the sender's domain), MIME-Version, UTF-8 text
 * (7bit when it is ASCII, quoted-printable otherwise), non-ASCII subjects and
 * display names as RFC 2047 encoded words, CRLF line ends.
 */
#ifndef VA_SEND_H
#define VA_SEND_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct accounts_io;

struct send_draft {
	const char        *from_name; /* NULL: none */
	const char        *from_addr;
	const char *const *to;        /* addresses */
	size_t             nto;
	const char        *subject;   /* UTF-8 */
	const char        *body;      /* UTF-8, any line ends */
	int64_t            date;      /* seconds; 0: now */
	const char        *message_id; /* without <>; NULL: a new one */
};

/* What a reply adds to a draft.  A separate struct so that positional
 * initialisers of send_draft elsewhere stay complete. */
struct send_extra {
	const char        *in_reply_to; /* without <>; NULL: none */
	const char        *references;  /* space-separated ids without <>; NULL: none */
	const char *const *headers;     /* extra "Name: value" lines (no CRLF), e.g.
	                                   "Auto-Submitted: auto-replied" */
	size_t             nheaders;
};

/* The message bytes (caller frees); *len its length. */
char *send_build(const struct send_draft *d, size_t *len);
/* The same with In-Reply-To, References and extra header lines (x may be NULL). */
char *send_build_ex(const struct send_draft *d, const struct send_extra *x, size_t *len);

/* A new Message-ID (without <>) at the domain of `addr`.  Caller frees. */
char *send_message_id(const char *addr);

struct send_result {
	char *account;     /* the account used */
	char *message_id;
	char *sent_folder; /* where the copy went, NULL when it could not be saved */
	char *warning;     /* why the copy was not saved, or NULL */
	int   attempts;
};
void send_result_release(struct send_result *r);

/* Send d (from_addr/from_name default to the account's) with the account
 * `account` (NULL: the first IMAP account with an smtp_host).  A 4xx answer
 * or a dropped connection is tried again (three attempts); 5xx is reported
 * at once.  After sending, a failure to save the copy to Sent is a warning in
 * r->warning, not an error.  0 or -1 with *cause. */
int send_mail(struct app *app, const char *account, const struct send_draft *d,
              const struct accounts_io *io, struct send_result *r, char **cause);

/* Submit the message bytes `msg` as they are (from `from` to to[0..nto)) with
 * `account`, then save them to Sent, as send_mail does (r->message_id is
 * left NULL).  0 or -1 with *cause. */
int send_raw(struct app *app, const char *account, const char *from, const char *const *to,
             size_t nto, const char *msg, size_t len, const struct accounts_io *io,
             struct send_result *r, char **cause);

/* Append msg to the account's folder with special-use `role` ("drafts",
 * "sent"), else the folder `fallback`, with flags (enum msg_flag).  The
 * folder used into *folder (caller frees).  0 or -1 with *cause. */
int send_append(struct app *app, const char *account, const char *role, const char *fallback,
                const char *msg, size_t len, unsigned flags, const struct accounts_io *io,
                char **folder, char **cause);

/* Is a message with this Message-ID (without <>) in the account's Sent
 * folder on the server?  1 yes, 0 no, -1 with *cause (could not look). */
int send_in_sent(struct app *app, const char *account, const char *message_id,
                 const struct accounts_io *io, char **cause);

#endif
