#!/bin/bash
# test_reply: templates and safe automatic replies against real servers on
# 127.0.0.1: dovecot (IMAP, submission, LMTP) and OpenSMTPD.  Alice runs va;
# Bob's mail reaches her through the MTA; `va reply ID --template T --auto`
# replies the way a rule in auto mode does; the daemon sends after the delay;
# the reply is read back from Bob's INBOX over IMAP by a second va.  Then one
# test per gate, the daily limit with two processes racing, the send delay
# cancelled, and a crash between sending and bookkeeping (exactly one reply).
# Replies to other domains land in the MTA's sink Maildir, where they are counted.
# Only one OpenSMTPD can run per machine: the servers start under
# flock /tmp/va-mta.lock.
. "$(dirname "$0")/lib.sh"

FIX=$ROOT/tests/fixtures/mailserver
for tool in dovecot smtpd jq curl; do
	if ! command -v $tool >/dev/null; then
		skip "reply" "$tool is not installed (tests/deps.sh test)"
		done_testing
		exit 0
	fi
done
# The machine-wide MTA lock, unless a parent (flock /tmp/va-mta.lock ...) holds it for us.
if ! ls -l /proc/$$/fd 2>/dev/null | grep -q ' -> /tmp/va-mta.lock$'; then
	exec 9>/tmp/va-mta.lock
	flock 9
fi
MS=$("$FIX/statedir.sh" va-reply)
DPID=
stop_daemon() { [ -n "$DPID" ] && kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null; DPID=; }
trap 'stop_daemon; "$FIX/stop.sh" "$MS"; rm -rf "$T"' EXIT
# two messages a session (OpenSMTPD's default is 100): a batch of replies must
# open new sessions as the server asks (the 30-minute soak met the default)
MS_SMTP_MAX_MAILS=2 "$FIX/start.sh" "$MS" --mta >/dev/null 2>"$T/start.err"
case $? in
0) ;;
3) skip "reply" "$(cat "$T/start.err")"; done_testing; exit 0 ;;
*) fail "start dovecot and OpenSMTPD" "$(cat "$T/start.err")"; done_testing; exit 1 ;;
esac
. "$MS/env"

printf 'reply test passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
TPL=$XDG_CONFIG_HOME/va/templates
mkdir -p "$TPL"
# write_conf [KEY=VALUE...]: alice's va.conf with [replies] overrides
write_conf() {
	local kv all=" $* "
	{
		printf '[secrets]\nbackend = file\n\n[replies]\n'
		[[ $all == *" auto_send="* ]] || printf 'auto_send = on\n'
		[[ $all == *" delay="* ]] || printf 'delay = 1s\n'
		for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done
		cat <<C

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
	} >"$XDG_CONFIG_HOME/va/va.conf"
}
write_conf
cat >"$T/bob.conf" <<C
[secrets]
backend = file
file = $T/bob-secrets.enc

[account bob]
type = imap
email = bob@example.test
imap_host = 127.0.0.1
imap_port = $MS_IMAPS_PORT
ca_file = $MS_CA
C
BOB=("$VA" --config "$T/bob.conf" --data-dir "$T/bobdata")
"$VA" account login work --password-stdin <<<"alice-pass" 2>/dev/null
"${BOB[@]}" account login bob --password-stdin <<<"bob-pass" 2>/dev/null

cat >"$TPL/auto-ack.tmpl" <<'X'
subject: Re: {{subject}}
auto: true

Hi {{sender.first_name}},

Thanks for "{{subject}}": it arrived and I will answer soon.

{{me.name}}
X
printf 'auto: true\nmin_confidence: 90\n\nHello {{sender.name}}\n' >"$TPL/picky.tmpl"
printf 'auto: true\n\nNot approved yet, {{sender.name}}\n' >"$TPL/unapproved.tmpl"
printf 'auto: true\n\nVersion one, {{sender.name}}\n' >"$TPL/editme.tmpl"

# deliver ID SUBJECT [FROM_HEADER] [ENVELOPE_FROM ("<>": the null sender)] [EXTRA_HEADER_LINES] [BODY]
deliver() {
	local from=${3:-Bob Baker <bob@example.test>} env=${4:-bob@example.test}
	[ "$env" = "<>" ] && env=
	printf 'From: %s\r\nTo: Alice <alice@example.test>\r\nSubject: %s\r\nMessage-ID: <%s@test.example>\r\nDate: %s\r\n%sMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n' \
		"$from" "$2" "$1" "$(date -R)" "${5:-}" "${6:-Just a note.}" >"$T/msg.eml"
	curl -s --url "smtp://127.0.0.1:$MS_MTA_PORT" --mail-from "$env" \
		--mail-rcpt alice@example.test --upload-file "$T/msg.eml"
}
ALICEMD=$MS_MAIL/example.test/alice/Maildir
inbox_count() { find "$ALICEMD/new" "$ALICEMD/cur" -type f 2>/dev/null | wc -l; }
WANT=0
# deliver_all: wait until Alice has every message delivered so far, then sync
sync_alice() {
	for _ in $(seq 200); do
		[ "$(inbox_count)" -ge "$WANT" ] && break
		sleep 0.05
	done
	"$VA" -q sync work >/dev/null 2>&1
}
send_in() { WANT=$((WANT + 1)); deliver "$@"; }
id_of() { "$VA" --json list --account work --folder INBOX --limit 200 |
	jq -r --arg m "$1@test.example" '.[] | select(.message_id == $m) | .id'; }
jget() { printf '%s' "$OUT" | jq -r "$1"; }
reply_field() { [ -n "$1" ] && "$VA" --json replies --limit 500 | jq -r --argjson id "$1" ".[] | select(.id == \$id) | .$2"; }
wait_state() { # OUTBOX STATE SECONDS
	for _ in $(seq $(($3 * 10))); do
		[ "$(reply_field "$1" state)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
start_daemon() { "$VA" --daemon >>"$T/daemon.log" 2>&1 & DPID=$!; }
SINK=$MS_STATE/sink
sink_count() { # MESSAGE_ID: copies delivered to the sink
	grep -rlF "Message-ID: <$1>" "$SINK" 2>/dev/null | wc -l
}

# --- templates -----------------------------------------------------------------
run "$VA" --json templates list
is "templates list: yours and the shipped ones" \
	"$(jget '[.[] | .name] | join(" ")')" "ack auto-ack editme meeting-received out-of-office picky thanks unapproved"
is "  ... unapproved to begin with" "$(jget '.[] | select(.name == "auto-ack") | .state')" unapproved
run "$VA" templates approve auto-ack
is "approve a template" "$RC $OUT" '0 template "auto-ack" approved'
"$VA" -q templates approve picky
"$VA" -q templates approve editme
run "$VA" --json templates show auto-ack
is "  ... approved against its content hash" "$(jget .state) $(jget .hash | wc -c)" "approved 65"
printf 'auto: true\n\nHi {{sender.nickname}}\n' >"$TPL/broken.tmpl"
run "$VA" templates approve broken
like "a template with an unknown placeholder is refused with file:line" "$RC $ERR" \
	"1 va: cannot approve \"broken\": cannot use template \"broken\": $TPL/broken.tmpl:3: unknown placeholder \"{{sender.nickname}}\""
rm "$TPL/broken.tmpl"

# --- the whole path: delivered, gated, delayed, sent, read back over IMAP -------
send_in hello "Lunch next week" "" "" "" "Shall we meet for lunch next week?"
sync_alice
HELLO=$(id_of hello)
check "Bob's message delivered through OpenSMTPD and synced" test -n "$HELLO"
run "$VA" templates show auto-ack --for "$HELLO"
like "preview rendered against the message" "$OUT" $'To: bob@example.test\nSubject: Re: Lunch next week\n\nHi Bob,'
run "$VA" --json reply "$HELLO" --template auto-ack --auto
is "automatic reply passes every gate and is queued" "$RC $(jget .state)" "0 queued"
OUTBOX=$(jget .outbox)
REPLY_MID=$(jget .message_id)
is "  ... not sent before the delay" "$(reply_field "$OUTBOX" state)" queued
start_daemon
check "  ... the daemon's send_reply job sends it after the delay" wait_state "$OUTBOX" sent 20
stop_daemon
run "${BOB[@]}" --json sync bob
BOBLIST=$("${BOB[@]}" --json list --account bob --folder INBOX)
RID=$(printf '%s' "$BOBLIST" | jq -r --arg m "$REPLY_MID" '.[] | select(.message_id == $m) | .id')
for _ in $(seq 50); do
	[ -n "$RID" ] && break
	sleep 0.2
	"${BOB[@]}" -q sync bob >/dev/null 2>&1
	RID=$("${BOB[@]}" --json list --account bob --folder INBOX | jq -r --arg m "$REPLY_MID" '.[] | select(.message_id == $m) | .id')
done
check "the reply reaches Bob's INBOX (read over IMAP)" test -n "$RID"
RAW=$("${BOB[@]}" show "$RID" --raw | tr -d '\r')
like "  ... Re: subject" "$RAW" $'\nSubject: Re: Lunch next week\n'
like "  ... In-Reply-To" "$RAW" $'\nIn-Reply-To: <hello@test.example>\n'
like "  ... References" "$RAW" $'\nReferences: <hello@test.example>\n'
like "  ... Auto-Submitted: auto-replied" "$RAW" $'\nAuto-Submitted: auto-replied\n'
like "  ... From Alice" "$RAW" 'From: "Alice Martin" <alice@example.test>'
like "  ... the rendered body" "$RAW" $'Hi Bob,\n\nThanks for "Lunch next week": it arrived and I will answer soon.\n\nAlice Martin'
"$VA" -q sync work >/dev/null 2>&1
run "$VA" --json list --account work --folder Sent
is "  ... and a copy is in Alice's Sent" "$(printf '%s' "$OUT" | jq -r --arg m "$REPLY_MID" '[.[] | select(.message_id == $m)] | length')" 1
run "$VA" --json reply "$HELLO" --template auto-ack --auto
is "the same message again: the same outbox row, nothing new" "$RC $(jget .outbox) $(jget .state)" "0 $OUTBOX sent"

# --- one test per gate -----------------------------------------------------------
# gate MSGKEY TEMPLATE CODE DESC: the automatic reply is blocked with CODE
gate() {
	local id
	id=$(id_of "$1")
	run "$VA" --json reply "$id" --template "$2" --auto
	is "gate $4: blocked as $3" "$RC $(jget .state) $(jget .outbox)" "1 blocked 0"
	like "  ... with its reason on stderr" "$ERR" "va: reply blocked: $3: "
	is "  ... and in the reply log" "$("$VA" --json replies --limit 1 | jq -r '.[0] | "\(.state) \(.gate) \(.message)"')" "blocked $3 $id"
}
send_in list "Newsletter" "Friends <friends@lists.example>" "friends-bounces@lists.example" $'List-Id: Friends <friends.lists.example>\r\n'
send_in bulk "Big sale" "Shop <shop@shop.example>" "shop@shop.example" $'Precedence: bulk\r\n'
send_in autosub "Vacation" "Carol <carol@elsewhere.example>" "carol@elsewhere.example" $'Auto-Submitted: auto-replied\r\n'
send_in bounce "Delivery report" "Dan <dan@elsewhere.example>" "<>"
send_in noreply "Your receipt" "Store <noreply@store.example>" "bounces@store.example"
send_in self "Note to self" "Alice <alice@example.test>" "alice@example.test"
send_in money "Urgent" "Eve <eve@elsewhere.example>" "eve@elsewhere.example" "" "Please make the wire transfer to the account below today."
send_in conf "Question" "Fay <fay@elsewhere.example>" "fay@elsewhere.example"
send_in unappr "Another question" "Gus <gus@elsewhere.example>" "gus@elsewhere.example"
send_in edited "Hello again" "Hal <hal@elsewhere.example>" "hal@elsewhere.example"
send_in thread "Re: Lunch next week" "" "" $'In-Reply-To: <hello@test.example>\r\nReferences: <hello@test.example>\r\n'
send_in sender "Something else" "" ""
sync_alice
gate list auto-ack list-mail "List-Id"
gate bulk auto-ack bulk-precedence "Precedence: bulk"
gate autosub auto-ack auto-submitted "Auto-Submitted"
gate bounce auto-ack null-return-path "empty Return-Path"
gate noreply auto-ack no-reply-sender "no-reply sender"
gate self auto-ack from-self "mail from oneself"
gate money auto-ack sensitive-topic "sensitive topic"
like "  ... which names the words" "$ERR" '("wire transfer")'
is "  ... and the message is flagged for you" \
	"$("$VA" --json list --account work --folder INBOX --limit 200 | jq -r '.[] | select(.message_id == "money@test.example") | .flags | index("flagged") != null')" true
gate conf picky low-confidence "confidence below min_confidence"
gate unappr unapproved not-approved "unapproved template"
printf 'auto: true\n\nVersion two, {{sender.name}}\n' >"$TPL/editme.tmpl"
gate edited editme changed-since-approval "edited after approval"
run "$VA" --json templates show editme
is "editing an approved template revoked its approval" "$(jget .state)" unapproved
gate thread auto-ack thread-replied "same thread twice"
gate sender auto-ack sender-limit "one reply per sender per N days"

# --- kill switch -------------------------------------------------------------------
write_conf auto_send=off
send_in kill "Kill switch" "Ida <ida@elsewhere.example>" "ida@elsewhere.example"
sync_alice
run "$VA" --json reply "$(id_of kill)" --template auto-ack --auto
is "kill switch: a draft, not a send" "$RC $(jget .state) $(jget .gate)" "0 draft auto-send-off"
KILL_MID=$(jget .message_id)
"$VA" -q sync work >/dev/null 2>&1
run "$VA" --json list --account work --folder Drafts
is "  ... saved to the IMAP Drafts folder" "$(printf '%s' "$OUT" | jq -r --arg m "$KILL_MID" '[.[] | select(.message_id == $m)] | length')" 1
is "  ... nothing reached the sender" "$(sink_count "$KILL_MID")" 0
write_conf

# --- daily limit with two processes racing -------------------------------------
SENT_TODAY=$("$VA" --json replies --limit 500 | jq '[.[] | select(.auto and (.state == "sent" or .state == "queued" or .state == "sending"))] | length')
write_conf daily_limit=$((SENT_TODAY + 1)) delay=1h
send_in race1 "Race one" "Jo <jo@elsewhere.example>" "jo@elsewhere.example"
send_in race2 "Race two" "Kim <kim@elsewhere.example>" "kim@elsewhere.example"
sync_alice
R1=$(id_of race1) R2=$(id_of race2)
"$VA" --json reply "$R1" --template auto-ack --auto >"$T/r1" 2>"$T/e1" &
"$VA" --json reply "$R2" --template auto-ack --auto >"$T/r2" 2>"$T/e2" &
wait
is "daily limit: two racing processes, one slot: one queued, one blocked" \
	"$(jq -r .state "$T/r1" "$T/r2" | sort | tr '\n' ' ')" "blocked queued "
like "  ... blocked as daily-limit" "$(cat "$T/e1" "$T/e2")" "va: reply blocked: daily-limit: "
Q=$(jq -r 'select(.state == "queued") | .outbox' "$T/r1" "$T/r2")
"$VA" -q reply --cancel "$Q"

# --- the send delay cancels cleanly ----------------------------------------------
write_conf delay=2s
send_in cancel "Cancel me" "Lee <lee@elsewhere.example>" "lee@elsewhere.example"
sync_alice
run "$VA" --json reply "$(id_of cancel)" --template auto-ack --auto
C=$(jget .outbox) CMID=$(jget .message_id)
run "$VA" reply --cancel "$C"
is "cancel during the delay" "$RC $OUT" "0 reply $C cancelled"
start_daemon
sleep 3.5
stop_daemon
is "  ... the row stays cancelled" "$(reply_field "$C" state)" cancelled
is "  ... nothing was delivered" "$(sink_count "$CMID")" 0
run "$VA" reply --cancel "$C"
like "  ... cancelling twice says why" "$RC $ERR" "1 va: cannot cancel reply $C: reply $C is cancelled, not queued"

# --- crash between the SMTP send and the bookkeeping -----------------------------
write_conf
send_in crash "Crash test" "Max <max@elsewhere.example>" "max@elsewhere.example"
sync_alice
run "$VA" --json reply "$(id_of crash)" --template auto-ack --auto
X=$(jget .outbox) XMID=$(jget .message_id)
VA_TEST_CRASH_AFTER_SEND=1 "$VA" --daemon >>"$T/daemon.log" 2>&1 &
CPID=$!
wait "$CPID"
is "crash hook: the daemon dies right after sending" "$?" 137
is "  ... leaving the row in 'sending'" "$(reply_field "$X" state)" sending
start_daemon
check "restart: the row is settled" wait_state "$X" sent 20
stop_daemon
like "  ... because the reply was found in Sent" "$(reply_field "$X" reason)" "found in Sent after a restart"
for _ in $(seq 40); do [ "$(sink_count "$XMID")" -ge 1 ] && break; sleep 0.1; done
sleep 0.5
is "  ... exactly one reply delivered" "$(sink_count "$XMID")" 1

# --- a batch: due replies go out together over one session ---------------------
write_conf
BATCH_MIDS=()
for n in 1 2 3 4 5; do
	send_in "batch$n" "Batch question $n" "Pat$n <pat$n@elsewhere.example>" "pat$n@elsewhere.example"
done
sync_alice
for n in 1 2 3 4 5; do
	run "$VA" --json reply "$(id_of "batch$n")" --template auto-ack --auto
	BATCH_MIDS+=("$(jget .message_id)")
	BATCH_LAST=$(jget .outbox)
done
sleep 1.2 # every reply's delay is over before the daemon starts: all are due at once
# A slow server (300 ms a message): the rows' own jobs start on the other
# worker while a batch is still sending them, and must not send them again.
VA_TEST_SEND_DELAY_MS=300 "$VA" --daemon >>"$T/daemon.log" 2>&1 &
DPID=$!
batch_sent() { [ "$("$VA" --json replies --limit 500 | jq '[.[] | select((.subject // "") | test("Batch question")) | select(.state == "sent")] | length')" -eq 5 ]; }
check "five due replies are all sent" wait_for 30 batch_sent
stop_daemon
DB=$XDG_DATA_HOME/va/va.db
MORE=$(sqlite3 "$DB" "SELECT COALESCE(SUM(CAST(substr(progress, 11) AS INTEGER)), 0) FROM jobs WHERE kind = 'send_reply' AND progress LIKE 'done, and % more due'")
# Two workers may each start a job before the first batch takes the rest:
# five replies in at most two SMTP sessions, one per worker.
check "  ... batched: at least three went out in another reply's session (got $MORE)" test "$MORE" -ge 3
batch_sink() { local m; for m in "${BATCH_MIDS[@]}"; do [ "$(sink_count "$m")" -eq 1 ] || return 1; done; }
check "  ... each reached its recipient exactly once" wait_for 10 batch_sink
is "  ... each has one copy in Sent" "$(for m in "${BATCH_MIDS[@]}"; do "$VA" -q sync work >/dev/null 2>&1; break; done
	"$VA" --json list --account work --folder Sent --limit 500 | jq --arg s "${BATCH_MIDS[*]}" '[.[] | select(.message_id as $m | ($s | split(" ") | index($m)) != null)] | length')" 5
is "  ... and every job of the batch ended done" \
	"$(sqlite3 "$DB" "SELECT COUNT(*) FROM jobs j JOIN reply_log r ON r.job_id = j.id WHERE r.subject LIKE '%Batch question%' AND j.state = 'done'")" 5
# five replies in at most two sessions of at most two messages: the server
# refused at least one, and va sent it on a new session
RETRIED=$(cat "$T/daemon.log" "$XDG_STATE_HOME/va/va.log" 2>/dev/null | grep -c 'trying again on a new session')
check "  ... a session's third message was refused and sent again on a new session (got $RETRIED)" \
	test "$RETRIED" -ge 1

# --- manual replies ----------------------------------------------------------------
run "$VA" --json reply "$(id_of list)" --template thanks
is "manual reply: a draft by default" "$RC $(jget .state)" "0 draft"
like "  ... with a warning that an automatic reply would be blocked" "$ERR" "warning: an automatic reply would be blocked: list-mail"
printf '#!/bin/sh\nprintf "Subject: Edited subject\\n\\nEdited body.\\n" >"$1"\n' >"$T/ed.sh"
chmod +x "$T/ed.sh"
run env EDITOR="$T/ed.sh" "$VA" --json reply "$HELLO" --edit --send
is "manual blank reply edited in \$EDITOR and sent now" "$RC $(jget .state)" "0 sent"
EMID=$(jget .message_id)
for _ in $(seq 50); do
	"${BOB[@]}" -q sync bob >/dev/null 2>&1
	ERAW=$("${BOB[@]}" --json list --account bob --folder INBOX | jq -r --arg m "$EMID" '.[] | select(.message_id == $m) | .id')
	[ -n "$ERAW" ] && break
	sleep 0.2
done
ERAW=$("${BOB[@]}" show "$ERAW" --raw | tr -d '\r')
like "  ... arrives with the edited subject" "$ERAW" "Subject: Edited subject"
unlike "  ... and no Auto-Submitted header" "$ERAW" "Auto-Submitted"
run "$VA" --json audit list --limit 500
is "the audit log has each block with its reason, and each send" \
	"$(jget '[([.[] | select(.kind == "reply.blocked") | tostring | select(contains("sensitive-topic"))] | length) > 0, ([.[] | select(.kind == "reply.sent")] | length) >= 3] | join(" ")' 2>&1)" "true true"
# --- a follow-up ends by itself when the answer arrives through the MTA ---------
stop_daemon
printf 'Is the venue confirmed?\n' >"$T/ask.txt"
run "$VA" --json send --to bob@example.test --subject "Can you confirm the venue?" --body-file "$T/ask.txt"
ASK_MID=$(jget .message_id)
send_in fu-quiet "Nobody will answer this" "Dave Doe <dave@elsewhere.test>" dave@elsewhere.test
sync_alice
ASK=$("$VA" --json list --account work --folder Sent --limit 500 | jq -r --arg m "$ASK_MID" '.[] | select(.message_id == $m) | .id')
QUIET=$(id_of fu-quiet)
check "the question Alice sent is in her Sent folder" test -n "$ASK"
"$VA" -q followup "$ASK" --after 3s
"$VA" -q followup "$QUIET" --after 3s --nudge auto-ack
send_in fu-answer "Re: Can you confirm the venue?" "Bob Baker <bob@example.test>" bob@example.test \
	"In-Reply-To: <$ASK_MID>"$'\r\n'"References: <$ASK_MID>"$'\r\n' "Confirmed."
answer_stored() { sync_alice; [ -n "$(id_of fu-answer)" ]; }
check "the answer came through the MTA and is stored" wait_for 30 answer_stored
sleep 3.2
start_daemon
fu_state() { sqlite3 "$XDG_DATA_HOME/va/va.db" "SELECT state FROM followups WHERE message_id = $1"; }
fu_settled() { [ "$(fu_state "$ASK")" = done ] && [ "$(fu_state "$QUIET")" = due ]; }
check "follow-ups settle when due" wait_for 30 fu_settled
is "the reply delivered through OpenSMTPD ended its follow-up" "$(fu_state "$ASK")" done
is "the one nobody answered came back due, flagged and unread" \
	"$(fu_state "$QUIET") $("$VA" --json show "$QUIET" | jq -c '[(.flags | index("flagged") != null), (.flags | index("seen") == null)]')" 'due [true,true]'
nudged() { "$VA" --json replies --limit 500 | jq -e --argjson m "$QUIET" '[.[] | select(.message == $m and .state == "sent")] | length == 1' >/dev/null; }
check "... and its nudge went out through the gates, once" wait_for 30 nudged
is "no nudge for the one that was answered" "$("$VA" --json replies --limit 500 | jq --argjson m "$ASK" '[.[] | select(.message == $m)] | length')" 0
stop_daemon

check "the daemons wrote no sanitizer or runtime error report" \
	bash -c "! grep -qE 'Sanitizer|runtime error' '$T/daemon.log'"
check "the passwords are in no database, config or log" \
	bash -c "! grep -rqa -e alice-pass -e bob-pass '$XDG_DATA_HOME' '$XDG_CONFIG_HOME' '$XDG_STATE_HOME' '$T/bobdata'"
done_testing
