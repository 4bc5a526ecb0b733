/*
 * net/curl_dl.c: libcurl, loaded when the first HTTP request is made.
 *
 * Linked normally, libcurl (GnuTLS flavour) brings about 30 shared
 * libraries (Kerberos, LDAP, SSH, RTMP, brotli...) that the dynamic loader
 * maps and relocates at every start of va, though most commands (a sync
 * with a password, `va list`, the TUI) never make an HTTP request: measured
 * here, about half of a no-change `va sync`.  So va is not linked against
 * libcurl; this file defines the few curl_* functions va calls, with
 * curl.h's own prototypes (callers, and curl's type checks on
 * curl_easy_setopt, are unchanged), and each one forwards to the library,
 * which is opened with dlopen on first use.  When it cannot be opened,
 * curl_easy_init returns NULL (every caller reports that) and the reason is
 * logged once.
 */
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#include "va/log.h"

#ifndef VA_CURL_SONAME
#define VA_CURL_SONAME "libcurl.so.4"
#endif

static struct {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	char *(*easy_escape)(CURL *, const char *, int);
	void (*free)(void *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	int ok;
} lc;

static pthread_once_t lc_once = PTHREAD_ONCE_INIT;

/* dlsym returns an object pointer; POSIX lets it be a function's address. */
#define SYM(field, name)                                                                           \
	do {                                                                                       \
		void *p_ = dlsym(h, name);                                                         \
		if (!p_) {                                                                         \
			missing = name;                                                            \
			goto fail;                                                                 \
		}                                                                                  \
		memcpy(&lc.field, &p_, sizeof p_);                                                 \
	} while (0)

static void lc_load(void)
{
	const char *names[] = {VA_CURL_SONAME, "libcurl-gnutls.so.4", "libcurl.so.4"};
	const char *missing = NULL;
	void *h = NULL;
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names && !h; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		log_warn("libcurl cannot be loaded (%s): HTTP requests (OAuth2, the LLM, CSV "
		         "downloads) are not available; install libcurl3-gnutls",
		         dlerror());
		return;
	}
	SYM(global_init, "curl_global_init");
	SYM(easy_init, "curl_easy_init");
	SYM(easy_setopt, "curl_easy_setopt");
	SYM(easy_perform, "curl_easy_perform");
	SYM(easy_getinfo, "curl_easy_getinfo");
	SYM(easy_cleanup, "curl_easy_cleanup");
	SYM(easy_strerror, "curl_easy_strerror");
	SYM(easy_escape, "curl_easy_escape");
	SYM(free, "curl_free");
	SYM(slist_append, "curl_slist_append");
	SYM(slist_free_all, "curl_slist_free_all");
	lc.ok = 1;
	return;
fail:
	log_warn("libcurl (%s) has no %s: HTTP requests are not available", VA_CURL_SONAME,
	         missing);
	dlclose(h);
}

static int lc_ready(void)
{
	pthread_once(&lc_once, lc_load);
	return lc.ok;
}

CURLcode curl_global_init(long flags)
{
	return lc_ready() ? lc.global_init(flags) : CURLE_FAILED_INIT;
}

CURL *curl_easy_init(void)
{
	return lc_ready() ? lc.easy_init() : NULL;
}

/* Every option takes one argument whose type follows from the option's
 * number (curl.h's CURLOPTTYPE_* ranges), as curl itself reads it. */
#undef curl_easy_setopt
typedef void (*curl_fn)(void);
CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	va_list ap;
	CURLcode rc;

	if (!lc_ready())
		return CURLE_FAILED_INIT;
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = lc.easy_setopt(h, opt, va_arg(ap, long));
	else if (opt >= CURLOPTTYPE_FUNCTIONPOINT && opt < CURLOPTTYPE_OFF_T)
		rc = lc.easy_setopt(h, opt, va_arg(ap, curl_fn));
	else if (opt >= CURLOPTTYPE_OFF_T && opt < CURLOPTTYPE_BLOB)
		rc = lc.easy_setopt(h, opt, va_arg(ap, curl_off_t));
	else
		rc = lc.easy_setopt(h, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

/* Every CURLINFO takes one pointer. */
#undef curl_easy_getinfo
CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	va_list ap;
	CURLcode rc;

	if (!lc_ready())
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	rc = lc.easy_getinfo(h, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode curl_easy_perform(CURL *h)
{
	return lc_ready() ? lc.easy_perform(h) : CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL *h)
{
	if (h && lc_ready())
		lc.easy_cleanup(h);
}

const char *curl_easy_strerror(CURLcode rc)
{
	return lc_ready() ? lc.easy_strerror(rc) : "libcurl is not available";
}

char *curl_easy_escape(CURL *h, const char *s, int len)
{
	return lc_ready() ? lc.easy_escape(h, s, len) : NULL;
}

void curl_free(void *p)
{
	if (p && lc_ready())
		lc.free(p);
}

struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
	return lc_ready() ? lc.slist_append(l, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *l)
{
	if (l && lc_ready())
		lc.slist_free_all(l);
}
