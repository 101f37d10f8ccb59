// Small helpers for the approved-regions plugin: a growable byte buffer and
// byte-string comparison. Only wasi-libc's malloc/realloc/free and string.h
// are used, so the plugin imports nothing from WASI.
#ifndef APPROVED_REGIONS_UTIL_H
#define APPROVED_REGIONS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// A growable buffer of bytes (not NUL-terminated). Zero-initialise it.
typedef struct {
    uint8_t *ptr;
    size_t len;
    size_t cap;
} buf_t;

static inline void buf_put(buf_t *b, const void *data, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n) cap *= 2;
        uint8_t *p = realloc(b->ptr, cap);
        if (!p) abort();
        b->ptr = p;
        b->cap = cap;
    }
    if (n) memcpy(b->ptr + b->len, data, n);
    b->len += n;
}

static inline void buf_puts(buf_t *b, const char *s) { buf_put(b, s, strlen(s)); }

static inline void buf_byte(buf_t *b, uint8_t c) { buf_put(b, &c, 1); }

// `a[0..n)` equals the NUL-terminated `s`.
static inline bool bytes_eq(const uint8_t *a, size_t n, const char *s) {
    return strlen(s) == n && (n == 0 || memcmp(a, s, n) == 0);
}

#endif
