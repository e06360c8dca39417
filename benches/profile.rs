//! Where a document's time goes, by what Typst does and by template line:
//! `count` documents of `kind` (default `packet`, 40), each from its own
//! generated cell or committee (`kttdv::sample::inputs`), made one after
//! another, timed by Typst's own spans (typst-timing). Templates in
//! `KTTDV_TEMPLATES` replace the built-in ones, as on the command line.
//! `cargo bench --bench profile -- [kind] [count] [--inclusive] [--cold]`:
//! time spent in a span itself (the default) or with what it calls (its
//! outermost occurrence); `--cold` forgets every memoised layout before each
//! document, as after a long list. The line of a span is read from the
//! template on disk (`KTTDV_TEMPLATES`, else `form-templates/`): build after
//! changing a built-in template. See
//! BENCHMARKS.md.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use kttdv::{EngineConfig, Kind, Output, PdfFlavour, Renderer};
use typst::syntax::{FileId, RootedPath, Source, Span, SpanKind, VirtualPath, VirtualRoot};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let mut plain = args.iter().filter(|a| !a.starts_with("--"));
    let kind: Kind = plain.next().map_or(Kind::Packet, |k| k.parse().expect("a kind, such as packet or mau-2"));
    let count: usize = plain.next().map_or(40, |n| n.parse().expect("a number of cells"));
    let (inclusive, cold) = (flag("--inclusive"), flag("--cold"));

    let templates_dir = std::env::var_os("KTTDV_TEMPLATES").filter(|d| !d.is_empty()).map(std::path::PathBuf::from);
    let renderer = Renderer::new(&EngineConfig { templates_dir: templates_dir.clone(), fonts_dir: None })
        .expect("the templates load");
    let inputs = kttdv::sample::inputs(kind, count);
    let make = |input| renderer.make(kind, input, Output::pdf(PdfFlavour::WITH_DATA)).expect("the document renders");
    // The first document loads what every later one shares: not counted.
    make(&inputs[0]);
    typst_timing::enable();
    let started = std::time::Instant::now();
    for input in &inputs {
        if cold {
            typst::comemo::evict(0);
        }
        make(input);
    }
    let elapsed = started.elapsed();
    typst_timing::disable();

    let sources = template_sources(Path::new("form-templates"), templates_dir.as_deref());
    let mut trace = Vec::new();
    typst_timing::export_json(&mut trace, |raw| {
        let span = Span::from_raw(raw);
        let Some((path, source)) = span.id().and_then(|id| sources.get(&id)) else { return (String::new(), 0) };
        let start = match span.get() {
            SpanKind::Number { num, .. } => source.range(num, None).map(|r| r.start),
            SpanKind::Range { range, .. } => Some(range.start),
            SpanKind::Detached => None,
        };
        let line = start.and_then(|s| source.lines().byte_to_line(s)).map_or(0, |l| l + 1);
        (path.clone(), line as u32)
    })
    .expect("the trace serialises");
    let events: Vec<serde_json::Value> = serde_json::from_slice(&trace).expect("the trace is JSON");

    // Begin and end events nest on each thread (Typst may lay pages out on
    // several): the spans open on each, with the time of their children.
    let mut open_on: HashMap<u64, Vec<(String, f64, f64)>> = HashMap::new();
    let mut by_name: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for event in &events {
        let mut name = event["name"].as_str().unwrap_or_default().to_owned();
        if let Some(file) = event["args"]["file"].as_str().filter(|f| !f.is_empty()) {
            name = format!("{name} {file}:{}", event["args"]["line"]);
        }
        let at = event["ts"].as_f64().unwrap_or_default();
        let open = open_on.entry(event["tid"].as_u64().unwrap_or_default()).or_default();
        match event["ph"].as_str() {
            Some("B") => open.push((name, at, 0.0)),
            Some("E") => {
                let Some((name, began, within)) = open.pop() else { continue };
                let total = at - began;
                if let Some(parent) = open.last_mut() {
                    parent.2 += total;
                }
                if inclusive && open.iter().any(|(outer, ..)| *outer == name) {
                    continue;
                }
                let entry = by_name.entry(name).or_default();
                entry.0 += if inclusive { total } else { total - within };
                entry.1 += 1;
            }
            _ => {}
        }
    }
    let mut rows: Vec<_> = by_name.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    let per = |x: f64| x / count as f64;
    println!(
        "{count} × {}: {:.1} ms a document ({}, {})",
        <&str>::from(kind),
        per(elapsed.as_secs_f64() * 1000.0),
        if inclusive { "with what each calls" } else { "each span's own time" },
        if cold { "memoised layouts forgotten before each" } else { "memoised layouts kept" },
    );
    for (name, (micros, calls)) in rows.iter().take(40) {
        println!("{:>9.2} ms {:>9.1} calls  {name}", per(*micros / 1000.0), per(*calls as f64));
    }
}

/// The templates' sources, numbered as the engine numbers them, by file id:
/// a file in `replaced` rather than its built-in one.
fn template_sources(root: &Path, replaced: Option<&Path>) -> HashMap<FileId, (String, Source)> {
    let mut sources = HashMap::new();
    for folder in ["shared", "forms"] {
        for entry in std::fs::read_dir(root.join(folder)).expect("form-templates/ is here").flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "typ") {
                continue;
            }
            let name = format!("/{folder}/{}", entry.file_name().to_string_lossy());
            let path = replaced.map(|r| r.join(folder).join(entry.file_name())).filter(|p| p.exists()).unwrap_or(path);
            let text = std::fs::read_to_string(&path).expect("a template reads");
            let id = RootedPath::new(VirtualRoot::Project, VirtualPath::new(&name).expect("a path")).intern();
            sources.insert(id, (name, Source::new(id, text)));
        }
    }
    sources
}
