#!/bin/bash
# test_faults: what va does when things break, against a real dovecot on
# 127.0.0.1 (issue 11's fault matrix; dovecot killed mid-sync, SMTP 4xx/5xx,
# a hanging or lying LLM and kill -9 while sending are in test_imap.sh,
# test_smtp.sh, test_classify_llm.sh and test_reply.sh).  Here:
#   - the server stalls (SIGSTOP) mid-sync: va gives up after the account's
#     timeout with a clear message, keeps what it stored, and the next sync
#     completes with no loss and no duplicate
#   - va is killed with -9 mid-sync: the next sync completes, same checks
#   - another process holds the database locked: va says so, changes nothing,
#     and works once the lock is gone
#   - the disk fills up while storing (a small tmpfs, when this machine lets
#     us mount one): a clear error, the store intact, everything before kept
#   - the server dies while the daemon waits in IDLE: it reconnects by itself
#     and new mail arrives once the server is back
# After each: the store equals the server (counts and flags), no duplicates.
. "$(dirname "$0")/lib.sh"

FIX=$ROOT/tests/fixtures/mailserver
CORPUS=$ROOT/tests/.cache/spam-assassin
for tool in dovecot sqlite3 jq python3; do
	if ! command -v $tool >/dev/null; then
		skip "faults" "$tool is not installed (tests/deps.sh test)"
		done_testing
		exit 0
	fi
done
if [ ! -d "$CORPUS/cur" ]; then
	fail "faults: no corpus (tests/fetch-data.sh failed)"
	done_testing
	exit 0
fi
MS=$("$FIX/statedir.sh" va-faults)
trap '"$VA" -q daemon stop >/dev/null 2>&1; "$FIX/stop.sh" "$MS"; umount "$T/full" 2>/dev/null; rm -rf "$T"' EXIT
"$FIX/start.sh" "$MS" >/dev/null || { fail "start dovecot"; done_testing; exit 1; }
. "$MS/env"
U=alice@example.test
DA() { doveadm -c "$MS_CONF" "$@"; }
MD=$MS_MAIL/example.test/alice/Maildir
mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
ls "$CORPUS/cur" | head -3000 | while read -r f; do cp "$CORPUS/cur/$f" "$MD/cur/"; done
chown -R nobody:nogroup "$MS_MAIL"
DA index -u $U INBOX
DA flags add -u $U '\Flagged' mailbox INBOX uid 10:40
srv_count() { DA search -u $U mailbox INBOX ${1:-all} | wc -l; }

printf 'faults passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
mkdir -p "$XDG_CONFIG_HOME/va"
cat >"$XDG_CONFIG_HOME/va/va.conf" <<C
[secrets]
backend = file
file = $T/secrets.enc

[account work]
type = imap
email = $U
imap_host = 127.0.0.1
imap_port = $MS_IMAPS_PORT
imap_tls = implicit
ca_file = $MS_CA
timeout = 2s
C
"$VA" account login work --password-stdin <<<"alice-pass" 2>/dev/null
DB=$XDG_DATA_HOME/va/va.db
q() { sqlite3 -cmd ".timeout 10000" "$DB" "$1"; }
stored() { q "SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.name = 'INBOX'" 2>/dev/null || echo 0; }
# agrees NAME: the store equals the server (count, distinct uids, flagged)
agrees() {
	is "$1: store equals server (messages, distinct, flagged)" \
		"$(q "SELECT count(*), count(DISTINCT uid), sum((flags & 4) > 0) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.name = 'INBOX'")" \
		"$(srv_count)|$(srv_count)|$(srv_count flagged)"
	is "$1: the store is intact" "$(q 'PRAGMA integrity_check')" ok
}
wait_stored() { for _ in $(seq 500); do [ "$(stored)" -ge "$1" ] && return 0; sleep 0.02; done; return 1; }
imap_pids() { pgrep -f 'dovecot/imap$|dovecot/imap ' || true; }

# ---- the server stalls (every dovecot process stopped) ----
# The port still accepts connections (the kernel does), but nothing answers.
MASTER=$(cat "$MS/run/master.pid")
STOPPED="$MASTER $(pgrep -P "$MASTER" | tr '\n' ' ')"
kill -STOP $STOPPED
S=$(date +%s)
run "$VA" sync work --fetch-only
TOOK=$(($(date +%s) - S))
kill -CONT $STOPPED
is "stall: the sync gives up with exit status 1" "$RC" 1
check "stall: ... after the 2 s timeout, not forever (${TOOK} s)" test "$TOOK" -lt 15
like "stall: ... saying what happened" "$ERR" "127.0.0.1"
is "stall: nothing half-stored" "$(stored)" 0
run "$VA" --json sync work --fetch-only
is "stall: the next sync completes" "$RC" 0
agrees "stall"

# ---- va killed with -9 mid-sync ----
export XDG_DATA_HOME=$T/data2
DB=$XDG_DATA_HOME/va/va.db
"$VA" sync work --fetch-only >/dev/null 2>&1 &
SYNC=$!
wait_stored 500
kill -9 $SYNC
wait $SYNC 2>/dev/null
KEPT=$(stored)
check "kill -9: what was committed is there ($KEPT)" test "$KEPT" -ge 500
is "kill -9: the store is intact" "$(q 'PRAGMA integrity_check')" ok
run "$VA" --json sync work --fetch-only
is "kill -9: the next sync completes" "$RC" 0
is "kill -9: ... fetching only the rest" "$(jq -r .fetched <<<"$OUT")" "$(($(srv_count) - KEPT))"
agrees "kill -9"

# ---- the database locked by another process ----
DA flags add -u $U '\Seen' mailbox INBOX uid 100:120
BEFORE=$(q "SELECT sum(flags & 1) FROM messages")
python3 - "$DB" "$T/locked" <<'PY' &
import sqlite3, sys, time, os
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(9)
db.execute("ROLLBACK")
PY
LOCKER=$!
for _ in $(seq 100); do [ -e "$T/locked" ] && break; sleep 0.05; done
run "$VA" sync work --fetch-only
is "locked: the sync fails (exit 1)" "$RC" 1
like "locked: ... and says the database is busy" "$ERR" "locked"
wait $LOCKER
is "locked: nothing changed meanwhile" "$(q "SELECT sum(flags & 1) FROM messages")" "$BEFORE"
run "$VA" sync work --fetch-only
is "locked: once the lock is gone the sync works" "$RC" 0
agrees "locked"

# ---- the disk fills up while storing ----
mkdir -p "$T/full"
if mount -t tmpfs -o size=8m tmpfs "$T/full" 2>/dev/null; then
	export XDG_DATA_HOME=$T/full/data
	DB=$XDG_DATA_HOME/va/va.db
	run "$VA" sync work --fetch-only
	is "disk full: the sync fails (exit 1)" "$RC" 1
	like "disk full: ... saying the disk is full" "$ERR" "full"
	KEPT=$(stored)
	check "disk full: what fitted is kept ($KEPT)" test "$KEPT" -gt 0
	is "disk full: the store is intact" "$(q 'PRAGMA integrity_check')" ok
	umount "$T/full"
else
	skip "disk full" "this machine does not let the test mount a small tmpfs"
fi
export XDG_DATA_HOME=$T/data2
DB=$XDG_DATA_HOME/va/va.db

# ---- the server dies while the daemon waits in IDLE ----
run "$VA" daemon start
is "idle: the daemon starts" "$RC" 0
idling() { grep -q "idle work: waiting for new mail" "$XDG_STATE_HOME/va/va.log"; }
check "idle: it waits in IDLE" wait_for 20 idling
MASTER=$(cat "$MS/run/master.pid")
kill -9 "$MASTER" $(pgrep -P "$MASTER") 2>/dev/null
rm -f "$MS/run/master.pid"
dropped() { grep -q "idle work: .*reconnecting\|idle work: .*again in" "$XDG_STATE_HOME/va/va.log"; }
check "idle: the daemon notices the server is gone" wait_for 20 dropped
dovecot -c "$MS_CONF"
printf 'From: Late <late@example.test>\nSubject: After the outage\nMessage-ID: <late@test.example>\n\nback\n' |
	DA save -u $U -m INBOX
arrived() { [ "$(q "SELECT count(*) FROM messages WHERE message_id = 'late@test.example'")" = 1 ]; }
check "idle: once the server is back, new mail arrives by itself" wait_for 60 arrived
run "$VA" daemon stop
like "idle: the daemon stops" "$OUT" "daemon stopped"
agrees "idle"

done_testing
