/*
 * storecheck: read every message back from a va database and check that each
 * string va stored is valid UTF-8 with no NUL or C0 control other than tab and
 * newline.  Prints "messages N bad M problems P" and exits 1 when M > 0.
 * usage: storecheck DBPATH
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "va/store.h"
#include "va/util.h"

static int clean(const char *s)
{
	const unsigned char *p;

	if (!s)
		return 1;
	if (!utf8_valid(s, strlen(s)))
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n')
			return 0;
	return 1;
}

static int check(const struct message *m)
{
	const char *fields[] = {m->subject, m->from_name, m->from_addr, m->to, m->cc, m->reply_to,
	                        m->message_id, m->in_reply_to, m->references, m->body, m->headers,
	                        m->list_id, m->list_unsubscribe, m->content_type};
	const char *names[] = {"subject", "from_name", "from_addr", "to", "cc", "reply_to",
	                       "message_id", "in_reply_to", "references", "body", "headers",
	                       "list_id", "list_unsubscribe", "content_type"};
	size_t i;
	int ok = 1;

	for (i = 0; i < VA_ARRAY_LEN(fields); i++) {
		if (!clean(fields[i])) {
			printf("message %lld (%s): %s is not clean UTF-8\n", (long long)m->id, m->source,
			       names[i]);
			ok = 0;
		}
	}
	for (i = 0; i < m->natt; i++)
		if (!clean(m->att[i].filename) || !clean(m->att[i].mime_type))
			ok = 0;
	return ok;
}

int main(int argc, char **argv)
{
	struct store_query q;
	struct message *list, m;
	struct store *st;
	char *cause = NULL;
	size_t n, i, bad = 0, problems = 0;

	if (argc != 2) {
		fputs("usage: storecheck DBPATH\n", stderr);
		return 2;
	}
	st = store_open(argv[1], &cause);
	if (!st) {
		fprintf(stderr, "storecheck: %s\n", cause);
		return 1;
	}
	memset(&q, 0, sizeof q);
	if (store_message_list(st, &q, &list, &n, &cause) < 0) {
		fprintf(stderr, "storecheck: %s\n", cause);
		return 1;
	}
	for (i = 0; i < n; i++) {
		message_init(&m);
		if (store_message_get(st, list[i].id, &m, &cause) != 0) {
			printf("message %lld: cannot be read back\n", (long long)list[i].id);
			bad++;
		} else {
			bad += !check(&m);
			problems += m.nproblems;
		}
		message_release(&m);
	}
	printf("messages %zu bad %zu problems %zu\n", n, bad, problems);
	store_messages_free(list, n);
	store_close(st);
	return bad ? 1 : 0;
}
