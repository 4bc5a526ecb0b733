#!/bin/bash
# test_sieve: rule files checked from the command line (tests/fixtures/rules,
# share/rules) and the Sieve export compiled and run by dovecot's sievec and
# sieve-test (package dovecot-sieve): the script compiles, and on the same
# messages Sieve does what va's engine decides.  Drives tests/tools/rulestool.
. "$(dirname "$0")/lib.sh"

TOOL="$ROOT/${BUILD:-build}/tests/rulestool"
FX="$ROOT/tests/fixtures/rules"
if [ ! -x "$TOOL" ]; then
	fail "rulestool is built" "missing $TOOL (make test-bins)"
	done_testing
	exit
fi

# --- check ----------------------------------------------------------------------
run "$TOOL" check "$FX/good"
is "the good fixtures parse" "$RC" 0
is "... all of them" "$(tail -1 <<<"$OUT")" "10 rules, 0 errors"
run "$TOOL" check "$ROOT/share/rules"
is "the shipped defaults parse with no error" "$OUT" "5 rules, 0 errors"
OUT=$(cd "$FX/bad" && "$TOOL" check .)
RC=$?
is "bad fixtures exit 1" "$RC" 1
is "bad fixtures: every error with file, line and path" "$OUT" "$(cat "$FX/bad/expected.txt")"
like "one bad rule among good ones leaves the good one" "$OUT" "1 rules, 12 errors"

# --- export -----------------------------------------------------------------------
chmod 755 "$T"
S="$T/sieve"
mkdir -p "$S" && chmod 777 "$S"
"$TOOL" sieve "$ROOT/share/rules" "$FX/good" >"$S/va.sieve" 2>"$S/skipped"
is "export exits 0" "$?" 0
like "the script requires its extensions" "$(head -2 "$S/va.sieve")" 'require ["fileinto", "imap4flags", "regex"];'
is "exportable rules are in it" "$(grep -c '^if ' "$S/va.sieve")" 5
is "the others are listed with a reason" "$(grep -vc '^skipped:' "$S/skipped")" 10
like "... a body test" "$(cat "$S/skipped")" "body-unsubscribe: a body test has no Sieve equivalent"
like "... a trigger Sieve has not" "$(cat "$S/skipped")" 'spam-to-junk: trigger "classified" (Sieve runs only at delivery)'
like "... an action Sieve has not" "$(cat "$S/skipped")" 'ack-replies: action "reply" has no Sieve equivalent'

if ! command -v sievec >/dev/null || ! command -v sieve-test >/dev/null; then
	skip "sievec compiles the export" "dovecot-sieve not installed"
	done_testing
	exit
fi
if [ "$(id -u)" -eq 0 ]; then uid=$(id -u nobody) gid=$(id -g nobody); else uid=$(id -u) gid=$(id -g); fi
printf 'mail_uid = %s\nmail_gid = %s\nmail_location = mbox:%s/mb\n' "$uid" "$gid" "$S" >"$S/dovecot.conf"
chmod 644 "$S"/*
run sievec -c "$S/dovecot.conf" "$S/va.sieve" "$S/va.svbin"
is "sievec compiles the export" "$RC" 0
[ "$RC" -eq 0 ] || echo "# $ERR"
"$TOOL" sieve "$FX/good" >"$S/good.sieve" 2>/dev/null
chmod 644 "$S/good.sieve"
run sievec -c "$S/dovecot.conf" "$S/good.sieve" "$S/good.svbin"
is "... and the export of the fixtures alone" "$RC" 0

# --- the same decisions -------------------------------------------------------------
# msg NAME HEADERS...: a small message file in $S
msg() {
	local f="$S/$1.eml"; shift
	{ printf '%s\n' "$@"; printf 'Date: Tue, 24 Nov 2026 08:00:00 +0000\nMessage-ID: <%s@example.com>\n\nhello\n' "$RANDOM"; } >"$f"
	chmod 644 "$f"
	echo "$f"
}
# same DESC MSG VA_RULE SIEVE_LINE: va picks VA_RULE first; sieve-test performs SIEVE_LINE
same() {
	local va sv
	va=$("$TOOL" eval received "$2" "$FX/good" | head -1 | cut -f1)
	is "va: $1" "$va" "$3"
	sv=$(sieve-test -c "$S/dovecot.conf" "$S/va.sieve" "$2" 2>&1)
	like "sieve: $1" "$sv" "$4"
}
m=$(msg list "From: dev@example.net" "To: me@example.com" "Subject: [dev] build broken" \
	"List-Id: Developers <dev.lists.example.org>")
same "a list message goes to Lists" "$m" lists-to-folder "store message in folder: Lists"
sv=$(sieve-test -c "$S/dovecot.conf" "$S/va.sieve" "$m" 2>&1)
like "... with its label" "$sv" "add IMAP flags: lists"
m=$(msg boss "From: The Boss <boss@example.com>" "To: me@example.com" "Subject: Quarterly plan")
same "the boss is flagged" "$m" boss-flag 'add IMAP flags: \flagged \seen'
m=$(msg phish "From: Support <help@login.phish.example>" "To: me@example.com" "Subject: VERIFY your Account now")
same "phishing goes to Trash" "$m" trash-phish "store message in folder: Trash"
m=$(msg invoice "From: shop@example.org" "To: Billing <billing@example.com>" "Subject: Invoice #1234")
same "an invoice is filed" "$m" invoices "store message in folder: Invoices"
m=$(msg plain "From: friend@example.org" "To: me@example.com" "Subject: lunch?")
is "va: an ordinary message fires nothing" "$("$TOOL" eval received "$m" "$FX/good")" ""
sv=$(sieve-test -c "$S/dovecot.conf" "$S/va.sieve" "$m" 2>&1)
like "sieve: ... and is kept" "$sv" "store message in folder: INBOX"

done_testing
