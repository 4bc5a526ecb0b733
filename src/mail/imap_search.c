/* imap_search: UID SEARCH HEADER on the selected folder. */
#include <libetpan/libetpan.h>
#include <stdlib.h>

#include "imap_internal.h"
#include "va/imap_search.h"
#include "va/util.h"

int imap_search_header(struct imap *im, const char *name, const char *value, size_t *count,
                       char **cause)
{
	struct mailimap_search_key *key;
	clist *result = NULL;
	int rc;

	*count = 0;
	if (im->dead)
		return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot search the folder", cause);
	key = mailimap_search_key_new_header(xstrdup(name), xstrdup(value));
	rc = mailimap_uid_search(im->s, NULL, key, &result);
	mailimap_search_key_free(key);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(im, rc, "cannot search the folder", cause);
	*count = (size_t)clist_count(result);
	mailimap_search_result_free(result);
	return 0;
}
