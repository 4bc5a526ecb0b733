/*
 * cli_classify: `va classify` and `va train`, the faces of app/classify.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_json.h"
#include "va/app.h"
#include "va/classifier.h"
#include "va/cli.h"
#include "va/util.h"

static int parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end || v <= 0)
		return -1;
	*out = v;
	return 0;
}

/* IDs from argv; -1 (after an error message) on a bad one. */
static int parse_ids(const char *cmd, int argc, char **argv, int64_t **ids, size_t *n)
{
	int i;

	*ids = xcalloc((size_t)argc + 1, sizeof **ids);
	*n = 0;
	for (i = 0; i < argc; i++) {
		if (parse_id(argv[i], &(*ids)[*n]) < 0) {
			cli_error("%s: \"%s\" is not a message id", cmd, argv[i]);
			x_free(ids);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

static cJSON *verdict_json(const struct classify_verdict *v, const char *model)
{
	cJSON *o = cJSON_CreateObject(), *p = cJSON_CreateObject();
	int k;

	cJSON_AddNumberToObject(o, "id", (double)v->id);
	if (v->unsure)
		cJSON_AddNullToObject(o, "category");
	else
		cJSON_AddStringToObject(o, "category", cls_category_name(v->category));
	cJSON_AddStringToObject(o, "guess", cls_category_name(v->category));
	cJSON_AddNumberToObject(o, "confidence", v->confidence);
	cJSON_AddBoolToObject(o, "unsure", v->unsure);
	cJSON_AddStringToObject(o, "reason", v->reason);
	cJSON_AddStringToObject(o, "model", model);
	for (k = 0; k < CLS_NCAT; k++)
		cJSON_AddNumberToObject(p, cls_category_name(k),
		                        (double)(long)(v->p[k] * 10000 + 0.5) / 10000);
	cJSON_AddItemToObject(o, "scores", p);
	return o;
}

static void print_verdicts(struct cli_globals *g, const struct classify_report *r)
{
	size_t i;

	if (g->json) {
		cJSON *a = cJSON_CreateArray();
		for (i = 0; i < r->n; i++)
			cJSON_AddItemToArray(
			    a, verdict_json(&r->v[i], r->v[i].by_llm ? r->llm_model : r->model));
		cli_json_print(a);
	}
	for (i = 0; !g->json && i < r->n; i++) {
		const struct classify_verdict *v = &r->v[i];
		printf("%6lld  %-11s %3d%%  %s\n", (long long)v->id,
		       v->unsure ? "unsure" : cls_category_name(v->category), v->confidence,
		       v->reason);
	}
	if (!g->quiet && !g->json)
		fprintf(stderr, "va: classified %zu message%s with %s (%ld labels learned)\n", r->n,
		        r->n == 1 ? "" : "s", r->model, r->labels);
	if (!g->quiet && r->llm_model)
		fprintf(stderr,
		        "va: asked %s about %zu messages: %zu answered (%zu from the cache)\n",
		        r->llm_model, r->llm_asked, r->llm_answered, r->llm_cached);
	if (r->llm_error)
		fprintf(stderr, "va: warning: the local verdict stands where the LLM failed: %s\n",
		        r->llm_error);
}

int cmd_classify(struct cli_globals *g, int argc, char **argv)
{
	struct classify_report r;
	struct app *app;
	int64_t *ids = NULL;
	size_t n = 0, i;
	char *cause = NULL;
	int all = argc == 2 && !strcmp(argv[1], "--all");

	if (!all && argc > 1 && argv[1][0] == '-')
		return cli_usage("classify");
	if (!all && parse_ids("classify", argc - 1, argv + 1, &ids, &n) < 0)
		return EXIT_USAGE;
	if (cli_open_app(g, &app, 1) < 0) {
		free(ids);
		return EXIT_ERROR;
	}
	if (classify_messages(app, ids, n, all, &r, &cause) < 0) {
		cli_error("cannot classify: %s", cause);
		free(cause);
		free(ids);
		app_close(app);
		return EXIT_ERROR;
	}
	print_verdicts(g, &r);
	for (i = 0; i < r.nmissing; i++)
		cli_error("cannot classify message %lld: no such message", (long long)r.missing[i]);
	n = r.nmissing;
	classify_report_release(&r);
	free(ids);
	app_close(app);
	return n > 0 ? EXIT_ERROR : EXIT_OK;
}

static void print_train(struct cli_globals *g, const struct train_report *r)
{
	size_t i;

	if (g->json) {
		cJSON *o = cJSON_CreateObject(), *f = cJSON_CreateArray();
		cJSON_AddNumberToObject(o, "files", (double)r->files);
		cJSON_AddNumberToObject(o, "from_folders", (double)r->from_folders);
		cJSON_AddNumberToObject(o, "learned", (double)r->learned);
		cJSON_AddNumberToObject(o, "labels", (double)r->labels);
		if (r->spam_cut > 0)
			cJSON_AddNumberToObject(o, "spam_cut", r->spam_cut);
		for (i = 0; i < r->nfailures; i++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "path", r->failures[i].path);
			cJSON_AddStringToObject(e, "reason", r->failures[i].reason);
			cJSON_AddItemToArray(f, e);
		}
		cJSON_AddItemToObject(o, "failures", f);
		cli_json_print(o);
		return;
	}
	for (i = 0; i < r->nfailures; i++)
		fprintf(stderr, "va: warning: cannot learn from \"%s\": %s\n", r->failures[i].path,
		        r->failures[i].reason);
	printf("learned %zu message%s (%zu files read, %zu labelled from folders); "
	       "the model has learned %ld labels\n",
	       r->learned, r->learned == 1 ? "" : "s", r->files, r->from_folders, r->labels);
	if (r->spam_cut > 0)
		printf("files a message as spam from a spam probability of %.3f\n", r->spam_cut);
}

/* What `va train` was asked to do. */
struct train_args {
	struct train_source *src; /* --category CAT PATH ... */
	size_t nsrc;
	const char *set; /* --set CAT ID... */
	int64_t *ids;
	size_t nids;
};

/* 0, or -1 on a usage error (after saying why). */
static int parse_train(int argc, char **argv, struct train_args *t)
{
	int i;

	memset(t, 0, sizeof *t);
	if (argc >= 4 && !strcmp(argv[1], "--set")) {
		t->set = argv[2];
		return parse_ids("train", argc - 3, argv + 3, &t->ids, &t->nids);
	}
	t->src = xcalloc((size_t)argc, sizeof *t->src);
	for (i = 1; i < argc; i += 3) {
		if (strcmp(argv[i], "--category") || i + 2 >= argc) {
			x_free(&t->src);
			return -1;
		}
		t->src[t->nsrc].category = argv[i + 1];
		t->src[t->nsrc++].path = argv[i + 2];
	}
	return 0;
}

static int train_run(struct app *app, const struct train_args *t, struct train_report *r,
                     char **cause)
{
	if (t->set)
		return classify_learn(app, t->ids, t->nids, t->set, "user", r, cause);
	if (t->nsrc > 0)
		return classify_train_files(app, t->src, t->nsrc, r, cause);
	return classify_train_labels(app, r, cause);
}

int cmd_train(struct cli_globals *g, int argc, char **argv)
{
	struct train_args t;
	struct train_report r;
	struct app *app;
	char *cause = NULL;
	int rc;

	if (parse_train(argc, argv, &t) < 0)
		return cli_usage("train");
	memset(&r, 0, sizeof r);
	if (cli_open_app(g, &app, 1) < 0) {
		free(t.src);
		free(t.ids);
		return EXIT_ERROR;
	}
	rc = train_run(app, &t, &r, &cause);
	if (rc < 0) {
		cli_error("cannot train: %s", cause);
		free(cause);
	} else {
		print_train(g, &r);
	}
	train_report_release(&r);
	free(t.src);
	free(t.ids);
	app_close(app);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

static void print_similar(struct cli_globals *g, const struct similar_report *r)
{
	size_t i;

	if (g->json) {
		cJSON *a = cJSON_CreateArray();
		for (i = 0; i < r->n; i++) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", (double)r->hit[i].id);
			cJSON_AddNumberToObject(o, "score",
			                        (double)(int)(r->hit[i].score * 10000) / 10000);
			cJSON_AddStringToObject(o, "subject", r->hit[i].subject);
			cJSON_AddStringToObject(o, "from", r->hit[i].from);
			cJSON_AddStringToObject(o, "method", r->method);
			cJSON_AddItemToArray(a, o);
		}
		cli_json_print(a);
	} else {
		for (i = 0; i < r->n; i++)
			printf("%6lld  %.3f  %-28.28s  %s\n", (long long)r->hit[i].id,
			       r->hit[i].score, r->hit[i].from, r->hit[i].subject);
	}
	if (r->llm_error)
		fprintf(stderr, "va: warning: no embeddings (%s): used TF-IDF instead\n",
		        r->llm_error);
	if (!g->quiet)
		fprintf(stderr, "va: %zu similar message%s by %s (%zu embedded now)\n", r->n,
		        r->n == 1 ? "" : "s", r->method, r->embedded);
}

int cmd_similar(struct cli_globals *g, int argc, char **argv)
{
	struct similar_report r;
	struct app *app;
	char *cause = NULL, *end;
	int64_t id;
	long limit = 10;
	int rc;

	if (argc == 4 && !strcmp(argv[2], "--limit")) {
		limit = strtol(argv[3], &end, 10);
		if (*end || limit <= 0 || limit > 10000)
			return cli_usage("similar");
	} else if (argc != 2) {
		return cli_usage("similar");
	}
	if (parse_id(argv[1], &id) < 0) {
		cli_error("similar: \"%s\" is not a message id", argv[1]);
		return cli_usage("similar");
	}
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	rc = classify_similar(app, id, (size_t)limit, &r, &cause);
	if (rc < 0) {
		cli_error("cannot find similar messages: %s", cause);
		free(cause);
	} else {
		print_similar(g, &r);
	}
	similar_report_release(&r);
	app_close(app);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}
