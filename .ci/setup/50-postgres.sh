# PostgreSQL for the PostgreSQL store's tests, which read AXME_TEST_PG_URL (a role that may
# CREATE DATABASE; each test makes its own database and drops it). Sourced by .ci/run; also
# usable by hand: `. .ci/setup/50-postgres.sh`.
#   1. AXME_TEST_PG_URL already set and answering: nothing to do.
#   2. A server on 127.0.0.1:5432 (pg_isready): use it as postgres (trust auth).
#   3. Else install Debian's `postgresql` if missing, and start a throwaway cluster with
#      initdb/pg_ctl in a temp dir on a free port (trust auth, loopback only).

axme_pg_setup() {
    local bin port dir
    if [ -n "${AXME_TEST_PG_URL:-}" ] && command -v psql >/dev/null 2>&1 \
        && psql "$AXME_TEST_PG_URL" -qAtc 'select 1' >/dev/null 2>&1; then
        return 0
    fi
    if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
        export AXME_TEST_PG_URL="postgres://postgres@127.0.0.1:5432/postgres"
        echo "PostgreSQL: using the server on 127.0.0.1:5432"
        return 0
    fi
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        echo "PostgreSQL: installing Debian's postgresql"
        local sudo_cmd=""
        [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
        $sudo_cmd apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
        # The package may have started its own cluster on 5432.
        if "$bin/pg_isready" -q -h 127.0.0.1 -p 5432; then
            export AXME_TEST_PG_URL="postgres://postgres@127.0.0.1:5432/postgres"
            echo "PostgreSQL: using the packaged server on 127.0.0.1:5432"
            return 0
        fi
    fi
    port=55432
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    dir=$(mktemp -d /tmp/axme-pg.XXXXXX)
    local run=()
    if [ "$(id -u)" -eq 0 ]; then
        # initdb refuses to run as root.
        chown postgres:postgres "$dir"
        run=(runuser -u postgres --)
    fi
    "${run[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        return 1
    }
    "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
        "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir" start >/dev/null || {
        cat "$dir/server.log" >&2
        return 1
    }
    export AXME_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL: started a throwaway cluster in $dir on 127.0.0.1:$port"
}

axme_pg_setup
