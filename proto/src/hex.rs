//! Lowercase hexadecimal digits read eight at a time: a citizen's reference and an event's id
//! are most of the digits an event carries, and reading them digit by digit was a tenth of
//! checking an event.

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH: u64 = ONES * 0x80;

/// The value of eight lowercase hexadecimal digits, the first the most significant; `None` when
/// any byte is not one of `0-9 a-f`.
pub(crate) fn eight(digits: [u8; 8]) -> Option<u32> {
    let x = u64::from_be_bytes(digits);
    // Adding `0x80 - n` sets a byte's top bit when the byte is at least `n`; no byte carries
    // into the next while every byte is below 0x80, and one that is not is refused anyway.
    let at_least = |n: u8| x.wrapping_add(ONES * u64::from(0x80 - n));
    let digit = at_least(b'0') & !at_least(b'9' + 1);
    let letter = at_least(b'a') & !at_least(b'f' + 1);
    if x & HIGH != 0 || (digit | letter) & HIGH != HIGH {
        return None;
    }
    // A digit's low four bits are its value; a letter's are 1-6, nine less than its value, and
    // only letters have bit 6 set.
    let mut n = (x & (ONES * 0x0f)) + 9 * ((x >> 6) & ONES);
    // Pairs of digits into bytes, bytes into 16-bit halves, halves into the 32-bit value.
    n = (n | (n >> 4)) & 0x00ff_00ff_00ff_00ff;
    n = (n | (n >> 8)) & 0x0000_ffff_0000_ffff;
    n = (n | (n >> 16)) & 0x0000_0000_ffff_ffff;
    u32::try_from(n).ok()
}

/// The value of 32 lowercase hexadecimal digits; `None` when any is not one of `0-9 a-f`.
pub(crate) fn thirty_two(digits: &[u8; 32]) -> Option<u128> {
    let mut n = 0u128;
    for chunk in digits.chunks_exact(8) {
        let word: [u8; 8] = chunk.try_into().ok()?;
        n = (n << 32) | u128::from(eight(word)?);
    }
    Some(n)
}

/// A UUID written as lowercase hexadecimal in five hyphenated groups (how every producer writes
/// it); `None` for anything else, which the general parser then reads.
pub(crate) fn hyphenated_uuid(text: &[u8]) -> Option<uuid::Uuid> {
    let t: &[u8; 36] = text.try_into().ok()?;
    if [t[8], t[13], t[18], t[23]] != [b'-'; 4] {
        return None;
    }
    let mut digits = [0u8; 32];
    digits[..8].copy_from_slice(&t[..8]);
    digits[8..12].copy_from_slice(&t[9..13]);
    digits[12..16].copy_from_slice(&t[14..18]);
    digits[16..20].copy_from_slice(&t[19..23]);
    digits[20..].copy_from_slice(&t[24..]);
    thirty_two(&digits).map(uuid::Uuid::from_u128)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// Bytes that are digits, letters beside the hexadecimal ones, or neither.
    fn byte() -> impl Strategy<Value = u8> {
        prop_oneof![
            4 => prop::sample::select(b"0123456789abcdef".to_vec()),
            1 => prop::sample::select(b"/:@`gAFG \x00\x7f\x80\xb0\xe6\xff".to_vec()),
            1 => any::<u8>(),
        ]
    }

    proptest! {
        #[test]
        fn eight_digits_read_as_the_standard_parser_reads_them(
            digits in prop::array::uniform8(byte())
        ) {
            let lowercase = digits.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
            let expected = std::str::from_utf8(&digits)
                .ok()
                .filter(|_| lowercase)
                .and_then(|s| u32::from_str_radix(s, 16).ok());
            prop_assert_eq!(super::eight(digits), expected);
        }

        #[test]
        fn a_uuid_reads_as_the_uuid_crate_reads_its_lowercase_hyphenated_form(
            value in any::<u128>(),
            change in prop::option::of((0..36usize, byte())),
        ) {
            let mut text = uuid::Uuid::from_u128(value).hyphenated().to_string().into_bytes();
            if let Some((at, b)) = change {
                text[at] = b;
            }
            let general = std::str::from_utf8(&text)
                .ok()
                .filter(|s| !s.bytes().any(|b| b.is_ascii_uppercase()))
                .and_then(|s| uuid::Uuid::try_parse(s).ok())
                .filter(|u| u.hyphenated().to_string().as_bytes() == text.as_slice());
            prop_assert_eq!(super::hyphenated_uuid(&text), general);
        }
    }
}
