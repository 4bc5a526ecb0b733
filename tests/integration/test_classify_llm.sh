#!/bin/bash
# test_classify_llm: the LLM tier of `va classify` against the fake
# OpenAI-compatible server in tests/fixtures/llm/ on 127.0.0.1: only unsure
# verdicts are sent, answers are stored with the LLM's model name and
# learned as labels, the cache answers the second time, the daily token cap
# holds, and a broken or off-schema service leaves the local verdict standing.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { skip "LLM tier" "python3 is not installed"; done_testing; exit 0; }
python3 "$ROOT/tests/fixtures/llm/fake_openai.py" >"$T/server.out" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do grep -q PORT "$T/server.out" && break; sleep 0.1; done
PORT=$(awk '/PORT/ { print $2 }' "$T/server.out")
conf() { # MODEL [MAX_TOKENS [WHICH]]
	mkdir -p "$XDG_CONFIG_HOME/va"
	printf '[llm]\nbase_url = http://127.0.0.1:%s/v1\nmodel = %s\nmax_tokens_per_day = %s\nclassify = %s\n' \
		"$PORT" "$1" "${2:-100000}" "${3:-unsure}" >"$XDG_CONFIG_HOME/va/va.conf"
}

run "$VA" --json classify --all
LOCAL=$OUT
NUNSURE=$(jq '[.[] | select(.unsure)] | length' <<<"$LOCAL")
check "offline, some demo verdicts are unsure ($NUNSURE)" test "$NUNSURE" -gt 0

conf ok
run "$VA" --json classify --all
is "classify with an LLM exits 0" "$RC" 0
like "it says how many it asked" "$ERR" "asked llm:ok about $NUNSURE messages: $NUNSURE answered (0 from the cache)"
is "only the unsure verdicts went to the LLM" \
	"$(jq '[.[] | select(.model == "llm:ok")] | length' <<<"$OUT")" "$NUNSURE"
is "sure verdicts are the local model's" \
	"$(jq --argjson l "$LOCAL" '[$l[] | select(.unsure | not) | .id] - [.[] | select(.model != "llm:ok") | .id] | length' <<<"$OUT")" 0
is "the LLM's reasons are marked" \
	"$(jq '[.[] | select(.model == "llm:ok" and (.reason | startswith("LLM: ")))] | length' <<<"$OUT")" "$NUNSURE"
LLM=$OUT
ID=$(jq '[.[] | select(.model == "llm:ok")][0].id' <<<"$OUT")
run "$VA" --json show "$ID"
is "the LLM's verdict is stored" "$(jq -r .model <<<"$OUT")" "llm:ok"
run "$VA" --json train
is "its verdicts became labels, learned during classify" "$(jq .learned <<<"$OUT")" 0
is "the model counts them" "$(jq .labels <<<"$OUT")" "$NUNSURE"

# weak answers (50) teach nothing, so the same messages stay unsure and the
# second time the cache answers
conf unsure
run "$VA" --data-dir "$T/d0" --json classify --all
is "a weak LLM answer leaves the message unsure" "$(jq '[.[] | select(.unsure)] | length' <<<"$OUT")" "$NUNSURE"
run "$VA" --data-dir "$T/d0" classify --all
like "the cache answers the second time" "$ERR" "about $NUNSURE messages: $NUNSURE answered ($NUNSURE from the cache)"

# a service that answers outside the schema: the local verdict stands
conf offschema
run "$VA" --data-dir "$T/d1" --json classify --all
is "an off-schema service does not fail classify" "$RC" 0
like "it warns once" "$ERR" "the local verdict stands where the LLM failed"
like "and says why" "$ERR" "category is not one of the five"
is "no verdict claims the LLM" "$(jq '[.[] | select(.model | startswith("llm:"))] | length' <<<"$OUT")" 0
is "unsure verdicts stay unsure" "$(jq '[.[] | select(.unsure)] | length' <<<"$OUT")" "$NUNSURE"

# a service that is down: one failure, then no more asking in this run
conf 500-always
start=$(date +%s%N)
run "$VA" --data-dir "$T/d2" --json classify --all
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "a failing service does not fail classify" "$RC" 0
like "it says why" "$ERR" "HTTP status 500 after 3 tries"
check "and stops asking after the first failure (${ms} ms)" test "$ms" -lt 5000

# the daily token cap: the fake server charges 120 tokens a call
conf ok 100
run "$VA" --data-dir "$T/d3" --json classify --all
like "the cap stops the LLM" "$ERR" "daily token cap"
is "one call went through before the cap" "$(jq '[.[] | select(.model == "llm:ok")] | length' <<<"$OUT")" 1

# [llm] classify = all asks about every message; off asks about none
conf unsure 100000 all
run "$VA" --data-dir "$T/d4" --json classify --all
like "classify = all sends every verdict" "$ERR" "about 30 messages: 30 answered"
conf ok 100000 off
run "$VA" --data-dir "$T/d5" --json classify --all
unlike "classify = off sends none" "$ERR" "asked llm:"
is "and every verdict is the local model's" "$(jq '[.[] | select(.model | startswith("llm:"))] | length' <<<"$OUT")" 0

done_testing
