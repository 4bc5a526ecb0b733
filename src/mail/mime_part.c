/*
 * mime_part: the decoded bytes of one MIME part, for saving or opening an
 * attachment.  Parts are numbered exactly as mime.c numbers them (the
 * message is 1, then depth-first, every entity taking a number, the content
 * of a message/rfc822 part being the next entity), so attachment.part from
 * mime_parse() finds the same part here.
 *
 * Like mime.c (see its notes) this walks the bytes itself instead of using
 * libetpan's mailmime_parse(), which has no depth limit; the same limits
 * apply (64 levels, 10000 parts).  Transfer encodings are undone with
 * charset.c's decoders; the bytes are not converted to any charset.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime_internal.h"
#include "va/mime.h"
#include "va/util.h"

enum { PART_DEPTH_MAX = 64, PART_COUNT_MAX = 10000 };

struct finder {
	int want, seen;
	char **out;
	size_t *outlen;
	int found;
};

/* The header block [0, *body) of an entity; *body is where its body starts. */
static size_t header_end(const char *d, size_t len, size_t *body)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(d + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - d) : len, le = e > i && d[e - 1] == '\r' ? e - 1 : e;
		if (le == i) { /* an empty line */
			*body = nl ? e + 1 : len;
			return i;
		}
		i = nl ? e + 1 : len;
	}
	*body = len;
	return len;
}

/* The unfolded value of header `name` in d[0, hlen) (caller frees), or NULL. */
static char *header_get(const char *d, size_t hlen, const char *name)
{
	size_t nl = strlen(name), i = 0;
	struct strbuf sb;

	while (i < hlen) {
		const char *eol = memchr(d + i, '\n', hlen - i);
		size_t e = eol ? (size_t)(eol - d) : hlen;
		if (e - i > nl && !strncasecmp(d + i, name, nl) && d[i + nl] == ':') {
			sb_init(&sb);
			sb_add(&sb, d + i + nl + 1, e - i - nl - 1);
			for (i = e + 1; i < hlen && (d[i] == ' ' || d[i] == '\t'); i = e + 1) {
				eol = memchr(d + i, '\n', hlen - i);
				e = eol ? (size_t)(eol - d) : hlen;
				sb_add(&sb, d + i, e - i);
			}
			return sb_detach(&sb);
		}
		i = e + 1;
	}
	return NULL;
}

/* "type/subtype" lower-cased, from a Content-Type value (NULL: deftype). */
static char *media_type(const char *v, const char *deftype)
{
	size_t n;
	char *t, *p;

	if (!v)
		return xstrdup(deftype);
	v += strspn(v, " \t\r");
	n = strcspn(v, "; \t\r(");
	if (n == 0 || !memchr(v, '/', n))
		return xstrdup(deftype);
	t = xstrndup(v, n);
	for (p = t; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return t;
}

/* The boundary parameter (quoted or not), or NULL. */
static char *boundary_of(const char *v)
{
	const char *p = v;

	if (!p)
		return NULL;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		p += strspn(p, " \t\r");
		if (strncasecmp(p, "boundary", 8) || p[8 + strspn(p + 8, " \t")] != '=')
			continue;
		p += 8 + strspn(p + 8, " \t") + 1;
		p += strspn(p, " \t");
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');
			return q && q > p + 1 ? xstrndup(p + 1, (size_t)(q - p - 1)) : NULL;
		}
		return strcspn(p, "; \t\r") ? xstrndup(p, strcspn(p, "; \t\r")) : NULL;
	}
	return NULL;
}

/* The body with its transfer encoding undone (into dec when decoded). */
static void decode(const char *cte, const char *b, size_t blen, struct strbuf *dec)
{
	sb_init(dec);
	if (cte && !strncasecmp(cte + strspn(cte, " \t"), "base64", 6))
		base64_decode(b, blen, dec);
	else if (cte && !strncasecmp(cte + strspn(cte, " \t"), "quoted-printable", 16))
		qp_decode(b, blen, dec, 0);
	else
		sb_add(dec, b, blen);
}

static void walk(struct finder *f, const char *d, size_t len, int depth, const char *deftype);

/* Each part between "--boundary" lines, as mime.c cuts them. */
static void walk_children(struct finder *f, const char *d, size_t len, const char *boundary,
                          int depth, const char *deftype)
{
	size_t bl = strlen(boundary), i = 0, start = 0;
	int open = 0;

	while (i <= len && !f->found) {
		const char *nl = i < len ? memchr(d + i, '\n', len - i) : NULL;
		size_t e = nl ? (size_t)(nl - d) : len;
		int is_b = e - i >= bl + 2 && d[i] == '-' && d[i + 1] == '-' &&
		           !memcmp(d + i + 2, boundary, bl);
		if (is_b) {
			size_t end = i;
			if (end > start && d[end - 1] == '\n')
				end--;
			if (end > start && d[end - 1] == '\r')
				end--;
			if (open)
				walk(f, d + start, end > start ? end - start : 0, depth + 1, deftype);
			if (e - i >= bl + 4 && d[i + 2 + bl] == '-' && d[i + 3 + bl] == '-')
				return;
			open = 1;
			start = nl ? e + 1 : len;
		}
		if (!nl)
			break;
		i = e + 1;
	}
	if (open && !f->found)
		walk(f, d + start, len - start, depth + 1, deftype);
}

static void walk(struct finder *f, const char *d, size_t len, int depth, const char *deftype)
{
	size_t body, hlen = header_end(d, len, &body);
	char *ct, *type, *cte, *b;
	struct strbuf dec;

	if (f->found || f->seen >= PART_COUNT_MAX || depth > PART_DEPTH_MAX)
		return;
	ct = header_get(d, hlen, "Content-Type");
	type = media_type(ct, deftype);
	cte = header_get(d, hlen, "Content-Transfer-Encoding");
	if (++f->seen == f->want) {
		decode(cte, d + body, len - body, &dec);
		*f->outlen = dec.len;
		*f->out = sb_detach(&dec);
		f->found = 1;
	} else if (str_starts(type, "multipart/") && (b = boundary_of(ct)) != NULL) {
		walk_children(f, d + body, len - body, b, depth,
		              strcmp(type, "multipart/digest") ? "text/plain" : "message/rfc822");
		free(b);
	} else if (!strcmp(type, "message/rfc822") && depth < PART_DEPTH_MAX) {
		decode(cte, d + body, len - body, &dec);
		walk(f, dec.buf, dec.len, depth + 1, "text/plain");
		sb_release(&dec);
	}
	free(ct);
	free(type);
	free(cte);
}

int mime_part_bytes(const char *raw, size_t len, int part, char **out, size_t *outlen,
                    char **cause)
{
	struct finder f = {part, 0, out, outlen, 0};

	*out = NULL;
	*outlen = 0;
	if (part < 1)
		return set_cause(cause, "no part %d", part);
	if (len > 5 && !memcmp(raw, "From ", 5)) { /* an mbox From line */
		const char *nl = memchr(raw, '\n', len);
		size_t skip = nl ? (size_t)(nl - raw) + 1 : len;
		raw += skip;
		len -= skip;
	}
	walk(&f, raw, len, 0, "text/plain");
	if (!f.found)
		return set_cause(cause, "the message has no part %d", part);
	return 0;
}
