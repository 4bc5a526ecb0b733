#!/bin/bash
# test_analyze_more.sh: `va analyze` beyond one local file: the LLM summary
# against tests/fixtures/llm/fake_openai.py (a good summary is used, one
# citing an invented number is rejected, a hang times out, garbage falls
# back; rows only with --llm-rows), a CSV attachment of a stored message
# (--message/--part), and the "analysis" job kind (--background, progress,
# the report, the stored result; a daemon stop interrupts a long run).
. "$(dirname "$0")/lib.sh"
FIX=tests/fixtures/csv
mkdir -p "$XDG_CONFIG_HOME/va"
CONF=$XDG_CONFIG_HOME/va/va.conf
printf 'date,temp,wind\n2020-01-01,1.5,3\n2020-01-02,2.5,4\n2020-01-03,3.25,5\n2020-02-01,10,6\n' >"$T/small.csv"

# ---- the LLM summary ----
if command -v python3 >/dev/null; then
	python3 "$ROOT/tests/fixtures/llm/fake_openai.py" >"$T/server.out" &
	SERVER=$!
	trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; "$VA" -q daemon stop >/dev/null 2>&1; rm -rf "$T"' EXIT
	for _ in $(seq 50); do grep -q PORT "$T/server.out" && break; sleep 0.1; done
	PORT=$(awk '/PORT/ { print $2 }' "$T/server.out")
	llm() { printf '[llm]\nbase_url = http://127.0.0.1:%s/v1\nmodel = %s\ntimeout = 1s\n' "$PORT" "$1" >"$CONF"; }

	llm summary
	run "$VA" --json analyze --no-save "$T/small.csv"
	is "llm summary: exit 0" "$RC" 0
	is "llm summary: written by the model" "$(jq -r .summary_by <<<"$OUT")" "llm:summary"
	like "llm summary: cites computed numbers" "$(jq -r .summary <<<"$OUT")" "temp averages 4.31."
	unlike "llm summary: no rows unless asked" "$(jq -r .summary <<<"$OUT")" "Rows were shared"
	unlike "llm summary: no warning" "$ERR" "summary written offline"
	run "$VA" --json analyze --no-save --llm-rows "$T/small.csv"
	like "--llm-rows sends the first rows" "$(jq -r .summary <<<"$OUT")" "Rows were shared"

	llm summary-invent
	run "$VA" --json analyze --no-save "$T/small.csv"
	is "invented number: analysis still exits 0" "$RC" 0
	is "invented number: the offline summary" "$(jq -r .summary_by <<<"$OUT")" "va (offline)"
	like "invented number: a note says why" "$ERR" "the summary cites 4242.5, which is not a computed statistic"

	llm hang
	SECONDS=0
	run "$VA" --json analyze --no-save "$T/small.csv"
	check "a hanging model times out within [llm] timeout" test "$SECONDS" -le 4
	is "hang: the offline summary" "$(jq -r .summary_by <<<"$OUT")" "va (offline)"
	like "hang: one-line note" "$ERR" "no answer within 1000 ms"

	llm badjson
	run "$VA" --json analyze --no-save "$T/small.csv"
	is "garbage: exit 0" "$RC" 0
	is "garbage: the offline summary" "$(jq -r .summary_by <<<"$OUT")" "va (offline)"
	like "garbage: note" "$ERR" "the answer is not JSON"

	llm 500-always
	run "$VA" analyze --no-save "$T/small.csv"
	is "HTTP 500: exit 0" "$RC" 0
	like "HTTP 500: note" "$ERR" "HTTP status 500"
	rm -f "$CONF"
else
	skip "LLM summary" "python3 is not installed"
fi

# ---- the number check itself (through the fake-free path: no [llm], offline) ----
run "$VA" --json analyze --no-save "$T/small.csv"
is "no [llm]: offline summary, no note" "$(jq -r .summary_by <<<"$OUT")$ERR" "va (offline)"

# ---- time series: date columns resampled by day, week or month ----
run "$VA" --json analyze --no-save "$T/small.csv"
is "32 days: by day" "$(jq -r '.time_series | "\(.column) \(.unit) \(.periods | length)"' <<<"$OUT")" "date day 32"
is "by day: empty days listed with 0 rows" "$(jq -c '[.time_series.periods[] | .rows] | add, .[3]' <<<"$OUT" | paste -sd' ')" "4 0"
is "by day: mean per period" "$(jq -c '.time_series.periods[2].mean' <<<"$OUT")" '{"temp":3.25,"wind":5}'
awk 'BEGIN { print "when,x"; for (d = 0; d < 200; d++) print strftime("%Y-%m-%d", 1577836800 + d * 86400, 1) "," d }' >"$T/weeks.csv"
run "$VA" --json analyze --no-save "$T/weeks.csv"
is "200 days: by week" "$(jq -r '.time_series.unit' <<<"$OUT")" week
is "weeks start on Monday (2019-12-30)" "$(jq -r '.time_series.periods[0] | "\(.start) \(.rows) \(.mean.x)"' <<<"$OUT")" "2019-12-30 5 2"
is "weeks: rows add up" "$(jq '[.time_series.periods[].rows] | add' <<<"$OUT")" 200
DATA=tests/.cache/npm/node_modules/vega-datasets/data
if [ -f "$DATA/seattle-weather.csv" ]; then
	run "$VA" --json analyze --no-save "$DATA/seattle-weather.csv"
	is "4 years: by month, 48 periods" "$(jq -r '.time_series | "\(.unit) \(.periods | length)"' <<<"$OUT")" "month 48"
	want=$(awk -F, '$1 ~ /^2013-07/ { n++; s += $3 } END { printf "%d %.6f", n, s / n }' "$DATA/seattle-weather.csv")
	is "July 2013: rows and mean temp_max match awk" \
		"$(jq -r '.time_series.periods[] | select(.start == "2013-07-01") | "\(.rows) \(.mean.temp_max * 1e6 | round / 1e6)"' <<<"$OUT" | awk '{ printf "%d %.6f", $1, $2 }')" "$want"
	want=$(awk -F, 'NR > 1 { m = substr($1, 1, 7); n[m]++; s[m] += $3 } END { for (k in n) printf "%.4g %s\n", s[k] / n[k], k }' \
		"$DATA/seattle-weather.csv" | sort -g | sed -n '$p')
	like "offline summary: the trend names the highest month ($want)" "$(jq -r .summary <<<"$OUT")" \
		"the mean of \"temp_max\" runs from 6.106 (the month of 2013-01) to ${want% *} (the month of ${want#* })"
	run "$VA" analyze --no-save --report "$T/sw.html" "$DATA/seattle-weather.csv"
	like "report: a time series section" "$(cat "$T/sw.html")" 'Time series: &quot;date&quot; by month'
	is "report: rows and means charted" "$(grep -o '<svg' "$T/sw.html" | wc -l)" 11
	run "$VA" analyze --no-save --chart date "$DATA/seattle-weather.csv"
	like "the dumb time-series chart" "$OUT" "date (rows per month)"
else
	skip "time series on seattle-weather" "vega-datasets not fetched"
fi

# ---- a CSV attachment of a message ----
b64() { base64 -w 76; }
{
	printf 'From: Alice <alice@example.com>\nTo: me@example.com\nSubject: figures attached\n'
	printf 'Date: Mon, 02 Mar 2026 10:00:00 +0000\nMessage-ID: <csv-1@example.com>\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nsee attached\n'
	printf -- '--b1\nContent-Type: text/plain; name="notes.txt"\nContent-Disposition: attachment; filename="notes.txt"\n\nnot a csv\n'
	printf -- '--b1\nContent-Type: application/octet-stream; name="figures.csv"\n'
	printf 'Content-Disposition: attachment; filename="figures.csv"\nContent-Transfer-Encoding: base64\n\n'
	b64 <"$T/small.csv"
	printf -- '--b1--\n'
} >"$T/csvmail.eml"
mkdir -p "$T/mail"
cp "$T/csvmail.eml" "$T/mail/1.eml"
"$VA" -q import "$T/mail" >/dev/null 2>&1
MID=$("$VA" --json search 'subject:"figures attached"' | jq -r '.[0].id')
check "the message with a CSV attachment is stored ($MID)" test -n "$MID" -a "$MID" != null
run "$VA" --json analyze --message "$MID"
is "--message: exit 0" "$RC" 0
is "--message: the CSV part found" "$(jq -r '.rows, .columns[1].mean' <<<"$OUT" | paste -sd' ')" "4 4.3125"
like "--message: named after the message and file" "$(jq -r .source <<<"$OUT")" "message $MID part"
like "--message: ... and the file name" "$(jq -r .source <<<"$OUT")" "(figures.csv)"
NPART=$("$VA" --json show "$MID" | jq -r '.attachments[] | select(.filename == "notes.txt") | .part')
run "$VA" --json analyze --message "$MID" --part "$NPART"
is "--part N: that part analysed as given" "$(jq -r '.columns[0].name' <<<"$OUT")" "not a csv"
run "$VA" analyze --message "$MID" --part 9
is "--part 9: exit 1" "$RC" 1
like "--part 9: message" "$ERR" "has no attachment part 9"
run "$VA" analyze --message 999999
like "--message of a missing message" "$ERR" "no message 999999"
run "$VA" analyze --message "$MID" "$T/small.csv"
is "--message with a FILE: usage error" "$RC" 2
nleft=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'va-analyze-*' -user "$(id -u)" 2>/dev/null | wc -l)
is "no temporary file left behind" "$nleft" 0

# ---- the analysis job ----
run "$VA" analyze --background -
is "--background with stdin refused" "$RC" 2
run "$VA" jobs add analysis --args '{"path":"x.csv","report":"x.pdf"}'
like "job: a bad report name refused when added" "$ERR" 'must end in .html or .md'
cp "$T/small.csv" "$T/job.csv"
cd "$T"
run "$VA" analyze --background --report out.html --group-by wind job.csv
cd "$ROOT"
is "--background: exit 0" "$RC" 0
JID=$OUT
check "--background prints the job id ($JID)" test "$JID" -gt 0
like "--background: says where to look" "$ERR" "analysis job $JID added"
is "the job args hold absolute paths" "$("$VA" --json jobs list | jq -r --argjson id "$JID" '.[] | select(.id == $id) | .args | fromjson | .path, .report' | paste -sd' ')" \
	"$T/job.csv $T/out.html"
run "$VA" daemon start
job_state() { "$VA" --json jobs list 2>/dev/null | jq -r --argjson id "$1" '.[] | select(.id == $id) | .state'; }
job_done() { test "$(job_state "$1")" = done; }
check "the analysis job finishes" wait_for 30 job_done "$JID"
check "the job wrote the report" grep -q "<svg" "$T/out.html"
like "the job's note" "$("$VA" --json jobs list | jq -r --argjson id "$JID" '.[] | select(.id == $id) | .progress')" "4 rows, 3 columns"
is "the result is in va analyze --list" "$("$VA" --json analyze --list | jq -r '.[0].report')" "$T/out.html"

# a long run (rows trickling through a FIFO) reports progress and stops with the daemon
mkfifo "$T/fifo"
awk 'BEGIN { print "a,b"; for (i = 0; i < 70000; i++) print i "," i % 7 }' >"$T/chunk"
(exec >"$T/fifo"; head -n1 "$T/chunk"; while :; do tail -n +2 "$T/chunk" || exit; sleep 0.2; done) 2>/dev/null &
WRITER=$!
run "$VA" --json analyze --background "$T/fifo"
LID=$(jq .id <<<"$OUT")
has_progress() { "$VA" --json jobs list | jq -e --argjson id "$LID" '.[] | select(.id == $id) | .progress // "" | test("pass 1: [0-9]+ rows, [0-9.]+ MB, [0-9]+ MB/s")' >/dev/null 2>&1; }
check "a long analysis reports progress (rows, MB/s)" wait_for 20 has_progress
SECONDS=0
"$VA" -q daemon stop >/dev/null 2>&1
check "the daemon stops soon ($SECONDS s)" test "$SECONDS" -le 5
kill $WRITER 2>/dev/null
wait $WRITER 2>/dev/null
is "the interrupted job waits for the next start" "$(job_state "$LID")" ready
"$VA" -q jobs cancel "$LID"

done_testing
