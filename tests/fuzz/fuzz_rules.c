/*
 * fuzz_rules: libFuzzer harness for the rules parser and evaluator.
 *
 * The input is a rule file's text: rules_parse() must never crash, leak or
 * read out of bounds on it, every error must be one "FILE:LINE: ..." line,
 * and whatever rules it accepts are evaluated (with why) against a fixed
 * message and exported to Sieve.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude $(pkg-config --cflags libcjson) \
 *         tests/fuzz/fuzz_rules.c build/libva.a ... -o fuzz_rules
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "va/message.h"
#include "va/rules.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void fixed_message(struct message *m)
{
	message_init(m);
	m->from_name = xstrdup("Élodie Durand");
	m->from_addr = xstrdup("elodie@example.fr");
	m->to = xstrdup("Bob <bob@example.com>, \"Smith, Ann\" <ann@example.com>");
	m->subject = xstrdup("ÉTÉ 2026: Invoice #42 for Ωmega");
	m->body = xstrdup("Привет МИР, ΑΘΗΝΑ\n");
	m->headers =
	    xstrdup("List-Id: <team.lists.example.org>\nX-Mailer: MailChimp\nReceived: from a\n");
	m->category = xstrdup("promotional");
	m->confidence = 85;
	m->date = 1790000000 - 86400 * 4;
	m->size = 12345;
	m->flags = MSG_SEEN;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct ruleset rs;
	struct message m;
	struct rule_plan plan;
	struct rule_env env = {1790000000, 1, -1};
	char *text = malloc(n + 1), *why, *script, *skipped;
	size_t i;
	int t;

	if (!text)
		return 0;
	memcpy(text, d, n);
	text[n] = '\0';
	memset(&rs, 0, sizeof rs);
	memset(&plan, 0, sizeof plan);
	rules_parse(&rs, "fuzz.json", text, n);
	for (i = 0; i < rs.nerrors; i++)
		if (strncmp(rs.errors[i], "fuzz.json:", 10) != 0)
			abort();
	fixed_message(&m);
	for (i = 0; i < rs.n; i++) {
		why = NULL;
		rule_eval(&rs.rules[i], &m, &env, &why);
		if (!why)
			abort();
		free(why);
	}
	for (t = 0; t < RT_COUNT; t++) {
		rules_eval_all(&rs, (enum rule_trigger)t, &m, &env, &plan);
		rule_plan_release(&plan);
	}
	rules_export_sieve(&rs, &script, &skipped);
	free(script);
	free(skipped);
	message_release(&m);
	ruleset_release(&rs);
	free(text);
	return 0;
}
