/*
 * keymap: key tables read from keymaps/NAME.keys (STYLE 11, 13).  Keys bind to
 * the named commands of include/va/commands.h in a context: global, inbox,
 * message, help, rules, jobs or recommendations; a key looks in its pane's
 * context first, then global.
 *
 * File syntax, one statement a line, # comments:
 *     bind CONTEXT KEY COMMAND      a later bind of the same key wins
 *     unbind CONTEXT KEY
 *     unbind all                    start from an empty table
 *
 * The built-in defaults are the shipped keymaps/vi.keys read by this same
 * parser; any other keymap (emacs, a user file) is read on top of it.
 */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/paths.h"
#include "va/util.h"

static const char *const context_names[KM_COUNT] = {
    [KM_GLOBAL] = "global",
    [KM_INBOX] = "inbox",
    [KM_MESSAGE] = "message",
    [KM_HELP] = "help",
    [KM_RULES] = "rules",
    [KM_JOBS] = "jobs",
    [KM_RECOS] = "recommendations",
    [KM_TEMPLATES] = "templates",
    [KM_ANALYSIS] = "analysis",
};

/* Last resort when keymaps/vi.keys cannot be found: enough to get out. */
static const char fallback_keys[] = "bind global q quit\n"
                                    "bind global ? help\n"
                                    "bind global Esc close\n"
                                    "bind global Down next\n"
                                    "bind global Up prev\n"
                                    "bind global Enter open\n";

const char *keymap_context_name(enum km_context ctx)
{
	return ctx < KM_COUNT ? context_names[ctx] : "?";
}

static int context_find(const char *name)
{
	size_t i;

	for (i = 0; i < KM_COUNT; i++)
		if (!strcmp(context_names[i], name))
			return (int)i;
	return -1;
}

/* Index of the binding of key in ctx, or km->n. */
static size_t binding_find(const struct keymap *km, enum km_context ctx, int key)
{
	size_t i;

	for (i = 0; i < km->n; i++)
		if (km->b[i].ctx == ctx && km->b[i].key == key)
			break;
	return i;
}

static void keymap_bind(struct keymap *km, enum km_context ctx, int key, enum cmd_id cmd)
{
	size_t i = binding_find(km, ctx, key);

	if (i == km->n) {
		xgrow((void **)&km->b, &km->cap, km->n + 1, sizeof(*km->b));
		km->n++;
	}
	km->b[i].ctx = ctx;
	km->b[i].key = key;
	km->b[i].cmd = cmd;
}

static void keymap_unbind(struct keymap *km, enum km_context ctx, int key)
{
	size_t i = binding_find(km, ctx, key);

	if (i == km->n)
		return;
	memmove(&km->b[i], &km->b[i + 1], (km->n - i - 1) * sizeof(*km->b));
	km->n--;
}

/* An unknown command, with the closest name when there is one. */
static char *unknown_command(const char *name)
{
	const char *names[CMD_COUNT], *hint;
	size_t i;

	for (i = 0; i < CMD_COUNT; i++)
		names[i] = command_table[i].name;
	hint = str_suggest(name, names, CMD_COUNT);
	if (hint)
		return xasprintf("unknown command \"%s\" (did you mean \"%s\"?)", name, hint);
	return xasprintf("unknown command \"%s\"", name);
}

/* Context and key of a bind/unbind statement (w[1], w[2]). */
static char *parse_target(char **w, int *ctx, int *key)
{
	if ((*ctx = context_find(w[1])) < 0)
		return xasprintf("unknown context \"%s\" (global, inbox, message, help, rules, jobs or "
		                 "recommendations)", w[1]);
	if ((*key = key_from_name(w[2])) < 0)
		return xasprintf("unknown key \"%s\" (names look like j, C-d, Enter, PageDown, F1)",
		                 w[2]);
	return NULL;
}

/* bind/unbind (a ui_statement_fn). */
static char *keymap_statement(void *arg, char **w, int n)
{
	struct keymap *km = arg;
	int is_bind = !strcmp(w[0], "bind"), ctx = 0, key = 0, want = is_bind ? 4 : 3;
	enum cmd_id cmd = CMD_NONE;
	char *err;

	if (!is_bind && strcmp(w[0], "unbind") != 0)
		return xasprintf("unknown statement \"%s\" (expected bind or unbind)", w[0]);
	if (!is_bind && n >= 2 && !strcmp(w[1], "all") && ui_words_end(w, n, 2) == 2) {
		km->n = 0;
		return NULL;
	}
	if (n < want || ui_words_end(w, n, want) != want)
		return xasprintf(is_bind ? "expected bind CONTEXT KEY COMMAND"
		                         : "expected unbind CONTEXT KEY or unbind all");
	if ((err = parse_target(w, &ctx, &key)))
		return err;
	if (is_bind && (cmd = command_find(w[3])) == CMD_NONE)
		return unknown_command(w[3]);
	if (is_bind)
		keymap_bind(km, (enum km_context)ctx, key, cmd);
	else
		keymap_unbind(km, (enum km_context)ctx, key);
	return NULL;
}

void keymap_parse(struct keymap *km, const char *name, const char *text, struct errlist *errs)
{
	ui_parse_text(name, text, keymap_statement, km, errs);
}

/* Read a keymap file into km and note its name; -1 when it cannot be read. */
static int keymap_file(struct keymap *km, const char *path, struct errlist *errs)
{
	char *cause = NULL, *text = file_read(path, NULL, &cause), *name;

	if (!text) {
		errlist_add(errs, "cannot read keymap: %s", cause ? cause : path);
		free(cause);
		return -1;
	}
	keymap_parse(km, path, text, errs);
	free(text);
	name = km->name ? xasprintf("%s + %s", km->name, path) : xstrdup(path);
	free(km->name);
	km->name = name;
	return 0;
}

void keymap_setup(struct keymap *km, const char *setting, struct errlist *errs)
{
	char *base = paths_shipped("keymaps/vi.keys"), *path;

	memset(km, 0, sizeof(*km));
	if (!base || keymap_file(km, base, errs) < 0) {
		if (!base)
			errlist_add(errs,
			            "cannot find the shipped keymaps/vi.keys; using minimal keys");
		keymap_parse(km, "built-in keys", fallback_keys, errs);
		km->name = xstrdup("built-in keys");
	}
	if (setting && *setting && strcmp(setting, "vi") != 0) {
		path = ui_find_file(setting, "keymaps", "keys");
		if (path)
			keymap_file(km, path, errs);
		else
			errlist_add(errs, "cannot find keymap \"%s\" (vi, emacs, or a file path)",
			            setting);
		free(path);
	}
	free(base);
}

void keymap_release(struct keymap *km)
{
	x_free(&km->b);
	x_free(&km->name);
	km->n = km->cap = 0;
}

enum cmd_id keymap_lookup(const struct keymap *km, enum km_context ctx, int key)
{
	size_t i = binding_find(km, ctx, key);

	if (i == km->n && ctx != KM_GLOBAL)
		i = binding_find(km, KM_GLOBAL, key);
	return i < km->n ? km->b[i].cmd : CMD_NONE;
}

int keymap_key_for(const struct keymap *km, enum km_context ctx, enum cmd_id cmd)
{
	size_t i;

	for (i = 0; i < km->n; i++)
		if (km->b[i].ctx == ctx && km->b[i].cmd == cmd)
			return km->b[i].key;
	for (i = 0; ctx != KM_GLOBAL && i < km->n; i++)
		if (km->b[i].ctx == KM_GLOBAL && km->b[i].cmd == cmd)
			return km->b[i].key;
	return -1;
}
