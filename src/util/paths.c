/*
 * paths: XDG base directories and the location of shipped files.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "va/paths.h"
#include "va/util.h"

static char *xdg_dir(const char *env, const char *fallback)
{
	const char *v = getenv(env), *home;

	if (v && v[0] == '/')
		return xasprintf("%s/va", v);
	home = getenv("HOME");
	if (!home || !*home)
		home = "/tmp";
	return xasprintf("%s/%s/va", home, fallback);
}

char *paths_config_dir(void)
{
	return xdg_dir("XDG_CONFIG_HOME", ".config");
}

char *paths_data_dir(void)
{
	return xdg_dir("XDG_DATA_HOME", ".local/share");
}

char *paths_state_dir(void)
{
	return xdg_dir("XDG_STATE_HOME", ".local/state");
}

/* Directory of the running binary, or NULL. */
static char *exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return xstrdup(buf);
}

char *paths_share_dir(void)
{
	const char *env = getenv("VA_SHARE_DIR");
	char *dir, *cand;
	static const char *const rel[] = {"share", "../share", "../share/va", "../../share"};
	size_t i;

	if (env && *env)
		return xstrdup(env);
	dir = exe_dir();
	for (i = 0; dir && i < VA_ARRAY_LEN(rel); i++) {
		cand = xasprintf("%s/%s", dir, rel[i]);
		if (dir_exists(cand) && (i != 1 || !str_ends(dir, "/bin"))) {
			char *marker = xasprintf("%s/demo", cand);
			int ok = dir_exists(marker);
			free(marker);
			if (ok) {
				char *real = realpath(cand, NULL);
				free(dir);
				if (real) {
					free(cand);
					return real;
				}
				return cand;
			}
		}
		free(cand);
	}
	free(dir);
	return xstrdup(VA_DATADIR);
}

char *paths_shipped(const char *rel)
{
	char *share = paths_share_dir();
	char *p = xasprintf("%s/%s", share, rel);

	if (!file_exists(p) && !dir_exists(p)) {
		/* build tree: themes/ and keymaps/ sit beside share/ */
		free(p);
		p = xasprintf("%s/../%s", share, rel);
		if (!file_exists(p) && !dir_exists(p))
			x_free(&p);
	}
	free(share);
	return p;
}
