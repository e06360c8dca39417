//! Reading user input: JSON text to typed values, every problem collected
//! with its path, code and a Vietnamese message.

mod de;
mod error;
mod path;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use unicode_normalization::UnicodeNormalization;

pub use self::error::{Code, InputError, ParseError, Place};
pub use self::path::{JsonPath, Step};

/// Parses JSON text and normalises every string (keys too) to NFC, so a
/// name typed with combining accents prints and compares like a precomposed one.
pub fn read_json(text: &str) -> Result<Value, InputError> {
    let mut value: Value = serde_json::from_str(text).map_err(|e| {
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or_default();
        InputError::new(
            Code::JsonSyntax,
            JsonPath::root(),
            format!("JSON không hợp lệ ở dòng {}, cột {}: {}", e.line(), e.column(), translate(what)),
        )
    })?;
    normalize(&mut value);
    Ok(value)
}

/// Every string (keys too) to NFC.
pub fn normalize(value: &mut Value) {
    match value {
        Value::String(s) => *s = s.nfc().collect(),
        Value::Array(items) => items.iter_mut().for_each(normalize),
        Value::Object(map) => {
            *map = std::mem::take(map)
                .into_iter()
                .map(|(k, mut v)| {
                    normalize(&mut v);
                    (k.nfc().collect(), v)
                })
                .collect();
        }
        _ => {}
    }
}

/// Longest string anywhere in an input: a paragraph of a report. Fields
/// of one line have shorter limits of their own (`Text`).
pub const MAX_STRING_CHARS: usize = 5_000;

/// Characters that are not text: controls other than the white space that
/// is folded away, and the marks that reorder text on the page (a right-to-
/// left override prints "Trần Văn Hùng" as "Trần gnùH năV").
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Every string that cannot be printed as it is — too long, holding a
/// character that is not text, or one the fonts cannot draw — named by its path.
pub fn check_strings(value: &Value, can_draw: &impl Fn(char) -> bool, path: &JsonPath, out: &mut Vec<InputError>) {
    match value {
        Value::String(s) => check_string(s, can_draw, path, out),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_strings(item, can_draw, &path.index(i), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                check_strings(item, can_draw, &path.key(key), out);
            }
        }
        _ => {}
    }
}

fn check_string(s: &str, can_draw: &impl Fn(char) -> bool, path: &JsonPath, out: &mut Vec<InputError>) {
    let length = s.chars().count();
    if length > MAX_STRING_CHARS {
        out.push(InputError::new(
            Code::TextTooLong,
            path.clone(),
            format!("dài {length} ký tự, quá giới hạn {MAX_STRING_CHARS} ký tự"),
        ));
        return;
    }
    let list = |chars: Vec<char>| {
        let mut chars = chars;
        chars.dedup();
        chars.iter().map(|c| format!("U+{:04X}", *c as u32)).collect::<Vec<_>>().join(", ")
    };
    let forbidden: Vec<char> = s.chars().filter(|&c| is_forbidden(c)).collect();
    if !forbidden.is_empty() {
        out.push(InputError::new(
            Code::ForbiddenCharacter,
            path.clone(),
            format!("có ký tự điều khiển hoặc ký tự đảo chiều chữ ({}); hãy xóa rồi gõ lại", list(forbidden)),
        ));
    }
    let missing: Vec<char> = s.chars().filter(|&c| !is_forbidden(c) && !c.is_whitespace() && !can_draw(c)).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = {
            let mut missing = missing.clone();
            missing.dedup();
            missing.iter().map(|c| format!("«{c}» (U+{:04X})", *c as u32)).collect()
        };
        out.push(InputError::new(
            Code::MissingGlyph,
            path.clone(),
            format!("phông chữ không có ký tự {}; hãy viết lại bằng chữ tiếng Việt", shown.join(", ")),
        ));
    }
}

/// Deserialises one part of the input, naming the exact field on failure.
/// The kind of failure is read from the error's structure (`de::DeError`),
/// never from the wording of serde's messages.
pub fn from_value<T: DeserializeOwned>(value: &Value, path: &JsonPath) -> Result<T, InputError> {
    use self::de::DeError;
    serde_path_to_error::deserialize(de::ValueDeserializer(value)).map_err(|err| {
        let at = path.join_serde(err.path());
        let one_of = |expected: &[&str]| expected.join(", ");
        match err.into_inner() {
            DeError::MissingField(field) => {
                InputError::new(Code::MissingField, at.key(field), format!("thiếu trường bắt buộc «{field}»"))
            }
            DeError::UnknownField { field, expected } => InputError::new(
                Code::UnknownField,
                at,
                format!("trường «{field}» không có trong mẫu nhập liệu; cần một trong: {}", one_of(expected)),
            ),
            DeError::UnknownVariant { variant, expected } => InputError::new(
                Code::UnknownValue,
                at,
                format!("giá trị «{variant}» không hợp lệ; cần một trong: {}", one_of(expected)),
            ),
            DeError::WrongType { found, expected } => InputError::new(
                Code::WrongType,
                at,
                format!("sai kiểu dữ liệu: nhận {}, cần {}", translate(&found), translate(&expected)),
            ),
            DeError::Custom(text) => match ParseError::recover(&text) {
                Some(parsed) => InputError::new(parsed.code, at, parsed.message),
                None => InputError::new(Code::WrongType, at, format!("sai kiểu dữ liệu: {}", translate(&text))),
            },
        }
    })
}

/// Reads the fields of one object one by one, so that a problem in one
/// field does not hide the problems in the others.
pub struct ObjectReader<'a> {
    map: Option<&'a Map<String, Value>>,
    path: JsonPath,
    known: Vec<&'static str>,
    problems: Vec<InputError>,
}

impl<'a> ObjectReader<'a> {
    pub fn new(value: &'a Value, path: JsonPath) -> Self {
        let mut problems = Vec::new();
        let map = value.as_object();
        if map.is_none() {
            problems.push(InputError::new(Code::WrongType, path.clone(), "cần một đối tượng JSON ({ … })"));
        }
        Self { map, path, known: Vec::new(), problems }
    }

    /// A required field.
    pub fn field<T: DeserializeOwned>(&mut self, key: &'static str) -> Option<T> {
        self.known.push(key);
        let map = self.map?;
        let Some(value) = map.get(key) else {
            self.problems.push(InputError::new(
                Code::MissingField,
                self.path.key(key),
                format!("thiếu trường bắt buộc «{key}»"),
            ));
            return None;
        };
        self.record(from_value(value, &self.path.key(key)))
    }

    /// An optional field, `None` when absent or null.
    pub fn optional<T: DeserializeOwned>(&mut self, key: &'static str) -> Option<Option<T>> {
        match self.map.and_then(|m| m.get(key)) {
            None | Some(Value::Null) => {
                self.known.push(key);
                Some(None)
            }
            Some(_) => self.field(key).map(Some),
        }
    }

    /// A list whose items are read one by one: every bad item is reported.
    pub fn list<T: DeserializeOwned>(&mut self, key: &'static str) -> Option<Vec<T>> {
        self.items(key)?.into_iter().collect()
    }

    /// Like [`list`](Self::list), keeping the items that could be read in
    /// their places, so later checks can still look at them.
    pub fn items<T: DeserializeOwned>(&mut self, key: &'static str) -> Option<Vec<Option<T>>> {
        self.items_with(key, |item, path, problems| from_value(item, path).map_err(|e| problems.push(e)).ok())
    }

    /// Like [`items`](Self::items), each item read by `read`, which reports
    /// its own problems.
    pub fn items_with<T>(
        &mut self,
        key: &'static str,
        mut read: impl FnMut(&Value, &JsonPath, &mut Vec<InputError>) -> Option<T>,
    ) -> Option<Vec<Option<T>>> {
        // Read in place: a copy of a Board's `committees` is a copy of the
        // whole Bloc, held while it is read (BENCHMARKS.md, issue 25).
        let map = self.map;
        let Some(items) = map.and_then(|m| m.get(key)).and_then(Value::as_array) else {
            // Absent, or not a list: reported as any field is.
            let _: Option<Vec<Value>> = self.field(key);
            return None;
        };
        self.known.push(key);
        let path = self.path.key(key);
        Some(items.iter().enumerate().map(|(i, item)| read(item, &path.index(i), &mut self.problems)).collect())
    }

    /// Reports fields that no reader asked for, then returns every problem.
    pub fn finish(mut self) -> Vec<InputError> {
        if let Some(map) = self.map {
            for key in map.keys().filter(|k| !self.known.contains(&k.as_str())) {
                self.problems.push(InputError::new(
                    Code::UnknownField,
                    self.path.key(key),
                    format!(
                        "trường «{key}» không có trong mẫu nhập liệu; các trường hợp lệ: {}",
                        self.known.join(", ")
                    ),
                ));
            }
        }
        self.problems
    }

    fn record<T>(&mut self, result: Result<T, InputError>) -> Option<T> {
        result.map_err(|e| self.problems.push(e)).ok()
    }
}

/// serde's messages name JSON types in English; say them in Vietnamese.
fn translate(text: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("invalid type: ", "nhận "),
        ("expected ", "cần "),
        ("a sequence", "danh sách"),
        ("a string", "chuỗi văn bản"),
        ("a map", "đối tượng"),
        ("map", "đối tượng"),
        ("sequence", "danh sách"),
        ("string", "chuỗi"),
        ("integer", "số nguyên"),
        ("floating point", "số thực"),
        ("boolean", "giá trị đúng/sai"),
        ("null", "rỗng (null)"),
        ("struct ", "đối tượng "),
        ("enum ", "giá trị "),
        ("EOF while parsing", "hết dữ liệu khi đang đọc"),
        ("trailing comma", "dấu phẩy thừa"),
        ("key must be a string", "khóa phải là chuỗi"),
    ];
    WORDS.iter().fold(text.to_owned(), |acc, (en, vi)| acc.replace(en, vi))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Person {
        name: String,
        age: u8,
        kind: Kind,
        born: Option<crate::model::scalar::Date>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Full,
        Probationary,
    }

    fn problem(value: serde_json::Value) -> (Code, String, String) {
        let err = from_value::<Person>(&value, &JsonPath::root().key("people").index(2)).unwrap_err();
        (err.code, err.place.to_string(), err.message)
    }

    #[test]
    fn every_kind_of_failure_has_its_code_and_exact_place() {
        let (code, place, message) = problem(json!({ "name": "An", "kind": "full" }));
        assert_eq!((code, place.as_str()), (Code::MissingField, "$.people[2].age"), "{message}");

        let (code, place, message) = problem(json!({ "name": "An", "age": 40, "kind": "full", "nickname": "A" }));
        assert_eq!((code, place.as_str()), (Code::UnknownField, "$.people[2].nickname"));
        assert!(message.contains("«nickname»") && message.contains("name, age, kind, born"), "{message}");

        let (code, place, message) = problem(json!({ "name": "An", "age": 40, "kind": "honorary" }));
        assert_eq!((code, place.as_str()), (Code::UnknownValue, "$.people[2].kind"));
        assert!(message.contains("«honorary»") && message.contains("full, probationary"), "{message}");

        let (code, place, _) = problem(json!({ "name": "An", "age": "forty", "kind": "full" }));
        assert_eq!((code, place.as_str()), (Code::WrongType, "$.people[2].age"));

        let (code, place, message) = problem(json!({ "name": "An", "age": 40, "kind": "full", "born": "31/02/1970" }));
        assert_eq!((code, place.as_str()), (Code::InvalidDate, "$.people[2].born"), "a domain value's own code");
        assert!(message.contains("không có trên lịch"), "{message}");
    }

    #[test]
    fn a_list_is_read_item_by_item_and_a_missing_or_wrong_one_reported_as_a_field() {
        let list = |value: serde_json::Value| {
            let mut reader = ObjectReader::new(&value, JsonPath::root());
            let items: Option<Vec<Option<u8>>> = reader.items("ages");
            let problems = reader.finish().into_iter().map(|e| (e.code, e.place.to_string())).collect::<Vec<_>>();
            (items, problems)
        };
        let (items, problems) = list(json!({ "ages": [40, "forty", 7] }));
        assert_eq!(items, Some(vec![Some(40), None, Some(7)]));
        assert_eq!(problems, [(Code::WrongType, "$.ages[1]".to_owned())]);

        assert_eq!(list(json!({})), (None, vec![(Code::MissingField, "$.ages".to_owned())]));
        assert_eq!(list(json!({ "ages": 40 })), (None, vec![(Code::WrongType, "$.ages".to_owned())]));
        let (_, problems) = list(json!({ "ages": [], "names": [] }));
        assert_eq!(problems, [(Code::UnknownField, "$.names".to_owned())], "a list read is a known field");
    }

    #[test]
    fn a_good_value_reads_whole() {
        let person: Person =
            from_value(&json!({ "name": "An", "age": 40, "kind": "probationary", "born": null }), &JsonPath::root())
                .unwrap();
        assert!(matches!(person.kind, Kind::Probationary) && person.born.is_none());
    }
}
