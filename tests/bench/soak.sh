#!/bin/bash
# soak.sh: the daemon under load, as issue 11 asks.  A private dovecot and
# OpenSMTPD on 127.0.0.1; `va daemon` for alice with an IMAP account, IDLE,
# the local classifier, an auto rule (label every message) and an auto-reply
# rule (an approved template, auto_send on, no delay, limits lifted).  A
# generator delivers RATE messages a minute through the MTA for DURATION
# seconds, each from a different sender (so every one may be answered once).
# Every 10 s the daemon's RSS and open file descriptors are sampled.
#
# Printed at the end: messages delivered by the MTA, stored by va, classified,
# labelled by the rule; replies sent and replies that reached the sink;
# lost and duplicated (stored twice, answered twice); p50/p99/max from the
# generator's send time to va's classification (seconds, va stores whole
# seconds); RSS and fds at start, a third into the load, at the end and after 35 s
# idle (idle workers give memory back after 30 s); errors in the log.
#
#   DURATION=1800 RATE=1000 tests/bench/soak.sh     (the issue's figures: 30 min)
#   DURATION=180 tests/bench/soak.sh                (a 3-minute look)
# Not part of the test suite.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
DURATION=${DURATION:-180}
RATE=${RATE:-1000}
VA=${VA:-./va}
case $VA in /*) ;; *) VA="$ROOT/${VA#./}" ;; esac
for t in dovecot smtpd python3 sqlite3 jq; do
	command -v $t >/dev/null || { echo "soak: $t is not installed (tests/deps.sh test)" >&2; exit 1; }
done
FIX=$ROOT/tests/fixtures/mailserver
T=$(mktemp -d /tmp/va-soak.XXXXXX)
MS=$("$FIX/statedir.sh" va-soak)
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_DATA_HOME=$T/data XDG_STATE_HOME=$T/state
export VA_SHARE_DIR=$ROOT/share TZ=UTC LC_ALL=C.UTF-8
mkdir -p "$HOME" "$XDG_CONFIG_HOME/va/rules" "$XDG_CONFIG_HOME/va/templates"
cleanup() {
	"$VA" -q daemon stop >/dev/null 2>&1 || true
	[ -n "${GEN:-}" ] && kill "$GEN" 2>/dev/null || true
	"$FIX/stop.sh" "$MS"
	rm -rf "$T" "$MS"
}
trap cleanup EXIT
[ -n "${SOAK_KEEP:-}" ] && trap - EXIT
exec 9>/tmp/va-mta.lock
flock 9
"$FIX/start.sh" "$MS" --mta >/dev/null
. "$MS/env"

printf 'soak passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE=$T/pass
cat >"$XDG_CONFIG_HOME/va/va.conf" <<C
[secrets]
backend = file

[replies]
auto_send = on
delay = 0s
daily_limit = 1000000
per_sender_days = 1

[scheduler]
sync_every = 1m

[account work]
type = imap
email = alice@example.test
name = Alice Martin
imap_host = 127.0.0.1
imap_port = $MS_IMAPS_PORT
smtp_host = 127.0.0.1
smtp_port = $MS_SUBMISSION_PORT
smtp_tls = starttls
ca_file = $MS_CA
C
cat >"$XDG_CONFIG_HOME/va/rules/soak.json" <<'J'
[{"name": "label all", "trigger": "received", "mode": "auto",
  "when": {"field": "subject", "op": "wildcard", "value": "soak *"},
  "then": [{"action": "label", "value": "soaked"}]},
 {"name": "answer all", "trigger": "classified", "mode": "auto",
  "when": {"field": "subject", "op": "wildcard", "value": "soak *"},
  "then": [{"action": "reply", "template": "soak-ack"}]}]
J
printf 'subject: Re: {{subject}}\nauto: true\n\nThanks, {{sender.name}}.\n' >"$XDG_CONFIG_HOME/va/templates/soak-ack.tmpl"
"$VA" account login work --password-stdin <<<"alice-pass" 2>/dev/null
"$VA" -q templates approve soak-ack
"$VA" -q sync work
"$VA" -q daemon start
PID=$(cat "$XDG_DATA_HOME/va/daemon.pid")
sample() { # RSS_KB FDS
	echo "$(awk '/VmRSS/ {print $2}' /proc/$PID/status) $(ls /proc/$PID/fd | wc -l)"
}
sleep 2
START=$(sample)

# the generator: RATE a minute, one sender each, the send time in a header
python3 - "$MS_MTA_PORT" "$RATE" "$DURATION" "$T/sent" <<'PY' &
import smtplib, sys, time
port, rate, duration, log = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
gap, n, t0 = 60.0 / rate, 0, time.time()
s = smtplib.SMTP("127.0.0.1", port)
with open(log, "w") as out:
    while time.time() - t0 < duration:
        due = t0 + n * gap
        if due > time.time():
            time.sleep(due - time.time())
        n += 1
        sender = "sender%d@elsewhere.test" % n
        now = time.time()
        msg = ("From: Sender %d <%s>\r\nTo: alice@example.test\r\nSubject: soak %d\r\n"
               "Message-ID: <soak-%d@elsewhere.test>\r\nX-Soak-Sent: %.3f\r\n"
               "Date: %s\r\n\r\nMessage %d of the soak.\r\n") % (
               n, sender, n, n, now, time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(now)), n)
        try:
            s.sendmail(sender, ["alice@example.test"], msg)
        except smtplib.SMTPException:
            s = smtplib.SMTP("127.0.0.1", port)
            s.sendmail(sender, ["alice@example.test"], msg)
        out.write("%d %.3f\n" % (n, now))
s.quit()
PY
GEN=$!
: >"$T/samples"
WARM=
while kill -0 "$GEN" 2>/dev/null; do
	sample >>"$T/samples"
	[ -z "$WARM" ] && [ "$(wc -l <"$T/samples")" -ge 4 ] && WARM=$(sample)
	sleep 10
done
WARM=${WARM:-$START}
GEN=
SENT=$(wc -l <"$T/sent")
DB=$XDG_DATA_HOME/va/va.db
q() { sqlite3 -cmd ".timeout 10000" "$DB" "$1"; }
# drain: wait until everything delivered is stored, classified and answered (at most 5 min)
for _ in $(seq 300); do
	stored=$(q "SELECT COUNT(DISTINCT message_id) FROM messages WHERE subject GLOB 'soak *'")
	answered=$(q "SELECT COUNT(*) FROM reply_log WHERE state = 'sent'")
	[ "$stored" -ge "$SENT" ] && [ "$answered" -ge "$SENT" ] && break
	sleep 1
done
END=$(sample)
sleep 35 # the last replies reach the sink; idle workers give memory back after 30 s
IDLE=$(sample)
"$VA" -q daemon stop

ALICE=$MS_MAIL/example.test/alice/Maildir
delivered=$(grep -l '^Subject: soak ' -r "$ALICE/cur" "$ALICE/new" 2>/dev/null | wc -l)
stored=$(q "SELECT COUNT(*) FROM messages WHERE subject GLOB 'soak *'")
distinct=$(q "SELECT COUNT(DISTINCT message_id) FROM messages WHERE subject GLOB 'soak *'")
classified=$(q "SELECT COUNT(*) FROM messages WHERE subject GLOB 'soak *' AND classified_at IS NOT NULL")
labelled=$(q "SELECT COUNT(*) FROM messages WHERE subject GLOB 'soak *' AND ' ' || keywords || ' ' LIKE '% soaked %'")
replies=$(q "SELECT COUNT(*) FROM reply_log WHERE state = 'sent'")
dupe_rows=$(q "SELECT COUNT(*) FROM (SELECT message_id FROM reply_log WHERE state = 'sent' GROUP BY message_id HAVING COUNT(*) > 1)")
sink=$(grep -rh '^In-Reply-To:' "$MS/sink" 2>/dev/null | wc -l)
sink_dupes=$(grep -rh '^In-Reply-To:' "$MS/sink" 2>/dev/null | sort | uniq -d | wc -l)
errors=$(grep -c ' error ' "$XDG_STATE_HOME/va/va.log" || true)
# latency: generator's send time to va's classification, per message
q "SELECT CAST(substr(subject, 6) AS INTEGER), classified_at FROM messages WHERE subject GLOB 'soak *' AND classified_at IS NOT NULL" |
	tr '|' ' ' >"$T/classified"
lat=$(awk 'NR == FNR {sent[$1] = $2; next} ($1 in sent) {d = $2 - sent[$1]; if (d < 0) d = 0; print d}' \
	"$T/sent" "$T/classified" | sort -n | awk '{v[NR] = $1} END {if (!NR) {print "- - -"; exit}
	i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
	printf "%.1f %.1f %.1f", v[i50], v[i99], v[NR]}')
read -r rss0 fd0 <<<"$START"
read -r rss1 fd1 <<<"$END"
read -r rssw fdw <<<"$WARM"
read -r rssi fdi <<<"$IDLE"
maxrss=$(awk 'BEGIN {m = 0} $1 > m {m = $1} END {print m}' "$T/samples")
# steady state: the samples of the last two thirds of the load (caches warm)
read -r rss3 steady <<<"$(awk '{v[NR] = $1} END {f = int(NR / 3) + 1; lo = hi = v[f]
	for (i = f; i <= NR; i++) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
	printf "%d %d-%d", v[f], lo, hi}' "$T/samples")"

pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.1f%%", (b - a) * 100 / a}'; } # FROM TO

printf 'soak: %d s at %d messages/minute (va %s, %d CPUs, machine shared: figures are indicative)\n' \
	"$DURATION" "$RATE" "$("$VA" --version | head -1)" "$(nproc)"
printf '%-44s %s\n' "sent by the generator" "$SENT" \
	"delivered into INBOX by the MTA" "$delivered" \
	"stored by va (rows / distinct Message-IDs)" "$stored / $distinct" \
	"classified (a verdict, or unsure)" "$classified" \
	"labelled by the auto rule" "$labelled" \
	"replies sent (reply log)" "$replies" \
	"replies that reached the sink" "$sink" \
	"delivered, not stored by the end of the drain" "$((delivered - distinct))" \
	"duplicated messages (rows - distinct)" "$((stored - distinct))" \
	"duplicate replies (log / sink)" "$dupe_rows / $sink_dupes" \
	"send -> classified, s (p50 p99 max)" "$lat" \
	"daemon RSS KB (start -> end, max)" "$rss0 -> $rss1 ($(pct "$rss0" "$rss1"), max $maxrss)" \
	"daemon RSS KB after 30 s of load -> end" "$rssw -> $rss1 ($(pct "$rssw" "$rss1"))" \
	"daemon RSS KB a third into the load -> end" "$rss3 -> $rss1 ($(pct "$rss3" "$rss1"); last two thirds $steady)" \
	"daemon RSS KB start -> 35 s idle after the end" "$rss0 -> $rssi ($(pct "$rss0" "$rssi"))" \
	"daemon open fds (start -> end, 35 s idle)" "$fd0 -> $fd1, $fdi" \
	"errors in va.log" "$errors"
