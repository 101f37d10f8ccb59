// Reads the plugin's settings: the `[plugins.approved-regions]` table of
// devops-lint.toml without `path`, which the host sends as a JSON object.
#ifndef APPROVED_REGIONS_SETTINGS_H
#define APPROVED_REGIONS_SETTINGS_H

#include "util.h"

typedef struct {
    buf_t *items;  // each region name, as bytes
    size_t len;
} region_list_t;

// Parses `json[0..len)`. On success fills `out` and returns NULL; otherwise
// returns the message for the user in a buffer the caller owns.
buf_t *settings_parse(const uint8_t *json, size_t len, region_list_t *out);

void region_list_free(region_list_t *list);

#endif
