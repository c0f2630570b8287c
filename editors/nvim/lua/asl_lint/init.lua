-- asl-lint for Neovim: starts `asl-lint server` for Amazon States Language files
-- (*.asl.json, *.asl.yaml, *.asl.yml), templates and Terraform files (*.tf, *.tofu, *.tf.json) and attaches
-- it to their buffers.
--
--   require('asl_lint').setup{}                        -- defaults
--   require('asl_lint').setup{ cmd = { '/path/to/asl-lint', 'server' } }
--   require('asl_lint').setup{ settings = { aslLint = { ignore = { 'ASL7' } } } }
--
-- Works on Neovim 0.7 (vim.lsp.start_client + buf_attach_client) and later
-- (vim.lsp.start, which reuses a running client).

local M = {}

local defaults = {
  -- The server command.
  cmd = { 'asl-lint', 'server' },
  -- File name patterns (autocommand patterns) that hold state machines.
  patterns = { '*.asl.json', '*.asl.yaml', '*.asl.yml' },
  -- CloudFormation/SAM/Serverless templates whose definitions are checked.
  templates = { 'template.yaml', 'template.yml', 'template.json', '*.template.yaml',
    '*.template.yml', '*.template.json', 'serverless.yml', 'serverless.yaml' },
  -- Terraform files whose aws_sfn_state_machine resources and step-functions modules
  -- are checked ({} to leave Terraform alone).
  terraform = { '*.tf', '*.tofu', '*.tf.json' },
  -- Passed through to the LSP client.
  on_attach = nil,
  capabilities = nil,
  -- The server's settings: { aslLint = { select = {...}, ignore = {...},
  -- severity = { ASL205 = 'warning', ASL7 = 'off' }, useConfigFile = true,
  -- configFile = 'path/to/asl-lint.toml' } }. Sent as initializationOptions, answered
  -- to workspace/configuration and pushed with workspace/didChangeConfiguration.
  settings = nil,
  -- Show the server's code lenses ("Show graph", "Simulate" above each state machine;
  -- run the one under the cursor with vim.lsp.codelens.run()).
  codelens = true,
  -- :AslLintSimulate: an AWS Step Functions Local mock config file for the task
  -- results, and the test case in it to use (nil: none).
  simulate = { mock_config = nil, test_case = nil },
}

M.config = vim.deepcopy(defaults)

-- The client started through vim.lsp.start_client on Neovim 0.7.
local client_id = nil

-- HCL: Terraform's *.tf and OpenTofu's *.tofu (a *.tf.json file stays JSON to the
-- editor; the server knows it by its name).
local function is_terraform(name)
  local lower = name:lower()
  return lower:match('%.tf$') ~= nil or lower:match('%.tofu$') ~= nil
end

local function language_id(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if is_terraform(name) then
    return 'terraform'
  end
  local yaml = name:match('%.ya?ml$')
  if not (name:match('%.asl%.json$') or name:match('%.asl%.ya?ml$')) then
    -- A template: plain JSON or YAML to the server.
    return yaml and 'yaml' or 'json'
  end
  return yaml and 'asl-yaml' or 'asl'
end

-- Tells the running server about new settings (M.update_settings{ aslLint = {...} }).
function M.update_settings(settings)
  M.config.settings = settings
  local clients = vim.lsp.get_active_clients and vim.lsp.get_active_clients() or {}
  for _, client in ipairs(clients) do
    if client.name == 'asl-lint' then
      client.config.settings = settings
      client.notify('workspace/didChangeConfiguration', { settings = settings })
    end
  end
end

local function client_config()
  local cfg = M.config
  return {
    name = 'asl-lint',
    cmd = cfg.cmd,
    root_dir = vim.loop.cwd(),
    on_attach = function(client, bufnr)
      if cfg.codelens and vim.lsp.codelens then
        vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
          group = vim.api.nvim_create_augroup('asl_lint_codelens_' .. bufnr, { clear = true }),
          buffer = bufnr,
          callback = function()
            pcall(vim.lsp.codelens.refresh, { bufnr = bufnr })
          end,
        })
        pcall(vim.lsp.codelens.refresh, { bufnr = bufnr })
      end
      if cfg.on_attach then
        cfg.on_attach(client, bufnr)
      end
    end,
    capabilities = cfg.capabilities or vim.lsp.protocol.make_client_capabilities(),
    settings = cfg.settings,
    -- The settings, and the commands this plugin runs for the server's code lenses.
    init_options = vim.tbl_extend('force', cfg.settings or {},
      { clientCommands = { 'aslLint.showGraph', 'aslLint.simulate' } }),
    get_language_id = function(bufnr, _)
      return language_id(bufnr)
    end,
  }
end

-- Starts the server if needed and attaches it to `bufnr`. Returns the client id.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.lsp.start then
    return vim.lsp.start(client_config(), { bufnr = bufnr })
  end
  if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil
    or vim.lsp.get_client_by_id(client_id).is_stopped() then
    client_id = vim.lsp.start_client(client_config())
  end
  if client_id then
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  return client_id
end

-- The asl-lint client attached to `bufnr`.
local function client_for(bufnr)
  local clients = vim.lsp.buf_get_clients and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_clients({ bufnr = bufnr })
  for _, client in pairs(clients) do
    if client.name == 'asl-lint' then
      return client
    end
  end
  return nil
end

-- The buffer `opts.bufnr` (the current one by default) and its asl-lint client, if any.
local function buffer_client(opts)
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  return bufnr, client_for(bufnr)
end

-- Draws the state graph of a buffer as SVG (the server's `asl-lint.graph` command) into
-- a temporary file and opens it with the system viewer. Returns the file's path, or nil
-- and a message. opts: { bufnr = current, definition = nil (a template's state machine),
-- open = true }.
function M.graph(opts)
  opts = opts or {}
  local bufnr, client = buffer_client(opts)
  if not client then
    return nil, 'asl-lint is not attached to this buffer'
  end
  local args = { vim.uri_from_bufnr(bufnr) }
  if opts.definition and opts.definition ~= '' then
    table.insert(args, opts.definition)
  end
  local response = client.request_sync('workspace/executeCommand',
    { command = 'asl-lint.graph', arguments = args }, 10000, bufnr)
  if not response or response.err then
    return nil, 'asl-lint: ' .. vim.inspect(response and response.err or 'no answer')
  end
  local drawn = response.result or {}
  if type(drawn.svg) ~= 'string' then
    local names = drawn.definitions and table.concat(drawn.definitions, ', ') or ''
    return nil, 'asl-lint: ' .. tostring(drawn.error) .. (names ~= '' and (' (state machines: ' .. names .. ')') or '')
  end
  local path = vim.fn.tempname() .. '.svg'
  local file = assert(io.open(path, 'w'))
  file:write(drawn.svg)
  file:close()
  if opts.open ~= false then
    if vim.ui and vim.ui.open then
      vim.ui.open(path)
    else
      local opener = vim.fn.has('mac') == 1 and 'open' or 'xdg-open'
      vim.fn.jobstart({ opener, path }, { detach = true })
    end
  end
  return path
end

-- Applies every safe fix of a buffer at once (the server's `source.fixAll.asl-lint`
-- code action, what `asl-lint check --fix` does). Returns the number of fixes applied
-- (0 when there is nothing to fix), or nil and a message.
function M.fix_all(opts)
  local bufnr, client = buffer_client(opts or {})
  if not client then
    return nil, 'asl-lint is not attached to this buffer'
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = 0 } },
    context = { diagnostics = {}, only = { 'source.fixAll.asl-lint' } },
  }
  local response = client.request_sync('textDocument/codeAction', params, 10000, bufnr)
  if not response or response.err then
    return nil, 'asl-lint: ' .. vim.inspect(response and response.err or 'no answer')
  end
  local action = (response.result or {})[1]
  if not action or not action.edit then
    return 0
  end
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
  return tonumber(action.title:match('%((%d+) fix')) or 1
end

-- Runs `asl-lint simulate` on a buffer (its file when saved, else a copy of its text)
-- and returns the output's lines and the exit code (0 succeeded, 1 the execution
-- failed, 2 it could not start). opts: { bufnr = current, definition = nil (a template's
-- state machine), input = '{}' (JSON text, or @path to a file), start_at = nil (a
-- top-level state to start at instead of StartAt), format = 'text' (or 'json', or
-- 'svg'/'mermaid'/'dot': the run drawn over the state graph), mock_config and test_case =
-- M.config.simulate's }.
function M.simulate(opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(bufnr)
  local file, copy = name, nil
  if name == '' or vim.bo[bufnr].modified or vim.fn.filereadable(name) == 0 then
    copy = vim.fn.tempname()
    vim.fn.mkdir(copy, 'p')
    file = copy .. '/' .. (name ~= '' and vim.fn.fnamemodify(name, ':t') or 'definition.asl.json')
    vim.fn.writefile(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), file)
  end
  local sim = M.config.simulate or {}
  local args = { M.config.cmd[1], 'simulate', file }
  if opts.definition and opts.definition ~= '' then
    vim.list_extend(args, { '--definition', opts.definition })
  end
  if opts.start_at and opts.start_at ~= '' then
    vim.list_extend(args, { '--start-at', opts.start_at })
  end
  if opts.format then
    vim.list_extend(args, { '--format', opts.format })
  end
  local input = vim.trim(opts.input or '{}')
  local stdin = input
  if input:sub(1, 1) == '@' then
    vim.list_extend(args, { '--input', vim.fn.fnamemodify(input:sub(2), ':p') })
    stdin = nil
  else
    vim.list_extend(args, { '--input', '-' })
  end
  local mocks = opts.mock_config or sim.mock_config
  if mocks then
    vim.list_extend(args, { '--mock-config', vim.fn.fnamemodify(mocks, ':p') })
    local case = opts.test_case or sim.test_case
    if case then
      vim.list_extend(args, { '--test-case', case })
    end
  end
  local output = vim.fn.systemlist(args, stdin)
  local code = vim.v.shell_error
  if copy then
    vim.fn.delete(copy, 'rf')
  end
  return output, code
end

-- Shows a simulation's output in a scratch buffer below.
local function show_simulation(lines)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.api.nvim_buf_set_name(buf, 'asl-lint simulate #' .. buf)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
end

-- Asks for the execution input, then simulates and shows the output.
local function simulate_prompt(bufnr, definition, start_at)
  local prompt = start_at and ('Input of "' .. start_at .. '" (JSON, or @file): ')
    or 'Execution input (JSON, or @file): '
  vim.ui.input({ prompt = prompt, default = '{}' }, function(input)
    if input then
      show_simulation((M.simulate({ bufnr = bufnr, definition = definition, input = input, start_at = start_at })))
    end
  end)
end

-- The commands the server's code lenses and code actions run: arguments { uri, state
-- machine or null[, state to start at] }.
local function lens_target(command)
  local args = command.arguments or {}
  local machine, start_at = args[2], args[3]
  if machine == vim.NIL then
    machine = nil
  end
  if start_at == vim.NIL then
    start_at = nil
  end
  return vim.uri_to_bufnr(args[1]), machine, start_at
end

M.lens_commands = {
  ['aslLint.showGraph'] = function(command)
    local bufnr, machine = lens_target(command)
    local path, err = M.graph({ bufnr = bufnr, definition = machine })
    vim.notify(path and ('asl-lint: state graph in ' .. path) or err, path and vim.log.levels.INFO or vim.log.levels.ERROR)
  end,
  ['aslLint.simulate'] = function(command)
    simulate_prompt(lens_target(command))
  end,
}

-- Whether a file name matches one of the autocommand patterns, as an autocommand
-- matches it: a pattern without a '/' against the name's last part, one with a '/'
-- against the whole name.
local function matches_any(name, patterns)
  local tail = vim.fn.fnamemodify(name, ':t')
  for _, pattern in ipairs(patterns) do
    local subject = pattern:find('/', 1, true) and name or tail
    if vim.fn.match(subject, vim.fn.glob2regpat(pattern)) >= 0 then
      return true
    end
  end
  return false
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup('asl_lint', { clear = true })
  local patterns = vim.list_extend(vim.deepcopy(M.config.patterns), M.config.templates or {})
  vim.list_extend(patterns, M.config.terraform or {})
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
    group = group,
    pattern = patterns,
    callback = function(args)
      -- Keep JSON/YAML highlighting: the file type stays json or yaml.
      local name = vim.api.nvim_buf_get_name(args.buf)
      if vim.bo[args.buf].filetype == '' then
        if is_terraform(name) then
          vim.bo[args.buf].filetype = 'terraform'
        else
          vim.bo[args.buf].filetype = name:match('%.ya?ml$') and 'yaml' or 'json'
        end
      end
      M.attach(args.buf)
    end,
  })
  -- :AslLintGraph [state machine]: the state graph of the current buffer, as SVG.
  vim.api.nvim_create_user_command('AslLintGraph', function(args)
    local path, err = M.graph({ definition = args.args })
    if path then
      vim.notify('asl-lint: state graph in ' .. path)
    else
      vim.notify(err, vim.log.levels.ERROR)
    end
  end, { nargs = '?' })
  -- :AslLintFixAll: every safe fix of the current buffer.
  vim.api.nvim_create_user_command('AslLintFixAll', function()
    local n, err = M.fix_all()
    if n then
      vim.notify('asl-lint: ' .. n .. (n == 1 and ' fix' or ' fixes') .. ' applied')
    else
      vim.notify(err, vim.log.levels.ERROR)
    end
  end, {})
  -- :AslLintSimulate [state machine]: run the current buffer on an input typed in.
  vim.api.nvim_create_user_command('AslLintSimulate', function(args)
    simulate_prompt(vim.api.nvim_get_current_buf(), args.args ~= '' and args.args or nil)
  end, { nargs = '?' })
  for name, run in pairs(M.lens_commands) do
    vim.lsp.commands[name] = run
  end
  -- Buffers already open when setup runs: those the autocommand would have attached
  -- (definitions, templates, Terraform files), matched as it matches them.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(bufnr)
    if vim.api.nvim_buf_is_loaded(bufnr) and name ~= '' and matches_any(name, patterns) then
      M.attach(bufnr)
    end
  end
end

return M
