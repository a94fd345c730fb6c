"""The fake Graph fixtures of tests/graph (the community channel), shared here."""

from tests.graph.conftest import channel, client, community, graph

__all__ = ["channel", "client", "community", "graph"]
