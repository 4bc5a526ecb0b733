/*
 * charset: everything that turns mail bytes into UTF-8.
 *
 * Owns charset names (an alias table in front of iconv), the Windows-1252
 * fallback for text that is not what it claims, the base64 and
 * quoted-printable decoders (malformed input is kept, not mangled, and
 * reported), RFC 2047 encoded words in header values and RFC 2231
 * parameter values.  Pure and thread-safe: each conversion opens and closes
 * its own iconv descriptor.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "va/mime.h"
#include "va/util.h"
#include "mime_internal.h"

#define CHARSET_MAX 48

/* How a charset name is decoded. */
enum cs_kind {
	CSK_ASCII, /* undeclared or us-ascii: UTF-8 if valid, else Windows-1252 */
	CSK_UTF8,  /* UTF-8; invalid bytes become U+FFFD */
	CSK_1252,  /* Windows-1252 (and ISO-8859-1, which mail means by it) */
	CSK_ICONV, /* iconv under the name in `iconv_name` */
	CSK_UNKNOWN,
};

/* Names iconv does not know, or knows under a narrower charset than the one
 * mail software actually writes with that label. */
static const struct {
	const char *alias;
	enum cs_kind kind;
	const char *iconv_name;
} aliases[] = {
    {"", CSK_ASCII, NULL},
    {"ansi_x3.4-1968", CSK_ASCII, NULL},
    {"ascii", CSK_ASCII, NULL},
    {"us-ascii", CSK_ASCII, NULL},
    {"us_ascii", CSK_ASCII, NULL},
    {"utf-8", CSK_UTF8, NULL},
    {"utf8", CSK_UTF8, NULL},
    {"x-unicode-2-0-utf-8", CSK_UTF8, NULL},
    {"cp1252", CSK_1252, NULL},
    {"iso-8859-1", CSK_1252, NULL},
    {"iso8859-1", CSK_1252, NULL},
    {"iso_8859-1", CSK_1252, NULL},
    {"latin1", CSK_1252, NULL},
    {"latin-1", CSK_1252, NULL},
    {"l1", CSK_1252, NULL},
    {"windows-1252", CSK_1252, NULL},
    {"x-cp1252", CSK_1252, NULL},
    {"big5", CSK_ICONV, "CP950"},
    {"x-x-big5", CSK_ICONV, "CP950"},
    {"chinese", CSK_ICONV, "GB18030"},
    {"chinesebig5", CSK_ICONV, "CP950"},
    {"euc-cn", CSK_ICONV, "GB18030"},
    {"euc-kr", CSK_ICONV, "CP949"},
    {"gb2312", CSK_ICONV, "GB18030"},
    {"gb2312_charset", CSK_ICONV, "GB18030"},
    {"gb_2312-80", CSK_ICONV, "GB18030"},
    {"gbk", CSK_ICONV, "GB18030"},
    {"iso-8859-8-i", CSK_ICONV, "ISO-8859-8"},
    {"ks_c_5601", CSK_ICONV, "CP949"},
    {"ks_c_5601-1987", CSK_ICONV, "CP949"},
    {"ksc5601", CSK_ICONV, "CP949"},
    {"mac", CSK_ICONV, "MACINTOSH"},
    {"ms_kanji", CSK_ICONV, "CP932"},
    {"shift-jis", CSK_ICONV, "CP932"},
    {"shift_jis", CSK_ICONV, "CP932"},
    {"sjis", CSK_ICONV, "CP932"},
    {"tis-620", CSK_ICONV, "CP874"},
    {"unicode-1-1-utf-7", CSK_ICONV, "UTF-7"},
    {"utf-7", CSK_ICONV, "UTF-7"},
    {"windows-874", CSK_ICONV, "CP874"},
    {"x-gbk", CSK_ICONV, "GB18030"},
    {"x-mac-roman", CSK_ICONV, "MACINTOSH"},
    {"x-sjis", CSK_ICONV, "CP932"},
    {"x-shift_jis", CSK_ICONV, "CP932"},
    {"x-unknown", CSK_UNKNOWN, NULL},
    {"x-user-defined", CSK_UNKNOWN, NULL},
};

/* Windows-1252 0x80-0x9F; the five unassigned bytes map to themselves. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

unsigned cp1252_codepoint(unsigned char c)
{
	return c >= 0x80 && c < 0xA0 ? cp1252_high[c - 0x80] : c;
}

void utf8_put(struct strbuf *sb, unsigned long cp)
{
	char b[4];

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		sb_add(sb, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		sb_add(sb, b, 3);
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		sb_add(sb, b, 4);
	}
}

/* Length of the well-formed UTF-8 sequence at p (at most `left` bytes), 0
 * if there is none. */
static size_t seq_valid(const unsigned char *p, size_t left)
{
	unsigned c = p[0], need, cp, min, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1, cp = c & 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2, cp = c & 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (left <= need)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return need + 1;
}

/* Whether s is well-formed UTF-8; unlike utf8_valid() NUL bytes are fine
 * here, since they are repaired later and say nothing about the charset. */
static int is_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = seq_valid(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* utf8_sanitize() by the same rules (bad bytes U+FFFD, CR dropped, other
 * C0 controls but tab and newline, DEL and C1 controls a space), copying
 * clean runs whole: bodies are large and this is the hot loop of a parse. */
static char *sanitize(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf sb;
	size_t i = 0, run = 0, n;

	sb_init(&sb);
	sb_grow(&sb, len);
	while (i < len) {
		unsigned char c = p[i];
		if ((c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n') {
			i++;
			continue;
		}
		n = c >= 0x80 ? seq_valid(p + i, len - i) : 1;
		if (n > 1 && !(c == 0xC2 && p[i + 1] < 0xA0)) {
			i += n;
			continue;
		}
		sb_add(&sb, s + run, i - run);
		if (n == 0)
			sb_add(&sb, "\xEF\xBF\xBD", 3);
		else if (c != '\r')
			sb_addc(&sb, ' ');
		i += n ? n : 1;
		run = i;
	}
	sb_add(&sb, s + run, len - run);
	return sb_detach(&sb);
}

static void cp1252_to_utf8(struct strbuf *out, const char *s, size_t len)
{
	size_t i, run = 0;

	sb_grow(out, len + len / 2);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80)
			continue;
		sb_add(out, s + run, i - run);
		utf8_put(out, cp1252_codepoint(c));
		run = i + 1;
	}
	sb_add(out, s + run, len - run);
}

/* Lower-case, unquoted, trimmed copy of a charset label into buf; returns 0
 * when the label has characters no charset name has. */
static int charset_normalize(const char *name, char *buf, size_t size)
{
	size_t n = 0;

	while (*name == ' ' || *name == '\t' || *name == '"' || *name == '\'')
		name++;
	for (; *name && *name != '"' && *name != '\'' && *name != ' ' && *name != '\t'; name++) {
		char c = *name;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.:+", c)))
			return 0;
		if (n + 1 >= size)
			return 0;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return 1;
}

static int iconv_known(const char *name)
{
	iconv_t cd = iconv_open("UTF-8", name);

	if (cd == (iconv_t)-1)
		return 0;
	iconv_close(cd);
	return 1;
}

/* Resolve a charset label: *iconv_name is set for CSK_ICONV (it may point
 * into buf, which must hold CHARSET_MAX bytes). */
static enum cs_kind charset_resolve(const char *label, char *buf, const char **iconv_name)
{
	size_t i;

	*iconv_name = NULL;
	if (!label)
		label = "";
	if (!charset_normalize(label, buf, CHARSET_MAX))
		return CSK_UNKNOWN;
	for (i = 0; i < VA_ARRAY_LEN(aliases); i++) {
		if (strcmp(aliases[i].alias, buf) == 0) {
			*iconv_name = aliases[i].iconv_name;
			return aliases[i].kind;
		}
	}
	if (iconv_known(buf)) {
		*iconv_name = buf;
		return CSK_ICONV;
	}
	if (str_starts(buf, "x-") && iconv_known(buf + 2)) {
		*iconv_name = buf + 2;
		return CSK_ICONV;
	}
	return CSK_UNKNOWN;
}

/* Point op and ol at the free space of out. */
static void out_space(struct strbuf *out, char **op, size_t *ol)
{
	*op = out->buf + out->len;
	*ol = out->cap - out->len - 1;
}

static void out_commit(struct strbuf *out, const char *op)
{
	out->len = (size_t)(op - out->buf);
	out->buf[out->len] = '\0';
}

/* Run iconv over the whole input; bad or truncated sequences become U+FFFD.
 * Returns the number of bad sequences. */
static size_t iconv_run(iconv_t cd, const char *in, size_t len, struct strbuf *out)
{
	char *ip = (char *)in, *op;
	size_t il = len, ol, bad = 0, r;
	int err;

	sb_grow(out, len * 2 + 16);
	while (il > 0) {
		out_space(out, &op, &ol);
		r = iconv(cd, &ip, &il, &op, &ol);
		err = errno;
		out_commit(out, op);
		if (r != (size_t)-1)
			break;
		if (err == E2BIG) {
			sb_grow(out, il * 3 + 16);
			continue;
		}
		sb_add(out, "\xEF\xBF\xBD", 3);
		bad++;
		if (err != EILSEQ)
			break; /* EINVAL: a sequence cut off by the end */
		ip++;
		il--;
	}
	for (;;) { /* return a stateful encoding (ISO-2022-JP, UTF-7) to its initial state */
		sb_grow(out, 16);
		out_space(out, &op, &ol);
		r = iconv(cd, NULL, NULL, &op, &ol);
		err = errno;
		out_commit(out, op);
		if (r != (size_t)-1 || err != E2BIG)
			break;
	}
	return bad;
}

static char *iconv_convert(const char *data, size_t len, const char *name, enum cs_result *res)
{
	iconv_t cd = iconv_open("UTF-8", name);
	struct strbuf sb;
	char *s;

	if (cd == (iconv_t)-1) {
		*res = CS_UNKNOWN;
		return NULL;
	}
	sb_init(&sb);
	*res = iconv_run(cd, data, len, &sb) ? CS_INVALID : CS_OK;
	iconv_close(cd);
	s = sanitize(sb.buf, sb.len);
	sb_release(&sb);
	return s;
}

static char *cp1252_convert(const char *data, size_t len)
{
	struct strbuf sb;
	char *s;

	sb_init(&sb);
	cp1252_to_utf8(&sb, data, len);
	s = sanitize(sb.buf, sb.len);
	sb_release(&sb);
	return s;
}

/* Text read as UTF-8 when it is, else as Windows-1252. */
static char *utf8_or_1252(const char *data, size_t len, int *fallback)
{
	*fallback = !is_utf8(data, len);
	return *fallback ? cp1252_convert(data, len) : sanitize(data, len);
}

char *charset_convert(const char *data, size_t len, const char *charset, enum cs_result *res)
{
	char buf[CHARSET_MAX];
	const char *name;
	enum cs_result dummy;
	char *s = NULL;
	int fallback;

	if (!res)
		res = &dummy;
	*res = CS_OK;
	switch (charset_resolve(charset, buf, &name)) {
	case CSK_ASCII:
		s = utf8_or_1252(data, len, &fallback);
		if (fallback)
			*res = CS_UNDECLARED;
		return s;
	case CSK_UTF8:
		if (!is_utf8(data, len))
			*res = CS_INVALID;
		return sanitize(data, len);
	case CSK_1252: return cp1252_convert(data, len);
	case CSK_ICONV:
		s = iconv_convert(data, len, name, res);
		if (s)
			return s;
		break;
	case CSK_UNKNOWN: break;
	}
	s = utf8_or_1252(data, len, &fallback);
	*res = CS_UNKNOWN;
	return s;
}

char *mime_to_utf8(const char *data, size_t len, const char *charset, int *ok)
{
	enum cs_result res;
	char *s = charset_convert(data ? data : "", data ? len : 0, charset, &res);

	if (ok)
		*ok = res == CS_OK;
	return s;
}

/* ---- transfer encodings ------------------------------------------------ */

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Emit the bytes held by a quantum of n (2 or 3) sextets; n == 1 holds none. */
static void b64_flush(struct strbuf *out, unsigned acc, int n)
{
	if (n == 2) {
		out->buf[out->len++] = (char)(acc >> 4);
	} else if (n == 3) {
		out->buf[out->len++] = (char)(acc >> 10);
		out->buf[out->len++] = (char)(acc >> 2);
	}
}

unsigned base64_decode(const char *s, size_t len, struct strbuf *out)
{
	unsigned flags = 0, acc = 0;
	int n = 0;
	size_t i;

	sb_grow(out, len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int v = b64_value(c);
		if (v >= 0) {
			acc = (acc << 6) | (unsigned)v;
			if (++n == 4) {
				out->buf[out->len++] = (char)(acc >> 16);
				out->buf[out->len++] = (char)(acc >> 8);
				out->buf[out->len++] = (char)acc;
				n = 0;
				acc = 0;
			}
		} else if (c == '=') {
			if (n == 1)
				flags |= B64_TRUNCATED;
			b64_flush(out, acc, n); /* padding ends a quantum; more may follow */
			n = 0;
			acc = 0;
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			flags |= B64_JUNK;
		}
	}
	if (n) {
		b64_flush(out, acc, n);
		flags |= B64_TRUNCATED;
	}
	out->buf[out->len] = '\0';
	return flags;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Length of a quoted-printable soft line break ("=", blanks, line end) at
 * s[0] == '=', or 0 if there is none. */
static size_t qp_soft_break(const char *s, size_t len)
{
	size_t i = 1;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len)
		return i;
	if (s[i] == '\n')
		return i + 1;
	if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
		return i + 2;
	return 0;
}

unsigned qp_decode(const char *s, size_t len, struct strbuf *out, int header)
{
	unsigned flags = 0;
	size_t i = 0, brk;

	sb_grow(out, len);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		int hi, lo;
		if (c != '=') {
			out->buf[out->len++] = header && c == '_' ? ' ' : (char)c;
			i++;
		} else if (i + 2 < len && (hi = hex_value((unsigned char)s[i + 1])) >= 0 &&
		           (lo = hex_value((unsigned char)s[i + 2])) >= 0) {
			out->buf[out->len++] = (char)(hi << 4 | lo);
			i += 3;
		} else if ((brk = qp_soft_break(s + i, len - i)) > 0) {
			i += brk;
		} else {
			out->buf[out->len++] = '='; /* not an escape: keep it as written */
			flags |= QP_BAD;
			i++;
		}
	}
	out->buf[out->len] = '\0';
	return flags;
}

/* ---- RFC 2047 encoded words ------------------------------------------- */

/* One encoded word, pointing into the header value. */
struct eword {
	char charset[CHARSET_MAX]; /* without an RFC 2231 "*language" suffix */
	char enc;                  /* 'B' or 'Q' */
	const char *text;
	size_t tlen;
	size_t total; /* bytes from "=?" to "?=" inclusive */
};

static int eword_charset_char(unsigned char c)
{
	return c > ' ' && c < 0x7F && !strchr("()<>@,;:\"/[]?=", c);
}

/* Parse "=?charset?enc?text?=" at s; 0 if it is not a well-formed word. */
static int eword_parse(const char *s, size_t len, struct eword *w)
{
	size_t i = 2, n = 0, t;
	char *star;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	for (; i < len && s[i] != '?'; i++) {
		if (!eword_charset_char((unsigned char)s[i]) || n + 1 >= sizeof w->charset)
			return 0;
		w->charset[n++] = s[i];
	}
	w->charset[n] = '\0';
	if ((star = strchr(w->charset, '*')) != NULL)
		*star = '\0';
	if (w->charset[0] == '\0' || i + 3 >= len || s[i + 2] != '?')
		return 0;
	w->enc = (char)(s[i + 1] & ~0x20);
	if (w->enc != 'B' && w->enc != 'Q')
		return 0;
	for (t = i + 3, i = t; i < len && s[i] != '?'; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7F)
			return 0;
	if (i + 1 >= len || s[i + 1] != '=')
		return 0;
	w->text = s + t;
	w->tlen = i - t;
	w->total = i + 2;
	return 1;
}

/* Append the bytes a word encodes; 0 if its base64 is broken. */
static int eword_decode(const struct eword *w, struct strbuf *bytes)
{
	size_t before = bytes->len;

	if (w->enc == 'Q') {
		qp_decode(w->text, w->tlen, bytes, 1);
		return 1;
	}
	if (base64_decode(w->text, w->tlen, bytes) & B64_JUNK) {
		bytes->len = before;
		bytes->buf[before] = '\0';
		return 0;
	}
	return 1;
}

static void diag_note(struct hdr_diag *diag, unsigned flag, const char *charset)
{
	if (!diag)
		return;
	if (charset && !(diag->flags & (HDR_UNKNOWN_CHARSET | HDR_BAD_TEXT)))
		snprintf(diag->charset, sizeof diag->charset, "%s", charset);
	diag->flags |= flag;
}

/* Decoding state: words are gathered as bytes while they share a charset,
 * so a character split across two words survives. */
struct dec {
	struct strbuf out;
	struct strbuf run;
	char charset[CHARSET_MAX];
	struct hdr_diag *diag;
};

static void dec_flush_run(struct dec *d)
{
	enum cs_result res;
	char *s;

	if (d->charset[0] == '\0')
		return;
	s = charset_convert(d->run.buf, d->run.len, d->charset, &res);
	sb_adds(&d->out, s);
	free(s);
	if (res == CS_UNKNOWN)
		diag_note(d->diag, HDR_UNKNOWN_CHARSET, d->charset);
	else if (res != CS_OK)
		diag_note(d->diag, HDR_BAD_TEXT, d->charset);
	sb_reset(&d->run);
	d->charset[0] = '\0';
}

/* Raw text between words: folds removed, 8-bit bytes UTF-8 or Windows-1252. */
static void dec_raw(struct dec *d, const char *s, size_t len)
{
	size_t i, start = d->out.len;

	for (i = 0; i < len; i++)
		if (s[i] != '\r' && s[i] != '\n')
			sb_addc(&d->out, s[i]);
	if (!is_utf8(d->out.buf + start, d->out.len - start)) {
		char *copy = xstrndup(d->out.buf + start, d->out.len - start);
		size_t n = d->out.len - start;
		d->out.len = start;
		cp1252_to_utf8(&d->out, copy, n);
		free(copy);
		diag_note(d->diag, HDR_RAW_8BIT, NULL);
	}
}

static int all_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Sanitise, and make a header value one line. */
static char *one_line(const char *s, size_t len)
{
	char *r = sanitize(s, len), *p;

	for (p = r; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return r;
}

char *rfc2047_decode(const char *s, size_t len, struct hdr_diag *diag)
{
	struct dec d = {STRBUF_INIT, STRBUF_INIT, "", diag};
	struct strbuf word = STRBUF_INIT;
	struct eword w;
	size_t i = 0, raw = 0;
	char *r;

	sb_init(&d.out);
	sb_init(&d.run);
	sb_init(&word);
	while (i < len) {
		sb_reset(&word);
		if (s[i] != '=' || !eword_parse(s + i, len - i, &w) || !eword_decode(&w, &word)) {
			i++;
			continue;
		}
		if (!d.charset[0] || !all_blank(s + raw, i - raw)) {
			dec_flush_run(&d);
			dec_raw(&d, s + raw, i - raw);
		} else if (str_casecmp_ascii(d.charset, w.charset) != 0) {
			dec_flush_run(&d); /* the blank between two words goes */
		}
		sb_add(&d.run, word.buf, word.len);
		memcpy(d.charset, w.charset, sizeof d.charset);
		i += w.total;
		raw = i;
	}
	dec_flush_run(&d);
	dec_raw(&d, s + raw, len - raw);
	r = one_line(d.out.buf, d.out.len);
	sb_release(&d.out);
	sb_release(&d.run);
	sb_release(&word);
	return r;
}

char *mime_decode_header(const char *value)
{
	return rfc2047_decode(value ? value : "", value ? strlen(value) : 0, NULL);
}

/* ---- RFC 2231 parameter values ---------------------------------------- */

#define SEG_MAX 64

/* One piece of a parameter split RFC 2231 style: name*, name*N or name*N*. */
struct seg {
	unsigned idx;
	int encoded;
	const char *value;
};

static int seg_parse(const char *pname, const char *name, const char *value, struct seg *sg)
{
	size_t n = strlen(name);
	const char *p;
	char *end;
	unsigned long idx;

	if (strncasecmp(pname, name, n) != 0 || pname[n] != '*')
		return 0;
	p = pname + n + 1;
	sg->value = value;
	if (*p == '\0') {
		sg->idx = 0;
		sg->encoded = 1;
		return 1;
	}
	if (*p < '0' || *p > '9')
		return 0;
	idx = strtoul(p, &end, 10);
	if (idx >= SEG_MAX || (*end && strcmp(end, "*") != 0))
		return 0;
	sg->idx = (unsigned)idx;
	sg->encoded = *end == '*';
	return 1;
}

/* Collect the segments of `name` in order; returns how many. */
static size_t seg_collect(const struct mime_param *p, size_t n, const char *name, struct seg *segs)
{
	size_t i, j, count = 0;
	struct seg sg;

	for (i = 0; i < n && count < SEG_MAX; i++) {
		if (!p[i].name || !p[i].value || !seg_parse(p[i].name, name, p[i].value, &sg))
			continue;
		for (j = count; j > 0 && segs[j - 1].idx > sg.idx; j--)
			segs[j] = segs[j - 1];
		segs[j] = sg;
		count++;
	}
	for (i = 0; i < count; i++) /* keep 0, 1, 2, ... up to the first gap */
		if (segs[i].idx != i)
			return i;
	return count;
}

static void pct_decode(const char *s, struct strbuf *out)
{
	for (; *s; s++) {
		int hi, lo;
		if (*s == '%' && (hi = hex_value((unsigned char)s[1])) >= 0 &&
		    (lo = hex_value((unsigned char)s[2])) >= 0) {
			sb_addc(out, (char)(hi << 4 | lo));
			s += 2;
		} else {
			sb_addc(out, *s);
		}
	}
}

/* Take "charset'language'" off the front of the first encoded segment. */
static const char *seg_charset(const char *v, char *charset)
{
	const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;

	charset[0] = '\0';
	if (!q2)
		return v;
	if ((size_t)(q1 - v) < CHARSET_MAX) {
		memcpy(charset, v, (size_t)(q1 - v));
		charset[q1 - v] = '\0';
	}
	return q2 + 1;
}

static char *seg_join(const struct seg *segs, size_t count, struct hdr_diag *diag)
{
	struct strbuf bytes = STRBUF_INIT;
	char charset[CHARSET_MAX] = "";
	enum cs_result res;
	size_t i;
	char *s, *r;

	sb_init(&bytes);
	for (i = 0; i < count; i++) {
		const char *v = segs[i].value;
		if (!segs[i].encoded) {
			sb_adds(&bytes, v);
			continue;
		}
		if (i == 0)
			v = seg_charset(v, charset);
		pct_decode(v, &bytes);
	}
	s = charset_convert(bytes.buf, bytes.len, charset, &res);
	if (res == CS_UNKNOWN)
		diag_note(diag, HDR_UNKNOWN_CHARSET, charset);
	else if (res == CS_INVALID)
		diag_note(diag, HDR_BAD_TEXT, charset);
	else if (res == CS_UNDECLARED)
		diag_note(diag, HDR_RAW_8BIT, NULL);
	r = one_line(s, strlen(s));
	free(s);
	sb_release(&bytes);
	return r;
}

char *mime_param_get(const struct mime_param *p, size_t n, const char *name, struct hdr_diag *diag)
{
	struct seg segs[SEG_MAX];
	size_t i, count = seg_collect(p, n, name, segs);

	if (count)
		return seg_join(segs, count, diag);
	for (i = 0; i < n; i++)
		if (p[i].name && p[i].value && str_casecmp_ascii(p[i].name, name) == 0)
			return rfc2047_decode(p[i].value, strlen(p[i].value), diag);
	return NULL;
}
