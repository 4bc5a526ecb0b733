/*
 * oauth_http: the form POSTs of OAuth (token, device authorization) through
 * libcurl: TLS verified, http allowed only to loopback, answers capped at
 * 1 MB, 30 s timeout.  Tokens pass through here and are never logged.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "oauth_internal.h"
#include "va/log.h"

#define MAX_ANSWER (1024 * 1024)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void form_add(struct strbuf *sb, const char *name, const char *value)
{
	char *e;

	if (!value)
		return;
	pthread_once(&curl_once, curl_init_once);
	e = curl_easy_escape(NULL, value, 0);
	if (sb->len)
		sb_addc(sb, '&');
	sb_addf(sb, "%s=%s", name, e ? e : "");
	curl_free(e);
}

static const char *const loopback_prefixes[] = {
    "http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:",
    "http://localhost/", "http://[::1]:",     "http://[::1]/",
};

int oauth_check_url(const char *url, const char *what, char **cause)
{
	size_t i;

	if (!url || !*url)
		return set_cause(cause, "no %s endpoint configured", what);
	if (str_starts(url, "https://"))
		return 0;
	for (i = 0; i < VA_ARRAY_LEN(loopback_prefixes); i++)
		if (str_starts(url, loopback_prefixes[i]))
			return 0;
	return set_cause(cause,
	                 "refusing the %s endpoint \"%s\": only https is allowed "
	                 "(plain http only to 127.0.0.1)",
	                 what, url);
}

/* Zero and release a buffer that held a token answer. */
static void sb_wipe(struct strbuf *sb)
{
	volatile char *p = sb->buf;

	for (size_t i = 0; p && i < sb->len; i++)
		p[i] = 0;
	sb_release(sb);
}

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
	struct strbuf *sb = arg;

	if (sb->len + size * n > MAX_ANSWER)
		return 0;
	sb_add(sb, data, size * n);
	return size * n;
}

static CURL *easy_new(const struct oauth_client *c, const char *url, struct strbuf *sb)
{
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "va/" VA_VERSION);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1"); /* loopback stays local */
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sb);
	if (c->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	return h;
}

int oauth_post(const struct oauth_client *c, const char *url, const char *body, long *status,
               cJSON **json, char **cause)
{
	struct strbuf sb = STRBUF_INIT;
	struct curl_slist *hdr = NULL;
	CURLcode rc;
	CURL *h;

	*json = NULL;
	if (oauth_check_url(url, "token", cause) < 0)
		return -1;
	pthread_once(&curl_once, curl_init_once);
	sb_init(&sb);
	h = easy_new(c, url, &sb);
	if (!h)
		return sb_release(&sb), set_cause(cause, "cannot start an HTTP request");
	hdr = curl_slist_append(hdr, "Accept: application/json");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		set_cause(cause, "cannot reach \"%s\": %s", url, curl_easy_strerror(rc));
		sb_wipe(&sb);
		return -1;
	}
	*json = cJSON_ParseWithLength(sb.buf, sb.len);
	log_debug("oauth: POST %s: HTTP %ld", url, *status);
	sb_wipe(&sb);
	return 0;
}

const char *json_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}
