/*
 * hash: content hashes (L1, in src/mail because libsodium lives there).
 */
#ifndef VA_HASH_H
#define VA_HASH_H

#include <stddef.h>

/* Hex BLAKE2b-256 of data (64 characters).  Caller frees. */
char *hash_hex(const void *data, size_t len);

#endif
