#!/bin/bash
# test_send_attach: `va send --attach` through the real submission path
# (dovecot's submission service relaying to OpenSMTPD, LMTP into dovecot),
# read back over IMAP.  Two files: one with every byte value, one with a
# UTF-8 name.  The received message is taken apart by Python's email package
# (multipart/mixed, the text first, file names decoded from RFC 2231, bytes
# identical after base64) and by va itself; the copy in Sent has the files
# too.  Then the refusals: a missing file, a directory, an unreadable file and
# files over [send] max_attachments each stop the message before the editor
# opens and before anything is sent.
# Takes the machine-wide MTA lock (/tmp/va-mta.lock): one OpenSMTPD per machine.
. "$(dirname "$0")/lib.sh"

FIX=$ROOT/tests/fixtures/mailserver
for tool in dovecot smtpd jq python3; do
	if ! command -v $tool >/dev/null; then
		skip "send --attach" "$tool is not installed (tests/deps.sh test)"
		done_testing
		exit 0
	fi
done
if ! ls -l /proc/$$/fd 2>/dev/null | grep -q ' -> /tmp/va-mta.lock$'; then
	exec 9>/tmp/va-mta.lock
	flock 9
fi
MS=$("$FIX/statedir.sh" va-attach)
trap '"$FIX/stop.sh" "$MS"; rm -rf "$T"' EXIT
"$FIX/start.sh" "$MS" --mta >/dev/null 2>"$T/start.err"
case $? in
0) ;;
3) skip "send --attach" "$(cat "$T/start.err")"; done_testing; exit 0 ;;
*) fail "start dovecot and OpenSMTPD" "$(cat "$T/start.err")"; done_testing; exit 1 ;;
esac
. "$MS/env"

printf 'attach test passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
CONF=$XDG_CONFIG_HOME/va/va.conf
mkdir -p "$XDG_CONFIG_HOME/va"
write_conf() { # [MAX_ATTACHMENTS]
	cat >"$CONF" <<C
[secrets]
backend = file
${1:+
[send]
max_attachments = $1
}
[account work]
type = imap
email = alice@example.test
imap_host = 127.0.0.1
imap_port = $MS_IMAPS_PORT
smtp_host = 127.0.0.1
smtp_port = $MS_SUBMISSION_PORT
smtp_tls = starttls
ca_file = $MS_CA

[account bob]
type = imap
email = bob@example.test
imap_host = 127.0.0.1
imap_port = $MS_IMAPS_PORT
ca_file = $MS_CA
C
}
write_conf
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

# The files: every byte value five times over (1,280 bytes: 23 base64 lines),
# and a text file whose name needs RFC 2231.
mkdir -p "$T/files"
BIN=$T/files/all-bytes.bin
UNAME='Résumé été — 日本語 notes.txt'
UTF=$T/files/$UNAME
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 5)' >"$BIN"
printf 'Grüße,\nthis file has a UTF-8 name.\n' >"$UTF"
printf 'Hello Bob,\n\nthe two files are attached.\n' >"$T/body"

run "$VA" --json send --to bob@example.test --subject "two files" --body-file "$T/body" \
	--attach "$BIN" --attach "$UTF"
is "send with two attachments" "$RC" 0
MID=$(jget .message_id)
is "  ... --json lists the files: name, type, size" \
	"$(jget '[.attachments[] | "\(.name)|\(.type)|\(.size)"] | join(" / ")')" \
	"all-bytes.bin|application/octet-stream|1280 / $UNAME|text/plain; charset=utf-8|37"
is "  ... a copy saved to Sent" "$(jget .saved_to)" Sent
check "  ... delivered through OpenSMTPD and LMTP" wait_mail 1

run "$VA" --json sync bob
is "recipient syncs it over IMAP" "$RC $(jget .fetched)" "0 1"
run "$VA" --json list --account bob
ID=$(jget '.[0].id')
is "  ... same Message-ID" "$(jget '.[0].message_id')" "$MID"
run "$VA" --json show "$ID"
is "va reads back both attachments, names decoded" \
	"$(jget '[.attachments[] | "\(.filename)|\(.type)|\(.size)"] | join(" / ")')" \
	"all-bytes.bin|application/octet-stream|1280 / $UNAME|text/plain|37"
like "  ... and the text" "$(jget .body)" "the two files are attached."
"$VA" show "$ID" --raw >"$T/received.eml"

# Python's email package: structure, decoded names, identical bytes.
cat >"$T/check.py" <<'PY'
import sys, email, email.policy
raw = open(sys.argv[1], "rb").read()
files = sys.argv[2:]
m = email.message_from_bytes(raw, policy=email.policy.default)
out = []
out.append(m.get_content_type())
parts = list(m.iter_parts())
out.append(str(len(parts)))
out.append(parts[0].get_content_type() + " " + str(parts[0].get_content_disposition()))
out.append("text ok" if "the two files are attached." in parts[0].get_content() else "text wrong")
for p, path in zip(parts[1:], files):
    want = open(path, "rb").read()
    name = path.rsplit("/", 1)[1]
    got = p.get_payload(decode=True)
    out.append("%s %s %s %s" % (p.get_content_disposition(), p["Content-Transfer-Encoding"],
               "name ok" if p.get_filename() == name else "name %r" % p.get_filename(),
               "bytes ok" if got == want else "bytes differ (%d vs %d)" % (len(got), len(want))))
lines = [l for l in raw.split(b"\r\n") if l and all(c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=" for c in l)]
out.append("b64 lines <= 76: %s, full ones: %d" % (all(len(l) <= 76 for l in lines), sum(len(l) == 76 for l in lines)))
out.append("longest line %s 78" % ("<=" if max(len(l) for l in raw.split(b"\r\n")) <= 78 else ">"))
print("\n".join(out))
PY
run python3 "$T/check.py" "$T/received.eml" "$BIN" "$UTF"
is "Python's email package agrees" "$OUT" "multipart/mixed
3
text/plain None
text ok
attachment base64 name ok bytes ok
attachment base64 name ok bytes ok
b64 lines <= 76: True, full ones: 22
longest line <= 78"
B=$(sed -n 's/^ boundary="\(.*\)"\r$/\1/p' "$T/received.eml" | head -1)
check "  ... the boundary ($B) occurs only as delimiters" \
	test "$(grep -c -F -- "$B" "$T/received.eml")" -eq 5
like "  ... the UTF-8 name as RFC 2231" "$(tr -d '\r' <"$T/received.eml")" \
	"filename*0*=utf-8''R%C3%A9sum%C3%A9%20%C3%A9t%C3%A9%20%E2%80%94%20"
# base64 -d on the raw part gives the very file back too
python3 - "$T/received.eml" >"$T/part.b64" <<'PY'
import sys, email
m = email.message_from_bytes(open(sys.argv[1], "rb").read())
sys.stdout.write(m.get_payload()[1].get_payload())
PY
check "  ... base64 -d of the first file's part is byte-identical" \
	bash -c "tr -d '\\r' <'$T/part.b64' | base64 -d | cmp -s - '$BIN'"

run "$VA" --json sync work
run "$VA" --json list --account work --folder Sent
is "the Sent copy carries the files" "$(jget '.[0].message_id') $(jget '.[0].attachment_count')" "$MID 2"

# Refusals: nothing sent, and the editor is never opened.
printf '#!/bin/sh\ntouch "%s"\necho body >"$1"\n' "$T/editor-ran" >"$T/editor"
chmod +x "$T/editor"
export EDITOR=$T/editor VISUAL=
refused() { # DESC WANT ARGS...
	local desc=$1 want=$2
	shift 2
	rm -f "$T/editor-ran"
	run "$VA" send --to bob@example.test --subject refused "$@"
	is "$desc" "$RC $ERR" "1 $want"
	check "  ... before the editor opened" test ! -e "$T/editor-ran"
}
refused "a missing file is refused, named" "va: cannot send: cannot attach \"$T/files/nope.pdf\": no such file" \
	--attach "$BIN" --attach "$T/files/nope.pdf"
refused "a directory is refused" "va: cannot send: cannot attach \"$T/files\": it is a directory" \
	--attach "$T/files"
if [ "$(id -u)" -ne 0 ]; then
	cp "$BIN" "$T/locked.bin"
	chmod 000 "$T/locked.bin"
	refused "an unreadable file is refused" \
		"va: cannot send: cannot attach \"$T/locked.bin\": permission denied" --attach "$T/locked.bin"
else
	skip "an unreadable file is refused" "root reads every file"
fi
write_conf 1k
refused "a file over [send] max_attachments is refused" \
	"va: cannot send: cannot attach \"$BIN\": it is 1.2 kB, more than [send] max_attachments (1.0 kB)" \
	--attach "$BIN"
refused "files over the cap together are refused" \
	"va: cannot send: cannot attach 2 files of 1.3 kB together: more than [send] max_attachments (1.0 kB)" \
	--attach "$UTF" --attach "$BIN"
write_conf 2k
run "$VA" send --to bob@example.test --subject "under the cap" --body-file "$T/body" --attach "$BIN"
is "under the cap it goes" "$RC" 0
check "  ... delivered" wait_mail 2
sleep 0.3
is "nothing else was delivered" "$(bob_count)" 2
done_testing
