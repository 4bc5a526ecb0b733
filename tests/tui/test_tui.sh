#!/bin/sh
# test_tui.sh: the name tests/run.sh looks for; the TUI checks live in run.sh.
exec "$(dirname "$0")/run.sh" "$@"
