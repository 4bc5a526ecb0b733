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

/* The message bytes (caller frees); *len its length. */
char *send_build(const struct send_draft *d, size_t *len);

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

#endif
