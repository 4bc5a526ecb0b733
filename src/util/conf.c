/*
 * conf: the va.conf reader.  Each line is checked against conf_keys[]; what
 * does not fit is recorded as "FILE:LINE: problem: hint" and skipped.  Values
 * are kept as strings and converted on access, so a default and a user value
 * go through the same code.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "va/conf.h"
#include "va/util.h"

struct conf_entry {
	char *section; /* "general", "account work" */
	char *key;
	char *value;
};

struct conf {
	struct conf_entry *e;
	size_t             n, cap;
	char             **errors;
	size_t             nerrors, errcap;
	char             **accounts;
	size_t             naccounts, acccap;
	char              *path;
};

/* Keys that would hold a secret: refused with advice, never stored. */
static const char *const secret_keys[] = {
	"password", "pass", "secret", "token", "access_token", "refresh_token", "api_key", "key",
};

static const char *const section_names[] = {
	"general", "ui", "secrets", "scheduler", "llm", "replies", "send", "analysis", "account",
};

struct conf *conf_new(void)
{
	return xcalloc(1, sizeof(struct conf));
}

void conf_free(struct conf *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->e[i].section);
		free(c->e[i].key);
		free(c->e[i].value);
	}
	for (i = 0; i < c->nerrors; i++)
		free(c->errors[i]);
	for (i = 0; i < c->naccounts; i++)
		free(c->accounts[i]);
	free(c->e);
	free(c->errors);
	free(c->accounts);
	free(c->path);
	free(c);
}

static void add_error(struct conf *c, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_error(struct conf *c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	xgrow((void **)&c->errors, &c->errcap, c->nerrors + 1, sizeof(*c->errors));
	c->errors[c->nerrors++] = xasprintf("%s:%d: %s", file, line, msg);
	free(msg);
}

size_t conf_nerrors(const struct conf *c)
{
	return c->nerrors;
}

const char *conf_error(const struct conf *c, size_t i)
{
	return i < c->nerrors ? c->errors[i] : NULL;
}

const char *conf_path(const struct conf *c)
{
	return c->path;
}

/* "account work" -> "account"; others unchanged. */
static const char *table_section(const char *section)
{
	return str_starts(section, "account ") ? "account" : section;
}

static const struct conf_key *find_key(const char *section, const char *key)
{
	const char *ts = table_section(section);
	size_t i;

	for (i = 0; i < conf_nkeys; i++)
		if (!strcmp(conf_keys[i].section, ts) && !strcmp(conf_keys[i].key, key))
			return &conf_keys[i];
	return NULL;
}

static struct conf_entry *find_entry(const struct conf *c, const char *section, const char *key)
{
	size_t i;

	for (i = c->n; i-- > 0;)
		if (!strcmp(c->e[i].section, section) && !strcmp(c->e[i].key, key))
			return &c->e[i];
	return NULL;
}

void conf_set(struct conf *c, const char *section, const char *key, const char *value)
{
	struct conf_entry *e = find_entry(c, section, key);

	if (e) {
		free(e->value);
		e->value = xstrdup(value);
		return;
	}
	xgrow((void **)&c->e, &c->cap, c->n + 1, sizeof(*c->e));
	c->e[c->n].section = xstrdup(section);
	c->e[c->n].key = xstrdup(key);
	c->e[c->n].value = xstrdup(value);
	c->n++;
}

static int is_bool(const char *v, int *out)
{
	static const char *const yes[] = {"on", "yes", "true", "1"};
	static const char *const no[] = {"off", "no", "false", "0"};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(yes); i++) {
		if (!str_casecmp_ascii(v, yes[i]))
			return *out = 1, 1;
		if (!str_casecmp_ascii(v, no[i]))
			return *out = 0, 1;
	}
	return 0;
}

static int enum_has(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && !strncmp(p, v, n))
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

/* NULL when value fits the key's type, else a message (caller frees). */
static char *check_value(const struct conf_key *k, const char *v)
{
	char *end;
	long long n;
	int b;

	switch (k->type) {
	case CONF_INT:
	case CONF_PORT:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || *end || end == v || n < 0 || (k->type == CONF_PORT && (n < 1 || n > 65535)))
			return xasprintf("\"%s\" is not a valid %s", v,
			                 k->type == CONF_PORT ? "port (1-65535)" : "number");
		return NULL;
	case CONF_BOOL:
		return is_bool(v, &b) ? NULL : xasprintf("\"%s\" is not on or off", v);
	case CONF_ENUM:
		return enum_has(k->choices, v) ? NULL
		                               : xasprintf("\"%s\" is not one of %s", v, k->choices);
	case CONF_DURATION:
		return duration_parse(v) >= 0 ? NULL
		                              : xasprintf("\"%s\" is not a duration (e.g. 30s, 15m, 2h, 3d)", v);
	case CONF_SIZE:
		return size_parse(v) >= 0 ? NULL : xasprintf("\"%s\" is not a size (e.g. 64k, 256M, 1G)", v);
	case CONF_STRING:
	case CONF_PATH:
		return NULL;
	}
	return NULL;
}

static void unknown_key(struct conf *c, const char *file, int line, const char *section,
                        const char *key)
{
	const char *cands[64];
	const char *ts = table_section(section), *hint;
	size_t i, n = 0;

	for (i = 0; i < VA_ARRAY_LEN(secret_keys); i++) {
		if (!strcmp(key, secret_keys[i])) {
			add_error(c, file, line,
			          "\"%s\" is a secret and does not belong in va.conf: "
			          "use `va account login NAME` (secrets live in the OS keyring); line ignored",
			          key);
			return;
		}
	}
	for (i = 0; i < conf_nkeys && n < VA_ARRAY_LEN(cands); i++)
		if (!strcmp(conf_keys[i].section, ts))
			cands[n++] = conf_keys[i].key;
	hint = str_suggest(key, cands, n);
	if (hint)
		add_error(c, file, line, "unknown key \"%s\" in [%s] (did you mean \"%s\"?)", key, section,
		          hint);
	else
		add_error(c, file, line, "unknown key \"%s\" in [%s]", key, section);
}

static void add_account(struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->naccounts; i++)
		if (!strcmp(c->accounts[i], name))
			return;
	xgrow((void **)&c->accounts, &c->acccap, c->naccounts + 1, sizeof(*c->accounts));
	c->accounts[c->naccounts++] = xstrdup(name);
}

/* Parse "[name]" or "[account NAME]"; returns the section or NULL (error added). */
static char *parse_section(struct conf *c, const char *file, int line, char *s)
{
	char *end = strchr(s, ']'), *name, *rest;
	const char *hint;

	if (!end || *str_trim(end + 1)) {
		add_error(c, file, line, "malformed section header: expected [NAME]");
		return NULL;
	}
	*end = '\0';
	name = str_trim(s + 1);
	if (str_starts(name, "account") && (name[7] == ' ' || name[7] == '\t')) {
		rest = str_trim(name + 8);
		if (!*rest || strpbrk(rest, " \t\"")) {
			add_error(c, file, line, "account name \"%s\" must be one word", rest);
			return NULL;
		}
		add_account(c, rest);
		return xasprintf("account %s", rest);
	}
	for (size_t i = 0; i < VA_ARRAY_LEN(section_names); i++)
		if (strcmp(section_names[i], "account") && !strcmp(section_names[i], name))
			return xstrdup(name);
	if (!strcmp(name, "account")) {
		add_error(c, file, line, "[account] needs a name: [account NAME]");
		return NULL;
	}
	hint = str_suggest(name, section_names, VA_ARRAY_LEN(section_names));
	if (hint)
		add_error(c, file, line, "unknown section [%s] (did you mean [%s]?)", name, hint);
	else
		add_error(c, file, line, "unknown section [%s]", name);
	return NULL;
}

/* Strip an unquoted trailing " # comment" and surrounding quotes. */
static char *clean_value(char *v)
{
	char *p;

	v = str_trim(v);
	if (*v == '"') {
		p = strrchr(v + 1, '"');
		if (p) {
			*p = '\0';
			return v + 1;
		}
	}
	for (p = v; *p; p++) {
		if ((*p == '#' || *p == ';') && (p == v || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	return str_trim(v);
}

static void parse_line(struct conf *c, const char *file, int line, char *s, char **section,
                       int *bad_section)
{
	char *eq, *key, *value, *why;
	const struct conf_key *k;

	s = str_trim(s);
	if (!*s || *s == '#' || *s == ';')
		return;
	if (*s == '[') {
		free(*section);
		*section = parse_section(c, file, line, s);
		*bad_section = *section == NULL;
		return;
	}
	if (*bad_section)
		return; /* already reported at the section header */
	eq = strchr(s, '=');
	if (!eq) {
		add_error(c, file, line, "expected \"key = value\", got \"%.40s\"", s);
		return;
	}
	*eq = '\0';
	key = str_trim(s);
	value = clean_value(eq + 1);
	if (!*section) {
		add_error(c, file, line, "\"%s\" is outside any section: put it under [general] or another section", key);
		return;
	}
	k = find_key(*section, key);
	if (!k) {
		unknown_key(c, file, line, *section, key);
		return;
	}
	if ((why = check_value(k, value)) != NULL) {
		add_error(c, file, line, "%s.%s: %s; using the default", table_section(*section), key, why);
		free(why);
		return;
	}
	if (find_entry(c, *section, key))
		add_error(c, file, line, "\"%s\" set twice in [%s]; the last value wins", key, *section);
	conf_set(c, *section, key, value);
}

void conf_load_string(struct conf *c, const char *name, const char *text)
{
	char *copy = xstrdup(text), *p = copy, *nl, *section = NULL;
	int line = 0, bad_section = 0;

	if (!utf8_valid(text, strlen(text)))
		add_error(c, name, 1, "file is not valid UTF-8; invalid lines may be misread");
	while (p && *p) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		parse_line(c, name, line, p, &section, &bad_section);
		p = nl ? nl + 1 : NULL;
	}
	free(section);
	free(copy);
}

int conf_load(struct conf *c, const char *path, int must_exist, char **cause)
{
	size_t len;
	char *text, *err = NULL;

	if (file_check_private(path, cause) < 0) /* others could point va at their servers */
		return -1;
	text = file_read(path, &len, &err);
	if (!text) {
		if (!must_exist && errno == ENOENT) {
			free(err);
			return 0;
		}
		set_cause(cause, "%s", err);
		free(err);
		return -1;
	}
	if (memchr(text, '\0', len))
		add_error(c, path, 1, "file contains NUL bytes; text after the first one is ignored");
	conf_load_string(c, path, text);
	free(c->path);
	c->path = xstrdup(path);
	free(text);
	return 0;
}

const char *conf_get(const struct conf *c, const char *section, const char *key)
{
	const struct conf_entry *e = find_entry(c, section, key);
	const struct conf_key *k;

	if (e)
		return e->value;
	k = find_key(section, key);
	return k ? k->def : NULL;
}

int64_t conf_get_int(const struct conf *c, const char *section, const char *key)
{
	const char *v = conf_get(c, section, key);
	return v ? strtoll(v, NULL, 10) : 0;
}

int conf_get_bool(const struct conf *c, const char *section, const char *key)
{
	const char *v = conf_get(c, section, key);
	int b = 0;

	return v && is_bool(v, &b) ? b : 0;
}

int64_t conf_get_duration(const struct conf *c, const char *section, const char *key)
{
	const char *v = conf_get(c, section, key);
	return v ? duration_parse(v) : -1;
}

int64_t conf_get_size(const struct conf *c, const char *section, const char *key)
{
	const char *v = conf_get(c, section, key);
	return v ? size_parse(v) : -1;
}

char *conf_get_path(const struct conf *c, const char *section, const char *key)
{
	const char *v = conf_get(c, section, key), *home;

	if (!v)
		return NULL;
	if (v[0] == '~' && (v[1] == '/' || v[1] == '\0') && (home = getenv("HOME")) != NULL)
		return xasprintf("%s%s", home, v + 1);
	return xstrdup(v);
}

size_t conf_naccounts(const struct conf *c)
{
	return c->naccounts;
}

const char *conf_account(const struct conf *c, size_t i)
{
	return i < c->naccounts ? c->accounts[i] : NULL;
}

char *conf_example(void)
{
	struct strbuf sb;
	const char *last = "";
	size_t i;

	sb_init(&sb);
	sb_adds(&sb, "# va.conf: copy to $XDG_CONFIG_HOME/va/va.conf (usually ~/.config/va/va.conf).\n"
	             "# Every key is shown with its default, commented out.  Secrets (passwords,\n"
	             "# tokens, API keys) never go here: `va account login NAME` puts them in the\n"
	             "# OS keyring.  Check a file with `va config check`.\n");
	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];
		if (strcmp(k->section, last)) {
			if (!strcmp(k->section, "account"))
				sb_adds(&sb, "\n# One section per mail account, e.g.:\n[account example]\n");
			else
				sb_addf(&sb, "\n[%s]\n", k->section);
			last = k->section;
		}
		sb_addf(&sb, "# %s", k->doc);
		if (k->type == CONF_ENUM)
			sb_addf(&sb, " (%s)", k->choices);
		sb_addf(&sb, "\n# %s = %s\n", k->key, k->def ? k->def : "");
	}
	return sb_detach(&sb);
}
