/*
 * key: key names as written in keymaps/NAME.keys and shown in help, both ways
 * (STYLE 13).  Names: one printable character ("j", "?", "/", "é"), C-x for
 * control keys, F1-F63, and the named keys in the table below.  Enter, C-m
 * and C-j are the same key (Enter); Tab is C-i.
 */
#include <stdio.h>
#include <string.h>

#include "ui_internal.h"
#include "va/util.h"

static const struct {
	const char *name;
	int key;
} named_keys[] = {
    {"Enter", VKEY_ENTER},
    {"Esc", VKEY_ESC},
    {"Space", ' '},
    {"Tab", '\t'},
    {"BTab", KEYC_FN | KEY_BTAB},
    {"Backspace", KEYC_FN | KEY_BACKSPACE},
    {"Up", KEYC_FN | KEY_UP},
    {"Down", KEYC_FN | KEY_DOWN},
    {"Left", KEYC_FN | KEY_LEFT},
    {"Right", KEYC_FN | KEY_RIGHT},
    {"PageUp", KEYC_FN | KEY_PPAGE},
    {"PageDown", KEYC_FN | KEY_NPAGE},
    {"Home", KEYC_FN | KEY_HOME},
    {"End", KEYC_FN | KEY_END},
    {"Insert", KEYC_FN | KEY_IC},
    {"Delete", KEYC_FN | KEY_DC},
};

enum { MAX_FKEY = 63 };

/* "F1".."F63", or -1. */
static int fkey_from_name(const char *name)
{
	unsigned n = 0;
	const char *p;

	if (name[0] != 'F' || !name[1] || strlen(name) > 3)
		return -1;
	for (p = name + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (n < 1 || n > MAX_FKEY)
		return -1;
	return KEYC_FN | KEY_F(n);
}

/* "C-x" for a letter or one of @[\]^_, or -1. */
static int ctrl_from_name(const char *name)
{
	char c;

	if (strncmp(name, "C-", 2) != 0 || !name[2])
		return -1;
	if (!strcmp(name + 2, "Space"))
		return 0;
	if (name[3])
		return -1;
	c = name[2];
	if (c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	if ((c >= 'a' && c <= 'z') || strchr("@[\\]^_", c))
		return c & 0x1f;
	return -1;
}

int key_from_name(const char *name)
{
	const char *p = name;
	unsigned cp;
	size_t i;
	int k;

	for (i = 0; i < VA_ARRAY_LEN(named_keys); i++)
		if (!str_casecmp_ascii(name, named_keys[i].name))
			return named_keys[i].key;
	if ((k = fkey_from_name(name)) >= 0 || (k = ctrl_from_name(name)) >= 0)
		return k == '\n' ? VKEY_ENTER : k;
	if (!*name)
		return -1;
	cp = utf8_next(&p);
	if (*p || cp < 0x21 || cp == 0x7f || cp == 0xFFFD)
		return -1;
	return (int)cp;
}

static void utf8_put(unsigned cp, char *buf, size_t len)
{
	char tmp[5] = {0};

	if (cp < 0x80) {
		tmp[0] = (char)cp;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xC0 | (cp >> 6));
		tmp[1] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xE0 | (cp >> 12));
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		tmp[2] = (char)(0x80 | (cp & 0x3F));
	} else {
		tmp[0] = (char)(0xF0 | (cp >> 18));
		tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		tmp[3] = (char)(0x80 | (cp & 0x3F));
	}
	snprintf(buf, len, "%s", tmp);
}

char *key_to_name(int key, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(named_keys); i++)
		if (named_keys[i].key == key) {
			snprintf(buf, len, "%s", named_keys[i].name);
			return buf;
		}
	if ((key & KEYC_FN) && (key & ~KEYC_FN) >= KEY_F(1) && (key & ~KEYC_FN) <= KEY_F(MAX_FKEY))
		snprintf(buf, len, "F%d", (key & ~KEYC_FN) - KEY_F(0));
	else if (key & KEYC_FN)
		snprintf(buf, len, "<%d>", key & ~KEYC_FN);
	else if (key == 0)
		snprintf(buf, len, "C-Space");
	else if (key < 0x20)
		snprintf(buf, len, "C-%c", (char)(key <= 26 ? key | 0x60 : key | 0x40));
	else
		utf8_put((unsigned)key, buf, len);
	return buf;
}

int key_from_curses(int rc, wint_t wc)
{
	if (rc == KEY_CODE_YES) {
		if (wc == KEY_ENTER)
			return VKEY_ENTER;
		return KEYC_FN | (int)wc;
	}
	if (rc != OK)
		return -1;
	if (wc == '\n')
		return VKEY_ENTER;
	if (wc == 0x7f || wc == 0x08)
		return KEYC_FN | KEY_BACKSPACE;
	return (int)wc;
}
