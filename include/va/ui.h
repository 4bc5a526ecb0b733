/*
 * ui: the terminal interface (L5, the main thread; the only curses user).
 */
#ifndef VA_UI_H
#define VA_UI_H

#include <stddef.h>

/* Run the terminal interface with the global options in argv; returns the exit status. */
int ui_main(int argc, char **argv);

/* Parse a keymap (NAME.keys) or theme (NAME.theme) file without a terminal,
 * for `va config check` and the test suite (STYLE 11).  Appends one
 * "FILE:LINE: what" string per problem to *errs and *nerrs (the caller frees each
 * string and the array); returns -1 when the file cannot be read or its kind
 * is unknown (also reported in *errs), else 0. */
int ui_check_file(const char *path, char ***errs, size_t *nerrs);

#endif
