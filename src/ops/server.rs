//! The ops endpoint: `/metrics` for Prometheus, `/healthz` for liveness,
//! `/readyz` for readiness (state store answering, sinks writable) and
//! `/status` for what `newswire status` shows, while the worker holds the
//! state store.
//!
//! It runs beside the worker on the same runtime and stops with the same
//! cancellation token, so an orchestrator sees the worker go unready as soon
//! as shutdown begins.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio_util::sync::CancellationToken;

use crate::state::Store;

/// Why the ops endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The listen address could not be bound.
    #[error("ops.listen {addr}: cannot listen: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The metrics recorder could not be installed.
    #[error("cannot set up metrics: {0}")]
    Metrics(#[from] metrics_exporter_prometheus::BuildError),
}

/// What readiness depends on; the worker updates it as it runs.
#[derive(Debug)]
pub struct Health {
    store: Arc<Store>,
    sinks_ok: AtomicBool,
    accepting: AtomicBool,
}

impl Health {
    /// The state store's report, for `/status`.
    pub fn report(&self) -> Result<crate::state::StatusReport, crate::state::StateError> {
        self.store.report()
    }

    /// Health of a worker using `store`; ready once [`Health::set_accepting`].
    pub fn new(store: Arc<Store>) -> Health {
        Health {
            store,
            sinks_ok: AtomicBool::new(true),
            accepting: AtomicBool::new(false),
        }
    }

    /// Records whether the last flush of every sink succeeded.
    pub fn set_sinks_ok(&self, ok: bool) {
        self.sinks_ok.store(ok, Ordering::Relaxed);
    }

    /// Records whether the worker takes new work (false while starting and
    /// once shutdown begins).
    pub fn set_accepting(&self, ok: bool) {
        self.accepting.store(ok, Ordering::Relaxed);
    }

    /// Every reason the worker is not ready; empty when it is.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.accepting.load(Ordering::Relaxed) {
            problems.push("not accepting work (starting or shutting down)".to_owned());
        }
        if !self.sinks_ok.load(Ordering::Relaxed) {
            problems.push("a sink failed its last flush".to_owned());
        }
        if let Err(e) = self.store.ping() {
            problems.push(e.to_string());
        }
        problems
    }
}

#[derive(Clone)]
struct Ctx {
    metrics: PrometheusHandle,
    health: Arc<Health>,
}

/// Binds `addr` and serves the ops endpoints until `cancel` fires.
///
/// Binding happens before this returns, so a taken port is a startup error
/// rather than a log line nobody reads.
pub async fn serve(
    addr: SocketAddr,
    health: Arc<Health>,
    cancel: CancellationToken,
) -> Result<tokio::task::JoinHandle<()>, ServerError> {
    let metrics = super::metrics::install()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })?;
    let app = Router::new()
        .route("/metrics", get(render_metrics))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/status", get(status))
        .with_state(Ctx { metrics, health });
    tracing::info!(%addr, "serving /metrics, /healthz and /readyz");
    Ok(tokio::spawn(async move {
        let shutdown = async move { cancel.cancelled().await };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(%addr, "ops endpoint stopped: {e}");
        }
    }))
}

async fn render_metrics(State(ctx): State<Ctx>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        ctx.metrics.render(),
    )
}

/// The state store's report as JSON: `newswire status` asks here while the
/// worker holds the store.
async fn status(State(ctx): State<Ctx>) -> axum::response::Response {
    let health = Arc::clone(&ctx.health);
    match tokio::task::spawn_blocking(move || health.report()).await {
        Ok(Ok(report)) => (
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&report).unwrap_or_default(),
        )
            .into_response(),
        Ok(Err(e)) => (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

async fn ready(State(ctx): State<Ctx>) -> impl IntoResponse {
    let health = Arc::clone(&ctx.health);
    let problems = tokio::task::spawn_blocking(move || health.problems())
        .await
        .unwrap_or_else(|e| vec![format!("readiness check failed: {e}")]);
    if problems.is_empty() {
        (StatusCode::OK, "ready\n".to_owned())
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {}\n", problems.join("; ")),
        )
    }
}
