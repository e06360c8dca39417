//! The `kttdv` command line.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kttdv::input::{self, InputError};
use kttdv::sheet;
use kttdv::{EngineConfig, Error, Kind, PdfFlavour, Renderer};
use serde_json::Value;

/// Exit codes scripts can rely on.
const INVALID_INPUT: u8 = 1;
const USAGE: u8 = 2;
const INTERNAL: u8 = 3;

#[derive(Parser)]
#[command(name = "kttdv", version, about = "Biểu mẫu kiểm tra kỹ thuật thẻ đảng viên (1–7-KTTĐV) ra PDF")]
struct Cli {
    /// Thư mục mẫu thay thế từng tệp của mẫu có sẵn.
    #[arg(long, global = true, env = "KTTDV_TEMPLATES", value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Thư mục phông chữ bổ sung (ví dụ Times New Roman của cơ quan).
    #[arg(long, global = true, env = "KTTDV_FONTS", value_name = "DIR")]
    fonts: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// An input document: JSON, or for the cell kinds a spreadsheet.
#[derive(clap::Args)]
struct InputArgs {
    /// Tệp JSON, bảng tính (.xlsx, .ods, .xls) hoặc .csv; `-` đọc JSON từ đầu vào chuẩn.
    input: PathBuf,
    /// Thông tin chi bộ khi nhập từ bảng tính: KHÓA=GIÁ TRỊ (name, superior, place, date,
    /// reference_date, report_number, has_committee, signer_title, signer_name).
    #[arg(long = "cell", value_name = "KHÓA=GIÁ TRỊ")]
    cell: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Liệt kê các loại văn bản: `<loại><TAB><mô tả>`.
    Kinds,
    /// In JSON Schema của dữ liệu nhập cho một loại văn bản.
    Schema {
        #[arg(value_parser = parse_kind)]
        kind: Kind,
    },
    /// Chỉ kiểm tra dữ liệu nhập.
    Check {
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        #[command(flatten)]
        input: InputArgs,
        /// In lỗi dạng mảng JSON.
        #[arg(long)]
        json: bool,
    },
    /// Kiểm tra rồi xuất PDF.
    Render {
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        #[command(flatten)]
        input: InputArgs,
        /// Tệp PDF ra, hoặc `-` cho đầu ra chuẩn; mặc định đặt tên theo nội dung.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// PDF thường thay cho PDF/A-2b.
        #[arg(long)]
        plain_pdf: bool,
        /// In lỗi dạng mảng JSON.
        #[arg(long)]
        json: bool,
        /// Với `packet`: một tệp ZIP gồm năm PDF thay cho một PDF.
        #[arg(long)]
        zip: bool,
    },
    /// Chuyển danh sách chi bộ từ bảng tính sang JSON (sau khi kiểm tra).
    Import {
        #[command(flatten)]
        input: InputArgs,
        /// Tệp JSON ra, hoặc `-` cho đầu ra chuẩn.
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
        /// In lỗi dạng mảng JSON.
        #[arg(long)]
        json: bool,
    },
    /// Ghi bảng tính mẫu trống để chi bộ nhập danh sách.
    TemplateXlsx {
        #[arg(short, long, default_value = "mau-nhap-danh-sach-dang-vien.xlsx")]
        output: PathBuf,
    },
}

fn parse_kind(name: &str) -> Result<Kind, String> {
    name.parse().map_err(|_| {
        let known: Vec<&str> = Kind::all().map(Kind::name).collect();
        format!("không có loại văn bản «{name}»; các loại: {}", known.join(", "))
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

fn run(cli: Cli) -> Result<(), u8> {
    let config = EngineConfig { templates_dir: cli.templates, fonts_dir: cli.fonts };
    match cli.command {
        Command::Kinds => {
            for kind in Kind::all() {
                println!("{}\t{}", kind.name(), kind.description());
            }
            Ok(())
        }
        Command::Schema { kind } => {
            println!("{}", serde_json::to_string_pretty(&kind.schema()).expect("schemas serialise"));
            Ok(())
        }
        Command::Check { kind, input, json } => {
            let reporter = Reporter { stdout: true, json };
            let renderer = renderer(&config)?;
            let input = Loaded::read(kind, &input, reporter)?;
            match renderer.check(kind, input.value()).map_err(|p| input.relocate(p)) {
                Ok(prepared) => {
                    reporter.warnings(&prepared.warnings);
                    if json {
                        println!("[]");
                    } else {
                        eprintln!("Dữ liệu hợp lệ.");
                    }
                    Ok(())
                }
                Err(problems) => Err(reporter.problems(&problems)),
            }
        }
        Command::Render { kind, input, output, plain_pdf, json, zip } => {
            if zip && kind != Kind::Packet {
                eprintln!("kttdv: --zip chỉ dùng với loại packet");
                return Err(USAGE);
            }
            let reporter = Reporter { stdout: false, json };
            let renderer = renderer(&config)?;
            let flavour = if plain_pdf { PdfFlavour::Plain } else { PdfFlavour::Archival };
            let input = Loaded::read(kind, &input, reporter)?;
            let value = input.value();
            let result = if zip { renderer.render_zip(value, flavour) } else { renderer.render(kind, value, flavour) };
            let rendered = result.map_err(|err| match err {
                Error::Input(problems) => reporter.problems(&input.relocate(problems)),
                Error::Render(err) => {
                    eprintln!("{err}");
                    INTERNAL
                }
            })?;
            reporter.warnings(&rendered.warnings);
            let output = output.unwrap_or_else(|| PathBuf::from(&rendered.file_name));
            write_output(&output, &rendered.bytes)?;
            if output != Path::new("-") {
                eprintln!("Đã ghi {}", output.display());
            }
            Ok(())
        }
        Command::Import { input, output, json } => {
            let reporter = Reporter { stdout: false, json };
            let renderer = renderer(&config)?;
            let input = Loaded::read(Kind::Packet, &input, reporter)?;
            let prepared = renderer
                .check(Kind::Packet, input.value())
                .map_err(|problems| reporter.problems(&input.relocate(problems)))?;
            reporter.warnings(&prepared.warnings);
            let text = serde_json::to_string_pretty(input.value()).expect("JSON serialises") + "\n";
            write_output(&output, text.as_bytes())
        }
        Command::TemplateXlsx { output } => sheet::write_template(&output).map_err(|err| {
            eprintln!("kttdv: không ghi được {}: {err}", output.display());
            INTERNAL
        }),
    }
}

/// The input as read, and how its problems are placed: by JSON path, or by
/// the spreadsheet cell a value came from.
enum Loaded {
    Json(Value),
    Sheet(sheet::Imported),
}

impl Loaded {
    fn read(kind: Kind, args: &InputArgs, reporter: Reporter) -> Result<Self, u8> {
        let spreadsheet = args.input.extension().is_some_and(|e| {
            matches!(e.to_string_lossy().to_ascii_lowercase().as_str(), "xlsx" | "xlsm" | "xls" | "ods" | "csv")
        });
        let loaded = if spreadsheet {
            if kind == Kind::Plan {
                eprintln!("kttdv: loại plan chỉ nhận JSON");
                return Err(USAGE);
            }
            sheet::read(&args.input, &args.cell).map(Loaded::Sheet)
        } else {
            if !args.cell.is_empty() {
                eprintln!("kttdv: --cell chỉ dùng khi nhập từ bảng tính");
                return Err(USAGE);
            }
            input::read_json(&read_text(&args.input)?).map(Loaded::Json).map_err(|e| vec![e])
        };
        loaded.map_err(|problems| reporter.problems(&problems))
    }

    fn value(&self) -> &Value {
        match self {
            Loaded::Json(value) => value,
            Loaded::Sheet(imported) => &imported.roster,
        }
    }

    fn relocate(&self, problems: Vec<InputError>) -> Vec<InputError> {
        match self {
            Loaded::Json(_) => problems,
            Loaded::Sheet(imported) => imported.relocate(problems),
        }
    }
}

fn renderer(config: &EngineConfig) -> Result<Renderer, u8> {
    Renderer::new(config).map_err(|err| {
        eprintln!("kttdv: {err}");
        INTERNAL
    })
}

/// How a command reports problems with its input: `check` as its output,
/// the others on standard error (their output may be the document).
#[derive(Clone, Copy)]
struct Reporter {
    stdout: bool,
    json: bool,
}

impl Reporter {
    /// Reports every problem; the exit code for invalid input.
    fn problems(self, problems: &[InputError]) -> u8 {
        let text = if self.json {
            serde_json::to_string_pretty(problems).expect("errors serialise") + "\n"
        } else {
            problems.iter().map(|p| format!("{p}\n")).collect()
        };
        let _ = if self.stdout {
            std::io::stdout().write_all(text.as_bytes())
        } else {
            std::io::stderr().write_all(text.as_bytes())
        };
        INVALID_INPUT
    }

    /// Warnings do not stop the command; they go to standard error as lines.
    fn warnings(self, warnings: &[InputError]) {
        for warning in warnings {
            eprintln!("{warning}");
        }
    }
}

fn read_text(path: &Path) -> Result<String, u8> {
    let mut text = String::new();
    let result = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    result.map_err(|err| {
        eprintln!("kttdv: không đọc được {}: {err}", path.display());
        INVALID_INPUT
    })?;
    Ok(text)
}

/// Writes through a temporary file and a rename, so a failure never leaves
/// a half-written PDF behind.
fn write_output(path: &Path, bytes: &[u8]) -> Result<(), u8> {
    let fail = |err: std::io::Error| {
        eprintln!("kttdv: không ghi được {}: {err}", path.display());
        INTERNAL
    };
    if path == Path::new("-") {
        return std::io::stdout().write_all(bytes).map_err(fail);
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // A document to share, not a secret: readable like any file the user makes.
    let readable = std::os::unix::fs::PermissionsExt::from_mode(0o644);
    let mut temp = tempfile::Builder::new().permissions(readable).tempfile_in(dir).map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
