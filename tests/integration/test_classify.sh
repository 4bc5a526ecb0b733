#!/bin/bash
# test_classify: `va classify` and `va train` end to end: day-one priors on
# the demo mailbox, verdicts stored on the messages, the unsure band, usage
# and input errors, training from files, from stored messages and from a
# Junk folder, each label learned once, the model persisting between runs.
. "$(dirname "$0")/lib.sh"
FX=$ROOT/tests/fixtures/classify
CATS='["important","actionable","followup","promotional","spam"]'

# --- day one: priors only ---------------------------------------------------
run "$VA" --json classify --all
is "classify --all exits 0" "$RC" 0
V=$OUT
is "a verdict for each demo message" "$(jq length <<<"$V")" 30
is "every verdict names the priors model" "$(jq '[.[] | select(.model == "local-lr/priors")] | length' <<<"$V")" 30
is "categories come from the fixed set (or null when unsure)" \
	"$(jq --argjson c "$CATS" '[.[] | select(.category != null and (.category as $x | $c | index($x) | not))] | length' <<<"$V")" 0
is "unsure verdicts have no category, sure ones have one" \
	"$(jq '[.[] | select((.unsure and .category != null) or (.unsure | not) and .category == null)] | length' <<<"$V")" 0
is "confidence is 0-100, unsure exactly below 60 (90 for spam)" \
	"$(jq '[.[] | select(.confidence < 0 or .confidence > 100 or
		((.confidence < (if .guess == "spam" then 90 else 60 end)) != .unsure))] | length' <<<"$V")" 0
is "every verdict gives a reason" "$(jq '[.[] | select((.reason // "") == "")] | length' <<<"$V")" 0
is "scores add up to 1" "$(jq '[.[] | (.scores | add) | select(. < 0.99 or . > 1.01)] | length' <<<"$V")" 0

LIST=$("$VA" --json list)
id_of() { jq -r --arg s "$1" '[.[] | select(.subject | startswith($s))][0].id' <<<"$LIST"; }
NEWS=$(id_of "The Weekly Brew")
LOTTO=$(id_of "CONGRATULATIONS")
REVIEW=$(id_of "Can you review the Halvorsen")
verdict() { jq -c --argjson id "$1" '.[] | select(.id == $id)' <<<"$V"; }
is "a newsletter is promotional on day one" "$(verdict "$NEWS" | jq -r .category)" promotional
like "its reason names the list header" "$(verdict "$NEWS" | jq -r .reason)" "List-Unsubscribe header"
is "an obvious scam is spam on day one" "$(verdict "$LOTTO" | jq -r .category)" spam
like "its reason names what decided" "$(verdict "$LOTTO" | jq -r .reason)" "subject in capitals"

run "$VA" --json show "$NEWS"
is "the verdict is stored on the message" "$(jq -r .category <<<"$OUT")" promotional
is "with its confidence" "$(jq -r .confidence <<<"$OUT")" "$(verdict "$NEWS" | jq -r .confidence)"
is "and the model" "$(jq -r .model <<<"$OUT")" "local-lr/priors"
run "$VA" --json list --category promotional
is "list --category finds classified messages" "$(jq --argjson id "$NEWS" 'map(.id) | index($id) != null' <<<"$OUT")" true

run "$VA" classify "$LOTTO"
is "classify ID exits 0" "$RC" 0
like "text output names the category" "$OUT" "spam"
run "$VA" --json classify
is "classify with no id does only unclassified messages (none left)" "$(jq length <<<"$OUT")" 0

# --- errors -----------------------------------------------------------------
run "$VA" classify 999999
is "an unknown id exits 1" "$RC" 1
like "and says which" "$ERR" "cannot classify message 999999: no such message"
run "$VA" classify abc
is "a bad id is a usage error" "$RC" 2
run "$VA" classify --bogus
is "an unknown option is a usage error" "$RC" 2
run "$VA" train --category spam
is "train --category without a path is a usage error" "$RC" 2
run "$VA" train --category urgent "$FX"
is "an unknown category exits 1" "$RC" 1
like "and names it" "$ERR" 'unknown category "urgent"'
run "$VA" train --category spam "$T/nowhere"
is "a missing path exits 1" "$RC" 1
like "and names it" "$ERR" "cannot read \"$T/nowhere\""
run "$VA" train --set spam 999999
is "labelling an unknown message exits 1" "$RC" 1
like "and says why" "$ERR" "no message with id 999999"

# --- training from files ----------------------------------------------------
mkdir -p "$T/spam"
cp "$FX"/spam-*.eml "$FX/empty.eml" "$FX/not-mail.txt" "$T/spam/"
run "$VA" --json train --category spam "$T/spam"
is "train from a directory exits 0 despite bad files" "$RC" 0
is "every file is read" "$(jq .files <<<"$OUT")" 5
is "the messages are learned" "$(jq .learned <<<"$OUT")" 3
is "the bad files are reported with a reason" "$(jq '[.failures[] | select(.reason != "")] | length' <<<"$OUT")" 2
is "the model counts its labels" "$(jq .labels <<<"$OUT")" 3
run "$VA" --json train --category important "$FX/ham-1.eml"
is "train from one file" "$(jq .labels <<<"$OUT")" 4

before=$(jq -r --argjson id "$REVIEW" '.[] | select(.id == $id) | .scores.actionable' <<<"$V")
run "$VA" --json train --set actionable "$REVIEW"
is "train --set exits 0" "$RC" 0
is "one label learned" "$(jq .learned <<<"$OUT")" 1
run "$VA" --json classify "$REVIEW"
after=$(jq -r '.[0].scores.actionable' <<<"$OUT")
check "the label moved the message towards its category ($before -> $after)" \
	awk -v a="$before" -v b="$after" 'BEGIN { exit !(b > a + 0.05) }'
is "the trained model is named" "$(jq -r '.[0].model' <<<"$OUT")" "local-lr"
run "$VA" --json train
is "labels are learned once" "$(jq .learned <<<"$OUT")" 0

# --- training from folders --------------------------------------------------
MD=$T/mail
mkdir -p "$MD/cur" "$MD/new" "$MD/tmp" "$MD/.Junk/cur" "$MD/.Junk/new" "$MD/.Junk/tmp"
cp "$FX/ham-1.eml" "$MD/cur/1.ham:2,S"
for f in "$FX"/spam-*.eml; do cp "$f" "$MD/.Junk/cur/$(basename "$f" .eml):2,S"; done
run "$VA" --json import "$MD"
is "a Maildir with a Junk folder imports" "$RC" 0
run "$VA" --json train
is "messages in Junk become spam labels" "$(jq .from_folders <<<"$OUT")" 3
is "and are learned" "$(jq .learned <<<"$OUT")" 3
run "$VA" --json train
is "each message is labelled from its folder once" "$(jq .from_folders <<<"$OUT")" 0

# --- leaving Junk: "not spam" --------------------------------------------------
DB=$XDG_DATA_HOME/va/va.db
label_of() { sqlite3 "$DB" "SELECT category || ' ' || source FROM classifier_labels WHERE message_id = $1 ORDER BY id DESC LIMIT 1"; }
JUNK=$("$VA" --json list --folder Junk | jq -r '[.[].id] | join(" ")')
read -r J1 J2 J3 <<<"$JUNK"
check "three messages in Junk ($JUNK)" test -n "$J3"
run "$VA" --json classify "$J1"
before=$(jq -r '.[0].scores.spam' <<<"$OUT")
is "the first is spam to the model" "$(jq -r '.[0].category' <<<"$OUT")" spam
run "$VA" act "$J1" move INBOX
is "moving it out of Junk exits 0" "$RC" 0
is "records a not-spam label (spam before: the category is left to the model)" "$(label_of "$J1")" "ham not-junk"
run "$VA" --json train
is "train learns that one label" "$(jq .learned <<<"$OUT")" 1
is "and does not label it spam from a folder again" "$(jq .from_folders <<<"$OUT")" 0
run "$VA" --json classify "$J1"
after=$(jq -r '.[0].scores.spam' <<<"$OUT")
check "the label moved it away from spam ($before -> $after)" \
	awk -v a="$before" -v b="$after" 'BEGIN { exit !(b < a - 0.02) }'
run "$VA" act "$J2" category promotional
run "$VA" act "$J2" archive
is "archiving out of Junk keeps a category that is not spam" "$(label_of "$J2")" "promotional not-junk"
run "$VA" undo
is "undo of that archive drops its label" "$(label_of "$J2")" "promotional user"
run "$VA" act "$J3" trash
is "deleting from Junk teaches nothing" "$(label_of "$J3")" "spam folder"
run "$VA" act "$J3" move INBOX
is "nor does moving on from Trash" "$(label_of "$J3")" "spam folder"
run "$VA" act "$J1" move Archive
is "nor a move between folders that are not Junk" "$(label_of "$J1")" "ham not-junk"
is "only the move out of Junk left a label" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM classifier_labels WHERE source = 'not-junk'")" 1

# --- known correspondents ---------------------------------------------------
K=$T/known
mkdir -p "$K/cur" "$K/new" "$K/tmp"
mail() { printf 'From: %s\nTo: you@example.org\nSubject: %s\nMessage-ID: <%s@x>\n\nsee the attached plan\n' "$@"; }
mail "Ann Lee <ann@example.org>" "plan" 1 >"$K/cur/1:2,RS" # answered
mail "Ann Lee <ann@example.org>" "next steps" 2 >"$K/cur/2:2,S"
mail "Bob Roe <bob@example.net>" "next steps" 3 >"$K/cur/3:2,S"
"$VA" -q --data-dir "$T/dk" import "$K" >/dev/null
run "$VA" --data-dir "$T/dk" --json classify --all
V=$OUT
L=$("$VA" -q --data-dir "$T/dk" --json list --account local)
id_from() { jq --arg a "$1" '.[] | select(.from.address == $a and .subject == "next steps") | .id' <<<"$L"; }
ANN=$(id_from ann@example.org) BOB=$(id_from bob@example.net)
like "a sender you answered is named in the reason" "$(verdict "$ANN" | jq -r .reason)" "a sender you have answered"
check "and weighs towards important" awk -v a="$(verdict "$ANN" | jq .scores.important)" \
	-v b="$(verdict "$BOB" | jq .scores.important)" 'BEGIN { exit !(a > b + 0.1) }'

# --- the model persists -----------------------------------------------------
run "$VA" --json classify --all
is "classify after training exits 0" "$RC" 0
is "every verdict comes from the trained model" \
	"$(jq '[.[] | select(.model != "local-lr")] | length' <<<"$OUT")" 0
is "the scam is still spam" "$(jq -r --argjson id "$LOTTO" '.[] | select(.id == $id) | .category' <<<"$OUT")" spam
run "$VA" classify --all
like "the summary counts the labels (the not-spam one too)" "$ERR" "(9 labels learned)"

done_testing
