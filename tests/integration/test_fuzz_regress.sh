#!/bin/bash
# test_fuzz_regress: every input the fuzzers ever failed on (tests/fuzz/regress/),
# the hand-written seeds (tests/fuzz/seeds/) and the fixtures that each parser
# reads, replayed through the fuzz harnesses built without libFuzzer
# ($BUILD/tests/fuzz/fuzz_*, linked with tests/fuzz/driver.c by `make
# test-bins`).  Under SAN=1 ASan and UBSan check every input.  One test per
# harness; a harness that did not build fails.
source "$(dirname "$0")/lib.sh"
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# fixtures TARGET: the files from the tree that the parser reads in real use.
fixtures() {
	case $1 in
	mime) echo tests/fixtures/mail/*.eml tests/fixtures/classify/* share/demo/cur/* ;;
	header | html | date) echo tests/fixtures/mail/*.eml ;;
	mbox) echo tests/fixtures/mail/sample.mbox ;;
	csv) echo tests/fixtures/csv/*.csv tests/fixtures/csv/*.tsv ;;
	conf) echo va.conf.example share/providers/*.conf ;;
	keymap) echo keymaps/* ;;
	theme) echo themes/* ;;
	rules) echo share/rules/*.json tests/fixtures/rules/*.json ;;
	template*) echo share/templates/* tests/fixtures/templates/* ;;
	esac
}

for src in tests/fuzz/fuzz_*.c; do
	t=${src##*/fuzz_}
	t=${t%.c}
	bin="$BUILD/tests/fuzz/fuzz_$t"
	if [ ! -x "$bin" ]; then
		fail "fuzz_$t: harness built" "no $bin: see the output of make test-bins"
		continue
	fi
	files=()
	for f in tests/fuzz/regress/"$t"/* tests/fuzz/seeds/"$t"/* $(fixtures "$t"); do
		[ -f "$f" ] && files+=("$f")
	done
	if [ ${#files[@]} -eq 0 ]; then
		skip "fuzz_$t: replay" "no inputs"
		continue
	fi
	timeout 300 "$bin" -v "${files[@]}" >"$T/out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "fuzz_$t: ${#files[@]} inputs replayed"
	else
		fail "fuzz_$t: ${#files[@]} inputs replayed" "exit status $rc; last input: $(grep '^driver: ' "$T/out" | tail -1)" \
			"$(grep -m1 -E 'ERROR|runtime error|SUMMARY|Assertion' "$T/out")"
	fi
done
done_testing
