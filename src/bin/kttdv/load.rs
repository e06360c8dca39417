//! Reading a command's input: the document, the files it names, the roll.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use kttdv::Assembled;
use kttdv::Kind;

use crate::args::InputArgs;
use crate::report::{Exit, Reporter, usage};

/// Reads the input of `kind`, the files it names and the roll, showing
/// progress on a terminal when there are many files.
pub fn load(kind: Kind, args: &InputArgs, reporter: Reporter) -> Result<Assembled, Exit> {
    let spreadsheet = kttdv::is_spreadsheet(&args.input);
    if spreadsheet && matches!(kind, Kind::Plan) {
        return Err(usage("loại plan chỉ nhận JSON"));
    }
    if !spreadsheet && !args.cell.is_empty() {
        return Err(usage("--cell chỉ dùng khi nhập từ bảng tính"));
    }
    let listed: Vec<(&str, &[PathBuf])> = [("cells", &args.cells), ("committees", &args.committees)]
        .into_iter()
        .filter(|(_, files)| !files.is_empty())
        .map(|(key, files)| (key, files.as_slice()))
        .collect();
    if spreadsheet && !listed.is_empty() {
        return Err(usage("--cells và --committees chỉ dùng với tệp JSON của cấp ủy cơ sở, Ban Tổ chức"));
    }
    let bar = progress_bar("Đọc");
    let read = Assembled::read_listing(&args.input, &args.cell, &listed, &|file| {
        bar.inc_length(1);
        bar.inc(1);
        bar.set_message(file.to_owned());
    });
    bar.finish_and_clear();
    let mut assembled = read.map_err(|problems| reporter.problems(&problems))?;
    if let Some(roll) = &args.roll {
        assembled.add_roll(roll).map_err(|problems| reporter.problems(&problems))?;
    }
    Ok(assembled)
}

/// A progress bar on standard error; hidden when that is not a terminal.
pub fn progress_bar(verb: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    let template = format!("{verb} {{bar:30}} {{pos}}/{{len}} tệp {{wide_msg}}");
    bar.set_style(ProgressStyle::with_template(&template).expect("a valid template"));
    bar
}
