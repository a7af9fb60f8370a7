"""Runs (考核计算批次): a scheme evaluated on a period, stored, reported, explained and compared."""
