/*
 * ruleset: load rule files and directories into a ruleset, and free it.
 *
 * Loading merges by name: a rule read from a file replaces a rule of the same
 * name already in the set (in its place, so the order of the shipped
 * defaults holds), which is how a user's rules directory overrides
 * share/rules when the caller loads the two into one ruleset.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

void rule_release(struct rule *r)
{
	size_t i;

	free(r->name);
	free(r->file);
	free(r->schedule);
	rule_node_free(r->when);
	for (i = 0; i < r->nthen; i++) {
		free(r->then[i].name);
		free(r->then[i].arg);
		free(r->then[i].notify_command);
	}
	free(r->then);
	memset(r, 0, sizeof *r);
}

void ruleset_release(struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		rule_release(&rs->rules[i]);
	free(rs->rules);
	for (i = 0; i < rs->nerrors; i++)
		free(rs->errors[i]);
	free(rs->errors);
	memset(rs, 0, sizeof *rs);
}

/* Move everything in `from` into rs, replacing same-named rules; from is emptied. */
static void merge(struct ruleset *rs, struct ruleset *from)
{
	size_t i, j;

	for (i = 0; i < from->n; i++) {
		for (j = 0; j < rs->n && strcmp(rs->rules[j].name, from->rules[i].name); j++)
			;
		if (j < rs->n) {
			rule_release(&rs->rules[j]);
			rs->rules[j] = from->rules[i];
			continue;
		}
		xgrow((void **)&rs->rules, &rs->cap, rs->n + 1, sizeof(*rs->rules));
		rs->rules[rs->n++] = from->rules[i];
	}
	from->n = 0;
	for (i = 0; i < from->nerrors; i++) {
		xgrow((void **)&rs->errors, &rs->errcap, rs->nerrors + 1, sizeof(char *));
		rs->errors[rs->nerrors++] = from->errors[i];
	}
	from->nerrors = 0;
	ruleset_release(from);
}

size_t rules_load_file(struct ruleset *rs, const char *path)
{
	struct ruleset tmp;
	char *text, *cause = NULL;
	size_t len, nerr;

	text = file_read(path, &len, &cause);
	if (!text) {
		xgrow((void **)&rs->errors, &rs->errcap, rs->nerrors + 1, sizeof(char *));
		rs->errors[rs->nerrors++] = xasprintf("%s: cannot read rule file: %s", path, cause);
		free(cause);
		return 1;
	}
	memset(&tmp, 0, sizeof tmp);
	nerr = rules_parse(&tmp, path, text, len);
	free(text);
	merge(rs, &tmp);
	return nerr;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t rules_load_dir(struct ruleset *rs, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i, nerr = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !str_ends(e->d_name, ".json"))
			continue;
		xgrow((void **)&names, &cap, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		nerr += rules_load_file(rs, names[i]);
		free(names[i]);
	}
	free(names);
	return nerr;
}
