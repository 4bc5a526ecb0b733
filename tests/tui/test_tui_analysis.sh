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
. "$(dirname "$0")/lib.sh"
tui_init ana

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
