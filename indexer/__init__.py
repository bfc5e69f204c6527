"""policy-index indexer: crawl, normalize, classify, store and index policy documents."""

__version__ = "0.1.0"
