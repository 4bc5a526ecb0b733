/*
 * fuzz_html: HTML reduced to text (mime_html_to_text, src/mail/html.c) on
 * its own: tags, entities, links, script/style skipping, blank-line folding.
 */
#include <stdint.h>
#include <stdlib.h>

#include "va/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	free(mime_html_to_text((const char *)data, size));
	return 0;
}
