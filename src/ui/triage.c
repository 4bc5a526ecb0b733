/*
 * triage: the keys that change messages (archive, trash, move, flag, read,
 * label, category, undo) and the `:` command line.  Each command maps to an
 * app/actions.c kind through the table below; the targets are the message
 * on screen, else the tagged messages after tag-prefix, else the selected
 * row.  A command that needs a word asks for it in the prompt (with the
 * targets captured when it was asked).  The status line says what happened
 * and how to undo it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/actions.h"
#include "va/message.h"
#include "va/util.h"

/* cmd -> what it does; `off` is the kind used when the first target already
 * has `flag` (toggles), `ask` the question for kinds that need a word. */
static const struct {
	enum cmd_id cmd;
	enum action_kind on, off;
	unsigned flag;
	enum prompt_kind ask;
	const char *question;
} triage[] = {
    {CMD_ARCHIVE, ACT_ARCHIVE, ACT_NONE, 0, PROMPT_COUNT, NULL},
    {CMD_TRASH, ACT_TRASH, ACT_NONE, 0, PROMPT_COUNT, NULL},
    {CMD_FLAG, ACT_FLAG, ACT_UNFLAG, MSG_FLAGGED, PROMPT_COUNT, NULL},
    {CMD_READ, ACT_READ, ACT_UNREAD, MSG_SEEN, PROMPT_COUNT, NULL},
    {CMD_MOVE, ACT_MOVE, ACT_NONE, 0, PROMPT_FOLDER, "move to folder"},
    {CMD_LABEL, ACT_LABEL, ACT_NONE, 0, PROMPT_LABEL, "add label"},
    {CMD_UNLABEL, ACT_UNLABEL, ACT_NONE, 0, PROMPT_LABEL, "remove label"},
    {CMD_CATEGORY, ACT_CATEGORY, ACT_NONE, 0, PROMPT_CATEGORY, "category"},
};

/* The messages a triage command works on. */
struct targets {
	int64_t *ids;
	size_t n;
	unsigned flags; /* the first one's */
	enum cmd_id cmd;
	int tagged;     /* they are the tagged messages */
};

static void targets_free(void *arg)
{
	struct targets *t = arg;

	free(t->ids);
	free(t);
}

static int row_of(enum cmd_id cmd)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(triage); i++)
		if (triage[i].cmd == cmd)
			return (int)i;
	return -1;
}

int triage_is(enum cmd_id cmd)
{
	return row_of(cmd) >= 0 || cmd == CMD_UNDO;
}

static struct pane *message_view(struct ui *ui)
{
	return ui->tab == TAB_INBOX ? ui->view[TAB_INBOX] : NULL;
}

/* NULL with a status notice when there is nothing to act on. */
static struct targets *targets_get(struct ui *ui, enum cmd_id cmd)
{
	struct targets *t = xcalloc(1, sizeof(*t));
	struct pane *v = message_view(ui);

	t->cmd = cmd;
	if (v && !ui->tag_prefix) {
		t->ids = xmalloc(sizeof(*t->ids));
		t->ids[0] = pane_message_id(v);
		t->flags = pane_message_flags(v);
		t->n = 1;
	} else if (ui->tab == TAB_INBOX) {
		t->n = pane_inbox_targets(ui->tabs[TAB_INBOX], ui->tag_prefix, &t->ids, &t->flags);
		t->tagged = ui->tag_prefix;
	}
	if (t->n == 0) {
		status_info(ui, "%s: %s", command_name(cmd),
		            ui->tag_prefix ? "no message is tagged" : "no message here");
		targets_free(t);
		return NULL;
	}
	return t;
}

static void undo_hint(struct ui *ui, char *buf, size_t len)
{
	int k = keymap_key_for(&ui->keymap, KM_INBOX, CMD_UNDO);
	char key[32];

	if (k >= 0)
		snprintf(buf, len, " \xe2\x80\x94 %s to undo", key_to_name(k, key, sizeof key));
	else
		snprintf(buf, len, " \xe2\x80\x94 :undo to undo");
}

/* The screen after a change: the list reloaded, the view updated or closed. */
static void after_change(struct ui *ui, enum action_kind kind, unsigned new_flags, int undo,
                         int untag)
{
	struct pane *v = message_view(ui);
	int moves = kind == ACT_ARCHIVE || kind == ACT_TRASH || kind == ACT_MOVE;

	if (v && !undo && moves)
		ui_close_top(ui);
	else if (v && !undo && (kind == ACT_FLAG || kind == ACT_UNFLAG || kind == ACT_READ ||
	                        kind == ACT_UNREAD))
		pane_message_set_flags(v, new_flags);
	if (untag)
		pane_inbox_untag(ui->tabs[TAB_INBOX]);
	pane_inbox_load(ui->tabs[TAB_INBOX]);
	preview_invalidate(ui);
}

static unsigned flags_after(enum action_kind k, unsigned flags)
{
	switch (k) {
	case ACT_FLAG: return flags | MSG_FLAGGED;
	case ACT_UNFLAG: return flags & ~(unsigned)MSG_FLAGGED;
	case ACT_READ: return flags | MSG_SEEN;
	case ACT_UNREAD: return flags & ~(unsigned)MSG_SEEN;
	default: return flags;
	}
}

static int apply(struct ui *ui, struct targets *t, enum action_kind kind, const char *arg)
{
	struct action_outcome o;
	char *cause = NULL, hint[64];

	if (action_apply(ui->app, t->ids, t->n, kind, arg, &o, &cause) < 0) {
		status_error(ui, "cannot %s: %s", action_table[kind].name, cause ? cause : "?");
		free(cause);
		return UI_DRAW;
	}
	undo_hint(ui, hint, sizeof hint);
	if (o.n == 0)
		status_info(ui, "nothing to do: already %s", action_table[kind].done);
	else
		status_info(ui, "%s %zu message%s%s%s%s%s", action_table[kind].done, o.n,
		            o.n == 1 ? "" : "s", arg ? " \xe2\x86\x92 " : "", arg ? arg : "",
		            o.unchanged ? " (others already were)" : "", hint);
	after_change(ui, kind, flags_after(kind, t->flags), 0, t->tagged);
	action_outcome_release(&o);
	return UI_DRAW;
}

static int asked(struct ui *ui, const char *text, void *arg)
{
	struct targets *t = arg;
	int r = row_of(t->cmd);
	const char *word = text;

	while (*word == ' ')
		word++;
	if (!*word) {
		status_info(ui, "%s: cancelled", command_name(t->cmd));
		return UI_DRAW;
	}
	return apply(ui, t, triage[r].on, word);
}

static int run_undo(struct ui *ui)
{
	struct action_outcome o;
	char *cause = NULL;
	int rc = action_undo(ui->app, 0, 0, &o, &cause);

	if (rc < 0)
		status_error(ui, "cannot undo: %s", cause ? cause : "?");
	else if (rc == 1)
		status_info(ui, "nothing to undo");
	else
		status_info(ui, "undone: %zu message%s restored", o.n, o.n == 1 ? "" : "s");
	if (rc == 0)
		after_change(ui, ACT_NONE, 0, 1, 0);
	action_outcome_release(&o);
	free(cause);
	return UI_DRAW;
}

int triage_run(struct ui *ui, enum cmd_id cmd, const char *arg)
{
	struct targets *t;
	int r = row_of(cmd), flags;
	enum action_kind kind;

	if (cmd == CMD_UNDO)
		return run_undo(ui);
	if (r < 0 || !(t = targets_get(ui, cmd)))
		return UI_DRAW;
	if (triage[r].ask != PROMPT_COUNT && !arg) {
		prompt_open(ui, triage[r].ask, triage[r].question, NULL, asked, t, targets_free);
		return UI_DRAW;
	}
	kind = triage[r].off != ACT_NONE && (t->flags & triage[r].flag) ? triage[r].off
	                                                                 : triage[r].on;
	flags = apply(ui, t, kind, arg);
	targets_free(t);
	return flags;
}

/* ---- the `:` line ---- */

int command_takes_arg(enum cmd_id cmd)
{
	int r = row_of(cmd);

	return cmd == CMD_SEARCH || cmd == CMD_LIMIT || (r >= 0 && triage[r].ask != PROMPT_COUNT);
}

static int unknown_command(struct ui *ui, const char *name)
{
	const char *names[CMD_COUNT];
	const char *hint;
	size_t i;

	for (i = 0; i < CMD_COUNT; i++)
		names[i] = command_table[i].name;
	hint = str_suggest(name, names, CMD_COUNT);
	status_error(ui, "unknown command \"%s\"%s%s%s", name, hint ? " (did you mean \"" : "",
	             hint ? hint : "", hint ? "\"?)" : "");
	return UI_DRAW;
}

int command_line_run(struct ui *ui, const char *line)
{
	char *copy = xstrdup(line), *name = str_trim(copy), *arg = NULL;
	size_t len = strcspn(name, " ");
	enum cmd_id cmd;
	int flags;

	if (name[len]) {
		name[len] = '\0';
		arg = str_trim(name + len + 1);
	}
	if (!*name) {
		free(copy);
		return UI_DRAW;
	}
	cmd = command_find(name);
	if (cmd == CMD_NONE) {
		flags = unknown_command(ui, name);
	} else if (arg && *arg && !command_takes_arg(cmd)) {
		status_error(ui, "command \"%s\" takes no argument", name);
		flags = UI_DRAW;
	} else {
		flags = command_run_arg(ui, cmd, arg && *arg ? arg : NULL);
	}
	free(copy);
	return flags;
}
