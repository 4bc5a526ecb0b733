/*
 * fuzz_oauth: what a token endpoint answers (oauth_token_answer, with the
 * JSON parsed as oauth_post does) under a 200 and an error status, the token
 * set as stored (oauth_token_decode, round-tripped through encode), and a
 * pasted redirect address (oauth_query_param).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../src/net/oauth_internal.h"
#include "va/oauth.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct oauth_client client = {
    .provider = "custom",
    .client_id = "client-id",
    .scope = "mail",
    .auth_url = "https://auth.example/authorize",
    .token_url = "https://auth.example/token",
};

static void answer(cJSON *json, long status)
{
	struct oauth_token t;
	char *cause = NULL;

	if (oauth_token_answer(&client, status, json, "keep", &t, &cause) == 0) {
		if (!t.access || !t.refresh)
			abort();
		oauth_token_release(&t);
	} else if (!cause) {
		abort();
	}
	free(cause);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *enc, *p;
	cJSON *json = cJSON_Parse(text);
	struct oauth_token t, t2;

	answer(json, 200);
	answer(json, 400);
	cJSON_Delete(json);
	if (oauth_token_decode(text, &t) == 0) {
		enc = oauth_token_encode(&t);
		if (oauth_token_decode(enc, &t2) != 0 || strcmp(t.access, t2.access) != 0)
			abort();
		oauth_token_release(&t2);
		free(enc);
		oauth_token_release(&t);
	}
	free(oauth_query_param(text, "code"));
	free(oauth_query_param(text, "state"));
	if ((p = oauth_query_param(text, "error")) != NULL) {
		free(oauth_advice(&client, p, NULL));
		free(p);
	}
	free(text);
	return 0;
}
