"""Repositories: async functions over an AsyncSession. They flush; the caller commits."""
