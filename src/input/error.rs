//! A problem with the user's input: a stable code, where it is, and what is
//! wrong, in Vietnamese.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::path::{JsonPath, Step};

/// Stable error codes: scripts and the HTTP API match on these, so a code,
/// once published, never changes meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Code {
    JsonSyntax,
    WrongType,
    MissingField,
    UnknownField,
    UnknownValue,
    EmptyText,
    InvalidDate,
    InvalidCardNumber,
    MissingGlyph,
    DuplicateCardNumber,
    ProbationaryWithCard,
    MissingFullMemberDate,
    UnexpectedFullMemberDate,
    MissingCardOutcome,
    MissingCardNumber,
    DateAfterReference,
    #[serde(rename = "admitted-under-18")]
    #[strum(serialize = "admitted-under-18")]
    AdmittedUnder18,
    FullBeforeAdmission,
    InvalidStampBoxes,
    UnreadableFile,
    MissingColumn,
    MergedHeader,
    /// The same person on the rosters of two cells of one committee.
    MemberInTwoCells,
    /// The Board's input has no roll to reconcile with.
    MissingRoll,
    /// A PDF given as input carries no kttdv data.
    NoAttachment,
    /// A PDF's data does not match the hash it was sealed with.
    TamperedAttachment,
    /// A name in the input that may not lead to a file: outside the
    /// request's uploads, or inside data that names no file.
    FileNotAllowed,
    /// Files that include each other without end, or too deeply.
    IncludeLoop,
    /// An archive, workbook, attachment or sheet larger than the limits.
    TooLarge,
    /// A character that is not text: a control or a direction override.
    ForbiddenCharacter,
    /// A text longer than its field allows.
    TextTooLong,
    /// A workbook whose cell details are still the blank workbook's examples.
    ExampleValue,
    /// A warning: the blank workbook's example row, left as it was, read
    /// as no member.
    ExampleRowSkipped,
    /// A warning: a member typed over the example row, its note left:
    /// the note dropped, the member kept.
    ExampleNoteLeft,
    /// The same cell twice in a committee's submission.
    CellTwice,
    /// A warning: a cell names another organisation above it than the committee.
    OtherSuperior,
    /// A warning: two members of two cells share a name and a date of
    /// birth, and a roster says they are different people.
    Namesake,
    /// A warning: a PDF read by a roll-up carries no signature over its data.
    UnsignedData,
    /// A warning: a PDF read by a roll-up had bytes added after its last signature.
    ChangedAfterSigning,
    /// A warning: a member without a current card was given a card number,
    /// which no list prints.
    CardNumberIgnored,
    /// A warning: the card was numbered under another provincial organisation.
    ForeignCardNumber,
    /// A warning: a report dated after the campaign's deadline for it.
    LateReport,
    /// A warning: committees whose report's arrival date the Board has not
    /// entered; form 7 counts them in one sentence.
    MissingReceivedOn,
    /// A unit's code that is not ASCII words, digits, `-` and `.`, or that
    /// two units of a units file share.
    InvalidUnitCode,
    /// A unit whose parent is missing from the units file, or of the wrong
    /// level (a cell under the Board, a committee under a cell).
    WrongParent,
    /// A submission saved for one unit that names another.
    OtherUnit,
    /// A signed original whose data is not the unit's current version.
    OtherVersion,
    /// A PDF signature that does not hold: its byte range, its CMS value,
    /// its digest or its key.
    BadSignature,
    /// A signed original that is not the document kttdv makes from the
    /// version followed only by signatures.
    NotTheDocument,
    /// A login outside the alphabet kttdv keeps logins in.
    InvalidLogin,
    /// A warning: a submission to the campaign store names campaign
    /// settings of its own; the campaign's are used.
    OwnCampaign,
    /// An e-mail address that is not one.
    InvalidEmail,
    /// A warning: a roster saved without the report's text (sections II
    /// and III, Nơi nhận) kept the current version's.
    TypedTextKept,
    /// A card given in a hand-over, or named to the Board's stamping, that
    /// is not on what the lists expect there and then.
    CardNotExpected,
    /// A hand-over or a stamping of no card at all.
    NothingHandedOver,
    /// A new card's number that a member already has or had.
    CardNumberTaken,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    pub code: Code,
    /// The file the problem is in, when the input was assembled from several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(flatten)]
    pub place: Place,
    pub message: String,
    /// The member the problem is about, by name, for a person to find the
    /// row: the sheet's row number alone is not how a secretary knows them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<Box<str>>,
}

/// Where a problem is: a JSON path, or a cell of a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Place {
    Json { path: JsonPath },
    Sheet { sheet: String, row: u32, column: Box<str> },
}

impl InputError {
    pub fn new(code: Code, path: JsonPath, message: impl Into<String>) -> Self {
        Self { code, file: None, place: Place::Json { path }, message: message.into(), member: None }
    }

    /// A problem at row `row` (counted from 1) and column `column` ("C") of a sheet.
    pub fn in_sheet(code: Code, sheet: &str, row: u32, column: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            file: None,
            place: Place::Sheet { sheet: sheet.to_owned(), row, column: column.into() },
            message: message.into(),
            member: None,
        }
    }

    /// The problem with the name of the member it is about: the entry of a
    /// list of members (or of the Board's roll) nearest on its path in
    /// `input`, the value that was checked.
    pub fn about_member(mut self, input: &Value) -> Self {
        if let Place::Json { path } = &self.place {
            let steps = path.steps();
            let entry = steps.windows(2).rposition(
                |pair| matches!(pair, [Step::Key(list), Step::Index(_)] if list == "members" || list == "roll"),
            );
            if let Some(entry) = entry {
                let member = steps[..entry + 2].iter().fold(input, |at, step| match step {
                    Step::Key(key) => &at[key.as_str()],
                    Step::Index(index) => &at[*index],
                });
                self.member = member["full_name"].as_str().map(Box::from);
            }
        }
        self
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Place::Json { path } => write!(f, "{path}"),
            Place::Sheet { sheet, row, column } => write!(f, "{sheet}!{column}{row}"),
        }
    }
}

impl fmt::Display for InputError {
    /// `code<TAB>place<TAB>message`, the line format scripts rely on.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.file {
            // Excel's way of naming a cell in another workbook: `[book.xlsx]Sheet!B7`.
            Some(file) => write!(f, "{}\t[{file}]{}\t{}", self.code, self.place, self.message),
            None => write!(f, "{}\t{}\t{}", self.code, self.place, self.message),
        }
    }
}

/// A domain value that failed to parse: carried through serde as a custom
/// error so the code survives deserialisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub code: Code,
    pub message: String,
}

impl ParseError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    const MARK: char = '\u{1e}';

    /// Recovers a `ParseError` that went through `serde::de::Error::custom`.
    pub(super) fn recover(text: &str) -> Option<Self> {
        let rest = text.strip_prefix(Self::MARK)?;
        let (code, message) = rest.split_once(Self::MARK)?;
        Some(Self::new(code.parse().ok()?, message))
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{m}{}{m}{}", self.code, self.message, m = Self::MARK)
    }
}
