/* test_oauth: the pure parts of OAuth: SHA-256 and PKCE (RFC 7636 appendix
 * B), redirect parsing, the choice of flow, advice, the stored token set and
 * the XOAUTH2 string.  The flows themselves run against the fixture server in
 * tests/integration/test_account_oauth.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "va/oauth.h"
#include "va/util.h"

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void test_sha256(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
	    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	};
	unsigned char d[32];
	char h[65], *big;

	(void)state;
	for (size_t i = 0; i < VA_ARRAY_LEN(v); i++) {
		oauth_sha256(v[i].in, strlen(v[i].in), d);
		hex(d, 32, h);
		assert_string_equal(h, v[i].out);
	}
	big = xmalloc(1000000);
	memset(big, 'a', 1000000);
	oauth_sha256(big, 1000000, d);
	hex(d, 32, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(big);
}

static void test_pkce(void **state)
{
	char v[44], c[44], c2[44];

	(void)state;
	oauth_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", c);
	assert_string_equal(c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	oauth_pkce_new(v, c);
	assert_int_equal(strlen(v), 43);
	assert_int_equal(
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	oauth_pkce_challenge(v, c2);
	assert_string_equal(c, c2);
}

static void test_query(void **state)
{
	const char *u = "http://127.0.0.1:4711/?state=a%2Fb+c&code=4%2F0Ab-x&scope=x#frag";
	char *s;

	(void)state;
	s = oauth_query_param(u, "code");
	assert_string_equal(s, "4/0Ab-x");
	free(s);
	s = oauth_query_param(u, "state");
	assert_string_equal(s, "a/b c");
	free(s);
	assert_null(oauth_query_param(u, "cod"));
	assert_null(oauth_query_param(u, "frag"));
	s = oauth_query_param("code=abc%zz%4", "code");
	assert_string_equal(s, "abc%zz%4");
	free(s);
}

static void test_flow_choice(void **state)
{
	struct oauth_client gmail = {.provider = "gmail", .device_url = "https://x/device"};
	struct oauth_client ms = {.provider = "outlook", .device_url = "https://x/device"};
	struct oauth_client custom = {.provider = "custom"};
	char *why;

	(void)state;
	assert_int_equal(oauth_pick_flow(&gmail, 0), OAUTH_LOOPBACK);
	assert_int_equal(oauth_pick_flow(&gmail, 1), OAUTH_PASTE);
	assert_int_equal(oauth_pick_flow(&ms, 1), OAUTH_DEVICE);
	assert_int_equal(oauth_pick_flow(&custom, 1), OAUTH_PASTE); /* no device endpoint */
	why = oauth_flow_refusal(&gmail, OAUTH_DEVICE);
	assert_non_null(strstr(why, "Google does not allow"));
	free(why);
	assert_null(oauth_flow_refusal(&ms, OAUTH_DEVICE));
	assert_null(oauth_flow_refusal(&gmail, OAUTH_PASTE));
	assert_int_equal(oauth_flow_parse("device"), OAUTH_DEVICE);
	assert_int_equal(oauth_flow_parse("oob"), -1);
}

static void test_advice(void **state)
{
	struct oauth_client c = {.provider = "gmail"};
	char *a;

	(void)state;
	a = oauth_advice(&c, "invalid_client", "The OAuth client was not found.");
	assert_non_null(strstr(a, "oauth_client_id"));
	assert_non_null(strstr(a, "The OAuth client was not found."));
	free(a);
	a = oauth_advice(&c, "access_denied", NULL);
	assert_non_null(strstr(a, "declined"));
	free(a);
	a = oauth_advice(&c, "weird_thing", "desc");
	assert_string_equal(a, "the provider answered \"weird_thing\": desc");
	free(a);
}

static void test_token_codec(void **state)
{
	struct oauth_token t = {xstrdup("at-\"1\\"), xstrdup("rt-2"), 1234567890}, u;
	char *s, *x;

	(void)state;
	s = oauth_token_encode(&t);
	assert_int_equal(oauth_token_decode(s, &u), 0);
	assert_string_equal(u.access, t.access);
	assert_string_equal(u.refresh, "rt-2");
	assert_int_equal(u.expires_at, 1234567890);
	oauth_token_release(&u);
	oauth_token_release(&t);
	assert_null(t.access);
	free(s);
	assert_int_equal(oauth_token_decode("{\"refresh_token\":\"x\"}", &u), -1);
	assert_int_equal(oauth_token_decode("garbage", &u), -1);
	x = oauth_xoauth2("alice@example.test", "tok");
	assert_memory_equal(x, "user=alice@example.test\001auth=Bearer tok\001\001", 39);
	free(x);
	x = oauth_oauthbearer("a,b=c@example.test", "127.0.0.1", 993, "tok");
	assert_string_equal(x, "n,a=a=2Cb=3Dc@example.test,\001host=127.0.0.1\001port=993\001"
	                       "auth=Bearer tok\001\001");
	free(x);
}

static void test_refused_endpoints(void **state)
{
	struct oauth_client c = {
	    .provider = "custom", .client_id = "id", .token_url = "http://example.com/token"};
	struct oauth_token t;
	char *cause = NULL;

	(void)state;
	assert_int_equal(oauth_refresh(&c, "rt", &t, &cause), -1);
	assert_non_null(strstr(cause, "only https"));
	free(cause);
	cause = NULL;
	assert_int_equal(oauth_refresh(&c, "", &t, &cause), OAUTH_REVOKED);
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha256),
	    cmocka_unit_test(test_pkce),
	    cmocka_unit_test(test_query),
	    cmocka_unit_test(test_flow_choice),
	    cmocka_unit_test(test_advice),
	    cmocka_unit_test(test_token_codec),
	    cmocka_unit_test(test_refused_endpoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
