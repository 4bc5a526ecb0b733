/*
 * maildir: directory walks for Maildir (cur/ new/, Maildir++ ".Sub" folders)
 * and splitting of mbox files.  The mbox is read whole-file at a time through
 * mmap-free buffered reads, one message in memory at a time.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "va/maildir.h"
#include "va/message.h"
#include "va/util.h"

int maildir_is(const char *dir)
{
	char *cur = xasprintf("%s/cur", dir), *new_ = xasprintf("%s/new", dir);
	int ok = dir_exists(cur) || dir_exists(new_);

	free(cur);
	free(new_);
	return ok;
}

static int cmp_folder(const void *a, const void *b)
{
	const struct maildir_folder *x = a, *y = b;

	if (!strcmp(x->name, "INBOX"))
		return -1;
	if (!strcmp(y->name, "INBOX"))
		return 1;
	return strcmp(x->name, y->name);
}

int maildir_folders(const char *root, struct maildir_folder **out, size_t *n, char **cause)
{
	struct maildir_folder *f = NULL;
	size_t cap = 0, count = 0;
	struct dirent *de;
	DIR *d = opendir(root);

	*out = NULL;
	*n = 0;
	if (!d)
		return set_cause(cause, "cannot open Maildir \"%s\": %s", root, strerror(errno));
	if (maildir_is(root)) {
		xgrow((void **)&f, &cap, count + 1, sizeof(*f));
		f[count].name = xstrdup("INBOX");
		f[count++].path = xstrdup(root);
	}
	while ((de = readdir(d)) != NULL) {
		char *sub;
		if (de->d_name[0] != '.' || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", root, de->d_name);
		if (!maildir_is(sub)) {
			free(sub);
			continue;
		}
		xgrow((void **)&f, &cap, count + 1, sizeof(*f));
		f[count].name = xstrdup(de->d_name + 1);
		f[count++].path = sub;
	}
	closedir(d);
	if (count == 0)
		return set_cause(cause, "\"%s\" is not a Maildir (no cur/ or new/)", root);
	qsort(f, count, sizeof(*f), cmp_folder);
	*out = f;
	*n = count;
	return 0;
}

void maildir_folders_free(struct maildir_folder *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].path);
	}
	free(f);
}

static void add_entry(struct maildir_entry **e, size_t *cap, size_t *n, const char *dir,
                      const char *name, int is_new)
{
	const char *colon = strchr(name, ':');
	struct maildir_entry *x;

	xgrow((void **)e, cap, *n + 1, sizeof(**e));
	x = &(*e)[(*n)++];
	x->path = xasprintf("%s/%s", dir, name);
	x->unique = colon ? xstrndup(name, (size_t)(colon - name)) : xstrdup(name);
	x->flags = colon && str_starts(colon, ":2,") ? msg_flags_from_maildir(colon + 3) : 0;
	x->is_new = is_new;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct maildir_entry *)a)->unique, ((const struct maildir_entry *)b)->unique);
}

int maildir_scan(const char *dir, struct maildir_entry **out, size_t *n, char **cause)
{
	static const char *const subs[] = {"new", "cur"};
	struct maildir_entry *e = NULL;
	size_t cap = 0, count = 0, i;

	*out = NULL;
	*n = 0;
	for (i = 0; i < VA_ARRAY_LEN(subs); i++) {
		char *sub = xasprintf("%s/%s", dir, subs[i]);
		DIR *d = opendir(sub);
		struct dirent *de;
		if (!d) {
			if (errno != ENOENT) {
				set_cause(cause, "cannot read \"%s\": %s", sub, strerror(errno));
				free(sub);
				maildir_entries_free(e, count);
				return -1;
			}
			free(sub);
			continue;
		}
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				add_entry(&e, &cap, &count, sub, de->d_name, i == 0);
		closedir(d);
		free(sub);
	}
	if (count)
		qsort(e, count, sizeof(*e), cmp_entry);
	*out = e;
	*n = count;
	return 0;
}

void maildir_entries_free(struct maildir_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].path);
		free(e[i].unique);
	}
	free(e);
}

int mbox_is(const char *path)
{
	char buf[5];
	FILE *fp = fopen(path, "rb");
	size_t got;

	if (!fp)
		return 0;
	got = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	return got == sizeof buf && !memcmp(buf, "From ", 5);
}

/* ">From " (any number of '>') loses one '>' (mboxrd). */
static void add_body_line(struct strbuf *msg, const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && line[i] == '>')
		i++;
	if (i > 0 && len - i >= 5 && !memcmp(line + i, "From ", 5)) {
		line++;
		len--;
	}
	sb_add(msg, line, len);
}

int mbox_each(const char *path, mbox_fn fn, void *arg, char **cause)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf msg = STRBUF_INIT;
	char *line = NULL;
	size_t cap = 0, index = 0;
	ssize_t len;
	int started = 0, rc = 0, prev_blank = 1;

	if (!fp)
		return set_cause(cause, "cannot open mbox \"%s\": %s", path, strerror(errno));
	sb_init(&msg);
	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		if (len >= 5 && !memcmp(line, "From ", 5) && (prev_blank || !started)) {
			if (started && msg.len)
				rc = fn(arg, msg.buf, msg.len, index++);
			sb_reset(&msg);
			started = 1;
			prev_blank = 0;
			continue;
		}
		if (started)
			add_body_line(&msg, line, (size_t)len);
		prev_blank = len == 1 || (len == 2 && line[0] == '\r');
	}
	if (ferror(fp) && rc == 0)
		rc = set_cause(cause, "cannot read mbox \"%s\": %s", path, strerror(errno));
	else if (rc == 0 && started && msg.len)
		rc = fn(arg, msg.buf, msg.len, index++);
	else if (rc == 0 && !started)
		rc = set_cause(cause, "\"%s\" is not an mbox file (no \"From \" line)", path);
	free(line);
	sb_release(&msg);
	fclose(fp);
	return rc;
}
