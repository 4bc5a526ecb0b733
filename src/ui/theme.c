/*
 * theme: colour roles read from themes/NAME.theme (STYLE 14).  Code asks for a
 * role (inbox.unread, status.error); the theme maps it to colours and
 * attributes.  A role the file does not set inherits from its parent role.
 *
 * File syntax, one statement a line, # comments:
 *     color ROLE FG BG [ATTR...]
 * FG/BG: default black red green yellow blue magenta cyan white, colorN
 * (0-255); ATTR: bold underline reverse dim (also comma-separated).
 *
 * Mono (NO_COLOR set, a terminal without colours, or theme = mono) reads the
 * shipped mono.theme alone and ignores colours; otherwise default.theme is
 * the base and the chosen theme is read on top of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/util.h"

static const struct {
	const char *name;
	enum role parent;
} roles[ROLE_COUNT] = {
    [ROLE_NORMAL] = {"normal", ROLE_NORMAL},
    [ROLE_BAR] = {"bar", ROLE_NORMAL},
    [ROLE_BAR_ACTIVE] = {"bar.active", ROLE_BAR},
    [ROLE_BAR_TITLE] = {"bar.title", ROLE_BAR},
    [ROLE_STATUS] = {"status", ROLE_NORMAL},
    [ROLE_STATUS_ERROR] = {"status.error", ROLE_STATUS},
    [ROLE_STATUS_INFO] = {"status.info", ROLE_STATUS},
    [ROLE_INBOX_ROW] = {"inbox.row", ROLE_NORMAL},
    [ROLE_INBOX_UNREAD] = {"inbox.unread", ROLE_INBOX_ROW},
    [ROLE_INBOX_SELECTED] = {"inbox.selected", ROLE_INBOX_ROW},
    [ROLE_INBOX_FLAGS] = {"inbox.flags", ROLE_INBOX_ROW},
    [ROLE_INBOX_DATE] = {"inbox.date", ROLE_INBOX_ROW},
    [ROLE_INBOX_SENDER] = {"inbox.sender", ROLE_INBOX_ROW},
    [ROLE_CAT_IMPORTANT] = {"category.important", ROLE_INBOX_ROW},
    [ROLE_CAT_ACTIONABLE] = {"category.actionable", ROLE_INBOX_ROW},
    [ROLE_CAT_FOLLOWUP] = {"category.followup", ROLE_INBOX_ROW},
    [ROLE_CAT_PROMOTIONAL] = {"category.promotional", ROLE_INBOX_ROW},
    [ROLE_CAT_SPAM] = {"category.spam", ROLE_INBOX_ROW},
    [ROLE_CAT_OTHER] = {"category.other", ROLE_INBOX_ROW},
    [ROLE_MSG_LABEL] = {"message.label", ROLE_NORMAL},
    [ROLE_MSG_HEADER] = {"message.header", ROLE_NORMAL},
    [ROLE_MSG_BODY] = {"message.body", ROLE_NORMAL},
    [ROLE_MSG_QUOTE] = {"message.quote", ROLE_MSG_BODY},
    [ROLE_MSG_ATTACHMENT] = {"message.attachment", ROLE_NORMAL},
    [ROLE_MSG_PROBLEM] = {"message.problem", ROLE_NORMAL},
    [ROLE_HELP_BORDER] = {"help.border", ROLE_NORMAL},
    [ROLE_HELP_TITLE] = {"help.title", ROLE_HELP_BORDER},
    [ROLE_HELP_SECTION] = {"help.section", ROLE_NORMAL},
    [ROLE_NOTICE] = {"notice", ROLE_NORMAL},
};

static const char *const colour_names[] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

static const struct {
	const char *name;
	attr_t attr;
} attr_names[] = {
    {"bold", A_BOLD}, {"underline", A_UNDERLINE}, {"reverse", A_REVERSE},
    {"dim", A_DIM},   {"none", A_NORMAL},
};

/* Built-in last resort when no theme file can be found: the same syntax. */
static const char fallback_theme[] = "color bar.active default default reverse\n"
                                     "color inbox.selected default default reverse\n"
                                     "color inbox.unread default default bold\n"
                                     "color status default default reverse\n"
                                     "color status.error default default reverse,bold\n";

static enum role role_find(const char *name)
{
	size_t i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (!strcmp(roles[i].name, name))
			return (enum role)i;
	return ROLE_COUNT;
}

/* A colour word to a curses number (-1 default); -2 when not a colour. */
static short colour_parse(const char *s)
{
	char *end;
	long n;
	size_t i;

	if (!strcmp(s, "default"))
		return -1;
	for (i = 0; i < VA_ARRAY_LEN(colour_names); i++)
		if (!strcmp(s, colour_names[i]))
			return (short)i;
	if (strncmp(s, "color", 5) != 0 || !s[5])
		return -2;
	n = strtol(s + 5, &end, 10);
	return (*end || n < 0 || n > 255) ? -2 : (short)n;
}

/* "bold,underline" into *out; the word that is not an attribute, or NULL. */
static const char *attrs_parse(char *s, attr_t *out)
{
	char *save = NULL, *w;
	size_t i;

	for (w = strtok_r(s, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < VA_ARRAY_LEN(attr_names); i++)
			if (!strcmp(w, attr_names[i].name))
				break;
		if (i == VA_ARRAY_LEN(attr_names))
			return w;
		*out |= attr_names[i].attr;
	}
	return NULL;
}

/* One "color ROLE FG BG [ATTR...]" statement (a ui_statement_fn). */
static char *theme_statement(void *arg, char **w, int n)
{
	struct theme *t = arg;
	struct theme_style st = {-1, -1, A_NORMAL, 1};
	const char *bad;
	enum role r;
	int i;

	n = ui_words_end(w, n, 1);
	if (strcmp(w[0], "color") != 0)
		return xasprintf("unknown statement \"%s\" (expected color)", w[0]);
	if (n < 4)
		return xasprintf("expected color ROLE FG BG [ATTR...]");
	if ((r = role_find(w[1])) == ROLE_COUNT)
		return xasprintf("unknown role \"%s\"", w[1]);
	if ((st.fg = colour_parse(w[2])) == -2 || (st.bg = colour_parse(w[3])) == -2)
		return xasprintf("unknown colour \"%s\" (use a name or colorN)",
		                 st.fg == -2 ? w[2] : w[3]);
	for (i = 4; i < n; i++)
		if ((bad = attrs_parse(w[i], &st.attrs)))
			return xasprintf("unknown attribute \"%s\"", bad);
	t->s[r] = st;
	return NULL;
}

void theme_parse(struct theme *t, const char *name, const char *text, struct errlist *errs)
{
	ui_parse_text(name, text, theme_statement, t, errs);
}

/* Read a theme file into t; -1 when it cannot be read. */
static int theme_file(struct theme *t, const char *path, struct errlist *errs)
{
	char *cause = NULL, *text = file_read(path, NULL, &cause);

	if (!text) {
		errlist_add(errs, "cannot read theme: %s", cause ? cause : path);
		free(cause);
		return -1;
	}
	theme_parse(t, path, text, errs);
	free(text);
	return 0;
}

/* Read the named theme into t; -1 when it cannot be found or read. */
static int theme_load_named(struct theme *t, const char *name, struct errlist *errs)
{
	char *path = ui_find_file(name, "themes", "theme");

	if (!path) {
		errlist_add(errs, "cannot find theme \"%s\" (default, light, mono, or a file path)",
		            name);
		return -1;
	}
	if (theme_file(t, path, errs) < 0) {
		free(path);
		return -1;
	}
	free(t->name);
	t->name = path;
	return 0;
}

/* Fill unset roles from their parents, then make curses attributes. */
static void theme_resolve(struct theme *t)
{
	int i, can_default = !t->mono && use_default_colors() == OK;
	struct theme_style *s;

	for (i = 0; i < ROLE_COUNT; i++) {
		s = &t->s[i];
		if (!s->set && i != ROLE_NORMAL)
			*s = t->s[roles[i].parent];
		t->attr[i] = s->attrs;
		if (t->mono || (s->fg == -1 && s->bg == -1) || i + 1 >= COLOR_PAIRS)
			continue;
		init_pair((short)(i + 1), s->fg >= COLORS ? -1 : s->fg,
		          s->bg >= COLORS ? -1 : s->bg);
		if (!can_default)
			init_pair((short)(i + 1), s->fg < 0 ? COLOR_WHITE : s->fg,
			          s->bg < 0 ? COLOR_BLACK : s->bg);
		t->attr[i] |= COLOR_PAIR(i + 1);
	}
}

void theme_setup(struct theme *t, const char *setting, struct errlist *errs)
{
	const char *nc = getenv("NO_COLOR");

	memset(t, 0, sizeof(*t));
	t->s[ROLE_NORMAL].fg = t->s[ROLE_NORMAL].bg = -1;
	if (!setting || !*setting)
		setting = "default";
	t->mono = (nc && *nc) || !has_colors() || !strcmp(setting, "mono");
	if (!t->mono && start_color() != OK)
		t->mono = 1;
	if (theme_load_named(t, t->mono ? "mono" : "default", errs) < 0)
		theme_parse(t, "built-in theme", fallback_theme, errs);
	if (!t->mono && strcmp(setting, "default") != 0)
		theme_load_named(t, setting, errs);
	theme_resolve(t);
}

void theme_release(struct theme *t)
{
	x_free(&t->name);
}

attr_t theme_attr(const struct theme *t, enum role r)
{
	return r < ROLE_COUNT ? t->attr[r] : A_NORMAL;
}

enum role theme_category_role(const char *category)
{
	char name[64];
	enum role r;

	if (!category)
		return ROLE_CAT_OTHER;
	snprintf(name, sizeof name, "category.%s", category);
	r = role_find(name);
	return r == ROLE_COUNT ? ROLE_CAT_OTHER : r;
}
