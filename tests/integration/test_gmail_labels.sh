#!/bin/bash
# test_gmail_labels: va's labels are Gmail labels on a server that offers
# X-GM-EXT-1.  dovecot has no X-GM-LABELS, so tests/fixtures/gmail_imap.py
# stands in for Gmail (implicit TLS with the test CA, certificate checked);
# it logs every command it receives, so the checks are on the wire traffic:
# sync fetches X-GM-LABELS with the flags, and labelling, unlabelling and undo
# in va become UID STORE +/-X-GM-LABELS with names quoted (spaces) and in
# modified UTF-7 (non-ASCII), never keywords; '$' keywords stay keywords.
# A second client (Python's imaplib) changes labels on the server, and the
# next sync brings them into va.
. "$(dirname "$0")/lib.sh"

for tool in python3 openssl jq; do
	if ! command -v $tool >/dev/null; then
		skip "gmail labels" "$tool is not installed (tests/deps.sh test)"
		done_testing
		exit 0
	fi
done
"$ROOT/tests/fixtures/mailserver/tls.sh" "$T/tls"
S=$T/gmail
mkdir -p "$S/messages"
cat >"$S/messages/01.eml" <<'M'
X-Test-Labels: "\\Important" Work "Project Alpha" R&AOk-union
From: Bob <bob@example.test>
To: alice@gmail.test
Subject: first
Message-ID: <m1@example.test>
Date: Mon, 23 Nov 2026 10:00:00 +0000

hello one
M
cat >"$S/messages/02.eml" <<'M'
From: Carol <carol@example.test>
To: alice@gmail.test
Subject: second
Message-ID: <m2@example.test>
Date: Mon, 23 Nov 2026 11:00:00 +0000

hello two
M
python3 "$ROOT/tests/fixtures/gmail_imap.py" "$T/tls/cert.pem" "$T/tls/key.pem" "$S" \
	>"$T/server.out" 2>"$T/server.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do grep -q PORT "$T/server.out" && break; sleep 0.1; done
PORT=$(awk '/PORT/ { print $2 }' "$T/server.out")
if [ -z "$PORT" ]; then
	fail "start the Gmail stand-in" "$(cat "$T/server.err")"
	done_testing
	exit 1
fi

printf 'gmail test passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
mkdir -p "$XDG_CONFIG_HOME/va"
cat >"$XDG_CONFIG_HOME/va/va.conf" <<C
[secrets]
backend = file

[account gm]
type = imap
email = alice@gmail.test
imap_host = 127.0.0.1
imap_port = $PORT
ca_file = $T/tls/ca.pem
folders = INBOX
C
"$VA" account login gm --password-stdin <<<"gmail-pass" 2>/dev/null
jget() { printf '%s' "$OUT" | jq -r "$1"; }
# the commands received since the mark, and a fresh mark
mark() { MARK=$(wc -l <"$S/log"); }
wire() { tail -n +$((MARK + 1)) "$S/log"; }
# a message's labels in va, by subject, with no-break spaces shown as "~"
labels() { "$VA" --json list --account gm | jq -r --arg s "$1" '.[] | select(.subject == $s) | .keywords | join(",")' | sed 's/\xc2\xa0/~/g'; }
# a message's labels on the server (state.json), by UID
server() { jq -r --arg u "$1" '.[$u].labels | join(",")' "$S/state.json"; }
touch "$S/log"
mark

run "$VA" --json sync gm
is "sync from the Gmail stand-in" "$RC $(jget .fetched) $(jget .error)" "0 2 null"
like "  ... X-GM-LABELS fetched with the flags and bodies" "$(wire)" \
	"UID FETCH 1:2 (UID FLAGS X-GM-LABELS BODY.PEEK[])"
is "  ... server labels become va labels (no system labels; UTF-7 decoded; spaces kept)" \
	"$(labels first)" "Work,Project~Alpha,Réunion"
is "  ... a message without labels has none" "$(labels second)" ""

ID1=$("$VA" --json list --account gm | jq -r '.[] | select(.subject == "first") | .id')
ID2=$("$VA" --json list --account gm | jq -r '.[] | select(.subject == "second") | .id')
mark
"$VA" -q act "$ID2" label Été
"$VA" -q act "$ID1" unlabel Work
run "$VA" --json sync gm
is "label and unlabel pushed" "$RC $(jget .pushed) $(jget .refused)" "0 2 0"
W=$(wire)
like "  ... a new label: +X-GM-LABELS in modified UTF-7" "$W" \
	'UID STORE 2 +X-GM-LABELS.SILENT ("&AMk-t&AOk-")'
like "  ... a removed label: -X-GM-LABELS" "$W" 'UID STORE 1 -X-GM-LABELS.SILENT (Work)'
like "  ... labels with a space quoted, with the space back" "$W" \
	'UID STORE 1 +X-GM-LABELS.SILENT ("Project Alpha" "R&AOk-union")'
unlike "  ... labels are never sent as keywords" "$(grep FLAGS <<<"$W")" "AMk"
unlike "  ... nor Work" "$(grep FLAGS <<<"$W")" "Work"
is "  ... the server has them" "$(server 1) / $(server 2)" \
	'\Important,Project Alpha,R&AOk-union / &AMk-t&AOk-'

mark
"$VA" -q undo
run "$VA" --json sync gm
is "undo of the unlabel puts the label back on the server" "$RC $(server 1)" \
	'0 \Important,Project Alpha,R&AOk-union,Work'
like "  ... by +X-GM-LABELS" "$(wire)" "+X-GM-LABELS.SILENT ("

mark
"$VA" -q act "$ID2" label '$Todo'
run "$VA" --json sync gm
like "a \$ keyword stays an IMAP keyword on Gmail" "$(wire)" 'UID STORE 2 +FLAGS.SILENT ($Todo)'
unlike "  ... not a label" "$(server 2)" 'Todo'

# a second client changes labels on the server
python3 - "$PORT" "$T/tls/ca.pem" <<'PY'
import imaplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
c = imaplib.IMAP4_SSL("127.0.0.1", int(sys.argv[1]), ssl_context=ctx)
c.login("alice@gmail.test", "gmail-pass")
c.select("INBOX")
c.uid("STORE", "2", "+X-GM-LABELS", '(Later "Big Plans")')
c.uid("STORE", "1", "-X-GM-LABELS", "(R&AOk-union)")
c.logout()
PY
run "$VA" --json sync gm
is "labels changed by another client: both messages updated" "$RC $(jget .updated) $(jget .pushed)" "0 2 0"
is "  ... added" "$(labels second)" '$Todo,Été,Later,Big~Plans'
is "  ... removed" "$(labels first)" "Project~Alpha,Work"
mark
run "$VA" --json sync gm
is "next sync: nothing to do" "$RC $(jget .updated) $(jget .pushed) $(jget .fetched)" "0 0 0 0"
unlike "  ... and nothing stored" "$(wire)" "STORE"
done_testing
