/*
 * match: case folding and globbing for the rules engine (pure, locale free).
 *
 * Case-insensitive tests compare folded text with a folded value.  Folding
 * is Unicode simple case folding by code point for the scripts mail in
 * European languages uses: ASCII, Latin-1 Supplement, Latin Extended-A,
 * Greek (final sigma folds to sigma) and Cyrillic, plus Armenian.  It never
 * changes the number of code points (so "ß" stays "ß", not "ss"); U+0130
 * folds to "i".  It does not depend on the process locale.
 *
 * Regexes: an insensitive regex is compiled from the folded pattern (literal
 * characters folded, the character after a backslash kept) with REG_ICASE,
 * and run on folded text, so "été" finds "ÉTÉ" whatever the locale.  In a
 * non-UTF-8 locale a quantifier after a non-ASCII letter applies to its last
 * byte only; write (é)+ rather than é+ there.
 *
 * glibc's regcomp copies the tree under "+" and "{n,m}", so stacked or
 * nested repetition grows exponentially ("(a+)+++..." exhausts memory);
 * rules_regex_cost() estimates that size so a rule file cannot do that
 * (it also refuses patterns over 1 KiB or nested more than 32 groups deep,
 * where regcomp's closure computation turns slow), and rejects
 * back-references (a GNU extension with exponential matching).
 */
#include <string.h>

#include "rules_internal.h"

/* Latin Extended-A: mostly pairs (upper even, lower odd), two runs flipped. */
static unsigned fold_latin_ext_a(unsigned c)
{
	if (c == 0x130)
		return 'i';
	if (c == 0x131 || c == 0x138 || c == 0x149)
		return c;
	if (c == 0x178)
		return 0xFF;
	if (c == 0x17F)
		return 's';
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) ? c + 1 : c;
	return (c & 1) ? c : c + 1;
}

static unsigned fold_greek(unsigned c)
{
	if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
		return c + 32;
	if (c == 0x386)
		return 0x3AC;
	if (c >= 0x388 && c <= 0x38A)
		return c + 37;
	if (c == 0x38C)
		return 0x3CC;
	if (c == 0x38E || c == 0x38F)
		return c + 63;
	if (c == 0x3C2)
		return 0x3C3;
	return c;
}

static unsigned fold_cyrillic(unsigned c)
{
	if (c <= 0x40F)
		return c + 80;
	if (c <= 0x42F)
		return c + 32;
	if (c == 0x4C0)
		return 0x4CF;
	if (c >= 0x4C1 && c <= 0x4CE)
		return (c & 1) ? c + 1 : c;
	if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F))
		return (c & 1) ? c : c + 1;
	return c;
}

unsigned rules_fold_cp(unsigned c)
{
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	if (c < 0x100) {
		if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
			return c + 32;
		return c == 0xB5 ? 0x3BC : c;
	}
	if (c <= 0x17F)
		return fold_latin_ext_a(c);
	if (c >= 0x370 && c <= 0x3FF)
		return fold_greek(c);
	if (c >= 0x400 && c <= 0x52F)
		return fold_cyrillic(c);
	if (c >= 0x531 && c <= 0x556)
		return c + 48;
	return c;
}

static void put_cp(struct strbuf *sb, unsigned c)
{
	char b[4];
	size_t n;

	if (c < 0x80) {
		b[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6)), b[1] = (char)(0x80 | (c & 0x3F)), n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12)), b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F)), n = 3;
	} else {
		b[0] = (char)(0xF0 | (c >> 18)), b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F)), b[3] = (char)(0x80 | (c & 0x3F)), n = 4;
	}
	sb_add(sb, b, n);
}

/* Decode one code point of s[0..end) at *p, advancing; invalid bytes give U+FFFD. */
static unsigned next_cp(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	unsigned c = s[0], need, min, i;

	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF)
		need = 1, min = 0x80, c &= 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2, min = 0x800, c &= 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3, min = 0x10000, c &= 0x07;
	else
		goto bad;
	if ((size_t)(end - s) <= need)
		goto bad;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*p = s + need + 1;
	return c;
bad:
	*p = s + 1;
	return 0xFFFD;
}

void rules_fold(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	sb_grow(sb, len + 1);
	while (p < end) {
		const unsigned char *run = p;
		while (p < end && *p < 0x80 && !(*p >= 'A' && *p <= 'Z'))
			p++;
		if (p > run)
			sb_add(sb, (const char *)run, (size_t)(p - run));
		if (p >= end)
			break;
		if (*p < 0x80) {
			sb_addc(sb, (char)(*p + 32));
			p++;
			continue;
		}
		put_cp(sb, rules_fold_cp(next_cp(&p, end)));
	}
}

char *rules_fold_str(const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	rules_fold(&sb, s, strlen(s));
	return sb_detach(&sb);
}

char *rules_fold_regex(const char *pat)
{
	struct strbuf sb;
	const char *p = pat, *q;

	sb_init(&sb);
	while (*p) {
		for (q = p; *q && *q != '\\'; q++)
			;
		rules_fold(&sb, p, (size_t)(q - p));
		if (!*q)
			break;
		sb_addc(&sb, '\\');
		p = q + 1;
		if (*p) {
			const unsigned char *u = (const unsigned char *)p;
			next_cp(&u, u + strlen(p));
			sb_add(&sb, p, (size_t)((const char *)u - p));
			p = (const char *)u;
		}
	}
	return sb_detach(&sb);
}

/* Bytes in the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t cp_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4, i;

	for (i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			return i;
	return n;
}

int rules_glob(const char *pat, const char *s)
{
	const char *star = NULL, *sback = NULL;

	while (*s) {
		if (*pat == '*') {
			star = ++pat;
			sback = s;
		} else if (*pat == '?') {
			pat++;
			s += cp_len(s);
		} else if (*pat && *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star;
			sback += cp_len(sback);
			s = sback;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/* --- regex cost ---------------------------------------------------------------- */

#define COST_MAX 1e12

static double re_alt(const char **p, int depth);

static void skip_bracket(const char **p)
{
	const char *s = *p + 1;

	if (*s == '^')
		s++;
	if (*s == ']')
		s++;
	while (*s && *s != ']') {
		if (*s == '[' && (s[1] == ':' || s[1] == '.' || s[1] == '=')) {
			char close = s[1];
			s += 2;
			while (*s && !(*s == close && s[1] == ']'))
				s++;
			if (*s)
				s += 2;
			continue;
		}
		s++;
	}
	*p = *s ? s + 1 : s;
}

/* The factor a quantifier at *p multiplies its atom by, advancing; 0: none there. */
static double quantifier(const char **p)
{
	const char *s = *p;
	double n = 0, m = -1;

	if (*s == '*' || *s == '?') {
		*p = s + 1;
		return 1;
	}
	if (*s == '+') {
		*p = s + 1;
		return 2;
	}
	if (*s != '{' || !(s[1] >= '0' && s[1] <= '9'))
		return 0;
	for (s++; *s >= '0' && *s <= '9'; s++)
		n = n * 10 + (*s - '0');
	if (*s == ',') {
		for (s++, m = *s >= '0' && *s <= '9' ? 0 : -1; *s >= '0' && *s <= '9'; s++)
			m = m * 10 + (*s - '0');
	} else {
		m = n;
	}
	if (*s != '}')
		return 0;
	*p = s + 1;
	n = m < 0 ? n + 1 : (m > n ? m : n);
	return n < 1 ? 1 : n;
}

/* One atom's cost at *p (advancing), -1 on a back-reference. */
static double re_atom(const char **p, int depth)
{
	double c;

	switch (**p) {
	case '(':
		(*p)++;
		c = depth >= 32 ? COST_MAX : re_alt(p, depth + 1); /* deep nesting: slow closures */
		if (**p == ')')
			(*p)++;
		return c;
	case '[': skip_bracket(p); return 1;
	case '\\':
		(*p)++;
		if (**p >= '1' && **p <= '9')
			return -1;
		if (**p)
			(*p)++;
		return 1;
	default: (*p)++; return 1;
	}
}

static double re_seq(const char **p, int depth)
{
	double total = 0, a, f;

	while (**p && **p != '|' && !(**p == ')' && depth > 0)) {
		if ((a = re_atom(p, depth)) < 0)
			return -1;
		if ((f = quantifier(p)) > 0)
			a = a * f > COST_MAX ? COST_MAX : a * f;
		if (quantifier(p) > 0)
			return COST_MAX; /* stacked ("a+*"): undefined in POSIX, slow in glibc */
		total = total + a > COST_MAX ? COST_MAX : total + a;
	}
	return total;
}

static double re_alt(const char **p, int depth)
{
	double total = 0, c;

	for (;;) {
		if ((c = re_seq(p, depth)) < 0)
			return -1;
		total = total + c + 1 > COST_MAX ? COST_MAX : total + c + 1;
		if (**p != '|')
			return total;
		(*p)++;
	}
}

double rules_regex_cost(const char *pat)
{
	if (strlen(pat) > 1024)
		return COST_MAX;
	return re_alt(&pat, 0);
}
