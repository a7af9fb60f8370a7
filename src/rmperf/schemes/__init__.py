"""Appraisal schemes shipped with the product (考核方案模板).

The scheme format and its loader live in ``rmperf.core.scheme``; this package
only holds data: the templates in ``rmperf.schemes.templates``.
"""
