#!/bin/bash
# test_classify_similar: `va similar ID` offline (TF-IDF) and with the fake
# OpenAI-compatible server's /v1/embeddings: nearest messages first, the
# message itself left out, embeddings cached by message hash (a second run
# asks nothing), and a failing service falls back to TF-IDF.
. "$(dirname "$0")/lib.sh"

M=$T/mail
mkdir -p "$M/cur" "$M/new" "$M/tmp"
mail() { printf 'From: %s\nTo: you@example.org\nSubject: %s\nMessage-ID: <%s@x>\n\n%s\n' "$@"; }
mail "a@example.org" "quarterly budget review" 1 "the quarterly budget review meeting moves to friday" >"$M/cur/1:2,S"
mail "b@example.org" "budget review notes" 2 "notes from the quarterly budget review meeting" >"$M/cur/2:2,S"
mail "c@example.org" "garden party" 3 "bring flowers and cake to the garden party" >"$M/cur/3:2,S"
mail "d@example.org" "cake recipe" 4 "the cake recipe for the party with flowers" >"$M/cur/4:2,S"
D=$T/d
"$VA" -q --data-dir "$D" import "$M" >/dev/null
L=$("$VA" -q --data-dir "$D" --json list --account local)
id_of() { jq --arg s "$1" '.[] | select(.subject == $s) | .id' <<<"$L"; }
B1=$(id_of "quarterly budget review") B2=$(id_of "budget review notes") G=$(id_of "garden party")
C=$(id_of "cake recipe")

run "$VA" --data-dir "$D" --json similar "$B1"
is "similar exits 0 offline" "$RC" 0
is "the closest to a budget mail is the other budget mail" "$(jq '.[0].id' <<<"$OUT")" "$B2"
is "by TF-IDF" "$(jq -r '.[0].method' <<<"$OUT")" tf-idf
is "the message itself is left out" "$(jq --argjson i "$B1" '[.[] | select(.id == $i)] | length' <<<"$OUT")" 0
is "scores fall" "$(jq '.[0].score >= .[1].score and .[1].score >= .[-1].score' <<<"$OUT")" true
run "$VA" --data-dir "$D" --json similar "$G" --limit 1
is "--limit 1 gives one" "$(jq length <<<"$OUT")" 1
is "the party goes with the cake" "$(jq '.[0].id' <<<"$OUT")" "$C"
run "$VA" --data-dir "$D" similar 999999
is "an unknown id exits 1" "$RC" 1
like "... saying so" "$ERR" "no message with id 999999"
run "$VA" --data-dir "$D" similar
is "no id: usage" "$RC" 2
run "$VA" --data-dir "$D" similar "$B1" --limit x
is "a bad limit: usage" "$RC" 2

if ! command -v python3 >/dev/null; then
	skip "embeddings" "python3 is not installed"
	done_testing
	exit 0
fi
python3 "$ROOT/tests/fixtures/llm/fake_openai.py" >"$T/server.out" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do grep -qs PORT "$T/server.out" && break; sleep 0.1; done
PORT=$(awk '/PORT/ { print $2 }' "$T/server.out")
mkdir -p "$XDG_CONFIG_HOME/va"
conf() { printf '[llm]\nbase_url = http://127.0.0.1:%s/v1\nmodel = ok\nembedding_model = %s\n' "$PORT" "$1" >"$XDG_CONFIG_HOME/va/va.conf"; }

conf embed
N=$(sqlite3 "$D/va.db" "SELECT count(DISTINCT hash) FROM messages") # the demo mailbox too
run "$VA" --data-dir "$D" --json similar "$B1"
is "similar with embeddings exits 0" "$RC" 0
is "by the embedding model" "$(jq -r '.[0].method' <<<"$OUT")" embeddings:embed
is "the closest is still the other budget mail" "$(jq '.[0].id' <<<"$OUT")" "$B2"
like "every stored message was embedded once" "$ERR" "($N embedded now)"
is "the vectors are cached in the database" \
	"$(sqlite3 "$D/va.db" "SELECT count(*) FROM embeddings WHERE model = 'embed'")" "$N"
run "$VA" --data-dir "$D" --json similar "$B1"
like "a second query asks the service nothing" "$ERR" "(0 embedded now)"
is "and answers the same from the cache" "$(jq '.[0].id' <<<"$OUT")" "$B2"

conf embed-500
run "$VA" --data-dir "$D" --json similar "$B1"
is "a failing service: still exits 0" "$RC" 0
is "falls back to TF-IDF" "$(jq -r '.[0].method' <<<"$OUT")" tf-idf
like "and says why" "$ERR" "HTTP status 500"
conf embed-key
run "$VA" --data-dir "$D" similar "$B1"
like "a refused key is named, not shown" "$ERR" "the API key was refused"

done_testing
