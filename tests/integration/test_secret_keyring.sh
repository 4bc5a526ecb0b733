#!/bin/bash
# test_secret_keyring: secrets in a real Secret Service (gnome-keyring in a
# private D-Bus session, tests/fixtures/keyring.sh): store, read back with
# secret-tool, replace, delete with the account; and what happens when no
# Secret Service answers (no session bus; a bus with no keyring): a clear
# error for backend = keyring, one notice and the encrypted file for auto.
if [ -z "${VA_IN_KEYRING:-}" ]; then
	for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
		if ! command -v $tool >/dev/null; then
			echo "ok 1 - keyring tests # skip $tool is not installed (tests/deps.sh test)"
			echo "1..1"
			exit 0
		fi
	done
	VA_IN_KEYRING=1 exec "$(dirname "$0")/../fixtures/keyring.sh" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
# run, keeping everything va printed for the leak test at the end
run() { OUT=$("$@" 2>"$T/stderr"); RC=$?; ERR=$(cat "$T/stderr"); printf '%s\n%s\n' "$OUT" "$ERR" >>"$T/captured"; }

CONF="$XDG_CONFIG_HOME/va/va.conf"
mkdir -p "$XDG_CONFIG_HOME/va"
printf '[secrets]\nbackend = keyring\n' >"$CONF"
PW1="pw-one-7f3a9c" PW2="pw-two-81bd04"
lookup() { secret-tool lookup owner "account $1" key "$2" 2>/dev/null; }

run "$VA" account add home --preset imap --email alice@example.test --imap-host 127.0.0.1
is "add an imap account" "$RC" 0
run "$VA" account login home --password-stdin <<<"$PW1"
is "login --password-stdin stores the password" "$RC" 0
is "the keyring holds it (read back with secret-tool)" "$(lookup home password)" "$PW1"
run "$VA" account login home --password-stdin <<<"$PW2"
is "a second login replaces it" "$(lookup home password)" "$PW2"
run "$VA" doctor
like "doctor: the Secret Service answers" "$OUT" "the Secret Service answers"
like "doctor: the password is stored" "$OUT" "password stored"
check "no encrypted file when the keyring is used" test ! -e "$XDG_DATA_HOME/va/secrets.enc"
run "$VA" account remove home
is "remove the account" "$RC" 0
is "its password left the keyring" "$(lookup home password)" ""
run "$VA" account login nobody --password-stdin <<<"x"
is "login to an unknown account fails" "$RC" 1
like "... and says so" "$ERR" 'no account "nobody"'

# --- no Secret Service: backend = keyring is an error in va's own words ---
run "$VA" account add work --preset imap --email bob@example.test --imap-host 127.0.0.1
mkdir -m 700 -p "$T/nobus"
nobus() { env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY XDG_RUNTIME_DIR="$T/nobus" "$@"; }
run nobus "$VA" account login work --password-stdin <<<"$PW1"
is "no session bus + backend keyring: fails" "$RC" 1
like "... with va's message" "$ERR" "no D-Bus session bus"
unlike "... not GLib's" "$ERR" "autolaunch"
run "$ROOT/tests/fixtures/keyring.sh" --no-service "$VA" account login work --password-stdin <<<"$PW1"
is "a bus without keyring + backend keyring: fails" "$RC" 1
like "... with va's message" "$ERR" "no Secret Service is running"
unlike "... not GLib's" "$ERR" ".service files"

# --- auto falls back to the encrypted file, and says so once ---
sed -i 's/backend = keyring/backend = auto/' "$CONF"
printf 'test passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
run nobus "$VA" account login work --password-stdin <<<"$PW1"
is "auto without a bus: login works" "$RC" 0
like "... with one notice about the fallback" "$ERR" "keeping secrets in the encrypted file"
check "... into the encrypted file" test -s "$XDG_DATA_HOME/va/secrets.enc"
is "... mode 0600" "$(stat -c %a "$XDG_DATA_HOME/va/secrets.enc")" 600
run nobus "$VA" doctor
unlike "the notice is not repeated" "$ERR" "keeping secrets"
like "doctor reads the password from the file" "$OUT" "password stored"
run "$VA" doctor
like "auto with the keyring running uses it" "$OUT" "the Secret Service answers"

# --- the leak test ---
leaks=$(grep -rlaF -e "$PW1" -e "$PW2" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" \
	"$T/captured" 2>/dev/null)
is "passwords nowhere in config, database, log or output" "$leaks" ""
done_testing
