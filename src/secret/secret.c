/*
 * secret: the interface over the two backends, and the "auto" choice: the
 * Secret Service when one answers, else the encrypted file, with one sentence
 * saying why for the caller to show.
 */
#include <stdlib.h>
#include <string.h>

#include "secret_internal.h"
#include "va/util.h"

struct secrets {
	const struct secret_backend *b;
	void *state;
};

static const struct secret_backend *const backends[] = {
    &secret_keyring_backend,
    &secret_file_backend,
};

void secret_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

void secret_free(char *s)
{
	if (!s)
		return;
	secret_wipe(s, strlen(s));
	free(s);
}

static const struct secret_backend *find_backend(const char *name)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(backends); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

/* "auto": keyring if it answers, else the file with a notice. */
static const struct secret_backend *pick_auto(const struct secret_opts *o, char **notice)
{
	char *why = NULL;

	if (secrets_keyring_probe(&why) == 0)
		return &secret_keyring_backend;
	if (notice)
		*notice = xasprintf("va: %s; keeping secrets in the encrypted file \"%s\" instead "
		                    "(set [secrets] backend = file to silence this)",
		                    why, o->file ? o->file : "?");
	free(why);
	return &secret_file_backend;
}

struct secrets *secrets_open(const struct secret_opts *o, char **notice, char **cause)
{
	const char *name = o->backend ? o->backend : "auto";
	const struct secret_backend *b;
	struct secrets *s;

	if (notice)
		*notice = NULL;
	b = strcmp(name, "auto") ? find_backend(name) : pick_auto(o, notice);
	if (!b) {
		set_cause(cause, "unknown secrets backend \"%s\" (auto, keyring, file)", name);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->b = b;
	if (b->open(&s->state, o, cause) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void secrets_close(struct secrets *s)
{
	if (!s)
		return;
	s->b->close(s->state);
	free(s);
}

const char *secrets_backend(const struct secrets *s)
{
	return s->b->name;
}

static int check_names(const char *owner, const char *key, char **cause)
{
	if (!owner || !*owner || (key && !*key))
		return set_cause(cause, "secret needs an owner and a key");
	return 0;
}

int secrets_get(struct secrets *s, const char *owner, const char *key, char **value, char **cause)
{
	*value = NULL;
	if (check_names(owner, key, cause) < 0 || !key)
		return key ? -1 : set_cause(cause, "secret needs a key");
	return s->b->get(s->state, owner, key, value, cause);
}

int secrets_set(struct secrets *s, const char *owner, const char *key, const char *value,
                char **cause)
{
	if (check_names(owner, key, cause) < 0 || !key || !value)
		return set_cause(cause, "secret needs an owner, a key and a value");
	return s->b->set(s->state, owner, key, value, cause);
}

int secrets_delete(struct secrets *s, const char *owner, const char *key, char **cause)
{
	if (check_names(owner, key, cause) < 0)
		return -1;
	return s->b->del(s->state, owner, key, cause);
}

int secrets_unlock(struct secrets *s, char **cause)
{
	return s->b->unlock ? s->b->unlock(s->state, cause) : 0;
}
