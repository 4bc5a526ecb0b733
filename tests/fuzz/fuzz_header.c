/*
 * fuzz_header: the header-value decoders on their own: RFC 2047 encoded
 * words (mime_decode_header) and charset conversion (mime_to_utf8).  Input:
 * "CHARSET\nBYTES"; the whole input is also decoded as a header value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "va/mime.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *s, *charset;
	const uint8_t *nl = memchr(data, '\n', size);
	int ok;

	s = mime_decode_header(text);
	if (!utf8_valid(s, strlen(s)))
		abort();
	free(s);
	if (nl && nl - data < 64) {
		charset = xstrndup((const char *)data, (size_t)(nl - data));
		s = mime_to_utf8((const char *)nl + 1, size - (size_t)(nl - data) - 1, charset,
		                 &ok);
		if (!utf8_valid(s, strlen(s)))
			abort();
		free(s);
		free(charset);
	}
	free(text);
	return 0;
}
