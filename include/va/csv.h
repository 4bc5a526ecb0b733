/*
 * csv: a streaming CSV reader on top of libcsv (L2).
 *
 * It sniffs the delimiter (, ; tab |), strips a UTF-8 byte-order mark, accepts
 * CRLF and quoted fields with embedded newlines, detects Latin-1 input and
 * hands every field over as UTF-8, and reports what is wrong with the input
 * (ragged rows, an unterminated quote, NUL bytes, invalid UTF-8, very long
 * fields) as warnings with line numbers, each kind counted.  It never skips a
 * row silently and never holds more than one record in memory.
 */
#ifndef VA_CSV_H
#define VA_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum csv_encoding { CSV_ENC_UTF8, CSV_ENC_LATIN1 };

/* Warning kinds, in the order they are listed (csv_warning_name). */
enum csv_warn_kind {
	CSV_W_RAGGED,       /* a row with more or fewer fields than the header */
	CSV_W_UNTERMINATED, /* a quote opened and never closed */
	CSV_W_NUL,          /* a NUL byte inside a field (kept as U+FFFD) */
	CSV_W_UTF8,         /* bytes that are not UTF-8 in a UTF-8 file (kept as U+FFFD) */
	CSV_W_LONGFIELD,    /* a field longer than CSV_LONG_FIELD bytes */
	CSV_W_BLANK,        /* a blank line in a file of several columns (skipped) */
	CSV_W_NKINDS
};

#define CSV_LONG_FIELD (1u << 20)
/* A field past this size stops the read with an error (memory stays bounded
 * even when a quote opened near the top of a huge file is never closed). */
#define CSV_MAX_FIELD (64u << 20)
#define CSV_WARN_KEEP 20 /* warnings kept with their text per kind; the rest are counted */

struct csv_field {
	const char *s; /* UTF-8, NUL-terminated (invalid bytes and NULs replaced) */
	size_t len;
};

struct csv_row {
	const struct csv_field *f;
	size_t n;
	uint64_t line;  /* line where the record starts (1-based) */
	uint64_t index; /* 0-based data row number (header excluded) */
};

/* What the sniffer decided; filled before the first row is delivered. */
struct csv_format {
	char delim;
	int header; /* 1: the first record names the columns */
	int bom;
	enum csv_encoding encoding;
};

struct csv_warning {
	enum csv_warn_kind kind;
	uint64_t line;
	char *text; /* "line 12: 3 fields, expected 5" */
};

/* Called for each data record; return non-zero to stop reading. */
typedef int (*csv_row_fn)(void *arg, const struct csv_row *row);

struct csv_reader;

/* A reader over fp (not closed by the reader).  `name` is used in messages.
 * delim 0 sniffs; header -1 detects, 0/1 forces. */
struct csv_reader *csv_reader_new(FILE *fp, const char *name, char delim, int header);
void csv_reader_free(struct csv_reader *r);
/* Send every byte through libcsv (tests compare it with the fast path that
 * splits chunks holding no quote and no CR itself). */
void csv_reader_no_fast_path(struct csv_reader *r);

/* Read every record, calling fn for data rows.  Sets the format and the
 * column names before the first call.  Returns 0 at the end of input, 1 when
 * fn asked to stop, -1 with *cause on a read error (or libcsv running out of
 * memory).  Call once per reader. */
int csv_read(struct csv_reader *r, csv_row_fn fn, void *arg, char **cause);

const struct csv_format *csv_reader_format(const struct csv_reader *r);
size_t csv_reader_ncols(const struct csv_reader *r);
const char *csv_reader_colname(const struct csv_reader *r, size_t i);
uint64_t csv_reader_rows(const struct csv_reader *r);  /* data rows delivered */
uint64_t csv_reader_bytes(const struct csv_reader *r); /* input bytes consumed */
uint64_t csv_reader_lines(const struct csv_reader *r);

/* Warnings: the first CSV_WARN_KEEP of each kind with text, and all counted. */
size_t csv_reader_nwarnings(const struct csv_reader *r);
const struct csv_warning *csv_reader_warning(const struct csv_reader *r, size_t i);
uint64_t csv_reader_warn_count(const struct csv_reader *r, enum csv_warn_kind k);
const char *csv_warning_name(enum csv_warn_kind k); /* "ragged-row", ... */

/* Sniff the delimiter of a sample (the first bytes of a file): the candidate
 * among , ; tab | that splits the first lines into the same, largest number
 * of fields; ',' when none does. */
char csv_sniff_delim(const char *buf, size_t len);
/* 1 when buf is UTF-8: no invalid bytes (a sequence cut at the end of the
 * sample is fine), or valid multi-byte sequences as well as invalid bytes
 * (UTF-8 with junk, which is then reported); 0 for Latin-1 (invalid bytes
 * and no valid multi-byte sequence). */
int csv_sniff_utf8(const char *buf, size_t len);

#endif
