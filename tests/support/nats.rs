//! A real `nats-server` for the NATS tests (`./scripts/test` installs it;
//! `NATS_SERVER` names another), and readers of what the workers left in
//! JetStream: stream messages and key-value keys.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::free_port;

/// A nats-server with JetStream on a free port, killed on drop.
pub struct NatsServer {
    child: Child,
    /// The client port.
    pub port: u16,
    _store: tempfile::TempDir,
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nats_server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("NATS_SERVER") {
        return PathBuf::from(path);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("nats-server"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "nats-server not found on PATH: run ./scripts/test (it installs it) or set NATS_SERVER"
        )
    })
}

pub fn start_nats() -> NatsServer {
    start_nats_with("")
}

/// A nats-server with `server_config` (nats-server's config syntax) on top
/// of the command-line options.
pub fn start_nats_with(server_config: &str) -> NatsServer {
    let port = free_port();
    let store = tempfile::tempdir().unwrap();
    let conf = store.path().join("nats.conf");
    std::fs::write(&conf, server_config).unwrap();
    let child = Command::new(nats_server_binary())
        .arg("-c")
        .arg(&conf)
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
        .arg(store.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start nats-server");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nats-server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    NatsServer {
        child,
        port,
        _store: store,
    }
}

/// Runs `f` with a JetStream context on the server at `port`, on a runtime
/// of its own (the tests are synchronous).
fn with_jetstream<T, F>(port: u16, f: impl FnOnce(async_nats::jetstream::Context) -> F) -> T
where
    F: std::future::Future<Output = T>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = async_nats::connect(format!("nats://127.0.0.1:{port}"))
            .await
            .unwrap();
        f(async_nats::jetstream::new(client)).await
    })
}

/// Every message of stream `NEWS`: (Nats-Msg-Id header, record).
pub fn stream_messages(port: u16) -> Vec<(String, Value)> {
    with_jetstream(port, |js| async move {
        let mut stream = js.get_stream("NEWS").await.unwrap();
        let count = stream.info().await.unwrap().state.messages;
        let mut out = Vec::new();
        for seq in 1..=count {
            let msg = stream.get_raw_message(seq).await.unwrap();
            let id = msg
                .headers
                .get("Nats-Msg-Id")
                .map(|v| v.to_string())
                .unwrap_or_default();
            out.push((id, serde_json::from_slice(&msg.payload).unwrap()));
        }
        out
    })
}

/// The keys of key-value bucket `bucket`, sorted.
pub fn kv_keys(port: u16, bucket: &str) -> Vec<String> {
    use futures_util::StreamExt;
    with_jetstream(port, |js| async move {
        let Ok(kv) = js.get_key_value(bucket).await else {
            return Vec::new();
        };
        let mut keys: Vec<String> = kv
            .keys()
            .await
            .unwrap()
            .filter_map(|k| async move { k.ok() })
            .collect()
            .await;
        keys.sort();
        keys
    })
}

/// Creates key-value bucket `bucket` with `max_age` (zero: none), as an
/// operator or an older worker might have.
pub fn make_bucket(port: u16, bucket: &str, max_age: Duration) {
    with_jetstream(port, |js| async move {
        js.create_key_value(async_nats::jetstream::kv::Config {
            bucket: bucket.to_owned(),
            max_age,
            ..Default::default()
        })
        .await
        .unwrap();
    });
}

/// `newswire once` with `config`, whatever its outcome.
pub fn once_output(config: &std::path::Path) -> std::process::Output {
    super::newswire(config)
        .args(["once", "--no-progress"])
        .output()
        .unwrap()
}

/// Puts `value` under `key` in bucket `bucket`.
pub fn kv_put(port: u16, bucket: &str, key: &str, value: &str) {
    let value = value.to_owned().into_bytes();
    with_jetstream(port, |js| async move {
        let kv = js.get_key_value(bucket).await.unwrap();
        kv.put(key, value.into()).await.unwrap();
    });
}
