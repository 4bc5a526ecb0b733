#!/bin/bash
# test_imap: `va sync` of an IMAP account against a private dovecot on
# 127.0.0.1 (tests/fixtures/mailserver) holding the spam-assassin corpus:
# full sync (counts, flags, a message byte for byte), no-change re-sync,
# flag changes, expunges and new mail from a second client (doveadm),
# UIDVALIDITY change, STARTTLS, refused certificates, a wrong password, a
# closed port, and dovecot killed in the middle of a sync.
. "$(dirname "$0")/lib.sh"

FIX=$ROOT/tests/fixtures/mailserver
CORPUS=$ROOT/tests/.cache/spam-assassin
if ! command -v dovecot >/dev/null || ! command -v sqlite3 >/dev/null; then
	skip "imap sync" "dovecot or sqlite3 is not installed (tests/deps.sh test)"
	done_testing
	exit 0
fi
if [ ! -d "$CORPUS/cur" ]; then
	fail "imap sync: no corpus (tests/fetch-data.sh failed)"
	done_testing
	exit 0
fi

MS=$("$FIX/statedir.sh" va-imap)
trap '"$FIX/stop.sh" "$MS"; rm -rf "$T"' EXIT
"$FIX/start.sh" "$MS" >/dev/null || { fail "start dovecot"; done_testing; exit 1; }
. "$MS/env"
U=alice@example.test
DA() { doveadm -c "$MS_CONF" "$@"; }
MD=$MS_MAIL/example.test/alice/Maildir
mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
cp "$CORPUS"/cur/* "$MD/cur/"
chown -R nobody:nogroup "$MS_MAIL"
DA index -u $U INBOX
# flags set by another client before the first sync
DA flags add -u $U '\Seen' mailbox INBOX uid 1:100
DA flags add -u $U '\Flagged' mailbox INBOX uid 50:60
DA flags add -u $U 'Work' mailbox INBOX uid 3
srv_count() { DA search -u $U mailbox "$1" ${2:-all} | wc -l; }
TOTAL=$(srv_count INBOX)

printf 'imap test passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
CONF=$XDG_CONFIG_HOME/va/va.conf
mkdir -p "$XDG_CONFIG_HOME/va"
write_conf() { # PORT TLS [CA]
	printf '[secrets]\nbackend = file\n\n[account work]\ntype = imap\nemail = %s\n' $U >"$CONF"
	printf 'imap_host = 127.0.0.1\nimap_port = %s\nimap_tls = %s\n' "$1" "$2" >>"$CONF"
	[ -n "${3:-}" ] && printf 'ca_file = %s\n' "$3" >>"$CONF"
	return 0
}
write_conf "$MS_IMAPS_PORT" implicit "$MS_CA"
DB=$XDG_DATA_HOME/va/va.db
q() { sqlite3 "$DB" "$1"; }
inbox() { q "SELECT $1 FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.name = '${2:-INBOX}'"; }
jget() { printf '%s' "$OUT" | jq -r ".$1"; }

run "$VA" account login work --password-stdin <<<"alice-pass"
is "store the password" "$RC" 0
run "$VA" doctor
is "doctor passes against the real server" "$RC" 0
like "doctor: reachable, TLS verified, login accepted" "$OUT" "reachable (TLS verified), login accepted"

# ---- full sync ----
run "$VA" --json sync work
is "full sync succeeds" "$RC" 0
is "every message fetched" "$(jget fetched)" "$TOTAL"
is "stored once each" "$(inbox 'count(*), count(DISTINCT uid)')" "$TOTAL|$TOTAL"
is "seen flags equal the server's" "$(inbox "sum(flags & 1)")" "$(srv_count INBOX seen)"
is "flagged equal the server's" "$(inbox 'sum((flags & 4) > 0)')" "$(srv_count INBOX flagged)"
is "keywords kept" "$(inbox "keywords" | grep -c Work)" 1
is "special-use folders" "$(q "SELECT name||'='||special_use FROM folders WHERE special_use IS NOT NULL ORDER BY name" | tr '\n' ' ')" \
	"Archive=archive Deleted Messages=trash Drafts=drafts Junk=junk Sent=sent "
is "folder cursor saved" "$(q "SELECT uidnext FROM folders WHERE name = 'INBOX'")" \
	"$(DA -f flow mailbox status -u $U uidnext INBOX | sed 's/.*=//')"

# ---- no-change re-sync ----
S=$(date +%s%N)
run "$VA" --json sync work
MS_TAKEN=$((($(date +%s%N) - S) / 1000000))
is "no-change re-sync changes nothing" "$RC $(jget fetched) $(jget updated) $(jget expunged)" "0 0 0 0"
FAST=3000
[ "${SAN:-}" = 1 ] && FAST=10000 # AddressSanitizer makes everything ~3x slower
check "no-change re-sync is fast (${MS_TAKEN} ms, under $FAST)" test "$MS_TAKEN" -lt "$FAST"
is "still stored once each" "$(inbox 'count(*)')" "$TOTAL"

ID=$(inbox "m.id || ' ' || m.uid" | sed -n 1234p)
printf 'machine 127.0.0.1 login %s password alice-pass\n' $U >"$T/netrc"
curl -s --cacert "$MS_CA" --netrc-file "$T/netrc" "imaps://127.0.0.1:$MS_IMAPS_PORT/INBOX;UID=${ID#* }" >"$T/server.eml"
"$VA" show "${ID% *}" --raw >"$T/va.eml"
check "a message is byte for byte what dovecot returns" cmp -s "$T/server.eml" "$T/va.eml"
# curl's FETCH BODY[] marked it read: put the flag back
DA flags remove -u $U '\Seen' mailbox INBOX uid "${ID#* }"

# ---- changes from another client ----
DA flags add -u $U '\Flagged' mailbox INBOX uid 200
DA flags remove -u $U '\Seen' mailbox INBOX uid 1
DA expunge -u $U mailbox INBOX uid 10:14
printf 'From: x@example.test\nSubject: new one\n\nhello\n' | DA save -u $U -m INBOX
run "$VA" --json sync work
is "changes seen: 1 new, 2 flag changes, 5 expunged" "$RC $(jget fetched) $(jget updated) $(jget expunged)" "0 1 2 5"
is "count equals the server's" "$(inbox 'count(*)')" "$(srv_count INBOX)"
is "flag change stored" "$(q "SELECT flags & 5 FROM messages WHERE uid IN (1, 200) ORDER BY uid" | tr '\n' ' ')" "0 4 "
is "flags still equal the server's" "$(inbox "sum(flags & 1)") $(inbox 'sum((flags & 4) > 0)')" \
	"$(srv_count INBOX seen) $(srv_count INBOX flagged)"

# ---- UIDVALIDITY change ----
for s in one two three; do printf 'From: a@example.test\nSubject: %s\n\n%s\n' $s $s | DA save -u $U -m Archive; done
run "$VA" --json sync work
is "archive synced" "$(inbox 'count(*)' Archive)" 3
OLDV=$(q "SELECT uidvalidity FROM folders WHERE name = 'Archive'")
DA mailbox delete -u $U Archive
DA mailbox create -u $U Archive
for s in four five; do printf 'From: a@example.test\nSubject: %s\n\n%s\n' $s $s | DA save -u $U -m Archive; done
run "$VA" --json sync work
is "UIDVALIDITY change: old copies dropped, folder fetched again" "$RC $(jget dropped) $(jget fetched)" "0 3 2"
is "no duplicates after the UIDVALIDITY change" "$(inbox "group_concat(subject, ' ')" Archive)" "four five"
check "new UIDVALIDITY saved" test "$(q "SELECT uidvalidity FROM folders WHERE name = 'Archive'")" != "$OLDV"

# ---- triage in va written back to the server ----
mid() { q "SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.name = 'INBOX' AND m.uid = $1"; }
MSGID=$(q "SELECT message_id FROM messages WHERE uid = 301 AND uidvalidity = (SELECT uidvalidity FROM folders WHERE name = 'INBOX')")
"$VA" -q act "$(mid 300)" flag
"$VA" -q act "$(mid 301)" archive
"$VA" -q act "$(mid 302)" label Todo
"$VA" -q act "$(mid 303)" trash
"$VA" -q undo
run "$VA" --json sync work
is "triage written back, nothing fetched again" "$RC $(jget refused) $(jget fetched) $(jget expunged)" "0 0 0 0"
check "  ... every action pushed ($(jget pushed))" test "$(jget pushed)" -ge 3
is "  ... flag on the server" "$(DA search -u $U mailbox INBOX uid 300 flagged | wc -l)" 1
is "  ... keyword on the server" "$(DA search -u $U mailbox INBOX uid 302 keyword Todo | wc -l)" 1
is "  ... archived on the server" "$(DA search -u $U mailbox Archive header message-id "$MSGID" | wc -l) $(DA search -u $U mailbox INBOX uid 301 | wc -l)" "1 0"
is "  ... undone before the sync: still in INBOX" "$(DA search -u $U mailbox INBOX uid 303 | wc -l) $(srv_count 'Deleted Messages')" "1 0"
is "  ... store and server agree, no duplicates" "$(inbox 'count(*)') $(inbox 'count(*)' Archive) $(inbox 'count(DISTINCT uid)' Archive)" \
	"$(srv_count INBOX) $(srv_count Archive) $(srv_count Archive)"
MSGID=$(q "SELECT message_id FROM messages WHERE uid = 304 AND uidvalidity = (SELECT uidvalidity FROM folders WHERE name = 'INBOX')")
"$VA" -q act "$(mid 304)" trash
run "$VA" --json sync work
is "trash goes to the folder the server marks \\Trash (\"Deleted Messages\")" \
	"$RC $(jget fetched) $(DA search -u $U mailbox 'Deleted Messages' header message-id "$MSGID" | wc -l)" "0 0 1"
is "  ... where the store has it too, once" "$(inbox 'count(*)' 'Deleted Messages') $(inbox 'count(*)' Trash)" "1 0"
run "$VA" --json sync work
is "  ... next sync: nothing to do" "$RC $(jget pushed) $(jget fetched) $(jget updated) $(jget expunged)" "0 0 0 0 0"

# a message triaged in va but expunged on the server before the write-back
"$VA" -q act "$(mid 400)" archive
"$VA" -q act "$(mid 401)" flag
DA expunge -u $U mailbox INBOX uid 400:401
run "$VA" --json sync work
is "triage of messages gone from the server: no error" "$RC $(jget error)" "0 null"
is "  ... store and server still agree" "$(inbox 'count(*)') $(inbox 'count(*)' Archive)" \
	"$(srv_count INBOX) $(srv_count Archive)"

# ---- STARTTLS, certificates, password, port ----
write_conf "$MS_IMAP_PORT" starttls "$MS_CA"
run "$VA" --json sync work
is "STARTTLS sync" "$RC $(jget fetched)" "0 0"
write_conf "$MS_IMAPS_PORT" implicit "$MS_OTHER_CA"
run "$VA" sync work
is "certificate from another CA refused" "$RC" 1
like "  ... saying why" "$ERR" "certificate of 127.0.0.1 was refused: the certificate issuer is unknown"
write_conf "$MS_IMAP_PORT" starttls
run "$VA" sync work
like "STARTTLS without the CA refused too" "$RC $ERR" "1 va: sync failed: account \"work\": the certificate of 127.0.0.1 was refused"
write_conf "$MS_IMAPS_PORT" implicit "$MS_CA"
"$VA" account login work --password-stdin <<<"not-the-password" 2>/dev/null
run "$VA" sync work
like "wrong password: a clear error" "$RC $ERR" "1 va: sync failed: account \"work\": cannot log in to 127.0.0.1 as \"$U\""
run "$VA" doctor
like "doctor reports the refused login" "$RC $OUT$ERR" "cannot log in to 127.0.0.1"
"$VA" account login work --password-stdin <<<"alice-pass" 2>/dev/null
write_conf 1 implicit "$MS_CA"
run "$VA" sync work
like "closed port: a clear error" "$RC $ERR" "1 va: sync failed: account \"work\": cannot connect to 127.0.0.1 port 1"
write_conf "$MS_IMAPS_PORT" implicit "$MS_CA"

# ---- dovecot killed in the middle of a first sync ----
TOTAL=$(srv_count INBOX)
ALL=$(DA search -u $U all | wc -l)
export XDG_DATA_HOME=$T/data2
DB=$XDG_DATA_HOME/va/va.db
"$VA" account login work --password-stdin <<<"alice-pass" 2>/dev/null
"$VA" sync work >"$T/kill.out" 2>"$T/kill.err" &
SYNC=$!
for _ in $(seq 400); do
	n=$(q "SELECT count(*) FROM messages" 2>/dev/null || echo 0)
	[ "${n:-0}" -ge 500 ] && break
	sleep 0.02
done
# the master and the processes it forked (the imap one serving va among them)
MASTER=$(cat "$MS/run/master.pid")
kill -9 "$MASTER" $(pgrep -P "$MASTER") 2>/dev/null
wait $SYNC
RC=$?
KEPT=$(q "SELECT count(*) FROM messages")
is "sync cut off: exit status 1" "$RC" 1
like "  ... with a clear error" "$(cat "$T/kill.err")" "the connection to 127.0.0.1 was lost"
check "  ... keeping what was stored ($KEPT)" test "$KEPT" -ge 500 -a "$KEPT" -lt "$TOTAL"
is "  ... the store is intact" "$(q 'PRAGMA integrity_check')" ok
rm -f "$MS/run/master.pid"
dovecot -c "$MS_CONF"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$MS_IMAPS_PORT") 2>/dev/null && break; sleep 0.05; done
run "$VA" --json sync work
is "next sync completes" "$RC" 0
is "  ... fetching only the rest" "$(jget fetched)" "$((ALL - KEPT))"
is "  ... no loss, no duplicates" "$(inbox 'count(*), count(DISTINCT uid)')" "$(srv_count INBOX)|$(srv_count INBOX)"

# ---- two syncs at once (a terminal beside the daemon): one fetches, the other waits ----
for i in $(seq 100); do
	printf 'From: p%d@example.test\nSubject: parallel %d\n\nbody %d\n' "$i" "$i" "$i" | DA save -u $U -m INBOX
done
"$VA" --json sync work >"$T/par1.out" 2>"$T/par1.err" &
P1=$!
"$VA" --json sync work >"$T/par2.out" 2>"$T/par2.err" &
P2=$!
wait $P1; R1=$?
wait $P2; R2=$?
is "two syncs at once both succeed" "$R1 $R2" "0 0"
is "  ... the 100 new messages are fetched once in all" \
	"$(($(jq .fetched "$T/par1.out") + $(jq .fetched "$T/par2.out")))" 100
like "  ... the second waited for the first (va.log)" "$(cat "$XDG_STATE_HOME/va/va.log")" "account work: another va is syncing it; waiting"
is "  ... no loss, no duplicates" "$(inbox 'count(*), count(DISTINCT uid)')" "$(srv_count INBOX)|$(srv_count INBOX)"
check "  ... the lock file is private" test "$(stat -c %a "$XDG_DATA_HOME/va/sync-work.lock")" = 600

# ---- no secret anywhere ----
check "the password is in no database, config or log" \
	bash -c "! grep -rqa alice-pass '$XDG_DATA_HOME' '$T/data' '$XDG_CONFIG_HOME' '${XDG_STATE_HOME}' '$T/kill.err'"
done_testing
