/*
 * net/http.c: plain downloads for the analysis (CSV from an http(s) URL,
 * including presigned object-store links).  The only libcurl user besides the
 * OAuth POSTs; same rules: TLS verified, timeouts, size caps.  A URL's query
 * string can carry a credential, so messages name the URL without it.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "va/http.h"
#include "va/util.h"

static pthread_once_t http_once = PTHREAD_ONCE_INIT;

static void http_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int http_is_url(const char *s)
{
	return s && (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8));
}

struct sink {
	int fd;
	int64_t got, max;
	int too_big, write_err;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct sink *k = arg;
	size_t len = size * n, off = 0;
	ssize_t w;

	if (k->got + (int64_t)len > k->max) {
		k->too_big = 1;
		return 0;
	}
	while (off < len) {
		w = write(k->fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			k->write_err = errno ? errno : EIO;
			return 0;
		}
		off += (size_t)w;
	}
	k->got += (int64_t)len;
	return len;
}

/* The URL without its query string and fragment, for messages. */
static char *display_url(const char *url)
{
	return xstrndup(url, strcspn(url, "?#"));
}

static void setup(CURL *h, const char *url, const struct http_opts *o, struct sink *k)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR,
	                 str_starts(url, "https") ? "https" : "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, o && o->timeout ? o->timeout : 300L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o && o->low_speed ? o->low_speed : 30L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "va/" VA_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
	if (o && o->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
}

static int outcome(CURLcode rc, long status, const struct sink *k, const char *url, char **cause)
{
	char *shown = display_url(url);
	int ret = 0;

	if (k->too_big)
		ret = set_cause(cause, "cannot download \"%s\": larger than %lld bytes", shown,
		                (long long)k->max);
	else if (k->write_err)
		ret = set_cause(cause, "cannot download \"%s\": %s", shown, strerror(k->write_err));
	else if (rc != CURLE_OK)
		ret = set_cause(cause, "cannot download \"%s\": %s", shown, curl_easy_strerror(rc));
	else if (status < 200 || status > 299)
		ret = set_cause(cause, "cannot download \"%s\": HTTP status %ld", shown, status);
	free(shown);
	return ret;
}

int http_get_to_fd(const char *url, int fd, const struct http_opts *o, long *status, char **cause)
{
	struct sink k = {fd, 0, o && o->max_bytes ? o->max_bytes : (int64_t)1 << 30, 0, 0};
	long code = 0;
	CURLcode rc;
	CURL *h;

	if (status)
		*status = 0;
	if (!http_is_url(url))
		return set_cause(cause, "cannot download \"%s\": only http and https URLs", url);
	pthread_once(&http_once, http_init_once);
	if (!(h = curl_easy_init()))
		return set_cause(cause, "cannot start an HTTP request");
	setup(h, url, o, &k);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	if (status)
		*status = code;
	return outcome(rc, code, &k, url, cause);
}
