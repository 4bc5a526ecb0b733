#!/bin/sh
# test_tui_jobs.sh: the Jobs pane, through the real binary in a private tmux
# server.  Prints TAP.
#
#   VA=./va tests/tui/test_tui_jobs.sh
#
# Fresh XDG directories per session; jobs are added with the CLI (before the
# TUI starts, and while it runs).  Only this script's tmux server
# (-L va-jobs-PID) is ever killed.  Every wait polls the screen with a timeout.
set -u
. "$(dirname "$0")/lib.sh"
tui_init jobs

# row JOB_ID: the Jobs pane's row of that job
row() { screen | grep -E "^ +$1 " | head -n 1; }
row_has() {
	i=0
	while [ "$i" -lt 100 ]; do
		row "$1" | grep -Eq -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---- with the TUI's own scheduler (the default) ----
S=jobs
mkdir -p "$TMP/$S/config/va" "$TMP/$S/data" "$TMP/$S/state"
printf '[ui]\npreview = off\n' >"$TMP/$S/config/va/va.conf"
id=$(cli $S jobs add noop --every 1h 2>/dev/null | sed -n 's/^added job \([0-9]*\).*/\1/p')
check "va jobs add noop --every 1h adds a job (id $id)" test -n "$id"

start $S
check "the inbox is drawn" wait_for '[0-9]+ messages? · [0-9]+ unread' 150
send Tab Tab Tab
check "three Tabs show the Jobs pane" wait_for '^ +[0-9]+ +[a-z_]+ +(ready|running|done|dead|cancelled|paused) ' 100
check "the noop job is listed with its kind, state and schedule" \
	row_has "$id" "^ +$id +noop +(ready|running) +every 1h "
check "its next run is shown in local time and its tries out of the maximum" \
	row_has "$id" "every 1h +([0-9]{2}:[0-9]{2}|[A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2}) +[0-9]+/[0-9]+"
check "the bar counts the jobs" shows '[0-9]+ jobs? · [0-9]+ active'

send Enter
check "Enter opens the job with its runs" wait_for '^Kind: +noop'
check "the job view shows the schedule" shows '^Schedule: +every 1h'
check "the job view has a runs section" shows '^Runs: '
send q
check "q goes back to the list" wait_for "^ +$id +noop "

# select the job's row: top, then down until it is selected (the rows are by id)
send g
i=1
while [ "$i" -lt "$id" ]; do
	send j
	i=$((i + 1))
done
send x
check "x cancels the selected job" status_has "cancelled job $id \\(noop\\)"
check "the row shows it cancelled" row_has "$id" 'cancelled'
check "the store agrees (va jobs list)" \
	until_true sh -c "env $(envs $S) '$VA' jobs list | grep -Eq '^ +$id +noop +cancelled'"
send x
check "x again: nothing to cancel" status_has "job $id is not waiting or running"
send R
check "R retries it: queued to run now" status_has "job $id \\(noop\\) is queued to run now"
check "the row is active again" row_has "$id" '(ready|running)'

id2=$(cli $S jobs add noop --every 2h 2>/dev/null | sed -n 's/^added job \([0-9]*\).*/\1/p')
send r
check "r shows a job added meanwhile by the CLI" row_has "$id2" 'every 2h'
id3=$(cli $S jobs add noop --every 3h 2>/dev/null | sed -n 's/^added job \([0-9]*\).*/\1/p')
send BTab
check "BTab leaves the Jobs pane" wait_gone 'every 1h' 
send Tab
check "coming back reads the list again (the newest job is there)" row_has "$id3" 'every 3h'

tm resize-window -t va -x 80 -y 24
check "at 80x24 the Jobs pane is still drawn" row_has "$id" 'noop'
check "at 80x24 there is no too-small notice" lacks 'terminal too small'
tm resize-window -t va -x 100 -y 30
send q
check "va quits cleanly (status 0, empty stderr)" exited $S

# ---- no jobs at all (no scheduler in the TUI), without colours ----
S=empty
mkdir -p "$TMP/$S/config/va" "$TMP/$S/data" "$TMP/$S/state"
printf '[scheduler]\nin_process = off\n' >"$TMP/$S/config/va/va.conf"
start $S NO_COLOR=1
check "empty: the inbox is drawn" wait_for '[0-9]+ messages? · [0-9]+ unread' 150
send Tab Tab Tab
check "an empty Jobs pane says how to add one" wait_for 'No jobs\.'
send x
check "cancel with no job says so" status_has 'cancel-job: there is no job'
send Enter
check "Enter with no job says so" status_has 'open: there is no job'
check "NO_COLOR: no colour is used" \
	sh -c "! tmux -L '$SOCK' capture-pane -e -p -t va | grep -q '\\[[0-9;]*[34][0-7]m'"
send q
check "empty: va quits cleanly" exited $S

echo "1..$N"
[ "$FAILED" -eq 0 ]
