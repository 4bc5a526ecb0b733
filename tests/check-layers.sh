#!/bin/bash
# check-layers.sh: enforce DESIGN.md's layering (includes point down only) and
# STYLE 19 (each third-party header belongs to one folder).  TAP output.
set -u
cd "$(dirname "$0")/.."

declare -A LAYER=([util]=0 [model]=0 [mail]=1 [net]=1 [store]=1 [secret]=1
	[rules]=2 [classify]=2 [csv]=2 [sched]=3 [app]=4 [ui]=5 [cli]=5 [main]=6)
# include/va/NAME.h -> module folder
declare -A HEADER=([util]=util [conf]=util [log]=util [paths]=util [queue]=util [proc]=util
	[json]=util [message]=model [account]=model [mime]=mail [maildir]=mail [imap]=mail
	[smtp]=mail [oauth]=net [http]=net [http_json]=net [store]=store [secret]=secret [rules]=rules [template]=rules [reply_gate]=rules [hash]=mail [imap_search]=mail [rules_run]=app
	[classify]=classify [csv]=csv [stats]=csv [chart]=csv [sched]=sched [cron]=sched
	[app]=app [sync]=app [send]=app [accounts]=app [jobs]=app [classifier]=app [analysis]=app [actions]=app [replies]=app [audit]=app [audit_crypto]=secret [cli]=cli [ui]=ui [commands]=ui)
# third-party header pattern -> the only folders allowed to include it
declare -A OWNER=(['curses.h|ncurses.h|ncursesw/']="ui" ['sqlite3.h']="store"
	['libetpan/']="mail" ['curl/']="net" ['libsecret/']="secret" ['sodium.h']="secret mail")

n=0 bad=0
report() { n=$((n + 1)); if [ "$1" = ok ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=$((bad + 1)); fi; }

problems=""
for f in $(find src -name '*.c' -o -name '*.h' | sort); do
	mod=$(echo "$f" | cut -d/ -f2)
	[ "$f" = src/main.c ] && mod=main
	flayer=${LAYER[$mod]:-}
	if [ -z "$flayer" ]; then problems+="$f: folder \"$mod\" has no layer in check-layers.sh"$'\n'; continue; fi
	while IFS= read -r inc; do
		h=${inc#va/}; h=${h%.h}
		hmod=${HEADER[$h]:-}
		if [ -z "$hmod" ]; then problems+="$f: include/va/$h.h has no module in check-layers.sh"$'\n'; continue; fi
		hl=${LAYER[$hmod]}
		if [ "$hmod" != "$mod" ] && [ "$flayer" -le "$hl" ] && ! { [ "$flayer" -eq 0 ] && [ "$hl" -eq 0 ]; }; then
			problems+="$f (L$flayer $mod) includes va/$h.h (L$hl $hmod): includes must point down"$'\n'
		fi
	done < <(grep -ohE '^#include "va/[a-z_]+\.h"' "$f" | sed 's/#include "//; s/"//')
done
report "$( [ -z "$problems" ] && echo ok || echo no)" "includes point down the layers"
[ -n "$problems" ] && printf '%s' "$problems" | sed 's/^/# /'

problems=""
for pat in "${!OWNER[@]}"; do
	while IFS= read -r hit; do
		[ -z "$hit" ] && continue
		file=${hit%%:*}; mod=$(echo "$file" | cut -d/ -f2)
		allowed=0
		for o in ${OWNER[$pat]}; do [ "$mod" = "$o" ] && allowed=1; done
		[ $allowed -eq 0 ] && problems+="$hit: only ${OWNER[$pat]}/ may include this"$'\n'
	done < <(grep -rnE "^#include <($pat)" src include 2>/dev/null)
done
report "$( [ -z "$problems" ] && echo ok || echo no)" "third-party headers stay in their folder"
[ -n "$problems" ] && printf '%s' "$problems" | sed 's/^/# /'

banned=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|system|tmpnam|mktemp)\s*\(' src include | grep -v '^\s*//' || true)
report "$( [ -z "$banned" ] && echo ok || echo no)" "no banned functions (strcpy strcat sprintf gets system ...)"
[ -n "$banned" ] && printf '%s\n' "$banned" | sed 's/^/# /'

echo "1..$n"
[ $bad -eq 0 ]
