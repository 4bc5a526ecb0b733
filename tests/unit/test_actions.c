/* test_actions: triage and undo (src/app/actions.c) on a temp store and a
 * temp Maildir account: the files are renamed and moved, the store follows,
 * the journal undoes, and a failure loses nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "va/actions.h"
#include "va/app.h"
#include "va/util.h"

struct fx {
	char        dir[64];
	char       *md;
	struct app *app;
	int64_t     a, b; /* "alpha" (in cur/, seen), "beta" (in new/) */
};

static void write_msg(const char *path, const char *subject)
{
	char *text = xasprintf("From: Ann <ann@example.com>\r\nTo: sam@example.com\r\n"
	                       "Subject: %s\r\nMessage-ID: <%s@example.com>\r\n"
	                       "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nhello\r\n",
	                       subject, subject);
	assert_int_equal(file_write_atomic(path, text, strlen(text), 0600, NULL), 0);
	free(text);
}

static char *md_path(struct fx *f, const char *rel)
{
	return xasprintf("%s/%s", f->md, rel);
}

static int exists(struct fx *f, const char *rel)
{
	char *p = md_path(f, rel);
	int e = file_exists(p);

	free(p);
	return e;
}

static int64_t id_of(struct fx *f, const char *subject)
{
	struct store_query q;
	struct message *m;
	size_t n, i;
	int64_t id = 0;

	memset(&q, 0, sizeof q);
	assert_int_equal(inbox_list(f->app, &q, &m, &n, NULL), 0);
	for (i = 0; i < n; i++)
		if (m[i].subject && !strcmp(m[i].subject, subject))
			id = m[i].id;
	store_messages_free(m, n);
	return id;
}

static void refresh(struct fx *f)
{
	struct import_report r;

	memset(&r, 0, sizeof r);
	assert_int_equal(inbox_refresh_local(f->app, &r, NULL), 0);
	assert_int_equal(r.nfailures, 0);
	import_report_release(&r);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	struct app_opts o = {NULL, NULL, NULL};
	char *conf, *p, *text, *cause = NULL;

	snprintf(f->dir, sizeof f->dir, "/tmp/va-test-actions-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->md = xasprintf("%s/Mail", f->dir);
	p = md_path(f, "tmp");
	assert_int_equal(mkdir_p(p, 0700, NULL), 0);
	free(p);
	p = md_path(f, "cur/1000.alpha.host:2,S");
	mkdir_p(f->md, 0700, NULL);
	{
		char *c = md_path(f, "cur"), *n = md_path(f, "new");
		mkdir_p(c, 0700, NULL);
		mkdir_p(n, 0700, NULL);
		free(c);
		free(n);
	}
	write_msg(p, "alpha");
	free(p);
	p = md_path(f, "new/1001.beta.host");
	write_msg(p, "beta");
	free(p);
	conf = xasprintf("%s/va.conf", f->dir);
	text = xasprintf("[account mail]\ntype = maildir\npath = %s\n", f->md);
	assert_int_equal(file_write_atomic(conf, text, strlen(text), 0600, NULL), 0);
	o.config_path = conf;
	o.data_dir = f->dir;
	assert_int_equal(app_open(&f->app, &o, &cause), 0);
	free(conf);
	free(text);
	refresh(f);
	f->a = id_of(f, "alpha");
	f->b = id_of(f, "beta");
	assert_true(f->a > 0 && f->b > 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	app_close(f->app);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(cmd);
	free(f->md);
	free(f);
	return 0;
}

static void get_state(struct fx *f, int64_t id, struct store_msg_state *s)
{
	assert_int_equal(store_msg_state_get(f->app->store, id, s, NULL), 0);
}

static int64_t act(struct fx *f, int64_t id, enum action_kind k, const char *arg)
{
	struct action_outcome o;
	char *cause = NULL;
	int64_t aid;

	assert_int_equal(action_apply(f->app, &id, 1, k, arg, &o, &cause), 0);
	assert_null(cause);
	aid = o.n ? o.actions[0] : 0;
	action_outcome_release(&o);
	return aid;
}

static void undo(struct fx *f, int64_t action, int64_t batch, size_t expect)
{
	struct action_outcome o;
	char *cause = NULL;

	assert_int_equal(action_undo(f->app, action, batch, &o, &cause), 0);
	assert_null(cause);
	assert_int_equal(o.n, expect);
	action_outcome_release(&o);
}

static void test_flag_renames_the_file(void **state)
{
	struct fx *f = *state;
	struct store_msg_state s;

	act(f, f->a, ACT_FLAG, NULL);
	assert_true(exists(f, "cur/1000.alpha.host:2,FS"));
	assert_false(exists(f, "cur/1000.alpha.host:2,S"));
	get_state(f, f->a, &s);
	assert_int_equal(s.flags, MSG_SEEN | MSG_FLAGGED);
	assert_true(str_ends(s.path, "cur/1000.alpha.host:2,FS"));
	store_msg_state_release(&s);
	undo(f, 0, 0, 1);
	assert_true(exists(f, "cur/1000.alpha.host:2,S"));
	assert_false(exists(f, "cur/1000.alpha.host:2,FS"));
	get_state(f, f->a, &s);
	assert_int_equal(s.flags, MSG_SEEN);
	store_msg_state_release(&s);
}

static void test_read_moves_new_to_cur(void **state)
{
	struct fx *f = *state;
	struct store_msg_state s;

	act(f, f->b, ACT_READ, NULL);
	assert_true(exists(f, "cur/1001.beta.host:2,S"));
	assert_false(exists(f, "new/1001.beta.host"));
	refresh(f); /* the rescan agrees with what was done */
	get_state(f, f->b, &s);
	assert_int_equal(s.flags, MSG_SEEN);
	store_msg_state_release(&s);
	assert_int_equal(act(f, f->b, ACT_READ, NULL), 0); /* already read: nothing recorded */
}

static void test_archive_moves_between_folders(void **state)
{
	struct fx *f = *state;
	struct store_msg_state s;

	act(f, f->a, ACT_ARCHIVE, NULL);
	assert_true(exists(f, ".Archive/cur/1000.alpha.host:2,S"));
	{
		char *t = md_path(f, ".Archive/tmp");
		assert_true(dir_exists(t)); /* a whole Maildir++ folder was made */
		free(t);
	}
	assert_false(exists(f, "cur/1000.alpha.host:2,S"));
	refresh(f);
	get_state(f, f->a, &s);
	assert_string_equal(s.folder, "Archive");
	store_msg_state_release(&s);
	assert_int_equal(id_of(f, "alpha"), f->a); /* not stored twice */
	undo(f, 0, 0, 1);
	assert_true(exists(f, "cur/1000.alpha.host:2,S"));
	assert_false(exists(f, ".Archive/cur/1000.alpha.host:2,S"));
	get_state(f, f->a, &s);
	assert_string_equal(s.folder, "INBOX");
	store_msg_state_release(&s);
}

static void test_undo_one_keeps_later_changes(void **state)
{
	struct fx *f = *state;
	struct store_msg_state s;
	int64_t flag = act(f, f->a, ACT_FLAG, NULL);

	act(f, f->a, ACT_MOVE, "Lists.va");
	undo(f, flag, 0, 1);
	get_state(f, f->a, &s);
	assert_string_equal(s.folder, "Lists.va");
	assert_int_equal(s.flags, MSG_SEEN);
	store_msg_state_release(&s);
	assert_true(exists(f, ".Lists.va/cur/1000.alpha.host:2,S"));
	assert_int_equal(action_undo(f->app, flag, 0, &(struct action_outcome){0}, NULL), 1);
}

static void test_labels_and_undo(void **state)
{
	struct fx *f = *state;
	struct store_msg_state s;

	act(f, f->a, ACT_LABEL, "work");
	act(f, f->a, ACT_LABEL, "later");
	act(f, f->a, ACT_UNLABEL, "work");
	get_state(f, f->a, &s);
	assert_string_equal(s.keywords, "later");
	store_msg_state_release(&s);
	undo(f, 0, 0, 1);
	get_state(f, f->a, &s);
	assert_true(strstr(s.keywords, "work") && strstr(s.keywords, "later"));
	store_msg_state_release(&s);
}

static void count_label(void *arg, int64_t label_id, int64_t message_id, const char *category)
{
	(void)label_id;
	(void)message_id;
	if (!strcmp(category, "spam"))
		(*(int *)arg)++;
}

static void test_category_records_a_label(void **state)
{
	struct fx *f = *state;
	struct store_msg_state s;
	int n = 0;

	act(f, f->b, ACT_CATEGORY, "spam");
	get_state(f, f->b, &s);
	assert_string_equal(s.category, "spam");
	assert_int_equal(s.confidence, 100);
	store_msg_state_release(&s);
	assert_int_equal(store_labels_after(f->app->store, 0, count_label, &n, NULL), 0);
	assert_int_equal(n, 1);
	undo(f, 0, 0, 1);
	get_state(f, f->b, &s);
	assert_null(s.category);
	assert_int_equal(s.confidence, -1);
	store_msg_state_release(&s);
	n = 0;
	assert_int_equal(store_labels_after(f->app->store, 0, count_label, &n, NULL), 0);
	assert_int_equal(n, 0);
}

static void test_batch_undo(void **state)
{
	struct fx *f = *state;
	struct action_outcome o;
	int64_t ids[2] = {f->a, f->b};

	assert_int_equal(action_apply(f->app, ids, 2, ACT_TRASH, NULL, &o, NULL), 0);
	assert_int_equal(o.n, 2);
	assert_true(o.batch > 0);
	action_outcome_release(&o);
	assert_true(exists(f, ".Trash/cur/1000.alpha.host:2,S"));
	assert_true(exists(f, ".Trash/cur/1001.beta.host:2,"));
	undo(f, 0, 0, 2);
	assert_true(exists(f, "cur/1000.alpha.host:2,S"));
	assert_true(exists(f, "cur/1001.beta.host:2,"));
	assert_int_equal(action_undo(f->app, 0, 0, &o, NULL), 1); /* nothing left */
}

static void test_failure_loses_nothing(void **state)
{
	struct fx *f = *state;
	struct store_msg_state s;
	struct action_outcome o;
	int64_t ids[2] = {f->a, 999999};
	char *cause = NULL, *p;

	/* a missing message: the whole batch is refused and alpha's file comes back */
	assert_int_equal(action_apply(f->app, ids, 2, ACT_ARCHIVE, NULL, &o, &cause), -1);
	assert_non_null(strstr(cause, "no message with id 999999"));
	x_free(&cause);
	assert_true(exists(f, "cur/1000.alpha.host:2,S"));
	assert_false(exists(f, ".Archive/cur/1000.alpha.host:2,S"));
	get_state(f, f->a, &s);
	assert_string_equal(s.folder, "INBOX");
	store_msg_state_release(&s);
	/* a file in the way is never replaced */
	p = md_path(f, ".Archive/cur");
	assert_int_equal(mkdir_p(p, 0700, NULL), 0);
	free(p);
	p = md_path(f, ".Archive/cur/1000.alpha.host:2,S");
	write_msg(p, "squatter");
	free(p);
	assert_int_equal(action_apply(f->app, &f->a, 1, ACT_ARCHIVE, NULL, &o, &cause), -1);
	assert_non_null(strstr(cause, "already exists"));
	x_free(&cause);
	assert_true(exists(f, "cur/1000.alpha.host:2,S"));
	get_state(f, f->a, &s);
	assert_string_equal(s.folder, "INBOX");
	store_msg_state_release(&s);
}

static void test_bad_arguments(void **state)
{
	struct fx *f = *state;
	struct action_outcome o;
	char *cause = NULL;
	static const struct {
		enum action_kind k;
		const char *arg, *want;
	} bad[] = {
	    {ACT_CATEGORY, "urgent", "unknown category \"urgent\""},
	    {ACT_MOVE, "../etc", "bad folder name"},
	    {ACT_MOVE, "a/b", "bad folder name"},
	    {ACT_MOVE, NULL, "a folder name is needed"},
	    {ACT_LABEL, "two words", "bad label"},
	};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(bad); i++) {
		assert_int_equal(action_apply(f->app, &f->a, 1, bad[i].k, bad[i].arg, &o, &cause), -1);
		assert_non_null(strstr(cause, bad[i].want));
		x_free(&cause);
	}
	assert_int_equal(action_find("archive"), ACT_ARCHIVE);
	assert_int_equal(action_find("nope"), ACT_NONE);
}

static void test_journal_lists_actions(void **state)
{
	struct fx *f = *state;
	struct store_action *v;
	size_t n;

	act(f, f->a, ACT_FLAG, NULL);
	act(f, f->b, ACT_LABEL, "x");
	undo(f, 0, 0, 1);
	assert_int_equal(action_list(f->app, 10, &v, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].kind, "label");
	assert_string_equal(v[0].args, "x");
	assert_true(v[0].undone_at > 0);
	assert_string_equal(v[1].kind, "flag");
	assert_int_equal(v[1].undone_at, 0);
	assert_string_equal(v[1].server_state, "local");
	assert_string_equal(v[1].subject, "alpha");
	store_actions_free(v, n);
}

static void test_undo_skips_a_vanished_message(void **state)
{
	struct fx *f = *state;
	struct action_outcome o;
	int64_t ids[2] = {f->a, f->b};

	assert_int_equal(action_apply(f->app, ids, 2, ACT_FLAG, NULL, &o, NULL), 0);
	action_outcome_release(&o);
	assert_int_equal(store_message_delete(f->app->store, f->b, NULL), 0);
	undo(f, 0, 0, 1); /* alpha comes back; beta's row is closed, not an error */
	assert_true(exists(f, "cur/1000.alpha.host:2,S"));
	assert_int_equal(action_undo(f->app, 0, 0, &o, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_flag_renames_the_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_moves_new_to_cur, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_archive_moves_between_folders, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_undo_one_keeps_later_changes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_labels_and_undo, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_category_records_a_label, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_undo, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failure_loses_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_journal_lists_actions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_undo_skips_a_vanished_message, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
