-- asl-lint for Neovim: starts `asl-lint server` for Amazon States Language files
-- (*.asl.json, *.asl.yaml, *.asl.yml) and attaches it to their buffers.
--
--   require('asl_lint').setup{}                        -- defaults
--   require('asl_lint').setup{ cmd = { '/path/to/asl-lint', 'server' } }
--
-- Works on Neovim 0.7 (vim.lsp.start_client + buf_attach_client) and later
-- (vim.lsp.start, which reuses a running client).

local M = {}

local defaults = {
  -- The server command.
  cmd = { 'asl-lint', 'server' },
  -- File name patterns (autocommand patterns) that hold state machines.
  patterns = { '*.asl.json', '*.asl.yaml', '*.asl.yml' },
  -- Passed through to the LSP client.
  on_attach = nil,
  capabilities = nil,
  settings = nil,
}

M.config = vim.deepcopy(defaults)

-- The client started through vim.lsp.start_client on Neovim 0.7.
local client_id = nil

local function language_id(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name:match('%.ya?ml$') then
    return 'asl-yaml'
  end
  return 'asl'
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

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup('asl_lint', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
    group = group,
    pattern = M.config.patterns,
    callback = function(args)
      -- Keep JSON/YAML highlighting: the file type stays json or yaml.
      local name = vim.api.nvim_buf_get_name(args.buf)
      if vim.bo[args.buf].filetype == '' then
        vim.bo[args.buf].filetype = name:match('%.ya?ml$') and 'yaml' or 'json'
      end
      M.attach(args.buf)
    end,
  })
  -- Buffers already open when setup runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(bufnr)
    if vim.api.nvim_buf_is_loaded(bufnr) and (name:match('%.asl%.json$') or name:match('%.asl%.ya?ml$')) then
      M.attach(bufnr)
    end
  end
end

return M
