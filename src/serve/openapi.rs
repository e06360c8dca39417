//! The OpenAPI 3.1 document, generated from the kinds themselves: each
//! kind's check and render paths carry its input's JSON Schema and the
//! formats it can be written in. `/api/docs` shows it as a page.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::AppState;
use super::campaign::answers::{CampaignEntry, Dashboard, InvitedView, Saved, SignedKept, Stepped, UnitView};
use super::session::CSRF_HEADER;
use crate::OutFormat;
use crate::kinds::Kind;

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

/// The whole document.
/// The OpenAPI 3.1 document of the API, made from the kinds and their schemas.
pub fn build() -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert("Error".into(), error_schema());
    paths.insert(
        "/api/kinds".into(),
        json!({ "get": { "summary": "Các loại văn bản", "responses": { "200": { "description": "Danh sách loại" } } } }),
    );
    for kind in Kind::all() {
        let name = kind.name();
        let mut schema = serde_json::to_value(kind.schema()).expect("schemas serialise");
        // Its own resource, so that its "#/$defs/…" references resolve inside it.
        schema["$id"] = json!(format!("urn:kttdv:schema:{name}"));
        schemas.insert(name.into(), schema);
        paths.extend(kind_operations(kind));
    }
    paths.extend(campaign_operations());
    for (path, summary) in [
        ("/healthz", "Máy chủ đang chạy"),
        ("/readyz", "Máy chủ sẵn sàng (mọi mẫu đã dịch một lần)"),
        ("/metrics", "Số đo dạng Prometheus"),
    ] {
        paths.insert(
            path.into(),
            json!({ "get": { "summary": summary, "responses": { "200": { "description": "OK" } } } }),
        );
    }
    paths.extend(token_operations());
    for (path, operations) in paths.iter_mut() {
        if !["/api/campaigns", "/api/tokens", "/api/sessions"].iter().any(|p| path.starts_with(p))
            && path != "/api/session"
        {
            continue;
        }
        for (method, operation) in operations.as_object_mut().into_iter().flatten() {
            // Signing in is how a session starts: it needs none.
            if path == "/api/session" && method == "post" {
                continue;
            }
            operation["security"] = security(method == "get");
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "kttdv", "version": env!("CARGO_PKG_VERSION"), "description": "Biểu mẫu kiểm tra kỹ thuật thẻ đảng viên (1–7-KTTĐV) ra PDF" },
        "paths": paths,
        "components": { "schemas": schemas, "securitySchemes": {
            "session": { "type": "apiKey", "in": "cookie", "name": "kttdv-session", "description": "Phiên đăng nhập: POST /api/session hoặc trang đăng nhập đặt cookie này" },
            "csrf": { "type": "apiKey", "in": "header", "name": CSRF_HEADER, "description": "Mã chống giả mạo của phiên (cookie kttdv-csrf, hoặc thẻ meta csrf của trang): mọi yêu cầu đổi dữ liệu bằng phiên phải gửi kèm" },
            "bearer": { "type": "http", "scheme": "bearer", "description": "Mã truy cập tạo ở POST /api/tokens, cho chương trình: Authorization: Bearer <mã>" }
        } }
    })
}

/// A success answer of type `T`, its JSON Schema made from the type.
fn answer<T: schemars::JsonSchema>(description: &str) -> Value {
    let schema = serde_json::to_value(schemars::schema_for!(T)).expect("schemas serialise");
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

/// How a route's caller authenticates: a session (and, to change
/// anything, its CSRF token), or an API token.
fn security(read_only: bool) -> Value {
    let session = if read_only { json!({ "session": [] }) } else { json!({ "session": [], "csrf": [] }) };
    json!([session, { "bearer": [] }])
}

/// The API tokens of the signed-in user.
fn token_operations() -> Map<String, Value> {
    let json_ok = |description: &str| json!({ "description": description, "content": { "application/json": {} } });
    let new_token = json!({ "type": "object", "required": ["label"], "additionalProperties": false, "properties": {
        "label": { "type": "string", "minLength": 1, "maxLength": 100, "description": "Mã dùng vào việc gì" },
        "expires_in_days": { "type": "integer", "minimum": 1, "maximum": 365, "description": "Số ngày hiệu lực; mặc định 90" } } });
    let id = json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" }, "description": "Mã nhận diện của mã truy cập" });
    let mut paths = Map::new();
    paths.insert(
        "/api/tokens".into(),
        json!({
            "get": { "summary": "Các mã truy cập của người đang đăng nhập", "responses": { "200": json_ok("Nhãn, ngày tạo, ngày hết hạn, đã thu hồi chưa"), "401": error_response("Chưa đăng nhập") } },
            "post": { "summary": "Tạo mã truy cập thay mặt người đang đăng nhập, cho chương trình: hiện một lần", "requestBody": { "required": true, "content": { "application/json": { "schema": new_token } } },
                "responses": { "201": json_ok("Mã truy cập (chỉ hiện lần này)"), "401": error_response("Chưa đăng nhập"), "422": error_response("Nhãn hoặc số ngày không hợp lệ") } }
        }),
    );
    paths.insert(
        "/api/sessions".into(),
        json!({ "get": { "summary": "Các phiên đăng nhập còn hiệu lực của người đang đăng nhập, mới trước; phiên đang hỏi được đánh dấu (current)", "responses": { "200": answer::<Vec<crate::store::SessionInfo>>("Mã phiên (từ giá trị băm), lúc bắt đầu, lần dùng cuối, lúc hết hạn"), "401": error_response("Chưa đăng nhập") } } }),
    );
    paths.insert(
        "/api/sessions/{id}".into(),
        json!({ "delete": { "summary": "Kết thúc một phiên đăng nhập của chính mình (quên đăng xuất ở máy khác)", "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" }, "description": "Mã phiên trong danh sách" }], "responses": { "204": { "description": "Đã kết thúc" }, "404": error_response("Không có phiên này") } } }),
    );
    paths.insert(
        "/api/tokens/{id}".into(),
        json!({ "delete": { "summary": "Thu hồi một mã truy cập, cùng các mã tạo bằng nó", "parameters": [id], "responses": { "204": { "description": "Đã thu hồi" }, "404": error_response("Không có mã này") } } }),
    );
    paths
}

/// The campaign store's routes.
fn campaign_operations() -> Map<String, Value> {
    let parameter = |name: &str, description: &str| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" }, "description": description });
    let campaign = parameter("campaign", "Mã chiến dịch, ví dụ 2021-quang-nam");
    let unit = parameter("code", "Mã đơn vị: ban, dang-bo-so-tai-chinh, dang-bo-so-tai-chinh.chi-bo-van-phong");
    let not_found = error_response("Không có chiến dịch, đơn vị hay phiên bản này (no-campaign, no-unit, no-version)");
    let json_ok = |description: &str| json!({ "description": description, "content": { "application/json": {} } });
    let version = json!({ "name": "version", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1 }, "description": "Số phiên bản; mặc định phiên bản hiện hành" });
    let kinds: Vec<&str> = Kind::all().map(Kind::name).collect();
    let mut paths = Map::new();
    paths.insert(
        "/api/campaigns".into(),
        json!({
            "get": { "summary": "Các chiến dịch trong kho", "responses": { "200": answer::<Vec<CampaignEntry>>("Mã và tên từng chiến dịch") } },
            "post": {
                "summary": "Người quản trị tạo chiến dịch: tệp chiến dịch (settings), danh sách đơn vị (units), danh sách quản lý (roll, nếu có), mã (code)",
                "requestBody": { "required": true, "content": { "multipart/form-data": {} } },
                "responses": { "201": json_ok("Mã chiến dịch và số đơn vị"), "401": error_response("Chưa đăng nhập"), "403": error_response("Không phải người quản trị"), "409": error_response("Chiến dịch đã có"), "422": error_response("Danh sách đơn vị có lỗi: mọi lỗi, không lưu gì") }
            }
        }),
    );
    paths.insert(
        "/api/session".into(),
        json!({
            "get": { "summary": "Người đang đăng nhập", "responses": { "200": json_ok("Tên đăng nhập, vai trò, chiến dịch, đơn vị"), "401": error_response("Chưa đăng nhập") } },
            "post": { "summary": "Đăng nhập bằng tên và mật khẩu; phiên trong cookie kttdv-session", "requestBody": { "required": true, "content": { "application/json": {} } }, "responses": { "200": json_ok("Tài khoản"), "401": error_response("Sai tên đăng nhập hoặc mật khẩu") } },
            "delete": { "summary": "Đăng xuất", "responses": { "204": { "description": "Phiên đã đóng" } } }
        }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units".into(),
        json!({ "get": { "summary": "Cây tổ chức: từng đơn vị với cấp, trạng thái, số phiên bản, lần đổi cuối", "parameters": [campaign], "responses": { "200": answer::<Vec<UnitView>>("Các đơn vị, mỗi đơn vị sau đơn vị cấp trên"), "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/dashboard".into(),
        json!({ "get": { "summary": "Tiến độ trong phạm vi người dùng: mỗi cấp số báo cáo phải nộp, đã nhận, đã duyệt, đúng hạn, trễ, chưa nộp; từng đơn vị đúng hạn, trễ mấy ngày hay chưa nộp", "parameters": [campaign], "responses": { "200": answer::<Dashboard>("Theo cấp và theo đơn vị"), "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/missing.xlsx".into(),
        json!({ "get": { "summary": "Danh sách đơn vị chưa nộp (bảng tính)", "parameters": [campaign], "responses": { "200": { "description": "XLSX" }, "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/audit".into(),
        json!({ "get": { "summary": "Nhật ký mọi thao tác (Ban Tổ chức, người quản trị); ?format=csv để tải về", "parameters": [campaign], "responses": { "200": answer::<Vec<crate::store::Event>>("Các sự kiện, cũ trước"), "403": error_response("Không phải Ban Tổ chức"), "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/timeline".into(),
        json!({ "get": { "summary": "Dòng thời gian của đơn vị: lưu, nộp, duyệt, trả lại…", "parameters": [campaign, unit], "responses": { "200": answer::<Vec<crate::store::Event>>("Các sự kiện của đơn vị"), "404": not_found } } }),
    );
    let step_schema =
        serde_json::to_value(schemars::schema_for!(crate::campaign::StepRequest)).expect("schemas serialise");
    let step_body = json!({ "required": false, "content": { "application/json": { "schema": step_schema } } });
    for (step, summary) in [
        (
            "submit",
            "Đơn vị nộp phiên bản hiện hành: khóa sửa; tổ chức cơ sở chỉ nộp khi mọi chi bộ đã duyệt hoặc không báo cáo",
        ),
        ("approve", "Cấp trên trực tiếp duyệt (chi bộ) hoặc tiếp nhận (tổ chức cơ sở)"),
        ("return", "Cấp trên trực tiếp trả lại, kèm lý do (note): đơn vị sửa được"),
        ("not-reporting", "Cấp trên trực tiếp đánh dấu đơn vị không báo cáo, kèm lý do"),
        ("reopen", "Ban Tổ chức mở lại báo cáo của chính mình đã nộp (gửi Tỉnh ủy ngoài kttdv) để sửa: về «đang soạn»"),
    ] {
        paths.insert(
            format!("/api/campaigns/{{campaign}}/units/{{code}}/{step}"),
            json!({ "post": { "summary": summary, "parameters": [campaign, unit], "requestBody": step_body,
                "responses": { "200": answer::<Stepped>("Trạng thái mới"), "403": error_response("Không phải việc của người dùng này"), "404": not_found,
                    "409": error_response("Trạng thái không cho phép, hoặc người khác vừa đổi (conflict)"), "422": error_response("Thiếu lý do") } } }),
        );
    }
    let kind = json!({ "name": "kind", "in": "path", "required": true, "schema": { "type": "string", "enum": kinds } });
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/roll".into(),
        json!({ "put": { "summary": "Ban Tổ chức thay danh sách đảng viên mình quản lý (JSON, XLSX, ODS, XLS, CSV: một tệp): kiểm tra từng dòng; trả lời những gì thay đổi (thêm, bớt, chuyển, sửa; tổ chức chưa có trong cây); ?preview=true: chỉ xem trước, không lưu",
            "parameters": [campaign, unit, { "name": "preview", "in": "query", "required": false, "schema": { "type": "boolean" } }],
            "requestBody": { "required": true, "content": { "multipart/form-data": {}, "application/json": {} } },
            "responses": { "200": json_ok("Những gì thay đổi, đã lưu hay chỉ xem trước"), "403": error_response("Không phải đơn vị này"), "404": not_found,
                "409": error_response("Không phải Ban Tổ chức"), "422": error_response("Danh sách có lỗi, nêu từng ô") } } }),
    );
    let deadline =
        serde_json::to_value(schemars::schema_for!(super::campaign::DeadlineRequest)).expect("schemas serialise");
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/deadline".into(),
        json!({ "put": { "summary": "Tổ chức cơ sở đặt hạn nộp báo cáo cho các chi bộ trực thuộc (không sau hạn của mình); để trống: theo chiến dịch", "parameters": [campaign, unit],
            "requestBody": { "required": true, "content": { "application/json": { "schema": deadline } } },
            "responses": { "200": json_ok("Hạn nộp các chi bộ đang theo"), "403": error_response("Không phải đơn vị này"), "404": not_found,
                "409": error_response("Đơn vị không có chi bộ trực thuộc"), "422": error_response("Không phải ngày (invalid-date), hoặc sau hạn của tổ chức cơ sở (late-report)") } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/round-trip".into(),
        json!({ "get": { "summary": "Đường đi của thẻ đảng viên trong phạm vi người dùng: mỗi đơn vị số đảng viên trong danh sách, thẻ đang ngoài tay đảng viên, đã trả, chưa trả (theo dõi), quá hạn, chưa thu; các thẻ chưa về và kết luận: mọi thẻ đã vào đường đi đều có chỗ", "parameters": [campaign], "responses": { "200": json_ok("Theo đơn vị, tổng cộng, thẻ chưa về, kết luận"), "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/round-trip.xlsx".into(),
        json!({ "get": { "summary": "Báo cáo kết thúc đường đi của thẻ (bảng tính): tổng hợp theo đơn vị, từng thẻ đã vào đường đi và nơi nó kết thúc, kết luận", "parameters": [campaign], "responses": { "200": { "description": "XLSX" }, "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/cards".into(),
        json!({ "get": { "summary": "Thẻ của đơn vị (các chi bộ của nó): mỗi đảng viên trong danh sách 2 đến 5-KTTĐV ở đâu, việc giao nhận đơn vị làm được bây giờ với danh sách thẻ mong đợi, các biên bản", "parameters": [campaign, unit], "responses": { "200": json_ok("Thẻ, việc giao nhận, biên bản"), "404": not_found } } }),
    );
    let handover_body = json!({ "required": true, "content": { "application/json": { "schema": { "type": "object", "properties": {
        "date": { "type": "string", "description": "dd/mm/yyyy; hôm nay nếu bỏ trống" },
        "giver": { "type": "object", "properties": { "name": { "type": "string" }, "office": { "type": "string" } } },
        "receiver": { "type": "object", "properties": { "name": { "type": "string" }, "office": { "type": "string" } } },
        "all": { "type": "boolean", "description": "Nhận đủ cả danh sách" },
        "cards": { "type": "array", "items": { "type": "string" }, "description": "Các số thẻ đã nhận, lần lượt" } } } } } });
    for (how, summary) in [
        ("collect", "Chi bộ thu thẻ, ảnh, bản tường trình của đảng viên theo danh sách đã lập"),
        ("up", "Cấp trên trực tiếp nhận thẻ do đơn vị giao lên cùng danh sách đã nộp"),
        ("down", "Đơn vị nhận thẻ (đã đóng dấu, thẻ mới) do cấp trên trả về"),
        ("give-back", "Chi bộ trả thẻ cho đảng viên"),
    ] {
        paths.insert(
            format!("/api/campaigns/{{campaign}}/units/{{code}}/cards/{how}"),
            json!({ "post": { "summary": format!("{summary}: đối chiếu với danh sách, nói ngay thẻ nào thiếu, thẻ nào không thuộc lần này; ghi biên bản giao nhận; ?preview=true: chỉ kiểm tra, không ghi"),
                "parameters": [campaign, unit, { "name": "preview", "in": "query", "required": false, "schema": { "type": "boolean" } }],
                "requestBody": handover_body,
                "responses": { "200": json_ok("Biên bản (số), thẻ đã nhận, còn thiếu, nhập hai lần"), "403": error_response("Không phải bên nhận"), "404": not_found,
                    "409": error_response("Danh sách chưa nộp, hoặc một biên bản khác vừa được ghi"), "422": error_response("Thẻ không thuộc lần giao nhận này (card-not-expected), không có thẻ nào (nothing-handed-over)") } } }),
        );
    }
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/cards/records/{number}".into(),
        json!({ "get": { "summary": "Biên bản giao nhận số N về đơn vị hoặc đơn vị trực thuộc (PDF/A-3b mang dữ liệu, hai bên ký)", "parameters": [campaign, unit, parameter("number", "Số biên bản")],
            "responses": { "200": { "description": "PDF" }, "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/cards/changes.xlsx".into(),
        json!({ "get": { "summary": "Bảng thay đổi số thẻ (đổi, cấp lại, cấp mới) để cập nhật Cơ sở dữ liệu đảng viên", "parameters": [campaign, unit], "responses": { "200": { "description": "XLSX" }, "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/decision".into(),
        json!({ "put": { "summary": "Ban Tổ chức ghi Tờ trình và Quyết định của Ban Thường vụ (số, ngày) duyệt danh sách của các tổ chức cơ sở đảng đã tiếp nhận", "parameters": [campaign, unit],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "properties": {
                "submission": { "type": "object", "properties": { "number": { "type": "string" }, "date": { "type": "string" } } },
                "decision": { "type": "object", "properties": { "number": { "type": "string" }, "date": { "type": "string" } } } } } } } },
            "responses": { "200": json_ok("Các tổ chức cơ sở đảng được duyệt"), "403": error_response("Không phải Ban Tổ chức"), "404": not_found,
                "409": error_response("Chưa tiếp nhận báo cáo nào"), "422": error_response("Số, ngày không hợp lệ") } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/cards/decision.zip".into(),
        json!({ "get": { "summary": "Ban Tổ chức: Tờ trình gửi Ban Thường vụ, dự thảo Quyết định duyệt danh sách (số, ngày đã ghi) và danh sách tổng hợp kèm theo, một ZIP", "parameters": [campaign, unit],
            "responses": { "200": { "description": "ZIP" }, "403": error_response("Không phải Ban Tổ chức"), "404": not_found, "409": error_response("Chưa ghi quyết định") } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/stamping".into(),
        json!({ "post": { "summary": "Ban Tổ chức ghi việc đóng dấu (stamp_all: mọi thẻ 2-KTTĐV ở Ban), đổi, cấp lại, cấp thẻ (cards: card, new_number, boxes; pending: lý do chưa trả); số thẻ mới không trùng; danh sách quản lý nhận số mới", "parameters": [campaign, unit],
            "requestBody": { "required": true, "content": { "application/json": {} } },
            "responses": { "200": json_ok("Số thẻ đóng dấu, cấp mới, chưa trả; danh sách quản lý"), "403": error_response("Không phải Ban Tổ chức"), "404": not_found,
                "409": error_response("Chưa có quyết định"), "422": error_response("Thẻ không ở Ban (card-not-expected), số thẻ đã có (card-number-taken), thiếu số thẻ mới") } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/signed".into(),
        json!({ "put": { "summary": "Đơn vị gửi bản PDF đã ký số: nhận khi là PDF kttdv lập từ phiên bản hiện hành đã nộp hoặc đã duyệt (dữ liệu và SHA-256 bên trong khớp) và, nếu có chữ ký, chữ ký phủ cả tệp; không kiểm tra chứng thư số", "parameters": [campaign, unit],
            "requestBody": { "required": true, "content": { "multipart/form-data": {} } },
            "responses": { "201": answer::<SignedKept>("Phiên bản, loại văn bản, người ký"), "403": error_response("Không phải đơn vị này"), "404": not_found,
                "409": error_response("Báo cáo chưa nộp"), "422": error_response("Không phải PDF của phiên bản hiện hành, dữ liệu bị sửa, hoặc thêm nội dung sau chữ ký") } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/signed/{kind}".into(),
        json!({ "get": { "summary": "Bản đã ký của phiên bản hiện hành, như đơn vị đã gửi", "parameters": [campaign, unit, kind],
            "responses": { "200": { "description": "PDF" }, "404": error_response("Chưa có bản đã ký (no-signed-original)") } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/accounts".into(),
        json!({
            "get": { "summary": "Các tài khoản của đơn vị: ai tạo, đã đặt mật khẩu chưa, đã khóa chưa", "parameters": [campaign, unit],
                "responses": { "200": json_ok("Các tài khoản, cũ trước"), "404": not_found } },
            "post": { "summary": "Cấp trên tạo tài khoản cho đơn vị chưa có tài khoản (login: chữ thường không dấu, số, . - _), hoặc cho mọi đơn vị trực thuộc chưa có (below: true); người thứ hai do chính đơn vị, hoặc Ban Tổ chức với second: true; person, office: họ tên và chức vụ người dùng, các trang hiện thay cho tên đăng nhập; email: địa chỉ nhận thư báo việc chờ (cần person); mỗi tài khoản một liên kết đăng nhập một lần", "parameters": [campaign, unit],
                "requestBody": { "required": false, "content": { "application/json": {} } },
                "responses": { "201": answer::<Vec<InvitedView>>("Tài khoản và liên kết; với below, cả các đơn vị đã có tài khoản (skipped)"), "403": error_response("Không phải cấp trên, hoặc không được thêm người thứ hai"), "404": not_found,
                    "409": error_response("Tên đăng nhập đã có (account-exists), đơn vị đã có tài khoản (unit-has-account)"), "422": error_response("Tên đăng nhập (invalid-login) hoặc địa chỉ thư (invalid-email) không hợp lệ") } }
        }),
    );
    let login = parameter("login", "Tên đăng nhập của tài khoản");
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/accounts/{login}/link".into(),
        json!({ "post": { "summary": "Cấp trên (hoặc người quản trị) gửi liên kết đăng nhập một lần mới cho một tài khoản của đơn vị, khi quên mật khẩu: liên kết cũ chưa dùng hết hiệu lực; đặt mật khẩu xong, mọi phiên khác của tài khoản kết thúc", "parameters": [campaign, unit, login],
            "responses": { "201": answer::<Vec<InvitedView>>("Tài khoản và liên kết mới"), "403": error_response("Không phải cấp trên của đơn vị"), "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/accounts/{login}/disable".into(),
        json!({ "post": { "summary": "Cấp trên (hoặc chính đơn vị) khóa một tài khoản của đơn vị: không đăng nhập được nữa, các phiên kết thúc, mã truy cập bị thu hồi", "parameters": [campaign, unit, login],
            "responses": { "204": { "description": "Đã khóa" }, "403": error_response("Không phải cấp trên"), "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/submission".into(),
        json!({
            "get": { "summary": "Dữ liệu đơn vị đã lưu: phiên bản hiện hành hoặc ?version=N", "parameters": [campaign, unit, version], "responses": { "200": json_ok("Dữ liệu (JSON); tiêu đề x-kttdv-version, ETag là SHA-256"), "404": not_found, "409": error_response("Đơn vị chưa có dữ liệu (no-submission)") } },
            "put": {
                "summary": "Lưu phiên bản mới: JSON, hoặc bảng tính của chi bộ (multipart); kiểm tra như kttdv check, có lỗi thì không lưu gì",
                "parameters": [campaign, unit],
                "requestBody": { "required": true, "content": { "application/json": {}, "multipart/form-data": {} } },
                "responses": { "200": answer::<Saved>("Phiên bản đã lưu (số, SHA-256, thời điểm), tóm tắt và các cảnh báo"), "404": not_found, "422": error_response("Dữ liệu có lỗi: mọi lỗi, không lưu gì") }
            }
        }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/versions".into(),
        json!({ "get": { "summary": "Mọi phiên bản của đơn vị, cũ trước", "parameters": [campaign, unit], "responses": { "200": answer::<Vec<crate::store::VersionInfo>>("Số, SHA-256, thời điểm từng phiên bản"), "404": not_found } } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/documents/{kind}".into(),
        json!({ "get": {
            "summary": "Văn bản lập từ dữ liệu hiện hành đã lưu; lập một lần, giữ theo nội dung (x-kttdv-cache: hit hoặc miss)",
            "parameters": [campaign, unit, kind, version],
            "responses": { "200": { "description": "PDF hoặc ZIP" }, "400": error_response("Cấp này không lập loại văn bản đó"), "404": not_found, "409": error_response("Đơn vị chưa có dữ liệu (no-submission)") }
        } }),
    );
    paths.insert(
        "/api/campaigns/{campaign}/units/{code}/bundle.zip".into(),
        json!({ "get": {
            "summary": "Mọi văn bản của đơn vị và các đơn vị trực thuộc (lập từ dữ liệu hiện hành) cùng bản đã ký, trong một tệp ZIP, mỗi đơn vị một thư mục; đơn vị không có văn bản ghi trong ghi-chu.txt; gửi dần trong khi lập, tệp bị cắt giữa chừng không mở được",
            "parameters": [campaign, unit],
            "responses": { "200": { "description": "ZIP" }, "404": not_found }
        } }),
    );
    paths
}

/// The body of every error answer.
fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["code", "message", "request_id"],
        "properties": {
            "code": { "type": "string", "description": "Mã ổn định, ví dụ invalid-input, busy" },
            "message": { "type": "string", "description": "Thông báo tiếng Việt" },
            "request_id": { "type": "string", "description": "Mã yêu cầu, như tiêu đề x-request-id; nhật ký máy chủ ghi chi tiết theo mã này" },
            "problems": { "type": "array", "items": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": { "type": "string" }, "message": { "type": "string" },
                    "path": { "type": "string", "description": "Đường dẫn JSON, ví dụ $.members[3].birth_date" },
                    "file": { "type": "string" }, "sheet": { "type": "string" },
                    "row": { "type": "integer" }, "column": { "type": "string" }
                }
            } }
        }
    })
}

/// A kind's four operations: render, check, its schema and its example.
fn kind_operations(kind: Kind) -> Map<String, Value> {
    let name = kind.name();
    let mut paths = Map::new();
    let input = json!({
        "required": true,
        "content": {
            "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } },
            "multipart/form-data": { "schema": { "type": "object", "properties": {
                "file": { "type": "string", "format": "binary", "description": "Bảng tính (.xlsx, .ods, .xls, .csv) hoặc các tệp mà «input» nêu tên" },
                "input": { "type": "string", "description": "JSON nêu tên các tệp gửi kèm" },
                "cell": { "type": "string", "description": "KHÓA=GIÁ TRỊ, thông tin chi bộ khi bảng tính không có" }
            } } }
        }
    });
    let formats = OutFormat::allowed(kind);
    let content: Map<String, Value> = formats
        .iter()
        .map(|&f| (f.media_type().to_owned(), json!({ "schema": { "type": "string", "format": "binary" } })))
        .collect();
    let errors = [
        ("400", "Dạng xuất hoặc tham số không hợp lệ"),
        ("408", "Gửi dữ liệu quá chậm"),
        ("413", "Dữ liệu quá lớn, giải nén ra quá lớn, hoặc quá nhiều đảng viên"),
        ("415", "Kiểu nội dung không được nhận"),
        ("422", "Dữ liệu nhập có lỗi: mọi lỗi trong «problems»"),
        ("429", "Máy chủ bận (Retry-After)"),
        ("500", "Lỗi nội bộ: chỉ mã lỗi và mã yêu cầu"),
        ("503", "Chờ quá lâu hoặc chưa sẵn sàng"),
    ];
    let mut responses: Map<String, Value> = errors.iter().map(|(s, d)| ((*s).to_owned(), error_response(d))).collect();
    responses.insert("200".into(), json!({ "description": kind.label(), "content": content }));
    paths.insert(
        format!("/api/kinds/{name}/render"),
        json!({ "post": {
            "summary": format!("Xuất: {}", kind.description()),
            "parameters": [
                { "name": "format", "in": "query", "schema": { "type": "string", "enum": formats.iter().map(|f| f.name()).collect::<Vec<_>>() } },
                { "name": "plain", "in": "query", "schema": { "type": "boolean" }, "description": "PDF thường thay cho PDF/A-3b mang kèm dữ liệu nhập" },
                { "name": "signature_fields", "in": "query", "schema": { "type": "boolean", "default": true }, "description": "Thêm ô chữ ký số rỗng vào mỗi chỗ ký (mặc định có)" }
            ],
            "requestBody": input,
            "responses": responses
        } }),
    );
    paths.insert(
        format!("/api/kinds/{name}/check"),
        json!({ "post": {
            "summary": format!("Kiểm tra dữ liệu: {}", kind.label()),
            "requestBody": input,
            "responses": { "200": { "description": "Hợp lệ, kèm cảnh báo" }, "422": error_response("Dữ liệu nhập có lỗi") }
        } }),
    );
    paths.insert(
        format!("/api/kinds/{name}/schema"),
        json!({ "get": { "summary": format!("JSON Schema: {}", kind.label()), "responses": { "200": { "description": "JSON Schema" } } } }),
    );
    paths.insert(
        format!("/api/kinds/{name}/example"),
        json!({ "get": { "summary": format!("Dữ liệu ví dụ: {}", kind.label()), "responses": { "200": { "description": "Dữ liệu ví dụ" } } } }),
    );
    paths
}

pub async fn document() -> Json<Value> {
    Json(build())
}

pub async fn page(State(state): State<Arc<AppState>>) -> Response {
    let document = build();
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            operations.push(json!({ "method": method.to_uppercase(), "path": path, "summary": operation["summary"] }));
        }
    }
    let context = json!({ "operations": operations });
    match state.pages.render("docs.html", &context) {
        Ok(html) => Html(html).into_response(),
        Err(err) => err.into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_that_needs_a_caller_says_how_to_authenticate() {
        let document = super::build();
        let schemes = &document["components"]["securitySchemes"];
        assert_eq!(schemes["session"]["in"], "cookie");
        assert_eq!(schemes["csrf"]["name"], "x-kttdv-csrf");
        assert_eq!(schemes["bearer"]["scheme"], "bearer");
        let routes = super::super::campaign::table().into_iter().filter(|r| r.path.starts_with("/api/"));
        let tokens = [
            ("GET", "/api/tokens"),
            ("POST", "/api/tokens"),
            ("DELETE", "/api/tokens/{id}"),
            ("GET", "/api/sessions"),
            ("DELETE", "/api/sessions/{id}"),
        ];
        let all = routes.map(|r| (r.method.to_string(), r.path)).chain(tokens.map(|(m, p)| (m.to_owned(), p)));
        for (method, path) in all {
            let operation = &document["paths"][path][method.to_ascii_lowercase()];
            let security = operation["security"].as_array().unwrap_or_else(|| panic!("{method} {path}: no security"));
            let with_session = security.iter().find(|s| s.get("session").is_some()).expect("a session");
            // A session's change needs its CSRF token; a read does not.
            assert_eq!(with_session.get("csrf").is_some(), method != "GET", "{method} {path}");
            assert!(security.iter().any(|s| s.get("bearer").is_some()), "{method} {path}: a token");
        }
        let answer = |path: &str, method: &str| {
            document["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"].clone()
        };
        let stepped = answer("/api/campaigns/{campaign}/units/{code}/approve", "post");
        assert!(stepped["properties"]["state_label"].is_object(), "{stepped}");
        let saved = answer("/api/campaigns/{campaign}/units/{code}/submission", "put");
        assert!(saved["properties"]["summary"].is_object() && saved["properties"]["version"].is_object(), "{saved}");
        let units = answer("/api/campaigns/{campaign}/units", "get");
        assert_eq!(units["type"], "array", "{units}");
        let dashboard = answer("/api/campaigns/{campaign}/dashboard", "get");
        assert!(dashboard["properties"]["levels"].is_object(), "{dashboard}");
        let timeline = answer("/api/campaigns/{campaign}/units/{code}/timeline", "get");
        assert_eq!(timeline["type"], "array", "{timeline}");
        let step = &document["paths"]["/api/campaigns/{campaign}/units/{code}/return"]["post"];
        let body = &step["requestBody"]["content"]["application/json"]["schema"];
        assert!(body["properties"]["as_is"].is_object(), "the step's body from its type: {body}");
    }

    #[test]
    fn every_campaign_route_is_in_the_api_document() {
        let document = super::build();
        // Pages are not the API's.
        for route in super::super::campaign::table().into_iter().filter(|r| r.path.starts_with("/api/")) {
            let method = route.method.as_str().to_ascii_lowercase();
            let operation = &document["paths"][route.path][&method];
            assert!(operation.is_object(), "{} {} is not in /api/openapi.json", route.method, route.path);
        }
    }
}
