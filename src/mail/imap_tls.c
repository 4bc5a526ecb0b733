/*
 * imap_tls: certificate checks for the TLS sessions libetpan opens (IMAP and
 * SMTP).  libetpan does the handshake but verifies nothing, so before any
 * credential is sent we take the peer's chain and check it with GnuTLS (the
 * library libetpan itself is built on): trusted by the system store or the
 * account's ca_file, valid now, and naming the host that was dialled.
 * Also the SIGPIPE guard every connection takes first.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "imap_internal.h"
#include "va/util.h"

static void ignore_sigpipe_once(void)
{
	struct sigaction sa;

	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
	}
}

void mail_ignore_sigpipe(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, ignore_sigpipe_once);
}

void mail_tls_sni(struct mailstream_ssl_context *ctx, void *data)
{
	mailstream_ssl_set_server_name(ctx, data);
}

/* Import the DER chain into crts (at most max); how many, or -1. */
static int chain_import(carray *chain, gnutls_x509_crt_t *crts, unsigned max)
{
	unsigned i, n = carray_count(chain) < max ? carray_count(chain) : max;

	for (i = 0; i < n; i++) {
		MMAPString *der = carray_get(chain, i);
		gnutls_datum_t d = {(unsigned char *)der->str, (unsigned)der->len};
		int bad = gnutls_x509_crt_init(&crts[i]) < 0;

		if (!bad && gnutls_x509_crt_import(crts[i], &d, GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(crts[i]);
			bad = 1;
		}
		if (bad) {
			while (i-- > 0)
				gnutls_x509_crt_deinit(crts[i]);
			return -1;
		}
	}
	return (int)n;
}

static gnutls_x509_trust_list_t trust_new(const char *ca_file, char **cause)
{
	gnutls_x509_trust_list_t tl;

	if (gnutls_x509_trust_list_init(&tl, 0) < 0) {
		set_cause(cause, "cannot set up certificate checks");
		return NULL;
	}
	gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	if (ca_file && gnutls_x509_trust_list_add_trust_file(tl, ca_file, NULL, GNUTLS_X509_FMT_PEM,
	                                                     0, 0) <= 0) {
		set_cause(cause,
		          "cannot read the CA certificate \"%s\" (ca_file): not a PEM certificate",
		          ca_file);
		gnutls_x509_trust_list_deinit(tl, 1);
		return NULL;
	}
	return tl;
}

/* Why status refuses: GnuTLS's sentence, lower-cased, without the final period. */
static char *status_text(unsigned status)
{
	gnutls_datum_t out = {NULL, 0};
	char *s, *p;

	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) < 0)
		return xstrdup("it did not verify");
	s = xstrdup((char *)out.data);
	gnutls_free(out.data);
	if (!strncmp(s, "The certificate is NOT trusted. ", 32))
		memmove(s, s + 32, strlen(s + 32) + 1);
	if (s[0] >= 'A' && s[0] <= 'Z')
		s[0] = (char)(s[0] - 'A' + 'a');
	p = s + strlen(s);
	while (p > s && (p[-1] == '.' || p[-1] == ' '))
		*--p = '\0';
	return s;
}

static int verify_chain(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t *crts, unsigned n,
                        const char *host, char **cause)
{
	gnutls_typed_vdata_st vd = {GNUTLS_DT_DNS_HOSTNAME, (unsigned char *)host, 0};
	unsigned status = 0;
	char *why;

	if (gnutls_x509_trust_list_verify_crt2(tl, crts, n, &vd, 1, 0, &status, NULL) < 0)
		return set_cause(cause, "the certificate of %s could not be checked", host);
	if (status == 0)
		return 0;
	why = status_text(status);
	set_cause(cause, "the certificate of %s was refused: %s", host, why);
	free(why);
	return -1;
}

int mail_tls_verify(mailstream *stream, const char *host, const char *ca_file, char **cause)
{
	gnutls_x509_crt_t crts[16];
	gnutls_x509_trust_list_t tl;
	carray *chain = mailstream_get_certificate_chain(stream);
	int n, rc;

	if (!chain || carray_count(chain) == 0) {
		if (chain)
			mailstream_certificate_chain_free(chain);
		return set_cause(cause, "%s sent no TLS certificate", host);
	}
	n = chain_import(chain, crts, 16);
	mailstream_certificate_chain_free(chain);
	if (n <= 0)
		return set_cause(cause, "the certificate of %s cannot be read", host);
	if (!(tl = trust_new(ca_file, cause)))
		rc = -1;
	else {
		rc = verify_chain(tl, crts, (unsigned)n, host, cause);
		gnutls_x509_trust_list_deinit(tl, 1);
	}
	while (n-- > 0)
		gnutls_x509_crt_deinit(crts[n]);
	return rc;
}
