// A small, strict JSON reader for the settings object. The host always sends
// valid JSON (serialised from TOML), so the work here is telling the user
// which setting is wrong, with the same messages as the Rust SDK's.
#include "settings.h"

#define KEY "allowed_regions"
#define MAX_DEPTH 64

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
} json_t;

static void ws(json_t *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static bool eat(json_t *j, uint8_t c) {
    ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return true;
    }
    return false;
}

static int hex4(json_t *j, uint32_t *out) {
    if (j->end - j->p < 4) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t c = j->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return 0;
    }
    j->p += 4;
    *out = v;
    return 1;
}

static void utf8(buf_t *out, uint32_t c) {
    if (c < 0x80) {
        buf_byte(out, (uint8_t)c);
    } else if (c < 0x800) {
        buf_byte(out, (uint8_t)(0xC0 | (c >> 6)));
        buf_byte(out, (uint8_t)(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        buf_byte(out, (uint8_t)(0xE0 | (c >> 12)));
        buf_byte(out, (uint8_t)(0x80 | ((c >> 6) & 0x3F)));
        buf_byte(out, (uint8_t)(0x80 | (c & 0x3F)));
    } else {
        buf_byte(out, (uint8_t)(0xF0 | (c >> 18)));
        buf_byte(out, (uint8_t)(0x80 | ((c >> 12) & 0x3F)));
        buf_byte(out, (uint8_t)(0x80 | ((c >> 6) & 0x3F)));
        buf_byte(out, (uint8_t)(0x80 | (c & 0x3F)));
    }
}

// A string at `j->p` (after whitespace), unescaped into `out` (may be NULL).
static bool string(json_t *j, buf_t *out) {
    if (!eat(j, '"')) return false;
    while (j->p < j->end) {
        uint8_t c = *j->p++;
        if (c == '"') return true;
        if (c != '\\') {
            if (out) buf_byte(out, c);
            continue;
        }
        if (j->p == j->end) return false;
        uint8_t e = *j->p++;
        uint32_t cp;
        switch (e) {
        case '"': case '\\': case '/': cp = e; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (!hex4(j, &cp)) return false;
            if (cp >= 0xD800 && cp < 0xDC00) {
                uint32_t lo;
                if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u') return false;
                j->p += 2;
                if (!hex4(j, &lo) || lo < 0xDC00 || lo >= 0xE000) return false;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            break;
        default: return false;
        }
        if (out) utf8(out, cp);
    }
    return false;
}

// Skips any value.
static bool skip(json_t *j, int depth) {
    if (depth > MAX_DEPTH) return false;
    ws(j);
    if (j->p == j->end) return false;
    uint8_t c = *j->p;
    if (c == '"') return string(j, NULL);
    if (c == '[' || c == '{') {
        uint8_t close = c == '[' ? ']' : '}';
        j->p++;
        if (eat(j, close)) return true;
        do {
            if (c == '{' && (!string(j, NULL) || !eat(j, ':'))) return false;
            if (!skip(j, depth + 1)) return false;
        } while (eat(j, ','));
        return eat(j, close);
    }
    const uint8_t *start = j->p;
    while (j->p < j->end && ((*j->p >= 'a' && *j->p <= 'z') || (*j->p >= '0' && *j->p <= '9') ||
                             *j->p == '-' || *j->p == '+' || *j->p == '.' || *j->p == 'E')) j->p++;
    return j->p > start;
}

// A list of strings: 1, not a list of strings: 0 (`j` unchanged), bad JSON: -1.
static int string_list(json_t *j, region_list_t *out) {
    json_t save = *j;
    if (!eat(j, '[')) return 0;
    if (eat(j, ']')) return 1;
    do {
        ws(j);
        if (j->p == j->end || *j->p != '"') {
            region_list_free(out);
            *j = save;
            return 0;
        }
        buf_t item = {0};
        if (!string(j, &item)) {
            free(item.ptr);
            return -1;
        }
        buf_t *items = realloc(out->items, (out->len + 1) * sizeof(buf_t));
        if (!items) abort();
        out->items = items;
        out->items[out->len++] = item;
    } while (eat(j, ','));
    return eat(j, ']') ? 1 : -1;
}

// `eu-west-1`, `us-gov-east-1`, `cn-north-1`: lowercase words and a number,
// joined by dashes.
static bool region_name(const buf_t *r) {
    if (r->len < 4 || r->ptr[0] < 'a' || r->ptr[0] > 'z') return false;
    if (r->ptr[r->len - 1] < '0' || r->ptr[r->len - 1] > '9') return false;
    bool dash = false;
    for (size_t i = 0; i < r->len; i++) {
        uint8_t c = r->ptr[i];
        if (c == '-') {
            if (r->ptr[i - 1] == '-') return false;
            dash = true;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return dash;
}

static buf_t *message(const char *a, const buf_t *b, const char *c) {
    buf_t *m = calloc(1, sizeof(buf_t));
    if (!m) abort();
    buf_puts(m, a);
    if (b) buf_put(m, b->ptr, b->len);
    if (c) buf_puts(m, c);
    return m;
}

buf_t *settings_parse(const uint8_t *json, size_t len, region_list_t *out) {
    json_t j = {json, json + len};
    region_list_t list = {0};
    buf_t unknown = {0};
    bool have_unknown = false, present = false, wrong_type = false, ok = true;

    if (!eat(&j, '{')) return message("settings must be a table", NULL, NULL);
    if (!eat(&j, '}')) {
        do {
            buf_t key = {0};
            if (!string(&j, &key) || !eat(&j, ':')) {
                free(key.ptr);
                ok = false;
                break;
            }
            if (bytes_eq(key.ptr, key.len, KEY)) {
                present = true;
                int r = string_list(&j, &list);
                if (r == 0) {
                    wrong_type = true;
                    ok = skip(&j, 0);
                } else {
                    ok = r == 1;
                }
                free(key.ptr);
            } else {
                if (!have_unknown) {
                    unknown = key;
                    have_unknown = true;
                } else {
                    free(key.ptr);
                }
                ok = skip(&j, 0);
            }
        } while (ok && eat(&j, ','));
        ok = ok && eat(&j, '}');
    }

    buf_t *err = NULL;
    if (!ok) {
        err = message("cannot read the settings: invalid JSON", NULL, NULL);
    } else if (have_unknown) {
        err = message("unknown setting `", &unknown, "` (known: " KEY ")");
    } else if (wrong_type) {
        err = message("`" KEY "` must be a list of strings, like " KEY " = [\"eu-west-1\"]", NULL, NULL);
    } else if (!present) {
        err = message("`" KEY "` is required, like " KEY " = [\"eu-west-1\", \"eu-central-1\"]", NULL, NULL);
    } else if (list.len == 0) {
        err = message("`" KEY "` must not be empty", NULL, NULL);
    } else {
        for (size_t i = 0; i < list.len; i++) {
            if (!region_name(&list.items[i])) {
                err = message("`" KEY "`: `", &list.items[i], "` is not an AWS region name, like \"eu-west-1\"");
                break;
            }
        }
    }
    free(unknown.ptr);
    if (err) {
        region_list_free(&list);
        return err;
    }
    *out = list;
    return NULL;
}

void region_list_free(region_list_t *list) {
    for (size_t i = 0; i < list->len; i++) free(list->items[i].ptr);
    free(list->items);
    list->items = NULL;
    list->len = 0;
}
