//! Who may do what to which unit: the one place the rule of reach lives
//! (`docs/campaign.md`, "Who may do what"). A user acts for one unit; they
//! reach it and the units below it. Outside their reach a unit does not
//! exist for them; inside it, what they may do depends on where it stands
//! from their own.

use super::{Role, Unit};
use crate::store::Account;

/// What a request does to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See its submission, versions, documents, timeline.
    Read,
    /// Save, submit, upload the signed original: the unit itself.
    Edit,
    /// Approve, accept, return, mark as not reporting: the level right above.
    Decide,
    /// Create or disable an account of the unit's people: a level above,
    /// or the unit itself.
    Invite,
}

/// The answer of the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Granted,
    /// Outside the user's reach: answered as if it did not exist.
    Hidden,
    /// In reach, but not theirs to do; why, in Vietnamese.
    Refused(&'static str),
}

/// Whether `account` may do `action` to the unit whose `lineage` is given:
/// the unit first, then its parent, then its parent's parent, in `campaign`.
pub fn access(account: &Account, campaign: &str, lineage: &[Unit], action: Action) -> Access {
    let Some(unit) = lineage.first() else { return Access::Hidden };
    if account.role == Role::Admin {
        // An administrator installs: the Board's first accounts, not the
        // units' data.
        let board = unit.level == crate::campaign::Level::Board;
        return if action == Action::Invite && board { Access::Granted } else { Access::Hidden };
    }
    let Some(own) = account.unit.as_deref().filter(|_| account.campaign.as_deref() == Some(campaign)) else {
        return Access::Hidden;
    };
    let Some(distance) = lineage.iter().position(|u| u.code == own) else { return Access::Hidden };
    match action {
        Action::Read => Access::Granted,
        // A unit invites its own second person; whether a unit that has an
        // active account may get another is `accounts::may_add_second`'s.
        Action::Invite => Access::Granted,
        Action::Edit if distance == 0 => Access::Granted,
        Action::Edit => Access::Refused("chỉ chính đơn vị sửa, nộp báo cáo của mình"),
        Action::Decide if distance == 1 => Access::Granted,
        Action::Decide if unit.parent.is_none() => {
            Access::Refused("báo cáo của Ban Tổ chức gửi lên Tỉnh ủy, ngoài kttdv")
        }
        Action::Decide => Access::Refused("chỉ cấp trên trực tiếp duyệt, tiếp nhận hoặc trả lại báo cáo"),
    }
}

/// Whether `account` sees `campaign` at all: its own campaign, or every
/// campaign for an administrator (who sees the tree, not the data).
pub fn sees_campaign(account: &Account, campaign: &str) -> bool {
    account.role == Role::Admin || account.campaign.as_deref() == Some(campaign)
}

/// Whether `account` reads a campaign's whole audit log: its Board, and
/// the administrator (who also reads the installation's own events).
pub fn reads_log(account: &Account) -> Result<(), &'static str> {
    match account.role {
        Role::Board | Role::Admin => Ok(()),
        _ => Err("chỉ Ban Tổ chức và người quản trị xem nhật ký"),
    }
}

/// Whether `account` may disable the account `login`: not their own (they
/// sign out instead), but for an administrator, who has no unit.
pub fn may_disable(account: &Account, login: &str) -> Result<(), &'static str> {
    match account.role != Role::Admin && account.login == login {
        true => Err("không tự khóa tài khoản của mình; hãy đăng xuất"),
        false => Ok(()),
    }
}

/// The units of `units` (a campaign's tree, each after its parent) that
/// `account` reaches: its own and those below; every unit for an
/// administrator.
pub fn reached<'a>(account: &Account, units: &'a [Unit]) -> Vec<&'a Unit> {
    match (account.role, account.unit.as_deref()) {
        (Role::Admin, _) => units.iter().collect(),
        (_, Some(own)) => within(own, units),
        (_, None) => Vec::new(),
    }
}

/// The unit `root` of `units` (a campaign's tree, each after its parent)
/// and every unit below it, in the tree's order.
pub fn within<'a>(root: &str, units: &'a [Unit]) -> Vec<&'a Unit> {
    let mut inside = std::collections::HashSet::from([root]);
    let mut found = Vec::new();
    // Parents come first, so one pass finds every descendant.
    for unit in units {
        if inside.contains(unit.code.as_str()) || unit.parent.as_deref().is_some_and(|p| inside.contains(p)) {
            inside.insert(&unit.code);
            found.push(unit);
        }
    }
    found
}

/// The role a unit's people have.
pub fn role_of(level: crate::campaign::Level) -> Role {
    match level {
        crate::campaign::Level::Board => Role::Board,
        crate::campaign::Level::Committee => Role::Committee,
        crate::campaign::Level::Cell | crate::campaign::Level::BaseCell => Role::Cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Level, State};

    fn unit(code: &str, level: Level, parent: Option<&str>) -> Unit {
        super::super::test_unit(code, level, State::NotStarted, parent)
    }

    fn tree() -> Vec<Unit> {
        vec![
            unit("ban", Level::Board, None),
            unit("a", Level::Committee, Some("ban")),
            unit("a.1", Level::Cell, Some("a")),
            unit("b", Level::Committee, Some("ban")),
            unit("b.1", Level::Cell, Some("b")),
        ]
    }

    fn lineage(code: &str) -> Vec<Unit> {
        let tree = tree();
        let mut line = Vec::new();
        let mut next = Some(code.to_owned());
        while let Some(code) = next {
            let unit = tree.iter().find(|u| u.code == code).unwrap().clone();
            next = unit.parent.clone();
            line.push(unit);
        }
        line
    }

    fn account(role: Role, unit: &str) -> Account {
        Account { login: "x".into(), role, campaign: Some("c".into()), unit: Some(unit.into()) }
    }

    #[test]
    fn a_committee_reads_itself_and_its_cells_edits_itself_decides_its_cells_only() {
        let officer = account(Role::Committee, "a");
        let on = |code: &str, action| access(&officer, "c", &lineage(code), action);
        assert_eq!(on("a", Action::Read), Access::Granted);
        assert_eq!(on("a.1", Action::Read), Access::Granted);
        assert_eq!(on("a", Action::Edit), Access::Granted);
        assert!(matches!(on("a.1", Action::Edit), Access::Refused(_)));
        assert_eq!(on("a.1", Action::Decide), Access::Granted);
        assert!(matches!(on("a", Action::Decide), Access::Refused(_)));
        for other in ["ban", "b", "b.1"] {
            assert_eq!(on(other, Action::Read), Access::Hidden, "{other}");
        }
    }

    #[test]
    fn another_campaigns_account_and_the_administrator_reach_no_unit() {
        let mut elsewhere = account(Role::Board, "ban");
        elsewhere.campaign = Some("d".into());
        assert_eq!(access(&elsewhere, "c", &lineage("a.1"), Action::Read), Access::Hidden);
        let admin = Account { login: "q".into(), role: Role::Admin, campaign: None, unit: None };
        assert_eq!(access(&admin, "c", &lineage("ban"), Action::Read), Access::Hidden);
        assert_eq!(access(&admin, "c", &lineage("ban"), Action::Invite), Access::Granted, "the Board's first accounts");
        assert_eq!(access(&admin, "c", &lineage("a"), Action::Invite), Access::Hidden);
        assert!(sees_campaign(&admin, "c") && !sees_campaign(&elsewhere, "c"));
    }

    #[test]
    fn the_tree_a_user_reaches_is_their_unit_and_everything_below() {
        let tree = tree();
        let codes = |account: &Account| reached(account, &tree).iter().map(|u| u.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&account(Role::Committee, "b")), ["b", "b.1"]);
        assert_eq!(codes(&account(Role::Cell, "a.1")), ["a.1"]);
        assert_eq!(codes(&account(Role::Board, "ban")).len(), 5);
    }

    #[test]
    fn a_cell_reads_and_edits_itself_and_decides_nothing() {
        let secretary = account(Role::Cell, "a.1");
        let on = |code: &str, action| access(&secretary, "c", &lineage(code), action);
        assert_eq!(on("a.1", Action::Read), Access::Granted);
        assert_eq!(on("a.1", Action::Edit), Access::Granted);
        assert_eq!(on("a.1", Action::Invite), Access::Granted, "its own second person");
        assert!(matches!(on("a.1", Action::Decide), Access::Refused(_)));
        for other in ["a", "ban", "b.1"] {
            assert_eq!(on(other, Action::Read), Access::Hidden, "{other}");
        }
    }

    #[test]
    fn the_board_decides_on_committees_and_only_reads_the_cells_below_them() {
        let board = account(Role::Board, "ban");
        let on = |code: &str, action| access(&board, "c", &lineage(code), action);
        assert_eq!(on("a", Action::Decide), Access::Granted);
        assert_eq!(on("a.1", Action::Read), Access::Granted);
        assert_eq!(on("a.1", Action::Invite), Access::Granted);
        assert_eq!(
            on("a.1", Action::Decide),
            Access::Refused("chỉ cấp trên trực tiếp duyệt, tiếp nhận hoặc trả lại báo cáo")
        );
        assert_eq!(on("a.1", Action::Edit), Access::Refused("chỉ chính đơn vị sửa, nộp báo cáo của mình"));
        assert_eq!(on("ban", Action::Decide), Access::Refused("báo cáo của Ban Tổ chức gửi lên Tỉnh ủy, ngoài kttdv"));
    }

    #[test]
    fn an_account_without_a_unit_or_a_lineage_without_a_unit_reaches_nothing() {
        let loose = Account { login: "x".into(), role: Role::Board, campaign: Some("c".into()), unit: None };
        assert_eq!(access(&loose, "c", &lineage("ban"), Action::Read), Access::Hidden);
        assert_eq!(access(&account(Role::Board, "ban"), "c", &[], Action::Read), Access::Hidden);
        assert!(reached(&loose, &tree()).is_empty());
    }

    #[test]
    fn the_board_and_the_administrator_read_the_log_and_nobody_disables_themselves() {
        assert!(reads_log(&account(Role::Board, "ban")).is_ok());
        assert!(reads_log(&account(Role::Committee, "a")).is_err());
        let admin = Account { login: "q".into(), role: Role::Admin, campaign: None, unit: None };
        assert!(reads_log(&admin).is_ok());
        assert!(may_disable(&account(Role::Committee, "a"), "x").is_err(), "their own");
        assert!(may_disable(&account(Role::Committee, "a"), "a.1").is_ok());
        assert!(may_disable(&admin, "q").is_ok());
    }

    #[test]
    fn each_level_has_its_role() {
        assert_eq!(role_of(Level::Board), Role::Board);
        assert_eq!(role_of(Level::Committee), Role::Committee);
        assert_eq!(role_of(Level::Cell), Role::Cell);
    }
}
