//! A direct reader of the layout [`crate::Event::to_json`] writes (every producer in this system
//! writes it): no whitespace, strings without escapes, known fields once each, `data` of strings
//! and unsigned integers. Whatever departs from it (`None`) goes to the general JSON reader, so
//! the result is the same either way; this only spares the general reader its bookkeeping.

use crate::decode::{DataIn, WireIn};
use crate::text::Text;

/// Reads the envelope and data of `text` into `wire` (all its fields at their defaults), when
/// `text` is written in the canonical layout; `false` (and `wire` partly filled) otherwise.
///
/// Filled in place: an event's wire shape is most of a kilobyte, and moving it from one return
/// value to the next was a tenth of the decoding.
pub(crate) fn read<'a>(text: &'a str, wire: &mut WireIn<'a>) -> bool {
    read_into(text, wire).is_some()
}

fn read_into<'a>(text: &'a str, wire: &mut WireIn<'a>) -> Option<()> {
    let mut r = Reader { text, at: 0 };
    r.byte(b'{')?;
    // One bit per envelope field seen: each at most once, all but `group` required.
    let mut seen = 0u16;
    loop {
        let key = r.string()?;
        r.byte(b':')?;
        // Byte patterns compare in place; string patterns call the library's memcmp.
        let bit = match key.as_bytes() {
            b"id" => r.text_into(&mut wire.id).map(|_| 1)?,
            b"type" => r.text_into(&mut wire.kind).map(|_| 2)?,
            b"v" => r.number().map(|v| wire.v = v).map(|_| 4)?,
            b"occurred_at" => r.text_into(&mut wire.occurred_at).map(|_| 8)?,
            b"province" => r.text_into(&mut wire.province).map(|_| 16)?,
            b"ward" => r.text_into(&mut wire.ward).map(|_| 32)?,
            b"group" => r.text().map(|g| wire.group = Some(g)).map(|_| 64)?,
            b"source" => r.text_into(&mut wire.source).map(|_| 128)?,
            b"data" => r.data(&mut wire.data).map(|_| 256)?,
            _ => return None,
        };
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        if r.byte(b',').is_none() {
            break;
        }
    }
    r.byte(b'}')?;
    (r.at == text.len() && seen | 64 == 511).then_some(())
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self, expected: u8) -> Option<()> {
        (self.text.as_bytes().get(self.at) == Some(&expected)).then(|| self.at += 1)
    }

    /// A string without escapes or control characters.
    fn string(&mut self) -> Option<&'a str> {
        self.byte(b'"')?;
        let rest = &self.text.as_bytes()[self.at..];
        // One pass: the closing quote, and no escape or control character before it.
        let end = first_special(rest)?;
        if rest[end] != b'"' {
            return None;
        }
        let value = self.text.get(self.at..self.at + end)?;
        self.at += end + 1;
        Some(value)
    }

    fn text(&mut self) -> Option<Text<'a>> {
        self.string().map(Text::from)
    }

    fn text_into(&mut self, field: &mut Text<'a>) -> Option<()> {
        *field = self.text()?;
        Some(())
    }

    /// An unsigned integer as JSON writes it (no sign, no leading zero, no fraction).
    fn number(&mut self) -> Option<u64> {
        let bytes = &self.text.as_bytes()[self.at..];
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || (digits > 1 && bytes[0] == b'0') {
            return None;
        }
        if matches!(bytes.get(digits), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        let value = self.text[self.at..self.at + digits].parse().ok()?;
        self.at += digits;
        Some(value)
    }

    fn small(&mut self) -> Option<u32> {
        u32::try_from(self.number()?).ok()
    }

    /// `data`: an object of the contract's string and integer fields (`figures`, an object, is
    /// left to the general reader).
    fn data(&mut self, d: &mut DataIn<'a>) -> Option<()> {
        self.byte(b'{')?;
        if self.byte(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.byte(b':')?;
            let fresh = match key.as_bytes() {
                b"citizen_ref" => d.citizen_ref.replace(self.text()?).is_none(),
                b"citizen_id" => d.citizen_id.replace(self.text()?).is_none(),
                b"card" => d.card.replace(self.text()?).is_none(),
                b"beneficiary" => d.beneficiary.replace(self.text()?).is_none(),
                b"issuer" => d.issuer.replace(self.text()?).is_none(),
                b"reporter" => d.reporter.replace(self.text()?).is_none(),
                b"kind" => d.kind.replace(self.text()?).is_none(),
                b"period" => d.period.replace(self.text()?).is_none(),
                b"name" => d.name.replace(self.text()?).is_none(),
                b"facility" => d.facility.replace(self.text()?).is_none(),
                b"difficulties" => d.difficulties.replace(self.text()?).is_none(),
                b"proposals" => d.proposals.replace(self.text()?).is_none(),
                b"as_of" => d.as_of.replace(self.text()?).is_none(),
                b"accounts" => d.accounts.replace(self.number()?).is_none(),
                b"integrated" => d.integrated.replace(self.number()?).is_none(),
                b"members" => d.members.replace(self.small()?).is_none(),
                b"groups" => d.groups.replace(self.small()?).is_none(),
                b"facilities" => d.facilities.replace(self.small()?).is_none(),
                b"residents" => d.residents.replace(self.number()?).is_none(),
                b"insured" => d.insured.replace(self.number()?).is_none(),
                b"level2_accounts" => d.level2_accounts.replace(self.number()?).is_none(),
                b"eligible" => d.eligible.replace(self.number()?).is_none(),
                b"target" => d.target.replace(self.number()?).is_none(),
                _ => return None,
            };
            if !fresh {
                return None;
            }
            if self.byte(b',').is_none() {
                break;
            }
        }
        self.byte(b'}')
    }
}

/// Where the first quote, backslash or control character in `bytes` is, if any.
///
/// Eight bytes at a time: the byte-wise search was the reader's largest cost. For each byte the
/// word tricks below set its top bit when it matches; a borrow can also set the bits of bytes
/// after a match, never before one, so the lowest bit set is the first match.
fn first_special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut chunks = bytes.chunks_exact(8);
    for (n, chunk) in chunks.by_ref().enumerate() {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        let zero_or_below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v;
        let found =
            (zero_or_below(quote, 1) | zero_or_below(backslash, 1) | zero_or_below(x, 0x20)) & HIGH;
        if found != 0 {
            return Some(n * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let tail = chunks.remainder();
    let at = bytes.len() - tail.len();
    tail.iter()
        .position(|b| *b == b'"' || *b == b'\\' || *b < 0x20)
        .map(|p| at + p)
}

#[cfg(test)]
mod tests {
    use crate::decode::WireIn;

    fn read(text: &str) -> Option<WireIn<'_>> {
        let mut wire = WireIn::default();
        super::read(text, &mut wire).then_some(wire)
    }

    const ACCOUNT: &str = r#"{"id":"0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70","type":"account.activated","v":1,"occurred_at":"2026-03-10T08:15:00+07:00","province":"31","ward":"31117","source":"c06","data":{"citizen_ref":"9f86d081884c7d659a2feaa0c55ad015"}}"#;

    #[test]
    fn the_canonical_layout_is_read_directly() {
        let wire = read(ACCOUNT).expect("canonical");
        assert_eq!(
            (wire.kind.as_str(), wire.v, wire.ward.as_str()),
            ("account.activated", 1, "31117")
        );
        let baseline = r#"{"id":"0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70","type":"ward.baseline","v":1,"occurred_at":"2026-03-01T08:00:00+07:00","province":"31","ward":"31117","source":"ward-office","data":{"name":"Xã số 1","residents":24966,"insured":10747,"level2_accounts":13731,"groups":41,"facilities":5,"target":8597}}"#;
        let wire = read(baseline).expect("canonical");
        assert_eq!(
            (wire.data.residents, wire.data.groups),
            (Some(24966), Some(41))
        );
    }

    #[test]
    fn the_first_special_byte_is_found_wherever_it_is() {
        for len in 0..40 {
            for at in 0..len {
                for special in [b'"', b'\\', 0x00, 0x1f] {
                    // Bytes around the special one that a word trick could mistake for it.
                    let mut bytes: Vec<u8> = (0..len)
                        .map(|i| [b'!', b'#', b' ', 0x80, 0xff, b']'][i % 6])
                        .collect();
                    bytes[at] = special;
                    if at + 1 < len {
                        bytes[at + 1] = b'"';
                    }
                    assert_eq!(super::first_special(&bytes), Some(at), "{bytes:?}");
                }
            }
            let plain: Vec<u8> = (0..len)
                .map(|i| [b'!', b'#', b' ', 0x80, 0xff, b']', b'['][i % 7])
                .collect();
            assert_eq!(super::first_special(&plain), None, "{plain:?}");
        }
    }

    #[test]
    fn anything_else_is_left_to_the_general_reader() {
        let variants = [
            ACCOUNT.replacen("{\"id\"", "{ \"id\"", 1),
            ACCOUNT.replacen("\"c06\"", "\"c\\u0030\"", 1),
            ACCOUNT.replacen("\"v\":1", "\"v\":1.0", 1),
            ACCOUNT.replacen("\"v\":1", "\"v\":01", 1),
            ACCOUNT.replacen("\"v\":1", "\"v\":1,\"v\":1", 1),
            ACCOUNT.replacen("\"source\"", "\"extra\":\"x\",\"source\"", 1),
            ACCOUNT.replacen("\"ward\":\"31117\",", "", 1),
            ACCOUNT.replacen("}}", "},\"group\":null}", 1),
            ACCOUNT.replacen("}}", "}} ", 1),
            ACCOUNT.replacen("{\"citizen_ref\"", "{\"figures\":{},\"citizen_ref\"", 1),
            format!("{ACCOUNT}x"),
        ];
        for text in variants {
            assert!(read(&text).is_none(), "{text}");
        }
    }
}
