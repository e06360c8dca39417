//! The `kttdv` command line.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kttdv::input::InputError;
use kttdv::{EngineConfig, Error, Kind, PdfFlavour, Renderer};

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
        /// Tệp JSON, hoặc `-` để đọc từ đầu vào chuẩn.
        input: PathBuf,
        /// In lỗi dạng mảng JSON.
        #[arg(long)]
        json: bool,
    },
    /// Kiểm tra rồi xuất PDF.
    Render {
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        /// Tệp JSON, hoặc `-` để đọc từ đầu vào chuẩn.
        input: PathBuf,
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
            let renderer = renderer(&config)?;
            match renderer.check(kind, &read_input(&input)?) {
                Ok(prepared) => {
                    report(&mut std::io::stderr(), &prepared.warnings, false);
                    if json {
                        println!("[]");
                    } else {
                        eprintln!("Dữ liệu hợp lệ.");
                    }
                    Ok(())
                }
                Err(problems) => {
                    report(&mut std::io::stdout(), &problems, json);
                    Err(INVALID_INPUT)
                }
            }
        }
        Command::Render { kind, input, output, plain_pdf, json, zip } => {
            if zip && kind != Kind::Packet {
                eprintln!("kttdv: --zip chỉ dùng với loại packet");
                return Err(USAGE);
            }
            let renderer = renderer(&config)?;
            let flavour = if plain_pdf { PdfFlavour::Plain } else { PdfFlavour::Archival };
            let text = read_input(&input)?;
            let result = if zip { renderer.render_zip(&text, flavour) } else { renderer.render(kind, &text, flavour) };
            let rendered = result.map_err(|err| match err {
                Error::Input(problems) => {
                    report(&mut std::io::stderr(), &problems, json);
                    INVALID_INPUT
                }
                Error::Render(err) => {
                    eprintln!("{err}");
                    INTERNAL
                }
            })?;
            report(&mut std::io::stderr(), &rendered.warnings, false);
            let output = output.unwrap_or_else(|| PathBuf::from(&rendered.file_name));
            write_output(&output, &rendered.bytes)?;
            if output != Path::new("-") {
                eprintln!("Đã ghi {}", output.display());
            }
            Ok(())
        }
    }
}

fn renderer(config: &EngineConfig) -> Result<Renderer, u8> {
    Renderer::new(config).map_err(|err| {
        eprintln!("kttdv: {err}");
        INTERNAL
    })
}

fn report(out: &mut impl Write, problems: &[InputError], json: bool) {
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(problems).expect("errors serialise"));
    } else {
        for problem in problems {
            let _ = writeln!(out, "{problem}");
        }
    }
}

fn read_input(path: &Path) -> Result<String, u8> {
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
