"""スレッド取り込み: a faithful local copy of the channel's threads (docs/threads.md).

- capture.py: the live path (`LiveMessage`, `capture_message/edit/delete/undelete`,
  `ThreadCapture` for the edge);
- sync.py: history and repair from Graph (`ChannelSync.run` → `SyncReport`);
- tasks.py: the scheduled task `threads.sync` and the `ThreadSyncWorker`;
- store.py / state.py: the tables (`thread_messages`, `threads`, `history_available`);
- body.py: Teams HTML as clean text; retention.py: `RETENTION_MONTHS`;
- __main__.py: `python -m dialogs.threads sync|status`.
"""
