#!/bin/bash
# corpus-seed.sh [TARGET...]: build the seed corpora of the fuzz harnesses in
# tests/.cache/fuzz/<target>/ (gitignored) from real data: the spam-assassin
# messages and vega-datasets CSVs that tests/fetch-data.sh downloads, the
# fixtures, the shipped files (share/, keymaps/, themes/, va.conf.example) and
# the hand-written seeds in tests/fuzz/seeds/<target>/.  Files are named by
# their SHA-1, as libFuzzer names what it adds.  A corpus that exists is only
# topped up.  Without the downloaded data the seeds are smaller, not missing.
set -u
cd "$(dirname "$0")/../.."
CACHE=tests/.cache
SA=$CACHE/spam-assassin/cur
VEGA=$CACHE/npm/node_modules/vega-datasets/data
MAX_MAIL=${FUZZ_SEED_MAIL:-400} # spam-assassin messages per mail corpus

# add TARGET FILE...: copy files (up to 256 KiB each) into the corpus.
add() {
	local t=$1 f h
	shift
	mkdir -p "$CACHE/fuzz/$t"
	for f in "$@"; do
		[ -f "$f" ] || continue
		[ "$(stat -c %s "$f")" -le 262144 ] || continue
		h=$(sha1sum <"$f" | cut -c1-40)
		[ -e "$CACHE/fuzz/$t/$h" ] || cp "$f" "$CACHE/fuzz/$t/$h"
	done
}

# add_text TARGET: each line of stdin as one input.
add_text() {
	local t=$1 line h
	mkdir -p "$CACHE/fuzz/$t"
	while IFS= read -r line; do
		h=$(printf '%s' "$line" | sha1sum | cut -c1-40)
		[ -e "$CACHE/fuzz/$t/$h" ] || printf '%s' "$line" >"$CACHE/fuzz/$t/$h"
	done
}

# A spread of the spam-assassin messages (every Nth, small ones).
sa_sample() {
	[ -d "$SA" ] || return 0
	find "$SA" -type f -size -64k | sort | awk -v n="$MAX_MAIL" -v total="$(find "$SA" -type f -size -64k | wc -l)" \
		'BEGIN { step = total > n ? int(total / n) : 1 } NR % step == 0 && c++ < n'
}

seed() {
	local t=$1
	add "$t" tests/fuzz/seeds/"$t"/* tests/fuzz/regress/"$t"/*
	case $t in
	mime)
		add mime tests/fixtures/mail/*.eml tests/fixtures/classify/* share/demo/cur/* share/demo/new/*
		sa_sample | while read -r f; do add mime "$f"; done ;;
	header)
		[ -d "$SA" ] && sa_sample | xargs -r grep -h -a -m3 -E '^(Subject|From|To): .*=\?' 2>/dev/null |
			sed 's/^[A-Za-z]*: //' | sort -u | head -300 | add_text header
		grep -h -a -E '^(Subject|From): ' tests/fixtures/mail/*.eml | sed 's/^[A-Za-z]*: //' | add_text header ;;
	html)
		[ -d "$SA" ] && sa_sample | xargs -r grep -l -a -i '<html' 2>/dev/null | head -150 |
			while read -r f; do add html "$f"; done ;;
	date)
		{ [ -d "$SA" ] && sa_sample | xargs -r grep -h -a -m1 '^Date: ' 2>/dev/null
		  grep -h -a '^Date: ' tests/fixtures/mail/*.eml share/demo/cur/* 2>/dev/null; } |
			sed 's/^Date: //; s/\r$//' | sort -u | head -400 | add_text date ;;
	mbox)
		add mbox tests/fixtures/mail/sample.mbox
		if [ -d "$SA" ]; then
			local tmp i=0 f
			tmp=$(mktemp)
			for f in $(sa_sample | head -60); do
				i=$((i + 1))
				{ echo "From sender@example.com Mon Sep  2 16:21:42 2002"; sed 's/^\(>*From \)/>\1/' "$f"; echo; } >>"$tmp"
				if [ $((i % 6)) -eq 0 ]; then add mbox "$tmp"; : >"$tmp"; fi
			done
			rm -f "$tmp"
		fi ;;
	conf)
		add conf va.conf.example share/providers/*.conf ;;
	keymap)
		add keymap keymaps/* ;;
	theme)
		add theme themes/* ;;
	csv)
		add csv tests/fixtures/csv/*.csv tests/fixtures/csv/*.tsv "$VEGA"/*.csv "$VEGA"/*.tsv ;;
	rules)
		add rules share/rules/*.json tests/fixtures/rules/*.json tests/fixtures/rules/*/*.json ;;
	template*)
		add "$t" share/templates/* tests/fixtures/templates/* ;;
	esac
	return 0
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		f=${f##*/fuzz_}
		targets+=("${f%.c}")
	done
fi
for t in "${targets[@]}"; do
	seed "$t"
	echo "seed: $t: $(find "$CACHE/fuzz/$t" -type f 2>/dev/null | wc -l) inputs"
done
