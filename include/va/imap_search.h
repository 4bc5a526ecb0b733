/*
 * imap_search: find messages by header in the selected folder (L1, mail).
 */
#ifndef VA_IMAP_SEARCH_H
#define VA_IMAP_SEARCH_H

#include <stddef.h>
#include <stdint.h>

struct imap;

/* UID SEARCH HEADER name value in the selected folder: how many messages
 * match into *count (0 or more).  0, or -1 with *cause. */
int imap_search_header(struct imap *im, const char *name, const char *value, size_t *count,
                       char **cause);

#endif
