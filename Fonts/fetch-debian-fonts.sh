#!/bin/sh
# 提取 Fandol 仿宋、楷体等字体 / takes the Fandol fonts out of Debian's texlive-lang-chinese.
#
# Fonts/fonts.yml's body (仿宋) and kai (楷体) roles name FandolFang and FandolKai first
# (GPL with the font exception, so embedding them in PDFs is allowed). Debian ships them
# only inside texlive-lang-chinese, whose dependencies pull in all of TeX Live (too much
# for CI's 90 minutes on 2 cores), so the package is downloaded, not installed, and only
# the .otf files and their licence are unpacked into the folder fonts.yml points at.
# Without them every role falls back to Noto CJK (fonts-noto-cjk) and the run still works.
#
# Usage: Fonts/fetch-debian-fonts.sh [FOLDER]   (default ~/.cache/sanxiang/debian-fonts)
set -eu

folder=${1:-$HOME/.cache/sanxiang/debian-fonts}
fonts="FandolFang-Regular FandolKai-Regular FandolHei-Regular FandolHei-Bold FandolSong-Regular FandolSong-Bold"

complete=yes
for name in $fonts; do [ -s "$folder/$name.otf" ] || complete=no; done
[ "$complete" = yes ] && exit 0

echo "提取 Fandol 字体到 $folder / extracting the Fandol fonts from texlive-lang-chinese"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download needs package lists; a fresh machine (a CI image) may have none yet.
if ! (cd "$work" && apt-get download -q texlive-lang-chinese >/dev/null 2>&1); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq || true
  if ! (cd "$work" && apt-get download -q texlive-lang-chinese >/dev/null 2>&1); then
    # Offline or no Debian mirror: the documents still render, in Noto CJK.
    echo "警告：无法下载 texlive-lang-chinese，正文和楷体将使用 Noto CJK 字体 / could not download the Fandol fonts; Noto CJK stands in" >&2
    exit 0
  fi
fi
dpkg-deb -x "$work"/texlive-lang-chinese_*.deb "$work/root"
source="$work/root/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
mkdir -p "$folder"
for name in $fonts; do
  # Copied with its date kept: the working-font cache is keyed by size and date.
  cp -p "$source/$name.otf" "$folder/$name.otf.part" && mv "$folder/$name.otf.part" "$folder/$name.otf"
done
cp "$work/root/usr/share/doc/texlive-doc/fonts/fandol/README" "$folder/README.fandol"
zcat "$work/root/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz" > "$folder/COPYING.fandol"
echo "Fandol 字体已就绪 / Fandol fonts ready in $folder"
