/*
 * commands: the one list of named commands (STYLE 13).  Keymaps bind keys to
 * these names, the help overlay lists them and the `:` prompt completes
 * them; the triage ones match `va act` (app/actions.c).  A new command is one X() line here plus, when it
 * is not handled by a pane, one row in src/ui/command.c.
 *
 * X(ID, "name", "one-line description"): the ID becomes CMD_ID.
 */
#ifndef VA_COMMANDS_H
#define VA_COMMANDS_H

#include <stddef.h>

#define VA_COMMANDS(X)                                                                             \
	X(QUIT, "quit", "quit va")                                                                 \
	X(HELP, "help", "show the keys of the active keymap and every command")                    \
	X(CLOSE, "close", "close the overlay or message and go back")                              \
	X(NEXT, "next", "move to the next line")                                                   \
	X(PREV, "prev", "move to the previous line")                                               \
	X(PAGE_DOWN, "page-down", "move one page down")                                            \
	X(PAGE_UP, "page-up", "move one page up")                                                  \
	X(HALF_DOWN, "half-page-down", "move half a page down")                                    \
	X(HALF_UP, "half-page-up", "move half a page up")                                          \
	X(TOP, "top", "go to the first line")                                                      \
	X(BOTTOM, "bottom", "go to the last line")                                                 \
	X(OPEN, "open", "open the selected message")                                               \
	X(PANE_NEXT, "pane-next", "switch to the next pane (Inbox, Rules, ...)")                   \
	X(PANE_PREV, "pane-prev", "switch to the previous pane")                                   \
	X(SEARCH, "search", "search messages (words, \"phrases\", from: subject: ...; empty: all)")  \
	X(LIMIT, "limit", "show only: unread, flagged, owed, waiting, CATEGORY, from:ADDR")       \
	X(PROMPT, "command", "type a command by name, with completion and history")               \
	X(MESSAGES, "messages", "list the start-up warnings and errors")                           \
	X(REDRAW, "redraw", "redraw the whole screen")                                             \
	X(ARCHIVE, "archive", "move to the Archive folder")                                        \
	X(TRASH, "trash", "move to the Trash folder")                                              \
	X(MOVE, "move", "move to a folder (asks which)")                                           \
	X(FLAG, "flag", "flag or unflag")                                                          \
	X(READ, "toggle-read", "mark read or unread")                                              \
	X(LABEL, "label", "add a label (asks which)")                                              \
	X(UNLABEL, "unlabel", "remove a label (asks which)")                                       \
	X(CATEGORY, "category", "set the category; teaches the classifier (asks which)")           \
	X(UNDO, "undo", "undo the last triage (all of its messages)")                              \
	X(TAG, "tag", "tag or untag the message and move on")                                      \
	X(TAG_THREAD, "tag-thread", "tag every message of the selected thread")                    \
	X(UNTAG_ALL, "untag-all", "untag every message")                                           \
	X(TAG_APPLY, "tag-prefix", "apply the next command to every tagged message")               \
	X(NEXT_UNREAD, "next-unread", "go to the next unread message")                             \
	X(THREADS, "threads", "group the list by thread, one line per thread (toggle)")            \
	X(COLLAPSE, "collapse", "expand the selected thread, or collapse it again")                \
	X(PREVIEW, "preview", "split the inbox: the list above, the selected message below")      \
	X(SAVE, "save-attachment", "save an attachment of the message to a file")                  \
	X(VIEW_ATT, "open-attachment", "open an attachment with ~/.mailcap's viewer or $PAGER")    \
	X(HEADERS, "headers", "show every header of the message, or the summary again")         \
	X(ACCEPT, "accept", "accept the pending recommendation(s) of the message or row")         \
	X(REJECT, "reject", "reject the pending recommendation(s) of the message or row")         \
	X(RECOS, "recommendations", "list every pending recommendation (accept or reject each)")  \
	X(TOGGLE_RULE, "toggle-rule", "turn the selected rule on or off (writes your copy)")       \
	X(EDIT, "edit", "edit the selected rule's or template's file in $EDITOR, then check it")  \
	X(DRY_RUN, "dry-run", "show what the selected rule would do to the last 30 days of mail") \
	X(UNDO_RULE, "undo-rule", "undo every action of the selected rule's last run")            \
	X(CANCEL_JOB, "cancel-job", "cancel the selected job")                                    \
	X(RETRY_JOB, "retry-job", "run the selected dead, failed or cancelled job again")         \
	X(PAUSE_JOB, "pause-job", "pause the selected waiting job, or resume it")                  \
	X(RUN_JOB, "run-job", "run the selected waiting or paused job now")                       \
	X(REFRESH, "refresh", "read the list again (rules, jobs, recommendations)")               \
	X(APPROVE, "approve", "approve the selected template for automatic replies, or revoke it") \
	X(REPLY, "reply", "reply: pick a template (or none), edit in $EDITOR, send or keep a draft")

/* clang-format off */
enum cmd_id {
#define VA_CMD_ENUM(id, name, doc) CMD_##id,
	VA_COMMANDS(VA_CMD_ENUM)
#undef VA_CMD_ENUM
	CMD_COUNT,
	CMD_NONE = -1
};
/* clang-format on */

struct command_def {
	enum cmd_id id;
	const char *name;
	const char *doc;
};

/* The table, in the order above (command_table[i].id == i). */
extern const struct command_def command_table[CMD_COUNT];

/* The command called `name`, or CMD_NONE. */
enum cmd_id command_find(const char *name);
/* The name of a command ("quit"); "?" for an id out of range. */
const char *command_name(enum cmd_id id);

#endif
