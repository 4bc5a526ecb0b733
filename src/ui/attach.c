/*
 * attach: saving and opening the attachments of the message on screen.
 *
 * Save asks for the attachment (when there are several) and a path (~/
 * expanded; an existing file is never replaced).  Open writes the part to a
 * private temporary directory and runs a viewer on it: the first matching
 * line of ~/.mailcap or /etc/mailcap ("type/subtype; command %s"; lines
 * with a test= or with shell syntax are skipped, since no shell is used),
 * else $PAGER (less) for text.  The viewer runs with fork/execvp while
 * curses is suspended (endwin before, a full repaint after); C-c in it does
 * not reach va.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ui_internal.h"
#include "va/actions.h"
#include "va/message.h"
#include "va/util.h"

enum { MAX_ARGS = 32 };

struct att_req {
	int64_t id;
	int part;
	char *name;     /* file name to suggest */
	char *type;     /* mime type */
	int open;       /* open rather than save */
};

static void req_free(void *arg)
{
	struct att_req *r = arg;

	free(r->name);
	free(r->type);
	free(r);
}

/* "~/x" -> "$HOME/x"; caller frees. */
static char *expand_home(const char *p)
{
	const char *home = getenv("HOME");

	if (p[0] == '~' && p[1] == '/' && home)
		return xasprintf("%s%s", home, p + 1);
	return xstrdup(p);
}

/* A file name safe to put in a directory: no '/', not "." or "..". */
static char *safe_name(const char *name, int part)
{
	char *s, *p;

	if (!name || !*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return xasprintf("part-%d", part);
	s = xstrdup(name);
	for (p = s; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x20)
			*p = '_';
	return s;
}

/* ---- running a viewer ---- */

/* Words of a mailcap command with %s replaced; NULL when it needs a shell. */
static char **viewer_argv(const char *cmd, const char *file, int *stdin_file)
{
	char **argv = xcalloc(MAX_ARGS + 1, sizeof(*argv)), *copy, *w, *save = NULL;
	int n = 0, used = 0;

	if (strpbrk(cmd, "|&;<>$`'\"\\(){}*?")) {
		free(argv);
		return NULL;
	}
	copy = xstrdup(cmd);
	for (w = strtok_r(copy, " \t", &save); w && n < MAX_ARGS; w = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(w, "%s")) {
			argv[n++] = xstrdup(file);
			used = 1;
		} else {
			argv[n++] = xstrdup(w);
		}
	}
	free(copy);
	*stdin_file = !used;
	if (n == 0) {
		free(argv);
		return NULL;
	}
	return argv;
}


/* Does a mailcap type (text/ with a star, or image/png) match type? */
static int type_matches(const char *pattern, const char *type)
{
	size_t n = strlen(pattern);

	if (n >= 2 && !strcmp(pattern + n - 2, "/*"))
		return !strncasecmp(pattern, type, n - 1);
	return !strcasecmp(pattern, type);
}

/* The command of the first usable line for type in one mailcap file. */
static char *mailcap_file(const char *path, const char *type)
{
	size_t len;
	char *text = file_read(path, &len, NULL), *line, *save = NULL, *found = NULL;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *semi = strchr(line, ';'), *cmd, *end;
		if (line[0] == '#' || !semi || strstr(semi, "test="))
			continue;
		*semi = '\0';
		cmd = str_trim(semi + 1);
		if ((end = strchr(cmd, ';')) != NULL)
			*end = '\0';
		if (type_matches(str_trim(line), type) && *str_trim(cmd))
			found = xstrdup(str_trim(cmd));
	}
	free(text);
	return found;
}

static char *viewer_for(const char *type)
{
	const char *home = getenv("HOME"), *pager = getenv("PAGER");
	char *user = home ? xasprintf("%s/.mailcap", home) : NULL, *cmd = NULL;

	if (user)
		cmd = mailcap_file(user, type);
	if (!cmd)
		cmd = mailcap_file("/etc/mailcap", type);
	free(user);
	if (!cmd && str_starts(type, "text/"))
		cmd = xasprintf("%s %%s", pager && *pager ? pager : "less");
	return cmd;
}

/* ---- the commands ---- */

static int open_part(struct ui *ui, struct att_req *r)
{
	const char *tmp = getenv("TMPDIR");
	char *dir, *file, *data = NULL, *cause = NULL, *cmd, **argv;
	size_t len;
	int rc, stdin_file = 0;

	if (!(cmd = viewer_for(r->type))) {
		status_error(ui, "cannot open %s: no viewer for %s (add a line to ~/.mailcap)",
		             r->name, r->type);
		return UI_DRAW;
	}
	dir = xasprintf("%s/va-att-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		status_error(ui, "cannot open %s: cannot make \"%s\": %s", r->name, dir,
		             strerror(errno));
		free(dir);
		free(cmd);
		return UI_DRAW;
	}
	if (attachment_bytes(ui->app, r->id, r->part, &data, &len, &cause) < 0) {
		status_error(ui, "cannot open %s: %s", r->name, cause ? cause : "?");
		rmdir(dir);
		free(dir);
		free(cause);
		free(cmd);
		return UI_DRAW;
	}
	file = xasprintf("%s/%s", dir, r->name);
	rc = file_write_atomic(file, data, len, 0600, &cause);
	argv = rc == 0 ? viewer_argv(cmd, file, &stdin_file) : NULL;
	if (rc < 0)
		status_error(ui, "cannot open %s: %s", r->name, cause ? cause : "?");
	else if (!argv)
		status_error(ui, "cannot open %s: the viewer \"%s\" needs a shell", r->name, cmd);
	else if ((rc = ui_run_program(argv, stdin_file ? file : NULL)) != 0)
		status_error(ui, "viewer \"%s\" for %s ended with status %d", argv[0], r->name, rc);
	else
		status_info(ui, "viewed %s", r->name);
	unlink(file);
	rmdir(dir);
	free(dir);
	ui_argv_free(argv);
	free(file);
	free(data);
	free(cause);
	free(cmd);
	return UI_DRAW | UI_FULL;
}

static int save_done(struct ui *ui, const char *text, void *arg)
{
	struct att_req *r = arg;
	char *path = expand_home(text), *cause = NULL;

	if (attachment_save(ui->app, r->id, r->part, path, &cause) < 0)
		status_error(ui, "cannot save %s: %s", r->name, cause ? cause : "?");
	else
		status_info(ui, "saved %s to %s", r->name, path);
	free(cause);
	free(path);
	return UI_DRAW;
}

/* The next step once the attachment is known: ask the path, or open it. */
static int chosen(struct ui *ui, struct att_req *r)
{
	char *label, *initial;

	if (r->open) {
		int flags = open_part(ui, r);
		req_free(r);
		return flags;
	}
	label = xasprintf("save %s to", r->name);
	initial = xasprintf("~/%s", r->name);
	prompt_open(ui, PROMPT_PATH, label, initial, save_done, r, req_free);
	free(label);
	free(initial);
	return UI_DRAW;
}

static struct att_req *req_for(const struct message *m, size_t i, int open)
{
	struct att_req *r = xcalloc(1, sizeof(*r));

	r->id = m->id;
	r->part = m->att[i].part;
	r->name = safe_name(m->att[i].filename, m->att[i].part);
	r->type = xstrdup(m->att[i].mime_type ? m->att[i].mime_type : "application/octet-stream");
	r->open = open;
	return r;
}

struct which {
	const struct message *m; /* borrowed from the view, which stays open */
	int open;
};

static int which_done(struct ui *ui, const char *text, void *arg)
{
	struct which *w = arg;
	char *end;
	long n = strtol(text, &end, 10);
	struct pane *v = ui->view[TAB_INBOX];

	if (!v || pane_message_msg(v) != w->m || n < 1 || (size_t)n > w->m->natt || *end) {
		status_error(ui, "no attachment \"%s\"", text);
		return UI_DRAW;
	}
	return chosen(ui, req_for(w->m, (size_t)n - 1, w->open));
}

int attach_command(struct ui *ui, struct pane *view, int open)
{
	const struct message *m = pane_message_msg(view);
	struct which *w;
	char *label;

	if (m->natt == 0) {
		status_info(ui, "this message has no attachments");
		return UI_DRAW;
	}
	if (m->natt == 1)
		return chosen(ui, req_for(m, 0, open));
	w = xcalloc(1, sizeof(*w));
	w->m = m;
	w->open = open;
	label = xasprintf("%s attachment (1-%zu)", open ? "open" : "save", m->natt);
	prompt_open(ui, PROMPT_PICK, label, NULL, which_done, w, free);
	free(label);
	return UI_DRAW;
}
