#!/usr/bin/env bash
# Installs what the demo and the test suite need on a fresh Debian 12 (or Ubuntu) machine,
# from Debian's packages only: Debian's Rust toolchain (rustc-web, with an aarch64 std and
# std's source for build-std), the cross gcc of each gnu architecture the target matrix
# builds, qemu-user, musl-tools and Debian's packaged crates (ring, cc, zstd with
# pkg-config and bindgen, prost-build) as an offline registry, protoc, mingw-w64 with wine64
# for Windows from Linux, and for the image tests skopeo, Debian's docker-registry, htpasswd
# (apache2-utils) and the armhf cross gcc; rpm and lintian for the deb and rpm packages; gdb-multiarch for
# the debug-symbols test; sudo and the unprivileged user `runner` that the
# e2e harness runs the action as (as hosted runners do); the zig release the action pins,
# from PyPI's ziglang wheel. Idempotent: does nothing when all is there.
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
  # The Linux packages (packages: deb, rpm): rpmbuild and rpm, and lintian to check the .deb.
  rpm lintian
  # debug-symbols: gdb reading a foreign (aarch64) stripped binary through its .gnu_debuglink.
  gdb-multiarch
  sudo
)

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

missing=()
for pkg in "${packages[@]}" "libstd-rust-web-dev:arm64"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

retry() {
  local attempt
  for attempt in 1 2 3 4 5; do
    "$@" && return 0
    echo "setup-debian: '$*' failed (attempt $attempt); retrying" >&2
    sleep $((attempt * 10))
  done
  return 1
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-debian: every package is installed"
else
  echo "setup-debian: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" dpkg --add-architecture arm64
  retry "${sudo_cmd[@]}" apt-get update -q
  retry "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
  # The foreign std and std's source must match the installed compiler exactly.
  version=$(dpkg-query -W -f='${Version}' rustc-web)
  retry "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "libstd-rust-web-dev:arm64=$version" "rust-web-src=$version"
fi

# The user GitHub's hosted runners run steps as: unprivileged, passwordless sudo, a HOME of its own.
if ! id runner >/dev/null 2>&1; then
  "${sudo_cmd[@]}" useradd --create-home --home-dir /home/runner --shell /bin/bash runner
  echo "setup-debian: created the user runner"
fi
if [ ! -f /etc/sudoers.d/runner ]; then
  echo 'runner ALL=(ALL) NOPASSWD:ALL' | "${sudo_cmd[@]}" tee /etc/sudoers.d/runner >/dev/null
  "${sudo_cmd[@]}" chmod 0440 /etc/sudoers.d/runner
fi

# zig at the version the action pins (src/setup/pinned.ts), from PyPI's wheel, readable by runner.
zig_version=0.13.0
zig_dir=/opt/rust-xbuild/ziglang-$zig_version
if [ ! -x "$zig_dir/ziglang/zig" ]; then
  "${sudo_cmd[@]}" mkdir -p "$zig_dir"
  retry "${sudo_cmd[@]}" python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$zig_dir" "ziglang==$zig_version"
  "${sudo_cmd[@]}" chmod -R a+rX /opt/rust-xbuild
  echo "setup-debian: zig $("$zig_dir/ziglang/zig" version) in $zig_dir/ziglang"
fi

# rustup for the user runner, as hosted runners have it: rustup and its proxies (cargo, rustc,
# ... are links to rustup, which picks the toolchain) in ~runner/.cargo/bin, and no toolchain.
# No network: rustup-init is the rustup binary itself, copied from this machine's rustup; the
# dead server URLs make sure it downloads nothing. Toolchains come from the local channel of
# scripts/rustup-dist.sh, which needs patchelf.
if ! dpkg-query -W -f='${Status}' patchelf 2>/dev/null | grep -q 'install ok installed'; then
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends patchelf || {
    retry "${sudo_cmd[@]}" apt-get update -q
    retry "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends patchelf
  }
fi
if [ ! -x /home/runner/.cargo/bin/rustup ]; then
  source_rustup=$(readlink -f "$(command -v rustup || echo /root/.cargo/bin/rustup)")
  if [ ! -x "$source_rustup" ]; then
    echo "setup-debian: no rustup on this machine to install for runner (looked on PATH and in /root/.cargo/bin)" >&2
    exit 1
  fi
  init_dir=$(mktemp -d /tmp/rustup-init.XXXXXX)
  "${sudo_cmd[@]}" install -m 0755 "$source_rustup" "$init_dir/rustup-init"
  chmod 0755 "$init_dir"
  sudo -u runner -H env RUSTUP_DIST_SERVER=http://127.0.0.1:9 RUSTUP_UPDATE_ROOT=http://127.0.0.1:9/rustup RUSTUP_INIT_SKIP_PATH_CHECK=yes \
    "$init_dir/rustup-init" -y --no-modify-path --default-toolchain none --profile minimal
  rm -rf "$init_dir"
  echo "setup-debian: $(sudo -u runner -H /home/runner/.cargo/bin/rustup --version 2>/dev/null) for runner in /home/runner/.cargo/bin"
fi
