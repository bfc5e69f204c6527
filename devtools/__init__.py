"""Tools for developing policy-index (not installed): the sample corpus, its renderer and
expander, the search evaluation harness."""
