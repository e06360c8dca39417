//! A committee gives its cells a deadline of its own, on or before its
//! own: the dashboard counts its cells' lateness against it, the other
//! committees' cells against the campaign's; nobody else sets it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::campaign::{TestStore, init_example, serve};
use crate::people::{BOARD, CAMPAIGN, ok_json, step, unit_url, whole_bloc};

const COMMITTEE: &str = "dang-bo-so-tai-chinh";
const CELL: &str = "dang-bo-so-tai-chinh.chi-bo-van-phong";
const OTHER_CELL: &str = "dang-bo-so-xay-dung.chi-bo-thanh-tra-xay-dung";

#[tokio::test]
async fn a_committee_sets_its_cells_deadline_and_their_lateness_is_counted_against_it() {
    for store in TestStore::all() {
        let label = store.label();
        init_example(&store);
        let server = serve(&store);
        let bloc = whole_bloc(&store, &server).await;
        let set = |unit: &str, user: &str, day: Value| {
            bloc[user].put(unit_url(&server, unit, "deadline")).json(&json!({ "deadline": day })).send()
        };

        // After its own deadline (the example's 10/05/2021): refused, at the field.
        let late = set(COMMITTEE, COMMITTEE, json!("11/05/2021")).await.unwrap();
        assert_eq!(late.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let late: Value = late.json().await.unwrap();
        assert_eq!(
            (&late["problems"][0]["code"], &late["problems"][0]["path"]),
            (&json!("late-report"), &json!("$.deadline"))
        );
        assert!(
            late["problems"][0]["message"].as_str().unwrap().contains("sau hạn nộp của tổ chức cơ sở (10/05/2021)")
        );
        // Nobody else sets it: the Board is refused, a cell does not see its committee.
        assert_eq!(
            set(COMMITTEE, BOARD, json!("30/04/2021")).await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "{label}"
        );
        assert_eq!(set(COMMITTEE, CELL, json!("30/04/2021")).await.unwrap().status(), StatusCode::NOT_FOUND, "{label}");
        let cell_sets = set(CELL, CELL, json!("30/04/2021")).await.unwrap();
        assert_eq!(cell_sets.status(), StatusCode::CONFLICT, "{label}: a cell has none below it");

        let done = ok_json(set(COMMITTEE, COMMITTEE, json!("30/04/2021")).await.unwrap()).await;
        assert_eq!(done["cells_deadline"], "30/04/2021", "{label}");
        assert_eq!(done["summary"]["text"], "Đã lưu hạn nộp của các đơn vị trực thuộc: 30/04/2021.", "{label}");

        // Two cells of two committees submit the same day: hers is ten days later than the other.
        for cell in [CELL, OTHER_CELL] {
            let (status, body) = step(&server, &bloc[cell], cell, "submit", json!({})).await;
            assert_eq!(status, StatusCode::OK, "{label}: {body}");
        }
        let dashboard = bloc[BOARD].get(server.url(&format!("/api/campaigns/{CAMPAIGN}/dashboard"))).send();
        let dashboard = ok_json(dashboard.await.unwrap()).await;
        let late_by = |code: &str| {
            let unit = dashboard["units"].as_array().unwrap().iter().find(|u| u["code"] == code).unwrap();
            assert_eq!(unit["timeliness"]["status"], "late", "{label}: {unit}");
            unit["timeliness"]["days"].as_i64().unwrap()
        };
        assert_eq!(late_by(CELL) - late_by(OTHER_CELL), 10, "{label}");
        // Her own page counts her against the same deadline, which her committee set.
        let own = bloc[CELL].get(server.url(&format!("/api/campaigns/{CAMPAIGN}/dashboard"))).send();
        let own = ok_json(own.await.unwrap()).await;
        let mine = own["units"].as_array().unwrap().iter().find(|u| u["code"] == CELL).unwrap().clone();
        assert_eq!(mine["timeliness"]["days"].as_i64().unwrap(), late_by(CELL), "{label}: {mine}");

        // Back to the campaign's, said in the log.
        let back = ok_json(set(COMMITTEE, COMMITTEE, json!("")).await.unwrap()).await;
        assert_eq!(back["cells_deadline"], "10/05/2021", "{label}");
        let said = "Đã lưu: các đơn vị trực thuộc theo hạn chung của chiến dịch, 10/05/2021.";
        assert_eq!(back["summary"]["text"], said, "{label}");
        let log =
            ok_json(bloc[BOARD].get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap());
        let log = log.await;
        let notes: Vec<&str> = log
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "deadline-set")
            .map(|e| e["note"].as_str().unwrap())
            .collect();
        assert_eq!(
            notes,
            ["hạn nộp của các đơn vị trực thuộc: 30/04/2021", "hạn nộp của các đơn vị trực thuộc: theo chiến dịch"],
            "{label}"
        );
    }
}
