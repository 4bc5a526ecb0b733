/*
 * oauth_internal: what the oauth*.c files share: form bodies, the token
 * endpoint POST (oauth_http.c), and the loopback listener (oauth_listen.c).
 */
#ifndef VA_OAUTH_INTERNAL_H
#define VA_OAUTH_INTERNAL_H

#include <cjson/cJSON.h>

#include "va/oauth.h"
#include "va/util.h"

/* Append "&name=value" (URL-encoded; no "&" first) to a form or query. */
void form_add(struct strbuf *sb, const char *name, const char *value);
/* 0 when url is https, or http to a loopback address; else -1 and *cause. */
int oauth_check_url(const char *url, const char *what, char **cause);
/* POST an application/x-www-form-urlencoded body; 0 with the HTTP status and
 * the parsed JSON answer (caller deletes; NULL if the body is not JSON), or
 * -1 and *cause when no answer came. */
int oauth_post(const struct oauth_client *c, const char *url, const char *body, long *status,
               cJSON **json, char **cause);
/* A string member of a JSON object, or NULL (borrowed). */
const char *json_str(const cJSON *o, const char *name);

/* Read a token answer into *out: 0, or -1 and *cause (advice when it is an
 * error answer).  `refresh_keep` is copied when no new refresh token came. */
int oauth_token_answer(const struct oauth_client *c, long status, cJSON *json,
                       const char *refresh_keep, struct oauth_token *out, char **cause);

/* The loopback listener: bound to 127.0.0.1 on a random port. */
struct listener;
struct listener *listener_new(char **cause);
int listener_port(const struct listener *l);
void listener_free(struct listener *l);
/* Wait for the browser's redirect on the listener, or a pasted redirect
 * address on paste_fd (-1: none), until timeout_s.  0 with *redirect (the
 * path and query, or the pasted line; caller frees), -1 and *cause. */
int listener_wait(struct listener *l, int paste_fd, int timeout_s, char **redirect, char **cause);

#endif
