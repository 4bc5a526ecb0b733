/*
 * prompt: the one-line editor drawn on the status line (`:`, `/`, limit and
 * the questions of move, label and category).  While it is open every key
 * goes to it (ui.c), so keymaps never fire under a half-typed word.
 *
 * Editing is by code point (UTF-8), the cursor is a byte offset on a code
 * point boundary.  Completion: Tab replaces the word being typed (the last
 * word for `:` lines) with the next candidate that starts with it; each
 * kind has its own candidates and its own history (newest last, no
 * repeats, at most HISTORY_MAX).
 */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/replies.h"
#include "va/actions.h"
#include "va/util.h"

enum { HISTORY_MAX = 100 };

struct prompt {
	enum prompt_kind kind;
	char *label;
	struct strbuf text;
	size_t cur;
	prompt_done_fn done;
	void *arg;
	void (*free_arg)(void *);
	char *stem;   /* what Tab completes (NULL: no completion under way) */
	size_t next;  /* the next candidate to try */
	size_t hist;  /* history position while walking it (n: the line being typed) */
};

static void prompt_close(struct ui *ui, int free_arg)
{
	struct prompt *pr = ui->prompt;

	if (!pr)
		return;
	if (free_arg && pr->free_arg)
		pr->free_arg(pr->arg);
	sb_release(&pr->text);
	free(pr->label);
	free(pr->stem);
	free(pr);
	ui->prompt = NULL;
}

void prompt_open(struct ui *ui, enum prompt_kind kind, const char *label, const char *initial,
                 prompt_done_fn done, void *arg, void (*free_arg)(void *))
{
	struct prompt *pr = xcalloc(1, sizeof(*pr));

	prompt_close(ui, 1);
	pr->kind = kind;
	pr->label = xstrdup(label);
	sb_init(&pr->text);
	sb_adds(&pr->text, initial ? initial : "");
	pr->cur = pr->text.len;
	pr->done = done;
	pr->arg = arg;
	pr->free_arg = free_arg;
	pr->hist = ui->history[kind].n;
	ui->prompt = pr;
}

/* The template names Tab completes from (names_add borrows them). */
static struct {
	struct replies_template *v;
	size_t n;
} tmpl_names;

void prompt_free(struct ui *ui)
{
	size_t k, i;

	prompt_close(ui, 1);
	for (k = 0; k < PROMPT_COUNT; k++) {
		for (i = 0; i < ui->history[k].n; i++)
			free(ui->history[k].v[i]);
		free(ui->history[k].v);
		ui->history[k].v = NULL;
		ui->history[k].n = 0;
	}
	replies_templates_free(tmpl_names.v, tmpl_names.n);
	tmpl_names.v = NULL;
	tmpl_names.n = 0;
}

static void history_add(struct prompt_history *h, const char *line)
{
	size_t i;

	if (!*line)
		return;
	for (i = 0; i < h->n; i++)
		if (!strcmp(h->v[i], line)) {
			free(h->v[i]);
			memmove(h->v + i, h->v + i + 1, (h->n - i - 1) * sizeof(*h->v));
			h->n--;
			break;
		}
	if (h->n == HISTORY_MAX) {
		free(h->v[0]);
		memmove(h->v, h->v + 1, (h->n - 1) * sizeof(*h->v));
		h->n--;
	}
	h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
	h->v[h->n++] = xstrdup(line);
}

/* ---- candidates for Tab ---- */

struct names {
	const char **v;
	size_t n;
};

static void names_add(struct names *c, const char *s)
{
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n++] = s;
}

static void add_history(struct names *c, const struct prompt_history *h)
{
	size_t i;

	for (i = h->n; i-- > 0;)
		names_add(c, h->v[i]);
}

static void add_categories(struct names *c)
{
	size_t i;

	for (i = 0; action_categories[i]; i++)
		names_add(c, action_categories[i]);
}

/* The kind whose candidates complete the argument of a `:` command. */
static enum prompt_kind arg_kind(enum cmd_id cmd)
{
	static const struct {
		enum cmd_id cmd;
		enum prompt_kind kind;
	} map[] = {{CMD_MOVE, PROMPT_FOLDER},     {CMD_LABEL, PROMPT_LABEL},
	           {CMD_UNLABEL, PROMPT_LABEL},   {CMD_CATEGORY, PROMPT_CATEGORY},
	           {CMD_SEARCH, PROMPT_SEARCH},   {CMD_LIMIT, PROMPT_LIMIT}};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(map); i++)
		if (map[i].cmd == cmd)
			return map[i].kind;
	return PROMPT_COUNT;
}

static void candidates(struct ui *ui, enum prompt_kind kind, struct names *c)
{
	static const char *const folders[] = {"Archive", "Trash", "INBOX", "Junk", "Sent"};
	static const char *const limits[] = {"all", "unread", "flagged", "owed", "waiting", "from:"};
	size_t i;

	if (kind == PROMPT_COMMAND)
		for (i = 0; i < CMD_COUNT; i++)
			names_add(c, command_table[i].name);
	if (kind == PROMPT_FOLDER || kind == PROMPT_LABEL || kind == PROMPT_SEARCH)
		add_history(c, &ui->history[kind]);
	if (kind == PROMPT_FOLDER)
		for (i = 0; i < VA_ARRAY_LEN(folders); i++)
			names_add(c, folders[i]);
	if (kind == PROMPT_LIMIT)
		for (i = 0; i < VA_ARRAY_LEN(limits); i++)
			names_add(c, limits[i]);
	if (kind == PROMPT_CATEGORY || kind == PROMPT_LIMIT)
		add_categories(c);
	if (kind == PROMPT_TEMPLATE) { /* read again each time: the files may have changed */
		replies_templates_free(tmpl_names.v, tmpl_names.n);
		tmpl_names.v = NULL;
		tmpl_names.n = 0;
		if (replies_templates_list(ui->app, &tmpl_names.v, &tmpl_names.n, NULL) == 0)
			for (i = 0; i < tmpl_names.n; i++)
				names_add(c, tmpl_names.v[i].name);
	}
}

/* Where the word being completed starts, and which kind completes it. */
static size_t word_start(struct ui *ui, struct prompt *pr, enum prompt_kind *kind)
{
	const char *sp = strchr(pr->text.buf, ' ');
	char *name;

	*kind = pr->kind;
	if (pr->kind != PROMPT_COMMAND || !sp)
		return 0;
	name = xstrndup(pr->text.buf, (size_t)(sp - pr->text.buf));
	*kind = arg_kind(command_find(name));
	free(name);
	(void)ui;
	return (size_t)(sp - pr->text.buf) + 1;
}

static void complete(struct ui *ui, struct prompt *pr)
{
	struct names c = {NULL, 0};
	enum prompt_kind kind;
	size_t start = word_start(ui, pr, &kind), i, sl;

	if (kind == PROMPT_COUNT)
		return;
	if (!pr->stem) {
		pr->stem = xstrdup(pr->text.buf + start);
		pr->next = 0;
	}
	candidates(ui, kind, &c);
	sl = strlen(pr->stem);
	for (i = 0; i < c.n; i++) {
		const char *cand = c.v[(pr->next + i) % c.n];
		if (strncmp(cand, pr->stem, sl))
			continue;
		pr->next = (pr->next + i) % c.n + 1;
		pr->text.len = start;
		pr->text.buf[start] = '\0';
		sb_adds(&pr->text, cand);
		pr->cur = pr->text.len;
		break;
	}
	free(c.v);
}

/* ---- editing ---- */

static size_t prev_cp(const char *s, size_t at)
{
	while (at > 0 && ((unsigned char)s[--at] & 0xC0) == 0x80)
		;
	return at;
}

static size_t next_cp(const char *s, size_t len, size_t at)
{
	if (at < len)
		at++;
	while (at < len && ((unsigned char)s[at] & 0xC0) == 0x80)
		at++;
	return at;
}

static void delete_range(struct prompt *pr, size_t from, size_t to)
{
	memmove(pr->text.buf + from, pr->text.buf + to, pr->text.len - to + 1);
	pr->text.len -= to - from;
	pr->cur = from;
}

/* The UTF-8 bytes of code point cp into buf (at least 5 bytes); their count. */
static size_t utf8_encode(unsigned cp, char *buf)
{
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, i;
	static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};

	for (i = n - 1; i > 0; i--) {
		buf[i] = (char)(0x80 | (cp & 0x3F));
		cp >>= 6;
	}
	buf[0] = (char)(n == 1 ? cp : (lead[n] | cp));
	buf[n] = '\0';
	return n;
}

static void insert_key(struct prompt *pr, int key)
{
	char utf8[8];
	size_t n = utf8_encode((unsigned)key, utf8);

	sb_grow(&pr->text, n);
	memmove(pr->text.buf + pr->cur + n, pr->text.buf + pr->cur, pr->text.len - pr->cur + 1);
	memcpy(pr->text.buf + pr->cur, utf8, n);
	pr->text.len += n;
	pr->cur += n;
}

static void set_text(struct prompt *pr, const char *s)
{
	sb_reset(&pr->text);
	sb_adds(&pr->text, s);
	pr->cur = pr->text.len;
}

static void walk_history(struct ui *ui, struct prompt *pr, int delta)
{
	const struct prompt_history *h = &ui->history[pr->kind];

	if (delta < 0 && pr->hist > 0)
		pr->hist--;
	else if (delta > 0 && pr->hist < h->n)
		pr->hist++;
	else
		return;
	set_text(pr, pr->hist < h->n ? h->v[pr->hist] : "");
}

static int finish(struct ui *ui)
{
	struct prompt *pr = ui->prompt;
	prompt_done_fn done = pr->done;
	void *arg = pr->arg;
	void (*free_arg)(void *) = pr->free_arg;
	char *text = xstrdup(pr->text.buf);
	int flags;

	history_add(&ui->history[pr->kind], text);
	prompt_close(ui, 0);
	flags = done(ui, text, arg);
	if (free_arg)
		free_arg(arg);
	free(text);
	return flags | UI_DRAW;
}

/* Keys that edit: 0 when key is not one of them. */
static int edit_key(struct ui *ui, struct prompt *pr, int key)
{
	const char *s = pr->text.buf;

	if (key == (KEYC_FN | KEY_BACKSPACE) && pr->cur > 0)
		delete_range(pr, prev_cp(s, pr->cur), pr->cur);
	else if (key == (KEYC_FN | KEY_DC) || key == 4 /* C-d */)
		delete_range(pr, pr->cur, next_cp(s, pr->text.len, pr->cur));
	else if (key == (KEYC_FN | KEY_LEFT) || key == 2 /* C-b */)
		pr->cur = prev_cp(s, pr->cur);
	else if (key == (KEYC_FN | KEY_RIGHT) || key == 6 /* C-f */)
		pr->cur = next_cp(s, pr->text.len, pr->cur);
	else if (key == (KEYC_FN | KEY_HOME) || key == 1 /* C-a */)
		pr->cur = 0;
	else if (key == (KEYC_FN | KEY_END) || key == 5 /* C-e */)
		pr->cur = pr->text.len;
	else if (key == 21 /* C-u */)
		delete_range(pr, 0, pr->cur);
	else if (key == 11 /* C-k */)
		delete_range(pr, pr->cur, pr->text.len);
	else if (key == (KEYC_FN | KEY_UP) || key == 16 /* C-p */)
		walk_history(ui, pr, -1);
	else if (key == (KEYC_FN | KEY_DOWN) || key == 14 /* C-n */)
		walk_history(ui, pr, 1);
	else if (key >= 0x20 && key != 0x7f && !(key & KEYC_FN))
		insert_key(pr, key);
	else
		return key == (KEYC_FN | KEY_BACKSPACE);
	return 1;
}

int prompt_key(struct ui *ui, int key)
{
	struct prompt *pr = ui->prompt;

	if (key == VKEY_ENTER)
		return finish(ui);
	if (key == VKEY_ESC || key == 7 /* C-g */) {
		prompt_close(ui, 1);
		return UI_DRAW;
	}
	if (key == '\t') {
		complete(ui, pr);
		return UI_DRAW;
	}
	x_free(&pr->stem);
	edit_key(ui, pr, key);
	return UI_DRAW;
}

/* The last `cols` columns' worth of s (whole code points); caller frees. */
static char *tail_fit(const char *s, size_t cols)
{
	while (*s && utf8_width(s) > cols)
		s += next_cp(s, strlen(s), 0);
	return xstrdup(s);
}

void prompt_draw(struct ui *ui, WINDOW *w)
{
	struct prompt *pr = ui->prompt;
	int cols = getmaxx(w), x;
	char *before = xasprintf("%s: %.*s", pr->label, (int)pr->cur, pr->text.buf), *shown;
	const char *at = pr->text.buf + pr->cur;
	size_t at_len = next_cp(at, strlen(at), 0);
	char *cell = at_len ? xstrndup(at, at_len) : xstrdup(" ");
	attr_t a = theme_attr(&ui->theme, ROLE_STATUS);

	werase(w);
	mvwhline(w, 0, 0, ' ' | a, cols);
	shown = tail_fit(before, (size_t)(cols > 4 ? cols - 3 : 1));
	x = (int)utf8_width(shown);
	ui_put(w, 0, 0, shown, x, a);
	ui_put(w, 0, x, cell, (int)utf8_width(cell) ? (int)utf8_width(cell) : 1, a | A_REVERSE);
	x += utf8_width(cell) ? (int)utf8_width(cell) : 1;
	if (x < cols)
		ui_put(w, 0, x, at + at_len, cols - x, a);
	free(cell);
	free(shown);
	free(before);
}
