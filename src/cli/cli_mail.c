/*
 * cli_mail: list, show, search, import and sync: the mail subcommands.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli_json.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/util.h"

static int parse_int(const char *s, const char *what, const char *cmd, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < 0 || v > 1000000000) {
		cli_error("%s: \"%s\" is not a valid %s", cmd, s, what);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols && atoi(cols) > 40)
		return atoi(cols);
	return 120;
}

/* "2026-11-24 03:14" in local time; "" for no date. */
static void local_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !localtime_r(&tt, &tm))
		snprintf(buf, len, "%s", "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

static void print_row(const struct message *m, int width)
{
	char date[32], flags[5];
	const char *from = m->from_name && *m->from_name ? m->from_name : m->from_addr;
	int subj_w = width - 6 - 1 - 16 - 1 - 4 - 1 - 22 - 1 - 14;
	char *f = utf8_fit(from ? from : "(unknown sender)", 22, 1);
	char *s;
	char cat[32] = "";

	if (subj_w < 20)
		subj_w = 20;
	s = utf8_fit(m->subject && *m->subject ? m->subject : "(no subject)", (size_t)subj_w, 1);
	local_time(m->date, date, sizeof date);
	flags[0] = (m->flags & MSG_SEEN) ? ' ' : 'N';
	flags[1] = (m->flags & MSG_FLAGGED) ? '!' : ' ';
	flags[2] = (m->flags & MSG_ANSWERED) ? 'r' : ' ';
	flags[3] = m->attach_count > 0 ? '@' : ' ';
	flags[4] = '\0';
	if (m->category)
		snprintf(cat, sizeof cat, "%.8s %3d%%", m->category, m->confidence < 0 ? 0 : m->confidence);
	printf("%6lld %-16s %s %s %s %s\n", (long long)m->id, date, flags, f, s, cat);
	free(f);
	free(s);
}

static int print_list(struct cli_globals *g, struct message *msgs, size_t n)
{
	size_t i;
	int width = term_width();

	if (g->json) {
		cJSON *a = cJSON_CreateArray();
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(a, cli_message_json(&msgs[i], 0));
		cli_json_print(a);
		return EXIT_OK;
	}
	for (i = 0; i < n; i++)
		print_row(&msgs[i], width);
	if (n == 0 && !g->quiet)
		fprintf(stderr, "va: no messages\n");
	return EXIT_OK;
}

static int run_query(struct cli_globals *g, const struct store_query *q)
{
	struct app *app;
	struct message *msgs;
	size_t n;
	char *cause = NULL;
	int rc;

	if (cli_open_app(g, &app, 1) < 0)
		return EXIT_ERROR;
	if (inbox_list(app, q, &msgs, &n, &cause) < 0) {
		cli_error("%s", cause);
		free(cause);
		app_close(app);
		return EXIT_ERROR;
	}
	rc = print_list(g, msgs, n);
	store_messages_free(msgs, n);
	app_close(app);
	return rc;
}

enum { OPT_ACCOUNT = 256, OPT_FOLDER, OPT_CATEGORY, OPT_UNREAD, OPT_FLAGGED, OPT_FROM,
       OPT_THREAD, OPT_LIMIT, OPT_OFFSET, OPT_HEADERS, OPT_RAW, OPT_OWED, OPT_WAITING };

static const struct option list_opts[] = {
	{"account", required_argument, NULL, OPT_ACCOUNT},
	{"folder", required_argument, NULL, OPT_FOLDER},
	{"category", required_argument, NULL, OPT_CATEGORY},
	{"unread", no_argument, NULL, OPT_UNREAD},
	{"flagged", no_argument, NULL, OPT_FLAGGED},
	{"owed", no_argument, NULL, OPT_OWED},
	{"waiting", no_argument, NULL, OPT_WAITING},
	{"from", required_argument, NULL, OPT_FROM},
	{"thread", required_argument, NULL, OPT_THREAD},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"offset", required_argument, NULL, OPT_OFFSET},
	{NULL, 0, NULL, 0},
};

static const char *const categories[] = {
	"important", "actionable", "followup", "promotional", "spam", "none",
};

static int check_category(const char *c)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(categories); i++)
		if (!strcmp(categories[i], c))
			return 0;
	cli_error("list: unknown category \"%s\" (one of important, actionable, followup, "
	          "promotional, spam, none)", c);
	return -1;
}

/* Parse the query options shared by list and search.  -1 on a usage error. */
static int parse_query(const char *cmd, int argc, char **argv, struct store_query *q)
{
	int c, thread = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:", list_opts, NULL)) != -1) {
		switch (c) {
		case OPT_ACCOUNT: q->account = optarg; break;
		case OPT_FOLDER: q->folder = optarg; break;
		case OPT_CATEGORY:
			if (check_category(optarg) < 0)
				return -1;
			q->category = optarg;
			break;
		case OPT_UNREAD: q->unread = 1; break;
		case OPT_FLAGGED: q->flagged = 1; break;
		case OPT_OWED: q->owed = 1; break;
		case OPT_WAITING: q->waiting = 1; break;
		case OPT_FROM: q->from = optarg; break;
		case OPT_THREAD:
			if (parse_int(optarg, "thread id", cmd, &thread) < 0)
				return -1;
			q->thread_id = thread;
			break;
		case 'n':
		case OPT_LIMIT:
			if (parse_int(optarg, "limit", cmd, &q->limit) < 0)
				return -1;
			break;
		case OPT_OFFSET:
			if (parse_int(optarg, "offset", cmd, &q->offset) < 0)
				return -1;
			break;
		default:
			cli_error("%s: unknown or incomplete option \"%s\"", cmd, argv[optind - 1]);
			return -1;
		}
	}
	return 0;
}

int cmd_list(struct cli_globals *g, int argc, char **argv)
{
	struct store_query q;

	memset(&q, 0, sizeof q);
	if (parse_query("list", argc, argv, &q) < 0)
		return cli_usage("list");
	if (optind < argc) {
		cli_error("list: unexpected argument \"%s\"", argv[optind]);
		return cli_usage("list");
	}
	return run_query(g, &q);
}

int cmd_search(struct cli_globals *g, int argc, char **argv)
{
	struct store_query q;
	struct strbuf sb = STRBUF_INIT;
	int rc;

	memset(&q, 0, sizeof q);
	if (parse_query("search", argc, argv, &q) < 0)
		return cli_usage("search");
	if (optind >= argc) {
		cli_error("search: missing QUERY");
		return cli_usage("search");
	}
	sb_init(&sb);
	for (; optind < argc; optind++) {
		if (sb.len)
			sb_addc(&sb, ' ');
		sb_adds(&sb, argv[optind]);
	}
	q.search = sb.buf;
	rc = run_query(g, &q);
	sb_release(&sb);
	return rc;
}

static void print_message(const struct message *m, int headers)
{
	char date[32];
	size_t i;

	local_time(m->date, date, sizeof date);
	if (headers && m->headers) {
		printf("%s\n", m->headers);
	} else {
		printf("From:    %s%s%s%s\n", m->from_name ? m->from_name : "", m->from_name ? " <" : "",
		       m->from_addr ? m->from_addr : "", m->from_name ? ">" : "");
		printf("To:      %s\n", m->to ? m->to : "");
		if (m->cc && *m->cc)
			printf("Cc:      %s\n", m->cc);
		printf("Date:    %s\n", date);
		printf("Subject: %s\n", m->subject ? m->subject : "");
		printf("Folder:  %s/%s   id %lld   thread %lld\n", m->account, m->folder,
		       (long long)m->id, (long long)m->thread_id);
	}
	if (m->category)
		printf("Category: %s (%d%%): %s\n", m->category, m->confidence, m->reason ? m->reason : "");
	for (i = 0; i < m->natt; i++)
		printf("Attachment %d: %s (%s, %lld bytes)\n", m->att[i].part,
		       m->att[i].filename ? m->att[i].filename : "(unnamed)", m->att[i].mime_type,
		       (long long)m->att[i].size);
	for (i = 0; i < m->nproblems; i++)
		printf("Problem: %s\n", m->problems[i]);
	printf("\n%s%s", m->body ? m->body : "", m->body && str_ends(m->body, "\n") ? "" : "\n");
}

static int show_raw(struct app *app, int64_t id)
{
	char *cause = NULL, *raw;
	size_t len = 0;

	raw = store_message_raw(app->store, id, &len, &cause);
	if (!raw) {
		cli_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	fwrite(raw, 1, len, stdout);
	free(raw);
	return EXIT_OK;
}

int cmd_show(struct cli_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"headers", no_argument, NULL, OPT_HEADERS}, {"raw", no_argument, NULL, OPT_RAW},
	    {NULL, 0, NULL, 0}};
	struct app *app;
	struct message m;
	char *cause = NULL;
	int c, headers = 0, raw = 0, id, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_HEADERS)
			headers = 1;
		else if (c == OPT_RAW)
			raw = 1;
		else
			return cli_error("show: unknown option \"%s\"", argv[optind - 1]), cli_usage("show");
	}
	if (optind != argc - 1)
		return cli_error("show: expected one message ID"), cli_usage("show");
	if (parse_int(argv[optind], "message ID", "show", &id) < 0)
		return cli_usage("show");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	if (raw) {
		rc = show_raw(app, id);
		app_close(app);
		return rc;
	}
	message_init(&m);
	rc = inbox_show(app, id, &m, &cause);
	if (rc < 0) {
		cli_error("%s", cause);
		free(cause);
	} else if (rc == 1) {
		cli_error("no message with id %d", id);
	} else if (g->json) {
		cli_json_print(cli_message_json(&m, 1));
	} else {
		print_message(&m, headers);
	}
	message_release(&m);
	app_close(app);
	return rc == 0 ? EXIT_OK : EXIT_ERROR;
}
