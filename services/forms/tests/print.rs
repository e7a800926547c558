//! The workbooks as LibreOffice prints them to PDF: as many A4 pages as the rows need, the
//! header row on every page, and every column on the page.
//!
//! LibreOffice (`soffice`, Debian's `libreoffice-calc-nogui`) and poppler's `pdfinfo` and
//! `pdftotext` must be on PATH: `scripts/install-deps --test` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;

use ehb_forms::FileFormat;
use ehb_forms::heading::{MOTTO, NATIONAL_NAME, SIGN_HERE, SIGNERS};
use ehb_projection::query::review::{FlagCounts, ProvinceReview, TwoDayReview, WardReview, Window};
use ehb_projection::query::table::ReportTable;
use ehb_projection::query::{Average, Percent, Populations};
use ehb_projection::{AverageKind, RateBasis, Rates};
use ehb_proto::{BusinessDay, ProvinceCode, WardCode};

/// A program on PATH, or a failure that says how to install it.
fn program(names: &[&str], package: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "{} is not on PATH: `scripts/install-deps --test` installs it (Debian package {package})",
                names.join(" or ")
            )
        })
}

/// Runs `command`, failing with its output when it fails; answers its standard output.
fn run(command: &mut Command) -> String {
    let out = command.output().expect("the program starts");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The workbook printed to PDF by LibreOffice, with a profile of its own so that runs side by
/// side do not share one: the number of pages and each page's text.
fn printed(table: &ReportTable) -> (usize, Vec<String>) {
    let soffice = program(&["soffice", "libreoffice"], "libreoffice-calc-nogui");
    let pdfinfo = program(&["pdfinfo"], "poppler-utils");
    let pdftotext = program(&["pdftotext"], "poppler-utils");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let xlsx = dir.path().join("report.xlsx");
    std::fs::write(&xlsx, FileFormat::Xlsx.write(table).expect("written")).expect("saved");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("profile").display()
    );
    run(Command::new(soffice)
        .arg(profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&xlsx));
    let pdf: &Path = &dir.path().join("report.pdf");
    let info = run(Command::new(pdfinfo).arg(pdf));
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count");
    let text = run(Command::new(pdftotext).args(["-raw"]).arg(pdf).arg("-"));
    let mut texts: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    texts.truncate(pages);
    (pages, texts)
}

/// Text without its spaces and line breaks, so that a header wrapped over lines still reads.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn day(text: &str) -> BusinessDay {
    BusinessDay::parse("date", text).expect("a day")
}

/// Ward `i` of `n`: figures that differ ward by ward, ranked by rate, the last third below
/// the average, every fourth missing a report.
fn ward(i: u64, n: u64) -> WardReview {
    let residents = 10_000 + 37 * i;
    let integrated = 4_000 - 20 * i;
    let populations = Populations {
        residents,
        insured: residents * 9 / 10,
        level2: residents / 2,
        eligible: Some(residents * 2 / 5),
    };
    let mut flags = Vec::new();
    if i > n * 2 / 3 {
        flags.push("below_average");
    }
    if i % 4 == 1 {
        flags.push("missing_report");
    }
    WardReview {
        rank: Some(i as usize),
        ward: WardCode::from_number(31_000 + i as u32).expect("a ward code"),
        name: Some(format!("Phường số {i}")),
        gain: 100 + i,
        previous_gain: 90 + i,
        accounts_gain: 50 + i,
        integrated,
        residents,
        insured: populations.insured,
        level2: populations.level2,
        eligible: populations.eligible,
        rates: Rates::new(integrated, &populations),
        groups_without_team: Some(i % 3),
        teams: 2,
        team_members: 8,
        missing_reports: Vec::new(),
        pending_reports: Vec::new(),
        late_reports: Vec::new(),
        flags,
    }
}

/// A province's two-day review of `n` wards.
fn review(n: u64) -> TwoDayReview {
    let province = ProvinceCode::from_number(31).expect("a province code");
    let wards: Vec<WardReview> = (1..=n).map(|i| ward(i, n)).collect();
    let rates = Rates::new(0, &Populations::default());
    TwoDayReview {
        date: day("2026-03-11"),
        window: Window {
            from: day("2026-03-10"),
            to: day("2026-03-11"),
        },
        previous: Window {
            from: day("2026-03-08"),
            to: day("2026-03-09"),
        },
        scope: Some(province),
        provinces: vec![ProvinceReview {
            province,
            gain: 0,
            previous_gain: 0,
            rates,
            average: Average {
                kind: AverageKind::Plain,
                basis: RateBasis::Residents,
                value: Percent::of(3_000, 10_000),
                exact: None,
            },
            flagged: FlagCounts::default(),
            wards,
        }],
    }
}

/// The five-digit ward codes a page shows, in order.
fn ward_codes(page: &str) -> Vec<String> {
    page.split_whitespace()
        .filter(|w| w.len() == 5 && w.starts_with("31") && w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect()
}

/// 92 wards print on 3 pages. Fitted to the page's width, the review's 18 columns print at
/// about 74 %: a page holds about 42 rows of 15 points under the repeated header row (three
/// lines), the first about 33 under the heading. So the first page takes 33 wards, the second
/// 42, the third the other 17, the totals and the signatures: 3 pages, as long as a page holds
/// between 38 and 46 rows (the count does not hang on a row more or less a page).
#[test]
fn the_review_prints_on_as_many_a4_pages_as_its_rows_need_each_with_every_column_header() {
    let table = review(92).table();
    let (pages, texts) = printed(&table);
    assert_eq!(pages, 3);
    for (i, page) in texts.iter().enumerate() {
        let page_text = squeezed(page);
        for header in &table.headers {
            assert!(
                page_text.contains(&squeezed(header)),
                "page {}: no header {header:?} in {page}",
                i + 1
            );
        }
        assert!(page.contains(&format!("Trang {}/3", i + 1)), "{page}");
    }
    // Every ward printed once, in rank order, across the pages.
    let codes: Vec<String> = texts.iter().flat_map(|p| ward_codes(p)).collect();
    let expected: Vec<String> = (31_001..=31_092).map(|c: u32| c.to_string()).collect();
    assert_eq!(codes, expected);
    // The rightmost columns are on the page: the first ward's groups without a team and flag.
    let first = texts[0]
        .lines()
        .find(|l| l.starts_with("31 1 31001 Phường số 1 "))
        .expect("the first ward's row");
    assert!(first.ends_with(" 1 thiếu báo cáo"), "{first}");
    assert!(texts[2].contains("Tổng cộng"), "{}", texts[2]);
}

/// A province summary of 10 wards prints on one page, under the administrative heading and
/// above the signatures.
#[test]
fn a_short_summary_prints_on_one_page_with_its_heading_and_signatures() {
    let review = review(10);
    let table = review.summary_table(&review.provinces[0]);
    let (pages, texts) = printed(&table);
    assert_eq!(pages, 1);
    let page = squeezed(&texts[0]);
    for text in [
        "THÀNH PHỐ HẢI PHÒNG",
        NATIONAL_NAME,
        MOTTO,
        "Hải Phòng, ngày 11 tháng 3 năm 2026",
        &table.title,
        "Bình quân tỷ lệ các xã (đã tích hợp/dân số): 30,00 %",
        SIGNERS[0],
        SIGNERS[1],
        SIGN_HERE,
        "Trang 1/1",
    ] {
        assert!(
            page.contains(&squeezed(text)),
            "no {text:?} in {}",
            texts[0]
        );
    }
    for header in &table.headers {
        assert!(page.contains(&squeezed(header)), "no header {header:?}");
    }
    let codes = ward_codes(&texts[0]);
    assert_eq!(codes.len(), 10, "{codes:?}");
}
