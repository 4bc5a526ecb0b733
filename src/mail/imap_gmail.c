/*
 * imap_gmail: Gmail's X-GM-EXT-1 labels.  On a server that offers it, va's
 * labels (IMAP keywords elsewhere) are Gmail labels: fetched with
 * X-GM-LABELS next to FLAGS and written with UID STORE +/-X-GM-LABELS
 * (libetpan's xgmlabels extension does the wire syntax: an atom, else a
 * quoted string).  Label names travel in modified UTF-7 (RFC 3501 5.1.3),
 * like mailbox names.
 *
 * How a Gmail label becomes a va label: system labels (\Inbox, \Important,
 * \Sent...) are skipped, since va has folders and flags for them; a space,
 * which cannot appear in va's space-separated keyword lists, becomes U+00A0
 * (no-break space, which looks the same) and turns back into a space on the
 * way out.  Keywords that start with '$' ($Forwarded, $Junk) stay IMAP
 * keywords on Gmail too.
 */
#include <stdlib.h>
#include <string.h>

#include "imap_internal.h"
#include "va/util.h"

#define NBSP "\xc2\xa0"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static void put_utf8(struct strbuf *sb, unsigned long cp)
{
	if (cp < 0x80)
		sb_addc(sb, (char)cp);
	else if (cp < 0x800) {
		sb_addc(sb, (char)(0xc0 | (cp >> 6)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sb_addc(sb, (char)(0xe0 | (cp >> 12)));
		sb_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		sb_addc(sb, (char)(0xf0 | (cp >> 18)));
		sb_addc(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		sb_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

/* A run of non-ASCII code points from *s as "&...-": UTF-16 in base64 with
 * ',' for '/' and no padding. */
static void encode_run(struct strbuf *sb, const char **s)
{
	unsigned long bits = 0;
	int nbits = 0;

	sb_addc(sb, '&');
	while (**s && ((unsigned char)**s < 0x20 || (unsigned char)**s > 0x7e)) {
		unsigned cp = utf8_next(s);
		unsigned units[2];
		int n = 1, i;

		if (cp >= 0x10000) {
			units[0] = 0xd800 | (unsigned)((cp - 0x10000) >> 10);
			units[1] = 0xdc00 | (unsigned)((cp - 0x10000) & 0x3ff);
			n = 2;
		} else
			units[0] = (unsigned)cp;
		for (i = 0; i < n; i++) {
			bits = (bits << 16) | units[i];
			nbits += 16;
			while (nbits >= 6) {
				nbits -= 6;
				sb_addc(sb, b64[(bits >> nbits) & 63]);
			}
		}
	}
	if (nbits)
		sb_addc(sb, b64[(bits << (6 - nbits)) & 63]);
	sb_addc(sb, '-');
}

char *imap_utf7_encode(const char *utf8)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = utf8;

	if (!utf8_valid(utf8, strlen(utf8)))
		return NULL;
	while (*s) {
		if (*s == '&') {
			sb_adds(&sb, "&-");
			s++;
		} else if ((unsigned char)*s >= 0x20 && (unsigned char)*s <= 0x7e)
			sb_addc(&sb, *s++);
		else
			encode_run(&sb, &s);
	}
	return sb_detach(&sb);
}

/* The base64 run s[0..n) (between '&' and '-') as UTF-8 into sb. */
static int decode_run(struct strbuf *sb, const char *s, size_t n)
{
	unsigned long bits = 0;
	unsigned hi = 0;
	int nbits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *c = strchr(b64, s[i]);

		if (!c || !s[i])
			return -1;
		bits = (bits << 6) | (unsigned long)(c - b64);
		if ((nbits += 6) < 16)
			continue;
		nbits -= 16;
		unsigned u = (unsigned)(bits >> nbits) & 0xffff;
		if (u >= 0xd800 && u < 0xdc00) {
			if (hi)
				return -1;
			hi = u;
		} else if (u >= 0xdc00 && u < 0xe000) {
			if (!hi)
				return -1;
			put_utf8(sb, 0x10000 + ((unsigned long)(hi - 0xd800) << 10) + (u - 0xdc00));
			hi = 0;
		} else if (hi)
			return -1;
		else
			put_utf8(sb, u);
	}
	return hi || (bits & ((1ul << nbits) - 1)) ? -1 : 0;
}

char *imap_utf7_decode(const char *mutf7)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = mutf7, *end;

	if (!utf8_valid(mutf7, strlen(mutf7)))
		return NULL; /* raw bytes (UTF8=ACCEPT servers) must at least be UTF-8 */
	while (*p) {
		if (*p != '&') {
			sb_addc(&sb, *p++);
			continue;
		}
		end = strchr(p, '-');
		if (!end || (end > p + 1 && decode_run(&sb, p + 1, (size_t)(end - p - 1)) < 0)) {
			sb_release(&sb);
			return NULL;
		}
		if (end == p + 1)
			sb_addc(&sb, '&');
		p = end + 1;
	}
	return sb_detach(&sb);
}

int imap_is_gmail(struct imap *im)
{
	return imap_has(im, "X-GM-EXT-1");
}

void imap_gm_fetch_att(struct imap *im, struct mailimap_fetch_type *ft)
{
	if (imap_is_gmail(im))
		mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_xgmlabels());
}

/* One label from the server as a va label (caller frees), or NULL to skip. */
static char *label_in(const char *wire)
{
	struct strbuf sb = STRBUF_INIT;
	char *s, *p;

	if (!*wire || *wire == '\\')
		return NULL;
	if (!(s = imap_utf7_decode(wire)))
		s = utf8_sanitize(wire, strlen(wire)); /* not modified UTF-7: the server's
		                                          text, invalid bytes replaced */
	for (p = s; *p; p++)
		if (*p == ' ')
			sb_adds(&sb, NBSP);
		else if ((unsigned char)*p >= 0x20)
			sb_addc(&sb, *p);
	free(s);
	return sb_detach(&sb);
}

int imap_gm_labels_of(const struct mailimap_extension_data *ed, char **labels)
{
	struct mailimap_msg_att_xgmlabels *x;
	struct strbuf sb = STRBUF_INIT;
	clistiter *it;

	if (!ed || ed->ext_extension != &mailimap_extension_xgmlabels || !ed->ext_data)
		return 0;
	x = ed->ext_data;
	for (it = clist_begin(x->att_labels); it; it = clist_next(it)) {
		char *l = label_in(clist_content(it));

		if (l && *l) {
			if (sb.len)
				sb_addc(&sb, ' ');
			sb_adds(&sb, l);
		}
		free(l);
	}
	free(*labels);
	*labels = sb.len ? sb_detach(&sb) : NULL;
	sb_release(&sb);
	return 1;
}

/* Is the word w[0..n) in the space-separated list? */
static int has_word(const char *list, const char *w, size_t n)
{
	const char *p = list;

	while (p && *p) {
		size_t k = strcspn(p, " ");

		if (k == n && !strncmp(p, w, n))
			return 1;
		p += k + (p[k] == ' ');
	}
	return 0;
}

char *imap_gm_merge(char *keywords, char *labels)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = labels;

	sb_adds(&sb, keywords ? keywords : "");
	while (p && *p) {
		size_t k = strcspn(p, " ");

		if (k && !has_word(keywords, p, k)) {
			if (sb.len)
				sb_addc(&sb, ' ');
			sb_add(&sb, p, k);
		}
		p += k + (p[k] == ' ');
	}
	free(keywords);
	free(labels);
	if (sb.len)
		return sb_detach(&sb);
	sb_release(&sb);
	return NULL;
}

void imap_gm_split(const char *list, char **keywords, char **labels)
{
	struct strbuf kw = STRBUF_INIT, lb = STRBUF_INIT;
	const char *p = list;

	while (p && *p) {
		size_t k = strcspn(p, " ");
		struct strbuf *to = *p == '$' ? &kw : &lb;

		if (k && *p != '\\') {
			if (to->len)
				sb_addc(to, ' ');
			sb_add(to, p, k);
		}
		p += k + (p[k] == ' ');
	}
	*keywords = kw.len ? sb_detach(&kw) : NULL;
	*labels = lb.len ? sb_detach(&lb) : NULL;
	sb_release(&kw);
	sb_release(&lb);
}

/* One va label as it goes on the wire: no-break spaces back to spaces, in
 * modified UTF-7.  Caller frees; NULL when it is not UTF-8. */
static char *label_out(const char *label, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	char *wire;

	for (i = 0; i < n; i++)
		if (i + 1 < n && label[i] == NBSP[0] && label[i + 1] == NBSP[1]) {
			sb_addc(&sb, ' ');
			i++;
		} else
			sb_addc(&sb, label[i]);
	wire = imap_utf7_encode(sb.buf ? sb.buf : "");
	sb_release(&sb);
	return wire;
}

int imap_gm_store(struct imap *im, uint32_t uid, const char *labels, int add, char **cause)
{
	struct mailimap_msg_att_xgmlabels *x = mailimap_msg_att_xgmlabels_new_empty();
	struct mailimap_set *set;
	const char *p = labels;
	int rc;

	while (p && *p) {
		size_t k = strcspn(p, " ");
		char *wire = k ? label_out(p, k) : NULL;

		if (wire)
			mailimap_msg_att_xgmlabels_add(x, wire);
		p += k + (p[k] == ' ');
	}
	if (clist_isempty(x->att_labels)) {
		mailimap_msg_att_xgmlabels_free(x);
		return 0;
	}
	set = mailimap_set_new_single(uid);
	rc = mailimap_uid_store_xgmlabels(im->s, set, add ? 1 : -1, 1, x);
	mailimap_set_free(set);
	mailimap_msg_att_xgmlabels_free(x);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(im, rc, "cannot change Gmail labels on the server", cause);
	return 0;
}
