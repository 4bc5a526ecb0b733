/*
 * parse: the line reader shared by keymaps/NAME.keys and themes/NAME.theme.  Each
 * line is split into blank-separated words; blank lines and lines whose first
 * word starts with '#' are skipped.  Statements decide themselves where a
 * trailing "# comment" starts, so that "#" can still be bound as a key.
 * Errors come back as NAME:LINE: what (STYLE 12) and the line is skipped.
 * Also ui_check_file(), the terminal-free check of one such file.
 */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/paths.h"
#include "va/ui.h"
#include "va/util.h"

void ui_parse_text(const char *name, const char *text, ui_statement_fn fn, void *arg,
                   struct errlist *errs)
{
	char *copy = xstrdup(text), *next, *line, *w[UI_MAX_WORDS], *save, *err;
	int lineno = 0, n;

	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		save = NULL;
		for (n = 0; n < UI_MAX_WORDS; n++)
			if (!(w[n] = strtok_r(n ? NULL : line, " \t\r", &save)))
				break;
		if (n == 0 || w[0][0] == '#')
			continue;
		if (n == UI_MAX_WORDS && strtok_r(NULL, " \t\r", &save))
			err = xstrdup("too many words");
		else
			err = fn(arg, w, n);
		if (err)
			errlist_add(errs, "%s:%d: %s", name, lineno, err);
		free(err);
	}
	free(copy);
}

int ui_words_end(char **w, int n, int from)
{
	int i;

	for (i = from; i < n; i++)
		if (w[i][0] == '#')
			return i;
	return n;
}

char *ui_find_file(const char *setting, const char *kind, const char *ext)
{
	const char *home = getenv("HOME");
	char *dir, *p, *rel;

	if (strchr(setting, '/'))
		return str_starts(setting, "~/") && home ? xasprintf("%s/%s", home, setting + 2)
		                                         : xstrdup(setting);
	dir = paths_config_dir();
	p = xasprintf("%s/%s/%s.%s", dir, kind, setting, ext);
	free(dir);
	if (file_exists(p))
		return p;
	free(p);
	rel = xasprintf("%s/%s.%s", kind, setting, ext);
	p = paths_shipped(rel);
	free(rel);
	return p;
}

int ui_check_file(const char *path, char ***errs, size_t *nerrs)
{
	struct errlist e = {*errs, *nerrs};
	struct keymap km;
	struct theme t;
	int keys = str_ends(path, ".keys"), theme = str_ends(path, ".theme");
	char *cause = NULL, *text = keys || theme ? file_read(path, NULL, &cause) : NULL;

	memset(&km, 0, sizeof km);
	memset(&t, 0, sizeof t);
	if (!keys && !theme)
		errlist_add(&e, "%s: not a keymap (.keys) or theme (.theme) file", path);
	else if (!text)
		errlist_add(&e, "%s", cause ? cause : path);
	else if (keys)
		keymap_parse(&km, path, text, &e);
	else
		theme_parse(&t, path, text, &e);
	keymap_release(&km);
	theme_release(&t);
	free(cause);
	*errs = e.v;
	*nerrs = e.n;
	if (!text)
		return -1;
	free(text);
	return 0;
}
