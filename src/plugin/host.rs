//! The wasmtime side: one engine for the process (with an epoch ticker for
//! timeouts), the sandbox every plugin runs in (WASI p2 with nothing granted
//! and no way to wait, store limits, a cap on the bytes one call hands back,
//! a bounded capture of stdout/stderr), and one instance per plugin per worker
//! thread, re-created after a failure.

use std::cell::RefCell;
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use wasmtime::component::{Component, Linker, Resource, ResourceTable};
use wasmtime::{Config, Engine, ResourceLimiter, Store, StoreContextMut, Trap};
use wasmtime_wasi::p2::{DynPollable, OutputStream, Pollable, StreamError};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::abi::{Plugin as Bindings, PluginPre};
use super::text;

/// How often the epoch advances: the granularity of `--plugin-timeout`.
pub(crate) const TICK: Duration = Duration::from_millis(10);
/// Default time per call (per file).
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
/// Default time per plugin per scan: all its calls on every thread together.
pub(crate) const DEFAULT_BUDGET: Duration = Duration::from_secs(30);
/// Bytes a plugin may hand back to the host in one call: every string and
/// list of the result together (lists counted at the host's size of their
/// items). Enforced by wasmtime while it copies the result out of the guest.
pub(crate) const MAX_CALL_BYTES: usize = 4 << 20;
/// Default linear-memory limit per instance.
pub(crate) const DEFAULT_MEMORY: usize = 64 << 20;
/// The wasm stack (deep recursion traps instead of overflowing the host).
pub(crate) const WASM_STACK: usize = 512 << 10;
/// The tail of a plugin's stdout/stderr kept for diagnostics.
pub(crate) const CAPTURE_LIMIT: usize = 8 << 10;

/// Resource limits of one plugin's instances.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time per call.
    pub timeout: Duration,
    pub memory: usize,
    /// Time per plugin per scan (`--plugin-budget`).
    pub budget: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: DEFAULT_TIMEOUT,
            memory: DEFAULT_MEMORY,
            budget: DEFAULT_BUDGET,
        }
    }
}

/// Epoch ticks for a deadline `after` from now (at least one).
fn deadline_ticks(after: Duration) -> u64 {
    let ticks = after.as_millis() / TICK.as_millis().max(1);
    u64::try_from(ticks).unwrap_or(u64::MAX).max(1)
}

/// Why a call stopped at its deadline: the per-call timeout, or the end of
/// the plugin's budget for the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deadline {
    Timeout(Duration),
    Budget(Duration),
}

impl Deadline {
    /// The sooner of the call timeout and what is `left` of the budget.
    pub(crate) fn of(limits: &Limits, left: Duration) -> Deadline {
        if left < limits.timeout {
            Deadline::Budget(left)
        } else {
            Deadline::Timeout(limits.timeout)
        }
    }

    fn after(self) -> Duration {
        match self {
            Deadline::Timeout(d) | Deadline::Budget(d) => d,
        }
    }
}

/// The error a guest gets for asking to wait (a clock subscription): the
/// host cannot interrupt a guest blocked inside a host call, so plugins are
/// not given the means to block at all.
#[derive(Debug)]
pub(crate) struct WaitRefused(&'static str);

impl std::fmt::Display for WaitRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "devops-lint refuses {} to plugins", self.0)
    }
}

impl std::error::Error for WaitRefused {}

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

/// The WASI interface whose subscriptions are replaced by [`WaitRefused`].
const MONOTONIC_CLOCK: &str = "wasi:clocks/monotonic-clock@0.2.12";

/// WASI p2 (sync) and nothing else: what a Rust `wasm32-wasip2` guest imports.
/// The clock's `subscribe-duration` and `subscribe-instant` (what a sleep or a
/// timed poll needs) trap with [`WaitRefused`]: epoch interruption only stops
/// guest code, so a guest blocked in a host call could not be stopped. With
/// no timer, no stream or socket of this sandbox can be waited on either
/// (stdin is closed, the output capture is always ready, the network is off).
pub(crate) fn linker() -> Result<&'static Linker<HostState>, String> {
    let engine = engine()?;
    LINKER
        .get_or_init(|| {
            let mut linker = Linker::new(engine);
            wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
                .map_err(|e| format!("cannot link WASI: {e}"))?;
            linker.allow_shadowing(true);
            let mut clock = linker
                .instance(MONOTONIC_CLOCK)
                .map_err(|e| format!("cannot link WASI: {e}"))?;
            clock
                .func_wrap(
                    "subscribe-duration",
                    |_: StoreContextMut<'_, HostState>,
                     _: (u64,)|
                     -> wasmtime::Result<(Resource<DynPollable>,)> {
                        Err(wasmtime::Error::new(WaitRefused("timers (a sleep)")))
                    },
                )
                .map_err(|e| format!("cannot link WASI: {e}"))?;
            clock
                .func_wrap(
                    "subscribe-instant",
                    |_: StoreContextMut<'_, HostState>,
                     _: (u64,)|
                     -> wasmtime::Result<(Resource<DynPollable>,)> {
                        Err(wasmtime::Error::new(WaitRefused("timers (a sleep)")))
                    },
                )
                .map_err(|e| format!("cannot link WASI: {e}"))?;
            linker.allow_shadowing(false);
            Ok(linker)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Pre-instantiates a component: resolves its imports once.
pub(crate) fn pre_instantiate(component: &Component) -> Result<PluginPre<HostState>, String> {
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
pub(crate) struct HostState {
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
pub(crate) fn new_store(limits: &Limits) -> Result<Store<HostState>, String> {
    let engine = engine()?;
    let capture = Capture::default();
    let mut builder = WasiCtx::builder();
    builder
        .stdout(capture.clone())
        .stderr(capture.clone())
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .max_random_size(64 << 10);
    let state = HostState {
        wasi: builder.build(),
        table: ResourceTable::new(),
        memory_limit: limits.memory,
        memory_hit: false,
        capture,
    };
    let mut store = Store::new(engine, state);
    store.limiter(|state| state as &mut dyn ResourceLimiter);
    store.set_epoch_deadline(deadline_ticks(limits.timeout));
    // NOTE: wasmtime counts what it copies out of the guest against this, per
    // call, and fails the call when it runs out; without it, 120 findings
    // pointing at one 1 MiB message would cost the host 120 MiB.
    store.set_hostcall_fuel(MAX_CALL_BYTES);
    Ok(store)
}

/// One live instance of a plugin.
pub(crate) struct Instance {
    pub store: Store<HostState>,
    pub bindings: Bindings,
}

/// Why a call into a plugin did not return a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallError {
    /// What happened, for the user: "timed out after 2s", "trapped: ...".
    pub reason: String,
    /// The tail of what the plugin wrote to stdout/stderr during the call.
    pub output: String,
    /// The call was stopped because the plugin's budget for the scan ran out.
    pub out_of_budget: bool,
}

impl CallError {
    fn new(reason: String) -> CallError {
        CallError {
            reason,
            output: String::new(),
            out_of_budget: false,
        }
    }
}

/// Bytes of a plugin's captured output shown in a diagnostic (the end of it,
/// where a panic message is).
const OUTPUT_SHOWN: usize = 4 << 10;

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)?;
        let output = self.output.trim();
        if !output.is_empty() {
            let mut start = output.len().saturating_sub(OUTPUT_SHOWN);
            while !output.is_char_boundary(start) {
                start += 1;
            }
            let cut = if start > 0 { "..." } else { "" };
            write!(f, "; plugin output: {cut}{}", &output[start..])?;
        }
        Ok(())
    }
}

/// Instantiates `pre` in a fresh store and configures it with `settings`,
/// both within `deadline`. `Ok(Err(message))` is the plugin rejecting its
/// settings (the message is already made safe).
pub(crate) fn instantiate(
    pre: &PluginPre<HostState>,
    limits: &Limits,
    deadline: Deadline,
    settings: &str,
) -> Result<Result<Instance, String>, CallError> {
    let mut store = new_store(limits).map_err(CallError::new)?;
    store.set_epoch_deadline(deadline_ticks(deadline.after()));
    let bindings = match pre.instantiate(&mut store) {
        Ok(b) => b,
        Err(e) => return Err(classify(&e, &store, limits, deadline, 0)),
    };
    match bindings
        .devops_lint_plugin_rules()
        .call_configure(&mut store, settings)
    {
        Ok(Ok(())) => Ok(Ok(Instance { store, bindings })),
        Ok(Err(message)) => Ok(Err(text::line(&message, text::MAX_MESSAGE))),
        Err(e) => Err(classify(&e, &store, limits, deadline, 0)),
    }
}

impl Instance {
    /// Runs `f` with a freshly armed `deadline`; a failure is classified.
    pub(crate) fn call<R>(
        &mut self,
        limits: &Limits,
        deadline: Deadline,
        f: impl FnOnce(&mut Store<HostState>, &Bindings) -> wasmtime::Result<R>,
    ) -> Result<R, CallError> {
        self.store
            .set_epoch_deadline(deadline_ticks(deadline.after()));
        let mark = self.store.data().capture.written();
        match f(&mut self.store, &self.bindings) {
            Ok(r) => Ok(r),
            Err(e) => Err(classify(&e, &self.store, limits, deadline, mark)),
        }
    }
}

/// Turns a wasmtime error into words a user can act on.
fn classify(
    error: &wasmtime::Error,
    store: &Store<HostState>,
    limits: &Limits,
    deadline: Deadline,
    mark: u64,
) -> CallError {
    let state = store.data();
    let cause = root_cause(error);
    let mut out_of_budget = false;
    let reason = if state.memory_hit {
        format!("exceeded its memory limit of {} MiB", limits.memory >> 20)
    } else if error.downcast_ref::<WaitRefused>().is_some() || cause.contains("devops-lint refuses")
    {
        "tried to wait (a sleep or a timer): plugins cannot wait, so the call was stopped"
            .to_string()
    } else if cause.contains("fuel allocated for hostcalls has been exhausted") {
        format!(
            "handed back more than {} MiB in one call (the host's limit on its strings and \
             lists together); nothing of it was kept",
            MAX_CALL_BYTES >> 20
        )
    } else {
        match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => match deadline {
                Deadline::Timeout(d) => format!(
                    "timed out after {} (raise it with --plugin-timeout)",
                    format_duration(d)
                ),
                Deadline::Budget(_) => {
                    out_of_budget = true;
                    format!(
                        "stopped: it used up its time budget of {} for this scan \
                         (raise it with --plugin-budget)",
                        format_duration(limits.budget)
                    )
                }
            },
            Some(Trap::StackOverflow) => "exhausted its stack (too deep a recursion)".to_string(),
            Some(Trap::MemoryOutOfBounds) => "trapped: out of bounds memory access (often the \
                 plugin's own stack overflowing its memory)"
                .to_string(),
            Some(Trap::UnreachableCodeReached) => {
                "trapped (a panic or an abort inside the plugin)".to_string()
            }
            Some(trap) => format!("trapped: {trap}"),
            None => format!("failed: {cause}"),
        }
    };
    CallError {
        reason,
        output: state.capture.since(mark),
        out_of_budget,
    }
}

pub(crate) fn format_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// The innermost message of an error chain, on one line.
pub(crate) fn root_cause(error: &wasmtime::Error) -> String {
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
/// `pre` when there is none), instantiation and call within `deadline`. An
/// instance that failed is discarded, so the next call starts from a fresh one.
pub(crate) fn with_thread_instance<R>(
    id: u64,
    pre: &PluginPre<HostState>,
    limits: &Limits,
    deadline: Deadline,
    settings: &str,
    f: impl FnOnce(&mut Store<HostState>, &Bindings) -> wasmtime::Result<R>,
) -> Result<R, CallError> {
    let existing = INSTANCES.with(|m| m.borrow_mut().remove(&id));
    let mut instance = match existing {
        Some(instance) => instance,
        None => match instantiate(pre, limits, deadline, settings)? {
            Ok(instance) => instance,
            Err(message) => {
                return Err(CallError::new(format!("rejected its settings: {message}")))
            }
        },
    };
    let result = instance.call(limits, deadline, f);
    if result.is_ok() {
        INSTANCES.with(|m| m.borrow_mut().insert(id, instance));
    }
    result
}

// ---------------------------------------------------------------------------
// Bounded capture of a plugin's stdout and stderr

/// Keeps the last [`CAPTURE_LIMIT`] bytes a plugin wrote; never fails a write.
#[derive(Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<CaptureBuf>>);

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
        assert_eq!(deadline_ticks(Duration::from_millis(1)), 1);
        assert_eq!(deadline_ticks(DEFAULT_TIMEOUT), 200);
    }

    #[test]
    fn the_budget_shortens_the_deadline() {
        let limits = Limits::default();
        assert_eq!(
            Deadline::of(&limits, Duration::from_secs(60)),
            Deadline::Timeout(DEFAULT_TIMEOUT)
        );
        assert_eq!(
            Deadline::of(&limits, Duration::from_millis(300)),
            Deadline::Budget(Duration::from_millis(300))
        );
    }

    #[test]
    fn a_diagnostic_shows_the_end_of_the_output() {
        let e = CallError {
            reason: "trapped".into(),
            output: format!("{}panicked at the end", "x".repeat(OUTPUT_SHOWN * 2)),
            out_of_budget: false,
        };
        let shown = e.to_string();
        assert!(shown.ends_with("panicked at the end"), "{shown}");
        assert!(shown.len() < OUTPUT_SHOWN + 100);
    }
}
