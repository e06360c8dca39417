//! Signed-in people for the black-box tests: the first Board officer from
//! `kttdv admin create-user`, everyone else invited over HTTP the way an
//! officer invites the units below, each signing in through their link.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::campaign::TestStore;
use crate::common::*;
pub(crate) use crate::common::{PASSWORD, User};

pub(crate) const CAMPAIGN: &str = "2021-quang-nam";
pub(crate) const BOARD: &str = "ban";

impl User {
    /// `kttdv admin create-user LOGIN ARGS…` into `store`, then its one-time link.
    pub(crate) async fn created(store: &TestStore, server: &Server, login: &str, args: &[&str]) -> User {
        User::created_in(&store.args(), server, login, args).await
    }

    /// The account of `unit` of the example campaign, its login the unit's
    /// code, with the unit's `role`, signed in.
    pub(crate) async fn of_unit(store: &TestStore, server: &Server, role: &str, unit: &str) -> User {
        User::created(store, server, unit, &["--role", role, "--campaign", CAMPAIGN, "--unit", unit]).await
    }
}

/// `/api/campaigns/2021-quang-nam/units/UNIT/REST`.
pub(crate) fn unit_url(server: &Server, unit: &str, rest: &str) -> String {
    server.url(&format!("/api/campaigns/{CAMPAIGN}/units/{unit}/{rest}"))
}

/// A JSON answer that must be 200.
pub(crate) async fn ok_json(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Everyone of the example Bloc, signed in, by unit code: the Board's
/// officer made by the command line invites every committee at once; each
/// committee's officer invites its cells at once.
pub(crate) async fn whole_bloc(store: &TestStore, server: &Server) -> BTreeMap<String, User> {
    let board =
        User::created(store, server, "ban-to-chuc", &["--role", "board", "--campaign", CAMPAIGN, "--unit", BOARD])
            .await;
    let mut users = BTreeMap::from([(BOARD.to_owned(), board.clone())]);
    let mut inviters = vec![board];
    while let Some(inviter) = inviters.pop() {
        let unit = users.iter().find(|(_, u)| u.login == inviter.login).unwrap().0.clone();
        let answer =
            inviter.post(unit_url(server, &unit, "accounts")).json(&json!({ "below": true })).send().await.unwrap();
        let status = answer.status();
        let created: Value = answer.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{created}");
        for account in created.as_array().unwrap() {
            let login = account["login"].as_str().unwrap();
            let user = User::by_link(server, login, account["link"].as_str().unwrap()).await;
            if account["role"] == "committee" {
                inviters.push(user.clone());
            }
            users.insert(account["unit"].as_str().unwrap().to_owned(), user);
        }
    }
    users
}

/// Takes a step on `unit` as `user`; its answer's status and body.
pub(crate) async fn step(server: &Server, user: &User, unit: &str, step: &str, body: Value) -> (StatusCode, Value) {
    let answer = user.post(unit_url(server, unit, step)).json(&body).send().await.unwrap();
    (answer.status(), answer.json().await.unwrap())
}

/// The campaign's units as `user` sees them, each after its parent.
pub(crate) async fn units_seen(server: &Server, user: &User) -> Vec<Value> {
    let units = ok_json(user.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/units"))).send().await.unwrap()).await;
    units.as_array().unwrap().clone()
}

/// Every cell submits and is approved, every committee submits and is
/// accepted.
pub(crate) async fn approve_everything(server: &Server, bloc: &BTreeMap<String, User>) {
    let units = units_seen(server, &bloc[BOARD]).await;
    for level in ["cell", "committee"] {
        for unit in units.iter().filter(|u| u["level"] == level) {
            let (code, parent) = (unit["code"].as_str().unwrap(), unit["parent"].as_str().unwrap());
            let (status, body) = step(server, &bloc[code], code, "submit", json!({})).await;
            assert_eq!(status, StatusCode::OK, "{code}: {body}");
            let (status, body) = step(server, &bloc[parent], code, "approve", json!({})).await;
            assert_eq!(status, StatusCode::OK, "{code}: {body}");
        }
    }
}
