#!/usr/bin/env python3
"""The writer's statement as the table grows (issue 17): fills a fresh profiles-like table
with N rows in batches of 5,000, one transaction per batch, by one of four methods, and
prints records/s for every slice, so a method whose cost grows with the table shows it.

    python3 bench/writer_statement.py <database URL> <method> [N] [slice]

Methods:
  unnest       the writer's statement (EntityTableWriter+SQL.swift): INSERT … SELECT FROM
               unnest(text arrays) WHERE NOT EXISTS (tombstone) ON CONFLICT … WHERE newer
  unnest-sort  the same with ORDER BY the id, so the batch walks the unique index in order
  copy         COPY into a temporary staging table, then one INSERT … SELECT FROM staging
               with the same tombstone and newer-wins rules; the staging table emptied
  copy-sort    the same, the merge ordered by the id

Rows: random UUID ids (as the CRM's), a modified time, five text/date fields with ~10%
NULLs, generated from a fixed seed. The arrays travel inline in the SQL text (psql has no
out-of-line parameters); the server lexing them is about 1-2% of the statement
(docs/postgres-batch-upsert.md). Each slice is one psql session, timed from its start to
its end; the script is generated before the clock starts. Beside the rate, the server's
CPU per 1,000 rows, the WAL written per row and the checkpoints (the postmaster and all its processes, ended backends included, from
/proc: the steadier figure on a shared machine; needs the same machine and user rights).
"""
import os
import random
import subprocess
import sys
import time
import uuid

SCHEMA = """
DROP TABLE IF EXISTS profiles_cmp;
DROP TABLE IF EXISTS tombstones_cmp;
CREATE TABLE profiles_cmp (
    id bigserial PRIMARY KEY, crm_id text UNIQUE, first_name text, last_name text, email text,
    phone text, birth_date date, crm_modified_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE tombstones_cmp (
    target_table text NOT NULL, crm_id text NOT NULL, deleted_at timestamptz NOT NULL,
    PRIMARY KEY (target_table, crm_id));
"""
COLUMNS = "crm_id, crm_modified_at, first_name, last_name, email, phone, birth_date"
CASTS = "c0, c1::timestamptz, c2, c3, c4, c5, c6::date"
RULES = """WHERE NOT EXISTS (SELECT 1 FROM tombstones_cmp d
    WHERE d.target_table = 'profiles' AND d.crm_id = u.c0 AND d.deleted_at >= u.c1::timestamptz)
{order}ON CONFLICT (crm_id) DO UPDATE SET crm_modified_at = EXCLUDED.crm_modified_at,
    first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, email = EXCLUDED.email,
    phone = EXCLUDED.phone, birth_date = EXCLUDED.birth_date
WHERE t.crm_modified_at IS NULL OR t.crm_modified_at < EXCLUDED.crm_modified_at;"""


def server_cpu_seconds(postmaster):
    """utime+stime of the postmaster with its ended children, plus its live children."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(pid):
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()

    own = fields(postmaster)
    total = sum(int(v) for v in own[11:15])
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != postmaster:
            try:
                child = fields(entry)
            except OSError:
                continue
            if int(child[1]) == postmaster:
                total += int(child[11]) + int(child[12])
    return total / tick


def wal_state(url):
    """WAL position in bytes and checkpoints so far."""
    out = subprocess.run(["psql", url, "-tAXc",
                          "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, "
                          "checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"],
                         check=True, capture_output=True, text=True).stdout.strip().split("|")
    return int(out[0]), int(out[1])


def rows(rng, count):
    for _ in range(count):
        def maybe(value):
            return None if rng.random() < 0.1 else value
        n = rng.randrange(1_000_000)
        yield [str(uuid.UUID(int=rng.getrandbits(128), version=4)),
               f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:00:00Z",
               maybe(f"First{n}"), maybe(f"Last{n}"), maybe(f"person{n}@example.com"),
               maybe(f"+1 555 {n % 10000:04d}"), maybe(f"19{rng.randrange(40, 100)}-01-{rng.randrange(1, 29):02d}")]


def array(values):
    return "'{" + ",".join("NULL" if v is None else '"' + v + '"' for v in values) + "}'::text[]"


def batch_sql(method, batch):
    order = "ORDER BY c0 " if method.endswith("-sort") else ""
    if method.startswith("unnest"):
        arrays = ", ".join(array([row[i] for row in batch]) for i in range(7))
        return (f"INSERT INTO profiles_cmp AS t ({COLUMNS}) SELECT {CASTS} FROM unnest({arrays}) "
                f"AS u(c0, c1, c2, c3, c4, c5, c6)\n" + RULES.format(order=order) + "\n")
    lines = "\n".join("\t".join("\\N" if v is None else v for v in row) for row in batch)
    return ("BEGIN;\nCOPY staging FROM STDIN;\n" + lines + "\n\\.\n"
            f"INSERT INTO profiles_cmp AS t ({COLUMNS}) SELECT {CASTS} FROM staging u\n"
            + RULES.format(order=order) + "\nDELETE FROM staging;\nCOMMIT;\n")


def main():
    url, method = sys.argv[1], sys.argv[2]
    total = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    slice_size = int(sys.argv[4]) if len(sys.argv) > 4 else 100_000
    batch_size = 5000
    subprocess.run(["psql", url, "-qX", "-v", "ON_ERROR_STOP=1", "-c", SCHEMA], check=True)
    data_directory = subprocess.run(["psql", url, "-tAXc", "SHOW data_directory"], check=True,
                                    capture_output=True, text=True).stdout.strip()
    with open(os.path.join(data_directory, "postmaster.pid")) as handle:
        postmaster = int(handle.readline())
    rng = random.Random(17)
    done = 0
    first = None
    while done < total:
        count = min(slice_size, total - done)
        data = list(rows(rng, count))
        script = ""
        if method.startswith("copy"):
            script += "CREATE TEMP TABLE staging (c0 text, c1 text, c2 text, c3 text, c4 text, c5 text, c6 text);\n"
        for start in range(0, count, batch_size):
            script += batch_sql(method, data[start:start + batch_size])
        cpu = server_cpu_seconds(postmaster)
        wal, checkpoints = wal_state(url)
        started = time.monotonic()
        subprocess.run(["psql", url, "-qX", "-v", "ON_ERROR_STOP=1"], input=script.encode(), check=True,
                       stdout=subprocess.DEVNULL)
        seconds = time.monotonic() - started
        time.sleep(0.5)  # the session's backend exits and is reaped into the postmaster's cutime
        cpu = server_cpu_seconds(postmaster) - cpu
        wal_after, checkpoints_after = wal_state(url)
        done += count
        rate = count / seconds
        first = first or rate
        print(f"{method}\t{done}\t{rate:.0f} rows/s\t{rate / first:.2f} of the first\t"
              f"server {cpu * 1_000_000 / count:.1f} CPU-ms per 1k rows\t"
              f"WAL {(wal_after - wal) / count:.0f} B/row\t{checkpoints_after - checkpoints} checkpoints", flush=True)


if __name__ == "__main__":
    main()
