//! `${NAME}` in the config file's strings, read from the environment.
//!
//! Secrets (an `Authorization` header, a proxy's password, a token in a
//! URL) and values that differ per host stay out of the file, as Vector's
//! and docker compose's configs allow: `headers = { Authorization =
//! "Bearer ${INGEST_TOKEN}" }`. Only string values are read, never keys or
//! comments, so a commented-out example cannot fail a start.
//!
//! - `${NAME}`: the variable's value; unset is an error naming the key.
//! - `${NAME:-default}`: `default` when the variable is unset or empty.
//! - `$${`: a literal `${`. Any other `$` is left alone (a regex's `$`).

/// Replaces the references in every string value of `table`; returns every
/// problem (the key and what is wrong), or whether anything was replaced.
pub fn interpolate(
    table: &mut toml::Table,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<bool, Vec<String>> {
    let mut problems = Vec::new();
    let mut changed = false;
    for (key, value) in table.iter_mut() {
        walk(value, key, lookup, &mut problems, &mut changed);
    }
    if problems.is_empty() {
        Ok(changed)
    } else {
        Err(problems)
    }
}

fn walk(
    value: &mut toml::Value,
    path: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<String>,
    changed: &mut bool,
) {
    match value {
        toml::Value::String(s) if s.contains("${") => match expand(s, lookup) {
            Ok(expanded) => {
                *changed |= expanded != *s;
                *s = expanded;
            }
            Err(why) => problems.push(format!("{path}: {why}")),
        },
        toml::Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &format!("{path}[{i}]"), lookup, problems, changed);
            }
        }
        toml::Value::Table(table) => {
            for (key, item) in table.iter_mut() {
                walk(item, &format!("{path}.{key}"), lookup, problems, changed);
            }
        }
        _ => {}
    }
}

/// `s` with its references replaced, or what is wrong with one.
fn expand(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            let Some(end) = after.find('}') else {
                return Err(format!(
                    "`{tail}` has no closing brace (write $${{ for a literal ${{)"
                ));
            };
            let reference = &after[..end];
            let (name, default) = match reference.split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (reference, None),
            };
            if !is_name(name) {
                return Err(format!(
                    "`${{{reference}}}` does not name an environment variable (write $${{ for a literal ${{)"
                ));
            }
            match (lookup(name), default) {
                (Some(value), Some(default)) if value.is_empty() => out.push_str(default),
                (Some(value), _) => out.push_str(&value),
                (None, Some(default)) => out.push_str(default),
                (None, None) => {
                    return Err(format!(
                        "the environment variable {name} is not set (give a default with ${{{name}:-…}})"
                    ));
                }
            }
            rest = &after[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// An environment variable's name: a letter or `_`, then letters, digits
/// and `_`.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "TOKEN" => Some("s3cret".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn references_defaults_and_escapes() {
        let cases = [
            ("Bearer ${TOKEN}", "Bearer s3cret"),
            ("${TOKEN}${TOKEN}", "s3crets3cret"),
            ("${MISSING:-fallback}", "fallback"),
            ("${EMPTY:-fallback}", "fallback"),
            ("${TOKEN:-fallback}", "s3cret"),
            ("${EMPTY}", ""),
            ("$${TOKEN}", "${TOKEN}"),
            ("^https://.*/live/$", "^https://.*/live/$"),
            ("price $5", "price $5"),
            ("naïve ${TOKEN} ü", "naïve s3cret ü"),
        ];
        for (input, expected) in cases {
            assert_eq!(expand(input, &env).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn bad_references_name_the_key_and_the_variable() {
        let mut table: toml::Table = toml::from_str(
            "[[sinks]]\nurl = \"${NOPE}\"\nheaders = { A = \"${bad name}\", B = \"${OPEN\" }\n\
             [fetch]\n# ${COMMENTED} is not read\nuser_agent = \"${TOKEN}\"\n",
        )
        .unwrap();
        let problems = interpolate(&mut table, &env).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.contains(&"sinks[0].url: the environment variable NOPE is not set (give a default with ${NOPE:-…})".to_owned()), "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("sinks[0].headers.A: `${bad name}` does not name")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("sinks[0].headers.B: `${OPEN` has no closing brace")),
            "{problems:?}"
        );

        let mut table: toml::Table =
            toml::from_str("[fetch]\nuser_agent = \"bot ${TOKEN}\"\nretries = 3\n").unwrap();
        assert_eq!(interpolate(&mut table, &env), Ok(true));
        assert_eq!(table["fetch"]["user_agent"].as_str(), Some("bot s3cret"));
        let mut plain: toml::Table = toml::from_str("[fetch]\nuser_agent = \"bot\"\n").unwrap();
        assert_eq!(interpolate(&mut plain, &env), Ok(false));
    }
}
