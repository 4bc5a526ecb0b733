#!/bin/bash
# test_smtp: `va send` through a real submission path on 127.0.0.1: dovecot's
# submission service (AUTH, STARTTLS and implicit TLS) relaying to OpenSMTPD,
# which delivers into dovecot over LMTP; the message is read back from the
# recipient's INBOX over IMAP (`va sync`) and from the sender's Sent folder.
# Only one OpenSMTPD can run per machine: this is the only test that starts one.
. "$(dirname "$0")/lib.sh"

FIX=$ROOT/tests/fixtures/mailserver
for tool in dovecot smtpd jq; do
	if ! command -v $tool >/dev/null; then
		skip "smtp" "$tool is not installed (tests/deps.sh test)"
		done_testing
		exit 0
	fi
done
# The machine-wide MTA lock, unless a parent (flock /tmp/va-mta.lock ...) holds it for us.
if ! ls -l /proc/$$/fd 2>/dev/null | grep -q ' -> /tmp/va-mta.lock$'; then
	exec 9>/tmp/va-mta.lock
	flock 9
fi
MS=$("$FIX/statedir.sh" va-smtp)
trap '"$FIX/stop.sh" "$MS"; rm -rf "$T"' EXIT
"$FIX/start.sh" "$MS" --mta >/dev/null 2>"$T/start.err"
case $? in
0) ;;
3) skip "smtp" "$(cat "$T/start.err")"; done_testing; exit 0 ;;
*) fail "start dovecot and OpenSMTPD" "$(cat "$T/start.err")"; done_testing; exit 1 ;;
esac
. "$MS/env"

printf 'smtp test passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
CONF=$XDG_CONFIG_HOME/va/va.conf
mkdir -p "$XDG_CONFIG_HOME/va"
write_conf() { # SMTP_PORT SMTP_TLS CA
	cat >"$CONF" <<C
[secrets]
backend = file

[account work]
type = imap
email = alice@example.test
name = Alice Ünal
imap_host = 127.0.0.1
imap_port = $MS_IMAPS_PORT
smtp_host = 127.0.0.1
smtp_port = $1
smtp_tls = $2
ca_file = $3

[account bob]
type = imap
email = bob@example.test
imap_host = 127.0.0.1
imap_port = $MS_IMAPS_PORT
ca_file = $MS_CA
C
}
write_conf "$MS_SUBMISSION_PORT" starttls "$MS_CA"
"$VA" account login work --password-stdin <<<"alice-pass" 2>/dev/null
"$VA" account login bob --password-stdin <<<"bob-pass" 2>/dev/null
BOBMD=$MS_MAIL/example.test/bob/Maildir
bob_count() { find "$BOBMD/new" "$BOBMD/cur" -type f 2>/dev/null | wc -l; }
wait_mail() { # N: wait until bob has N messages
	for _ in $(seq 100); do
		[ "$(bob_count)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
jget() { printf '%s' "$OUT" | jq -r "$1"; }

SUBJECT='Grüße aus va — a subject long enough to be folded into several encoded words'
printf 'Hello Bob,\n.a line that starts with a dot\n.\nand a lone dot above\n' >"$T/body"
run "$VA" --json send --to bob@example.test --subject "$SUBJECT" --body-file "$T/body"
is "send over STARTTLS with AUTH" "$RC" 0
MID=$(jget .message_id)
is "  ... a copy saved to Sent" "$(jget .saved_to)" Sent
check "  ... delivered through OpenSMTPD and LMTP" wait_mail 1

run "$VA" --json sync bob
is "recipient syncs the message over IMAP" "$RC $(jget .fetched)" "0 1"
run "$VA" --json list --account bob
is "  ... subject decoded from RFC 2047" "$(jget '.[0].subject')" "$SUBJECT"
is "  ... same Message-ID" "$(jget '.[0].message_id')" "$MID"
is "  ... sender with its display name" "$(jget '.[0].from.name') <$(jget '.[0].from.address')>" \
	"Alice Ünal <alice@example.test>"
ID=$(jget '.[0].id')
RAW=$("$VA" show "$ID" --raw | tr -d '\r')
like "  ... Date header" "$RAW" "Date: "
like "  ... MIME-Version header" "$RAW" "MIME-Version: 1.0"
like "  ... dot-stuffing undone: the dotted lines arrive intact" "$RAW" \
	$'\n.a line that starts with a dot\n.\nand a lone dot above'

run "$VA" --json sync work
run "$VA" --json list --account work --folder Sent
is "sender's Sent folder has the copy" "$(jget '.[0].message_id')" "$MID"
run "$VA" --json audit list
is "the audit log records the send, with its Message-ID and recipient" \
	"$(jq -r '[.[] | select(.kind == "send")][0] | [.target.message_id, .target.to[0]] | join(" ")' <<<"$OUT")" "$MID bob@example.test"

write_conf "$MS_SUBMISSIONS_PORT" implicit "$MS_CA"
printf 'ASCII only.\n' >"$T/body2"
run "$VA" send --to bob@example.test --subject plain --body-file "$T/body2"
is "send over implicit TLS" "$RC" 0
check "  ... delivered" wait_mail 2

write_conf "$MS_SUBMISSIONS_PORT" implicit "$MS_OTHER_CA"
run "$VA" send --to bob@example.test --subject refused --body-file "$T/body2"
like "a certificate from another CA is refused" "$RC $ERR" \
	"1 va: cannot send the message: the certificate of 127.0.0.1 was refused: the certificate issuer is unknown"

write_conf "$MS_SUBMISSION_PORT" starttls "$MS_CA"
"$VA" account login work --password-stdin <<<"wrong-pass" 2>/dev/null
run "$VA" --json send --to bob@example.test --subject nope --body-file "$T/body2"
like "wrong password: a clear error" "$RC $ERR" "1 va: cannot send the message: cannot log in to 127.0.0.1 as \"alice@example.test\""
run "$VA" send --to not-an-address --subject x --body-file "$T/body2"
is "a bad address is a usage error" "$RC" 2
sleep 0.3
is "nothing more was delivered" "$(bob_count)" 2
# the relay (OpenSMTPD) gone: dovecot answers 4xx, va tries three times, then reports
"$VA" account login work --password-stdin <<<"alice-pass" 2>/dev/null
kill "$(cat "$MS/run/smtpd.pid")"
S=$(date +%s%N)
run "$VA" send --to bob@example.test --subject later --body-file "$T/body2"
TOOK=$((($(date +%s%N) - S) / 1000000))
like "a 4xx answer is reported with the server's words" "$RC $ERR" "1 va: cannot send the message: "
like "  ... (a temporary failure)" "$ERR" 'the server said "4'
check "  ... after retrying with backoff (${TOOK} ms)" test "$TOOK" -ge 2900
check "the password is in no database, config or log" \
	bash -c "! grep -rqa -e alice-pass -e bob-pass '$XDG_DATA_HOME' '$XDG_CONFIG_HOME' '$XDG_STATE_HOME'"
done_testing
