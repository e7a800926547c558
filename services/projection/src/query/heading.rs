//! What the report forms' administrative heading says, as Vietnamese administrative documents
//! write it: the issuing unit, the place-and-date line, and the average the wards are compared
//! with.

use ehb_proto::{BusinessDay, ProvinceCode};

use super::table::vietnamese_percent;
use super::{Average, AverageKind, RateBasis};

/// The national forms' issuing unit.
pub const NATIONAL_UNIT: &str = "TOÀN QUỐC";

/// The national forms' place: where the central bodies that issue them sit.
pub const NATIONAL_PLACE: &str = "Hà Nội";

/// The six centrally-run cities among the 34 (the others are provinces).
const CITIES: [u8; 6] = [1, 31, 46, 48, 79, 92];

/// A province's forms' issuing unit, upper-case: `THÀNH PHỐ HẢI PHÒNG`, `TỈNH CAO BẰNG`, or
/// `TỈNH/THÀNH PHỐ 99` for a code that is none of the 34.
pub fn province_unit(province: ProvinceCode) -> String {
    match province.name() {
        Some(name) if CITIES.contains(&province.get()) => {
            format!("THÀNH PHỐ {}", name.to_uppercase())
        }
        Some(name) => format!("TỈNH {}", name.to_uppercase()),
        None => format!("TỈNH/THÀNH PHỐ {province}"),
    }
}

/// A province's forms' place: its name, or its code when it is none of the 34.
pub fn province_place(province: ProvinceCode) -> String {
    province
        .name()
        .map_or_else(|| format!("Tỉnh/thành phố {province}"), str::to_owned)
}

/// The place-and-date line: `Hải Phòng, ngày 05 tháng 02 năm 2026`; days below 10 and the
/// months 1 and 2 take a leading zero, as administrative documents write them.
pub fn place_and_date(place: &str, day: BusinessDay) -> String {
    let d = day.date();
    let month = d.month();
    let month = if month <= 2 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        d.day(),
        d.year()
    )
}

/// The rate a ranking divides by, in the forms' words.
fn basis_label(basis: RateBasis) -> &'static str {
    match basis {
        RateBasis::Residents => "đã tích hợp/dân số",
        RateBasis::Insured => "đã tích hợp/có BHYT",
        RateBasis::Level2 => "đã tích hợp/có tài khoản mức 2",
        RateBasis::Eligible => "đã tích hợp/có BHYT và tài khoản mức 2",
    }
}

/// Which average, in the forms' words: `Bình quân tỷ lệ các xã (đã tích hợp/dân số)`.
pub fn average_label(kind: AverageKind, basis: RateBasis) -> String {
    let kind = match kind {
        AverageKind::Plain => "Bình quân tỷ lệ các xã",
        AverageKind::Weighted => "Tỷ lệ chung của tỉnh",
    };
    format!("{kind} ({})", basis_label(basis))
}

/// An average's value the Vietnamese way: `2,05 %`, or `- %` when there is none.
pub fn average_value(average: &Average) -> String {
    match average.value {
        Some(v) => vietnamese_percent(Some(v)),
        None => "- %".to_owned(),
    }
}

/// The line naming one province's average: `Bình quân tỷ lệ các xã (đã tích hợp/dân số): 2,05 %`.
pub fn average_line(average: &Average) -> String {
    format!(
        "{}: {}",
        average_label(average.kind, average.basis),
        average_value(average)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(n: u8) -> ProvinceCode {
        ProvinceCode::from_number(n).unwrap_or_else(|| unreachable!("a province code"))
    }

    #[test]
    fn units_say_city_or_province_and_places_name_the_province() {
        assert_eq!(province_unit(code(31)), "THÀNH PHỐ HẢI PHÒNG");
        assert_eq!(province_unit(code(4)), "TỈNH CAO BẰNG");
        assert_eq!(province_unit(code(2)), "TỈNH/THÀNH PHỐ 02");
        assert_eq!(province_place(code(79)), "Hồ Chí Minh");
    }

    #[test]
    fn the_date_line_pads_small_days_and_the_first_two_months() {
        let day = |t: &str| BusinessDay::parse("date", t).unwrap_or_else(|_| unreachable!());
        assert_eq!(
            place_and_date("Hải Phòng", day("2026-02-05")),
            "Hải Phòng, ngày 05 tháng 02 năm 2026"
        );
        assert_eq!(
            place_and_date("Hà Nội", day("2026-03-11")),
            "Hà Nội, ngày 11 tháng 3 năm 2026"
        );
    }
}
