/*
 * mime: RFC 5322 / MIME parsing to a struct message (L1, libetpan; the only
 * mailmime/mailimf user).  Pure: bytes in, struct out, no I/O, thread-safe.
 *
 * Contract:
 *  - mime_parse() never crashes on any input (fuzzed) and never drops what it
 *    can read: a broken MIME tree, a truncated body, an unknown charset or a
 *    bad date still yield a message, with each problem noted in m->problems.
 *  - It returns -1 (and *cause) only when the bytes are not a message at all:
 *    empty input, or no header line in the first 64 KiB.
 *  - Every string it sets is valid UTF-8 (invalid bytes become U+FFFD).
 *  - A leading mbox "From " line is skipped.  CRLF and LF line ends both work.
 *  - It fills the header fields, body (text/plain preferred; else text/html
 *    reduced to text, body_from_html = 1), attachments, size and hash; it does
 *    not touch id, account, folder, source, flags, thread or classification.
 */
#ifndef VA_MIME_H
#define VA_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "va/message.h"

int mime_parse(const char *raw, size_t len, struct message *m, char **cause);

/* RFC 2047 encoded words in an unstructured header to UTF-8 (always returns a string). */
char *mime_decode_header(const char *value);

/* Convert `len` bytes in `charset` to UTF-8.  Unknown charsets are tried as
 * UTF-8, then Windows-1252; *ok is set to 0 when a fallback was used. */
char *mime_to_utf8(const char *data, size_t len, const char *charset, int *ok);

/* Reduce HTML to readable text: tags dropped, block elements become line
 * breaks, <li> bullets, entities decoded, script/style removed, links kept as
 * "text <url>" when they differ, runs of blank lines collapsed. */
char *mime_html_to_text(const char *html, size_t len);

/* Parse an RFC 5322 date (and the common broken variants seen in real mail);
 * returns seconds since the epoch (UTC) or 0. */
int64_t mime_parse_date(const char *value);

/* The decoded bytes (transfer encoding undone, no charset conversion) of
 * part `part`, numbered as attachment.part (src/mail/mime_part.c).  *out is
 * the caller's (NUL-terminated too).  -1 and *cause when there is no such part. */
int mime_part_bytes(const char *raw, size_t len, int part, char **out, size_t *outlen,
                    char **cause);

#endif
