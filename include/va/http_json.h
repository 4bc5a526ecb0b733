/*
 * http_json: one JSON request and its answer through libcurl (L1, net/),
 * for APIs such as the OpenAI-compatible chat completions the classifier
 * uses.  Sits next to http.c (downloads) and keeps its rules: TLS verified,
 * http/https only, no redirects for a POST, the answer capped in size and the
 * exchange in time.  The bearer token goes in a header only: it is never
 * logged, never in a URL, never in a cause string.
 */
#ifndef VA_HTTP_JSON_H
#define VA_HTTP_JSON_H

#include <stddef.h>

struct http_json_opts {
	long timeout_ms;     /* whole exchange; 0: 30 s */
	size_t max_bytes;    /* answer cap; 0: 1 MiB */
	const char *ca_file; /* extra CA bundle (PEM) or NULL */
};

struct http_json_reply {
	long status; /* HTTP status, 0 when none arrived */
	char *body;  /* NUL-terminated answer (caller frees), or NULL */
	size_t len;
	long retry_after; /* seconds from a Retry-After header, -1 when absent */
	int timed_out;    /* the exchange passed timeout_ms */
};

/* POST body (JSON) to url with "Authorization: Bearer <bearer>" when bearer
 * is non-NULL.  0 when an HTTP answer arrived (whatever its status: the
 * caller decides), -1 and *cause on a transport failure or an answer over
 * the cap; *r is filled either way (release with http_json_reply_release). */
int http_post_json(const char *url, const char *bearer, const char *body,
                   const struct http_json_opts *o, struct http_json_reply *r, char **cause);
void http_json_reply_release(struct http_json_reply *r);

#endif
