#!/bin/bash
# rules.sh: the rules engine's speed (issue 7): 50 generated rules, mixed regex
# and wildcard tests on subject, from, to and headers (a few on the body),
# over 100,000 evaluations of real messages (the SpamAssassin corpus from
# tests/fetch-data.sh, parsed once, cycled), median of 5 runs, CPU time of
# one core.  Target: >= 200,000 rule evaluations/s per core.
#
# Peer: dovecot's sieve-test running the Sieve export of the same rules (the
# body tests cannot be exported, so it runs fewer) over a sample of the same
# messages.  sieve-test handles one message per process, so its figure
# includes process start and script load: that is how it is used.
#
# Usage: tests/bench/rules.sh   (env BUILD, COUNT=100000, RUNS=5, PEER_N=300)
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-build}
COUNT=${COUNT:-100000} RUNS=${RUNS:-5} PEER_N=${PEER_N:-300}
BENCH=$ROOT/$BUILD/tests/rulesbench TOOL=$ROOT/$BUILD/tests/rulestool
for t in "$BENCH" "$TOOL"; do
	[ -x "$t" ] || { echo "rules.sh: build $t first (make test-bins)" >&2; exit 1; }
done
MD=$ROOT/tests/$(tests/fetch-data.sh)
W=$(mktemp -d "${TMPDIR:-/tmp}/va-bench-rules.XXXXXX")
chmod 755 "$W"
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT

# --- 50 rules: 25 with a wildcard test, 25 with a regex, some combined --------
words=(free money offer click remove mortgage meeting linux perl python razor spamassassin
	investment credit lottery winner urgent report update newsletter sale cash loan viagra
	security)
{
	echo "["
	for i in $(seq 0 24); do
		w=${words[$i]}
		case $((i % 5)) in
		0) t="{\"field\": \"subject\", \"op\": \"wildcard\", \"value\": \"*$w*\"}" ;;
		1) t="{\"field\": \"from\", \"op\": \"wildcard\", \"value\": \"*$w*@*\"}" ;;
		2) t="{\"any\": [{\"field\": \"subject\", \"op\": \"wildcard\", \"value\": \"[*$w*\"},
		      {\"field\": \"header:List-Id\", \"op\": \"wildcard\", \"value\": \"*$w*\"}]}" ;;
		3) t="{\"all\": [{\"field\": \"to\", \"op\": \"wildcard\", \"value\": \"*@*.com\"},
		      {\"field\": \"subject\", \"op\": \"wildcard\", \"value\": \"re: *$w*\"}]}" ;;
		4) t="{\"field\": \"header:X-Mailer\", \"op\": \"wildcard\", \"value\": \"*$w*\"}" ;;
		esac
		echo "{\"name\": \"wild-$i\", \"when\": $t, \"then\": [{\"action\": \"label\", \"value\": \"w$i\"}]},"
	done
	for i in $(seq 0 24); do
		w=${words[$i]} v=${words[$(((i + 7) % 25))]}
		case $((i % 5)) in
		0) t="{\"field\": \"subject\", \"op\": \"regex\", \"value\": \"(^|[^a-z])($w|$v)s?([^a-z]|\$)\"}" ;;
		1) t="{\"field\": \"subject\", \"op\": \"regex\", \"value\": \"$w.*[0-9]{2,}|\\\\\$[0-9]+ $v\"}" ;;
		2) t="{\"field\": \"from\", \"op\": \"regex\", \"value\": \"^[a-z0-9._-]*$w[a-z0-9._-]*@\"}" ;;
		3) t="{\"any\": [{\"field\": \"header:Received\", \"op\": \"regex\", \"value\": \"from [^ ]*$w[^ ]* \"},
		      {\"field\": \"body\", \"op\": \"contains\", \"value\": \"$w $v\"}]}" ;;
		4) t="{\"all\": [{\"field\": \"subject\", \"op\": \"regex\", \"value\": \"^(re|fwd?): \"},
		      {\"field\": \"from\", \"op\": \"regex\", \"value\": \"$w\"}]}" ;;
		esac
		sep=,; [ "$i" -eq 24 ] && sep=
		echo "{\"name\": \"regex-$i\", \"when\": $t, \"then\": [{\"action\": \"move\", \"folder\": \"R$i\"}]}$sep"
	done
	echo "]"
} >"$W/bench.json"
"$TOOL" check "$W/bench.json" >/dev/null || { "$TOOL" check "$W/bench.json"; exit 1; }

# --- va -------------------------------------------------------------------------
echo "== va rules engine: 50 rules, $COUNT message evaluations per run, $RUNS runs"
"$BENCH" --count "$COUNT" --runs "$RUNS" "$W/bench.json" "$MD" | tee "$W/va.out"
read -r VA_MSGS VA_EVALS VA_WALL <<<"$(awk '/^result/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v["msgs_per_s"], v["evals_per_s"], v["wall_msgs_per_s"] }' "$W/va.out")"

# --- peer: sieve-test on the Sieve export -----------------------------------------
if command -v sieve-test >/dev/null; then
	"$TOOL" sieve "$W/bench.json" >"$W/bench.sieve" 2>"$W/skipped"
	NEXP=$(grep -c '^if ' "$W/bench.sieve")
	if [ "$(id -u)" -eq 0 ]; then uid=$(id -u nobody) gid=$(id -g nobody); else uid=$(id -u) gid=$(id -g); fi
	printf 'mail_uid = %s\nmail_gid = %s\nmail_location = mbox:%s/mb\n' "$uid" "$gid" "$W" >"$W/dovecot.conf"
	chmod 644 "$W/bench.sieve" "$W/dovecot.conf"
	ls "$MD/cur" | awk -v n="$PEER_N" 'NR % 20 == 1 && c < n { print; c++ }' >"$W/sample"
	NS=$(wc -l <"$W/sample")
	sieve-test -c "$W/dovecot.conf" "$W/bench.sieve" "$MD/cur/$(head -1 "$W/sample")" >/dev/null 2>"$W/peer.err" ||
		{ echo "sieve-test failed:"; cat "$W/peer.err"; exit 1; }
	# three runs; wall clock and the children's CPU time (user+sys) of each
	TIMEFORMAT='%R %U %S'
	for r in 1 2 3; do
		{ time while read -r f; do
			sieve-test -c "$W/dovecot.conf" "$W/bench.sieve" "$MD/cur/$f" >/dev/null 2>&1 || true
		done <"$W/sample"; } 2>>"$W/peer.times"
	done
	P_MSGS=$(awk -v n="$NS" '{ printf "%.1f\n", n / $1 }' "$W/peer.times" | sort -g | sed -n 2p)
	P_CPU=$(awk -v n="$NS" '{ printf "%.1f\n", n / ($2 + $3) }' "$W/peer.times" | sort -g | sed -n 2p)
	P_EVALS=$(awk -v m="$P_CPU" -v r="$NEXP" 'BEGIN { printf "%.0f", m * r }')
	echo "== peer: dovecot sieve-test on the Sieve export ($NEXP of 50 rules exportable), $NS messages x 3 runs"
	echo "   one process per message: the figures include process start and script load"
	awk -v n="$NS" '{ printf "   run %d: %.2f s wall, %.2f s cpu (user+sys)\n", NR, $1, $2 + $3 }' "$W/peer.times"
else
	echo "== peer: sieve-test not installed (apt-get install dovecot-sieve); no comparison"
	P_MSGS=0 P_CPU=0 P_EVALS=0 NEXP=0
fi

echo
printf '%-40s %16s %16s %20s\n' "median" "messages/s cpu" "messages/s wall" "rule evaluations/s"
printf '%-40s %16s %16s %20s\n' "va rules engine (50 rules)" "$VA_MSGS" "$VA_WALL" "$VA_EVALS"
printf '%-40s %16s %16s %20s\n' "dovecot sieve-test ($NEXP rules)" "$P_CPU" "$P_MSGS" "$P_EVALS"
awk -v a="$VA_MSGS" -v b="$P_CPU" -v c="$VA_WALL" -v d="$P_MSGS" 'BEGIN {
	if (b > 0) printf "ratio va / sieve-test: %.0fx (cpu), %.0fx (wall) messages/s\n", a / b, c / d }'
awk -v e="$VA_EVALS" 'BEGIN { ok = e >= 200000 ? "met" : "NOT met"
	printf "target: >= 200,000 rule evaluations/s per core: %s (%.0f)\n", ok, e }'
