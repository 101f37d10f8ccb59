//! The `[plugins.<name>]` table (without `path`), as the host sent it (JSON).

use serde_json::{Map, Value};

/// Settings with typed getters whose errors are messages for the user.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    map: Map<String, Value>,
}

impl Settings {
    pub fn parse(json: &str) -> Result<Settings, String> {
        match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(map)) => Ok(Settings { map }),
            Ok(_) => Err("settings must be a table".into()),
            Err(e) => Err(format!("cannot read the settings: {e}")),
        }
    }

    /// Rejects any key not in `known`, naming the known ones.
    pub fn allow_only(&self, known: &[&str]) -> Result<(), String> {
        for key in self.map.keys() {
            if !known.contains(&key.as_str()) {
                return Err(format!(
                    "unknown setting `{key}` (known: {})",
                    known.join(", ")
                ));
            }
        }
        Ok(())
    }

    pub fn raw(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }

    /// A list of strings, if present.
    pub fn string_list(&self, key: &str) -> Result<Option<Vec<String>>, String> {
        let Some(value) = self.map.get(key) else {
            return Ok(None);
        };
        let err = || format!("`{key}` must be a list of strings, like {key} = [\"a\", \"b\"]");
        let items = value.as_array().ok_or_else(err)?;
        items
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(err))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// A required, non-empty list of strings.
    pub fn required_string_list(&self, key: &str) -> Result<Vec<String>, String> {
        match self.string_list(key)? {
            Some(list) if !list.is_empty() => Ok(list),
            Some(_) => Err(format!("`{key}` must not be empty")),
            None => Err(format!("`{key}` is required, like {key} = [\"a\", \"b\"]")),
        }
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, String> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("`{key}` must be a string")),
        }
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, String> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(format!("`{key}` must be true or false")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_getters_explain_their_errors() {
        let s = Settings::parse(r#"{"tags":["a","b"],"bad":[1],"on":true}"#).unwrap();
        assert_eq!(
            s.string_list("tags").unwrap(),
            Some(vec!["a".into(), "b".into()])
        );
        assert!(s
            .string_list("bad")
            .unwrap_err()
            .contains("list of strings"));
        assert_eq!(s.bool("on").unwrap(), Some(true));
        assert!(s
            .required_string_list("missing")
            .unwrap_err()
            .contains("required"));
        assert!(s
            .allow_only(&["tags"])
            .unwrap_err()
            .contains("unknown setting `bad`"));
    }
}
