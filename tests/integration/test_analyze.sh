#!/bin/bash
# test_analyze.sh: `va analyze` against real CSV files (vega-datasets), with
# every statistic recomputed here independently (awk, sort) and compared to a
# stated tolerance; the malformed-CSV fixture set (tests/fixtures/csv/
# expected.tsv); reports (HTML well formed with inline SVG, Markdown); gnuplot
# missing; stdin; a URL served on 127.0.0.1; the store records.
. "$(dirname "$0")/lib.sh"
FIX=tests/fixtures/csv
REL=1e-9 # relative tolerance for means (va: Welford or exact int64 sums; awk: a plain sum)

# ---- the malformed-CSV set ----
while IFS=$'\t' read -r file want where what expect; do
	case $file in '#'* | '') continue ;; esac
	expect=$(printf '%b' "$expect")
	if [ "$where" = stderr ]; then
		run "$VA" analyze --no-save "$FIX/$file"
		is "$file: exit status" "$RC" "$want"
		like "$file: $expect" "$ERR" "$expect"
	else
		run "$VA" --json analyze --no-save "$FIX/$file"
		got=$(printf '%s' "$OUT" | jq -r "$what" 2>&1)
		is "$file: $what" "$got" "$expect"
	fi
done <"$FIX/expected.tsv"

# a 10 MB field: read whole, warned about with its line, and the next row counted
big=$T/bigfield.csv
{ printf 'id,blob\n1,'; head -c 10485760 /dev/zero | tr '\0' 'x'; printf '\n2,short\n'; } >"$big"
run "$VA" --json analyze --no-save "$big"
is "10 MB field: rows" "$(printf '%s' "$OUT" | jq .rows)" 2
is "10 MB field: longest value" "$(printf '%s' "$OUT" | jq '.columns[1].length.max')" 10485760
like "10 MB field: warning with line" "$ERR" "line 2: field 2 is 10485760 bytes long"

# a quote never closed near the top of a big file: stopped at 64 MiB, not read into memory whole
{ printf 'id,note\n1,ok\n2,"'; head -c 70000000 /dev/zero | tr '\0' 'y'; } >"$T/open.csv"
run "$VA" analyze --no-save "$T/open.csv"
is "64 MiB field: exit 1" "$RC" 1
like "64 MiB field: message" "$ERR" "va: cannot parse \"$T/open.csv\": line 3: a field longer than 64 MiB (a quote never closed?)"
rm -f "$T/open.csv"

# ---- real data: vega-datasets, recomputed with awk ----
DATA=$(tests/fetch-data.sh >/dev/null 2>&1 && echo tests/.cache/npm/node_modules/vega-datasets/data)
if [ -z "$DATA" ] || [ ! -f "$DATA/stocks.csv" ]; then
	skip "vega-datasets" "npm could not fetch vega-datasets"
	done_testing
	exit $?
fi

# stats FILE FIELD: count, mean, min, max, median and distinct of a column
# (FIELD counted from the end when negative; every file here has no quoted
# comma after the columns used).  Empty cells are nulls.
awk_stats() {
	awk -F, -v f="$2" 'NR > 1 { v = f < 0 ? $(NF + f + 1) : $f; sub(/\r$/, "", v)
		if (v == "") next; print v }' "$1" >"$T/vals"
	sort -g "$T/vals" >"$T/sorted"
	awk -v d="$(sort -u "$T/vals" | wc -l)" '{ x[NR] = $1; s += $1 }
		END { n = NR; m = n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
		printf "%d %.17g %.17g %.17g %.17g %d\n", n, s / n, x[1], x[n], m, d }' "$T/sorted"
}

va_stats() { # FILE COLUMN-NAME
	"$VA" --json analyze --no-save "$1" 2>/dev/null | jq -r --arg c "$2" \
		'.columns[] | select(.name == $c) | "\(.count) \(.mean) \(.min) \(.max) \(.median) \(.distinct)"'
}

# close A B: equal within REL (relative) or both zero
close() { awk -v a="$1" -v b="$2" -v r="$REL" 'BEGIN { d = a - b; if (d < 0) d = -d
	m = a < 0 ? -a : a; exit !(d <= r * m || d == 0) }'; }

compare() { # FILE FIELD NAME
	local want got i label
	want=($(awk_stats "$DATA/$1" "$2"))
	got=($(va_stats "$DATA/$1" "$3"))
	label=(count mean min max median distinct)
	for i in 0 1 2 3 4 5; do
		if [ -n "${got[$i]:-}" ] && close "${got[$i]}" "${want[$i]}"; then
			ok "$1 \"$3\": ${label[$i]} ${got[$i]}"
		else
			fail "$1 \"$3\": ${label[$i]}" "va:  ${got[$i]:-missing}" "awk: ${want[$i]}"
		fi
	done
}

compare seattle-weather.csv 2 precipitation
compare seattle-weather.csv 3 temp_max
compare seattle-weather.csv 5 wind
compare stocks.csv 3 price
compare airports.csv -2 latitude
compare airports.csv -1 longitude
compare birdstrikes.csv 14 "Speed IAS in knots"
compare birdstrikes.csv 13 'Cost Total $'

# dates and text: range and distinct by sort
run "$VA" --json analyze --no-save "$DATA/seattle-weather.csv"
is "seattle date range" "$(printf '%s' "$OUT" | jq -r '.columns[0] | "\(.type) \(.date_min) \(.date_max)"')" \
	"date $(awk -F, 'NR > 1 { print $1 }' "$DATA/seattle-weather.csv" | sort | sed -n '1p;$p' | paste -sd' ')"
is "seattle weather distinct" "$(printf '%s' "$OUT" | jq '.columns[5].distinct')" \
	"$(awk -F, 'NR > 1 { print $6 }' "$DATA/seattle-weather.csv" | sort -u | wc -l)"
is "seattle top weather" "$(printf '%s' "$OUT" | jq -r '.columns[5].top[0] | "\(.value) \(.count)"')" \
	"$(awk -F, 'NR > 1 { print $6 }' "$DATA/seattle-weather.csv" | sort | uniq -c | sort -k1,1nr | awk 'NR == 1 { print $2, $1 }')"
r=$(printf '%s' "$OUT" | jq '.correlations[] | select(.a == "temp_max" and .b == "temp_min") | .r')
want=$(awk -F, 'NR > 1 { n++; x = $3; y = $4; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y }
	END { printf "%.17g", (n * sxy - sx * sy) / sqrt((n * sxx - sx * sx) * (n * syy - sy * sy)) }' "$DATA/seattle-weather.csv")
REL=1e-6 check "seattle temp_max/temp_min correlation $r ~ $want" close "${r:-x}" "$want"

# group-by: rows and mean per symbol
run "$VA" --json analyze --no-save --group-by symbol "$DATA/stocks.csv"
got=$(printf '%s' "$OUT" | jq -r '.group_by.groups[] | "\(.key) \(.rows) \(.mean.price)"' | sort)
want=$(awk -F, 'NR > 1 { n[$1]++; s[$1] += $3 } END { for (k in n) printf "%s %d %.17g\n", k, n[k], s[k] / n[k] }' \
	"$DATA/stocks.csv" | sort)
bad=$(paste -d' ' <(printf '%s\n' "$got") <(printf '%s\n' "$want") |
	awk '$1 != $4 || $2 != $5 || ($3 - $6) ^ 2 > 1e-18 * $6 ^ 2 { print }')
is "stocks --group-by symbol: rows and means match awk" "$bad" ""
is "stocks --group-by: 5 groups" "$(printf '%s\n' "$got" | wc -l)" 5
run "$VA" analyze --no-save --group-by nosuch "$DATA/stocks.csv"
is "unknown --group-by column: exit 1" "$RC" 1
like "unknown --group-by column: message" "$ERR" "va: no column \"nosuch\" to group by in"

# two passes with a small budget give the same exact quartiles
one=$("$VA" --json analyze --no-save "$DATA/zipcodes.csv" 2>/dev/null | jq -c '[.columns[] | [.q1, .median, .q3]]')
two=$("$VA" --json analyze --no-save --memory 1M "$DATA/zipcodes.csv" 2>/dev/null)
is "zipcodes: 2 passes with --memory 1M" "$(printf '%s' "$two" | jq .passes)" 2
is "zipcodes: same quartiles in 1 and 2 passes" "$(printf '%s' "$two" | jq -c '[.columns[] | [.q1, .median, .q3]]')" "$one"
is "zipcodes: zip codes stay text" "$(printf '%s' "$two" | jq -r '.columns[0].type')" text

# ---- stdin, reports, charts ----
run "$VA" --json analyze --no-save - <"$DATA/stocks.csv"
is "stdin: rows" "$(printf '%s' "$OUT" | jq .rows)" 560
is "stdin: source" "$(printf '%s' "$OUT" | jq -r .source)" "(stdin)"

run "$VA" analyze --report "$T/r.html" "$DATA/seattle-weather.csv"
is "html report: exit 0" "$RC" 0
check "html report: well-formed XML" python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$T/r.html"
is "html report: one chart per column, the mean per month of each number, the heatmap" "$(grep -o '<svg' "$T/r.html" | wc -l)" 11
is "html report: mode 0600" "$(stat -c %a "$T/r.html")" 600
run "$VA" analyze --report "$T/r.md" "$DATA/stocks.csv"
like "markdown report: a text chart" "$(cat "$T/r.md")" '```text'
like "markdown report: the summary" "$(cat "$T/r.md")" "## Summary"
run "$VA" analyze --no-save --group-by symbol --report "$T/g.html" "$DATA/stocks.csv"
like "html report: the groups" "$(cat "$T/g.html")" "<tr><th>GOOG</th><td>68</td>"
VA_GNUPLOT=/nonexistent/gnuplot run "$VA" analyze --no-save --report "$T/nogp.html" "$DATA/stocks.csv"
is "gnuplot missing: still exit 0" "$RC" 0
like "gnuplot missing: said in the report" "$(cat "$T/nogp.html")" "chart not drawn: gnuplot failed"
unlike "gnuplot missing: statistics still there" "$(cat "$T/nogp.html")" "<svg"
run "$VA" analyze --no-save --chart temp_max "$DATA/seattle-weather.csv"
like "dumb chart on stdout" "$OUT" "temp_max (histogram)"
run "$VA" analyze --no-save --report "$T/r.txt" "$DATA/stocks.csv"
is "report with an unknown extension: usage error" "$RC" 2

# ---- URL on 127.0.0.1 ----
port=$((20000 + RANDOM % 20000))
(cd "$FIX" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
srv=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
run "$VA" --json analyze "http://127.0.0.1:$port/ragged.csv?sig=secret"
is "url: rows" "$(printf '%s' "$OUT" | jq .rows)" 4
is "url: shown without its query string" "$(printf '%s' "$OUT" | jq -r .source)" "http://127.0.0.1:$port/ragged.csv"
run "$VA" analyze --no-save "http://127.0.0.1:$port/nosuch.csv"
is "url: 404 exit 1" "$RC" 1
like "url: 404 message" "$ERR" "va: cannot download \"http://127.0.0.1:$port/nosuch.csv\": HTTP status 404"
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null

# ---- the store ----
run "$VA" --json analyze --list
is "list: the three saved analyses" "$(printf '%s' "$OUT" | jq length)" 3
is "list: newest first, the URL without its secret" "$(printf '%s' "$OUT" | jq -r '.[0].source')" \
	"http://127.0.0.1:$port/ragged.csv"
unlike "no secret in the database" "$(cat "$XDG_DATA_HOME"/va/va.db* 2>/dev/null | tr -d '\0')" "sig=secret"

run "$VA" analyze
is "no file: usage error" "$RC" 2
run "$VA" analyze --no-save "$T/missing.csv"
like "missing file: message" "$ERR" "va: cannot open \"$T/missing.csv\": No such file or directory"

done_testing
