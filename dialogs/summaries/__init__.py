"""要約と検索: the channel's threads summarised in Japanese (what was asked, the answer that
says the most, 未回答 / 回答あり / 解決済み), search across them and who to ask. Offline: Sudachi
and arithmetic, no model. See docs/summaries.md.

- model.py: `ThreadStatus`, `ThreadSynopsis` (what the digest and cards show);
- service.py: `summarise_channel`, `similar_solved`, `trending_keywords` (cached per thread),
  and `channel_threads` to ask a channel read once several times (the weekly digest);
- search.py: `search_threads`, `who_to_ask`; analysis.py: one thread read;
- text.py: NFKC, chat sentences, Sudachi and the user dictionary; scan.py: the one pass over
  the morphemes (sentence ends, compounds);
- store.py: bulk reads and the 解決済み flag (`thread_resolution`);
- periods.py, handlers.py: the commands 要約 / 検索 / 誰に聞く and the button 解決済みにする.
"""

from __future__ import annotations

from dialogs.summaries.model import Answerer, ThreadStatus, ThreadSynopsis
from dialogs.summaries.service import similar_solved, summarise_channel, trending_keywords

__all__ = [
    "Answerer",
    "ThreadStatus",
    "ThreadSynopsis",
    "similar_solved",
    "summarise_channel",
    "trending_keywords",
]
