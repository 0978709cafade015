"""The migrations folder and the applied-migrations table: the history of a database.

`folder` reads and writes the folder (journal, snapshots, migration files), `ledger` the
table of applied migrations, `runner` runs a migration through the dialect's runtime.

A migrations folder holds, for one dialect:

    NNNN_<slug>.sql            up SQL, applied by `migrate`
    NNNN_<slug>.down.sql       reverse SQL, applied by `rollback` (absent for custom ones)
    meta/_journal.json         order + checksums, with a chained hash
    meta/NNNN_snapshot.json    the canonical schema after migration NNNN (`model.to_json`)

The journal is the order of history. Every entry carries the checksum of its up file and
a hash that covers the entry and the hash of the one before it; the journal's `head` is
the last of them. Two branches that each add a migration therefore both change `head`
and conflict in version control instead of silently forking the history, and a
hand-edited journal or migration file is detected (`check`, `migrate`).

File format. Statements are separated by a line `-- schemalens:statement`; a block may
still hold several statements (hand-written files), which are split with the dialect's
own tokenizer (pglast's scanner; SQLite's `complete_statement`) so that semicolons in
strings, dollar quotes and trigger bodies are safe. Markers, on their own line in a block:

    -- schemalens:no-transaction    run this block outside the transaction (PostgreSQL:
                                    CREATE INDEX CONCURRENTLY, VACUUM); it commits first
    -- schemalens:own-transaction   run this block alone in a transaction, after what comes
                                    before it has committed (VALIDATE CONSTRAINT)
    -- schemalens:foreign-keys-off  SQLite: switch foreign keys off around the whole
                                    migration (table rebuilds); checked before commit
    -- schemalens:irreversible ...  (down files) rollback refuses, the text says why

Each migration runs in one transaction and its row in `schemalens_migrations` is written
in that same transaction, so a failure or a killed process leaves no trace of it.
Concurrent runs are serialized by a lock taken before anything else: a PostgreSQL
session advisory lock, and for SQLite an OS file lock next to the database file (both
vanish with the process that holds them, so `kill -9` never leaves a stale lock).
"""
