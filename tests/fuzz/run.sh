#!/bin/bash
# run.sh [TARGET...]: `make fuzz`.  Builds every tests/fuzz/fuzz_*.c with
# clang, libFuzzer, ASan and UBSan into build-fuzz/ (the sources too: not the
# gcc build), tops up the seed corpora (corpus-seed.sh), then fuzzes each
# target for FUZZ_SECONDS on tests/.cache/fuzz/<target>/ plus its regression
# inputs, FUZZ_JOBS at a time.  Every crash, leak, hang or out-of-memory input
# is copied into tests/fuzz/regress/<target>/ and makes the run fail.  A
# harness that does not build is reported and skipped.  A libFuzzer
# dictionary tests/fuzz/<target>.dict is used when there is one, and the
# libFuzzer flags in tests/fuzz/<target>.options (one a line, # comments).
#
# Env: FUZZ_SECONDS (20), FUZZ_JOBS (2), FUZZ_CC (clang), FUZZ_MAKEFLAGS (extra
# make arguments), FUZZ_NOBUILD=1 (use build-fuzz/ as it is).  Per-target logs: build-fuzz/log/<target>.log; figures:
# build-fuzz/summary.tsv (target, seconds, runs, execs/s, corpus, result).
set -u
cd "$(dirname "$0")/../.."
N=${FUZZ_SECONDS:-20}
JOBS=${FUZZ_JOBS:-2}
CC_FUZZ=${FUZZ_CC:-clang}
OUT=build-fuzz
SAN="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LC_ALL=C.UTF-8 TZ=UTC VA_SHARE_DIR="$PWD/share"

die() { echo "fuzz: $*" >&2; exit 2; }
command -v "$CC_FUZZ" >/dev/null || die "no $CC_FUZZ: install clang and libclang-rt-14-dev (tests/deps.sh test)"
probe=$(mktemp -d)
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
"$CC_FUZZ" -fsanitize=fuzzer,address,undefined -o "$probe/p" "$probe/p.c" 2>/dev/null ||
	{ rm -rf "$probe"; die "$CC_FUZZ cannot link libFuzzer: install libclang-rt-14-dev (tests/deps.sh test)"; }
rm -rf "$probe"

# shellcheck disable=SC2086
[ -n "${FUZZ_NOBUILD:-}" ] || make --no-print-directory -j"$JOBS" BUILD=$OUT FUZZ=1 CC="$CC_FUZZ" SANFLAGS="$SAN" CFLAGS="-O1 -g" \
	${FUZZ_MAKEFLAGS:-} fuzz-bins || die "cannot build the sources with $CC_FUZZ"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		f=${f##*/fuzz_}
		targets+=("${f%.c}")
	done
fi
tests/fuzz/corpus-seed.sh "${targets[@]}" >/dev/null
mkdir -p "$OUT/log" "$OUT/artifacts"

# fuzz_one TARGET: one libFuzzer run; artifacts land in $OUT/artifacts/TARGET/.
fuzz_one() {
	local t=$1 dirs=("tests/.cache/fuzz/$1")
	rm -rf "$OUT/artifacts/$t"
	mkdir -p "$OUT/artifacts/$t"
	local opts=()
	[ -d "tests/fuzz/regress/$t" ] && dirs+=("tests/fuzz/regress/$t")
	[ -f "tests/fuzz/$t.dict" ] && opts+=("-dict=tests/fuzz/$t.dict")
	[ -f "tests/fuzz/$t.options" ] && mapfile -t -O ${#opts[@]} opts < <(grep -v '^#' "tests/fuzz/$t.options")
	"$OUT/tests/fuzz/fuzz_$t" -max_total_time="$N" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t/" "${opts[@]}" "${dirs[@]}" \
		>"$OUT/log/$t.log" 2>&1
	echo "rc=$?" >>"$OUT/log/$t.log"
}

running=0 skipped=""
for t in "${targets[@]}"; do
	if [ ! -x "$OUT/tests/fuzz/fuzz_$t" ]; then
		skipped="$skipped $t"
		continue
	fi
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	fuzz_one "$t" &
	running=$((running + 1))
done
wait

# stat NAME LOG: a libFuzzer final statistic.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

bad=0
printf '%s\t%s\t%s\t%s\t%s\t%s\n' target seconds runs execs_per_s corpus result >"$OUT/summary.tsv"
printf '%-10s %10s %9s %7s  %s\n' target runs execs/s corpus result
for t in "${targets[@]}"; do
	log="$OUT/log/$t.log"
	[ -x "$OUT/tests/fuzz/fuzz_$t" ] && [ -f "$log" ] || continue
	found=$(find "$OUT/artifacts/$t" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
	result=ok
	if [ -n "$found" ]; then
		mkdir -p "tests/fuzz/regress/$t"
		cp $found "tests/fuzz/regress/$t/"
		result="FOUND $(echo "$found" | wc -l): $(echo "$found" | sed 's|.*/||' | tr '\n' ' ')"
		bad=1
	elif ! grep -q '^rc=0$' "$log"; then
		result="FAILED ($(grep '^rc=' "$log"); see $log)"
		bad=1
	fi
	runs=$(stat number_of_executed_units "$log")
	eps=$(stat average_exec_per_sec "$log")
	corpus=$(find "tests/.cache/fuzz/$t" -type f | wc -l)
	printf '%-10s %10s %9s %7s  %s\n' "$t" "${runs:-?}" "${eps:-?}" "$corpus" "$result"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$N" "${runs:-}" "${eps:-}" "$corpus" "$result" >>"$OUT/summary.tsv"
	if [ "$result" != ok ]; then
		grep -m1 -A12 -E '^==[0-9]+==ERROR|runtime error|ALARM|out-of-memory' "$log" | sed 's/^/    /'
	fi
done
[ -n "$skipped" ] && echo "fuzz: skipped (harness does not build):$skipped" >&2
if [ "$bad" -ne 0 ]; then
	echo "fuzz: new failing inputs were copied into tests/fuzz/regress/; fix them, keep them" >&2
	exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${N}s each: no crash, leak or hang"
