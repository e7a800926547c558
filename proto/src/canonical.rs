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
    let mut next = 0;
    loop {
        let field = r.key(&ENVELOPE, next)?;
        match field {
            0 => r.text_into(&mut wire.id)?,
            1 => r.text_into(&mut wire.kind)?,
            2 => wire.v = r.number()?,
            3 => r.text_into(&mut wire.occurred_at)?,
            4 => r.text_into(&mut wire.province)?,
            5 => r.text_into(&mut wire.ward)?,
            6 => wire.group = Some(r.text()?),
            7 => r.text_into(&mut wire.source)?,
            _ => r.data(&mut wire.data)?,
        }
        let bit = 1 << field;
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        next = field + 1;
        if r.byte(b',').is_none() {
            break;
        }
    }
    r.byte(b'}')?;
    (r.at == text.len() && seen | 64 == 511).then_some(())
}

/// A key as the text holds it, `"name":`, as one little-endian number of 16 bytes and the mask
/// of its length: a key where the layout puts it is compared in one step.
struct Key {
    name: &'static [u8],
    word: u128,
    mask: u128,
}

impl Key {
    /// `name`'s key; one longer than 13 bytes is only ever found by name (its mask is 0).
    const fn of(name: &'static [u8]) -> Key {
        let len = name.len() + 3;
        if len > 16 {
            return Key {
                name,
                word: 0,
                mask: 0,
            };
        }
        let mut bytes = [0u8; 16];
        bytes[0] = b'"';
        let mut i = 0;
        while i < name.len() {
            bytes[i + 1] = name[i];
            i += 1;
        }
        bytes[i + 1] = b'"';
        bytes[i + 2] = b':';
        Key {
            name,
            word: u128::from_le_bytes(bytes),
            mask: u128::MAX >> (8 * (16 - len)),
        }
    }
}

/// The envelope's fields in the order [`crate::Event::to_json`] writes them.
const ENVELOPE: [Key; 9] = [
    Key::of(b"id"),
    Key::of(b"type"),
    Key::of(b"v"),
    Key::of(b"occurred_at"),
    Key::of(b"province"),
    Key::of(b"ward"),
    Key::of(b"group"),
    Key::of(b"source"),
    Key::of(b"data"),
];

/// `data`'s fields, those of the citizens' facts first in the order they are written.
const DATA: [Key; 23] = [
    Key::of(b"citizen_ref"),
    Key::of(b"beneficiary"),
    Key::of(b"issuer"),
    Key::of(b"citizen_id"),
    Key::of(b"card"),
    Key::of(b"reporter"),
    Key::of(b"kind"),
    Key::of(b"period"),
    Key::of(b"name"),
    Key::of(b"facility"),
    Key::of(b"difficulties"),
    Key::of(b"proposals"),
    Key::of(b"as_of"),
    Key::of(b"accounts"),
    Key::of(b"integrated"),
    Key::of(b"members"),
    Key::of(b"groups"),
    Key::of(b"facilities"),
    Key::of(b"residents"),
    Key::of(b"insured"),
    Key::of(b"level2_accounts"),
    Key::of(b"eligible"),
    Key::of(b"target"),
];

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self, expected: u8) -> Option<()> {
        (self.text.as_bytes().get(self.at) == Some(&expected)).then(|| self.at += 1)
    }

    /// The next key and its colon, as its index in `keys`. The key the layout puts next
    /// (`keys[next]`, or the one after it when an optional field is left out) is compared in
    /// place; any other is read as a string and looked up.
    fn key(&mut self, keys: &[Key], next: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        if let Some(window) = bytes.get(self.at..self.at + 16) {
            let word = u128::from_le_bytes(window.try_into().ok()?);
            for i in [next, next + 1] {
                // A mask of 0 marks a key too long to compare this way.
                if let Some(k) = keys
                    .get(i)
                    .filter(|k| k.mask != 0 && word & k.mask == k.word)
                {
                    self.at += k.name.len() + 3;
                    return Some(i);
                }
            }
        }
        let name = self.string()?;
        self.byte(b':')?;
        keys.iter().position(|k| k.name == name.as_bytes())
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
        let mut next = 0;
        loop {
            let field = self.key(&DATA, next)?;
            next = field + 1;
            let fresh = match field {
                0 => d.citizen_ref.replace(self.text()?).is_none(),
                1 => d.beneficiary.replace(self.text()?).is_none(),
                2 => d.issuer.replace(self.text()?).is_none(),
                3 => d.citizen_id.replace(self.text()?).is_none(),
                4 => d.card.replace(self.text()?).is_none(),
                5 => d.reporter.replace(self.text()?).is_none(),
                6 => d.kind.replace(self.text()?).is_none(),
                7 => d.period.replace(self.text()?).is_none(),
                8 => d.name.replace(self.text()?).is_none(),
                9 => d.facility.replace(self.text()?).is_none(),
                10 => d.difficulties.replace(self.text()?).is_none(),
                11 => d.proposals.replace(self.text()?).is_none(),
                12 => d.as_of.replace(self.text()?).is_none(),
                13 => d.accounts.replace(self.number()?).is_none(),
                14 => d.integrated.replace(self.number()?).is_none(),
                15 => d.members.replace(self.small()?).is_none(),
                16 => d.groups.replace(self.small()?).is_none(),
                17 => d.facilities.replace(self.small()?).is_none(),
                18 => d.residents.replace(self.number()?).is_none(),
                19 => d.insured.replace(self.number()?).is_none(),
                20 => d.level2_accounts.replace(self.number()?).is_none(),
                21 => d.eligible.replace(self.number()?).is_none(),
                _ => d.target.replace(self.number()?).is_none(),
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
        // A group, and a card's fields ending the message in fewer than 16 bytes.
        let card = r#"{"id":"0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70","type":"card.integrated","v":1,"occurred_at":"2026-03-10T08:15:00+07:00","province":"31","ward":"31117","group":"31117-TDP05","source":"vss","data":{"citizen_ref":"9f86d081884c7d659a2feaa0c55ad015","beneficiary":"HS","issuer":"vss"}}"#;
        let wire = read(card).expect("canonical");
        assert_eq!(
            (
                wire.group.map(|g| g.as_str().to_owned()),
                wire.data.issuer.map(|i| i.as_str().to_owned())
            ),
            (Some("31117-TDP05".to_owned()), Some("vss".to_owned()))
        );
        let without_group = card.replace("\"group\":\"31117-TDP05\",", "");
        let wire = read(&without_group).expect("canonical");
        assert_eq!(wire.group, None);
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
