#!/bin/bash
# test_daemon: `va jobs` input checks, `va daemon start|status|stop`, one
# scheduler per database, kill -9 mid-jobs then restart (every job completes
# exactly once), SIGHUP reload, SIGTERM checkpoints, and a command job's
# environment (no secrets).
. "$(dirname "$0")/lib.sh"

DB="$XDG_DATA_HOME/va/va.db"
stop_daemon() { "$VA" -q daemon stop >/dev/null 2>&1; }
trap 'stop_daemon; rm -rf "$T"' EXIT
holder() { "$VA" --json daemon status 2>/dev/null | jq -r .pid; }
# wait_for SECONDS CMD...: poll until CMD succeeds
q() { sqlite3 -cmd ".timeout 5000" "$DB" "$1"; }
# sql_test SQL OP VALUE: compare a query's result (re-run at each wait_for poll)
sql_test() { test "$(q "$1")" "$2" "$3"; }
not_running() { test "$(holder)" = 0; }
mkdir -p "$XDG_CONFIG_HOME/va"
printf '[scheduler]\nallow_commands = on\n' >"$XDG_CONFIG_HOME/va/va.conf"

# --- bad input is refused and stores nothing ---
run "$VA" jobs add noop --cron "61 * * * *"
is "bad cron: error status" "$RC" 1
like "bad cron: says which field" "$ERR" 'field 1 (minute): "61" is out of range 0-59'
run "$VA" jobs add noop --every 5x
like "bad interval refused" "$ERR" 'cannot parse interval "5x"'
run "$VA" jobs add noop --at "someday"
like "bad time refused" "$ERR" 'cannot parse time "someday"'
run "$VA" jobs add analysis
like "analysis without args refused" "$ERR" 'analysis: want {"path"'
run "$VA" jobs add nosuch
like "unknown kind refused" "$ERR" 'unknown job kind "nosuch"'
run "$VA" jobs add noop --misfire sometimes
like "bad misfire refused" "$ERR" 'unknown misfire policy "sometimes"'
run "$VA" jobs add command
like "command without argv refused" "$ERR" 'want a JSON array'
run "$VA" jobs add noop --priority urgent
like "bad priority refused" "$ERR" 'unknown priority "urgent": high, normal or low'
run "$VA" --json jobs list
is "nothing was stored" "$OUT" "[]"

# --- keys and idempotency keys ---
run "$VA" --json jobs add noop --at +1h --key nightly
id1=$(echo "$OUT" | jq -r .id)
run "$VA" --json jobs add noop --at +2h --key nightly
is "same key: the existing job" "$(echo "$OUT" | jq -r '.id, .existed' | tr '\n' ' ')" "$id1 true "
run "$VA" jobs cancel "$id1"
is "cancel" "$RC" 0
run "$VA" jobs cancel "$id1"
like "cancel twice: clear error" "$ERR" "no such job, or it already ended"
run "$VA" jobs retry 999
is "retry of a missing job fails" "$RC" 1

# --- priorities: the kind's, unless --priority says otherwise ---
run "$VA" --json jobs add noop --at +1h
idn=$(echo "$OUT" | jq -r .id)
run "$VA" --json jobs add noop --at +1h --priority low
idl=$(echo "$OUT" | jq -r .id)
run "$VA" --json jobs add command --at +1h --priority high -- true
idh=$(echo "$OUT" | jq -r .id)
is "priorities: noop normal, --priority low, a command (low by kind) raised high" \
	"$("$VA" --json jobs list | jq -c --argjson n "$idn" --argjson l "$idl" --argjson h "$idh" \
		'[.[] | select(.id == $n or .id == $l or .id == $h)] | sort_by(.id) | map(.priority)')" "[0,-1,1]"
for j in "$idn" "$idl" "$idh"; do "$VA" -q jobs cancel "$j"; done

# --- one scheduler per database ---
run "$VA" daemon start
like "daemon starts" "$OUT" "daemon started (pid"
pid=$(holder)
run "$VA" --daemon
is "second daemon refused" "$RC" 1
like "second daemon: clear message" "$ERR" "another scheduler (pid $pid) already runs on"
run "$VA" daemon start
like "daemon start twice refused" "$ERR" "another scheduler (pid $pid)"
check "pid file written" test "$(cat "$XDG_DATA_HOME/va/daemon.pid")" = "$pid"
"$VA" -q list >/dev/null # the demo mailbox, unclassified
"$VA" -q jobs add classify
classified() { [ "$("$VA" --json list --category none | jq length)" -lt 30 ]; }
check "a classify job sorts the demo mailbox in the daemon" wait_for 30 classified
recommended() { [ "$("$VA" --json recommendations | jq length)" -gt 0 ]; }
check "... and the default rules recommend on the new verdicts" wait_for 30 recommended
is "the daemon schedules the periodic rules job" "$("$VA" --json jobs list | jq -r '[.[] | select(.kind == "rules")][0].schedule')" every
kill -HUP "$pid"
check "SIGHUP reloads" wait_for 10 grep -q "configuration reloaded" "$XDG_STATE_HOME/va/va.log"
check "still running after SIGHUP" kill -0 "$pid"

# --- a command job's environment carries no secrets ---
cat >"$T/env.sh" <<'EOF'
#!/bin/sh
env >"$1"
EOF
chmod +x "$T/env.sh"
stop_daemon
SECRET_TOKEN=hunter2 VA_TEST_PASSWORD=x "$VA" -q daemon start
"$VA" -q jobs add command -- "$T/env.sh" "$T/env.out"
check "command job ran" wait_for 20 test -s "$T/env.out"
unlike "no secret in the child's environment" "$(cat "$T/env.out")" "hunter2"
like "the child gets its idempotency key" "$(cat "$T/env.out")" "VA_IDEMPOTENCY_KEY=job-"
stop_daemon

# --- kill -9 mid-jobs, restart: every job completes exactly once ---
# The job appends its idempotency key unless already there (the documented
# contract: runs are at-least-once, effects keyed by VA_IDEMPOTENCY_KEY).
cat >"$T/effect.sh" <<'EOF'
#!/bin/sh
sleep 0.2
echo "$VA_IDEMPOTENCY_KEY" >>"$2"
grep -qx "$VA_IDEMPOTENCY_KEY" "$1" 2>/dev/null || echo "$VA_IDEMPOTENCY_KEY" >>"$1"
EOF
chmod +x "$T/effect.sh"
N=60
for i in $(seq $N); do
	"$VA" -q jobs add command --idempotency-key "k$i" -- "$T/effect.sh" "$T/effects" "$T/attempts"
done
"$VA" -q daemon start
pid=$(holder)
check "some jobs done before the kill" wait_for 60 sql_test "SELECT COUNT(*) FROM jobs WHERE state = 'done'" -ge 15
kill -9 "$pid"
check "lock released when the daemon dies" wait_for 10 not_running
run "$VA" daemon start
like "restarts after kill -9" "$OUT" "daemon started"
check "all jobs done after the restart" wait_for 60 sql_test "SELECT COUNT(*) FROM jobs WHERE kind = 'command' AND state = 'done'" -eq $((N + 1))
stop_daemon
is "every job done" "$(q "SELECT COUNT(*) FROM jobs WHERE idempotency_key LIKE 'k%' AND state = 'done'")" "$N"
is "each job has exactly one ok run" \
	"$(q "SELECT COUNT(*) FROM (SELECT job_id FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE j.idempotency_key LIKE 'k%' AND outcome = 'ok' GROUP BY job_id HAVING COUNT(*) = 1)")" "$N"
is "each effect exactly once" "$(sort "$T/effects" | uniq | wc -l) $(wc -l <"$T/effects")" "$N $N"
is "no run left open" "$(q "SELECT COUNT(*) FROM job_runs WHERE ended_at IS NULL")" 0
echo "# runs cut by kill -9 (journaled as crashed): $(q "SELECT COUNT(*) FROM job_runs WHERE outcome = 'crashed'")," \
	"executions: $(wc -l <"$T/attempts") for $N jobs"

# --- SIGTERM checkpoints running jobs ---
"$VA" -q jobs add sleep --args 20000
"$VA" -q jobs add sleep --args 20000
"$VA" -q daemon start
check "two sleep jobs running" wait_for 20 sql_test "SELECT COUNT(*) FROM jobs WHERE kind = 'sleep' AND state = 'running'" -eq 2
start=$(date +%s)
run "$VA" daemon stop
like "daemon stops on SIGTERM" "$OUT" "daemon stopped"
check "stops promptly (checkpoint, not 20s)" test $(($(date +%s) - start)) -lt 10
is "checkpointed jobs are ready again" "$(q "SELECT COUNT(*) FROM jobs WHERE kind = 'sleep' AND state = 'ready'")" 2
run "$VA" daemon status
like "status: not running" "$OUT" "daemon not running"

# --- pause, resume, run now ---
later=$("$VA" --json jobs add noop --at +1h | jq -r .id)
state() { "$VA" --json jobs list | jq -r ".[] | select(.id == $1) | .state"; }
run "$VA" jobs pause "$later"
is "pause a waiting job" "$RC $(state "$later")" "0 paused"
run "$VA" jobs pause "$later"
is "pausing twice is refused" "$RC" 1
run "$VA" jobs resume "$later"
is "resume it" "$RC $(state "$later")" "0 ready"
"$VA" -q jobs pause "$later"
run "$VA" --json jobs run "$later"
is "run now: a paused job is due now" "$RC $(state "$later")" "0 ready"
due=$("$VA" --json jobs list | jq -r ".[] | select(.id == $later) | .next_run")
check "... its next run is not an hour away ($due)" test "$(date -d "$due" +%s)" -le $(($(date +%s) + 5))
run "$VA" jobs resume 999999
is "resume of an unknown job exits 1" "$RC" 1

# --- listing ---
run "$VA" --json jobs list
json_listing() { jq -e 'length > 0' <<<"$OUT" >/dev/null; }
check "jobs list --json is valid JSON" json_listing
run "$VA" jobs list
like "jobs list has a header" "$OUT" "LAST ERROR"
done_testing
