//! The command line's surface: verbs, options and their help, in Vietnamese.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use kttdv::{Kind, PdfFlavour};

#[derive(Parser)]
#[command(name = "kttdv", version, about = "Biểu mẫu kiểm tra kỹ thuật thẻ đảng viên (1–7-KTTĐV) ra PDF")]
pub struct Cli {
    /// Thư mục mẫu thay thế từng tệp của mẫu có sẵn.
    #[arg(long, global = true, env = "KTTDV_TEMPLATES", value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Thư mục phông chữ bổ sung (ví dụ Times New Roman của cơ quan).
    #[arg(long, global = true, env = "KTTDV_FONTS", value_name = "DIR")]
    pub fonts: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// An input document: JSON, or for the cell kinds a spreadsheet.
#[derive(clap::Args)]
pub struct InputArgs {
    /// Tệp JSON, bảng tính (.xlsx, .ods, .xls) hoặc .csv; `-` đọc JSON từ đầu vào chuẩn.
    /// Trong JSON của cấp ủy cơ sở và Ban Tổ chức, mỗi mục của `cells` và `committees`
    /// có thể là tên tệp (JSON, bảng tính), thư mục hoặc tệp ZIP, tính từ thư mục của tệp JSON.
    pub input: PathBuf,
    /// Danh sách đảng viên Ban Tổ chức quản lý (JSON, bảng tính hoặc CSV) để đối chiếu.
    #[arg(long, value_name = "TỆP")]
    pub roll: Option<PathBuf>,
    /// Thông tin chi bộ khi nhập từ bảng tính: KHÓA=GIÁ TRỊ (name, superior, place, date,
    /// reference_date, report_number, has_committee, signer_title, signer_name).
    #[arg(long = "cell", value_name = "KHÓA=GIÁ TRỊ")]
    pub cell: Vec<String>,
    /// Cho cấp ủy cơ sở: tệp của các chi bộ (PDF nhận được, kể cả đã ký; JSON, bảng tính,
    /// thư mục, ZIP), tính từ thư mục hiện tại, thay cho `cells` trong tệp JSON.
    #[arg(long, value_name = "TỆP", num_args = 1..)]
    pub cells: Vec<PathBuf>,
    /// Cho Ban Tổ chức: tệp của các cấp ủy cơ sở, thay cho `committees` trong tệp JSON.
    #[arg(long, value_name = "TỆP", num_args = 1..)]
    pub committees: Vec<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Liệt kê các loại văn bản: `<loại><TAB><mô tả>`.
    Kinds,
    /// In JSON Schema của dữ liệu nhập cho một loại văn bản.
    Schema {
        #[arg(value_parser = parse_kind)]
        kind: Kind,
    },
    /// Chỉ kiểm tra dữ liệu nhập.
    Check(CheckArgs),
    /// Kiểm tra rồi xuất PDF.
    Render(RenderArgs),
    /// Đối chiếu đảng viên các đơn vị báo cáo với danh sách Ban Tổ chức quản lý (R10).
    Reconcile(ReconcileArgs),
    /// Lấy dữ liệu nhập mà một PDF của kttdv mang kèm (kể cả PDF đã ký).
    Extract(ExtractArgs),
    /// Chuyển danh sách chi bộ từ bảng tính sang JSON (sau khi kiểm tra).
    Import(ImportArgs),
    /// Chạy dịch vụ web và API (HTTP).
    Serve(ServeArgs),
    /// Ghi bảng tính mẫu trống để chi bộ nhập danh sách.
    TemplateXlsx(TemplateXlsxArgs),
    /// Tạo dữ liệu giả để dùng thử, tập huấn, đo tốc độ: danh sách một chi bộ
    /// (`chi-bo`, như loại mau-2) hoặc hồ sơ cả Đảng bộ Khối (`khoi`, như loại ho-so-ban).
    Sample(SampleArgs),
    /// Tài khoản người dùng.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Chiến dịch trong kho dữ liệu: tạo, liệt kê.
    Campaign {
        #[command(subcommand)]
        action: CampaignAction,
    },
    /// Cả kho dữ liệu: sao lưu khi đang phục vụ, khôi phục.
    Store {
        #[command(subcommand)]
        action: StoreAction,
    },
}

#[derive(Subcommand)]
pub enum StoreAction {
    /// Sao lưu cả kho SQLite (mọi chiến dịch, tài khoản, bản đã ký, nhật ký) thành một tệp,
    /// nhất quán kể cả khi máy chủ đang phục vụ; không ghi đè tệp đã có. Kho PostgreSQL: dùng pg_dump.
    Backup {
        /// Tệp sao lưu ra (ví dụ kttdv-2026-12-05.db).
        file: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Khôi phục kho SQLite từ tệp sao lưu vào thư mục chưa có kho (dừng máy chủ trước);
    /// tệp được kiểm tra trọn vẹn trước khi dùng.
    Restore {
        /// Tệp do `kttdv store backup` ghi.
        file: PathBuf,
        /// Thư mục kho mới (tệp kttdv.db).
        #[arg(long, value_name = "DIR", default_value = "kttdv-data")]
        data: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum CampaignAction {
    /// Tạo chiến dịch từ tệp chiến dịch (campaigns/*.json) với cây tổ chức lấy từ hồ sơ
    /// của Ban Tổ chức (--from, kèm dữ liệu của từng đơn vị) hoặc từ danh sách quản lý (--roll).
    Init(CampaignInitArgs),
    /// Liệt kê các chiến dịch trong kho.
    List(StoreArgs),
    /// Xuất cả chiến dịch (đơn vị, danh sách quản lý, mọi phiên bản) thành một tệp ZIP
    /// gồm các tệp JSON: để sao lưu hoặc chuyển sang kho khác.
    Export {
        /// Mã chiến dịch.
        code: String,
        /// Tệp ZIP ra; mặc định `<mã>.zip`.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Nhập một chiến dịch đã xuất vào kho (SQLite hoặc PostgreSQL) chưa có nó.
    Import {
        /// Tệp ZIP do `kttdv campaign export` ghi.
        input: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
pub enum AdminAction {
    /// Tạo tài khoản và in liên kết đăng nhập một lần (hết hạn sau 72 giờ) để người dùng
    /// đặt mật khẩu; tài khoản quản trị đầu tiên được tạo bằng lệnh này.
    CreateUser {
        /// Tên đăng nhập.
        login: String,
        /// Vai trò: admin (quản trị), board (Ban Tổ chức), committee (cấp ủy cơ sở), cell (chi bộ).
        #[arg(long, value_parser = ["admin", "board", "committee", "cell"])]
        role: String,
        /// Với vai trò khác admin: mã chiến dịch của đơn vị.
        #[arg(long, required_if_eq_any = [("role", "board"), ("role", "committee"), ("role", "cell")])]
        campaign: Option<String>,
        /// Với vai trò khác admin: mã đơn vị người dùng làm việc cho.
        #[arg(long, required_if_eq_any = [("role", "board"), ("role", "committee"), ("role", "cell")])]
        unit: Option<String>,
        /// Địa chỉ của dịch vụ, để in liên kết.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Where the campaign is kept: SQLite in a folder, or PostgreSQL.
#[derive(clap::Args)]
pub struct StoreArgs {
    /// Thư mục giữ kho dữ liệu SQLite (tệp kttdv.db), tạo khi chạy lần đầu.
    #[arg(long, value_name = "DIR", default_value = "kttdv-data")]
    pub data: PathBuf,
    /// Địa chỉ PostgreSQL (postgres://người-dùng@máy/cơ-sở-dữ-liệu) thay cho SQLite.
    #[arg(long, env = "DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,
}

impl StoreArgs {
    pub fn location(&self) -> kttdv::store::Location {
        match &self.database {
            Some(url) => kttdv::store::Location::Postgres(url.clone()),
            None => kttdv::store::Location::Sqlite(self.data.clone()),
        }
    }
}

#[derive(clap::Args)]
pub struct CampaignInitArgs {
    /// Tệp chiến dịch: tên, lần kiểm tra, các ngày và hạn nộp.
    pub settings: PathBuf,
    /// Mã chiến dịch; mặc định là tên tệp chiến dịch (ví dụ 2021-quang-nam).
    #[arg(long)]
    pub code: Option<String>,
    /// Hồ sơ của Ban Tổ chức (JSON như loại ho-so-ban): các tổ chức cơ sở đảng, chi bộ
    /// và dữ liệu của từng đơn vị, lưu làm phiên bản đầu tiên.
    #[arg(long, value_name = "TỆP", conflicts_with = "units")]
    pub from: Option<PathBuf>,
    /// Danh sách đơn vị (JSON, bảng tính, CSV): mỗi dòng một đơn vị với «Mã đơn vị»,
    /// «Tên đơn vị», «Cấp» (Ban Tổ chức, Tổ chức cơ sở đảng, Chi bộ cơ sở, Chi bộ) và «Mã đơn vị cấp trên».
    #[arg(long, value_name = "TỆP")]
    pub units: Option<PathBuf>,
    /// Danh sách đảng viên Ban Tổ chức quản lý (JSON, bảng tính, CSV): lưu để đối chiếu;
    /// không có --from thì cây tổ chức lấy từ cột «Tổ chức cơ sở đảng» và «Chi bộ».
    #[arg(long, value_name = "TỆP")]
    pub roll: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    #[arg(value_parser = parse_kind)]
    pub kind: Kind,
    #[command(flatten)]
    pub input: InputArgs,
    /// In lỗi dạng mảng JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args)]
pub struct RenderArgs {
    #[arg(value_parser = parse_kind)]
    pub kind: Kind,
    #[command(flatten)]
    pub input: InputArgs,
    /// Tệp PDF ra, hoặc `-` cho đầu ra chuẩn; mặc định đặt tên theo nội dung.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// PDF thường thay cho PDF/A-3b (mặc định, mang kèm dữ liệu nhập).
    #[arg(long, conflicts_with = "pdf_a2")]
    pub plain_pdf: bool,
    /// PDF/A-2b, không mang kèm dữ liệu nhập.
    #[arg(long)]
    pub pdf_a2: bool,
    /// In lỗi dạng mảng JSON.
    #[arg(long)]
    pub json: bool,
    /// Với `packet`: một tệp ZIP gồm năm PDF thay cho một PDF; với `ho-so-co-so`,
    /// `ho-so-ban`: một tệp ZIP thay cho một thư mục.
    #[arg(long)]
    pub zip: bool,
    /// In vị trí chỗ ký và đóng dấu (trang, hình chữ nhật theo điểm PDF) dạng JSON,
    /// cho công cụ ký số.
    #[arg(long)]
    pub slots: bool,
    /// Với `ho-so-ban`: ghi cả hồ sơ (mẫu 1 đến 5) của từng chi bộ vào thư mục
    /// cấp ủy cơ sở của nó — toàn Đảng bộ Khối trong một lần chạy.
    #[arg(long)]
    pub with_cells: bool,
    /// Không thêm ô chữ ký số (trường chữ ký rỗng) vào chỗ ký.
    #[arg(long)]
    pub no_signature_fields: bool,
    /// Ghi dữ liệu mà mẫu Typst nhận (JSON, đọc ở `/data.json`) thay cho PDF: để chạy
    /// Typst gốc trên cùng dữ liệu (benches/stock-typst.sh) hoặc để sửa mẫu.
    #[arg(long, conflicts_with_all = ["zip", "slots", "with_cells"])]
    pub template_data: bool,
}

impl RenderArgs {
    /// The PDF the options ask for: PDF/A-3b carrying its data unless told otherwise.
    pub fn flavour(&self) -> PdfFlavour {
        let flavour = match (self.plain_pdf, self.pdf_a2) {
            (true, _) => PdfFlavour::PLAIN,
            (_, true) => PdfFlavour::ARCHIVAL,
            _ => PdfFlavour::WITH_DATA,
        };
        if self.no_signature_fields { flavour.without_signature_fields() } else { flavour }
    }
}

#[derive(clap::Args)]
pub struct ReconcileArgs {
    /// Dữ liệu của Ban Tổ chức (JSON như loại `mau-7`).
    pub submissions: PathBuf,
    /// Danh sách quản lý: JSON, bảng tính hoặc CSV.
    pub roll: PathBuf,
    /// Tệp ra, hoặc `-` cho đầu ra chuẩn; mặc định đặt tên theo nội dung.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Ghi kết quả dạng JSON thay cho PDF (lỗi dữ liệu cũng in dạng JSON).
    #[arg(long)]
    pub json: bool,
    /// PDF thường thay cho PDF/A-3b.
    #[arg(long)]
    pub plain_pdf: bool,
}

#[derive(clap::Args)]
pub struct ExtractArgs {
    /// Tệp PDF.
    pub pdf: PathBuf,
    /// Tệp JSON ra, hoặc `-` cho đầu ra chuẩn.
    #[arg(short, long, default_value = "-")]
    pub output: PathBuf,
    /// In lỗi dạng mảng JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Tệp JSON ra, hoặc `-` cho đầu ra chuẩn.
    #[arg(short, long, default_value = "-")]
    pub output: PathBuf,
    /// In lỗi dạng mảng JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Địa chỉ lắng nghe; cổng 0 để hệ điều hành chọn cổng trống.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Số đảng viên tối đa trong một yêu cầu.
    #[arg(long, default_value_t = kttdv::serve::Limits::default().max_members)]
    pub max_members: usize,
    /// Số yêu cầu được chờ khi mọi luồng xuất đều bận; quá số này trả 429.
    #[arg(long, default_value_t = kttdv::serve::Limits::default().queue)]
    pub queue: usize,
    /// Số văn bản xuất cùng lúc; mặc định bằng số lõi.
    #[arg(long, default_value_t = kttdv::serve::Limits::default().workers)]
    pub workers: usize,
    /// Số giây một yêu cầu được chờ; quá thì trả 503.
    #[arg(long, default_value_t = kttdv::serve::Limits::default().wait.as_secs())]
    pub wait: u64,
    /// Kích thước tối đa của dữ liệu gửi lên, tính bằng MiB.
    #[arg(long, default_value_t = kttdv::serve::Limits::default().body_bytes / (1024 * 1024))]
    pub max_body_mib: usize,
    /// Số kết nối mở cùng lúc; kết nối thêm phải chờ.
    #[arg(long, default_value_t = kttdv::serve::Limits::default().connections)]
    pub max_connections: usize,
    /// Số giây để gửi xong phần đầu (header) một yêu cầu; cũng là thời gian giữ kết nối rảnh.
    #[arg(long, default_value_t = kttdv::serve::Limits::default().header_timeout.as_secs())]
    pub header_timeout: u64,
    /// Số giây để gửi xong dữ liệu của một yêu cầu; quá thì trả 408.
    #[arg(long, default_value_t = kttdv::serve::Limits::default().body_timeout.as_secs())]
    pub body_timeout: u64,
    /// Số yêu cầu được nhận dữ liệu cùng lúc (bộ nhớ tối đa: số này × --max-body-mib).
    #[arg(long, default_value_t = kttdv::serve::Limits::default().uploads)]
    pub uploads: usize,
    /// Chỉ người đã đăng nhập mới dùng được trang lập văn bản và /api/kinds/… (không lưu gì);
    /// mặc định để ngỏ.
    #[arg(long)]
    pub require_sign_in: bool,
    /// Máy chuyển tiếp (proxy) tin cậy, địa chỉ IP hoặc dải CIDR (ví dụ 127.0.0.1, 10.0.0.0/8);
    /// chỉ từ các máy này mới đọc địa chỉ người dùng trong X-Forwarded-For. Lặp lại được.
    #[arg(long = "trusted-proxy", value_name = "IP/CIDR", value_parser = parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Máy chủ thư (SMTP) để báo việc chờ qua thư điện tử, ví dụ smtp://may-chu:25,
    /// smtp://nguoi-dung:mat-khau@may-chu:587?tls=required, smtps://may-chu; không có thì không gửi thư.
    #[arg(long, env = "KTTDV_SMTP", value_name = "URL")]
    pub smtp: Option<String>,
    /// Người gửi thư báo.
    #[arg(long, env = "KTTDV_SMTP_FROM", default_value = "kttdv <kttdv@localhost>", value_name = "ĐỊA CHỈ")]
    pub smtp_from: String,
    /// Địa chỉ người dùng mở dịch vụ (ví dụ https://kttdv.tinh.vn), để thư báo có liên kết.
    #[arg(long, env = "KTTDV_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// An address or a network: `127.0.0.1` is `127.0.0.1/32`.
fn parse_proxy(text: &str) -> Result<ipnet::IpNet, String> {
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("«{text}» không phải địa chỉ IP hoặc dải CIDR"))
}

#[derive(clap::Args)]
pub struct TemplateXlsxArgs {
    #[arg(short, long, default_value = "mau-nhap-danh-sach-dang-vien.xlsx")]
    pub output: PathBuf,
}

#[derive(clap::Args)]
pub struct SampleArgs {
    #[arg(value_enum)]
    pub what: SampleOf,
    /// Số đảng viên của mỗi chi bộ.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=20_000))]
    pub members: u32,
    /// Với `khoi`: số đảng bộ cơ sở, mỗi đảng bộ bốn chi bộ.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=400))]
    pub committees: u32,
    /// Với `chi-bo`: số để sinh dữ liệu; cùng số cho cùng danh sách.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Tệp JSON ra, hoặc `-` cho đầu ra chuẩn; mặc định `chi-bo-mau.json`, `khoi-mau.json`.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SampleOf {
    ChiBo,
    Khoi,
}

pub fn parse_kind(name: &str) -> Result<Kind, String> {
    name.parse().map_err(|_| {
        let known: Vec<&str> = Kind::all().map(Kind::name).collect();
        format!("không có loại văn bản «{name}»; các loại: {}", known.join(", "))
    })
}
