//! Notices by e-mail, when the service is given an SMTP server: plain
//! Vietnamese text, one message a person. Without a server nothing is
//! sent; the page's «Việc chờ bạn» says the same to whoever signs in.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How long one message may take to hand over.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a message was not sent, or a mailer not made.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("địa chỉ máy chủ thư (SMTP) không dùng được: {0}")]
    Server(String),
    #[error("địa chỉ người gửi thư không hợp lệ: {0}")]
    From(String),
    #[error("không gửi được thư: {0}")]
    Send(String),
}

/// The SMTP server messages go through, and who they come from.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for `url` (`smtp://host:port`, `smtp://host?tls=required`
    /// for STARTTLS, `smtps://host` for TLS, with `user:password@` if the
    /// server asks) sending as `from` («kttdv <kttdv@example.vn>»).
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Server(e.to_string()))?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        let from = from.parse().map_err(|e: lettre::address::AddressError| MailError::From(e.to_string()))?;
        Ok(Self { transport, from })
    }

    /// Sends `text` under `subject` to `to`.
    pub async fn send(&self, to: &str, subject: &str, text: &str) -> Result<(), MailError> {
        let to: Mailbox = to.parse().map_err(|e: lettre::address::AddressError| MailError::Send(e.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(text.to_owned())
            .map_err(|e| MailError::Send(e.to_string()))?;
        self.transport.send(message).await.map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }
}

/// `text` as an e-mail address kttdv keeps, if it is one: a mailbox at a
/// domain with a dot (`ten@gmail` is a slip for `ten@gmail.com`).
pub fn address(text: &str) -> Option<String> {
    let address = text.trim().parse::<lettre::Address>().ok()?;
    let domain = address.domain();
    (domain.contains('.') && !domain.ends_with('.')).then(|| address.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_one_mailbox_or_nothing() {
        assert_eq!(address(" bithu@so-tai-chinh.vn ").as_deref(), Some("bithu@so-tai-chinh.vn"));
        for wrong in ["bithu", "a@b@c", "bí thư@x.vn", "a@", "a@b.vn, c@d.vn", "a@b.vn\r\nBcc: x@y.vn", "hung.tv@gmail"]
        {
            assert_eq!(address(wrong), None, "{wrong:?}");
        }
    }

    #[tokio::test]
    async fn a_mailer_needs_a_server_address_and_a_sender() {
        assert!(matches!(Mailer::new("http://x", "kttdv <a@b.vn>"), Err(MailError::Server(_))));
        assert!(matches!(Mailer::new("smtp://127.0.0.1:2525", "không phải"), Err(MailError::From(_))));
        assert!(Mailer::new("smtp://127.0.0.1:2525", "kttdv <kttdv@ban-to-chuc.vn>").is_ok());
    }
}
