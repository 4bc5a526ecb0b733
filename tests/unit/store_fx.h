/* store_fx: the fixture of the store's unit tests (test_store, test_store_bulk):
 * a fresh database in a temporary directory with one IMAP account and its
 * INBOX.  Include after cmocka.h. */
#ifndef VA_TEST_STORE_FX_H
#define VA_TEST_STORE_FX_H

#include <stdio.h>
#include <stdlib.h>

#include "va/store.h"
#include "va/util.h"

struct fx {
	char          dir[64];
	char         *path;
	struct store *st;
	int64_t       account, folder;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *cause = NULL;

	snprintf(f->dir, sizeof f->dir, "/tmp/va-test-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->path = xasprintf("%s/va.db", f->dir);
	f->st = store_open(f->path, &cause);
	assert_non_null(f->st);
	f->account = store_account_ensure(f->st, "work", "imap", "sam@example.com", &cause);
	f->folder = store_folder_ensure(f->st, f->account, "INBOX", &cause);
	assert_true(f->account > 0 && f->folder > 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	store_close(f->st);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(cmd);
	free(f->path);
	free(f);
	return 0;
}

#endif
