/*
 * fuzz_conf: va.conf text through conf_load_string(), then every key of the
 * table read back with its typed getter in every section the text named
 * (durations, sizes, paths, booleans, ports go through their converters).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "va/conf.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_key(const struct conf *c, const char *section, const struct conf_key *k)
{
	switch (k->type) {
	case CONF_INT:
	case CONF_PORT: (void)conf_get_int(c, section, k->key); break;
	case CONF_BOOL: (void)conf_get_bool(c, section, k->key); break;
	case CONF_DURATION: (void)conf_get_duration(c, section, k->key); break;
	case CONF_SIZE: (void)conf_get_size(c, section, k->key); break;
	case CONF_PATH: free(conf_get_path(c, section, k->key)); break;
	default: (void)conf_get(c, section, k->key);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c = conf_new();
	char *text = xstrndup((const char *)data, size), section[300];
	size_t i, a;

	conf_load_string(c, "fuzz.conf", text);
	for (i = 0; i < conf_nerrors(c); i++)
		if (!conf_error(c, i))
			abort();
	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];

		if (strcmp(k->section, "account") != 0) {
			read_key(c, k->section, k);
			continue;
		}
		for (a = 0; a < conf_naccounts(c); a++) {
			snprintf(section, sizeof section, "account %s", conf_account(c, a));
			read_key(c, section, k);
		}
	}
	conf_free(c);
	free(text);
	return 0;
}
