# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_axme_global_optspecs
    string join \n context= base-url= api-key= json o/output= color= q/quiet v/verbose h/help V/version
end

function __fish_axme_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_axme_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_axme_using_subcommand
    set -l cmd (__fish_axme_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c axme -n "__fish_axme_needs_command" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_needs_command" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_needs_command" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_needs_command" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_needs_command" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_needs_command" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_needs_command" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_needs_command" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_needs_command" -s V -l version -d 'Print version'
complete -c axme -n "__fish_axme_needs_command" -f -a "login" -d 'Sign in to a gateway and store the credentials in a context'
complete -c axme -n "__fish_axme_needs_command" -f -a "logout" -d 'Forget the session and keys of the current context'
complete -c axme -n "__fish_axme_needs_command" -f -a "whoami" -d 'Show who the current credentials act as'
complete -c axme -n "__fish_axme_needs_command" -f -a "status" -d 'Check that the gateway is reachable and how fast it answers'
complete -c axme -n "__fish_axme_needs_command" -f -a "doctor" -d 'Check config, secret storage, connectivity and credentials, one line per check'
complete -c axme -n "__fish_axme_needs_command" -f -a "context" -d 'Manage contexts: named gateways with their credentials'
complete -c axme -n "__fish_axme_needs_command" -f -a "intents" -d 'Send, inspect and watch intents'
complete -c axme -n "__fish_axme_needs_command" -f -a "scenarios" -d 'Validate and apply scenario bundles'
complete -c axme -n "__fish_axme_needs_command" -f -a "agents" -d 'List agents and run one in the terminal'
complete -c axme -n "__fish_axme_needs_command" -f -a "tasks" -d 'Human tasks waiting for you: list, approve, reject, submit'
complete -c axme -n "__fish_axme_needs_command" -f -a "inbox" -d 'Your inbox: threads finished intents left for you (reply_to); reply in them'
complete -c axme -n "__fish_axme_needs_command" -f -a "examples" -d 'Run the built-in examples end to end'
complete -c axme -n "__fish_axme_needs_command" -f -a "open" -d 'Open the gateway\'s web console (or an intent in it) in the browser'
complete -c axme -n "__fish_axme_needs_command" -f -a "server" -d 'Run the embedded AXP gateway in the foreground'
complete -c axme -n "__fish_axme_needs_command" -f -a "bench" -d 'Measure the gateway\'s throughput and latency'
complete -c axme -n "__fish_axme_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c axme -n "__fish_axme_needs_command" -f -a "man" -d 'Print a manual page, or write them all (--out-dir)'
complete -c axme -n "__fish_axme_needs_command" -f -a "version" -d 'Print the version of axme'
complete -c axme -n "__fish_axme_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand login" -l email -d 'Email address to send the one-time code to (prompted for on a terminal)' -r
complete -c axme -n "__fish_axme_using_subcommand login" -l code -d 'The one-time code of an earlier `axme login --email EMAIL --no-input`' -r
complete -c axme -n "__fish_axme_using_subcommand login" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand login" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand login" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand login" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand login" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand login" -l no-input -d 'Never prompt or read stdin: with --email, send the code and stop (finish with --code)'
complete -c axme -n "__fish_axme_using_subcommand login" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand login" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand login" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand logout" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand logout" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand logout" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand logout" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand logout" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand logout" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand logout" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand logout" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand whoami" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand whoami" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand whoami" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand whoami" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand whoami" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand whoami" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand whoami" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand whoami" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand status" -l samples -d 'Health checks to time (the latency shown is the median)' -r
complete -c axme -n "__fish_axme_using_subcommand status" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand status" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand status" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand status" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand status" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand status" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand status" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand doctor" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand doctor" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand doctor" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand doctor" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand doctor" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand doctor" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand doctor" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand doctor" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -f -a "list" -d 'List the stored contexts (the active one is marked with *)'
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -f -a "show" -d 'Show the effective context: what a command would use now, and where each value came from'
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -f -a "use" -d 'Make a stored context the active one'
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -f -a "set" -d 'Create or update a context (takes the global --base-url and --api-key as values to store)'
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -f -a "delete" -d 'Delete a context and its secrets'
complete -c axme -n "__fish_axme_using_subcommand context; and not __fish_seen_subcommand_from list show use set delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from list" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from list" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from list" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from show" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from show" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from show" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from show" -l show-key -d 'Print the API key in full (it is masked otherwise)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from show" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from use" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from use" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from use" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from use" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from use" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from use" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from use" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from use" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l org-id -d 'Organization id' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l workspace-id -d 'Workspace id' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l owner-agent -d 'Agent address requests act for (sent as x-owner-agent)' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l environment -d 'Free-form environment label (e.g. staging, production)' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l actor-token -d 'Account session token (normally stored by `axme login`)' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l unset -d 'Clear a stored field' -r -f -a "org-id\t''
workspace-id\t''
owner-agent\t''
environment\t''
api-key\t''
actor-token\t''
refresh-token\t''"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l use -d 'Also make it the active context'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from delete" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from delete" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from delete" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from delete" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from delete" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the stored contexts (the active one is marked with *)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the effective context: what a command would use now, and where each value came from'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make a stored context the active one'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "set" -d 'Create or update a context (takes the global --base-url and --api-key as values to store)'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a context and its secrets'
complete -c axme -n "__fish_axme_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -f -a "send" -d 'Send an intent to an agent (prints its id; --wait or --watch follows it to the end)'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -f -a "get" -d 'Show one intent'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -f -a "list" -d 'List intents, newest first'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -f -a "watch" -d 'Follow an intent\'s lifecycle live until it ends'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -f -a "events" -d 'Print an intent\'s recorded lifecycle events'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -f -a "cancel" -d 'Cancel an intent that has not ended yet'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -f -a "resume" -d 'Resume a waiting intent: complete it, or fail it, with data'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -f -a "retry" -d 'Send a new intent with the same target and payload as a failed or canceled one'
complete -c axme -n "__fish_axme_using_subcommand intents; and not __fish_seen_subcommand_from send get list watch events cancel resume retry help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l to -d 'Receiving agent: agent://org/workspace/name, or a bare name in your workspace' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l type -d 'Intent type (default: intent.ask.v1)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l payload -d 'Payload: inline JSON, @FILE, or - for stdin' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l idempotency-key -d 'Idempotency key: the same key sends at most one intent, so a CI step can be retried (one is generated and printed when omitted)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l deadline -d 'Give up after this long, e.g. 30s, 10m, 2h (the intent ends TIMED_OUT)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l wait -d 'Wait until the intent ends; the exit code tells how (0 COMPLETED, 3 FAILED, 4 TIMED_OUT, 5 CANCELED)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l watch -d 'Like --wait, printing each lifecycle event as it happens'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from get" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from get" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from get" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from get" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from get" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from get" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -l status -d 'Only intents in this status (e.g. WAITING, FAILED)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -l to-agent -d 'Only intents sent to this agent' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -l limit -d 'At most this many (1-500; with --all, the page size)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -l cursor -d 'Continue from the cursor a previous page printed' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -l all -d 'Every page: follow the cursors to the end'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -l since -d 'Start after this event sequence number (0 = from the beginning)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -l timeout -d 'Stop watching after this long (exit 1); without it, watch until the intent ends or Ctrl-C, waiting out a gateway that is down' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -l exit-status -d 'Exit with the intent\'s outcome code (3 FAILED, 4 TIMED_OUT, 5 CANCELED) instead of 0'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from events" -l since -d 'Only events after this sequence number' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from events" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from events" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from events" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from events" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from events" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from events" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from events" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from events" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from events" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from cancel" -l reason -d 'Why, recorded in the intent\'s events' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from cancel" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from cancel" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from cancel" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from cancel" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from cancel" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from cancel" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from cancel" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from cancel" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -l action -d 'Complete the intent or fail it' -r -f -a "complete\t''
fail\t''"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -l data -d 'Result (or error details): inline JSON, @FILE, or - for stdin' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -l reason -d 'Human-readable reason' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from retry" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from retry" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from retry" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from retry" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from retry" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from retry" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from retry" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from retry" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from retry" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from help" -f -a "send" -d 'Send an intent to an agent (prints its id; --wait or --watch follows it to the end)'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from help" -f -a "get" -d 'Show one intent'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from help" -f -a "list" -d 'List intents, newest first'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from help" -f -a "watch" -d 'Follow an intent\'s lifecycle live until it ends'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from help" -f -a "events" -d 'Print an intent\'s recorded lifecycle events'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Cancel an intent that has not ended yet'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Resume a waiting intent: complete it, or fail it, with data'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from help" -f -a "retry" -d 'Send a new intent with the same target and payload as a failed or canceled one'
complete -c axme -n "__fish_axme_using_subcommand intents; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -f -a "validate" -d 'Check a scenario bundle and report errors with their JSON paths'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -f -a "apply" -d 'Provision the bundle\'s agents and start its intent'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and not __fish_seen_subcommand_from validate apply help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from validate" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from validate" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from validate" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from validate" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from validate" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from validate" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from apply" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from apply" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from apply" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from apply" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from apply" -s w -l watch -d 'Follow the started intent live until it ends'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from apply" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check a scenario bundle and report errors with their JSON paths'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Provision the bundle\'s agents and start its intent'
complete -c axme -n "__fish_axme_using_subcommand scenarios; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -f -a "list" -d 'List the agents of the workspace'
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -f -a "show" -d 'Show one agent'
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -f -a "listen" -d 'Act as an agent: receive its intents and answer them (with --exec, by a command)'
complete -c axme -n "__fish_axme_using_subcommand agents; and not __fish_seen_subcommand_from list show listen help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from list" -l limit -d 'At most this many' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from list" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from list" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from list" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from show" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from show" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from show" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from show" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -l exec -d 'Run this shell command for each delivered intent' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -l concurrency -d 'Run up to N handlers at the same time' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -l kill-after -d 'How long a handler has between SIGTERM and SIGKILL when its intent ends under it' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -l once -d 'Stop after the first intent'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the agents of the workspace'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one agent'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "listen" -d 'Act as an agent: receive its intents and answer them (with --exec, by a command)'
complete -c axme -n "__fish_axme_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -f -a "list" -d 'List the tasks waiting for you, with their allowed outcomes'
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -f -a "show" -d 'Show one task'
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -f -a "approve" -d 'Approve a task'
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -f -a "reject" -d 'Reject a task'
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -f -a "submit" -d 'Answer a task with any of its allowed outcomes'
complete -c axme -n "__fish_axme_using_subcommand tasks; and not __fish_seen_subcommand_from list show approve reject submit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from list" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from list" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from list" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from show" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from show" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from show" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from show" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from approve" -s c -l comment -d 'Comment recorded with the decision' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from approve" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from approve" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from approve" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from approve" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from approve" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from approve" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from approve" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from approve" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from approve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from reject" -s c -l comment -d 'Comment recorded with the decision' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from reject" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from reject" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from reject" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from reject" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from reject" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from reject" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from reject" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from reject" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from reject" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -l outcome -d 'One of the task\'s allowed outcomes' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -l data -d 'Extra data for the result: inline JSON, @FILE, or - for stdin' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -s c -l comment -d 'Comment recorded with the decision' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from submit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the tasks waiting for you, with their allowed outcomes'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one task'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from help" -f -a "approve" -d 'Approve a task'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from help" -f -a "reject" -d 'Reject a task'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from help" -f -a "submit" -d 'Answer a task with any of its allowed outcomes'
complete -c axme -n "__fish_axme_using_subcommand tasks; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -f -a "list" -d 'List your inbox threads, most recently changed first'
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -f -a "show" -d 'Show one thread with its messages'
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -f -a "reply" -d 'Reply in a thread (a new thread id starts one)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and not __fish_seen_subcommand_from list show reply help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -l status -d 'Only threads in this state' -r -f -a "pending\t''
active\t''
done\t''"
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -l owner -d 'Whose inbox: an agent address or name (an admin may name any agent of its workspace); default: your own' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from show" -l owner -d 'Whose inbox: an agent address or name (an admin may name any agent of its workspace); default: your own' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from show" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from show" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from show" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from show" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -s m -l message -d 'The reply' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -l owner -d 'Whose inbox: an agent address or name (an admin may name any agent of its workspace); default: your own' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from reply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "list" -d 'List your inbox threads, most recently changed first'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one thread with its messages'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "reply" -d 'Reply in a thread (a new thread id starts one)'
complete -c axme -n "__fish_axme_using_subcommand inbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -f -a "list" -d 'List the built-in examples'
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -f -a "run" -d 'Run an example end to end (starts a throwaway gateway when none is reachable)'
complete -c axme -n "__fish_axme_using_subcommand examples; and not __fish_seen_subcommand_from list run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from list" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from list" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from list" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from run" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from run" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from run" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from run" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from run" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from run" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the built-in examples'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run an example end to end (starts a throwaway gateway when none is reachable)'
complete -c axme -n "__fish_axme_using_subcommand examples; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand open" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand open" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand open" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand open" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand open" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand open" -l print -d 'Print the URL instead of opening a browser'
complete -c axme -n "__fish_axme_using_subcommand open" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand open" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand open" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand open" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l listen -d 'Address to listen on (port 0 picks a free port; the banner shows it). Beyond loopback it needs --tls-cert/--tls-key (or --insecure-http)' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l db -d 'The database: a SQLite file (PATH or sqlite://PATH) [default: <platform data dir>/axme.db], or PostgreSQL (postgres://user@host:port/db[?sslmode=require]), which several nodes may share. Also AXME_DB_URL' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l node-id -d 'This node\'s name when several share one PostgreSQL database [default: the host name and process id]' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l sync -d 'Durability of each commit' -r -f -a "normal\t'WAL + synchronous=NORMAL: commits survive a crash of the process (kill -9)'
full\t'WAL + synchronous=FULL: commits also survive power loss'"
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l sse-linger-ms -d 'How long (ms) a stream that sent something stays open for more before it ends' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l heartbeat-seconds -d 'Seconds between heartbeat comments on idle streams' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l delivery-attempt-interval -d 'How long a new intent may wait for a live listener before its first delivery attempt counts as failed (stream/poll agents)' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l delivery-retry-interval -d 'Window of each later delivery attempt; after max_delivery_attempts (default 3) failed attempts the intent ends FAILED (intent.delivery_failed)' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l push-retry-interval -d 'First retry delay of a failed HTTP push; later retries wait 4x and 20x as long' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l push-timeout -d 'Timeout of one HTTP push request' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l redeliver-after -d 'The answer lease: an intent handed to an agent (stream or push) whose handler has not answered (progress, resume, resolve) within this time is delivered again, to a listener of the same address, and again after each further lease' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l time-scale -d 'Multiplies every duration a scenario gives in seconds (step deadlines, retry delays, reminders, delay steps); e.g. 0.01 turns 120 s into 1.2 s for a demo or a test' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l smtp-url -d 'SMTP relay that mails login codes: smtp://host:port (plain), smtp+starttls://host:port or smtps://host:port (implicit TLS); user and password may sit in the URL, or the password in AXME_SMTP_PASSWORD. Without it, login codes are written to this log' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l smtp-from -d 'Sender address of login mails (required with --smtp-url)' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l tls-cert -d 'Serve HTTPS with this PEM certificate chain (needs --tls-key)' -r -F
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l tls-key -d 'The PEM private key of --tls-cert' -r -F
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l secret-key-file -d 'The key file sealing HTTP push secrets at rest, made 0600 when missing [default: <db>.secret-key beside a SQLite database; <platform data dir>/secret.key for PostgreSQL, and every node of one database needs the same file]' -r -F
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l rate-limit -d 'Request rate of a route class, per API key or per client address: SCOPE.CLASS=N/s|N/min|N/h|off, SCOPE key or ip, CLASS read, write, stream or login; repeatable. Defaults: key.read=2000/s key.write=1000/s key.stream=200/s ip.read=5000/s ip.write=3000/s ip.stream=500/s ip.login=30/min' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l login-codes-per-hour -d 'Sign-in codes (mails) per email address per hour' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l login-lockout-failures -d 'Wrong sign-in codes for one address within --login-lockout that lock it' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l login-lockout -d 'The window of --login-lockout-failures, and so the longest lock' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l max-connections -d 'Open connections at once (kept below the descriptor limit); one more gets a 503' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l max-connections-per-client -d 'Open connections per client address (IPv6: per /64); one more gets a 503' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l max-streams -d 'Open SSE streams at once; one more gets a 503 with Retry-After' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l header-timeout -d 'Time to send a request head (and an idle keep-alive connection\'s life)' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l body-timeout -d 'Time to send a whole request body; a slower one gets 408 and loses the connection' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l ephemeral -d 'Use a throwaway database in a temporary directory, removed at exit'
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l login-codes-in-log -d 'Without --smtp-url, write login codes to this log even when listening beyond loopback (by default a non-loopback gateway without SMTP refuses email sign-in)'
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l insecure-http -d 'Allow plain HTTP on a non-loopback --listen address (keys and payloads then cross the network in clear). Without it such a bind needs --tls-cert/--tls-key'
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l no-rate-limits -d 'Lift every request-rate and sign-in limit (benchmarks; `axme bench` does this for the gateway it starts). Connection and stream caps stay'
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -f -a "migrate" -d 'Copy a SQLite database (intents, events, accounts, keys, timers, sessions, inbox…) into an empty PostgreSQL database, then serve it with --db postgres://…'
complete -c axme -n "__fish_axme_using_subcommand server; and not __fish_seen_subcommand_from migrate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -l from -d 'The SQLite database file to copy (stop the server that uses it first)' -r -F
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -l to -d 'The PostgreSQL database to fill (postgres://user@host:port/db[?sslmode=require]); it must hold no axme data yet' -r
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Copy a SQLite database (intents, events, accounts, keys, timers, sessions, inbox…) into an empty PostgreSQL database, then serve it with --db postgres://…'
complete -c axme -n "__fish_axme_using_subcommand server; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand bench" -l scenario -d 'What to measure' -r -f -a "submit\t'Intents acknowledged per second'
lifecycle\t'Full lifecycles per second with no-op agents'
latency\t'p50/p90/p99 latencies at a light fixed rate'
fanout\t'Many SSE watchers of one intent'"
complete -c axme -n "__fish_axme_using_subcommand bench" -l duration -d 'How long to measure, e.g. 10s (after a warm-up of a tenth of it, at most 1 s)' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -l concurrency -d 'Concurrent clients (submit) or lifecycles in flight (lifecycle)' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -l watchers -d 'SSE watchers of one intent (fanout)' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -l rate -d 'Intents per second (latency)' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -l agents -d 'No-op agents listening for deliveries (lifecycle)' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -l sync -d 'Durability of the gateway bench starts itself (ignored with --base-url)' -r -f -a "normal\t'WAL + synchronous=NORMAL (the server\'s default): survives kill -9'
full\t'WAL + synchronous=FULL: also survives power loss'"
complete -c axme -n "__fish_axme_using_subcommand bench" -l server-pid -d 'Process id of the --base-url gateway, to read its resident memory (fanout)' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -l db -d 'Run bench\'s own gateway on this PostgreSQL database (postgres://…; it must be empty) instead of a throwaway SQLite file' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -l nodes -d 'With --db: start this many gateway nodes on it; intents are submitted to the first, agents listen on the second, watchers follow on the third. (Against running nodes: --base-url URL1,URL2,URL3.)' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand bench" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand bench" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand bench" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand bench" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand bench" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand bench" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand completions" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand completions" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand completions" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand completions" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand completions" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand completions" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand man" -l out-dir -d 'Write every page into this directory instead (axme.1, axme-intents-send.1, …)' -r -F
complete -c axme -n "__fish_axme_using_subcommand man" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand man" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand man" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand man" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand man" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand man" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand man" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand man" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand version" -l context -d 'Use this stored context for this run [env: AXME_CONTEXT]' -r
complete -c axme -n "__fish_axme_using_subcommand version" -l base-url -d 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]' -r
complete -c axme -n "__fish_axme_using_subcommand version" -l api-key -d 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)' -r
complete -c axme -n "__fish_axme_using_subcommand version" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables (fitted to the terminal)'
wide\t'Text with every table column and full ids, never shortened'
json\t'One JSON document (pretty-printed)'
jsonl\t'One compact JSON object per line (for streams and `jq -c`)'"
complete -c axme -n "__fish_axme_using_subcommand version" -l color -d 'When to use colour (NO_COLOR turns off `auto`)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t''
never\t''"
complete -c axme -n "__fish_axme_using_subcommand version" -l json -d 'Print JSON (same as `-o json`)'
complete -c axme -n "__fish_axme_using_subcommand version" -s q -l quiet -d 'Print only results and errors: no notices, no progress'
complete -c axme -n "__fish_axme_using_subcommand version" -s v -l verbose -d 'Log what axme does to stderr (-v debug, -vv trace)'
complete -c axme -n "__fish_axme_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "login" -d 'Sign in to a gateway and store the credentials in a context'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "logout" -d 'Forget the session and keys of the current context'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "whoami" -d 'Show who the current credentials act as'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "status" -d 'Check that the gateway is reachable and how fast it answers'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "doctor" -d 'Check config, secret storage, connectivity and credentials, one line per check'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "context" -d 'Manage contexts: named gateways with their credentials'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "intents" -d 'Send, inspect and watch intents'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "scenarios" -d 'Validate and apply scenario bundles'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "agents" -d 'List agents and run one in the terminal'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "tasks" -d 'Human tasks waiting for you: list, approve, reject, submit'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "inbox" -d 'Your inbox: threads finished intents left for you (reply_to); reply in them'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "examples" -d 'Run the built-in examples end to end'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "open" -d 'Open the gateway\'s web console (or an intent in it) in the browser'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "server" -d 'Run the embedded AXP gateway in the foreground'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "bench" -d 'Measure the gateway\'s throughput and latency'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "completions" -d 'Print a shell completion script'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "man" -d 'Print a manual page, or write them all (--out-dir)'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "version" -d 'Print the version of axme'
complete -c axme -n "__fish_axme_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami status doctor context intents scenarios agents tasks inbox examples open server bench completions man version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "list" -d 'List the stored contexts (the active one is marked with *)'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "show" -d 'Show the effective context: what a command would use now, and where each value came from'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "use" -d 'Make a stored context the active one'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "set" -d 'Create or update a context (takes the global --base-url and --api-key as values to store)'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "delete" -d 'Delete a context and its secrets'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from intents" -f -a "send" -d 'Send an intent to an agent (prints its id; --wait or --watch follows it to the end)'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from intents" -f -a "get" -d 'Show one intent'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from intents" -f -a "list" -d 'List intents, newest first'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from intents" -f -a "watch" -d 'Follow an intent\'s lifecycle live until it ends'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from intents" -f -a "events" -d 'Print an intent\'s recorded lifecycle events'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from intents" -f -a "cancel" -d 'Cancel an intent that has not ended yet'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from intents" -f -a "resume" -d 'Resume a waiting intent: complete it, or fail it, with data'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from intents" -f -a "retry" -d 'Send a new intent with the same target and payload as a failed or canceled one'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from scenarios" -f -a "validate" -d 'Check a scenario bundle and report errors with their JSON paths'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from scenarios" -f -a "apply" -d 'Provision the bundle\'s agents and start its intent'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "list" -d 'List the agents of the workspace'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "show" -d 'Show one agent'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "listen" -d 'Act as an agent: receive its intents and answer them (with --exec, by a command)'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from tasks" -f -a "list" -d 'List the tasks waiting for you, with their allowed outcomes'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from tasks" -f -a "show" -d 'Show one task'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from tasks" -f -a "approve" -d 'Approve a task'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from tasks" -f -a "reject" -d 'Reject a task'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from tasks" -f -a "submit" -d 'Answer a task with any of its allowed outcomes'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "list" -d 'List your inbox threads, most recently changed first'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "show" -d 'Show one thread with its messages'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from inbox" -f -a "reply" -d 'Reply in a thread (a new thread id starts one)'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from examples" -f -a "list" -d 'List the built-in examples'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from examples" -f -a "run" -d 'Run an example end to end (starts a throwaway gateway when none is reachable)'
complete -c axme -n "__fish_axme_using_subcommand help; and __fish_seen_subcommand_from server" -f -a "migrate" -d 'Copy a SQLite database (intents, events, accounts, keys, timers, sessions, inbox…) into an empty PostgreSQL database, then serve it with --db postgres://…'
