//! The `kttdv` command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use kttdv::assemble::Assembled;
use kttdv::input::InputError;
use kttdv::sheet;
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

/// An input document: JSON, or for the cell kinds a spreadsheet.
#[derive(clap::Args)]
struct InputArgs {
    /// Tệp JSON, bảng tính (.xlsx, .ods, .xls) hoặc .csv; `-` đọc JSON từ đầu vào chuẩn.
    /// Trong JSON của cấp ủy cơ sở và Ban Tổ chức, mỗi mục của `cells` và `committees`
    /// có thể là tên tệp (JSON, bảng tính), thư mục hoặc tệp ZIP, tính từ thư mục của tệp JSON.
    input: PathBuf,
    /// Danh sách đảng viên Ban Tổ chức quản lý (JSON, bảng tính hoặc CSV) để đối chiếu.
    #[arg(long, value_name = "TỆP")]
    roll: Option<PathBuf>,
    /// Thông tin chi bộ khi nhập từ bảng tính: KHÓA=GIÁ TRỊ (name, superior, place, date,
    /// reference_date, report_number, has_committee, signer_title, signer_name).
    #[arg(long = "cell", value_name = "KHÓA=GIÁ TRỊ")]
    cell: Vec<String>,
    /// Cho cấp ủy cơ sở: tệp của các chi bộ (PDF nhận được, kể cả đã ký; JSON, bảng tính,
    /// thư mục, ZIP), tính từ thư mục hiện tại, thay cho `cells` trong tệp JSON.
    #[arg(long, value_name = "TỆP", num_args = 1..)]
    cells: Vec<PathBuf>,
    /// Cho Ban Tổ chức: tệp của các cấp ủy cơ sở, thay cho `committees` trong tệp JSON.
    #[arg(long, value_name = "TỆP", num_args = 1..)]
    committees: Vec<PathBuf>,
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
        /// PDF thường thay cho PDF/A-3b (mặc định, mang kèm dữ liệu nhập).
        #[arg(long, conflicts_with = "pdf_a2")]
        plain_pdf: bool,
        /// PDF/A-2b, không mang kèm dữ liệu nhập.
        #[arg(long)]
        pdf_a2: bool,
        /// In lỗi dạng mảng JSON.
        #[arg(long)]
        json: bool,
        /// Với `packet`: một tệp ZIP gồm năm PDF thay cho một PDF; với `ho-so-co-so`,
        /// `ho-so-ban`: một tệp ZIP thay cho một thư mục.
        #[arg(long)]
        zip: bool,
        /// In vị trí chỗ ký và đóng dấu (trang, hình chữ nhật theo điểm PDF) dạng JSON,
        /// cho công cụ ký số.
        #[arg(long)]
        slots: bool,
        /// Không thêm ô chữ ký số (trường chữ ký rỗng) vào chỗ ký.
        #[arg(long)]
        no_signature_fields: bool,
    },
    /// Đối chiếu đảng viên các đơn vị báo cáo với danh sách Ban Tổ chức quản lý (R10).
    Reconcile {
        /// Dữ liệu của Ban Tổ chức (JSON như loại `mau-7`).
        submissions: PathBuf,
        /// Danh sách quản lý: JSON, bảng tính hoặc CSV.
        roll: PathBuf,
        /// Tệp ra, hoặc `-` cho đầu ra chuẩn; mặc định đặt tên theo nội dung.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Ghi kết quả dạng JSON thay cho PDF (lỗi dữ liệu cũng in dạng JSON).
        #[arg(long)]
        json: bool,
        /// PDF thường thay cho PDF/A-3b.
        #[arg(long)]
        plain_pdf: bool,
    },
    /// Lấy dữ liệu nhập mà một PDF của kttdv mang kèm (kể cả PDF đã ký).
    Extract {
        /// Tệp PDF.
        pdf: PathBuf,
        /// Tệp JSON ra, hoặc `-` cho đầu ra chuẩn.
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
        /// In lỗi dạng mảng JSON.
        #[arg(long)]
        json: bool,
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
    /// Chạy dịch vụ web và API (HTTP).
    Serve {
        /// Địa chỉ lắng nghe; cổng 0 để hệ điều hành chọn cổng trống.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Số đảng viên tối đa trong một yêu cầu.
        #[arg(long, default_value_t = kttdv::serve::Limits::default().max_members)]
        max_members: usize,
        /// Số yêu cầu được chờ khi mọi luồng xuất đều bận; quá số này trả 429.
        #[arg(long, default_value_t = kttdv::serve::Limits::default().queue)]
        queue: usize,
        /// Số văn bản xuất cùng lúc; mặc định bằng số lõi.
        #[arg(long, default_value_t = kttdv::serve::Limits::default().workers)]
        workers: usize,
        /// Số giây một yêu cầu được chờ; quá thì trả 503.
        #[arg(long, default_value_t = kttdv::serve::Limits::default().wait.as_secs())]
        wait: u64,
        /// Kích thước tối đa của dữ liệu gửi lên, tính bằng MiB.
        #[arg(long, default_value_t = kttdv::serve::Limits::default().body_bytes / (1024 * 1024))]
        max_body_mib: usize,
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
            let input = load(kind, &input, reporter)?;
            match renderer.check(kind, &input.value).map_err(|p| input.relocate(p)) {
                Ok(warnings) => {
                    reporter.warnings(&input.relocate(warnings));
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
        Command::Render { kind, input, output, plain_pdf, pdf_a2, json, zip, slots, no_signature_fields } => {
            if zip && !(kind == Kind::Packet || kind.is_bundle()) {
                eprintln!("kttdv: --zip chỉ dùng với các loại packet, ho-so-co-so, ho-so-ban");
                return Err(USAGE);
            }
            if slots && (zip || kind.is_bundle()) {
                eprintln!("kttdv: --slots chỉ dùng khi xuất một PDF");
                return Err(USAGE);
            }
            let reporter = Reporter { stdout: false, json };
            let renderer = renderer(&config)?;
            let flavour = match (plain_pdf, pdf_a2) {
                (true, _) => PdfFlavour::PLAIN,
                (_, true) => PdfFlavour::ARCHIVAL,
                _ => PdfFlavour::WITH_DATA,
            };
            let flavour = if no_signature_fields { flavour.without_signature_fields() } else { flavour };
            let input = load(kind, &input, reporter)?;
            let fail = |err| match err {
                Error::Input(problems) => reporter.problems(&input.relocate(problems)),
                Error::Render(err) => {
                    eprintln!("{err}");
                    INTERNAL
                }
            };
            let as_folder = kind.is_bundle()
                && !zip
                && output.as_ref().is_none_or(|o| o != Path::new("-") && o.extension().is_none_or(|e| e != "zip"));
            if as_folder {
                let bar = progress_bar("Xuất");
                let bundle = renderer
                    .render_files(kind, &input.value, flavour, &|done, of| {
                        bar.set_length(of as u64);
                        bar.set_position(done as u64);
                    })
                    .map_err(fail)?;
                bar.finish_and_clear();
                reporter.warnings(&input.relocate(bundle.warnings));
                let folder = output.unwrap_or_else(|| PathBuf::from(&bundle.name));
                for (name, bytes) in &bundle.files {
                    write_output(&folder.join(name), bytes)?;
                }
                eprintln!("Đã ghi {} tệp vào {}", bundle.files.len(), folder.display());
                return Ok(());
            }
            let result = if zip {
                renderer.render_zip(kind, &input.value, flavour)
            } else {
                renderer.render(kind, &input.value, flavour)
            };
            let rendered = result.map_err(fail)?;
            reporter.warnings(&input.relocate(rendered.warnings));
            let output = output.unwrap_or_else(|| PathBuf::from(&rendered.file_name));
            write_output(&output, &rendered.bytes)?;
            if output != Path::new("-") {
                eprintln!("Đã ghi {}", output.display());
            }
            if slots {
                let text = serde_json::to_string_pretty(&rendered.slots).expect("slots serialise");
                // Standard output, unless the PDF went there.
                if output == Path::new("-") {
                    eprintln!("{text}");
                } else {
                    println!("{text}");
                }
            }
            Ok(())
        }
        Command::Reconcile { submissions, roll, output, json, plain_pdf } => {
            let reporter = Reporter { stdout: false, json };
            let args = InputArgs {
                input: submissions,
                roll: Some(roll),
                cell: Vec::new(),
                cells: Vec::new(),
                committees: Vec::new(),
            };
            let input = load(Kind::Reconciliation, &args, reporter)?;
            let (bytes, file_name, warnings) = if json {
                let checked = kttdv::kinds::reconcile(&input.value)
                    .map_err(|problems| reporter.problems(&input.relocate(problems)))?;
                let text = serde_json::to_string_pretty(&checked.value).expect("JSON serialises") + "\n";
                (text.into_bytes(), "doi-chieu-kttdv.json".to_owned(), checked.warnings)
            } else {
                let renderer = renderer(&config)?;
                let flavour = if plain_pdf { PdfFlavour::PLAIN } else { PdfFlavour::ARCHIVAL };
                let rendered =
                    renderer.render(Kind::Reconciliation, &input.value, flavour).map_err(|err| match err {
                        Error::Input(problems) => reporter.problems(&input.relocate(problems)),
                        Error::Render(err) => {
                            eprintln!("{err}");
                            INTERNAL
                        }
                    })?;
                (rendered.bytes, rendered.file_name, rendered.warnings)
            };
            reporter.warnings(&input.relocate(warnings));
            let output = output.unwrap_or_else(|| PathBuf::from(file_name));
            write_output(&output, &bytes)?;
            if output != Path::new("-") {
                eprintln!("Đã ghi {}", output.display());
            }
            Ok(())
        }
        Command::Extract { pdf, output, json } => {
            let reporter = Reporter { stdout: false, json };
            let bytes = std::fs::read(&pdf).map_err(|err| {
                eprintln!("kttdv: không đọc được {}: {err}", pdf.display());
                INVALID_INPUT
            })?;
            let attached = kttdv::attachment::extract(&bytes).map_err(|mut problem| {
                problem.file = Some(pdf.display().to_string());
                reporter.problems(&[problem])
            })?;
            eprintln!(
                "{}: loại {}, mẫu {}, SHA-256 {}",
                pdf.display(),
                attached.kind,
                attached.template_version,
                attached.sha256
            );
            let text = serde_json::to_string_pretty(&attached.input).expect("JSON serialises") + "\n";
            write_output(&output, text.as_bytes())
        }
        Command::Import { input, output, json } => {
            let reporter = Reporter { stdout: false, json };
            let renderer = renderer(&config)?;
            let input = load(Kind::Packet, &input, reporter)?;
            let warnings = renderer
                .check(Kind::Packet, &input.value)
                .map_err(|problems| reporter.problems(&input.relocate(problems)))?;
            reporter.warnings(&input.relocate(warnings));
            let text = serde_json::to_string_pretty(&input.value).expect("JSON serialises") + "\n";
            write_output(&output, text.as_bytes())
        }
        Command::Serve { addr, max_members, queue, workers, wait, max_body_mib } => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info,tower_http=info".into()),
                )
                .with_writer(std::io::stderr)
                .init();
            let limits = kttdv::serve::Limits {
                body_bytes: max_body_mib * 1024 * 1024,
                max_members,
                workers,
                queue,
                wait: std::time::Duration::from_secs(wait),
            };
            let runtime = tokio::runtime::Runtime::new().map_err(|err| {
                eprintln!("kttdv: {err}");
                INTERNAL
            })?;
            let config = kttdv::serve::Config { addr, engine: config, limits };
            runtime
                .block_on(kttdv::serve::run(config, |addr| {
                    println!("kttdv đang phục vụ tại http://{addr}");
                    let _ = std::io::stdout().flush();
                }))
                .map_err(|err| {
                    eprintln!("kttdv: {err}");
                    INTERNAL
                })
        }
        Command::TemplateXlsx { output } => sheet::write_template(&output).map_err(|err| {
            eprintln!("kttdv: không ghi được {}: {err}", output.display());
            INTERNAL
        }),
    }
}

/// Reads the input of `kind`, the files it names and the roll, showing
/// progress on a terminal when there are many files.
fn load(kind: Kind, args: &InputArgs, reporter: Reporter) -> Result<Assembled, u8> {
    let spreadsheet = sheet::is_spreadsheet(&args.input);
    if spreadsheet && matches!(kind, Kind::Plan) {
        eprintln!("kttdv: loại plan chỉ nhận JSON");
        return Err(USAGE);
    }
    if !spreadsheet && !args.cell.is_empty() {
        eprintln!("kttdv: --cell chỉ dùng khi nhập từ bảng tính");
        return Err(USAGE);
    }
    let listed: Vec<(&str, &[PathBuf])> = [("cells", &args.cells), ("committees", &args.committees)]
        .into_iter()
        .filter(|(_, files)| !files.is_empty())
        .map(|(key, files)| (key, files.as_slice()))
        .collect();
    if spreadsheet && !listed.is_empty() {
        eprintln!("kttdv: --cells và --committees chỉ dùng với tệp JSON của cấp ủy cơ sở, Ban Tổ chức");
        return Err(USAGE);
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
fn progress_bar(verb: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    let template = format!("{verb} {{bar:30}} {{pos}}/{{len}} tệp {{wide_msg}}");
    bar.set_style(ProgressStyle::with_template(&template).expect("a valid template"));
    bar
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
    std::fs::create_dir_all(dir).map_err(fail)?;
    // A document to share, not a secret: readable like any file the user makes.
    let readable = std::os::unix::fs::PermissionsExt::from_mode(0o644);
    let mut temp = tempfile::Builder::new().permissions(readable).tempfile_in(dir).map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
