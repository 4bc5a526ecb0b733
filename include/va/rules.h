/*
 * rules: the rules engine (L2, pure: no I/O beyond what the caller hands in).
 *
 * A rule file holds one rule object or an array of them:
 *
 *   {"name": "promo", "enabled": true, "trigger": "classified",
 *    "when": {"all": [{"field": "category", "op": "equals", "value": "promotional"},
 *                     {"field": "confidence", "op": ">=", "value": 80}]},
 *    "then": [{"action": "archive"}], "mode": "recommend", "stop": false}
 *
 * Parsing never stops at the first problem: every error is reported as
 * "FILE:LINE: JSON.PATH: message" and only the rule it sits in is dropped.
 * Evaluation is a pure function of (rule, message, env): it says whether the
 * rule matched, which test decided, and what the rule would do.
 */
#ifndef VA_RULES_H
#define VA_RULES_H

#include <stddef.h>
#include <stdint.h>

struct message;

enum rule_trigger { RT_RECEIVED, RT_CLASSIFIED, RT_SCHEDULE, RT_AGE, RT_COUNT };
enum rule_mode { RM_RECOMMEND, RM_AUTO };

/* The actions a rule may name, with the argument each takes (the engine
 * validates names and arguments against this table; the app executes them). */
struct rule_action_def {
	const char *name;  /* "move" */
	const char *arg;   /* the argument's JSON key ("folder"), NULL: none */
	int         required;
	const char *doc;
	/* NULL, or checks the argument's value: NULL when good, else a message
	 * such as "unknown category \"x\"" (caller frees). */
	char      *(*check)(const char *value);
};
extern const struct rule_action_def rule_action_table[];
extern const size_t rule_action_count;
const struct rule_action_def *rule_action_find(const char *name);

struct rule_action {
	char *name;           /* "archive", "move", "reply", ... */
	char *arg;            /* the argument's value as text ("Junk", "3d", "ack"), or NULL */
	char *notify_command; /* notify only, or NULL */
};

struct rule_node; /* a compiled condition tree (opaque) */

struct rule {
	char             *name;
	char             *file;     /* the file it came from ("" for in-memory text) */
	int               line;     /* line of the rule object's opening brace */
	int               enabled;
	enum rule_trigger trigger;
	char             *schedule; /* RT_SCHEDULE: the cron expression, else NULL */
	enum rule_mode    mode;
	int               stop;
	struct rule_node *when;     /* NULL: matches every message */
	struct rule_action *then;
	size_t            nthen;
	char              hash[17]; /* hex 64-bit FNV-1a of the rule's canonical JSON (edits change it) */
};

struct ruleset {
	struct rule *rules;
	size_t       n, cap;
	char       **errors; /* "FILE:LINE: PATH: message" */
	size_t       nerrors, errcap;
};

/* Parse one file's text, appending its good rules and its errors to rs.
 * `file` is the name errors show.  Returns the number of errors added. */
size_t rules_parse(struct ruleset *rs, const char *file, const char *text, size_t len);
/* Read and parse every *.json in dir, in name order (a missing dir is no
 * error).  A later rule with the name of an earlier one replaces it (user
 * rules override the shipped defaults of the same name).  Returns errors added. */
size_t rules_load_dir(struct ruleset *rs, const char *dir);
/* Read and parse one file; its rules replace same-named ones already in rs,
 * as in rules_load_dir.  Returns errors added (an unreadable file is one). */
size_t rules_load_file(struct ruleset *rs, const char *path);
void   ruleset_release(struct ruleset *rs);
const char *rule_trigger_name(enum rule_trigger t);

/* What the message is evaluated against besides itself. */
struct rule_env {
	int64_t now;          /* seconds since the epoch */
	int     known_sender; /* the sender is a known correspondent (1/0) */
	int     replied;      /* -1: use MSG_ANSWERED; else 1/0 (I replied in the thread) */
};

/* Evaluate one rule.  Returns 1 when it matches, 0 when not.  *why (when
 * why is non-NULL; caller frees) names the test that decided, e.g.
 * `when.all[1]: confidence 85 >= 80` or `when.all[0]: category "spam" is not
 * equal to "promotional"`.  A disabled rule never matches ("rule disabled").
 * env NULL: now is time_now(), no known sender, replied from MSG_ANSWERED. */
int rule_eval(const struct rule *r, const struct message *m, const struct rule_env *env,
              char **why);

/* One rule that fired in a run over a message. */
struct rule_hit {
	const struct rule *rule;
	char              *why;
};
struct rule_plan {
	struct rule_hit *hits;
	size_t           n, cap;
};
/* Evaluate every enabled rule with trigger t, in order, honouring `stop`;
 * appends the hits to plan.  Returns how many rules fired. */
size_t rules_eval_all(const struct ruleset *rs, enum rule_trigger t, const struct message *m,
                      const struct rule_env *env, struct rule_plan *plan);
void   rule_plan_release(struct rule_plan *p);

/* A message prepared for many evaluations: the text tests look at is split
 * and case-folded lazily, at most once per message, in buffers reused by the
 * next rule_msg_set().  Use it to run many rules (or rulesets) over many
 * messages without allocating per evaluation; rule_eval and rules_eval_all
 * make a temporary one.  rm borrows m until the next rule_msg_set. */
struct rule_msg;
struct rule_msg *rule_msg_new(void);
void   rule_msg_set(struct rule_msg *rm, const struct message *m);
void   rule_msg_free(struct rule_msg *rm);
int    rule_eval_msg(const struct rule *r, struct rule_msg *rm, const struct rule_env *env,
                     char **why);
size_t rules_eval_all_msg(const struct ruleset *rs, enum rule_trigger t, struct rule_msg *rm,
                          const struct rule_env *env, struct rule_plan *plan);

/* RFC 5228 Sieve for the rules Sieve can express (fileinto, addflag, keep,
 * discard; header/address/size tests).  *script and *skipped (one line per
 * rule left out, with why) are the caller's. */
void rules_export_sieve(const struct ruleset *rs, char **script, char **skipped);

#endif
