/* test_oauth_refresh: accounts_access_token, the function IMAP and SMTP call
 * for a token, against the fixture server (tests/fixtures/oauth/server.py):
 * a fresh token is returned as stored, a forced refresh (after the server
 * refused a token) and a near-expiry one are refreshed and saved with the
 * rotated refresh token, and a revoked grant gives "run `va account login`"
 * once per call, with no retry loop.  Skipped when python3 is missing. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "va/accounts.h"
#include "va/app.h"
#include "va/oauth.h"
#include "va/secret.h"
#include "va/util.h"

static char dir[] = "/tmp/va-test-refresh.XXXXXX";
static pid_t server;
static int port;
static struct app *app;
static char *secrets_path;

static char *pass(void *arg, int create, char **cause)
{
	(void)arg;
	(void)create;
	(void)cause;
	return xstrdup("refresh test passphrase");
}

static const struct accounts_io io = {pass, NULL, NULL, -1, 0};

static char *path_in(const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

/* POST a form to the fixture's /admin; the answer (caller frees). */
static char *admin(const char *form)
{
	char *cmd = xasprintf("curl -s -X POST -d '%s' http://127.0.0.1:%d/admin", form, port);
	FILE *p = popen(cmd, "r");
	struct strbuf sb = STRBUF_INIT;
	char buf[512];
	size_t n;

	sb_init(&sb);
	while (p && (n = fread(buf, 1, sizeof buf, p)) > 0)
		sb_add(&sb, buf, n);
	if (p)
		pclose(p);
	free(cmd);
	return sb_detach(&sb);
}

static size_t issued(void)
{
	char *f = path_in("tokens"), *text = file_read(f, NULL, NULL);
	size_t n = 0;

	for (char *p = text; p && *p; p++)
		n += *p == '\n';
	free(text);
	free(f);
	return n;
}

static int start_server(void)
{
	char *pf = path_in("port"), *tf = path_in("tokens"), *script, *text;

	script = xstrdup("tests/fixtures/oauth/server.py"); /* tests run from the top */
	server = fork();
	if (server == 0) {
		execlp("python3", "python3", script, "--port-file", pf, "--tokens", tf,
		       (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && !file_exists(pf); i++)
		usleep(50000);
	text = file_read(pf, NULL, NULL);
	port = text ? atoi(text) : 0;
	free(text);
	free(script);
	free(pf);
	free(tf);
	return port > 0 ? 0 : -1;
}

static const struct {
	const char *var, *dir;
} xdg[] = {
    {"XDG_CONFIG_HOME", "config"},
    {"XDG_DATA_HOME", "data"},
    {"XDG_STATE_HOME", "state"},
};

static int setup(void **state)
{
	struct app_opts o = {NULL, NULL, NULL};
	char *conf, *cdir, *text;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	if (start_server() < 0)
		return 0; /* the tests skip */
	cdir = path_in("config/va");
	mkdir_p(cdir, 0700, NULL);
	conf = path_in("config/va/va.conf");
	text = xasprintf("[secrets]\nbackend = file\n\n[account w]\ntype = imap\nemail = "
	                 "alice@example.test\nimap_host = 127.0.0.1\nauth = oauth2\n"
	                 "oauth_client_id = va-test-client\n"
	                 "oauth_token_url = http://127.0.0.1:%d/token\n",
	                 port);
	file_write_atomic(conf, text, strlen(text), 0600, NULL);
	for (size_t i = 0; i < VA_ARRAY_LEN(xdg); i++) {
		char *d = path_in(xdg[i].dir);
		setenv(xdg[i].var, d, 1);
		free(d);
	}
	secrets_path = path_in("data/va/secrets.enc");
	free(text);
	free(conf);
	free(cdir);
	return app_open(&app, &o, NULL);
}

static int teardown(void **state)
{
	pid_t rm;

	(void)state;
	app_close(app);
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	rm = fork();
	if (rm == 0) {
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
		_exit(127);
	}
	waitpid(rm, NULL, 0);
	free(secrets_path);
	return 0;
}

/* Store a token set minted by the server, expiring `life` seconds from now. */
static char *store_minted(int64_t life)
{
	struct secret_opts o = {"file", secrets_path, pass, NULL};
	struct oauth_token t;
	char *answer = admin("mint=1"), *json, *access;
	struct secrets *s = secrets_open(&o, NULL, NULL);

	assert_non_null(s);
	/* the answer is a token response: reuse the stored format's reader */
	json = xasprintf("%.*s,\"expires_at\":%lld}", (int)(strrchr(answer, '}') - answer), answer,
	                 (long long)(time_now() + life));
	assert_int_equal(oauth_token_decode(json, &t), 0);
	assert_non_null(t.refresh);
	t.expires_at = time_now() + life;
	free(json);
	json = oauth_token_encode(&t);
	assert_int_equal(secrets_set(s, "account w", "oauth", json, NULL), 0);
	access = xstrdup(t.access);
	oauth_token_release(&t);
	secret_free(json);
	secrets_close(s);
	free(answer);
	return access;
}

static void test_fresh_forced_and_near_expiry(void **state)
{
	char *stored, *tok = NULL, *cause = NULL, *again = NULL;
	size_t before;
	int64_t exp = 0;

	(void)state;
	if (port <= 0)
		skip();
	stored = store_minted(3600);
	before = issued();
	assert_int_equal(accounts_access_token(app, "w", 0, &io, &tok, &exp, &cause), 0);
	assert_string_equal(tok, stored); /* fresh: as stored, no request */
	assert_int_equal(issued(), before);
	assert_true(exp > time_now() + 3500);
	secret_free(tok);

	assert_int_equal(accounts_access_token(app, "w", 1, &io, &tok, NULL, &cause), 0);
	assert_string_not_equal(tok, stored);   /* forced: refreshed */
	assert_int_equal(issued(), before + 2); /* new access + rotated refresh */
	assert_int_equal(accounts_access_token(app, "w", 0, &io, &again, NULL, &cause), 0);
	assert_string_equal(again, tok); /* and saved */
	assert_int_equal(issued(), before + 2);
	secret_free(tok);
	secret_free(again);
	free(stored);

	stored = store_minted(30); /* inside the one-minute margin */
	before = issued();
	assert_int_equal(accounts_access_token(app, "w", 0, &io, &tok, NULL, &cause), 0);
	assert_string_not_equal(tok, stored);
	assert_int_equal(issued(), before + 2);
	secret_free(tok);
	free(stored);
}

static void test_revoked(void **state)
{
	char *tok = NULL, *cause = NULL, *answer;
	size_t before;

	(void)state;
	if (port <= 0)
		skip();
	free(store_minted(3600));
	answer = admin("revoke=1");
	free(answer);
	before = issued();
	assert_int_equal(accounts_access_token(app, "w", 1, &io, &tok, NULL, &cause), -1);
	assert_null(tok);
	assert_non_null(strstr(cause, "run `va account login w`"));
	x_free(&cause);
	assert_int_equal(accounts_access_token(app, "w", 1, &io, &tok, NULL, &cause), -1);
	assert_int_equal(issued(), before);
	free(cause);
}

static void test_not_signed_in(void **state)
{
	struct secret_opts o = {"file", secrets_path, pass, NULL};
	struct secrets *s = secrets_open(&o, NULL, NULL);
	char *tok = NULL, *cause = NULL;

	(void)state;
	if (port <= 0)
		skip();
	secrets_delete(s, "account w", NULL, NULL);
	secrets_close(s);
	assert_int_equal(accounts_access_token(app, "w", 0, &io, &tok, NULL, &cause), -1);
	assert_non_null(strstr(cause, "is not signed in"));
	x_free(&cause);
	assert_int_equal(accounts_access_token(app, "nope", 0, &io, &tok, NULL, &cause), -1);
	assert_non_null(strstr(cause, "no account \"nope\""));
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fresh_forced_and_near_expiry),
	    cmocka_unit_test(test_revoked),
	    cmocka_unit_test(test_not_signed_in),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
