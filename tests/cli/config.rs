//! `newswire check-config` and the logging options: resolved values,
//! environment overrides, and errors that name the bad key or value.

use super::*;

#[test]
fn check_config_prints_resolved_config() {
    let out = newswire()
        .args(["check-config", "-c", "config/newswire.toml"])
        .env("NEWSWIRE_FETCH__USER_AGENT", "testbot/1.0")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[fetch]"));
    assert!(stdout.contains("user_agent = \"testbot/1.0\""), "{stdout}");
}

#[test]
fn check_config_names_bad_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[fetch]\nuser_agnt = \"x\"\n").unwrap();
    let out = newswire()
        .arg("check-config")
        .arg("-c")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("fetch.user_agnt"), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");
}

#[test]
fn check_config_rejects_bad_values_and_missing_file() {
    let out = newswire()
        .args(["check-config", "-c", "/nonexistent/newswire.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read config file"));

    let out = newswire()
        .args(["check-config", "-c", "config/newswire.toml"])
        .env("NEWSWIRE_FETCH__TIMEOUT", "soon")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fetch.timeout"), "{stderr}");
    assert!(stderr.contains("NEWSWIRE_FETCH__TIMEOUT"), "{stderr}");
}

#[test]
fn invalid_log_filter_is_a_clear_error() {
    let out = newswire()
        .args(["check-config"])
        .env("RUST_LOG", "newswire=[[[")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid log filter"));
}

#[test]
fn json_logs_go_to_stderr_only() {
    let out = newswire()
        .args(["--log-format", "json", "extract", "/nonexistent.html"])
        .output()
        .unwrap();
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr.lines().next().unwrap();
    let log: Value = serde_json::from_str(first).expect("log line is JSON");
    assert_eq!(log["level"], "WARN");
}

#[test]
fn check_config_env_override_shows_in_output() {
    let out = newswire()
        .args(["check-config", "-c", "config/newswire.toml"])
        .env("NEWSWIRE_FETCH__USER_AGENT", "zz")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[fetch]"), "{stdout}");
    let printed: toml::Table = toml::from_str(&stdout).expect("check-config prints TOML");
    assert_eq!(printed["fetch"]["user_agent"].as_str(), Some("zz"));
}

#[test]
fn check_config_missing_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.toml");
    let out = newswire()
        .arg("check-config")
        .arg("-c")
        .arg(&missing)
        .output()
        .unwrap();
    let stderr = one_error_line(&out, 2);
    assert!(stderr.contains("absent.toml"), "{stderr}");
}

#[test]
fn invalid_log_level_from_env_is_a_clear_error() {
    let out = newswire()
        .args(["check-config", "-c", "config/newswire.toml"])
        .env("NEWSWIRE_LOG__LEVEL", "[[[")
        .output()
        .unwrap();
    // A bad config value is a config error: exit 2.
    let stderr = one_error_line(&out, 2);
    assert!(stderr.contains("[[["), "{stderr}");
    assert!(stderr.contains("log.level"), "{stderr}");
}

#[test]
fn check_config_reads_references_to_the_environment_in_strings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("env.toml");
    std::fs::write(
        &path,
        "# ${NOT_READ} in a comment is left alone\n[fetch]\nuser_agent = \"newsbot/${BOT_VERSION} (${BOT_CONTACT:-ops@example.com})\"\n\
         [[feeds]]\nurl = \"https://example.com/feed.xml\"\nheaders = { Authorization = \"Bearer ${FEED_TOKEN}\" }\n\
         tags = [\"$${literal}\"]\n[filter]\nblock = [\"url:^https://example.com/live/$\"]\n",
    )
    .unwrap();
    let out = newswire()
        .arg("check-config")
        .arg("-c")
        .arg(&path)
        .env("BOT_VERSION", "2.1")
        .env("FEED_TOKEN", "s3cret")
        .env_remove("BOT_CONTACT")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let printed: toml::Table = toml::from_str(&stdout).expect("check-config prints TOML");
    assert_eq!(
        printed["fetch"]["user_agent"].as_str(),
        Some("newsbot/2.1 (ops@example.com)")
    );
    assert!(
        !stdout.contains("s3cret"),
        "credentials stay masked: {stdout}"
    );
    assert!(stdout.contains("^https://example.com/live/$"), "{stdout}");
    assert!(stdout.contains("\"${literal}\""), "{stdout}");

    let out = newswire()
        .arg("check-config")
        .arg("-c")
        .arg(&path)
        .env("BOT_VERSION", "2.1")
        .env_remove("FEED_TOKEN")
        .output()
        .unwrap();
    let stderr = one_error_line(&out, 2);
    assert!(
        stderr.contains(
            "feeds[0].headers.Authorization: the environment variable FEED_TOKEN is not set"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("env.toml"), "{stderr}");
}
