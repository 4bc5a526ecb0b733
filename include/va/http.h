/*
 * http: downloads through libcurl (L1; net/ is the only curl user).  TLS is
 * verified, only http and https are followed (at most 5 redirects, never from
 * https down to http), the body is capped in size and the transfer in time.
 */
#ifndef VA_HTTP_H
#define VA_HTTP_H

#include <stdint.h>

struct http_opts {
	int64_t max_bytes;   /* 0: 1 GiB */
	long timeout;        /* seconds for the whole transfer; 0: 300 */
	long low_speed;      /* abort below 1 kB/s for this many seconds; 0: 30 */
	const char *ca_file; /* extra CA bundle (PEM) or NULL */
};

/* 1 when s starts with http:// or https:// (case-insensitive). */
int http_is_url(const char *s);

/* GET url and write the body to fd.  Fails (-1, *cause) on a transport
 * error, a status other than 2xx, or a body over max_bytes ("too large");
 * *status gets the last HTTP status (0 when none).  Nothing from the URL's
 * query string is logged (it may be a presigned credential). */
int http_get_to_fd(const char *url, int fd, const struct http_opts *o, long *status, char **cause);

#endif
