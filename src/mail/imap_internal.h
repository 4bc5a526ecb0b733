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

/* ---- Gmail's X-GM-EXT-1 (imap_gmail.c) ---- */

/* Does the server offer X-GM-EXT-1 (labels by X-GM-LABELS)? */
int  imap_is_gmail(struct imap *im);
/* Add X-GM-LABELS to a FETCH when the server offers it. */
void imap_gm_fetch_att(struct imap *im, struct mailimap_fetch_type *ft);
/* When ed is a FETCH's X-GM-LABELS: 1, with *labels (freed first, then
 * owned) the user labels as va labels, space-separated (NULL: none).  Else 0. */
int  imap_gm_labels_of(const struct mailimap_extension_data *ed, char **labels);
/* The keyword list with the labels added (no duplicates); takes both. */
char *imap_gm_merge(char *keywords, char *labels);
/* A va keyword list split into IMAP keywords (those starting with '$') and
 * Gmail labels; each owned, NULL when empty. */
void imap_gm_split(const char *list, char **keywords, char **labels);
/* UID STORE uid +X-GM-LABELS.SILENT (labels) (-X-GM-LABELS with add 0);
 * labels space-separated va labels.  0, or -1 and *cause. */
int  imap_gm_store(struct imap *im, uint32_t uid, const char *labels, int add, char **cause);

#endif
