import psycopg


def test_fresh_database_is_empty_and_writable(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE probe (id int)")
        n = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname='public'").fetchone()[0]
    assert n == 1
