// approved-regions: `provider "aws"` blocks use only the regions the company
// approved. An example devops-lint plugin written in C (see ../README.md): it
// uses the Terraform view the host parsed (blocks, attributes, evaluated
// values, byte spans) through the bindings `wit-bindgen c` generated from
// wit/plugin.wit, and parses nothing but its JSON settings.
#include "plugin.h"
#include "settings.h"

#define RULE_ID "acme/REGION001"

typedef exports_devops_lint_plugin_rules_span_t span_t;
typedef exports_devops_lint_plugin_rules_tf_file_t tf_file_t;
typedef exports_devops_lint_plugin_rules_tf_block_t tf_block_t;
typedef exports_devops_lint_plugin_rules_tf_attribute_t tf_attribute_t;
typedef exports_devops_lint_plugin_rules_tf_value_t tf_value_t;
typedef exports_devops_lint_plugin_rules_finding_t finding_t;

// The rule's docs, docs/REGION001.md, included as bytes at build time
// (clang must run in the plugin's directory).
extern const char region001_docs[];
extern const char region001_docs_end[];
__asm__(".section .rodata.region001_docs,\"\",@\n"
        ".globl region001_docs\n"
        "region001_docs:\n"
        ".incbin \"docs/REGION001.md\"\n"
        ".globl region001_docs_end\n"
        "region001_docs_end:\n"
        ".size region001_docs, region001_docs_end - region001_docs\n");

// The bindings reference this symbol of `plugin_component_type.o` (which
// `wit-bindgen c` writes next to them) to keep the world's custom section in
// the link. The world is embedded after linking instead (`wasm-tools component
// embed`, or the wit-component crate in devops-lint's tests), so the object is
// not committed and this empty definition stands in for it.
void __component_type_object_force_link_plugin(void) {}

// Set by `configure`, once per instance.
static region_list_t allowed;

// A string the host takes ownership of (and frees after the call).
static plugin_string_t owned(const void *data, size_t len) {
    plugin_string_t s = {NULL, len};
    s.ptr = malloc(len ? len : 1);
    if (!s.ptr) abort();
    if (len) memcpy(s.ptr, data, len);
    return s;
}

static plugin_string_t owned_str(const char *s) { return owned(s, strlen(s)); }

static plugin_string_t from_buf(buf_t *b) {
    plugin_string_t s = {b->ptr, b->len};
    if (!s.ptr) s = owned("", 0);
    b->ptr = NULL;
    b->len = b->cap = 0;
    return s;
}

void exports_devops_lint_plugin_rules_describe(exports_devops_lint_plugin_rules_plugin_info_t *ret) {
    exports_devops_lint_plugin_rules_rule_meta_t *rule = calloc(1, sizeof(*rule));
    if (!rule) abort();
    rule->id = owned_str(RULE_ID);
    rule->name = owned_str("unapproved-aws-region");
    rule->pillar = EXPORTS_DEVOPS_LINT_PLUGIN_RULES_PILLAR_SEC;
    rule->stage = EXPORTS_DEVOPS_LINT_PLUGIN_RULES_STAGE_SEED;
    rule->scope.tag = EXPORTS_DEVOPS_LINT_PLUGIN_RULES_SCOPE_FILE;
    exports_devops_lint_plugin_rules_file_kind_t *kinds = malloc(sizeof(*kinds));
    if (!kinds) abort();
    kinds[0] = EXPORTS_DEVOPS_LINT_PLUGIN_RULES_FILE_KIND_TERRAFORM;
    rule->scope.val.file.ptr = kinds;
    rule->scope.val.file.len = 1;
    rule->severity = EXPORTS_DEVOPS_LINT_PLUGIN_RULES_SEVERITY_WARNING;
    rule->summary = owned_str("AWS provider configured for a region outside the approved list");
    rule->docs = owned(region001_docs, (size_t)(region001_docs_end - region001_docs));
    ret->name = owned_str("approved-regions");
    ret->version = owned_str("0.1.0");
    ret->rules.ptr = rule;
    ret->rules.len = 1;
}

bool exports_devops_lint_plugin_rules_configure(plugin_string_t *settings, plugin_string_t *err) {
    region_list_t list = {0};
    buf_t *message = settings_parse(settings->ptr, settings->len, &list);
    plugin_string_free(settings);
    if (message) {
        *err = from_buf(message);
        free(message);
        return false;
    }
    region_list_free(&allowed);
    allowed = list;
    return true;
}

static bool is_allowed(const uint8_t *region, size_t len) {
    for (size_t i = 0; i < allowed.len; i++) {
        if (allowed.items[i].len == len && memcmp(allowed.items[i].ptr, region, len) == 0) return true;
    }
    return false;
}

// The attribute `key` of `block`, or NULL.
static const tf_attribute_t *attribute(const tf_file_t *tf, const tf_block_t *block, const char *key) {
    for (size_t i = 0; i < block->attributes.len; i++) {
        const tf_attribute_t *a = &tf->attributes.ptr[block->attributes.ptr[i]];
        if (bytes_eq(a->key.ptr, a->key.len, key)) return a;
    }
    return NULL;
}

// The attribute's value when it is a literal string, else NULL (unknown
// values, numbers, ...: the rule stays silent).
static const plugin_string_t *string_value(const tf_file_t *tf, const tf_attribute_t *a) {
    if (!a || a->value >= tf->values.len) return NULL;
    const tf_value_t *v = &tf->values.ptr[a->value];
    return v->tag == EXPORTS_DEVOPS_LINT_PLUGIN_RULES_TF_VALUE_STRING ? &v->val.string : NULL;
}

typedef struct {
    finding_t *ptr;
    size_t len;
} findings_t;

static void report(findings_t *out, const tf_file_t *tf, const tf_block_t *provider, const tf_attribute_t *region,
                   const plugin_string_t *name) {
    buf_t msg = {0};
    buf_puts(&msg, "provider \"aws\"");
    const plugin_string_t *alias = string_value(tf, attribute(tf, provider, "alias"));
    if (alias) {
        buf_puts(&msg, " (alias \"");
        buf_put(&msg, alias->ptr, alias->len);
        buf_puts(&msg, "\")");
    }
    buf_puts(&msg, " uses region `");
    buf_put(&msg, name->ptr, name->len);
    buf_puts(&msg, "`, which is not approved (approved: ");
    for (size_t i = 0; i < allowed.len; i++) {
        if (i) buf_puts(&msg, ", ");
        buf_put(&msg, allowed.items[i].ptr, allowed.items[i].len);
    }
    buf_puts(&msg, ")");

    finding_t *grown = realloc(out->ptr, (out->len + 1) * sizeof(finding_t));
    if (!grown) abort();
    out->ptr = grown;
    finding_t *f = &out->ptr[out->len++];
    memset(f, 0, sizeof(*f));
    f->rule = owned_str(RULE_ID);
    f->span = region->value_span;
    f->message.is_some = true;
    f->message.val = from_buf(&msg);
    f->help.is_some = true;
    f->help.val = owned_str("use an approved region, or add this one to `allowed_regions` in "
                            "[plugins.approved-regions] of devops-lint.toml");
}

bool exports_devops_lint_plugin_rules_check_file(plugin_list_string_t *rules,
                                                 exports_devops_lint_plugin_rules_file_input_t *file,
                                                 exports_devops_lint_plugin_rules_list_finding_t *ret,
                                                 plugin_string_t *err) {
    (void)err;
    findings_t out = {NULL, 0};
    bool asked = false;
    for (size_t i = 0; i < rules->len; i++) asked |= bytes_eq(rules->ptr[i].ptr, rules->ptr[i].len, RULE_ID);
    if (asked && file->parsed.tag == EXPORTS_DEVOPS_LINT_PLUGIN_RULES_PARSED_TERRAFORM) {
        const tf_file_t *tf = &file->parsed.val.terraform;
        for (size_t i = 0; i < tf->top_blocks.len; i++) {
            const tf_block_t *b = &tf->blocks.ptr[tf->top_blocks.ptr[i]];
            if (!bytes_eq(b->kind.ptr, b->kind.len, "provider") || b->labels.len != 1 ||
                !bytes_eq(b->labels.ptr[0].ptr, b->labels.ptr[0].len, "aws"))
                continue;
            const tf_attribute_t *region = attribute(tf, b, "region");
            const plugin_string_t *name = string_value(tf, region);
            if (name && !is_allowed(name->ptr, name->len)) report(&out, tf, b, region, name);
        }
    }
    plugin_list_string_free(rules);
    exports_devops_lint_plugin_rules_file_input_free(file);
    ret->ptr = out.ptr;
    ret->len = out.len;
    return true;
}

bool exports_devops_lint_plugin_rules_check_repo(plugin_string_t *rule, plugin_string_t *facts,
                                                 exports_devops_lint_plugin_rules_repo_report_t *ret,
                                                 plugin_string_t *err) {
    (void)ret;
    plugin_string_free(rule);
    plugin_string_free(facts);
    *err = owned_str("approved-regions has no repo rules");
    return false;
}
