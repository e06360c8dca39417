//! Load on the service: form 2 for a 30-member cell, rendered by `kttdv
//! serve` for 1, 16 and 64 concurrent clients; throughput, latency
//! percentiles, errors, and the server's resident memory over the run.
//!
//! `cargo bench --bench load` (add `-- 20000` for the number of requests at
//! 64 clients, 4,000 by default; options after it go to `kttdv serve`, e.g.
//! `-- 4000 --workers 3`).

#[path = "../tests/it/common.rs"]
#[allow(dead_code)] // the tests' helpers; this bench needs only the server
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    // Cargo passes `--bench` first; the count, then options for the server.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let heavy: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(4000);
    let mut options = vec!["--queue", "4096"];
    options.extend(args.iter().skip(1).map(String::as_str));
    let server = common::Server::start(&options);
    let base = server.base.clone();
    let url = format!("{base}/api/kinds/mau-2/render");
    // Different data on every request, as from many cells.
    let bodies: Arc<Vec<String>> = Arc::new((0..256).map(|seed| kttdv::sample::roster(30, seed).to_string()).collect());
    let client = reqwest::Client::new();
    println!("clients  requests  renders/s  p50 ms  p99 ms  errors  server RSS MiB");
    for (clients, requests) in [(1, 300), (16, 2000), (64, heavy)] {
        let latencies = Arc::new(Mutex::new(Vec::with_capacity(requests)));
        let errors = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let started = Instant::now();
        // The server's memory every 2,000 requests of the run.
        let pid = server.child.id();
        let sampler = {
            let next = next.clone();
            tokio::spawn(async move {
                let mut samples = Vec::new();
                let mut mark = 0;
                while mark < requests {
                    let done = next.load(std::sync::atomic::Ordering::SeqCst);
                    if done >= mark {
                        samples.push((done.min(requests), rss_mib(pid)));
                        mark += 2000;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                samples
            })
        };
        let workers: Vec<_> = (0..clients)
            .map(|_| {
                let (client, url, bodies) = (client.clone(), url.clone(), bodies.clone());
                let (latencies, errors, next) = (latencies.clone(), errors.clone(), next.clone());
                tokio::spawn(async move {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        if i >= requests {
                            break;
                        }
                        let sent = Instant::now();
                        let response = client
                            .post(&url)
                            .header("content-type", "application/json")
                            .body(bodies[i % bodies.len()].clone())
                            .send()
                            .await;
                        let ok = match response {
                            Ok(r) if r.status().is_success() => r.bytes().await.is_ok_and(|b| b.starts_with(b"%PDF")),
                            _ => false,
                        };
                        if !ok {
                            errors.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                        latencies.lock().await.push(sent.elapsed());
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.await.unwrap();
        }
        let elapsed = started.elapsed().as_secs_f64();
        let samples = sampler.await.unwrap();
        let mut latencies = latencies.lock().await.clone();
        latencies.sort();
        println!(
            "{clients:>7}  {requests:>8}  {:>9.1}  {:>6.1}  {:>6.1}  {:>6}  {:>14.1}",
            requests as f64 / elapsed,
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            errors.load(std::sync::atomic::Ordering::SeqCst),
            rss_mib(server.child.id()),
        );
        if requests > 2000 {
            let trace: Vec<String> = samples.iter().map(|(n, mib)| format!("{n}: {mib:.1}")).collect();
            println!("         server RSS MiB by requests sent: {}", trace.join(", "));
        }
    }
}
