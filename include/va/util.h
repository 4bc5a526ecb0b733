/*
 * util: the few helpers the libraries do not give.
 *
 * Allocation failure is fatal here and only here (STYLE 16): every x* allocator
 * either returns memory or prints "out of memory" and exits 1.  Everything
 * else in va returns -1/NULL and fills a `char **cause` that the caller owns.
 */
#ifndef VA_UTIL_H
#define VA_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define VA_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array *p of *cap elements of size `size` so it holds at least `need`. */
void  xgrow(void **p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);          /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Free *pp and set it to NULL. */
void x_free_impl(void **pp);
#define x_free(pp) x_free_impl((void **)(pp))

/* Set *cause (if cause is non-NULL) to a newly allocated message; returns -1. */
int set_cause(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable string; buf is always NUL-terminated once initialised. */
struct strbuf {
	char  *buf;
	size_t len;
	size_t cap;
};
#define STRBUF_INIT {NULL, 0, 0}
void  sb_init(struct strbuf *sb);
void  sb_grow(struct strbuf *sb, size_t extra);
void  sb_add(struct strbuf *sb, const char *data, size_t n);
void  sb_adds(struct strbuf *sb, const char *s);
void  sb_addc(struct strbuf *sb, char c);
void  sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void  sb_reset(struct strbuf *sb);
char *sb_detach(struct strbuf *sb); /* caller owns the result; sb is reset */
void  sb_release(struct strbuf *sb);

/* Strings. */
int   str_starts(const char *s, const char *prefix);
int   str_ends(const char *s, const char *suffix);
char *str_trim(char *s);                  /* in place; returns s advanced past blanks */
int   str_casecmp_ascii(const char *a, const char *b);
size_t str_edit_distance(const char *a, const char *b);
/* Closest candidate to `word` within distance 2, or NULL. */
const char *str_suggest(const char *word, const char *const *candidates, size_t n);

/* UTF-8. */
int   utf8_valid(const char *s, size_t len);
/* Copy of s with invalid sequences, NULs and C0 controls other than \t \n replaced (U+FFFD or space). */
char *utf8_sanitize(const char *s, size_t len);
/* Number of code points in s. */
size_t utf8_strlen(const char *s);
/* Decode one code point at *s (advancing it); invalid bytes give U+FFFD. */
unsigned utf8_next(const char **s);
/* Terminal columns of a code point (0 combining, 2 wide East Asian/emoji, else 1). */
int      utf8_cp_width(unsigned cp);
/* Terminal columns of a whole string (control characters count 0). */
size_t   utf8_width(const char *s);
/* A copy of s cut to at most `cols` columns (ending in "…" when cut) and, when
 * pad, space-padded to exactly `cols`.  Newlines and tabs become spaces. */
char    *utf8_fit(const char *s, size_t cols, int pad);

/* Files. */
/* Read a whole file; sets *len.  NULL and *cause on failure. */
char *file_read(const char *path, size_t *len, char **cause);
/* 0 when only its owner can change the file at `path` (symlinks followed):
 * owned by this user or root, not writable by group or others.  -1 and
 * *cause naming the file and the fix otherwise.  A missing file is 0. */
int   file_check_private(const char *path, char **cause);
/* Write atomically (temp file in the same directory + fsync + rename) with `mode`. */
int   file_write_atomic(const char *path, const char *data, size_t len, int mode, char **cause);
/* mkdir -p with mode for the created components. */
int   mkdir_p(const char *path, int mode, char **cause);
/* Make the directory holding `path` (0700) and take an exclusive flock on it,
 * so two va processes replacing a file there do not lose each other's change.
 * Returns the fd to pass to file_unlock_dir, or -1 and *cause. */
int   file_lock_dir(const char *path, char **cause);
void  file_unlock_dir(int fd); /* closing drops the lock; -1 is ignored */
int   file_exists(const char *path);
int   dir_exists(const char *path);

/* Time. */
int64_t time_now(void);           /* seconds since the epoch */
int64_t time_now_ms(void);        /* monotonic milliseconds */
/* Parse "30d", "12h", "15m", "90s", "2w"; returns seconds or -1. */
int64_t duration_parse(const char *s);

/* Parse a size such as "256M", "1G", "64k"; returns bytes or -1. */
int64_t size_parse(const char *s);

#endif
