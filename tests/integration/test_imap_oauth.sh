#!/bin/bash
# test_imap_oauth: an OAuth2 IMAP account end to end: va signs in at the test
# authorization server (tests/fixtures/oauth/server.py, loopback flow, the
# test playing the browser), then syncs from dovecot, which accepts the
# access token over XOAUTH2 after asking the server's introspection endpoint.
# A refused token is refreshed once; a revoked grant says to sign in again;
# the token never reaches the store.
. "$(dirname "$0")/lib.sh"

FIX=$ROOT/tests/fixtures/mailserver
for tool in dovecot python3 curl jq; do
	if ! command -v $tool >/dev/null; then
		skip "imap oauth" "$tool is not installed (tests/deps.sh test)"
		done_testing
		exit 0
	fi
done
python3 "$ROOT/tests/fixtures/oauth/server.py" --port-file "$T/port" --tokens "$T/tokens" \
	--client-secret test-secret &
IDPPID=$!
MS=$("$FIX/statedir.sh" va-imap-oauth)
trap 'kill $IDPPID 2>/dev/null; "$FIX/stop.sh" "$MS"; rm -rf "$T"' EXIT
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
IDP="http://127.0.0.1:$(cat "$T/port")"
MS_OAUTH_URL=$IDP/introspect "$FIX/start.sh" "$MS" >/dev/null || { fail "start dovecot"; done_testing; exit 1; }
. "$MS/env"
U=alice@example.test
printf 'From: a@example.test\nSubject: over oauth\n\nhello\n' | doveadm -c "$MS_CONF" save -u $U -m INBOX

mkdir -p "$XDG_CONFIG_HOME/va"
cat >"$XDG_CONFIG_HOME/va/va.conf" <<C
[secrets]
backend = file

[account work]
type = imap
auth = oauth2
provider = custom
email = $U
imap_host = 127.0.0.1
imap_port = $MS_IMAPS_PORT
ca_file = $MS_CA
oauth_client_id = va-test-client
oauth_client_secret = test-secret
oauth_scope = mail offline
oauth_auth_url = $IDP/authorize
oauth_token_url = $IDP/token
C
printf 'oauth imap passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
unset SSH_CONNECTION SSH_TTY

"$VA" account login work --flow loopback --timeout 30s 2>"$T/login.err" >/dev/null &
LOGIN=$!
URL=""
for _ in $(seq 100); do
	URL=$(grep -oE "$IDP/authorize\\?[^ ]*" "$T/login.err" | head -1) && [ -n "$URL" ] && break
	sleep 0.1
done
curl -s -L -o /dev/null "$URL"
wait $LOGIN
is "sign in with OAuth2 (loopback)" "$?" 0

run "$VA" --json sync work
is "sync over XOAUTH2" "$RC $(printf '%s' "$OUT" | jq -r .fetched)" "0 1"
check "  ... dovecot asked the introspection endpoint" \
	test "$(curl -s "$IDP/admin/stats" | jq .introspect)" -ge 1
run "$VA" --json list --account work
is "  ... the message is stored" "$(printf '%s' "$OUT" | jq -r '.[0].subject')" "over oauth"

curl -s -X POST -d "revoke=1" "$IDP/admin" >/dev/null
run "$VA" sync work
is "a token the server refuses is refreshed once" "$RC" 1
like "  ... and a revoked sign-in says what to do" "$ERR" "run \`va account login work\`"
check "no token in the store, config or logs" \
	bash -c "! grep -rqaFf <(grep -E '^(at|rt)-' '$T/tokens') '$XDG_DATA_HOME/va/va.db' '$XDG_CONFIG_HOME' '$XDG_STATE_HOME'"
done_testing
