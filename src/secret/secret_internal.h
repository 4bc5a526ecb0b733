/*
 * secret_internal: the backend contract behind include/va/secret.h.  Each
 * backend is one file (keyring.c, file.c) exporting one const struct
 * secret_backend; secret.c picks one and forwards to it.
 */
#ifndef VA_SECRET_INTERNAL_H
#define VA_SECRET_INTERNAL_H

#include "va/secret.h"

struct secret_backend {
	const char *name;
	/* Prepare a backend state from o; 0 or -1 and *cause. */
	int (*open)(void **state, const struct secret_opts *o, char **cause);
	/* Same return conventions as secrets_get/secrets_set/secrets_delete. */
	int (*get)(void *state, const char *owner, const char *key, char **value, char **cause);
	int (*set)(void *state, const char *owner, const char *key, const char *value,
	           char **cause);
	int (*del)(void *state, const char *owner, const char *key, char **cause);
	int (*unlock)(void *state, char **cause); /* NULL: nothing to do */
	void (*close)(void *state);
};

extern const struct secret_backend secret_keyring_backend;
extern const struct secret_backend secret_file_backend;

#endif
