/*
 * net/http_json.c: a JSON POST and its answer in memory (the LLM client's
 * transport).  Kept apart from http.c (downloads to a file descriptor) so
 * each file has one job; both call curl_global_init once (curl makes a second
 * call harmless).  The bearer token only ever sits in a curl header list that
 * is freed right after the exchange.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "va/http_json.h"
#include "va/util.h"

#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_MAX        (1024 * 1024)

static pthread_once_t json_once = PTHREAD_ONCE_INIT;

static void json_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct buf {
	struct strbuf sb;
	size_t max;
	int too_big;
	long retry_after;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t len = size * n;

	if (b->sb.len + len > b->max) {
		b->too_big = 1;
		return 0;
	}
	sb_add(&b->sb, data, len);
	return len;
}

/* Retry-After in seconds (the HTTP-date form is treated as absent). */
static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t len = size * n;
	char line[64];

	if (len > 12 && len < sizeof line && !strncasecmp(data, "retry-after:", 12)) {
		char *end;
		long v;
		memcpy(line, data + 12, len - 12);
		line[len - 12] = '\0';
		v = strtol(line, &end, 10);
		if (end != line && v >= 0)
			b->retry_after = v;
	}
	return len;
}

/* Zero and free a string that held a credential. */
static void wipe_free(char *s)
{
	volatile char *p = s;

	while (p && *p)
		*p++ = '\0';
	free(s);
}

static struct curl_slist *headers_for(const char *bearer)
{
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	char *auth;

	h = curl_slist_append(h, "Accept: application/json");
	if (bearer) {
		auth = xasprintf("Authorization: Bearer %s", bearer);
		h = curl_slist_append(h, auth);
		wipe_free(auth);
	}
	return h;
}

static void setup(CURL *c, const char *url, const char *body, const struct http_json_opts *o,
                  struct curl_slist *h, struct buf *b)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	                 o && o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "va/" VA_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, b);
	if (o && o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
}

int http_post_json(const char *url, const char *bearer, const char *body,
                   const struct http_json_opts *o, struct http_json_reply *r, char **cause)
{
	struct buf b = {STRBUF_INIT, o && o->max_bytes ? o->max_bytes : DEFAULT_MAX, 0, -1};
	char *shown = xstrndup(url, strcspn(url, "?#"));
	struct curl_slist *h;
	CURLcode rc;
	CURL *c;
	int ret = 0;

	memset(r, 0, sizeof *r);
	r->retry_after = -1;
	pthread_once(&json_once, json_init_once);
	if (!(c = curl_easy_init())) {
		set_cause(cause, "cannot reach \"%s\": cannot start libcurl", shown);
		free(shown);
		return -1;
	}
	sb_init(&b.sb);
	h = headers_for(bearer);
	setup(c, url, body, o, h, &b);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	r->retry_after = b.retry_after;
	r->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
	if (b.too_big)
		ret = set_cause(cause, "cannot use the answer of \"%s\": larger than %zu bytes",
		                shown, b.max);
	else if (rc != CURLE_OK)
		ret = set_cause(cause, "cannot reach \"%s\": %s", shown, curl_easy_strerror(rc));
	r->len = b.sb.len;
	r->body = sb_detach(&b.sb);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(shown);
	return ret;
}

void http_json_reply_release(struct http_json_reply *r)
{
	free(r->body);
	memset(r, 0, sizeof *r);
	r->retry_after = -1;
}
