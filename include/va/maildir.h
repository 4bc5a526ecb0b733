/*
 * maildir: reading Maildir folders (Maildir++ subfolders included) and mbox
 * files (L1, plain file I/O).  No parsing of message content here.
 */
#ifndef VA_MAILDIR_H
#define VA_MAILDIR_H

#include <stddef.h>
#include <stdint.h>

struct maildir_entry {
	char    *path;   /* full path of the file */
	char    *unique; /* the name before ":2," (stable across flag changes) */
	unsigned flags;  /* from the info suffix; MSG_* */
	int      is_new; /* lives in new/ */
};

struct maildir_folder {
	char *name; /* "INBOX" for the root, "Archive" or "Lists.va" for ".Archive", ".Lists.va" */
	char *path;
};

/* 1 when dir has cur/ or new/. */
int  maildir_is(const char *dir);
/* The root (as INBOX) and its Maildir++ subfolders, sorted by name. */
int  maildir_folders(const char *root, struct maildir_folder **out, size_t *n, char **cause);
void maildir_folders_free(struct maildir_folder *f, size_t n);
/* Files in cur/ and new/ of one folder, sorted by unique name (tmp/ is ignored). */
int  maildir_scan(const char *dir, struct maildir_entry **out, size_t *n, char **cause);
void maildir_entries_free(struct maildir_entry *e, size_t n);

/* 1 when the file starts like an mbox ("From " line). */
int mbox_is(const char *path);
/* Call fn for each message of an mbox file (mboxrd ">From " lines unescaped).
 * fn returns 0 to go on, -1 to stop.  index counts from 0. */
typedef int (*mbox_fn)(void *arg, const char *msg, size_t len, size_t index);
int mbox_each(const char *path, mbox_fn fn, void *arg, char **cause);

#endif
