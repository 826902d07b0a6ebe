
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'axme' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'axme'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'axme' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in to a gateway and store the credentials in a context')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the session and keys of the current context')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show who the current credentials act as')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Check that the gateway is reachable and how fast it answers')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check config, secret storage, connectivity and credentials, one line per check')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'Manage contexts: named gateways with their credentials')
            [CompletionResult]::new('intents', 'intents', [CompletionResultType]::ParameterValue, 'Send, inspect and watch intents')
            [CompletionResult]::new('scenarios', 'scenarios', [CompletionResultType]::ParameterValue, 'Validate and apply scenario bundles')
            [CompletionResult]::new('agents', 'agents', [CompletionResultType]::ParameterValue, 'List agents and run one in the terminal')
            [CompletionResult]::new('tasks', 'tasks', [CompletionResultType]::ParameterValue, 'Human tasks waiting for you: list, approve, reject, submit')
            [CompletionResult]::new('inbox', 'inbox', [CompletionResultType]::ParameterValue, 'Your inbox: threads finished intents left for you (reply_to); reply in them')
            [CompletionResult]::new('examples', 'examples', [CompletionResultType]::ParameterValue, 'Run the built-in examples end to end')
            [CompletionResult]::new('open', 'open', [CompletionResultType]::ParameterValue, 'Open the gateway''s web console (or an intent in it) in the browser')
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'Run the embedded AXP gateway in the foreground')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure the gateway''s throughput and latency')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a manual page, or write them all (--out-dir)')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version of axme')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;login' {
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Email address to send the one-time code to (prompted for on a terminal)')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'The one-time code of an earlier `axme login --email EMAIL --no-input`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt or read stdin: with --email, send the code and stop (finish with --code)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;logout' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;whoami' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;status' {
            [CompletionResult]::new('--samples', '--samples', [CompletionResultType]::ParameterName, 'Health checks to time (the latency shown is the median)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;doctor' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;context' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stored contexts (the active one is marked with *)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the effective context: what a command would use now, and where each value came from')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a stored context the active one')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Create or update a context (takes the global --base-url and --api-key as values to store)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a context and its secrets')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;context;list' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;context;show' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--show-key', '--show-key', [CompletionResultType]::ParameterName, 'Print the API key in full (it is masked otherwise)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;context;use' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;context;set' {
            [CompletionResult]::new('--org-id', '--org-id', [CompletionResultType]::ParameterName, 'Organization id')
            [CompletionResult]::new('--workspace-id', '--workspace-id', [CompletionResultType]::ParameterName, 'Workspace id')
            [CompletionResult]::new('--owner-agent', '--owner-agent', [CompletionResultType]::ParameterName, 'Agent address requests act for (sent as x-owner-agent)')
            [CompletionResult]::new('--environment', '--environment', [CompletionResultType]::ParameterName, 'Free-form environment label (e.g. staging, production)')
            [CompletionResult]::new('--actor-token', '--actor-token', [CompletionResultType]::ParameterName, 'Account session token (normally stored by `axme login`)')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Clear a stored field')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--use', '--use', [CompletionResultType]::ParameterName, 'Also make it the active context')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;context;delete' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;context;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stored contexts (the active one is marked with *)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the effective context: what a command would use now, and where each value came from')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a stored context the active one')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Create or update a context (takes the global --base-url and --api-key as values to store)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a context and its secrets')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;context;help;list' {
            break
        }
        'axme;context;help;show' {
            break
        }
        'axme;context;help;use' {
            break
        }
        'axme;context;help;set' {
            break
        }
        'axme;context;help;delete' {
            break
        }
        'axme;context;help;help' {
            break
        }
        'axme;intents' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send an intent to an agent (prints its id; --wait or --watch follows it to the end)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one intent')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List intents, newest first')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow an intent''s lifecycle live until it ends')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Print an intent''s recorded lifecycle events')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel an intent that has not ended yet')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a waiting intent: complete it, or fail it, with data')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Send a new intent with the same target and payload as a failed or canceled one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;intents;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Receiving agent: agent://org/workspace/name, or a bare name in your workspace')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Intent type (default: intent.ask.v1)')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'Payload: inline JSON, @FILE, or - for stdin')
            [CompletionResult]::new('--idempotency-key', '--idempotency-key', [CompletionResultType]::ParameterName, 'Idempotency key: the same key sends at most one intent, so a CI step can be retried (one is generated and printed when omitted)')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Give up after this long, e.g. 30s, 10m, 2h (the intent ends TIMED_OUT)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the intent ends; the exit code tells how (0 COMPLETED, 3 FAILED, 4 TIMED_OUT, 5 CANCELED)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Like --wait, printing each lifecycle event as it happens')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;intents;get' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;intents;list' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only intents in this status (e.g. WAITING, FAILED)')
            [CompletionResult]::new('--to-agent', '--to-agent', [CompletionResultType]::ParameterName, 'Only intents sent to this agent')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many (1-500; with --all, the page size)')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Continue from the cursor a previous page printed')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every page: follow the cursors to the end')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;intents;watch' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start after this event sequence number (0 = from the beginning)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop watching after this long (exit 1); without it, watch until the intent ends or Ctrl-C, waiting out a gateway that is down')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--exit-status', '--exit-status', [CompletionResultType]::ParameterName, 'Exit with the intent''s outcome code (3 FAILED, 4 TIMED_OUT, 5 CANCELED) instead of 0')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;intents;events' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events after this sequence number')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;intents;cancel' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, recorded in the intent''s events')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;intents;resume' {
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'Complete the intent or fail it')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Result (or error details): inline JSON, @FILE, or - for stdin')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Human-readable reason')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;intents;retry' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;intents;help' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send an intent to an agent (prints its id; --wait or --watch follows it to the end)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one intent')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List intents, newest first')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow an intent''s lifecycle live until it ends')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Print an intent''s recorded lifecycle events')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel an intent that has not ended yet')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a waiting intent: complete it, or fail it, with data')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Send a new intent with the same target and payload as a failed or canceled one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;intents;help;send' {
            break
        }
        'axme;intents;help;get' {
            break
        }
        'axme;intents;help;list' {
            break
        }
        'axme;intents;help;watch' {
            break
        }
        'axme;intents;help;events' {
            break
        }
        'axme;intents;help;cancel' {
            break
        }
        'axme;intents;help;resume' {
            break
        }
        'axme;intents;help;retry' {
            break
        }
        'axme;intents;help;help' {
            break
        }
        'axme;scenarios' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a scenario bundle and report errors with their JSON paths')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Provision the bundle''s agents and start its intent')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;scenarios;validate' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;scenarios;apply' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Follow the started intent live until it ends')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Follow the started intent live until it ends')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;scenarios;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a scenario bundle and report errors with their JSON paths')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Provision the bundle''s agents and start its intent')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;scenarios;help;validate' {
            break
        }
        'axme;scenarios;help;apply' {
            break
        }
        'axme;scenarios;help;help' {
            break
        }
        'axme;agents' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the agents of the workspace')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one agent')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Act as an agent: receive its intents and answer them (with --exec, by a command)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;agents;list' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;agents;show' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;agents;listen' {
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run this shell command for each delivered intent')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Run up to N handlers at the same time')
            [CompletionResult]::new('--kill-after', '--kill-after', [CompletionResultType]::ParameterName, 'How long a handler has between SIGTERM and SIGKILL when its intent ends under it')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Stop after the first intent')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;agents;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the agents of the workspace')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one agent')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Act as an agent: receive its intents and answer them (with --exec, by a command)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;agents;help;list' {
            break
        }
        'axme;agents;help;show' {
            break
        }
        'axme;agents;help;listen' {
            break
        }
        'axme;agents;help;help' {
            break
        }
        'axme;tasks' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the tasks waiting for you, with their allowed outcomes')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one task')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve a task')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Reject a task')
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Answer a task with any of its allowed outcomes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;tasks;list' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;tasks;show' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;tasks;approve' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Comment recorded with the decision')
            [CompletionResult]::new('--comment', '--comment', [CompletionResultType]::ParameterName, 'Comment recorded with the decision')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;tasks;reject' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Comment recorded with the decision')
            [CompletionResult]::new('--comment', '--comment', [CompletionResultType]::ParameterName, 'Comment recorded with the decision')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;tasks;submit' {
            [CompletionResult]::new('--outcome', '--outcome', [CompletionResultType]::ParameterName, 'One of the task''s allowed outcomes')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Extra data for the result: inline JSON, @FILE, or - for stdin')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Comment recorded with the decision')
            [CompletionResult]::new('--comment', '--comment', [CompletionResultType]::ParameterName, 'Comment recorded with the decision')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;tasks;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the tasks waiting for you, with their allowed outcomes')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one task')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve a task')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Reject a task')
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Answer a task with any of its allowed outcomes')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;tasks;help;list' {
            break
        }
        'axme;tasks;help;show' {
            break
        }
        'axme;tasks;help;approve' {
            break
        }
        'axme;tasks;help;reject' {
            break
        }
        'axme;tasks;help;submit' {
            break
        }
        'axme;tasks;help;help' {
            break
        }
        'axme;inbox' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your inbox threads, most recently changed first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one thread with its messages')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply in a thread (a new thread id starts one)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;inbox;list' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only threads in this state')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Whose inbox: an agent address or name (an admin may name any agent of its workspace); default: your own')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;inbox;show' {
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Whose inbox: an agent address or name (an admin may name any agent of its workspace); default: your own')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;inbox;reply' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The reply')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The reply')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Whose inbox: an agent address or name (an admin may name any agent of its workspace); default: your own')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;inbox;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your inbox threads, most recently changed first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one thread with its messages')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply in a thread (a new thread id starts one)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;inbox;help;list' {
            break
        }
        'axme;inbox;help;show' {
            break
        }
        'axme;inbox;help;reply' {
            break
        }
        'axme;inbox;help;help' {
            break
        }
        'axme;examples' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the built-in examples')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run an example end to end (starts a throwaway gateway when none is reachable)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;examples;list' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;examples;run' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;examples;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the built-in examples')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run an example end to end (starts a throwaway gateway when none is reachable)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;examples;help;list' {
            break
        }
        'axme;examples;help;run' {
            break
        }
        'axme;examples;help;help' {
            break
        }
        'axme;open' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print the URL instead of opening a browser')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;server' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (port 0 picks a free port; the banner shows it). Beyond loopback it needs --tls-cert/--tls-key (or --insecure-http)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The database: a SQLite file (PATH or sqlite://PATH) [default: <platform data dir>/axme.db], or PostgreSQL (postgres://user@host:port/db[?sslmode=require]), which several nodes may share. Also AXME_DB_URL')
            [CompletionResult]::new('--node-id', '--node-id', [CompletionResultType]::ParameterName, 'This node''s name when several share one PostgreSQL database [default: the host name and process id]')
            [CompletionResult]::new('--sync', '--sync', [CompletionResultType]::ParameterName, 'Durability of each commit')
            [CompletionResult]::new('--sse-linger-ms', '--sse-linger-ms', [CompletionResultType]::ParameterName, 'How long (ms) a stream that sent something stays open for more before it ends')
            [CompletionResult]::new('--heartbeat-seconds', '--heartbeat-seconds', [CompletionResultType]::ParameterName, 'Seconds between heartbeat comments on idle streams')
            [CompletionResult]::new('--delivery-attempt-interval', '--delivery-attempt-interval', [CompletionResultType]::ParameterName, 'How long a new intent may wait for a live listener before its first delivery attempt counts as failed (stream/poll agents)')
            [CompletionResult]::new('--delivery-retry-interval', '--delivery-retry-interval', [CompletionResultType]::ParameterName, 'Window of each later delivery attempt; after max_delivery_attempts (default 3) failed attempts the intent ends FAILED (intent.delivery_failed)')
            [CompletionResult]::new('--push-retry-interval', '--push-retry-interval', [CompletionResultType]::ParameterName, 'First retry delay of a failed HTTP push; later retries wait 4x and 20x as long')
            [CompletionResult]::new('--push-timeout', '--push-timeout', [CompletionResultType]::ParameterName, 'Timeout of one HTTP push request')
            [CompletionResult]::new('--redeliver-after', '--redeliver-after', [CompletionResultType]::ParameterName, 'The answer lease: an intent handed to an agent (stream or push) whose handler has not answered (progress, resume, resolve) within this time is delivered again, to a listener of the same address, and again after each further lease')
            [CompletionResult]::new('--time-scale', '--time-scale', [CompletionResultType]::ParameterName, 'Multiplies every duration a scenario gives in seconds (step deadlines, retry delays, reminders, delay steps); e.g. 0.01 turns 120 s into 1.2 s for a demo or a test')
            [CompletionResult]::new('--smtp-url', '--smtp-url', [CompletionResultType]::ParameterName, 'SMTP relay that mails login codes: smtp://host:port (plain), smtp+starttls://host:port or smtps://host:port (implicit TLS); user and password may sit in the URL, or the password in AXME_SMTP_PASSWORD. Without it, login codes are written to this log')
            [CompletionResult]::new('--smtp-from', '--smtp-from', [CompletionResultType]::ParameterName, 'Sender address of login mails (required with --smtp-url)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Serve HTTPS with this PEM certificate chain (needs --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The PEM private key of --tls-cert')
            [CompletionResult]::new('--secret-key-file', '--secret-key-file', [CompletionResultType]::ParameterName, 'The key file sealing HTTP push secrets at rest, made 0600 when missing [default: <db>.secret-key beside a SQLite database; <platform data dir>/secret.key for PostgreSQL, and every node of one database needs the same file]')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Request rate of a route class, per API key or per client address: SCOPE.CLASS=N/s|N/min|N/h|off, SCOPE key or ip, CLASS read, write, stream or login; repeatable. Defaults: key.read=2000/s key.write=1000/s key.stream=200/s ip.read=5000/s ip.write=3000/s ip.stream=500/s ip.login=30/min')
            [CompletionResult]::new('--login-codes-per-hour', '--login-codes-per-hour', [CompletionResultType]::ParameterName, 'Sign-in codes (mails) per email address per hour')
            [CompletionResult]::new('--login-lockout-failures', '--login-lockout-failures', [CompletionResultType]::ParameterName, 'Wrong sign-in codes for one address within --login-lockout that lock it')
            [CompletionResult]::new('--login-lockout', '--login-lockout', [CompletionResultType]::ParameterName, 'The window of --login-lockout-failures, and so the longest lock')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Open connections at once (kept below the descriptor limit); one more gets a 503')
            [CompletionResult]::new('--max-connections-per-client', '--max-connections-per-client', [CompletionResultType]::ParameterName, 'Open connections per client address (IPv6: per /64); one more gets a 503')
            [CompletionResult]::new('--max-streams', '--max-streams', [CompletionResultType]::ParameterName, 'Open SSE streams at once; one more gets a 503 with Retry-After')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Time to send a request head (and an idle keep-alive connection''s life)')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Time to send a whole request body; a slower one gets 408 and loses the connection')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--ephemeral', '--ephemeral', [CompletionResultType]::ParameterName, 'Use a throwaway database in a temporary directory, removed at exit')
            [CompletionResult]::new('--login-codes-in-log', '--login-codes-in-log', [CompletionResultType]::ParameterName, 'Without --smtp-url, write login codes to this log even when listening beyond loopback (by default a non-loopback gateway without SMTP refuses email sign-in)')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain HTTP on a non-loopback --listen address (keys and payloads then cross the network in clear). Without it such a bind needs --tls-cert/--tls-key')
            [CompletionResult]::new('--no-rate-limits', '--no-rate-limits', [CompletionResultType]::ParameterName, 'Lift every request-rate and sign-in limit (benchmarks; `axme bench` does this for the gateway it starts). Connection and stream caps stay')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy a SQLite database (intents, events, accounts, keys, timers, sessions, inbox…) into an empty PostgreSQL database, then serve it with --db postgres://…')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;server;migrate' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The SQLite database file to copy (stop the server that uses it first)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The PostgreSQL database to fill (postgres://user@host:port/db[?sslmode=require]); it must hold no axme data yet')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;server;help' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy a SQLite database (intents, events, accounts, keys, timers, sessions, inbox…) into an empty PostgreSQL database, then serve it with --db postgres://…')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;server;help;migrate' {
            break
        }
        'axme;server;help;help' {
            break
        }
        'axme;bench' {
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'What to measure')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long to measure, e.g. 10s (after a warm-up of a tenth of it, at most 1 s)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Concurrent clients (submit) or lifecycles in flight (lifecycle)')
            [CompletionResult]::new('--watchers', '--watchers', [CompletionResultType]::ParameterName, 'SSE watchers of one intent (fanout)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Intents per second (latency)')
            [CompletionResult]::new('--agents', '--agents', [CompletionResultType]::ParameterName, 'No-op agents listening for deliveries (lifecycle)')
            [CompletionResult]::new('--sync', '--sync', [CompletionResultType]::ParameterName, 'Durability of the gateway bench starts itself (ignored with --base-url)')
            [CompletionResult]::new('--server-pid', '--server-pid', [CompletionResultType]::ParameterName, 'Process id of the --base-url gateway, to read its resident memory (fanout)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Run bench''s own gateway on this PostgreSQL database (postgres://…; it must be empty) instead of a throwaway SQLite file')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'With --db: start this many gateway nodes on it; intents are submitted to the first, agents listen on the second, watchers follow on the third. (Against running nodes: --base-url URL1,URL2,URL3.)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;completions' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;man' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write every page into this directory instead (axme.1, axme-intents-send.1, …)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;version' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this stored context for this run [env: AXME_CONTEXT]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. http://127.0.0.1:8100 [env: AXME_BASE_URL]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key for this run [env: AXME_API_KEY] (the variable keeps it out of shell history)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR turns off `auto`)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (same as `-o json`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors: no notices, no progress')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what axme does to stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'axme;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in to a gateway and store the credentials in a context')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget the session and keys of the current context')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show who the current credentials act as')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Check that the gateway is reachable and how fast it answers')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check config, secret storage, connectivity and credentials, one line per check')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'Manage contexts: named gateways with their credentials')
            [CompletionResult]::new('intents', 'intents', [CompletionResultType]::ParameterValue, 'Send, inspect and watch intents')
            [CompletionResult]::new('scenarios', 'scenarios', [CompletionResultType]::ParameterValue, 'Validate and apply scenario bundles')
            [CompletionResult]::new('agents', 'agents', [CompletionResultType]::ParameterValue, 'List agents and run one in the terminal')
            [CompletionResult]::new('tasks', 'tasks', [CompletionResultType]::ParameterValue, 'Human tasks waiting for you: list, approve, reject, submit')
            [CompletionResult]::new('inbox', 'inbox', [CompletionResultType]::ParameterValue, 'Your inbox: threads finished intents left for you (reply_to); reply in them')
            [CompletionResult]::new('examples', 'examples', [CompletionResultType]::ParameterValue, 'Run the built-in examples end to end')
            [CompletionResult]::new('open', 'open', [CompletionResultType]::ParameterValue, 'Open the gateway''s web console (or an intent in it) in the browser')
            [CompletionResult]::new('server', 'server', [CompletionResultType]::ParameterValue, 'Run the embedded AXP gateway in the foreground')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure the gateway''s throughput and latency')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a manual page, or write them all (--out-dir)')
            [CompletionResult]::new('version', 'version', [CompletionResultType]::ParameterValue, 'Print the version of axme')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'axme;help;login' {
            break
        }
        'axme;help;logout' {
            break
        }
        'axme;help;whoami' {
            break
        }
        'axme;help;status' {
            break
        }
        'axme;help;doctor' {
            break
        }
        'axme;help;context' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stored contexts (the active one is marked with *)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the effective context: what a command would use now, and where each value came from')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a stored context the active one')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Create or update a context (takes the global --base-url and --api-key as values to store)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a context and its secrets')
            break
        }
        'axme;help;context;list' {
            break
        }
        'axme;help;context;show' {
            break
        }
        'axme;help;context;use' {
            break
        }
        'axme;help;context;set' {
            break
        }
        'axme;help;context;delete' {
            break
        }
        'axme;help;intents' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send an intent to an agent (prints its id; --wait or --watch follows it to the end)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one intent')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List intents, newest first')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow an intent''s lifecycle live until it ends')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Print an intent''s recorded lifecycle events')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel an intent that has not ended yet')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a waiting intent: complete it, or fail it, with data')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Send a new intent with the same target and payload as a failed or canceled one')
            break
        }
        'axme;help;intents;send' {
            break
        }
        'axme;help;intents;get' {
            break
        }
        'axme;help;intents;list' {
            break
        }
        'axme;help;intents;watch' {
            break
        }
        'axme;help;intents;events' {
            break
        }
        'axme;help;intents;cancel' {
            break
        }
        'axme;help;intents;resume' {
            break
        }
        'axme;help;intents;retry' {
            break
        }
        'axme;help;scenarios' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check a scenario bundle and report errors with their JSON paths')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Provision the bundle''s agents and start its intent')
            break
        }
        'axme;help;scenarios;validate' {
            break
        }
        'axme;help;scenarios;apply' {
            break
        }
        'axme;help;agents' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the agents of the workspace')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one agent')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Act as an agent: receive its intents and answer them (with --exec, by a command)')
            break
        }
        'axme;help;agents;list' {
            break
        }
        'axme;help;agents;show' {
            break
        }
        'axme;help;agents;listen' {
            break
        }
        'axme;help;tasks' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the tasks waiting for you, with their allowed outcomes')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one task')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve a task')
            [CompletionResult]::new('reject', 'reject', [CompletionResultType]::ParameterValue, 'Reject a task')
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Answer a task with any of its allowed outcomes')
            break
        }
        'axme;help;tasks;list' {
            break
        }
        'axme;help;tasks;show' {
            break
        }
        'axme;help;tasks;approve' {
            break
        }
        'axme;help;tasks;reject' {
            break
        }
        'axme;help;tasks;submit' {
            break
        }
        'axme;help;inbox' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your inbox threads, most recently changed first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one thread with its messages')
            [CompletionResult]::new('reply', 'reply', [CompletionResultType]::ParameterValue, 'Reply in a thread (a new thread id starts one)')
            break
        }
        'axme;help;inbox;list' {
            break
        }
        'axme;help;inbox;show' {
            break
        }
        'axme;help;inbox;reply' {
            break
        }
        'axme;help;examples' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the built-in examples')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run an example end to end (starts a throwaway gateway when none is reachable)')
            break
        }
        'axme;help;examples;list' {
            break
        }
        'axme;help;examples;run' {
            break
        }
        'axme;help;open' {
            break
        }
        'axme;help;server' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Copy a SQLite database (intents, events, accounts, keys, timers, sessions, inbox…) into an empty PostgreSQL database, then serve it with --db postgres://…')
            break
        }
        'axme;help;server;migrate' {
            break
        }
        'axme;help;bench' {
            break
        }
        'axme;help;completions' {
            break
        }
        'axme;help;man' {
            break
        }
        'axme;help;version' {
            break
        }
        'axme;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
