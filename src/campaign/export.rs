//! The whole campaign as one ZIP of JSON files, to back it up or move it
//! to another store, and back.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Write};

use serde_json::{Value, json};

use super::slug;
use super::states::{Step, next};
use super::{State, Unit};
use crate::store::{Dump, EventAction, Store, StoreError, Version};

/// What an exported campaign's `campaign.json` says it is: since /2 its
/// audit log is chained and `log_head` is its last link.
const EXPORT_FORMAT: &str = "kttdv-campaign/2";
/// Exports made before the chain: read, their log taken as it is.
const UNCHAINED_FORMAT: &str = "kttdv-campaign/1";

/// The whole campaign as one ZIP of JSON files, to back it up or move it
/// to another store: `campaign.json` (settings), `units.json` (the tree,
/// states, current versions), `roll.json`, `versions/<unit>.json` (every
/// version, oldest first), `events.json` (its audit log, oldest first) and
/// `cards.json` (the records of the cards' round trip, oldest first).
/// The same campaign gives the same bytes. Accounts and signed originals
/// stay behind.
pub async fn export(store: &Store, code: &str) -> Result<Vec<u8>, StoreError> {
    let dump = store.dump(code).await?;
    let parse = |text: &str| serde_json::from_str::<Value>(text).map_err(|e| StoreError::Corrupt(e.to_string()));
    let mut files: Vec<(String, Value)> = vec![("units.json".into(), json!(dump.units))];
    if let Some((roll, saved_at)) = &dump.roll {
        files.push(("roll.json".into(), json!({ "saved_at": saved_at, "roll": parse(roll)? })));
    }
    // Their order is their sequence: where they are imported, they follow what is there.
    let events: Vec<crate::store::Event> =
        dump.events.iter().map(|e| crate::store::Event { seq: 0, ..e.clone() }).collect();
    files.push(("events.json".into(), json!(events)));
    if !dump.card_records.is_empty() {
        files.push(("cards.json".into(), json!(dump.card_records)));
    }
    for (unit, versions) in &dump.versions {
        let list: Result<Vec<Value>, StoreError> =
            versions.iter().map(|v| Ok(json!({ "version": v.info, "body": parse(&v.body)? }))).collect();
        files.push((format!("versions/{unit}.json"), Value::Array(list?)));
    }
    let text = |value: &Value| serde_json::to_string_pretty(value).expect("JSON serialises") + "\n";
    let mut texts: Vec<(String, String)> = files.iter().map(|(name, value)| (name.clone(), text(value))).collect();
    // What every other entry expands to, so that import reads what export
    // wrote, however large, and not a byte more.
    let sizes: BTreeMap<&str, usize> = texts.iter().map(|(name, text)| (name.as_str(), text.len())).collect();
    let campaign = json!({
        "format": EXPORT_FORMAT, "code": dump.code, "name": dump.name, "created_at": dump.created_at,
        "settings": parse(&dump.settings)?, "log_head": dump.events.last().and_then(|e| e.hash.clone()),
        "sizes": sizes,
    });
    texts.insert(0, ("campaign.json".into(), text(&campaign)));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // No clock in the entries: the same campaign gives the same bytes.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(texts.iter().any(|(_, text)| text.len() as u64 >= u32::MAX as u64));
    for (name, text) in texts {
        zip.start_file(name, options).expect("writing to memory");
        zip.write_all(text.as_bytes()).expect("writing to memory");
    }
    Ok(zip.finish().expect("writing to memory").into_inner())
}

/// Restores an exported campaign, the ZIP at `file`, into `store` (SQLite
/// or PostgreSQL), exactly: the same versions, hashes and times. Checked
/// whole first, then written in one transaction, one unit's versions in
/// memory at a time. Refused, with nothing written, when the store has
/// that campaign or the file is not whole.
pub async fn import(store: &Store, file: &std::path::Path) -> Result<String, StoreError> {
    let (head, mut export) = read_export(file).map_err(StoreError::BadExport)?;
    if head.code.is_empty() || slug(&head.code) != head.code {
        return Err(StoreError::BadCode(head.code));
    }
    store.restore_with(&head, |unit| export.versions(unit).map_err(StoreError::BadExport)).await?;
    Ok(head.code)
}

/// The most `campaign.json` (which lists the sizes of every other entry)
/// expands to: 64 MiB, some half a million units.
const MAX_CAMPAIGN_JSON: u64 = 64 << 20;

/// Deflate expands a byte to at most about a thousand: a declaration of
/// sizes beyond that is not what export wrote.
const MAX_RATIO: u64 = 1032;

type Archive = zip::ZipArchive<std::io::BufReader<std::fs::File>>;

fn open(file: &std::path::Path) -> Result<Archive, String> {
    let opened = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    zip::ZipArchive::new(std::io::BufReader::new(opened)).map_err(|e| e.to_string())
}

/// An export being read: its entries' declared sizes, and each unit's
/// versions read when asked, within what is declared.
struct Export {
    archive: Archive,
    limits: crate::archive::Limits,
    sizes: Option<BTreeMap<String, u64>>,
    /// What has been expanded so far, every pass counted.
    read: u64,
}

impl Export {
    /// What the export declares `name` expands to, or the most it may.
    fn text(&mut self, name: &str) -> Result<Option<String>, String> {
        let Ok(entry) = self.archive.by_name(name) else { return Ok(None) };
        let declared = self.sizes.as_ref().map(|s| s.get(name).copied().unwrap_or(0));
        let limit = declared.unwrap_or(self.limits.entry);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::Read::take(entry, limit + 1), &mut text)
            .map_err(|e| format!("{name}: {e}"))?;
        if text.len() as u64 > limit || declared.is_some_and(|size| size != text.len() as u64) {
            return Err(format!("{name}: không đúng kích thước campaign.json khai (tệp đã bị sửa hoặc thêm)"));
        }
        // Versions are read twice (checked, then written): the total twice over.
        self.read += text.len() as u64;
        if self.read > self.limits.total.saturating_mul(2) {
            return Err(crate::archive::ArchiveError::TotalTooLarge { limit: self.limits.total }.to_string());
        }
        Ok(Some(text))
    }

    fn json(&mut self, name: &str) -> Result<Option<Value>, String> {
        self.text(name)?.map(|text| serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))).transpose()
    }

    /// The unit's versions, oldest first (none: no file).
    fn versions(&mut self, unit: &str) -> Result<Vec<Version>, String> {
        let Some(list) = self.json(&format!("versions/{unit}.json"))? else { return Ok(Vec::new()) };
        let list: Vec<Value> = from(list, unit)?;
        list.into_iter()
            .map(|v| Ok(Version { info: from(field(&v, "version")?, unit)?, body: field(&v, "body")?.to_string() }))
            .collect()
    }
}

fn field(value: &Value, key: &str) -> Result<Value, String> {
    value.get(key).cloned().ok_or(format!("thiếu «{key}»"))
}

/// How far the export may expand: what its `campaign.json` declares for
/// each entry and in all, when that is possible for a ZIP of its size;
/// the upload limits for an export made before sizes were declared. Every
/// entry's name is checked on the way (no `../`, none twice).
fn declared_limits(file: &std::path::Path) -> Result<(crate::archive::Limits, Option<BTreeMap<String, u64>>), String> {
    let length = std::fs::metadata(file).map_err(|e| format!("{}: {e}", file.display()))?.len();
    let first = crate::archive::Limits { entry: MAX_CAMPAIGN_JSON, total: u64::MAX, entries: usize::MAX };
    let reader = std::io::BufReader::new(std::fs::File::open(file).map_err(|e| e.to_string())?);
    let mut campaign: Option<(Value, u64)> = None;
    crate::archive::for_each_within(reader, first, |entry| {
        if entry.path.to_string_lossy() == "campaign.json" {
            let mut text = Vec::new();
            let unreadable =
                |e: &dyn std::fmt::Display| crate::archive::ArchiveError::Unreadable(format!("campaign.json: {e}"));
            entry.reader.read_to_end(&mut text).map_err(|e| unreadable(&e))?;
            let value = serde_json::from_slice(&text).map_err(|e| unreadable(&e))?;
            campaign = Some((value, text.len() as u64));
        }
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    let Some((Some(sizes), own)) = campaign.map(|(c, own)| (c.get("sizes").cloned(), own)) else {
        return Ok((crate::archive::Limits::UPLOAD, None));
    };
    let mut sizes: BTreeMap<String, u64> = from(sizes, "campaign.json: sizes")?;
    let declared = sizes.values().try_fold(0u64, |sum, size| sum.checked_add(*size));
    let Some(declared) = declared.filter(|&d| d <= length.saturating_mul(MAX_RATIO)) else {
        return Err("campaign.json khai kích thước các mục lớn hơn mức tệp nén này có thể giải ra".into());
    };
    let entry = sizes.values().copied().fold(own, u64::max);
    sizes.insert("campaign.json".into(), own);
    Ok((crate::archive::Limits { entry, total: declared + own, entries: sizes.len() }, Some(sizes)))
}

/// Reads and checks an export whole, one unit's versions at a time: its
/// campaign, units, roll and log (the head, without versions), and the
/// export to read each unit's versions from again as they are written.
fn read_export(file: &std::path::Path) -> Result<(Dump, Export), String> {
    let (limits, sizes) = declared_limits(file)?;
    let archive = open(file)?;
    if archive.len() > limits.entries {
        return Err(crate::archive::ArchiveError::TooManyEntries { limit: limits.entries }.to_string());
    }
    let names: Vec<String> =
        archive.file_names().map(|n| n.map(|n| n.into_owned())).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    let mut export = Export { archive, limits, sizes, read: 0 };
    if let Some(sizes) = &export.sizes
        && let Some(extra) = names.iter().find(|n| !sizes.contains_key(*n))
    {
        return Err(format!("{extra}: không có trong campaign.json (tệp đã bị thêm mục)"));
    }
    let campaign = export.json("campaign.json")?.ok_or("thiếu campaign.json")?;
    let chained = campaign["format"] == EXPORT_FORMAT;
    if !chained && campaign["format"] != UNCHAINED_FORMAT {
        return Err(format!("campaign.json không phải dạng {EXPORT_FORMAT}"));
    }
    let units: Vec<Unit> = from(export.json("units.json")?.ok_or("thiếu units.json")?, "units.json")?;
    let known = |name: &str| units.iter().any(|u| format!("versions/{}.json", u.code) == name);
    if let Some(stray) = names.iter().find(|n| n.starts_with("versions/") && !known(n)) {
        return Err(format!("{stray} không thuộc đơn vị nào của units.json"));
    }
    let roll = match export.json("roll.json")? {
        Some(roll) => Some((field(&roll, "roll")?.to_string(), from(field(&roll, "saved_at")?, "roll.json")?)),
        None => None,
    };
    let events: Vec<crate::store::Event> = match export.json("events.json")? {
        Some(events) => from(events, "events.json")?,
        None if chained => return Err("thiếu events.json (nhật ký của chiến dịch)".into()),
        // An export made before the audit log has none.
        None => Vec::new(),
    };
    if chained {
        if let Some(i) = crate::store::broken_link(&events) {
            return Err(format!(
                "events.json: sự kiện thứ {} không khớp chuỗi băm của nhật ký (đã bị sửa, xóa hoặc đổi chỗ)",
                i + 1
            ));
        }
        if campaign.get("log_head").cloned().unwrap_or(Value::Null) != json!(events.last().and_then(|e| e.hash.clone()))
        {
            return Err("events.json: nhật ký thiếu các sự kiện cuối (log_head của campaign.json không khớp)".into());
        }
    }
    let card_records: Vec<crate::store::CardRecord> = match export.json("cards.json")? {
        Some(records) => from(records, "cards.json")?,
        None => Vec::new(),
    };
    records_follow_the_log(&card_records, &events)?;
    let head = Dump {
        card_records,
        events,
        code: from(field(&campaign, "code")?, "campaign.json")?,
        name: from(field(&campaign, "name")?, "campaign.json")?,
        settings: field(&campaign, "settings")?.to_string(),
        created_at: from(field(&campaign, "created_at")?, "campaign.json")?,
        units,
        versions: Vec::new(),
        roll,
    };
    // Each unit's events, found once: a campaign of thousands of units is
    // checked in one pass over its log, not one pass a unit.
    let mut by_unit: HashMap<&str, Vec<&crate::store::Event>> = HashMap::new();
    for event in &head.events {
        if let Some(unit) = &event.unit {
            by_unit.entry(unit).or_default().push(event);
        }
    }
    for unit in &head.units {
        let events = by_unit.get(unit.code.as_str()).map(Vec::as_slice).unwrap_or_default();
        agrees_with_itself(unit, &export.versions(&unit.code)?, events)?;
        if chained {
            state_follows_the_log(unit, events)?;
        }
    }
    Ok((head, export))
}

/// What a unit of a whole campaign says of itself, checked before anything
/// is written: its versions numbered 1 to the count `units.json` gives,
/// its current one the last (a restored unit showing an older version, or
/// refusing every later save, otherwise), and each save in the audit log
/// naming a version that is there, with the same hash, time and author.
fn agrees_with_itself(unit: &Unit, versions: &[Version], events: &[&crate::store::Event]) -> Result<(), String> {
    let numbers: Vec<i64> = versions.iter().map(|v| v.info.number).collect();
    if numbers.iter().copied().ne(1..=unit.versions) {
        return Err(format!(
            "{}: units.json ghi {} phiên bản, versions/{}.json có {} phiên bản không đánh số liền từ 1",
            unit.code,
            unit.versions,
            unit.code,
            numbers.len()
        ));
    }
    if unit.current != numbers.last().copied() {
        return Err(format!("{}: phiên bản hiện hành ghi trong units.json không phải phiên bản cuối", unit.code));
    }
    let saves = events.iter().filter(|e| e.action == EventAction::Save.as_str());
    for event in saves {
        let Some(number) = event.version else { continue };
        let Some(version) = usize::try_from(number - 1).ok().and_then(|i| versions.get(i)) else {
            return Err(format!("{}: nhật ký ghi lưu phiên bản {number}, tệp không có", unit.code));
        };
        let info = &version.info;
        if event.sha256.as_ref() != Some(&info.sha256) || event.at != info.saved_at || event.login != info.author {
            return Err(format!(
                "{}: phiên bản {number} không giống như nhật ký ghi lúc lưu (mã băm, thời điểm hoặc người lưu)",
                unit.code
            ));
        }
    }
    Ok(())
}

/// A unit's state is where its logged saves and steps lead, replayed by
/// the workflow's own rule from where the campaign started it (a first
/// version given at creation: a draft): a state edited in `units.json`
/// is refused.
fn state_follows_the_log(unit: &Unit, events: &[&crate::store::Event]) -> Result<(), String> {
    let saves = events.iter().filter(|e| e.action == EventAction::Save.as_str()).count();
    let created_with = unit.versions > saves as i64;
    let mut state = if created_with { State::Draft } else { State::NotStarted };
    let mut has_version = created_with;
    for event in events {
        if event.action == EventAction::Save.as_str() {
            state = State::Draft;
            has_version = true;
        } else if let Some(step) = Step::ALL.into_iter().find(|s| s.event().as_str() == event.action) {
            state = next(step, unit.level, state, has_version)
                .map_err(|why| format!("{}: nhật ký có bước «{}» không hợp lệ ({why})", unit.code, event.action))?;
        }
    }
    if state != unit.state {
        return Err(format!(
            "{}: units.json ghi trạng thái «{}», nhật ký dẫn tới «{}»",
            unit.code,
            unit.state.label(),
            state.label()
        ));
    }
    Ok(())
}

/// Each record of the round trip is the one its event logged: the same
/// number, hash, time and author; none added, none left out.
fn records_follow_the_log(records: &[crate::store::CardRecord], events: &[crate::store::Event]) -> Result<(), String> {
    let kinds = [EventAction::Handover, EventAction::Decision, EventAction::Stamping].map(EventAction::as_str);
    let logged: Vec<&crate::store::Event> = events.iter().filter(|e| kinds.contains(&e.action.as_str())).collect();
    if logged.len() != records.len() {
        return Err(format!("cards.json có {} biên bản, nhật ký ghi {}", records.len(), logged.len()));
    }
    for (record, event) in records.iter().zip(logged) {
        let same = event.version == Some(record.number)
            && event.sha256.as_deref() == Some(crate::hash::sha256(record.body.as_bytes()).as_str())
            && event.at == record.at
            && event.login.as_deref() == Some(record.login.as_str());
        if !same {
            return Err(format!("cards.json: biên bản số {} không giống như nhật ký ghi", record.number));
        }
    }
    Ok(())
}

fn from<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("{what}: {e}"))
}
