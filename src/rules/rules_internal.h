/*
 * rules_internal: what the files of src/rules share and nobody else sees:
 * the field and operator tables, the compiled condition node, case folding
 * and globbing (match.c), and the JSON position locator (locate.c).
 */
#ifndef VA_RULES_INTERNAL_H
#define VA_RULES_INTERNAL_H

#include <cJSON.h>
#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "va/rules.h"
#include "va/util.h"

enum rule_field_id {
	RF_FROM,
	RF_TO,
	RF_CC,
	RF_SUBJECT,
	RF_BODY,
	RF_HEADER,
	RF_CATEGORY,
	RF_CONFIDENCE,
	RF_AGE,
	RF_SIZE,
	RF_UNREAD,
	RF_FLAGGED,
	RF_REPLIED,
	RF_ATTACHMENT,
	RF_KNOWN_SENDER,
	RF_COUNT
};
enum rule_field_kind { FK_TEXT, FK_NUM, FK_BOOL };

enum rule_op_id {
	OP_EQUALS,
	OP_CONTAINS,
	OP_WILDCARD,
	OP_REGEX,
	OP_IN,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE
};
#define OPS_TEXT                                                                                   \
	((1u << OP_EQUALS) | (1u << OP_CONTAINS) | (1u << OP_WILDCARD) | (1u << OP_REGEX) |        \
	 (1u << OP_IN))
#define OPS_CMP ((1u << OP_LT) | (1u << OP_LE) | (1u << OP_GT) | (1u << OP_GE))

struct rule_field_def {
	const char *name; /* "subject"; "header:" is the prefix of header:NAME */
	enum rule_field_id id;
	enum rule_field_kind kind;
	unsigned ops; /* 1 << enum rule_op_id */
};
struct rule_op_def {
	const char *name; /* "contains" */
	enum rule_op_id id;
	const char *yes; /* "contains": the why of a test that held */
	const char *no;  /* "does not contain" */
};
extern const struct rule_field_def rule_field_table[];
extern const size_t rule_field_count;
extern const struct rule_op_def rule_op_table[];
extern const size_t rule_op_count;

enum rule_node_kind { NK_ALL, NK_ANY, NK_NOT, NK_TEST };

struct rule_node {
	enum rule_node_kind kind;
	char *path;              /* "when.all[1]", for why */
	struct rule_node **kids; /* all/any: n kids; not: one */
	size_t nkids;
	/* NK_TEST */
	const struct rule_field_def *field;
	const struct rule_op_def *op;
	char *header; /* RF_HEADER: the header's name */
	int icase;
	char *value;   /* text ops: folded when icase (equals/contains/wildcard) */
	char *shown;   /* the value as written, for why */
	char **values; /* OP_IN, folded when icase */
	size_t nvalues;
	double num;  /* numeric ops: confidence, seconds (age), bytes (size) */
	int boolean; /* FK_BOOL */
	regex_t re;
	int has_re;
};
void rule_node_free(struct rule_node *n);

/* match.c: simple case folding of one code point (ASCII, Latin-1, Latin
 * Extended-A, Greek, Cyrillic, Armenian; locale independent). */
unsigned rules_fold_cp(unsigned cp);
/* Append the folded copy of s[0..len) to sb. */
void rules_fold(struct strbuf *sb, const char *s, size_t len);
/* A folded copy of s (caller frees). */
char *rules_fold_str(const char *s);
/* Fold a regex's literal characters, leaving the character after a
 * backslash alone (so \W stays \W).  Caller frees. */
char *rules_fold_regex(const char *pat);
/* Roughly how many nodes glibc's regcomp builds for pat (repetition
 * copies included; huge for over 1 KiB or 32 nested groups); -1 when pat
 * holds a back-reference.  Patterns costing over RULES_REGEX_MAX_COST are
 * refused: regcomp then takes at most a few milliseconds. */
double rules_regex_cost(const char *pat);
#define RULES_REGEX_MAX_COST 2000
/* Whole-string glob: '*' any run, '?' one code point; no escapes. */
int rules_glob(const char *pat, const char *s);

/* locate.c: where a value sits in JSON text that cJSON already accepted. */
struct rule_jstep {
	const char *key; /* object member, or NULL for ... */
	int idx;         /* ... an array index */
	int nth;         /* key only: which occurrence of a repeated key (0: the first) */
};
/* Line (1-based) of the value at path st[0..n); the deepest step found
 * when the path goes further than the text does. */
int rules_json_line(const char *text, size_t len, const struct rule_jstep *st, size_t n);
/* Line of byte offset off. */
int rules_text_line(const char *text, size_t len, size_t off);

/* Parsing state for one file (rule.c, when.c). */
struct rule_pctx {
	struct ruleset *rs;
	const char *file, *text;
	size_t len;
	struct rule_jstep *st; /* the JSON path being parsed, from the file's root */
	size_t n, cap;
	size_t base; /* steps above the current rule (its array index) */
	size_t nerr;
	int bad; /* the current rule has an error */
};
void rule_push_key(struct rule_pctx *c, const char *key);
void rule_push_idx(struct rule_pctx *c, int idx);
void rule_pop(struct rule_pctx *c);
/* Add "FILE:LINE: PATH: message" at the current path; marks the rule bad. */
void rule_err(struct rule_pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, placed at the current path's line but naming its parent. */
void rule_err_parent(struct rule_pctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "a string", "a number", ... for messages. */
const char *rule_json_type(const struct cJSON *item);
/* Check obj's keys against keys[0..n): unknown (with did-you-mean) and
 * repeated keys are errors.  Returns the number of errors. */
size_t rule_check_keys(struct rule_pctx *c, const struct cJSON *obj, const char *const *keys,
                       size_t n);
/* A string member: NULL when absent (no error), or when not a non-empty string (error). */
const char *rule_get_string(struct rule_pctx *c, const struct cJSON *obj, const char *key);
/* Suggestion suffix: " (did you mean \"x\"?)" or "" (static buffer-free: returns a new string). */
char *rule_hint(const char *word, const char *const *cands, size_t n);

/* when.c: compile a condition (the path of the value is pushed by the caller). */
struct rule_node *rule_parse_when(struct rule_pctx *c, const struct cJSON *item);
extern const char *const rule_categories[];
extern const size_t rule_ncategories;

/* ruleset.c */
void rule_release(struct rule *r);

#endif
