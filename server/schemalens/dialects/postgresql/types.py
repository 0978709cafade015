"""Facts of PostgreSQL's type grammar that both the file parser and normalize need."""

# INTERVAL's field restriction as the parser encodes it (a typmod bit mask, see
# PostgreSQL's datetime.h), and how format_type() prints it.
INTERVAL_FIELDS = {
    1 << 2: "year", 1 << 1: "month", 1 << 3: "day", 1 << 10: "hour", 1 << 11: "minute",
    1 << 12: "second", (1 << 2) | (1 << 1): "year to month", (1 << 3) | (1 << 10): "day to hour",
    (1 << 3) | (1 << 10) | (1 << 11): "day to minute",
    (1 << 3) | (1 << 10) | (1 << 11) | (1 << 12): "day to second",
    (1 << 10) | (1 << 11): "hour to minute", (1 << 10) | (1 << 11) | (1 << 12): "hour to second",
    (1 << 11) | (1 << 12): "minute to second",
}
