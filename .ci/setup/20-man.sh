# man(1) renders the generated manual pages in tests (man-db, from Debian's packages).
if ! command -v man >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq man-db >/dev/null
fi
