//! The wasmtime side: one engine for the process (with an epoch ticker for
//! timeouts), the sandbox every plugin runs in (WASI p2 with nothing granted,
//! store limits, a bounded capture of stdout/stderr), and one instance per
//! plugin per worker thread, re-created after a failure.

use std::cell::RefCell;
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, ResourceLimiter, Store, Trap};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::abi::{Plugin as Bindings, PluginPre};

/// How often the epoch advances: the granularity of `--plugin-timeout`.
pub const TICK: Duration = Duration::from_millis(10);
/// Default CPU time per call (per file).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
/// Default linear-memory limit per instance.
pub const DEFAULT_MEMORY: usize = 64 << 20;
/// The wasm stack (deep recursion traps instead of overflowing the host).
pub const WASM_STACK: usize = 512 << 10;
/// The tail of a plugin's stdout/stderr kept for diagnostics.
pub const CAPTURE_LIMIT: usize = 8 << 10;

/// Resource limits of one plugin's instances.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    pub memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: DEFAULT_TIMEOUT,
            memory: DEFAULT_MEMORY,
        }
    }
}

impl Limits {
    fn deadline_ticks(&self) -> u64 {
        let ticks = self.timeout.as_millis() / TICK.as_millis().max(1);
        u64::try_from(ticks).unwrap_or(u64::MAX).max(1)
    }
}

static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
static LINKER: OnceLock<Result<Linker<HostState>, String>> = OnceLock::new();

/// The process-wide engine. The first call starts the epoch ticker thread.
pub fn engine() -> Result<&'static Engine, String> {
    ENGINE
        .get_or_init(|| {
            let mut config = Config::new();
            config.epoch_interruption(true);
            config.max_wasm_stack(WASM_STACK);
            let engine = Engine::new(&config)
                .map_err(|e| format!("cannot start the WebAssembly engine: {e}"))?;
            let ticker = engine.clone();
            std::thread::Builder::new()
                .name("devops-lint-plugin-epoch".into())
                .spawn(move || loop {
                    std::thread::sleep(TICK);
                    ticker.increment_epoch();
                })
                .map_err(|e| format!("cannot start the plugin timer: {e}"))?;
            Ok(engine)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// WASI p2 (sync) and nothing else: what a Rust `wasm32-wasip2` guest imports.
pub fn linker() -> Result<&'static Linker<HostState>, String> {
    let engine = engine()?;
    LINKER
        .get_or_init(|| {
            let mut linker = Linker::new(engine);
            wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
                .map_err(|e| format!("cannot link WASI: {e}"))?;
            Ok(linker)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Pre-instantiates a component: resolves its imports once.
pub fn pre_instantiate(component: &Component) -> Result<PluginPre<HostState>, String> {
    let linker = linker()?;
    let pre = linker.instantiate_pre(component).map_err(|e| {
        format!(
            "cannot link it: {} (plugins get WASI 0.2 with nothing granted and no other imports)",
            root_cause(&e)
        )
    })?;
    PluginPre::new(pre).map_err(|e| {
        format!(
            "it does not export the devops-lint:plugin/rules interface this host expects: {}",
            root_cause(&e)
        )
    })
}

/// The state of one store: an empty WASI context, limits, the output capture.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    memory_limit: usize,
    memory_hit: bool,
    capture: Capture,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl ResourceLimiter for HostState {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_limit {
            self.memory_hit = true;
            return Err(wasmtime::format_err!(
                "memory limit of {} MiB reached",
                self.memory_limit >> 20
            ));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1 << 20)
    }

    fn instances(&self) -> usize {
        64
    }

    fn tables(&self) -> usize {
        64
    }

    fn memories(&self) -> usize {
        8
    }
}

/// A fresh store: no preopens, no environment, no arguments, no network,
/// stdin closed; stdout and stderr go to a bounded capture.
pub fn new_store(limits: &Limits) -> Result<Store<HostState>, String> {
    let engine = engine()?;
    let capture = Capture::default();
    let mut builder = WasiCtx::builder();
    builder
        .stdout(capture.clone())
        .stderr(capture.clone())
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false);
    let state = HostState {
        wasi: builder.build(),
        table: ResourceTable::new(),
        memory_limit: limits.memory,
        memory_hit: false,
        capture,
    };
    let mut store = Store::new(engine, state);
    store.limiter(|state| state as &mut dyn ResourceLimiter);
    store.set_epoch_deadline(limits.deadline_ticks());
    Ok(store)
}

/// One live instance of a plugin.
pub struct Instance {
    pub store: Store<HostState>,
    pub bindings: Bindings,
}

/// Why a call into a plugin did not return a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// What happened, for the user: "timed out after 2s", "trapped: ...".
    pub reason: String,
    /// The tail of what the plugin wrote to stdout/stderr during the call.
    pub output: String,
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)?;
        let output = self.output.trim();
        if !output.is_empty() {
            write!(f, "; plugin output: {output}")?;
        }
        Ok(())
    }
}

/// Instantiates `pre` in a fresh store and configures it with `settings`.
/// `Ok(Err(message))` is the plugin rejecting its settings.
pub fn instantiate(
    pre: &PluginPre<HostState>,
    limits: &Limits,
    settings: &str,
) -> Result<Result<Instance, String>, CallError> {
    let mut store = new_store(limits).map_err(|reason| CallError {
        reason,
        output: String::new(),
    })?;
    let bindings = match pre.instantiate(&mut store) {
        Ok(b) => b,
        Err(e) => return Err(classify(&e, &store, limits, 0)),
    };
    match bindings
        .devops_lint_plugin_rules()
        .call_configure(&mut store, settings)
    {
        Ok(Ok(())) => Ok(Ok(Instance { store, bindings })),
        Ok(Err(message)) => Ok(Err(message)),
        Err(e) => Err(classify(&e, &store, limits, 0)),
    }
}

impl Instance {
    /// Runs `f` with a freshly armed deadline; a failure is classified.
    pub fn call<R>(
        &mut self,
        limits: &Limits,
        f: impl FnOnce(&mut Store<HostState>, &Bindings) -> wasmtime::Result<R>,
    ) -> Result<R, CallError> {
        self.store.set_epoch_deadline(limits.deadline_ticks());
        let mark = self.store.data().capture.written();
        match f(&mut self.store, &self.bindings) {
            Ok(r) => Ok(r),
            Err(e) => Err(classify(&e, &self.store, limits, mark)),
        }
    }
}

/// Turns a wasmtime error into words a user can act on.
fn classify(
    error: &wasmtime::Error,
    store: &Store<HostState>,
    limits: &Limits,
    mark: u64,
) -> CallError {
    let state = store.data();
    let reason = if state.memory_hit {
        format!("exceeded its memory limit of {} MiB", limits.memory >> 20)
    } else {
        match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => format!(
                "timed out after {} (raise it with --plugin-timeout)",
                format_duration(limits.timeout)
            ),
            Some(Trap::StackOverflow) => "exhausted its stack (too deep a recursion)".to_string(),
            Some(Trap::MemoryOutOfBounds) => "trapped: out of bounds memory access (often the \
                 plugin's own stack overflowing its memory)"
                .to_string(),
            Some(Trap::UnreachableCodeReached) => {
                "trapped (a panic or an abort inside the plugin)".to_string()
            }
            Some(trap) => format!("trapped: {trap}"),
            None => format!("failed: {}", root_cause(error)),
        }
    };
    CallError {
        reason,
        output: state.capture.since(mark),
    }
}

pub fn format_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// The innermost message of an error chain, on one line.
pub fn root_cause(error: &wasmtime::Error) -> String {
    let text = format!("{error:#}");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// Per-thread instances

thread_local! {
    /// Live instances of this worker thread, by plugin load id.
    static INSTANCES: RefCell<HashMap<u64, Instance>> = RefCell::new(HashMap::new());
}

/// Runs `f` on this thread's instance of plugin `id` (instantiating it from
/// `pre` when there is none). An instance that failed is discarded, so the
/// next call starts from a fresh one.
pub fn with_thread_instance<R>(
    id: u64,
    pre: &PluginPre<HostState>,
    limits: &Limits,
    settings: &str,
    f: impl FnOnce(&mut Store<HostState>, &Bindings) -> wasmtime::Result<R>,
) -> Result<R, CallError> {
    let existing = INSTANCES.with(|m| m.borrow_mut().remove(&id));
    let mut instance = match existing {
        Some(instance) => instance,
        None => match instantiate(pre, limits, settings)? {
            Ok(instance) => instance,
            Err(message) => {
                return Err(CallError {
                    reason: format!("rejected its settings: {message}"),
                    output: String::new(),
                })
            }
        },
    };
    let result = instance.call(limits, f);
    if result.is_ok() {
        INSTANCES.with(|m| m.borrow_mut().insert(id, instance));
    }
    result
}

// ---------------------------------------------------------------------------
// Bounded capture of a plugin's stdout and stderr

/// Keeps the last [`CAPTURE_LIMIT`] bytes a plugin wrote; never fails a write.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<CaptureBuf>>);

#[derive(Default)]
struct CaptureBuf {
    tail: Vec<u8>,
    written: u64,
}

impl Capture {
    fn push(&self, bytes: &[u8]) {
        let Ok(mut buf) = self.0.lock() else { return };
        buf.written += bytes.len() as u64;
        let keep = &bytes[bytes.len().saturating_sub(CAPTURE_LIMIT)..];
        buf.tail.extend_from_slice(keep);
        let excess = buf.tail.len().saturating_sub(CAPTURE_LIMIT);
        if excess > 0 {
            buf.tail.drain(..excess);
        }
    }

    fn written(&self) -> u64 {
        self.0.lock().map(|b| b.written).unwrap_or(0)
    }

    /// What was written after `mark` (as far as the tail still holds it).
    fn since(&self, mark: u64) -> String {
        let Ok(buf) = self.0.lock() else {
            return String::new();
        };
        let new = usize::try_from(buf.written.saturating_sub(mark)).unwrap_or(usize::MAX);
        let start = buf.tail.len().saturating_sub(new);
        let text = String::from_utf8_lossy(&buf.tail[start..]).into_owned();
        if new > buf.tail.len() {
            format!("...{text}")
        } else {
            text
        }
    }
}

impl wasmtime_wasi::cli::IsTerminal for Capture {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl wasmtime_wasi::cli::StdoutStream for Capture {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for Capture {
    async fn ready(&mut self) {}
}

impl OutputStream for Capture {
    fn write(&mut self, bytes: bytes::Bytes) -> Result<(), StreamError> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        Ok(64 << 10)
    }
}

impl tokio::io::AsyncWrite for Capture {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_keeps_the_tail_and_never_fails() {
        let capture = Capture::default();
        capture.push(b"hello ");
        let mark = capture.written();
        capture.push(&vec![b'x'; CAPTURE_LIMIT * 2]);
        capture.push(b"panicked at src/lib.rs");
        let since = capture.since(mark);
        assert!(since.starts_with("..."));
        assert!(since.ends_with("panicked at src/lib.rs"));
        assert_eq!(capture.since(capture.written()), "");
    }

    #[test]
    fn deadline_is_at_least_one_tick() {
        let limits = Limits {
            timeout: Duration::from_millis(1),
            memory: DEFAULT_MEMORY,
        };
        assert_eq!(limits.deadline_ticks(), 1);
        assert_eq!(Limits::default().deadline_ticks(), 200);
    }
}
