/*
 * csv/load.c: the streaming CSV reader (see include/va/csv.h).
 *
 * libcsv does the quoting; this file owns what libcsv does not: sniffing
 * (delimiter, BOM, encoding, header), line numbers (libcsv reports every
 * unquoted CR and LF with CSV_REPALL_NL; fields carry their own embedded
 * newlines), turning each field into UTF-8, and the warnings.  One record is
 * assembled at a time in an arena that is reused, so memory stays flat.
 * Chunks of printable ASCII with no quote (LF or CRLF line ends) skip libcsv:
 * their whole lines are split in place (split_plain), which is most of the
 * speed on typical files.
 */
#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "va/csv.h"
#include "va/util.h"

#define CHUNK (256 * 1024)

struct csv_reader {
	FILE *fp;
	char *name;
	char delim_req;
	int header_req;
	struct csv_format fmt;
	struct csv_parser p;
	/* the record being assembled */
	struct strbuf arena;
	size_t *offs;
	struct csv_field *fields;
	size_t nf, capf, capfields;
	int in_record;
	uint64_t rec_line;
	/* position */
	uint64_t line;
	int pending_cr;
	uint64_t rows, bytes;
	/* columns */
	char **names;
	size_t ncols;
	int named;
	/* delivery */
	csv_row_fn fn;
	void *arg;
	int stop;
	int no_fast;
	/* warnings */
	struct csv_warning *warn;
	size_t nwarn, capwarn;
	uint64_t counts[CSV_W_NKINDS];
};

static const char *const warn_names[CSV_W_NKINDS] = {
    [CSV_W_RAGGED] = "ragged-row",    [CSV_W_UNTERMINATED] = "unterminated-quote",
    [CSV_W_NUL] = "nul-byte",         [CSV_W_UTF8] = "invalid-utf8",
    [CSV_W_LONGFIELD] = "long-field", [CSV_W_BLANK] = "blank-line",
};

const char *csv_warning_name(enum csv_warn_kind k)
{
	return k < CSV_W_NKINDS ? warn_names[k] : "unknown";
}

static void warn(struct csv_reader *r, enum csv_warn_kind k, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void warn(struct csv_reader *r, enum csv_warn_kind k, uint64_t line, const char *fmt, ...)
{
	struct csv_warning *w;
	va_list ap;
	char *msg;

	if (r->counts[k]++ >= CSV_WARN_KEEP)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	xgrow((void **)&r->warn, &r->capwarn, r->nwarn + 1, sizeof *r->warn);
	w = &r->warn[r->nwarn++];
	w->kind = k;
	w->line = line;
	w->text = xasprintf("line %llu: %s", (unsigned long long)line, msg);
	free(msg);
}

struct csv_reader *csv_reader_new(FILE *fp, const char *name, char delim, int header)
{
	struct csv_reader *r = xcalloc(1, sizeof *r);

	r->fp = fp;
	r->name = xstrdup(name ? name : "-");
	r->delim_req = delim;
	r->header_req = header;
	r->line = 1;
	r->fmt.delim = delim ? delim : ',';
	sb_init(&r->arena);
	if (csv_init(&r->p, CSV_REPALL_NL) != 0)
		abort();                  /* only fails on allocation */
	csv_set_blk_size(&r->p, 1 << 20); /* libcsv grows a field by this much at a time */
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	size_t i;

	if (!r)
		return;
	csv_free(&r->p);
	sb_release(&r->arena);
	free(r->offs);
	free(r->fields);
	for (i = 0; i < r->ncols; i++)
		free(r->names[i]);
	free(r->names);
	for (i = 0; i < r->nwarn; i++)
		free(r->warn[i].text);
	free(r->warn);
	free(r->name);
	free(r);
}

/* ---- sniffing ---- */

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if invalid,
 * -1 if it is cut short by the end of the buffer. */
static int utf8_seq(const unsigned char *s, size_t n)
{
	int len, i;

	if (s[0] < 0x80)
		return 1;
	len = s[0] >= 0xf0 && s[0] <= 0xf4  ? 4
	      : s[0] >= 0xe0                ? 3
	      : s[0] >= 0xc2 && s[0] < 0xe0 ? 2
	                                    : 0;
	if (s[0] > 0xf4)
		len = 0;
	for (i = 1; len && i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return len;
}

int csv_sniff_utf8(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, multi = 0, bad = 0;
	int n;

	while (i < len) {
		n = utf8_seq(s + i, len - i);
		if (n < 0)
			break;
		multi += n > 1;
		bad += n == 0;
		i += n > 0 ? (size_t)n : 1;
	}
	return bad == 0 || multi > 0;
}

/* Fields per line for delimiter d over the first lines of buf (quotes respected). */
static size_t count_lines(const char *buf, size_t len, char d, size_t *counts, size_t max)
{
	size_t i, nl = 0, c = 0;
	int inq = 0;

	for (i = 0; i < len && nl < max; i++) {
		if (buf[i] == '"')
			inq = !inq;
		else if (!inq && buf[i] == d)
			c++;
		else if (!inq && buf[i] == '\n') {
			counts[nl++] = c;
			c = 0;
		}
	}
	return nl;
}

char csv_sniff_delim(const char *buf, size_t len)
{
	static const char cand[] = {',', ';', '\t', '|'};
	size_t counts[32], n, i, k, agree, best_agree = 0, best_n = 0;
	char best = ',';

	for (k = 0; k < sizeof cand; k++) {
		n = count_lines(buf, len, cand[k], counts, VA_ARRAY_LEN(counts));
		if (n == 0 && len > 0) {
			counts[0] = 0;
			for (i = 0; i < len; i++)
				counts[0] += buf[i] == cand[k];
			n = 1;
		}
		if (n == 0 || counts[0] == 0)
			continue;
		for (agree = 0, i = 0; i < n; i++)
			agree += counts[i] == counts[0];
		if (agree > best_agree || (agree == best_agree && counts[0] > best_n)) {
			best_agree = agree;
			best_n = counts[0];
			best = cand[k];
		}
	}
	return best;
}

/* ---- fields ---- */

static size_t count_newlines(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
			c++;
	return c;
}

static void add_replacement(struct strbuf *sb)
{
	sb_add(sb, "\xef\xbf\xbd", 3);
}

/* Append a field that has bytes >= 0x80 or NULs, converting to UTF-8. */
static void add_slow(struct csv_reader *r, const unsigned char *s, size_t n)
{
	size_t i = 0;
	int len, nul = 0, bad = 0;

	while (i < n) {
		if (s[i] == 0) {
			add_replacement(&r->arena);
			nul = 1;
			i++;
		} else if (s[i] < 0x80) {
			sb_addc(&r->arena, (char)s[i++]);
		} else if (r->fmt.encoding == CSV_ENC_LATIN1) {
			sb_addc(&r->arena, (char)(0xc0 | (s[i] >> 6)));
			sb_addc(&r->arena, (char)(0x80 | (s[i] & 0x3f)));
			i++;
		} else if ((len = utf8_seq(s + i, n - i)) > 0) {
			sb_add(&r->arena, (const char *)s + i, (size_t)len);
			i += (size_t)len;
		} else {
			add_replacement(&r->arena);
			bad = 1;
			i++;
		}
	}
	if (nul)
		warn(r, CSV_W_NUL, r->rec_line, "NUL byte in field %zu", r->nf + 1);
	if (bad)
		warn(r, CSV_W_UTF8, r->rec_line, "field %zu is not valid UTF-8", r->nf + 1);
}

static int needs_slow(const unsigned char *s, size_t n)
{
	size_t i;
	unsigned char acc = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == 0)
			return 1;
		acc |= s[i];
	}
	return (acc & 0x80) != 0;
}

/* One field from libcsv into the record's arena, converted to UTF-8. */
static void add_field(struct csv_reader *r, const unsigned char *s, size_t n)
{
	if (!r->in_record) {
		r->in_record = 1;
		r->rec_line = r->line;
		r->nf = 0;
		sb_reset(&r->arena);
	}
	r->pending_cr = 0;
	if (r->nf == r->capf)
		xgrow((void **)&r->offs, &r->capf, r->nf + 1, sizeof *r->offs);
	r->offs[r->nf] = r->arena.len;
	if (needs_slow(s, n)) {
		add_slow(r, s, n);
		sb_addc(&r->arena, '\0');
	} else {
		if (r->arena.len + n + 2 > r->arena.cap)
			sb_grow(&r->arena, n + 1);
		memcpy(r->arena.buf + r->arena.len, s, n);
		r->arena.len += n;
		r->arena.buf[r->arena.len++] = '\0';
	}
	if (n > CSV_LONG_FIELD)
		warn(r, CSV_W_LONGFIELD, r->rec_line, "field %zu is %zu bytes long", r->nf + 1, n);
	if (n && (memchr(s, '\n', n) || memchr(s, '\r', n)))
		r->line += count_newlines((const char *)s, n);
	r->nf++;
}

static void on_field(void *data, size_t n, void *arg)
{
	add_field(arg, data ? data : (const unsigned char *)"", n);
}

/* ---- records ---- */

/* A header is a first record whose fields are all non-empty and none starts
 * like a number. */
static int looks_like_header(const struct csv_field *f, size_t n)
{
	size_t i;
	const char *s;

	for (i = 0; i < n; i++) {
		s = f[i].s;
		if (!*s)
			return 0;
		if (*s == '-' || *s == '+' || *s == '.')
			s++;
		if (*s >= '0' && *s <= '9')
			return 0;
	}
	return 1;
}

static void set_names(struct csv_reader *r, int header)
{
	size_t i;

	r->ncols = r->nf;
	r->names = xcalloc(r->ncols ? r->ncols : 1, sizeof *r->names);
	for (i = 0; i < r->ncols; i++) {
		if (header && r->fields[i].len)
			r->names[i] = xstrdup(r->fields[i].s);
		else
			r->names[i] = xasprintf("column%zu", i + 1);
	}
	r->fmt.header = header;
	r->named = 1;
}

/* Hand r->fields[0..nf) over: the header, or a data row. */
static void deliver(struct csv_reader *r)
{
	struct csv_row row;

	if (!r->named) {
		int header =
		    r->header_req >= 0 ? r->header_req : looks_like_header(r->fields, r->nf);
		set_names(r, header);
		if (header)
			return;
	}
	if (r->nf != r->ncols)
		warn(r, CSV_W_RAGGED, r->rec_line, "%zu field%s, expected %zu", r->nf,
		     r->nf == 1 ? "" : "s", r->ncols);
	row.f = r->fields;
	row.n = r->nf;
	row.line = r->rec_line;
	row.index = r->rows++;
	if (!r->stop && r->fn(r->arg, &row))
		r->stop = 1;
}

static void end_record(struct csv_reader *r)
{
	size_t i;

	xgrow((void **)&r->fields, &r->capfields, r->nf, sizeof *r->fields);
	for (i = 0; i < r->nf; i++) {
		r->fields[i].s = r->arena.buf + r->offs[i];
		r->fields[i].len = (i + 1 < r->nf ? r->offs[i + 1] : r->arena.len) - r->offs[i] - 1;
	}
	r->in_record = 0;
	deliver(r);
}

/* A newline outside any record: an empty value in a one-column file, else a
 * blank line, reported and skipped. */
static void blank_line(struct csv_reader *r)
{
	if (!r->named)
		return;
	if (r->ncols != 1) {
		warn(r, CSV_W_BLANK, r->line - 1, "blank line skipped");
		return;
	}
	r->in_record = 1;
	r->rec_line = r->line - 1;
	r->nf = 0;
	sb_reset(&r->arena);
	on_field(NULL, 0, r);
	end_record(r);
}

static void on_record(int c, void *arg)
{
	struct csv_reader *r = arg;
	int crlf = c == '\n' && r->pending_cr;

	if (crlf)
		r->pending_cr = 0;
	else if (c == '\r') {
		r->line++;
		r->pending_cr = 1;
	} else if (c == '\n')
		r->line++;
	if (r->in_record)
		end_record(r);
	else if (!crlf && c >= 0)
		blank_line(r);
}

/* ---- the read loop ---- */

static void sniff(struct csv_reader *r, char **buf, size_t *n)
{
	if (*n >= 3 && !memcmp(*buf, "\xef\xbb\xbf", 3)) {
		r->fmt.bom = 1;
		*buf += 3;
		*n -= 3;
	}
	r->fmt.encoding = r->fmt.bom || csv_sniff_utf8(*buf, *n) ? CSV_ENC_UTF8 : CSV_ENC_LATIN1;
	r->fmt.delim = r->delim_req ? r->delim_req : csv_sniff_delim(*buf, *n);
	csv_set_delim(&r->p, (unsigned char)r->fmt.delim);
}

static int feed(struct csv_reader *r, const char *buf, size_t n, char **cause)
{
	if (n && csv_parse(&r->p, buf, n, on_field, on_record, r) != n)
		return set_cause(cause, "cannot parse \"%s\": %s", r->name,
		                 csv_strerror(csv_error(&r->p)));
	if (r->p.entry_pos > CSV_MAX_FIELD)
		return set_cause(
		    cause,
		    "cannot parse \"%s\": line %llu: a field longer than %u MiB (a quote "
		    "never closed?)",
		    r->name, (unsigned long long)(r->in_record ? r->rec_line : r->line),
		    CSV_MAX_FIELD >> 20);
	return 0;
}

static int trim_char(const struct csv_reader *r, char c)
{
	return (c == ' ' || c == '\t') && c != r->fmt.delim;
}

/* Split complete lines (s ends with '\n') of printable ASCII that hold no
 * quote and no CR but in CRLF line ends, with libcsv's trimming of unquoted
 * fields, without copying: each field is cut in place (a NUL written over
 * the delimiter, the CR or the first trailing blank) and handed over where
 * it lies in the chunk. */
static void split_plain(struct csv_reader *r, char *s, char *end)
{
	const char delim = r->fmt.delim;
	char *f, *d, *e, *a, *b;
	size_t n;

	for (; s < end; s = d + 1) { /* s..end ends in '\n': every scan below stops at one */
		if (*s == '\n' || (*s == '\r' && s[1] == '\n')) { /* a blank line */
			if (*s == '\r')
				on_record(*s++, r);
			d = s;
			on_record('\n', r);
			continue;
		}
		r->nf = 0;
		for (f = s;; f = d + 1) {
			for (d = f; *d != delim && *d != '\n'; d++)
				;
			e = *d == '\n' && d > f && d[-1] == '\r' ? d - 1 : d; /* CRLF */
			for (a = f; a < e && trim_char(r, *a); a++)
				;
			for (b = e; b > a && trim_char(r, b[-1]); b--)
				;
			if (r->nf == r->capfields)
				xgrow((void **)&r->fields, &r->capfields, r->nf + 1, sizeof *r->fields);
			n = (size_t)(b - a);
			r->fields[r->nf].s = a;
			r->fields[r->nf++].len = n;
			if (n > CSV_LONG_FIELD)
				warn(r, CSV_W_LONGFIELD, r->line, "field %zu is %zu bytes long", r->nf, n);
			if (*d == '\n') {
				*b = '\0';
				break;
			}
			*b = '\0';
		}
		r->pending_cr = 0;
		r->rec_line = r->line++;
		deliver(r);
	}
}

/* 1 when buf has no byte >= 0x80 and no NUL. */
static int plain_ascii(const char *buf, size_t n)
{
	uint64_t acc = 0, w;
	size_t i;

	if (memchr(buf, 0, n))
		return 0;
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, buf + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= (unsigned char)buf[i];
	return !(acc & 0x8080808080808080ULL);
}

/* 1 when every CR in buf is the first half of a CRLF line end. */
static int crlf_only(const char *buf, size_t n)
{
	const char *p = buf, *end = buf + n;

	while ((p = memchr(p, '\r', (size_t)(end - p))) != NULL) {
		if (p + 1 >= end || p[1] != '\n')
			return 0;
		p += 2;
	}
	return 1;
}

/* Most chunks of most files are ASCII with no quote and no lone CR: their whole
 * lines are split here, much faster than libcsv's byte-by-byte state
 * machine; libcsv takes the partial lines at both ends and every other chunk. */
static int feed_chunk(struct csv_reader *r, char *buf, size_t n, char **cause)
{
	char *first, *last, *end = buf + n;

	if (r->no_fast || memchr(buf, '"', n) || !crlf_only(buf, n) || !plain_ascii(buf, n))
		return feed(r, buf, n, cause);
	if (r->pending_cr && n && buf[0] == '\n') { /* the LF of a CRLF split between chunks */
		if (feed(r, buf, 1, cause) < 0)
			return -1;
		buf++;
		n--;
	}
	first = buf;
	if (r->p.pstate != 0 || r->in_record) { /* finish the line libcsv started */
		if (!(first = memchr(buf, '\n', n)))
			return feed(r, buf, n, cause);
		if (feed(r, buf, (size_t)(++first - buf), cause) < 0)
			return -1;
	}
	last = first < end ? memrchr(first, '\n', (size_t)(end - first)) : NULL;
	if (!last)
		return feed(r, first, (size_t)(end - first), cause);
	split_plain(r, first, last + 1);
	return feed(r, last + 1, (size_t)(end - last - 1), cause);
}

void csv_reader_no_fast_path(struct csv_reader *r)
{
	r->no_fast = 1;
}

/* Fill buf with up to CHUNK bytes; a short count only at the end of input. */
static size_t read_chunk(FILE *fp, char *buf)
{
	size_t got = 0, k;

	while (got < CHUNK) {
		k = fread(buf + got, 1, CHUNK - got, fp);
		if (k == 0)
			break;
		got += k;
	}
	return got;
}

/* The last line of the input with content, when an open quote swallowed the rest. */
static uint64_t last_line(const struct csv_reader *r)
{
	const char *e = (const char *)r->p.entry_buf;
	size_t n = r->p.entry_pos;
	uint64_t nl = count_newlines(e, n);

	return r->line + nl - (nl && n && (e[n - 1] == '\n' || e[n - 1] == '\r'));
}

static void finish(struct csv_reader *r)
{
	/* libcsv's FIELD_BEGUN state (2) with `quoted` set: inside an open quote */
	if (r->p.pstate == 2 && r->p.quoted)
		warn(r, CSV_W_UNTERMINATED, r->in_record ? r->rec_line : r->line,
		     "a quoted field is never closed: the rest of the input (to line %llu) was "
		     "read as "
		     "one field",
		     (unsigned long long)last_line(r));
	csv_fini(&r->p, on_field, on_record, r);
	if (!r->named && r->nf == 0) {
		r->names = xcalloc(1, sizeof *r->names);
		r->named = 1;
	}
}

int csv_read(struct csv_reader *r, csv_row_fn fn, void *arg, char **cause)
{
	char *chunk = xmalloc(CHUNK), *p;
	size_t n;
	int first = 1, rc = 0;

	r->fn = fn;
	r->arg = arg;
	while (!r->stop && (n = read_chunk(r->fp, chunk)) > 0) {
		p = chunk;
		r->bytes += n;
		if (first)
			sniff(r, &p, &n);
		first = 0;
		if (feed_chunk(r, p, n, cause) < 0) {
			free(chunk);
			return -1;
		}
	}
	free(chunk);
	if (ferror(r->fp))
		return set_cause(cause, "cannot read \"%s\": %s", r->name, strerror(errno));
	if (!r->stop)
		finish(r);
	return r->stop ? 1 : rc;
}

const struct csv_format *csv_reader_format(const struct csv_reader *r)
{
	return &r->fmt;
}
size_t csv_reader_ncols(const struct csv_reader *r)
{
	return r->ncols;
}
uint64_t csv_reader_rows(const struct csv_reader *r)
{
	return r->rows;
}
uint64_t csv_reader_bytes(const struct csv_reader *r)
{
	return r->bytes;
}
uint64_t csv_reader_lines(const struct csv_reader *r)
{
	return r->line;
}
size_t csv_reader_nwarnings(const struct csv_reader *r)
{
	return r->nwarn;
}

const char *csv_reader_colname(const struct csv_reader *r, size_t i)
{
	return i < r->ncols ? r->names[i] : NULL;
}

const struct csv_warning *csv_reader_warning(const struct csv_reader *r, size_t i)
{
	return i < r->nwarn ? &r->warn[i] : NULL;
}

uint64_t csv_reader_warn_count(const struct csv_reader *r, enum csv_warn_kind k)
{
	return k < CSV_W_NKINDS ? r->counts[k] : 0;
}
