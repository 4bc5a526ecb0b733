#!/bin/bash
# test_rules: the rules through the real binary on the demo mailbox: the
# shipped defaults, file:line errors that disable only the broken rule,
# recommendations (accept runs the action, reject does not, nothing is
# recommended twice), auto rules journaled as the rule's and undone as a run,
# `rules test` replay and --apply, enable/disable, the Sieve export.
. "$(dirname "$0")/lib.sh"

RULES=$XDG_CONFIG_HOME/va/rules
mkdir -p "$RULES"
jq_out() { jq -r "$1" <<<"$OUT"; }

# ---- the shipped defaults ----
run "$VA" --json rules list
is "rules list exits 0 with the defaults" "$RC" 0
is "five default rules" "$(jq_out '.rules | length')" 5
is "every default recommends" "$(jq_out '[.rules[] | select(.mode == "recommend")] | length')" 5
is "no errors in the defaults" "$(jq_out '.errors | length')" 0
run "$VA" rules check
is "rules check passes on the defaults" "$RC" 0
like "... and says how many rules" "$OUT" "5 rules OK"

# ---- errors: file, line and path; only the broken rule is dropped ----
cat >"$RULES/broken.json" <<'J'
[
  {"name": "good one", "when": {"field": "subject", "op": "contains", "value": "zzz"},
   "then": [{"action": "flag"}]},
  {"name": "bad one",
   "when": {"all": [
     {"field": "subject", "op": "equal", "value": "x"}
   ]},
   "then": [{"action": "flag"}]}
]
J
run "$VA" rules check
is "rules check fails on a broken file" "$RC" 1
like "the error names file, line and JSON path" "$ERR" "broken.json:6: when.all[0].op: unknown op \"equal\" (did you mean \"equals\"?)"
run "$VA" --json rules list
is "the good rule of the broken file still loads" "$(jq_out '[.rules[] | select(.name == "good one")] | length')" 1
is "the bad rule is left out" "$(jq_out '[.rules[] | select(.name == "bad one")] | length')" 0
run "$VA" rules check "$RULES/broken.json"
is "check FILE checks just that file" "$RC" 1
rm "$RULES/broken.json"
printf '{"name": "x", "then": [' >"$RULES/truncated.json"
run "$VA" rules check "$RULES/truncated.json"
like "invalid JSON is reported with its line" "$ERR" "truncated.json:1:"
rm "$RULES/truncated.json"

# ---- recommendations from the defaults ----
"$VA" classify --all >/dev/null
run "$VA" --json rules run
is "rules run exits 0" "$RC" 0
RECO=$(jq_out .recommended)
check "the defaults recommend something on the demo mail ($RECO)" test "$RECO" -gt 0
is "nothing was done without asking" "$(jq_out .done)" 0
run "$VA" --json rules run
is "a second run recommends nothing new" "$(jq_out .recommended)" 0
run "$VA" --json recommendations
is "recommendations lists them" "$(jq_out length)" "$RECO"
like "each says why" "$(jq_out '.[0].why')" "when"
ARCH=$(jq -r '[.[] | select(.action == "archive" or .action == "move")][0].id // empty' <<<"$OUT")
if [ -n "$ARCH" ]; then
	MID=$(jq -r ".[] | select(.id == $ARCH) | .message" <<<"$OUT")
	FOLDER=$(jq -r ".[] | select(.id == $ARCH) | if .action == \"archive\" then \"Archive\" else .args.arg end" <<<"$OUT")
	run "$VA" accept "$ARCH"
	is "accept exits 0" "$RC" 0
	is "the accepted action ran" "$("$VA" --json show "$MID" | jq -r .folder)" "$FOLDER"
	run "$VA" accept "$ARCH"
	is "accepting twice is refused" "$RC" 1
	"$VA" undo >/dev/null
	is "an accepted action is the user's to undo" "$("$VA" --json show "$MID" | jq -r .folder)" INBOX
else
	fail "a default recommends archive or move on the demo mail"
fi
REJ=$("$VA" --json recommendations | jq -r '.[0].id')
REJ_MSG=$("$VA" --json recommendations | jq -r '.[0].message')
BEFORE=$("$VA" --json show "$REJ_MSG" | jq -c '[.folder, .flags]')
run "$VA" reject "$REJ"
is "reject exits 0" "$RC" 0
is "a rejected recommendation changes nothing" "$("$VA" --json show "$REJ_MSG" | jq -c '[.folder, .flags]')" "$BEFORE"
is "it is no longer pending" "$("$VA" --json recommendations | jq "[.[] | select(.id == $REJ)] | length")" 0
is "--all shows it rejected" "$("$VA" --json recommendations --all | jq -r ".[] | select(.id == $REJ) | .state")" rejected
run "$VA" reject 99999
is "rejecting an unknown id exits 1" "$RC" 1

# ---- an auto rule: executed, journaled as the rule's, undone as a run ----
cat >"$RULES/tag.json" <<'J'
{"name": "tag invoices", "trigger": "received", "mode": "auto",
 "when": {"any": [{"field": "subject", "op": "wildcard", "value": "*statement*"},
                  {"field": "from", "op": "regex", "value": "^alerts@"}]},
 "then": [{"action": "label", "value": "bills"}, {"action": "flag"}]}
J
run "$VA" --json rules test --since all "tag invoices"
is "rules test exits 0" "$RC" 0
HITS=$(jq_out '[.steps[] | select(.rule == "tag invoices")] | length')
check "rules test shows what the rule would do ($HITS steps)" test "$HITS" -gt 0
is "... as a plan" "$(jq_out '[.steps[] | select(.outcome != "would do")] | length')" 0
is "... and changes nothing" "$("$VA" --json actions | jq '[.[] | select(.origin == "rule")] | length')" 0
run "$VA" rules test --since all
like "plain rules test names the rule and the deciding test" "$OUT" "tag invoices: "
like "... and the plan" "$OUT" "-> label bills: would do"
# the cursor already passed the demo mail: a received rule acts on new mail only,
# `rules test --apply` runs it on what is stored
run "$VA" --json rules test --since all --apply "tag invoices"
is "rules test --apply exits 0" "$RC" 0
DONE=$(jq_out .done)
check "--apply ran the plan ($DONE actions)" test "$DONE" -gt 0
run "$VA" --json actions
is "the journal says the rule did it" "$(jq_out '[.[] | select(.origin == "rule" and .rule == "tag invoices")] | length')" "$DONE"
LABELLED=$("$VA" --json list --flagged | jq '[.[] | select((.keywords // []) | any(. == "bills"))] | length')
check "the messages are labelled and flagged ($LABELLED)" test "$LABELLED" -gt 0
run "$VA" undo --rule "tag invoices"
is "undo --rule exits 0" "$RC" 0
like "undo --rule takes the whole run back" "$OUT" "undid $DONE"
is "no label left" "$("$VA" --json list | jq '[.[] | select((.keywords // []) | any(. == "bills"))] | length')" 0
run "$VA" undo --rule "tag invoices"
is "nothing left to undo for the rule" "$RC" 1
run "$VA" --json rules test --since all --apply "tag invoices"
is "a rule does not fire twice on the same message" "$(jq_out .done)" 0
like "... the replay says so" "$(jq_out '.steps[0].outcome')" "already applied"

# ---- enable / disable ----
run "$VA" rules disable "tag invoices"
is "disable exits 0" "$RC" 0
is "the rule is off" "$("$VA" --json rules list | jq -r '.rules[] | select(.name == "tag invoices") | .enabled')" false
DEF=$("$VA" --json rules list | jq -r '[.rules[] | select(.file | contains("share/rules"))][0].name')
run "$VA" rules disable "$DEF"
is "disabling a shipped default exits 0" "$RC" 0
like "... by writing the user's copy" "$OUT" "$RULES/"
is "the default is off" "$("$VA" --json rules list | jq -r ".rules[] | select(.name == \"$DEF\") | .enabled")" false
is "still five rules plus the user's one" "$("$VA" --json rules list | jq '.rules | length')" 6
run "$VA" rules enable nosuchrule
is "enabling an unknown rule exits 1" "$RC" 1

# ---- Sieve export ----
run "$VA" rules export --sieve
is "export exits 0" "$RC" 0
like "the script requires its extensions" "$OUT" "require"
run "$VA" rules export
is "export without a format is a usage error" "$RC" 2

done_testing
