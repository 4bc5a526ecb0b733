#!/bin/bash
# import.sh: import the SpamAssassin corpus (6,046 real messages) into a fresh
# va store, and index the same Maildir with `notmuch new` into a fresh
# notmuch database, in the same run.  Each side runs RUNS times (default 5)
# after one warm-up of each (warm page cache for both); medians are reported.
# Target: va >= 3x notmuch's messages/s, va peak RSS < 64 MB.
# Not part of the test suite: `make bench` or run directly.
set -eu
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
VA=${VA:-./va}
BUILD=${BUILD:-build}
command -v notmuch >/dev/null || { echo "bench: notmuch is not installed (apt-get install notmuch)" >&2; exit 1; }
make -s all "$BUILD/tests/measure" >/dev/null
MD=$PWD/tests/$(tests/fetch-data.sh)
N=$(ls "$MD/cur" | wc -l)
W=$(mktemp -d /tmp/va-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT

run_va() {
	rm -rf "$W/va"
	HOME=$W XDG_CONFIG_HOME=$W/cfg "$BUILD/tests/measure" "$VA" --data-dir "$W/va" -q import "$MD"
}
run_notmuch() {
	rm -rf "$W/nm"
	mkdir -p "$W/nm"
	printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=new\n[maildir]\nsynchronize_flags=true\n' \
		"$W/nm" "$MD" >"$W/nm.conf"
	NOTMUCH_CONFIG=$W/nm.conf "$BUILD/tests/measure" notmuch new --quiet
}
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

run_va >/dev/null
run_notmuch >/dev/null
: >"$W/va.txt"
: >"$W/nm.txt"
for _ in $(seq "$RUNS"); do
	run_va >>"$W/va.txt"
	run_notmuch >>"$W/nm.txt"
done
grep -v 'status=0' "$W/va.txt" "$W/nm.txt" && { echo "bench: a run failed" >&2; exit 1; }

va_ms=$(field wall_ms <"$W/va.txt" | median)
nm_ms=$(field wall_ms <"$W/nm.txt" | median)
va_kb=$(field maxrss_kb <"$W/va.txt" | median)
nm_kb=$(field maxrss_kb <"$W/nm.txt" | median)
awk -v n="$N" -v runs="$RUNS" -v vm="$va_ms" -v nm="$nm_ms" -v vk="$va_kb" -v nk="$nm_kb" 'BEGIN {
	vr = n / (vm / 1000); nr = n / (nm / 1000)
	printf "import of %d SpamAssassin messages, median of %d runs (warm cache)\n", n, runs
	printf "%-22s %12s %14s %14s\n", "", "wall ms", "messages/s", "peak RSS MB"
	printf "%-22s %12.0f %14.0f %14.1f\n", "va import", vm, vr, vk / 1024
	printf "%-22s %12.0f %14.0f %14.1f\n", "notmuch new (0.37)", nm, nr, nk / 1024
	printf "ratio va/notmuch: %.2fx messages/s, %.2fx peak RSS\n", vr / nr, vk / nk
	printf "targets: >= 3x messages/s: %s; peak RSS < 64 MB: %s\n", (vr / nr >= 3) ? "met" : "NOT met", (vk < 65536) ? "met" : "NOT met"
}'
