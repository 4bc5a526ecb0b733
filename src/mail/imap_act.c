/*
 * imap_act: changes made on the server (flags and keywords by UID STORE,
 * labels by X-GM-LABELS on Gmail,
 * MOVE with the COPY + \Deleted + UID EXPUNGE fallback, APPEND) and IDLE on
 * the selected folder.  The app layer's write-back worker calls these.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "imap_internal.h"
#include "va/message.h"
#include "va/util.h"

static const struct {
	unsigned bit;
	struct mailimap_flag *(*make)(void);
} flag_makers[] = {
    {MSG_SEEN, mailimap_flag_new_seen},       {MSG_ANSWERED, mailimap_flag_new_answered},
    {MSG_FLAGGED, mailimap_flag_new_flagged}, {MSG_DELETED, mailimap_flag_new_deleted},
    {MSG_DRAFT, mailimap_flag_new_draft},
};

/* A flag list of the bits and the space-separated keywords. */
static struct mailimap_flag_list *flag_list(unsigned bits, const char *keywords)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	const char *p = keywords;
	size_t i;

	for (i = 0; i < sizeof flag_makers / sizeof flag_makers[0]; i++)
		if (bits & flag_makers[i].bit)
			mailimap_flag_list_add(fl, flag_makers[i].make());
	while (p && *p) {
		size_t len = strcspn(p, " ");

		if (len)
			mailimap_flag_list_add(fl,
			                       mailimap_flag_new_flag_keyword(xstrndup(p, len)));
		p += len + (p[len] == ' ');
	}
	return fl;
}

static int store_one(struct imap *im, uint32_t uid, struct mailimap_flag_list *fl, int add,
                     char **cause)
{
	struct mailimap_store_att_flags *sa =
	    add ? mailimap_store_att_flags_new_add_flags_silent(fl)
	        : mailimap_store_att_flags_new_remove_flags_silent(fl);
	struct mailimap_set *set = mailimap_set_new_single(uid);
	int rc = mailimap_uid_store(im->s, set, sa);

	mailimap_set_free(set);
	mailimap_store_att_flags_free(sa);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(im, rc, "cannot change flags on the server", cause);
	return 0;
}

/* Flags and IMAP keywords, each sign in one UID STORE. */
static int store_keywords(struct imap *im, uint32_t uid, unsigned add, unsigned remove,
                          const char *kw_add, const char *kw_remove, char **cause)
{
	if ((add || (kw_add && *kw_add)) &&
	    store_one(im, uid, flag_list(add, kw_add), 1, cause) < 0)
		return -1;
	if ((remove || (kw_remove && *kw_remove)) &&
	    store_one(im, uid, flag_list(remove, kw_remove), 0, cause) < 0)
		return -1;
	return 0;
}

/* Gmail: the flags and '$' keywords as above, the rest as labels. */
static int store_gmail(struct imap *im, uint32_t uid, unsigned add, unsigned remove,
                       const char *kw_add, const char *kw_remove, char **cause)
{
	char *ka, *la, *kr, *lr;
	int rc;

	imap_gm_split(kw_add, &ka, &la);
	imap_gm_split(kw_remove, &kr, &lr);
	rc = store_keywords(im, uid, add, remove, ka, kr, cause);
	if (rc == 0)
		rc = imap_gm_store(im, uid, la, 1, cause);
	if (rc == 0)
		rc = imap_gm_store(im, uid, lr, 0, cause);
	free(ka);
	free(la);
	free(kr);
	free(lr);
	return rc;
}

int imap_store_flags(struct imap *im, uint32_t uid, unsigned add, unsigned remove,
                     const char *kw_add, const char *kw_remove, char **cause)
{
	if (im->dead)
		return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot change flags on the server",
		                 cause);
	if (imap_is_gmail(im))
		return store_gmail(im, uid, add, remove, kw_add, kw_remove, cause);
	return store_keywords(im, uid, add, remove, kw_add, kw_remove, cause);
}

/* The first UID of a COPYUID/MOVE result set, freeing both sets. */
static uint32_t first_uid(struct mailimap_set *src, struct mailimap_set *dst)
{
	uint32_t uid = 0;

	if (dst && clist_begin(dst->set_list))
		uid = ((struct mailimap_set_item *)clist_content(clist_begin(dst->set_list)))
		          ->set_first;
	if (src)
		mailimap_set_free(src);
	if (dst)
		mailimap_set_free(dst);
	return uid;
}

/* COPY, then \Deleted and UID EXPUNGE (plain EXPUNGE without UIDPLUS). */
static int move_fallback(struct imap *im, struct mailimap_set *set, uint32_t uid, const char *dest,
                         uint32_t *nv, uint32_t *nu, char **cause)
{
	struct mailimap_set *src = NULL, *dst = NULL;
	int uidplus = mailimap_has_extension(im->s, "UIDPLUS");
	int rc = uidplus ? mailimap_uidplus_uid_copy(im->s, set, dest, nv, &src, &dst)
	                 : mailimap_uid_copy(im->s, set, dest);

	*nu = first_uid(src, dst);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(im, rc, "cannot copy the message on the server", cause);
	if (store_one(im, uid, flag_list(MSG_DELETED, NULL), 1, cause) < 0)
		return -1;
	rc = uidplus ? mailimap_uid_expunge(im->s, set) : mailimap_expunge(im->s);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(im, rc, "cannot expunge the moved message", cause);
	return 0;
}

int imap_move(struct imap *im, uint32_t uid, const char *dest, uint32_t *new_uidvalidity,
              uint32_t *new_uid, char **cause)
{
	struct mailimap_set *set, *src = NULL, *dst = NULL;
	int rc;

	*new_uidvalidity = *new_uid = 0;
	if (im->dead)
		return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot move the message", cause);
	set = mailimap_set_new_single(uid);
	if (!mailimap_has_extension(im->s, "MOVE"))
		rc = move_fallback(im, set, uid, dest, new_uidvalidity, new_uid, cause);
	else if (mailimap_has_extension(im->s, "UIDPLUS")) {
		rc = mailimap_uidplus_uid_move(im->s, set, dest, new_uidvalidity, &src, &dst);
		*new_uid = first_uid(src, dst);
	} else
		rc = mailimap_uid_move(im->s, set, dest);
	mailimap_set_free(set);
	if (rc > 0) /* a libetpan error from MOVE itself (the fallback returns -1/0) */
		return imap_fail(im, rc, "cannot move the message on the server", cause);
	return rc;
}

int imap_create(struct imap *im, const char *folder, char **cause)
{
	int rc;

	if (im->dead)
		return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot create the folder", cause);
	rc = mailimap_create(im->s, folder);
	if (rc != MAILIMAP_NO_ERROR) {
		char *what = xasprintf("cannot create the folder \"%s\"", folder);

		imap_fail(im, rc, what, cause);
		free(what);
		return -1;
	}
	return 0;
}

int imap_append(struct imap *im, const char *folder, const char *raw, size_t len, unsigned flags,
                char **cause)
{
	struct mailimap_flag_list *fl;
	int rc;

	if (im->dead)
		return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot append the message", cause);
	fl = flag_list(flags, NULL);
	rc = mailimap_append(im->s, folder, fl, NULL, raw, len);
	mailimap_flag_list_free(fl);
	if (rc != MAILIMAP_NO_ERROR) {
		char *what = xasprintf("cannot append the message to \"%s\"", folder);

		imap_fail(im, rc, what, cause);
		free(what);
		return -1;
	}
	return 0;
}

int imap_idle_wait(struct imap *im, int timeout_s, int stop_fd, char **cause)
{
	struct pollfd pfd[2];
	int rc, ready;

	if (im->dead)
		return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot wait for new mail", cause);
	if (!mailimap_has_idle(im->s))
		return set_cause(cause, "cannot wait for new mail: the server has no IDLE");
	if ((rc = mailimap_idle(im->s)) != MAILIMAP_NO_ERROR)
		return imap_fail(im, rc, "cannot wait for new mail", cause);
	pfd[0].fd = mailimap_idle_get_fd(im->s);
	pfd[0].events = POLLIN;
	pfd[1].fd = stop_fd;
	pfd[1].events = POLLIN;
	do
		ready = poll(pfd, stop_fd >= 0 ? 2 : 1, timeout_s * 1000);
	while (ready < 0 && errno == EINTR);
	if ((rc = mailimap_idle_done(im->s)) != MAILIMAP_NO_ERROR)
		return imap_fail(im, rc, "cannot end IDLE", cause);
	if (ready > 0 && stop_fd >= 0 && (pfd[1].revents & POLLIN))
		return 2;
	return ready > 0 ? 1 : 0;
}
