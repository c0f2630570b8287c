-- asl-lint for Neovim: starts `asl-lint server` for Amazon States Language files
-- (*.asl.json, *.asl.yaml, *.asl.yml), templates and Terraform files (*.tf) and attaches
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
  terraform = { '*.tf' },
  -- Passed through to the LSP client.
  on_attach = nil,
  capabilities = nil,
  -- The server's settings: { aslLint = { select = {...}, ignore = {...},
  -- severity = { ASL205 = 'warning', ASL7 = 'off' }, useConfigFile = true,
  -- configFile = 'path/to/asl-lint.toml' } }. Sent as initializationOptions, answered
  -- to workspace/configuration and pushed with workspace/didChangeConfiguration.
  settings = nil,
}

M.config = vim.deepcopy(defaults)

-- The client started through vim.lsp.start_client on Neovim 0.7.
local client_id = nil

local function is_terraform(name)
  return name:lower():match('%.tf$') ~= nil
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
    on_attach = cfg.on_attach,
    capabilities = cfg.capabilities or vim.lsp.protocol.make_client_capabilities(),
    settings = cfg.settings,
    init_options = cfg.settings,
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
  -- Buffers already open when setup runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(bufnr)
    local terraform = #(M.config.terraform or {}) > 0 and is_terraform(name)
    if vim.api.nvim_buf_is_loaded(bufnr)
      and (name:match('%.asl%.json$') or name:match('%.asl%.ya?ml$') or terraform) then
      M.attach(bufnr)
    end
  end
end

return M
