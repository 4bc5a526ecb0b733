/*
 * html: HTML reduced to readable text, for mail that has no text/plain.
 *
 * One pass over the markup: tags are dropped, block elements become line
 * breaks (paragraphs and headings a blank line), <li> a bullet, cells a
 * space, <pre> keeps its spacing, script/style/title are skipped, entities
 * are decoded and links are kept as "text <url>" when the text is not the
 * url.  A last pass trims lines and collapses runs of blank lines.  Input is
 * taken as UTF-8 (mime.c converts first); the result is always valid UTF-8.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "va/mime.h"
#include "va/util.h"
#include "mime_internal.h"

enum tag_act {
	ACT_NONE,
	ACT_BR,   /* a line break, even at the start of a line */
	ACT_LINE, /* start a new line */
	ACT_PARA, /* start a new paragraph (blank line) */
	ACT_ITEM, /* new line and a bullet */
	ACT_CELL, /* a space between cells */
	ACT_HR,   /* a line of dashes */
	ACT_PRE,  /* keep white space until the closing tag */
	ACT_LINK, /* <a href>: keep the target */
	ACT_SKIP, /* drop the element's content */
};

/* Sorted by name for bsearch. */
static const struct tag_rule {
	const char *name;
	enum tag_act act;
} tag_rules[] = {
    {"a", ACT_LINK},     {"address", ACT_LINE}, {"article", ACT_LINE},  {"blockquote", ACT_PARA},
    {"br", ACT_BR},      {"caption", ACT_LINE}, {"center", ACT_LINE},   {"dd", ACT_LINE},
    {"div", ACT_LINE},   {"dl", ACT_LINE},      {"dt", ACT_LINE},       {"footer", ACT_LINE},
    {"form", ACT_LINE},  {"h1", ACT_PARA},      {"h2", ACT_PARA},       {"h3", ACT_PARA},
    {"h4", ACT_PARA},    {"h5", ACT_PARA},      {"h6", ACT_PARA},       {"header", ACT_LINE},
    {"hr", ACT_HR},      {"li", ACT_ITEM},      {"ol", ACT_LINE},       {"p", ACT_PARA},
    {"pre", ACT_PRE},    {"script", ACT_SKIP},  {"section", ACT_LINE},  {"style", ACT_SKIP},
    {"table", ACT_LINE}, {"td", ACT_CELL},      {"textarea", ACT_SKIP}, {"th", ACT_CELL},
    {"title", ACT_SKIP}, {"tr", ACT_LINE},      {"ul", ACT_LINE},       {"xml", ACT_SKIP},
};

/* Named character references (sorted by name for bsearch). */
static const struct entity {
	const char *name;
	unsigned cp;
} entities[] = {
    {"AElig", 198},   {"Aacute", 193},  {"Acirc", 194},   {"Agrave", 192},  {"Aring", 197},
    {"Atilde", 195},  {"Auml", 196},    {"Ccedil", 199},  {"Dagger", 8225}, {"ETH", 208},
    {"Eacute", 201},  {"Ecirc", 202},   {"Egrave", 200},  {"Euml", 203},    {"Iacute", 205},
    {"Icirc", 206},   {"Igrave", 204},  {"Iuml", 207},    {"Ntilde", 209},  {"OElig", 338},
    {"Oacute", 211},  {"Ocirc", 212},   {"Ograve", 210},  {"Oslash", 216},  {"Otilde", 213},
    {"Ouml", 214},    {"Prime", 8243},  {"Scaron", 352},  {"THORN", 222},   {"Uacute", 218},
    {"Ucirc", 219},   {"Ugrave", 217},  {"Uuml", 220},    {"Yacute", 221},  {"Yuml", 376},
    {"aacute", 225},  {"acirc", 226},   {"acute", 180},   {"aelig", 230},   {"agrave", 224},
    {"amp", 38},      {"apos", 39},     {"aring", 229},   {"asymp", 8776},  {"atilde", 227},
    {"auml", 228},    {"brvbar", 166},  {"bull", 8226},   {"ccedil", 231},  {"cedil", 184},
    {"cent", 162},    {"check", 10003}, {"circ", 710},    {"copy", 169},    {"curren", 164},
    {"dagger", 8224}, {"darr", 8595},   {"deg", 176},     {"divide", 247},  {"eacute", 233},
    {"ecirc", 234},   {"egrave", 232},  {"emsp", 8195},   {"ensp", 8194},   {"eth", 240},
    {"euml", 235},    {"euro", 8364},   {"fnof", 402},    {"frac12", 189},  {"frac14", 188},
    {"frac34", 190},  {"ge", 8805},     {"gt", 62},       {"hearts", 9829}, {"hellip", 8230},
    {"iacute", 237},  {"icirc", 238},   {"iexcl", 161},   {"igrave", 236},  {"infin", 8734},
    {"iquest", 191},  {"iuml", 239},    {"laquo", 171},   {"larr", 8592},   {"ldquo", 8220},
    {"le", 8804},     {"lrm", 8206},    {"lsaquo", 8249}, {"lsquo", 8216},  {"lt", 60},
    {"macr", 175},    {"mdash", 8212},  {"micro", 181},   {"middot", 183},  {"minus", 8722},
    {"nbsp", 160},    {"ndash", 8211},  {"ne", 8800},     {"not", 172},     {"ntilde", 241},
    {"oacute", 243},  {"ocirc", 244},   {"oelig", 339},   {"ograve", 242},  {"ordf", 170},
    {"ordm", 186},    {"oslash", 248},  {"otilde", 245},  {"ouml", 246},    {"para", 182},
    {"permil", 8240}, {"plusmn", 177},  {"pound", 163},   {"prime", 8242},  {"quot", 34},
    {"raquo", 187},   {"rarr", 8594},   {"rdquo", 8221},  {"reg", 174},     {"rlm", 8207},
    {"rsaquo", 8250}, {"rsquo", 8217},  {"sbquo", 8218},  {"scaron", 353},  {"sect", 167},
    {"shy", 173},     {"star", 9734},   {"sup1", 185},    {"sup2", 178},    {"sup3", 179},
    {"szlig", 223},   {"thinsp", 8201}, {"thorn", 254},   {"tilde", 732},   {"times", 215},
    {"trade", 8482},  {"uacute", 250},  {"uarr", 8593},   {"ucirc", 251},   {"ugrave", 249},
    {"uml", 168},     {"uuml", 252},    {"yacute", 253},  {"yen", 165},     {"yuml", 255},
    {"zwj", 8205},    {"zwnj", 8204},
};

/* Legacy names a browser still reads without the closing ';'. */
static const char *const bare_entities[] = {"amp", "gt", "lt", "nbsp", "quot"};

struct html {
	struct strbuf out;
	int pre;           /* inside <pre> */
	int space;         /* white space seen since the last text */
	char *href;        /* target of the open <a>, or NULL */
	size_t link_start; /* out.len when that <a> opened */
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static char last_char(const struct html *h)
{
	return h->out.len ? h->out.buf[h->out.len - 1] : '\n';
}

static void put_text(struct html *h, const char *s, size_t n)
{
	char last = last_char(h);

	if (h->space && last != '\n' && last != ' ')
		sb_addc(&h->out, ' ');
	h->space = 0;
	sb_add(&h->out, s, n);
}

static void trim_spaces(struct html *h)
{
	while (h->out.len && h->out.buf[h->out.len - 1] == ' ')
		h->out.len--;
	h->out.buf[h->out.len] = '\0';
}

/* End the current line; with `blank`, leave an empty line after it. */
static void line_break(struct html *h, int blank)
{
	trim_spaces(h);
	h->space = 0;
	if (!h->out.len)
		return;
	if (last_char(h) != '\n')
		sb_addc(&h->out, '\n');
	if (blank && !(h->out.len >= 2 && h->out.buf[h->out.len - 2] == '\n'))
		sb_addc(&h->out, '\n');
}

static int entity_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct entity *)elem)->name);
}

static int digit_value(char c, int hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "#123;" or "#x7B;" after the '&' (p is past the '#'). */
static const char *numeric_ref(const char *p, const char *end, unsigned long *cp)
{
	int hex = p < end && (*p == 'x' || *p == 'X'), d;
	const char *s = p + hex;
	unsigned long v = 0;

	for (p = s; p < end && (d = digit_value(*p, hex)) >= 0; p++)
		if (v <= 0x10FFFF)
			v = v * (hex ? 16 : 10) + (unsigned long)d;
	if (p == s)
		return NULL;
	if (v >= 0x80 && v < 0xA0)
		v = cp1252_codepoint((unsigned char)v); /* what browsers do */
	if ((v < 0x20 && v != '\t' && v != '\n') || (v >= 0x7F && v < 0xA0))
		v = ' '; /* a control character from "&#20;" must not reach a terminal */
	if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
		v = 0xFFFD;
	*cp = v == 0 ? 0xFFFD : v;
	return p < end && *p == ';' ? p + 1 : p;
}

static const char *named_ref(const char *p, const char *end, unsigned long *cp)
{
	char name[12];
	size_t n = 0, i;
	const struct entity *e;

	while (p + n < end && is_alnum(p[n]) && n + 1 < sizeof name) {
		name[n] = p[n];
		n++;
	}
	name[n] = '\0';
	e = n ? bsearch(name, entities, VA_ARRAY_LEN(entities), sizeof entities[0], entity_cmp)
	      : NULL;
	if (!e)
		return NULL;
	*cp = e->cp;
	if (p + n < end && p[n] == ';')
		return p + n + 1;
	for (i = 0; i < VA_ARRAY_LEN(bare_entities); i++)
		if (strcmp(bare_entities[i], name) == 0 && !(p + n < end && is_alnum(p[n])))
			return p + n;
	return NULL;
}

/* The character reference at p ('&'): sets *cp and returns its end, or
 * NULL when it is not one (the '&' is then text). */
static const char *char_ref(const char *p, const char *end, unsigned long *cp)
{
	p++;
	if (p < end && *p == '#')
		return numeric_ref(p + 1, end, cp);
	return named_ref(p, end, cp);
}

static const char *on_entity(struct html *h, const char *p, const char *end)
{
	unsigned long cp;
	const char *q = char_ref(p, end, &cp);
	struct strbuf tmp;

	if (!q) {
		put_text(h, "&", 1);
		return p + 1;
	}
	if (cp == 0xA0 || cp == ' ') {
		h->space = 1;
		return q;
	}
	if (cp == 0xAD) /* soft hyphen */
		return q;
	sb_init(&tmp);
	utf8_put(&tmp, cp);
	put_text(h, tmp.buf, tmp.len);
	sb_release(&tmp);
	return q;
}

/* Append an attribute value with its character references decoded. */
static void attr_value(struct strbuf *sb, const char *p, const char *end)
{
	unsigned long cp;
	const char *q;

	while (p < end) {
		if (*p == '&' && (q = char_ref(p, end, &cp)) != NULL) {
			utf8_put(sb, cp);
			p = q;
		} else {
			sb_addc(sb, *p++);
		}
	}
}

/* Parse attributes up to the closing '>'; the value of `want` (if any) goes
 * into *val.  Returns the position after the tag. */
static const char *parse_attrs(const char *p, const char *end, const char *want, struct strbuf *val)
{
	while (p < end && *p != '>') {
		const char *name = p, *v, *ve;
		size_t nlen;
		if (is_space(*p) || *p == '/' || *p == '"' || *p == '\'' || *p == '=') {
			p++;
			continue;
		}
		while (p < end && !is_space(*p) && *p != '=' && *p != '>')
			p++;
		nlen = (size_t)(p - name);
		while (p < end && is_space(*p))
			p++;
		if (p >= end || *p != '=')
			continue;
		for (p++; p < end && is_space(*p); p++)
			;
		if (p < end && (*p == '"' || *p == '\'')) {
			char q = *p++;
			for (v = p; p < end && *p != q; p++)
				;
			ve = p;
			if (p < end)
				p++;
		} else {
			for (v = p; p < end && !is_space(*p) && *p != '>'; p++)
				;
			ve = p;
		}
		if (want && val && nlen == strlen(want) && strncasecmp(name, want, nlen) == 0) {
			sb_reset(val);
			attr_value(val, v, ve);
		}
	}
	return p < end ? p + 1 : end;
}

/* Whether the link text says the same as its target. */
static int link_same(const char *text, size_t n, const char *href)
{
	if (strncasecmp(href, "mailto:", 7) == 0)
		href += 7;
	if (strlen(href) == n + 1 && href[n] == '/')
		return strncasecmp(text, href, n) == 0;
	return strlen(href) == n && strncasecmp(text, href, n) == 0;
}

static void link_close(struct html *h)
{
	const char *t;
	size_t n;

	if (!h->href)
		return;
	if (h->link_start > h->out.len) /* spaces before the link text were trimmed since */
		h->link_start = h->out.len;
	t = h->out.buf + h->link_start;
	n = h->out.len - h->link_start;
	while (n && is_space(*t))
		t++, n--;
	while (n && is_space(t[n - 1]))
		n--;
	if (!link_same(t, n, h->href)) {
		h->space = 1;
		put_text(h, "<", 1);
		sb_adds(&h->out, h->href);
		sb_addc(&h->out, '>');
	}
	x_free(&h->href);
}

static void link_open(struct html *h, const char *href)
{
	while (is_space(*href))
		href++;
	link_close(h);
	if (!*href || *href == '#' || strncasecmp(href, "javascript:", 11) == 0)
		return;
	h->href = xstrdup(href);
	str_trim(h->href);
	h->link_start = h->out.len;
}

/* Skip to the end of the element `name` (the closing tag or the end). */
static const char *skip_element(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (; p < end; p++) {
		if (*p == '<' && p + 2 + n <= end && p[1] == '/' &&
		    strncasecmp(p + 2, name, n) == 0 && !is_alnum(p[2 + n])) {
			const char *gt = memchr(p, '>', (size_t)(end - p));
			return gt ? gt + 1 : end;
		}
	}
	return end;
}

static int rule_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct tag_rule *)elem)->name);
}

static void apply_tag(struct html *h, enum tag_act act, int closing, const char *href)
{
	switch (act) {
	case ACT_BR:
		trim_spaces(h);
		sb_addc(&h->out, '\n');
		h->space = 0;
		break;
	case ACT_LINE: line_break(h, 0); break;
	case ACT_PARA: line_break(h, 1); break;
	case ACT_ITEM:
		line_break(h, 0);
		if (!closing)
			sb_adds(&h->out, "\xE2\x80\xA2 ");
		break;
	case ACT_CELL: h->space = 1; break;
	case ACT_HR:
		line_break(h, 0);
		sb_adds(&h->out, "----\n");
		break;
	case ACT_PRE:
		line_break(h, 0);
		h->pre = !closing;
		break;
	case ACT_LINK:
		if (closing)
			link_close(h);
		else
			link_open(h, href);
		break;
	case ACT_NONE:
	case ACT_SKIP: break;
	}
}

/* A tag at p ('<'); returns the position after it. */
static const char *on_tag(struct html *h, const char *p, const char *end)
{
	const char *q = p + 1, *gt;
	char name[16];
	size_t n = 0;
	int closing;
	const struct tag_rule *rule;
	struct strbuf href;

	if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
		gt = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
		return gt ? gt + 3 : end;
	}
	if (q < end && (*q == '!' || *q == '?')) {
		gt = memchr(q, '>', (size_t)(end - q));
		return gt ? gt + 1 : end;
	}
	closing = q < end && *q == '/';
	q += closing;
	if (q >= end || !((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z')) {
		put_text(h, "<", 1);
		return p + 1;
	}
	for (; q < end && (is_alnum(*q) || *q == ':' || *q == '-'); q++)
		if (n + 1 < sizeof name)
			name[n++] = (char)(*q >= 'A' && *q <= 'Z' ? *q | 0x20 : *q);
	name[n] = '\0';
	rule = bsearch(name, tag_rules, VA_ARRAY_LEN(tag_rules), sizeof tag_rules[0], rule_cmp);
	sb_init(&href);
	q = parse_attrs(q, end, rule && rule->act == ACT_LINK && !closing ? "href" : NULL, &href);
	if (rule)
		apply_tag(h, rule->act, closing, href.buf);
	sb_release(&href);
	if (rule && rule->act == ACT_SKIP && !closing)
		q = skip_element(q, end, name);
	return q;
}

static const char *on_space(struct html *h, const char *p)
{
	if (!h->pre)
		h->space = 1;
	else if (*p != '\r')
		sb_addc(&h->out, *p == '\n' ? '\n' : ' ');
	return p + 1;
}

/* Trim each line, drop leading and trailing blank lines, and keep at most
 * one blank line in a row. */
static char *tidy(const char *s, size_t len)
{
	struct strbuf sb;
	const char *end = s + len;
	int blanks = 0;

	sb_init(&sb);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *e = nl ? nl : end;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == s) {
			blanks++;
		} else {
			if (sb.len)
				sb_add(&sb, "\n\n", blanks ? 2 : 1);
			sb_add(&sb, s, (size_t)(e - s));
			blanks = 0;
		}
		s = nl ? nl + 1 : end;
	}
	return sb_detach(&sb);
}

char *mime_html_to_text(const char *html, size_t len)
{
	struct html h;
	const char *p = html ? html : "", *end = p + (html ? len : 0);
	char *r;

	memset(&h, 0, sizeof h);
	sb_init(&h.out);
	while (p < end) {
		const char *run = p;
		if (*p == '<') {
			p = on_tag(&h, p, end);
			continue;
		}
		if (*p == '&') {
			p = on_entity(&h, p, end);
			continue;
		}
		if (is_space(*p)) {
			p = on_space(&h, p);
			continue;
		}
		while (p < end && *p != '<' && *p != '&' && !is_space(*p))
			p++;
		put_text(&h, run, (size_t)(p - run));
	}
	link_close(&h);
	r = tidy(h.out.buf, h.out.len);
	sb_release(&h.out);
	if (!utf8_valid(r, strlen(r))) {
		char *s = utf8_sanitize(r, strlen(r));
		free(r);
		r = s;
	}
	return r;
}
