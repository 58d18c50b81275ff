#!/usr/bin/env bash
# A local rustup dist server repackaged from Debian's Rust (rustc-web, cargo-web, the amd64
# and arm64 libstd-rust-web-dev, rust-web-src), so that rustup's install path runs for real
# on a machine that reaches no Rust server:
#
#   RUSTUP_DIST_SERVER=file://$(scripts/rustup-dist.sh) rustup toolchain install 1.96.0 --profile minimal
#
# Layout as static.rust-lang.org's: dist/channel-rust-<v>.toml (manifest v2) with its .sha256,
# the aliases <major.minor> and stable, and rust-installer v3 tarballs (.tar.zst) under
# dist/<date>/. The manifest's URLs name https://static.rust-lang.org, which rustup replaces
# with RUSTUP_DIST_SERVER, so the folder can be served from anywhere (or be gone).
#
# Built once per machine into DIR (default /var/tmp/rust-xbuild/rustup-dist, readable by
# everyone) and reused while its stamp matches the Debian version and this script; prints DIR.
# Needs patchelf: Debian's rustc finds librustc_driver through the system's library path,
# so the packaged rustc and rustdoc get RUNPATH $ORIGIN/../lib, as rustup's own builds have,
# and their sysroot is the toolchain folder. scripts/setup-debian.sh installs all of it.
set -euo pipefail

out=${1:-/var/tmp/rust-xbuild/rustup-dist}
log() { echo "rustup-dist: $*" >&2; }
fail() {
  log "$*"
  exit 1
}

host=x86_64-unknown-linux-gnu
# Targets rustup may offer from this channel: a std for each (Debian's packages).
std_targets=("$host" aarch64-unknown-linux-gnu)
# Targets the channel names with available = false, as the real channel does for a target
# whose std failed to build that day: rustup refuses them and the action advises build-std.
unavailable_targets=(aarch64-unknown-linux-musl armv7-unknown-linux-gnueabihf i686-unknown-linux-gnu riscv64gc-unknown-linux-gnu x86_64-pc-windows-gnu x86_64-unknown-linux-musl)

deb_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }
version=$(deb_version rustc-web)
[ -n "$version" ] || fail "Debian's rustc-web is not installed: run scripts/setup-debian.sh"
for pkg in cargo-web libstd-rust-web-dev:amd64 libstd-rust-web-dev:arm64 rust-web-src; do
  [ "$(deb_version "$pkg")" = "$version" ] || fail "$pkg must be installed at rustc-web's version $version (it is '$(deb_version "$pkg")'): run scripts/setup-debian.sh"
done
command -v patchelf >/dev/null || fail "patchelf is not installed: run scripts/setup-debian.sh"
command -v zstd >/dev/null || fail "zstd is not installed"

stamp="debian $version, script $(sha256sum "$0" | cut -d' ' -f1)"
if [ "$(cat "$out/.complete" 2>/dev/null)" = "$stamp" ]; then
  echo "$out"
  exit 0
fi

mkdir -p "$(dirname "$out")"
chmod a+rx "$(dirname "$out")" 2>/dev/null || true
# One build at a time: test files that start together wait for the first. The lock is
# everyone's (root builds it in CI, the runner user may check it later).
exec 9>>"$out.lock" || fail "cannot open $out.lock: $out was made by another user; run this as that user, or remove it"
chmod a+rw "$out.lock" 2>/dev/null || true
flock 9
if [ "$(cat "$out/.complete" 2>/dev/null)" = "$stamp" ]; then
  echo "$out"
  exit 0
fi

# rustc -vV: "release: 1.96.0", "commit-hash: ac68faa...", "commit-date: 2026-05-25".
field() { /usr/bin/rustc -vV | sed -n "s/^$1: //p"; }
release=$(field release)
date=$(field commit-date)
rustc_version="$release ($(field commit-hash | cut -c1-9) $date)"
cargo_version=$(/usr/bin/cargo -V | sed -E 's/^cargo ([^ ]+ \([^)]*\)).*/\1/')
epoch=$(date -u -d "$date" +%s)
driver=$(readelf -d /usr/bin/rustc | sed -n 's/.*Shared library: \[\(librustc_driver-[0-9a-f]*\.so\)\].*/\1/p')
[ -n "$driver" ] && [ -f "/usr/lib/x86_64-linux-gnu/$driver" ] || fail "cannot find the librustc_driver that /usr/bin/rustc needs"
src=$(readlink -f /usr/lib/rustlib/src/rust)/library
[ -f "$src/std/Cargo.toml" ] || fail "rust-web-src has no library/std at $src"

log "building a rustup channel for rustc $rustc_version (Debian $version) in $out"
work=$(mktemp -d "$out.build.XXXXXX") || fail "cannot write beside $out: it was made by another user; run this as that user, or remove it"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/dist/$date"

# One rust-installer v3 package: <name>/rust-installer-version, components, <component>/manifest.in
# (file:/dir: lines) and the files, packed under a first folder that rustup skips. The tree
# holds symlinks to Debian's files; tar -h stores their contents (rustup accepts only
# regular files and folders).
# package NAME COMPONENT  (the tree is in $work/stage/NAME/COMPONENT, manifest.in written)
package() {
  local name=$1 component=$2 file="$1.tar.zst"
  printf '3\n' >"$work/stage/$name/rust-installer-version"
  printf '%s\n' "$component" >"$work/stage/$name/components"
  tar -C "$work/stage" -c -h --hard-dereference --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --mode=u+w,go-w "$name" |
    zstd -q -T0 -3 -o "$work/dist/$date/$file"
  rm -rf "${work:?}/stage/$name"
  sha256sum "$work/dist/$date/$file" | cut -d' ' -f1 >"$work/dist/$date/$file.sha256"
  log "packed $file ($(du -h "$work/dist/$date/$file" | cut -f1))"
}
# tree NAME COMPONENT: an empty component tree
tree() {
  mkdir -p "$work/stage/$1/$2"
  echo "$work/stage/$1/$2"
}

# rustc: the compiler and rustdoc with the driver beside them, as rustup's builds lay it out.
dir=$(tree "rustc-$release-$host" rustc)
mkdir -p "$dir/bin" "$dir/lib/rustlib"
cp /usr/bin/rustc /usr/bin/rustdoc "$dir/bin/"
patchelf --set-rpath '$ORIGIN/../lib' "$dir/bin/rustc" "$dir/bin/rustdoc"
ln -s "/usr/lib/x86_64-linux-gnu/$driver" "$dir/lib/$driver"
ln -s /usr/lib/rustlib/etc "$dir/lib/rustlib/etc"
printf '%s\n' file:bin/rustc file:bin/rustdoc "file:lib/$driver" dir:lib/rustlib/etc >"$dir/manifest.in"
package "rustc-$release-$host" rustc

dir=$(tree "cargo-$release-$host" cargo)
mkdir -p "$dir/bin"
ln -s /usr/bin/cargo "$dir/bin/cargo"
printf '%s\n' file:bin/cargo >"$dir/manifest.in"
package "cargo-$release-$host" cargo

for target in "${std_targets[@]}"; do
  dir=$(tree "rust-std-$release-$target" "rust-std-$target")
  mkdir -p "$dir/lib/rustlib"
  [ -d "/usr/lib/rustlib/$target/lib" ] || fail "no std for $target in /usr/lib/rustlib"
  ln -s "/usr/lib/rustlib/$target" "$dir/lib/rustlib/$target"
  printf '%s\n' "dir:lib/rustlib/$target" >"$dir/manifest.in"
  package "rust-std-$release-$target" "rust-std-$target"
done

dir=$(tree "rust-src-$release" rust-src)
mkdir -p "$dir/lib/rustlib/src/rust"
ln -s "$src" "$dir/lib/rustlib/src/rust/library"
printf '%s\n' dir:lib/rustlib/src/rust/library >"$dir/manifest.in"
package "rust-src-$release" rust-src

# The v2 manifest (rustup's src/dist/manifest.rs reads it).
# available FILE: the lines of a target table for one packed file
available() {
  printf 'available = true\nzst_url = "https://static.rust-lang.org/dist/%s/%s"\nzst_hash = "%s"\n' "$date" "$1" "$(cat "$work/dist/$date/$1.sha256")"
}
component() { printf '\n[[pkg.rust.target.%s.%s]]\npkg = "%s"\ntarget = "%s"\nis_extension = %s\n' "$host" "$1" "$2" "$3" "$4"; }
manifest=$work/dist/channel-rust-$release.toml
{
  printf '# rustup channel repackaged from Debian %s by scripts/rustup-dist.sh\n' "$version"
  printf 'manifest-version = "2"\ndate = "%s"\n' "$date"

  # The whole toolchain for the host: never downloaded (rustup installs its components);
  # its components and extensions are what rustup offers (rustup target list).
  printf '\n[pkg.rust]\nversion = "%s"\n\n[pkg.rust.target.%s]\navailable = true\n' "$rustc_version" "$host"
  component components rustc "$host" false
  component components cargo "$host" false
  component components rust-std "$host" false
  for target in "${std_targets[@]:1}" "${unavailable_targets[@]}"; do component extensions rust-std "$target" true; done
  component extensions rust-src '*' true

  printf '\n[pkg.rustc]\nversion = "%s"\n\n[pkg.rustc.target.%s]\n' "$rustc_version" "$host"
  available "rustc-$release-$host.tar.zst"
  printf '\n[pkg.cargo]\nversion = "%s"\n\n[pkg.cargo.target.%s]\n' "$cargo_version" "$host"
  available "cargo-$release-$host.tar.zst"
  printf '\n[pkg.rust-std]\nversion = "%s"\n' "$rustc_version"
  for target in "${std_targets[@]}"; do
    printf '\n[pkg.rust-std.target.%s]\n' "$target"
    available "rust-std-$release-$target.tar.zst"
  done
  for target in "${unavailable_targets[@]}"; do printf '\n[pkg.rust-std.target.%s]\navailable = false\n' "$target"; done
  printf '\n[pkg.rust-src]\nversion = "%s"\n\n[pkg.rust-src.target."*"]\n' "$rustc_version"
  available "rust-src-$release.tar.zst"

  # Nothing here is renamed (the real channel renames clippy, rustfmt, llvm-tools...,
  # which Debian's rustc-web does not ship).
  printf '\n[renames]\n'
  printf '\n[profiles]\nminimal = ["rustc", "cargo", "rust-std"]\ndefault = ["rustc", "cargo", "rust-std"]\ncomplete = ["rustc", "cargo", "rust-std", "rust-src"]\n'
} >"$manifest"

# The version's manifest, and the aliases rustup asks for "1.96" and "stable".
for channel in "$release" "${release%.*}" stable; do
  [ "$channel" = "$release" ] || cp "$manifest" "$work/dist/channel-rust-$channel.toml"
  (cd "$work/dist" && sha256sum "channel-rust-$channel.toml" >"channel-rust-$channel.toml.sha256")
done

rmdir "$work/stage"
printf '%s\n' "$stamp" >"$work/.complete"
chmod -R a+rX "$work"
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
log "done: RUSTUP_DIST_SERVER=file://$out"
echo "$out"
