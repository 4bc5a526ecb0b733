/*
 * fuzz_llm: an LLM chat-completions answer through cls_llm_parse
 * (src/classify/llm.c): the outer JSON, choices[0].message.content parsed as
 * JSON again, and the strict {category, confidence, reason} check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "va/classify.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *cause = NULL;
	struct cls_llm_verdict v;

	if (cls_llm_parse(text, &v, &cause) == 0) {
		if (v.category < 0 || v.category >= CLS_NCAT || v.confidence < 0 ||
		    v.confidence > 100 || !memchr(v.reason, '\0', sizeof v.reason) ||
		    !utf8_valid(v.reason, strlen(v.reason)))
			abort();
	} else if (!cause) {
		abort();
	}
	free(cause);
	free(text);
	return 0;
}
