# A real Secret Service for the keyring tests (tests/it/cli_keyring.rs): each test starts
# gnome-keyring on its own D-Bus session (dbus-run-session) and checks what the CLI stored with
# secret-tool and dbus-send. Sourced by .ci/run; installs Debian's packages only when a tool is
# missing (the tests fail, saying so, when one is).

axme_keyring_setup() {
    local tool missing="" sudo_cmd=""
    for tool in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
        command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
    done
    [ -n "$missing" ] || return 0
    echo "keyring tests: installing gnome-keyring, libsecret-tools and dbus (missing:$missing)"
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
        gnome-keyring libsecret-tools dbus >/dev/null
}

axme_keyring_setup
unset -f axme_keyring_setup
