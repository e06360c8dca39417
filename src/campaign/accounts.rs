//! Who gets an account (`docs/campaign.md`, "Accounts and sign-in"): a
//! login from a small alphabet, so that no two logins look alike; one
//! account per unit until the unit itself, or the Board, adds a second
//! person — an officer above cannot quietly become a unit below.

use std::fmt;
use std::str::FromStr;

use super::{Role, Unit};
use crate::store::{Account, Person, Store, StoreError, new_token};

/// Longest login: a cell's code is its committee's and its own, joined.
pub const MAX_LOGIN: usize = 100;

/// A login as kttdv keeps and compares it: lowercase ASCII letters,
/// digits, `.`, `-` and `_`, 1 to [`MAX_LOGIN`] of them. What people type
/// is trimmed and lowered first ("Ban-To-Chuc " signs in as `ban-to-chuc`);
/// anything else — a space, an accent, a zero-width or direction mark, a
/// control — is refused, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Login(String);

impl Login {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The login a unit's first account gets: its code, which is already
    /// of the alphabet (a slug, or a committee's slug and a cell's joined by
    /// a dot); `n` > 1 numbers the next ones (`ban-2`).
    pub fn for_unit(code: &str, n: usize) -> Result<Login, LoginError> {
        if n > 1 { format!("{code}-{n}").parse() } else { code.parse() }
    }
}

impl FromStr for Login {
    type Err = LoginError;

    fn from_str(typed: &str) -> Result<Self, LoginError> {
        let login = typed.trim().to_ascii_lowercase();
        if login.is_empty() {
            return Err(LoginError::Empty);
        }
        if let Some(bad) = login.chars().find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '.' | '-' | '_')) {
            return Err(LoginError::Character(bad));
        }
        if login.len() > MAX_LOGIN {
            return Err(LoginError::Long(login.len()));
        }
        Ok(Login(login))
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a login is refused, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("cần ghi tên đăng nhập")]
    Empty,
    #[error(
        "tên đăng nhập chỉ gồm chữ thường không dấu, chữ số và các dấu . - _ (có ký tự {})",
        shown(*.0)
    )]
    Character(char),
    #[error("tên đăng nhập dài {0} ký tự, quá giới hạn {MAX_LOGIN}")]
    Long(usize),
}

/// A character as a message names it: printable ones as they are, the
/// others (spaces, marks that print nothing) by their code point.
fn shown(c: char) -> String {
    if c.is_alphanumeric() || c.is_ascii_punctuation() { format!("«{c}»") } else { format!("U+{:04X}", c as u32) }
}

/// Whether `inviter` (`own`: for their own unit) may give a unit one more
/// account while it has one that is active: only the unit itself, or the
/// Board. The accounts a unit has are listed on its page with who made
/// them, so the unit sees every one. The page offers it by the same rule.
pub fn may_add_second(inviter: &Account, own: bool) -> Result<(), &'static str> {
    if own || inviter.role == Role::Board {
        Ok(())
    } else {
        Err("đơn vị đã có tài khoản: người thứ hai của đơn vị do chính đơn vị hoặc Ban Tổ chức mời")
    }
}

/// An account made for a unit, with its one-time link's token (shown once).
pub struct Invited {
    pub unit: Unit,
    pub account: Account,
    pub token: String,
}

/// An account made from the command line: an administrator's (no unit),
/// or the first officer of the unit `unit` of `campaign`, whose role must be
/// the one of the unit's level: its one-time sign-in token with it.
pub async fn first_account(
    store: &Store,
    login: &Login,
    role: Role,
    place: Option<(&str, &str)>,
) -> Result<(Account, String), StoreError> {
    match place {
        Some((campaign, unit)) if role != Role::Admin => {
            let unit = store.unit(campaign, unit).await?;
            // A user acts for their unit with its level's role.
            let level_role = super::role_of(unit.level);
            if level_role != role {
                return Err(StoreError::WrongRole { unit: unit.code, role: level_role.as_str() });
            }
            let made = open_account(store, campaign, &unit, login, None, None, true).await?;
            Ok((made.account, made.token))
        }
        _ => {
            let account = Account { login: login.to_string(), role, campaign: None, unit: None };
            let token = new_token();
            store.create_account(&account, None, &token, None, false).await?;
            Ok((account, token))
        }
    }
}

/// A new one-time link for `login`, an account of `unit`, asked by
/// `account`, whom the rule of reach let invite on the unit: an officer
/// above it or the administrator — not the unit itself, whose lost
/// password its level above answers for. The token, to give the person;
/// none when the unit has no such active account.
pub async fn new_link(
    store: &Store,
    account: &Account,
    campaign: &str,
    unit: &Unit,
    login: &str,
) -> Result<Option<String>, super::Error> {
    if account.unit.as_deref() == Some(unit.code.as_str()) {
        return Err(super::Error::Refused("liên kết đăng nhập mới do cấp trên của đơn vị gửi"));
    }
    let token = new_token();
    Ok(store.new_link(campaign, &unit.code, login, &token, &account.login).await?.then_some(token))
}

/// What an officer asks for a unit.
pub enum Invitation {
    /// One account, `login`, for `person` if named; `second`: another
    /// person for a unit that has an active account, asked knowingly.
    One { login: Login, person: Option<Person>, second: bool },
    /// One account for each unit right below that has none.
    Below,
}

/// Invites as `account` asks, on the unit `lineage[0]` (with the units
/// above it), which the rule of reach let them invite on: the accounts
/// made, each with its one-time token, and the units below skipped with
/// the login they have. A unit that has an active account gets another
/// only from itself or the Board.
pub async fn invite(
    store: &Store,
    account: &Account,
    campaign: &str,
    lineage: &[Unit],
    invitation: Invitation,
) -> Result<(Vec<Invited>, Vec<(Unit, String)>), super::Error> {
    let by = Some(account.login.as_str());
    let unit = &lineage[0];
    match invitation {
        Invitation::Below => {
            let units = store.units(campaign).await?;
            let children: Vec<Unit> = units.into_iter().filter(|u| u.parent.as_deref() == Some(&unit.code)).collect();
            // Each unit below must be the user's to invite: an administrator's reach ends at the Board.
            let mut line = lineage.to_vec();
            line.insert(0, unit.clone());
            for child in &children {
                line[0] = child.clone();
                if super::access(account, campaign, &line, super::Action::Invite) != super::Access::Granted {
                    return Err(super::Error::Refused("chỉ tạo tài khoản cho đơn vị trực thuộc của mình"));
                }
            }
            Ok(invite_below(store, campaign, &children, by).await?)
        }
        Invitation::One { login, person, second } => {
            // How far above the unit the user's own unit stands (0: the unit
            // itself); an administrator stands above the Board.
            let own = account.unit.as_deref();
            let distance = lineage.iter().position(|u| Some(u.code.as_str()) == own).unwrap_or(lineage.len());
            if second {
                may_add_second(account, distance == 0).map_err(super::Error::Refused)?;
            }
            let one_per_unit = !second && distance > 0;
            let made = open_account(store, campaign, unit, &login, person.as_ref(), by, one_per_unit).await?;
            Ok((vec![made], Vec::new()))
        }
    }
}

/// Makes the account `login` for `unit` of `campaign` (and `person`, who
/// it is, if named), with the role of the unit's level, `by` an officer
/// (none: the command line); with `one_per_unit`, only while the unit has
/// no active account.
pub async fn open_account(
    store: &Store,
    campaign: &str,
    unit: &Unit,
    login: &Login,
    person: Option<&Person>,
    by: Option<&str>,
    one_per_unit: bool,
) -> Result<Invited, StoreError> {
    let account = Account {
        login: login.to_string(),
        role: super::role_of(unit.level),
        campaign: Some(campaign.to_owned()),
        unit: Some(unit.code.clone()),
    };
    let token = new_token();
    store.create_account(&account, person, &token, by, one_per_unit).await?;
    Ok(Invited { unit: unit.clone(), account, token })
}

/// One account for each of `units` that has no active one, named after
/// its code (numbered, `-2`, when that login is taken in another
/// campaign); and the units skipped, each with the login it has.
async fn invite_below(
    store: &Store,
    campaign: &str,
    units: &[Unit],
    by: Option<&str>,
) -> Result<(Vec<Invited>, Vec<(Unit, String)>), StoreError> {
    let (mut invited, mut skipped) = (Vec::new(), Vec::new());
    for unit in units {
        for n in 1.. {
            let login = Login::for_unit(&unit.code, n).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            match open_account(store, campaign, unit, &login, None, by, true).await {
                Ok(made) => invited.push(made),
                Err(StoreError::AccountExists(_)) if n < 10 => continue,
                Err(StoreError::UnitHasAccount(login)) => skipped.push((unit.clone(), login)),
                Err(err) => return Err(err),
            }
            break;
        }
    }
    Ok((invited, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_is_trimmed_and_lowered_and_nothing_else_passes() {
        assert_eq!("  Ban-To_Chuc.2 ".parse::<Login>().unwrap().as_str(), "ban-to_chuc.2");
        for bad in ["ban\u{200b}", "ban\u{202e}", "ban\u{7}", "ban\0", "bạn", "ban to chuc", "ban/x", "ban@x"] {
            assert!(matches!(bad.parse::<Login>(), Err(LoginError::Character(_))), "{bad:?}");
        }
        assert_eq!("   ".parse::<Login>(), Err(LoginError::Empty));
        assert_eq!("a".repeat(101).parse::<Login>(), Err(LoginError::Long(101)));
        assert!(LoginError::Character('\u{200b}').to_string().contains("U+200B"));
    }

    #[test]
    fn a_units_login_is_its_code_then_numbered() {
        let code = "dang-bo-so-tai-chinh.chi-bo-van-phong";
        assert_eq!(Login::for_unit(code, 1).unwrap().as_str(), code);
        assert_eq!(Login::for_unit("ban", 2).unwrap().as_str(), "ban-2");
    }

    #[test]
    fn only_the_unit_itself_or_the_board_adds_a_second_person() {
        let officer = |role| Account { login: "x".into(), role, campaign: Some("c".into()), unit: Some("u".into()) };
        assert!(may_add_second(&officer(Role::Cell), true).is_ok());
        assert!(may_add_second(&officer(Role::Committee), false).is_err());
        assert!(may_add_second(&officer(Role::Board), false).is_ok());
        let admin = Account { login: "q".into(), role: Role::Admin, campaign: None, unit: None };
        assert!(may_add_second(&admin, false).is_err());
    }

    #[test]
    fn a_refused_login_says_why_in_vietnamese() {
        assert_eq!(LoginError::Empty.to_string(), "cần ghi tên đăng nhập");
        assert_eq!(LoginError::Long(120).to_string(), "tên đăng nhập dài 120 ký tự, quá giới hạn 100");
        assert!(LoginError::Character('ạ').to_string().ends_with("(có ký tự «ạ»)"));
    }
}
