/*
 * utf8: validation and repair.  Everything va stores or shows is valid UTF-8;
 * input that is not is repaired here (U+FFFD for each bad byte), never dropped.
 */
#include <string.h>

#include "va/util.h"

/* Length of the valid sequence at s (at most `left` bytes), or 0 if invalid. */
static size_t seq_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

int utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = seq_len(p + i, len - i);
		if (n == 0 || (n == 1 && p[i] == 0))
			return 0;
		i += n;
	}
	return 1;
}

char *utf8_sanitize(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf sb;
	size_t i = 0;

	sb_init(&sb);
	sb_grow(&sb, len);
	while (i < len) {
		size_t n = seq_len(p + i, len - i);
		if (n == 0) {
			sb_add(&sb, "\xEF\xBF\xBD", 3);
			i++;
		} else if (n == 1 && p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') {
			if (p[i] != '\r')
				sb_addc(&sb, ' ');
			i++;
		} else if ((n == 1 && p[i] == 0x7F) || (n == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0)) {
			sb_addc(&sb, ' '); /* DEL and C1 controls: a terminal could act on them */
			i += n;
		} else {
			sb_add(&sb, s + i, n);
			i += n;
		}
	}
	return sb_detach(&sb);
}

size_t utf8_strlen(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

unsigned utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t n = seq_len(p, strnlen(*s, 4));
	unsigned cp;

	if (n == 0) {
		(*s)++;
		return 0xFFFD;
	}
	if (n == 1)
		cp = p[0];
	else if (n == 2)
		cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
	else if (n == 3)
		cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
	else
		cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
		     (p[3] & 0x3Fu);
	*s += n;
	return cp;
}

/* Ranges drawn two columns wide (East Asian Wide/Fullwidth and emoji). */
static const unsigned wide[][2] = {
	{0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
	{0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
	{0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
	{0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
	{0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F5},   {0x26FA, 0x26FD},
	{0x2705, 0x2705},   {0x270A, 0x270B},   {0x2728, 0x2728},   {0x274C, 0x274C},
	{0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},
	{0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
	{0xA000, 0xA4CF},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE30, 0xFE4F},
	{0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF},
	{0x1F900, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x3FFFD},
};

int utf8_cp_width(unsigned cp)
{
	size_t lo = 0, hi = VA_ARRAY_LEN(wide);

	if (cp == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	if ((cp >= 0x300 && cp <= 0x36F) || cp == 0x200B || cp == 0x200D ||
	    (cp >= 0xFE00 && cp <= 0xFE0F))
		return 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < wide[mid][0])
			hi = mid;
		else if (cp > wide[mid][1])
			lo = mid + 1;
		else
			return 2;
	}
	return 1;
}

size_t utf8_width(const char *s)
{
	size_t w = 0;

	while (*s)
		w += (size_t)utf8_cp_width(utf8_next(&s));
	return w;
}

/* Width as utf8_fit draws it: a control character becomes one space. */
static int fit_width(unsigned cp)
{
	return (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) ? 1 : utf8_cp_width(cp);
}

char *utf8_fit(const char *s, size_t cols, int pad)
{
	struct strbuf sb;
	size_t used = 0, total = 0;
	const char *t = s;

	while (t && *t)
		total += (size_t)fit_width(utf8_next(&t));
	size_t limit = total > cols && cols > 0 ? cols - 1 : cols;

	sb_init(&sb);
	while (s && *s) {
		const char *start = s;
		unsigned cp = utf8_next(&s);
		int w = fit_width(cp);
		if (used + (size_t)w > limit)
			break;
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			sb_addc(&sb, ' ');
		else if (cp == 0xFFFD && s - start != 3) /* an invalid byte, not a real U+FFFD */
			sb_add(&sb, "\xEF\xBF\xBD", 3);
		else
			sb_add(&sb, start, (size_t)(s - start));
		used += (size_t)w;
	}
	if (total > cols && cols > 0) {
		sb_add(&sb, "\xE2\x80\xA6", 3);
		used++;
	}
	while (pad && used < cols) {
		sb_addc(&sb, ' ');
		used++;
	}
	return sb_detach(&sb);
}
