/*
 * imap: the IMAP session (connect, TLS, login, LIST, SELECT) over libetpan.
 * Fetching is in imap_fetch.c, server-side actions and IDLE in imap_act.c,
 * certificate checks in imap_tls.c.  Blocking: worker threads and the CLI
 * only.  The secret passed in opts is used for the login and not kept.
 */
#include <stdlib.h>
#include <string.h>

#include "imap_internal.h"
#include "va/util.h"

static const struct {
	const char *name;
	enum imap_tls tls;
} tls_table[] = {
    {"implicit", IMAP_TLS_IMPLICIT}, {"starttls", IMAP_TLS_STARTTLS}, {"none", IMAP_TLS_NONE}};

enum imap_tls imap_tls_parse(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof tls_table / sizeof tls_table[0]; i++)
		if (!strcmp(name, tls_table[i].name))
			return tls_table[i].tls;
	return IMAP_TLS_IMPLICIT;
}

/* libetpan's error codes that mean the connection is gone. */
static int rc_is_network(int rc)
{
	return rc == MAILIMAP_ERROR_STREAM || rc == MAILIMAP_ERROR_CONNECTION_REFUSED ||
	       rc == MAILIMAP_ERROR_SSL || rc == MAILIMAP_ERROR_FATAL ||
	       rc == MAILIMAP_ERROR_BAD_STATE;
}

int imap_fail(struct imap *im, int rc, const char *what, char **cause)
{
	const char *said = im && im->s ? im->s->imap_response : NULL;

	if (im && im->dead)
		return set_cause(cause, "%s: the connection to %s was lost earlier", what,
		                 im->host);
	if (rc_is_network(rc)) {
		if (im)
			im->dead = 1;
		return set_cause(cause, "%s: the connection to %s was lost", what,
		                 im ? im->host : "the server");
	}
	if (said && *said)
		return set_cause(cause, "%s: the server said \"%s\"", what, said);
	return set_cause(cause, "%s: the server refused it (libetpan error %d)", what, rc);
}

static int open_stream(struct imap *im, const struct imap_opts *o, char **cause)
{
	uint16_t port = (uint16_t)o->port;
	int rc;

	if (o->tls == IMAP_TLS_IMPLICIT)
		rc = mailimap_ssl_connect_with_callback(im->s, o->host, port, mail_tls_sni,
		                                        im->host);
	else
		rc = mailimap_socket_connect(im->s, o->host, port);
	if (rc != MAILIMAP_NO_ERROR_AUTHENTICATED && rc != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		im->dead = 1;
		return set_cause(cause, "cannot connect to %s port %u%s", o->host, o->port,
		                 o->tls == IMAP_TLS_IMPLICIT && rc == MAILIMAP_ERROR_SSL
		                     ? ": the TLS handshake failed"
		                     : ": nothing answers there");
	}
	if (o->tls == IMAP_TLS_STARTTLS) {
		rc = mailimap_socket_starttls_with_callback(im->s, mail_tls_sni, im->host);
		if (rc != MAILIMAP_NO_ERROR)
			return set_cause(cause, "cannot start TLS with %s (STARTTLS): %s", o->host,
			                 rc == MAILIMAP_ERROR_SSL ? "the TLS handshake failed"
			                                          : "the server does not offer it");
	}
	if (o->tls != IMAP_TLS_NONE)
		return mail_tls_verify(im->s->imap_stream, o->host, o->ca_file, cause);
	return 0;
}

/* libetpan builds each command in the stream's write buffer and leaves the
 * bytes there once sent: wipe what LOGIN/AUTHENTICATE left (the password or
 * token), or it stays in memory for the whole session, hours under IDLE. */
static void wipe_sent(mailimap *s)
{
	mailstream *st = s ? s->imap_stream : NULL;

	if (st && st->write_buffer && st->write_buffer_len < st->buffer_max_size)
		explicit_bzero(st->write_buffer + st->write_buffer_len,
		               st->buffer_max_size - st->write_buffer_len);
}

static int login(struct imap *im, const struct imap_opts *o, char **cause)
{
	int rc;

	if (o->auth == IMAP_AUTH_XOAUTH2)
		rc = mailimap_oauth2_authenticate(im->s, o->user, o->secret);
	else
		rc = mailimap_login(im->s, o->user, o->secret);
	wipe_sent(im->s);
	if (rc == MAILIMAP_NO_ERROR)
		return 0;
	if (rc_is_network(rc))
		return imap_fail(im, rc, "cannot log in", cause);
	if (o->refused)
		*o->refused = 1;
	if (im->s->imap_response && *im->s->imap_response)
		return set_cause(cause, "cannot log in to %s as \"%s\": the server said \"%s\"",
		                 o->host, o->user, im->s->imap_response);
	return set_cause(cause, "cannot log in to %s as \"%s\": the server refused", o->host,
	                 o->user);
}

struct imap *imap_connect(const struct imap_opts *o, char **cause)
{
	struct imap *im = xmalloc(sizeof *im);
	struct mailimap_capability_data *cap = NULL;

	mail_ignore_sigpipe();
	memset(im, 0, sizeof *im);
	im->host = xstrdup(o->host);
	im->s = mailimap_new(0, NULL);
	mailimap_set_timeout(im->s, o->timeout_s > 0 ? o->timeout_s : 30);
	if (open_stream(im, o, cause) < 0 || login(im, o, cause) < 0) {
		imap_close(im);
		return NULL;
	}
	/* the capabilities after login may differ (CONDSTORE, MOVE) */
	if (mailimap_capability(im->s, &cap) == MAILIMAP_NO_ERROR)
		mailimap_capability_data_free(cap);
	return im;
}

void imap_close(struct imap *im)
{
	if (!im)
		return;
	if (im->s) {
		if (!im->dead)
			mailimap_logout(im->s);
		mailimap_free(im->s);
	}
	free(im->host);
	free(im);
}

int imap_is_dead(const struct imap *im)
{
	return im->dead;
}

int imap_has(struct imap *im, const char *name)
{
	return !im->dead && mailimap_has_extension(im->s, (char *)name);
}

/* ---- LIST ---- */

static const struct {
	const char *flag; /* without the backslash */
	const char *role;
} special_table[] = {
    {"Sent", "sent"},     {"Trash", "trash"}, {"Junk", "junk"},       {"Archive", "archive"},
    {"Drafts", "drafts"}, {"All", "all"},     {"Flagged", "flagged"},
};

static const char *special_of(const char *flag)
{
	size_t i;

	if (*flag == '\\')
		flag++;
	for (i = 0; i < sizeof special_table / sizeof special_table[0]; i++)
		if (!strcasecmp(flag, special_table[i].flag))
			return special_table[i].role;
	return NULL;
}

static void folder_of(const struct mailimap_mailbox_list *mb, struct imap_folder *f)
{
	clistiter *it;

	f->name = xstrdup(mb->mb_name);
	f->special = NULL;
	f->noselect = 0;
	if (!mb->mb_flag)
		return;
	if (mb->mb_flag->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    mb->mb_flag->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		f->noselect = 1;
	for (it = clist_begin(mb->mb_flag->mbf_oflags); it; it = clist_next(it)) {
		struct mailimap_mbx_list_oflag *of = clist_content(it);

		if (of->of_type == MAILIMAP_MBX_LIST_OFLAG_NOINFERIORS || !of->of_flag_ext)
			continue;
		if (!strcasecmp(of->of_flag_ext, "Noselect") ||
		    !strcasecmp(of->of_flag_ext, "NonExistent"))
			f->noselect = 1;
		else if (special_of(of->of_flag_ext))
			f->special = special_of(of->of_flag_ext);
	}
}

int imap_list(struct imap *im, struct imap_folder **out, size_t *n, char **cause)
{
	clist *list = NULL;
	clistiter *it;
	size_t i = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (im->dead)
		return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot list folders", cause);
	rc = mailimap_list(im->s, "", "*", &list);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(im, rc, "cannot list folders", cause);
	*out = xcalloc(clist_count(list) + 1, sizeof **out);
	for (it = clist_begin(list); it; it = clist_next(it))
		folder_of(clist_content(it), &(*out)[i++]);
	*n = i;
	mailimap_list_result_free(list);
	return 0;
}

void imap_folders_free(struct imap_folder *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(f[i].name);
	free(f);
}

/* ---- SELECT ---- */

int imap_select(struct imap *im, const char *folder, struct imap_status *out, char **cause)
{
	struct mailimap_selection_info *si;
	uint64_t hms = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (im->dead)
		return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot open the folder", cause);
	if (mailimap_has_condstore(im->s))
		rc = mailimap_select_condstore(im->s, folder, &hms);
	else
		rc = mailimap_select(im->s, folder);
	if (rc != MAILIMAP_NO_ERROR) {
		char *what = xasprintf("cannot open the folder \"%s\"", folder);

		imap_fail(im, rc, what, cause);
		free(what);
		return -1;
	}
	si = im->s->imap_selection_info;
	out->uidvalidity = si->sel_uidvalidity;
	out->uidnext = si->sel_uidnext;
	out->exists = si->sel_exists;
	out->highestmodseq = hms;
	return 0;
}
