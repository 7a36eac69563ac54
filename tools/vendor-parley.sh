#!/usr/bin/env bash
# Recreate vendor/parley from the parley release on crates.io and our diffs
# (patches/parley-<version>/*.diff, applied in name order). See vendor/PATCHES.md.
#
#   bash tools/vendor-parley.sh           replace vendor/parley with release + diffs
#   bash tools/vendor-parley.sh --check   fail unless vendor/parley equals release + diffs
#
# The release is the .crate cargo downloads (its SHA-256 is checked below); if it is not in
# cargo's cache yet, `cargo fetch` on a throw-away manifest that depends on parley=<version>
# downloads it. The .crate is extracted as is: vendor/parley keeps the normalized
# Cargo.toml, Cargo.toml.orig, Cargo.lock and .cargo_vcs_info.json of the release.
#
# To upgrade parley: set VERSION and SHA256 (crates.io shows the checksum; cargo checks it
# when it downloads), rename patches/parley-<old> to patches/parley-<new>, run this script
# and fix each diff that no longer applies (or drop it if upstream has the change), then
# run it again and update vendor/PATCHES.md.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=0.12.0
SHA256=61bd0c0c1737f0b3d3726dc06b225083af213b61913e4fbae1670613a106c6ce
PATCHES="patches/parley-$VERSION"
DEST=vendor/parley

mode=write
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: bash tools/vendor-parley.sh [--check]" >&2; exit 2 ;;
esac

command -v patch >/dev/null || { echo "tools/vendor-parley.sh needs \`patch\` (apt-get install patch)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo_home="${CARGO_HOME:-$HOME/.cargo}"
find_crate() {
  find "$cargo_home/registry/cache" -name "parley-$VERSION.crate" -print -quit 2>/dev/null || true
}
crate="$(find_crate)"
if [ -z "$crate" ]; then
  # parley itself is replaced by [patch.crates-io], so building Hashiya never downloads it.
  mkdir -p "$work/fetch/src"
  : >"$work/fetch/src/lib.rs"
  cat >"$work/fetch/Cargo.toml" <<EOF
[package]
name = "fetch-parley"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
parley = { version = "=$VERSION", default-features = false }

[workspace]
EOF
  # Our lock file keeps parley's dependencies at the versions already in the cache.
  cp Cargo.lock "$work/fetch/Cargo.lock"
  cargo fetch --quiet --manifest-path "$work/fetch/Cargo.toml"
  crate="$(find_crate)"
  [ -n "$crate" ] || { echo "cargo fetch did not download parley-$VERSION.crate" >&2; exit 1; }
fi
echo "$SHA256  $crate" | sha256sum --check --quiet - ||
  { echo "$crate is not the crates.io release of parley $VERSION (SHA-256 differs)" >&2; exit 1; }

tar -xzf "$crate" -C "$work"
built="$work/parley-$VERSION"
shopt -s nullglob
diffs=("$PATCHES"/*.diff)
[ ${#diffs[@]} -gt 0 ] || { echo "no diffs in $PATCHES" >&2; exit 1; }
for d in "${diffs[@]}"; do
  # No fuzz: a diff that no longer applies exactly must be redone, not guessed.
  patch --quiet --directory="$built" -p1 --fuzz=0 --no-backup-if-mismatch <"$PWD/$d" ||
    { echo "$d does not apply to parley $VERSION" >&2; exit 1; }
done

if [ "$mode" = check ]; then
  if ! diff -r "$built" "$DEST"; then
    echo "$DEST differs from parley $VERSION + $PATCHES/*.diff (above: < release+diffs, > $DEST)." >&2
    echo "Put the change into a diff in $PATCHES (and vendor/PATCHES.md), then run bash tools/vendor-parley.sh." >&2
    exit 1
  fi
  echo "$DEST = parley $VERSION (crates.io) + ${#diffs[@]} diffs in $PATCHES"
else
  rm -rf "$DEST"
  mkdir -p "$(dirname "$DEST")"
  cp -a "$built" "$DEST"
  echo "recreated $DEST from parley $VERSION (crates.io) + ${#diffs[@]} diffs in $PATCHES"
fi
