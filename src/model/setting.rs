//! What a Terraform boolean attribute says, in the four ways rules need to tell apart:
//! set to true, set to false, not set at all, or set to something the model cannot know.

use crate::model::terraform::{Attribute, Block};

/// The state of a boolean attribute such as `storage_encrypted` or `publicly_accessible`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Setting<'a> {
    /// Absent: the provider's default applies (the block header shows the gap).
    Missing,
    True(&'a Attribute),
    False(&'a Attribute),
    /// `var.x`, `local.y`, a call, a conditional: never fires a rule.
    Unknown(&'a Attribute),
}

impl<'a> Setting<'a> {
    /// Reads `key` of `block`. `"true"`/`"false"` strings count as bools (Terraform converts
    /// them); `null` means "not set" (the default applies), as in Terraform.
    pub(crate) fn of(block: &'a Block, key: &str) -> Self {
        let Some(attr) = block.attr(key) else {
            return Setting::Missing;
        };
        match attr.value.as_bool() {
            Some(true) => Setting::True(attr),
            Some(false) => Setting::False(attr),
            None if matches!(attr.value, crate::model::terraform::Value::Null) => Setting::Missing,
            None => Setting::Unknown(attr),
        }
    }

    #[cfg(test)]
    pub(crate) fn is_true(self) -> bool {
        matches!(self, Setting::True(_))
    }

    #[cfg(test)]
    /// Off for sure: explicitly false, or absent (when the default is off).
    pub(crate) fn is_off(self) -> bool {
        matches!(self, Setting::False(_) | Setting::Missing)
    }
}

/// Whether any `/`-separated segment of `path` (its directories and file name) is one of
/// `names`, compared without case.
pub(crate) fn path_has_segment(path: &str, names: &[&str]) -> bool {
    path.split(['/', '\\'])
        .any(|seg| names.iter().any(|n| seg.eq_ignore_ascii_case(n)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::terraform::parse;

    #[test]
    fn settings() {
        let text =
            "resource \"a\" \"b\" {\n  t = true\n  f = \"false\"\n  u = var.x\n  n = null\n}\n";
        let (tf, _) = parse(text, "main.tf");
        let b = &tf.blocks[0];
        assert!(Setting::of(b, "t").is_true());
        assert!(matches!(Setting::of(b, "f"), Setting::False(_)));
        assert!(matches!(Setting::of(b, "u"), Setting::Unknown(_)));
        assert_eq!(Setting::of(b, "n"), Setting::Missing);
        assert_eq!(Setting::of(b, "absent"), Setting::Missing);
        assert!(!Setting::of(b, "u").is_off());
    }

    #[test]
    fn segments() {
        assert!(path_has_segment("infra/modules/app/main.tf", &["modules"]));
        assert!(!path_has_segment("infra/my-modules/main.tf", &["modules"]));
    }
}
