/*
 * message: the plain struct every layer passes around (L0, no I/O).
 *
 * All strings are owned by the struct, NUL-terminated and valid UTF-8 once a
 * message has been through mime_parse() or the store.  NULL means "absent".
 */
#ifndef VA_MESSAGE_H
#define VA_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

enum msg_flag {
	MSG_SEEN     = 1 << 0,
	MSG_ANSWERED = 1 << 1,
	MSG_FLAGGED  = 1 << 2,
	MSG_DELETED  = 1 << 3,
	MSG_DRAFT    = 1 << 4,
};

struct attachment {
	char   *filename;  /* decoded (RFC 2231/2047) or NULL */
	char   *mime_type; /* lower case "type/subtype" */
	int64_t size;      /* decoded size in bytes */
	char   *content_id;
	int     part;      /* 1-based index in the MIME walk, for saving later */
};

struct message {
	int64_t id;          /* store row id; 0 when not stored */
	int64_t account_id;
	int64_t folder_id;
	char   *account;     /* account name (display/JSON) */
	char   *folder;      /* folder name (display/JSON) */
	char   *source;      /* Maildir unique name, "uid:N", or mbox "file#N" */

	char   *message_id;  /* without angle brackets */
	char   *in_reply_to; /* without angle brackets */
	char   *references;  /* space-separated ids, without angle brackets */
	char   *from_name;   /* decoded display name or NULL */
	char   *from_addr;   /* lower-cased address or NULL */
	char   *to;          /* decoded, "Name <a@b>, c@d" */
	char   *cc;
	char   *reply_to;
	char   *subject;     /* decoded, unfolded */
	int64_t date;        /* seconds since the epoch (UTC); 0 when absent or unparseable */
	char   *list_id;
	char   *list_unsubscribe;
	char   *precedence;
	char   *auto_submitted;
	char   *content_type; /* top-level "type/subtype" */

	char   *headers;     /* the header block, unfolded lines, sanitised to UTF-8 */
	char   *body;        /* readable text: text/plain decoded, or text/html reduced */
	int     body_from_html;
	int64_t size;        /* raw size in bytes */
	char   *hash;        /* hex BLAKE2b-128 of the raw bytes (dedup key) */

	unsigned flags;      /* enum msg_flag */
	char   *keywords;    /* space-separated IMAP keywords / labels */
	uint32_t uid, uidvalidity; /* an IMAP message's place on the server; 0: none */
	uint64_t modseq;     /* its CONDSTORE MODSEQ; 0: none */

	struct attachment *att;
	size_t natt, attcap;
	int    attach_count; /* stored count; set in list rows where att is not loaded */

	int64_t thread_id;   /* store id of the thread root; 0 when unknown */
	char   *category;    /* important|actionable|followup|promotional|spam or NULL */
	int     confidence;  /* 0-100; -1 when unclassified */
	char   *reason;
	char   *model;

	char  **problems;    /* non-fatal parse problems, e.g. "unknown charset \"x-foo\" in part 2" */
	size_t  nproblems, probcap;
};

void message_init(struct message *m);
void message_release(struct message *m);
struct message *message_new(void);
void message_free(struct message *m);
/* Append a problem string (printf-style). */
void message_problem(struct message *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void message_add_attachment(struct message *m, const struct attachment *a); /* copies */

/* Flags <-> "SAFD" style letters (Maildir info letters: D F R S T). */
unsigned msg_flags_from_maildir(const char *info);
void msg_flags_to_names(unsigned flags, char *buf, size_t len); /* "seen,flagged" */

#endif
