/*
 * paths: where va reads and writes (XDG base directories), and where the
 * shipped files (share/, themes/, keymaps/) are found.
 */
#ifndef VA_PATHS_H
#define VA_PATHS_H

/* $XDG_CONFIG_HOME/va (default ~/.config/va).  Caller frees. */
char *paths_config_dir(void);
/* $XDG_DATA_HOME/va (default ~/.local/share/va).  Caller frees. */
char *paths_data_dir(void);
/* $XDG_STATE_HOME/va (default ~/.local/state/va).  Caller frees. */
char *paths_state_dir(void);
/* The directory holding demo/, rules/, templates/, ...: $VA_SHARE_DIR, else
 * share/ next to the running binary (a build tree), else ../share/va from the
 * binary, else the compiled-in VA_DATADIR.  Caller frees. */
char *paths_share_dir(void);
/* A shipped file such as "themes/default.theme": looked up in the share dir,
 * then next to the binary's source tree.  NULL when absent.  Caller frees. */
char *paths_shipped(const char *rel);

#endif
