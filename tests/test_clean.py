"""Cleaning: boilerplate, comment spam and markup go; the body stays; every offset-map segment copies the raw text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faultlines.clean import HtmlTooDeep, check_map, clean_html, clean_text, html_depth, load_rules, rules_from_dict

BODY = [
    "Militants shelled the northern districts of the city on Tuesday, according to local officials.",
    "Residents said at least nine people were killed and dozens more were wounded in the attack.",
    "The governor asked the central government to send more troops before the next assault.",
    "Aid groups warned that food and water were running short in the besieged neighbourhoods.",
]


def article(*extra_tail: str, head: tuple[str, ...] = ()) -> str:
    return "\n\n".join([*head, *BODY, *extra_tail]) + "\n"


def assert_exact(result, raw: str) -> None:
    assert check_map(result.text, raw, result.offset_map)
    for c, r, n in result.offset_map.segments:
        assert result.text[c:c + n] == raw[r:r + n]


def assert_body_kept(text: str) -> None:
    for para in BODY:
        assert para in text


def test_trailing_comment_section_with_pingbacks_is_dropped():
    tail = ["12 Comments"] + [f"  {i}. Pingback: cheap pills number {i}" for i in range(1, 13)]
    raw = article(*tail)
    res = clean_text(raw)
    assert_body_kept(res.text)
    assert "Comments" not in res.text and "Pingback" not in res.text
    assert any(rule == "comment-section" for _, _, rule in res.removed)
    assert_exact(res, raw)


def test_reply_form_section_is_dropped():
    raw = article("Leave a Reply Cancel reply", "Your email address will not be published.", "Name *",
                  "Post Comment")
    res = clean_text(raw)
    assert_body_kept(res.text)
    assert "Reply" not in res.text and "Post Comment" not in res.text


def test_comment_header_at_the_top_does_not_eat_the_body():
    raw = "Comments\n\n" + article()
    res = clean_text(raw)
    assert_body_kept(res.text)


def test_pingback_and_link_spam_lines_without_header():
    raw = article("Trackback: some blog about things", "1. best casino slots here", "cheap viagra and cialis now")
    res = clean_text(raw)
    assert_body_kept(res.text)
    for bad in ("Trackback", "casino", "viagra"):
        assert bad not in res.text


def test_single_spam_word_inside_a_sentence_is_kept():
    line = "The fighters seized a casino hotel on the river bank and used it as a base for two weeks."
    res = clean_text(article(line))
    assert line in res.text


@pytest.mark.parametrize("footer", [
    "To contact the editors of this site please visit:",
    "Subscribe to our weekly newsletter",
    "Share this:",
    "Follow us on Twitter: @example",
    "She tweets at @someone",
    "Example Weekly for more",
    "For more coverage of the region, see our special page.",
    "Copyright 2019 Example Media Group",
    "© Example Media. All rights reserved.",
    "https://example.org/about",
    "**[example.org/contact](https://example.org/contact)**",
    "This article was originally published by Example News.",
])
def test_site_boilerplate_line_is_dropped(footer):
    raw = article(footer)
    res = clean_text(raw)
    assert_body_kept(res.text)
    assert footer not in res.text
    assert res.text.rstrip().endswith(BODY[-1])
    assert_exact(res, raw)


def test_short_body_sentence_ending_like_furniture_is_kept():
    line = "The families asked for more."
    res = clean_text(article(line))
    assert line in res.text


@pytest.mark.parametrize("line", [
    "Copyright law was changed by parliament last year.",
    "The group's newsletter called for more attacks.",
    "The minister wrote on X: we will retake the city.",
    "Share prices fell sharply after the attack.",
    "Follow-up talks are planned for next week.",
    "Comments by the general angered the militia leaders.",
])
def test_body_lines_that_look_like_furniture_are_kept(line):
    assert line in clean_text(article(line)).text
    assert line in clean_text(article(head=(line,))).text


def test_to_contact_in_a_body_sentence_is_kept():
    line = "To contact the trapped villagers, the envoy crossed the front line twice in one week."
    assert line in clean_text(article(line)).text


def test_markdown_link_bold_italic_heading_escape():
    raw = ("# A title for the report\n\nThe [ministry](https://example.org/m) said **nine** soldiers died in "
           "*Example Times* reporting and \\$500 was paid.\n")
    res = clean_text(raw)
    assert res.text.startswith("A title for the report\n\n")
    assert "The ministry said nine soldiers died in Example Times reporting and $500 was paid." in res.text
    assert res.metadata["title"] == "A title for the report"
    assert_exact(res, raw)


def test_html_tags_and_entities_in_text():
    raw = "Rebels &amp; soldiers <b>clashed</b> near the bridge<br/> on Friday.\n"
    res = clean_text(raw)
    assert res.text == "Rebels & soldiers clashed near the bridge on Friday."
    assert_exact(res, raw)
    # the entity's "&" is synthetic: it maps to the next kept character, not into the entity
    amp = res.text.index("&")
    assert (amp, ) and all(not (c <= amp < c + n) for c, _, n in res.offset_map.segments)


def test_bylines_kept_and_reported():
    raw = "Published by Example Daily\n\nBy Jane Roe and John Doe\n\n12 March 2015\n\n" + article()
    res = clean_text(raw)
    assert res.text.startswith("Published by Example Daily")
    assert res.metadata["outlet"] == "Example Daily"
    assert res.metadata["author"] == "Jane Roe and John Doe"
    assert res.metadata["date"] == "12 March 2015"


def test_paragraphs_and_line_endings():
    raw = "First paragraph here.  \r\n\r\n\r\n\r\nSecond paragraph here.\r\nSame paragraph.\r\n"
    res = clean_text(raw)
    assert res.text == "First paragraph here.\n\nSecond paragraph here.\nSame paragraph."
    assert_exact(res, raw)


def test_offsets_map_clean_spans_back_to_raw():
    raw = "Share this:\n\n" + article("17 Comments", "1. Pingback: x")
    res = clean_text(raw)
    start = res.text.index("nine people")
    a, b = res.offset_map.span_to_raw(start, start + len("nine people"))
    assert raw[a:b] == "nine people"


def test_rules_are_data():
    rules = rules_from_dict({"line_rules": [{"name": "custom", "max_length": 50, "patterns": ["zzz marker.*"]}]})
    res = clean_text(article("ZZZ marker line"), rules=rules)
    assert "ZZZ" not in res.text
    assert "ZZZ" in clean_text(article("ZZZ marker line")).text  # not a shipped rule
    assert load_rules().line_rules  # the shipped file loads


def test_long_single_line_is_fast():
    raw = ("word " * 400_000) + "\n"
    res = clean_text(raw)
    assert len(res.text) == len(raw) - 2  # trailing space and newline
    assert_exact(res, raw)


# ------------------------------------------------------------------------------------------ trailing footer block

@pytest.mark.parametrize("sep,footer", [
    ("---", "To receive the Harbour Gazette bulletin, mail desk@harbour-gazette.example.net. Find us on Mastodon."),
    ("* * *", "The Northern Lantern is an independent news collective paid for by readers.\n\n"
              "Follow the Northern Lantern on Instagram for the latest updates."),
    ("***", "Valley Monitor is a non-profit publication based in the hills.\nWrite to us: tips@valley.example.com"),
    ("___", "Follow Valley Monitor on Bluesky and Telegram for the latest news."),
    ("——", "Riverside Courier, stories from the coast each week. Like us on Facebook."),
    ("=====", "Copyright 2021 Riverside Courier. Reprints by permission only."),
])
def test_footer_after_separator_is_dropped(sep, footer):
    raw = article(f"{sep}\n{footer}")
    res = clean_text(raw)
    assert_body_kept(res.text)
    assert res.text.endswith(BODY[-1])
    assert sep not in res.text
    assert any(rule == "footer-block" for _, _, rule in res.removed)
    assert_exact(res, raw)


def test_footer_then_comment_section_both_dropped():
    raw = article("---", "Sign up for the Lantern digest at www.lantern.example.org and follow us on X.",
                  "4 Comments", "1. Pingback: cheap casino chips", "Nice article, thanks")
    res = clean_text(raw)
    assert res.text.endswith(BODY[-1])
    for bad in ("---", "digest", "Comments", "Pingback", "thanks"):
        assert bad not in res.text
    assert_exact(res, raw)


@pytest.mark.parametrize("tail", [
    "The convoy reached the camp two days later, and the wounded were flown to the capital.",
    "Militants subscribe to a harsh ideology that rejects the border drawn after the war.",
    "Residents could follow the fighting on Telegram, where both sides posted videos.",
    "Lina Haddad is a student of history at the city university and a staff writer at the Lantern.",
])
def test_prose_after_a_section_break_is_kept(tail):
    raw = article("---", tail)
    res = clean_text(raw)
    assert_body_kept(res.text)
    assert res.text.endswith("---\n\n" + tail)
    assert_exact(res, raw)


def test_footer_block_needs_every_paragraph_to_be_boilerplate():
    tail = "The talks will resume in the spring, a spokesman said."
    raw = article("---", tail, "Follow us on Facebook.")
    res = clean_text(raw)
    assert res.text.endswith("---\n\n" + tail)  # the line rule still drops the lone footer line


def test_long_block_after_separator_is_not_a_footer():
    raw = "\n\n".join([BODY[0], "---", *BODY[1:], "Contact us at desk@example.org"]) + "\n"
    res = clean_text(raw)
    assert_body_kept(res.text)
    assert "---" in res.text


@pytest.mark.parametrize("line", [
    "To subscribe to the Valley Monitor newsletter, visit https://valley.example.com/join",
    "Follow the Harbour Gazette on Telegram.",
    "Riverside Courier, stories from the coast each week. Follow us on Instagram and YouTube.",
])
def test_broadened_footer_lines_are_dropped_without_separator(line):
    raw = article(line)
    res = clean_text(raw)
    assert line not in res.text
    assert res.text.endswith(BODY[-1])


@pytest.mark.parametrize("line", [
    "Protesters vowed to follow the march on Friday.",
    "To subscribe to that creed, recruits swore an oath before the commander.",
    "Follow the money on this front and you find the smugglers.",
])
def test_follow_and_subscribe_in_body_sentences_are_kept(line):
    assert line in clean_text(article(line)).text


def test_footer_rule_is_data():
    rules = rules_from_dict({"footer_block": {"separators": ["%%%"], "signals": ["zzz"], "min_position": 0.5}})
    raw = article("%%%", "Zzz club members only.")
    assert clean_text(raw, rules=rules).text.endswith(BODY[-1])
    assert "Zzz club" in clean_text(raw).text
    assert rules_from_dict({}).footer is None


# ------------------------------------------------------------------------------------------ property tests

FURNITURE = st.sampled_from([
    "Share this:", "Subscribe to our newsletter", "Pingback: a spam blog", "Copyright 2020 Someone",
    "https://example.com/x", "[link text](https://example.com)", "**bold words**", "*italic words*",
    "&amp; &#8217;", "<b>tag</b>", "   ", "\r\n", "# Heading here", "\\*escaped\\*", "3 Comments",
    "---", "* * *", "Follow the Example Post on Facebook.", "Write to us at a@example.org",
])
WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(WORDS, FURNITURE), max_size=25), st.lists(st.sampled_from(["\n", "\n\n", " "]),
                                                                        max_size=25))
def test_property_every_segment_maps_exactly(chunks, seps):
    raw = "".join(c + (seps[i] if i < len(seps) else "\n") for i, c in enumerate(chunks))
    res = clean_text(raw)
    assert_exact(res, raw)
    starts = [c for c, _, _ in res.offset_map.segments]
    assert starts == sorted(starts)
    for c, _, n in res.offset_map.segments:
        assert 0 <= c and c + n <= len(res.text)
    for i in range(0, len(res.text), 7):
        assert 0 <= res.offset_map.to_raw(i) <= len(raw)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(BODY), min_size=1, max_size=6),
       st.lists(st.sampled_from(["Share this:", "Subscribe to our newsletter", "Copyright 2020 Someone",
                                 "https://example.com/x", "Follow us on Facebook: Example"]), max_size=4))
def test_property_body_survives_inserted_furniture(body, furniture):
    paras = list(body)
    for i, f in enumerate(furniture):
        paras.insert((i * 3) % (len(paras) + 1), f)
    raw = "\n\n".join(paras)
    res = clean_text(raw)
    assert_exact(res, raw)
    for p in body:
        assert p in res.text
    for f in furniture:
        assert f not in res.text


# ------------------------------------------------------------------------------------------ HTML

PAGE = """<!DOCTYPE html><html><head><title>Clashes at the dam</title>
<meta name="author" content="Jane Roe"><meta property="og:site_name" content="Example Daily">
<meta property="article:published_time" content="2015-03-02"></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<article><h1>Clashes at the dam</h1>
<p>Fighters attacked the town of Alpha on Monday, and residents fled &amp; hid in the hills nearby.</p>
<p>The army said it <b>retook</b> the
   bridge after a long fight that lasted all night. Officials said more help would come soon.</p>
<p>Local leaders said the town&#8217;s market was burned and that twelve shops were lost in the fire.</p>
</article>
<div class="comments"><h3>3 Comments</h3><p>Great post, buy cheap viagra and casino chips here</p></div>
<footer>Copyright 2015 Example Daily. All rights reserved.</footer></body></html>"""


def test_clean_html_extracts_article_and_metadata():
    res = clean_html(PAGE)
    assert "Fighters attacked the town of Alpha on Monday" in res.text
    assert "residents fled & hid" in res.text
    assert "retook the bridge" in res.text
    for bad in ("viagra", "Copyright", "Home", "Comments"):
        assert bad not in res.text
    assert res.metadata["author"] == "Jane Roe"
    assert res.metadata["outlet"] == "Example Daily"
    assert res.metadata["date"] == "2015-03-02"
    assert_exact(res, PAGE)


def test_clean_html_offsets_point_into_the_source():
    res = clean_html(PAGE)
    for phrase in ("retook", "twelve shops", "Alpha on Monday"):
        i = res.text.index(phrase)
        a, b = res.offset_map.span_to_raw(i, i + len(phrase))
        assert PAGE[a:b] == phrase
    # most of the text is aligned (whitespace and entities are the only synthetic characters)
    aligned = sum(n for _, _, n in res.offset_map.segments)
    assert aligned > 0.9 * len(res.text)


def test_clean_html_refuses_deep_nesting_quickly():
    deep = "<html><body>" + "<div>" * 10_000 + "<p>text</p>" + "</div>" * 10_000 + "</body></html>"
    assert html_depth(deep, 50) > 50
    with pytest.raises(HtmlTooDeep):
        clean_html(deep, max_depth=500)


def test_html_depth_ignores_void_and_unclosed_paragraphs():
    flat = "<body>" + "<p>one<br>two<img src=x>" * 3000 + "</body>"
    assert html_depth(flat) <= 3
    assert html_depth("<div><div><span>x</span></div></div>") == 3


def test_clean_html_without_text_is_empty():
    assert clean_html("<html><body><script>var x = 1;</script></body></html>").text == ""


SENTENCE = st.lists(st.sampled_from(["army", "rebels", "fled", "the", "town", "&", "<", "café", "“quoted”", "—",
                                     "12", "killed", "near", "river", "a", "said", "O'Neil", "5%", "x>y"]),
                    min_size=12, max_size=30).map(" ".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SENTENCE, min_size=2, max_size=5), st.sampled_from(["b", "i", "a", "span"]))
def test_property_html_segments_copy_the_source(paragraphs, tag):
    import html as h

    body = "".join(f"<p>{h.escape(p.replace(' said', f' <{tag}>said</{tag}>'), quote=False)}</p>\n"
                   for p in paragraphs)
    body = body.replace(f"&lt;{tag}&gt;", f"<{tag}>").replace(f"&lt;/{tag}&gt;", f"</{tag}>")
    page = f"<html><head><title>t</title></head><body><article>{body}</article></body></html>"
    res = clean_html(page)
    assert_exact(res, page)
    if res.text:
        aligned = sum(n for _, _, n in res.offset_map.segments)
        assert aligned > 0.5 * len(res.text)
