//! A direct reader of the layout [`crate::Event::to_json`] writes (every producer in this system
//! writes it): no whitespace, strings without escapes, known fields once each, `data` of strings
//! and unsigned integers. Whatever departs from it (`None`) goes to the general JSON reader, so
//! the result is the same either way; this only spares the general reader its bookkeeping.

use crate::decode::{DataIn, WireIn};
use crate::text::Text;

/// The envelope and data of `text`, when it is written in the canonical layout.
pub(crate) fn read(text: &str) -> Option<WireIn<'_>> {
    let mut r = Reader { text, at: 0 };
    r.byte(b'{')?;
    let (mut id, mut kind, mut v, mut occurred_at) = (None, None, None, None);
    let (mut province, mut ward, mut group, mut source, mut data) = (None, None, None, None, None);
    loop {
        let key = r.string()?;
        r.byte(b':')?;
        let fresh = match key {
            "id" => id.replace(r.text()?).is_none(),
            "type" => kind.replace(r.text()?).is_none(),
            "v" => v.replace(r.number()?).is_none(),
            "occurred_at" => occurred_at.replace(r.text()?).is_none(),
            "province" => province.replace(r.text()?).is_none(),
            "ward" => ward.replace(r.text()?).is_none(),
            "group" => group.replace(r.text()?).is_none(),
            "source" => source.replace(r.text()?).is_none(),
            "data" => data.replace(r.data()?).is_none(),
            _ => return None,
        };
        if !fresh {
            return None;
        }
        if r.byte(b',').is_none() {
            break;
        }
    }
    r.byte(b'}')?;
    if r.at != text.len() {
        return None;
    }
    Some(WireIn {
        id: id?,
        kind: kind?,
        v: v?,
        occurred_at: occurred_at?,
        province: province?,
        ward: ward?,
        group,
        source: source?,
        data: data?,
    })
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
        let end = rest
            .iter()
            .position(|b| *b == b'"' || *b == b'\\' || *b < 0x20)?;
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
    fn data(&mut self) -> Option<DataIn<'a>> {
        self.byte(b'{')?;
        let mut d = DataIn::default();
        if self.byte(b'}').is_some() {
            return Some(d);
        }
        loop {
            let key = self.string()?;
            self.byte(b':')?;
            let fresh = match key {
                "citizen_ref" => d.citizen_ref.replace(self.text()?).is_none(),
                "citizen_id" => d.citizen_id.replace(self.text()?).is_none(),
                "card" => d.card.replace(self.text()?).is_none(),
                "beneficiary" => d.beneficiary.replace(self.text()?).is_none(),
                "issuer" => d.issuer.replace(self.text()?).is_none(),
                "reporter" => d.reporter.replace(self.text()?).is_none(),
                "kind" => d.kind.replace(self.text()?).is_none(),
                "period" => d.period.replace(self.text()?).is_none(),
                "name" => d.name.replace(self.text()?).is_none(),
                "facility" => d.facility.replace(self.text()?).is_none(),
                "difficulties" => d.difficulties.replace(self.text()?).is_none(),
                "proposals" => d.proposals.replace(self.text()?).is_none(),
                "as_of" => d.as_of.replace(self.text()?).is_none(),
                "accounts" => d.accounts.replace(self.number()?).is_none(),
                "integrated" => d.integrated.replace(self.number()?).is_none(),
                "members" => d.members.replace(self.small()?).is_none(),
                "groups" => d.groups.replace(self.small()?).is_none(),
                "facilities" => d.facilities.replace(self.small()?).is_none(),
                "residents" => d.residents.replace(self.number()?).is_none(),
                "insured" => d.insured.replace(self.number()?).is_none(),
                "level2_accounts" => d.level2_accounts.replace(self.number()?).is_none(),
                "eligible" => d.eligible.replace(self.number()?).is_none(),
                "target" => d.target.replace(self.number()?).is_none(),
                _ => return None,
            };
            if !fresh {
                return None;
            }
            if self.byte(b',').is_none() {
                break;
            }
        }
        self.byte(b'}')?;
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::read;

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
