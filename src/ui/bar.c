/*
 * bar: the pane bar on the top line and the table of panes behind it.  A pane
 * that is not built yet has no constructor here and shows a plain notice.
 */
#include <stdlib.h>

#include "ui_internal.h"
#include "va/util.h"

static const struct {
	const char *name;
	struct pane *(*create)(struct ui *ui); /* NULL: not built yet */
} tabs[TAB_COUNT] = {
    [TAB_INBOX] = {"Inbox", pane_inbox_new}, [TAB_RULES] = {"Rules", pane_rules_new},
    [TAB_TEMPLATES] = {"Templates", pane_templates_new},   [TAB_JOBS] = {"Jobs", pane_jobs_new},
    [TAB_ANALYSIS] = {"Analysis", pane_analysis_new},     [TAB_AUDIT] = {"Audit", pane_audit_new},
};

const char *tab_name(enum tab t)
{
	return t < TAB_COUNT ? tabs[t].name : "?";
}

/* The text of a pane not built yet (a text_build_fn; the tab is the current one). */
static void placeholder_build(struct ui *ui, struct lines *out, int width)
{
	char *s = xasprintf("%s: not built yet.", tab_name(ui->tab));

	lines_add(out, ROLE_NOTICE, "");
	lines_wrap(out, ROLE_NOTICE, s, width);
	lines_wrap(out, ROLE_NORMAL,
	           "This pane arrives with a later issue; its CLI commands will come with it.",
	           width);
	free(s);
}

int tab_built(enum tab t)
{
	return t < TAB_COUNT && tabs[t].create != NULL;
}

struct pane *tab_pane_new(struct ui *ui, enum tab t)
{
	if (tabs[t].create)
		return tabs[t].create(ui);
	return pane_text_new(ui, tabs[t].name, KM_GLOBAL, placeholder_build);
}

void bar_draw(struct ui *ui, WINDOW *w)
{
	const struct theme *th = &ui->theme;
	struct pane *shown = ui->view[ui->tab] ? ui->view[ui->tab] : ui->tabs[ui->tab];
	int cols = getmaxx(w), x = 0, i, tw, avail;
	char *label, *title;

	werase(w);
	mvwhline(w, 0, 0, ' ' | theme_attr(th, ROLE_BAR), cols);
	for (i = 0; i < TAB_COUNT && x < cols; i++) {
		label = xasprintf(" %s ", tabs[i].name);
		tw = (int)utf8_width(label);
		tw = tw < cols - x ? tw : cols - x;
		ui_put(w, 0, x, label, tw,
		       theme_attr(th, (enum tab)i == ui->tab ? ROLE_BAR_ACTIVE : ROLE_BAR));
		x += tw;
		free(label);
	}
	avail = cols - x - 2;
	if (!shown || avail < 5)
		return;
	title = pane_title(shown);
	label = xasprintf(" %s ", title);
	tw = (int)utf8_width(label);
	tw = tw < avail ? tw : avail;
	ui_put(w, 0, cols - tw, label, tw, theme_attr(th, ROLE_BAR_TITLE));
	free(label);
	free(title);
}
