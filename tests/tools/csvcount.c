/*
 * csvcount: the parse ceiling for tests/bench/analyze.sh: read a CSV file
 * with libcsv in 256 kB chunks, count fields and records, nothing else.
 * usage: csvcount FILE
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

struct counts {
	unsigned long long fields, records;
};

static void on_field(void *s, size_t n, void *arg)
{
	(void)s, (void)n;
	((struct counts *)arg)->fields++;
}

static void on_record(int c, void *arg)
{
	(void)c;
	((struct counts *)arg)->records++;
}

int main(int argc, char **argv)
{
	static char buf[256 * 1024];
	struct counts k = {0, 0};
	struct csv_parser p;
	FILE *fp;
	size_t n;

	if (argc != 2 || !(fp = fopen(argv[1], "rb"))) {
		fputs("usage: csvcount FILE\n", stderr);
		return 2;
	}
	if (csv_init(&p, 0) != 0) {
		fclose(fp);
		return 1;
	}
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_record, &k) != n) {
			fprintf(stderr, "csvcount: %s\n", csv_strerror(csv_error(&p)));
			fclose(fp);
			return 1;
		}
	csv_fini(&p, on_field, on_record, &k);
	csv_free(&p);
	fclose(fp);
	printf("%llu records, %llu fields\n", k.records, k.fields);
	return 0;
}
