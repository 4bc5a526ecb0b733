#!/bin/bash
# analyze.sh: `va analyze` against its peers on the same files in the same run.
#
# Files (built here, once, into tests/.cache/bench/; never by the test suite):
#   flights.csv  vega-datasets' flights-200k converted from JSON to CSV
#                (delay,distance,time) and repeated to SIZE_MB (default 1024)
#   mixed.csv    birdstrikes.csv (14 columns: text, dates, numbers, empty
#                cells) repeated to SIZE_MB / 4
# Tools, each RUNS times (default 3) after one warm-up read of the file:
#   va analyze     full statistics: types, nulls, distinct, min/max/mean/stddev,
#                  exact quartiles and median, top values, histograms,
#                  correlations (two passes when the values exceed the budget)
#   mlr summary    `mlr --icsv --opprint summary` (Miller)
#   datamash       count/min/max/mean/sstdev/median of each numeric column
#                  (flights only: datamash aborts on empty cells)
#   libcsv count   tests/tools/csvcount.c: libcsv with callbacks that only
#                  count fields (the parse ceiling)
# Prints wall time, MB/s and peak RSS (medians), and the ratios the issue sets
# as targets: va >= 10x Miller's throughput, >= 2x datamash's, within 2x of
# the bare libcsv parse, peak RSS < 256 MB.
# Usage: tests/bench/analyze.sh   (SIZE_MB=200 RUNS=1 for a quick trial)
set -eu
cd "$(dirname "$0")/../.."
SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-3}
VA=${VA:-./va}
BUILD=${BUILD:-build}
for t in mlr datamash jq; do
	command -v $t >/dev/null || { echo "bench: $t is not installed (apt-get install miller datamash jq)" >&2; exit 1; }
done
make -s all "$BUILD/tests/measure" "$BUILD/tests/csvcount" >/dev/null
tests/fetch-data.sh >/dev/null
DATA=tests/.cache/npm/node_modules/vega-datasets/data
OUT=tests/.cache/bench
mkdir -p "$OUT"
W=$(mktemp -d /tmp/va-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT

# repeat_to SRC DST MB: the header of SRC once, then its rows until DST is MB megabytes
repeat_to() {
	local src=$1 dst=$2 mb=$3
	[ -f "$dst" ] && [ "$(stat -c %s "$dst")" -ge $((mb * 1000000)) ] && return
	echo "bench: building $dst ($mb MB)" >&2
	head -1 "$src" >"$dst.tmp"
	awk 'NR > 1' "$src" >"$W/rows" # every row newline-terminated (birdstrikes.csv's last is not)
	local rows_mb=$(($(stat -c %s "$W/rows") + 1))
	local times=$((mb * 1000000 / rows_mb + 1))
	for _ in $(seq "$times"); do cat "$W/rows"; done >>"$dst.tmp"
	mv "$dst.tmp" "$dst"
}
if [ ! -f "$OUT/flights-200k.csv" ]; then
	jq -r '"delay,distance,time", (.[] | [.delay, .distance, .time] | @csv)' \
		"$DATA/flights-200k.json" >"$OUT/flights-200k.csv"
fi
repeat_to "$OUT/flights-200k.csv" "$OUT/flights-$SIZE_MB.csv" "$SIZE_MB"
repeat_to "$DATA/birdstrikes.csv" "$OUT/mixed-$((SIZE_MB / 4)).csv" $((SIZE_MB / 4))

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# bench NAME CMD...: RUNS measured runs; prints "NAME wall_ms rss_kb"
bench() {
	local name=$1 i
	shift
	: >"$W/m"
	for i in $(seq "$RUNS"); do "$BUILD/tests/measure" "$@" >>"$W/m"; done
	if grep -qv 'status=0' "$W/m"; then echo "bench: $name failed: $(cat "$W/m")" >&2; exit 1; fi
	echo "$name $(field wall_ms <"$W/m" | median) $(field maxrss_kb <"$W/m" | median)"
}

datamash_cols() { # one count/min/max/mean/sstdev/median group per numeric column
	local spec="" c
	for c in 1 2 3; do spec+=" count $c min $c max $c mean $c sstdev $c median $c"; done
	echo "$spec"
}

table() { # FILE, then "name ms kb" lines on stdin
	awk -v bytes="$(stat -c %s "$1")" -v file="$1" -v runs="$RUNS" '
	{ name[NR] = $1; ms[NR] = $2; kb[NR] = $3; if ($1 == "va") v = NR; if ($1 == "libcsv-count") c = NR
	  if ($1 == "mlr-summary") m = NR; if ($1 == "datamash") d = NR }
	END {
		printf "%s: %.0f MB, median of %d runs (warm cache)\n", file, bytes / 1e6, runs
		printf "%-14s %10s %9s %13s %10s\n", "", "wall s", "MB/s", "peak RSS MB", "va faster"
		for (i = 1; i <= NR; i++)
			printf "%-14s %10.2f %9.1f %13.1f %9.2fx\n", name[i], ms[i] / 1000, bytes / 1e6 / (ms[i] / 1000),
				kb[i] / 1024, ms[i] / ms[v]
		printf "targets: >= 10x mlr: %s", m ? (ms[m] / ms[v] >= 10 ? "met" : "NOT met") : "n/a"
		printf "; >= 2x datamash: %s", d ? (ms[d] / ms[v] >= 2 ? "met" : "NOT met") : "n/a"
		printf "; within 2x of libcsv count: %s", (ms[v] / ms[c] <= 2 ? "met" : "NOT met")
		printf "; peak RSS < 256 MB: %s\n\n", (kb[v] < 262144 ? "met" : "NOT met")
	}'
}

run_file() { # FILE with-datamash
	local f=$1
	cat "$f" >/dev/null # warm the page cache
	{
		bench va "$VA" -q --data-dir "$W/va" analyze --no-save "$f"
		bench libcsv-count "$BUILD/tests/csvcount" "$f"
		bench mlr-summary mlr --icsv --opprint summary "$f"
		# datamash reads stdin only: exec keeps one process for measure's RSS
		# shellcheck disable=SC2016
		[ "$2" = yes ] && bench datamash sh -c 'exec datamash -t, --header-in $1 <"$0"' "$f" \
			"$(datamash_cols)" || true
	} >"$W/rows.txt"
	table "$f" <"$W/rows.txt"
}

echo "va $("$VA" version | cut -d' ' -f2), $(mlr --version), $(datamash --version | head -1); $(nproc) CPUs"
echo
run_file "$OUT/flights-$SIZE_MB.csv" yes
run_file "$OUT/mixed-$((SIZE_MB / 4)).csv" no
