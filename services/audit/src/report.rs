//! The certification report of a replay: every ward's final figures and both rates, the wards
//! below their province's average, totals by event type, rejects by reason, duplicates absorbed,
//! late events, reports that disagree with the events, and the digest; as HTML and as XLSX.

use std::fmt::Write as _;
use std::path::Path;

use ehb_projection::query::daily::Daily;
use ehb_projection::query::reports::DisagreeingReport;
use ehb_projection::query::summary::ProvinceSummary;
use ehb_projection::query::table::{vietnamese_count as int, vietnamese_percent as pct};
use ehb_projection::{AverageKind, Populations, RateBasis};
use ehb_proto::BusinessDay;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::AuditError;
use crate::replay::{Replay, ReplayStats};

/// What the report certifies.
pub struct Certification {
    /// The cut-off, as the auditor gave it.
    pub cutoff: String,
    /// The business day the figures are as of.
    pub day: Option<BusinessDay>,
    /// What the replay read and left out.
    pub stats: ReplayStats,
    /// Each province's summary on that day.
    pub provinces: Vec<ProvinceSummary>,
    /// Each ward's figures on that day.
    pub wards: Vec<Daily>,
    /// Events folded by type, as `(type, count)`.
    pub by_type: Vec<(&'static str, u64)>,
    /// Rejects by reason.
    pub rejects: Vec<(String, u64)>,
    /// Facts reported again and counted once.
    pub duplicates: u64,
    /// Reports whose figures differ from the events.
    pub disagreeing: Vec<DisagreeingReport>,
    /// The projection's digest.
    pub digest: String,
}

impl Certification {
    /// The certification of `replay` at the cut-off described by `cutoff`.
    pub fn of(replay: &Replay, cutoff: String) -> Self {
        let p = &replay.projection;
        let day = p.latest_day(None);
        let mut provinces: Vec<_> = p
            .wards_sorted()
            .iter()
            .map(|(_, w)| w.meta.province)
            .collect();
        provinces.dedup();
        provinces.sort_unstable();
        provinces.dedup();
        let t = p.totals();
        let f = &t.folded;
        Certification {
            cutoff,
            day,
            stats: replay.stats,
            provinces: provinces
                .into_iter()
                .filter_map(|code| {
                    p.province_summary(code, day, AverageKind::Plain, RateBasis::Residents)
                        .ok()
                })
                .collect(),
            wards: replay.ward_figures(day),
            by_type: vec![
                ("account.activated", f.account_activated),
                ("card.integrated", f.card_integrated),
                ("team.formed", f.team_formed),
                ("report.filed", f.report_filed),
                ("ward.baseline", f.ward_baseline),
                ("facility.linked", f.facility_linked),
                ("ward.opening", f.ward_opening),
            ],
            rejects: t.rejected.iter().map(|(k, n)| (k.clone(), *n)).collect(),
            duplicates: t.duplicates,
            disagreeing: p.disagreeing_reports(),
            digest: p.digest().0,
        }
    }

    fn below_average(&self, daily: &Daily) -> bool {
        self.provinces
            .iter()
            .any(|s| s.below_average.iter().any(|w| w.ward == daily.ward))
    }

    /// Writes `report.html` and `report.xlsx` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<(), AuditError> {
        std::fs::create_dir_all(dir).map_err(|e| AuditError::io(dir, e))?;
        let html = dir.join("report.html");
        std::fs::write(&html, self.html()).map_err(|e| AuditError::io(&html, e))?;
        let xlsx = dir.join("report.xlsx");
        self.xlsx(&xlsx)
            .map_err(|e| AuditError::io(&xlsx, std::io::Error::other(e)))
    }

    /// The report as one HTML page (Vietnamese, figures written the Vietnamese way).
    pub fn html(&self) -> String {
        let mut h = String::with_capacity(64 * 1024);
        let day = self.day.map(|d| d.to_string()).unwrap_or_default();
        let _ = write!(
            h,
            "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Báo cáo xác nhận số liệu {day}</title><style>\
             body{{font-family:sans-serif;margin:1.5rem}}table{{border-collapse:collapse;margin:1rem 0}}\
             th,td{{border:1px solid #999;padding:.25rem .5rem}}td.n{{text-align:right}}\
             tr.below td{{background:#fde8e8}}code{{word-break:break-all}}</style></head><body>\
             <h1>Báo cáo xác nhận số liệu tích hợp Sổ sức khỏe điện tử trên VNeID</h1>\
             <p>Điểm cắt: {cut} · Số liệu đến hết ngày {day} · Tin cuối cùng: #{seq}</p>\
             <p>Mã băm (SHA-256) của toàn bộ số liệu: <code>{digest}</code></p>",
            cut = escape(&self.cutoff),
            seq = self.stats.last_seq,
            digest = self.digest
        );
        for s in &self.provinces {
            let _ = write!(
                h,
                "<h2>Tỉnh/thành {p}</h2><p>Dân số {res} · Có BHYT {ins} · Đã tích hợp {int} · \
                 Tỷ lệ/dân số {r1} · Tỷ lệ/người có BHYT {r2} · Tỷ lệ/người có tài khoản mức 2 {r3} · \
                 Tỷ lệ/người có BHYT và tài khoản mức 2 {r4} · Bình quân tỷ lệ các xã {avg} · \
                 {below} xã dưới bình quân</p>",
                p = s.province,
                res = int(s.residents),
                ins = int(s.insured),
                int = int(s.integrated),
                r1 = pct(s.rates.per_residents),
                r2 = pct(s.rates.per_insured),
                r3 = pct(s.rates.per_level2),
                r4 = pct(s.rates.per_eligible),
                avg = pct(s.average.value),
                below = s.below_average.len()
            );
        }
        h.push_str(
            "<h2>Số liệu từng xã, phường</h2><table><tr><th>Mã</th><th>Tên</th><th>Dân số</th>\
             <th>Có BHYT</th><th>Tài khoản mức 2</th><th>Đã tích hợp</th><th>Tỷ lệ/dân số</th>\
             <th>Tỷ lệ/BHYT</th><th>Tổ có nhóm hỗ trợ</th><th>Dưới bình quân</th></tr>",
        );
        for w in &self.wards {
            let below = self.below_average(w);
            let baseline = w.baseline.as_ref();
            let _ = write!(
                h,
                "<tr{cls}><td>{code}</td><td>{name}</td><td class=n>{res}</td><td class=n>{ins}</td>\
                 <td class=n>{acc}</td><td class=n>{int}</td><td class=n>{r1}</td><td class=n>{r2}</td>\
                 <td class=n>{teams}</td><td>{mark}</td></tr>",
                cls = if below { " class=below" } else { "" },
                code = w.ward,
                name = escape(w.name.as_deref().unwrap_or("")),
                res = baseline.map_or("-".into(), |b| int(b.residents)),
                ins = baseline.map_or("-".into(), |b| int(b.insured)),
                acc = int(w.accounts.cumulative),
                int = int(w.integrated.cumulative),
                r1 = pct(w.rates.per_residents),
                r2 = pct(w.rates.per_insured),
                teams = int(w.groups.with_team),
                mark = if below { "dưới" } else { "" }
            );
        }
        h.push_str("</table><h2>Tin đã xử lý</h2><table><tr><th>Loại tin</th><th>Số tin</th></tr>");
        for (kind, n) in &self.by_type {
            let _ = write!(h, "<tr><td>{kind}</td><td class=n>{}</td></tr>", int(*n));
        }
        let s = &self.stats;
        let _ = write!(
            h,
            "</table><table><tr><td>Tin đã đọc</td><td class=n>{}</td></tr>\
             <tr><td>Tin trong điểm cắt</td><td class=n>{}</td></tr>\
             <tr><td>Tin ngoài điểm cắt</td><td class=n>{}</td></tr>\
             <tr><td>Tin muộn (xảy ra trước điểm cắt, ghi nhận sau)</td><td class=n>{}</td></tr>\
             <tr><td>Tin trùng đã loại (đếm một lần)</td><td class=n>{}</td></tr></table>",
            int(s.read),
            int(s.applied),
            int(s.skipped),
            int(s.late),
            int(self.duplicates)
        );
        h.push_str(
            "<h2>Tin bị từ chối theo lý do</h2><table><tr><th>Lý do</th><th>Số tin</th></tr>",
        );
        for (reason, n) in &self.rejects {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=n>{}</td></tr>",
                escape(reason),
                int(*n)
            );
        }
        h.push_str(
            "</table><h2>Báo cáo có số liệu khác với dữ liệu</h2><table><tr><th>Xã</th><th>Kỳ</th>\
             <th>Chỉ tiêu</th><th>Báo cáo</th><th>Dữ liệu</th></tr>",
        );
        for r in &self.disagreeing {
            for d in &r.differences {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                    r.ward,
                    ehb_proto::ReportId {
                        reporter: r.reporter,
                        period: r.period
                    },
                    d.figure,
                    int(d.claimed),
                    int(d.events)
                );
            }
        }
        h.push_str("</table></body></html>\n");
        h
    }

    /// The report as a workbook: the wards' table with a totals row, then the counts.
    pub fn xlsx(&self, path: &Path) -> Result<(), XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let number = Format::new().set_num_format("#,##0");
        let percent = Format::new().set_num_format("0.00");
        let sheet = book.add_worksheet().set_name("Xa_phuong")?;
        let day = self.day.map(|d| d.to_string()).unwrap_or_default();
        sheet.write_string_with_format(
            0,
            0,
            "Báo cáo xác nhận số liệu tích hợp Sổ sức khỏe điện tử trên VNeID",
            &bold,
        )?;
        sheet.write_string(
            1,
            0,
            format!("Số liệu đến hết ngày {day}; điểm cắt: {}", self.cutoff),
        )?;
        sheet.write_string(2, 0, format!("Mã băm SHA-256: {}", self.digest))?;
        let headers = [
            "Mã xã",
            "Tên",
            "Dân số",
            "Có BHYT",
            "Tài khoản mức 2",
            "Đã tích hợp",
            "Tỷ lệ/dân số (%)",
            "Tỷ lệ/BHYT (%)",
            "Tổ có nhóm hỗ trợ",
            "Dưới bình quân",
            "Tỷ lệ/tài khoản mức 2 (%)",
            "Tỷ lệ/BHYT và tài khoản mức 2 (%)",
        ];
        for (c, title) in headers.iter().enumerate() {
            sheet.write_string_with_format(4, c as u16, *title, &bold)?;
        }
        let mut totals = [0u64; 5];
        let mut row = 5;
        for w in &self.wards {
            let baseline = w.baseline.as_ref();
            let values = [
                baseline.map_or(0, |b| b.residents),
                baseline.map_or(0, |b| b.insured),
                w.accounts.cumulative,
                w.integrated.cumulative,
                w.groups.with_team,
            ];
            sheet.write_string(row, 0, w.ward.to_string())?;
            sheet.write_string(row, 1, w.name.as_deref().unwrap_or(""))?;
            for (i, v) in values.iter().enumerate() {
                let col = [2, 3, 4, 5, 8][i];
                sheet.write_number_with_format(row, col, *v as f64, &number)?;
                totals[i] += v;
            }
            for (col, rate) in [
                (6, w.rates.per_residents),
                (7, w.rates.per_insured),
                (10, w.rates.per_level2),
                (11, w.rates.per_eligible),
            ] {
                if let Some(rate) = rate {
                    sheet.write_number_with_format(row, col, rate.value(), &percent)?;
                }
            }
            if self.below_average(w) {
                sheet.write_string(row, 9, "dưới")?;
            }
            row += 1;
        }
        sheet.write_string_with_format(row, 0, "Tổng cộng", &bold)?;
        for (i, v) in totals.iter().enumerate() {
            let col = [2, 3, 4, 5, 8][i];
            sheet.write_number_with_format(row, col, *v as f64, &number)?;
        }
        let populations = self
            .wards
            .iter()
            .filter_map(|w| w.populations)
            .sum::<Populations>();
        let rates = ehb_projection::Rates::new(totals[3], &populations);
        for (col, rate) in [
            (6, rates.per_residents),
            (7, rates.per_insured),
            (10, rates.per_level2),
            (11, rates.per_eligible),
        ] {
            if let Some(rate) = rate {
                sheet.write_number_with_format(row, col, rate.value(), &percent)?;
            }
        }
        sheet.set_column_width(1, 24)?;

        let counts = book.add_worksheet().set_name("Tong_hop")?;
        counts.write_string_with_format(0, 0, "Chỉ tiêu", &bold)?;
        counts.write_string_with_format(0, 1, "Số tin", &bold)?;
        let s = &self.stats;
        let mut lines: Vec<(String, u64)> = self
            .by_type
            .iter()
            .map(|(k, n)| (k.to_string(), *n))
            .collect();
        lines.extend([
            ("Tin đã đọc".to_owned(), s.read),
            ("Tin trong điểm cắt".to_owned(), s.applied),
            ("Tin ngoài điểm cắt".to_owned(), s.skipped),
            ("Tin muộn".to_owned(), s.late),
            ("Tin trùng đã loại".to_owned(), self.duplicates),
            (
                "Báo cáo lệch số liệu".to_owned(),
                self.disagreeing.len() as u64,
            ),
        ]);
        lines.extend(
            self.rejects
                .iter()
                .map(|(k, n)| (format!("Từ chối: {k}"), *n)),
        );
        for (i, (label, n)) in lines.iter().enumerate() {
            counts.write_string(i as u32 + 1, 0, label)?;
            counts.write_number_with_format(i as u32 + 1, 1, *n as f64, &number)?;
        }
        counts.set_column_width(0, 36)?;
        book.save(path)
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_the_vietnamese_way() {
        assert_eq!(int(1_857_877), "1.857.877");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1.000");
        assert_eq!(pct(ehb_projection::Percent::of(2548, 10_000)), "25,48 %");
        assert_eq!(pct(None), "-");
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
