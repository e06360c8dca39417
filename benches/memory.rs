//! Resident memory over many renders in one process, each with fresh data:
//! the memoisation cache must not grow. `cargo bench --bench memory [N]`.

use kttdv::{EngineConfig, Kind, PdfFlavour, Renderer};

/// As the binary does: the allocator is set there, not in the library.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS line")
}

fn main() {
    // `cargo bench` passes `--bench`; a number among the arguments sets the count.
    let renders: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(5000);
    let renderer = Renderer::new(&EngineConfig::default()).expect("engine starts");
    let start = std::time::Instant::now();
    println!("{:>7} {:>10} {:>9}", "renders", "RSS (MiB)", "seconds");
    for i in 1..=renders {
        let input = kttdv::sample::roster(30, i);
        renderer.make(Kind::Mau2, &input, kttdv::Output::pdf(PdfFlavour::ARCHIVAL)).expect("renders");
        if i == 1 || i % (renders / 10).max(1) == 0 {
            println!("{i:>7} {:>10.1} {:>9.1}", resident_kib() as f64 / 1024.0, start.elapsed().as_secs_f64());
        }
    }
}
