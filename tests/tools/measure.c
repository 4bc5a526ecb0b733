/*
 * measure: run a command, print its wall time, peak RSS (from wait4's
 * rusage, i.e. the child's own high-water mark) and CPU time (user + system,
 * all its threads) as one line:
 *   wall_ms=123.4 maxrss_kb=5678 status=0 cpu_ms=150.2
 * Standard output and error of the command go to /dev/null unless -v.
 * usage: measure [-v] CMD [ARGS...]
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	int status = 0, verbose = 0, first = 1;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "-v"))
		verbose = 1, first = 2;
	if (argc <= first) {
		fputs("usage: measure [-v] CMD [ARGS...]\n", stderr);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid == 0) {
		if (!verbose) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[first], argv + first);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("measure");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("wall_ms=%.1f maxrss_kb=%ld status=%d cpu_ms=%.1f\n",
	       (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6, ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
	return 0;
}
