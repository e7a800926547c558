//! The nation: the 34 provinces and 3,321 wards of the July 2025 reform, at a scale factor.

use ehb_proto::ProvinceCode;

use crate::scenario::Scenario;

/// One province's shape: its code, wards and residents (approximate, in thousands); its name is
/// the contract's (`ProvinceCode::name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProvinceShape {
    /// The two-digit code.
    pub code: u8,
    /// Wards (xã, phường, đặc khu).
    pub wards: u32,
    /// Residents, in thousands.
    pub residents_k: u64,
}

impl ProvinceShape {
    /// The province's name, as the contract has it.
    pub fn name(&self) -> &'static str {
        ProvinceCode::from_number(self.code)
            .and_then(ProvinceCode::name)
            .unwrap_or_default()
    }
}

const fn shape(code: u8, wards: u32, residents_k: u64) -> ProvinceShape {
    ProvinceShape {
        code,
        wards,
        residents_k,
    }
}

/// The 34 provinces in code order.
pub const PROVINCES: [ProvinceShape; 34] = [
    shape(1, 126, 8_807),
    shape(4, 56, 574),
    shape(8, 124, 1_866),
    shape(11, 45, 653),
    shape(12, 38, 494),
    shape(14, 75, 1_327),
    shape(15, 99, 1_779),
    shape(19, 92, 1_800),
    shape(20, 65, 813),
    shape(22, 54, 1_430),
    shape(24, 99, 3_620),
    shape(25, 148, 4_022),
    shape(31, 114, 4_665),
    shape(33, 104, 3_568),
    shape(37, 129, 4_412),
    shape(38, 166, 4_324),
    shape(40, 130, 3_831),
    shape(42, 69, 1_623),
    shape(44, 78, 1_870),
    shape(46, 40, 1_432),
    shape(48, 94, 3_065),
    shape(51, 96, 2_161),
    shape(52, 135, 3_583),
    shape(56, 65, 2_243),
    shape(66, 102, 3_347),
    shape(68, 124, 3_872),
    shape(75, 95, 4_491),
    shape(79, 168, 14_002),
    shape(80, 96, 3_254),
    shape(82, 102, 4_370),
    shape(86, 124, 4_257),
    shape(91, 102, 4_952),
    shape(92, 103, 4_199),
    shape(96, 64, 2_606),
];

/// The national campaign as one scenario per province: every province's wards, its residents
/// times `scale` (at least 100 a ward), and a campaign pace of its own (0.75–1.25 of the
/// province default, so that provinces spread as wards do), each seeded from `seed` and its code.
pub fn national(seed: u64, scale: f64, days: u32) -> Vec<Scenario> {
    PROVINCES
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut scenario = Scenario::small(
                seed ^ (u64::from(p.code) << 48),
                p.wards,
                ((p.residents_k as f64 * 1000.0 * scale) as u64).max(100 * u64::from(p.wards)),
                days,
            );
            scenario.province = ProvinceCode::from_number(p.code).expect("a listed province code");
            // A fixed spread, not a random one: the same for every seed and scale.
            scenario.pace = 0.75 + 0.5 * ((i * 13) % 34) as f64 / 33.0;
            scenario
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nation_has_34_provinces_and_3321_wards() {
        assert_eq!(PROVINCES.len(), 34);
        assert_eq!(PROVINCES.iter().map(|p| p.wards).sum::<u32>(), 3_321);
        assert!(PROVINCES.windows(2).all(|w| w[0].code < w[1].code));
        let scenarios = national(7, 0.01, 31);
        assert_eq!(scenarios.len(), 34);
        assert_eq!(scenarios[27].province.get(), 79);
        assert_eq!(scenarios[27].residents, 140_020);
        let paces: Vec<f64> = scenarios.iter().map(|s| s.pace).collect();
        assert!(paces.iter().all(|p| (0.75..=1.25).contains(p)));
        assert!(paces.iter().any(|p| *p < 0.8) && paces.iter().any(|p| *p > 1.2));
    }
}
