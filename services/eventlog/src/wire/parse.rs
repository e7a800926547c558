//! The operations a delivery subscription meets, taken whole from the front of a read buffer:
//! a message's parts are slices of it, nothing is copied.

use bytes::{Buf, Bytes, BytesMut};

use super::WireError;

/// The longest protocol line accepted (the server's `INFO` is the longest one it sends).
const MAX_LINE: usize = 64 * 1024;

/// The largest message accepted: the largest `max_payload` a server may be given.
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// A message of the subscription, its parts sharing the connection's read buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawMessage {
    /// The subject it was published on.
    pub subject: Bytes,
    /// The subject to answer, if any (a delivery's carries its stream metadata).
    pub reply: Option<Bytes>,
    /// Its header block (`NATS/1.0…` and one `Name: value` line each), if any.
    pub headers: Option<Bytes>,
    /// Its bytes.
    pub payload: Bytes,
}

/// One operation the server sends.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Op {
    Message(RawMessage),
    Ping,
    Pong,
    Ok,
    /// The server's description; only whether it requires TLS matters here.
    Info {
        tls_required: bool,
    },
    Err(String),
}

/// Takes one whole operation from the front of `input`, or `None` while it is not all there.
pub(super) fn parse(input: &mut BytesMut) -> Result<Option<Op>, WireError> {
    let Some(newline) = memchr::memchr(b'\n', input) else {
        if input.len() > MAX_LINE {
            return Err(protocol(&input[..80]));
        }
        return Ok(None);
    };
    if newline == 0 || input[newline - 1] != b'\r' {
        return Err(protocol(&input[..newline]));
    }
    let end = newline - 1;
    let line = &input[..end];
    let verb_end = memchr::memchr(b' ', line).unwrap_or(end);
    let op = match &line[..verb_end] {
        b"HMSG" | b"MSG" => return message(input, end, verb_end),
        b"PING" => Op::Ping,
        b"PONG" => Op::Pong,
        b"+OK" => Op::Ok,
        b"INFO" => Op::Info {
            tls_required: serde_json::from_slice::<serde_json::Value>(&line[verb_end..])
                .is_ok_and(|info| info["tls_required"] == true),
        },
        b"-ERR" => Op::Err(String::from_utf8_lossy(&line[verb_end..]).trim().to_owned()),
        _ => return Err(protocol(line)),
    };
    input.advance(end + 2);
    Ok(Some(op))
}

/// `HMSG <subject> <sid> [reply] <header bytes> <total bytes>` or `MSG <subject> <sid> [reply]
/// <bytes>`, then the bytes and `\r\n`.
fn message(input: &mut BytesMut, end: usize, verb_end: usize) -> Result<Option<Op>, WireError> {
    let line = &input[..end];
    let with_headers = verb_end == 4;
    // Each argument as a range of the line.
    let mut args = [(0, 0); 5];
    let mut n = 0;
    let mut at = verb_end;
    while at < end {
        let start = at + 1;
        let stop = memchr::memchr(b' ', &line[start..]).map_or(end, |i| start + i);
        if stop > start {
            if n == args.len() {
                return Err(protocol(line));
            }
            args[n] = (start, stop);
            n += 1;
        }
        at = stop;
    }
    let number = |(from, to): (usize, usize)| -> Option<usize> {
        std::str::from_utf8(&line[from..to]).ok()?.parse().ok()
    };
    let fixed = if with_headers { 4 } else { 3 };
    let reply = match n - fixed.min(n) {
        0 if n == fixed => None,
        1 => Some(args[2]),
        _ => return Err(protocol(line)),
    };
    let sizes = &args[n - (fixed - 2)..n];
    let (header_len, total) = match (with_headers, sizes) {
        (true, [h, t]) => (number(*h), number(*t)),
        (false, [t]) => (Some(0), number(*t)),
        _ => (None, None),
    };
    let (Some(header_len), Some(total)) = (header_len, total) else {
        return Err(protocol(line));
    };
    // Nothing larger than the server's largest payload setting is believed: a size read from
    // the wire must not make the buffer wait for, or the sums below reach, more.
    if header_len > total || total > MAX_MESSAGE {
        return Err(protocol(line));
    }
    let body = end + 2;
    let whole = body + total + 2;
    if input.len() < whole {
        return Ok(None);
    }
    if &input[body + total..whole] != b"\r\n" {
        return Err(protocol(&input[..end]));
    }
    let frame = input.split_to(whole).freeze();
    let part = |(from, to): (usize, usize)| frame.slice(from..to);
    Ok(Some(Op::Message(RawMessage {
        subject: part(args[0]),
        reply: reply.map(part),
        headers: with_headers.then(|| frame.slice(body..body + header_len)),
        payload: frame.slice(body + header_len..body + total),
    })))
}

fn protocol(line: &[u8]) -> WireError {
    WireError::Protocol(String::from_utf8_lossy(&line[..line.len().min(80)]).into_owned())
}

/// The status of a header block (`NATS/1.0 100 Idle Heartbeat` gives 100), if it has one.
pub(crate) fn status(headers: &[u8]) -> Option<(u16, &str)> {
    let first = headers.split(|b| *b == b'\n').next()?;
    let rest = first.strip_prefix(b"NATS/1.0 ")?;
    let text = std::str::from_utf8(rest).ok()?.trim_end();
    let (code, description) = text.split_once(' ').unwrap_or((text, ""));
    Some((code.parse().ok()?, description))
}

/// The first value of header `name` in a header block.
pub(crate) fn header<'h>(headers: &'h [u8], name: &str) -> Option<&'h str> {
    headers.split(|b| *b == b'\n').skip(1).find_map(|line| {
        let line = std::str::from_utf8(line).ok()?;
        let (key, value) = line.split_once(':')?;
        (key.trim() == name).then(|| value.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<Op> {
        let mut input = BytesMut::from(bytes);
        let mut ops = Vec::new();
        while let Some(op) = parse(&mut input).expect("valid protocol") {
            ops.push(op);
        }
        assert!(input.is_empty(), "left over: {input:?}");
        ops
    }

    /// A message as the server writes it.
    fn hmsg(subject: &str, reply: &str, headers: &str, payload: &str) -> Vec<u8> {
        let (h, t) = (headers.len(), headers.len() + payload.len());
        format!("HMSG {subject} 1 {reply} {h} {t}\r\n{headers}{payload}\r\n").into_bytes()
    }

    fn delivery() -> Vec<u8> {
        hmsg(
            "ehb.v1.31.31001.account_activated",
            "$JS.ACK.EHB_EVENTS.c.1.42.7.1764400000000000000.0",
            "NATS/1.0\r\nNats-Msg-Id: a\r\n\r\n",
            "{\"a\"}",
        )
    }

    #[test]
    fn operations_are_read_whole_and_in_order() {
        let mut bytes = b"INFO {\"server_id\":\"x\"}\r\n+OK\r\nPING\r\n".to_vec();
        bytes.extend_from_slice(&delivery());
        bytes.extend_from_slice(b"MSG _INBOX.a 1 5\r\nhello\r\nMSG _INBOX.a 1 $JS.FC.x 0\r\n\r\n");
        let beat = "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 7\r\n\r\n";
        bytes.extend_from_slice(
            format!("HMSG _INBOX.a 1 {0} {0}\r\n{beat}\r\n", beat.len()).as_bytes(),
        );
        bytes.extend_from_slice(b"-ERR 'Authorization Violation'\r\nPONG\r\n");
        let ops = all(&bytes);
        assert_eq!(ops.len(), 9);
        assert_eq!(
            &ops[..3],
            &[
                Op::Info {
                    tls_required: false
                },
                Op::Ok,
                Op::Ping
            ]
        );
        let Op::Message(delivery) = &ops[3] else {
            panic!("a delivery: {:?}", ops[3]);
        };
        assert_eq!(&delivery.subject[..], b"ehb.v1.31.31001.account_activated");
        assert_eq!(
            delivery.reply.as_deref(),
            Some(&b"$JS.ACK.EHB_EVENTS.c.1.42.7.1764400000000000000.0"[..])
        );
        let headers = delivery.headers.as_deref().expect("headers");
        assert_eq!(header(headers, "Nats-Msg-Id"), Some("a"));
        assert_eq!(status(headers), None);
        assert_eq!(&delivery.payload[..], b"{\"a\"}");
        let Op::Message(plain) = &ops[4] else {
            panic!("a message: {:?}", ops[4]);
        };
        assert_eq!(
            (plain.reply.is_none(), plain.headers.is_none()),
            (true, true)
        );
        assert_eq!(&plain.payload[..], b"hello");
        let Op::Message(control) = &ops[5] else {
            panic!("a message: {:?}", ops[5]);
        };
        assert_eq!(control.reply.as_deref(), Some(&b"$JS.FC.x"[..]));
        assert!(control.payload.is_empty());
        let Op::Message(beat) = &ops[6] else {
            panic!("a heartbeat: {:?}", ops[6]);
        };
        let block = beat.headers.as_deref().expect("headers");
        assert_eq!(status(block), Some((100, "Idle Heartbeat")));
        assert_eq!(header(block, "Nats-Last-Consumer"), Some("7"));
        assert!(beat.payload.is_empty());
        assert_eq!(ops[7], Op::Err("'Authorization Violation'".into()));
        assert_eq!(ops[8], Op::Pong);
    }

    #[test]
    fn a_server_that_requires_tls_says_so() {
        let ops = all(b"INFO {\"server_id\":\"x\",\"tls_required\":true}\r\n");
        assert_eq!(ops, [Op::Info { tls_required: true }]);
    }

    #[test]
    fn an_operation_cut_anywhere_waits_for_its_rest() {
        let mut bytes = delivery();
        bytes.extend_from_slice(b"PING\r\n");
        bytes.extend_from_slice(&delivery());
        let whole = all(&bytes);
        for cut in 0..bytes.len() {
            let mut input = BytesMut::from(&bytes[..cut]);
            let mut ops = Vec::new();
            while let Some(op) = parse(&mut input).expect("valid so far") {
                ops.push(op);
            }
            input.extend_from_slice(&bytes[cut..]);
            while let Some(op) = parse(&mut input).expect("valid") {
                ops.push(op);
            }
            assert_eq!(ops, whole, "cut at {cut}");
        }
    }

    #[test]
    fn what_the_protocol_does_not_allow_is_an_error() {
        for bad in [
            &b"HELLO\r\n"[..],
            b"PING\n",
            b"MSG a 1\r\n",
            b"MSG a 1 x\r\n",
            b"HMSG a 1 9 5\r\nNATS/1.0\r\n",
            b"MSG a 1 r s 5\r\nhello\r\n",
            b"MSG a 1 5\r\nhelloXX",
            b"MSG a 1 18446744073709551614\r\n",
            b"HMSG a 1 0 67108865\r\n",
        ] {
            let mut input = BytesMut::from(bad);
            assert!(
                parse(&mut input).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
