/*
 * smtp: message submission over libetpan (L1).  Blocking: workers and the
 * CLI only.  TLS (implicit, usually port 465, or STARTTLS, usually 587) is
 * verified like IMAP's (system CAs plus ca_file, host name checked) before
 * any credential is sent.  AUTH PLAIN (LOGIN when PLAIN is not offered) with
 * a password, XOAUTH2 with an access token.  The message is sent as given
 * (CRLF line ends; libetpan dot-stuffs lines that start with a dot).
 */
#ifndef VA_SMTP_H
#define VA_SMTP_H

#include <stddef.h>

#include "va/imap.h" /* enum imap_tls, enum imap_auth: the same choices */

struct smtp_opts {
	const char    *host;
	unsigned       port;
	enum imap_tls  tls;
	const char    *ca_file;
	const char    *user;   /* NULL: no AUTH */
	const char    *secret; /* password or access token */
	enum imap_auth auth;
	int            timeout_s; /* 0: 30 s */
};

/* Connect, authenticate and send msg from `from` to every rcpt[i].  0, or -1
 * with *cause ("what failed: the server said ...") and *transient set when
 * the server answered 4xx (try again later) rather than 5xx or a refusal. */
int smtp_send(const struct smtp_opts *o, const char *from, const char *const *rcpt, size_t nrcpt,
              const char *msg, size_t len, int *transient, char **cause);

/* A session kept open for several messages (a batch of replies): connect
 * and authenticate once (o's strings must outlive the session; o->secret
 * is used only here).  NULL with *cause and *transient as for smtp_send. */
struct smtp *smtp_open(const struct smtp_opts *o, int *transient, char **cause);
/* Send one message in an open session; as smtp_send.  After a refused
 * message the session is reset and stays usable; after a lost connection
 * smtp_alive is 0 and the caller opens a new one. */
int smtp_submit(struct smtp *s, const char *from, const char *const *rcpt, size_t nrcpt,
                const char *msg, size_t len, int *transient, char **cause);
int smtp_alive(const struct smtp *s);
void smtp_close(struct smtp *s); /* QUIT; NULL is fine */

#endif
