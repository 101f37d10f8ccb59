//! Test helper for the rules that own a vendor table (`facts::signals::Vendor` rows):
//! their docs must name every vendor.

use crate::facts::signals::Vendor;
use crate::rule::RuleMeta;

/// Panics unless the rule's docs mention every vendor of `vendors` by name and, with
/// `terraform`, every Terraform type prefix they list.
pub(crate) fn assert_documented(meta: &RuleMeta, vendors: &[Vendor], terraform: bool) {
    let docs = meta.docs_folded();
    for v in vendors {
        assert!(
            docs.contains(v.name),
            "{} docs do not mention {}",
            meta.id,
            v.name
        );
        if !terraform {
            continue;
        }
        for t in v.terraform {
            assert!(
                docs.contains(t.trim_end_matches('*')),
                "{} docs do not mention {t}",
                meta.id
            );
        }
    }
}
