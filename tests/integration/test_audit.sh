#!/bin/bash
# test_audit: the audit log through the real binary, with the encrypted-file
# secret backend (VA_PASSPHRASE_FILE) and with gnome-keyring in a private
# D-Bus session (tests/fixtures/keyring.sh): triage and undo are recorded
# with their actor, verify passes, then names the entry after sqlite3 edits,
# deletes or swaps rows; entries made while the key is locked wait sealed and
# join the chain; the export is 0600 and never replaces a file.
if [ -z "${VA_IN_KEYRING:-}" ] && command -v dbus-run-session >/dev/null &&
	command -v gnome-keyring-daemon >/dev/null && command -v secret-tool >/dev/null; then
	VA_IN_KEYRING=1 exec "$(dirname "$0")/../fixtures/keyring.sh" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

printf 'audit test passphrase\n' >"$T/pass"
chmod 600 "$T/pass"

# setup NAME BACKEND: a fresh config and data directory
setup() {
	export XDG_CONFIG_HOME="$T/$1/config" XDG_DATA_HOME="$T/$1/data"
	mkdir -p "$XDG_CONFIG_HOME/va"
	# cache = 0: these checks are about what happens when the key is NOT at hand
	printf '[secrets]\nbackend = %s\ncache = 0\n' "$2" >"$XDG_CONFIG_HOME/va/va.conf"
	DB="$XDG_DATA_HOME/va/va.db"
}
save_db() { sqlite3 "$DB" ".backup '$T/good.db'"; }
restore_db() { rm -f "$DB-wal" "$DB-shm"; cp "$T/good.db" "$DB"; }

# tamper NAME SQL WANT: verify exits 1 and its message contains WANT
tamper() {
	restore_db
	sqlite3 "$DB" "$2"
	run "$VA" audit verify
	is "$P: $1: verify exits 1" "$RC" 1
	like "$P: $1: ... naming the entry" "$ERR" "$3"
}

# the common part, for one backend
suite() {
	P=$1
	run "$VA" --json act 1 archive
	is "$P: act archive exits 0" "$RC" 0
	subject=$("$VA" --json show 1 | jq -r .subject)
	run "$VA" --json undo
	is "$P: undo exits 0" "$RC" 0
	run "$VA" --json audit list
	is "$P: audit list exits 0" "$RC" 0
	is "$P: the archive and its undo are listed, newest first" \
		"$(jq -r '[.[].kind] | join(",")' <<<"$OUT")" "undo,archive"
	is "$P: both by the user" "$(jq -r '[.[].actor] | unique | join(",")' <<<"$OUT")" user
	is "$P: the target names the message" "$(jq -r '.[1].target.subject' <<<"$OUT")" "$subject"
	is "$P: before -> after" "$(jq -c '[.[1].before, .[1].after]' <<<"$OUT")" \
		'[{"folder":"INBOX"},{"folder":"Archive"}]'
	run "$VA" audit list
	like "$P: the plain listing shows before -> after" "$OUT" '{"folder":"INBOX"} -> {"folder":"Archive"}'
	"$VA" act 2 label one >/dev/null && "$VA" act 3 label two >/dev/null &&
		"$VA" act 4 label three >/dev/null
	run "$VA" audit verify
	is "$P: verify exits 0" "$RC" 0
	like "$P: ... and says the log is intact" "$OUT" "intact: 5 entries"
	run "$VA" --json audit verify
	is "$P: verify --json" "$(jq -c '[.ok, .entries, .bad_entry]' <<<"$OUT")" "[true,5,null]"
	is "$P: the subject is in no audit row in clear" "$(sqlite3 "$DB" "SELECT count(*) FROM audit
		WHERE instr(ciphertext, CAST('${subject:0:12}' AS BLOB)) OR instr(actor || kind, 'Weekly')")" 0
	save_db
	tamper "edited ts" "UPDATE audit SET ts = ts + 60 WHERE id = 3" "entry 3: MAC mismatch (edited?)"
	tamper "edited ciphertext" \
		"UPDATE audit SET ciphertext = CASE WHEN substr(ciphertext, 1, 1) = x'00' THEN x'01' ELSE x'00' END || substr(ciphertext, 2) WHERE id = 2" \
		"entry 2: MAC mismatch"
	tamper "deleted middle row" "DELETE FROM audit WHERE id = 3" "entry 4 follows 2: entry missing or reordered"
	tamper "deleted newest row" "DELETE FROM audit WHERE id = 5" "entry 5 missing"
	tamper "swapped rows" "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE id IN (2, 3);
		UPDATE audit SET (ts, actor, kind, nonce, ciphertext, prev_hash, hash) =
		 (SELECT ts, actor, kind, nonce, ciphertext, prev_hash, hash FROM t WHERE id = 3) WHERE id = 2;
		UPDATE audit SET (ts, actor, kind, nonce, ciphertext, prev_hash, hash) =
		 (SELECT ts, actor, kind, nonce, ciphertext, prev_hash, hash FROM t WHERE id = 2) WHERE id = 3;" \
		"entry 2 follows 1"
	tamper "forged row" "INSERT INTO audit SELECT 6, ts, actor, kind, nonce, ciphertext, hash,
		randomblob(32) FROM audit WHERE id = 5" "entry 6: MAC mismatch"
	restore_db
	run "$VA" audit verify
	is "$P: the untouched copy verifies again" "$RC" 0
	run "$VA" audit export "$T/$P.jsonl"
	is "$P: export exits 0" "$RC" 0
	is "$P: export file mode 0600" "$(stat -c %a "$T/$P.jsonl")" 600
	is "$P: one JSON line per entry" "$(jq -s length "$T/$P.jsonl")" 5
	is "$P: lines carry their ids" "$(jq -s -c '[.[].id]' "$T/$P.jsonl")" "[1,2,3,4,5]"
	run "$VA" audit export "$T/$P.jsonl"
	is "$P: export refuses to replace a file" "$RC" 1
	like "$P: ... and says so" "$ERR" "already exists"
}

# --- the encrypted file, passphrase from VA_PASSPHRASE_FILE ---
setup file file
export VA_PASSPHRASE_FILE="$T/pass"
suite file
unset VA_PASSPHRASE_FILE
run setsid -w "$VA" act 6 flag
is "file: act with the secrets file locked still works" "$RC" 0
is "file: ... its entry waits sealed" "$(sqlite3 "$DB" 'SELECT count(*) FROM audit_pending')" 1
run setsid -w "$VA" audit list
is "file: reading needs the key: exit 1" "$RC" 1
export VA_PASSPHRASE_FILE="$T/pass"
run "$VA" --json audit list
is "file: the next reading folds it into the chain" "$(jq -r '.[0].kind' <<<"$OUT")" flag
is "file: ... no entry is left waiting" "$(sqlite3 "$DB" 'SELECT count(*) FROM audit_pending')" 0
run "$VA" audit verify
is "file: the chain with the folded entry verifies" "$RC" 0
unset VA_PASSPHRASE_FILE

# --- gnome-keyring in a private session bus ---
if [ -n "${VA_IN_KEYRING:-}" ]; then
	setup keyring keyring
	suite keyring
	key=$(secret-tool lookup owner audit key key 2>/dev/null)
	is "keyring: the audit key is in the keyring" "${#key}" 64
	check "keyring: no encrypted secrets file" test ! -e "$XDG_DATA_HOME/va/secrets.enc"
	head=$(secret-tool lookup owner audit key head 2>/dev/null)
	like "keyring: the head is copied to the keyring" "$head" "5 "
	restore_db
	save_db
	"$VA" act 5 label four >/dev/null
	restore_db
	run "$VA" audit verify
	is "keyring: rolling the whole database back is seen" "$RC" 1
	like "keyring: ... through the head kept in the keyring" "$ERR" "head in the secret store names entry 6"
else
	skip "keyring phase" "dbus-run-session, gnome-keyring-daemon or secret-tool missing"
fi
done_testing
