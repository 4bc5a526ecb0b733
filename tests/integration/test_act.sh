#!/bin/bash
# test_act: triage from the command line (va act, va undo, va actions) on the
# demo mailbox (store only, kept across rescans) and on a Maildir account
# (files renamed and moved, atomically, and put back by undo).
. "$(dirname "$0")/lib.sh"

# --- the demo mailbox: the store only ----------------------------------------
run "$VA" --json act 1 archive
is "act archive exits 0" "$RC" 0
is "the outcome is JSON with the action ids" "$(jq -c .messages <<<"$OUT")" "[1]"
run "$VA" --json list --folder INBOX
is "a rescan does not bring the archived demo message back" "$(jq length <<<"$OUT")" 29
is "it is in Archive" "$("$VA" --json list --folder Archive | jq '.[0].id')" 1
run "$VA" --json undo
is "undo exits 0" "$RC" 0
is "undo names the message it restored" "$(jq -c .messages <<<"$OUT")" "[1]"
is "the message is back in INBOX" "$("$VA" --json list --folder INBOX | jq length)" 30
flagged=$("$VA" --json list --flagged | jq length)
run "$VA" --json act 2,3,4 flag
is "several ids make one batch" "$(jq '.actions | length' <<<"$OUT")" 3
run "$VA" undo
like "undo takes the whole batch back" "$OUT" "undid 3 messages"
is "the flags are as they were" "$("$VA" --json list --flagged | jq length)" "$flagged"
run "$VA" act 5 category spam
is "category exits 0" "$RC" 0
is "the category is stored" "$("$VA" --json show 5 | jq -r .category)" spam
run "$VA" act 5 label work
run "$VA" act 5 label work
like "labelling twice changes nothing the second time" "$OUT" "nothing changed"
run "$VA" --json actions
is "actions lists the journal, newest first" "$(jq -r '.[0].kind' <<<"$OUT")" label
is "each row says whether it was undone" "$(jq '[.[] | select(.undone)] | length' <<<"$OUT")" 4
run "$VA" undo 999
is "undo of an unknown action exits 1" "$RC" 1
like "... and says there is nothing to undo" "$ERR" "nothing to undo"

# --- bad input: exit 2 for usage, 1 for what cannot be done --------------------
run "$VA" act
is "act with nothing exits 2" "$RC" 2
run "$VA" act 1 frobnicate
is "an unknown action exits 2" "$RC" 2
like "... and says so" "$ERR" 'unknown action "frobnicate"'
run "$VA" act 1 move
is "move without a folder exits 2" "$RC" 2
run "$VA" act 1 flag extra
is "flag with an argument exits 2" "$RC" 2
run "$VA" act x1 flag
is "a bad id exits 2" "$RC" 2
run "$VA" act 9999 flag
is "an unknown message exits 1" "$RC" 1
like "... with the grammar of errors" "$ERR" "va: cannot flag: no message with id 9999"
run "$VA" act 1 move ../../etc
is "a folder with a slash exits 1" "$RC" 1
run "$VA" act 1 category urgent
like "an unknown category is refused" "$ERR" 'unknown category "urgent"'

# --- a Maildir account: the files follow --------------------------------------
M="$T/Mail"
mkdir -p "$M/cur" "$M/new" "$M/tmp"
printf 'From: a@example.com\nSubject: one\nMessage-ID: <one@x>\n\nbody\n' >"$M/cur/100.one.host:2,S"
printf 'From: b@example.com\nSubject: two\nMessage-ID: <two@x>\n\nbody\n' >"$M/new/101.two.host"
mkdir -p "$XDG_CONFIG_HOME/va"
printf '[account mail]\ntype = maildir\npath = %s\n' "$M" >"$XDG_CONFIG_HOME/va/va.conf"
one=$("$VA" --json list | jq '.[] | select(.subject == "one") | .id')
two=$("$VA" --json list | jq '.[] | select(.subject == "two") | .id')
run "$VA" act "$one" flag
check "flag renames the file to :2,FS" test -f "$M/cur/100.one.host:2,FS"
check "... and the old name is gone" test ! -e "$M/cur/100.one.host:2,S"
run "$VA" act "$two" archive
check "archive moves the file into the .Archive Maildir++ folder" test -f "$M/.Archive/cur/101.two.host:2,"
check "... which is a whole Maildir" test -d "$M/.Archive/tmp"
is "a rescan agrees (one message in INBOX)" "$("$VA" --json list --folder INBOX | jq length)" 1
run "$VA" undo
check "undo moves the file back" test -f "$M/cur/101.two.host:2,"
run "$VA" undo
check "undo again renames it back to :2,S" test -f "$M/cur/100.one.host:2,S"
is "no file was lost or doubled" "$(find "$M" -type f | wc -l)" 2
printf 'From: c@example.com\nSubject: squatter\n\nbody\n' >"$M/.Archive/cur/100.one.host:2,S"
run "$VA" --quiet act "$one" archive
is "a file in the way is never replaced (exit 1)" "$RC" 1
like "... the error names it" "$ERR" "already exists"
is "... and both files are still there" "$(find "$M" -type f | wc -l)" 3

done_testing
