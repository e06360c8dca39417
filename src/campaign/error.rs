//! What a use case of the campaign answers when it does not go through:
//! the store's failure, the input's problems, a unit without data, a step
//! that does not hold. The HTTP layer turns it into an answer in one place.

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
    /// A change the unit's state does not allow now.
    #[error("{0}")]
    Conflict(String),
}
