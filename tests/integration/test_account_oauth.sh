#!/bin/bash
# test_account_oauth: OAuth2 sign-in against the local authorization server
# in tests/fixtures/oauth/server.py, the test playing the browser and the
# person: loopback flow end to end, the pasted address (with the `ssh -L`
# hint), the device flow with authorization_pending and slow_down, the flow
# picked over SSH, refresh before expiry, a revoked grant, provider errors,
# introspection of the token va holds, and the leak test.
. "$(dirname "$0")/lib.sh"
# run, keeping everything va printed for the leak test at the end
run() { OUT=$("$@" 2>"$T/stderr"); RC=$?; ERR=$(cat "$T/stderr"); printf '%s\n%s\n' "$OUT" "$ERR" >>"$T/captured"; }

for tool in python3 curl jq; do
	if ! command -v $tool >/dev/null; then
		echo "ok 1 - oauth tests # skip $tool is not installed (tests/deps.sh test)"
		echo "1..1"
		exit 0
	fi
done

python3 "$ROOT/tests/fixtures/oauth/server.py" --port-file "$T/port" --tokens "$T/tokens" \
	--client-secret test-secret &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
PORT=$(cat "$T/port")
IDP="http://127.0.0.1:$PORT"
admin() { curl -s -X POST -d "$1" "$IDP/admin" >/dev/null; }
stat_of() { curl -s "$IDP/admin/stats" | jq ".$1"; }
touch "$T/tokens"

mkdir -p "$XDG_CONFIG_HOME/va/providers"
cat >"$XDG_CONFIG_HOME/va/providers/testidp.conf" <<CONF
[account testidp]
type = imap
auth = oauth2
provider = custom
imap_host = 127.0.0.1
imap_port = 1
oauth_scope = mail offline
oauth_auth_url = $IDP/authorize
oauth_token_url = $IDP/token
oauth_device_url = $IDP/device
CONF
printf '[secrets]\nbackend = file\n' >"$XDG_CONFIG_HOME/va/va.conf"
printf 'oauth test passphrase\n' >"$T/pass"
chmod 600 "$T/pass"
export VA_PASSPHRASE_FILE="$T/pass"
unset SSH_CONNECTION SSH_TTY

run "$VA" account add work --preset testidp --email alice@example.test \
	--client-id va-test-client --client-secret test-secret
is "add an account from a user preset" "$RC" 0

# login_bg INPUT ARGS...: start `va account login ARGS` in the background,
# stdin from INPUT, stderr into $T/login.err.
login_bg() {
	local input=$1
	shift
	rm -f "$T/login.err"
	"$VA" account login "$@" --timeout 60s <"$input" 2>"$T/login.err" >"$T/login.out" &
	LOGIN=$!
}
# Wait until the login's stderr matches a pattern; print the first match.
wait_for() {
	for _ in $(seq 100); do
		grep -oE "$1" "$T/login.err" 2>/dev/null | head -1 | grep . && return 0
		sleep 0.1
	done
	return 1
}
login_end() { wait $LOGIN; RC=$?; cat "$T/login.err" "$T/login.out" >>"$T/captured"; ERR=$(cat "$T/login.err"); }

# --- loopback: the browser is sent back to va's listener ---
admin "expires_in=30"
login_bg /dev/null work --flow loopback
URL=$(wait_for "$IDP/authorize\\?[^ ]*")
like "loopback: va prints the authorization address" "$URL" "code_challenge_method=S256"
curl -s -L -o /dev/null "$URL" # the browser: sign in, follow the redirect
login_end
is "loopback: login succeeds" "$RC" 0
like "loopback: says so" "$ERR" 'account "work" is signed in'
is "loopback: one code exchange, PKCE verified" "$(stat_of token_code),$(stat_of pkce_failures)" "1,0"

# --- refresh before expiry (the token above lives 30 s, under va's 60 s margin) ---
# doctor asks for a token twice (the sign-in check, then the server check), and
# each ask refreshes a token that is within 60 s of expiry: 30 s tokens refresh twice
run "$VA" doctor
like "doctor: a near-expiry token is refreshed" "$OUT" "signed in with OAuth2"
is "... once per ask (sign-in and server checks)" "$(stat_of refresh)" 2
admin "expires_in=3600"
run "$VA" doctor
is "... refreshed again while it is near expiry, then kept" "$(stat_of refresh)" 3
run "$VA" doctor
is "a fresh token is not refreshed" "$(stat_of refresh)" 3
check "... and doctor shows its life (59 or 60 min)" grep -qE "valid for (59|60) min" <<<"$OUT"

# --- the token va holds is the one the server knows (introspection) ---
AT=$(grep '^at-' "$T/tokens" | tail -1)
INTRO=$(curl -s -X POST -d "token=$AT" "$IDP/introspect")
is "introspection: va's token is active for alice" "$(jq -r '.active,.username' <<<"$INTRO" | tr '\n' ' ')" "true alice@example.test "
is "introspection: an unknown token is not" "$(curl -s -X POST -d token=nope "$IDP/introspect" | jq .active)" false

# --- paste: over SSH the browser's 127.0.0.1 is another machine ---
admin "expires_in=30"
mkfifo "$T/paste"
SSH_CONNECTION="10.0.0.1 50000 10.0.0.2 2222" USER=sam login_bg "$T/paste" work --flow paste
exec 7>"$T/paste"
URL=$(wait_for "$IDP/authorize\\?[^ ]*")
HINT=$(wait_for "ssh -L [^ ]+ -p 2222 sam@10.0.0.2")
like "paste: the exact ssh -L command" "$HINT" "127.0.0.1:"
LP=$(grep -oE 'ssh -L [0-9]+' "$T/login.err" | grep -oE '[0-9]+$')
like "... forwarding the listener's port" "$URL" "redirect_uri=http%3A%2F%2F127.0.0.1%3A$LP%2F"
LOCATION=$(curl -s -o /dev/null -w '%{redirect_url}' "$URL") # the browser ends here
echo "$LOCATION" >&7
exec 7>&-
login_end
is "paste: login with the pasted address succeeds" "$RC" 0

# --flow loopback over SSH still says how to forward the port
SSH_CONNECTION="10.0.0.1 50000 10.0.0.2 22" USER=sam login_bg /dev/null work --flow loopback
URL=$(wait_for "$IDP/authorize\\?[^ ]*")
like "loopback over SSH: the ssh -L hint too" "$(wait_for "ssh -L [^ ]+ sam@10.0.0.2")" "127.0.0.1:"
curl -s -L -o /dev/null "$URL"
login_end
is "... and the forwarded redirect completes it" "$RC" 0

# a pasted address from another sign-in is refused
login_bg "$T/paste" work --flow paste
exec 7>"$T/paste"
wait_for "$IDP/authorize" >/dev/null
echo "http://127.0.0.1:1/?code=abc&state=not-this-one" >&7
exec 7>&-
login_end
is "paste: a foreign address fails" "$RC" 1
like "... and says why" "$ERR" "does not belong to this sign-in"

# --- a revoked grant: clear advice, no loop ---
admin "revoke=1"
before=$(stat_of refresh_refused)
run "$VA" doctor
is "revoked: doctor fails" "$RC" 1
like "... and says to sign in again" "$OUT" 'run `va account login work`'
run "$VA" doctor
is "... one refused refresh per attempt, no loop" "$(stat_of refresh_refused)" $((before + 2))

# --- device flow: pending, then slow_down, polled at the pace asked ---
admin "expires_in=3600&slow_down_once=1"
login_bg /dev/null work --flow device
CODE=$(wait_for "[0-9]{4}-[0-9]{4}")
like "device: va shows the verification address" "$(cat "$T/login.err")" "$IDP/device"
for _ in $(seq 50); do [ "$(stat_of device_polls)" -ge 1 ] && break; sleep 0.1; done
curl -s -o /dev/null "$IDP/device?user_code=$CODE&approve=1" # the person, on their phone
login_end
is "device: login succeeds after pending and slow_down" "$RC" 0
is "device: polls: pending, slow_down, token" "$(stat_of device_polls)" 3
is "device: never faster than the interval" "$(stat_of too_fast)" 0
admin "slow_down_once=0"

# --- over SSH, va picks the device flow for this provider ---
SSH_CONNECTION="10.0.0.1 50000 10.0.0.2 22" login_bg /dev/null work
CODE=$(wait_for "[0-9]{4}-[0-9]{4}")
curl -s -o /dev/null "$IDP/device?user_code=$CODE&approve=1"
login_end
is "over SSH: the device flow is picked and works" "$RC" 0

# --- provider errors become advice ---
admin "deny=1"
login_bg /dev/null work --flow loopback
URL=$(wait_for "$IDP/authorize\\?[^ ]*")
curl -s -L -o /dev/null "$URL"
login_end
is "access_denied: login fails" "$RC" 1
like "... with plain advice" "$ERR" "declined in the browser"
admin "deny=0"
login_bg /dev/null work --flow device
CODE=$(wait_for "[0-9]{4}-[0-9]{4}")
curl -s -o /dev/null "$IDP/device?user_code=$CODE&approve=0"
login_end
like "device declined: plain advice" "$ERR" "declined in the browser"
run "$VA" account add bad --preset testidp --email bob@example.test --client-id wrong-client
run "$VA" account login bad --flow device
is "invalid_client: login fails" "$RC" 1
like "... pointing at oauth_client_id" "$ERR" "oauth_client_id"
run "$VA" account add g --preset gmail --email someone@gmail.com --client-id x.apps
run "$VA" account login g --flow device
is "gmail + device flow: refused" "$RC" 1
like "... with the reason" "$ERR" "Google does not allow mail access through the device flow"
run "$VA" account login work --password-stdin <<<"x"
is "--password-stdin on an OAuth account is a usage error" "$RC" 2
run "$VA" account login work --flow oob
like "the out-of-band flow does not exist" "$ERR" 'unknown flow "oob"'

# --- removing the account removes its tokens ---
run "$VA" account remove work
is "remove the account" "$RC" 0
run "$VA" doctor
unlike "its sign-in is gone with it" "$OUT" "account work"

# --- the leak test: no token anywhere but the encrypted file ---
leaks=""
while read -r tok; do
	hit=$(grep -rlaF -e "$tok" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$T/captured" 2>/dev/null)
	[ -n "$hit" ] && leaks="$leaks $tok:$hit"
done <"$T/tokens"
is "$(wc -l <"$T/tokens") issued tokens appear nowhere (config, database, log, output)" "$leaks" ""
done_testing
