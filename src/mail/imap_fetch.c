/*
 * imap_fetch: reading the selected folder: its UIDs (UID SEARCH ALL), full
 * messages in batches (UID FETCH BODY.PEEK[] FLAGS MODSEQ over a UID set of
 * about `batch` messages each) and flags (optionally CHANGEDSINCE a MODSEQ).
 * Each message is handed to the caller's callback straight from libetpan's
 * parse result; nothing is copied here.
 */
#include <stdlib.h>
#include <string.h>

#include "imap_internal.h"
#include "va/message.h"
#include "va/util.h"

struct mailimap_set *imap_uid_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++)
			;
		mailimap_set_add_interval(set, uids[i], uids[j]);
		i = j + 1;
	}
	return set;
}

static const struct {
	int type;
	unsigned flag;
} flag_table[] = {
    {MAILIMAP_FLAG_SEEN, MSG_SEEN},       {MAILIMAP_FLAG_ANSWERED, MSG_ANSWERED},
    {MAILIMAP_FLAG_FLAGGED, MSG_FLAGGED}, {MAILIMAP_FLAG_DELETED, MSG_DELETED},
    {MAILIMAP_FLAG_DRAFT, MSG_DRAFT},
};

static unsigned flag_bit(int type)
{
	size_t i;

	for (i = 0; i < sizeof flag_table / sizeof flag_table[0]; i++)
		if (flag_table[i].type == type)
			return flag_table[i].flag;
	return 0;
}

unsigned imap_flags_of(clist *flags, char **kw)
{
	struct strbuf sb;
	clistiter *it;
	unsigned bits = 0;

	sb_init(&sb);
	for (it = flags ? clist_begin(flags) : NULL; it; it = clist_next(it)) {
		struct mailimap_flag_fetch *ff = clist_content(it);

		if (ff->fl_type != MAILIMAP_FLAG_FETCH_OTHER || !ff->fl_flag)
			continue;
		if (ff->fl_flag->fl_type == MAILIMAP_FLAG_KEYWORD &&
		    ff->fl_flag->fl_data.fl_keyword) {
			if (sb.len)
				sb_addc(&sb, ' ');
			sb_adds(&sb, ff->fl_flag->fl_data.fl_keyword);
		} else
			bits |= flag_bit(ff->fl_flag->fl_type);
	}
	*kw = sb.len ? sb_detach(&sb) : NULL;
	sb_release(&sb);
	return bits;
}

/* One FETCH response into m (borrowing its strings); *kw owned. */
static void msg_of(struct mailimap_msg_att *att, struct imap_msg *m, char **kw)
{
	clistiter *it;
	char *gm = NULL;

	memset(m, 0, sizeof *m);
	*kw = NULL;
	for (it = clist_begin(att->att_list); it; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC && item->att_data.att_dyn) {
			free(*kw);
			m->flags = imap_flags_of(item->att_data.att_dyn->att_list, kw);
			m->keywords = *kw;
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC) {
			struct mailimap_msg_att_static *st = item->att_data.att_static;

			if (st->att_type == MAILIMAP_MSG_ATT_UID)
				m->uid = st->att_data.att_uid;
			else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
			         st->att_data.att_body_section) {
				m->raw = st->att_data.att_body_section->sec_body_part;
				m->len = st->att_data.att_body_section->sec_length;
				if (!m->raw)
					m->raw = "";
			}
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_EXTENSION) {
			struct mailimap_extension_data *ed = item->att_data.att_extension_data;

			if (imap_gm_labels_of(ed, &gm))
				continue;
			if (ed && ed->ext_extension == &mailimap_extension_condstore &&
			    ed->ext_type == MAILIMAP_CONDSTORE_TYPE_FETCH_DATA)
				m->modseq =
				    ((struct mailimap_condstore_fetch_mod_resp *)ed->ext_data)
				        ->cs_modseq_value;
		}
	}
	if (gm)
		m->keywords = *kw = imap_gm_merge(*kw, gm);
}

/* Hand every message of a FETCH result to fn; -1 when fn stops. */
static int deliver(clist *result, imap_msg_fn fn, void *arg, char **cause)
{
	clistiter *it;

	for (it = clist_begin(result); it; it = clist_next(it)) {
		struct imap_msg m;
		char *kw;
		int stop;

		msg_of(clist_content(it), &m, &kw);
		stop = m.uid ? fn(arg, &m, cause) : 0;
		free(kw);
		if (stop)
			return -1;
	}
	return 0;
}

int imap_uids(struct imap *im, uint32_t **uids, size_t *n, char **cause)
{
	struct mailimap_search_key *key;
	clist *result = NULL;
	clistiter *it;
	size_t i = 0;
	int rc;

	*uids = NULL;
	*n = 0;
	if (im->dead)
		return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot list messages", cause);
	key = mailimap_search_key_new_all();
	rc = mailimap_uid_search(im->s, NULL, key, &result);
	mailimap_search_key_free(key);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(im, rc, "cannot list messages", cause);
	*uids = xcalloc(clist_count(result) + 1, sizeof **uids);
	for (it = clist_begin(result); it; it = clist_next(it))
		(*uids)[i++] = *(uint32_t *)clist_content(it);
	*n = i;
	mailimap_search_result_free(result);
	return 0;
}

static struct mailimap_fetch_type *fetch_type(struct imap *im, int bodies, int condstore)
{
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();

	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_flags());
	imap_gm_fetch_att(im, ft);
	if (condstore)
		mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_modseq());
	if (bodies)
		mailimap_fetch_type_new_fetch_att_list_add(
		    ft, mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	return ft;
}

/* One UID FETCH (CHANGEDSINCE when changedsince > 0) delivered to fn. */
static int fetch_set(struct imap *im, struct mailimap_set *set, int bodies, uint64_t changedsince,
                     imap_msg_fn fn, void *arg, char **cause)
{
	int condstore = mailimap_has_condstore(im->s);
	struct mailimap_fetch_type *ft = fetch_type(im, bodies, condstore);
	clist *result = NULL;
	int rc;

	if (changedsince > 0 && condstore)
		rc = mailimap_uid_fetch_changedsince(im->s, set, ft, changedsince, &result);
	else
		rc = mailimap_uid_fetch(im->s, set, ft, &result);
	mailimap_fetch_type_free(ft);
	if (rc != MAILIMAP_NO_ERROR)
		return imap_fail(im, rc, bodies ? "cannot fetch messages" : "cannot fetch flags",
		                 cause);
	rc = deliver(result, fn, arg, cause);
	mailimap_fetch_list_free(result);
	return rc;
}

int imap_fetch_bodies(struct imap *im, const uint32_t *uids, size_t n, size_t batch, imap_msg_fn fn,
                      void *arg, char **cause)
{
	size_t i, k;
	int rc = 0;

	if (batch == 0)
		batch = 200;
	for (i = 0; i < n && rc == 0; i += k) {
		struct mailimap_set *set;

		if (im->dead)
			return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot fetch messages", cause);
		k = n - i < batch ? n - i : batch;
		set = imap_uid_set(uids + i, k);
		rc = fetch_set(im, set, 1, 0, fn, arg, cause);
		mailimap_set_free(set);
	}
	return rc;
}

int imap_fetch_flags(struct imap *im, uint32_t maxuid, uint64_t changedsince, imap_msg_fn fn,
                     void *arg, char **cause)
{
	struct mailimap_set *set;
	int rc;

	if (im->dead)
		return imap_fail(im, MAILIMAP_ERROR_STREAM, "cannot fetch flags", cause);
	if (maxuid == 0)
		return 0;
	set = mailimap_set_new_interval(1, maxuid);
	rc = fetch_set(im, set, 0, changedsince, fn, arg, cause);
	mailimap_set_free(set);
	return rc;
}
