# Sourced by `make test`: where the database tests find PostgreSQL.
export RMPERF_TEST_PG_URL="postgresql://rmperf:rmperf@127.0.0.1:${RMPERF_PG_PORT:-54329}/rmperf"
