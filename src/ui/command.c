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
	if (ui->tab != TAB_INBOX)
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

static int run_search(struct ui *ui)
{
	status_info(ui, "search: not built yet (try `va search QUERY` on the command line)");
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
    {CMD_SEARCH, run_search}, {CMD_REDRAW, run_redraw},
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
	status_info(ui, "%s: nothing to do here", command_name(cmd));
	return UI_DRAW;
}
