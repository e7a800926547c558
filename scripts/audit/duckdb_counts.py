"""Per-ward distinct integrations and account activations from an ehb archive, with DuckDB.

Usage: python3 duckdb_counts.py ARCHIVE.ndjson.zst
Prints one JSON object: the seconds the query took and, per ward, [integrated, accounts].
The archive's lines are {"seq", "recorded_at", "subject", "msg_id", "event" | "payload_hex"};
messages that are not JSON ("payload_hex") and unknown types count for nothing, as in the fold.
"""

import json
import sys
import time

import duckdb

path = sys.argv[1]
con = duckdb.connect()
started = time.time()
rows = con.execute(
    """
    SELECT event->>'$.ward' AS ward,
           count(DISTINCT CASE WHEN event->>'$.type' = 'card.integrated'
                               THEN event->>'$.data.citizen_ref' END) AS integrated,
           count(DISTINCT CASE WHEN event->>'$.type' = 'account.activated'
                               THEN event->>'$.data.citizen_ref' END) AS accounts
    FROM read_ndjson(?, columns = {'seq': 'UBIGINT', 'event': 'JSON'}, compression = 'zstd')
    WHERE event IS NOT NULL
    GROUP BY ward
    ORDER BY ward
    """,
    [path],
).fetchall()
seconds = time.time() - started
print(json.dumps({"seconds": seconds, "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
                  "wards": {w: [i, a] for w, i, a in rows}}))
