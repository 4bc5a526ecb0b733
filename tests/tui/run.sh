#!/bin/sh
# tests/tui/run.sh: drive the real va binary in a private tmux server and check
# what it draws.  Prints TAP ("ok N - ...", "not ok N - ...", then "1..N").
#
#   VA=./va tests/tui/run.sh          (VA defaults to ./va; build-san/va works)
#
# Each run gets fresh XDG_CONFIG_HOME/XDG_DATA_HOME/XDG_STATE_HOME directories,
# so va starts on the shipped demo mailbox.  Only this script's own tmux
# server (-L va-test-PID) is ever killed.
set -u

. "$(dirname "$0")/lib.sh"
tui_init test
# (lib.sh waits 10 s by default; this script's checks pass shorter waits where they mean them)

keys() {
	tm send-keys -t va "$@"
	sleep 0.3
}


# start NAME [ENV=VALUE...]: va in a new 100x30 session; exit status to $TMP/NAME.rc.
start() {
	name=$1
	shift
	rm -f "$TMP/$name.rc"
	mkdir -p "$TMP/$name/config/va" "$TMP/$name/data" "$TMP/$name/state"
	# background jobs change the inbox while a check looks at it: off, except
	# in the sessions that test them (they write their own va.conf)
	[ -f "$TMP/$name/config/va/va.conf" ] || printf '[scheduler]\nin_process = off\n' >"$TMP/$name/config/va/va.conf"
	tm new-session -d -s va -x 100 -y 30 \
		"env XDG_CONFIG_HOME='$TMP/$name/config' XDG_DATA_HOME='$TMP/$name/data' \
		XDG_STATE_HOME='$TMP/$name/state' TERM=screen-256color $* '$VA' 2>'$TMP/$name.err'; \
		echo \$? >'$TMP/$name.rc'"
}

# exited NAME: va has ended with status 0 and nothing on stderr (sanitizers).
exited() {
	i=0
	while [ ! -s "$TMP/$1.rc" ] && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat "$TMP/$1.rc" 2>/dev/null)" = 0 ] && [ ! -s "$TMP/$1.err" ]
}

# Rows of the main area (between the bar and the status line) that are not blank.
rows() { screen | sed -n '2,29p' | grep -c '[^ ]'; }

# The subject of the first inbox row at 100 columns (flags 3, date 10, sender 20, gaps).
first_subject() {
	screen | sed -n 2p | cut -c37- | sed 's/\[[a-z]* [0-9]*%\]$//; s/ *$//; s/…$//' | cut -c1-24
}

now_ms() { date +%s%3N; }


# ---- the demo inbox, default theme ----
t0=$(now_ms)
start main
check "the inbox is drawn with a status line" wait_for '[0-9]+ messages? · [0-9]+ unread' 100
echo "# first inbox draw after $(($(now_ms) - t0)) ms (tmux start to screen)"
check "the pane bar names every pane" shows 'Inbox +Rules +Templates +Jobs +Analysis +Audit'
check "at least 10 message rows" test "$(rows)" -ge 10
check "no error in the status line on the demo mailbox" lacks 'cannot|unknown|\+[0-9]+ more'
check "the default theme uses colours" sh -c "tmux -L '$SOCK' capture-pane -e -p -t va | grep -q '\\[[0-9;]*4[0-7]m'"

subject=$(first_subject)
keys Enter
check "Enter opens the message (its subject \"$subject\" is shown)" \
	wait_for "^Subject: +.*$(printf '%s' "$subject" | sed 's/[][\.*^$+?(){}|/]/\\&/g')" 20
check "the message view shows its headers" shows '^From: +'
keys j j C-d
check "the message view scrolls without leaving" lacks '^ *Inbox .*INBOX'
keys q
check "q goes back to the inbox" wait_for 'INBOX · ' 20
keys j j k
check "moving in the list keeps the inbox drawn" shows '[0-9]+ messages? · '

keys '?'
check "? opens the help overlay listing quit" wait_for 'quit +quit va' 20
check "help lists the open command" shows 'open +open the selected message'
keys q
check "q closes the help overlay, not va" wait_for '[0-9]+ messages? · ' 20
check "help is gone after closing" lacks 'Keys in global'

keys Tab
check "Tab switches to Rules, listing the shipped rules" wait_for '5 rules' 20
keys BTab
check "BTab comes back to the inbox" wait_for 'INBOX · ' 20

tm resize-window -t va -x 80 -y 24
sleep 0.5
check "at 80x24 the inbox is still drawn" wait_for '[0-9]+ messages? · ' 20
check "at 80x24 there is no too-small notice" lacks 'terminal too small'
tm resize-window -t va -x 60 -y 20
check "at 60x20 the too-small notice is shown" wait_for 'terminal too small \(need 80x24\)' 20
tm resize-window -t va -x 100 -y 30
check "back at 100x30 the inbox returns" wait_for '[0-9]+ messages? · ' 20
check "va is still running after the resizes" test ! -e "$TMP/main.rc"

keys q
check "q in the inbox quits with status 0 and a clean stderr" exited main

# ---- NO_COLOR ----
start nocolor NO_COLOR=1
check "with NO_COLOR=1 the inbox is drawn" wait_for '[0-9]+ messages? · [0-9]+ unread' 100
check "with NO_COLOR=1 no colour is used" \
	sh -c "! tmux -L '$SOCK' capture-pane -e -p -t va | grep -q '\\[[0-9;]*[34][0-7]m'"
keys Enter
check "with NO_COLOR=1 a message opens" wait_for '^Subject: ' 20
keys q q
check "with NO_COLOR=1 va exits with status 0" exited nocolor

# ---- a terminal without colours, and C-c ----
start vt100 TERM=vt100
check "on a terminal without colours (TERM=vt100) the inbox is drawn" \
	wait_for '[0-9]+ messages? · [0-9]+ unread' 100
check "on a terminal without colours no colour is used" \
	sh -c "! tmux -L '$SOCK' capture-pane -e -p -t va | grep -q '\\[[0-9;]*[34][0-7]m'"
keys C-c
check "C-c ends va cleanly with status 0" exited vt100

# ---- emacs keymap and light theme from va.conf ----
mkdir -p "$TMP/emacs/config/va"
printf '[ui]\nkeymap = emacs\ntheme = light\n[scheduler]\nin_process = off\n' >"$TMP/emacs/config/va/va.conf"
start emacs
check "emacs keymap and light theme load without errors" wait_for '[0-9]+ messages? · [0-9]+ unread$' 100
keys C-n C-n Enter
check "emacs keys: C-n and Enter open a message" wait_for '^Subject: ' 20
keys C-g
check "emacs keys: C-g closes it" wait_for 'INBOX · ' 20
keys q
check "emacs session exits with status 0" exited emacs

# ---- a broken keymap is reported with FILE:LINE and is not fatal ----
mkdir -p "$TMP/bad/config/va"
printf 'bind global x quit\nbind global y quiet\nbind nowhere z quit\n' >"$TMP/bad.keys"
printf '[ui]\nkeymap = %s\ntheme = nosuchtheme\n[scheduler]\nin_process = off\n' "$TMP/bad.keys" >"$TMP/bad/config/va/va.conf"
start bad
check "a bad keymap line is reported in the status line as FILE:LINE" \
	wait_for 'bad\.keys:2: unknown' 100
check "the other problems are counted in the status line" shows '\(\+2 more: M\) *$'
keys M
check "M lists every start-up problem in full" \
	wait_for 'bad\.keys:2: unknown command "quiet" \(did you mean "quit"\?\)' 20
check "M lists the unknown context" shows 'bad\.keys:3: unknown context "nowhere"'
check "an unknown theme is reported" shows 'cannot find theme "nosuchtheme"'
keys Esc x
check "the good line of a bad keymap still works (x quits)" exited bad

# ---- triage, undo, tags, search, the prompt (waits poll the screen) ----
# send KEYS...: no fixed sleep; the checks below wait for what the keys do.
# the status line (the last row of a 100x30 session)
status_line() { screen | sed -n 30p; }
status_has() {
	i=0
	while [ "$i" -lt "${2:-100}" ]; do
		status_line | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
row_flags() { screen | sed -n "$1p" | cut -c1-3; }
unread_count() { status_line | sed -n 's/.* \([0-9][0-9]*\) unread.*/\1/p'; }

start triage
check "triage: the demo inbox is drawn" wait_for '30 messages · [0-9]+ unread' 100
send a
check "a archives the selected message and says how to undo" status_has 'archived 1 message — u to undo'
check "the archived message left the inbox (29 messages)" status_has ' 29 messages · '
send u
check "u undoes the archive" status_has 'undone: 1 message restored'
check "the message is back (30 messages)" status_has ' 30 messages · '
send F
check "F flags the selected message" status_has 'flagged 1 message'
check "the flag shows in the row" sh -c "tmux -L '$SOCK' capture-pane -p -t va | sed -n 2p | cut -c2 | grep -q '!'"
send F
check "F again unflags it" status_has 'unflagged 1 message'
send t t
check "t tags two messages (the bar says so)" wait_for 'INBOX · demo · tagged' 100
check "tagged rows are marked with *" sh -c "[ \"\$(tmux -L '$SOCK' capture-pane -p -t va | sed -n '2,3p' | cut -c1 | tr -d '\n')\" = '**' ]"
send -H 3b
check "; says the next command applies to the tagged messages" status_has 'applies to 2 tagged messages'
send a
check "; a archives both tagged messages" status_has 'archived 2 messages — u to undo'
check "the inbox has 28 messages and no tags" sh -c "tmux -L '$SOCK' capture-pane -p -t va | grep -q ' 28 messages' && ! tmux -L '$SOCK' capture-pane -p -t va | grep -q '· tagged'"
send u
check "u undoes the whole batch" status_has 'undone: 2 messages restored'

send /
check "/ opens the search prompt" status_has '^search:' 50
send -l tacos
send Enter
check "a search narrows the list to what matches" status_has '1 message match "tacos"'
check "the bar shows the search" shows 'INBOX · demo · /tacos'
check "the match is the tacos message" sh -c "tmux -L '$SOCK' capture-pane -p -t va | sed -n 2p | grep -q tacos"
send / Enter
check "an empty search shows everything again" status_has ' 30 messages · '

send :
send -l arch
send Tab
check ": completes command names (arch -> archive)" status_has '^: archive' 50
send Escape
check "Esc closes the prompt without running it" status_has ' 30 messages · [0-9]+ unread *$' 50
send :
send -l 'label work'
send Enter
check ":label work labels the selected message" status_has 'labelled 1 message → work'
send : Up
check "Up in the prompt recalls the history" status_has '^: label work' 50
send Escape :
send -l frob
send Enter
check "an unknown command is named, with no harm done" status_has 'unknown command "frob"'

send c
send -l sp
send Tab
check "category asks, and completes (sp -> spam)" status_has '^category: spam' 50
send Enter
check "category sets it" status_has 'categorised 1 message → spam'
check "the badge shows the category set by hand" sh -c "tmux -L '$SOCK' capture-pane -p -t va | sed -n 2p | grep -q '\[spam 100%\]'"
send m
check "m asks for a folder" status_has '^move to folder:' 50
send -l Lists
send Enter
check "the message is moved to the folder typed" status_has 'moved 1 message → Lists'

send :
send -l und
tm resize-window -t va -x 80 -y 24
check "a resize during the prompt keeps it, at the new size" \
	sh -c "i=0; while [ \$i -lt 100 ]; do tmux -L '$SOCK' capture-pane -p -t va | sed -n 24p | grep -q '^: und' && exit 0; sleep 0.1; i=\$((i+1)); done; exit 1"
send -l o
send Enter
check "the prompt still runs after the resize (:undo)" wait_for 'undone: 1 message restored' 100
tm resize-window -t va -x 100 -y 30
check "back at 100x30 the inbox has its 30 messages" status_has ' 30 messages · '

send f
send -l unread
send Enter
check "f limits the list to unread messages" status_has '[0-9]+ messages?: unread'
check "every row shown is unread" sh -c "! tmux -L '$SOCK' capture-pane -p -t va | sed -n '2,29p' | grep -E '^.{3} ([A-Z][a-z]{2} [0-9]{2}|[0-9]{2}:[0-9]{2}|[0-9]{4}-)' | cut -c1 | grep -qv N"
send f
send -l all
send Enter
check "f all shows everything again" status_has ' 30 messages · '

check "the preview split shows the selected message under the list" shows '^From: +Quillbox'
send p
check "p turns the preview off" status_has 'preview: off'
check "without the preview the list fills the screen" test "$(rows)" -ge 25
send p
check "p turns it on again" status_has 'preview: on'

send =
check "= groups the list by thread, one line per thread" wait_for '\(2\) Re: Spring catalogue photography proposal' 100
send /
send -l Offsite
send Enter
check "a search in the thread view shows the thread as one row" status_has '4 messages match "Offsite"'
send z
check "z expands the thread" wait_for '↳ Re: Offsite venue shortlist' 100
send z
check "z collapses it again (to its newest message, search results are newest first)" wait_for '\(4\) Re: Offsite venue shortlist' 100
send a
check "archive on a collapsed thread archives all of it" status_has 'archived 4 messages'
send u
check "and u brings the whole thread back" status_has 'undone: 4 messages restored'
send / Enter =
check "= again turns threads off" status_has 'threads: off'

before=$(unread_count)
send n Enter
check "n then Enter opens an unread message in the full view" wait_for '^ Inbox .* Audit +[^·]*$' 100
check "the full view shows the message" shows '^Subject: '
send q
check "opening it marked it read (one unread fewer)" status_has " $((before - 1)) unread"
send q
check "the triage session quits cleanly" exited triage
check "the CLI sees the TUI's actions (va actions --json)" sh -c "XDG_CONFIG_HOME='$TMP/triage/config' XDG_DATA_HOME='$TMP/triage/data' '$VA' --json actions --limit 50 | grep -q '\"kind\":\"archive\"'"

# ---- attachments: save (never over a file), open with a mailcap viewer, headers ----
mkdir -p "$TMP/attach/home"
printf 'text/csv; cp %%s %s/viewed.csv\n' "$TMP/attach" >"$TMP/attach/home/.mailcap"
start attach "HOME='$TMP/attach/home'"
check "attachments: the inbox is drawn" wait_for '30 messages · [0-9]+ unread' 100
send /
send -l 'sales numbers'
send Enter
check "attachments: the search finds the message with a CSV" status_has '1 message match'
send Enter
check "the message view lists its attachment" wait_for '1\. sales-2026-10\.csv +text/csv' 100
send s
check "s asks where to save it, suggesting its name" status_has '^save sales-2026-10\.csv to: ~/sales-2026-10\.csv' 50
send Enter
check "the attachment is saved" status_has 'saved sales-2026-10\.csv to '
check "the saved file has the attachment's bytes (a CSV header)" sh -c "head -1 '$TMP/attach/home/sales-2026-10.csv' | grep -q ','"
send s Enter
check "saving again is refused (the file exists)" status_has 'cannot save sales-2026-10\.csv: '
send M
check "the messages overlay says why in full" wait_for 'exists +│' 100
send q
send o
check "o opens it with the ~/.mailcap viewer" status_has 'viewed sales-2026-10\.csv'
check "the viewer got the same bytes" cmp -s "$TMP/attach/viewed.csv" "$TMP/attach/home/sales-2026-10.csv"
check "the screen is back after the viewer" shows '^Attachments \(1\):'
send H
check "H shows every header" wait_for '^Return-Path: ' 100
send H
check "H again shows the summary" wait_for '^Folder: +demo/INBOX' 100
send q q
check "the attachment session quits cleanly" exited attach

# ---- the in-process scheduler: jobs run while the person reads ----
# A Maildir account; a message delivered while va runs appears after a sync
# job (added from the CLI, as a script or cron would) runs inside the TUI.
mkdir -p "$TMP/bg/config/va" "$TMP/bg/mail"
cp -r "${VA_SHARE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/share}/demo/." "$TMP/bg/mail/"
chmod -R u+w "$TMP/bg/mail"
printf '[account home]\ntype = maildir\npath = %s\n' "$TMP/bg/mail" >"$TMP/bg/config/va/va.conf"
start bg
check "bg: the inbox is drawn" wait_for '30 messages · [0-9]+ unread' 100
# The status line may already show the rules job that follows the sync, so
# the journal, not the status line, says whether the sync ran.
bg_synced() { # TENTHS: a sync run ended ok within that time
	i=0
	while [ "$i" -lt "$1" ]; do
		[ "$(sqlite3 "$TMP/bg/data/va/va.db" "SELECT COUNT(*) FROM job_runs r JOIN jobs j
			ON j.id = r.job_id WHERE j.kind = 'sync' AND r.outcome = 'ok'" 2>/dev/null)" -ge 1 ] 2>/dev/null &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
check "bg: the periodic sync ran inside the TUI" bg_synced 200
printf 'From: Nora <nora@example.com>\nSubject: Delivered while you read\nDate: Tue, 24 Nov 2026 09:00:00 +0000\n\nhello\n' \
	>"$TMP/bg/mail/new/1800000000.M1P1.bg"
env XDG_CONFIG_HOME="$TMP/bg/config" XDG_DATA_HOME="$TMP/bg/data" XDG_STATE_HOME="$TMP/bg/state" \
	"$VA" -q jobs add sync
check "bg: the new message shows up without a key pressed" wait_for 'Delivered while you read' 300
check "bg: the counts follow" wait_for '31 messages' 100
run_cli() { env XDG_CONFIG_HOME="$TMP/bg/config" XDG_DATA_HOME="$TMP/bg/data" XDG_STATE_HOME="$TMP/bg/state" "$VA" "$@"; }
daemon_refused() { run_cli daemon start 2>&1 | grep -q 'another scheduler'; }
check "bg: a daemon is refused while the TUI runs the jobs" daemon_refused
send q
check "bg: quits cleanly with the scheduler running" exited bg

# ---- a TUI beside a running daemon: the daemon runs the jobs, the TUI follows ----
mkdir -p "$TMP/dm/config/va" "$TMP/dm/mail"
cp -r "${VA_SHARE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/share}/demo/." "$TMP/dm/mail/"
chmod -R u+w "$TMP/dm/mail"
printf '[account home]\ntype = maildir\npath = %s\n' "$TMP/dm/mail" >"$TMP/dm/config/va/va.conf"
dm_cli() { env XDG_CONFIG_HOME="$TMP/dm/config" XDG_DATA_HOME="$TMP/dm/data" XDG_STATE_HOME="$TMP/dm/state" "$VA" "$@"; }
mkdir -p "$TMP/dm/data" "$TMP/dm/state"
dm_cli -q list >/dev/null
dm_cli -q daemon start
start dm
check "dm: the inbox is drawn beside the daemon" wait_for '30 messages · [0-9]+ unread' 100
check "dm: the status line says the daemon runs the jobs" status_has 'another scheduler' 50
printf 'From: Ivo <ivo@example.com>\nSubject: Synced by the daemon\nDate: Tue, 24 Nov 2026 09:30:00 +0000\n\nhello\n' \
	>"$TMP/dm/mail/new/1800000001.M1P1.dm"
dm_cli -q jobs add sync
check "dm: what the daemon stored shows up in the TUI" wait_for 'Synced by the daemon' 300
send q
check "dm: the TUI quits cleanly" exited dm
dm_running() { dm_cli daemon status | grep -q 'daemon running'; }
check "dm: the daemon goes on after the TUI quit" dm_running
dm_cli -q daemon stop

# ---- the Templates pane: approve, preview against the selected message ----
start tmpl
check "tmpl: the inbox is drawn" wait_for '30 messages · [0-9]+ unread' 100
keys Tab Tab
check "tmpl: the Templates pane lists the shipped templates" wait_for '[0-9]+ templates · 0 approved' 50
check "tmpl: ack is there, shipped, not approved" shows '^ *- +ack .*shipped'
send a
check "tmpl: a approves the selected template" status_has 'approved "ack"'
check "tmpl: the row and the title say so" wait_for 'templates · 1 approved' 20
tmpl_cli() { env XDG_CONFIG_HOME="$TMP/tmpl/config" XDG_DATA_HOME="$TMP/tmpl/data" "$VA" "$@"; }
approved_cli() { tmpl_cli --json templates list | grep -q '"approved": *true'; }
check "tmpl: va templates list shows it approved" approved_cli
send Enter
check "tmpl: Enter previews the reply to the selected message" wait_for '^Subject: Re: ' 50
check "tmpl: ... addressed to its sender" shows '^To: .*@'
send q
send a
check "tmpl: a again revokes it" status_has 'revoked "ack"'
send q
check "tmpl: quits cleanly" exited tmpl

# ---- replying from the message view: template, $EDITOR, keep a draft ----
cat >"$TMP/edit-reply.sh" <<'SH'
#!/bin/sh
# an "editor" that changes the greeting, as a person would
sed -i 's/^Hello /Howdy /' "$1"
SH
chmod +x "$TMP/edit-reply.sh"
start reply VISUAL="$TMP/edit-reply.sh" EDITOR="$TMP/edit-reply.sh"
check "reply: the inbox is drawn" wait_for '30 messages · [0-9]+ unread' 100
send Enter
check "reply: a message is open" wait_for '^From: ' 50
send r
check "reply: r asks for a template" status_has 'reply with template' 50
send -l ack
send Enter
check "reply: after the editor, it asks what to do" status_has 'send now\? y send, d keep a draft' 100
send d Enter
check "reply: d keeps a draft" status_has 'reply [0-9]+ kept as a draft' 100
reply_sql() { sqlite3 "$TMP/reply/data/va/va.db" "$1"; }
is_draft() { [ "$(reply_sql "SELECT state FROM reply_log ORDER BY id DESC LIMIT 1")" = draft ]; }
check "reply: the outbox has the draft" is_draft
edited() { reply_sql "SELECT raw FROM reply_log ORDER BY id DESC LIMIT 1" | grep -q '^Howdy '; }
check "reply: with the text as edited in \$EDITOR" edited
send r
send Enter
check "reply: a blank reply left empty in the editor is discarded" status_has 'empty reply: discarded' 100
send q q
check "reply: quits cleanly" exited reply

# ---- the Audit pane: decrypted entries under the chain's verdict ----
mkdir -p "$TMP/audit/config/va" "$TMP/audit/data" "$TMP/audit/state"
printf '[secrets]\nbackend = file\n[scheduler]\nin_process = off\n' >"$TMP/audit/config/va/va.conf"
printf 'tui audit passphrase\n' >"$TMP/audit.pass"
chmod 600 "$TMP/audit.pass"
au_cli() { env XDG_CONFIG_HOME="$TMP/audit/config" XDG_DATA_HOME="$TMP/audit/data" XDG_STATE_HOME="$TMP/audit/state" VA_PASSPHRASE_FILE="$TMP/audit.pass" "$VA" "$@"; }
au_cli -q act 1 archive
au_cli -q undo
start audit VA_PASSPHRASE_FILE="$TMP/audit.pass"
check "audit: the inbox is drawn" wait_for '30 messages · [0-9]+ unread' 100
keys BTab
check "audit: the pane says the chain verifies" wait_for 'Audit log intact: 2 entries' 100
check "audit: it lists the undo and the archive, by the user" wait_for 'user +undo .*#1 ' 20
check "audit: ... with before -> after" shows '\{"folder":"INBOX"\} ->'
send q
check "audit: quits cleanly" exited audit

echo "1..$N"
[ "$FAILED" -eq 0 ]
