/*
 * message: lifecycle of struct message and its attachments (no I/O).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "va/message.h"
#include "va/util.h"

void message_init(struct message *m)
{
	memset(m, 0, sizeof(*m));
	m->confidence = -1;
}

struct message *message_new(void)
{
	struct message *m = xmalloc(sizeof(*m));
	message_init(m);
	return m;
}

void message_release(struct message *m)
{
	size_t i;
	char **strs[] = {
		&m->account, &m->folder, &m->source, &m->message_id, &m->in_reply_to,
		&m->references, &m->from_name, &m->from_addr, &m->to, &m->cc, &m->reply_to,
		&m->subject, &m->list_id, &m->list_unsubscribe, &m->precedence,
		&m->auto_submitted, &m->content_type, &m->headers, &m->body, &m->hash,
		&m->keywords, &m->category, &m->reason, &m->model,
	};

	for (i = 0; i < VA_ARRAY_LEN(strs); i++)
		x_free(strs[i]);
	for (i = 0; i < m->natt; i++) {
		free(m->att[i].filename);
		free(m->att[i].mime_type);
		free(m->att[i].content_id);
	}
	free(m->att);
	for (i = 0; i < m->nproblems; i++)
		free(m->problems[i]);
	free(m->problems);
	message_init(m);
}

void message_free(struct message *m)
{
	if (m) {
		message_release(m);
		free(m);
	}
}

void message_problem(struct message *m, const char *fmt, ...)
{
	va_list ap;

	xgrow((void **)&m->problems, &m->probcap, m->nproblems + 1, sizeof(*m->problems));
	va_start(ap, fmt);
	m->problems[m->nproblems++] = xvasprintf(fmt, ap);
	va_end(ap);
}

void message_add_attachment(struct message *m, const struct attachment *a)
{
	struct attachment *d;

	xgrow((void **)&m->att, &m->attcap, m->natt + 1, sizeof(*m->att));
	d = &m->att[m->natt++];
	d->filename = xstrdup(a->filename);
	d->mime_type = xstrdup(a->mime_type);
	d->content_id = xstrdup(a->content_id);
	d->size = a->size;
	d->part = a->part;
}

unsigned msg_flags_from_maildir(const char *info)
{
	unsigned f = 0;

	if (!info)
		return 0;
	for (; *info; info++) {
		switch (*info) {
		case 'S': f |= MSG_SEEN; break;
		case 'R': f |= MSG_ANSWERED; break;
		case 'F': f |= MSG_FLAGGED; break;
		case 'T': f |= MSG_DELETED; break;
		case 'D': f |= MSG_DRAFT; break;
		default: break;
		}
	}
	return f;
}

void msg_flags_to_names(unsigned flags, char *buf, size_t len)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{MSG_SEEN, "seen"}, {MSG_ANSWERED, "answered"}, {MSG_FLAGGED, "flagged"},
		{MSG_DELETED, "deleted"}, {MSG_DRAFT, "draft"},
	};
	size_t i, used = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < VA_ARRAY_LEN(names); i++) {
		size_t n = strlen(names[i].name);
		if (!(flags & names[i].bit) || used + n + 2 > len)
			continue;
		if (used)
			buf[used++] = ',';
		memcpy(buf + used, names[i].name, n + 1);
		used += n;
	}
}
