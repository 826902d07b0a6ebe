//! Prometheus counters, kept in atomics so the request path takes no exclusive lock (the
//! per-route map is read-locked; a write lock is taken only the first time a route/status
//! pair appears).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::RwLock;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Upper bounds of the writer batch-size histogram.
const BATCH_BUCKETS: [usize; 10] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

#[derive(Default)]
pub struct Metrics {
    requests: RwLock<HashMap<String, HashMap<u16, AtomicU64>>>,
    pub intents_created: AtomicU64,
    pub events_appended: AtomicU64,
    pub open_streams: AtomicI64,
    /// Connections answered 503 at `--max-connections` / `--max-connections-per-client`.
    pub refused_at_total_cap: AtomicU64,
    pub refused_at_client_cap: AtomicU64,
    /// Stream requests answered 503 past `--max-streams`.
    pub streams_refused: AtomicU64,
    batch_counts: [AtomicU64; BATCH_BUCKETS.len() + 1],
    batch_sum: AtomicU64,
    batches: AtomicU64,
}

/// Counts an open SSE stream for as long as it lives.
pub struct StreamGauge<'a>(&'a Metrics);

impl Drop for StreamGauge<'_> {
    fn drop(&mut self) {
        self.0.open_streams.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16) {
        if let Ok(map) = self.requests.read()
            && let Some(counter) = map.get(route).and_then(|by_status| by_status.get(&status))
        {
            counter.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if let Ok(mut map) = self.requests.write() {
            map.entry(route.to_string())
                .or_default()
                .entry(status)
                .or_default()
                .fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn batch(&self, jobs: usize, events: usize) {
        let bucket = BATCH_BUCKETS
            .iter()
            .position(|&b| jobs <= b)
            .unwrap_or(BATCH_BUCKETS.len());
        self.batch_counts[bucket].fetch_add(1, Ordering::Relaxed);
        self.batch_sum.fetch_add(jobs as u64, Ordering::Relaxed);
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.events_appended
            .fetch_add(events as u64, Ordering::Relaxed);
    }

    pub fn stream_opened(&self) -> StreamGauge<'_> {
        self.open_streams.fetch_add(1, Ordering::Relaxed);
        StreamGauge(self)
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(2048);
        out.push_str("# HELP axme_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE axme_http_requests_total counter\n");
        if let Ok(map) = self.requests.read() {
            let mut routes: Vec<_> = map.iter().collect();
            routes.sort_by(|a, b| a.0.cmp(b.0));
            for (route, by_status) in routes {
                let mut statuses: Vec<_> = by_status.iter().collect();
                statuses.sort_by_key(|(s, _)| **s);
                for (status, n) in statuses {
                    let _ = writeln!(
                        out,
                        "axme_http_requests_total{{route=\"{}\",status=\"{status}\"}} {}",
                        route.replace('"', "'"),
                        n.load(Ordering::Relaxed)
                    );
                }
            }
        }
        let simple = [
            (
                "axme_intents_created_total",
                "counter",
                "Intents created.",
                crate::num::i64_from_u64(self.intents_created.load(Ordering::Relaxed)),
            ),
            (
                "axme_events_appended_total",
                "counter",
                "Lifecycle events committed.",
                crate::num::i64_from_u64(self.events_appended.load(Ordering::Relaxed)),
            ),
            (
                "axme_sse_streams_open",
                "gauge",
                "Open SSE responses.",
                self.open_streams.load(Ordering::Relaxed),
            ),
        ];
        for (name, kind, help, value) in simple {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        out.push_str(
            "# HELP axme_connections_refused_total Connections answered 503 at a connection cap.\n",
        );
        out.push_str("# TYPE axme_connections_refused_total counter\n");
        for (cap, n) in [
            ("total", &self.refused_at_total_cap),
            ("per_client", &self.refused_at_client_cap),
        ] {
            let _ = writeln!(
                out,
                "axme_connections_refused_total{{cap=\"{cap}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP axme_streams_refused_total Stream requests answered 503 past --max-streams.\n# TYPE axme_streams_refused_total counter\naxme_streams_refused_total {}",
            self.streams_refused.load(Ordering::Relaxed)
        );
        out.push_str("# HELP axme_writer_batch_jobs Jobs committed per writer transaction.\n");
        out.push_str("# TYPE axme_writer_batch_jobs histogram\n");
        let mut cumulative = 0;
        for (i, bound) in BATCH_BUCKETS.iter().enumerate() {
            cumulative += self.batch_counts[i].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "axme_writer_batch_jobs_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += self.batch_counts[BATCH_BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "axme_writer_batch_jobs_bucket{{le=\"+Inf\"}} {cumulative}"
        );
        let _ = writeln!(
            out,
            "axme_writer_batch_jobs_sum {}\naxme_writer_batch_jobs_count {}",
            self.batch_sum.load(Ordering::Relaxed),
            self.batches.load(Ordering::Relaxed)
        );
        out
    }
}
