"""週次ダイジェスト: a weekly post in each channel where a coordinator turned it on
(docs/digest.md).

- settings.py: a channel's settings (`DigestSettings`, `Section`); schedule.py: when a digest is
  due (`latest_due`, `next_due`, `decide`: holidays, merged weeks, catch-up after downtime);
- store.py: the claim of (channel, due day) and where each digest stands; posting.py:
  `post_digest` (claim, build, enqueue in one transaction) and `compose`;
- content.py / threads.py: what a digest says (polls, events, impressions; the thread sections
  from dialogs.summaries); views.py: worded in the channel's language; markdown.py;
- handlers.py: 設定 and its card, ダイジェスト (preview in the personal chat), the tasks
  `digest.post` and `digest.check`; resolver.py: sends with an unknown outcome, via Graph;
- __main__.py: `python -m dialogs.digest preview --channel …` prints a digest as Markdown.
"""
