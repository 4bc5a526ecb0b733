/*
 * fuzz_mime: a whole message through mime_parse() (RFC 5322 headers, RFC 2047
 * words, the MIME tree, transfer encodings, charsets, HTML reduction), then
 * every attachment through mime_part_bytes(), and the parsed message through
 * the classifier's tokenizer (cls_tokenize: words, links, header signals).
 * Checks the contract of include/va/mime.h: every string set is valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "va/classify.h"
#include "va/message.h"
#include "va/mime.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_utf8(const char *s)
{
	if (s && !utf8_valid(s, strlen(s)))
		abort();
}

static void check(const struct message *m)
{
	const char *strs[] = {m->message_id,  m->in_reply_to, m->references, m->from_name,
	                      m->from_addr,   m->to,          m->cc,         m->reply_to,
	                      m->subject,     m->list_id,     m->body,       m->headers,
	                      m->content_type};
	size_t i;

	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		check_utf8(strs[i]);
	for (i = 0; i < m->natt; i++)
		check_utf8(m->att[i].filename);
	for (i = 0; i < m->nproblems; i++)
		check_utf8(m->problems[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message m;
	struct cls_features f;
	char *cause = NULL, *out;
	size_t i, outlen;

	message_init(&m);
	if (mime_parse((const char *)data, size, &m, &cause) == 0) {
		check(&m);
		cls_features_init(&f);
		cls_tokenize(&m, &f);
		cls_features_release(&f);
		for (i = 0; i < m.natt && i < 8; i++) {
			if (mime_part_bytes((const char *)data, size, m.att[i].part, &out, &outlen,
			                    &cause) == 0)
				free(out);
		}
	}
	/* A part that is not there. */
	if (mime_part_bytes((const char *)data, size, 99, &out, &outlen, &cause) == 0)
		free(out);
	free(cause);
	message_release(&m);
	return 0;
}
