/*
 * mimecheck: run mime_parse() over files and check what it returns.
 *
 *   mimecheck [--body] [--problems] [--suffix .txt] PATH...
 *
 * A directory is walked recursively (entries in name order; with --suffix
 * only files whose names end so).  One line per file:
 *   path TAB ok|error: cause TAB problems TAB from_addr TAB subject
 * --problems adds a "\tproblem: ..." line per problem, --body the body and
 * a line "--".  A summary goes to stderr.  Exit 0 unless a parse returned
 * something invalid (a string that is not UTF-8, a bad hash or size), 2 on
 * a usage or read error.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "va/message.h"
#include "va/mime.h"
#include "va/util.h"

struct opts {
	int body;
	int problems;
	const char *suffix;
};

struct totals {
	size_t files, ok, errors, problems, invalid, unreadable;
};

/* Print s on one line: tabs and newlines become spaces. */
static void put_field(const char *s)
{
	for (; s && *s; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static int check_str(const char *path, const char *what, const char *s)
{
	if (!s || utf8_valid(s, strlen(s)))
		return 0;
	fprintf(stderr, "mimecheck: %s: %s is not valid UTF-8\n", path, what);
	return 1;
}

static int check_hash(const char *path, const char *hash)
{
	size_t i;

	for (i = 0; hash && hash[i]; i++)
		if (!strchr("0123456789abcdef", hash[i]))
			break;
	if (hash && i == 32 && hash[i] == '\0')
		return 0;
	fprintf(stderr, "mimecheck: %s: bad hash \"%s\"\n", path, hash ? hash : "(null)");
	return 1;
}

/* Count what in m is not as the contract says. */
static int check_message(const char *path, const struct message *m, size_t len)
{
	const struct {
		const char *name;
		const char *value;
	} strs[] = {
	    {"message_id", m->message_id},
	    {"in_reply_to", m->in_reply_to},
	    {"references", m->references},
	    {"from_name", m->from_name},
	    {"from_addr", m->from_addr},
	    {"to", m->to},
	    {"cc", m->cc},
	    {"reply_to", m->reply_to},
	    {"subject", m->subject},
	    {"list_id", m->list_id},
	    {"list_unsubscribe", m->list_unsubscribe},
	    {"precedence", m->precedence},
	    {"auto_submitted", m->auto_submitted},
	    {"content_type", m->content_type},
	    {"headers", m->headers},
	    {"body", m->body},
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < VA_ARRAY_LEN(strs); i++)
		bad += check_str(path, strs[i].name, strs[i].value);
	for (i = 0; i < m->natt; i++) {
		bad += check_str(path, "attachment filename", m->att[i].filename);
		bad += check_str(path, "attachment mime_type", m->att[i].mime_type);
		bad += check_str(path, "attachment content_id", m->att[i].content_id);
		bad += !m->att[i].mime_type || m->att[i].size < 0 || m->att[i].part < 1;
	}
	for (i = 0; i < m->nproblems; i++)
		bad += check_str(path, "problem", m->problems[i]);
	bad += check_hash(path, m->hash);
	bad += !m->body || m->size != (int64_t)len;
	return bad;
}

static void print_result(const char *path, const struct message *m, int r, const char *cause,
                         const struct opts *o)
{
	size_t i;

	put_field(path);
	if (r == 0)
		printf("\tok\t%zu\t", m->nproblems);
	else
		printf("\terror: %s\t0\t", cause ? cause : "?");
	put_field(m->from_addr);
	putchar('\t');
	put_field(m->subject);
	putchar('\n');
	for (i = 0; o->problems && i < m->nproblems; i++)
		printf("\tproblem: %s\n", m->problems[i]);
	if (o->body && r == 0)
		printf("%s\n--\n", m->body);
}

static void check_file(const char *path, const struct opts *o, struct totals *t)
{
	struct message m;
	char *cause = NULL, *raw;
	size_t len = 0;
	int r;

	if ((raw = file_read(path, &len, &cause)) == NULL) {
		fprintf(stderr, "mimecheck: %s\n", cause);
		free(cause);
		t->unreadable++;
		return;
	}
	message_init(&m);
	r = mime_parse(raw, len, &m, &cause);
	print_result(path, &m, r, cause, o);
	t->files++;
	if (r == 0) {
		t->ok++;
		t->problems += m.nproblems;
		t->invalid += check_message(path, &m, len) != 0;
	} else {
		t->errors++;
		t->invalid += r != -1 || !cause;
	}
	free(cause);
	message_release(&m);
	free(raw);
}

static void check_path(const char *path, const struct opts *o, struct totals *t, int top);

static void check_dir(const char *path, const struct opts *o, struct totals *t)
{
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort), i;

	if (n < 0) {
		fprintf(stderr, "mimecheck: cannot read directory \"%s\"\n", path);
		t->unreadable++;
		return;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0) {
			char *sub = xasprintf("%s/%s", path, names[i]->d_name);
			check_path(sub, o, t, 0);
			free(sub);
		}
		free(names[i]);
	}
	free(names);
}

static void check_path(const char *path, const struct opts *o, struct totals *t, int top)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "mimecheck: cannot open \"%s\"\n", path);
		t->unreadable++;
	} else if (S_ISDIR(st.st_mode)) {
		check_dir(path, o, t);
	} else if (S_ISREG(st.st_mode) && (top || !o->suffix || str_ends(path, o->suffix))) {
		check_file(path, o, t);
	}
}

static int usage(void)
{
	fputs("usage: mimecheck [--body] [--problems] [--suffix SUFFIX] PATH...\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct opts o = {0, 0, NULL};
	struct totals t;
	int i, paths = 0;

	memset(&t, 0, sizeof t);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--body") == 0)
			o.body = 1;
		else if (strcmp(argv[i], "--problems") == 0)
			o.problems = 1;
		else if (strcmp(argv[i], "--suffix") == 0 && i + 1 < argc)
			o.suffix = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return usage();
		else
			check_path(argv[i], &o, &t, 1), paths++;
	}
	if (!paths)
		return usage();
	fprintf(stderr, "mimecheck: %zu files, %zu ok, %zu errors, %zu problems, %zu invalid\n",
	        t.files, t.ok, t.errors, t.problems, t.invalid);
	if (t.invalid)
		return 1;
	return t.unreadable ? 2 : 0;
}
