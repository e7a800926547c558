//! The certification as one HTML page, in Vietnamese, figures written the Vietnamese way: the
//! heading and digest, each province, each ward, the messages counted, rejects, and reports that
//! differ from the events.

use std::fmt::Write as _;

use ehb_projection::query::table::{vietnamese_count as int, vietnamese_percent as pct};

use super::{Certification, escape};

impl Certification {
    /// The report as one HTML page (Vietnamese, figures written the Vietnamese way).
    pub fn html(&self) -> String {
        let mut h = String::with_capacity(64 * 1024);
        self.html_heading(&mut h);
        self.html_provinces(&mut h);
        self.html_wards(&mut h);
        self.html_counts(&mut h);
        self.html_disagreeing(&mut h);
        h.push_str("</table></body></html>\n");
        h
    }

    /// The page's head, title, cut-off and digest.
    fn html_heading(&self, h: &mut String) {
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
    }

    /// One paragraph per province: populations, integrated, the four rates, the average.
    fn html_provinces(&self, h: &mut String) {
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
    }

    /// The wards' table, those below their province's average marked.
    fn html_wards(&self, h: &mut String) {
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
    }

    /// The messages by type, what the cut-off left out, duplicates, and rejects by reason.
    fn html_counts(&self, h: &mut String) {
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
    }

    /// Each figure a report claimed that differs from the events.
    fn html_disagreeing(&self, h: &mut String) {
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
    }
}
