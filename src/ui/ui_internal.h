/*
 * ui_internal: the contracts between the files of src/ui/.  Only ui/ includes
 * curses (STYLE 19), so only ui/ includes this header.
 *
 * Everything here runs on the main thread.  Handlers never draw: they change
 * state and return UI_* flags (STYLE 8); ui.c draws once per loop turn.
 */
#ifndef VA_UI_INTERNAL_H
#define VA_UI_INTERNAL_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "va/commands.h"

struct app;
struct message;
struct ui;

/* What a handler asks of the loop. */
enum ui_flag {
	UI_DRAW = 1 << 0,      /* something visible changed */
	UI_QUIT = 1 << 1,      /* leave the loop */
	UI_FULL = 1 << 2,      /* repaint the whole terminal (clearok) */
	UI_UNHANDLED = 1 << 3, /* a pane did not take the command */
};

enum { UI_MIN_COLS = 80, UI_MIN_LINES = 24 };

/* ---- errlist: messages collected for the status line (status.c) ---- */
struct errlist {
	char **v;
	size_t n;
};
void errlist_add(struct errlist *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void errlist_release(struct errlist *e);

/* ---- parse.c: the line reader of .keys and .theme files ---- */
enum { UI_MAX_WORDS = 16 };
/* One statement's words; returns NULL, or what is wrong (caller frees). */
typedef char *(*ui_statement_fn)(void *arg, char **w, int n);
void ui_parse_text(const char *name, const char *text, ui_statement_fn fn, void *arg,
                   struct errlist *errs);
/* Words w[from..] up to a trailing "# comment": the index where it starts, or n. */
int ui_words_end(char **w, int n, int from);
/* A keymap or theme setting to a file: NAME is $XDG_CONFIG_HOME/va/KIND/NAME.EXT,
 * else the shipped KIND/NAME.EXT; anything with a '/' is a path (~/ expanded).
 * NULL when nothing is found.  Caller frees. */
char *ui_find_file(const char *setting, const char *kind, const char *ext);

/* ---- theme.c: colour roles (STYLE 14) ---- */
enum role {
	ROLE_NORMAL,
	ROLE_BAR,
	ROLE_BAR_ACTIVE,
	ROLE_BAR_TITLE,
	ROLE_STATUS,
	ROLE_STATUS_ERROR,
	ROLE_STATUS_INFO,
	ROLE_INBOX_ROW,
	ROLE_INBOX_UNREAD,
	ROLE_INBOX_SELECTED,
	ROLE_INBOX_FLAGS,
	ROLE_INBOX_DATE,
	ROLE_INBOX_SENDER,
	ROLE_CAT_IMPORTANT,
	ROLE_CAT_ACTIONABLE,
	ROLE_CAT_FOLLOWUP,
	ROLE_CAT_PROMOTIONAL,
	ROLE_CAT_SPAM,
	ROLE_CAT_OTHER,
	ROLE_MSG_LABEL,
	ROLE_MSG_HEADER,
	ROLE_MSG_BODY,
	ROLE_MSG_QUOTE,
	ROLE_MSG_ATTACHMENT,
	ROLE_MSG_PROBLEM,
	ROLE_HELP_BORDER,
	ROLE_HELP_TITLE,
	ROLE_HELP_SECTION,
	ROLE_NOTICE,
	ROLE_COUNT
};

struct theme_style {
	short fg, bg; /* curses colour numbers, -1 for the terminal default */
	attr_t attrs; /* A_BOLD ... */
	int set;      /* given by a theme file */
};

struct theme {
	struct theme_style s[ROLE_COUNT];
	attr_t attr[ROLE_COUNT]; /* resolved: attrs | COLOR_PAIR */
	int mono;                /* colours ignored (NO_COLOR, no colours, mono theme) */
	char *name;              /* what was loaded, for the help overlay */
};

/* Load the theme chosen by `setting` (default|light|mono|NAME|PATH) and
 * resolve it for the running terminal; call after start_color().  Problems
 * go to errs with FILE:LINE; the result is always usable. */
void theme_setup(struct theme *t, const char *setting, struct errlist *errs);
/* Parse theme text (the file syntax) into t; `name` is used in errors. */
void theme_parse(struct theme *t, const char *name, const char *text, struct errlist *errs);
void theme_release(struct theme *t);
attr_t theme_attr(const struct theme *t, enum role r);
/* The role for a category name ("spam" -> ROLE_CAT_SPAM). */
enum role theme_category_role(const char *category);

/* ---- key.c: key names <-> key codes (STYLE 13) ---- */
/* A key is a Unicode code point, or KEYC_FN | a curses KEY_* code. */
#define KEYC_FN    0x1000000
#define VKEY_ESC   27
#define VKEY_ENTER '\r'
int key_from_name(const char *name); /* -1 when unknown */
/* Write the name of key into buf ("C-d", "Enter", "j"); returns buf. */
char *key_to_name(int key, char *buf, size_t len);
/* The key for what wget_wch() returned (rc OK or KEY_CODE_YES), or -1. */
int key_from_curses(int rc, wint_t wc);

/* ---- keymap.c: key tables from keymaps/NAME.keys ---- */
enum km_context {
	KM_GLOBAL,
	KM_INBOX,
	KM_MESSAGE,
	KM_HELP,
	KM_RULES,
	KM_JOBS,
	KM_RECOS,
	KM_TEMPLATES,
	KM_ANALYSIS,
	KM_COUNT
};

struct binding {
	enum km_context ctx;
	int key;
	enum cmd_id cmd;
};

struct keymap {
	struct binding *b;
	size_t n, cap;
	char *name; /* files loaded, for the help overlay */
};

/* Load the shipped vi keymap (the built-in defaults), then the one chosen by
 * `setting` (vi|emacs|NAME|PATH) on top.  Never fails: problems go to errs. */
void keymap_setup(struct keymap *km, const char *setting, struct errlist *errs);
/* Parse keymap text; bad lines are reported as NAME:LINE: ... and skipped. */
void keymap_parse(struct keymap *km, const char *name, const char *text, struct errlist *errs);
void keymap_release(struct keymap *km);
/* The command for key in ctx, else in KM_GLOBAL, else CMD_NONE. */
enum cmd_id keymap_lookup(const struct keymap *km, enum km_context ctx, int key);
/* The first key bound to cmd in ctx or KM_GLOBAL, or -1. */
int keymap_key_for(const struct keymap *km, enum km_context ctx, enum cmd_id cmd);
const char *keymap_context_name(enum km_context ctx);

/* ---- lines.c: text cut into screen lines by display columns ---- */
struct line {
	enum role role;
	size_t label; /* bytes at the start drawn as ROLE_MSG_LABEL (0: none) */
	char *text;
};

struct lines {
	struct line *v;
	size_t n, cap;
};

void lines_add(struct lines *l, enum role role, const char *text);
/* Add text wrapped at `width` columns: words move to the next line when they
 * do not fit, longer words are cut, tabs expand to 8 columns, each \n starts
 * a new line.  Lines starting with '>' get ROLE_MSG_QUOTE when role is
 * ROLE_MSG_BODY. */
void lines_wrap(struct lines *l, enum role role, const char *text, int width);
/* "Label:   value" with the value wrapped under itself. */
void lines_field(struct lines *l, const char *label, const char *value, int width);
void lines_release(struct lines *l);

/* ---- pane.c: the generic list widget (STYLE 5) ---- */
struct pane;

/*
 * What a pane supplies.  rows and draw_row are required; the others may be
 * NULL.  draw_row draws one row at line y of w, exactly w's width wide.
 * command returns UI_* flags, or UI_UNHANDLED to let the list widget move
 * the selection (next, prev, page-*, top, bottom) or the ui handle it.
 * resize is called when the width changes (text panes rewrap).  show is
 * called when the pane's tab is switched to (lists of the store read again).
 * free releases p->data.
 */
struct pane_ops {
	const char *name;
	enum km_context context;
	int cursor;        /* 1: a selected row; 0: a scrolling text view */
	const char *empty; /* shown when there are no rows, or NULL */
	size_t (*rows)(struct pane *p);
	void (*draw_row)(struct pane *p, WINDOW *w, int y, size_t row, int selected);
	int (*command)(struct pane *p, enum cmd_id cmd);
	char *(*title)(struct pane *p); /* caller frees */
	void (*resize)(struct pane *p, int width);
	void (*show)(struct pane *p);
	void (*free)(struct pane *p);
};

struct pane {
	const struct pane_ops *ops;
	struct ui *ui;
	void *data;
	size_t sel, top; /* selected row, first visible row */
	int height, width;
};

struct pane *pane_new(const struct pane_ops *ops, struct ui *ui, void *data);
void pane_free(struct pane *p);
void pane_resize(struct pane *p, int height, int width);
void pane_draw(struct pane *p, WINDOW *w);
int pane_command(struct pane *p, enum cmd_id cmd);
char *pane_title(struct pane *p); /* caller frees */
/* Draw s at (y, x) cut or padded to exactly cols columns. */
void ui_put(WINDOW *w, int y, int x, const char *s, int cols, attr_t attr);

/* ---- the panes ---- */
struct pane *pane_inbox_new(struct ui *ui);
struct pane *pane_audit_new(struct ui *ui);
struct pane *pane_templates_new(struct ui *ui);
struct pane *pane_analysis_new(struct ui *ui); /* pane_analysis.c */
/* (Re)read the inbox list; errors go to the status line. */
void pane_inbox_load(struct pane *p);
/* Takes the message (its fields move into the pane; m is left empty). */
struct pane *pane_message_new(struct ui *ui, struct message *m);
/* A read-only text view whose lines `build` makes for a width (again on resize). */
typedef void (*text_build_fn)(struct ui *ui, struct lines *out, int width);
struct pane *pane_text_new(struct ui *ui, const char *title, enum km_context ctx,
                           text_build_fn build);
/* A read-only view of paragraphs (each line of paras is one, wrapped to the
 * width again on resize); takes paras (left empty).  In pane_rules.c. */
struct pane *pane_report_new(struct ui *ui, const char *title, struct lines *paras);
/* The Rules and Jobs tabs (pane_rules.c, pane_jobs.c). */
struct pane *pane_rules_new(struct ui *ui);
struct pane *pane_jobs_new(struct ui *ui);
/* pane_recos.c: the overlay listing every pending recommendation, and accept
 * or reject of the recommendations of the message shown or selected in the
 * inbox; UI_* flags. */
int recos_open(struct ui *ui);
int recos_accept_message(struct ui *ui);
int recos_reject_message(struct ui *ui);

/* ---- help.c: the overlays' text ---- */
/* The active keymap, context by context, and every command with its keys. */
void help_build(struct ui *ui, struct lines *out, int width);
/* Every error and warning shown since start-up. */
void messages_build(struct ui *ui, struct lines *out, int width);

/* ---- command.c ---- */
/* Run a command against the focused pane, then the ui; UI_* flags. */
int command_run(struct ui *ui, enum cmd_id cmd);
/* The same with the word typed after it on the `:` line (NULL: none; the
 * command asks when it needs one). */
int command_run_arg(struct ui *ui, enum cmd_id cmd, const char *arg);

/* ---- status.c: the status line ---- */
void status_error(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void status_info(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void status_clear_info(struct ui *ui);
/* Show every message of errs as an error (logged, kept for `messages`); the
 * status line shows the first. */
void status_report(struct ui *ui, const struct errlist *errs);
void status_draw(struct ui *ui, WINDOW *w);

/* ---- bar.c: the pane bar ---- */
enum tab { TAB_INBOX, TAB_RULES, TAB_TEMPLATES, TAB_JOBS, TAB_ANALYSIS, TAB_AUDIT, TAB_COUNT };
const char *tab_name(enum tab t);
/* 1 when the tab has its pane, 0 for a "not built yet" placeholder. */
int tab_built(enum tab t);
/* The base pane of a tab (placeholders for panes not built yet). */
struct pane *tab_pane_new(struct ui *ui, enum tab t);
void bar_draw(struct ui *ui, WINDOW *w);

/* ---- prompt.c: the one-line editor on the status line ---- */
enum prompt_kind {
	PROMPT_COMMAND,
	PROMPT_SEARCH,
	PROMPT_LIMIT,
	PROMPT_FOLDER,
	PROMPT_LABEL,
	PROMPT_CATEGORY,
	PROMPT_PATH,
	PROMPT_PICK,
	PROMPT_TEMPLATE,
	PROMPT_COUNT
};
/* Called with what was typed when Enter is pressed (the prompt is closed
 * already); returns UI_* flags.  arg is the prompt's: freed with `free_arg`. */
typedef int (*prompt_done_fn)(struct ui *ui, const char *text, void *arg);
struct prompt;
/* Open the prompt "label: initial" (replacing any).  Tab completes from the
 * kind's candidates (repeated Tab cycles), Up/Down walk its history, Esc or
 * C-g cancels, Enter calls done. */
void prompt_open(struct ui *ui, enum prompt_kind kind, const char *label, const char *initial,
                 prompt_done_fn done, void *arg, void (*free_arg)(void *));
/* A key while the prompt is open; UI_* flags. */
int  prompt_key(struct ui *ui, int key);
void prompt_draw(struct ui *ui, WINDOW *w);
void prompt_free(struct ui *ui); /* the open prompt and every history */

/* ---- triage.c: triage commands against the message view or the inbox ---- */
/* Run a triage command (archive ... undo): on the message shown, else the
 * tagged messages after tag-prefix, else the selected row.  Commands that
 * need a word (move, label, unlabel, category) ask for it, unless `arg`. */
int triage_run(struct ui *ui, enum cmd_id cmd, const char *arg);
/* 1 when cmd is one of them. */
int triage_is(enum cmd_id cmd);
/* The `:` prompt's line: "NAME [ARG]". */
int command_line_run(struct ui *ui, const char *line);
/* Commands that take a word after their name on the `:` line. */
int command_takes_arg(enum cmd_id cmd);

/* ---- threads.c: the inbox's thread view (pure) ---- */
struct store_key;
struct thread_row {
	size_t msg;   /* index in the list's keys */
	size_t count; /* > 1: a collapsed thread of that many messages */
	int    depth; /* 1: a reply shown under its thread's first row */
};
/* Rows for the list's keys (newest first) grouped by thread; threads whose
 * id is in open[] are expanded, the others collapse to their newest message.
 * Returns the row count; *out is the caller's. */
size_t thread_rows(const struct store_key *keys, size_t n, const int64_t *open, size_t nopen,
                   struct thread_row **out);

/* ---- preview.c: the inbox split ---- */
int  preview_active(const struct ui *ui);
void preview_layout(struct ui *ui); /* (re)make its windows; after layout */
void preview_draw(struct ui *ui);
void preview_invalidate(struct ui *ui);
void preview_release(struct ui *ui);

/* ---- pane_inbox.c: what triage and search need of the list ---- */
/* The selected message's id, 0 when the list is empty. */
int64_t pane_inbox_selected(struct pane *p);
/* The selected message, or every tagged one when `tagged`: ids (caller
 * frees) and their count; *flags gets the first one's flags. */
size_t pane_inbox_targets(struct pane *p, int tagged, int64_t **ids, unsigned *flags);
size_t pane_inbox_ntagged(struct pane *p);
void   pane_inbox_untag(struct pane *p);
/* The list's filters (strings borrowed from the pane) without the search,
 * as pane_inbox_load reads them. */
struct store_query;
void   pane_inbox_query(struct pane *p, struct store_query *q);
/* Bumped by every read on the main thread and every change of the keys in
 * place: an answer asked for under another generation may be stale. */
uint64_t pane_inbox_gen(struct pane *p);
/* Take keys (n, caller's array; read with pane_inbox_query's filters) as the
 * list without the search, narrowed again by the search if there is one. */
void   pane_inbox_install(struct pane *p, struct store_key *keys, size_t n);
/* Search (FTS5 syntax, NULL or "": none) and limit ("unread", "flagged",
 * a category, "from:TEXT", NULL or "all": none); both reload the list.
 * -1 with a status error when the limit is not understood. */
int    pane_inbox_search(struct pane *p, const char *query);
int    pane_inbox_limit(struct pane *p, const char *limit);
/* ---- attach.c: the attachments of the message on screen ---- */
/* Save (asks which and where) or open (asks which; runs a viewer). */
int attach_command(struct ui *ui, struct pane *view, int open);
/* ---- pane_message.c ---- */
const struct message *pane_message_msg(struct pane *p);
int64_t pane_message_id(struct pane *p);
unsigned pane_message_flags(struct pane *p);
void     pane_message_set_flags(struct pane *p, unsigned flags);

/* ---- ui.c ---- */
struct ui {
	struct app *app;
	struct theme theme;
	struct keymap keymap;
	struct errlist log; /* every error shown since start-up, for `messages` */
	char *error;        /* last error, shown until the next key */
	char *info;         /* transient notice, shown until the next key */
	enum tab tab;
	struct pane *tabs[TAB_COUNT]; /* each tab's base pane */
	struct pane *view[TAB_COUNT]; /* a pane opened on top (the message), or NULL */
	struct pane *overlay;         /* help or messages, over everything, or NULL */
	WINDOW *bar, *main, *status, *ov_frame, *ov_body;
	int too_small;
	struct prompt *prompt;            /* the open prompt, or NULL */
	struct prompt_history {
		char **v;
		size_t n;
	} history[PROMPT_COUNT];
	int tag_prefix;                   /* the next command applies to the tagged messages */
	int preview;                      /* the inbox preview split is on */
	struct pane *preview_pane;        /* the message shown in it */
	int64_t preview_id;               /* its id (-1: reload) */
	WINDOW *list_win, *sep_win, *prev_win;
	const char *scope;  /* "all accounts" or the account name */
	const char *folder; /* "INBOX" */
	size_t total, unread;
	/* The in-process scheduler (NULL when a daemon runs the jobs), its events,
	 * and what the status line says about jobs ("sync running", ...). */
	struct jobs_scheduler *js;
	struct queue *events;
	char *jobs;
	int follow;           /* a daemon runs the jobs: watch the database instead */
	int64_t data_version; /* the database as last shown */
	struct ui_job {
		int64_t id;
		char    kind[24];
	} running[8];
	struct reload *reload; /* the inbox's reader thread (reload.c), or NULL */
};

/* ---- reply.c: answering a message ---- */
/* Ask for a template, edit the reply in $EDITOR, then send or keep a draft. */
int reply_command(struct ui *ui);

/* ---- external.c: other programs on the terminal ---- */
/* Run argv (stdin from stdin_path when not NULL) with curses suspended; its
 * exit status, or -1 when it could not run. */
int    ui_run_program(char **argv, const char *stdin_path);
/* $VISUAL or $EDITOR (vi) split into words, then path; NULL-ended. */
char **ui_editor_argv(const char *path);
void   ui_argv_free(char **argv);

/* ---- reload.c: the inbox's keys read by a reader thread ---- */
struct reload;
/* Ask for the inbox's keys to be read again in the background (after a job
 * or another process changed mail); a newer request replaces a waiting one.
 * Reads on the main thread when the reader cannot start. */
void reload_request(struct ui *ui);
int  reload_fd(const struct ui *ui); /* readable when an answer waits; -1: none */
int  reload_take(struct ui *ui);     /* install one answer; UI_* flags */
void reload_stop(struct ui *ui);     /* join the reader, drop what it answered */

/* ---- background.c: the in-process scheduler ---- */
void ui_jobs_start(struct ui *ui);
int  ui_jobs_fd(const struct ui *ui); /* -1: none */
int  ui_jobs_drain(struct ui *ui);    /* UI_* flags */
int  ui_jobs_timeout(const struct ui *ui); /* poll timeout in ms (-1: none) */
int  ui_jobs_tick(struct ui *ui);     /* after a poll timeout; UI_* flags */
void ui_jobs_stop(struct ui *ui);

/* Monotonic microseconds, for the debug log's timings. */
int64_t ui_now_us(void);
/* The pane that receives commands: the overlay, the tab's view, or its base. */
struct pane *ui_focus(struct ui *ui);
/* Put a pane on top of the current tab (replacing any) or as the overlay. */
void ui_open_view(struct ui *ui, struct pane *p);
void ui_open_overlay(struct ui *ui, struct pane *p);
/* Close the overlay, else the view; 0 when there was nothing to close. */
int ui_close_top(struct ui *ui);
/* Re-make the windows for the terminal's size (and the preview setting). */
void ui_layout(struct ui *ui);
/* Size of the area the overlay body gets. */
void ui_overlay_size(int *height, int *width);

#endif
