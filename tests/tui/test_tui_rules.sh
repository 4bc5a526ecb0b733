#!/bin/sh
# test_tui_rules.sh: the Rules pane and recommendations in the inbox, through
# the real binary in a private tmux server.  Prints TAP.
#
#   VA=./va tests/tui/test_tui_rules.sh
#
# Fresh XDG directories per session; the CLI classifies the demo mailbox and
# runs the rules before the TUI starts, so recommendations are waiting.  Only
# this script's tmux server (-L va-rules-PID) is ever killed.  Every wait
# polls the screen with a timeout.
set -u
. "$(dirname "$0")/lib.sh"
tui_init rules

# the id of the message a pending recommendation of RULE is for
reco_message() {
	cli "$1" --json recommendations | tr '{' '\n' |
		grep "\"rule\":\"$2\"" | sed -n 's/.*"message":\([0-9]*\).*/\1/p' | head -n 1
}

SHARE=${VA_SHARE_DIR:-$(pwd)/share}
S=rules
CONF=$TMP/$S/config/va
mkdir -p "$CONF/rules" "$TMP/$S/data" "$TMP/$S/state"
# no background jobs (what is tested is what the CLI prepared), no preview split
printf '[ui]\npreview = off\n[scheduler]\nin_process = off\n' >"$CONF/va.conf"
cat >"$CONF/rules/zz-broken.json" <<'EOF'
{
	"name": "broken-rule",
	"trigger": "received",
	"when": {"field": "subject", "op": "equal", "value": "x"},
	"then": [{"action": "archive"}]
}
EOF
# the "editor": switches a rule to auto, or breaks the file when $TMP/break exists
cat >"$TMP/editor" <<EOF
#!/bin/sh
if [ -e '$TMP/break' ]; then printf '{\n  "name": "spam-to-junk",\n  "when": 1\n}\n' >"\$1"; exit 0; fi
sed 's/"recommend"/"auto"/' "\$1" >"\$1.new" && mv "\$1.new" "\$1"
EOF
chmod +x "$TMP/editor"

cli $S classify --all >/dev/null 2>&1
check "the CLI leaves recommendations pending (va classify --all && va rules run)" \
	sh -c "env $(envs $S) '$VA' rules run 2>/dev/null | grep -Eq '[1-9][0-9]* recommended'"
spam_id=$(reco_message $S spam-to-junk)
promo_id=$(reco_message $S archive-promotional)
check "the spam message has a pending recommendation (message $spam_id)" test -n "$spam_id"

start $S "EDITOR='$TMP/editor'"
check "the inbox is drawn" wait_for '[0-9]+ messages? · [0-9]+ unread' 150
check "rows with pending recommendations carry an R before the badge" wait_for ' R \[(spam|promotional|important) [0-9]+%\]'
check "the spam message's row has the mark" wait_for 'CONGRATULATIONS.* R \[spam [0-9]+%\]'

# ---- accept and reject in the inbox ----
send /
send -l CONGRATULATIONS
send Enter
check "a search selects the spam message" status_has '1 message match'
send A
check "A accepts its recommendation and says what was done" status_has 'accepted 1 recommendation: move Junk'
check "the message left the (searched) list" until_true sh -c "! tmux -L '$SOCK' capture-pane -p -t va | sed -n '2,29p' | grep -q 'CONGRATULATIONS'"
check "va --json show: the message is in Junk now" \
	until_true sh -c "env $(envs $S) '$VA' --json show $spam_id | grep -q '\"folder\":\"Junk\"'"
send A
check "the list no longer shows it: accept has nothing to act on" status_has 'no message here|no pending|select a message'
send / Enter
check "the empty search shows the inbox again" status_has ' 29 messages'
send /
send -l 'Weekly Brew'
send Enter
check "a search selects the newsletter" wait_for 'Weekly Brew.* R \[promotional'
send X
check "X rejects its recommendation" status_has 'rejected 1 recommendation: archive'
check "the mark is gone from its row" until_true sh -c "! tmux -L '$SOCK' capture-pane -p -t va | grep -q 'Weekly Brew.* R \['"
check "va --json show: a rejected archive leaves the message in INBOX" \
	sh -c "env $(envs $S) '$VA' --json show $promo_id | grep -q '\"folder\":\"INBOX\"'"
send / Enter

# ---- the recommendations overlay ----
send P
check "P lists every pending recommendation" wait_for 'Recommendations · [0-9]+ pending'
check "the list shows rule and action" shows 'flag +flag-important-known'
before=$(screen | sed -n 's/.*Recommendations · \([0-9]*\) pending.*/\1/p' | head -n 1)
send X
check "X in the list rejects the selected row" status_has 'rejected flag for'
check "the count went down by one" wait_for "Recommendations · $((before - 1)) pending"
send q
check "q closes the list" wait_gone 'Recommendations ·'
check "the inbox is back" wait_for '^ Inbox .*INBOX' 50
send :
send -l recommendations
send Enter
check ":recommendations opens the list too" wait_for 'Recommendations · [0-9]+ pending'
send Escape

# ---- the Rules pane ----
send Tab
check "Tab shows the Rules pane" wait_for '^on +flag-important-known' 100
for r in flag-important-known archive-promotional spam-to-junk followup-unanswered reply-actionable; do
	check "the default rule $r is listed, on, in recommend mode" shows "^on +$r +recommend "
done
check "the rule files' path is shown" shows 'rules/10-important\.json$'
check "the broken rule file's error is a row with FILE:LINE" shows 'error +.*zz-broken\.json:[0-9]+: .*"equal"'
check "the bar counts rules and errors" shows '5 rules · 5 on · 1 error'

send j
send t
check "t turns the rule off and names the file it wrote" status_has 'turned off: wrote .*archive-promotional\.json'
check "the row shows it off" wait_for '^off +archive-promotional +recommend'
check "the user's copy was written, disabled" \
	sh -c "grep -l 'archive-promotional' '$CONF'/rules/*.json | xargs grep -q '\"enabled\":.*false'"
check "the shipped default is untouched" sh -c "! grep -q enabled '$SHARE/rules/20-promotional.json'"
send t
check "t again turns it back on" wait_for '^on +archive-promotional +recommend'

send j
send Enter
check "Enter shows a dry run of the rule" wait_for 'Dry run of rule "spam-to-junk"'
check "the dry run lists the spam message and why" wait_for 'CONGRATULATIONS'
check "the dry run says why it matched" shows 'why: .*category'
check "the dry run shows the action and outcome" shows '→ move Junk: '
check "the dry run counts the matches" shows '[0-9]+ messages? match\.'
send q
check "q closes the dry run" wait_for '^on +spam-to-junk'

send e
check "e edits the rule (an editor that switches it to auto) and checks it" status_has 'no errors in .*spam-to-junk\.json'
check "after the editor the row shows the new mode" wait_for '^on +spam-to-junk +auto'
check "the edit went to the user's copy" sh -c "grep -l spam-to-junk '$CONF'/rules/*.json | xargs grep -q '\"auto\"'"
send u
check "u undoes the rule's last run (nothing ran yet)" status_has 'nothing to undo for rule "spam-to-junk"|undid the last run'

touch "$TMP/break"
send e
check "an edit that breaks the file shows its FILE:LINE error" status_has ' spam-to-junk\.json:[0-9]+: '
check "the error is a row of the pane" wait_for 'error +.*spam-to-junk\.json:[0-9]+:'
send G Enter
check "Enter on an error row shows it in full" wait_for 'The rule this error is in is not loaded'
send q
rm -f "$TMP/break"

send r
check "r reads the rules again" status_has '[0-9]+ rules read'
tm resize-window -t va -x 80 -y 24
check "at 80x24 the Rules pane is still drawn" wait_for '^on +followup-unanswered'
check "at 80x24 there is no too-small notice" lacks 'terminal too small'
tm resize-window -t va -x 100 -y 30
send q
check "va quits cleanly (status 0, empty stderr)" exited $S

# ---- no colours ----
S=nocolor
mkdir -p "$TMP/$S/config/va" "$TMP/$S/data" "$TMP/$S/state"
printf '[scheduler]\nin_process = off\n' >"$TMP/$S/config/va/va.conf"
start $S NO_COLOR=1
check "NO_COLOR: the inbox is drawn" wait_for '[0-9]+ messages? · [0-9]+ unread' 150
send Tab
check "NO_COLOR: the Rules pane is drawn" wait_for '^on +spam-to-junk'
check "NO_COLOR: no colour is used" \
	sh -c "! tmux -L '$SOCK' capture-pane -e -p -t va | grep -q '\\[[0-9;]*[34][0-7]m'"
send P
check "NO_COLOR: an empty recommendations list says so" wait_for 'No pending recommendations\.'
send q q
check "NO_COLOR: va quits cleanly" exited $S

echo "1..$N"
[ "$FAILED" -eq 0 ]
