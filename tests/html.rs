//! The HTML report in a real browser: headless Chromium loads the page from a file, runs its
//! script, and the test reads what a person would see: the totals, a finding's text, and the
//! filters (set through the address, as a shared link would) hiding what they should.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{deg, run};

const MIXED: &str = "tests/fixtures/cli";

/// Headless Chromium, or None outside CI when it is not installed (CI installs it).
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|path| path.is_file())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|ci| ci == "true") {
            panic!("CI=true but chromium is not on PATH (.ci/run installs it)");
        }
        eprintln!("skipped: no chromium on PATH");
    }
    found
}

/// The page's DOM after its script ran, loaded from `page` with `fragment` in its address.
fn rendered(browser: &Path, page: &Path, fragment: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}#{fragment}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// (rule, severity, hidden) of every finding in a rendered page.
fn findings(dom: &str) -> Vec<(String, String, bool)> {
    dom.split("<li class=\"finding\"")
        .skip(1)
        .map(|rest| {
            let tag = &rest[..rest.find('>').unwrap()];
            let attribute = |name: &str| {
                let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                tag[start..start + tag[start..].find('"').unwrap()].to_owned()
            };
            (
                attribute("data-rule"),
                attribute("data-severity"),
                tag.contains("hidden"),
            )
        })
        .collect()
}

fn shown(dom: &str) -> &str {
    let start = dom.find("id=\"shown\">").unwrap() + "id=\"shown\">".len();
    &dom[start..start + dom[start..].find('<').unwrap()]
}

#[test]
fn the_html_report_shows_counts_findings_and_filters_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let (code, html, stderr) =
        run(deg().args(["validate", "--per-message", "--format", "html", MIXED]));
    assert_eq!(code, 1, "{stderr}");
    // Self-contained: nothing is fetched.
    for external in ["<link", "src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(external), "{external}");
    }
    std::fs::write(&page, &html).unwrap();
    let Some(browser) = chromium() else {
        return;
    };
    let all = rendered(&browser, &page, "");
    assert!(
        all.contains("8 files, 7 objects: 13 errors, 1 warning"),
        "the totals"
    );
    assert!(
        all.contains("a contract in `on_confirm` must be ACTIVE, not PENDING"),
        "a finding's text"
    );
    assert!(
        all.contains("contract-p2p-sunrise-0042"),
        "a contract's flows"
    );
    let every = findings(&all);
    assert_eq!(every.len(), 14);
    assert!(every.iter().all(|(_, _, hidden)| !hidden));
    assert_eq!(shown(&all), "14 of 14 findings shown");

    let errors_only = rendered(&browser, &page, "severity=error");
    let filtered = findings(&errors_only);
    assert_eq!(filtered.len(), 14);
    for (rule, severity, hidden) in &filtered {
        assert_eq!(*hidden, severity == "warning", "{rule} {severity}");
    }
    assert_eq!(shown(&errors_only), "13 of 14 findings shown");

    let one_rule = rendered(&browser, &page, "rule=status-action");
    let visible: Vec<String> = findings(&one_rule)
        .into_iter()
        .filter(|(_, _, hidden)| !hidden)
        .map(|(rule, _, _)| rule)
        .collect();
    assert!(!visible.is_empty() && visible.iter().all(|rule| rule == "status-action"));
}

#[test]
fn the_html_report_escapes_what_the_messages_say() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join("a<b>.json");
    std::fs::write(&hostile, r#"{"</script><b>": 1, "</script><b>": 2}"#).unwrap();
    let (code, html, _) = run(deg().args(["validate", "--format", "html"]).arg(&hostile));
    assert_eq!(code, 1);
    assert_eq!(html.matches("</script>").count(), 1, "only the page's own");
    assert!(html.contains("a&lt;b&gt;.json"), "{html}");
    assert!(html.contains("key `&lt;/script&gt;&lt;b&gt;` appears more than once"));
    // A message that does not parse is shown with its finding, and the page still ends.
    let (code, html, _) = run(deg()
        .args(["validate", "--format", "html", "-"])
        .write_stdin("{"));
    assert_eq!(code, 1);
    assert!(html.contains("json-syntax") && html.trim_end().ends_with("</html>"));
}
