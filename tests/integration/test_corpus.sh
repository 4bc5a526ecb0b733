#!/bin/bash
# test_corpus: import the real SpamAssassin public corpus (6,046 raw messages,
# spam and ham, many malformed, many charsets) and check that every file is
# accounted for, everything stored reads back as clean UTF-8, ten messages
# read by hand decode exactly, and search finds them.
. "$(dirname "$0")/lib.sh"

MD=$ROOT/tests/$(tests/fetch-data.sh) || { fail "fetch the corpus with npm"; done_testing; exit 1; }
total=$(ls "$MD/cur" | wc -l)
is "the corpus is all there" "$total" 6046

start=$(date +%s%N)
run "$VA" --json import "$MD"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "import exits 0" "$RC" 0
echo "# imported $total files in ${ms} ms"
is "every file looked at" "$(jq .files <<<"$OUT")" "$total"
is "every file stored or refused with a reason" "$(jq '.stored + .failed' <<<"$OUT")" "$total"
is "no refusal without a reason" "$(jq '[.failures[] | select((.reason // "") == "")] | length' <<<"$OUT")" 0
jq -r '.failures[] | "# refused: \(.path | split("/") | last): \(.reason)"' <<<"$OUT" | head -20
echo "# stored $(jq .stored <<<"$OUT"), with parse problems $(jq .with_problems <<<"$OUT"), refused $(jq .failed <<<"$OUT")"
check "at least 99% stored" test "$(jq .stored <<<"$OUT")" -ge $((total * 99 / 100))

run "$ROOT/${BUILD:-build}/tests/storecheck" "$XDG_DATA_HOME/va/va.db"
is "every stored string is clean UTF-8" "$RC" 0
echo "# storecheck: $(tail -1 <<<"$OUT")"
[ "$RC" -ne 0 ] && head -20 <<<"$OUT" | sed 's/^/# /'

# Ten messages whose headers were read by hand (raw bytes in the comment).
LIST=$("$VA" --json list)
known() { # SOURCE FROM_ADDRESS SUBJECT [FROM_NAME]
	local row
	row=$(jq -c --arg s "$1" '.[] | select(.source == $s)' <<<"$LIST")
	is "$1 subject" "$(jq -r .subject <<<"$row")" "$3"
	[ "$2" != - ] && is "$1 sender" "$(jq -r .from.address <<<"$row")" "$2"
	[ -n "${4:-}" ] && is "$1 sender name" "$(jq -r .from.name <<<"$row")" "$4"
	return 0
}
# From: Robert Elz <kre@munnari.OZ.AU>  Subject: Re: New Sequences Window
known easy-ham-1_00001.7c53336b37003a9286aba55d2945844c kre@munnari.oz.au "Re: New Sequences Window" "Robert Elz"
# Subject: =?iso-8859-1?Q?Re:_RE:_=5Bzzzzteana=5D_Sitting_Bull_=FCber_alles_=5BLong=5D?=
known easy-ham-1_02434.37126367f2a918fead5ff8ea834cc334 billjac@earthlink.net "Re: RE: [zzzzteana] Sitting Bull über alles [Long]"
# From: "=?iso-2022-jp?B?GyRCMEtFbCEhP04bKEI=?=" <hito@opentext.com>, ISO-2022-JP subject
known hard-ham-1_00039.b2b936a8501444b213f61f9ff193b480 hito@opentext.com "日本語の件名（サブジェクト）　スパムメールではありません！" "伊東　仁"
# Subject: =?big5?Q?=A4=A3=AC=DD=B7|=AB=E1=AE=AC?=  (From: raw 8-bit Big5 bytes)
known spam-1_00252.7e355e0c5fd1de609684544262435579 - "不看會後悔"
# Subject: =?iso-2022-jp?B?GyRCJDckOCRfJEgkYiRiJE4lMyVpJVwlbCE8JTclZyVzGyhK?=
known spam-1_00263.13fc73e09ae15e0023bdb13d0a010f2d - "しじみともものコラボレーション"
# Subject: =?big5?Q?=A7A=B7=C7=B3=C6=A6n=A4F=B6=DC=3F?=
known spam-1_00293.f4e9fd5549f9063ad5559c094edf08f2 - "你準備好了嗎?"
# Subject: =?GBK?B?U3VuZnJvbSBsaWdodGluZyDE+rXEwvrS4srHztLDx9e3x/O1xMS/seo=?=
known spam-1_00322.7d39d31fb7aad32c15dff84c14019b8c epost@360cn.com "Sunfrom lighting 您的满意是我们追求的目标"
# Subject: =?us-ascii?Q?FW:_Re:_Al_Qaeda's_Fantasy_Ideology?=
known easy-ham-2_01048.a49961e63ff773b8164033ae01a22d80 damien.morton@acm.org "FW: Re: Al Qaeda's Fantasy Ideology" "Damien Morton"
# From: "Start Now" <startnow2002@hotmail.com>  Subject: [ILUG] STOP THE MLM INSANITY
known spam-2_00001.317e78fa8ee2f54cd4890fdc09ba8176 startnow2002@hotmail.com "[ILUG] STOP THE MLM INSANITY" "Start Now"
# From: The Motley Fool <Fool@motleyfool.com>
known hard-ham-1_00001.7c7d6921e671bbe18ebb5f893cd9bb35 fool@motleyfool.com "Personal Finance: Resolutions You Can Keep" "The Motley Fool"

# Search finds them.
found() { "$VA" --json search "$1" | jq -r --arg s "$2" '[.[] | select(.source == $s)] | length'; }
is "search: word" "$(found 'sequences window' easy-ham-1_00001.7c53336b37003a9286aba55d2945844c)" 1
is "search: accent-insensitive" "$(found 'sitting bull uber' easy-ham-1_02434.37126367f2a918fead5ff8ea834cc334)" 1
is "search: phrase" "$(found '"fantasy ideology"' easy-ham-2_01048.a49961e63ff773b8164033ae01a22d80)" 1
is "search: prefix" "$(found 'insan*' spam-2_00001.317e78fa8ee2f54cd4890fdc09ba8176)" 1
is "search: from:" "$(found 'from:motleyfool resolutions' hard-ham-1_00001.7c7d6921e671bbe18ebb5f893cd9bb35)" 1
is "search: CJK run" "$(found 'Sunfrom' spam-1_00322.7d39d31fb7aad32c15dff84c14019b8c)" 1

run "$VA" --json import "$MD"
is "a second import adds nothing" "$(jq .stored <<<"$OUT")" 0
is "a second import finds every stored message" "$(jq .existed <<<"$OUT")" "$("$VA" --json list --account local | jq length)"

done_testing
