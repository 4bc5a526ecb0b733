/*
 * rules_run: the rules service (L4) both faces and the scheduler call.
 *
 * Rules come from share/rules/ (the shipped defaults) and then
 * $XDG_CONFIG_HOME/va/rules/ (the user's; a rule there replaces the default
 * of the same name).  A run evaluates them (src/rules/, pure) over stored
 * messages and, unless it is a dry run, does what each hit says:
 *
 *   mode "auto"       the actions run now (app/actions.c, journaled with
 *                     origin "rule" and the rule's name, one batch per rule
 *                     and run, so `va undo --rule NAME` takes a run back)
 *   mode "recommend"  one pending recommendation per action, which the user
 *                     accepts (the action runs) or rejects
 *
 * A rule acts on a message at most once (rule_hits), so runs after every sync
 * and classification, and the periodic age/schedule runs, never repeat work.
 */
#ifndef VA_RULES_RUN_H
#define VA_RULES_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "va/rules.h"

struct app;

/* The user's rules directory (caller frees). */
char *rules_user_dir(struct app *app);
/* Load the defaults, then the user's rules, into rs (errors in rs->errors). */
void rules_load(struct app *app, struct ruleset *rs);

/* One planned or executed action of one hit, for reports. */
struct rules_step {
	int64_t     message_id;
	const char *subject;  /* the message's (borrowed for the callback only) */
	const char *rule;
	const char *why;
	const char *action;   /* "archive", "move", ... */
	const char *arg;      /* or NULL */
	const char *outcome;  /* "would recommend", "would do", "recommended", "done",
	                         "already done", "failed: ..." */
};
typedef void (*rules_step_fn)(void *arg, const struct rules_step *s);

enum rules_run_flags {
	RULES_DRY_RUN  = 1 << 0, /* evaluate and report only */
	RULES_REPEAT   = 1 << 1, /* ignore rule_hits (rules test --apply on mail seen before) */
	RULES_ALL_TRIG = 1 << 2, /* every trigger (rules test), not just the one asked */
};

struct rules_report {
	size_t messages;    /* evaluated */
	size_t hits;        /* rule matches (new ones) */
	size_t done;        /* actions executed */
	size_t recommended; /* recommendations created */
	size_t failed;      /* actions that failed (each reported through fn) */
};

/* Run rules with trigger t (or every trigger with RULES_ALL_TRIG) over ids,
 * or, with name non-NULL, only the rule called name.  0 or -1 with *cause
 * (a store failure; a failing action is counted and reported, not fatal). */
int rules_run(struct app *app, const struct ruleset *rs, enum rule_trigger t, const int64_t *ids,
              size_t n, const char *name, int flags, rules_step_fn fn, void *arg,
              struct rules_report *r, char **cause);

/* After a sync, an import or a classification: "received" rules over the
 * messages that arrived since the last call, "classified" rules over the
 * messages classified since the last call, and, at most once per
 * [scheduler] rules_every, "age" rules over everything (they fire once per
 * message when the age test becomes true).  Loads the
 * rules itself; *errors (when non-NULL) gets the number of rule-file errors. */
int rules_run_pending(struct app *app, struct rules_report *r, size_t *errors, char **cause);

/* The pipeline after a sync or an import: classify what has no verdict yet
 * (*classified: how many), then rules_run_pending.  0 or -1 with *cause. */
int rules_after_sync(struct app *app, size_t *classified, struct rules_report *r,
                     size_t *errors, char **cause);

/* Accept (run the action, origin user) or reject a pending recommendation.
 * 0, 1 when there is no such pending recommendation, -1 with *cause. */
int rules_accept(struct app *app, int64_t reco_id, char **cause);
int rules_reject(struct app *app, int64_t reco_id, char **cause);

/* Undo the newest run of rule `name` (out as action_undo fills it; release
 * it with action_outcome_release): 0, 1 nothing to undo, -1. */
struct action_outcome;
int rules_undo_last(struct app *app, const char *name, struct action_outcome *out, char **cause);

/* Turn a rule on or off by writing the user's copy of its file (a shipped
 * default is copied to the user's directory first).  0, 1 no such rule, -1. */
int rules_set_enabled(struct app *app, const char *name, int enabled, char **path,
                      char **cause);

/* The scheduler's jobs for the rules: a periodic "rules" job ([scheduler] rules_every) and
 * one cron job per enabled "schedule" rule.  0 or -1 with *cause. */
int rules_ensure_jobs(struct app *app, char **cause);

#endif
