# Chromium and its WebDriver for the console's browser tests (tests/it/console_browser.rs,
# which fail with a message when they cannot find them). Sourced by .ci/run; also usable by
# hand: `. .ci/setup/60-chromium.sh`. Installs Debian's `chromium chromium-driver` when
# either is missing.

axme_chromium_setup() {
    if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
        return 0
    fi
    echo "Chromium: installing Debian's chromium and chromium-driver"
    local sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
        chromium chromium-driver fonts-dejavu-core >/dev/null
}

axme_chromium_setup
