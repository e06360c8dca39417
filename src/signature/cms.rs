//! A PDF signature's value: a detached CMS SignedData (RFC 5652) over the
//! bytes its `/ByteRange` names. Checked here: its structure, the digest
//! of those bytes against the signed `messageDigest`, and the signature
//! over the signed attributes with the key of the signer's certificate
//! (RSA PKCS #1 v1.5, ECDSA P-256 or P-384; SHA-256, -384 or -512). Not
//! checked: the certificate's chain to a trusted root, its validity and
//! revocation — the government's signing tools do that.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{ObjectIdentifier, OctetStringRef};
use der::{Decode, Encode};
use sha2::Digest;
use x509_cert::Certificate;

const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const ORGANISATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");

/// Why a signature does not hold, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub &'static str);

/// The digests a signature may use.
#[derive(Debug, Clone, Copy)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn of(oid: &ObjectIdentifier) -> Result<Self, Invalid> {
        match *oid {
            SHA256 => Ok(Hash::Sha256),
            SHA384 => Ok(Hash::Sha384),
            SHA512 => Ok(Hash::Sha512),
            _ => Err(Invalid("chữ ký dùng hàm băm không được nhận (cần SHA-256, SHA-384 hoặc SHA-512)")),
        }
    }

    fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn all<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().to_vec()
        }
        match self {
            Hash::Sha256 => all::<sha2::Sha256>(parts),
            Hash::Sha384 => all::<sha2::Sha384>(parts),
            Hash::Sha512 => all::<sha2::Sha512>(parts),
        }
    }

    fn pkcs1(self) -> rsa::Pkcs1v15Sign {
        match self {
            Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            Hash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
            Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
        }
    }
}

/// Checks the CMS `value` (a PDF signature's `/Contents`, zeros after it
/// allowed) as a signature over `signed` (the bytes its byte range names,
/// in order); the signer's name (its certificate's subject) when it holds.
pub fn verify(value: &[u8], signed: &[&[u8]]) -> Result<String, Invalid> {
    let unreadable = Invalid("giá trị chữ ký không phải cấu trúc CMS đọc được");
    // The value is padded with zeros to the room the signer left: read one DER value.
    let mut reader = der::SliceReader::new(value).map_err(|_| unreadable.clone())?;
    let info = <ContentInfo as der::Decode>::decode(&mut reader).map_err(|_| unreadable.clone())?;
    if info.content_type != SIGNED_DATA {
        return Err(unreadable);
    }
    let data: SignedData = info.content.decode_as().map_err(|_| unreadable.clone())?;
    if data.encap_content_info.econtent.is_some() {
        return Err(Invalid("chữ ký mang nội dung bên trong thay vì ký lên các byte của tệp"));
    }
    let signer = match data.signer_infos.0.as_slice() {
        [one] => one,
        [] => return Err(Invalid("giá trị chữ ký không có người ký")),
        _ => return Err(Invalid("giá trị chữ ký có nhiều người ký")),
    };
    let certificate = certificate_of(&data, signer)?;
    let hash = Hash::of(&signer.digest_alg.oid)?;
    let attributes = signer.signed_attrs.as_ref().ok_or(Invalid("chữ ký không có thuộc tính được ký"))?;
    let digest = attributes
        .iter()
        .find(|a| a.oid == MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetStringRef>().ok())
        .ok_or(Invalid("chữ ký không ghi mã băm của tệp"))?;
    if digest.as_bytes() != hash.digest(signed).as_slice() {
        return Err(Invalid("mã băm trong chữ ký không khớp các byte được ký: tệp đã bị sửa sau khi ký"));
    }
    // What is signed is the attributes, as a SET (RFC 5652 § 5.4).
    let attributes = attributes.to_der().map_err(|_| unreadable)?;
    verify_key(&certificate, hash, &hash.digest(&[&attributes]), signer.signature.as_bytes())?;
    Ok(subject(&certificate))
}

/// The certificate `signer` names among those the signature carries.
fn certificate_of(data: &SignedData, signer: &SignerInfo) -> Result<Certificate, Invalid> {
    let certificates = data.certificates.iter().flat_map(|set| set.0.iter()).filter_map(|choice| match choice {
        CertificateChoices::Certificate(certificate) => Some(certificate),
        CertificateChoices::Other(_) => None,
    });
    for certificate in certificates {
        let tbs = &certificate.tbs_certificate;
        let named = match &signer.sid {
            SignerIdentifier::IssuerAndSerialNumber(id) => {
                id.issuer == tbs.issuer && id.serial_number == tbs.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(id) => key_identifier_matches(tbs, id.0.as_bytes()),
        };
        if named {
            return Ok(certificate.clone());
        }
    }
    Err(Invalid("chữ ký không kèm chứng thư số của người ký"))
}

/// Whether the certificate's subject key identifier extension is `id`.
fn key_identifier_matches(tbs: &x509_cert::TbsCertificate, id: &[u8]) -> bool {
    const SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
    tbs.extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == SUBJECT_KEY_ID)
        .any(|e| OctetStringRef::from_der(e.extn_value.as_bytes()).is_ok_and(|inner| inner.as_bytes() == id))
}

/// Checks `signature` over `digest` with the certificate's key.
fn verify_key(certificate: &Certificate, hash: Hash, digest: &[u8], signature: &[u8]) -> Result<(), Invalid> {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use rsa::pkcs8::DecodePublicKey;
    let wrong = Invalid("chữ ký số không đúng với khóa của chứng thư đi kèm");
    let key = &certificate.tbs_certificate.subject_public_key_info;
    let spki = key.to_der().map_err(|_| wrong.clone())?;
    match key.algorithm.oid {
        RSA => {
            let public = rsa::RsaPublicKey::from_public_key_der(&spki).map_err(|_| wrong.clone())?;
            public.verify(hash.pkcs1(), digest, signature).map_err(|_| wrong)
        }
        EC => {
            let curve = key.algorithm.parameters.as_ref().and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            match curve {
                Some(P256) => {
                    let public = p256::ecdsa::VerifyingKey::from_public_key_der(&spki).map_err(|_| wrong.clone())?;
                    let signature = p256::ecdsa::DerSignature::from_bytes(signature).map_err(|_| wrong.clone())?;
                    public.verify_prehash(digest, &signature).map_err(|_| wrong)
                }
                Some(P384) => {
                    let public = p384::ecdsa::VerifyingKey::from_public_key_der(&spki).map_err(|_| wrong.clone())?;
                    let signature = p384::ecdsa::DerSignature::from_bytes(signature).map_err(|_| wrong.clone())?;
                    public.verify_prehash(digest, &signature).map_err(|_| wrong)
                }
                _ => Err(Invalid("chứng thư số dùng đường cong elliptic không được nhận (cần P-256 hoặc P-384)")),
            }
        }
        _ => Err(Invalid("chứng thư số dùng loại khóa không được nhận (cần RSA hoặc ECDSA)")),
    }
}

/// The certificate's subject as a person reads it: its common name and
/// organisation.
fn subject(certificate: &Certificate) -> String {
    let mut parts = Vec::new();
    for wanted in [COMMON_NAME, ORGANISATION] {
        let found = certificate.tbs_certificate.subject.0.iter().flat_map(|rdn| rdn.0.iter()).find(|a| a.oid == wanted);
        if let Some(text) = found.and_then(|a| text_of(&a.value)) {
            parts.push(text);
        }
    }
    if parts.is_empty() { "(chứng thư không ghi tên)".into() } else { parts.join(", ") }
}

/// A directory string's text, whichever of its kinds it is.
fn text_of(value: &der::Any) -> Option<String> {
    use der::asn1::{BmpString, Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
    let text = value
        .decode_as::<Utf8StringRef>()
        .map(|s| s.as_str().to_owned())
        .or_else(|_| value.decode_as::<PrintableStringRef>().map(|s| s.as_str().to_owned()))
        .or_else(|_| value.decode_as::<Ia5StringRef>().map(|s| s.as_str().to_owned()))
        .or_else(|_| value.decode_as::<TeletexStringRef>().map(|s| s.as_str().to_owned()))
        .or_else(|_| value.decode_as::<BmpString>().map(|s| s.to_string()))
        .ok()?;
    // A name from a certificate goes into pages and the log: no controls or direction marks.
    Some(text.chars().filter(|c| !crate::input::is_forbidden(*c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_signature_says_why() {
        assert_eq!(verify(&[0; 64], &[b"x"]), Err(Invalid("giá trị chữ ký không phải cấu trúc CMS đọc được")));
        assert!(verify(b"", &[b"x"]).is_err());
    }
}
