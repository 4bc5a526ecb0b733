/*
 * locate: find the line of a value in JSON text, by path.
 *
 * cJSON keeps no positions, so errors about a parsed value are placed by
 * walking the original text again: a small scanner that knows strings (with
 * escapes, \uXXXX and surrogate pairs decoded for key comparison), numbers,
 * literals, objects and arrays.  It only runs on text cJSON accepted, and
 * gives up gracefully (returning the deepest line found) on anything else.
 * A repeated key is told apart by its occurrence number (cJSON uses the first).
 */
#include <string.h>

#include "rules_internal.h"

struct scan {
	const char *p, *end;
	int depth;
};

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(struct strbuf *sb, unsigned c)
{
	char b[4];

	if (c < 0x80) {
		sb_addc(sb, (char)c);
	} else if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6)), b[1] = (char)(0x80 | (c & 0x3F));
		sb_add(sb, b, 2);
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12)), b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		sb_add(sb, b, 3);
	} else {
		b[0] = (char)(0xF0 | (c >> 18)), b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F)), b[3] = (char)(0x80 | (c & 0x3F));
		sb_add(sb, b, 4);
	}
}

/* A \u escape at s->p (just past the 'u'), with its low surrogate if any. */
static int unicode_escape(struct scan *s, struct strbuf *out)
{
	unsigned c, lo;

	if (hex4(s->p, s->end, &c) < 0)
		return -1;
	s->p += 4;
	if (c >= 0xD800 && c <= 0xDBFF && s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u' &&
	    hex4(s->p + 2, s->end, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
		c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
		s->p += 6;
	}
	if (out)
		put_utf8(out, c);
	return 0;
}

/* A string at s->p ('"'); its decoded text goes to out when non-NULL. */
static int scan_string(struct scan *s, struct strbuf *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";

	s->p++;
	while (s->p < s->end && *s->p != '"') {
		if (*s->p != '\\') {
			if (out)
				sb_addc(out, *s->p);
			s->p++;
			continue;
		}
		if (++s->p >= s->end)
			return -1;
		if (*s->p == 'u') {
			s->p++;
			if (unicode_escape(s, out) < 0)
				return -1;
			continue;
		}
		const char *e = memchr(from, *s->p, sizeof from - 1);
		if (!e)
			return -1;
		if (out)
			sb_addc(out, to[e - from]);
		s->p++;
	}
	if (s->p >= s->end)
		return -1;
	s->p++;
	return 0;
}

static int scan_value(struct scan *s);

/* Skip the members of an object or the elements of an array (s->p at the opener). */
static int scan_container(struct scan *s, char close)
{
	int obj = close == '}';

	if (++s->depth > 2000)
		return -1;
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		ws(s);
		if (obj) {
			if (s->p >= s->end || *s->p != '"' || scan_string(s, NULL) < 0)
				return -1;
			ws(s);
			if (s->p >= s->end || *s->p != ':')
				return -1;
			s->p++;
			ws(s);
		}
		if (scan_value(s) < 0)
			return -1;
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == close) {
			s->p++;
			s->depth--;
			return 0;
		}
		return -1;
	}
}

static int scan_value(struct scan *s)
{
	ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '"': return scan_string(s, NULL);
	case '{': return scan_container(s, '}');
	case '[': return scan_container(s, ']');
	default:
		while (s->p < s->end && strchr("+-.0123456789eEtruefalsn", *s->p) && *s->p)
			s->p++;
		return 0;
	}
}

/* Move s->p to the value of the nth member `key` of the object at s->p; -1 when absent. */
static int enter_key(struct scan *s, const char *key, int nth)
{
	struct strbuf k;
	int found = -1;

	if (s->p >= s->end || *s->p != '{')
		return -1;
	sb_init(&k);
	s->p++;
	for (;;) {
		ws(s);
		if (s->p >= s->end || *s->p != '"')
			break;
		sb_reset(&k);
		if (scan_string(s, &k) < 0)
			break;
		ws(s);
		if (s->p >= s->end || *s->p != ':')
			break;
		s->p++;
		ws(s);
		if (k.len == strlen(key) && !memcmp(k.buf, key, k.len) && nth-- == 0) {
			found = 0;
			break;
		}
		if (scan_value(s) < 0)
			break;
		ws(s);
		if (s->p >= s->end || *s->p != ',')
			break;
		s->p++;
	}
	sb_release(&k);
	return found;
}

/* Move s->p to element idx of the array at s->p; -1 when absent. */
static int enter_index(struct scan *s, int idx)
{
	int i;

	if (s->p >= s->end || *s->p != '[')
		return -1;
	s->p++;
	for (i = 0;; i++) {
		ws(s);
		if (s->p >= s->end || *s->p == ']')
			return -1;
		if (i == idx)
			return 0;
		if (scan_value(s) < 0)
			return -1;
		ws(s);
		if (s->p >= s->end || *s->p != ',')
			return -1;
		s->p++;
	}
}

int rules_text_line(const char *text, size_t len, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off && i < len; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

int rules_json_line(const char *text, size_t len, const struct rule_jstep *st, size_t n)
{
	struct scan s = {text, text + len, 0};
	const char *best;
	size_t i;

	ws(&s);
	best = s.p;
	for (i = 0; i < n; i++) {
		int r =
		    st[i].key ? enter_key(&s, st[i].key, st[i].nth) : enter_index(&s, st[i].idx);
		if (r < 0)
			break;
		ws(&s);
		best = s.p;
	}
	return rules_text_line(text, len, (size_t)(best - text));
}
