#!/bin/bash
# sched.sh: va's scheduler versus Celery + Redis, same run, same machine.
#   1. throughput: 10,000 no-op jobs queued up front, then the worker starts
#   2. lateness: 1,000 jobs due over 20 s (queued ahead); p50/p99/max of
#      start time minus due time
#   3. crash: 1,000 slow jobs (sleep 20 ms, then append the job's id to a
#      file); kill -9 of the worker half-way; restart; count ids lost and
#      duplicated in the file
# Both sides use 2 workers (va: [scheduler] workers = 2; Celery: prefork,
# --concurrency 2, default settings).  Redis runs on 127.0.0.1 on a private
# port, started and stopped here.  va jobs are queued straight into the jobs
# table (one transaction) so neither side pays for its producer.
# Not part of the test suite: run directly.  Needs python3-celery, redis-server.
set -eu
cd "$(dirname "$0")/../.."
VA=${VA:-./va}
case $VA in /*) ;; *) VA="$PWD/${VA#./}" ;; esac
PY=/usr/bin/python3
NOOP=${NOOP:-10000} LATE=${LATE:-1000} SLOW=${SLOW:-1000} PORT=${PORT:-6391}
have_peers() { $PY -c 'import celery, redis' 2>/dev/null && command -v redis-server >/dev/null; }
if ! have_peers && [ "$(id -u)" -eq 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --no-upgrade \
		python3-celery python3-redis redis-server sqlite3 bc >/dev/null
fi
have_peers || { echo "bench: needs python3-celery, python3-redis and redis-server" >&2; exit 1; }
W=$(mktemp -d /tmp/va-sched-bench.XXXXXX)
export HOME=$W/home XDG_CONFIG_HOME=$W/cfg XDG_DATA_HOME=$W/data XDG_STATE_HOME=$W/state
export VA_SHARE_DIR=$PWD/share
mkdir -p "$HOME"
DB=$XDG_DATA_HOME/va/va.db
RPID="" DPID="" CPID=""
cleanup() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	[ -n "$CPID" ] && kill -9 -- "-$CPID" 2>/dev/null
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
q() { sqlite3 -cmd ".timeout 10000" "$DB" "$1"; }
now_ms() { date +%s%3N; }

# ---------------- va ----------------
va_reset() {
	rm -rf "$XDG_DATA_HOME" "$XDG_STATE_HOME"
	"$VA" -q jobs list >/dev/null # creates the database
	# the daemon's periodic sync exists but stays paused, so it does not compete
	q "INSERT INTO jobs(kind, key, schedule, spec, state, next_run, created_at, updated_at)
	   VALUES ('sync', 'sync', 'every', '5m', 'paused', 0, 0, 0)"
}
va_start() { setsid "$VA" --daemon >/dev/null 2>&1 & DPID=$!; }
va_stop() { kill -TERM "$DPID"; wait "$DPID" 2>/dev/null || true; DPID=""; }
# va_queue KIND ARGS COUNT FIRST_DUE_MS STEP_MS
va_queue() {
	q "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < $3)
	   INSERT INTO jobs(kind, args, next_run, created_at, updated_at)
	   SELECT '$1', $2, $4 + i * $5, $4, $4 FROM c"
}
va_wait_done() { # N: jobs of the given kind done
	while [ "$(q "SELECT COUNT(*) FROM jobs WHERE kind = '$1' AND state = 'done'")" -lt "$2" ]; do sleep 0.1; done
}

va_throughput() {
	va_reset
	va_queue noop NULL "$NOOP" "$(now_ms)" 0
	va_start
	va_wait_done noop "$NOOP"
	va_stop
	q "SELECT printf('%.0f', COUNT(*) * 1000.0 / (MAX(ended_at) - MIN(started_at))) FROM job_runs"
}

va_lateness() {
	va_reset
	va_start
	sleep 1
	va_queue noop NULL "$LATE" $(($(now_ms) + 2000)) $((20000 / LATE))
	va_wait_done noop "$LATE"
	va_stop
	# a finished one-off job's next_run is cleared: its due time is
	# created_at + rank * step, as va_queue wrote it
	q "SELECT r.started_at - (SELECT MIN(created_at) FROM jobs WHERE kind = 'noop')
	          - (j.id - (SELECT MIN(id) FROM jobs WHERE kind = 'noop')) * $((20000 / LATE))
	   FROM job_runs r JOIN jobs j ON j.id = r.job_id WHERE j.kind = 'noop' ORDER BY 1" >"$W/va-late"
}

va_crash() {
	va_reset
	: >"$W/va-out"
	va_queue sleep "'20 $W/va-out'" "$SLOW" "$(now_ms)" 0
	va_start
	while [ "$(wc -l <"$W/va-out")" -lt $((SLOW / 2)) ]; do sleep 0.05; done
	kill -9 "$DPID"
	wait "$DPID" 2>/dev/null || true
	va_start
	va_wait_done sleep "$SLOW"
	va_stop
	count_ids "$W/va-out" "$(q "SELECT MIN(id) FROM jobs WHERE kind = 'sleep'")"
}

# count_ids FILE FIRST_ID: "lost N duplicated M" over ids FIRST_ID..FIRST_ID+SLOW-1
count_ids() {
	local lines uniq
	lines=$(wc -l <"$1")
	uniq=$(sort -u "$1" | awk -v a="$2" -v n="$SLOW" '$1 >= a && $1 < a + n' | wc -l)
	echo "lost $((SLOW - uniq)) duplicated $((lines - uniq))"
}

# ---------------- Celery + Redis ----------------
cat >"$W/tasks.py" <<EOF
import os, time, redis
from celery import Celery
app = Celery("bench", broker="redis://127.0.0.1:$PORT/0")
app.conf.worker_hijack_root_logger = False
r = redis.Redis(host="127.0.0.1", port=$PORT)

@app.task
def noop():
    r.rpush("t", "%.6f" % time.time())

@app.task
def late(due):
    r.rpush("late", "%.3f" % ((time.time() - due) * 1000))

@app.task
def slow(i, path):
    time.sleep(0.02)
    with open(path, "a") as f:
        f.write("%d\n" % i)
EOF
cat >"$W/send.py" <<'EOF'
import sys, time, datetime
from tasks import noop, late, slow
what, n = sys.argv[1], int(sys.argv[2])
if what == "noop":
    for _ in range(n):
        noop.apply_async()
elif what == "late":
    t0 = time.time() + 4
    for i in range(n):
        due = t0 + i * 20.0 / n
        late.apply_async((due,), eta=datetime.datetime.fromtimestamp(due, datetime.timezone.utc))
elif what == "slow":
    for i in range(n):
        slow.apply_async((i, sys.argv[3]))
EOF
rcli() { redis-cli -p "$PORT" "$@"; }
c_start() {
	(cd "$W" && exec setsid $PY -m celery -A tasks worker --concurrency 2 --pool prefork \
		--loglevel WARNING --without-gossip --without-mingle --without-heartbeat \
		>>"$W/celery.log" 2>&1) &
	CPID=$!
}
c_stop() { kill -TERM -- "-$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null || true; CPID=""; }
c_send() { (cd "$W" && $PY send.py "$@"); }

c_throughput() {
	rcli flushall >/dev/null
	c_send noop "$NOOP"
	c_start
	while [ "$(rcli llen t)" -lt "$NOOP" ]; do sleep 0.1; done
	c_stop
	rcli lrange t 0 -1 | sort -n | awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%.0f\n", NR / (b - a) }'
}

c_lateness() {
	rcli flushall >/dev/null
	c_start
	sleep 2
	c_send late "$LATE"
	while [ "$(rcli llen late)" -lt "$LATE" ]; do sleep 0.2; done
	c_stop
	rcli lrange late 0 -1 | sort -n >"$W/c-late"
}

c_crash() {
	rcli flushall >/dev/null
	: >"$W/c-out"
	c_send slow "$SLOW" "$W/c-out"
	c_start
	while [ "$(wc -l <"$W/c-out")" -lt $((SLOW / 2)) ]; do sleep 0.05; done
	kill -9 -- "-$CPID"
	wait "$CPID" 2>/dev/null || true
	c_start
	# done when the queue is empty and the file stops growing for 3 s
	local last=-1 cur
	while :; do
		cur=$(wc -l <"$W/c-out")
		[ "$(rcli llen celery)" = 0 ] && [ "$cur" = "$last" ] && break
		last=$cur
		sleep 3
	done
	c_stop
	count_ids "$W/c-out" 0
}

pct() { # FILE: p50 p99 max of sorted numbers
	awk '{ v[NR] = $1 } END { printf "p50 %.1f ms  p99 %.1f ms  max %.1f ms", v[int(NR * 0.50 + 0.5)], v[int(NR * 0.99 + 0.5)], v[NR] }' "$1"
}

redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
	>"$W/redis.log" 2>&1 &
RPID=$!
for _ in $(seq 50); do rcli ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "va scheduler vs Celery $($PY -c 'import celery; print(celery.__version__)') + Redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), 2 workers each, $(nproc) CPUs"
vt=$(va_throughput)
ct=$(c_throughput)
printf '%-34s va %8s jobs/s   celery %8s jobs/s   (%.1fx)\n' "throughput, $NOOP no-op jobs" "$vt" "$ct" \
	"$(echo "$vt / $ct" | bc -l)"
va_lateness
c_lateness
printf '%-34s va %s\n%-34s celery %s\n' "lateness, $LATE jobs over 20 s" "$(pct "$W/va-late")" "" "$(pct "$W/c-late")"
printf '%-34s va %s   celery %s\n' "kill -9 mid $SLOW slow jobs" "$(va_crash)" "$(c_crash)"
