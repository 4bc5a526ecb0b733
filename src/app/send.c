/*
 * send: build an RFC 5322 message (headers, RFC 2047 words, quoted-printable
 * UTF-8 text; multipart/mixed with base64 attachments), submit it over SMTP
 * with the account's credential, retry transient failures, and append a
 * copy to the Sent folder over IMAP.  Reading the files to attach is
 * send_attach.c's.
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "va/accounts.h"
#include "va/app.h"
#include "va/audit.h"
#include "va/conf.h"
#include "va/imap.h"
#include "va/imap_search.h"
#include "va/log.h"
#include "va/message.h"
#include "va/secret.h"
#include "va/send.h"
#include "va/smtp.h"
#include "va/sync.h"
#include "va/util.h"

#define ATTEMPTS 3

void send_result_release(struct send_result *r)
{
	free(r->account);
	free(r->message_id);
	free(r->sent_folder);
	free(r->warning);
	memset(r, 0, sizeof *r);
}

/* ---- building ---- */

static int is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static void base64(struct strbuf *sb, const unsigned char *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		sb_addc(sb, tab[p[i] >> 2]);
		sb_addc(sb, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		sb_addc(sb, tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		sb_addc(sb, tab[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		sb_addc(sb, tab[p[i] >> 2]);
		sb_addc(sb, tab[(p[i] & 3) << 4]);
		sb_adds(sb, "==");
	} else if (n - i == 2) {
		sb_addc(sb, tab[p[i] >> 2]);
		sb_addc(sb, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		sb_addc(sb, tab[(p[i + 1] & 15) << 2]);
		sb_addc(sb, '=');
	}
}

/* Header text: as is when plain ASCII, else RFC 2047 B-words of at most 45
 * bytes each (never splitting a UTF-8 sequence), folded onto new lines. */
static void header_text(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s), i = 0, k;

	if (is_ascii(s, n) && !strstr(s, "=?") && !strpbrk(s, "\r\n")) {
		sb_adds(sb, s);
		return;
	}
	while (i < n) {
		k = n - i < 45 ? n - i : 45;
		while (k > 1 && i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
			k--;
		if (i)
			sb_adds(sb, "\r\n ");
		sb_adds(sb, "=?UTF-8?B?");
		base64(sb, (const unsigned char *)s + i, k);
		sb_adds(sb, "?=");
		i += k;
	}
}

static void header_date(struct strbuf *sb, int64_t when)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)when;
	struct tm tm;
	long off;

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	sb_addf(sb, "Date: %s, %d %s %d %02d:%02d:%02d %c%02ld%02ld\r\n", days[tm.tm_wday],
	        tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	        off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

char *send_message_id(const char *addr)
{
	unsigned char r[12];
	const char *at = addr ? strrchr(addr, '@') : NULL;
	char hex[25];
	size_t i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		for (i = 0; i < sizeof r; i++)
			r[i] = (unsigned char)(rand() ^ (int)time(NULL));
	for (i = 0; i < sizeof r; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	return xasprintf("%lld.%s@%s", (long long)time(NULL), hex,
	                 at && at[1] ? at + 1 : "va.invalid");
}

/* One line of text (no line end) in quoted-printable, soft breaks at 76. */
static void qp_line(struct strbuf *sb, const char *p, size_t n)
{
	size_t i, col = 0;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		int enc = ch == '=' || ch >= 0x7f || (ch < 32 && ch != '\t') ||
		          ((ch == ' ' || ch == '\t') && i + 1 == n) || (col == 0 && ch == '.');
		size_t w = enc ? 3 : 1;

		if (col + w > 75) {
			sb_adds(sb, "=\r\n");
			col = 0;
		}
		if (enc)
			sb_addf(sb, "=%02X", ch);
		else
			sb_addc(sb, (char)ch);
		col += w;
	}
}

/* The body with CRLF line ends, quoted-printable unless ASCII with short lines. */
static void body_text(struct strbuf *sb, const char *body, int qp)
{
	const char *p = body;

	while (*p) {
		size_t n = strcspn(p, "\r\n");

		if (qp)
			qp_line(sb, p, n);
		else
			sb_add(sb, p, n);
		sb_adds(sb, "\r\n");
		p += n;
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
	}
}

static int needs_qp(const char *body)
{
	const char *p = body;

	if (!is_ascii(body, strlen(body)))
		return 1;
	while (*p) {
		size_t n = strcspn(p, "\r\n");

		if (n > 900)
			return 1;
		p += n;
		p += strspn(p, "\r\n");
	}
	return 0;
}

static void header_from(struct strbuf *sb, const struct send_draft *d)
{
	sb_adds(sb, "From: ");
	if (d->from_name && *d->from_name) {
		if (is_ascii(d->from_name, strlen(d->from_name)) &&
		    !strpbrk(d->from_name, "\"\\\r\n"))
			sb_addf(sb, "\"%s\" ", d->from_name);
		else {
			header_text(sb, d->from_name);
			sb_addc(sb, ' ');
		}
	}
	sb_addf(sb, "<%s>\r\n", d->from_addr);
}

/* In-Reply-To, References (folded one id per line) and the extra lines. */
static void header_thread(struct strbuf *sb, const struct send_extra *d)
{
	const char *p = d->references;
	size_t i, n;
	int first = 1;

	if (d->in_reply_to && *d->in_reply_to)
		sb_addf(sb, "In-Reply-To: <%s>\r\n", d->in_reply_to);
	while (p && *(p += strspn(p, " \t<>,"))) {
		n = strcspn(p, " \t<>,");
		sb_adds(sb, first ? "References: <" : "\r\n <");
		sb_add(sb, p, n);
		sb_addc(sb, '>');
		first = 0;
		p += n;
	}
	if (!first)
		sb_adds(sb, "\r\n");
	for (i = 0; i < d->nheaders; i++)
		if (d->headers[i] && !strpbrk(d->headers[i], "\r\n"))
			sb_addf(sb, "%s\r\n", d->headers[i]);
}

char *send_build(const struct send_draft *d, size_t *len)
{
	return send_build_ex(d, NULL, len);
}

/* The text as a MIME entity: its content headers, a blank line, the text. */
static void text_entity(struct strbuf *sb, const char *body)
{
	int qp = needs_qp(body);

	sb_adds(sb, "Content-Type: text/plain; charset=utf-8\r\n");
	sb_addf(sb, "Content-Transfer-Encoding: %s\r\n\r\n", qp ? "quoted-printable" : "7bit");
	body_text(sb, body, qp);
}

/* A boundary found neither in the text (the only content not encoded in an
 * alphabet without '_') nor, by its "=_" prefix, in any base64 or
 * quoted-printable line. */
static char *boundary_for(const char *body)
{
	char *b = NULL;

	do {
		char *id = send_message_id(NULL), *hex = strchr(id, '.') + 1;

		free(b);
		b = xasprintf("=_va_%.*s", (int)strcspn(hex, "@"), hex);
		free(id);
	} while (strstr(body, b));
	return b;
}

/* RFC 2231 attribute characters: what a parameter value may hold unencoded. */
static int attr_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       strchr("!#$&+-.^_`|~", ch) != NULL;
}

/* Where to end a piece of at most 60 characters of the %-encoded value e
 * that starts at i: never inside a %XX, nor inside a UTF-8 sequence. */
static size_t piece_len(const char *e, size_t len, size_t i)
{
	size_t k = len - i < 60 ? len - i : 60;

	if (i + k == len)
		return k;
	if (e[i + k - 1] == '%')
		k -= 1;
	else if (e[i + k - 2] == '%')
		k -= 2;
	while (k > 3 && e[i + k] == '%' && strchr("89AB", e[i + k + 1]))
		k -= 3;
	return k;
}

/* ";\r\n attr=value": a quoted string when the value is short printable
 * ASCII, else RFC 2231 (attr*=utf-8''%XX...), split into attr*0*, attr*1*...
 * so that no line passes 78 characters. */
static void header_param(struct strbuf *sb, const char *attr, const char *value)
{
	struct strbuf enc = STRBUF_INIT;
	const unsigned char *p;
	size_t i, k, part = 0;

	p = (const unsigned char *)value;
	while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
		p++;
	if (!*p && strlen(value) <= 60) {
		sb_addf(sb, ";\r\n %s=\"%s\"", attr, value);
		return;
	}
	sb_adds(&enc, "utf-8''");
	for (p = (const unsigned char *)value; *p; p++)
		if (attr_char(*p))
			sb_addc(&enc, (char)*p);
		else
			sb_addf(&enc, "%%%02X", *p);
	if (enc.len <= 67)
		sb_addf(sb, ";\r\n %s*=%s", attr, enc.buf);
	else
		for (i = 0; i < enc.len; i += k, part++) {
			k = piece_len(enc.buf, enc.len, i);
			sb_addf(sb, ";\r\n %s*%zu*=%.*s", attr, part, (int)k, enc.buf + i);
		}
	sb_release(&enc);
}

/* base64 in lines of 76 characters, each ended by CRLF. */
static void base64_lines(struct strbuf *sb, const unsigned char *p, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < 57 ? n - i : 57;
		base64(sb, p + i, k);
		sb_adds(sb, "\r\n");
	}
}

static void attachment_entity(struct strbuf *sb, const struct send_attachment *a)
{
	sb_addf(sb, "Content-Type: %s", a->type ? a->type : "application/octet-stream");
	header_param(sb, "name", a->name);
	sb_adds(sb, "\r\nContent-Disposition: attachment");
	header_param(sb, "filename", a->name);
	sb_adds(sb, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	base64_lines(sb, a->data, a->len);
}

/* multipart/mixed: the text, then each attachment.  The CRLF before each
 * delimiter belongs to it (RFC 2046), so the text part always ends with one
 * line end more than an empty text would give. */
static void mixed_entity(struct strbuf *sb, const char *body, const struct send_extra *x)
{
	char *b = boundary_for(body);
	size_t i;

	sb_addf(sb, "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n", b);
	sb_addf(sb, "This is a message in MIME format.\r\n\r\n--%s\r\n", b);
	text_entity(sb, body);
	if (!*body)
		sb_adds(sb, "\r\n");
	for (i = 0; i < x->nattach; i++) {
		sb_addf(sb, "--%s\r\n", b);
		attachment_entity(sb, &x->attach[i]);
	}
	sb_addf(sb, "--%s--\r\n", b);
	free(b);
}

char *send_build_ex(const struct send_draft *d, const struct send_extra *x, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char *id = d->message_id ? xstrdup(d->message_id) : send_message_id(d->from_addr);
	const char *body = d->body ? d->body : "";
	size_t i;

	header_date(&sb, d->date ? d->date : (int64_t)time(NULL));
	header_from(&sb, d);
	sb_adds(&sb, "To: ");
	for (i = 0; i < d->nto; i++)
		sb_addf(&sb, "%s<%s>", i ? ",\r\n " : "", d->to[i]);
	sb_adds(&sb, "\r\nSubject: ");
	header_text(&sb, d->subject ? d->subject : "");
	sb_addf(&sb, "\r\nMessage-ID: <%s>\r\n", id);
	if (x)
		header_thread(&sb, x);
	sb_adds(&sb, "User-Agent: va " VA_VERSION "\r\nMIME-Version: 1.0\r\n");
	if (x && x->nattach)
		mixed_entity(&sb, body, x);
	else
		text_entity(&sb, body);
	free(id);
	*len = sb.len;
	return sb_detach(&sb);
}

/* ---- sending ---- */

/* The account to send with: `name`, or the first IMAP account with an smtp_host. */
static const char *pick_account(struct app *app, const char *name, char **cause)
{
	size_t i;

	if (name) {
		if (!sync_is_imap(app, name)) {
			set_cause(cause, "\"%s\" is not an IMAP account (see 'va account list')",
			          name);
			return NULL;
		}
		return name;
	}
	for (i = 0; i < app->naccounts; i++) {
		char *sec = xasprintf("account %s", app->accounts[i].name);
		int ok = sync_is_imap(app, app->accounts[i].name) &&
		         conf_get(app->conf, sec, "smtp_host");

		free(sec);
		if (ok)
			return app->accounts[i].name;
	}
	set_cause(cause, "no account can send mail: add smtp_host to an IMAP account in va.conf");
	return NULL;
}

static void smtp_opts_of(struct app *app, const char *sec, struct smtp_opts *o)
{
	const char *user = conf_get(app->conf, sec, "username");

	memset(o, 0, sizeof *o);
	o->host = conf_get(app->conf, sec, "smtp_host");
	o->port = (unsigned)conf_get_int(app->conf, sec, "smtp_port");
	o->tls = imap_tls_parse(conf_get(app->conf, sec, "smtp_tls"));
	o->user = user ? user : conf_get(app->conf, sec, "email");
	o->timeout_s = (int)conf_get_duration(app->conf, sec, "timeout");
}

/* Append msg to the folder with special-use `role`, else `fallback`. */
static int append_to(struct app *app, const char *name, const struct accounts_io *io,
                     const char *role, const char *fallback, const char *msg, size_t len,
                     unsigned flags, char **folder, char **cause)
{
	struct imap_folder *f = NULL;
	struct imap *im = sync_connect(app, name, io, cause);
	const char *dest = fallback;
	size_t n = 0, i;
	int rc = -1;

	if (!im)
		return -1;
	if (imap_list(im, &f, &n, cause) == 0) {
		for (i = 0; i < n; i++)
			if (f[i].special && !strcmp(f[i].special, role))
				dest = f[i].name;
		if ((rc = imap_append(im, dest, msg, len, flags, cause)) == 0 && folder)
			*folder = xstrdup(dest);
	}
	imap_folders_free(f, n);
	imap_close(im);
	return rc;
}

int send_append(struct app *app, const char *account, const char *role, const char *fallback,
                const char *msg, size_t len, unsigned flags, const struct accounts_io *io,
                char **folder, char **cause)
{
	const char *name = pick_account(app, account, cause);

	return name ? append_to(app, name, io, role, fallback, msg, len, flags, folder, cause) : -1;
}

int send_in_sent(struct app *app, const char *account, const char *message_id,
                 const struct accounts_io *io, char **cause)
{
	struct imap_folder *f = NULL;
	struct imap_status st;
	struct imap *im;
	const char *name = pick_account(app, account, cause), *dest = "Sent";
	char *id = xasprintf("<%s>", message_id);
	size_t n = 0, i, count = 0;
	int rc = -1;

	if (name && (im = sync_connect(app, name, io, cause))) {
		if (imap_list(im, &f, &n, cause) == 0) {
			for (i = 0; i < n; i++)
				if (f[i].special && !strcmp(f[i].special, "sent"))
					dest = f[i].name;
			if (imap_select(im, dest, &st, cause) == 0 &&
			    imap_search_header(im, "Message-ID", id, &count, cause) == 0)
				rc = count > 0;
		}
		imap_folders_free(f, n);
		imap_close(im);
	}
	free(id);
	return rc;
}

/* The audit log's entry for a message that left (who it went to, never
 * what it said: the Sent folder has that). */
static void audit_send(struct app *app, const char *account, const char *const *to, size_t nto,
                       const char *message_id)
{
	cJSON *t = cJSON_CreateObject(), *rcpt = cJSON_AddArrayToObject(t, "to");
	char *text;
	size_t i;

	cJSON_AddStringToObject(t, "account", account);
	for (i = 0; i < nto; i++)
		cJSON_AddItemToArray(rcpt, cJSON_CreateString(to[i]));
	if (message_id)
		cJSON_AddStringToObject(t, "message_id", message_id);
	text = cJSON_PrintUnformatted(t);
	cJSON_Delete(t);
	audit_record(app, "send", text, NULL, NULL, NULL);
	free(text);
}

/* ---- sessions: one SMTP and one IMAP connection kept for a batch ---- */

struct send_session {
	struct app               *app;
	const struct accounts_io *io;
	char                     *name, *sec, *ca;
	struct smtp_opts          o;
	struct smtp              *smtp;
	struct imap              *imap;
	char                     *sent; /* the Sent folder, once looked up */
	int                       sent_in_session; /* messages over ss->smtp */
};

struct send_session *send_session_new(struct app *app, const char *account,
                                      const struct accounts_io *io, char **cause)
{
	const char *name = pick_account(app, account, cause);
	struct send_session *ss;

	if (!name)
		return NULL;
	ss = xcalloc(1, sizeof *ss);
	ss->app = app, ss->io = io;
	ss->name = xstrdup(name);
	ss->sec = xasprintf("account %s", name);
	smtp_opts_of(app, ss->sec, &ss->o);
	ss->o.ca_file = ss->ca = conf_get_path(app->conf, ss->sec, "ca_file");
	return ss;
}

const char *send_session_account(const struct send_session *ss)
{
	return ss->name;
}

void send_session_free(struct send_session *ss)
{
	if (!ss)
		return;
	smtp_close(ss->smtp);
	if (ss->imap)
		imap_close(ss->imap);
	free(ss->name), free(ss->sec), free(ss->ca), free(ss->sent);
	free(ss);
}

/* Servers cap the messages of one session (OpenSMTPD at 100, Gmail about
 * as many): a session is closed after SESSION_MESSAGES and a new one opened,
 * and a transient refusal is tried again on a new session. */
#define SESSION_MESSAGES 90

static void session_drop(struct send_session *ss)
{
	smtp_close(ss->smtp);
	ss->smtp = NULL;
	ss->sent_in_session = 0;
}

/* An open SMTP session: log in (again, after a lost line, a refusal or
 * SESSION_MESSAGES messages). */
static int session_smtp(struct send_session *ss, int *transient, char **cause)
{
	char *secret;
	int oauth;

	if (ss->sent_in_session >= SESSION_MESSAGES)
		session_drop(ss);
	if (smtp_alive(ss->smtp))
		return 0;
	session_drop(ss);
	*transient = 0;
	if (!(secret = sync_credential(ss->app, ss->name, ss->io, &oauth, cause)))
		return -1;
	ss->o.secret = secret;
	ss->o.auth = oauth ? IMAP_AUTH_XOAUTH2 : IMAP_AUTH_PASSWORD;
	ss->smtp = smtp_open(&ss->o, transient, cause);
	ss->o.secret = NULL;
	secret_free(secret);
	return ss->smtp ? 0 : -1;
}

/* Submit with up to ATTEMPTS tries while the failure is transient, each
 * after a pause and on a new session (a per-session limit clears so). */
static int session_submit(struct send_session *ss, const char *from, const char *const *to,
                          size_t nto, const char *msg, size_t len, struct send_result *r,
                          char **cause)
{
	int transient = 1, rc = -1;

	for (r->attempts = 0; rc < 0 && transient && r->attempts < ATTEMPTS; r->attempts++) {
		if (r->attempts > 0) {
			log_info("send: %s; trying again on a new session", *cause ? *cause : "refused");
			free(*cause);
			*cause = NULL;
			session_drop(ss);
			sleep((unsigned)r->attempts);
		}
		rc = session_smtp(ss, &transient, cause);
		if (rc == 0)
			rc = smtp_submit(ss->smtp, from, to, nto, msg, len, &transient, cause);
	}
	if (rc == 0)
		ss->sent_in_session++;
	return rc;
}

/* Append the copy to Sent over the session's IMAP connection; one more try
 * on a fresh connection when a kept one fails. */
static int session_append(struct send_session *ss, const char *msg, size_t len,
                          struct send_result *r)
{
	struct imap_folder *f = NULL;
	size_t n = 0, i;
	int fresh, rc = -1, try;

	for (try = 0; try < 2 && rc < 0; try++) {
		free(r->warning);
		r->warning = NULL;
		fresh = !ss->imap;
		if (fresh && !(ss->imap = sync_connect(ss->app, ss->name, ss->io, &r->warning)))
			return -1;
		if (!ss->sent && imap_list(ss->imap, &f, &n, &r->warning) == 0) {
			ss->sent = xstrdup("Sent");
			for (i = 0; i < n; i++)
				if (f[i].special && !strcmp(f[i].special, "sent"))
					free(ss->sent), ss->sent = xstrdup(f[i].name);
			imap_folders_free(f, n);
		}
		if (ss->sent &&
		    (rc = imap_append(ss->imap, ss->sent, msg, len, MSG_SEEN, &r->warning)) == 0)
			r->sent_folder = xstrdup(ss->sent);
		if (rc < 0) {
			imap_close(ss->imap);
			ss->imap = NULL;
			if (fresh)
				break;
		}
	}
	return rc;
}

int send_session_raw(struct send_session *ss, const char *from, const char *const *to,
                     size_t nto, const char *msg, size_t len, struct send_result *r,
                     char **cause)
{
	int rc;

	if (!r->account)
		r->account = xstrdup(ss->name);
	if (!ss->o.host || !from)
		return set_cause(cause, "[%s] needs smtp_host and email to send", ss->sec);
	rc = session_submit(ss, from, to, nto, msg, len, r, cause);
	if (rc == 0) {
		if (session_append(ss, msg, len, r) < 0 && !r->warning)
			r->warning = xstrdup("the copy could not be saved");
		audit_send(ss->app, ss->name, to, nto, r->message_id);
	}
	return rc;
}

/* Submit msg with account `name` and save the copy to Sent. */
static int submit_with(struct app *app, const char *name, const char *from,
                       const char *const *to, size_t nto, const char *msg, size_t len,
                       const struct accounts_io *io, struct send_result *r, char **cause)
{
	struct send_session *ss = send_session_new(app, name, io, cause);
	int rc = ss ? send_session_raw(ss, from, to, nto, msg, len, r, cause) : -1;

	send_session_free(ss);
	return rc;
}

int send_raw(struct app *app, const char *account, const char *from, const char *const *to,
             size_t nto, const char *msg, size_t len, const struct accounts_io *io,
             struct send_result *r, char **cause)
{
	const char *name = pick_account(app, account, cause);

	memset(r, 0, sizeof *r);
	return name ? submit_with(app, name, from, to, nto, msg, len, io, r, cause) : -1;
}

int send_mail(struct app *app, const char *account, const struct send_draft *draft,
              const struct send_extra *x, const struct accounts_io *io,
              struct send_result *r, char **cause)
{
	const char *name = pick_account(app, account, cause);
	const struct account *a;
	struct send_draft d = *draft;
	char *msg;
	size_t len;
	int rc;

	memset(r, 0, sizeof *r);
	if (!name)
		return -1;
	a = app_account(app, name);
	d.from_addr = d.from_addr ? d.from_addr : a->email;
	d.from_name = d.from_name ? d.from_name : a->display_name;
	r->account = xstrdup(name);
	r->message_id = d.message_id ? xstrdup(d.message_id) : send_message_id(d.from_addr);
	d.message_id = r->message_id;
	if (!d.from_addr)
		return set_cause(cause, "[account %s] needs smtp_host and email to send", name);
	msg = send_build_ex(&d, x, &len);
	rc = submit_with(app, name, d.from_addr, d.to, d.nto, msg, len, io, r, cause);
	free(msg);
	return rc;
}
