//! A Discord gateway on 127.0.0.1, just enough of it for one session: the
//! WebSocket handshake (RFC 6455), HELLO, the client's IDENTIFY (kept for
//! the test to read), READY, then the dispatches the test queued; heartbeats
//! are acknowledged, a close frame is answered. Text frames only (Discord
//! may compress, and clients take both).

use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::discord_payloads::ready;

pub struct FakeGateway {
    /// `ws://127.0.0.1:<port>`, what `GET /gateway` answers.
    pub url: String,
    identify: Arc<Mutex<Option<Value>>>,
    /// Sessions that identified.
    identified: Arc<AtomicUsize>,
}

impl FakeGateway {
    /// Serves sessions that get `dispatches` after READY.
    pub async fn start(dispatches: Vec<Value>) -> FakeGateway {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let identify = Arc::new(Mutex::new(None));
        let identified = Arc::new(AtomicUsize::new(0));
        let (seen, counted) = (Arc::clone(&identify), Arc::clone(&identified));
        // Accepts sessions until the test's runtime ends; a session that
        // breaks shows in the test as events never answered.
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (seen, dispatches) = (Arc::clone(&seen), dispatches.clone());
                let counted = Arc::clone(&counted);
                tokio::spawn(async move { session(socket, seen, counted, dispatches).await });
            }
        });
        FakeGateway {
            url,
            identify,
            identified,
        }
    }

    /// How many sessions identified so far.
    pub fn identified(&self) -> usize {
        self.identified.load(Ordering::SeqCst)
    }

    /// The IDENTIFY payload (`d`) the client sent, once it has.
    pub fn identify(&self) -> Option<Value> {
        self.identify.lock().unwrap().clone()
    }
}

async fn session(
    mut socket: TcpStream,
    identify: Arc<Mutex<Option<Value>>>,
    identified: Arc<AtomicUsize>,
    dispatches: Vec<Value>,
) -> std::io::Result<()> {
    handshake(&mut socket).await?;
    send(
        &mut socket,
        &json!({"op": 10, "d": {"heartbeat_interval": 41_250}}),
    )
    .await?;
    let mut seq = 0;
    loop {
        let (opcode, payload) = receive(&mut socket).await?;
        match opcode {
            0x8 => {
                // Close: answer it and end.
                write_frame(&mut socket, 0x8, &payload).await?;
                return Ok(());
            }
            0x9 => write_frame(&mut socket, 0xA, &payload).await?,
            0x1 => {
                let message: Value = serde_json::from_slice(&payload).unwrap_or_default();
                match message["op"].as_u64() {
                    Some(1) => send(&mut socket, &json!({"op": 11})).await?,
                    Some(2) => {
                        *identify.lock().unwrap() = Some(message["d"].clone());
                        identified.fetch_add(1, Ordering::SeqCst);
                        for mut dispatch in std::iter::once(ready()).chain(dispatches.clone()) {
                            seq += 1;
                            dispatch["op"] = json!(0);
                            dispatch["s"] = json!(seq);
                            send(&mut socket, &dispatch).await?;
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// Reads the upgrade request and accepts it.
async fn handshake(socket: &mut TcpStream) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") {
        if socket.read(&mut byte).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        request.push(byte[0]);
    }
    let request = String::from_utf8_lossy(&request);
    let key = request
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("sec-websocket-key")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default();
    let accept = base64(&sha1(
        format!("{key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11").as_bytes(),
    ));
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    socket.write_all(response.as_bytes()).await
}

async fn send(socket: &mut TcpStream, value: &Value) -> std::io::Result<()> {
    write_frame(socket, 0x1, value.to_string().as_bytes()).await
}

/// One unmasked frame, as a server sends them.
async fn write_frame(socket: &mut TcpStream, opcode: u8, payload: &[u8]) -> std::io::Result<()> {
    let mut frame = vec![0x80 | opcode];
    match payload.len() {
        n if n < 126 => frame.push(n as u8),
        n if n <= u16::MAX as usize => {
            frame.push(126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(payload);
    socket.write_all(&frame).await
}

/// One frame from the client (masked, unfragmented): opcode and payload.
async fn receive(socket: &mut TcpStream) -> std::io::Result<(u8, Vec<u8>)> {
    let mut head = [0u8; 2];
    socket.read_exact(&mut head).await?;
    let opcode = head[0] & 0x0f;
    let length = match head[1] & 0x7f {
        126 => {
            let mut bytes = [0u8; 2];
            socket.read_exact(&mut bytes).await?;
            u16::from_be_bytes(bytes) as usize
        }
        127 => {
            let mut bytes = [0u8; 8];
            socket.read_exact(&mut bytes).await?;
            u64::from_be_bytes(bytes) as usize
        }
        n => n as usize,
    };
    let mut mask = [0u8; 4];
    if head[1] & 0x80 != 0 {
        socket.read_exact(&mut mask).await?;
    }
    let mut payload = vec![0u8; length];
    socket.read_exact(&mut payload).await?;
    for (i, byte) in payload.iter_mut().enumerate() {
        *byte ^= mask[i % 4];
    }
    Ok((opcode, payload))
}

/// SHA-1 (FIPS 180-4), for the handshake's accept key only.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 80];
        for (word, bytes) in w.iter_mut().zip(block.chunks(4)) {
            *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        for t in 16..80 {
            w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (t, word) in w.iter().enumerate() {
            let (f, k) = match t {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let next = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*word);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, next);
        }
        for (total, part) in h.iter_mut().zip([a, b, c, d, e]) {
            *total = total.wrapping_add(part);
        }
    }
    let mut digest = [0u8; 20];
    for (bytes, word) in digest.chunks_mut(4).zip(h) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn the_accept_key_is_the_one_rfc_6455_gives() {
    // RFC 6455 §1.3's example.
    let key = "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    assert_eq!(
        base64(&sha1(key.as_bytes())),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
}
