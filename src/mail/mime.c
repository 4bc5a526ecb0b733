/*
 * mime: one raw message to a struct message (see include/va/mime.h).
 *
 * Owns the walk over a message: the header block (split and unfolded here,
 * so one bad line cannot end it early), the envelope fields, the MIME tree
 * (split on boundary lines here, with a depth cap), the choice of body text
 * and the attachment list.  libetpan parses the structured pieces: address
 * lists (mailimf_address_list_parse), Content-Type and Content-Disposition
 * (mailmime_content_parse, mailmime_disposition_parse).  mailmime_parse()
 * is not used: it has no depth limit (3 MB of nested message/rfc822 parts
 * overflows the stack), says nothing about a missing closing boundary, and
 * mailmime_extract_boundary() overflows a buffer on boundary="\"".  Nor is
 * mailmime_part_parse(): its quoted-printable decoder turns "=XY" into NUL
 * bytes; charset.c decodes transfer encodings instead.
 *
 * Body: text/plain is preferred.  multipart/alternative takes its first
 * text/plain child, else its first multipart child, else its first
 * text/html child; other multiparts concatenate their inline text parts,
 * separated by a blank line.  text/html is reduced to text; body_from_html
 * is 1 when HTML was used and no plain part was.  A message/rfc822 part is
 * listed as an attachment and its text also goes into the body under a
 * "--- forwarded message ---" line with its From, Date and Subject.  The
 * body is "" (not NULL) when there is no text.  Attachments are the parts
 * with Content-Disposition: attachment and every part kinds[] does not
 * read as text (images, applications, ...), also inside alternatives that
 * were not chosen.
 *
 * Limits keep hostile input cheap: 64 levels of nesting, 10000 parts,
 * 10000 header fields per block, 50 problems (then a count).
 *
 * Parts are numbered 1, 2, ... in depth-first order, the message itself
 * being part 1 and every entity (multiparts too) taking a number;
 * attachment.part and the problems use these numbers.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/mailimf.h>
#include <libetpan/mailmime.h>
#include <sodium.h>

#include "va/message.h"
#include "va/mime.h"
#include "va/util.h"
#include "mime_internal.h"

#define HEADER_SCAN_MAX (64 * 1024) /* no field in this much: not a message */
#define HEADERS_CAP     (64 * 1024) /* m->headers is cut at a line end before this */
#define FIELDS_MAX      10000       /* header fields kept per block */
#define DEPTH_MAX       64          /* multipart and message/rfc822 nesting */
#define PARTS_MAX       10000       /* entities walked per message */
#define PROBLEMS_MAX    50          /* then "N more problems not recorded" */
#define QUOTE_MAX       80          /* bytes of a bad value quoted in a problem */

/* One header field, unfolded. */
struct field {
	char *name;
	struct strbuf value;
};

enum {
	HB_JUNK = 1 << 0,     /* lines that are not fields were skipped */
	HB_NO_BLANK = 1 << 1, /* the block ended on a non-field line, not a blank line */
	HB_TOO_MANY = 1 << 2, /* more than FIELDS_MAX fields */
	HB_ORPHAN = 1 << 3,   /* a continuation line before any field */
};

/* A header block and where its body starts. */
struct hblock {
	struct field *f;
	size_t n, cap;
	size_t body;    /* offset of the body in the data parsed */
	unsigned flags; /* HB_* */
};

/* State of one mime_parse() call. */
struct walk {
	struct message *m;
	struct strbuf body;
	struct strbuf list; /* an address list being gathered */
	int plain;          /* text/plain parts used for the body */
	int html;           /* text/html parts used for the body */
	int part;           /* last part number handed out */
	int parts_noted;
	size_t dropped; /* problems beyond PROBLEMS_MAX */
};

/* The MIME entity being walked. */
struct entity {
	int part;
	int depth;
	int quiet;  /* an alternative not chosen: its text is not body text */
	char *type; /* "type/subtype", lower case */
	struct mailmime_content *ct;
	struct mailmime_disposition *disp;
	struct mime_param *params, *dparams;
	size_t nparams, ndparams;
	int attachment; /* Content-Disposition: attachment */
	int cte;        /* enum cte */
	char *content_id;
	const char *data; /* the body, still transfer-encoded */
	size_t len;
};

enum cte { CTE_RAW, CTE_QP, CTE_B64 };

static const struct {
	const char *name;
	enum cte cte;
} ctes[] = {
    {"7bit", CTE_RAW},   {"8bit", CTE_RAW}, {"binary", CTE_RAW}, {"quoted-printable", CTE_QP},
    {"base64", CTE_B64},
};

static void walk_entity(struct walk *w, const struct hblock *hb, const char *data, size_t len,
                        int depth, int quiet, const char *deftype);

/* ---- problems ----------------------------------------------------------- */

static void problem(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (w->m->nproblems >= PROBLEMS_MAX) {
		w->dropped++;
		return;
	}
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	message_problem(w->m, "%s", s);
	free(s);
}

/* A bad value made fit to quote in a problem: UTF-8, one line, short. */
static char *quote_value(const char *s, size_t len)
{
	char *u = charset_convert(s, len < QUOTE_MAX ? len : QUOTE_MAX, NULL, NULL), *p;

	for (p = u; *p; p++)
		if (*p == '\n' || *p == '\t' || *p == '"')
			*p = *p == '"' ? '\'' : ' ';
	return u;
}

/* ---- header blocks ------------------------------------------------------ */

struct line {
	const char *p;
	size_t len;  /* without the line end */
	size_t next; /* offset of the next line */
};

static void line_at(const char *data, size_t len, size_t pos, struct line *l)
{
	const char *nl = memchr(data + pos, '\n', len - pos);
	size_t e = nl ? (size_t)(nl - data) : len;

	l->p = data + pos;
	l->next = nl ? e + 1 : len;
	if (e > pos && data[e - 1] == '\r')
		e--;
	l->len = e - pos;
}

/* Length of the field name if the line is "Name: ..." (or "Name : ..."). */
static size_t field_name_len(const char *p, size_t len)
{
	size_t i = 0, n;

	while (i < len && p[i] > ' ' && p[i] < 0x7F && p[i] != ':')
		i++;
	n = i;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return n && i < len && p[i] == ':' ? n : 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Append header bytes, NULs made spaces, blanks at the start dropped. */
static void value_add(struct strbuf *sb, const char *p, size_t len)
{
	size_t i, start = sb->len;

	while (len && is_blank(*p))
		p++, len--;
	sb_add(sb, p, len);
	for (i = start; i < sb->len; i++)
		if (sb->buf[i] == '\0')
			sb->buf[i] = ' ';
}

static void field_add(struct hblock *hb, const struct line *l, size_t nlen)
{
	struct field *f;
	const char *colon = memchr(l->p, ':', l->len);

	if (hb->n >= FIELDS_MAX) {
		hb->flags |= HB_TOO_MANY;
		return;
	}
	xgrow((void **)&hb->f, &hb->cap, hb->n + 1, sizeof *hb->f);
	f = &hb->f[hb->n++];
	f->name = xstrndup(l->p, nlen);
	sb_init(&f->value);
	value_add(&f->value, colon + 1, l->len - (size_t)(colon + 1 - l->p));
}

/* A continuation line: its leading blanks become one space. */
static void field_fold(struct hblock *hb, const struct line *l)
{
	struct strbuf *v;
	size_t i = 0;

	if (hb->flags & HB_TOO_MANY)
		return;
	v = &hb->f[hb->n - 1].value;
	while (i < l->len && is_blank(l->p[i]))
		i++;
	if (i == l->len)
		return;
	if (v->len)
		sb_addc(v, ' ');
	value_add(v, l->p + i, l->len - i);
}

static void field_trim(struct field *f)
{
	while (f->value.len && is_blank(f->value.buf[f->value.len - 1]))
		f->value.buf[--f->value.len] = '\0';
}

/* A line that is neither a field nor a continuation: skip it, or end the
 * block there.  Returns 1 to go on with the next line. */
static int odd_line(struct hblock *hb, const char *data, size_t len, const struct line *l,
                    size_t pos, int top)
{
	struct line nx;

	if (top && hb->n == 0 && pos < HEADER_SCAN_MAX) {
		hb->flags |= HB_JUNK;
		return 1;
	}
	if (hb->n && l->next < len) {
		line_at(data, len, l->next, &nx);
		if (field_name_len(nx.p, nx.len)) {
			hb->flags |= HB_JUNK;
			return 1;
		}
	}
	if (hb->n)
		hb->flags |= HB_NO_BLANK;
	hb->body = pos;
	return 0;
}

/* Split the header block at the start of data.  top: the message's own
 * header, where junk before the first field is skipped.  Returns -1 when
 * top and there is no field in the first HEADER_SCAN_MAX bytes. */
static int hblock_parse(const char *data, size_t len, int top, struct hblock *hb)
{
	size_t pos = 0, nlen;
	struct line l;

	memset(hb, 0, sizeof *hb);
	hb->body = len;
	while (pos < len) {
		line_at(data, len, pos, &l);
		if (l.len == 0) {
			hb->body = l.next;
			break;
		}
		if (is_blank(l.p[0]) && hb->n) {
			field_fold(hb, &l);
		} else if (is_blank(l.p[0]) && top) {
			hb->flags |= HB_ORPHAN;
		} else if ((nlen = field_name_len(l.p, l.len)) > 0) {
			field_add(hb, &l, nlen);
		} else if (!odd_line(hb, data, len, &l, pos, top)) {
			break;
		}
		pos = l.next;
	}
	for (nlen = 0; nlen < hb->n; nlen++)
		field_trim(&hb->f[nlen]);
	return top && hb->n == 0 ? -1 : 0;
}

static void hblock_release(struct hblock *hb)
{
	size_t i;

	for (i = 0; i < hb->n; i++) {
		free(hb->f[i].name);
		sb_release(&hb->f[i].value);
	}
	free(hb->f);
	memset(hb, 0, sizeof *hb);
}

static const struct field *hblock_get(const struct hblock *hb, const char *name)
{
	size_t i;

	for (i = 0; i < hb->n; i++)
		if (str_casecmp_ascii(hb->f[i].name, name) == 0)
			return &hb->f[i];
	return NULL;
}

/* Problems with a header block; part 0 is the message's own header. */
static void hblock_report(struct walk *w, const struct hblock *hb, int part)
{
	static const struct {
		unsigned flag;
		const char *what;
	} msgs[] = {
	    {HB_JUNK, "malformed header lines skipped"},
	    {HB_NO_BLANK, "header not ended by a blank line"},
	    {HB_TOO_MANY, "more than 10000 header fields"},
	    {HB_ORPHAN, "continuation line before the first header field"},
	};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(msgs); i++) {
		if (!(hb->flags & msgs[i].flag))
			continue;
		if (part)
			problem(w, "%s in part %d", msgs[i].what, part);
		else
			problem(w, "%s", msgs[i].what);
	}
}

/* ---- header values ------------------------------------------------------ */

static void note_diag(struct walk *w, const char *field, const struct hdr_diag *d)
{
	if (d->flags & HDR_UNKNOWN_CHARSET)
		problem(w, "unknown charset \"%s\" in header \"%s\"", d->charset, field);
	if (d->flags & HDR_BAD_TEXT)
		problem(w, "invalid \"%s\" text in header \"%s\"", d->charset, field);
	if (d->flags & HDR_RAW_8BIT)
		problem(w, "8-bit header \"%s\" is not UTF-8", field);
}

/* A decoded header value, blanks trimmed; problems noted against `field`. */
static char *decode_text(struct walk *w, const char *field, const char *s, size_t len)
{
	struct hdr_diag d = {0, ""};
	char *r = rfc2047_decode(s, len, &d), *t = str_trim(r);

	note_diag(w, field, &d);
	if (t != r)
		memmove(r, t, strlen(t) + 1);
	return r;
}

/* Raw bytes of a structured value (address, id) made UTF-8, one line. */
static char *plain_text(const char *s, size_t len)
{
	char *r = charset_convert(s, len, NULL, NULL), *p;

	for (p = r; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return r;
}

static void set_str(char **slot, char *s)
{
	free(*slot);
	*slot = s;
}

static void ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* ---- addresses ---------------------------------------------------------- */

/* One mailbox: display name (or NULL) and address; raw bytes until
 * mboxes_decode(), UTF-8 after. */
struct mbox {
	char *name;
	char *addr;
};

struct mboxes {
	struct mbox *v;
	size_t n, cap;
};

static void mboxes_add(struct mboxes *l, const char *name, size_t nlen, const char *addr,
                       size_t alen)
{
	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n].name = name && nlen ? xstrndup(name, nlen) : NULL;
	l->v[l->n++].addr = xstrndup(addr, alen);
}

static void mboxes_release(struct mboxes *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].addr);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* A display name that was a quoted string around encoded words
 * ("=?iso-2022-jp?B?...?=") decodes with its quotes: drop them and the
 * backslash escapes, as every mail client shows it. */
static void unquote_name(char *s)
{
	size_t n = strlen(s), i, j;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return;
	for (i = 1, j = 0; i < n - 1; i++) {
		if (s[i] == '\\' && i + 1 < n - 1)
			i++;
		s[j++] = s[i];
	}
	s[j] = '\0';
}

static void mboxes_decode(struct walk *w, const char *field, struct mboxes *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct mbox *b = &l->v[i];
		if (b->name)
			set_str(&b->name, decode_text(w, field, b->name, strlen(b->name)));
		if (b->name)
			unquote_name(b->name);
		if (b->name && !*b->name)
			x_free(&b->name);
		set_str(&b->addr, plain_text(b->addr, strlen(b->addr)));
	}
}

/* libetpan sometimes "repairs" an address it cannot read ("Foo <a@b" gives
 * "Foo<a@b", "a b c@d" gives "abc@d"); an address that is not in the value
 * as written, or has blanks or brackets, means the list was misread. */
static int addr_plausible(const char *value, size_t len, size_t *from, const char *addr)
{
	size_t n = strlen(addr);
	const char *hit;

	if (!n || strpbrk(addr, "<> \t\""))
		return 0;
	hit = memmem(value + *from, len - *from, addr, n);
	if (!hit)
		return 0;
	*from = (size_t)(hit - value) + n;
	return 1;
}

/* Offset after blanks, commas and (nested) comments from i. */
static size_t skip_cfws(const char *s, size_t len, size_t i)
{
	int depth = 0;

	for (; i < len; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth)
			depth--;
		else if (s[i] == '\\' && depth && i + 1 < len)
			i++;
		else if (!depth && s[i] != ' ' && s[i] != '\t' && s[i] != ',')
			break;
	}
	return i;
}

/* "a@b (Name)": the comment after an address (at `from`) as its name. */
static const char *comment_name(const char *value, size_t len, size_t from, size_t *nlen)
{
	size_t i = from, end;

	while (i < len && (value[i] == ' ' || value[i] == '\t'))
		i++;
	if (i >= len || value[i] != '(')
		return NULL;
	end = skip_cfws(value, len, i);
	while (end > i && value[end - 1] != ')')
		end--;
	if (end <= i + 1)
		return NULL;
	*nlen = end - i - 2;
	return value + i + 1;
}

static int etpan_mailbox(const char *value, size_t len, size_t *from,
                         const struct mailimf_mailbox *mb, struct mboxes *out)
{
	const char *name = mb ? mb->mb_display_name : NULL;
	size_t nlen = name ? strlen(name) : 0;

	if (!mb || !mb->mb_addr_spec || !addr_plausible(value, len, from, mb->mb_addr_spec))
		return -1;
	if (!name)
		name = comment_name(value, len, *from, &nlen);
	mboxes_add(out, name, nlen, mb->mb_addr_spec, strlen(mb->mb_addr_spec));
	return 0;
}

static int etpan_group(const char *value, size_t len, size_t *from, const struct mailimf_group *g,
                       struct mboxes *out)
{
	clistiter *it;
	char *empty;

	if (!g->grp_mb_list || clist_isempty(g->grp_mb_list->mb_list)) {
		empty = xasprintf("%s:;", g->grp_display_name); /* "undisclosed-recipients:;" */
		mboxes_add(out, NULL, 0, empty, strlen(empty));
		free(empty);
		return 0;
	}
	for (it = clist_begin(g->grp_mb_list->mb_list); it; it = clist_next(it))
		if (etpan_mailbox(value, len, from, clist_content(it), out) < 0)
			return -1;
	return 0;
}

/* Parse with libetpan; -1 if it fails or misreads. */
static int etpan_addresses(const char *value, size_t len, struct mboxes *out)
{
	struct mailimf_address_list *al = NULL;
	size_t idx = 0, from = 0;
	clistiter *it;
	int r = 0;

	if (mailimf_address_list_parse(value, len, &idx, &al) != MAILIMF_NO_ERROR)
		return -1;
	if (skip_cfws(value, len, idx) < len) /* libetpan leaves a trailing "(comment)" */
		r = -1;
	for (it = clist_begin(al->ad_list); it && r == 0; it = clist_next(it)) {
		const struct mailimf_address *a = clist_content(it);
		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
			r = etpan_mailbox(value, len, &from, a->ad_data.ad_mailbox, out);
		else
			r = etpan_group(value, len, &from, a->ad_data.ad_group, out);
	}
	mailimf_address_list_free(al);
	return r;
}

/* End of one address in a list: the next ',' or ';' outside quotes, angle
 * brackets and comments. */
static size_t chunk_end(const char *s, size_t len, size_t i)
{
	int quote = 0, angle = 0, paren = 0;

	for (; i < len; i++) {
		char c = s[i];
		if (c == '\\' && i + 1 < len)
			i++;
		else if (quote)
			quote = c != '"';
		else if (c == '"')
			quote = 1;
		else if (c == '(')
			paren++;
		else if (c == ')' && paren)
			paren--;
		else if (paren)
			continue;
		else if (c == '<')
			angle = 1;
		else if (c == '>')
			angle = 0;
		else if ((c == ',' || c == ';') && !angle)
			return i;
	}
	return len;
}

/* Trim blanks and one pair of surrounding quotes. */
static void span_trim(const char **p, size_t *n)
{
	while (*n && isspace((unsigned char)**p))
		(*p)++, (*n)--;
	while (*n && isspace((unsigned char)(*p)[*n - 1]))
		(*n)--;
	if (*n >= 2 && **p == '"' && (*p)[*n - 1] == '"')
		(*p)++, *n -= 2;
}

/* "Name <addr>", "addr (Name)" or a bare "addr". */
static void loose_one(const char *s, size_t len, struct mboxes *out)
{
	const char *lt = memchr(s, '<', len), *gt, *at, *a, *c, *ce, *name = s;
	size_t alen, nlen;

	if (lt) {
		gt = memchr(lt, '>', len - (size_t)(lt - s));
		a = lt + 1;
		alen = (size_t)((gt ? gt : s + len) - a);
		nlen = (size_t)(lt - s);
	} else if ((at = memchr(s, '@', len)) != NULL) {
		for (a = at; a > s && !isspace((unsigned char)a[-1]) && a[-1] != '('; a--)
			;
		for (alen = (size_t)(at - a);
		     a + alen < s + len && !isspace((unsigned char)a[alen]) && a[alen] != '(' &&
		     a[alen] != ')';
		     alen++)
			;
		c = memchr(s, '(', len);
		ce = c ? memchr(c, ')', len - (size_t)(c - s)) : NULL;
		name = c ? c + 1 : NULL;
		nlen = c ? (size_t)((ce ? ce : s + len) - name) : 0;
	} else {
		a = s, alen = len, name = NULL, nlen = 0;
		if (memchr(s, ' ', len))
			return; /* words and no address */
	}
	span_trim(&a, &alen);
	if (name)
		span_trim(&name, &nlen);
	if (alen)
		mboxes_add(out, name, nlen, a, alen);
}

/* A forgiving reading for lists libetpan cannot parse. */
static void loose_addresses(const char *value, size_t len, struct mboxes *out)
{
	size_t i = 0, e;

	while (i < len) {
		e = chunk_end(value, len, i);
		loose_one(value + i, e - i, out);
		i = e + 1;
	}
}

/* The mailboxes of an address field, decoded. */
static void parse_addresses(struct walk *w, const struct field *f, struct mboxes *out)
{
	const char *v = f->value.buf;
	size_t len = f->value.len;
	int ok = etpan_addresses(v, len, out) == 0;

	if (!ok) {
		mboxes_release(out);
		loose_addresses(v, len, out);
	}
	if (!ok && len) {
		char *q = quote_value(v, len);
		problem(w, "bad address list in header \"%s\": \"%s\"", f->name, q);
		free(q);
	}
	mboxes_decode(w, f->name, out);
}

static void render_mbox(struct strbuf *sb, const struct mbox *b)
{
	const char *p;

	if (!b->name || strcmp(b->name, b->addr) == 0) {
		sb_adds(sb, b->addr);
		return;
	}
	if (!strpbrk(b->name, ",;<>@:\"()[]\\")) {
		sb_adds(sb, b->name);
	} else {
		sb_addc(sb, '"');
		for (p = b->name; *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_addc(sb, '\\');
			sb_addc(sb, *p);
		}
		sb_addc(sb, '"');
	}
	sb_addf(sb, " <%s>", b->addr);
}

/* "Name <a@b>, c@d"; names with specials are quoted so the list can be
 * parsed again. */
static char *render_mboxes(const struct mboxes *l)
{
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	for (i = 0; i < l->n; i++) {
		if (i)
			sb_adds(&sb, ", ");
		render_mbox(&sb, &l->v[i]);
	}
	return sb_detach(&sb);
}

/* ---- the envelope ------------------------------------------------------- */

typedef void (*fill_fn)(struct walk *w, const struct field *f, char **slot);

static void fill_from(struct walk *w, const struct field *f, char **slot)
{
	struct mboxes l = {0};

	if (*slot)
		return;
	parse_addresses(w, f, &l);
	if (l.n) {
		w->m->from_name = l.v[0].name;
		w->m->from_addr = l.v[0].addr;
		ascii_lower(w->m->from_addr);
		l.v[0].name = l.v[0].addr = NULL;
	}
	mboxes_release(&l);
}

/* To, Cc, Reply-To: rendered into w->list; every occurrence adds to it. */
static void fill_addresses(struct walk *w, const struct field *f, char **slot)
{
	struct mboxes l = {0};
	char *s;

	(void)slot;
	parse_addresses(w, f, &l);
	s = render_mboxes(&l);
	if (w->list.len && *s)
		sb_adds(&w->list, ", ");
	sb_adds(&w->list, s);
	free(s);
	mboxes_release(&l);
}

static void fill_text(struct walk *w, const struct field *f, char **slot)
{
	if (!*slot)
		*slot = decode_text(w, f->name, f->value.buf, f->value.len);
}

/* Append each "<id>" of s (without brackets or blanks inside) to sb,
 * space-separated; at most `max` of them.  Returns how many. */
static size_t collect_ids(struct strbuf *sb, const char *s, size_t max)
{
	const char *lt, *gt, *p;
	size_t n = 0;

	while (n < max && (lt = strchr(s, '<')) != NULL && (gt = strchr(lt + 1, '>')) != NULL) {
		if (gt > lt + 1) {
			if (sb->len)
				sb_addc(sb, ' ');
			for (p = lt + 1; p < gt; p++)
				if (!isspace((unsigned char)*p) && *p != '<')
					sb_addc(sb, *p);
			n++;
		}
		s = gt + 1;
	}
	return n;
}

static char *ids_text(struct strbuf *sb)
{
	char *s = plain_text(sb->buf, sb->len);

	sb_release(sb);
	if (!*s)
		x_free(&s);
	return s;
}

/* Message-ID, In-Reply-To: the first "<id>"; a Message-ID without brackets
 * is taken as its first word. */
static void fill_id(struct walk *w, const struct field *f, char **slot)
{
	struct strbuf sb;
	const char *v = f->value.buf;

	(void)w;
	if (*slot)
		return;
	sb_init(&sb);
	if (!collect_ids(&sb, v, 1) && str_casecmp_ascii(f->name, "message-id") == 0)
		sb_add(&sb, v, strcspn(v, " \t"));
	*slot = ids_text(&sb);
}

static void fill_references(struct walk *w, const struct field *f, char **slot)
{
	struct strbuf sb;

	(void)w;
	if (*slot)
		return;
	sb_init(&sb);
	collect_ids(&sb, f->value.buf, 1000);
	*slot = ids_text(&sb);
}

static void fill_date(struct walk *w, const struct field *f, char **slot)
{
	char *q;

	(void)slot;
	if (w->m->date)
		return;
	w->m->date = mime_parse_date(f->value.buf);
	if (w->m->date == 0) {
		q = quote_value(f->value.buf, f->value.len);
		problem(w, "undecodable date \"%s\"", q);
		free(q);
	}
}

#define NO_SLOT ((size_t)-1)

/* The envelope fields: the first occurrence of a field counts, except for
 * the address lists (every: each occurrence adds to w->list). */
static const struct env_rule {
	const char *name;
	fill_fn fill;
	size_t off; /* the char * field of struct message it sets (its slot) */
	int every;
} env_rules[] = {
    {"from", fill_from, offsetof(struct message, from_addr), 0},
    {"to", fill_addresses, offsetof(struct message, to), 1},
    {"cc", fill_addresses, offsetof(struct message, cc), 1},
    {"reply-to", fill_addresses, offsetof(struct message, reply_to), 1},
    {"subject", fill_text, offsetof(struct message, subject), 0},
    {"date", fill_date, NO_SLOT, 0},
    {"message-id", fill_id, offsetof(struct message, message_id), 0},
    {"in-reply-to", fill_id, offsetof(struct message, in_reply_to), 0},
    {"references", fill_references, offsetof(struct message, references), 0},
    {"list-id", fill_text, offsetof(struct message, list_id), 0},
    {"list-unsubscribe", fill_text, offsetof(struct message, list_unsubscribe), 0},
    {"precedence", fill_text, offsetof(struct message, precedence), 0},
    {"auto-submitted", fill_text, offsetof(struct message, auto_submitted), 0},
};

static void fill_rule(struct walk *w, const struct hblock *hb, const struct env_rule *r)
{
	char **slot = r->off == NO_SLOT ? NULL : (char **)((char *)w->m + r->off);
	size_t i;

	for (i = 0; i < hb->n; i++) {
		if (str_casecmp_ascii(hb->f[i].name, r->name) != 0)
			continue;
		r->fill(w, &hb->f[i], slot);
		if (!r->every)
			break;
	}
	if (r->every && w->list.len)
		set_str(slot, sb_detach(&w->list));
}

static void fill_envelope(struct walk *w, const struct hblock *hb)
{
	size_t j;

	sb_init(&w->list);
	for (j = 0; j < VA_ARRAY_LEN(env_rules); j++)
		fill_rule(w, hb, &env_rules[j]);
	sb_release(&w->list);
}

/* m->headers: "Name: value" lines, UTF-8, cut at a line end before
 * HEADERS_CAP bytes. */
static void fill_headers(struct walk *w, const struct hblock *hb)
{
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	for (i = 0; i < hb->n; i++) {
		char *name = plain_text(hb->f[i].name, strlen(hb->f[i].name));
		char *value = plain_text(hb->f[i].value.buf, hb->f[i].value.len);
		size_t n = strlen(name) + strlen(value) + 3;
		if (sb.len + n > HEADERS_CAP - 1) {
			problem(w, "header block longer than 64 KiB, cut");
			i = hb->n;
		} else {
			sb_addf(&sb, "%s: %s\n", name, value);
		}
		free(name);
		free(value);
	}
	set_str(&w->m->headers, sb_detach(&sb));
}

/* ---- MIME entities ------------------------------------------------------ */

static const char *const discrete_names[] = {
    [MAILMIME_DISCRETE_TYPE_TEXT] = "text",
    [MAILMIME_DISCRETE_TYPE_IMAGE] = "image",
    [MAILMIME_DISCRETE_TYPE_AUDIO] = "audio",
    [MAILMIME_DISCRETE_TYPE_VIDEO] = "video",
    [MAILMIME_DISCRETE_TYPE_APPLICATION] = "application",
};

static const char *const composite_names[] = {
    [MAILMIME_COMPOSITE_TYPE_MESSAGE] = "message",
    [MAILMIME_COMPOSITE_TYPE_MULTIPART] = "multipart",
};

static const char *main_type(const struct mailmime_type *t)
{
	if (t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		const struct mailmime_discrete_type *d = t->tp_data.tp_discrete_type;
		if (d->dt_type == MAILMIME_DISCRETE_TYPE_EXTENSION)
			return d->dt_extension;
		return d->dt_type >= 0 && (size_t)d->dt_type < VA_ARRAY_LEN(discrete_names)
		           ? discrete_names[d->dt_type]
		           : NULL;
	}
	if (t->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE) {
		const struct mailmime_composite_type *c = t->tp_data.tp_composite_type;
		if (c->ct_type == MAILMIME_COMPOSITE_TYPE_EXTENSION)
			return c->ct_token;
		return c->ct_type >= 0 && (size_t)c->ct_type < VA_ARRAY_LEN(composite_names)
		           ? composite_names[c->ct_type]
		           : NULL;
	}
	return NULL;
}

/* "type/subtype" in lower case, or NULL. */
static char *type_name(const struct mailmime_content *ct)
{
	const char *main = ct->ct_type ? main_type(ct->ct_type) : NULL;
	char *raw, *s;

	if (!main || !ct->ct_subtype)
		return NULL;
	raw = xasprintf("%s/%s", main, ct->ct_subtype);
	s = plain_text(raw, strlen(raw));
	free(raw);
	ascii_lower(s);
	return s;
}

/* Parse a Content-Type value; NULL (and *ct NULL) if it does not parse. */
static char *parse_type(const struct field *f, struct mailmime_content **ct)
{
	size_t idx = 0;
	char *t;

	*ct = NULL;
	if (mailmime_content_parse(f->value.buf, f->value.len, &idx, ct) != MAILIMF_NO_ERROR) {
		*ct = NULL;
		return NULL;
	}
	if ((t = type_name(*ct)) == NULL) {
		mailmime_content_free(*ct);
		*ct = NULL;
	}
	return t;
}

static struct mime_param *params_of(clist *list, size_t *n)
{
	struct mime_param *p = xcalloc(list ? (size_t)clist_count(list) + 1 : 1, sizeof *p);
	clistiter *it;

	*n = 0;
	for (it = list ? clist_begin(list) : NULL; it; it = clist_next(it)) {
		const struct mailmime_parameter *pa = clist_content(it);
		p[*n].name = pa->pa_name;
		p[(*n)++].value = pa->pa_value;
	}
	return p;
}

static struct mime_param *dparams_of(clist *list, size_t *n)
{
	struct mime_param *p = xcalloc(list ? (size_t)clist_count(list) + 1 : 1, sizeof *p);
	clistiter *it;

	*n = 0;
	for (it = list ? clist_begin(list) : NULL; it; it = clist_next(it)) {
		const struct mailmime_disposition_parm *pa = clist_content(it);
		if (pa->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME) {
			p[*n].name = "filename";
			p[(*n)++].value = pa->pa_data.pa_filename;
		} else if (pa->pa_type == MAILMIME_DISPOSITION_PARM_PARAMETER) {
			p[*n].name = pa->pa_data.pa_parameter->pa_name;
			p[(*n)++].value = pa->pa_data.pa_parameter->pa_value;
		}
	}
	return p;
}

/* A parameter as written (no decoding): boundary, charset. */
static const char *param_raw(const struct mime_param *p, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].name && p[i].value && str_casecmp_ascii(p[i].name, name) == 0)
			return p[i].value;
	return NULL;
}

static void entity_type(struct walk *w, struct entity *e, const struct hblock *hb,
                        const char *deftype)
{
	const struct field *f = hblock_get(hb, "content-type");
	char *q;

	if (f && (e->type = parse_type(f, &e->ct)) != NULL) {
		e->params = params_of(e->ct->ct_parameters, &e->nparams);
		return;
	}
	if (f) {
		q = quote_value(f->value.buf, f->value.len);
		problem(w, "bad content-type \"%s\" in part %d", q, e->part);
		free(q);
	}
	e->type = xstrdup(deftype);
	e->params = params_of(NULL, &e->nparams);
}

static void entity_disposition(struct walk *w, struct entity *e, const struct hblock *hb)
{
	const struct field *f = hblock_get(hb, "content-disposition");
	size_t idx = 0;

	if (f && mailmime_disposition_parse(f->value.buf, f->value.len, &idx, &e->disp) ==
	             MAILIMF_NO_ERROR) {
		e->attachment = e->disp->dsp_type &&
		                e->disp->dsp_type->dsp_type == MAILMIME_DISPOSITION_TYPE_ATTACHMENT;
		e->dparams = dparams_of(e->disp->dsp_parms, &e->ndparams);
		return;
	}
	e->disp = NULL;
	if (f && f->value.len)
		problem(w, "bad content-disposition in part %d", e->part);
	e->dparams = dparams_of(NULL, &e->ndparams);
}

static void entity_encoding(struct walk *w, struct entity *e, const struct hblock *hb)
{
	const struct field *f = hblock_get(hb, "content-transfer-encoding");
	char name[32];
	size_t i, n = 0;
	const char *v;

	e->cte = CTE_RAW;
	if (!f)
		return;
	for (v = f->value.buf;
	     *v && (isalnum((unsigned char)*v) || *v == '-') && n + 1 < sizeof name; v++)
		name[n++] = (char)tolower((unsigned char)*v);
	name[n] = '\0';
	for (i = 0; i < VA_ARRAY_LEN(ctes); i++) {
		if (strcmp(ctes[i].name, name) == 0) {
			e->cte = ctes[i].cte;
			return;
		}
	}
	if (f->value.len) {
		char *q = quote_value(f->value.buf, f->value.len);
		problem(w, "unknown transfer encoding \"%s\" in part %d", q, e->part);
		free(q);
	}
}

static void entity_init(struct walk *w, struct entity *e, const struct hblock *hb,
                        const char *deftype)
{
	const struct field *f = hblock_get(hb, "content-id");
	struct strbuf id;

	entity_type(w, e, hb, deftype);
	entity_disposition(w, e, hb);
	entity_encoding(w, e, hb);
	if (f) {
		sb_init(&id);
		if (!collect_ids(&id, f->value.buf, 1))
			sb_add(&id, f->value.buf, f->value.len);
		e->content_id = ids_text(&id);
	}
}

static void entity_release(struct entity *e)
{
	free(e->type);
	free(e->params);
	free(e->dparams);
	free(e->content_id);
	if (e->ct)
		mailmime_content_free(e->ct);
	if (e->disp)
		mailmime_disposition_free(e->disp);
}

/* The body with its transfer encoding undone: in out, or for 7bit, 8bit
 * and binary e->data itself.  Sets *len. */
static const char *decode_body(struct walk *w, const struct entity *e, struct strbuf *out,
                               size_t *len)
{
	unsigned flags;

	if (e->cte == CTE_RAW) {
		*len = e->len;
		return e->data;
	}
	flags = e->cte == CTE_B64 ? base64_decode(e->data, e->len, out)
	                          : qp_decode(e->data, e->len, out, 0);
	if (flags & B64_TRUNCATED)
		problem(w, "truncated base64 in part %d", e->part);
	if (flags & B64_JUNK)
		problem(w, "invalid base64 in part %d", e->part);
	if (flags & QP_BAD)
		problem(w, "invalid quoted-printable in part %d", e->part);
	*len = out->len;
	return out->buf;
}

/* ---- body text and attachments ------------------------------------------ */

/* Add a piece of body text, blank lines around it dropped; pieces are
 * separated by one blank line. */
static void body_append(struct walk *w, const char *text)
{
	const char *s = text, *p, *e;

	for (p = s; *p == ' ' || *p == '\t' || *p == '\n'; p++)
		if (*p == '\n')
			s = p + 1;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		e--;
	if (e == s)
		return;
	if (w->body.len)
		sb_adds(&w->body, "\n\n");
	sb_add(&w->body, s, (size_t)(e - s));
}

/* List e as an attachment of `size` decoded bytes. */
static void attach(struct walk *w, const struct entity *e, size_t size)
{
	struct hdr_diag d = {0, ""};
	struct attachment a;

	memset(&a, 0, sizeof a);
	a.filename = mime_param_get(e->dparams, e->ndparams, "filename", &d);
	if (!a.filename)
		a.filename = mime_param_get(e->params, e->nparams, "name", &d);
	if (a.filename && !*a.filename)
		x_free(&a.filename);
	note_diag(w, "filename", &d);
	a.size = (int64_t)size;
	a.mime_type = e->type;
	a.content_id = e->content_id;
	a.part = e->part;
	message_add_attachment(w->m, &a);
	free(a.filename);
}

/* List e as an attachment, decoding it to learn its size. */
static void add_attachment(struct walk *w, const struct entity *e)
{
	struct strbuf dec;
	size_t len;

	sb_init(&dec);
	decode_body(w, e, &dec, &len);
	attach(w, e, len);
	sb_release(&dec);
}

static void note_charset(struct walk *w, const struct entity *e, const char *charset,
                         enum cs_result res)
{
	char *q = charset ? quote_value(charset, strlen(charset)) : NULL;

	if (res == CS_UNKNOWN)
		problem(w, "unknown charset \"%s\" in part %d", q, e->part);
	else if (res == CS_INVALID)
		problem(w, "invalid \"%s\" text in part %d", q, e->part);
	else if (res == CS_UNDECLARED)
		problem(w, "8-bit text without a charset in part %d", e->part);
	free(q);
}

/* A text part: into the body (unless it is an attachment or an alternative
 * not chosen). */
static void walk_text(struct walk *w, struct entity *e, int html)
{
	const char *charset = param_raw(e->params, e->nparams, "charset"), *data;
	enum cs_result res;
	struct strbuf dec;
	size_t len;
	char *text, *plain;

	if (e->attachment) {
		add_attachment(w, e);
		return;
	}
	if (e->quiet)
		return;
	sb_init(&dec);
	data = decode_body(w, e, &dec, &len);
	text = charset_convert(data, len, charset, &res);
	sb_release(&dec);
	note_charset(w, e, charset, res);
	if (html) {
		plain = mime_html_to_text(text, strlen(text));
		free(text);
		text = plain;
		w->html++;
	} else {
		w->plain++;
	}
	body_append(w, text);
	free(text);
}

static void walk_plain(struct walk *w, struct entity *e)
{
	walk_text(w, e, 0);
}

static void walk_html(struct walk *w, struct entity *e)
{
	walk_text(w, e, 1);
}

static void walk_leaf(struct walk *w, struct entity *e)
{
	add_attachment(w, e);
}

/* Length of a leading mbox "From " line. */
static size_t mbox_line_len(const char *raw, size_t len)
{
	const char *nl;

	if (len < 5 || memcmp(raw, "From ", 5) != 0)
		return 0;
	nl = memchr(raw, '\n', len);
	return nl ? (size_t)(nl - raw) + 1 : len;
}

/* "--- forwarded message ---" and the From, Date and Subject of a
 * message/rfc822 part. */
static void forward_header(struct walk *w, const struct hblock *hb)
{
	static const char *const names[] = {"From", "Date", "Subject"};
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	sb_adds(&sb, "--- forwarded message ---");
	for (i = 0; i < VA_ARRAY_LEN(names); i++) {
		const struct field *f = hblock_get(hb, names[i]);
		char *v;
		if (!f)
			continue;
		v = decode_text(w, names[i], f->value.buf, f->value.len);
		sb_addf(&sb, "\n%s: %s", names[i], v);
		free(v);
	}
	body_append(w, sb.buf);
	sb_release(&sb);
}

static void walk_message(struct walk *w, struct entity *e)
{
	struct hblock hb;
	struct strbuf dec;
	const char *data;
	size_t len, skip;

	sb_init(&dec);
	data = decode_body(w, e, &dec, &len);
	attach(w, e, len);
	if (e->depth >= DEPTH_MAX) {
		problem(w, "parts nested deeper than %d levels in part %d", DEPTH_MAX, e->part);
		sb_release(&dec);
		return;
	}
	skip = mbox_line_len(data, len);
	data += skip;
	len -= skip;
	hblock_parse(data, len, 0, &hb);
	if (!e->quiet)
		forward_header(w, &hb);
	walk_entity(w, &hb, data + hb.body, len - hb.body, e->depth + 1, e->quiet, "text/plain");
	hblock_release(&hb);
	sb_release(&dec);
}

/* ---- multiparts --------------------------------------------------------- */

struct span {
	const char *p;
	size_t len;
};

struct split {
	struct span *v;
	size_t n, cap;
	int found;  /* a boundary line was seen */
	int closed; /* the closing boundary line was seen */
};

/* If a boundary line ("--b", "--b--", trailing blanks allowed) starts at
 * off, return the offset of the line after it (and set *close). */
static int boundary_line(const char *d, size_t len, size_t off, size_t blen, int *close,
                         size_t *next)
{
	size_t i = off + 2 + blen;

	*close = i + 1 < len && d[i] == '-' && d[i + 1] == '-';
	if (*close)
		i += 2;
	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r'))
		i++;
	if (i < len && d[i] != '\n')
		return *close; /* "--b--junk" still closes; "--bjunk" is not ours */
	*next = i < len ? i + 1 : len;
	return 1;
}

static void split_add(struct split *sp, const char *d, size_t start, size_t end)
{
	if (end > start && d[end - 1] == '\n') /* the line end before a boundary is part of it */
		end--;
	if (end > start && d[end - 1] == '\r')
		end--;
	if (sp->n >= PARTS_MAX)
		return;
	xgrow((void **)&sp->v, &sp->cap, sp->n + 1, sizeof *sp->v);
	sp->v[sp->n].p = d + start;
	sp->v[sp->n++].len = end > start ? end - start : 0;
}

/* Cut a multipart body into its parts at the lines "--boundary". */
static void split_parts(const char *d, size_t len, const char *boundary, struct split *sp)
{
	char *delim = xasprintf("--%s", boundary);
	size_t dlen = strlen(delim), blen = dlen - 2, pos = 0, start = 0, off, next = len;
	const char *hit;
	int close;

	memset(sp, 0, sizeof *sp);
	while (pos < len && (hit = memmem(d + pos, len - pos, delim, dlen)) != NULL) {
		off = (size_t)(hit - d);
		pos = off + 1;
		if ((off > 0 && d[off - 1] != '\n') ||
		    !boundary_line(d, len, off, blen, &close, &next))
			continue;
		if (sp->found)
			split_add(sp, d, start, off);
		sp->found = 1;
		start = pos = close ? len : next;
		if (close) {
			sp->closed = 1;
			break;
		}
	}
	if (sp->found && !sp->closed && start < len)
		split_add(sp, d, start, len);
	free(delim);
}

/* The type a part's header declares, without noting problems. */
static char *peek_type(const struct hblock *hb)
{
	const struct field *f = hblock_get(hb, "content-type");
	struct mailmime_content *ct;
	char *t = f ? parse_type(f, &ct) : NULL;

	if (!t)
		return xstrdup("text/plain");
	mailmime_content_free(ct);
	return t;
}

/* multipart/alternative: the first text/plain child, else the first
 * multipart, else the first text/html, else the first. */
static size_t choose_alternative(const struct hblock *hbs, size_t n)
{
	size_t i, best = 0;
	int best_rank = -1;

	for (i = 0; i < n; i++) {
		char *t = peek_type(&hbs[i]);
		int rank = strcmp(t, "text/plain") == 0  ? 3
		           : str_starts(t, "multipart/") ? 2
		           : strcmp(t, "text/html") == 0 ? 1
		                                         : 0;
		free(t);
		if (rank > best_rank)
			best = i, best_rank = rank;
	}
	return best;
}

static void walk_children(struct walk *w, const struct entity *e, const struct split *sp)
{
	struct hblock *hbs = xcalloc(sp->n, sizeof *hbs);
	int alternative = strcmp(e->type, "multipart/alternative") == 0;
	const char *deftype =
	    strcmp(e->type, "multipart/digest") == 0 ? "message/rfc822" : "text/plain";
	size_t i, chosen;

	for (i = 0; i < sp->n; i++)
		hblock_parse(sp->v[i].p, sp->v[i].len, 0, &hbs[i]);
	chosen = alternative ? choose_alternative(hbs, sp->n) : 0;
	for (i = 0; i < sp->n; i++)
		walk_entity(w, &hbs[i], sp->v[i].p + hbs[i].body, sp->v[i].len - hbs[i].body,
		            e->depth + 1, e->quiet || (alternative && i != chosen), deftype);
	for (i = 0; i < sp->n; i++)
		hblock_release(&hbs[i]);
	free(hbs);
}

static void walk_multipart(struct walk *w, struct entity *e)
{
	const char *boundary = param_raw(e->params, e->nparams, "boundary");
	struct split sp;
	char *q;

	if (!boundary || !*boundary) {
		problem(w, "multipart without boundary in part %d", e->part);
		walk_text(w, e, 0);
		return;
	}
	if (e->depth >= DEPTH_MAX) {
		problem(w, "parts nested deeper than %d levels in part %d", DEPTH_MAX, e->part);
		add_attachment(w, e);
		return;
	}
	split_parts(e->data, e->len, boundary, &sp);
	q = quote_value(boundary, strlen(boundary));
	if (!sp.found) {
		problem(w, "boundary \"%s\" not found in part %d", q, e->part);
		walk_text(w, e, 0);
	} else {
		if (!sp.closed)
			problem(w, "missing closing boundary \"%s\" in part %d", q, e->part);
		walk_children(w, e, &sp);
	}
	free(q);
	free(sp.v);
}

/* ---- the walk ----------------------------------------------------------- */

typedef void (*walk_fn)(struct walk *w, struct entity *e);

/* How each type is walked; a type ending in '/' matches a whole family.
 * Anything else is an attachment. */
static const struct kind {
	const char *type;
	walk_fn walk;
} kinds[] = {
    {"multipart/", walk_multipart},      {"message/rfc822", walk_message},
    {"text/plain", walk_plain},          {"text/html", walk_html},
    {"text/enriched", walk_plain},       {"text/richtext", walk_plain},
    {"text/rfc822-headers", walk_plain}, {"message/delivery-status", walk_plain},
};

static walk_fn kind_of(const char *type)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(kinds); i++) {
		const char *k = kinds[i].type;
		if (strcmp(k, type) == 0 || (str_ends(k, "/") && str_starts(type, k)))
			return kinds[i].walk;
	}
	return walk_leaf;
}

static void walk_entity(struct walk *w, const struct hblock *hb, const char *data, size_t len,
                        int depth, int quiet, const char *deftype)
{
	struct entity e;

	if (w->part >= PARTS_MAX) {
		if (!w->parts_noted++)
			problem(w, "more than %d parts, the rest skipped", PARTS_MAX);
		return;
	}
	memset(&e, 0, sizeof e);
	e.part = ++w->part;
	e.depth = depth;
	e.quiet = quiet;
	e.data = data;
	e.len = len;
	if (depth)
		hblock_report(w, hb, e.part);
	entity_init(w, &e, hb, deftype);
	if (e.part == 1)
		set_str(&w->m->content_type, xstrdup(e.type));
	kind_of(e.type)(w, &e);
	entity_release(&e);
}

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_setup(void)
{
	if (sodium_init() < 0)
		abort(); /* libsodium cannot work at all on this machine */
}

/* Hex BLAKE2b-128 of the raw bytes. */
static char *hash_hex(const char *raw, size_t len)
{
	unsigned char h[16];
	char hex[2 * sizeof h + 1];

	pthread_once(&sodium_once, sodium_setup);
	crypto_generichash(h, sizeof h, (const unsigned char *)raw, len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	return xstrdup(hex);
}

static void walk_finish(struct walk *w)
{
	if (w->dropped)
		message_problem(w->m, "%zu more problems not recorded", w->dropped);
	set_str(&w->m->body, sb_detach(&w->body));
	w->m->body_from_html = w->html > 0 && w->plain == 0;
}

int mime_parse(const char *raw, size_t len, struct message *m, char **cause)
{
	struct walk w;
	struct hblock hb;
	size_t skip;

	if (!raw || len == 0)
		return set_cause(cause, "empty message");
	skip = mbox_line_len(raw, len);
	if (hblock_parse(raw + skip, len - skip, 1, &hb) < 0) {
		hblock_release(&hb);
		return set_cause(cause, "not a message: no header field in the first 64 KiB");
	}
	memset(&w, 0, sizeof w);
	w.m = m;
	sb_init(&w.body);
	m->size = (int64_t)len;
	set_str(&m->hash, hash_hex(raw, len));
	hblock_report(&w, &hb, 0);
	fill_headers(&w, &hb);
	fill_envelope(&w, &hb);
	walk_entity(&w, &hb, raw + skip + hb.body, len - skip - hb.body, 0, 0, "text/plain");
	walk_finish(&w);
	hblock_release(&hb);
	return 0;
}
