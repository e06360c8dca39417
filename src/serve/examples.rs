//! The examples of `examples/`, built into the binary: each kind's example
//! input, with the files it names read in, as `GET …/example` returns it and
//! as the warm-up renders it.

use std::collections::HashMap;

use include_dir::{Dir, include_dir};
use serde_json::Value;

use crate::assemble::Assembled;
use crate::kinds::Kind;

static EXAMPLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/examples");

pub struct Examples {
    inputs: HashMap<&'static str, Value>,
}

/// The example file of each kind.
fn example_file(kind: Kind) -> &'static str {
    match kind {
        Kind::Plan => "plan.json",
        Kind::BienBan => "bien-ban-giao-nhan.json",
        Kind::Mau1 | Kind::Mau2 | Kind::Mau3 | Kind::Mau4 | Kind::Mau5 | Kind::Packet => "cell.json",
        Kind::Mau6 | Kind::TongHop | Kind::HoSoCoSo => "committee.json",
        Kind::Mau7 | Kind::DoiChieu | Kind::HoSoBan => "board.json",
    }
}

impl Examples {
    /// Reads the examples as the command line would, from a copy on disk.
    pub fn load() -> std::io::Result<Self> {
        let dir = tempfile::tempdir()?;
        EXAMPLES.extract(dir.path())?;
        let mut inputs = HashMap::new();
        for kind in Kind::all() {
            let path = dir.path().join(example_file(kind));
            let assembled = Assembled::read(&path, &[], &|_| {}).map_err(|problems| {
                std::io::Error::other(format!("ví dụ {} không đọc được: {problems:?}", path.display()))
            })?;
            inputs.insert(kind.name(), assembled.value);
        }
        Ok(Self { inputs })
    }

    pub fn input(&self, kind: Kind) -> &Value {
        &self.inputs[kind.name()]
    }
}
