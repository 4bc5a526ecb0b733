/*
 * fuzz_csv: CSV loading and type inference through analysis_run (the path
 * `va analyze` takes, no store): delimiter and header sniffing, encodings,
 * quotes, ragged rows, value classification, statistics in one or two
 * passes, group-by, the offline summary, and the text and JSON reports.
 * The input goes into a memfd named by /proc/self/fd/N.  Options come from
 * the input length so that the bytes stay pure CSV: a 4 KiB memory budget
 * (forcing the second pass and approximate quartiles) on odd lengths, else
 * 1 MiB (the default 256 MiB sizes tables that cost 50 ms an input to
 * clear); grouping by column 1 when bit 1 of the length is set.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "va/analysis.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-csv", 0);
	char path[64], *cause = NULL;
	struct analysis_opts o = {0};
	struct analysis *a = NULL;

	if (fd < 0)
		return 0;
	if (size > (1u << 20) || (size && write(fd, data, size) != (ssize_t)size)) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	o.input = path;
	o.header = -1;
	o.memory = (size & 1) ? 4096 : 1u << 20;
	o.group_by = (size & 2) ? "1" : NULL;
	if (analysis_run(NULL, &o, &a, &cause) == 0) {
		free(analysis_render(a, ANALYSIS_TEXT));
		free(analysis_render(a, ANALYSIS_JSON));
		analysis_free(a);
	} else if (!cause) {
		abort();
	}
	free(cause);
	close(fd);
	return 0;
}
