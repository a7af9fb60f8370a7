"""The use cases of rmperf as functions of a context and values (see README.md): what the command line and the
web application call alike."""
