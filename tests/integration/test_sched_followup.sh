#!/bin/bash
# test_sched_followup: `va followup` and `va snooze` on the local demo
# mailbox: bad input refused; a follow-up with no reply brings the message
# back flagged and unread; one whose thread got a reply ends by itself; a
# snooze wakes the message (unread) on time.
. "$(dirname "$0")/lib.sh"

DB="$XDG_DATA_HOME/va/va.db"
q() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }
"$VA" -q list --limit 1 >/dev/null # imports the demo mailbox
alone=$(q "SELECT id FROM messages m WHERE (SELECT COUNT(*) FROM messages x WHERE x.thread_id = m.thread_id) = 1 ORDER BY id LIMIT 1")
replied=$(q "SELECT m.id FROM messages m WHERE EXISTS (SELECT 1 FROM messages x WHERE x.thread_id = m.thread_id AND x.date > m.date AND lower(COALESCE(x.from_addr,'')) != lower(COALESCE(m.from_addr,''))) ORDER BY m.id LIMIT 1")
snoozed=$(q "SELECT id FROM messages WHERE id NOT IN ($alone, ${replied:-0}) ORDER BY id LIMIT 1")
check "demo mailbox has the messages this test needs" test -n "$alone" -a -n "$replied" -a -n "$snoozed"

run "$VA" followup "$alone" --after 5x
like "bad delay refused" "$ERR" "--after wants a duration"
run "$VA" followup 999999 --after 1d
like "missing message refused" "$ERR" "no message 999999"
run "$VA" snooze "$snoozed" --until "someday"
like "bad snooze time refused" "$ERR" 'cannot parse time "someday"'
is "nothing stored by bad input" "$(q "SELECT (SELECT COUNT(*) FROM followups) + (SELECT COUNT(*) FROM snoozes)")" 0

q "UPDATE messages SET flags = 1 WHERE id IN ($alone, $replied, $snoozed)" # seen, not flagged
run "$VA" followup "$alone" --after 1s
like "follow-up added" "$OUT" "follow-up"
is "list --waiting shows the message a follow-up waits on" "$("$VA" --json list --waiting | jq -c '[.[].id]')" "[$alone]"

# "owe a reply": mail from people, not answered, nothing from me after it
owed=$("$VA" --json list --owed | jq -r '[.[].id] | join(",")')
check "list --owed finds mail I owe a reply to ($owed)" test -n "$owed"
is "... none of it answered, from a list, bulk, auto-submitted or from me" \
	"$(q "SELECT COUNT(*) FROM messages WHERE id IN ($owed) AND ((flags & 2) OR list_id IS NOT NULL OR precedence IS NOT NULL OR COALESCE(auto_submitted, 'no') != 'no' OR from_addr = 'sam@example.com')")" 0
is "... and every unanswered personal message is in it" \
	"$(q "SELECT COUNT(*) FROM messages WHERE id NOT IN ($owed) AND (flags & 2) = 0 AND list_id IS NULL AND list_unsubscribe IS NULL AND precedence IS NULL AND auto_submitted IS NULL AND from_addr NOT GLOB '*no*reply*' AND COALESCE(category, '') NOT IN ('promotional', 'spam') AND from_addr != 'sam@example.com' AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.thread_id = messages.thread_id AND r.date >= messages.date AND r.id != messages.id AND r.from_addr = 'sam@example.com')")" 0
first=${owed%%,*}
q "UPDATE messages SET flags = flags | 2 WHERE id = $first"
unlike "answering a message takes it off the list" ",$("$VA" --json list --owed | jq -r '[.[].id] | join(",")')," ",$first,"
"$VA" -q followup "$replied" --after 1s
"$VA" -q snooze "$snoozed" --until +1s
is "a snoozed message leaves the inbox for Snoozed" "$("$VA" --json show "$snoozed" | jq -r .folder)" Snoozed
is "two followup_check jobs and one snooze_wake queued" \
	"$(q "SELECT group_concat(kind) FROM (SELECT kind FROM jobs WHERE kind != 'sync' ORDER BY kind)")" \
	"followup_check,followup_check,snooze_wake"
sleep 1.2
"$VA" --daemon & pid=$!
for _ in $(seq 100); do
	[ "$(q "SELECT COUNT(*) FROM jobs WHERE kind IN ('followup_check','snooze_wake') AND state = 'done'")" = 3 ] && break
	sleep 0.1
done
kill -TERM "$pid"; wait "$pid"
is "no reply: follow-up due" "$(q "SELECT state FROM followups WHERE message_id = $alone")" "due"
is "no reply: message flagged and unread" "$(q "SELECT flags & 5 FROM messages WHERE id = $alone")" 4
is "reply in the thread: follow-up done" "$(q "SELECT state FROM followups WHERE message_id = $replied")" "done"
is "reply in the thread: message untouched" "$(q "SELECT flags & 5 FROM messages WHERE id = $replied")" 1
is "snooze woken" "$(q "SELECT state FROM snoozes WHERE message_id = $snoozed")" "woken"
is "snoozed message unread again" "$(q "SELECT flags & 1 FROM messages WHERE id = $snoozed")" 0
is "... and back in INBOX" "$("$VA" --json show "$snoozed" | jq -r .folder)" INBOX
done_testing
