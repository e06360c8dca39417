//! The steps of a unit's report and the states they lead to
//! (`docs/campaign.md`, "The workflow"), adapted from DHIS2's data
//! approval: a unit submits and is locked; the level right above approves
//! (a cell) or accepts (a committee), or returns it with a comment; a
//! level submits its own report only when every unit below it is approved
//! or marked as not reporting.

use super::access::{Access, Action, access};
use super::{Level, State, Unit};
use crate::store::{Account, EventAction};

/// What a user does to a unit's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "kebab-case")]
pub enum Step {
    /// The unit sends its current version up: locked.
    Submit,
    /// The level above approves (a cell) or accepts (a committee) it.
    Approve,
    /// The level above sends it back, with a comment: editable again.
    Return,
    /// The level above marks a unit that will not report, with a reason.
    NotReporting,
    /// The Board takes its own sent report back to mend it: its report
    /// goes on to the Province outside kttdv, so no level above returns it.
    Reopen,
}

impl Step {
    pub const ALL: [Step; 5] = [Step::Submit, Step::Approve, Step::Return, Step::NotReporting, Step::Reopen];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the rule of reach is asked for the step: the unit's own edit
    /// (submitting, reopening), or the decision of the level above.
    pub fn action(self) -> Action {
        if matches!(self, Step::Submit | Step::Reopen) { Action::Edit } else { Action::Decide }
    }

    /// What the audit log records the step as.
    pub fn event(self) -> EventAction {
        match self {
            Step::Submit => EventAction::Submit,
            Step::Approve => EventAction::Approve,
            Step::Return => EventAction::Return,
            Step::NotReporting => EventAction::NotReporting,
            Step::Reopen => EventAction::Reopen,
        }
    }

    /// Whether the step needs a comment or reason.
    pub fn needs_note(self) -> bool {
        matches!(self, Step::Return | Step::NotReporting)
    }

    /// In Vietnamese, as a button says it, for a unit of `level`.
    pub fn label(self, level: Level) -> &'static str {
        match (self, level) {
            (Step::Submit, _) => "nộp",
            (Step::Approve, Level::Committee | Level::BaseCell) => "tiếp nhận",
            (Step::Approve, _) => "duyệt",
            (Step::Return, _) => "trả lại",
            (Step::NotReporting, _) => "đánh dấu không báo cáo",
            (Step::Reopen, _) => "mở lại để sửa",
        }
    }
}

/// The state a unit of `level` in `state` goes to by `step`; why not, in
/// Vietnamese, when it cannot. `has_version`: whether it has saved data.
pub fn next(step: Step, level: Level, state: State, has_version: bool) -> Result<State, String> {
    let to = match (step, state) {
        (Step::Submit, State::Draft | State::Returned) if has_version => Some(State::Submitted),
        (Step::Approve, State::Submitted) => match level {
            Level::Cell => Some(State::Approved),
            Level::Committee | Level::BaseCell => Some(State::Accepted),
            Level::Board => None,
        },
        (Step::Return, State::Submitted | State::Approved | State::Accepted | State::NotReporting) => {
            Some(State::Returned)
        }
        (Step::NotReporting, State::NotStarted | State::Draft | State::Returned) => Some(State::NotReporting),
        (Step::Reopen, State::Submitted) if level == Level::Board => Some(State::Draft),
        _ => None,
    };
    to.ok_or_else(|| match (step, state) {
        (Step::Submit, State::NotStarted) | (Step::Submit, _) if !has_version => {
            "chưa có dữ liệu để nộp: hãy lưu danh sách trước".to_owned()
        }
        _ => format!("báo cáo đang ở trạng thái «{}»: không {} được", state.label(), step.label(level)),
    })
}

/// The steps `account` may take now on the first unit of `lineage` (the
/// unit, then the units above it): the ones its role allows there and its
/// report's state leads on from — the buttons a page offers.
pub fn open_steps(account: &Account, campaign: &str, lineage: &[Unit]) -> Vec<Step> {
    let Some(unit) = lineage.first() else { return Vec::new() };
    Step::ALL
        .into_iter()
        .filter(|step| access(account, campaign, lineage, step.action()) == Access::Granted)
        .filter(|step| next(*step, unit.level, unit.state, unit.current.is_some()).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Role, test_unit};

    #[test]
    fn a_cell_goes_draft_submitted_returned_submitted_approved_and_no_step_twice() {
        let cell = |step, state| next(step, Level::Cell, state, true);
        assert_eq!(cell(Step::Submit, State::Draft), Ok(State::Submitted));
        assert_eq!(cell(Step::Return, State::Submitted), Ok(State::Returned));
        assert_eq!(cell(Step::Submit, State::Returned), Ok(State::Submitted));
        assert_eq!(cell(Step::Approve, State::Submitted), Ok(State::Approved));
        let twice = cell(Step::Approve, State::Approved).unwrap_err();
        assert_eq!(twice, "báo cáo đang ở trạng thái «đã duyệt»: không duyệt được");
        assert!(cell(Step::Submit, State::Submitted).is_err(), "locked once submitted");
    }

    #[test]
    fn a_committee_is_accepted_and_nothing_submits_without_data() {
        assert_eq!(next(Step::Approve, Level::Committee, State::Submitted, true), Ok(State::Accepted));
        assert_eq!(Step::Approve.label(Level::Committee), "tiếp nhận");
        let empty = next(Step::Submit, Level::Cell, State::NotStarted, false).unwrap_err();
        assert!(empty.contains("chưa có dữ liệu"), "{empty}");
        assert_eq!(next(Step::NotReporting, Level::Cell, State::NotStarted, false), Ok(State::NotReporting));
        assert_eq!(next(Step::Return, Level::Cell, State::NotReporting, false), Ok(State::Returned));
    }

    const STATES: [State; 7] = [
        State::NotStarted,
        State::Draft,
        State::Submitted,
        State::Approved,
        State::Accepted,
        State::Returned,
        State::NotReporting,
    ];
    const LEVELS: [Level; 4] = [Level::Cell, Level::Committee, Level::BaseCell, Level::Board];

    /// Where `step` leads from every state, at every level, with data.
    fn table(step: Step) -> Vec<(Level, State, Option<State>)> {
        LEVELS
            .into_iter()
            .flat_map(|level| STATES.map(|state| (level, state, next(step, level, state, true).ok())))
            .collect()
    }

    #[test]
    fn submitting_goes_up_from_a_draft_or_a_return_only_at_every_level() {
        for (level, state, to) in table(Step::Submit) {
            let expected = matches!(state, State::Draft | State::Returned).then_some(State::Submitted);
            assert_eq!(to, expected, "{level:?} {state:?}");
        }
    }

    #[test]
    fn only_a_submitted_report_is_approved_a_cell_approved_a_committee_accepted_the_board_never() {
        for (level, state, to) in table(Step::Approve) {
            let expected = match (level, state) {
                (Level::Cell, State::Submitted) => Some(State::Approved),
                (Level::Committee | Level::BaseCell, State::Submitted) => Some(State::Accepted),
                _ => None,
            };
            assert_eq!(to, expected, "{level:?} {state:?}");
        }
    }

    #[test]
    fn a_report_goes_back_from_above_once_sent_decided_or_marked_absent() {
        for (level, state, to) in table(Step::Return) {
            let sent = matches!(state, State::Submitted | State::Approved | State::Accepted | State::NotReporting);
            assert_eq!(to, sent.then_some(State::Returned), "{level:?} {state:?}");
        }
    }

    #[test]
    fn a_unit_is_marked_as_not_reporting_only_before_it_sends() {
        for (level, state, to) in table(Step::NotReporting) {
            let unsent = matches!(state, State::NotStarted | State::Draft | State::Returned);
            assert_eq!(to, unsent.then_some(State::NotReporting), "{level:?} {state:?}");
        }
    }

    #[test]
    fn only_the_boards_sent_report_is_reopened_and_becomes_a_draft_again() {
        for (level, state, to) in table(Step::Reopen) {
            let expected = (level == Level::Board && state == State::Submitted).then_some(State::Draft);
            assert_eq!(to, expected, "{level:?} {state:?}");
        }
    }

    #[test]
    fn submitting_is_the_units_own_edit_the_others_the_decision_above_and_two_need_a_reason() {
        assert_eq!(Step::Submit.action(), Action::Edit);
        assert_eq!(Step::Reopen.action(), Action::Edit);
        for step in [Step::Approve, Step::Return, Step::NotReporting] {
            assert_eq!(step.action(), Action::Decide, "{step:?}");
        }
        let noted: Vec<Step> = Step::ALL.into_iter().filter(|s| s.needs_note()).collect();
        assert_eq!(noted, [Step::Return, Step::NotReporting]);
        assert_eq!(Step::NotReporting.as_str(), "not-reporting");
    }

    #[test]
    fn a_refusal_says_the_state_and_the_step_in_the_levels_words() {
        let refused = next(Step::Approve, Level::Committee, State::Accepted, true).unwrap_err();
        assert_eq!(refused, "báo cáo đang ở trạng thái «đã tiếp nhận»: không tiếp nhận được");
        let draft = next(Step::Submit, Level::Committee, State::Draft, false).unwrap_err();
        assert_eq!(draft, "chưa có dữ liệu để nộp: hãy lưu danh sách trước");
    }

    #[test]
    fn a_step_is_named_as_its_button_says_it_at_each_level() {
        assert_eq!(Step::Submit.label(Level::Board), "nộp");
        assert_eq!(Step::Approve.label(Level::Cell), "duyệt");
        assert_eq!(Step::Return.label(Level::Committee), "trả lại");
        assert_eq!(Step::NotReporting.label(Level::Cell), "đánh dấu không báo cáo");
    }

    #[test]
    fn a_page_offers_the_steps_the_role_allows_and_the_state_leads_on_from() {
        let account =
            |role, unit: &str| Account { login: "x".into(), role, campaign: Some("c".into()), unit: Some(unit.into()) };
        let committee = test_unit("db-a", Level::Committee, State::Draft, Some("ban"));
        let board = test_unit("ban", Level::Board, State::Draft, None);
        let submitted = test_unit("cb-1", Level::Cell, State::Submitted, Some("db-a"));
        let line = [submitted.clone(), committee.clone(), board.clone()];
        let secretary = account(Role::Cell, "cb-1");
        assert_eq!(open_steps(&secretary, "c", &line), Vec::<Step>::new(), "sent: nothing left to her");
        let officer = account(Role::Committee, "db-a");
        assert_eq!(open_steps(&officer, "c", &line), vec![Step::Approve, Step::Return]);
        assert_eq!(open_steps(&officer, "other", &line), Vec::<Step>::new(), "another campaign");
        let draft = [test_unit("cb-1", Level::Cell, State::Draft, Some("db-a")), committee, board];
        assert_eq!(open_steps(&secretary, "c", &draft), vec![Step::Submit]);
        assert_eq!(open_steps(&officer, "c", &draft), vec![Step::NotReporting]);
        assert!(open_steps(&officer, "c", &[]).is_empty());
    }
}
