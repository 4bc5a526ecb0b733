/*
 * mime_internal: what the files of the MIME module share and nobody else
 * uses.  mime.c walks messages; charset.c undoes transfer encodings and
 * turns bytes in any charset, RFC 2047 words and RFC 2231 parameters into
 * UTF-8; html.c reduces HTML;
 * date.c reads dates.  No libetpan type appears here: only mime.c sees it.
 */
#ifndef VA_MIME_INTERNAL_H
#define VA_MIME_INTERNAL_H

#include <stddef.h>

#include "va/util.h"

/* How a conversion to UTF-8 went. */
enum cs_result {
	CS_OK,         /* decoded as declared */
	CS_UNKNOWN,    /* charset unknown: read as UTF-8, else Windows-1252 */
	CS_INVALID,    /* charset known but bytes invalid in it: U+FFFD put in */
	CS_UNDECLARED, /* no charset (or us-ascii) but 8-bit bytes that are not UTF-8 */
};

/* Convert `len` bytes in `charset` (NULL or "" = undeclared) to sanitised
 * UTF-8 (utf8_sanitize rules: CR dropped; NUL, DEL, C0 other than \t \n
 * and C1 controls made spaces).
 * Returns a new string; *res (may be NULL) says how it went. */
char *charset_convert(const char *data, size_t len, const char *charset, enum cs_result *res);

/* Append the UTF-8 encoding of code point `cp` (invalid ones become U+FFFD). */
void utf8_put(struct strbuf *sb, unsigned long cp);

/* The Unicode code point of Windows-1252 byte `c`. */
unsigned cp1252_codepoint(unsigned char c);

/* Transfer decodings: append the decoded bytes of s to out (NUL-terminated)
 * and return what was wrong with the input (0 if nothing). */
enum {
	B64_JUNK = 1 << 0,      /* bytes outside the alphabet were skipped */
	B64_TRUNCATED = 1 << 1, /* the data stops inside a 4-character group */
	QP_BAD = 1 << 2,        /* an "=" that is neither an escape nor a soft break (kept as is) */
};
unsigned base64_decode(const char *s, size_t len, struct strbuf *out);
/* header: RFC 2047 "Q" (an underscore is a space). */
unsigned qp_decode(const char *s, size_t len, struct strbuf *out, int header);

/* What went wrong while decoding one header value. */
enum {
	HDR_UNKNOWN_CHARSET = 1 << 0, /* an encoded word named an unknown charset */
	HDR_BAD_TEXT = 1 << 1,        /* encoded word bytes invalid in their charset */
	HDR_RAW_8BIT = 1 << 2, /* raw 8-bit bytes that are not UTF-8 (read as Windows-1252) */
};
struct hdr_diag {
	unsigned flags;
	char charset[48]; /* the first charset that was unknown or invalid */
};

/* RFC 2047: decode encoded words in `len` bytes of an unstructured header
 * value; adjacent words join without the white space between them, malformed
 * words stay as written, raw 8-bit text is UTF-8 if valid else
 * Windows-1252, line folds are removed.  diag (may be NULL) is added to. */
char *rfc2047_decode(const char *s, size_t len, struct hdr_diag *diag);

/* One Content-Type or Content-Disposition parameter as parsed (borrowed). */
struct mime_param {
	const char *name;
	const char *value;
};

/* The value of parameter `name` decoded to UTF-8: RFC 2231 continuations
 * and charsets (name*0*=utf-8''..., name*1=...), RFC 2047 words inside a
 * plain value, raw 8-bit bytes.  NULL when absent. */
char *mime_param_get(const struct mime_param *p, size_t n, const char *name, struct hdr_diag *diag);

#endif
