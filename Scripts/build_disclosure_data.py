#!/usr/bin/env python3
"""Builds the two data files the Disclosure module reads at run time (no Python then).

Run once, by hand, when the sources change:

    pip download --no-deps jieba==0.42.1 ngender==0.1.1 -d /tmp/dl
    (cd /tmp/dl && tar xzf jieba-0.42.1.tar.gz && tar xzf ngender-0.1.1.tar.gz)
    python3 Scripts/build_disclosure_data.py /tmp/dl

Outputs (Sources/Disclosure/Resources/):
  words.tsv        ordinary Chinese words of 2-4 characters with jieba's frequency,
                   from jieba 0.42.1 dict.txt (MIT). Entries jieba tags as person
                   names (nr) stay: most are ordinary words (陈述, 许可, 马尾松).
                   Words with a frequency below 3 are left out (rare, mostly noise).
  given-names.tsv  characters of given names with their count, male+female, from
                   ngender 0.1.1 charfreq.csv (MIT).
"""
import os
import sys

def han(text):
    return all('\u3400' <= c <= '\u9fff' for c in text)

def main(root):
    out = os.path.join(os.path.dirname(__file__), '..', 'Sources', 'Disclosure', 'Resources')
    words = {}
    with open(os.path.join(root, 'jieba-0.42.1', 'jieba', 'dict.txt'), encoding='utf-8') as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            tag = parts[2] if len(parts) > 2 else ''
            if not han(word) or not (1 <= len(word) <= 4):
                continue
            # jieba tags many ordinary words nr (陈述, 许可, 高峰, 顾客, 马尾松, 华山松): they
            # stay. Its full names of famous people (周恩来) stay too: a name in a case file
            # still wins over them where the context says person (see NameFinder).
            if freq < 3:
                continue
            words[word] = max(words.get(word, 0), freq)
    with open(os.path.join(out, 'words.tsv'), 'w', encoding='utf-8') as f:
        for word in sorted(words):
            f.write(f'{word}\t{words[word]}\n')
    chars = {}
    with open(os.path.join(root, 'ngender-0.1.1', 'ngender', 'charfreq.csv'), encoding='utf-8') as f:
        next(f)
        for line in f:
            char, male, female = line.strip().split(',')
            if len(char) == 1 and han(char):
                chars[char] = int(male) + int(female)
    with open(os.path.join(out, 'given-names.tsv'), 'w', encoding='utf-8') as f:
        for char in sorted(chars, key=lambda c: (-chars[c], c)):
            f.write(f'{char}\t{chars[char]}\n')
    print(f'{len(words)} words, {len(chars)} given-name characters')

if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '/tmp/dl')
