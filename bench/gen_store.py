#!/usr/bin/env python3
"""Generate a deterministic post store for the feedd benchmarks.

    gen_store.py N DIR [--hugo HUGO_DIR] [--seed S] [--base-url URL] [--tags T] [--mixed]

Writes N posts (half Japanese, half English; each English post is the translation of a
Japanese one and shares its translation_key) as Markdown files with YAML front matter under
DIR/YYYY/MM/, about 2 KB each. Dates are spread over 2006..2024 (never in the future).

With --hugo, also writes a bilingual Hugo site over the same posts to HUGO_DIR: the same
text and front matter (plus Hugo's own `translationKey` spelling), one content directory per
language, configured to render nothing but each language's home RSS feed, so that `hugo`
and `feedd build` do comparable work on identical input.

With --tags T (T > 0), every post also gets one of T more tags ("話題NNNN" in Japanese,
"topic NNNN" in English, the same NNNN for a post and its translation), drawn by a random
generator of its own, so the rest of the tree is the same as without it (issue 13's store
with 5,000 tags).

With --mixed, the posts are written in the three formats of the store (SPEC "The post
store"), chosen per translation pair by a random generator of its own (so the posts
themselves are the same as without it): about 80 % Markdown as above, 15 % page text
(DIR/YYYY/MM/NNNNNNN_hash.txt: the saved text of a blog page, navigation lines naming the
neighbouring page-text posts, a date line, "[Eng] " before English titles, a translation on
the same date next to its original) and 5 % Movable Type export entries
(DIR/export/mt-NNNN.txt, 1,000 entries a file, half with CONVERT BREAKS markdown and half
with CONVERT BREAKS 1). --mixed writes no Hugo site (Hugo reads only the Markdown).

Standard library only; the same N and seed always give byte-identical trees.
"""

import argparse
import hashlib
import os
import re
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone

JST = timezone(timedelta(hours=9))

# --- Japanese vocabulary: enough variety that the text looks like prose, kana/kanji mixed ---
JA_NOUNS = [
    "今日", "昨日", "週末", "朝", "夕方", "夜", "駅", "電車", "公園", "図書館", "喫茶店", "友人",
    "家族", "仕事", "会議", "資料", "企画", "本", "映画", "音楽", "写真", "料理", "野菜", "魚",
    "天気", "雨", "桜", "紅葉", "海", "山", "川", "旅行", "温泉", "京都", "東京", "大阪", "北海道",
    "言葉", "翻訳", "英語", "日本語", "文章", "記事", "ブログ", "読者", "感想", "計画", "予定",
    "問題", "理由", "結果", "経験", "気持ち", "時間", "季節", "散歩", "自転車", "猫", "犬", "庭",
    "花", "お茶", "コーヒー", "パン", "ケーキ", "カメラ", "パソコン", "ソフトウェア", "サーバー",
    "プログラム", "設定", "更新", "研究", "授業", "学生", "先生", "子ども", "町", "景色", "歴史",
    "文化", "祭り", "市場", "港", "神社", "お寺", "美術館", "展覧会", "演奏会", "練習", "健康",
]
JA_ADJ = [
    "新しい", "古い", "静かな", "賑やかな", "美しい", "面白い", "難しい", "簡単な", "小さな",
    "大きな", "懐かしい", "珍しい", "温かい", "冷たい", "明るい", "穏やかな", "不思議な", "素敵な",
    "大切な", "長い", "短い", "遠い", "近くの", "いつもの", "初めての",
]
JA_VERBS = [
    "見に行きました", "読みました", "考えました", "書きました", "作りました", "買いました",
    "歩きました", "話しました", "調べました", "楽しみました", "見つけました", "試してみました",
    "片付けました", "撮りました", "聞きました", "思い出しました", "まとめました", "準備しました",
    "直しました", "使ってみました", "食べました", "訪ねました", "始めました", "続けています",
]
JA_ENDINGS = [
    "と思います", "ようです", "かもしれません", "のが印象的でした", "ことにしました",
    "のは久しぶりでした", "つもりです", "と感じました", "のがよかったです",
]
JA_CONNECT = [
    "それから、", "しかし、", "ところで、", "そのあと、", "実は、", "結局、", "とはいえ、",
    "まず、", "最後に、", "ちなみに、", "",
]
JA_TAGS = ["日記", "旅行", "料理", "写真", "読書", "映画", "音楽", "技術", "仕事", "季節", "散歩", "翻訳"]

# --- English vocabulary -------------------------------------------------------------------
EN_NOUNS = [
    "morning", "evening", "weekend", "station", "train", "park", "library", "cafe", "friend",
    "family", "meeting", "draft", "project", "book", "film", "record", "photograph", "recipe",
    "vegetable", "weather", "rain", "garden", "river", "mountain", "harbour", "temple", "shrine",
    "museum", "concert", "market", "festival", "journey", "hot spring", "neighbourhood", "city",
    "language", "translation", "sentence", "article", "reader", "question", "reason", "result",
    "season", "walk", "bicycle", "cat", "dog", "flower", "tea", "coffee", "bread", "camera",
    "laptop", "server", "program", "setting", "update", "lecture", "student", "teacher", "street",
    "view", "history", "custom", "bridge", "island", "forest", "kitchen", "notebook", "letter",
]
EN_ADJ = [
    "new", "old", "quiet", "busy", "beautiful", "curious", "difficult", "simple", "small",
    "large", "familiar", "rare", "warm", "cold", "bright", "gentle", "strange", "lovely",
    "important", "long", "short", "distant", "nearby", "usual", "first",
]
EN_VERBS = [
    "visited", "read", "thought about", "wrote about", "made", "bought", "walked past",
    "talked about", "looked into", "enjoyed", "found", "tried", "tidied up", "photographed",
    "listened to", "remembered", "summarised", "prepared", "fixed", "used", "tasted", "revisited",
    "started", "kept working on",
]
EN_SUBJECTS = ["I", "We", "My friend", "My sister", "The whole family", "A colleague", "Everyone"]
EN_TAILS = [
    "and it was better than I expected", "which took most of the afternoon",
    "for the first time in years", "before the rain started", "with a cup of tea",
    "after a long week", "on the way home", "while thinking about the next post",
    "and took a few notes", "without any plan at all",
]
EN_CONNECT = [
    "Then", "However", "By the way", "Afterwards", "In fact", "In the end", "Still", "First",
    "Finally", "Incidentally",
]
EN_TAGS = ["diary", "travel", "cooking", "photos", "books", "film", "music", "tech", "work",
           "seasons", "walks", "translation"]

TARGET_BYTES = 2000  # body + front matter, approximately


def ja_sentence(r):
    n1, n2, n3 = r.choice(JA_NOUNS), r.choice(JA_NOUNS), r.choice(JA_NOUNS)
    pattern = r.randrange(4)
    if pattern == 0:
        s = f"{n1}は{r.choice(JA_ADJ)}{n2}を{r.choice(JA_VERBS)}。"
    elif pattern == 1:
        s = f"{n1}の{n2}で{r.choice(JA_ADJ)}{n3}を{r.choice(JA_VERBS)}。"
    elif pattern == 2:
        s = f"{n1}に{r.choice(JA_ADJ)}{n2}を見る{r.choice(JA_ENDINGS)}。"
    else:
        s = f"{n1}と{n2}について、{r.choice(JA_ADJ)}{n3}の話を{r.choice(JA_VERBS)}。"
    return r.choice(JA_CONNECT) + s


def a(word):
    return ("an " if word[0] in "aeiou" else "a ") + word


def en_sentence(r):
    pattern = r.randrange(3)
    if pattern == 0:
        s = (f"{r.choice(EN_SUBJECTS)} {r.choice(EN_VERBS)} the {r.choice(EN_ADJ)} "
             f"{r.choice(EN_NOUNS)} near the {r.choice(EN_NOUNS)} {r.choice(EN_TAILS)}.")
    elif pattern == 1:
        s = (f"{r.choice(EN_CONNECT)}, the {r.choice(EN_NOUNS)} felt {r.choice(EN_ADJ)}, "
             f"so I {r.choice(EN_VERBS)} {a(r.choice(EN_ADJ))} {r.choice(EN_NOUNS)}.")
    else:
        s = (f"The {r.choice(EN_NOUNS)} and the {r.choice(EN_NOUNS)} were "
             f"{r.choice(EN_ADJ)}, {r.choice(EN_TAILS)}.")
    return s


def paragraph(r, lang, sentences):
    make = ja_sentence if lang == "ja" else en_sentence
    sep = "" if lang == "ja" else " "
    return sep.join(make(r) for _ in range(sentences))


def ja_title(r):
    return f"{r.choice(JA_ADJ)}{r.choice(JA_NOUNS)}と{r.choice(JA_NOUNS)}"


def en_title(r):
    return f"{a(r.choice(EN_ADJ)).capitalize()} {r.choice(EN_NOUNS)} and the {r.choice(EN_NOUNS)}"


def body(r, lang, serial):
    """Markdown body of roughly TARGET_BYTES - front matter bytes."""
    parts = []
    heading_words = (JA_NOUNS if lang == "ja" else EN_NOUNS)
    parts.append(paragraph(r, lang, 3 if lang == "ja" else 4))
    budget = TARGET_BYTES - 260
    section = 0
    while sum(len(p.encode()) + 2 for p in parts) < budget:
        kind = r.randrange(10)
        if kind == 0:
            section += 1
            h = r.choice(heading_words)
            parts.append(f"## {h}" if lang == "ja" else f"## {h.capitalize()}")
        elif kind == 1:
            items = [(r.choice(JA_NOUNS) + "の" + r.choice(JA_NOUNS)) if lang == "ja"
                     else f"the {r.choice(EN_ADJ)} {r.choice(EN_NOUNS)}" for _ in range(3)]
            parts.append("\n".join(f"- {i}" for i in items))
        elif kind == 2:
            text = "前回の記事" if lang == "ja" else "the previous post"
            parts.append(paragraph(r, lang, 1) + (" " if lang == "en" else "") +
                         f"[{text}](../p{max(serial - 1, 0):06d}-{lang}.html)" +
                         ("も合わせてどうぞ。" if lang == "ja" else " has more on this."))
        elif kind == 3:
            w = r.choice(heading_words)
            parts.append(paragraph(r, lang, 2) + (f" Today's keyword: **{w}**." if lang == "en"
                                                  else f"今日のキーワードは**{w}**です。"))
        else:
            parts.append(paragraph(r, lang, 3))
    return "\n\n".join(parts) + "\n"


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(post, hugo):
    lines = [
        "---",
        f"title: {yaml_str(post['title'])}",
        f"date: {post['date'].isoformat()}",
        f"lang: {post['lang']}",
        f"id: {post['id']}",
        f"translation_key: {post['key']}",
    ]
    if hugo:
        lines.append(f"translationKey: {post['key']}")
    lines.append("tags: [" + ", ".join(yaml_str(t) for t in post["tags"]) + "]")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def make_posts(n, seed, extra_tags=0):
    r = random.Random(seed)
    rt = random.Random(seed + 1)  # the extra tags: the other draws stay as they are
    pairs = (n + 1) // 2
    start = datetime(2006, 1, 1, tzinfo=JST)
    span = (datetime(2024, 12, 31, tzinfo=JST) - start).total_seconds()
    # Sorted random instants: a blog's history, denser or sparser by chance.
    instants = sorted(r.random() * span for _ in range(pairs))
    posts = []
    for i in range(pairs):
        date = (start + timedelta(seconds=int(instants[i]))).replace(microsecond=0)
        key = f"p{i:06d}"
        ja_tags = r.sample(range(len(JA_TAGS)), r.randint(1, 3))
        extra = rt.randrange(extra_tags) if extra_tags > 0 else None
        variants = [("ja", date)]
        if len(posts) + 1 < n:
            variants.append(("en", date + timedelta(hours=r.randint(1, 48))))
        for lang, d in variants:
            title = ja_title(r) if lang == "ja" else en_title(r)
            tags = [(JA_TAGS if lang == "ja" else EN_TAGS)[t] for t in ja_tags]
            if extra is not None:
                tags.append(f"話題{extra:04d}" if lang == "ja" else f"topic {extra:04d}")
            posts.append({
                "serial": i, "lang": lang, "id": f"{key}-{lang}", "key": key,
                "date": d, "title": title, "tags": tags, "body": body(r, lang, i),
            })
    return posts[:n]


def post_relpath(post):
    d = post["date"]
    return os.path.join(f"{d.year:04d}", f"{d.month:02d}", f"{post['id']}.md")


HUGO_CONFIG = """\
# Generated by bench/gen_store.py: a bilingual Hugo site that renders only each language's
# home RSS feed (the least Hugo can build of what feedd build writes; see bench/README.md),
# over the same posts as the feedd store.
baseURL = "{base_url}"
title = "Bench blog"
timeZone = "Asia/Tokyo"
defaultContentLanguage = "ja"
defaultContentLanguageInSubdir = true
# Same number of entries per feed as feedd's feeds.entries default.
rssLimit = 20
disableKinds = ["taxonomy", "term", "section", "sitemap", "robotsTXT", "404"]
disableAliases = true
enableRobotsTXT = false
buildDrafts = false
buildFuture = false
# Japanese summaries are cut by characters, not by (space-separated) words.
hasCJKLanguage = true

[outputs]
  home = ["RSS"]
  page = []

# Pages are listed in the feed (with their permalinks) but never written as HTML files.
[[cascade]]
  [cascade._build]
    render = "link"
    list = "always"
  [cascade._target]
    kind = "page"

[languages]
  [languages.ja]
    languageName = "日本語"
    title = "ブログ"
    weight = 1
    contentDir = "content/ja"
  [languages.en]
    languageName = "English"
    title = "Blog (English)"
    weight = 2
    contentDir = "content/en"
"""

# Like Hugo's embedded RSS template, plus full content (feedd puts the full HTML in
# content:encoded and a summary in description, so Hugo has to render both too).
HUGO_RSS = """\
{{- $pages := .Site.RegularPages -}}
{{- $limit := .Site.Config.Services.RSS.Limit -}}
{{- if ge $limit 1 }}{{ $pages = $pages | first $limit }}{{ end -}}
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\" standalone=\\"yes\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  {{ printf "<!-- posts: %d -->" (len .Site.RegularPages) | safeHTML }}
  <channel>
    <title>{{ .Site.Title }}</title>
    <link>{{ .Permalink }}</link>
    <description>{{ .Site.Title }}</description>
    <language>{{ .Site.Language.Lang }}</language>
    {{- if not .Date.IsZero }}
    <lastBuildDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</lastBuildDate>
    {{- end }}
    {{- with .OutputFormats.Get "RSS" }}
    {{ printf "<atom:link href=%q rel=\\"self\\" type=%q />" .Permalink .MediaType | safeHTML }}
    {{- end }}
    {{- range $pages }}
    <item>
      <title>{{ .Title }}</title>
      <link>{{ .Permalink }}</link>
      <pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
      <guid isPermaLink="false">{{ .Params.id }}</guid>
      {{- range .Params.tags }}
      <category>{{ . }}</category>
      {{- end }}
      <description>{{ .Summary | plainify | html }}</description>
      <content:encoded>{{ .Content | html }}</content:encoded>
    </item>
    {{- end }}
  </channel>
</rss>
"""


def write_file(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --- --mixed: page text and Movable Type export besides Markdown ------------------------

MIXED_SHARES = (("md", 0.80), ("txt", 0.95), ("mt", 1.0))  # cumulative, per translation pair
MT_ENTRIES_PER_FILE = 1000
EN_MARKER = "[Eng] "  # one of the English markers of run.sh's feedd.toml


def pair_formats(posts, seed):
    """Format of each post: one draw per translation pair from a generator of its own."""
    r = random.Random(seed + 2)
    by_serial = {}
    for p in posts:
        if p["serial"] not in by_serial:
            u = r.random()
            by_serial[p["serial"]] = next(f for f, limit in MIXED_SHARES if u < limit)
        p["format"] = by_serial[p["serial"]]


def plain_blocks(md_body, lang):
    """The Markdown body as page-text blocks: '## X' + paragraph -> 'X\nparagraph' (a
    heading and its paragraph), a list -> one sentence, links and bold -> their text."""
    blocks, heading = [], None
    for block in md_body.strip().split("\n\n"):
        if block.startswith("## "):
            heading = block[3:]
            continue
        if block.startswith("- "):
            items = [line[2:] for line in block.split("\n")]
            block = ("メモ：" + "、".join(items) + "。") if lang == "ja" else \
                ("Notes: " + ", ".join(items) + ".")
        block = re.sub(r"\*\*(.+?)\*\*", r"\1", block)
        block = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", block)
        blocks.append(block if heading is None else heading + "\n" + block)
        heading = None
    return blocks


def shown_title(post):
    return (EN_MARKER if post["lang"] == "en" else "") + post["title"]


def date_line(d, k):
    if k % 10 == 7:
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    if k % 10 == 8:
        return f"{d.year:04d}/{d.month:02d}/{d.day:02d}"
    if k % 10 == 9:
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.year:04d}.{d.month:02d}.{d.day:02d}"


def write_page_texts(posts, root, seed):
    """Page-text posts in the blog's order (a pair on its original's date, original first);
    the navigation lines name the neighbours. Returns the bytes written."""
    chain = sorted((p for p in posts if p["format"] == "txt"),
                   key=lambda p: (p["serial"], p["lang"] != "ja"))
    pair_date = {p["serial"]: p["date"] for p in chain if p["lang"] == "ja"}
    total = 0
    for k, p in enumerate(chain):
        d = pair_date.get(p["serial"], p["date"])
        nav = "Top page"
        if k > 0:
            nav = f"« {shown_title(chain[k - 1])} | " + nav
        if k + 1 < len(chain):
            nav += f" | {shown_title(chain[k + 1])} »"
        text = "\n\n".join([nav, date_line(d, k), shown_title(p)] +
                            plain_blocks(p["body"], p["lang"]) + ["|", nav]) + "\n"
        digest = hashlib.sha1(f"{seed}-{p['id']}".encode()).hexdigest()[:6]
        p["path"] = os.path.join(f"{d.year:04d}", f"{d.month:02d}", f"{k:07d}_{digest}.txt")
        write_file(os.path.join(root, p["path"]), text)
        total += len(text.encode())
    return total


def mt_tags(tags):
    return ",".join(f'"{t}"' if " " in t else t for t in tags)


def mt_entry(p, k):
    d = p["date"]
    hour = d.hour % 12 or 12
    markdown = k % 2 == 0
    lines = [
        "AUTHOR: Bench Author",
        f"TITLE: {shown_title(p)}",
        f"BASENAME: {d.year:04d}/{d.month:02d}/{d.day:02d}/{p['id']}",
        "STATUS: Publish",
        "ALLOW COMMENTS: 1",
        f"CONVERT BREAKS: {'markdown' if markdown else '1'}",
        f"PRIMARY CATEGORY: {p['tags'][0]}",
    ] + [f"CATEGORY: {t}" for t in p["tags"]] + [
        f"DATE: {d.month:02d}/{d.day:02d}/{d.year:04d} {hour:02d}:{d.minute:02d}:{d.second:02d} "
        f"{'AM' if d.hour < 12 else 'PM'}",
        f"TAGS: {mt_tags(p['tags'])}",
        "-----",
        "BODY:",
        p["body"].strip() if markdown else "\n\n".join(plain_blocks(p["body"], p["lang"])),
        "-----",
        "--------",
    ]
    return "\n".join(lines) + "\n"


def write_mt_exports(posts, root):
    """Movable Type entries in date order, MT_ENTRIES_PER_FILE a file. Returns bytes written."""
    entries = sorted((p for p in posts if p["format"] == "mt"), key=lambda p: (p["date"], p["id"]))
    total = 0
    for start in range(0, len(entries), MT_ENTRIES_PER_FILE):
        text = "".join(mt_entry(p, start + i)
                       for i, p in enumerate(entries[start:start + MT_ENTRIES_PER_FILE]))
        path = os.path.join("export", f"mt-{start // MT_ENTRIES_PER_FILE:04d}.txt")
        for p in entries[start:start + MT_ENTRIES_PER_FILE]:
            p["path"] = path
        write_file(os.path.join(root, path), text)
        total += len(text.encode())
    return total


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of posts (half ja, half en)")
    ap.add_argument("dir", help="store directory to create (replaced if it exists)")
    ap.add_argument("--hugo", metavar="HUGO_DIR", help="also write a Hugo site over the same posts")
    ap.add_argument("--seed", type=int, default=20250430)
    ap.add_argument("--base-url", default="https://blog.example.org/")
    ap.add_argument("--tags", type=int, default=0, help="T more tags, one per post (default 0)")
    ap.add_argument("--mixed", action="store_true",
                    help="Markdown, page text and Movable Type export (no --hugo)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    if args.mixed and args.hugo:
        ap.error("--mixed writes no Hugo site")

    posts = make_posts(args.n, args.seed, args.tags)
    for p in posts:
        p["format"] = "md"
    if args.mixed:
        pair_formats(posts, args.seed)
    for d in [args.dir] + ([args.hugo] if args.hugo else []):
        if os.path.exists(d):
            shutil.rmtree(d)
    total = 0
    for p in posts:
        if p["format"] != "md":
            continue
        text = front_matter(p, hugo=False) + p["body"]
        total += len(text.encode())
        write_file(os.path.join(args.dir, post_relpath(p)), text)
        if args.hugo:
            write_file(os.path.join(args.hugo, "content", p["lang"], post_relpath(p)),
                       front_matter(p, hugo=True) + p["body"])
    if args.mixed:
        total += write_page_texts(posts, args.dir, args.seed)
        total += write_mt_exports(posts, args.dir)
    if args.hugo:
        write_file(os.path.join(args.hugo, "config.toml"),
                   HUGO_CONFIG.format(base_url=args.base_url))
        write_file(os.path.join(args.hugo, "layouts", "index.rss.xml"), HUGO_RSS)
    langs = {l: sum(1 for p in posts if p["lang"] == l) for l in ("ja", "en")}
    formats = ""
    if args.mixed:
        formats = "; " + ", ".join(f"{f} {sum(1 for p in posts if p['format'] == f)}"
                                   for f, _ in MIXED_SHARES)
    print(f"gen_store: {len(posts)} posts (ja {langs['ja']}, en {langs['en']}{formats}), "
          f"{total / len(posts):.0f} bytes/post on average, in {args.dir}"
          + (f"; Hugo site in {args.hugo}" if args.hugo else ""), file=sys.stderr)

if __name__ == "__main__":
    main(sys.argv[1:])
