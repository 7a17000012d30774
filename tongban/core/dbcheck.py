"""`python -m tongban.core.dbcheck URL`: fail loudly when the database server cannot be reached.

Connects to the server's maintenance database (the test run creates its own database there).
"""

import sys

import dj_database_url


def main(url: str) -> int:
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        print(f"dbcheck: not a PostgreSQL URL: {url}", file=sys.stderr)
        return 2
    import psycopg

    try:
        with psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=5,
        ) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.OperationalError as exc:
        print(
            f"dbcheck: cannot reach PostgreSQL at {config['HOST']}:{config['PORT']}: {exc}",
            file=sys.stderr,
        )
        return 1
    print(f"dbcheck: PostgreSQL {version} reachable")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
