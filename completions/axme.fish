complete --keep-order --exclusive --command axme --arguments "(COMPLETE=fish axme -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
