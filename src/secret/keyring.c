/*
 * keyring: the Secret Service backend through libsecret (the only libsecret
 * user, STYLE 19).  Items carry the schema "org.va.Secret" with attributes
 * owner and key; labels say "va: OWNER KEY" so they are recognisable in
 * Seahorse or KeePassXC.  libsecret's D-Bus errors are turned into va's own
 * words with advice (keyring_explain).
 *
 * libsecret (and GLib, GIO, libgcrypt... behind it) is opened with dlopen
 * when the keyring is first used, not linked: a user of the encrypted file,
 * and every command that needs no secret, does not pay for mapping and
 * relocating those libraries at each start (see net/curl_dl.c).
 */
#include <dlfcn.h>
#include <libsecret/secret.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret_internal.h"
#include "va/log.h"
#include "va/util.h"

static const SecretSchema va_schema = {
    .name = "org.va.Secret",
    .flags = SECRET_SCHEMA_NONE,
    .attributes =
        {
            {"owner", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {"key", SECRET_SCHEMA_ATTRIBUTE_STRING},
            {NULL, 0},
        },
};

#ifndef VA_SECRET_SONAME
#define VA_SECRET_SONAME "libsecret-1.so.0"
#endif

/* The libsecret functions va calls; ok once all are found. */
static struct {
	gchar *(*lookup)(const SecretSchema *, GCancellable *, GError **, ...);
	gboolean (*store)(const SecretSchema *, const gchar *, const gchar *, const gchar *,
	                  GCancellable *, GError **, ...);
	gboolean (*clear)(const SecretSchema *, GCancellable *, GError **, ...);
	void (*pw_free)(gchar *);
	void (*clear_error)(GError **);
	int ok;
	char why[256];
} ls;

static pthread_once_t ls_once = PTHREAD_ONCE_INIT;

static void ls_load(void)
{
	static const char *const names[] = {
	    "secret_password_lookup_sync",
	    "secret_password_store_sync",
	    "secret_password_clear_sync",
	    "secret_password_free",
	    "g_clear_error",
	};
	void *fn[VA_ARRAY_LEN(names)];
	void *h = dlopen(VA_SECRET_SONAME, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!h) {
		snprintf(ls.why, sizeof ls.why, "%s", dlerror());
		return;
	}
	for (i = 0; i < VA_ARRAY_LEN(names); i++) {
		if (!(fn[i] = dlsym(h, names[i]))) {
			snprintf(ls.why, sizeof ls.why, "%s has no %s", VA_SECRET_SONAME, names[i]);
			dlclose(h);
			return;
		}
	}
	memcpy(&ls.lookup, &fn[0], sizeof fn[0]);
	memcpy(&ls.store, &fn[1], sizeof fn[1]);
	memcpy(&ls.clear, &fn[2], sizeof fn[2]);
	memcpy(&ls.pw_free, &fn[3], sizeof fn[3]);
	memcpy(&ls.clear_error, &fn[4], sizeof fn[4]);
	ls.ok = 1; /* h stays open: GLib cannot be unloaded */
}

static int ls_ready(char **cause)
{
	pthread_once(&ls_once, ls_load);
	if (!ls.ok)
		return set_cause(cause,
		                 "Secret Service unavailable: libsecret cannot be loaded (%s); "
		                 "install libsecret-1-0 or use the encrypted file",
		                 ls.why);
	return 0;
}

/* What libsecret/GDBus says -> what the user should hear. */
static const struct {
	const char *needle;
	const char *advice;
} explanations[] = {
    {"Cannot autolaunch D-Bus",
     "no D-Bus session bus (usual over SSH or in a container): no Secret Service is reachable"},
    {"DBUS_SESSION_BUS_ADDRESS",
     "no D-Bus session bus (usual over SSH or in a container): no Secret Service is reachable"},
    {"org.freedesktop.secrets was not provided",
     "no Secret Service is running (install gnome-keyring or KeePassXC, or use the encrypted "
     "file)"},
    {"Object does not exist at path",
     "the keyring is locked or has no default collection (unlock it in your desktop session)"},
    {"locked", "the keyring is locked (unlock it in your desktop session)"},
    {"prompt", "the keyring asked for an unlock prompt, which needs a desktop session"},
};

static int keyring_explain(GError *err, const char *what, char **cause)
{
	const char *msg = err && err->message ? err->message : "unknown error";
	size_t i;

	log_debug("libsecret: %s: %s", what, msg);
	for (i = 0; i < VA_ARRAY_LEN(explanations); i++) {
		if (strstr(msg, explanations[i].needle)) {
			set_cause(cause, "Secret Service unavailable: %s", explanations[i].advice);
			ls.clear_error(&err);
			return -1;
		}
	}
	set_cause(cause, "Secret Service %s failed: %s", what, msg);
	ls.clear_error(&err);
	return -1;
}

int secrets_keyring_probe(char **cause)
{
	GError *err = NULL;
	gchar *v;

	if (ls_ready(cause) < 0)
		return -1;
	v = ls.lookup(&va_schema, NULL, &err, "owner", "va-probe", "key", "probe", NULL);

	if (v)
		ls.pw_free(v);
	if (err)
		return keyring_explain(err, "lookup", cause);
	return 0;
}

static int kr_open(void **state, const struct secret_opts *o, char **cause)
{
	(void)o;
	*state = NULL;
	return secrets_keyring_probe(cause);
}

static int kr_get(void *state, const char *owner, const char *key, char **value, char **cause)
{
	GError *err = NULL;
	gchar *v;

	(void)state;
	if (ls_ready(cause) < 0)
		return -1;
	v = ls.lookup(&va_schema, NULL, &err, "owner", owner, "key", key, NULL);
	if (err)
		return keyring_explain(err, "lookup", cause);
	if (!v)
		return 1;
	*value = xstrdup(v);
	ls.pw_free(v);
	return 0;
}

static int kr_set(void *state, const char *owner, const char *key, const char *value, char **cause)
{
	GError *err = NULL;
	char *label;
	gboolean ok;

	(void)state;
	if (ls_ready(cause) < 0)
		return -1;
	label = xasprintf("va: %s %s", owner, key);
	ok = ls.store(&va_schema, SECRET_COLLECTION_DEFAULT, label, value, NULL, &err, "owner",
	              owner, "key", key, NULL);
	free(label);
	if (!ok || err)
		return keyring_explain(err, "store", cause);
	return 0;
}

static int kr_del(void *state, const char *owner, const char *key, char **cause)
{
	GError *err = NULL;
	gboolean any;

	(void)state;
	if (ls_ready(cause) < 0)
		return -1;
	if (key)
		any = ls.clear(&va_schema, NULL, &err, "owner", owner, "key", key, NULL);
	else
		any = ls.clear(&va_schema, NULL, &err, "owner", owner, NULL);
	if (err)
		return keyring_explain(err, "delete", cause);
	return any ? 0 : 1;
}

static void kr_close(void *state)
{
	(void)state;
}

const struct secret_backend secret_keyring_backend = {
    "keyring", kr_open, kr_get, kr_set, kr_del, NULL, kr_close,
};
