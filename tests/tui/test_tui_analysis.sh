#!/bin/sh
# test_tui_analysis.sh: the Analysis pane, through the real binary in a private tmux
# server.  Prints TAP.
#
#   VA=./va tests/tui/test_tui_jobs.sh
#
# Fresh XDG directories per session; jobs are added with the CLI (before the
# TUI starts, and while it runs).  Only this script's tmux server
# (-L va-ana-PID) is ever killed.  Every wait polls the screen with a timeout.
set -u

VA=${VA:-./va}
case $VA in /*) ;; *) VA=$(pwd)/$VA ;; esac
SOCK=va-ana-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/va-tui-ana.XXXXXX")
N=0
FAILED=0

cleanup() {
	tmux -L "$SOCK" kill-server 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() {
	N=$((N + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'
	return 0
}
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "$(screen)"; fi
}

tm() { tmux -L "$SOCK" "$@"; }
screen() { tm capture-pane -p -t va 2>/dev/null; }
send() { tm send-keys -t va "$@"; }
# wait_for PATTERN [TENTHS]: until the screen matches (extended regex).
wait_for() {
	i=0
	while [ "$i" -lt "${2:-100}" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
shows() { screen | grep -Eq -- "$1"; }
lacks() { ! screen | grep -Eq -- "$1"; }
# status_has PATTERN: the last screen line (the status line) matches, polled.
status_has() {
	i=0
	while [ "$i" -lt "${2:-100}" ]; do
		screen | tail -n 1 | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# until_true CMD...: poll a command for up to 10 s.
until_true() {
	i=0
	while [ "$i" -lt 100 ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# env for session NAME, for the CLI and the TUI alike
envs() {
	echo "XDG_CONFIG_HOME=$TMP/$1/config XDG_DATA_HOME=$TMP/$1/data XDG_STATE_HOME=$TMP/$1/state"
}
cli() {
	name=$1
	shift
	env $(envs "$name") "$VA" "$@"
}
# start NAME [ENV=VALUE...]: va in a new 100x30 session; exit status to $TMP/NAME.rc.
start() {
	name=$1
	shift
	rm -f "$TMP/$name.rc"
	tm new-session -d -s va -x 100 -y 30 \
		"env $(envs "$name") TERM=screen-256color $* '$VA' 2>'$TMP/$name.err'; \
		echo \$? >'$TMP/$name.rc'"
}
exited() {
	i=0
	while [ ! -s "$TMP/$1.rc" ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat "$TMP/$1.rc" 2>/dev/null)" = 0 ] && [ ! -s "$TMP/$1.err" ]
}
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
if [ ! -x "$VA" ]; then
	echo "1..0 # SKIP no binary at $VA (build it first)"
	exit 0
fi


# ---- an inline analysis: column stats, the dumb chart sized to the pane, a report ----
S=ana
mkdir -p "$TMP/$S/config/va" "$TMP/$S/data" "$TMP/$S/state"
printf '[scheduler]\nin_process = off\n[ui]\npreview = off\n' >"$TMP/$S/config/va/va.conf"
awk 'BEGIN { print "day,temp,city"; for (i = 0; i < 300; i++)
	printf "%s,%.1f,%s\n", strftime("%Y-%m-%d", 1577836800 + i * 86400, 1), 10 + (i % 30) / 2, (i % 3 ? "Oslo" : "Rome") }' >"$TMP/w.csv"
start $S
check "va starts" wait_for 'Inbox' 50
send Tab Tab Tab Tab
check "four Tabs show the Analysis pane" wait_for 'No file analysed yet' 50
send Enter
check "Enter asks for a file" status_has 'analyze CSV file' 50
send "$TMP/w.csv" Enter
check "the column list shows the stats" wait_for '^temp +float +300 +0 +30 +10 +24.5 +17.25' 100
check "the header names the file, rows and columns" shows "w.csv: 300 rows, 3 columns"
check "the first column is a date" shows '^day +date +300'
check "a dumb time-series chart of the first column" wait_for 'day \(rows per week\)' 50
send j
check "j selects the next column and charts it" wait_for 'temp \(histogram\)' 50
check "the chart is drawn with gnuplot's axes" shows '\+-+\+'
h=$(screen | grep -nE 'temp \(histogram\)' | cut -d: -f1)
last=$(screen | grep -nE '^ *[0-9.]+ +[0-9.]+ +[0-9.]+' | tail -n1 | cut -d: -f1)
check "the chart fills the pane below the list (title at line $h)" test "${h:-0}" -ge 6 -a "${h:-0}" -le 12
send j
check "the text column gets a top-values chart" wait_for 'city \(most frequent\)' 50
check "the summary is shown" shows 'summary \(va \(offline\)\)'
send Enter
check "Enter offers to save the report" status_has 'save the report' 50
send C-u "$TMP/w.html" Enter
check "the report is saved" until_true test -s "$TMP/w.html"
check "... with its charts" grep -q '<svg' "$TMP/w.html"
check "... and says so" status_has 'report saved to' 50
send Enter C-u "$TMP/nope.csv" Enter
check "a missing file is an error on the status line" status_has 'cannot analyze' 50
check "... and the analysis stays" shows 'w.csv: 300 rows'
send q
check "va exits cleanly" exited $S

# ---- at 80x24 the chart shrinks to fit ----
tm kill-server 2>/dev/null
tm new-session -d -s va -x 80 -y 24 \
	"env $(envs $S) TERM=screen-256color '$VA' 2>'$TMP/$S.err'; echo \$? >'$TMP/$S.rc'"
rm -f "$TMP/$S.rc"
check "va starts at 80x24" wait_for 'Inbox' 50
send Tab Tab Tab Tab Enter C-u "$TMP/w.csv" Enter
check "at 80x24 the stats show" wait_for '^temp +float' 100
send j
check "at 80x24 the histogram is drawn" wait_for 'temp \(histogram\)' 50
send q
check "va exits cleanly (80x24)" exited $S

# ---- a file over [analysis] inline_max runs as a job with the TUI's scheduler ----
tm kill-server 2>/dev/null
S=job
mkdir -p "$TMP/$S/config/va" "$TMP/$S/data" "$TMP/$S/state"
printf '[ui]\npreview = off\n[analysis]\ninline_max = 1K\n' >"$TMP/$S/config/va/va.conf"
start $S
check "va starts (in-process scheduler)" wait_for 'Inbox' 50
send Tab Tab Tab Tab Enter C-u "$TMP/w.csv" Enter
check "a big file becomes an analysis job" wait_for 'analysis job [0-9]+' 50
send r
check "the job finishes and its note shows rows and the report" wait_for '300 rows, 3 columns' 150
check "the report path is shown" wait_for 'the report: .*/reports/w_csv-[0-9]+\.html' 50
f=$(ls "$TMP/$S/data/va/reports/"*.html 2>/dev/null | head -n1)
check "the job wrote the report (mode 0600)" test -n "$f" -a "$(stat -c %a "$f" 2>/dev/null)" = 600
send q
check "va exits cleanly (job)" exited $S

echo "1..$N"
[ "$FAILED" -eq 0 ]
