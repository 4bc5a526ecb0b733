/*
 * fuzz_utf7: IMAP's modified UTF-7 (RFC 3501 5.1.3), which Gmail label names
 * arrive in (imap_utf7_decode, src/mail/imap_gmail.c), and the way back: any
 * text the decoder accepts must encode again, and any valid UTF-8 must
 * survive encode then decode unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "va/imap.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *dec, *enc, *back;

	if (size > 4096)
		return 0;
	s = xstrndup((const char *)data, size);
	if ((dec = imap_utf7_decode(s))) {
		if (!utf8_valid(dec, strlen(dec)))
			abort(); /* the decoder must only produce UTF-8 */
		free(imap_utf7_encode(dec));
		free(dec);
	}
	if (utf8_valid(s, strlen(s)) && (enc = imap_utf7_encode(s))) {
		back = imap_utf7_decode(enc);
		if (!back || strcmp(back, s))
			abort(); /* valid UTF-8 must survive the round trip */
		free(back);
		free(enc);
	}
	free(s);
	return 0;
}
