//! Taking a step on a unit's report: what the request asks read and
//! checked, the moves and the checks planned (`plan`, pure), then carried
//! out by the store as one compare-and-set (`take`).

use serde::Deserialize;

use super::{Error, Step, next, signed_required};
use super::{Level, State, Unit};
use crate::Renderer;
use crate::input::{Code, InputError, JsonPath};
use crate::store::{Check, EventAction, Move, Store};

/// What a step may say: the version and the state the user saw (refused
/// if another came since), a return's comment or a reason, and for the
/// Board returning a committee, which of its cells go back too.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "Những gì một bước gửi kèm; mọi trường đều có thể bỏ")]
pub struct StepRequest {
    #[schemars(description = "Phiên bản người dùng đã xem; khác phiên bản hiện hành thì 409")]
    pub version: Option<i64>,
    /// The state the user saw: another since is a conflict.
    #[schemars(description = "Trạng thái người dùng đã xem; khác trạng thái hiện tại thì 409")]
    pub state: Option<State>,
    #[schemars(description = "Lý do trả lại, lý do không báo cáo (bắt buộc với hai bước đó)")]
    pub note: Option<String>,
    #[serde(default)]
    #[schemars(description = "Ban Tổ chức trả lại tổ chức cơ sở kèm các chi bộ này (mã chi bộ)")]
    pub cells: Vec<String>,
    /// A return whose comment needs no change: the unit may send the same
    /// version up again. Without it, only a new version may go up.
    #[serde(default)]
    #[schemars(description = "Khi trả lại: ý kiến không cần sửa, đơn vị được nộp lại đúng phiên bản đó")]
    pub as_is: bool,
}

impl StepRequest {
    /// The comment or reason as a step keeps it: trimmed, none when blank.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref().map(str::trim).filter(|n| !n.is_empty())
    }
}

/// What the store carries out: the units' moves, what must still hold when
/// they land, and the unit's state after.
#[derive(Debug)]
pub struct Plan<'a> {
    pub moves: Vec<Move<'a>>,
    pub checks: Vec<Check<'a>>,
    pub to: State,
}

/// What a step needs to know besides the request.
pub struct Context<'a> {
    /// The unit and the units above it, nearest first.
    pub lineage: &'a [Unit],
    /// The campaign's units, when the request names cells (else empty).
    pub units: &'a [Unit],
    /// The problems of the request's note as a document would print it.
    pub note_problems: Vec<InputError>,
    /// The levels whose reports need a signed original to be approved.
    pub signed_required: &'a [Level],
}

/// Plans `step` as `request` asks, on the unit `context.lineage[0]`: every
/// problem of the request at once, or a conflict with the state the user
/// saw or the state machine.
pub fn plan<'a>(
    step: Step,
    request: &'a StepRequest,
    note: Option<&'a str>,
    context: Context<'a>,
) -> Result<Plan<'a>, Error> {
    let Context { lineage, units, mut note_problems, signed_required } = context;
    let unit = &lineage[0];
    if request.as_is && step != Step::Return {
        let message = "«không cần sửa» (as_is) chỉ dùng khi trả lại".to_owned();
        return Err(Error::Input(vec![InputError::new(Code::UnknownField, JsonPath::root().key("as_is"), message)]));
    }
    let mut problems = Vec::new();
    if note.is_none() && step.needs_note() {
        let message = format!("cần ghi lý do {}", step.label(unit.level));
        problems.push(InputError::new(Code::MissingField, JsonPath::root().key("note"), message));
    }
    problems.append(&mut note_problems);
    // Only the Board returning a committee sends cells back with it.
    let with_cells = step == Step::Return && unit.level == Level::Committee;
    if !request.cells.is_empty() && !with_cells {
        let message = "chỉ khi Ban Tổ chức trả lại báo cáo của tổ chức cơ sở mới trả lại kèm chi bộ";
        problems.push(InputError::new(Code::OtherUnit, JsonPath::root().key("cells"), message.to_owned()));
    }
    if let Some(seen) = request.state.filter(|seen| *seen != unit.state) {
        return Err(Error::Conflict(format!(
            "«{}» vừa chuyển từ «{}» sang «{}»; hãy xem lại",
            unit.name,
            seen.label(),
            unit.state.label()
        )));
    }
    if request.version.is_some_and(|v| Some(v) != unit.current) {
        return Err(Error::Conflict(format!(
            "«{}» đã có phiên bản {} mới hơn phiên bản bạn xem; hãy xem lại",
            unit.name,
            unit.current.unwrap_or(0)
        )));
    }
    // A cell returned with its committee: below it, approved or submitted.
    let mut below = Vec::new();
    for (i, cell) in request.cells.iter().enumerate().filter(|_| with_cells) {
        match units.iter().find(|u| u.code == *cell && u.parent.as_deref() == Some(&unit.code)) {
            Some(found) if found.state.returns_with_committee() => below.push(found),
            found => problems.push(InputError::new(
                Code::OtherUnit,
                JsonPath::root().key("cells").index(i),
                match found {
                    Some(f) => format!("chi bộ «{}» đang «{}», không trả lại được", f.name, f.state.label()),
                    None => format!("«{cell}» không phải chi bộ của «{}»", unit.name),
                },
            )),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let to = next(step, unit.level, unit.state, unit.current.is_some()).map_err(Error::Conflict)?;
    let mut moves = vec![Move {
        unit: &unit.code,
        from: unit.state,
        version: unit.current,
        to,
        action: step.event(),
        note,
        needs_change: step == Step::Return && !request.as_is,
    }];
    moves.extend(below.iter().map(|cell| Move {
        unit: &cell.code,
        from: cell.state,
        version: cell.current,
        to: State::Returned,
        action: EventAction::Return,
        note,
        needs_change: !request.as_is,
    }));
    let mut checks = match (step, lineage.get(1)) {
        // A level sends its own report once every unit below is done.
        (Step::Submit, _) if !unit.level.keeps_roster() => vec![Check::BelowDone(&unit.code)],
        // A cell's report is its own roster: returned, it goes up again
        // changed (a committee's changes with its cells, checked above).
        (Step::Submit, _) => vec![Check::ChangedSinceReturn(&unit.code)],
        // The level above decides while it has not sent its own.
        (_, Some(above)) => vec![Check::Editable(&above.code)],
        (_, None) => Vec::new(),
    };
    if step == Step::Approve && signed_required.contains(&unit.level) {
        checks.push(Check::Signed(&unit.code));
    }
    Ok(Plan { moves, checks, to })
}

/// Takes `step` on the unit `lineage[0]` for `login`: its state after.
pub async fn take_step(
    store: &Store,
    renderer: &Renderer,
    campaign: &str,
    step: Step,
    lineage: &[Unit],
    request: &StepRequest,
    login: &str,
) -> Result<State, Error> {
    let note = request.note();
    // A reason is printed in form 6 or 7: what cannot be printed is refused now.
    let note_problems = note.map(|n| renderer.check_line(n, &JsonPath::root().key("note"))).unwrap_or_default();
    let units = if request.cells.is_empty() { Vec::new() } else { store.units(campaign).await? };
    // Only an approval asks whether a signed original is required.
    let required = match step {
        Step::Approve => signed_required(&store.campaign(campaign).await?)?,
        _ => Vec::new(),
    };
    let context = Context { lineage, units: &units, note_problems, signed_required: &required };
    let plan = plan(step, request, note, context)?;
    store.step(campaign, &plan.moves, &plan.checks, login).await?;
    let unit = &lineage[0].code;
    tracing::info!(campaign, unit, step = step.as_str(), by = login, "đã chuyển trạng thái");
    Ok(plan.to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::test_unit as unit;

    fn lineage(level: Level, state: State) -> Vec<Unit> {
        match level {
            Level::Cell => vec![
                unit("b.c.d", Level::Cell, state, Some("b.c")),
                unit("b.c", Level::Committee, State::Draft, Some("b")),
                unit("b", Level::Board, State::Draft, None),
            ],
            _ => vec![unit("b.c", Level::Committee, state, Some("b")), unit("b", Level::Board, State::Draft, None)],
        }
    }

    fn context<'a>(lineage: &'a [Unit], units: &'a [Unit], required: &'a [Level]) -> Context<'a> {
        Context { lineage, units, note_problems: Vec::new(), signed_required: required }
    }

    fn codes(problems: Error) -> Vec<String> {
        match problems {
            Error::Input(problems) => problems.iter().map(|p| format!("{} {}", p.code, p.place)).collect(),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn a_return_without_a_comment_and_cells_of_a_cell_are_refused_together() {
        let line = lineage(Level::Cell, State::Submitted);
        let request = StepRequest { cells: vec!["x".into()], ..StepRequest::default() };
        let refused = plan(Step::Return, &request, None, context(&line, &[], &[])).unwrap_err();
        assert_eq!(codes(refused), ["missing-field $.note", "other-unit $.cells"]);
    }

    #[test]
    fn as_is_belongs_to_a_return_only() {
        let line = lineage(Level::Cell, State::Draft);
        let request = StepRequest { as_is: true, ..StepRequest::default() };
        let refused = plan(Step::Submit, &request, None, context(&line, &[], &[])).unwrap_err();
        assert_eq!(codes(refused), ["unknown-field $.as_is"]);
    }

    #[test]
    fn a_state_or_version_other_than_the_one_seen_is_a_conflict() {
        let line = lineage(Level::Cell, State::Submitted);
        let seen = StepRequest { state: Some(State::Draft), ..StepRequest::default() };
        let Err(Error::Conflict(why)) = plan(Step::Approve, &seen, None, context(&line, &[], &[])) else { panic!() };
        assert!(why.contains("vừa chuyển từ «đang soạn»"), "{why}");
        let old = StepRequest { version: Some(0), ..StepRequest::default() };
        let Err(Error::Conflict(why)) = plan(Step::Approve, &old, None, context(&line, &[], &[])) else { panic!() };
        assert!(why.contains("phiên bản 1 mới hơn"), "{why}");
    }

    #[test]
    fn each_step_checks_what_it_needs_when_it_lands() {
        let request = StepRequest::default();
        let cell = lineage(Level::Cell, State::Draft);
        let submit = plan(Step::Submit, &request, None, context(&cell, &[], &[])).unwrap();
        assert!(matches!(submit.checks[..], [Check::ChangedSinceReturn("b.c.d")]), "{submit:?}");
        let committee = lineage(Level::Committee, State::Draft);
        let submit = plan(Step::Submit, &request, None, context(&committee, &[], &[])).unwrap();
        assert!(matches!(submit.checks[..], [Check::BelowDone("b.c")]), "{submit:?}");
        let base = [unit("b.s", Level::BaseCell, State::Draft, Some("b")), unit("b", Level::Board, State::Draft, None)];
        let submit = plan(Step::Submit, &request, None, context(&base, &[], &[])).unwrap();
        assert!(matches!(submit.checks[..], [Check::ChangedSinceReturn("b.s")]), "a roster of its own: {submit:?}");
        let cell = lineage(Level::Cell, State::Submitted);
        let approve = plan(Step::Approve, &request, None, context(&cell, &[], &[])).unwrap();
        assert!(matches!(approve.checks[..], [Check::Editable("b.c")]), "{approve:?}");
        let approve = plan(Step::Approve, &request, None, context(&cell, &[], &[Level::Cell])).unwrap();
        assert!(matches!(approve.checks[..], [Check::Editable("b.c"), Check::Signed("b.c.d")]), "{approve:?}");
        assert_eq!(approve.to, State::Approved);
    }

    #[test]
    fn a_committee_returned_with_its_cells_moves_them_back_too() {
        let committee = lineage(Level::Committee, State::Submitted);
        let units = [
            unit("b.c.d", Level::Cell, State::Approved, Some("b.c")),
            unit("b.c.e", Level::Cell, State::NotReporting, Some("b.c")),
        ];
        let request = StepRequest { cells: vec!["b.c.d".into()], ..StepRequest::default() };
        let returned = plan(Step::Return, &request, Some("Sai số liệu"), context(&committee, &units, &[])).unwrap();
        let moved: Vec<(&str, State, bool)> = returned.moves.iter().map(|m| (m.unit, m.to, m.needs_change)).collect();
        assert_eq!(moved, [("b.c", State::Returned, true), ("b.c.d", State::Returned, true)]);
        let request = StepRequest { cells: vec!["b.c.e".into(), "khac".into()], ..StepRequest::default() };
        let refused = plan(Step::Return, &request, Some("Sai"), context(&committee, &units, &[])).unwrap_err();
        assert_eq!(codes(refused), ["other-unit $.cells[0]", "other-unit $.cells[1]"]);
    }

    #[test]
    fn a_notes_problems_are_said_with_the_others_and_a_note_kept_on_the_move() {
        let line = lineage(Level::Cell, State::Submitted);
        let request = StepRequest { as_is: false, ..StepRequest::default() };
        let unprintable = InputError::new(Code::MissingGlyph, JsonPath::root().key("note"), "ký tự không in được");
        let context = Context { lineage: &line, units: &[], note_problems: vec![unprintable], signed_required: &[] };
        let refused = plan(Step::Return, &request, Some("x"), context).unwrap_err();
        assert_eq!(codes(refused), ["missing-glyph $.note"]);
        let kept = plan(Step::Return, &request, Some("Thiếu ngày sinh"), context_of(&line)).unwrap();
        assert_eq!((kept.moves[0].note, kept.moves[0].action), (Some("Thiếu ngày sinh"), EventAction::Return));
    }

    #[test]
    fn a_return_as_it_may_go_asks_no_change_and_not_reporting_needs_a_reason() {
        let line = lineage(Level::Cell, State::Submitted);
        let as_is = StepRequest { as_is: true, ..StepRequest::default() };
        let returned = plan(Step::Return, &as_is, Some("Đã rõ"), context_of(&line)).unwrap();
        assert!(!returned.moves[0].needs_change);
        let draft = lineage(Level::Cell, State::Draft);
        let refused = plan(Step::NotReporting, &StepRequest::default(), None, context_of(&draft)).unwrap_err();
        assert_eq!(codes(refused), ["missing-field $.note"]);
    }

    #[test]
    fn a_step_the_state_machine_refuses_is_a_conflict_in_words() {
        let line = lineage(Level::Cell, State::Approved);
        let Err(Error::Conflict(why)) = plan(Step::Approve, &StepRequest::default(), None, context_of(&line)) else {
            panic!()
        };
        assert_eq!(why, "báo cáo đang ở trạng thái «đã duyệt»: không duyệt được");
    }

    fn context_of(lineage: &[Unit]) -> Context<'_> {
        context(lineage, &[], &[])
    }

    #[test]
    fn the_board_submits_once_its_committees_are_done_with_no_level_above_to_check() {
        let board = vec![unit("b", Level::Board, State::Draft, None)];
        let request = StepRequest::default();
        let submit = plan(Step::Submit, &request, None, context_of(&board)).unwrap();
        assert!(matches!(submit.checks[..], [Check::BelowDone("b")]), "{submit:?}");
        assert_eq!(submit.moves.len(), 1);
    }
}
