/* imap_internal: shared by src/mail/imap*.c and smtp*.c only. */
#ifndef VA_IMAP_INTERNAL_H
#define VA_IMAP_INTERNAL_H

#include <libetpan/libetpan.h>

#include "va/imap.h"

struct imap {
	mailimap *s;
	char *host;
	int dead; /* the connection failed: every call fails */
};

/* Check the TLS peer of `stream` for `host`: the chain must lead to a system
 * CA or to ca_file (may be NULL) and the certificate must name the host.
 * 0, or -1 with *cause saying why the certificate was refused. */
int mail_tls_verify(mailstream *stream, const char *host, const char *ca_file, char **cause);

/* A server that hangs up makes the next write raise SIGPIPE, which would end
 * va: the first connection sets SIGPIPE to ignored (when it is at its
 * default) so that the write fails with EPIPE and becomes a clear error. */
void mail_ignore_sigpipe(void);

/* SNI for the TLS handshake: a libetpan ssl-context callback; data is the host. */
void mail_tls_sni(struct mailstream_ssl_context *ctx, void *data);

/* The cause for libetpan IMAP error `rc` while doing `what`, with the
 * server's own words when it sent some; marks the session dead on
 * connection errors.  Always returns -1. */
int imap_fail(struct imap *im, int rc, const char *what, char **cause);

/* A sequence set of the uids (runs become intervals). */
struct mailimap_set *imap_uid_set(const uint32_t *uids, size_t n);

/* enum msg_flag bits and keywords of a FETCH FLAGS list; *kw owned. */
unsigned imap_flags_of(clist *flags, char **kw);

#endif
