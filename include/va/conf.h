/*
 * conf: va.conf, an INI file read against one table of known sections and keys
 * (src/util/conf_table.c), which also generates the documentation and the
 * defaults.  Errors are collected with file:line and a hint (STYLE 12); a bad
 * line is skipped and reported, never fatal and never silently ignored.  va
 * never rewrites the user's file.
 */
#ifndef VA_CONF_H
#define VA_CONF_H

#include <stddef.h>
#include <stdint.h>

enum conf_type {
	CONF_STRING,
	CONF_INT,      /* non-negative integer */
	CONF_BOOL,     /* on/off, yes/no, true/false, 1/0 */
	CONF_ENUM,     /* one of `choices` ("a|b|c") */
	CONF_DURATION, /* 30s 15m 2h 3d 1w */
	CONF_SIZE,     /* 64k 256M 1G */
	CONF_PATH,     /* ~ expanded */
	CONF_PORT,     /* 1-65535 */
};

struct conf_key {
	const char    *section; /* "general", ..., or "account" for [account NAME] */
	const char    *key;
	enum conf_type type;
	const char    *choices; /* CONF_ENUM: "a|b|c" */
	const char    *def;     /* default as written in the file, or NULL */
	const char    *doc;     /* one line for va.conf.example and the man page */
};

extern const struct conf_key conf_keys[];
extern const size_t conf_nkeys;

struct conf;

struct conf *conf_new(void);
void         conf_free(struct conf *c);

/* Read a file into c.  Returns 0, or -1 when it cannot be read (a missing file
 * is fine when !must_exist).  Syntax and value errors do not make it fail:
 * they are collected (conf_nerrors/conf_error). */
int conf_load(struct conf *c, const char *path, int must_exist, char **cause);
/* Parse text as if read from a file called `name`. */
void conf_load_string(struct conf *c, const char *name, const char *text);

size_t      conf_nerrors(const struct conf *c);
const char *conf_error(const struct conf *c, size_t i); /* "FILE:LINE: what: hint" */
const char *conf_path(const struct conf *c);            /* last file loaded or NULL */

/* Value of `key` in `section` ("general" or "account NAME"), the table default
 * when unset, or NULL. */
const char *conf_get(const struct conf *c, const char *section, const char *key);
int64_t     conf_get_int(const struct conf *c, const char *section, const char *key);
int         conf_get_bool(const struct conf *c, const char *section, const char *key);
int64_t     conf_get_duration(const struct conf *c, const char *section, const char *key);
int64_t     conf_get_size(const struct conf *c, const char *section, const char *key);
/* With ~ expanded; caller frees. */
char       *conf_get_path(const struct conf *c, const char *section, const char *key);
/* Set a value in memory (command-line overrides); not written anywhere. */
void        conf_set(struct conf *c, const char *section, const char *key, const char *value);

/* Account names in file order. */
size_t      conf_naccounts(const struct conf *c);
const char *conf_account(const struct conf *c, size_t i);

/* Write an example file documenting every key with its default. */
char *conf_example(void);

#endif
