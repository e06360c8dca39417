//! A unit's documents made from its stored versions — the same bytes every
//! time, kept by the address of what they were made from — and its signed
//! originals, kept only when they are those documents, signed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use super::{Campaigns, Error, Unit, documents_of, input_of};
use crate::hash::sha256;
use crate::input::{Code, InputError, JsonPath};
use crate::kinds::Kind;
use crate::store::{EventAction, KeptFile, NewEvent, Signed, Store};
use crate::{OutFormat, Output, PdfFlavour, Rendered, Slot};

/// A document of a unit, made from stored versions or kept from before.
pub struct Made {
    pub rendered: Rendered,
    /// Whether it was kept from before.
    pub kept: bool,
    /// How many of a submission's PDFs were kept from before.
    pub files_kept: usize,
}

/// A signed original as sent: the file's name as the sender had it, its bytes.
pub struct SignedUpload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A signed original kept.
pub struct SignedKept {
    pub version: i64,
    pub kind: Kind,
    /// The certificate's subject of the last signature.
    pub signer: String,
    pub sha256: String,
    pub file_name: String,
}

/// `kind` when a unit of `unit`'s level makes it; else the kinds it makes.
pub fn made_by(unit: &Unit, kind: Kind) -> Result<Kind, Error> {
    let kinds = documents_of(unit.level);
    if kinds.contains(&kind) {
        return Ok(kind);
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    Err(Error::NotMade(format!(
        "{} không lập loại {}; các loại: {}",
        unit.level.label(),
        kind.name(),
        names.join(", ")
    )))
}

/// Writes down in the audit log that `login` read personal data of `unit`
/// (`action`: read, download), before it is sent.
pub async fn log_read(
    store: &Store,
    login: &str,
    campaign: &str,
    unit: &str,
    action: EventAction,
    version: Option<i64>,
    what: &str,
) -> Result<(), Error> {
    let event = NewEvent {
        login: Some(login),
        campaign: Some(campaign),
        unit: Some(unit),
        version,
        note: Some(what),
        ..NewEvent::of(action)
    };
    Ok(store.log(&event).await?)
}

impl Campaigns<'_> {
    /// The document `kind` of `unit` made from its current version (or its
    /// version `number`) and the current versions below it — the same bytes
    /// every time, kept by content address.
    pub async fn document(&self, campaign: &str, unit: &Unit, kind: Kind, number: Option<i64>) -> Result<Made, Error> {
        let kind = made_by(unit, kind)?;
        let input = input_of(self.store, campaign, unit, kind, number).await?;
        self.made(kind, input).await
    }

    /// The handover record `number` of the cards' round trip, when it is
    /// about `unit` or a unit below it.
    pub async fn handover_record(&self, campaign: &str, unit: &Unit, number: i64) -> Result<Made, Error> {
        let input = super::cards::record_input(self.store, campaign, unit, number).await?;
        self.made(Kind::BienBan, input).await
    }

    /// The Board's Tờ trình and the draft Quyết định, with its consolidated
    /// lists as their annex, as one ZIP named after the decision.
    pub async fn decision_papers(&self, campaign: &str, board: &Unit) -> Result<(Vec<u8>, String), Error> {
        let (submission, decision) = super::cards::decision_papers(self.store, campaign, board).await?;
        let number = decision["header"]["number"].as_str().map(crate::kinds::slug).unwrap_or_default();
        let files = [
            self.made(Kind::Plan, submission).await?.rendered,
            self.made(Kind::Plan, decision).await?.rendered,
            self.document(campaign, board, Kind::TongHop, None).await?.rendered,
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (i, file) in files.iter().enumerate() {
            let name = if i == 2 { format!("phu-luc_{}", file.file_name) } else { file.file_name.clone() };
            zip.start_file(name, options).expect("writing to memory");
            std::io::Write::write_all(&mut zip, &file.bytes).expect("writing to memory");
        }
        let bytes = zip.finish().expect("writing to memory").into_inner();
        Ok((bytes, format!("to-trinh-quyet-dinh_{number}.zip")))
    }

    /// `kind` made from `input`, or kept from before: the same bytes every
    /// time, kept by the address of what it was made from.
    async fn made(&self, kind: Kind, input: serde_json::Value) -> Result<Made, Error> {
        let format = OutFormat::allowed(kind)[0];
        // The input's text only for its hash: not held while the document is made.
        let input_hash = sha256(&serde_json::to_vec(&input).expect("JSON serialises"));
        let address = sha256(
            format!("{}|{}|{}|{}", kind.name(), format.name(), self.renderer.template_version(), input_hash).as_bytes(),
        );
        if let Some(kept) = self.store.document(&address).await? {
            let meta: Meta =
                serde_json::from_str(&kept.meta).map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
            let rendered = Rendered {
                bytes: kept.bytes,
                file_name: kept.file_name,
                title: meta.title,
                pages: meta.pages,
                slots: meta.slots,
                warnings: Vec::new(),
            };
            return Ok(Made { rendered, kept: true, files_kept: 0 });
        }
        let files = Arc::new(KeptFiles {
            store: self.store.clone(),
            runtime: tokio::runtime::Handle::current(),
            found: AtomicUsize::new(0),
        });
        let (renderer, job_files) = (self.renderer.clone(), files.clone());
        let rendered = self
            .pool
            .run_wide(move |lent| {
                // A submission's files on every worker free now, as on the command line.
                let output = Output::of(format, PdfFlavour::WITH_DATA).kept_in(job_files.as_ref()).on_lent(lent);
                // Each part passed its checks when saved; together they may not
                // (one member on two cells' rosters): the unit's problems.
                let document = renderer.document(kind, &input, output)?;
                // What the files carry is sealed: the input is not held while they are laid out.
                drop(input);
                renderer.lay_out(document)
            })
            .await??;
        let meta = Meta { title: rendered.title.clone(), pages: rendered.pages, slots: rendered.slots.clone() };
        let meta = serde_json::to_string(&meta).expect("JSON serialises");
        self.store.put_document(&address, &rendered.file_name, &meta, &rendered.bytes).await?;
        Ok(Made { rendered, kept: false, files_kept: files.found.load(Ordering::SeqCst) })
    }

    /// Keeps the PDF `unit` signed, for `login`. Kept only when it is the
    /// document of one of the unit's kinds made from the unit's current
    /// version — submitted or approved — byte for byte, followed only by
    /// updates that sign it; and when its signatures hold (their CMS values
    /// over their byte ranges, the last one over the whole file). The
    /// certificate's chain is not checked (README, "Signed originals").
    /// Once approved or accepted, a kept original stays.
    pub async fn keep_signed(
        &self,
        campaign: &str,
        unit: &Unit,
        file: SignedUpload,
        login: &str,
    ) -> Result<SignedKept, Error> {
        let Some(number) = unit.current.filter(|_| unit.state.received()) else {
            return Err(Error::Conflict(format!(
                "báo cáo của «{}» {}: nộp báo cáo rồi mới gửi bản đã ký",
                unit.name,
                unit.state.label()
            )));
        };
        let bytes = Arc::new(file.bytes);
        let reading = bytes.clone();
        let attached = self.pool.run(move || crate::extract(&reading)).await?;
        let place = |e: InputError| InputError { file: Some(file.name.clone()), ..e };
        let attached = attached.map_err(|e| Error::Input(vec![place(e)]))?;
        let Some(kind) = documents_of(unit.level).iter().find(|k| k.name() == attached.kind).copied() else {
            let message = format!("PDF loại «{}» không phải văn bản {} lập", attached.kind, unit.level.label());
            return Err(Error::Input(vec![place(InputError::new(Code::OtherUnit, JsonPath::root(), message))]));
        };
        let mut problems = Vec::new();
        if input_of(self.store, campaign, unit, kind, None).await? != attached.input {
            let message = format!(
                "PDF không lập từ phiên bản hiện hành ({number}) của «{}»; hãy tải văn bản từ kttdv, ký rồi gửi lại",
                unit.name
            );
            problems.push(place(InputError::new(Code::OtherVersion, JsonPath::root(), message)));
        } else {
            // The same data could be carried by other pages: the document is
            // made again (the same bytes every time) and must begin the upload.
            let made = self.document(campaign, unit, kind, None).await?.rendered.bytes;
            let upload = bytes.clone();
            if let Err(change) = self.pool.run(move || crate::added_to(&made, &upload)).await? {
                let message = format!("{change}; hãy tải văn bản từ kttdv, ký rồi gửi lại");
                problems.push(place(InputError::new(Code::NotTheDocument, JsonPath::root(), message)));
            }
        }
        let signer = match attached.signing {
            crate::Signing::Signed { signer } => Some(signer),
            other => {
                problems.extend(other.warning().map(place));
                None
            }
        };
        let Some(signer) = signer.filter(|_| problems.is_empty()) else { return Err(Error::Input(problems)) };
        let file_name = format!("{}_{}_phien-ban-{number}_da-ky.pdf", kind.name(), unit.code);
        let kept = Signed {
            unit: &unit.code,
            number,
            kind: kind.name(),
            file_name: &file_name,
            bytes: &bytes,
            signer: &signer,
        };
        self.store.put_signed(campaign, &kept, login).await?;
        tracing::info!(campaign, unit = unit.code, version = number, kind = kind.name(), "đã nhận bản đã ký");
        Ok(SignedKept { version: number, kind, signer, sha256: sha256(&bytes), file_name })
    }

    /// The signed original of `unit`'s current version, of `kind`, read by
    /// `login` (the unit or a level above it): logged before it is given.
    pub async fn signed_original(
        &self,
        campaign: &str,
        unit: &Unit,
        kind: Kind,
        login: &str,
    ) -> Result<KeptFile, Error> {
        let kind = made_by(unit, kind)?;
        let number = unit.current.ok_or_else(|| Error::NoSubmission(unit.name.clone()))?;
        let kept = self.store.signed(campaign, &unit.code, number, kind.name()).await?;
        let kept = kept.ok_or_else(|| Error::NoSigned(format!("{} {}", unit.name, kind.label())))?;
        let what = format!("bản đã ký {}", kind.name());
        log_read(self.store, login, campaign, &unit.code, EventAction::Download, Some(number), &what).await?;
        Ok(kept)
    }
}

/// The documents a unit of each level is read by, in a bundle: a cell's
/// packet (forms 1 to 5), a committee's form 6, a chi bộ cơ sở's both, the
/// Board's form 7.
fn main_documents(level: super::Level) -> &'static [Kind] {
    match level {
        super::Level::Cell => &[Kind::Packet],
        super::Level::Committee => &[Kind::Mau6],
        super::Level::BaseCell => &[Kind::Packet, Kind::Mau6],
        super::Level::Board => &[Kind::Mau7],
    }
}

/// What a bundle holds.
pub struct Bundled {
    /// Documents and signed originals in it.
    pub files: usize,
    /// Units left out, each with why: also in its `ghi-chu.txt`.
    pub left_out: usize,
}

impl Campaigns<'_> {
    /// The documents of `units` (a unit and the units below it) made from
    /// their current versions, with their signed originals, as one ZIP
    /// written to `out` file by file as each is made (a download that
    /// grows while the Bloc's documents are made, never a file kept on the
    /// server), read by `login`: a folder per unit named by its code's
    /// parts (`dang-bo-a/chi-bo-b/`). A unit without data, or whose
    /// document cannot be made, is said in `ghi-chu.txt`, never left out
    /// silently. One document is held at a time; a ZIP cut short (the
    /// reader gone, a failure) has no central directory and opens as broken.
    pub async fn bundle(
        &self,
        campaign: &str,
        units: &[Unit],
        login: &str,
        out: &mut (impl tokio::io::AsyncWrite + Unpin + Send),
    ) -> Result<Bundled, Error> {
        let pending = Written::default();
        let mut zip = zip::ZipWriter::new_stream(pending.clone());
        // PDFs are compressed already.
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let signed = self.store.signed_current(campaign).await?;
        let (mut files, mut notes) = (0, Vec::new());
        let written = |e: zip::result::ZipError| Error::Store(crate::store::StoreError::Unavailable(e.to_string()));
        let put = |zip: &mut zip::ZipWriter<_>, path: String, bytes: &[u8]| {
            use std::io::Write;
            zip.start_file(path, options).and_then(|()| Ok(zip.write_all(bytes)?)).map_err(written)
        };
        for unit in units {
            let folder = unit.code.replace('.', "/");
            let Some(number) = unit.current else {
                notes.push(format!("{}: chưa có dữ liệu", unit.name));
                continue;
            };
            for kind in main_documents(unit.level) {
                match self.document(campaign, unit, *kind, None).await {
                    Ok(document) => {
                        let path = format!("{folder}/{}", document.rendered.file_name);
                        put(&mut zip, path, &document.rendered.bytes)?;
                        pending.send(out).await?;
                        files += 1;
                    }
                    Err(Error::Input(problems)) => {
                        let (what, count) = (kind.label(), problems.len());
                        notes.push(format!("{}: chưa lập được {what} ({count} lỗi dữ liệu)", unit.name));
                    }
                    Err(err) => return Err(err),
                }
            }
            for info in signed.get(&unit.code).into_iter().flatten() {
                let kept = self.store.signed(campaign, &unit.code, number, &info.kind).await?;
                if let Some(kept) = kept {
                    put(&mut zip, format!("{folder}/{}", kept.file_name), &kept.bytes)?;
                    pending.send(out).await?;
                    files += 1;
                }
            }
            log_read(self.store, login, campaign, &unit.code, EventAction::Download, unit.current, "tệp nén văn bản")
                .await?;
        }
        if !notes.is_empty() {
            let text = format!("Các đơn vị không có văn bản trong tệp nén:\r\n{}\r\n", notes.join("\r\n"));
            put(&mut zip, "ghi-chu.txt".into(), text.as_bytes())?;
        }
        zip.finish().map_err(written)?;
        pending.send(out).await?;
        Ok(Bundled { files, left_out: notes.len() })
    }
}

/// The bytes of a ZIP written since they were last sent on.
#[derive(Clone, Default)]
struct Written(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Written {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Written {
    /// Sends the bytes written so far on to `out`.
    async fn send(&self, out: &mut (impl tokio::io::AsyncWrite + Unpin + Send)) -> Result<(), Error> {
        use tokio::io::AsyncWriteExt;
        let bytes = std::mem::take(&mut *self.0.lock().expect("not poisoned"));
        let gone = |e: std::io::Error| Error::Store(crate::store::StoreError::Unavailable(e.to_string()));
        out.write_all(&bytes).await.map_err(gone)?;
        out.flush().await.map_err(gone)
    }
}

/// The store as the place a submission's files are kept, so that after one
/// cell changes only the files that depend on it are made again. Called
/// from the render threads, off the runtime.
struct KeptFiles {
    store: Store,
    runtime: tokio::runtime::Handle,
    /// How many were found.
    found: AtomicUsize,
}

impl crate::Kept for KeptFiles {
    fn get(&self, address: &str) -> Option<Vec<u8>> {
        let bytes = self.runtime.block_on(self.store.kept_file(address)).ok().flatten();
        self.found.fetch_add(usize::from(bytes.is_some()), Ordering::SeqCst);
        bytes
    }

    fn put(&self, address: &str, bytes: &[u8]) {
        // A file not kept is made again next time: nothing is lost.
        if let Err(err) = self.runtime.block_on(self.store.keep_file(address, bytes)) {
            tracing::warn!("không giữ được tệp đã lập: {err}");
        }
    }
}

/// What a kept document's answer says besides its bytes.
#[derive(Serialize, Deserialize)]
struct Meta {
    title: String,
    pages: usize,
    slots: Vec<Slot>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Level, State, test_unit};

    #[test]
    fn a_unit_makes_only_the_kinds_of_its_level_and_is_told_which() {
        let cell = test_unit("cb-1", Level::Cell, State::Draft, Some("db-a"));
        assert_eq!(made_by(&cell, Kind::Mau2).unwrap(), Kind::Mau2);
        let Err(Error::NotMade(why)) = made_by(&cell, Kind::Mau7) else { panic!("a cell does not make form 7") };
        assert!(why.contains("mau-7") && why.contains("mau-1") && why.starts_with("Chi bộ"), "{why}");
        let board = test_unit("ban", Level::Board, State::Draft, None);
        assert!(made_by(&board, Kind::Mau7).is_ok() && made_by(&board, Kind::Mau1).is_err());
    }
}
