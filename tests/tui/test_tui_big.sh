#!/bin/sh
# test_tui_big.sh: the inbox's windowed list (issue 3) on a few thousand real
# messages (the SpamAssassin corpus, tests/fetch-data.sh), through the real
# binary in a private tmux server.  Prints TAP.
#
#   VA=./va tests/tui/test_tui_big.sh
#
# What the list shows is checked against the CLI on the same store: the
# newest message first, G reaches the oldest, g comes back, a search counts
# what `va search` finds, archive and undo far down the list, and the counts
# in the status line.  Only this script's tmux server (-L va-big-PID) is ever
# killed.  Every wait polls the screen with a timeout.
set -u

. "$(dirname "$0")/lib.sh"
tui_init big
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# shows_text TEXT [TENTHS]: until the screen has TEXT (fixed string).
shows_text() {
	i=0
	while [ "$i" -lt "${2:-100}" ]; do
		screen | grep -Fq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
lacks_text() { ! screen | grep -Fq -- "$1"; }
# status_has PATTERN: the status line (row 30 of 100x30) matches, polled
# (lib.sh's looks at the last line; here the row is fixed).
status_has() {
	i=0
	while [ "$i" -lt "${2:-100}" ]; do
		screen | sed -n 30p | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
now_ms() { date +%s%3N; }
# row_has ROW TEXT: until screen row ROW has TEXT (fixed string, any case).
row_has() {
	i=0
	while [ "$i" -lt 50 ]; do
		screen | sed -n "$1p" | grep -Fiq -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# list_rows: how many rows of the list (screen rows 2-29) are not blank.
list_rows() { screen | sed -n '2,29p' | grep -c '[^ ]'; }
# ilug_rows: how many of them have "ilug" in them.
ilug_rows() { screen | sed -n '2,29p' | grep -ci 'ilug'; }
inbox_size() { cli list --folder INBOX | wc -l; }
# dates_newest_first: the dates on the list's rows (columns 5-14) never rise.
dates_newest_first() { screen | sed -n '2,29p' | cut -c5-14 | sort -rc 2>/dev/null; }

MD=$ROOT/tests/.cache/spam-assassin
if [ ! -f "$MD/.complete" ] && ! (cd "$ROOT" && tests/fetch-data.sh >/dev/null 2>&1); then
	echo "1..0 # SKIP no corpus: run tests/fetch-data.sh"
	exit 0
fi

mkdir -p "$TMP/config/va" "$TMP/data" "$TMP/state"
printf '[scheduler]\nin_process = off\n[ui]\npreview = off\n' >"$TMP/config/va/va.conf"
# this script's one session keeps its files in $TMP itself (lib.sh's cli takes a name)
cli() {
	env XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state" \
		"$VA" "$@"
}
# The first N characters of the subject of a `va --json list` entry.
subject_of() {
	cli --json list --folder INBOX --limit 1 --offset "$1" |
		sed -n 's/.*"subject":"\([^"]*\)".*/\1/p' | cut -c1-"${2:-20}"
}

# ---- the store: the corpus imported beside the demo mailbox ----
cli -q import "$MD" >/dev/null 2>"$TMP/import.err"
cli list >/dev/null 2>&1 # the demo account is added on first use, as the TUI would
total=$(cli list --folder INBOX | wc -l)
unread=$(cli list --folder INBOX --unread | wc -l)
newest=$(subject_of 0)
oldest=$(subject_of $((total - 1)))
second_oldest=$(subject_of $((total - 2)))
matches=$(cli search subject:ilug --folder INBOX | wc -l)
check "the corpus is imported ($total messages in INBOX)" test "$total" -gt 5000
check "the oldest messages have subjects to look for" \
	test -n "$oldest" -a -n "$second_oldest" -a "$oldest" != "$second_oldest"

tm new-session -d -s va -x 100 -y 30 \
	"env XDG_CONFIG_HOME='$TMP/config' XDG_DATA_HOME='$TMP/data' XDG_STATE_HOME='$TMP/state' \
	TERM=screen-256color '$VA' 2>'$TMP/va.err'; echo \$? >'$TMP/va.rc'"

# ---- the first screen ----
t0=$(now_ms)
check "the first screen counts every message: $total messages, $unread unread" \
	status_has " $total messages · $unread unread" 200
echo "# first screen after $(($(now_ms) - t0)) ms (tmux start to screen)"
check "it shows the newest message first ($newest)" shows_text "$newest" 20
check "28 rows of messages fill the list" test "$(list_rows)" -eq 28
check "and not the oldest" lacks_text "$oldest"

# ---- G, g ----
t0=$(now_ms)
send G
check "G shows the oldest message ($oldest) on the last row" row_has 29 "$oldest"
echo "# G drawn after $(($(now_ms) - t0)) ms"
check "the bottom of the list is full (28 rows)" test "$(list_rows)" -eq 28
check "no error on the way down" status_has " $total messages · " 10
send g
check "g goes back to the newest message" shows_text "$newest" 50
check "and the oldest is gone from the screen" lacks_text "$oldest"

# ---- a search ----
send /
check "/ opens the search prompt" status_has '^search:' 50
send -l subject:ilug
send Enter
check "a subject search finds what va search finds ($matches)" \
	status_has "$matches messages match \"subject:ilug\"" 100
check "every row on screen is an ILUG subject" test "$(ilug_rows)" -eq 28
check "the matches are listed newest first, as the folder is" dates_newest_first
send G
check "G in the search reaches its last match" row_has 29 ilug
send / Enter
check "an empty search shows every message again" status_has " $total messages · $unread unread"

# Flags changed inside a search (N reloads; opening marks read in memory)
# show in the whole list once the search is cleared.
send / ; send -l subject:ilug; send Enter
check "the search again" status_has "$matches messages match" 100
send N
check "N toggles the first match's read flag" status_has 'marked (un)?read' 50
send Enter
check "Enter opens it" shows_text 'Subject: ' 50
send q / Enter
now_unread=$(cli list --folder INBOX --unread | wc -l)
check "the whole list counts the unread messages as the CLI does ($now_unread)" \
	status_has " $total messages · $now_unread unread"
send / ; send -l subject:ilug; send Enter
check "and the search too" status_has "$matches messages match" 100
send N
check "N puts the flag back" status_has 'marked (un)?read' 50
send / Enter
check "the list is as it was ($unread unread)" status_has " $total messages · $unread unread"

# ---- archive and undo at the bottom of the list ----
send G
check "G again: the oldest message is selected at the bottom" row_has 29 "$oldest"
send a
check "a archives it and says how to undo" status_has 'archived 1 message — u to undo'
check "the count drops by one ($((total - 1)) messages)" status_has " $((total - 1)) messages · "
check "the oldest message left the list" lacks_text "$oldest"
check "the next oldest ($second_oldest) is now the last row" row_has 29 "$second_oldest"
check "the CLI agrees: one message fewer in INBOX" test "$(inbox_size)" -eq $((total - 1))
send u
check "u undoes the archive" status_has 'undone: 1 message restored'
check "the count is back ($total messages, $unread unread)" status_has " $total messages · $unread unread"
send G
check "G shows it back at the bottom" row_has 29 "$oldest"

# ---- the thread view over the whole list ----
send =
check "= turns threads on" status_has 'threads: one line per thread'
check "the count still counts messages" status_has " $total messages · "
send G
check "G in the thread view still ends on the oldest message" row_has 29 "$oldest"
send g
check "g goes back to the newest thread" shows_text "$newest" 50
send =
check "= turns threads off" status_has 'threads: off'
send G

# ---- open, far down ----
send Enter
check "Enter opens the oldest message" shows_text "$oldest" 50
send q
check "q closes it, back to the list" status_has " $total messages · " 50

send q
i=0
while [ ! -s "$TMP/va.rc" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "q quits with status 0 and nothing on stderr" \
	test "$(cat "$TMP/va.rc" 2>/dev/null)" = 0 -a ! -s "$TMP/va.err"

echo "1..$N"
[ "$FAILED" -eq 0 ]
