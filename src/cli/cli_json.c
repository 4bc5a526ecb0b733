/*
 * cli_json: messages as JSON.  The shape is a stable interface for scripts:
 * fields are only ever added, never renamed or retyped.  Absent values are
 * null, never "" or missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_json.h"
#include "va/util.h"

void cli_iso_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm)) {
		snprintf(buf, len, "%s", "");
		return;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *words_array(const char *s)
{
	cJSON *a = cJSON_CreateArray();
	char *copy = xstrdup(s ? s : ""), *save = NULL, *tok;

	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		cJSON_AddItemToArray(a, cJSON_CreateString(tok));
	free(copy);
	return a;
}

static cJSON *flags_array(unsigned flags)
{
	char names[64];

	msg_flags_to_names(flags, names, sizeof names);
	for (char *p = names; *p; p++)
		if (*p == ',')
			*p = ' ';
	return words_array(names);
}

static void add_full(cJSON *o, const struct message *m)
{
	cJSON *att = cJSON_CreateArray(), *probs = cJSON_CreateArray();
	size_t i;

	add_str(o, "in_reply_to", m->in_reply_to);
	cJSON_AddItemToObject(o, "references", words_array(m->references));
	add_str(o, "reply_to", m->reply_to);
	add_str(o, "list_id", m->list_id);
	add_str(o, "list_unsubscribe", m->list_unsubscribe);
	add_str(o, "precedence", m->precedence);
	add_str(o, "auto_submitted", m->auto_submitted);
	add_str(o, "content_type", m->content_type);
	add_str(o, "hash", m->hash);
	add_str(o, "headers", m->headers);
	add_str(o, "body", m->body);
	cJSON_AddBoolToObject(o, "body_from_html", m->body_from_html);
	for (i = 0; i < m->natt; i++) {
		cJSON *a = cJSON_CreateObject();
		cJSON_AddNumberToObject(a, "part", m->att[i].part);
		add_str(a, "filename", m->att[i].filename);
		add_str(a, "type", m->att[i].mime_type);
		cJSON_AddNumberToObject(a, "size", (double)m->att[i].size);
		cJSON_AddItemToArray(att, a);
	}
	cJSON_AddItemToObject(o, "attachments", att);
	for (i = 0; i < m->nproblems; i++)
		cJSON_AddItemToArray(probs, cJSON_CreateString(m->problems[i]));
	cJSON_AddItemToObject(o, "problems", probs);
}

cJSON *cli_message_json(const struct message *m, int full)
{
	cJSON *o = cJSON_CreateObject(), *from = cJSON_CreateObject();
	char date[32];

	cJSON_AddNumberToObject(o, "id", (double)m->id);
	add_str(o, "account", m->account);
	add_str(o, "folder", m->folder);
	add_str(o, "source", m->source);
	add_str(o, "message_id", m->message_id);
	cJSON_AddNumberToObject(o, "thread_id", (double)m->thread_id);
	add_str(from, "name", m->from_name);
	add_str(from, "address", m->from_addr);
	cJSON_AddItemToObject(o, "from", from);
	add_str(o, "to", m->to);
	add_str(o, "cc", m->cc);
	add_str(o, "subject", m->subject);
	cli_iso_time(m->date, date, sizeof date);
	add_str(o, "date", *date ? date : NULL);
	cJSON_AddItemToObject(o, "flags", flags_array(m->flags));
	cJSON_AddItemToObject(o, "keywords", words_array(m->keywords));
	add_str(o, "category", m->category);
	if (m->confidence >= 0)
		cJSON_AddNumberToObject(o, "confidence", m->confidence);
	else
		cJSON_AddNullToObject(o, "confidence");
	add_str(o, "reason", m->reason);
	add_str(o, "model", m->model);
	cJSON_AddNumberToObject(o, "size", (double)m->size);
	cJSON_AddNumberToObject(o, "attachment_count", full ? (int)m->natt : m->attach_count);
	if (full)
		add_full(o, m);
	return o;
}

void cli_json_print(cJSON *j)
{
	char *s = cJSON_PrintUnformatted(j);

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	cJSON_Delete(j);
}
