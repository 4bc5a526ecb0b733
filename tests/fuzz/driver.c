/*
 * driver: a main() for the fuzz harnesses when they are built without
 * libFuzzer (gcc, the normal and SAN builds).  Each argument is a file, or a
 * directory whose files are read in name order; each file is handed once to
 * LLVMFuzzerTestOneInput, so regression inputs run in `make check` without
 * clang.  Prints one line per file with -v; exits 1 when a file cannot be read.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int verbose;

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!fp) {
		fprintf(stderr, "driver: cannot open \"%s\"\n", path);
		return 1;
	}
	do {
		if (len == cap) {
			uint8_t *bigger = realloc(buf, cap = cap ? cap * 2 : 65536);
			if (!bigger)
				abort();
			buf = bigger;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
	} while (got > 0);
	fclose(fp);
	if (verbose)
		fprintf(stderr, "driver: %s (%zu bytes)\n", path, len);
	/* An exact-size copy, so ASan sees a read past the end of the input. */
	{
		uint8_t *exact = malloc(len ? len : 1);
		if (!exact)
			abort();
		memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int bad = 0;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return run_file(path);
	if (!(d = opendir(path)))
		return 1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char **more = realloc(names, (n + 1) * sizeof *names);
		if (!more)
			abort();
		names = more;
		if (!(names[n] = malloc(strlen(path) + strlen(de->d_name) + 2)))
			abort();
		snprintf(names[n], strlen(path) + strlen(de->d_name) + 2, "%s/%s", path,
		         de->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (i = 0; i < n; i++) {
		bad |= run_path(names[i]);
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = 1;
			continue;
		}
		bad |= run_path(argv[i]);
	}
	return bad;
}
