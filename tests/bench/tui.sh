#!/bin/bash
# tui.sh: va's terminal interface against neomutt on a 100,000-message
# Maildir, in the same run, both in a private tmux server at 120x40.
#
#   1. Build the Maildir once (tests/.cache/bench-100k): the SpamAssassin
#      corpus repeated with a fresh Message-ID per copy (perl, no network).
#   2. Import it into a fresh va store; write a muttrc with a header cache.
#   3. Start each program twice and measure the second (warm) start: launch to
#      the first full screen of message lines; then jump to the end and back
#      (G g for va, End Home for neomutt); then a subject search (va:
#      /subject:WORD, neomutt: l ~s WORD); then peak RSS (VmHWM).
#
# Times are taken by polling tmux capture-pane every 10 ms, so they include
# tmux's own latency (a few ms) for both programs alike.  Not part of the
# test suite: run it directly (it takes several minutes).
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
VA=${VA:-$ROOT/va}
N=${N:-100000}
WORD=${WORD:-ilug}
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

echo "bench: importing into va" >&2
mkdir -p "$W/home" "$W/cfg" "$W/state"
t0=$(date +%s%3N)
HOME=$W/home XDG_CONFIG_HOME=$W/cfg "$VA" --data-dir "$W/va" -q import "$BIG" >/dev/null
import_ms=$(($(date +%s%3N) - t0))

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
# changed_ms KEY: milliseconds until the screen differs after KEY.
changed_ms() {
	local before t
	before=$(screen | md5sum)
	t=$(now)
	tm send-keys -t b "$1"
	while [ "$(screen | md5sum)" = "$before" ]; do
		sleep 0.005
		[ $(($(now) - t)) -lt 60000 ] || { echo "bench: the screen did not change on $1" >&2; break; }
	done
	echo $(($(now) - t))
}
launch() { tm new-session -d -s b -x 120 -y 40 "$1"; }
quit() {
	tm send-keys -t b "$1"
	local i=0
	while tm has-session -t b 2>/dev/null && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	tm kill-server 2>/dev/null || true
}
hwm() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$(tm display -p -t b '#{pane_pid}')/status"; }

VA_CMD="exec env HOME=$W/home XDG_CONFIG_HOME=$W/cfg XDG_STATE_HOME=$W/state TERM=screen-256color $VA --data-dir $W/va"
NM_CMD="exec env HOME=$W/home TERM=screen-256color neomutt -n -F $W/muttrc"
VA_READY="[0-9]{5,} messages · "
NM_READY="Msgs:[0-9]{5,}"

# ---- va: a first start warms the page cache, the second is measured ----
launch "$VA_CMD"; until_shows "$VA_READY"; quit q
t0=$(now); launch "$VA_CMD"; until_shows "$VA_READY"; va_start=$(($(now) - t0))
va_end=$(changed_ms G); va_home=$(changed_ms g)
tm send-keys -t b /; until_shows '^search:'
t0=$(now); tm send-keys -t b -l "subject:$WORD"; tm send-keys -t b Enter
until_shows 'messages? match'; va_search=$(($(now) - t0))
va_rss=$(hwm); quit q
# va's own view of its start (no tmux polling): the last "drawn N ms after start"
va_drawn=$(sed -n 's/.*inbox of [0-9]* messages drawn \([0-9]*\) ms after start.*/\1/p' \
	"$W/state/va/va.log" 2>/dev/null | tail -n 1)

# ---- neomutt: the first start fills the header cache, the second is measured ----
echo "bench: neomutt's first start (filling its header cache)" >&2
launch "$NM_CMD"; until_shows "$NM_READY"; quit q
t0=$(now); launch "$NM_CMD"; until_shows "$NM_READY"; nm_start=$(($(now) - t0))
nm_home=$(changed_ms Home); nm_end=$(changed_ms End) # neomutt starts at the end
tm send-keys -t b l; until_shows '^Limit to messages matching:'
t0=$(now); tm send-keys -t b -l "~s $WORD"; tm send-keys -t b Enter
until_shows "Msgs:[0-9]+/[0-9]+"; nm_search=$(($(now) - t0))
nm_rss=$(hwm); quit q

awk -v n="$N" -v imp="$import_ms" -v vs="$va_start" -v ve="$va_end" -v vh="$va_home" \
    -v vq="$va_search" -v vr="$va_rss" -v ns="$nm_start" -v ne="$nm_end" -v nh="$nm_home" \
    -v nq="$nm_search" -v nr="$nm_rss" -v word="$WORD" 'BEGIN {
	printf "TUI on %d messages at 120x40, warm second start (va import took %.1f s)\n", n, imp / 1000
	printf "%-34s %12s %12s %10s\n", "", "va", "neomutt", "va/neomutt"
	printf "%-34s %12d %12d %10.3f\n", "first screen of messages (ms)", vs, ns, vs / ns
	printf "%-34s %12d %12d %10.3f\n", "jump to the other end (ms)", ve, ne, ve / (ne ? ne : 1)
	printf "%-34s %12d %12d %10.3f\n", "and back (ms)", vh, nh, vh / (nh ? nh : 1)
	printf "%-34s %12d %12d %10.3f\n", "subject search \"" word "\" (ms)", vq, nq, vq / nq
	printf "%-34s %12d %12d %10.3f\n", "peak RSS (MB)", vr, nr, vr / nr
	printf "targets: start <= 1/20: %s; end/back < 10 ms: %s; search <= 1/10: %s; RSS <= 1/5: %s\n",
		(vs * 20 <= ns) ? "met" : "NOT met", (ve < 10 && vh < 10) ? "met" : "NOT met (includes tmux polling)",
		(vq * 10 <= nq) ? "met" : "NOT met", (vr * 5 <= nr) ? "met" : "NOT met"
}'
[ -n "$va_drawn" ] && echo "va's log: first screen drawn ${va_drawn} ms after va started (tmux not counted)"
exit 0
