#!/usr/bin/env bash
# Installs what the demo and the test suite need on a fresh Debian 12 (or Ubuntu) machine,
# from Debian's packages only: Debian's Rust toolchain (rustc-web, with an aarch64 std and
# std's source for build-std), the cross gcc of each gnu architecture the target matrix
# builds, qemu-user, musl-tools and Debian's packaged crates (ring, cc, zstd with
# pkg-config and bindgen, prost-build) as an offline registry, protoc, mingw-w64 with wine64
# for Windows from Linux, and for the image tests skopeo, Debian's docker-registry, htpasswd
# (apache2-utils) and the armhf cross gcc. Idempotent: does nothing when all is there.
set -euo pipefail

packages=(
  rustc-web cargo-web rust-web-src
  gcc g++ binutils file
  gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
  qemu-user musl-tools
  # The target matrix (__tests__/e2e/targets): cross gcc and C library per gnu architecture.
  gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf libc6-dev-armhf-cross
  gcc-i686-linux-gnu g++-i686-linux-gnu libc6-dev-i386-cross
  gcc-powerpc64le-linux-gnu g++-powerpc64le-linux-gnu libc6-dev-ppc64el-cross
  gcc-s390x-linux-gnu g++-s390x-linux-gnu libc6-dev-s390x-cross
  gcc-riscv64-linux-gnu g++-riscv64-linux-gnu libc6-dev-riscv64-cross
  librust-ring-dev librust-cc-dev
  librust-zstd-dev pkg-config protobuf-compiler librust-prost-build-dev librust-prost-dev
  gcc-mingw-w64-x86-64-win32 g++-mingw-w64-x86-64-win32 gcc-mingw-w64-i686-win32 wine64
  skopeo docker-registry apache2-utils
)

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

missing=()
for pkg in "${packages[@]}" "libstd-rust-web-dev:arm64"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-debian: everything is installed"
  exit 0
fi
echo "setup-debian: installing ${missing[*]}"

retry() {
  local attempt
  for attempt in 1 2 3 4 5; do
    "$@" && return 0
    echo "setup-debian: '$*' failed (attempt $attempt); retrying" >&2
    sleep $((attempt * 10))
  done
  return 1
}

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" dpkg --add-architecture arm64
retry "${sudo_cmd[@]}" apt-get update -q
retry "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
# The foreign std and std's source must match the installed compiler exactly.
version=$(dpkg-query -W -f='${Version}' rustc-web)
retry "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "libstd-rust-web-dev:arm64=$version" "rust-web-src=$version"
