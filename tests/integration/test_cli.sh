#!/bin/bash
# test_cli: the command line end to end on real files: the demo mailbox,
# every option's errors, config mistakes, a database that is not SQLite,
# malformed mail, mbox, Maildir accounts, permissions, a full disk.
. "$(dirname "$0")/lib.sh"

# --- basics and exit codes ---------------------------------------------------
run "$VA" --version
is "--version exits 0" "$RC" 0
like "--version names va" "$OUT" "va 0."
run "$VA" --json version
check "--json version is valid JSON" jq -e .version <<<"$OUT" >/dev/null
run "$VA" --help
is "--help exits 0" "$RC" 0
like "--help lists commands" "$OUT" "search"
# libcurl and libsecret (and the ~45 libraries behind them) load on first use,
# not at every start (the OAuth, LLM and keyring suites use them)
loaded=$(LD_DEBUG=libs "$VA" --version 2>&1 >/dev/null | grep -o 'file=[^ ]*' | sort -u)
like "--version: the dynamic loader ran" "$loaded" "libsqlite3"
is "--version loads neither libcurl nor libsecret nor GLib" \
	"$(grep -c -E 'libcurl|libsecret|libglib|libgio' <<<"$loaded")" 0
run "$VA" lsit
is "unknown command exits 2" "$RC" 2
like "unknown command suggests" "$ERR" 'did you mean "list"'
run "$VA" list --bogus
is "unknown option exits 2" "$RC" 2
run "$VA" show abc
is "non-numeric id exits 2" "$RC" 2
run "$VA" list --category urgent
is "unknown category exits 2" "$RC" 2

# --- the demo mailbox -------------------------------------------------------
run "$VA" --json list
is "list on a fresh install exits 0" "$RC" 0
is "demo mailbox has 30 messages" "$(jq length <<<"$OUT")" 30
is "every message is in account demo" "$(jq '[.[] | select(.account == "demo")] | length' <<<"$OUT")" 30
is "newest first" "$(jq '[.[].date] == ([.[].date] | sort | reverse)' <<<"$OUT")" true
LIST=$OUT
bad=""
while IFS=$'\t' read -r path from subject flags natt; do
	src=$(basename "$path"); src=${src%%:*}
	row=$(jq -c --arg s "$src" '.[] | select(.source == $s)' <<<"$LIST")
	[ -z "$row" ] && { bad+="missing $src; "; continue; }
	[ "$(jq -r .from.address <<<"$row")" = "$from" ] || bad+="$src from $(jq -r .from.address <<<"$row") != $from; "
	[ "$(jq -r .subject <<<"$row")" = "$subject" ] || bad+="$src subject $(jq -r .subject <<<"$row") != $subject; "
	want_flags=$([ "$flags" = - ] && echo "" || echo "$flags")
	[ "$(jq -r '.flags | join(",")' <<<"$row")" = "$want_flags" ] || bad+="$src flags $(jq -r '.flags|join(",")' <<<"$row") != $flags; "
	[ "$(jq -r .attachment_count <<<"$row")" = "$natt" ] || bad+="$src attachments $(jq -r .attachment_count <<<"$row") != $natt; "
done <tests/fixtures/demo-expected.tsv
is "demo messages decode exactly (sender, subject, flags, attachments)" "$bad" ""
is "8 unread" "$("$VA" --json list --unread | jq length)" 8
is "1 flagged" "$("$VA" --json list --flagged | jq -r '.[0].subject')" "Can you review the Halvorsen contract by Friday?"
is "--limit" "$("$VA" --json list --limit 3 | jq length)" 3
thread=$(jq -r '[.[] | select(.subject | test("Offsite venue"))] | map(.thread_id) | unique | length' <<<"$LIST")
is "the four-message thread shares one thread id" "$thread" 1
tid=$(jq -r '[.[] | select(.subject == "Offsite venue shortlist")][0].thread_id' <<<"$LIST")
is "list --thread gives the whole thread" "$("$VA" --json list --thread "$tid" | jq length)" 4
run "$VA" list
like "text list shows subjects" "$OUT" "Offsite venue shortlist"
like "text list shows CJK subjects" "$OUT" "来週の打ち合わせ"

id_of() { jq -r --arg s "$1" '[.[] | select(.subject == $s)][0].id' <<<"$LIST"; }
run "$VA" --json show "$(id_of "Invoice INV-2026-1187 for November 2026")"
is "show exits 0" "$RC" 0
is "invoice attachment listed" "$(jq -r '.attachments[0].type' <<<"$OUT")" application/pdf
like "invoice attachment has a .pdf name" "$(jq -r '.attachments[0].filename' <<<"$OUT")" .pdf
run "$VA" --json show "$(id_of "Your December volunteer shifts")"
is "HTML-only message marked" "$(jq -r .body_from_html <<<"$OUT")" true
unlike "HTML reduced to text (no tags)" "$(jq -r .body <<<"$OUT")" "<p>"
unlike "HTML entities decoded" "$(jq -r .body <<<"$OUT")" "&amp;"
run "$VA" --json show "$(id_of "来週の打ち合わせについて（日程のご相談）")"
like "Shift_JIS body decoded" "$(jq -r .body <<<"$OUT")" "山本"
run "$VA" --json show "$(id_of "Réunion de préparation à Lyon - mardi 8 décembre")"
like "ISO-8859-1 body decoded" "$(jq -r .body <<<"$OUT")" "é"
run "$VA" show 99999
is "show of a missing id exits 1" "$RC" 1
like "show of a missing id says so" "$ERR" "no message with id 99999"
run "$VA" show "$(id_of "Reset your Quillbox password")" --raw
like "show --raw gives the original bytes" "$OUT" "Message-ID:"

# --- search -----------------------------------------------------------------
s() { "$VA" --json search "$@" | jq -r '[.[].subject] | join("|")'; }
like "search a word" "$(s invoice)" "Invoice INV-2026-1187"
like "search a prefix" "$(s 'shortl*')" "Offsite venue shortlist"
like "search a phrase" "$(s '"venue shortlist"')" "Offsite venue shortlist"
like "search without accents finds accents" "$(s reunion)" "Réunion de préparation"
like "search from:" "$(s from:olivia)" "Halvorsen"
is "search with no hit gives []" "$("$VA" --json search zzzyxq)" "[]"
run "$VA" search '"unbalanced ('
is "hostile search input is not an error" "$RC" 0

# --- configuration mistakes ----------------------------------------------------
mkdir -p "$XDG_CONFIG_HOME/va"
printf '[general]\nlog_levl = info\n[ui]\ntheme = light\n' >"$XDG_CONFIG_HOME/va/va.conf"
run "$VA" list
is "a config typo does not stop va" "$RC" 0
like "config typo reported with file:line and a hint" "$ERR" 'va.conf:2: unknown key "log_levl" in [general] (did you mean "log_level"?)'
run "$VA" config check
is "config check fails on a typo" "$RC" 1
printf '[account work]\ntype = imap\npassword = s3cr3t-value\n' >"$XDG_CONFIG_HOME/va/va.conf"
run "$VA" config check
like "a password in va.conf is refused" "$ERR" '"password" is a secret'
unlike "the secret is not echoed" "$ERR$OUT" "s3cr3t-value"
rm "$XDG_CONFIG_HOME/va/va.conf"
run "$VA" config check
is "config check passes with no file" "$RC" 0
run "$VA" config example
is "va.conf.example is what 'va config example' prints" "$OUT" "$(cat va.conf.example)"

# --- a Maildir account, rescans, and the demo giving way ------------------------
M=$T/Mail
mkdir -p "$M/cur" "$M/new" "$M/tmp" "$M/.Archive/cur" "$M/.Archive/new" "$M/.Archive/tmp"
cp tests/fixtures/mail/crlf.eml "$M/new/1.M1.host"
cp tests/fixtures/mail/bad-date.eml "$M/cur/2.M2.host:2,S"
cp tests/fixtures/mail/mbox-from-line.eml "$M/.Archive/cur/3.M3.host:2,S"
printf '[account home]\ntype = maildir\npath = %s\nemail = sam@example.com\n' "$M" >"$XDG_CONFIG_HOME/va/va.conf"
run "$VA" --json list
is "maildir account: 3 messages, the demo is gone" "$(jq length <<<"$OUT")" 3
is "maildir subfolder becomes a folder" "$(jq -r '[.[] | select(.folder == "Archive")] | length' <<<"$OUT")" 1
mv "$M/new/1.M1.host" "$M/cur/1.M1.host:2,FS"
rm "$M/cur/2.M2.host:2,S"
run "$VA" --json sync
is "sync sees the moved file" "$(jq .updated <<<"$OUT")" 1
is "sync sees the deleted file" "$(jq .removed <<<"$OUT")" 1
is "flags follow the file name" "$("$VA" --json list --flagged | jq -r '.[0].subject')" "Line endings are CRLF and this subject is folded"
old_dirs() { find "$M" -type d \( -name cur -o -name new \) -exec touch -d '1 hour ago' {} +; }
old_dirs
"$VA" sync >/dev/null 2>&1
run "$VA" --json sync
is "an unchanged Maildir is not read again" "$(jq .files <<<"$OUT")" 0
mv "$M/cur/1.M1.host:2,FS" "$M/cur/1.M1.host:2,S"
run "$VA" --json sync
is "... but a renamed file is seen at once" "$(jq .updated <<<"$OUT")" 1
is "... and its flag change kept" "$("$VA" --json list --flagged | jq length)" 0
printf '[account home]\ntype = maildir\npath = %s/nowhere\n' "$T" >"$XDG_CONFIG_HOME/va/va.conf"
run "$VA" list
like "a missing Maildir is reported" "$ERR" "is not a Maildir"
rm "$XDG_CONFIG_HOME/va/va.conf"

# --- import: malformed mail, mbox, idempotence -----------------------------------
F=$T/fixtures
mkdir -p "$F"
cp tests/fixtures/mail/*.eml "$F/"
nfix=$(ls "$F" | wc -l)
run "$VA" --json import "$F"
is "import of malformed mail exits 0" "$RC" 0
is "every fixture file accounted for" "$(jq '.stored + .existed + .failed' <<<"$OUT")" "$nfix"
is "files counted" "$(jq .files <<<"$OUT")" "$nfix"
is "empty, binary and header-less files refused" "$(jq -r '[.failures[].path | split("/") | last] | sort | join(" ")' <<<"$OUT")" "binary.eml empty.eml no-headers.eml"
is "every refusal has a reason" "$(jq '[.failures[] | select(.reason | length > 5)] | length' <<<"$OUT")" 3
check "parse problems are counted" test "$(jq .with_problems <<<"$OUT")" -ge 3
run "$VA" --json import "$F"
is "a second import stores nothing new" "$(jq .stored <<<"$OUT")" 0
is "a second import finds everything present" "$(jq .existed <<<"$OUT")" $((nfix - 3))
run "$VA" --json import tests/fixtures/mail/sample.mbox
is "mbox: 5 messages" "$(jq .stored <<<"$OUT")" 5
mid=$("$VA" --json search 'subject:"A letter, quoted"' | jq -r '.[0].id')
like "mboxrd >>From unescaped once" "$("$VA" --json show "$mid" | jq -r .body)" ">From the desk of the Dean"
mid=$("$VA" --json search '"New process for expense reports"' | jq -r '.[0].id')
like "mboxrd >From unescaped" "$("$VA" --json show "$mid" | jq -r .body)" $'\nFrom here on'
run "$VA" import "$T/does-not-exist"
is "import of a missing path exits 1" "$RC" 1
like "import of a missing path says why" "$ERR" "does-not-exist"
nb=$("$VA" --json search 'nul' | jq -r '[.[] | select(.subject == "Body with NUL bytes")][0].id')
body=$("$VA" --json show "$nb" | jq -r .body)
like "NUL bytes do not truncate a body" "$body" "last line"

# --- files and permissions --------------------------------------------------------
is "database is 0600" "$(stat -c %a "$XDG_DATA_HOME/va/va.db")" 600
is "data directory is 0700" "$(stat -c %a "$XDG_DATA_HOME/va")" 700

# --- a database that is not SQLite ----------------------------------------------
B=$T/bad
mkdir -p "$B"
printf 'not a database at all\n' >"$B/va.db"
sum=$(md5sum <"$B/va.db")
run "$VA" --data-dir "$B" list
is "a non-SQLite database exits 1" "$RC" 1
like "the error names the file" "$ERR" "$B/va.db"
like "the error says what is wrong" "$ERR" "not a SQLite database"
is "the file is left untouched" "$(md5sum <"$B/va.db")" "$sum"

# --- a full disk (needs root for a private tmpfs) ----------------------------------
if [ "$(id -u)" -eq 0 ] && mkdir -p "$T/small" && mount -t tmpfs -o size=1200k tmpfs "$T/small" 2>/dev/null; then
	"$VA" --data-dir "$T/small" --json import tests/fixtures/mail/sample.mbox >/dev/null 2>&1
	mkdir -p "$T/many"
	pad=$(head -c 6000 /dev/zero | tr '\0' 'x')
	for i in $(seq 400); do
		printf 'From: bulk%d@example.org\nSubject: filler %d\nMessage-ID: <f%d@example.org>\n\n%s %d\n' \
			"$i" "$i" "$i" "$pad" "$i" >"$T/many/m$i.eml"
	done
	run "$VA" --data-dir "$T/small" --json import "$T/many"
	is "a full disk stops the import with status 1" "$RC" 1
	like "a full disk is named as such" "$ERR" "disk is full"
	run "$VA" --data-dir "$T/small" --json search 'subject:"Standup moved"'
	is "what was stored before the disk filled is still there" "$(jq length <<<"$OUT")" 1
	umount "$T/small"
else
	skip "full disk" "needs root to mount a small tmpfs"
	skip "full disk message" "needs root"
	skip "full disk keeps data" "needs root"
fi

# --- documentation covers every command ---------------------------------------
missing=""
for c in $("$VA" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}'); do
	grep -q "^\.B $c\b" share/man/va.1 || missing+=" $c"
done
is "every command in --help is in va(1)" "$missing" ""

done_testing
