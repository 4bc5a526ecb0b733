/*
 * fuzz_theme: theme files (theme_parse, src/ui/theme.c, and the line reader
 * in parse.c): roles, colour names and numbers, attributes.  No terminal:
 * resolving colours needs curses and is not a parser.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../src/ui/ui_internal.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t = {0};
	struct errlist errs = {0};
	char *text = xstrndup((const char *)data, size);

	theme_parse(&t, "fuzz.theme", text, &errs);
	(void)theme_category_role(text);
	theme_release(&t);
	errlist_release(&errs);
	free(text);
	return 0;
}
