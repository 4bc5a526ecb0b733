/*
 * oauth: OAuth 2.0 sign-in for mail accounts (L1, net/; libcurl + cJSON).
 *
 * Three ways to get a first token, never the retired out-of-band redirect:
 *   loopback  authorization code with PKCE (RFC 7636); the browser is sent to
 *             http://127.0.0.1:PORT/ (http://localhost:PORT/ for Microsoft,
 *             which registers it so) where va listens on a random port
 *   paste     the same listener, and the user may instead paste the address
 *             the browser ended on (works over SSH, where 127.0.0.1 is the
 *             wrong machine); va prints the `ssh -L` alternative too
 *   device    the device authorization grant (RFC 8628): a code to type at a
 *             URL on any device; polls with authorization_pending/slow_down
 * Tokens are refreshed with the refresh token.  Provider error codes come
 * back as plain advice.  Only https endpoints are used, except plain http to
 * a loopback address (the test fixtures).  Nothing here logs a token.
 */
#ifndef VA_OAUTH_H
#define VA_OAUTH_H

#include <stddef.h>
#include <stdint.h>

enum oauth_flow { OAUTH_AUTO, OAUTH_LOOPBACK, OAUTH_PASTE, OAUTH_DEVICE };

/* Endpoints and client, from the account's section of va.conf (borrowed). */
struct oauth_client {
	const char *provider; /* "gmail", "outlook", "custom" */
	const char *client_id;
	const char *client_secret; /* or NULL */
	const char *scope;
	const char *auth_url;
	const char *token_url;
	const char *device_url; /* or NULL */
	const char *login_hint; /* the account's address, or NULL */
	const char *ca_file;    /* extra CA to trust, or NULL */
};

struct oauth_token {
	char *access;
	char *refresh;      /* may be NULL (then no refresh is possible) */
	int64_t expires_at; /* seconds since the epoch; 0 when unknown */
};

/* How a flow talks to the user: `say` shows instructions (a URL, a code, a
 * hint); `paste_fd` (or -1) is where a pasted redirect address can be read. */
struct oauth_io {
	void (*say)(void *arg, const char *text);
	void *arg;
	int paste_fd;
	int timeout_s; /* how long to wait for the user; 0: 300 */
};

/* Result codes beyond 0/-1. */
enum { OAUTH_REVOKED = 1 }; /* invalid_grant on refresh: sign in again */

/* "loopback", "paste", "device" -> the flow; OAUTH_AUTO (-1 on unknown). */
int oauth_flow_parse(const char *name);
const char *oauth_flow_name(enum oauth_flow f);
/* The flow that works here: device for Microsoft over SSH, paste for others
 * over SSH, loopback at a desktop.  `over_ssh` from SSH_CONNECTION/SSH_TTY. */
enum oauth_flow oauth_pick_flow(const struct oauth_client *c, int over_ssh);
/* Why `flow` cannot work for c, or NULL.  Caller frees. */
char *oauth_flow_refusal(const struct oauth_client *c, enum oauth_flow flow);

/* Run a flow to its end: 0 and *out filled, or -1 and *cause (plain advice
 * for provider errors, timeouts and denials). */
int oauth_authorize(const struct oauth_client *c, enum oauth_flow flow, const struct oauth_io *io,
                    struct oauth_token *out, char **cause);

/* Trade the refresh token for a new access token.  0 and *out (out->refresh
 * is the rotated token, or a copy of the old one), OAUTH_REVOKED and *cause
 * when the provider says the grant is gone, -1 and *cause otherwise. */
int oauth_refresh(const struct oauth_client *c, const char *refresh, struct oauth_token *out,
                  char **cause);

/* Plain advice for an OAuth error code ("invalid_client", ...) and the
 * provider's description (may be NULL).  Caller frees. */
char *oauth_advice(const struct oauth_client *c, const char *error, const char *description);

/* Serialise a token set for the secret store and back (JSON).  decode: 0 or
 * -1 when malformed.  Callers wipe the strings with secret-grade care. */
char *oauth_token_encode(const struct oauth_token *t);
int oauth_token_decode(const char *s, struct oauth_token *t);
/* Wipe and free the strings in t. */
void oauth_token_release(struct oauth_token *t);

/* The SASL XOAUTH2 initial response (not base64-encoded):
 * "user=USER\001auth=Bearer TOKEN\001\001".  Caller wipes and frees. */
char *oauth_xoauth2(const char *user, const char *token);
/* The SASL OAUTHBEARER initial response (RFC 7628, not base64-encoded):
 * "n,a=USER,\001host=HOST\001port=PORT\001auth=Bearer TOKEN\001\001", with
 * ',' and '=' in USER escaped as =2C and =3D.  Caller wipes and frees. */
char *oauth_oauthbearer(const char *user, const char *host, int port, const char *token);

/* PKCE (RFC 7636) and helpers, public for the tests. */
/* A fresh verifier (43 characters) and its S256 challenge. */
void oauth_pkce_new(char verifier[44], char challenge[44]);
/* S256 of a verifier: base64url(SHA-256(verifier)), unpadded. */
void oauth_pkce_challenge(const char *verifier, char challenge[44]);
void oauth_sha256(const void *data, size_t len, unsigned char out[32]);
/* Parse the query of a redirect address ("http://127.0.0.1:1234/?code=..&state=..",
 * or just "code=..&state=.."): value of `name`, URL-decoded, or NULL.  Caller frees. */
char *oauth_query_param(const char *url, const char *name);

#endif
