//! `/metrics` in the Prometheus text format: render latency per kind, pages
//! rendered, the queue, rejections and errors by code.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: &'static str,
}

type Latency = Family<KindLabel, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    render_seconds: Latency,
    pages: Counter,
    waiting: Gauge,
    running: Gauge,
    rejections: Family<CodeLabel, Counter>,
    errors: Family<CodeLabel, Counter>,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("kttdv");
        // From 5 ms to about 20 s.
        let render_seconds: Latency =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.005, 2.0, 12)));
        let pages = Counter::default();
        let waiting = Gauge::default();
        let running = Gauge::default();
        let rejections = Family::default();
        let errors = Family::default();
        registry.register("render_seconds", "Thời gian xuất một văn bản, theo loại", render_seconds.clone());
        registry.register("pages_rendered", "Số trang đã xuất", pages.clone());
        registry.register("queue_waiting", "Số yêu cầu đang chờ xuất", waiting.clone());
        registry.register("renders_running", "Số việc đang xuất, kể cả việc mà người gửi đã bỏ đi", running.clone());
        registry.register(
            "rejections",
            "Yêu cầu bị từ chối vì quá tải (busy, timeout, payload-too-large…)",
            rejections.clone(),
        );
        registry.register("errors", "Lỗi trả về, theo mã (cả mã của từng lỗi dữ liệu)", errors.clone());
        Self { registry, render_seconds, pages, waiting, running, rejections, errors }
    }

    pub fn rendered(&self, kind: &'static str, seconds: f64, pages: usize) {
        self.render_seconds.get_or_create(&KindLabel { kind }).observe(seconds);
        self.pages.inc_by(pages as u64);
    }

    /// Counts an error answer and, for invalid input, each problem's code.
    pub fn error(&self, code: &'static str, problems: &[&'static str]) {
        if matches!(code, "busy" | "timeout" | "payload-too-large" | "too-many-members") {
            self.rejections.get_or_create(&CodeLabel { code }).inc();
        }
        self.errors.get_or_create(&CodeLabel { code }).inc();
        for &code in problems {
            self.errors.get_or_create(&CodeLabel { code }).inc();
        }
    }

    pub fn encode(&self, waiting: usize, running: usize) -> String {
        self.waiting.set(waiting as i64);
        self.running.set(running as i64);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry).expect("writing to a string");
        text
    }
}
