#!/bin/bash
# sync.sh: full sync of the SpamAssassin corpus (6,046 messages) from a
# private dovecot on 127.0.0.1 into a fresh va store, versus mbsync (isync)
# into an empty Maildir, then a no-change re-sync of each; same server, same
# run, server state and mbsync's Maildir on /dev/shm.  Each side runs RUNS
# times (default 3) after one warm-up; medians are reported.
# TRANSPORT=plain (default: imap_tls none / SSLType None) or tls (IMAPS).
# va reads the password from its encrypted secrets file; mbsync from a plain
# file.  Opening the secrets file costs an Argon2id key derivation unless the
# derived key is in the kernel key cache ([secrets] cache, default 10m), which
# `va account login` just before each run fills, as a user's earlier command
# would: so "va full sync" is a sync with a warm key cache.  "va full sync,
# cold key" is the same sync with cache = 0 (it derives the key itself), and
# "va: secrets unlock alone" measures the derivation alone (`va account login`,
# which does nothing else of note).  "va import" of the same Maildir gives the
# parse+store+index cost without any network, so the share of each can be
# told apart.  "CPU ms" is user + system time of all the process's threads:
# mbsync only writes files and mostly waits on the server; va's full sync is
# bound by its CPU work (MIME decoding, SQLite rows, FTS5 indexing) spread
# over the machine's CPUs, which is where its time goes.
# Not part of the test suite: run it directly.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
RUNS=${RUNS:-3}
VA=${VA:-./va}
case $VA in /*) ;; *) VA="$ROOT/${VA#./}" ;; esac
BUILD=${BUILD:-build}
TRANSPORT=${TRANSPORT:-plain}
for t in dovecot mbsync; do
	command -v $t >/dev/null || { echo "bench: $t is not installed (tests/deps.sh test)" >&2; exit 1; }
done
[ -x "$BUILD/tests/measure" ] || make -s "$BUILD/tests/measure" >/dev/null
MD=$ROOT/tests/$(tests/fetch-data.sh)
FIX=$ROOT/tests/fixtures/mailserver
W=$("$FIX/statedir.sh" va-syncbench) # /dev/shm when it has room
trap '"$FIX/stop.sh" "$W/ms"; rm -rf "$W"' EXIT
"$FIX/start.sh" "$W/ms" >/dev/null
. "$W/ms/env"
U=alice@example.test
BOX=$MS_MAIL/example.test/alice/Maildir
mkdir -p "$BOX/cur" "$BOX/new" "$BOX/tmp"
cp "$MD"/cur/* "$BOX/cur/"
chown -R nobody:nogroup "$MS_MAIL"
doveadm -c "$MS_CONF" index -u $U INBOX
N=$(doveadm -c "$MS_CONF" search -u $U mailbox INBOX all | wc -l)

# mbsync 1.4 does not match IP addresses in certificates: it dials "localhost"
# (127.0.0.1 here, which the certificate also names)
if [ "$TRANSPORT" = tls ]; then PORT=$MS_IMAPS_PORT VTLS=implicit MTLS=IMAPS MHOST=localhost
else PORT=$MS_IMAP_PORT VTLS=none MTLS=None MHOST=127.0.0.1; fi
export HOME=$W/home XDG_CONFIG_HOME=$W/cfg XDG_DATA_HOME=$W/data VA_PASSPHRASE_FILE=$W/pass
mkdir -p "$HOME" "$XDG_CONFIG_HOME/va"
printf 'bench passphrase\n' >"$W/pass"
printf 'alice-pass\n' >"$W/pw"
chmod 600 "$W/pass" "$W/pw"
cat >"$XDG_CONFIG_HOME/va/va.conf" <<C
[secrets]
backend = file

[account work]
type = imap
email = $U
imap_host = 127.0.0.1
imap_port = $PORT
imap_tls = $VTLS
ca_file = $MS_CA
folders = INBOX
C
mkdir -p "$W/cfg0/va"
sed 's/^backend = file$/backend = file\ncache = 0/' "$XDG_CONFIG_HOME/va/va.conf" >"$W/cfg0/va/va.conf"
cat >"$W/mbsyncrc" <<C
FSync no

IMAPAccount test
Host $MHOST
Port $PORT
User $U
PassCmd "cat $W/pw"
SSLType $MTLS
CertificateFile $MS_CA
AuthMechs LOGIN

IMAPStore remote
Account test

MaildirStore local
Path $W/mb/
Inbox $W/mb/INBOX

Channel inbox
Far :remote:INBOX
Near :local:INBOX
Create Near
Sync Pull
SyncState *
C

va_login() { rm -rf "$XDG_DATA_HOME"; "$BUILD/tests/measure" "$VA" account login work --password-stdin <"$W/pw" 2>/dev/null; }
va_sync() { "$BUILD/tests/measure" "$VA" -q sync work --fetch-only; } # mbsync neither classifies nor runs rules
va_sync_cold() { rm -f "$XDG_DATA_HOME"/va/va.db*; XDG_CONFIG_HOME=$W/cfg0 va_sync; }
mb_fresh() { rm -rf "$W/mb"; mkdir -p "$W/mb"; }
mb_sync() { "$BUILD/tests/measure" mbsync -q -c "$W/mbsyncrc" inbox 2>>"$W/mbsync.err"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}
function mf_c(x) { return x > 0 ? x : 1 }'; }

va_login >/dev/null; va_sync >/dev/null
mb_fresh; mb_sync >/dev/null
for f in login vfull vnone vcold mfull mnone import; do : >"$W/$f.txt"; done
for _ in $(seq "$RUNS"); do
	va_login >>"$W/login.txt"
	va_sync >>"$W/vfull.txt"
	sleep 1.1
	va_sync >>"$W/vnone.txt"
	va_sync_cold >>"$W/vcold.txt"
	mb_fresh
	mb_sync >>"$W/mfull.txt"
	sleep 1.1 # mbsync waits for the clock to tick past a Maildir it just wrote
	mb_sync >>"$W/mnone.txt"
	rm -rf "$W/imp"
	"$BUILD/tests/measure" "$VA" --data-dir "$W/imp" -q import "$MD" >>"$W/import.txt"
done
grep -v "status=0" "$W"/{login,vfull,vnone,vcold,mfull,mnone}.txt && { echo "bench: a run failed" >&2; cat "$W/mbsync.err" >&2; exit 1; }
[ "$(sqlite3 "$XDG_DATA_HOME/va/va.db" 'SELECT count(*) FROM messages' 2>/dev/null || echo "$N")" = "$N" ] ||
	{ echo "bench: va did not store every message" >&2; exit 1; }
[ "$(ls "$W/mb/INBOX/cur" "$W/mb/INBOX/new" | grep -c .)" -ge "$N" ] ||
	{ echo "bench: mbsync did not store every message" >&2; exit 1; }
m() { field "$1" <"$W/$2.txt" | median; }
awk -v n="$N" -v runs="$RUNS" -v tr="$TRANSPORT" -v cpus="$(nproc)" \
	-v vf="$(m wall_ms vfull)" -v vn="$(m wall_ms vnone)" -v mf="$(m wall_ms mfull)" -v mn="$(m wall_ms mnone)" \
	-v vfk="$(m maxrss_kb vfull)" -v vnk="$(m maxrss_kb vnone)" -v mfk="$(m maxrss_kb mfull)" \
	-v mnk="$(m maxrss_kb mnone)" -v lg="$(m wall_ms login)" -v im="$(m wall_ms import)" \
	-v vc="$(m wall_ms vcold)" -v vck="$(m maxrss_kb vcold)" \
	-v vfc="$(m cpu_ms vfull)" -v mfc="$(m cpu_ms mfull)" -v vnc="$(m cpu_ms vnone)" -v mnc="$(m cpu_ms mnone)" \
	-v imc="$(m cpu_ms import)" 'BEGIN {
	printf "IMAP sync of %d SpamAssassin messages from dovecot on 127.0.0.1 (%s), median of %d runs, %d CPUs\n", n, tr, runs, cpus
	printf "%-30s %10s %12s %12s %10s\n", "", "wall ms", "messages/s", "peak RSS MB", "CPU ms"
	printf "%-30s %10.0f %12.0f %12.1f %10.0f\n", "va full sync", vf, n / (vf / 1000), vfk / 1024, vfc
	printf "%-30s %10.0f %12.0f %12.1f %10.0f\n", "mbsync full sync (1.4.4)", mf, n / (mf / 1000), mfk / 1024, mfc
	printf "%-30s %10.0f %12s %12.1f %10.0f\n", "va no-change sync", vn, "-", vnk / 1024, vnc
	printf "%-30s %10.0f %12s %12.1f %10.0f\n", "mbsync no-change sync", mn, "-", mnk / 1024, mnc
	printf "%-30s %10.0f %12.0f %12.1f\n", "va full sync, cold key", vc, n / (vc / 1000), vck / 1024
	printf "%-30s %10.0f\n", "va: secrets unlock alone", lg
	printf "%-30s %10.0f %12s %12s %10.0f\n", "va import, same Maildir", im, "", "", imc
	printf "ratio va/mbsync wall time: full %.2fx (cold key %.2fx), no-change %.2fx\n", vf / mf, vc / mf, vn / mn
	printf "ratio va/mbsync CPU time (user + system, all threads): full %.2fx, no-change %.2fx\n", vfc / mf_c(mfc), vnc / mf_c(mnc)
	printf "CPU ms / wall ms: va full %.2f (parse, store and index run on parallel threads), mbsync full %.2f (it waits on the server)\n", vfc / vf, mfc / mf
	printf "targets: full <= mbsync: %s; no-change <= mbsync: %s\n", (vf <= mf) ? "met" : "NOT met", (vn <= mn) ? "met" : "NOT met"
}
function mf_c(x) { return x > 0 ? x : 1 }'
