#!/bin/bash
# test_rules_imap: rules against a real IMAP server (dovecot on 127.0.0.1).
# An auto rule archives a promotional message during `va sync` and the
# message is in Archive on the server; `va undo --rule` and the next sync put
# it back in INBOX on the server.  A recommend rule changes nothing on the
# server until the recommendation is accepted.  Snooze moves a message to a
# Snoozed folder the server did not have and back; the daemon's sync job does
# the whole pipeline (fetch, classify, rules, push) with no terminal.
. "$(dirname "$0")/lib.sh"

FIX=$ROOT/tests/fixtures/mailserver
if ! command -v dovecot >/dev/null || ! command -v jq >/dev/null; then
	skip "rules over imap" "dovecot or jq is not installed (tests/deps.sh test)"
	done_testing
	exit 0
fi
MS=$("$FIX/statedir.sh" va-rules)
trap '"$FIX/stop.sh" "$MS"; rm -rf "$T"' EXIT
"$FIX/start.sh" "$MS" >/dev/null || { fail "start dovecot"; done_testing; exit 1; }
. "$MS/env"
U=alice@example.test
DA() { doveadm -c "$MS_CONF" "$@"; }
MD=$MS_MAIL/example.test/alice/Maildir
mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
n=0
msg() { # FROM SUBJECT BODY
	n=$((n + 1))
	printf 'From: %s\r\nTo: alice@example.test\r\nSubject: %s\r\nDate: Mon, 23 Nov 2026 10:0%d:00 +0000\r\nMessage-ID: <r%d@test.example>\r\n\r\n%s\r\n' \
		"$1" "$2" "$n" "$n" "$3" >"$MD/cur/100$n.M$n.test:2,"
}
msg "Deals <deals@shop.example>" "Big SALE: 70% off everything" "Unsubscribe any time."
msg "Bob <bob@example.test>" "Lunch on Thursday?" "Are you free?"
msg "Carol <carol@example.test>" "The quarterly report" "Attached soon."
chown -R nobody:nogroup "$MS_MAIL"
DA index -u $U INBOX
srv() { DA search -u $U mailbox "$1" ${2:-all} | wc -l; }
srv_subject_in() { DA fetch -u $U hdr.subject mailbox "$1" | grep -c "$2"; }

printf 'rules imap passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
mkdir -p "$XDG_CONFIG_HOME/va/rules"
cat >"$XDG_CONFIG_HOME/va/va.conf" <<C
[secrets]
backend = file

[account work]
type = imap
email = $U
imap_host = 127.0.0.1
imap_port = $MS_IMAPS_PORT
imap_tls = implicit
ca_file = $MS_CA
C
cat >"$XDG_CONFIG_HOME/va/rules/sale.json" <<'J'
{"name": "archive sales", "trigger": "received", "mode": "auto",
 "when": {"field": "subject", "op": "contains", "value": "sale"},
 "then": [{"action": "archive"}]}
J
cat >"$XDG_CONFIG_HOME/va/rules/lunch.json" <<'J'
{"name": "flag lunch", "trigger": "received",
 "when": {"field": "from", "op": "wildcard", "value": "bob@*"},
 "then": [{"action": "flag"}]}
J
run "$VA" account login work --password-stdin <<<"alice-pass"
is "store the password" "$RC" 0

run "$VA" --json sync work
is "sync exits 0" "$RC" 0
is "three messages fetched" "$(jq -r .fetched <<<"$OUT")" 3
is "the auto rule archived one message" "$(jq -r .rules.done <<<"$OUT")" 1
is "... and pushed it to the server in the same sync" "$(jq -r .rules.pushed <<<"$OUT")" 1
is "the recommend rule recommended one" "$(jq -r .rules.recommended <<<"$OUT")" 1
is "server: the sale is in Archive" "$(srv_subject_in Archive "Big SALE")" 1
is "server: two messages left in INBOX" "$(srv INBOX)" 2
is "server: nothing flagged before the recommendation is accepted" "$(srv INBOX flagged)" 0
run "$VA" --json actions
is "the journal names the rule" "$(jq -r '.[0].rule' <<<"$OUT")" "archive sales"

# accept the recommendation: flagged on the server after the next sync
RID=$("$VA" --json recommendations | jq -r '.[0].id')
run "$VA" accept "$RID"
is "accept exits 0" "$RC" 0
"$VA" sync work >/dev/null
is "server: the accepted flag arrived" "$(srv INBOX flagged)" 1

# undo the rule's run: back in INBOX on the server
run "$VA" undo --rule "archive sales"
is "undo --rule exits 0" "$RC" 0
run "$VA" --json sync work
is "the undo is pushed" "$(jq -r .pushed <<<"$OUT")" 1
is "server: the sale is back in INBOX" "$(srv_subject_in INBOX "Big SALE")" 1
is "server: Archive is empty again" "$(srv Archive)" 0
is "the rule does not archive it again on the next sync" "$(jq -r .rules.done <<<"$OUT")" 0
is "store: the message is in INBOX" "$("$VA" --json list --folder INBOX | jq length)" 3

# snooze on IMAP: the message goes to a Snoozed folder on the server (created
# on demand) and comes back to INBOX when the time comes
LUNCH=$("$VA" --json list --folder INBOX | jq -r '.[] | select(.subject | test("Lunch")) | .id')
run "$VA" snooze "$LUNCH" --until +2s
is "snooze exits 0" "$RC" 0
run "$VA" --json sync work
is "server: the Snoozed folder was created and holds the message" "$(srv_subject_in Snoozed Lunch)" 1
is "server: it left INBOX" "$(srv_subject_in INBOX Lunch)" 0
sleep 2.1
"$VA" --daemon & dpid=$!
woken() { [ "$("$VA" --json show "$LUNCH" | jq -r .folder)" = INBOX ]; }
check "the snooze wakes on time" wait_for 30 woken
kill -TERM "$dpid"; wait "$dpid"
"$VA" -q sync work
is "server: back in INBOX after the next sync" "$(srv_subject_in INBOX Lunch)" 1
is "server: unread again" "$(DA search -u $U mailbox INBOX unseen header subject Lunch | wc -l)" 1

# the daemon: its sync job fetches over IMAP, classifies, runs the rules and
# pushes their changes (the passphrase comes from VA_PASSPHRASE_FILE)
printf 'From: Deals <deals@shop.example>\nSubject: Another SALE\nMessage-ID: <r9@test.example>\n\nhi\n' |
	DA save -u $U -m INBOX
run "$VA" daemon start
is "daemon starts" "$RC" 0
"$VA" -q jobs add sync
archived() { [ "$(srv_subject_in Archive "Another SALE")" = 1 ]; }
check "the daemon's sync fetched the new sale and the rule archived it on the server" wait_for 60 archived
sync_done() { [ "$("$VA" --json jobs list --state done | jq '[.[] | select(.kind == "sync")] | length')" -ge 1 ]; }
check "the sync job finished" wait_for 30 sync_done
is "no sync job failed" "$("$VA" --json jobs list | jq '[.[] | select(.kind == "sync" and .last_error != null)] | length')" 0
# IDLE: with no job added and the periodic sync minutes away, a delivery
# is fetched and put through the rules within seconds
printf 'From: Deals <deals@shop.example>\nSubject: Flash SALE via IDLE\nMessage-ID: <r10@test.example>\n\nhi\n' |
	DA save -u $U -m INBOX
idled() { [ "$(srv_subject_in Archive "Flash SALE via IDLE")" = 1 ]; }
check "IDLE: a new delivery is fetched and archived by the rule within seconds" wait_for 20 idled
like "the log says IDLE is watching INBOX" "$(cat "$XDG_STATE_HOME/va/va.log")" "idle work: waiting for new mail on INBOX"
S=$(date +%s)
run "$VA" daemon stop
like "the daemon stops" "$OUT" "daemon stopped"
check "... promptly, its IDLE connection ended at once" test $(($(date +%s) - S)) -lt 5

done_testing
