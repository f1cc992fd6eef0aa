"""The closed vocabulary of rule categories.

A rule must name one of these categories; users select or ignore rules by
category (``--ignore cookie-notice``). Categories marked opt-in belong to rules
that are shipped disabled (``enabled: false``) because most users want that
text kept: for example the article's own headline and byline.
"""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "login-prompt": "Sign-in / log-in prompts ('Already a subscriber? Log in.')",
    "paywall": "Paywall and access-verification notices ('This article is for subscribers')",
    "subscription-nag": "Offers to subscribe or buy access ('Want all of X? Subscribe.')",
    "javascript-notice": "Notices that JavaScript or the browser is needed",
    "cookie-notice": "Cookie and consent banners",
    "newsletter": "Newsletter and e-mail sign-up boxes",
    "social-share": "Share / follow buttons and their counters",
    "advertisement": "Advertisement labels and sponsored-content markers",
    "navigation": "Menus, breadcrumbs, skip links, pagination",
    "related-links": "Related / recommended / 'read more' headline lists",
    "tag-cloud": "Tag lists and tag clouds",
    "source-credit": "Source and syndication credit lines ('Source: X - site.com')",
    "comments": "Comment-section headers and prompts",
    "legal": "Copyright lines, terms and licence footers",
    "media-credit": "Image/video credits and player notices glued to the text",
    "leading-fragment": "Cut-off remains a scraper leaves at the start of the text",
    "trailing-fragment": "Cut-off remains a scraper leaves at the end of the text",
    "page-layout": "Page profile: lines outside the article region of a full web page",
    "headline": "Opt-in: the article's own headline, byline, dateline and captions",
    "language": "Language detection: which language packs run (removes nothing)",
    "normalisation": "Repairs of mojibake and broken characters (ftfy)",
    "whitespace": "Blank lines and spaces left over by other removals",
}

#: Categories whose rules are disabled unless selected explicitly.
OPT_IN_CATEGORIES = frozenset({"headline"})
