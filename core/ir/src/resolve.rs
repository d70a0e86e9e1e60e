//! Resolves `$ref`s: RFC 3986 relative to the referring file, falling back to the schema root
//! for the upstream files that are written one directory off. An absolute URL is never
//! fetched: one whose path ends in `/<Name>/<version>/attributes.yaml` is that file under the
//! schema root, as DEG publishes its schemas.

use std::path::Path;

/// A component schema, or a schema inside one: the file it is in, the component's name under
/// `#/components/schemas`, and the pointer's segments below the component (none for the
/// component itself).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Target {
    pub file: String,
    pub name: String,
    pub path: Vec<String>,
}

impl Target {
    /// Whether the target is a whole component, which lowers to a named type.
    pub fn is_component(&self) -> bool {
        self.path.is_empty()
    }
}

/// Where a reference leads, and whether it took the root fallback to get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub target: Target,
    pub fell_back: bool,
}

const COMPONENTS: &str = "/components/schemas/";

/// Why a `$ref` leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The fragment is not `#/components/schemas/<Name>` or a pointer below one.
    #[error(
        "only references to #{COMPONENTS}<Name> and pointers below one are supported, not `#{fragment}`"
    )]
    NotAComponent {
        /// The fragment as written.
        fragment: String,
    },
    /// The file is neither beside the referring file nor under the schema root.
    #[error("no file `{path}` relative to {from} or to the schema root")]
    NoFile {
        /// The path as written.
        path: String,
        /// The referring file.
        from: String,
    },
    /// The file exists but has no such component.
    #[error("{file} has no component schema `{name}`")]
    NoComponent {
        /// The file.
        file: String,
        /// The component asked for.
        name: String,
    },
    /// The component has no schema at the pointer below it.
    #[error("component `{name}` in {file} has no schema at `{pointer}`")]
    NoSchemaAt {
        /// The file.
        file: String,
        /// The component.
        name: String,
        /// The pointer below it.
        pointer: String,
    },
    /// An absolute URL that names no `<Name>/<version>/attributes.yaml` under the schema root.
    #[error(
        "`{url}` is not fetched: an absolute URL resolves to the `<Name>/<version>/attributes.yaml` \
         its path ends in, under the schema root, or through a schema map (--schema-map \
         URL_PREFIX=DIR), and there is none here"
    )]
    NoLocalFile {
        /// The URL as written.
        url: String,
    },
    /// A reference lowering met that loading did not resolve.
    #[error("does not resolve")]
    Unresolved,
}

/// URL prefixes, each mapped to a directory under the schema root (relative to it, `""` for
/// the root itself), for `$ref`s to schemas published at URLs that do not end in
/// `<Name>/<version>/attributes.yaml`: the rest of the URL's path is a file in the directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlMap(pub Vec<(String, String)>);

impl UrlMap {
    /// One `--schema-map URL_PREFIX=DIR` for the schema root `root`: DIR must lie under it,
    /// where every file the pipeline reads does. The error says what is wrong with `spec`.
    pub fn mapping(root: &Path, spec: &str) -> Result<(String, String), String> {
        let (prefix, dir) = spec
            .split_once('=')
            .ok_or_else(|| format!("--schema-map {spec}: expected URL_PREFIX=DIR"))?;
        let absolute = |path: &Path| {
            std::path::absolute(path).map(|path| {
                normalise(&path.to_string_lossy().replace('\\', "/")).unwrap_or_default()
            })
        };
        let (Ok(root_path), Ok(dir_path)) = (absolute(root), absolute(Path::new(dir))) else {
            return Err(format!("--schema-map {spec}: cannot read the paths"));
        };
        let relative = if dir_path == root_path {
            String::new()
        } else {
            dir_path
                .strip_prefix(&format!("{root_path}/"))
                .map(str::to_owned)
                .ok_or_else(|| {
                    format!(
                        "--schema-map {spec}: `{dir}` is not under the schema root {}",
                        root.display()
                    )
                })?
        };
        if !Path::new(dir).is_dir() {
            return Err(format!("--schema-map {spec}: `{dir}` is not a directory"));
        }
        Ok((prefix.to_owned(), relative))
    }

    /// The file under the root that `url` (without its fragment) names, by the first prefix
    /// it starts with.
    fn file(&self, url: &str) -> Option<String> {
        self.0.iter().find_map(|(prefix, dir)| {
            let rest = url.strip_prefix(prefix.as_str())?;
            let rest = rest.split(['?', '#']).next()?;
            normalise(&format!("{dir}/{rest}"))
        })
    }
}

/// Resolves `reference`, written in `from` (relative to `root`), to a component schema.
pub fn resolve(root: &Path, from: &str, reference: &str) -> Result<Resolution, ResolveError> {
    resolve_mapped(root, from, reference, &UrlMap::default())
}

/// As [`resolve`], an absolute URL first looked up in `urls`.
pub fn resolve_mapped(
    root: &Path,
    from: &str,
    reference: &str,
    urls: &UrlMap,
) -> Result<Resolution, ResolveError> {
    let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    // A fragment is a URI component: `%25` is `%`, before the pointer's own `~` escapes.
    let fragment = percent_decoded(fragment);
    let fragment = fragment.as_str();
    let mut segments = fragment
        .strip_prefix(COMPONENTS)
        .filter(|rest| !rest.is_empty() && !rest.starts_with('/'))
        .ok_or_else(|| ResolveError::NotAComponent {
            fragment: fragment.to_owned(),
        })?
        .split('/')
        .map(|segment| deg_contracts_runtime::pointer::unescape(segment).into_owned());
    let name = segments.next().unwrap_or_default();
    let below: Vec<String> = segments.collect();
    if path.is_empty() {
        return Ok(Resolution {
            target: Target {
                file: from.to_owned(),
                name,
                path: below,
            },
            fell_back: false,
        });
    }
    if let Some(rest) = ["https://", "http://"]
        .iter()
        .find_map(|scheme| path.strip_prefix(scheme))
    {
        let file = urls
            .file(path)
            .filter(|file| root.join(file).is_file())
            .or_else(|| {
                rest.split_once('/')
                    .and_then(|(_, url_path)| local_entry_file(url_path))
                    .filter(|file| root.join(file).is_file())
            });
        return match file {
            Some(file) => Ok(Resolution {
                target: Target {
                    file,
                    name,
                    path: below,
                },
                fell_back: false,
            }),
            None => Err(ResolveError::NoLocalFile {
                url: path.to_owned(),
            }),
        };
    }
    let base = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    let relative = normalise(&format!("{base}/{path}"));
    if let Some(file) = relative.filter(|file| root.join(file).is_file()) {
        return Ok(Resolution {
            target: Target {
                file,
                name,
                path: below,
            },
            fell_back: false,
        });
    }
    let from_root = normalise(path.trim_start_matches("../").trim_start_matches("./"));
    match from_root.filter(|file| root.join(file).is_file()) {
        Some(file) => Ok(Resolution {
            target: Target {
                file,
                name,
                path: below,
            },
            fell_back: true,
        }),
        None => Err(ResolveError::NoFile {
            path: path.to_owned(),
            from: from.to_owned(),
        }),
    }
}

/// `text` with each `%XX` escape decoded (as UTF-8); a malformed escape stays as written.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escape = (bytes[at] == b'%')
            .then(|| text.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escape {
            Some(byte) => {
                decoded.push(byte);
                at += 3;
            }
            None => {
                decoded.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8(decoded).unwrap_or_else(|_| text.to_owned())
}

/// `<Name>/<version>/attributes.yaml`, the last three segments of a URL's path, when that is
/// how it ends.
fn local_entry_file(url_path: &str) -> Option<String> {
    let url_path = url_path.split(['?', '#']).next()?;
    let mut segments = url_path.rsplit('/');
    let file = segments.next().filter(|file| *file == "attributes.yaml")?;
    let version = segments.next().filter(|segment| !segment.is_empty())?;
    let name = segments.next().filter(|segment| !segment.is_empty())?;
    Some(format!("{name}/{version}/{file}"))
}

/// Removes `.` and `..` segments (RFC 3986 §5.2.4); None when the path climbs above the root.
fn normalise(path: &str) -> Option<String> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            _ => segments.push(segment),
        }
    }
    Some(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in ["Base/v1/attributes.yaml", "Derived/v1/attributes.yaml"] {
            std::fs::create_dir_all(dir.path().join(file).parent().unwrap()).unwrap();
            std::fs::write(dir.path().join(file), "components: {schemas: {}}").unwrap();
        }
        dir
    }

    #[test]
    fn resolves_relative_to_the_referring_file() {
        let dir = tree();
        let resolution = resolve(
            dir.path(),
            "Derived/v1/attributes.yaml",
            "../../Base/v1/attributes.yaml#/components/schemas/Thing",
        )
        .unwrap();
        assert_eq!(resolution.target.file, "Base/v1/attributes.yaml");
        assert_eq!(resolution.target.name, "Thing");
        assert!(!resolution.fell_back);
    }

    #[test]
    fn falls_back_to_the_root_for_upstream_style_refs() {
        let dir = tree();
        let resolution = resolve(
            dir.path(),
            "Derived/v1/attributes.yaml",
            "../Base/v1/attributes.yaml#/components/schemas/Thing",
        )
        .unwrap();
        assert_eq!(resolution.target.file, "Base/v1/attributes.yaml");
        assert!(resolution.fell_back);
    }

    #[test]
    fn absolute_urls_are_the_local_entry_they_end_in_never_fetched() {
        let dir = tree();
        let url = "https://raw.githubusercontent.com/beckn/x/main/schema/Base/v1/attributes.yaml";
        let resolution = resolve(
            dir.path(),
            "Derived/v1/attributes.yaml",
            &format!("{url}#/components/schemas/Thing"),
        )
        .unwrap();
        assert_eq!(resolution.target.file, "Base/v1/attributes.yaml");
        assert_eq!(resolution.target.name, "Thing");
        for missing in [
            "https://example.org/schema/Other/v1/attributes.yaml",
            "https://example.org/schema/Base/v1/context.jsonld",
            "https://example.org",
        ] {
            let error = resolve(
                dir.path(),
                "Derived/v1/attributes.yaml",
                &format!("{missing}#/components/schemas/Thing"),
            )
            .unwrap_err();
            assert_eq!(
                error,
                ResolveError::NoLocalFile {
                    url: missing.to_owned()
                },
                "{missing}"
            );
        }
    }

    #[test]
    fn a_url_map_names_files_anywhere_under_the_root() {
        let dir = tree();
        std::fs::create_dir_all(dir.path().join("vendor/deg")).unwrap();
        std::fs::write(
            dir.path().join("vendor/deg/grid.yaml"),
            "components: {schemas: {}}",
        )
        .unwrap();
        let urls = UrlMap(vec![(
            "https://schemas.example.org/deg/".to_owned(),
            "vendor/deg".to_owned(),
        )]);
        let reference = "https://schemas.example.org/deg/grid.yaml#/components/schemas/Node";
        let resolution =
            resolve_mapped(dir.path(), "Base/v1/attributes.yaml", reference, &urls).unwrap();
        assert_eq!(resolution.target.file, "vendor/deg/grid.yaml");
        assert_eq!(resolution.target.name, "Node");
        let unmapped = resolve(dir.path(), "Base/v1/attributes.yaml", reference).unwrap_err();
        assert!(unmapped.to_string().contains("--schema-map"), "{unmapped}");
    }

    #[test]
    fn local_refs_stay_in_the_file() {
        let dir = tree();
        let resolution = resolve(
            dir.path(),
            "Base/v1/attributes.yaml",
            "#/components/schemas/A~1B",
        )
        .unwrap();
        assert_eq!(resolution.target.file, "Base/v1/attributes.yaml");
        assert_eq!(resolution.target.name, "A/B");
    }

    #[test]
    fn missing_files_and_other_pointers_are_errors() {
        let dir = tree();
        let missing = resolve(
            dir.path(),
            "Base/v1/attributes.yaml",
            "../Nope/v1/x.yaml#/components/schemas/A",
        );
        assert!(
            missing
                .unwrap_err()
                .to_string()
                .contains("no file `../Nope/v1/x.yaml`")
        );
        let deep = resolve(
            dir.path(),
            "Base/v1/attributes.yaml",
            "#/components/schemas/A/properties/b~1c",
        )
        .unwrap();
        assert_eq!(deep.target.name, "A");
        assert_eq!(deep.target.path, ["properties", "b/c"]);
        let elsewhere = resolve(dir.path(), "Base/v1/attributes.yaml", "#/definitions/A");
        assert!(
            elsewhere
                .unwrap_err()
                .to_string()
                .contains("only references to")
        );
    }
}
