#!/bin/bash
# tui.sh: va's terminal interface against neomutt on a 100,000-message
# Maildir, in the same run, both in a private tmux server at 120x40.
#
#   1. Build the Maildir once (tests/.cache/bench-100k): the SpamAssassin
#      corpus repeated with a fresh Message-ID per copy (perl, no network).
#   2. Import it into a fresh va store (VA_DATA=DIR reuses a store imported
#      from it before); write a muttrc with a header cache.
#   3. Start each program twice and measure the second (warm) start: launch to
#      the first full screen of message lines; then jump to the end and back
#      (G g for va, End Home for neomutt) ROUNDS times, the median of each;
#      then a subject search (va: / subject:WORD Enter, neomutt: l ~s WORD
#      Enter), from Enter to the result; then peak RSS (VmHWM).
#
# Keys are timed through a tmux control-mode client, which hears the pane's
# output as the program writes it: a key's time runs from sending it to the
# last output the program wrote for it (the screen then matches what the key
# should show and the pane stays quiet for 100 ms), so it is the whole
# redraw as the terminal receives it, tmux's relay included, measured alike
# for both programs.  The start is timed by polling capture-pane (10 ms).
# va also logs its own time from reading a key to its doupdate (debug log),
# printed as a second line.  Background work is off in both: neomutt's
# mail_check, va's in-process scheduler (its sync and rules jobs would
# otherwise run over the 100,000 messages during the measurement).  Not part
# of the test suite: run it directly (it takes a few minutes).
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
VA=${VA:-$ROOT/va}
N=${N:-100000}
WORD=${WORD:-ilug}
ROUNDS=${ROUNDS:-5}
command -v neomutt >/dev/null || { echo "bench: neomutt is not installed (apt-get install neomutt)" >&2; exit 1; }
command -v tmux >/dev/null || { echo "bench: tmux is not installed" >&2; exit 1; }
SRC=$ROOT/tests/$(tests/fetch-data.sh)
BIG=$ROOT/tests/.cache/bench-100k
W=$(mktemp -d /tmp/va-bench-tui.XXXXXX)
SOCK=va-bench-$$
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$W"' EXIT

# ---- the Maildir ----
if [ ! -f "$BIG/.complete" ]; then
	echo "bench: building $N messages in $BIG" >&2
	rm -rf "$BIG"
	mkdir -p "$BIG/cur" "$BIG/new" "$BIG/tmp"
	perl -e '
		use strict; use warnings;
		my ($src, $dst, $want) = @ARGV;
		opendir(my $d, "$src/cur") or die "$src/cur: $!";
		my @f = sort grep { !/^\./ } readdir($d);
		closedir $d;
		my $n = 0;
		COPY: for (my $c = 1; ; $c++) {
			for my $f (@f) {
				last COPY if $n >= $want;
				open(my $in, "<:raw", "$src/cur/$f") or die "$f: $!";
				my $b = do { local $/; <$in> };
				close $in;
				my ($h, $rest) = split(/\r?\n\r?\n/, $b, 2);
				$rest = "" unless defined $rest;
				my $id = "<va-bench-$c-$n\@bench.invalid>";
				$h = "Message-ID: $id\n$h" unless $h =~ s/^Message-ID:[^\n]*(\n[ \t][^\n]*)*/Message-ID: $id/mi;
				open(my $out, ">:raw", "$dst/cur/bench$c.$n.va:2,S") or die "$!";
				print $out "$h\n\n$rest";
				close $out;
				$n++;
			}
		}' "$SRC" "$BIG" "$N"
	touch "$BIG/.complete"
fi

mkdir -p "$W/home" "$W/cfg/va" "$W/state"
if [ -n "${VA_DATA:-}" ] && [ -f "$VA_DATA/va.db" ]; then
	echo "bench: reusing the store in $VA_DATA" >&2
	import_ms=-1
else
	VA_DATA=${VA_DATA:-$W/va}
	echo "bench: importing into va ($VA_DATA)" >&2
	t0=$(date +%s%3N)
	HOME=$W/home XDG_CONFIG_HOME=$W/cfg "$VA" --data-dir "$VA_DATA" -q import "$BIG" >/dev/null
	import_ms=$(($(date +%s%3N) - t0))
fi
printf '[general]\nlog_level = debug\n[scheduler]\nin_process = off\n' >"$W/cfg/va/va.conf"

cat >"$W/muttrc" <<EOF
set folder="$BIG"
set spoolfile="$BIG"
set mbox_type=Maildir
set header_cache="$W/hcache"
set sort=date
set mail_check=0
set timeout=0
set check_new=no
set sidebar_visible=no
set help=no
set mark_old=no
EOF

tm() { tmux -L "$SOCK" "$@"; }
screen() { tm capture-pane -p -t b 2>/dev/null; }
now() { date +%s%3N; }
# until PATTERN: poll the screen (10 ms) for up to 600 s; prints nothing.
until_shows() {
	local i=0
	while ! screen | grep -Eq -- "$1"; do
		sleep 0.01
		i=$((i + 1))
		[ "$i" -lt 60000 ] || { echo "bench: timed out waiting for $1" >&2; return 1; }
	done
}

# key_us PATTERN KEY: KEY_US gets the microseconds from sending KEY to the
# last output the pane wrote before its screen matched PATTERN and stayed
# quiet for 100 ms.  A control-mode client (perl, reading in blocks: bash's
# read takes a byte per system call and would be the slowest part) attaches,
# waits for quiet, sends the key and timestamps the %output lines.
key_us() {
	KEY_US=$(perl -e '
		use strict; use warnings;
		use IPC::Open2; use Time::HiRes qw(time);
		my ($sock, $pat, $key) = @ARGV;
		my $pid = open2(my $out, my $in, "tmux", "-L", $sock, "-C", "attach", "-t", "b");
		$in->autoflush(1);
		my $buf = "";
		# Read until quiet for 100 ms; the time of the last %output line, or 0.
		sub quiet {
			my $last = 0;
			my $rin = ""; vec($rin, fileno($out), 1) = 1;
			while (select(my $r = $rin, undef, undef, 0.1) > 0) {
				sysread($out, my $chunk, 65536) or die "bench: the control client went away\n";
				$buf .= $chunk;
				while ($buf =~ s/^([^\n]*)\n//) { $last = time if $1 =~ /^%output /; }
			}
			return $last;
		}
		quiet();
		print $in "send-keys -t b $key\n";
		my ($t0, $last) = (time, 0);
		for (;;) {
			my $l = quiet();
			$last = $l if $l;
			last if $last && grep { /$pat/ } `tmux -L $sock capture-pane -p -t b`;
			die "bench: nothing matched $pat after $key\n" if time - $t0 > 60;
		}
		close $in; kill "TERM", $pid; waitpid $pid, 0;
		printf "%d\n", ($last - $t0) * 1e6;
	' "$SOCK" "$1" "$2")
}
# median of the numbers on stdin (one a line)
median() { sort -n | awk '{ v[NR] = $1 } END { print NR ? (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) : -1 }'; }
# va's own time for the last key: from reading it to doupdate (its debug log)
va_key_ms() { sed -n 's/.*ui: keys handled in .* ms, drawn in .* ms, \([0-9.]*\) ms in all.*/\1/p' "$W/state/va/va.log" | tail -n 1; }
# rounds END_KEY HOME_KEY PREFIX: ROUNDS jumps each way; medians (ms) in
# ${PREFIX}_end ${PREFIX}_home, and for va its own times in ${PREFIX}_iend ${PREFIX}_ihome
rounds() {
	local i
	: >"$W/end" && : >"$W/home.t" && : >"$W/iend" && : >"$W/ihome"
	for i in $(seq "$ROUNDS"); do
		key_us . "$1" && echo "$KEY_US" >>"$W/end"
		[ "$3" != va ] || va_key_ms >>"$W/iend"
		key_us . "$2" && echo "$KEY_US" >>"$W/home.t"
		[ "$3" != va ] || va_key_ms >>"$W/ihome"
	done
	printf -v "${3}_end" '%s' "$(awk '{ print $1 / 1000 }' "$W/end" | median)"
	printf -v "${3}_home" '%s' "$(awk '{ print $1 / 1000 }' "$W/home.t" | median)"
	printf -v "${3}_iend" '%s' "$(median <"$W/iend")"
	printf -v "${3}_ihome" '%s' "$(median <"$W/ihome")"
}
launch() { tm new-session -d -s b -x 120 -y 40 "$1"; }
quit() {
	tm send-keys -t b "$1"
	local i=0
	while tm has-session -t b 2>/dev/null && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	tm kill-server 2>/dev/null || true
}
hwm() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$(tm display -p -t b '#{pane_pid}')/status"; }

VA_CMD="exec env HOME=$W/home XDG_CONFIG_HOME=$W/cfg XDG_STATE_HOME=$W/state TERM=screen-256color $VA --data-dir $VA_DATA"
NM_CMD="exec env HOME=$W/home TERM=screen-256color neomutt -n -F $W/muttrc"
VA_READY="[0-9]{5,} messages · "
NM_READY="Msgs:[0-9]{5,}"

# ---- va: a first start warms the page cache, the second is measured ----
launch "$VA_CMD"; until_shows "$VA_READY"; quit q
t0=$(now); launch "$VA_CMD"; until_shows "$VA_READY"; va_start=$(($(now) - t0))
rounds G g va
tm send-keys -t b /; until_shows '^search:'
tm send-keys -t b -l "subject:$WORD"; until_shows "^search: subject:$WORD"
key_us 'messages? match' Enter; va_search=$(awk -v u="$KEY_US" 'BEGIN { print u / 1000 }'); va_isearch=$(va_key_ms)
va_rss=$(hwm); quit q
# va's own view of its start (no tmux polling): the last "drawn N ms after start"
va_drawn=$(sed -n 's/.*inbox of [0-9]* messages drawn \([0-9]*\) ms after start.*/\1/p' \
	"$W/state/va/va.log" 2>/dev/null | tail -n 1)

# ---- neomutt: the first start fills the header cache, the second is measured ----
echo "bench: neomutt's first start (filling its header cache)" >&2
launch "$NM_CMD"; until_shows "$NM_READY"; quit q
t0=$(now); launch "$NM_CMD"; until_shows "$NM_READY"; nm_start=$(($(now) - t0))
rounds Home End nm # neomutt starts at the end: Home is its jump to the other end
tm send-keys -t b l; until_shows '^Limit to messages matching:'
tm send-keys -t b -l "~s $WORD"; until_shows "^Limit to messages matching: ~s $WORD"
key_us "Msgs:[0-9]+/[0-9]+" Enter; nm_search=$(awk -v u="$KEY_US" 'BEGIN { print u / 1000 }')
nm_rss=$(hwm); quit q

awk -v n="$N" -v imp="$import_ms" -v vs="$va_start" -v ve="$va_end" -v vh="$va_home" \
    -v vq="$va_search" -v vr="$va_rss" -v ns="$nm_start" -v ne="$nm_end" -v nh="$nm_home" \
    -v nq="$nm_search" -v nr="$nm_rss" -v word="$WORD" -v rounds="$ROUNDS" \
    -v ie="$va_iend" -v ih="$va_ihome" -v iq="$va_isearch" 'BEGIN {
	printf "TUI on %d messages at 120x40, warm second start (%s)\n", n,
		imp < 0 ? "va store reused" : sprintf("va import took %.1f s", imp / 1000)
	printf "%-34s %12s %12s %10s\n", "", "va", "neomutt", "va/neomutt"
	printf "%-34s %12d %12d %10.3f\n", "first screen of messages (ms)", vs, ns, vs / ns
	printf "%-34s %12.1f %12.1f %10.3f\n", "jump to the other end (ms)", ve, ne, ve / (ne ? ne : 1)
	printf "%-34s %12.1f %12.1f %10.3f\n", "and back (ms)", vh, nh, vh / (nh ? nh : 1)
	printf "%-34s %12.1f %12.1f %10.3f\n", "subject search \"" word "\" (ms)", vq, nq, vq / nq
	printf "%-34s %12d %12d %10.3f\n", "peak RSS (MB)", vr, nr, vr / nr
	printf "(jumps: medians of %d; keys timed from sending to the last output through tmux)\n", rounds
	printf "targets: start <= 1/20: %s; end/back < 10 ms: %s; search <= 1/10: %s; RSS <= 1/5: %s\n",
		(vs * 20 <= ns) ? "met" : "NOT met", (ve < 10 && vh < 10) ? "met" : "NOT met",
		(vq * 10 <= nq) ? "met" : "NOT met", (vr * 5 <= nr) ? "met" : "NOT met"
	printf "va\047s log, key read to doupdate: end %s ms, back %s ms, search %s ms\n", ie, ih, iq
}'
[ -n "$va_drawn" ] && echo "va's log: first screen drawn ${va_drawn} ms after va started (tmux not counted)"
exit 0
