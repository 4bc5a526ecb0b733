#!/bin/bash
# test_data: `va data export` of the demo mailbox (JSON that parses, every
# stored message in a Maildir, byte for byte, modes 0700/0600, never into a
# non-empty directory) and `va data purge` (refused without the typed
# confirmation; with it the database and the secrets go, in the encrypted
# file and in gnome-keyring in a private D-Bus session, and va.conf stays).
if [ -z "${VA_IN_KEYRING:-}" ] && command -v dbus-run-session >/dev/null &&
	command -v gnome-keyring-daemon >/dev/null && command -v secret-tool >/dev/null; then
	VA_IN_KEYRING=1 exec "$(dirname "$0")/../fixtures/keyring.sh" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

printf 'data test passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
CONF="$XDG_CONFIG_HOME/va/va.conf"
DATA="$XDG_DATA_HOME/va"
mkdir -p "$XDG_CONFIG_HOME/va"
printf '[secrets]\nbackend = file\n' >"$CONF"

# --- export ---
"$VA" act 1 archive >/dev/null
"$VA" act 2 category spam >/dev/null
total=$("$VA" --json list --limit 100000 | jq length)
O="$T/out"
run "$VA" --json data export "$O"
is "data export exits 0" "$RC" 0
is "it reports every message" "$(jq .messages <<<"$OUT")" "$total"
is "the Maildir holds as many messages as va list" "$(find "$O/mail" -path '*/cur/*' -type f | wc -l)" "$total"
check "folders are Maildirs: INBOX" test -d "$O/mail/demo/INBOX/cur" -a -d "$O/mail/demo/INBOX/new" -a -d "$O/mail/demo/INBOX/tmp"
is "the archived message is in Archive" "$(ls "$O/mail/demo/Archive/cur" | wc -l)" 1
f=$(ls "$O"/mail/demo/INBOX/cur/3.* 2>/dev/null | head -1)
"$VA" show 3 --raw >"$T/raw3"
check "an exported message is the stored bytes" cmp -s "$f" "$T/raw3"
bad=""
for j in "$O"/*.json; do jq empty "$j" 2>/dev/null || bad+=" $(basename "$j")"; done
is "every JSON file parses" "$bad" ""
is "messages.json lists every message" "$(jq length "$O/messages.json")" "$total"
is "the category the user set is there" "$(jq -r '.[] | select(.id == 2) | .category' "$O/messages.json")" spam
is "classifier labels are there" "$(jq -r '.[0].category' "$O/classifier_labels.json")" spam
is "actions are there" "$(jq -r '[.[].kind] | join(",")' "$O/actions.json")" "archive,category"
check "accounts, jobs, templates, approvals, analyses, recommendations files exist" \
	test -f "$O/accounts.json" -a -f "$O/jobs.json" -a -f "$O/templates.json" -a \
	-f "$O/template_approvals.json" -a -f "$O/analyses.json" -a -f "$O/recommendations.json"
is "the audit log is decrypted into audit.jsonl" "$(jq -r .kind "$O/audit.jsonl" | tr '\n' ,)" "archive,category,"
is "no file other than 0600" "$(find "$O" -type f ! -perm 600 | wc -l)" 0
is "no directory other than 0700" "$(find "$O" -type d ! -perm 700 | wc -l)" 0
unlike "no secret in the export" "$(cat "$O"/*.json "$O/audit.jsonl")" "data test passphrase"
run "$VA" data export "$O"
is "export into a non-empty directory exits 1" "$RC" 1
like "... and says why" "$ERR" "is not empty"
mkdir "$T/empty"
run "$VA" data export "$T/empty"
is "an existing empty directory is fine" "$RC" 0
run "$VA" --json audit list
is "the export itself is audited" "$(jq -r '.[0].kind' <<<"$OUT")" data.export

# --- purge ---
check "the encrypted secrets file exists" test -s "$DATA/secrets.enc"
run setsid -w "$VA" data purge </dev/null
is "purge without confirmation exits 1" "$RC" 1
like "... and says nothing was removed" "$ERR" "nothing was removed"
check "... the database is still there" test -s "$DATA/va.db"
run setsid -w "$VA" data purge --yes </dev/null
is "a wrong flag is a usage error" "$RC" 2
run "$VA" data purge --yes-i-mean-it
is "purge --yes-i-mean-it exits 0" "$RC" 0
like "it says what it removed" "$OUT" "$DATA/va.db"
like "it says what it kept" "$OUT" "$CONF"
check "the database is gone" test ! -e "$DATA/va.db"
check "its -wal and -shm too" test ! -e "$DATA/va.db-wal" -a ! -e "$DATA/va.db-shm"
check "the secrets file is gone" test ! -e "$DATA/secrets.enc"
check "va.conf is untouched" test -f "$CONF"

# --- purge with the keyring: every owner's secrets ---
if [ -n "${VA_IN_KEYRING:-}" ]; then
	unset VA_PASSPHRASE_FILE
	printf '[secrets]\nbackend = keyring\n' >"$CONF"
	"$VA" account add home --preset imap --email alice@example.test --imap-host 127.0.0.1 >/dev/null 2>&1
	"$VA" account login home --password-stdin <<<"pw-9f8e7d" >/dev/null 2>&1
	"$VA" audit init >/dev/null
	is "keyring: the account password is stored" "$(secret-tool lookup owner 'account home' key password)" pw-9f8e7d
	is "keyring: the audit key is stored" "$(secret-tool lookup owner audit key key | wc -c)" 64
	run "$VA" data purge --yes-i-mean-it
	is "keyring: purge exits 0" "$RC" 0
	like "keyring: it names the secrets it removed" "$OUT" 'secrets of "account home" (keyring)'
	is "keyring: the password left the keyring" "$(secret-tool lookup owner 'account home' key password)" ""
	is "keyring: the audit key left the keyring" "$(secret-tool lookup owner audit key key)" ""
	check "keyring: the database is gone" test ! -e "$DATA/va.db"
	like "keyring: va.conf is kept with its account" "$(cat "$CONF")" "[account home]"
else
	skip "keyring purge" "dbus-run-session, gnome-keyring-daemon or secret-tool missing"
fi
done_testing
