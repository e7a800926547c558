//! One subscription's messages, read from a NATS connection of our own.
//!
//! A catch-up reads hundreds of thousands of deliveries a second, and the client library's
//! connection task was a third of the projector's time: it splits each message's line at
//! whitespace character by character, validates and copies every header into a map, and hands
//! each message through a channel to the subscription. A delivery subscription meets only a few
//! of the protocol's operations; here they are parsed in place from one read buffer, a message's
//! subject, reply, headers and payload are slices of that buffer, and the server's pings and the
//! consumer's flow-control answers are written on the same connection.

use std::io;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use bytes::BytesMut;
use thiserror::Error;
use tokio::net::TcpStream;

mod parse;

use parse::{Op, parse};
pub(crate) use parse::{RawMessage, header, status};

/// How much room a read is given: a few hundred deliveries.
const READ_SIZE: usize = 64 * 1024;

/// How long a server is given to accept the connection and answer the handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the connection could not be opened or stopped delivering.
#[derive(Debug, Error)]
pub enum WireError {
    /// No server of the URL could be reached (the last one's failure).
    #[error("no NATS server of the URL could be reached: {0}")]
    Unreachable(#[source] io::Error),
    /// The connection failed while reading or writing.
    #[error("the NATS connection failed: {0}")]
    Io(#[from] io::Error),
    /// The server closed the connection.
    #[error("the NATS server closed the connection")]
    Closed,
    /// The server sent what the protocol does not allow here.
    #[error("the NATS server sent an unexpected line: {0}")]
    Protocol(String),
    /// The server refused the sign-in or the subscription (`-ERR`).
    #[error("the NATS server refused: {0}")]
    Refused(String),
    /// The server asks for TLS, which this connection does not speak.
    #[error(
        "the NATS server requires TLS, which the stream's deliveries are not read over: serve \
         NATS to the projector and the audit without TLS, on a network of their own"
    )]
    TlsRequired,
}

/// A connection subscribed to one subject.
pub(crate) struct Connection {
    stream: TcpStream,
    input: BytesMut,
    output: Vec<u8>,
}

impl Connection {
    /// Connects to the first server of `url` (comma-separated for a cluster) that answers, signs
    /// in with the user and password the URL carries, and subscribes to `subject`; returns once
    /// the server has the subscription.
    pub(crate) async fn open(url: &str, name: &str, subject: &str) -> Result<Self, WireError> {
        // A server without credentials of its own is signed in to with the first server's, as
        // the client library does.
        let fallback = crate::credentials(url);
        let mut last = WireError::Unreachable(io::Error::other("the URL names no server"));
        for server in crate::servers(url) {
            if server.starts_with("tls://") {
                return Err(WireError::TlsRequired);
            }
            let addr: async_nats::ServerAddr = match server.parse() {
                Ok(addr) => addr,
                Err(err) => {
                    last = WireError::Unreachable(io::Error::other(err));
                    continue;
                }
            };
            let credentials = match (addr.username(), addr.password()) {
                (Some(user), Some(pass)) => Some((user.to_owned(), pass.to_owned())),
                _ => fallback.clone(),
            };
            let attempt = tokio::time::timeout(HANDSHAKE_TIMEOUT, async {
                let stream = TcpStream::connect((addr.host(), addr.port())).await?;
                stream.set_nodelay(true)?;
                let mut connection = Connection {
                    stream,
                    input: BytesMut::with_capacity(READ_SIZE),
                    output: Vec::new(),
                };
                connection.handshake(credentials, name, subject).await?;
                Ok::<_, WireError>(connection)
            });
            // Any failure, a refusal too (a server at its connection limit), tries the next.
            last = match attempt.await {
                Ok(Ok(connection)) => return Ok(connection),
                Ok(Err(WireError::Io(err))) => WireError::Unreachable(err),
                Ok(Err(err)) => err,
                Err(_) => WireError::Unreachable(io::Error::from(io::ErrorKind::TimedOut)),
            };
        }
        Err(last)
    }

    /// `INFO` in, `CONNECT`, `SUB` and `PING` out, and the `PONG` that says both were taken.
    async fn handshake(
        &mut self,
        credentials: Option<(String, String)>,
        name: &str,
        subject: &str,
    ) -> Result<(), WireError> {
        match self.next_op().await? {
            Op::Info {
                tls_required: false,
            } => {}
            Op::Info { tls_required: true } => return Err(WireError::TlsRequired),
            other => return Err(WireError::Protocol(format!("{other:?}"))),
        }
        let mut connect = serde_json::json!({
            "verbose": false,
            "pedantic": false,
            "headers": true,
            "no_responders": true,
            "protocol": 1,
            "lang": "rust",
            "version": env!("CARGO_PKG_VERSION"),
            "name": name,
        });
        if let Some((user, pass)) = credentials {
            connect["user"] = user.into();
            connect["pass"] = pass.into();
        }
        self.output = format!("CONNECT {connect}\r\nSUB {subject} 1\r\nPING\r\n").into_bytes();
        std::future::poll_fn(|cx| match self.flush(cx) {
            Ok(()) if !self.output.is_empty() => Poll::Pending,
            done => Poll::Ready(done),
        })
        .await?;
        loop {
            match self.next_op().await? {
                Op::Pong => return Ok(()),
                Op::Err(reason) => return Err(WireError::Refused(reason)),
                Op::Ping => self.output.extend_from_slice(b"PONG\r\n"),
                _ => {}
            }
        }
    }

    /// The next operation, reading as needed (for the handshake).
    async fn next_op(&mut self) -> Result<Op, WireError> {
        loop {
            if let Some(op) = parse(&mut self.input)? {
                return Ok(op);
            }
            self.stream.readable().await?;
            self.read()?;
        }
    }

    /// Reads what the socket holds into the buffer; `WouldBlock` is not an error.
    fn read(&mut self) -> Result<(), WireError> {
        self.input.reserve(READ_SIZE);
        match self.stream.try_read_buf(&mut self.input) {
            Ok(0) => Err(WireError::Closed),
            Ok(_) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// The next message of the subscription, answering the server's pings on the way.
    ///
    /// The socket is read only while this is polled: a caller that stops polling for longer
    /// than the server waits on a full socket (its write deadline, 10 s by default) is dropped
    /// as a slow consumer, and the deliveries end with the connection; the caller reopens from
    /// its position. Any `-ERR` ends them too (a permissions violation included: the user must
    /// be allowed to publish the consumer's flow-control answers).
    pub(crate) fn poll_message(
        &mut self,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Result<RawMessage, WireError>> {
        loop {
            if let Err(err) = self.flush(cx) {
                return Poll::Ready(Err(err));
            }
            match parse(&mut self.input) {
                Ok(Some(Op::Message(message))) => return Poll::Ready(Ok(message)),
                Ok(Some(Op::Ping)) => self.output.extend_from_slice(b"PONG\r\n"),
                Ok(Some(Op::Err(reason))) => return Poll::Ready(Err(WireError::Refused(reason))),
                Ok(Some(Op::Pong | Op::Ok | Op::Info { .. })) => {}
                Err(err) => return Poll::Ready(Err(err)),
                Ok(None) => match self.stream.poll_read_ready(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Err(err)) => return Poll::Ready(Err(err.into())),
                    Poll::Ready(Ok(())) => {
                        if let Err(err) = self.read() {
                            return Poll::Ready(Err(err));
                        }
                    }
                },
            }
        }
    }

    /// Publishes an empty message to `subject` (a flow-control answer), sent with the next poll.
    pub(crate) fn publish_empty(&mut self, subject: &[u8]) {
        self.output.extend_from_slice(b"PUB ");
        self.output.extend_from_slice(subject);
        self.output.extend_from_slice(b" 0\r\n\r\n");
    }

    /// Writes what is waiting as far as the socket takes it; the rest waits for the next poll
    /// (the socket's readiness wakes the task).
    fn flush(&mut self, cx: &mut TaskContext<'_>) -> Result<(), WireError> {
        while !self.output.is_empty() {
            match self.stream.poll_write_ready(cx) {
                Poll::Pending => return Ok(()),
                Poll::Ready(Err(err)) => return Err(err.into()),
                Poll::Ready(Ok(())) => match self.stream.try_write(&self.output) {
                    Ok(n) => drop(self.output.drain(..n)),
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                    Err(err) => return Err(err.into()),
                },
            }
        }
        Ok(())
    }
}
