//! The leaf values of every input: parsed once, at the edge, into types that
//! cannot hold a bad value.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::input::{Code, ParseError};

/// Implements serde and JSON Schema for a type that is written as a string
/// and parsed with `FromStr<Err = ParseError>`.
macro_rules! string_form {
    ($type:ident, $schema:tt) => {
        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl schemars::JsonSchema for $type {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($type).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}

/// Text that is present: trimmed, inner runs of white space folded to one
/// space, never empty, at most `MAX` characters — a line of a form holds a
/// reason or a title; a name has a shorter limit of its own ([`Name`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text<const MAX: usize = 500>(String);

/// A person's full name.
pub type Name = Text<100>;

impl<const MAX: usize> Text<MAX> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text [`fold`]ed.
    pub fn folded(&self) -> String {
        fold(&self.0)
    }
}

/// Lower case without diacritics ("Đặng Thị Ánh" → "dang thi anh"), for
/// telling whether two texts name the same person or unit despite slips of
/// case or accent, and for finding «Sở Tài chính» by «so tai chinh».
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

impl<const MAX: usize> FromStr for Text<MAX> {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        let folded = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(ParseError::new(Code::EmptyText, "không được để trống"));
        }
        let length = folded.chars().count();
        if length > MAX {
            return Err(ParseError::new(Code::TextTooLong, format!("dài {length} ký tự, quá giới hạn {MAX} ký tự")));
        }
        Ok(Self(folded))
    }
}

impl<const MAX: usize> fmt::Display for Text<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de, const MAX: usize> serde::Deserialize<'de> for Text<MAX> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl<const MAX: usize> serde::Serialize for Text<MAX> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<const MAX: usize> schemars::JsonSchema for Text<MAX> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Text{MAX}").into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "maxLength": MAX,
            "description": "Văn bản không để trống"
        })
    }
}

/// A calendar date, written the Vietnamese way: `dd/mm/yyyy` (`d/m/yyyy` and
/// ISO `yyyy-mm-dd` are read too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(NaiveDate);

impl Date {
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Self)
    }

    /// Day, month and year, for a template that writes the date in words.
    pub fn parts(self) -> (u32, u32, i32) {
        (self.0.day(), self.0.month(), self.0.year())
    }

    /// Whole years from `self` to `later`; `None` when `later` is earlier.
    pub fn years_until(self, later: Date) -> Option<u32> {
        later.0.years_since(self.0)
    }

    /// Days from `earlier` to `self`, negative when `self` is earlier.
    pub fn days_since(self, earlier: Date) -> i64 {
        (self.0 - earlier.0).num_days()
    }

    /// The day in Vietnam (UTC+7) of a time in milliseconds since 1970 (UTC).
    pub fn in_vietnam(ms: i64) -> Option<Date> {
        let zone = chrono::FixedOffset::east_opt(7 * 3600)?;
        Some(Date(chrono::DateTime::from_timestamp_millis(ms)?.with_timezone(&zone).date_naive()))
    }
}

impl FromStr for Date {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        let s = s.trim();
        let parts: Option<(i32, u32, u32)> = if let [d, m, y] = s.split('/').collect::<Vec<_>>()[..] {
            (|| Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)))()
        } else if let [y, m, d] = s.split('-').collect::<Vec<_>>()[..] {
            (|| Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)))()
        } else {
            None
        };
        let Some((year, month, day)) = parts.filter(|(y, _, _)| (1000..=9999).contains(y)) else {
            return Err(ParseError::new(Code::InvalidDate, format!("«{s}» không phải ngày dạng dd/mm/yyyy")));
        };
        Self::from_ymd(year, month, day).ok_or_else(|| {
            ParseError::new(Code::InvalidDate, format!("ngày {day:02}/{month:02}/{year} không có trên lịch"))
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:02}/{:02}/{}", self.0.day(), self.0.month(), self.0.year())
    }
}

string_form!(Date, {
    "type": "string",
    "pattern": "^(\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4}-\\d{2}-\\d{2})$",
    "description": "Ngày dạng dd/mm/yyyy",
    "examples": ["15/04/2021"]
});

/// A membership card number, `NN.NNNNNN`: the two-digit code of the
/// provincial-level party organisation, a dot, six digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardNumber {
    province: u8,
    serial: u32,
}

impl CardNumber {
    /// The code of the provincial-level party organisation that issued it.
    pub fn province(&self) -> u8 {
        self.province
    }
}

impl FromStr for CardNumber {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        let s = s.trim();
        let digits = |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        match s.split_once('.') {
            Some((province, serial)) if digits(province, 2) && digits(serial, 6) => Ok(Self {
                province: province.parse().expect("two digits"),
                serial: serial.parse().expect("six digits"),
            }),
            _ => Err(ParseError::new(
                Code::InvalidCardNumber,
                format!("số thẻ «{s}» không đúng dạng NN.NNNNNN (2 chữ số, dấu chấm, 6 chữ số)"),
            )),
        }
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:02}.{:06}", self.province, self.serial)
    }
}

string_form!(CardNumber, {
    "type": "string",
    "pattern": "^\\d{2}\\.\\d{6}$",
    "description": "Số thẻ đảng viên dạng NN.NNNNNN",
    "examples": ["49.012345"]
});

/// The boxes of a replaced or re-issued card that the Board stamps (R6): a
/// few of boxes 1 to 4, each once, in order — e.g. `[3, 4]` or `[1, 2, 3, 4]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[schemars(with = "Vec<u8>")]
pub struct StampBoxes(Vec<u8>);

impl StampBoxes {
    pub fn boxes(&self) -> &[u8] {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for StampBoxes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let boxes = Vec::<u8>::deserialize(deserializer)?;
        let valid = !boxes.is_empty() && boxes.iter().all(|b| (1..=4).contains(b)) && boxes.is_sorted_by(|a, b| a < b);
        if !valid {
            let error = ParseError::new(
                Code::InvalidStampBoxes,
                format!("ô đóng dấu {boxes:?} không hợp lệ: ghi các ô từ 1 đến 4, mỗi ô một lần, theo thứ tự"),
            );
            return Err(serde::de::Error::custom(error));
        }
        Ok(Self(boxes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T: FromStr<Err = ParseError>>(text: &str) -> Option<Code> {
        text.parse::<T>().err().map(|e| e.code)
    }

    #[test]
    fn dates_read_the_vietnamese_way_and_iso_and_print_dd_mm_yyyy() {
        for (typed, printed) in [("15/04/2021", "15/04/2021"), ("5/4/2021", "05/04/2021"), ("2021-04-15", "15/04/2021")]
        {
            assert_eq!(typed.parse::<Date>().unwrap().to_string(), printed);
        }
        assert_eq!(code::<Date>("31/02/1969"), Some(Code::InvalidDate), "not on the calendar");
        for bad in ["15.04.2021", "15/04/21", "hôm qua", "15/04/0999"] {
            assert_eq!(code::<Date>(bad), Some(Code::InvalidDate), "{bad}");
        }
        let born: Date = "05/03/1980".parse().unwrap();
        assert_eq!(born.years_until("04/03/1998".parse().unwrap()), Some(17));
        assert_eq!(born.years_until("05/03/1998".parse().unwrap()), Some(18));
    }

    #[test]
    fn card_numbers_are_two_digits_a_dot_six_digits() {
        let card: CardNumber = " 49.012345 ".parse().unwrap();
        assert_eq!((card.to_string(), card.province()), ("49.012345".to_owned(), 49));
        for bad in ["49012345", "49.12345", "4.9012345", "49.01234a", "49,012345"] {
            assert_eq!(code::<CardNumber>(bad), Some(Code::InvalidCardNumber), "{bad}");
        }
    }

    #[test]
    fn text_is_folded_and_kept_to_its_limit() {
        let text: Text = "  Chi bộ \t Văn   phòng ".parse().unwrap();
        assert_eq!(text.as_str(), "Chi bộ Văn phòng");
        assert_eq!(text.folded(), "chi bo van phong");
        assert_eq!(code::<Text>("   "), Some(Code::EmptyText));
        assert!("a".repeat(500).parse::<Text>().is_ok());
        assert_eq!(code::<Text>(&"a".repeat(501)), Some(Code::TextTooLong));
        assert_eq!(code::<Name>(&"a".repeat(101)), Some(Code::TextTooLong));
    }
}
