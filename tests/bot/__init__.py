"""The botbuilder edge: adapter, HTTP surface, auth, deliverer."""
