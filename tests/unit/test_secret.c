/* test_secret: the encrypted-file backend: round trip, replace, delete, a
 * wrong passphrase, truncated and altered files (detected, left untouched),
 * mode 0600, no plaintext on disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "va/secret.h"
#include "va/util.h"

static char dir[] = "/tmp/va-test-secret.XXXXXX";
static char *path;
static const char *passphrase = "correct horse";
static int asked;

static char *give_pass(void *arg, int create, char **cause)
{
	(void)arg;
	(void)create;
	(void)cause;
	asked++;
	return xstrdup(passphrase);
}

static struct secrets *open_file(void)
{
	struct secret_opts o = {"file", path, give_pass, NULL};
	char *cause = NULL;
	struct secrets *s = secrets_open(&o, NULL, &cause);

	assert_non_null(s);
	assert_null(cause);
	return s;
}

static char *get(struct secrets *s, const char *owner, const char *key, int want_rc)
{
	char *v = NULL, *cause = NULL;
	int rc = secrets_get(s, owner, key, &v, &cause);

	if (rc != want_rc)
		fail_msg("secrets_get(%s, %s) = %d (%s)", owner, key, rc, cause ? cause : "");
	free(cause);
	return v;
}

static void set(struct secrets *s, const char *owner, const char *key, const char *value)
{
	char *cause = NULL;

	if (secrets_set(s, owner, key, value, &cause) != 0)
		fail_msg("secrets_set: %s", cause);
}

static void test_round_trip(void **state)
{
	struct secrets *s;
	struct stat sb;
	char *v, *raw;
	size_t len;

	(void)state;
	unlink(path);
	passphrase = "correct horse";
	s = open_file();
	assert_null(get(s, "account work", "password", 1)); /* absent: no prompt, no file */
	assert_false(file_exists(path));
	set(s, "account work", "password", "hunter2-secret-value");
	set(s, "account work", "oauth", "{\"access\":\"tok-ABC\"}");
	set(s, "llm", "api_key", "sk-XYZ");
	set(s, "account work", "password", "replaced-secret-value");
	secrets_close(s);

	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	raw = file_read(path, &len, NULL);
	assert_non_null(raw);
	assert_null(memmem(raw, len, "secret-value", 12));
	assert_null(memmem(raw, len, "account work", 12));
	free(raw);

	asked = 0;
	s = open_file();
	v = get(s, "account work", "password", 0);
	assert_string_equal(v, "replaced-secret-value");
	secret_free(v);
	v = get(s, "llm", "api_key", 0);
	assert_string_equal(v, "sk-XYZ");
	secret_free(v);
	assert_int_equal(asked, 1); /* the key is derived once per process */
	secrets_close(s);
}

static void test_delete(void **state)
{
	struct secrets *s = open_file();
	char *cause = NULL, *v;

	(void)state;
	assert_int_equal(secrets_delete(s, "account work", "oauth", &cause), 0);
	assert_int_equal(secrets_delete(s, "account work", "oauth", &cause), 1);
	set(s, "account work", "oauth", "x");
	assert_int_equal(secrets_delete(s, "account work", NULL, &cause), 0);
	assert_null(get(s, "account work", "password", 1));
	v = get(s, "llm", "api_key", 0);
	assert_string_equal(v, "sk-XYZ");
	secret_free(v);
	assert_null(cause);
	secrets_close(s);
}

static void test_wrong_passphrase(void **state)
{
	struct secrets *s;
	char *cause = NULL, *v = NULL, *before, *after;
	size_t l1, l2;

	(void)state;
	before = file_read(path, &l1, NULL);
	passphrase = "wrong horse";
	s = open_file();
	assert_int_equal(secrets_get(s, "llm", "api_key", &v, &cause), -1);
	assert_non_null(strstr(cause, "wrong passphrase"));
	x_free(&cause);
	assert_int_equal(secrets_set(s, "llm", "api_key", "other", &cause), -1);
	x_free(&cause);
	secrets_close(s);
	after = file_read(path, &l2, NULL);
	assert_int_equal(l1, l2);
	assert_memory_equal(before, after, l1); /* nothing lost */
	free(before);
	free(after);
	passphrase = "correct horse";
}

/* Write a damaged copy, check it is refused as damaged and kept as is. */
static void expect_damaged(const char *data, size_t len, const char *why)
{
	struct secrets *s;
	char *cause = NULL, *v = NULL, *after;
	size_t l2;

	assert_int_equal(file_write_atomic(path, data, len, 0600, NULL), 0);
	s = open_file();
	assert_int_equal(secrets_get(s, "llm", "api_key", &v, &cause), -1);
	if (!strstr(cause, why))
		fail_msg("cause \"%s\" lacks \"%s\"", cause, why);
	x_free(&cause);
	assert_int_equal(secrets_set(s, "llm", "api_key", "new", &cause), -1);
	x_free(&cause);
	secrets_close(s);
	after = file_read(path, &l2, NULL);
	assert_int_equal(l2, len);
	assert_memory_equal(after, data, len);
	free(after);
}

static void test_truncated_and_tampered(void **state)
{
	char *good;
	size_t len;

	(void)state;
	good = file_read(path, &len, NULL);
	assert_non_null(good);
	expect_damaged(good, 40, "truncated");
	expect_damaged(good, len - 1, "damaged");
	good[len - 3] ^= 0x01;
	expect_damaged(good, len, "altered");
	good[len - 3] ^= 0x01;
	good[9] = 1; /* a reserved header byte: authenticated too */
	expect_damaged(good, len, "altered");
	good[9] = 0;
	assert_int_equal(file_write_atomic(path, good, len, 0600, NULL), 0);
	free(good);
}

static void test_bad_names(void **state)
{
	struct secrets *s = open_file();
	char *cause = NULL, *v = NULL;

	(void)state;
	assert_int_equal(secrets_get(s, "", "x", &v, &cause), -1);
	x_free(&cause);
	assert_int_equal(secrets_set(s, "o", "k", NULL, &cause), -1);
	x_free(&cause);
	secrets_close(s);
}

static void test_unknown_backend(void **state)
{
	struct secret_opts o = {"vault", path, give_pass, NULL};
	char *cause = NULL;

	(void)state;
	assert_null(secrets_open(&o, NULL, &cause));
	assert_non_null(strstr(cause, "unknown secrets backend"));
	free(cause);
}

/* [secrets] cache: the derived key waits in the kernel's user keyring, so a
 * second open asks for no passphrase (and a wrong one does not matter);
 * with the cache off, every open asks again. */
static void test_cached_key(void **state)
{
	struct secrets *s;
	char *v;

	(void)state;
	if (access("/proc/keys", R_OK) != 0)
		skip(); /* no keyrings here: nothing is cached, nothing to test */
	secrets_cache_ttl(60);
	passphrase = "correct horse";
	s = open_file();
	v = get(s, "llm", "api_key", 0);
	secret_free(v);
	secrets_close(s);
	asked = 0;
	passphrase = "wrong horse";
	s = open_file();
	v = get(s, "llm", "api_key", 0);
	assert_string_equal(v, "sk-XYZ");
	assert_int_equal(asked, 0); /* the cached key opened it */
	secret_free(v);
	secrets_close(s);
	secrets_cache_ttl(0);
	s = open_file();
	assert_null(get(s, "llm", "api_key", -1)); /* cache off: the wrong passphrase is asked for */
	assert_int_equal(asked, 1);
	secrets_close(s);
	passphrase = "correct horse";
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),       cmocka_unit_test(test_delete),
	    cmocka_unit_test(test_wrong_passphrase), cmocka_unit_test(test_truncated_and_tampered),
	    cmocka_unit_test(test_bad_names),        cmocka_unit_test(test_unknown_backend),
	    cmocka_unit_test(test_cached_key),
	};
	int rc;

	if (!mkdtemp(dir))
		return 1;
	path = xasprintf("%s/sub/secrets.enc", dir);
	secrets_cache_ttl(0); /* every test but test_cached_key asks for its passphrase */
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	{
		char *sub = xasprintf("%s/sub", dir);
		rmdir(sub);
		free(sub);
	}
	rmdir(dir);
	free(path);
	return rc;
}
