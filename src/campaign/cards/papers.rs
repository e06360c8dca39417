//! The Board's submission to the Standing Committee (Tờ trình) and its
//! decision (Quyết định) as documents of kind `plan`, in the 36-HD frame,
//! made from the decision the Board recorded, its saved details and the
//! lists of the organisations it covers; the lists themselves go with them
//! as the annex (the Board's consolidated lists, `tong-hop`).

use serde_json::{Value, json};

use super::Trip;
use super::ledger::Decision;
use super::listed::List;
use crate::campaign::{Error, Level, Unit};
use crate::store::Store;

/// The Tờ trình and the Quyết định, as `plan` inputs; refused before the
/// decision is recorded or while the Board has no details saved.
pub async fn decision_papers(store: &Store, campaign: &str, board: &Unit) -> Result<(Value, Value), Error> {
    if board.level != Level::Board {
        return Err(Error::Refused("chỉ Ban Tổ chức lập tờ trình và dự thảo quyết định"));
    }
    let trip = Trip::load(store, campaign, &board.code).await?;
    let Some(decision) = trip.ledger.decision.clone() else {
        return Err(Error::Conflict("chưa ghi số, ngày của tờ trình và quyết định".into()));
    };
    let details =
        store.version(campaign, &board.code, None).await?.ok_or_else(|| Error::NoSubmission(board.name.clone()))?;
    let details: Value =
        serde_json::from_str(&details.body).map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
    let own = &details["board"];
    let counts = counts(&trip, &decision);
    let lists = [
        (List::Stamp, "đóng dấu kiểm tra kỹ thuật thẻ đảng viên"),
        (List::Damaged, "đổi lại thẻ đảng viên bị hỏng"),
        (List::Lost, "cấp lại thẻ đảng viên bị mất"),
        (List::NoCard, "đổi, phát thẻ cho đảng viên chính thức chưa được đổi, phát thẻ"),
    ];
    let items: Vec<Value> = lists
        .iter()
        .enumerate()
        .map(|(i, (list, what))| {
            let end = if i + 1 == lists.len() { "." } else { ";" };
            json!({ "item": format!("Danh sách {what} ({}): {} đồng chí{end}", list.form(), counts(*list)) })
        })
        .collect();
    let organisations = decision.organisations.len();
    let header = &own["header"];
    let place = header["place"].clone();
    let assessed = format!(
        "Ban Tổ chức đã tiếp nhận, thẩm định hồ sơ kiểm tra kỹ thuật thẻ đảng viên của {organisations} tổ chức cơ sở đảng trực thuộc, gồm:"
    );
    let findings: Vec<Value> = std::iter::once(json!({ "paragraph": assessed })).chain(items.iter().cloned()).collect();
    let submission = json!({
        "header": { "superior": header["superior"], "issuer": header["issuer"], "number": decision.submission.number,
                    "place": place, "date": decision.submission.date },
        "type": "TỜ TRÌNH",
        "subject": "Về việc duyệt danh sách đóng dấu kiểm tra kỹ thuật, đổi, cấp lại thẻ đảng viên",
        "intro": [{ "paragraph": "Kính gửi: Ban Thường vụ Đảng ủy Khối." }],
        "sections": [
            { "title": "Kết quả thẩm định", "body": findings },
            { "title": "Đề nghị", "body": [
                { "paragraph": "Ban Tổ chức kính trình Ban Thường vụ Đảng ủy Khối xem xét, quyết định duyệt các danh sách trên (có danh sách kèm theo)." },
            ] },
        ],
        "recipients": ["Như trên,", "Lưu Ban Tổ chức."],
        "signature": own["signature"],
    });
    // The Bloc's party committee issues the decision; above it, the
    // province the Board's documents are dated in, unless the Board said.
    let superior = decision.superior.clone().unwrap_or_else(|| match place.as_str() {
        Some(place) => format!("ĐẢNG BỘ TỈNH {}", place.to_uppercase()),
        None => String::new(),
    });
    let bloc = header["superior"].clone();
    let bloc_name = bloc.as_str().unwrap_or_default();
    let mut body = vec![
        json!({ "paragraph": format!("BAN THƯỜNG VỤ {bloc_name}") }),
        json!({ "item": "Căn cứ Điều lệ Đảng và các quy định về thẻ đảng viên;" }),
        json!({ "item": format!("Xét Tờ trình số {}, ngày {} của Ban Tổ chức,", decision.submission.number, decision.submission.date) }),
        json!({ "paragraph": "QUYẾT ĐỊNH:" }),
        json!({ "paragraph": format!("Điều 1. Duyệt các danh sách kiểm tra kỹ thuật thẻ đảng viên của {organisations} tổ chức cơ sở đảng (có danh sách kèm theo):") }),
    ];
    body.extend(items);
    body.push(json!({ "paragraph": "Điều 2. Ban Tổ chức đóng dấu kiểm tra kỹ thuật, đổi, cấp lại thẻ đảng viên theo các danh sách tại Điều 1 và trả thẻ cho đảng viên qua tổ chức cơ sở đảng." }));
    body.push(json!({ "paragraph": "Điều 3. Ban Tổ chức, các tổ chức cơ sở đảng trực thuộc và các đồng chí có tên trong danh sách chịu trách nhiệm thi hành quyết định này." }));
    let decided = json!({
        "header": { "superior": superior, "issuer": bloc, "number": decision.decision.number,
                    "place": place, "date": decision.decision.date },
        "type": "QUYẾT ĐỊNH",
        "subject": "Về việc duyệt danh sách đóng dấu kiểm tra kỹ thuật, đổi, cấp lại thẻ đảng viên",
        "intro": body,
        "sections": [],
        "recipients": ["Như Điều 3,", "Lưu Văn phòng Đảng ủy Khối."],
        "signature": { "as": "on-behalf-of", "body": "BAN THƯỜNG VỤ", "title": decision.title, "name": decision.signer },
    });
    Ok((submission, decided))
}

/// How many members of `list` the decision covers.
fn counts<'a>(trip: &'a Trip, decision: &'a Decision) -> impl Fn(List) -> usize + 'a {
    move |list| {
        trip.lists
            .iter()
            .filter(|(cell, _)| {
                let unit = trip.units.iter().find(|u| &u.code == *cell);
                let organisation =
                    unit.and_then(|u| if u.level == Level::BaseCell { Some(&u.code) } else { u.parent.as_ref() });
                organisation.is_some_and(|o| decision.organisations.contains(o))
            })
            .flat_map(|(_, listed)| listed)
            .filter(|l| l.list == list)
            .count()
    }
}
