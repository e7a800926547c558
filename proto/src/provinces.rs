//! The 34 provinces and centrally-run cities of the July 2025 reform, by code: the names
//! officials read beside the codes.

use crate::ProvinceCode;

/// Every province's code and name, in code order.
pub const PROVINCE_NAMES: [(u8, &str); 34] = [
    (1, "Hà Nội"),
    (4, "Cao Bằng"),
    (8, "Tuyên Quang"),
    (11, "Điện Biên"),
    (12, "Lai Châu"),
    (14, "Sơn La"),
    (15, "Lào Cai"),
    (19, "Thái Nguyên"),
    (20, "Lạng Sơn"),
    (22, "Quảng Ninh"),
    (24, "Bắc Ninh"),
    (25, "Phú Thọ"),
    (31, "Hải Phòng"),
    (33, "Hưng Yên"),
    (37, "Ninh Bình"),
    (38, "Thanh Hóa"),
    (40, "Nghệ An"),
    (42, "Hà Tĩnh"),
    (44, "Quảng Trị"),
    (46, "Huế"),
    (48, "Đà Nẵng"),
    (51, "Quảng Ngãi"),
    (52, "Gia Lai"),
    (56, "Khánh Hòa"),
    (66, "Đắk Lắk"),
    (68, "Lâm Đồng"),
    (75, "Đồng Nai"),
    (79, "Hồ Chí Minh"),
    (80, "Tây Ninh"),
    (82, "Đồng Tháp"),
    (86, "Vĩnh Long"),
    (91, "An Giang"),
    (92, "Cần Thơ"),
    (96, "Cà Mau"),
];

impl ProvinceCode {
    /// The province's name, when the code is one of the 34 provinces.
    pub fn name(self) -> Option<&'static str> {
        PROVINCE_NAMES
            .binary_search_by_key(&self.get(), |(code, _)| *code)
            .ok()
            .map(|i| PROVINCE_NAMES[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_34_provinces_are_in_code_order_and_named() {
        assert!(PROVINCE_NAMES.windows(2).all(|w| w[0].0 < w[1].0));
        let code = |c| ProvinceCode::from_number(c).unwrap_or_else(|| unreachable!());
        assert_eq!(code(31).name(), Some("Hải Phòng"));
        assert_eq!(code(79).name(), Some("Hồ Chí Minh"));
        assert_eq!(code(2).name(), None);
    }
}
