//! Which files the names inside an input may lead to, and the chain of
//! files that led there: the service reads only what a request uploaded,
//! data read out of a PDF names no file, and no file includes itself.

use std::path::{Component, Path, PathBuf};

use crate::input::Code;

/// How deep files may include files: a Board's JSON naming its
/// committees' files, naming their cells' files, leaves room to spare.
pub const MAX_DEPTH: usize = 6;

/// Where the names in a part of the input may lead.
#[derive(Debug, Clone)]
pub enum Scope {
    /// The command line: any file its user can read.
    Anywhere,
    /// Only files below this folder (canonical): a request's uploads, or
    /// the entries of an unpacked ZIP.
    Within(PathBuf),
    /// A JSON body, or the data read out of a PDF: no file at all.
    Nowhere,
}

/// Why a name does not lead to a file. Neither says whether anything
/// exists outside the scope.
#[derive(Debug)]
pub enum Refused {
    /// Outside the scope: the message for the user.
    Outside(&'static str),
    /// The file is already being read further up the chain, or the chain
    /// is too deep: the chain, outermost first.
    Loop(String),
    Deep(String),
    /// Inside the scope, and not there.
    Missing,
}

impl Scope {
    /// The file or folder `name`, read from `base`, when this scope allows it.
    pub fn resolve(&self, base: &Path, name: &str) -> Result<PathBuf, Refused> {
        match self {
            Scope::Nowhere => Err(Refused::Outside("dữ liệu này không được nêu tên tệp; hãy gửi kèm chính các tệp")),
            Scope::Anywhere => Ok(base.join(name)),
            Scope::Within(root) => {
                // Judged on the name first, so that a refusal says nothing
                // of what exists outside.
                let plain = Path::new(name).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
                if !plain || name.contains('\\') {
                    return Err(Refused::Outside("chỉ đọc được các tệp gửi kèm, nêu bằng tên của chúng"));
                }
                let real = base.join(name).canonicalize().map_err(|_| Refused::Missing)?;
                if real.starts_with(root) {
                    Ok(real)
                } else {
                    Err(Refused::Outside("chỉ đọc được các tệp gửi kèm, nêu bằng tên của chúng"))
                }
            }
        }
    }
}

/// The files being read, outermost first, each by its real path and the
/// name it was given.
#[derive(Debug, Clone, Default)]
pub struct Chain(Vec<(PathBuf, String)>);

impl Chain {
    /// The chain with `file` read inside it, unless `file` is already in it
    /// (it would include itself without end) or the chain is too deep.
    pub fn enter(&self, file: &Path, name: &str) -> Result<Chain, Refused> {
        let real = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
        let mut chain = self.clone();
        chain.0.push((real.clone(), name.to_owned()));
        if self.0.iter().any(|(seen, _)| *seen == real) {
            return Err(Refused::Loop(chain.describe()));
        }
        if chain.0.len() > MAX_DEPTH {
            return Err(Refused::Deep(chain.describe()));
        }
        Ok(chain)
    }

    fn describe(&self) -> String {
        self.0.iter().map(|(_, name)| format!("«{name}»")).collect::<Vec<_>>().join(" → ")
    }
}

impl Refused {
    pub fn code(&self) -> Code {
        match self {
            Refused::Outside(_) => Code::FileNotAllowed,
            Refused::Loop(_) | Refused::Deep(_) => Code::IncludeLoop,
            Refused::Missing => Code::UnreadableFile,
        }
    }

    pub fn message(&self, name: &str) -> String {
        match self {
            Refused::Outside(why) => format!("không đọc «{name}»: {why}"),
            Refused::Loop(chain) => format!("tệp tự nêu tên chính nó, thành vòng lặp: {chain}"),
            Refused::Deep(chain) => format!("các tệp nêu tên nhau quá {MAX_DEPTH} tầng: {chain}"),
            Refused::Missing => format!("không có tệp hoặc thư mục «{name}»"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_a_folder_only_plain_names_inside_it() {
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path().canonicalize().unwrap();
        std::fs::write(root.join("a.json"), "{}").unwrap();
        let scope = Scope::Within(root.clone());
        assert_eq!(scope.resolve(&root, "a.json").unwrap(), root.join("a.json"));
        assert_eq!(scope.resolve(&root, "./a.json").unwrap(), root.join("a.json"));
        for name in ["/etc/hostname", "../a.json", "x/../../a.json", "..\\a.json"] {
            assert!(matches!(scope.resolve(&root, name), Err(Refused::Outside(_))), "{name}");
        }
        assert!(matches!(scope.resolve(&root, "b.json"), Err(Refused::Missing)));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_folder_is_outside() {
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path().canonicalize().unwrap();
        std::os::unix::fs::symlink("/etc/hostname", root.join("link.json")).unwrap();
        let refused = Scope::Within(root.clone()).resolve(&root, "link.json");
        assert!(matches!(refused, Err(Refused::Outside(_))), "{refused:?}");
    }

    #[test]
    fn nothing_from_data_that_names_no_file() {
        assert!(matches!(Scope::Nowhere.resolve(Path::new("."), "a.json"), Err(Refused::Outside(_))));
    }

    #[test]
    fn a_file_inside_itself_is_a_loop_named_by_its_chain() {
        let folder = tempfile::tempdir().unwrap();
        let a = folder.path().join("a.json");
        std::fs::write(&a, "{}").unwrap();
        let chain = Chain::default().enter(&a, "a.json").unwrap();
        let chain = chain.enter(&folder.path().join("b.json"), "b.json").unwrap();
        let refused = chain.enter(&folder.path().join("./a.json"), "./a.json").unwrap_err();
        assert_eq!(
            refused.message("./a.json"),
            "tệp tự nêu tên chính nó, thành vòng lặp: «a.json» → «b.json» → «./a.json»"
        );
    }

    #[test]
    fn chains_deeper_than_the_limit_stop() {
        let folder = tempfile::tempdir().unwrap();
        let mut chain = Chain::default();
        for i in 0..MAX_DEPTH {
            chain = chain.enter(&folder.path().join(format!("{i}.json")), &format!("{i}.json")).unwrap();
        }
        assert!(matches!(chain.enter(&folder.path().join("last.json"), "last.json"), Err(Refused::Deep(_))));
    }
}
