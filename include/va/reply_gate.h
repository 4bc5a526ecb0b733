/*
 * reply_gate: the deterministic checks that stand between a message and an
 * automatic reply (L2, pure: no I/O, no clock, no store).
 *
 * Each gate has a stable reason code (shown in `va replies`, the audit log
 * and the UI) and says why in one sentence.  The message gates here are
 * RFC 3834 (never answer automatic, list or bulk mail, bounces, no-reply
 * senders, nor oneself), sensitive topics and the confidence threshold.
 * The gates that need state (approval, limits, one reply per thread, the
 * kill switch) are decided in app/replies.c and use the codes below too.
 */
#ifndef VA_REPLY_GATE_H
#define VA_REPLY_GATE_H

#include <stddef.h>

struct message;

/* Reason codes (stable strings). */
#define GATE_AUTO_SUBMITTED   "auto-submitted"
#define GATE_LIST             "list-mail"
#define GATE_PRECEDENCE       "bulk-precedence"
#define GATE_NULL_RETURN_PATH "null-return-path"
#define GATE_NO_REPLY         "no-reply-sender"
#define GATE_SELF             "from-self"
#define GATE_NO_RECIPIENT     "no-recipient"
#define GATE_SENSITIVE        "sensitive-topic"
#define GATE_CONFIDENCE       "low-confidence"
#define GATE_NOT_APPROVED     "not-approved"
#define GATE_CHANGED          "changed-since-approval"
#define GATE_NOT_AUTO         "template-not-auto"
#define GATE_DAILY_LIMIT      "daily-limit"
#define GATE_SENDER_LIMIT     "sender-limit"
#define GATE_THREAD           "thread-replied"
#define GATE_AUTO_SEND_OFF    "auto-send-off"

struct reply_gate_in {
	const struct message *msg; /* headers, from_addr, reply_to, subject, body, confidence */
	const char *const *me;     /* the user's own addresses (lower case) */
	size_t nme;
	const char *sensitive; /* POSIX ERE, case-insensitive; NULL or "": none */
	int min_confidence;    /* 0: no threshold */
};

struct reply_block {
	const char *code; /* one of GATE_*, NULL when every gate passed */
	char *why;        /* one sentence (owned), NULL when passed */
};
void reply_block_release(struct reply_block *b);

/* Which gates to run. */
enum {
	GATES_RFC3834 = 1 << 0, /* auto-submitted, list, precedence, return-path, no-reply, self */
	GATES_SENSITIVE = 1 << 1,
	GATES_CONFIDENCE = 1 << 2,
	GATES_ALL = 7,
};

/* Run the selected gates in a fixed order; the first that blocks fills *out.
 * 1 blocked, 0 passed, -1 when the sensitive regex does not compile (*out
 * then names GATE_SENSITIVE and why says so: a bad pattern blocks). */
int reply_gates_check(const struct reply_gate_in *in, unsigned which, struct reply_block *out);

/* Every RFC 3834 problem of a message as warnings (manual replies show them):
 * up to max blocks, each to release.  Returns how many. */
size_t reply_gates_warnings(const struct reply_gate_in *in, struct reply_block *out, size_t max);

/* The value of header `name` in an unfolded header block ("Name: value"
 * lines), trimmed; a copy (caller frees) or NULL. */
char *reply_header(const char *headers, const char *name);

/* The bare address in "Name <a@b>", "a@b" or "<a@b>, c@d" (the first),
 * lower-cased; NULL when there is none.  Caller frees. */
char *reply_address(const char *text);

/* 1 when addr's local part is a no-reply, mailer-daemon, postmaster or
 * bounce address. */
int reply_is_noreply(const char *addr);

#endif
