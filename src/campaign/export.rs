//! The whole campaign as one ZIP of JSON files, to back it up or move it
//! to another store, and back.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use serde_json::{Value, json};

use super::slug;
use super::workflow::{Step, next};
use crate::store::{Dump, State, Store, StoreError, Unit, Version};

/// What an exported campaign's `campaign.json` says it is: since /2 its
/// audit log is chained and `log_head` is its last link.
const EXPORT_FORMAT: &str = "kttdv-campaign/2";
/// Exports made before the chain: read, their log taken as it is.
const UNCHAINED_FORMAT: &str = "kttdv-campaign/1";

/// The whole campaign as one ZIP of JSON files, to back it up or move it
/// to another store: `campaign.json` (settings), `units.json` (the tree,
/// states, current versions), `roll.json`, `versions/<unit>.json` (every
/// version, oldest first) and `events.json` (its audit log, oldest first).
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

/// Restores an exported campaign into `store` (SQLite or PostgreSQL),
/// exactly: the same versions, hashes and times. Refused, with nothing
/// written, when the store has that campaign or the file is not whole.
pub async fn import(store: &Store, zip: &[u8]) -> Result<String, StoreError> {
    let dump = read_export(zip).map_err(StoreError::BadExport)?;
    if dump.code.is_empty() || slug(&dump.code) != dump.code {
        return Err(StoreError::BadCode(dump.code));
    }
    store.restore(&dump).await?;
    Ok(dump.code)
}

/// The most `campaign.json` (which lists the sizes of every other entry)
/// expands to: 64 MiB, some half a million units.
const MAX_CAMPAIGN_JSON: u64 = 64 << 20;

/// Deflate expands a byte to at most about a thousand: a declaration of
/// sizes beyond that is not what export wrote.
const MAX_RATIO: u64 = 1032;

/// How far the export may expand: what its `campaign.json` declares for
/// each entry and in all, when that is possible for a ZIP of its size;
/// the upload limits for an export made before sizes were declared.
fn declared_limits(zip: &[u8]) -> Result<(crate::archive::Limits, Option<BTreeMap<String, u64>>), String> {
    let first = crate::archive::Limits { entry: MAX_CAMPAIGN_JSON, total: u64::MAX, entries: usize::MAX };
    let mut campaign: Option<(Value, u64)> = None;
    crate::archive::for_each_within(Cursor::new(zip), first, |entry| {
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
    let sizes: BTreeMap<String, u64> = from(sizes, "campaign.json: sizes")?;
    let declared = sizes.values().try_fold(0u64, |sum, size| sum.checked_add(*size));
    let Some(declared) = declared.filter(|&d| d <= (zip.len() as u64).saturating_mul(MAX_RATIO)) else {
        return Err("campaign.json khai kích thước các mục lớn hơn mức tệp nén này có thể giải ra".into());
    };
    let entry = sizes.values().copied().fold(own, u64::max);
    Ok((crate::archive::Limits { entry, total: declared + own, entries: sizes.len() + 1 }, Some(sizes)))
}

fn read_export(zip: &[u8]) -> Result<Dump, String> {
    let (limits, sizes) = declared_limits(zip)?;
    let mut entries: Vec<(String, Value)> = Vec::new();
    crate::archive::for_each_within(Cursor::new(zip), limits, |entry| {
        let mut text = String::new();
        let name = entry.path.to_string_lossy().replace('\\', "/");
        entry
            .reader
            .read_to_string(&mut text)
            .map_err(|e| crate::archive::ArchiveError::Unreadable(format!("{name}: {e}")))?;
        let declared = sizes.as_ref().map(|s| s.get(&name).copied());
        if name != "campaign.json" && declared.is_some_and(|size| size != Some(text.len() as u64)) {
            return Err(crate::archive::ArchiveError::Unreadable(format!(
                "{name}: không đúng kích thước campaign.json khai (tệp đã bị sửa hoặc thêm)"
            )));
        }
        let value = serde_json::from_str(&text)
            .map_err(|e| crate::archive::ArchiveError::Unreadable(format!("{name}: {e}")))?;
        entries.push((name, value));
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    let take = |name: &str| entries.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let campaign = take("campaign.json").ok_or("thiếu campaign.json")?;
    let chained = campaign["format"] == EXPORT_FORMAT;
    if !chained && campaign["format"] != UNCHAINED_FORMAT {
        return Err(format!("campaign.json không phải dạng {EXPORT_FORMAT}"));
    }
    let field = |value: &Value, key: &str| value.get(key).cloned().ok_or(format!("thiếu «{key}»"));
    let units: Vec<Unit> = from(take("units.json").ok_or("thiếu units.json")?, "units.json")?;
    let known = |name: &str| units.iter().any(|u| format!("versions/{}.json", u.code) == name);
    if let Some((stray, _)) = entries.iter().find(|(n, _)| n.starts_with("versions/") && !known(n)) {
        return Err(format!("{stray} không thuộc đơn vị nào của units.json"));
    }
    let mut versions = Vec::new();
    for unit in &units {
        let Some(list) = take(&format!("versions/{}.json", unit.code)) else { continue };
        let list: Vec<Value> = from(list, &unit.code)?;
        let list: Result<Vec<Version>, String> = list
            .into_iter()
            .map(|v| {
                Ok(Version { info: from(field(&v, "version")?, &unit.code)?, body: field(&v, "body")?.to_string() })
            })
            .collect();
        versions.push((unit.code.clone(), list?));
    }
    let roll = match take("roll.json") {
        Some(roll) => Some((field(&roll, "roll")?.to_string(), from(field(&roll, "saved_at")?, "roll.json")?)),
        None => None,
    };
    let events: Vec<crate::store::Event> = match take("events.json") {
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
    let dump = Dump {
        events,
        code: from(field(&campaign, "code")?, "campaign.json")?,
        name: from(field(&campaign, "name")?, "campaign.json")?,
        settings: field(&campaign, "settings")?.to_string(),
        created_at: from(field(&campaign, "created_at")?, "campaign.json")?,
        units,
        versions,
        roll,
    };
    agrees_with_itself(&dump)?;
    if chained {
        states_follow_the_log(&dump)?;
    }
    Ok(dump)
}

/// What a whole campaign says of itself, checked before anything is
/// written: each unit's versions numbered 1 to the count `units.json`
/// gives, its current one the last (a restored unit showing an older
/// version, or refusing every later save, otherwise), and no save in the
/// audit log of a version that is not there.
fn agrees_with_itself(dump: &Dump) -> Result<(), String> {
    for unit in &dump.units {
        let numbers: Vec<i64> = dump
            .versions
            .iter()
            .find(|(code, _)| *code == unit.code)
            .map(|(_, list)| list.iter().map(|v| v.info.number).collect())
            .unwrap_or_default();
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
        let versions = dump.versions.iter().find(|(code, _)| *code == unit.code).map(|(_, list)| list.as_slice());
        let saves = dump.events.iter().filter(|e| e.unit.as_deref() == Some(&unit.code) && e.action == "save");
        for event in saves {
            let Some(number) = event.version else { continue };
            let place = usize::try_from(number - 1).ok();
            let Some(version) = versions.zip(place).and_then(|(list, i)| list.get(i)) else {
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
    }
    Ok(())
}

/// Each unit's state is where its logged saves and steps lead, replayed by
/// the workflow's own rule from where the campaign started it (a first
/// version given at creation: a draft): a state edited in `units.json`
/// is refused.
fn states_follow_the_log(dump: &Dump) -> Result<(), String> {
    for unit in &dump.units {
        let saves = dump.events.iter().filter(|e| e.unit.as_deref() == Some(&unit.code) && e.action == "save").count();
        let created_with = unit.versions > saves as i64;
        let mut state = if created_with { State::Draft } else { State::NotStarted };
        let mut has_version = created_with;
        for event in dump.events.iter().filter(|e| e.unit.as_deref() == Some(&unit.code)) {
            if event.action == "save" {
                state = State::Draft;
                has_version = true;
            } else if let Some(step) = Step::ALL.into_iter().find(|s| s.as_str() == event.action) {
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
    }
    Ok(())
}

fn from<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("{what}: {e}"))
}
