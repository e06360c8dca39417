//! A whole Bloc's submission — `committees` grassroots committees of four
//! cells of `members` members — made on one thread and on every core, side
//! by side in one run, then with every cell's packet too (the whole Bloc),
//! with the bytes written. `cargo bench --bench bloc
//! [committees] [members]`; defaults 100 and 20 (8,000 members). See
//! BENCHMARKS.md.

use std::time::Instant;

use kttdv::{EngineConfig, Kind, Output, PdfFlavour, Renderer};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (committees, members) = (args.first().copied().unwrap_or(100), args.get(1).copied().unwrap_or(20));
    let input = kttdv::sample::bloc(committees, members);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for (threads, cells) in [(1, false), (cores, false), (cores, true)] {
        let renderer = Renderer::new(&EngineConfig::default()).unwrap().with_cell_packets(cells);
        let started = Instant::now();
        let submission = renderer.submission(Kind::HoSoBan, &input, PdfFlavour::WITH_DATA).unwrap();
        let (mut files, mut bytes) = (0, 0);
        renderer
            .render_files(
                submission,
                Output::pdf(PdfFlavour::WITH_DATA).on_threads(threads),
                &|_, _| {},
                &mut |_, made| {
                    files += 1;
                    bytes += made.len();
                    Ok(())
                },
            )
            .unwrap();
        println!(
            "{committees} committees × 4 cells × {members} members, {threads} thread(s){}: {:.1} s, {} files, {:.1} MB",
            if cells { ", with the cells' packets" } else { "" },
            started.elapsed().as_secs_f64(),
            files,
            bytes as f64 / 1e6
        );
    }
}
