"""Pay, grades and consequences: the I/O around ``rmperf.core.pay`` (stored runs in, proposals and ledgers out)."""
