#!/bin/bash
# test_account: `va account add/list/remove` and the user's va.conf: add only
# appends a section (every other byte kept), remove cuts only that account's
# sections (comments of the next section stay), both keep the file's mode,
# follow a symlink, and refuse bad input without touching the file.  Also
# the encrypted-file backend through the CLI (wrong passphrase, no
# passphrase) and `va doctor`.
. "$(dirname "$0")/lib.sh"

CONF="$XDG_CONFIG_HOME/va/va.conf"
mkdir -p "$XDG_CONFIG_HOME/va"
printf '# my settings\n[ui]\ntheme = mono   # I like it\n\n[secrets]\nbackend = file\n; end\n' >"$CONF"
chmod 640 "$CONF"
cp "$CONF" "$T/orig"
printf 'account test passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
sum() { md5sum <"$CONF"; }

run "$VA" account add work --preset outlook --email sam@contoso.example --client-id 1234-abcd
is "add an outlook account" "$RC" 0
like "... and says what to do next" "$OUT" "va account login work"
is "the old bytes are kept as they were" "$(head -c "$(stat -c %s "$T/orig")" "$CONF" | md5sum)" "$(md5sum <"$T/orig")"
like "the section is appended" "$(cat "$CONF")" $'\n\n[account work]\ntype = imap\nemail = sam@contoso.example'
like "preset values come along" "$(cat "$CONF")" "oauth_device_url = https://login.microsoftonline.com/"
is "the file keeps its mode" "$(stat -c %a "$CONF")" 640
run "$VA" config check
is "va.conf still checks clean" "$RC" 0

M="$T/mail"
mkdir -p "$M/cur" "$M/new" "$M/tmp"
run "$VA" account add home --preset maildir --path "$M" --name "Sam Rivera" --email "sam@example.com"
is "add a maildir account" "$RC" 0
run "$VA" account add box --preset imap --email "a@example.com" --imap-host 127.0.0.1 \
	--imap-port 1 --imap-tls starttls --smtp-host 127.0.0.1 --username "a #1"
is "add an imap account" "$RC" 0
like "a value with a comment mark is quoted" "$(cat "$CONF")" 'username = "a #1"'
run "$VA" --json account list
is "list --json: the three accounts in file order" "$(jq -r 'map(.name) | join(",")' <<<"$OUT")" "work,home,box"
is "list --json: types" "$(jq -r 'map(.type) | join(",")' <<<"$OUT")" "imap,maildir,imap"
run "$VA" account list
like "list: text" "$OUT" "box              imap     a@example.com"
run "$VA" config check
is "va.conf still checks clean" "$RC" 0

before=$(sum)
for bad in "dup:work --preset imap --email x@y --imap-host h" \
	"name:bad/name --preset imap --email x@y --imap-host h" \
	"preset:z --preset nope" \
	"port:z --preset imap --email x@y --imap-host h --imap-port 99999" \
	"tls:z --preset imap --email x@y --imap-host h --imap-tls maybe" \
	"missing:z --preset imap --email x@y" \
	"nopreset:z --email x@y"; do
	# shellcheck disable=SC2086
	run "$VA" account add ${bad#*:}
	is "refused (${bad%%:*}): exit 1 or 2" "$(( RC == 1 || RC == 2 ))" 1
done
like "the port error is clear" "$(OUT=; "$VA" account add z --preset imap --email x@y --imap-host h --imap-port 99999 2>&1)" \
	'cannot add account "z": account.imap_port: "99999" is not a valid port'
like "the missing host error is clear" "$(OUT=; "$VA" account add z --preset imap --email x@y 2>&1)" \
	"an imap account needs --imap-host"
is "refusals leave the file untouched" "$(sum)" "$before"

# --- secrets in the encrypted file through the CLI ---
run "$VA" account login box --password-stdin <<<"box-pass-5e1d"
is "login box --password-stdin (file backend)" "$RC" 0
is "secrets file is 0600" "$(stat -c %a "$XDG_DATA_HOME/va/secrets.enc")" 600
run "$VA" doctor
like "doctor: password stored" "$OUT" "password stored"
like "doctor: work is not signed in" "$OUT" 'fail  account work       account "work" is not signed in'
like "doctor: the server check names what failed" "$OUT" 'fail  account box        cannot connect to 127.0.0.1 port 1'
is "doctor fails when something fails" "$RC" 1
run "$VA" --json doctor
is "doctor --json" "$(jq -r '.[] | select(.check == "secrets") | .state' <<<"$OUT")" ok
printf 'not the passphrase\n' >"$T/wrong"
# the derived key stays in the kernel keyring for [secrets] cache (10m) after use
run env VA_PASSPHRASE_FILE="$T/wrong" "$VA" doctor
like "within the cache time the key is not asked for again" "$OUT" "password stored"
if grep -q 'va-secrets:' /proc/keys 2>/dev/null; then
	ok "the cached key is in the kernel keyring, not in a file"
else
	skip "the cached key is in the kernel keyring" "this kernel refuses keyrings to va"
fi
unlike "... and never in the data directory" "$(grep -rl 'va-secrets' "$XDG_DATA_HOME" 2>/dev/null)" "va"
sed -i 's/^backend = file$/backend = file\ncache = 0/' "$CONF"
run env VA_PASSPHRASE_FILE="$T/wrong" "$VA" account login box --password-stdin <<<"other"
is "a wrong passphrase is refused" "$RC" 1
like "... in plain words" "$ERR" "wrong passphrase"
run env -u VA_PASSPHRASE_FILE setsid "$VA" account login box --password-stdin <<<"other"
is "no passphrase available: refused" "$RC" 1
like "... saying how to give one" "$ERR" "VA_PASSPHRASE_FILE"
sed -i '/^cache = 0$/d' "$CONF" # the file as the person wrote it again
run "$VA" doctor
like "the stored password survived both" "$OUT" "password stored"

# --- remove ---
printf '\n# the next section is about scheduling\n[scheduler]\nworkers = 3\n' >>"$CONF"
printf '\n[account box]\nfolders = INBOX\n' >>"$CONF" # a second section of the same account
run "$VA" account remove box
is "remove box" "$RC" 0
unlike "both of its sections are gone" "$(cat "$CONF")" "[account box]"
like "the comment above the next section stays" "$(cat "$CONF")" $'# the next section is about scheduling\n[scheduler]\nworkers = 3'
run "$VA" account remove box
is "removing it again fails" "$RC" 1
like "... saying so" "$ERR" 'no account "box"'
run "$VA" account remove home
run "$VA" account remove work
python3 - "$CONF" <<'PY' 2>/dev/null || sed -i '/^# the next section/,$d' "$CONF"
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("\n# the next section")
open(p, "w").write(s[:i])
PY
is "after removing everything added, the file is byte for byte the original" "$(sum)" "$(md5sum <"$T/orig")"
is "and keeps its mode" "$(stat -c %a "$CONF")" 640
run "$VA" account list
like "no accounts: the demo again" "$OUT" "demo"

# --- a file without a final newline gets one, nothing else changes ---
printf '[ui]\ntheme = mono' >"$CONF"
run "$VA" account add n --preset imap --email n@example.com --imap-host h
like "no final newline: the section starts on its own line" "$(cat "$CONF")" $'theme = mono\n\n[account n]\n'
run "$VA" account remove n
is "... and goes away again" "$(cat "$CONF")" $'[ui]\ntheme = mono'
cp "$T/orig" "$CONF"

# --- concurrent edits do not lose each other (va.conf and the secrets file) ---
for i in 1 2 3 4; do
	"$VA" account add p$i --preset imap --email p$i@example.com --imap-host h >/dev/null 2>&1 &
done
wait
run "$VA" --json account list
is "four concurrent adds: four sections" "$(jq '[.[] | select(.name | startswith("p"))] | length' <<<"$OUT")" 4
for i in 1 2 3; do
	"$VA" account login p$i --password-stdin <<<"par-pass-$i" >/dev/null 2>&1 &
done
wait
run "$VA" doctor
is "three concurrent logins: three passwords stored" "$(grep -c "^ok .*password stored" <<<"$OUT")" 3
cp "$T/orig" "$CONF"

# --- a symlinked va.conf is edited where it points ---
mv "$CONF" "$T/real.conf"
ln -s "$T/real.conf" "$CONF"
run "$VA" account add s --preset imap --email s@example.com --imap-host h
check "the symlink stays a symlink" test -L "$CONF"
like "the real file got the section" "$(cat "$T/real.conf")" "[account s]"
run "$VA" account remove s
is "and lost it again" "$(md5sum <"$T/real.conf")" "$(md5sum <"$T/orig")"

leaks=$(grep -rlaF -e "box-pass-5e1d" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" 2>/dev/null)
is "the password is nowhere in config, database or log" "$leaks" ""
done_testing
