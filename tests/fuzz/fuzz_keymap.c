/*
 * fuzz_keymap: keymap files (keymap_parse, src/ui/keymap.c, and the line
 * reader in parse.c): bind/unbind, key names, contexts, command names.
 * Every binding made must look up to its command and its key must print.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../src/ui/ui_internal.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keymap km = {0};
	struct errlist errs = {0};
	char *text = xstrndup((const char *)data, size), name[64];
	size_t i;

	keymap_parse(&km, "fuzz.keys", text, &errs);
	for (i = 0; i < km.n; i++) {
		if (keymap_lookup(&km, km.b[i].ctx, km.b[i].key) != km.b[i].cmd)
			abort();
		key_to_name(km.b[i].key, name, sizeof name);
		if (key_from_name(name) != km.b[i].key)
			abort();
	}
	keymap_release(&km);
	errlist_release(&errs);
	free(text);
	return 0;
}
