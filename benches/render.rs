//! Renders form 2 for 30 and 2,000 members, with different data on every
//! iteration, and reports the PDF size; also without the signature fields,
//! to show what adding them costs. See BENCHMARKS.md.

use std::cell::Cell;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kttdv::{EngineConfig, Kind, PdfFlavour, Renderer};

/// As the binary does: the allocator is set there, not in the library.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn render_form_2(c: &mut Criterion) {
    let renderer = Renderer::new(&EngineConfig::default()).expect("engine starts");
    let mut group = c.benchmark_group("mau-2");
    group.sample_size(20);
    for members in [30, 2000] {
        let seed = Cell::new(0u64);
        let size = renderer
            .make(Kind::Mau2, &kttdv::sample::roster(members, 0), kttdv::Output::pdf(PdfFlavour::ARCHIVAL))
            .expect("renders")
            .bytes
            .len();
        println!("mau-2 {members} members: PDF {size} bytes ({:.1} KiB)", size as f64 / 1024.0);
        let flavours = [("", PdfFlavour::ARCHIVAL), (" bare", PdfFlavour::ARCHIVAL.without_signature_fields())];
        for (label, flavour) in flavours {
            let id = BenchmarkId::from_parameter(format!("{members}{label}"));
            group.bench_with_input(id, &members, |b, &members| {
                b.iter_batched(
                    || {
                        seed.set(seed.get() + 1);
                        kttdv::sample::roster(members, seed.get())
                    },
                    |input| renderer.make(Kind::Mau2, &input, kttdv::Output::pdf(flavour)).expect("renders"),
                    criterion::BatchSize::SmallInput,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, render_form_2);
criterion_main!(benches);
