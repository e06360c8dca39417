//! Template folders side by side in one process: each given folder replaces
//! built-in templates by path (as `--templates` does; `-` for the built-in
//! ones alone), and the renderers take turns document by document, so the
//! machine's drift (±30 % here) falls on all of them alike and a change of a
//! few per cent shows; each document from its own generated cell or
//! committee (`kttdv::sample::inputs`). The renderers share Typst's
//! memoised results, which are global: a variant that changes what a
//! document keeps warm, or how many passes it takes, is compared in
//! separate processes too (BENCHMARKS.md has one that this run favoured the
//! other way). `cargo bench --bench versus -- KIND COUNT DIR...`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kttdv::{EngineConfig, Kind, Output, PdfFlavour, Renderer};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let [kind, count, dirs @ ..] = args.as_slice() else {
        panic!("usage: versus KIND COUNT DIR... (DIR a folder of templates, or - for the built-in ones)")
    };
    let kind: Kind = kind.parse().expect("a kind, such as packet or tong-hop");
    let count: usize = count.parse().expect("a number of documents");
    // Each renderer its own documents, alike but not the same: the same
    // input would find the other's memoised results warm.
    let inputs = kttdv::sample::inputs(kind, count * dirs.len());
    let renderers: Vec<Renderer> = dirs
        .iter()
        .map(|dir| {
            let templates_dir = (dir != "-").then(|| PathBuf::from(dir));
            Renderer::new(&EngineConfig { templates_dir, fonts_dir: None }).expect("the templates load")
        })
        .collect();
    let make = |renderer: &Renderer, input| {
        renderer.make(kind, input, Output::pdf(PdfFlavour::WITH_DATA)).expect("the document renders")
    };
    // The first document loads what every later one shares: not counted.
    for renderer in &renderers {
        make(renderer, &inputs[0]);
    }
    let inputs: Vec<&[serde_json::Value]> = inputs.chunks(dirs.len()).collect();
    let mut times = vec![Vec::new(); renderers.len()];
    let mut pages = vec![0; renderers.len()];
    for (i, alike) in inputs.iter().enumerate() {
        // Who goes first turns too: the one after another's document may
        // find its memoised results warm.
        for turn in 0..renderers.len() {
            let which = (i + turn) % renderers.len();
            let started = Instant::now();
            let rendered = make(&renderers[which], &alike[which]);
            times[which].push(started.elapsed());
            pages[which] += rendered.pages;
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("{count} × {}, taking turns:", <&str>::from(kind));
    for ((dir, mut times), pages) in dirs.iter().zip(times).zip(pages) {
        times.sort();
        let total: Duration = times.iter().sum();
        let median = ms(times[times.len() / 2]);
        println!("{dir:>24}: {:8.1} ms a document (median {median:.1}), {pages} pages", ms(total) / count as f64);
    }
}
