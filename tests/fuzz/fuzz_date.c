/*
 * fuzz_date: RFC 5322 dates and the broken variants seen in real mail
 * (mime_parse_date, src/mail/date.c).
 */
#include <stdint.h>
#include <stdlib.h>

#include "va/mime.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 4096)
		return 0;
	s = xstrndup((const char *)data, size);
	(void)mime_parse_date(s);
	free(s);
	return 0;
}
