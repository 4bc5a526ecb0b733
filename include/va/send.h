/*
 * send: compose and submit a message (L4), then keep a copy in the account's
 * Sent folder on the IMAP server.  Blocking: the CLI and workers only.
 *
 * The message is RFC 5322 with MIME: Date (local time with its offset),
 * Message-ID (random, at the sender's domain), MIME-Version, UTF-8 text
 * (7bit when it is ASCII, quoted-printable otherwise), non-ASCII subjects and
 * display names as RFC 2047 encoded words, CRLF line ends.  With attachments
 * it is multipart/mixed: the text part first, then one base64 part per file
 * (lines of 76 characters) with Content-Disposition: attachment and the file
 * name as RFC 2231 (filename*=utf-8''...) when it is not plain ASCII.
 */
#ifndef VA_SEND_H
#define VA_SEND_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct accounts_io;

/* A file to attach.  The loader below fills and owns every field. */
struct send_attachment {
	char          *name; /* shown to the recipient: UTF-8, no directory */
	char          *type; /* Content-Type value, e.g. "application/pdf" */
	unsigned char *data;
	size_t         len;
};

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
	const struct send_attachment *attach; /* files; none: a single text part */
	size_t                        nattach;
};

/* The message bytes (caller frees); *len its length. */
char *send_build(const struct send_draft *d, size_t *len);
/* The same with In-Reply-To, References and extra header lines (x may be NULL). */
char *send_build_ex(const struct send_draft *d, const struct send_extra *x, size_t *len);

/* The Content-Type value for a file: from the name's extension (a small
 * table; a text type gets "; charset=utf-8" when the content is UTF-8, and
 * gives way to application/octet-stream when it holds NUL bytes), else
 * text/plain; charset=utf-8 for UTF-8 without NUL bytes, else
 * application/octet-stream.  Caller frees. */
char *send_guess_type(const char *name, const unsigned char *data, size_t len);

/* Read the files at paths[0..n) into a[0..n) (name: the path's last part,
 * type: send_guess_type) when each is a readable file and all together
 * weigh at most `max` bytes (<= 0: no limit).  Nothing is read unless every
 * file passes.  0, or -1 with *cause naming the file and what is wrong;
 * send_attachments_release(a, n) in both cases. */
int  send_attachments_load(struct send_attachment *a, const char *const *paths, size_t n,
                           int64_t max, char **cause);
void send_attachments_release(struct send_attachment *a, size_t n);

/* [send] max_attachments from va.conf: the cap for send_attachments_load. */
int64_t send_attachments_max(struct app *app);

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

/* Send d (from_addr/from_name default to the account's), with x's
 * attachments and headers when x is not NULL, with the account
 * `account` (NULL: the first IMAP account with an smtp_host).  A 4xx answer
 * or a dropped connection is tried again (three attempts); 5xx is reported
 * at once.  After sending, a failure to save the copy to Sent is a warning in
 * r->warning, not an error.  0 or -1 with *cause. */
int send_mail(struct app *app, const char *account, const struct send_draft *d,
              const struct send_extra *x, const struct accounts_io *io,
              struct send_result *r, char **cause);

/* Submit the message bytes `msg` as they are (from `from` to to[0..nto)) with
 * `account`, then save them to Sent, as send_mail does (r->message_id is
 * left NULL).  0 or -1 with *cause. */
int send_raw(struct app *app, const char *account, const char *from, const char *const *to,
             size_t nto, const char *msg, size_t len, const struct accounts_io *io,
             struct send_result *r, char **cause);

/* A session for a batch (automatic replies): one SMTP and one IMAP
 * connection for the Sent copies, opened on first use, opened again when
 * lost.  new: NULL with *cause when no account can send.  raw: as
 * send_raw, through the session. */
struct send_session;
struct send_session *send_session_new(struct app *app, const char *account,
                                      const struct accounts_io *io, char **cause);
const char *send_session_account(const struct send_session *ss);
int send_session_raw(struct send_session *ss, const char *from, const char *const *to,
                     size_t nto, const char *msg, size_t len, struct send_result *r,
                     char **cause);
void send_session_free(struct send_session *ss);

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
