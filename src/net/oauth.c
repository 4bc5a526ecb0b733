/*
 * oauth: the sign-in flows (authorization code with PKCE over a loopback
 * redirect or a pasted address; device authorization), refresh, the choice
 * of flow for the provider and the place, provider errors as advice, and the
 * token set's serialisation.  HTTP is in oauth_http.c, the listener in
 * oauth_listen.c, PKCE in oauth_pkce.c.
 */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oauth_internal.h"
#include "va/log.h"

static const char *const flow_names[] = {"auto", "loopback", "paste", "device"};

int oauth_flow_parse(const char *name)
{
	for (size_t i = 0; i < VA_ARRAY_LEN(flow_names); i++)
		if (!strcmp(flow_names[i], name))
			return (int)i;
	return -1;
}

const char *oauth_flow_name(enum oauth_flow f)
{
	return (size_t)f < VA_ARRAY_LEN(flow_names) ? flow_names[f] : "?";
}

/* Per-provider habits: extra authorization parameters, device flow use. */
static const struct provider_habit {
	const char *provider;
	const char *auth_extra; /* appended to the authorization URL */
	int device_for_mail;
	const char *device_refusal;
	const char *redirect_host; /* what the registered loopback redirect names */
} habits[] = {
    {"gmail", "access_type=offline&prompt=consent", 0,
     "Google does not allow mail access through the device flow: use --flow paste "
     "(works over SSH) or --flow loopback",
     "127.0.0.1"},
    {"outlook", "prompt=select_account", 1, NULL, "localhost"},
    {"custom", NULL, 1, NULL, "127.0.0.1"},
};

static const struct provider_habit *habit(const struct oauth_client *c)
{
	for (size_t i = 0; i < VA_ARRAY_LEN(habits); i++)
		if (c->provider && !strcmp(habits[i].provider, c->provider))
			return &habits[i];
	return &habits[VA_ARRAY_LEN(habits) - 1];
}

enum oauth_flow oauth_pick_flow(const struct oauth_client *c, int over_ssh)
{
	if (!over_ssh)
		return OAUTH_LOOPBACK;
	if (habit(c)->device_for_mail && c->device_url && *c->device_url)
		return OAUTH_DEVICE;
	return OAUTH_PASTE;
}

char *oauth_flow_refusal(const struct oauth_client *c, enum oauth_flow flow)
{
	if (flow != OAUTH_DEVICE)
		return NULL;
	if (!habit(c)->device_for_mail)
		return xstrdup(habit(c)->device_refusal);
	if (!c->device_url || !*c->device_url)
		return xstrdup("no device-code endpoint (oauth_device_url) for this account: "
		               "use --flow paste or --flow loopback");
	return NULL;
}

/* Provider error code -> plain advice. */
static const struct {
	const char *error;
	const char *advice;
} advice_table[] = {
    {"invalid_client", "the provider refused the client id or secret: check oauth_client_id "
                       "and oauth_client_secret in va.conf (see the README, \"Link your Gmail / "
                       "Outlook account\")"},
    {"unauthorized_client", "this client id may not use this sign-in flow: register it as a "
                            "desktop/public client, or try another --flow"},
    {"invalid_grant", "the sign-in was revoked or has expired"},
    {"invalid_scope", "the provider refused the requested access (oauth_scope): check it, and "
                      "that the mail API is enabled for your client"},
    {"access_denied", "the sign-in was declined in the browser, or an administrator blocks "
                      "this app"},
    {"consent_required", "the provider needs your consent again: run the sign-in and accept "
                         "the requested access"},
    {"interaction_required", "the provider needs you to sign in interactively again"},
    {"expired_token", "the code expired before it was entered: run the sign-in again"},
    {"redirect_uri_mismatch", "the client does not allow va's 127.0.0.1 redirect: create the "
                              "client as a \"Desktop app\" (Google) or add the redirect "
                              "http://localhost (Microsoft)"},
    {"unsupported_grant_type", "the provider does not support this sign-in flow: try another "
                               "--flow"},
    {"temporarily_unavailable", "the provider is temporarily unavailable: try again later"},
    {"server_error", "the provider had an internal error: try again later"},
};

char *oauth_advice(const struct oauth_client *c, const char *error, const char *description)
{
	const char *what = NULL;

	(void)c;
	for (size_t i = 0; i < VA_ARRAY_LEN(advice_table) && error; i++)
		if (!strcmp(advice_table[i].error, error))
			what = advice_table[i].advice;
	if (!what)
		return xasprintf("the provider answered \"%s\"%s%s", error ? error : "an error",
		                 description ? ": " : "", description ? description : "");
	if (description && *description)
		return xasprintf("%s (%s: %s)", what, error, description);
	return xasprintf("%s (%s)", what, error);
}

static int64_t json_int(const cJSON *o, const char *name, int64_t def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	int64_t n;

	/* Bounded (a few million years) so that the cast is defined and "now +
	 * expires_in" cannot overflow; beyond that the value is garbage. */
	if (cJSON_IsNumber(v))
		return v->valuedouble > -1e14 && v->valuedouble < 1e14 ? (int64_t)v->valuedouble
		                                                       : def;
	if (cJSON_IsString(v)) {
		n = strtoll(v->valuestring, NULL, 10);
		return n > -100000000000000LL && n < 100000000000000LL ? n : def;
	}
	return def;
}

/* An error answer (or garbage) as *cause; returns -1 or OAUTH_REVOKED. */
static int answer_error(const struct oauth_client *c, long status, const cJSON *json, char **cause)
{
	const char *err = json ? json_str(json, "error") : NULL;
	char *advice;

	if (!err)
		return set_cause(
		    cause, "the token endpoint answered HTTP %ld without a usable answer", status);
	advice = oauth_advice(c, err, json_str(json, "error_description"));
	set_cause(cause, "%s", advice);
	free(advice);
	return !strcmp(err, "invalid_grant") ? OAUTH_REVOKED : -1;
}

int oauth_token_answer(const struct oauth_client *c, long status, cJSON *json,
                       const char *refresh_keep, struct oauth_token *out, char **cause)
{
	const char *at = json ? json_str(json, "access_token") : NULL;
	const char *rt;
	int64_t exp;

	memset(out, 0, sizeof *out);
	if (status != 200 || !at)
		return answer_error(c, status, json, cause);
	rt = json_str(json, "refresh_token");
	exp = json_int(json, "expires_in", 0);
	out->access = xstrdup(at);
	out->refresh = xstrdup(rt ? rt : refresh_keep);
	out->expires_at = exp > 0 ? time_now() + exp : 0;
	return 0;
}

/* POST a form to the token endpoint and read a token answer. */
static int token_request(const struct oauth_client *c, struct strbuf *form, const char *keep,
                         struct oauth_token *out, char **cause)
{
	cJSON *json = NULL;
	long status = 0;
	int rc;

	form_add(form, "client_id", c->client_id);
	form_add(form, "client_secret",
	         c->client_secret && *c->client_secret ? c->client_secret : NULL);
	rc = oauth_post(c, c->token_url, form->buf, &status, &json, cause);
	if (rc == 0)
		rc = oauth_token_answer(c, status, json, keep, out, cause);
	cJSON_Delete(json);
	return rc;
}

int oauth_refresh(const struct oauth_client *c, const char *refresh, struct oauth_token *out,
                  char **cause)
{
	struct strbuf form = STRBUF_INIT;
	int rc;

	memset(out, 0, sizeof *out);
	if (!refresh || !*refresh)
		return set_cause(cause, "no refresh token is stored"), OAUTH_REVOKED;
	sb_init(&form);
	form_add(&form, "grant_type", "refresh_token");
	form_add(&form, "refresh_token", refresh);
	rc = token_request(c, &form, refresh, out, cause);
	sb_release(&form);
	return rc;
}

static int check_client(const struct oauth_client *c, enum oauth_flow flow, char **cause)
{
	if (!c->client_id || !*c->client_id)
		return set_cause(cause,
		                 "no OAuth client id: add oauth_client_id under the account in "
		                 "va.conf (the README explains how to get one)");
	if (oauth_check_url(c->token_url, "token", cause) < 0)
		return -1;
	if (flow == OAUTH_DEVICE)
		return oauth_check_url(c->device_url, "device-code", cause);
	return oauth_check_url(c->auth_url, "authorization", cause);
}

/* ---- authorization code with PKCE ---- */

struct code_flow {
	char verifier[44], challenge[44], state[44];
	char *redirect_uri;
};

static char *auth_url(const struct oauth_client *c, const struct code_flow *f)
{
	struct strbuf q = STRBUF_INIT;
	const char *extra = habit(c)->auth_extra;
	char *url;

	sb_init(&q);
	form_add(&q, "response_type", "code");
	form_add(&q, "client_id", c->client_id);
	form_add(&q, "redirect_uri", f->redirect_uri);
	form_add(&q, "scope", c->scope);
	form_add(&q, "state", f->state);
	form_add(&q, "code_challenge", f->challenge);
	form_add(&q, "code_challenge_method", "S256");
	form_add(&q, "login_hint", c->login_hint);
	url = xasprintf("%s%s%s%s%s", c->auth_url, strchr(c->auth_url, '?') ? "&" : "?", q.buf,
	                extra ? "&" : "", extra ? extra : "");
	sb_release(&q);
	return url;
}

/* The `ssh -L` line that makes the browser's 127.0.0.1:PORT reach us. */
static char *ssh_hint(int port)
{
	const char *conn = getenv("SSH_CONNECTION"), *user = getenv("USER");
	char host[64] = "HOST", sport[16] = "22", *fmt;

	if (conn) {
		char a[64], b[16], h[64], p[16];
		if (sscanf(conn, "%63s %15s %63s %15s", a, b, h, p) == 4) {
			snprintf(host, sizeof host, "%s", h);
			snprintf(sport, sizeof sport, "%s", p);
		}
	}
	fmt = strcmp(sport, "22") ? xasprintf(" -p %s", sport) : xstrdup("");
	char *hint = xasprintf("ssh -L %d:127.0.0.1:%d%s %s%s%s", port, port, fmt, user ? user : "",
	                       user ? "@" : "", host);
	free(fmt);
	return hint;
}

static void say(const struct oauth_io *io, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(const struct oauth_io *io, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!io->say)
		return;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	io->say(io->arg, s);
	free(s);
}

static void instructions(const struct oauth_io *io, enum oauth_flow flow, const char *url, int port)
{
	char *hint;

	say(io, "Open this address in a browser and sign in:\n\n  %s\n", url);
	hint = ssh_hint(port);
	if (flow != OAUTH_PASTE) {
		if (getenv("SSH_CONNECTION"))
			say(io,
			    "Over SSH, the browser's 127.0.0.1 is your own machine: forward the "
			    "port first with\n\n    %s\n\nor use --flow paste.",
			    hint);
		say(io, "Waiting for the browser to come back to 127.0.0.1:%d ...", port);
		free(hint);
		return;
	}
	say(io,
	    "If the browser runs on another machine, either:\n"
	    "  - after signing in, copy the address the browser ends on (the page will not load)\n"
	    "    and paste it here, then press Enter; or\n"
	    "  - first forward the port from that machine with:\n\n    %s\n",
	    hint);
	say(io, "Waiting for the pasted address or the browser ...");
	free(hint);
}

/* Check the redirect's state and take its code (or its error as advice). */
static char *redirect_code(const struct oauth_client *c, const struct code_flow *f,
                           const char *redirect, char **cause)
{
	char *state = oauth_query_param(redirect, "state");
	char *err = oauth_query_param(redirect, "error"), *code = NULL, *adv;

	if (err) {
		char *desc = oauth_query_param(redirect, "error_description");
		adv = oauth_advice(c, err, desc);
		set_cause(cause, "%s", adv);
		free(adv);
		free(desc);
	} else if (!state || strcmp(state, f->state)) {
		set_cause(cause, "the address does not belong to this sign-in (state differs): "
		                 "paste the address from the browser of this very sign-in");
	} else if (!(code = oauth_query_param(redirect, "code"))) {
		set_cause(cause, "the address holds no authorization code");
	}
	free(state);
	free(err);
	return code;
}

static int code_flow(const struct oauth_client *c, enum oauth_flow flow, const struct oauth_io *io,
                     struct oauth_token *out, char **cause)
{
	struct code_flow f;
	struct strbuf form = STRBUF_INIT;
	struct listener *l = listener_new(cause);
	char *url, *redirect = NULL, *code = NULL, junk[44];
	int rc = -1;

	if (!l)
		return -1;
	oauth_pkce_new(f.state, junk); /* 256 random bits serve as the state too */
	oauth_pkce_new(f.verifier, f.challenge);
	f.redirect_uri = xasprintf("http://%s:%d/", habit(c)->redirect_host, listener_port(l));
	url = auth_url(c, &f);
	instructions(io, flow, url, listener_port(l));
	if (listener_wait(l, flow == OAUTH_PASTE ? io->paste_fd : -1, io->timeout_s, &redirect,
	                  cause) == 0 &&
	    (code = redirect_code(c, &f, redirect, cause)) != NULL) {
		sb_init(&form);
		form_add(&form, "grant_type", "authorization_code");
		form_add(&form, "code", code);
		form_add(&form, "redirect_uri", f.redirect_uri);
		form_add(&form, "code_verifier", f.verifier);
		rc = token_request(c, &form, NULL, out, cause) == 0 ? 0 : -1;
		sb_release(&form);
	}
	free(code);
	free(redirect);
	free(url);
	free(f.redirect_uri);
	listener_free(l);
	return rc;
}

/* ---- device authorization (RFC 8628) ---- */

struct device_grant {
	char *device_code;
	int64_t interval, deadline;
};

static int device_start(const struct oauth_client *c, const struct oauth_io *io,
                        struct device_grant *g, char **cause)
{
	struct strbuf form = STRBUF_INIT;
	cJSON *json = NULL;
	long status = 0;
	const char *code, *uri, *complete;
	int rc;

	sb_init(&form);
	form_add(&form, "client_id", c->client_id);
	form_add(&form, "scope", c->scope);
	rc = oauth_post(c, c->device_url, form.buf, &status, &json, cause);
	sb_release(&form);
	if (rc < 0)
		return -1;
	code = json_str(json, "user_code");
	uri = json_str(json, "verification_uri");
	if (!uri)
		uri = json_str(json, "verification_url");
	if (status != 200 || !code || !uri || !json_str(json, "device_code")) {
		answer_error(c, status, json, cause);
		cJSON_Delete(json);
		return -1;
	}
	complete = json_str(json, "verification_uri_complete");
	g->device_code = xstrdup(json_str(json, "device_code"));
	g->interval = json_int(json, "interval", 5);
	g->deadline = time_now() + json_int(json, "expires_in", 900);
	say(io, "On any device, open\n\n  %s\n\nand enter the code  %s\n", uri, code);
	if (complete)
		say(io, "(or open %s directly)", complete);
	say(io, "Waiting for you to finish signing in ...");
	cJSON_Delete(json);
	return 0;
}

/* One poll: 0 done, 1 keep polling (interval maybe raised), -1 failed. */
static int device_poll(const struct oauth_client *c, struct device_grant *g,
                       struct oauth_token *out, char **cause)
{
	struct strbuf form = STRBUF_INIT;
	cJSON *json = NULL;
	const char *err;
	long status = 0;
	int rc;

	sb_init(&form);
	form_add(&form, "grant_type", "urn:ietf:params:oauth:grant-type:device_code");
	form_add(&form, "device_code", g->device_code);
	form_add(&form, "client_id", c->client_id);
	form_add(&form, "client_secret",
	         c->client_secret && *c->client_secret ? c->client_secret : NULL);
	rc = oauth_post(c, c->token_url, form.buf, &status, &json, cause);
	sb_release(&form);
	if (rc < 0)
		return -1;
	err = json ? json_str(json, "error") : NULL;
	if (err && !strcmp(err, "authorization_pending"))
		rc = 1;
	else if (err && !strcmp(err, "slow_down"))
		rc = 1, g->interval += 5;
	else
		rc = oauth_token_answer(c, status, json, NULL, out, cause) == 0 ? 0 : -1;
	cJSON_Delete(json);
	return rc;
}

static int device_flow(const struct oauth_client *c, const struct oauth_io *io,
                       struct oauth_token *out, char **cause)
{
	struct device_grant g = {NULL, 5, 0};
	int64_t limit;
	int rc;

	if (device_start(c, io, &g, cause) < 0)
		return -1;
	limit = time_now() + (io->timeout_s > 0 ? io->timeout_s : 900);
	if (limit < g.deadline)
		g.deadline = limit;
	do {
		poll(NULL, 0, (int)(g.interval < 1 ? 1000 : g.interval * 1000));
		if (time_now() > g.deadline) {
			rc = set_cause(cause,
			               "the code was not entered in time: run the sign-in again");
			break;
		}
		rc = device_poll(c, &g, out, cause);
	} while (rc == 1);
	free(g.device_code);
	return rc;
}

int oauth_authorize(const struct oauth_client *c, enum oauth_flow flow, const struct oauth_io *io,
                    struct oauth_token *out, char **cause)
{
	char *refusal;

	memset(out, 0, sizeof *out);
	if (flow == OAUTH_AUTO)
		flow = oauth_pick_flow(c, 0);
	if ((refusal = oauth_flow_refusal(c, flow)) != NULL) {
		set_cause(cause, "%s", refusal);
		free(refusal);
		return -1;
	}
	if (check_client(c, flow, cause) < 0)
		return -1;
	log_info("oauth: signing in with the %s flow", oauth_flow_name(flow));
	if (flow == OAUTH_DEVICE)
		return device_flow(c, io, out, cause);
	return code_flow(c, flow, io, out, cause);
}

/* ---- the token set as stored ---- */

char *oauth_token_encode(const struct oauth_token *t)
{
	cJSON *o = cJSON_CreateObject();
	char *s, *copy;

	cJSON_AddStringToObject(o, "access_token", t->access ? t->access : "");
	if (t->refresh)
		cJSON_AddStringToObject(o, "refresh_token", t->refresh);
	cJSON_AddNumberToObject(o, "expires_at", (double)t->expires_at);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	copy = xstrdup(s);
	explicit_bzero(s, strlen(s));
	cJSON_free(s);
	return copy;
}

int oauth_token_decode(const char *s, struct oauth_token *t)
{
	cJSON *o = cJSON_Parse(s);
	const char *at = o ? json_str(o, "access_token") : NULL;

	memset(t, 0, sizeof *t);
	if (!at) {
		cJSON_Delete(o);
		return -1;
	}
	t->access = xstrdup(at);
	t->refresh = xstrdup(json_str(o, "refresh_token"));
	t->expires_at = json_int(o, "expires_at", 0);
	cJSON_Delete(o);
	return 0;
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void oauth_token_release(struct oauth_token *t)
{
	wipe_free(t->access);
	wipe_free(t->refresh);
	memset(t, 0, sizeof *t);
}

char *oauth_xoauth2(const char *user, const char *token)
{
	return xasprintf("user=%s\001auth=Bearer %s\001\001", user, token);
}

char *oauth_oauthbearer(const char *user, const char *host, int port, const char *token)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	sb_adds(&sb, "n,a=");
	for (const char *p = user; *p; p++) {
		if (*p == ',')
			sb_adds(&sb, "=2C");
		else if (*p == '=')
			sb_adds(&sb, "=3D");
		else
			sb_addc(&sb, *p);
	}
	sb_addf(&sb, ",\001host=%s\001port=%d\001auth=Bearer %s\001\001", host, port, token);
	return sb_detach(&sb);
}
