/*
 * keyring: the Secret Service backend through libsecret (the only libsecret
 * user, STYLE 19).  Items carry the schema "org.va.Secret" with attributes
 * owner and key; labels say "va: OWNER KEY" so they are recognisable in
 * Seahorse or KeePassXC.  libsecret's D-Bus errors are turned into va's own
 * words with advice (keyring_explain).
 */
#include <libsecret/secret.h>
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
			g_clear_error(&err);
			return -1;
		}
	}
	set_cause(cause, "Secret Service %s failed: %s", what, msg);
	g_clear_error(&err);
	return -1;
}

int secrets_keyring_probe(char **cause)
{
	GError *err = NULL;
	gchar *v = secret_password_lookup_sync(&va_schema, NULL, &err, "owner", "va-probe", "key",
	                                       "probe", NULL);

	if (v)
		secret_password_free(v);
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
	v = secret_password_lookup_sync(&va_schema, NULL, &err, "owner", owner, "key", key, NULL);
	if (err)
		return keyring_explain(err, "lookup", cause);
	if (!v)
		return 1;
	*value = xstrdup(v);
	secret_password_free(v);
	return 0;
}

static int kr_set(void *state, const char *owner, const char *key, const char *value, char **cause)
{
	GError *err = NULL;
	char *label = xasprintf("va: %s %s", owner, key);
	gboolean ok;

	(void)state;
	ok = secret_password_store_sync(&va_schema, SECRET_COLLECTION_DEFAULT, label, value, NULL,
	                                &err, "owner", owner, "key", key, NULL);
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
	if (key)
		any = secret_password_clear_sync(&va_schema, NULL, &err, "owner", owner, "key", key,
		                                 NULL);
	else
		any = secret_password_clear_sync(&va_schema, NULL, &err, "owner", owner, NULL);
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
