/*
 * app: start-up and teardown of the services, and the account list (from
 * va.conf, or the shipped demo mailbox when nothing is configured).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "va/app.h"
#include "va/conf.h"
#include "va/log.h"
#include "va/maildir.h"
#include "va/paths.h"
#include "va/secret.h"
#include "va/util.h"

static void app_error(struct app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void app_error(struct app *app, const char *fmt, ...)
{
	va_list ap;

	app->errors = xrealloc(app->errors, (app->nerrors + 1) * sizeof(*app->errors));
	va_start(ap, fmt);
	app->errors[app->nerrors++] = xvasprintf(fmt, ap);
	va_end(ap);
}

static void add_account(struct app *app, const char *name, const char *type, char *path,
                        const char *email, const char *display)
{
	struct account *a;

	app->accounts = xrealloc(app->accounts, (app->naccounts + 1) * sizeof(*app->accounts));
	a = &app->accounts[app->naccounts++];
	a->name = xstrdup(name);
	a->type = xstrdup(type);
	a->path = path;
	a->email = xstrdup(email);
	a->display_name = xstrdup(display);
}

static void load_accounts(struct app *app)
{
	size_t i;

	for (i = 0; i < conf_naccounts(app->conf); i++) {
		const char *name = conf_account(app->conf, i);
		char *section = xasprintf("account %s", name);
		const char *type = conf_get(app->conf, section, "type");
		char *path = conf_get_path(app->conf, section, "path");

		if (!type)
			app_error(app, "account \"%s\": no type: add `type = maildir` or `type = imap`", name);
		else if (!strcmp(type, "maildir") && !path)
			app_error(app, "account \"%s\": type maildir needs `path = DIR`", name);
		else if (!strcmp(type, "maildir") && !maildir_is(path))
			app_error(app, "account \"%s\": \"%s\" is not a Maildir (no cur/ or new/)", name, path);
		if (type)
			add_account(app, name, type, path, conf_get(app->conf, section, "email"),
			            conf_get(app->conf, section, "name"));
		else
			free(path);
		free(section);
	}
	if (app->naccounts == 0) {
		app->demo = 1;
		add_account(app, "demo", "demo", xasprintf("%s/demo", app->share_dir), "sam@example.com",
		            "Sam Rivera");
	}
}

static char *pick_data_dir(const struct app_opts *o, const struct conf *conf)
{
	char *d;

	if (o->data_dir)
		return xstrdup(o->data_dir);
	d = conf_get_path(conf, "general", "data_dir");
	return d ? d : paths_data_dir();
}

/* The demo account's rows go away once real accounts are configured. */
static void drop_stale_demo(struct app *app)
{
	int64_t id;
	char *err = NULL;

	if (app->demo || (id = store_account_id(app->store, "demo")) <= 0)
		return;
	if (app_account(app, "demo"))
		return;
	store_account_remove_type(app->store, "demo", "demo", &err);
	free(err);
}

/* Diagnostics go to $XDG_STATE_HOME/va/va.log (or syslog), opened once. */
static void open_log(const struct conf *conf)
{
	static int opened;
	char *dir, *path, *err = NULL;
	const char *where = conf_get(conf, "general", "log");

	if (opened)
		return;
	opened = 1;
	dir = paths_state_dir();
	path = xasprintf("%s/va.log", dir);
	if (mkdir_p(dir, 0700, &err) == 0)
		log_open(path, where && !strcmp(where, "syslog"),
		         log_level_parse(conf_get(conf, "general", "log_level")));
	free(err);
	free(path);
	free(dir);
}

int app_open(struct app **out, const struct app_opts *o, char **cause)
{
	struct app *app = xcalloc(1, sizeof(*app));
	char *dbpath, *cfgdir;

	*out = NULL;
	app->io = o->io;
	app->conf = conf_new();
	if (o->config_path) {
		app->config_path = xstrdup(o->config_path);
		if (conf_load(app->conf, o->config_path, 1, cause) < 0) {
			app_close(app);
			return -1;
		}
	} else {
		cfgdir = paths_config_dir();
		app->config_path = xasprintf("%s/va.conf", cfgdir);
		free(cfgdir);
		if (conf_load(app->conf, app->config_path, 0, cause) < 0) {
			app_close(app);
			return -1;
		}
	}
	open_log(app->conf);
	secrets_cache_ttl(conf_get_duration(app->conf, "secrets", "cache"));
	app->share_dir = paths_share_dir();
	app->data_dir = pick_data_dir(o, app->conf);
	if (mkdir_p(app->data_dir, 0700, cause) < 0) {
		app_close(app);
		return -1;
	}
	dbpath = xasprintf("%s/va.db", app->data_dir);
	app->store = store_open(dbpath, cause);
	free(dbpath);
	if (!app->store) {
		app_close(app);
		return -1;
	}
	load_accounts(app);
	drop_stale_demo(app);
	*out = app;
	return 0;
}

void app_close(struct app *app)
{
	size_t i;

	if (!app)
		return;
	store_close(app->store);
	conf_free(app->conf);
	for (i = 0; i < app->naccounts; i++) {
		free(app->accounts[i].name);
		free(app->accounts[i].type);
		free(app->accounts[i].path);
		free(app->accounts[i].email);
		free(app->accounts[i].display_name);
	}
	free(app->accounts);
	for (i = 0; i < app->nerrors; i++)
		free(app->errors[i]);
	free(app->errors);
	free(app->config_path);
	free(app->data_dir);
	free(app->share_dir);
	free(app);
}

const struct account *app_account(const struct app *app, const char *name)
{
	size_t i;

	for (i = 0; i < app->naccounts; i++)
		if (!strcmp(app->accounts[i].name, name))
			return &app->accounts[i];
	return NULL;
}
