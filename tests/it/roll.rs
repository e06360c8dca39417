//! The Board replaces the roll it manages during the campaign: a preview
//! says what the file changes and keeps nothing, a file with a mistake is
//! refused at its cell, the roll kept is said in the audit log; nobody
//! else replaces it.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::campaign::{TestStore, init_example, serve};
use crate::common::*;
use crate::people::{BOARD, CAMPAIGN, ok_json, unit_url, whole_bloc};

/// The example roll with Trần Văn Hùng moved to another cell, Nguyễn Thị
/// Lan gone and a member of an organisation the tree has not come.
pub(crate) fn changed_roll() -> String {
    let roll = example("roll.csv");
    let mut lines: Vec<String> = roll.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replace("Chi bộ Văn phòng", "Chi bộ Thanh tra");
    lines.remove(2);
    lines.push("Phan Văn Mới,01/02/1990,,Đảng bộ Sở Nội vụ,Chi bộ 1".into());
    lines.join("\n") + "\n"
}

fn roll_file(name: &str, text: String) -> Form {
    Form::new().part("roll", Part::bytes(text.into_bytes()).file_name(name.to_owned()))
}

#[tokio::test]
async fn the_board_previews_what_a_new_roll_changes_then_keeps_it_and_no_one_else_can() {
    for store in TestStore::all() {
        let label = store.label();
        init_example(&store);
        let server = serve(&store);
        let bloc = whole_bloc(&store, &server).await;
        let board = &bloc[BOARD];
        let url = unit_url(&server, BOARD, "roll");

        // A preview says what changes and keeps nothing: asked twice, the same.
        for _ in 0..2 {
            let preview = board.put(format!("{url}?preview=true")).multipart(roll_file("ds-moi.csv", changed_roll()));
            let preview = ok_json(preview.send().await.unwrap()).await;
            let changes = &preview["changes"];
            assert_eq!(preview["preview"], true, "{label}");
            let counts =
                [&changes["before"], &changes["after"], &changes["added"], &changes["removed"], &changes["moved"]];
            assert_eq!(counts, [&json!(49), &json!(49), &json!(1), &json!(1), &json!(1)], "{label}: {changes}");
            let lines: Vec<&str> = changes["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
            assert!(lines.contains(&"Chuyển: Trần Văn Hùng (01/01/1962): Đảng bộ Sở Tài chính / Chi bộ Văn phòng → Đảng bộ Sở Tài chính / Chi bộ Thanh tra"), "{label}: {lines:?}");
            assert!(
                lines.contains(&"Bớt: Nguyễn Thị Lan (12/06/1969), Đảng bộ Sở Tài chính / Chi bộ Văn phòng"),
                "{label}"
            );
            assert_eq!(changes["unknown_units"], json!(["Đảng bộ Sở Nội vụ", "Chi bộ 1"]), "{label}");
            assert!(preview["summary"]["text"].as_str().unwrap().ends_with("Chưa lưu."), "{label}");
        }

        // A mistake is refused at its cell, by the name the file was sent with.
        let broken = changed_roll().replace("01/02/1990", "31/02/1990");
        let refused = board.put(url.clone()).multipart(roll_file("ds-moi.csv", broken)).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let refused: Value = refused.json().await.unwrap();
        let problem = &refused["problems"][0];
        assert_eq!(problem["code"], "invalid-date", "{label}: {refused}");
        assert_eq!(
            (&problem["file"], &problem["row"], &problem["column"]),
            (&json!("ds-moi.csv"), &json!(50), &json!("B")),
            "{label}: {refused}"
        );

        // A cell's workbook is no roll, though it has names and birth dates.
        let workbook = std::fs::read(root().join("examples/chi-bo-van-phong.xlsx")).unwrap();
        let form = Form::new().part("roll", Part::bytes(workbook).file_name("chi-bo-van-phong.xlsx"));
        let wrong = board.put(format!("{url}?preview=true")).multipart(form).send().await.unwrap();
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let wrong: Value = wrong.json().await.unwrap();
        assert_eq!(wrong["problems"][0]["code"], "missing-column", "{label}: {wrong}");

        // Nobody else replaces it: a committee does not see the Board; on its own unit, no roll.
        let committee = &bloc["dang-bo-so-tai-chinh"];
        let other = committee.put(url.clone()).multipart(roll_file("ds.csv", changed_roll())).send().await.unwrap();
        assert_eq!(other.status(), StatusCode::NOT_FOUND, "{label}");
        let own = committee.put(unit_url(&server, "dang-bo-so-tai-chinh", "roll"));
        let own = own.multipart(roll_file("ds.csv", changed_roll())).send().await.unwrap();
        assert_eq!(own.status(), StatusCode::CONFLICT, "{label}");

        // Kept: said, and a second look finds nothing left to change.
        let kept =
            ok_json(board.put(url.clone()).multipart(roll_file("ds-moi.csv", changed_roll())).send().await.unwrap());
        let kept = kept.await;
        assert_eq!(
            kept["summary"]["text"],
            "Đã lưu danh sách đảng viên Ban Tổ chức quản lý: 49 đảng viên (thêm 1, bớt 1, chuyển 1, sửa 0).",
            "{label}"
        );
        let again = board.put(format!("{url}?preview=true")).multipart(roll_file("ds-moi.csv", changed_roll()));
        let again = ok_json(again.send().await.unwrap()).await;
        assert_eq!(again["changes"]["lines"], json!([]), "{label}");
        let log =
            ok_json(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap()).await;
        let set = log.as_array().unwrap().iter().find(|e| e["action"] == "roll-set").expect("logged");
        assert_eq!(set["note"], "49 đảng viên (thêm 1, bớt 1, chuyển 1, sửa 0)", "{label}");
    }
}
