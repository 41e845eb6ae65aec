#!/bin/sh
# Installs Confide's desktop entry for the current user, pointing at a built bundle.
# Usage: sh packaging/install-desktop-entry.sh /path/to/dist/Confide
set -eu
bundle=$(cd "${1:?usage: install-desktop-entry.sh BUNDLE_DIR}" && pwd)
[ -x "$bundle/Confide" ] || { echo "No Confide executable in $bundle; run 'make package' first." >&2; exit 1; }
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
mkdir -p "$apps" "$icons"
cp "$bundle/confide.svg" "$icons/confide.svg"
tmp="$apps/.confide.desktop.tmp"
sed -e "s|^Exec=.*|Exec=\"$bundle/Confide\" %F|" -e "s|^TryExec=.*|TryExec=$bundle/Confide|" \
    "$bundle/confide.desktop" > "$tmp"
if command -v desktop-file-validate >/dev/null 2>&1; then desktop-file-validate "$tmp"; fi
mv "$tmp" "$apps/confide.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" || true
echo "Installed $apps/confide.desktop"
