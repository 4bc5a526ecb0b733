#!/bin/bash
# test_llm_key: `va llm key|forget|status` with the encrypted-file secret
# store (passphrase from VA_PASSPHRASE_FILE): the key comes from stdin, never
# argv; status shows the set-up and whether a key is stored, never the key;
# the key reaches no database, config, log or output; and the LLM tier of
# `va classify` sends the stored key (the fake server's "needs-key" model
# answers 401 without it).
. "$(dirname "$0")/lib.sh"

CONF="$XDG_CONFIG_HOME/va/va.conf"
mkdir -p "$XDG_CONFIG_HOME/va"
KEY="sk-llm-9f3c2e7a41d0"
printf 'pass-for-llm-test\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
printf '[general]\nlog_level = debug\n\n[secrets]\nbackend = file\ncache = 0\n' >"$CONF"

run "$VA" --json llm status
is "status exits 0 with nothing set" "$RC" 0
is "not configured" "$(jq -r .configured <<<"$OUT")" false
is "no key stored" "$(jq -r .key_stored <<<"$OUT")" false
is "the file backend answers" "$(jq -r .secrets_backend <<<"$OUT")" file

run "$VA" llm key "$KEY"
is "a key on the command line is refused (usage)" "$RC" 2
like "... saying why" "$ERR" "never taken from the command line"
unlike "... without repeating it" "$ERR" "$KEY"
run "$VA" --json llm status
is "and nothing was stored" "$(jq -r .key_stored <<<"$OUT")" false

run "$VA" llm key --key-stdin </dev/null
is "an empty stdin stores nothing" "$RC" 1
run setsid "$VA" llm key </dev/null
is "no terminal and no --key-stdin: an error" "$RC" 1
like "... that says what to do" "$ERR" "--key-stdin"

run "$VA" llm key --key-stdin <<<"  $KEY  "
is "llm key --key-stdin exits 0" "$RC" 0
like "it says where the key went" "$ERR" "stored in the secret store"
unlike "without showing it" "$OUT$ERR" "$KEY"
check "the secrets file exists" test -s "$XDG_DATA_HOME/va/secrets.enc"

printf '[llm]\nbase_url = http://127.0.0.1:9/v1\nmodel = m-1\nembedding_model = e-1\n' >>"$CONF"
run "$VA" --json llm status
is "status: configured" "$(jq -r .configured <<<"$OUT")" true
is "status: base_url" "$(jq -r .base_url <<<"$OUT")" "http://127.0.0.1:9/v1"
is "status: model" "$(jq -r .model <<<"$OUT")" m-1
is "status: embedding model" "$(jq -r .embedding_model <<<"$OUT")" e-1
is "status: a key is stored" "$(jq -r .key_stored <<<"$OUT")" true
unlike "status never shows the key (json)" "$OUT" "$KEY"
run "$VA" llm status
like "plain status says a key is stored" "$OUT" "api key          stored (file secret store)"
like "and shows the model" "$OUT" "m-1"
unlike "and never the key" "$OUT$ERR" "$KEY"
run env VA_PASSPHRASE_FILE="$T/nowhere" "$VA" --json llm status
is "a secret store that cannot open: status still exits 0" "$RC" 0
is "... and says it does not know" "$(jq -r .key_stored <<<"$OUT")" null

run "$VA" classify --all # the LLM at port 9 fails: the local verdicts stand
leaks=$(grep -rlaF -e "$KEY" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$HOME" 2>/dev/null)
is "the key is nowhere in config, database or log" "$leaks" ""
check "there is a log to look in" test -n "$(find "$XDG_STATE_HOME" "$XDG_DATA_HOME" -name '*.log' 2>/dev/null)"
check "and a database" test -s "$XDG_DATA_HOME/va/va.db"

run "$VA" llm forget
is "forget exits 0" "$RC" 0
like "it says the key is forgotten" "$ERR" "forgotten"
run "$VA" --json llm status
is "no key any more" "$(jq -r .key_stored <<<"$OUT")" false
run "$VA" llm forget
like "forgetting twice says there was none" "$ERR" "no LLM API key was stored"

# --- the classifier sends the stored key ---------------------------------------
if command -v python3 >/dev/null; then
	python3 "$ROOT/tests/fixtures/llm/fake_openai.py" >"$T/server.out" &
	SERVER=$!
	trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$T"' EXIT
	for _ in $(seq 50); do grep -qs PORT "$T/server.out" && break; sleep 0.1; done
	PORT=$(awk '/PORT/ { print $2 }' "$T/server.out")
	printf '[secrets]\nbackend = file\ncache = 0\n[llm]\nbase_url = http://127.0.0.1:%s/v1\nmodel = needs-key\n' \
		"$PORT" >"$CONF"
	run "$VA" classify --all
	like "without a key the service says 401 (the local verdicts stand)" "$ERR" "401"
	run "$VA" llm key --key-stdin <<<"test-key"
	is "store the key the fake server wants" "$RC" 0
	run "$VA" --json classify --all
	is "classify exits 0" "$RC" 0
	check "with the stored key the LLM answers" \
		test "$(jq '[.[] | select(.model == "llm:needs-key")] | length' <<<"$OUT")" -gt 0
	leaks=$(grep -rlaF -e "test-key" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" 2>/dev/null)
	is "that key is not in config, database or log either" "$leaks" ""
else
	skip "the classifier sends the stored key" "python3 is not installed"
fi

done_testing
