use ring::digest::{digest, SHA256};

fn main() {
    let message = std::env::args().nth(1).unwrap_or_else(|| "rust-xbuild".to_string());
    let hex: String = digest(&SHA256, message.as_bytes()).as_ref().iter().map(|b| format!("{b:02x}")).collect();
    println!("{hex}  {message} (computed on {})", std::env::consts::ARCH);
}
