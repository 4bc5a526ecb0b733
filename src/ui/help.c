/*
 * help: the text of the overlays, generated, never written by hand: the help
 * overlay from the active keymap and the command table (STYLE 3, 13), the
 * messages overlay from the errors collected since start-up.
 */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/util.h"

enum { KEYS_COLS = 18, NAME_COLS = 16 };

/* "j, Down" for every key bound to cmd in ctx; NULL when none. */
static char *keys_for(const struct keymap *km, enum km_context ctx, enum cmd_id cmd)
{
	struct strbuf sb = STRBUF_INIT;
	char name[32];
	size_t i;

	sb_init(&sb);
	for (i = 0; i < km->n; i++) {
		if (km->b[i].ctx != ctx || km->b[i].cmd != cmd)
			continue;
		if (sb.len)
			sb_adds(&sb, ", ");
		sb_adds(&sb, key_to_name(km->b[i].key, name, sizeof name));
	}
	if (sb.len == 0) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

/* "  KEYS  name  what it does", each column cut to its width. */
static void help_row(struct lines *out, const char *keys, const struct command_def *c, int width)
{
	char *k = utf8_fit(keys, KEYS_COLS, 1), *n = utf8_fit(c->name, NAME_COLS, 1), *row, *fit;
	int rest = width - 2 - KEYS_COLS - NAME_COLS - 2;

	fit = utf8_fit(c->doc, rest > 0 ? (size_t)rest : 0, 0);
	row = xasprintf("  %s %s %s", k, n, fit);
	lines_add(out, ROLE_NORMAL, row);
	free(row);
	free(fit);
	free(k);
	free(n);
}

static void help_context(struct ui *ui, struct lines *out, enum km_context ctx, int width)
{
	char *keys, *title;
	size_t i;
	int any = 0;

	for (i = 0; i < CMD_COUNT; i++) {
		if (!(keys = keys_for(&ui->keymap, ctx, (enum cmd_id)i)))
			continue;
		if (!any++) {
			title = xasprintf(
			    "Keys in %s%s", keymap_context_name(ctx),
			    ctx == KM_GLOBAL ? " (everywhere unless a pane binds the key)" : "");
			lines_add(out, ROLE_NORMAL, "");
			lines_add(out, ROLE_HELP_SECTION, title);
			free(title);
		}
		help_row(out, keys, &command_table[i], width);
		free(keys);
	}
}

/* Commands no key reaches. */
static void help_unbound(struct ui *ui, struct lines *out, int width)
{
	size_t i, j;
	int any = 0;

	for (i = 0; i < CMD_COUNT; i++) {
		for (j = 0; j < ui->keymap.n && ui->keymap.b[j].cmd != (enum cmd_id)i; j++)
			;
		if (j < ui->keymap.n)
			continue;
		if (!any++) {
			lines_add(out, ROLE_NORMAL, "");
			lines_add(out, ROLE_HELP_SECTION, "Commands without a key");
		}
		help_row(out, "", &command_table[i], width);
	}
}

void help_build(struct ui *ui, struct lines *out, int width)
{
	char *s;
	int c;

	s = xasprintf("Keymap: %s", ui->keymap.name ? ui->keymap.name : "(none)");
	lines_wrap(out, ROLE_HELP_SECTION, s, width);
	free(s);
	s = xasprintf("Theme: %s%s", ui->theme.name ? ui->theme.name : "(built-in)",
	              ui->theme.mono ? " (no colours)" : "");
	lines_wrap(out, ROLE_HELP_SECTION, s, width);
	free(s);
	for (c = 0; c < KM_COUNT; c++)
		help_context(ui, out, (enum km_context)c, width);
	help_unbound(ui, out, width);
}

void messages_build(struct ui *ui, struct lines *out, int width)
{
	size_t i;

	if (ui->log.n == 0) {
		lines_add(out, ROLE_NOTICE, "No errors or warnings since start-up.");
		return;
	}
	for (i = 0; i < ui->log.n; i++)
		lines_wrap(out, ROLE_MSG_PROBLEM, ui->log.v[i], width);
}
