/*
 * command: the table of named commands (from include/va/commands.h) and
 * their dispatch.  A command goes to the focused pane first (the list widget
 * takes the movement commands); what the pane leaves goes to the ui-level
 * handler in the table below.  Handlers change state and return UI_* flags;
 * they never draw (STYLE 8).
 */
#include <string.h>

#include "ui_internal.h"
#include "va/util.h"

const struct command_def command_table[CMD_COUNT] = {
#define VA_CMD_ROW(id, name, doc) {CMD_##id, name, doc},
    VA_COMMANDS(VA_CMD_ROW)
#undef VA_CMD_ROW
};

enum cmd_id command_find(const char *name)
{
	size_t i;

	for (i = 0; i < CMD_COUNT; i++)
		if (!strcmp(command_table[i].name, name))
			return (enum cmd_id)i;
	return CMD_NONE;
}

const char *command_name(enum cmd_id id)
{
	return id >= 0 && id < CMD_COUNT ? command_table[id].name : "?";
}

static int run_quit(struct ui *ui)
{
	(void)ui;
	return UI_QUIT;
}

static int run_help(struct ui *ui)
{
	ui_open_overlay(ui, pane_text_new(ui, "Help", KM_HELP, help_build));
	return UI_DRAW;
}

static int run_messages(struct ui *ui)
{
	ui_open_overlay(ui, pane_text_new(ui, "Messages", KM_HELP, messages_build));
	return UI_DRAW;
}

static int run_close(struct ui *ui)
{
	ui_close_top(ui);
	return UI_DRAW;
}

/* Switch tab by delta, wrapping; closes an overlay first. */
static int switch_tab(struct ui *ui, int delta)
{
	int t = ((int)ui->tab + delta + TAB_COUNT) % TAB_COUNT;

	if (ui->overlay)
		ui_close_top(ui);
	ui->tab = (enum tab)t;
	if (!ui->tabs[t])
		ui->tabs[t] = tab_pane_new(ui, (enum tab)t);
	else if (ui->tabs[t]->ops->show)
		ui->tabs[t]->ops->show(ui->tabs[t]);
	if (!tab_built(ui->tab))
		status_info(ui, "%s: not built yet", tab_name(ui->tab));
	return UI_DRAW;
}

static int run_pane_next(struct ui *ui)
{
	return switch_tab(ui, 1);
}

static int run_pane_prev(struct ui *ui)
{
	return switch_tab(ui, -1);
}

/* Search and limit act on the inbox: a message view on top is closed. */
static struct pane *inbox_for_filter(struct ui *ui)
{
	if (ui->overlay)
		ui_close_top(ui);
	ui->tab = TAB_INBOX;
	if (ui->view[TAB_INBOX])
		ui_close_top(ui);
	return ui->tabs[TAB_INBOX];
}

static int search_done(struct ui *ui, const char *text, void *arg)
{
	(void)arg;
	pane_inbox_search(inbox_for_filter(ui), text);
	return UI_DRAW;
}

static int limit_done(struct ui *ui, const char *text, void *arg)
{
	(void)arg;
	pane_inbox_limit(inbox_for_filter(ui), text);
	return UI_DRAW;
}

static int run_search(struct ui *ui)
{
	prompt_open(ui, PROMPT_SEARCH, "search", NULL, search_done, NULL, NULL);
	return UI_DRAW;
}

static int run_limit(struct ui *ui)
{
	prompt_open(ui, PROMPT_LIMIT, "limit to", NULL, limit_done, NULL, NULL);
	return UI_DRAW;
}

static int prompt_done(struct ui *ui, const char *text, void *arg)
{
	(void)arg;
	return command_line_run(ui, text);
}

static int run_prompt(struct ui *ui)
{
	prompt_open(ui, PROMPT_COMMAND, "", NULL, prompt_done, NULL, NULL);
	return UI_DRAW;
}

static int run_preview(struct ui *ui)
{
	ui->preview = !ui->preview;
	ui_layout(ui);
	status_info(ui, "preview: %s", ui->preview ? "on" : "off");
	return UI_DRAW | UI_FULL;
}

static int run_tag_prefix(struct ui *ui)
{
	size_t n = ui->tabs[TAB_INBOX] ? pane_inbox_ntagged(ui->tabs[TAB_INBOX]) : 0;

	if (n == 0) {
		status_info(ui, "no message is tagged");
		return UI_DRAW;
	}
	ui->tag_prefix = 1;
	status_info(ui, "the next command applies to %zu tagged message%s", n, n == 1 ? "" : "s");
	return UI_DRAW;
}

static int run_redraw(struct ui *ui)
{
	(void)ui;
	return UI_DRAW | UI_FULL;
}

/* The ui-level handlers; a command missing here is the pane's business. */
static const struct {
	enum cmd_id cmd;
	int (*run)(struct ui *ui);
} handlers[] = {
    {CMD_QUIT, run_quit},     {CMD_HELP, run_help},           {CMD_MESSAGES, run_messages},
    {CMD_CLOSE, run_close},   {CMD_PANE_NEXT, run_pane_next}, {CMD_PANE_PREV, run_pane_prev},
    {CMD_SEARCH, run_search}, {CMD_REDRAW, run_redraw},     {CMD_LIMIT, run_limit},
    {CMD_PROMPT, run_prompt}, {CMD_TAG_APPLY, run_tag_prefix}, {CMD_PREVIEW, run_preview},
    {CMD_REPLY, reply_command}, {CMD_RECOS, recos_open},  {CMD_ACCEPT, recos_accept_message}, {CMD_REJECT, recos_reject_message},
};

int command_run(struct ui *ui, enum cmd_id cmd)
{
	struct pane *p = ui_focus(ui);
	int flags = p ? pane_command(p, cmd) : UI_UNHANDLED;
	size_t i;

	if (!(flags & UI_UNHANDLED))
		return flags;
	for (i = 0; i < VA_ARRAY_LEN(handlers); i++)
		if (handlers[i].cmd == cmd)
			return handlers[i].run(ui);
	if (triage_is(cmd) && ui->overlay) {
		status_info(ui, "%s: close the overlay first", command_name(cmd));
		return UI_DRAW;
	}
	if (triage_is(cmd))
		return triage_run(ui, cmd, NULL);
	status_info(ui, "%s: nothing to do here", command_name(cmd));
	return UI_DRAW;
}

int command_run_arg(struct ui *ui, enum cmd_id cmd, const char *arg)
{
	if (!arg)
		return command_run(ui, cmd);
	if (cmd == CMD_SEARCH)
		return search_done(ui, arg, NULL);
	if (cmd == CMD_LIMIT)
		return limit_done(ui, arg, NULL);
	if (ui->overlay)
		ui_close_top(ui);
	return triage_run(ui, cmd, arg);
}
