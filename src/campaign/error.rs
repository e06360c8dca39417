//! What a use case of the campaign answers when it does not go through:
//! the store's failure, the input's problems, a unit without data, a step
//! that does not hold, a document that could not be made. The HTTP layer
//! turns it into an answer in one place.

use crate::input::InputError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("dữ liệu nhập có {} lỗi", .0.len())]
    Input(Vec<InputError>),
    /// The unit, by name, has no version to make a document from.
    #[error("đơn vị «{0}» chưa có dữ liệu để lập văn bản")]
    NoSubmission(String),
    /// A campaign file that is not one.
    #[error("tệp chiến dịch không hợp lệ: {0}")]
    Settings(String),
    /// Not the user's to do; why.
    #[error("{0}")]
    Refused(&'static str),
    /// A document the unit's level does not make; the kinds it makes.
    #[error("{0}")]
    NotMade(String),
    /// No signed original of the unit's current version, of that kind.
    #[error("chưa có bản đã ký: {0}")]
    NoSigned(String),
    /// The workers did not run a render.
    #[error(transparent)]
    Pool(#[from] crate::pool::Refused),
    /// A document that could not be made.
    #[error(transparent)]
    Render(#[from] crate::Error),
    /// No record of the round trip of that number about the unit.
    #[error("không có biên bản số {0} về đơn vị này")]
    NoRecord(i64),
    /// A change the unit's state does not allow now.
    #[error("{0}")]
    Conflict(String),
}
