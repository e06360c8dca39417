//! The `kttdv` command line: one function per verb. The options are in
//! `args`, reading the input in `load`, what is reported and the exit codes
//! in `report`.

mod args;
mod load;
mod report;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use kttdv::campaign::{NewCampaign, UnitsFrom};
use kttdv::{EngineConfig, Kind, Output, PdfFlavour, Renderer};

use crate::args::{
    AdminAction, CampaignAction, CampaignInitArgs, CheckArgs, Cli, Command, ExtractArgs, ImportArgs, InputArgs,
    ReconcileArgs, RenderArgs, SampleArgs, SampleOf, ServeArgs, StoreAction, StoreArgs, TemplateXlsxArgs,
};
use crate::load::{load, progress_bar};
use crate::report::{Exit, Folder, Reporter, internal, usage, write_document, write_output, write_private_document};

/// Layout allocates and frees many small objects; glibc's allocator was a
/// sixth of a render's time (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = EngineConfig { templates_dir: cli.templates, fonts_dir: cli.fonts };
    let outcome = match cli.command {
        Command::Kinds => kinds(),
        Command::Schema { kind } => schema(kind),
        Command::Check(args) => check(&config, args),
        Command::Render(args) => render(&config, args),
        Command::Reconcile(args) => reconcile(&config, args),
        Command::Extract(args) => extract(args),
        Command::Import(args) => import(&config, args),
        Command::Serve(args) => serve(config, args),
        Command::TemplateXlsx(args) => template_xlsx(args),
        Command::Sample(args) => sample(args),
        Command::Admin { action: AdminAction::CreateUser { login, role, campaign, unit, url, store } } => {
            create_user(login, &role, campaign, unit, &url, &store)
        }
        Command::Campaign { action: CampaignAction::Init(args) } => campaign_init(&config, args),
        Command::Campaign { action: CampaignAction::List(store) } => campaign_list(&store),
        Command::Campaign { action: CampaignAction::Export { code, output, store } } => {
            campaign_export(&code, output, &store)
        }
        Command::Campaign { action: CampaignAction::Import { input, store } } => campaign_import(&input, &store),
        Command::Store { action: StoreAction::Backup { file, store } } => store_backup(&file, &store),
        Command::Store { action: StoreAction::Restore { file, data } } => store_restore(&file, &data),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(exit) => exit.into(),
    }
}

fn kinds() -> Result<(), Exit> {
    for kind in Kind::all() {
        println!("{}\t{}", kind.name(), kind.description());
    }
    Ok(())
}

fn schema(kind: Kind) -> Result<(), Exit> {
    println!("{}", serde_json::to_string_pretty(&kind.schema()).expect("schemas serialise"));
    Ok(())
}

fn check(config: &EngineConfig, CheckArgs { kind, input, json }: CheckArgs) -> Result<(), Exit> {
    let reporter = Reporter { stdout: true, json };
    let renderer = renderer(config)?;
    let input = load(kind, &input, reporter)?;
    let warnings =
        renderer.check(kind, &input.value).map_err(|problems| reporter.problems(&input.relocate(problems)))?;
    reporter.warnings(&input.warnings(warnings));
    if json {
        println!("[]");
    } else {
        eprintln!("Dữ liệu hợp lệ.");
    }
    Ok(())
}

fn render(config: &EngineConfig, args: RenderArgs) -> Result<(), Exit> {
    let RenderArgs { kind, zip, slots, json, with_cells, template_data, .. } = args;
    if template_data && (kind == Kind::Packet || kind.is_bundle()) {
        return Err(usage(
            "--template-data chỉ dùng với loại xuất một mẫu (không dùng với packet, ho-so-co-so, ho-so-ban)",
        ));
    }
    if with_cells && kind != Kind::HoSoBan {
        return Err(usage("--with-cells chỉ dùng với ho-so-ban"));
    }
    if zip && !(kind == Kind::Packet || kind.is_bundle()) {
        return Err(usage("--zip chỉ dùng với các loại packet, ho-so-co-so, ho-so-ban"));
    }
    if slots && (zip || kind.is_bundle()) {
        return Err(usage("--slots chỉ dùng khi xuất một PDF"));
    }
    let reporter = Reporter { stdout: false, json };
    let renderer = renderer(config)?.with_cell_packets(with_cells);
    let flavour = args.flavour();
    let mut input = load(kind, &args.input, reporter)?;
    let output = args.output;
    if template_data {
        let (template, data) =
            renderer.template_data(kind, &input.value).map_err(|err| reporter.failed(&input, err))?;
        eprintln!("Mẫu {template} đọc dữ liệu này ở /data.json");
        return write_document(&output.unwrap_or_else(|| PathBuf::from("data.json")), &data);
    }
    let as_folder = kind.is_bundle()
        && !zip
        && output.as_ref().is_none_or(|o| o != Path::new("-") && o.extension().is_none_or(|e| e != "zip"));
    if as_folder {
        let value = std::mem::take(&mut input.value);
        let submission = renderer.submission(kind, &value, flavour).map_err(|err| reporter.failed(&input, err))?;
        // What the files carry is sealed: the input is not needed while they are laid out.
        drop(value);
        reporter.warnings(&input.warnings(submission.warnings.clone()));
        let folder =
            Folder::start(&output.unwrap_or_else(|| PathBuf::from(&submission.name)), submission.file_names())?;
        let bar = progress_bar("Xuất");
        let mut written = 0;
        let made = renderer.render_files(
            submission,
            Output::pdf(flavour).on_threads(cores()),
            &|done, of| {
                bar.set_length(of as u64);
                bar.set_position(done as u64);
            },
            &mut |name, bytes| {
                written += 1;
                folder.write(name, &bytes)
            },
        );
        bar.finish_and_clear();
        made.map_err(|err| reporter.failed(&input, err))?;
        let path = folder.path().display().to_string();
        folder.finish()?;
        eprintln!("Đã ghi {written} tệp vào {path}");
        return Ok(());
    }
    let made_as = if zip { Output::zip(flavour) } else { Output::pdf(flavour) };
    let value = std::mem::take(&mut input.value);
    let document =
        renderer.document(kind, &value, made_as.on_threads(cores())).map_err(|err| reporter.failed(&input, err))?;
    // A province's input is 57 MB as a tree of values: let it go before the layout.
    drop(value);
    let rendered = renderer.lay_out(document).map_err(|err| reporter.failed(&input, err))?;
    reporter.warnings(&input.warnings(rendered.warnings));
    let output = output.unwrap_or_else(|| PathBuf::from(&rendered.file_name));
    write_document(&output, &rendered.bytes)?;
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

fn reconcile(config: &EngineConfig, args: ReconcileArgs) -> Result<(), Exit> {
    let ReconcileArgs { submissions, roll, output, json, plain_pdf } = args;
    let reporter = Reporter { stdout: false, json };
    let args =
        InputArgs { input: submissions, roll: Some(roll), cell: Vec::new(), cells: Vec::new(), committees: Vec::new() };
    let input = load(Kind::DoiChieu, &args, reporter)?;
    let (bytes, file_name, warnings) = if json {
        let checked =
            kttdv::reconcile(&input.value).map_err(|problems| reporter.problems(&input.relocate(problems)))?;
        let text = serde_json::to_string_pretty(&checked.value).expect("JSON serialises") + "\n";
        (text.into_bytes(), "doi-chieu-kttdv.json".to_owned(), checked.warnings)
    } else {
        let renderer = renderer(config)?;
        let flavour = if plain_pdf { PdfFlavour::PLAIN } else { PdfFlavour::ARCHIVAL };
        let rendered = renderer
            .make(Kind::DoiChieu, &input.value, Output::pdf(flavour))
            .map_err(|err| reporter.failed(&input, err))?;
        (rendered.bytes, rendered.file_name, rendered.warnings)
    };
    reporter.warnings(&input.warnings(warnings));
    write_document(&output.unwrap_or_else(|| PathBuf::from(file_name)), &bytes)
}

fn extract(ExtractArgs { pdf, output, json }: ExtractArgs) -> Result<(), Exit> {
    let reporter = Reporter { stdout: false, json };
    let bytes = std::fs::read(&pdf).map_err(|err| {
        eprintln!("kttdv: không đọc được {}: {err}", pdf.display());
        Exit::InvalidInput
    })?;
    let attached = kttdv::extract(&bytes).map_err(|mut problem| {
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

fn import(config: &EngineConfig, ImportArgs { input, output, json }: ImportArgs) -> Result<(), Exit> {
    let reporter = Reporter { stdout: false, json };
    let renderer = renderer(config)?;
    let input = load(Kind::Packet, &input, reporter)?;
    let warnings =
        renderer.check(Kind::Packet, &input.value).map_err(|problems| reporter.problems(&input.relocate(problems)))?;
    reporter.warnings(&input.warnings(warnings));
    let text = serde_json::to_string_pretty(&input.value).expect("JSON serialises") + "\n";
    write_output(&output, text.as_bytes())
}

fn serve(engine: EngineConfig, args: ServeArgs) -> Result<(), Exit> {
    let ServeArgs {
        addr,
        max_members,
        queue,
        workers,
        wait,
        max_body_mib,
        max_connections,
        header_timeout,
        body_timeout,
        uploads,
        require_sign_in,
        trusted_proxies,
        smtp,
        smtp_from,
        public_url,
        store,
    } = args;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let limits = kttdv::serve::Limits {
        body_bytes: max_body_mib * 1024 * 1024,
        max_members,
        workers,
        queue,
        wait: std::time::Duration::from_secs(wait),
        connections: max_connections,
        header_timeout: std::time::Duration::from_secs(header_timeout.max(1)),
        body_timeout: std::time::Duration::from_secs(body_timeout.max(1)),
        uploads,
    };
    let mailer = match smtp.as_deref().map(|url| kttdv::mail::Mailer::new(url, &smtp_from)).transpose() {
        Ok(mailer) => mailer,
        Err(err) => {
            eprintln!("kttdv: {err}");
            return Err(Exit::Usage);
        }
    };
    let public_url = public_url.map(|url| url.trim_end_matches('/').to_owned());
    let runtime = tokio::runtime::Runtime::new().map_err(internal)?;
    let config = kttdv::serve::Config {
        addr,
        engine,
        limits,
        store: store.location(),
        require_sign_in,
        trusted_proxies,
        mailer,
        public_url,
    };
    runtime
        .block_on(kttdv::serve::run(config, |addr| {
            println!("kttdv đang phục vụ tại http://{addr}");
            let _ = std::io::stdout().flush();
        }))
        .map_err(|err| match err {
            kttdv::serve::ServeError::Store(err) => {
                eprintln!("kttdv: {err}");
                Exit::Store
            }
            err => internal(err),
        })
}

fn template_xlsx(TemplateXlsxArgs { output }: TemplateXlsxArgs) -> Result<(), Exit> {
    kttdv::write_template(&output).map_err(|err| internal(format!("không ghi được {}: {err}", output.display())))
}

fn campaign_init(config: &EngineConfig, args: CampaignInitArgs) -> Result<(), Exit> {
    let CampaignInitArgs { settings, code, from, units, roll, store } = args;
    let reporter = Reporter { stdout: false, json: false };
    let text = std::fs::read_to_string(&settings)
        .map_err(|err| internal(format!("không đọc được {}: {err}", settings.display())))?;
    let board;
    let from = match (&from, &units, &roll) {
        (None, Some(units), roll) => UnitsFrom::Units { units, roll: roll.as_deref() },
        (Some(path), _, roll) => {
            let args = InputArgs {
                input: path.clone(),
                roll: roll.clone(),
                cell: Vec::new(),
                cells: Vec::new(),
                committees: Vec::new(),
            };
            let input = load(Kind::HoSoBan, &args, reporter)?;
            let warnings = renderer(config)?
                .check(Kind::HoSoBan, &input.value)
                .map_err(|problems| reporter.problems(&input.relocate(problems)))?;
            reporter.warnings(&input.warnings(warnings));
            board = input.value;
            UnitsFrom::Board(&board)
        }
        (None, None, Some(roll)) => UnitsFrom::Roll(roll),
        (None, None, None) => {
            return Err(usage(
                "cần --from (hồ sơ Ban Tổ chức), --units (danh sách đơn vị) hoặc --roll (danh sách quản lý)",
            ));
        }
    };
    let new = NewCampaign::read(code, &settings, text, from).map_err(|err| match err {
        kttdv::campaign::Error::Input(problems) => reporter.problems(&problems),
        err => {
            eprintln!("kttdv: {}: {err}", settings.display());
            Exit::InvalidInput
        }
    })?;
    let location = store.location();
    let place = location.describe();
    with_store(&location, |store| async move {
        new.create(&store, None).await?;
        let (code, tree) = (&new.code, &new.tree);
        use kttdv::campaign::Level;
        let count = |level| tree.units.iter().filter(|u| u.level == level).count();
        let base = match count(Level::BaseCell) {
            0 => String::new(),
            n => format!(" ({n} là chi bộ cơ sở)"),
        };
        eprintln!(
            "Đã tạo chiến dịch «{code}»: {} tổ chức cơ sở đảng{base}, {} chi bộ, {} bản dữ liệu; kho {}",
            count(Level::Committee) + count(Level::BaseCell),
            count(Level::Cell),
            tree.parts.len(),
            place
        );
        Ok(())
    })
}

fn create_user(
    login: String,
    role: &str,
    campaign: Option<String>,
    unit: Option<String>,
    url: &str,
    store: &StoreArgs,
) -> Result<(), Exit> {
    let role: kttdv::campaign::Role = role.parse().map_err(|_| usage("vai trò không rõ"))?;
    let login: kttdv::campaign::Login =
        login.parse().map_err(|e: kttdv::campaign::LoginError| usage(&e.to_string()))?;
    let location = store.location();
    let url = url.trim_end_matches('/').to_owned();
    with_store(&location, |store| async move {
        let place = campaign.as_deref().zip(unit.as_deref());
        let (account, token) = kttdv::campaign::first_account(&store, &login, role, place).await?;
        eprintln!(
            "Đã tạo tài khoản «{}» ({}). Liên kết đăng nhập một lần, hết hạn sau 72 giờ:",
            account.login,
            account.role.label()
        );
        println!("{url}/web/invitation/{token}");
        Ok(())
    })
}

fn campaign_list(store: &StoreArgs) -> Result<(), Exit> {
    with_store(&store.location(), |store| async move {
        for campaign in store.campaigns().await? {
            println!("{}\t{}", campaign.code, campaign.name);
        }
        Ok(())
    })
}

fn campaign_export(code: &str, output: Option<PathBuf>, store: &StoreArgs) -> Result<(), Exit> {
    let output = output.unwrap_or_else(|| PathBuf::from(format!("{code}.zip")));
    let location = store.location();
    let code = code.to_owned();
    let exported = code.clone();
    let bytes = with_store(&location, |store| async move { kttdv::campaign::export(&store, &exported).await })?;
    write_private_document(&output, &bytes)?;
    // Every member's data left the store: the log says so, after the export,
    // which so stays what the campaign was when it was taken.
    let note = format!("xuất ra {}", output.display());
    with_store(&location, |store| async move {
        let event = kttdv::store::NewEvent {
            campaign: Some(&code),
            note: Some(&note),
            ..kttdv::store::NewEvent::of(kttdv::store::EventAction::Export)
        };
        store.log(&event).await
    })
}

fn campaign_import(input: &Path, store: &StoreArgs) -> Result<(), Exit> {
    let location = store.location();
    let place = location.describe();
    with_store(&location, |store| async move {
        let code = kttdv::campaign::import(&store, input).await?;
        eprintln!("Đã nhập chiến dịch «{code}» vào kho {place}");
        Ok(())
    })
}

fn store_backup(file: &Path, store: &StoreArgs) -> Result<(), Exit> {
    let location = store.location();
    with_store(&location, |store| async move {
        kttdv::store::backup(&store, file).await?;
        eprintln!("Đã sao lưu kho vào {}", file.display());
        Ok(())
    })
}

fn store_restore(file: &Path, data: &Path) -> Result<(), Exit> {
    let runtime = tokio::runtime::Runtime::new().map_err(internal)?;
    runtime.block_on(kttdv::store::restore(file, data)).map_err(|err| {
        eprintln!("kttdv: {err}");
        Exit::InvalidInput
    })?;
    eprintln!("Đã khôi phục kho từ {} vào {}", file.display(), data.display());
    Ok(())
}

/// Runs `work` on the opened store; a store that cannot be opened is exit 4.
fn with_store<T, F: Future<Output = Result<T, kttdv::store::StoreError>>>(
    location: &kttdv::store::Location,
    work: impl FnOnce(kttdv::store::Store) -> F,
) -> Result<T, Exit> {
    let runtime = tokio::runtime::Runtime::new().map_err(internal)?;
    runtime.block_on(async {
        let store = kttdv::store::Store::open(location).await.map_err(|err| {
            eprintln!("kttdv: {err}");
            Exit::Store
        })?;
        work(store).await.map_err(|err| match err {
            kttdv::store::StoreError::CampaignExists(_)
            | kttdv::store::StoreError::AccountExists(_)
            | kttdv::store::StoreError::UnitHasAccount(_)
            | kttdv::store::StoreError::NoUnit(_)
            | kttdv::store::StoreError::BadCode(_)
            | kttdv::store::StoreError::WrongRole { .. }
            | kttdv::store::StoreError::NoCampaign(_)
            | kttdv::store::StoreError::BadExport(_)
            | kttdv::store::StoreError::BackupElsewhere
            | kttdv::store::StoreError::WouldOverwrite(_) => {
                eprintln!("kttdv: {err}");
                Exit::InvalidInput
            }
            err => internal(err),
        })
    })
}

fn sample(SampleArgs { what, members, committees, seed, output }: SampleArgs) -> Result<(), Exit> {
    let (value, name) = match what {
        SampleOf::ChiBo => (kttdv::sample::roster(members as usize, seed), "chi-bo-mau.json"),
        SampleOf::Khoi => (kttdv::sample::bloc(committees as usize, members as usize), "khoi-mau.json"),
    };
    let text = serde_json::to_string_pretty(&value).expect("JSON serialises") + "\n";
    write_document(&output.unwrap_or_else(|| PathBuf::from(name)), text.as_bytes())
}

fn renderer(config: &EngineConfig) -> Result<Renderer, Exit> {
    Renderer::new(config).map_err(internal)
}

/// A submission's files are made on every core at once.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
