/*
 * smtp: submission sessions (connect, EHLO, STARTTLS, certificate check,
 * AUTH, then MAIL/RCPT/DATA once per message, QUIT) over libetpan's
 * mailsmtp.  smtp_send is a session for one message; smtp_open/smtp_submit
 * keep one session for a batch.  The server's reply code decides transient
 * (4xx) or permanent failures.
 */
#include <stdlib.h>
#include <string.h>

#include "imap_internal.h"
#include "va/smtp.h"
#include "va/util.h"

struct smtp_ctx {
	mailsmtp *s;
	const struct smtp_opts *o;
	int *transient;
};

struct smtp {
	struct smtp_opts o; /* secret cleared once authenticated */
	struct smtp_ctx  c;
	int              dead, unused;
};

/* Remember whether the last failure is worth trying again (4xx, lost line). */
static void note_transient(struct smtp_ctx *c, int rc)
{
	int code = c->s->response_code;

	*c->transient = (code >= 400 && code < 500) || rc == MAILSMTP_ERROR_STREAM ||
	                rc == MAILSMTP_ERROR_CONNECTION_REFUSED;
}

/* The cause for a failed step, with the server's reply when it gave one. */
static int fail(struct smtp_ctx *c, int rc, const char *what, char **cause)
{
	const char *said = c->s->response;
	int code = c->s->response_code;

	note_transient(c, rc);
	if (rc == MAILSMTP_ERROR_STREAM)
		return set_cause(cause, "%s: the connection to %s was lost", what, c->o->host);
	if (said && *said && code)
		return set_cause(cause, "%s: the server said \"%d %s\"", what, code, said);
	return set_cause(cause, "%s: %s", what, mailsmtp_strerror(rc));
}

static int ehlo(struct smtp_ctx *c, char **cause)
{
	int rc = mailesmtp_ehlo(c->s);

	if (rc == MAILSMTP_ERROR_NOT_IMPLEMENTED)
		rc = mailsmtp_helo(c->s);
	return rc == MAILSMTP_NO_ERROR ? 0 : fail(c, rc, "the server refused EHLO", cause);
}

static int open_secure(struct smtp_ctx *c, char **cause)
{
	const struct smtp_opts *o = c->o;
	uint16_t port = (uint16_t)o->port;
	int rc;

	if (o->tls == IMAP_TLS_IMPLICIT)
		rc = mailsmtp_ssl_connect_with_callback(c->s, o->host, port, mail_tls_sni,
		                                        (void *)o->host);
	else
		rc = mailsmtp_socket_connect(c->s, o->host, port);
	if (rc != MAILSMTP_NO_ERROR) {
		*c->transient = 1;
		return set_cause(cause, "cannot connect to %s port %u: %s", o->host, o->port,
		                 rc == MAILSMTP_ERROR_SSL ? "the TLS handshake failed"
		                                          : "nothing answers there");
	}
	if (ehlo(c, cause) < 0)
		return -1;
	if (o->tls == IMAP_TLS_STARTTLS) {
		rc = mailsmtp_socket_starttls_with_callback(c->s, mail_tls_sni, (void *)o->host);
		if (rc != MAILSMTP_NO_ERROR)
			return fail(c, rc, "cannot start TLS (STARTTLS)", cause);
		if (ehlo(c, cause) < 0)
			return -1;
	}
	if (o->tls != IMAP_TLS_NONE)
		return mail_tls_verify(c->s->stream, o->host, o->ca_file, cause);
	return 0;
}

static int authenticate(struct smtp_ctx *c, char **cause)
{
	const struct smtp_opts *o = c->o;
	const char *mech = c->s->auth & MAILSMTP_AUTH_PLAIN ? "PLAIN" : "LOGIN";
	int rc;

	if (!o->user)
		return 0;
	if (o->auth == IMAP_AUTH_XOAUTH2)
		rc = mailsmtp_oauth2_authenticate(c->s, o->user, o->secret);
	else
		rc = mailesmtp_auth_sasl(c->s, mech, o->host, NULL, NULL, o->user, o->user,
		                         o->secret, NULL);
	if (rc == MAILSMTP_NO_ERROR)
		return 0;
	note_transient(c, rc);
	if (c->s->response && *c->s->response)
		return set_cause(cause, "cannot log in to %s as \"%s\": the server said \"%d %s\"",
		                 o->host, o->user, c->s->response_code, c->s->response);
	return set_cause(cause, "cannot log in to %s as \"%s\": %s", o->host, o->user,
	                 mailsmtp_strerror(rc));
}

static int transfer(struct smtp_ctx *c, const char *from, const char *const *rcpt, size_t n,
                    const char *msg, size_t len, char **cause)
{
	size_t i;
	int rc;

	if ((rc = mailesmtp_mail(c->s, from, 0, NULL)) != MAILSMTP_NO_ERROR)
		return fail(c, rc, "the server refused the sender", cause);
	for (i = 0; i < n; i++)
		if ((rc = mailesmtp_rcpt(c->s, rcpt[i], 0, NULL)) != MAILSMTP_NO_ERROR) {
			char *what = xasprintf("the server refused the recipient <%s>", rcpt[i]);

			fail(c, rc, what, cause);
			free(what);
			return -1;
		}
	if ((rc = mailsmtp_data(c->s)) != MAILSMTP_NO_ERROR)
		return fail(c, rc, "the server refused DATA", cause);
	if ((rc = mailsmtp_data_message(c->s, msg, len)) != MAILSMTP_NO_ERROR)
		return fail(c, rc, "the server refused the message", cause);
	return 0;
}

struct smtp *smtp_open(const struct smtp_opts *o, int *transient, char **cause)
{
	struct smtp *s = xcalloc(1, sizeof *s);
	int rc;

	*transient = 0;
	s->o = *o;
	s->c = (struct smtp_ctx){mailsmtp_new(0, NULL), &s->o, transient};
	mail_ignore_sigpipe();
	mailsmtp_set_timeout(s->c.s, o->timeout_s > 0 ? o->timeout_s : 30);
	rc = open_secure(&s->c, cause);
	if (rc == 0)
		rc = authenticate(&s->c, cause);
	s->o.secret = NULL; /* the caller's; not needed after AUTH */
	s->c.transient = &s->unused;
	if (rc < 0) {
		smtp_close(s);
		return NULL;
	}
	return s;
}

int smtp_alive(const struct smtp *s)
{
	return s && !s->dead;
}

int smtp_submit(struct smtp *s, const char *from, const char *const *rcpt, size_t nrcpt,
                const char *msg, size_t len, int *transient, char **cause)
{
	int rc;

	*transient = 0;
	if (s->dead) {
		*transient = 1;
		return set_cause(cause, "the connection to %s was lost", s->o.host);
	}
	s->c.transient = transient;
	rc = transfer(&s->c, from, rcpt, nrcpt, msg, len, cause);
	s->c.transient = &s->unused;
	/* A refused transaction leaves the session usable after RSET; a lost
	 * line or a server that will not reset does not. */
	if (rc < 0 && (!s->c.s->stream || mailsmtp_reset(s->c.s) != MAILSMTP_NO_ERROR))
		s->dead = 1;
	return rc;
}

void smtp_close(struct smtp *s)
{
	if (!s)
		return;
	if (s->c.s->stream && !s->dead)
		mailsmtp_quit(s->c.s);
	mailsmtp_free(s->c.s);
	free(s);
}

int smtp_send(const struct smtp_opts *o, const char *from, const char *const *rcpt, size_t nrcpt,
              const char *msg, size_t len, int *transient, char **cause)
{
	struct smtp *s = smtp_open(o, transient, cause);
	int rc;

	if (!s)
		return -1;
	rc = smtp_submit(s, from, rcpt, nrcpt, msg, len, transient, cause);
	smtp_close(s);
	return rc;
}
